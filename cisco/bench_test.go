package cisco_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
)

// The walk benchmarks read the same 2,000 records from the same fake, 100
// per page (20 round trips on loopback). Compare:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./cisco/
//
// BenchmarkWalkPlainHTTP is the baseline: a hand-written loop with net/http
// and encoding/json that follows next links and decodes records as raw JSON.
func benchFake(b *testing.B) *audittest.Cisco {
	b.Helper()
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(2000, 42, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B) { plainWalk[json.RawMessage](b) }

// BenchmarkWalkPlainHTTPTyped is the same loop decoding each record into a
// plain struct with the document's fields: the work a hand-written client
// would do.
func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainRecord](b) }

type plainRecord struct {
	Event         string         `json:"event"`
	AuditLogType  string         `json:"audit_log_type"`
	AuditLogID    string         `json:"audit_log_id"`
	AuditLogUser  string         `json:"audit_log_user"`
	CreatedAt     time.Time      `json:"created_at"`
	OldAttributes map[string]any `json:"old_attributes"`
	NewAttributes map[string]any `json:"new_attributes"`
	Item          *string        `json:"item"`
	Message       *string        `json:"message"`
}

// plainWalk follows next links with net/http and encoding/json, decoding
// records as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	hc := &http.Client{}
	for b.Loop() {
		n := 0
		link := fake.URL() + "/v1/audit_logs?limit=100"
		for link != "" {
			req, _ := http.NewRequest("GET", link, nil)
			req.SetBasicAuth(fake.ClientID(), fake.APIKey())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Metadata struct {
					Links struct{ Next string }
				}
				Data []R
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Data)
			link = page.Metadata.Links.Next
		}
		if n != 2000 {
			b.Fatalf("%d records", n)
		}
	}
}

func BenchmarkWalkList(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(&testing.T{}, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[cisco.AuditLog, error] {
		return c.Pages(context.Background(), &cisco.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(&testing.T{}, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &cisco.ListOptions{PageSize: 100}, nil)
	})
}
