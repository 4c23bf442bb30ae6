package nprinting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/ocsf"
)

var dataEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// faultyFake serves 2,000 events with the fault mix of walktest.FaultMix.
func faultyFake(t *testing.T, seed int64) *audittest.NPrinting {
	t.Helper()
	return audittest.StartNPrinting(t, audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(2000, 42, dataEnd),
		Faults: walktest.FaultMix(seed),
	})
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.NPrinting, opts ...auditclient.Option) *nprinting.Client {
	t.Helper()
	c, err := nprinting.NewClient(fake.URL(), fake.Token(), walktest.FastOptions("", opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Once the first page has told the total, later pages are requested
// several at once, and still yielded in order.
func TestPagesFetchedConcurrently(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(1000, 2, dataEnd)})
	var mu sync.Mutex
	var inflight, peak int
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		if inflight >= 4 {
			release()
		}
		mu.Unlock()
		if r.URL.Query().Get("offset") != "" {
			select { // hold later pages until four are in flight together
			case <-gate:
			case <-time.After(2 * time.Second):
			}
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, fake.URL()+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			defer resp.Body.Close()
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			buf := new(bytes.Buffer)
			buf.ReadFrom(resp.Body)
			w.Write(buf.Bytes())
		}
		mu.Lock()
		inflight--
		mu.Unlock()
	}))
	defer proxy.Close()
	c, err := nprinting.NewClient(proxy.URL, fake.Token(), walktest.FastOptions("")...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 50}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()))
	mu.Lock()
	defer mu.Unlock()
	if peak < 4 {
		t.Errorf("at most %d requests in flight at once, want 4", peak)
	}
}

