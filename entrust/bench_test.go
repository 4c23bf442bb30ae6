package entrust_test

import (
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

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// events, 100 a page (20 round trips), the baseline authenticating once a
// walk, as the SDK's walks do here.
func benchFake(b *testing.B) *audittest.Entrust {
	fake := audittest.NewEntrust(audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(2000, 42, genEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
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

type plainPage[R any] struct {
	Results []R
	Paging  struct{ NextCursor *string }
}

// plainWalk authenticates, then posts the search and follows nextCursor,
// decoding records as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	var token string
	walktest.PlainWalk(b, 2000, func(p *plainPage[R]) *http.Request {
		body := map[string]any{"limit": 100, "orderByAttribute": map[string]any{"name": "eventTime", "ascending": true},
			"searchByAttributes": []any{map[string]string{"name": "eventTime", "operator": "LESS_THAN_OR_EQUAL", "value": "2030-01-01T00:00:00"}}}
		switch {
		case p == nil:
			var auth struct{ AuthToken string }
			walktest.Fetch(b, walktest.Request("POST", fake.URL()+"/api/web/v1/adminapi/authenticate",
				map[string]any{"applicationId": fake.ApplicationID(), "sharedSecret": fake.SharedSecret(), "enableWebSession": false}), &auth)
			token = auth.AuthToken
		case p.Paging.NextCursor == nil:
			return nil
		default:
			body = map[string]any{"limit": 100, "cursor": *p.Paging.NextCursor}
		}
		return walktest.Request("POST", fake.URL()+"/api/web/v2/reports/auditeventspaged", body, "Authorization", token)
	}, func(p *plainPage[R]) int { return len(p.Results) })
}

func BenchmarkWalkList(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchList(b, 2000, func() iter.Seq2[entrust.AuditEvent, error] {
		if err := c.Authenticate(context.Background()); err != nil { // once per walk, as the baseline does
			b.Fatal(err)
		}
		return c.Pages(context.Background(), &entrust.ListOptions{PageSize: 100, Order: auditclient.OldestFirst}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		if err := c.Authenticate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return c.Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	})
}
