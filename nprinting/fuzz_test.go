package nprinting

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a body of GET /api/v1/audit/events never panics the
// decoder (Page, what ListPage decodes); a body that decodes has the
// envelope the package promises (a data member with totalItems and items,
// non-negative counts); every record it yields has a time, re-decodes
// alone from its own JSON with the same uid, and ToOCSF gives a valid
// event that marshals to JSON (fuzzcheck.Page). Seeds: the document's
// example, the fixture of vendors.md and generated records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.NPrintingDocExamples() {
		fuzzcheck.Add(f, b)
	}
	gen := audittest.GenerateNPrintingEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"data": map[string]any{"totalItems": 3, "offset": 0, "limit": 3, "items": gen}})
	fuzzcheck.Add(f, page)
	fuzzcheck.Add(f, "{}", "null", "[]", `{"data":null}`, `{"data":{"totalItems":0,"items":[]}}`,
		`{"data":{"totalItems":1,"items":[{}]}}`, `{"data":{"totalItems":-1,"items":[]}}`,
		`{"data":{"totalItems":1,"items":[{"eventTime":"2024-06-18T00:00:00Z","action":"Login"}]}}`,
		`{"data":{"totalItems":"1","items":{}}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Page(t, body, func(r *Page) []AuditEvent {
			if r.Data.TotalItems < 0 || r.Data.Offset < 0 || r.Data.Limit < 0 || r.Data.Items == nil {
				t.Fatalf("decoded a page the package promises to refuse: %+v from %s", r.Data, body)
			}
			return r.Data.Items
		}, fuzzcheck.Record[AuditEvent]{
			Time: func(e AuditEvent) time.Time { return e.EventTime }, Raw: func(e AuditEvent) []byte { return e.Raw },
			UID: (*AuditEvent).UID, ToOCSF: ToOCSF,
		})
	})
}

// FuzzOffsetToken: a walk resumed from a checkpoint whose position holds
// any token (an offset, as NPrinting pages) and skip, over a log of total
// records served exactly by offset and limit. It never panics and ends
// within the pages the log has (plus a few); it never yields a record
// twice; and when the token is a canonical offset within the log, the walk
// succeeds and yields exactly the records from that offset plus skip to the
// end, in order (or, when skip passes the end of that page, the whole page
// again: the iterator replays a page whose resume position it cannot find).
func FuzzOffsetToken(f *testing.F) {
	for _, s := range []string{"", "0", "5", "7", "20", "-5", "+5", "05", "1e3", "9223372036854775807", "99999999999999999999", "x", " 5"} {
		f.Add(s, uint8(0), uint16(20))
	}
	f.Add("10", uint8(2), uint16(13))
	f.Add("0", uint8(1), uint16(0))
	all := audittest.GenerateNPrintingEvents(300, 3, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	f.Fuzz(func(t *testing.T, tok string, skip uint8, total uint16) {
		// A log of n records served exactly by offset and limit, in memory.
		n := int(total) % (len(all) + 1)
		var mu sync.Mutex
		reqs := 0
		c, err := NewClient("http://127.0.0.1:8080", "fz-Key-7c1e5d9a0b", fuzzcheck.Options(fuzzcheck.Transport(func(r *http.Request) (int, string) {
			mu.Lock()
			reqs++
			mu.Unlock()
			q := r.URL.Query()
			off, _ := strconv.Atoi(q.Get("offset"))
			limit, _ := strconv.Atoi(q.Get("limit"))
			lo := min(max(off, 0), n)
			hi := lo + min(max(limit, 0), n-lo)
			items, _ := json.Marshal(all[lo:hi])
			return 200, fmt.Sprintf(`{"data":{"totalItems":%d,"offset":%d,"limit":%d,"items":%s}}`, n, off, limit, items)
		}))...)
		if err != nil {
			t.Fatal(err)
		}
		const limit = 5
		o := ListOptions{PageSize: limit, Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
		sk := int(skip % 4)
		cp := fuzzcheck.Checkpoint(Name, o.filters(), auditclient.Window{Until: o.Until}, tok, sk)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		index := map[string]int{}
		for i, r := range all[:n] {
			var e AuditEvent
			if err := json.Unmarshal(r, &e); err != nil {
				t.Fatal(err)
			}
			index[e.UID()] = i
		}
		uids, twice, werr := fuzzcheck.Walk(t, c.Events(ctx, &o, cp), n, "fz-Key-7c1e5d9a0b")
		if twice != "" {
			t.Fatalf("token %q: record %s yielded twice", tok, twice)
		}
		if len(uids) > n {
			t.Fatalf("token %q: more events than the log holds (%d)", tok, n)
		}
		var got []int
		for _, uid := range uids {
			i, ok := index[uid]
			if !ok {
				t.Fatalf("token %q: an event not in the log: %s", tok, uid)
			}
			got = append(got, i)
		}
		mu.Lock()
		defer mu.Unlock()
		if reqs > n/limit+4 {
			t.Fatalf("token %q over %d records: %d requests", tok, n, reqs)
		}
		k, perr := strconv.Atoi(tok)
		if tok == "" {
			k, perr = 0, nil
		}
		if perr != nil || k < 0 || strconv.Itoa(k) != tok && tok != "" || k > n {
			return
		}
		if werr != nil {
			t.Fatalf("token %q skip %d over %d consistent records: %v", tok, sk, n, werr)
		}
		// A skip past the end of the page at k (the log shrank since the
		// checkpoint) is not found: the iterator replays that page, at
		// least once rather than lose a record.
		from := k + sk
		if sk > min(limit, n-k) {
			from = k
		}
		want := make([]int, 0, n)
		for i := from; i < n; i++ {
			want = append(want, i)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("token %q skip %d over %d records: yielded %v, want %v", tok, sk, n, got, want)
		}
	})
}
