package instavm

import (
	"context"
	"encoding/json"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// FuzzDecodePage: a body of GET /v1/audit/events never panics the decoder
// (Page, what ListPage decodes); every item it yields has a
// time, re-decodes alone from its own JSON with the same uid, and ToOCSF
// gives a valid event that marshals to JSON. Seeds: the examples of
// InstavmDocExamples and generated items.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.InstavmDocExamples() {
		f.Add([]byte(b))
	}
	gen := audittest.GenerateInstavmEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"items": gen, "next_cursor": "abc"})
	f.Add(page)
	for _, s := range []string{"{}", "null", "[]", `{"items":null,"next_cursor":null}`, `{"items":[{}]}`, `{"items":[null]}`,
		`{"items":[{"id":1,"created_at":"2024-06-18T00:00:00Z"}],"next_cursor":7}`,
		`{"items":[{"id":"x","created_at":"2024-06-18T00:00:00","event_type":"login","status":"failure"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var l Page
		if err := fuzzcheck.Decode(body, &l); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		_ = l.Next()
		fuzzcheck.Records(t, l.Items, fuzzcheck.Record[AuditEvent]{
			Time:   func(e AuditEvent) time.Time { return e.CreatedAt },
			Raw:    func(e AuditEvent) []byte { return e.Raw },
			UID:    func(e AuditEvent) string { return e.UID() },
			ToOCSF: ToOCSF,
		})
	})
}

// fzCursorServer is a hostile server of GET /v1/audit/events: request i
// reads two bytes of script (cyclically): which of the pool's records its
// page holds (a bit mask) and its next_cursor (null, a fixed cursor, a
// fresh one every time, or the cursor it was asked for). It answers 500
// from request fzMaxRequests on, so that a walk that would never end
// still stops, and the test can tell.
type fzCursorServer struct {
	script []byte
	pool   []json.RawMessage
	mu     sync.Mutex
	n      int
	// replayed is set once a page held a record sent before but not on
	// the page just before it: the known weakness (see the notes of issue
	// 8) of a walk that compares each page with the previous one only.
	replayed bool
	sent     map[int]bool
	prev     map[int]bool
}

const fzMaxRequests = 300

func (f *fzCursorServer) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	i := f.n
	f.n++
	f.mu.Unlock()
	code, body := 200, ""
	switch {
	case i >= fzMaxRequests:
		code, body = 500, `{"detail":"enough"}`
	default:
		var b0, b1 byte
		if len(f.script) > 0 {
			b0, b1 = f.script[(2*i)%len(f.script)], f.script[(2*i+1)%len(f.script)]
		}
		var items []json.RawMessage
		page := map[int]bool{}
		f.mu.Lock()
		for k := range f.pool {
			if b0&(1<<k) != 0 {
				items = append(items, f.pool[k])
				page[k] = true
				if f.sent[k] && !f.prev[k] {
					f.replayed = true
				}
			}
		}
		if f.sent == nil {
			f.sent = map[int]bool{}
		}
		for k := range page {
			f.sent[k] = true
		}
		f.prev = page
		f.mu.Unlock()
		next := "null"
		switch b1 % 4 {
		case 1:
			next = `"fixed"`
		case 2:
			next = `"c` + strconv.Itoa(i) + `"`
		case 3:
			if c := r.URL.Query().Get("cursor"); c != "" {
				next = strconv.Quote(c)
			} else {
				next = `"first"`
			}
		}
		list, _ := json.Marshal(items)
		if items == nil {
			list = []byte("[]")
		}
		body = `{"items":` + string(list) + `,"next_cursor":` + next + `}`
	}
	return &http.Response{StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
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
		srv := &fzCursorServer{script: script, pool: pool}
		c, err := NewClient("fz-Key-7c1e5d9a0b", auditclient.WithBaseURL("http://127.0.0.1:8080"), auditclient.WithHTTPClient(&http.Client{Transport: srv}),
			auditclient.WithRateLimit(rate.Inf, 1), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		it := c.Events(ctx, &ListOptions{PageSize: 3, Since: end.Add(-30 * 24 * time.Hour), Until: end.Add(time.Hour)}, nil)
		seen := map[string]bool{}
		twice := ""
		for it.Next() {
			uid := it.Event().Metadata.UID
			if seen[uid] {
				twice = uid
			}
			seen[uid] = true
		}
		werr := it.Err()
		it.Close()
		srv.mu.Lock()
		n := srv.n
		known := srv.replayed && os.Getenv("AUDITKIT_FUZZ_SKIP_KNOWN") != ""
		srv.mu.Unlock()
		if known {
			return
		}
		if twice != "" {
			t.Fatalf("script %v: record %s yielded twice", script, twice)
		}
		if n >= fzMaxRequests {
			t.Fatalf("script %v: the walk did not end by itself: %d requests (%v)", script, n, werr)
		}
		if werr != nil && strings.Contains(werr.Error(), "fz-Key-7c1e5d9a0b") {
			t.Fatalf("error names the API key: %v", werr)
		}
	})
}
