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

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// records, 100 a page (20 round trips), the baseline following next links.
func benchFake(b *testing.B) *audittest.Cisco {
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(2000, 42, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
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

type plainPage[R any] struct {
	Metadata struct{ Links struct{ Next string } }
	Data     []R
}

func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	walktest.PlainWalk(b, 2000, func(p *plainPage[R]) *http.Request {
		link := fake.URL() + "/v1/audit_logs?limit=100"
		if p != nil {
			link = p.Metadata.Links.Next
		}
		if link == "" {
			return nil
		}
		req := walktest.Request("GET", link, nil)
		req.SetBasicAuth(fake.ClientID(), fake.APIKey())
		return req
	}, func(p *plainPage[R]) int { return len(p.Data) })
}

func BenchmarkWalkList(b *testing.B) {
	c := fakeClient(&testing.T{}, benchFake(b))
	walktest.BenchList(b, 2000, func() iter.Seq2[cisco.AuditLog, error] {
		return c.Pages(context.Background(), &cisco.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	c := fakeClient(&testing.T{}, benchFake(b))
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &cisco.ListOptions{PageSize: 100}, nil)
	})
}