// Offsets over a live log show a record twice when records arrive during a
// walk, and the same shift pushes records past the pages the total
// announced: with the total pinned, overlapping pages mean skipped records.
// So a walk whose pages overlap ends with a DecodeError rather than losing
// records in silence (it used to end without an error, having dropped the
// repeats and lost the records pushed past the last page); a page made
// only of records already seen is one too (it used to keep its last record
// and go on). Within a walk that completes, no record is yielded twice.
func TestOverlappingPagesEndTheWalk(t *testing.T) {
	const n = 25
	rec := func(i int) string {
		return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"2024-06-19T11:%02d:00.000+00:00","action":"View","target":"Report","source":"NewsStand","userName":"CORP\\u%d"}`, i, 59-i, i)
	}
	serve := func(overlap func(offset int) int) *httptest.Server {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			if off == 5 {
				time.Sleep(30 * time.Millisecond) // the second page comes back after later ones
			}
			from := off
			if off > 0 {
				from = off - overlap(off)
			}
			var items []string
			for i := from; i < min(from+lim, n); i++ {
				items = append(items, rec(i))
			}
			fmt.Fprintf(w, `{"data":{"totalItems":%d,"offset":%d,"limit":%d,"items":[%s]}}`, n, off, lim, strings.Join(items, ","))
		}))
		t.Cleanup(ts.Close)
		return ts
	}
	path := func(err error) string {
		var de *auditclient.DecodeError
		if !errors.As(err, &de) {
			return fmt.Sprintf("%T %v", err, err)
		}
		return de.Path
	}
	walk := func(ts *httptest.Server) ([]string, error) {
		c, err := nprinting.NewClient(ts.URL, testToken, walktest.FastOptions("")...)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		var walkErr error
		for e, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 5}).All() {
			if err != nil {
				walkErr = err
				break
			}
			ids = append(ids, e.ID[len(e.ID)-2:])
		}
		// Events checks the same way.
		it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 5}, nil)
		defer it.Close()
		got := walktest.Collect(t, it, -1)
		if len(got) != len(ids) || (it.Err() == nil) != (walkErr == nil) || path(it.Err()) != path(walkErr) {
			t.Errorf("Events yielded %d (%v), Pages %d (%v)", len(got), it.Err(), len(ids), walkErr)
		}
		return ids, walkErr
	}

	// Each page repeats the last two records of the page before: the
	// repeats are dropped, and the last page finds that 23 distinct
	// records cannot make the 25 announced.
	ids, err := walk(serve(func(int) int { return 2 }))
	var want []string
	for i := range 18 { // 0-4, 3-7 (5-7 new), 8-12, 13-17; the last page, 18-22, fails
		want = append(want, fmt.Sprintf("%02d", i))
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") || path(err) != "$.data.items" ||
		!strings.Contains(err.Error(), "23 distinct records") {
		t.Errorf("shifted pages: ids %v, error %v", ids, err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("record %s yielded twice", id)
		}
		seen[id] = true
	}

	// A page made only of records already seen (the page at offset 5
	// repeats the first) ends the walk after the first page.
	ids, err = walk(serve(func(off int) int {
		if off == 5 {
			return 5
		}
		return 0
	}))
	if strings.Join(ids, ",") != "00,01,02,03,04" || path(err) != "$.data.items" || !strings.Contains(err.Error(), "repeated a page") {
		t.Errorf("a repeated page: ids %v, error %v", ids, err)
	}

	// Pages that do not overlap walk to the end.
	ids, err = walk(serve(func(int) int { return 0 }))
	if len(ids) != n || err != nil {
		t.Errorf("consistent pages: %d records, %v", len(ids), err)
	}
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows and options, as every vendor's: see internal/conformance (and its
// COVERAGE.md for the tests of this file it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, nprinting.Name) }

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := faultyFake(t, 11)
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), &nprinting.ListOptions{PageSize: 100}, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, walktest.CompactAll(t, fake.Events()), []string{fake.Token()}, walktest.Collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	if cp.Position == nil || cp.Position.Token != "700" || cp.Position.Skip != 77 {
		t.Errorf("checkpoint position %+v, want the 78th record of the page at offset 700", cp.Position)
	}
}

// A completed walk's checkpoint makes the next walk yield only the events
// that arrived since, including new ones at the very millisecond of the
// last event seen (not lost) while those already seen there are not
// repeated.
func TestIncrementalSync(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(300, 5, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 40}, nil)
	first := walktest.Collect(t, it, -1)
	if it.Err() != nil || len(first) != 300 {
		t.Fatalf("first walk: %d events, %v", len(first), it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	if !cp.Complete() || !cp.HighWater.Equal(dataEnd) || len(cp.Boundary) == 0 {
		t.Fatalf("checkpoint after a full walk: %+v", cp)
	}
	at := func(d time.Duration) string {
		return cp.HighWater.Add(d).UTC().Format("2006-01-02T15:04:05.000") + "+00:00"
	}
	newEvents := []json.RawMessage{
		json.RawMessage(`{"id":"11111111-2222-4333-8444-555555555555","eventTime":"` + at(0) + `","userId":null,"userName":"CORP\\late","ipAddress":"10.0.0.1","source":"WebConsole","target":"User","action":"Login","description":"Authentication succeeded","data":"{}","dataType":"Authentication"}`),
		json.RawMessage(`{"id":"22222222-2222-4333-8444-555555555555","eventTime":"` + at(1500*time.Millisecond) + `","userName":"CORP\\admin","source":"WebConsole","target":"Task","targetId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","action":"Update","data":{"enabled":false},"dataType":"PublishTask"}`),
		json.RawMessage(`{"id":"33333333-2222-4333-8444-555555555555","eventTime":"` + at(time.Hour) + `","userName":"CORP\\admin","source":"WebConsole","target":"User","action":"Logout","data":"{}"}`),
	}
	fake.Add(newEvents...)
	it2 := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 40}, cp)
	second := walktest.Collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	it2.Close()
	if len(second) != len(newEvents) {
		t.Fatalf("incremental walk yielded %d events, want the %d new ones: %v", len(second), len(newEvents), second)
	}
	for i, raw := range []json.RawMessage{newEvents[2], newEvents[1], newEvents[0]} { // newest first
		if second[i] != walktest.Compact(t, raw) {
			t.Errorf("incremental event %d = %s, want %s", i, second[i], raw)
		}
	}
	// The incremental walk asked from a second before the high-water
	// mark's second on (the document does not say whether start is
	// inclusive).
	last := fake.Requests()[len(fake.Requests())-1]
	if s := last.Query.Get("start"); s != "2024-06-19T11:59:59Z" {
		t.Errorf("incremental start %q", s)
	}
	it3 := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 40}, it2.Checkpoint())
	if third := walktest.Collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
	}
}

// Every filter the document lists, through the client and the fake,
// selects exactly the records that match it.
func TestFiltersAgainstFake(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{BasePath: "/gateway", Events: audittest.GenerateNPrintingEvents(1500, 6, dataEnd)})
	type rec struct {
		AppID, UserID, TargetID, Target, DataType, EventTime string
	}
	var recs []rec
	for _, raw := range fake.Events() {
		var r struct {
			AppID, UserID, TargetID, Target, DataType *string
			EventTime                                 string
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		s := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		recs = append(recs, rec{s(r.AppID), s(r.UserID), s(r.TargetID), s(r.Target), s(r.DataType), r.EventTime})
	}
	pick := func(f func(rec) string) string { // the most common non-empty value
		count := map[string]int{}
		best := ""
		for _, r := range recs {
			if v := f(r); v != "" {
				count[v]++
				if count[v] > count[best] {
					best = v
				}
			}
		}
		return best
	}
	tm := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	from, to := dataEnd.Add(-30*time.Hour), dataEnd.Add(-6*time.Hour)
	app, user := pick(func(r rec) string { return r.AppID }), pick(func(r rec) string { return r.UserID })
	tid := pick(func(r rec) string { return r.TargetID })
	tests := []struct {
		name  string
		opts  nprinting.ListOptions
		match func(rec) bool
	}{
		{"appId", nprinting.ListOptions{AppID: strings.ToUpper(app)}, func(r rec) bool { return r.AppID == app }},
		{"userId", nprinting.ListOptions{UserID: user}, func(r rec) bool { return r.UserID == user }},
		{"targetId", nprinting.ListOptions{TargetID: tid}, func(r rec) bool { return r.TargetID == tid }},
		{"target", nprinting.ListOptions{Target: "Report"}, func(r rec) bool { return r.Target == "Report" }},
		{"dataType", nprinting.ListOptions{DataType: "Authentication"}, func(r rec) bool { return r.DataType == "Authentication" }},
		{"start and end", nprinting.ListOptions{Since: from, Until: to}, func(r rec) bool { return !tm(r.EventTime).Before(from) && !tm(r.EventTime).After(to) }},
		{"target and userId", nprinting.ListOptions{Target: "User", UserID: user}, func(r rec) bool { return r.Target == "User" && r.UserID == user }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantN := 0
			for _, r := range recs {
				if tt.match(r) {
					wantN++
				}
			}
			if wantN == 0 || wantN == len(recs) {
				t.Fatalf("the data set does not exercise the filter: %d of %d match", wantN, len(recs))
			}
			c := fakeClient(t, fake)
			tt.opts.PageSize = 100
			it := c.Events(context.Background(), &tt.opts, nil)
			defer it.Close()
			got := 0
			for it.Next() {
				var r struct{ Target string }
				_ = json.Unmarshal([]byte(it.Event().RawData), &r)
				got++
			}
			if it.Err() != nil || got != wantN {
				t.Errorf("%d events (%v), want %d", got, it.Err(), wantN)
			}
		})
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/api/v1/audit/events") {
			t.Errorf("request outside the base path: %v", r)
		}
	}
}

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	v := walktest.NeedValidator(t)
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(3000, 42, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 500}, nil)
	defer it.Close()
	classes := map[string]int{}
	ndjson := walktest.NDJSON(t, it, func(ev ocsf.Event) {
		classes[fmt.Sprintf("%d %s", ev.TypeUID(), ocsf.ActivityCaption(ev.Class, ev.Activity))]++
	})
	last := v.Check(t, ndjson, 3000)
	t.Logf("validate.py: %s; type_uid counts %v", last, classes)
	for _, prefix := range []string{"3001", "3002", "3004", "3005", "3006", "6003"} {
		found := false
		for k := range classes {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("the generated data produced no %s events: %v", prefix, classes)
		}
	}
}
