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

// The walk benchmarks read the same 2,000 events from the same fake, 100
// per page (20 round trips on loopback). Compare:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./instavm/
//
// BenchmarkWalkPlainHTTP is the baseline: a hand-written loop with net/http
// and encoding/json that follows next_cursor and decodes events as raw
// JSON; BenchmarkWalkPlainHTTPTyped decodes them into a plain struct of the
// document's fields, the work a hand-written client would do.
func benchFake(b *testing.B) *audittest.Instavm {
	b.Helper()
	fake := audittest.NewInstavm(audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B) { plainWalk[json.RawMessage](b) }

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

// plainWalk follows next_cursor with net/http and encoding/json, decoding
// events as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	hc := &http.Client{}
	for b.Loop() {
		n := 0
		cursor := ""
		for {
			q := url.Values{"limit": {"100"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			req, _ := http.NewRequest("GET", fake.URL()+"/v1/audit/events?"+q.Encode(), nil)
			req.Header.Set("X-API-Key", fake.APIKey())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Items      []R     `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Items)
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		if n != 2000 {
			b.Fatalf("%d events", n)
		}
	}
}

func BenchmarkWalkPages(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[instavm.AuditEvent, error] {
		return c.Pages(context.Background(), &instavm.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &instavm.ListOptions{PageSize: 100}, nil)
	})
}
