package entrust

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

// FuzzDecodePage: a body of auditeventspaged never panics the decoder
// (AuditEventPage, what ListPage decodes); every record it yields has a
// time, re-decodes alone from its own JSON with the same uid, and ToOCSF
// gives a valid event that marshals to JSON. The paging cursors decode to
// strings whatever else paging holds. Seeds: the sample page of the
// research notes and generated records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.EntrustDocExamples() {
		f.Add([]byte(b))
	}
	gen := audittest.GenerateEntrustEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"results": gen, "paging": map[string]any{"nextCursor": "abc", "limit": 3}})
	f.Add(page)
	for _, s := range []string{"{}", "null", "[]", `{"results":null,"paging":null}`, `{"results":[{}]}`, `{"results":[null]}`,
		`{"results":[{"eventTime":"2024-06-18T00:00:00.000+0000","eventCategory":"MANAGEMENT","entityType":"USERS","entityAction":"ADD"}],"paging":{"nextCursor":7}}`,
		`{"paging":{"nextCursor":"x","prevCursor":null,"extra":[1,{}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Page
		if err := fuzzcheck.Decode(body, &p); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if _, err := json.Marshal(p.Paging); err != nil {
			t.Fatalf("paging does not marshal: %v", err)
		}
		fuzzcheck.Records(t, p.Results, fuzzcheck.Record[AuditEvent]{
			Time:   func(e AuditEvent) time.Time { return e.EventTime },
			Raw:    func(e AuditEvent) []byte { return e.Raw },
			UID:    func(e AuditEvent) string { return e.UID() },
			ToOCSF: ToOCSF,
		})
	})
}

// fzCursorServer is a hostile Entrust tenant: it authenticates anyone, and
// request i of auditeventspaged reads two bytes of script (cyclically):
// which of the pool's records its page holds (a bit mask) and its
// paging.nextCursor (null, a fixed cursor, a fresh one every time, or the
// cursor it was sent). It answers 500 from request fzMaxRequests on, so
// that a walk that would never end still stops, and the test can tell.
type fzCursorServer struct {
	script []byte
	pool   []json.RawMessage
	mu     sync.Mutex
	n      int
	// replayed is set once a page held a record sent before but not on
	// the page just before it (a walk compares each page with the one
	// before only: see the notes of issue 8).
	replayed bool
	sent     map[int]bool
	prev     map[int]bool
	cursors  []string // the cursors sent, in order
}

const fzMaxRequests = 300

func (f *fzCursorServer) RoundTrip(r *http.Request) (*http.Response, error) {
	code, body := 200, ""
	if strings.HasSuffix(r.URL.Path, "/authenticate") {
		body = `{"authToken":"fz-token-0a9b8c7d","creationTime":"2024-06-18T00:00:00Z","expirationTime":"2124-06-18T00:00:00Z"}`
	} else {
		var req struct {
			Cursor string `json:"cursor"`
		}
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &req)
		}
		f.mu.Lock()
		i := f.n
		f.n++
		f.cursors = append(f.cursors, req.Cursor)
		var b0, b1 byte
		if len(f.script) > 0 {
			b0, b1 = f.script[(2*i)%len(f.script)], f.script[(2*i+1)%len(f.script)]
		}
		var items []json.RawMessage
		page := map[int]bool{}
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
			if req.Cursor != "" {
				next = strconv.Quote(req.Cursor)
			} else {
				next = `"first"`
			}
		}
		list, _ := json.Marshal(items)
		if items == nil {
			list = []byte("[]")
		}
		body = `{"results":` + string(list) + `,"paging":{"nextCursor":` + next + `,"limit":3}}`
		if i >= fzMaxRequests {
			code, body = 500, `{"errorCode":"enough","errorMessage":"enough"}`
		}
	}
	return &http.Response{StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
}

// FuzzHostileCursor: a walk over a server that hands out cursors
// (repeated, fresh every time, or the one it was sent) with pages of
// records it already sent or none at all, started afresh or resumed from a
// checkpoint whose position holds any cursor. The walk never panics,
// yields no record twice, sends a resumed cursor as it is, and ends by
// itself (with an error or not) in a bounded number of requests.
func FuzzHostileCursor(f *testing.F) {
	f.Add([]byte{1, 2, 2, 2, 4, 0}, "", uint8(0))
	f.Add([]byte{0, 2}, "", uint8(0))
	f.Add([]byte{1, 1}, "", uint8(0))
	f.Add([]byte{3, 3}, "", uint8(0))
	f.Add([]byte{63, 2, 0, 2, 0, 2, 1, 0}, "", uint8(0))
	f.Add([]byte{7, 0}, "AAAAAQ==", uint8(2))
	f.Add([]byte{3, 2, 12, 0}, "<paging.nextCursor>", uint8(1))
	f.Add([]byte{}, "", uint8(0))
	end := time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC)
	pool := audittest.GenerateEntrustEvents(6, 11, end)
	f.Fuzz(func(t *testing.T, script []byte, start string, skip uint8) {
		if len(script) > 64 {
			return
		}
		srv := &fzCursorServer{script: script, pool: pool}
		c, err := NewClient("http://127.0.0.1:8080", "fz-app-1a2b3c", "fz-Secret-4d5e6f7a8b",
			auditclient.WithHTTPClient(&http.Client{Transport: srv}),
			auditclient.WithRateLimit(rate.Inf, 1), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		o := ListOptions{PageSize: 3, Since: end.Add(-30 * 24 * time.Hour), Until: end.Add(time.Hour)}
		var cp *auditclient.Checkpoint
		if start != "" {
			q := o
			q.Order = auditclient.OldestFirst // as Events asks
			cp = &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: Name,
				Query:    auditclient.Fingerprint(Name, q.filters()),
				Window:   auditclient.Window{Since: o.Since, Until: o.Until},
				Position: &auditclient.Position{Token: start, Skip: int(skip % 3)}}
		}
		it := c.Events(ctx, &o, cp)
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
		cursors := srv.cursors
		srv.mu.Unlock()
		if werr != nil && (strings.Contains(werr.Error(), "fz-Secret-4d5e6f7a8b") || strings.Contains(werr.Error(), "fz-token-0a9b8c7d")) {
			t.Fatalf("error names a secret: %v", werr)
		}
		// JSON carries text: each byte of invalid UTF-8 in a cursor is sent
		// as U+FFFD.
		var sent string
		b, _ := json.Marshal(start)
		_ = json.Unmarshal(b, &sent)
		if start != "" && len(cursors) > 0 && cursors[0] != sent {
			t.Fatalf("resumed at cursor %q, sent %q first", start, cursors[0])
		}
		if known {
			return
		}
		if twice != "" {
			t.Fatalf("script %v: record %s yielded twice", script, twice)
		}
		if n >= fzMaxRequests {
			t.Fatalf("script %v: the walk did not end by itself: %d requests (%v)", script, n, werr)
		}
	})
}
