package nprinting

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// FuzzDecodePage: a body of GET /api/v1/audit/events never panics the
// decoder (Page, what ListPage decodes); a body that
// decodes has the envelope the package promises (a data member with
// totalItems and items, non-negative counts); every record it yields has a
// time, re-decodes alone from its own JSON with the same uid, and ToOCSF
// gives a valid event that marshals to JSON. Seeds: the document's example,
// the fixture of vendors.md and generated records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.NPrintingDocExamples() {
		f.Add([]byte(b))
	}
	gen := audittest.GenerateNPrintingEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"data": map[string]any{"totalItems": 3, "offset": 0, "limit": 3, "items": gen}})
	f.Add(page)
	for _, s := range []string{"{}", "null", "[]", `{"data":null}`, `{"data":{"totalItems":0,"items":[]}}`,
		`{"data":{"totalItems":1,"items":[{}]}}`, `{"data":{"totalItems":-1,"items":[]}}`,
		`{"data":{"totalItems":1,"items":[{"eventTime":"2024-06-18T00:00:00Z","action":"Login"}]}}`,
		`{"data":{"totalItems":"1","items":{}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Page
		err := fuzzcheck.Decode(body, &r)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if r.Data.TotalItems < 0 || r.Data.Offset < 0 || r.Data.Limit < 0 || r.Data.Items == nil {
			t.Fatalf("decoded a page the package promises to refuse: %+v from %s", r.Data, body)
		}
		fuzzcheck.Records(t, r.Data.Items, fuzzcheck.Record[AuditEvent]{
			Time:   func(e AuditEvent) time.Time { return e.EventTime },
			Raw:    func(e AuditEvent) []byte { return e.Raw },
			UID:    func(e AuditEvent) string { return e.UID() },
			ToOCSF: ToOCSF,
		})
	})
}

// fzLog serves a log of records by offset and limit, in memory, and counts
// the requests.
type fzLog struct {
	recs []json.RawMessage
	mu   sync.Mutex
	n    int
}

func (f *fzLog) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	lo := min(max(off, 0), len(f.recs))
	hi := lo + min(max(limit, 0), len(f.recs)-lo)
	items, _ := json.Marshal(f.recs[lo:hi])
	body := `{"data":{"totalItems":` + strconv.Itoa(len(f.recs)) + `,"offset":` + strconv.Itoa(off) +
		`,"limit":` + strconv.Itoa(limit) + `,"items":` + string(items) + `}}`
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
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
		n := int(total) % (len(all) + 1)
		log := &fzLog{recs: all[:n]}
		c, err := NewClient("http://127.0.0.1:8080", "fz-Key-7c1e5d9a0b", auditclient.WithHTTPClient(&http.Client{Transport: log}),
			auditclient.WithRateLimit(rate.Inf, 1), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		const limit = 5
		o := ListOptions{PageSize: limit, Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
		sk := int(skip % 4)
		cp := &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: Name,
			Query:    auditclient.Fingerprint(Name, o.filters()),
			Window:   auditclient.Window{Until: o.Until},
			Position: &auditclient.Position{Token: tok, Skip: sk}}
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
		it := c.Events(ctx, &o, cp)
		var got []int
		seen := map[string]bool{}
		for it.Next() {
			uid := it.Event().Metadata.UID
			if seen[uid] {
				t.Fatalf("token %q: record %s yielded twice", tok, uid)
			}
			seen[uid] = true
			i, ok := index[uid]
			if !ok {
				t.Fatalf("token %q: an event not in the log: %s", tok, uid)
			}
			got = append(got, i)
			if len(got) > n {
				t.Fatalf("token %q: more events than the log holds (%d)", tok, n)
			}
		}
		werr := it.Err()
		it.Close()
		if werr != nil && strings.Contains(werr.Error(), "fz-Key-7c1e5d9a0b") {
			t.Fatalf("error names the token: %v", werr)
		}
		log.mu.Lock()
		reqs := log.n
		log.mu.Unlock()
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
