package entrust_test

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/walktest"
)

// The walk benchmarks read the same 2,000 events from the same fake, 100
// per page (20 round trips on loopback). Compare:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./entrust/
//
// BenchmarkWalkPlainHTTP is the baseline: a hand-written loop with net/http
// and encoding/json that authenticates once, then posts the search and
// follows nextCursor, decoding records as raw JSON.
func benchFake(b *testing.B) *audittest.Entrust {
	b.Helper()
	fake := audittest.NewEntrust(audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(2000, 42, genEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B) { plainWalk[json.RawMessage](b) }

// BenchmarkWalkPlainHTTPTyped is the same loop decoding each record into a
// plain struct with the reference's fields: the work a hand-written client
// would do.
func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainRecord](b) }

type plainRecord struct {
	ID                           string          `json:"id"`
	EventTime                    time.Time       `json:"eventTime"`
	EventCategory                string          `json:"eventCategory"`
	EventOutcome                 string          `json:"eventOutcome"`
	EventType                    string          `json:"eventType"`
	EventVersion                 string          `json:"eventVersion"`
	Message                      string          `json:"message"`
	AccountID                    string          `json:"accountId"`
	Subject                      string          `json:"subject"`
	SubjectName                  string          `json:"subjectName"`
	SourceIP                     string          `json:"sourceIp"`
	EntityID                     string          `json:"entityId"`
	EntityName                   string          `json:"entityName"`
	EntityType                   string          `json:"entityType"`
	EntityAction                 string          `json:"entityAction"`
	ResourceID                   string          `json:"resourceId"`
	ResourceName                 string          `json:"resourceName"`
	RequiredPermission           string          `json:"requiredPermission"`
	ServiceProviderAdminRoleID   string          `json:"serviceProviderAdminRoleId"`
	ServiceProviderAdminRoleName string          `json:"serviceProviderAdminRoleName"`
	AuditDetails                 json.RawMessage `json:"auditDetails"`
}

func post(b *testing.B, hc *http.Client, url, token string, body, out any) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

// plainWalk authenticates, then walks the pages, decoding records as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	hc := &http.Client{}
	for b.Loop() {
		var auth struct{ AuthToken string }
		post(b, hc, fake.URL()+"/api/web/v1/adminapi/authenticate", "",
			map[string]any{"applicationId": fake.ApplicationID(), "sharedSecret": fake.SharedSecret(), "enableWebSession": false}, &auth)
		body := map[string]any{"limit": 100, "orderByAttribute": map[string]any{"name": "eventTime", "ascending": true},
			"searchByAttributes": []any{map[string]string{"name": "eventTime", "operator": "LESS_THAN_OR_EQUAL", "value": "2030-01-01T00:00:00"}}}
		n := 0
		for {
			var page struct {
				Results []R
				Paging  struct{ NextCursor *string }
			}
			post(b, hc, fake.URL()+"/api/web/v2/reports/auditeventspaged", auth.AuthToken, body, &page)
			n += len(page.Results)
			if page.Paging.NextCursor == nil {
				break
			}
			body = map[string]any{"limit": 100, "cursor": *page.Paging.NextCursor}
		}
		if n != 2000 {
			b.Fatalf("%d records", n)
		}
	}
}

func BenchmarkWalkList(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[entrust.AuditEvent, error] {
		if err := c.Authenticate(context.Background()); err != nil { // once per walk, as the baseline does
			b.Fatal(err)
		}
		return c.Pages(context.Background(), &entrust.ListOptions{PageSize: 100, Order: auditclient.OldestFirst}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		if err := c.Authenticate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return c.Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	})
}
