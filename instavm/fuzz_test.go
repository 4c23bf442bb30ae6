package instavm

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a body of GET /v1/audit/events never panics the decoder
// (Page, what ListPage decodes); every item it yields has a time,
// re-decodes alone from its own JSON with the same uid, and ToOCSF gives a
// valid event that marshals to JSON (fuzzcheck.Page). Seeds: the examples
// of InstavmDocExamples and generated items.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.InstavmDocExamples() {
		fuzzcheck.Add(f, b)
	}
	gen := audittest.GenerateInstavmEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"items": gen, "next_cursor": "abc"})
	fuzzcheck.Add(f, page)
	fuzzcheck.Add(f, "{}", "null", "[]", `{"items":null,"next_cursor":null}`, `{"items":[{}]}`, `{"items":[null]}`,
		`{"items":[{"id":1,"created_at":"2024-06-18T00:00:00Z"}],"next_cursor":7}`,
		`{"items":[{"id":"x","created_at":"2024-06-18T00:00:00","event_type":"login","status":"failure"}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		if p := fuzzcheck.Page(t, body, func(p *Page) []AuditEvent { return p.Items }, fuzzcheck.Record[AuditEvent]{
			Time: func(e AuditEvent) time.Time { return e.CreatedAt }, Raw: func(e AuditEvent) []byte { return e.Raw },
			UID: (*AuditEvent).UID, ToOCSF: ToOCSF,
		}); p != nil {
			_ = p.Next()
		}
	})
}

// FuzzHostileCursor: a server that hands out cursors (repeated, fresh
// every time, or the one asked for) with pages of records it already sent
// or none at all. The walk never panics, yields no record twice, and ends
// by itself (with an error or not) in a bounded number of requests, never
// needing the server to stop answering.
func FuzzHostileCursor(f *testing.F) {
	f.Add([]byte{1, 2, 2, 2, 4, 0})
	f.Add([]byte{0, 2})
	f.Add([]byte{1, 1})
	f.Add([]byte{3, 3})
	f.Add([]byte{63, 2, 0, 2, 0, 2, 1, 0})
	f.Add([]byte{})
	end := time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC)
	pool := audittest.GenerateInstavmEvents(6, 11, end)
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 64 {
			return
		}
		srv := &fuzzcheck.Cursors{Script: script, Pool: pool,
			Cursor: func(r *http.Request) string { return r.URL.Query().Get("cursor") },
			Body:   func(items, next string) string { return `{"items":` + items + `,"next_cursor":` + next + `}` }}
		c, err := NewClient("fz-Key-7c1e5d9a0b", append(fuzzcheck.Options(srv), auditclient.WithBaseURL("http://127.0.0.1:8080"))...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		srv.Check(t, c.Events(ctx, &ListOptions{PageSize: 3, Since: end.Add(-30 * 24 * time.Hour), Until: end.Add(time.Hour)}, nil), "fz-Key-7c1e5d9a0b")
	})
}
