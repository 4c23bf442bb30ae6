package entrust

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a body of auditeventspaged never panics the decoder
// (Page, what ListPage decodes); every record it yields has a time,
// re-decodes alone from its own JSON with the same uid, and ToOCSF gives a
// valid event that marshals to JSON (fuzzcheck.Page). The paging cursors
// decode to strings whatever else paging holds. Seeds: the sample page of
// the research notes and generated records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.EntrustDocExamples() {
		fuzzcheck.Add(f, b)
	}
	gen := audittest.GenerateEntrustEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"results": gen, "paging": map[string]any{"nextCursor": "abc", "limit": 3}})
	fuzzcheck.Add(f, page)
	fuzzcheck.Add(f, "{}", "null", "[]", `{"results":null,"paging":null}`, `{"results":[{}]}`, `{"results":[null]}`,
		`{"results":[{"eventTime":"2024-06-18T00:00:00.000+0000","eventCategory":"MANAGEMENT","entityType":"USERS","entityAction":"ADD"}],"paging":{"nextCursor":7}}`,
		`{"paging":{"nextCursor":"x","prevCursor":null,"extra":[1,{}]}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		p := fuzzcheck.Page(t, body, func(p *Page) []AuditEvent { return p.Results }, fuzzcheck.Record[AuditEvent]{
			Time: func(e AuditEvent) time.Time { return e.EventTime }, Raw: func(e AuditEvent) []byte { return e.Raw },
			UID: (*AuditEvent).UID, ToOCSF: ToOCSF,
		})
		if p == nil {
			return
		}
		if _, err := json.Marshal(p.Paging); err != nil {
			t.Fatalf("paging does not marshal: %v", err)
		}
	})
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
		// A hostile Entrust tenant (fuzzcheck.Cursors): it authenticates
		// anyone, and reads the cursor of auditeventspaged from the search.
		srv := &fuzzcheck.Cursors{Script: script, Pool: pool,
			Cursor: func(r *http.Request) string {
				var req struct{ Cursor string }
				if r.Body != nil {
					b, _ := io.ReadAll(r.Body)
					_ = json.Unmarshal(b, &req)
				}
				return req.Cursor
			},
			Body: func(items, next string) string {
				return `{"results":` + items + `,"paging":{"nextCursor":` + next + `,"limit":3}}`
			},
			Other: func(r *http.Request) (string, bool) {
				return `{"authToken":"fz-token-0a9b8c7d","creationTime":"2024-06-18T00:00:00Z","expirationTime":"2124-06-18T00:00:00Z"}`,
					strings.HasSuffix(r.URL.Path, "/authenticate")
			}}
		c, err := NewClient("http://127.0.0.1:8080", "fz-app-1a2b3c", "fz-Secret-4d5e6f7a8b", fuzzcheck.Options(srv)...)
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
			cp = fuzzcheck.Checkpoint(Name, q.filters(), auditclient.Window{Since: o.Since, Until: o.Until}, start, int(skip%3))
		}
		cursors := srv.Check(t, c.Events(ctx, &o, cp), "fz-Secret-4d5e6f7a8b", "fz-token-0a9b8c7d")
		// JSON carries text: each byte of invalid UTF-8 in a cursor is sent
		// as U+FFFD.
		var sent string
		b, _ := json.Marshal(start)
		_ = json.Unmarshal(b, &sent)
		if start != "" && len(cursors) > 0 && cursors[0] != sent {
			t.Fatalf("resumed at cursor %q, sent %q first", start, cursors[0])
		}
	})
}
