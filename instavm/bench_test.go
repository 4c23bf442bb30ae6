package instavm_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/walktest"
)

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// events, 100 a page (20 round trips), the baseline following next_cursor.
func benchFake(b *testing.B) *audittest.Instavm {
	fake := audittest.NewInstavm(audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainEvent](b) }

type plainEvent struct {
	ID            string          `json:"id"`
	CreatedAt     string          `json:"created_at"`
	UserID        *int64          `json:"user_id"`
	ActorType     string          `json:"actor_type"`
	ActorID       *string         `json:"actor_id"`
	Source        string          `json:"source"`
	EventGroup    string          `json:"event_group"`
	EventType     string          `json:"event_type"`
	Status        string          `json:"status"`
	ResourceType  *string         `json:"resource_type"`
	ResourceID    *string         `json:"resource_id"`
	SessionID     *string         `json:"session_id"`
	VMID          *string         `json:"vm_id"`
	TaskID        *int64          `json:"task_id"`
	RequestID     *string         `json:"request_id"`
	CorrelationID *string         `json:"correlation_id"`
	HTTPMethod    *string         `json:"http_method"`
	Path          *string         `json:"path"`
	HTTPStatus    *int            `json:"http_status"`
	LatencyMS     *float64        `json:"latency_ms"`
	IPAddress     *string         `json:"ip_address"`
	UserAgent     *string         `json:"user_agent"`
	NodeIP        *string         `json:"node_ip"`
	WorkerID      *string         `json:"worker_id"`
	EventPayload  json.RawMessage `json:"event_payload"`
	ErrorMessage  *string         `json:"error_message"`
}

type plainPage[R any] struct {
	Items      []R     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// plainWalk follows next_cursor, decoding events as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	walktest.PlainWalk(b, 2000, func(p *plainPage[R]) *http.Request {
		q := url.Values{"limit": {"100"}}
		if p != nil && p.NextCursor == nil {
			return nil
		} else if p != nil {
			q.Set("cursor", *p.NextCursor)
		}
		return walktest.Request("GET", fake.URL()+"/v1/audit/events?"+q.Encode(), nil, "X-API-Key", fake.APIKey())
	}, func(p *plainPage[R]) int { return len(p.Items) })
}

func BenchmarkWalkPages(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchList(b, 2000, func() iter.Seq2[instavm.AuditEvent, error] {
		return c.Pages(context.Background(), &instavm.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &instavm.ListOptions{PageSize: 100}, nil)
	})
}
