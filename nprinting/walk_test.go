package nprinting_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
)

var dataEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// generated starts a fake serving n generated events.
func generated(t *testing.T, n int, seed int64, opts audittest.NPrintingOptions) *audittest.NPrinting {
	opts.Events = audittest.GenerateNPrintingEvents(n, seed, dataEnd)
	return audittest.StartNPrinting(t, opts)
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.NPrinting, opts ...auditclient.Option) *nprinting.Client {
	t.Helper()
	return walktest.Must(nprinting.NewClient(fake.URL(), fake.Token(), walktest.FastOptions("", opts...)...))(t)
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows, incremental syncs and options, as every vendor's: see
// internal/conformance (and its COVERAGE.md for the tests of this file it
// replaced).
func TestConformance(t *testing.T) { conformance.Run(t, nprinting.Name) }

// Once the first page has told the total, later pages are requested
// several at once, and still yielded in order.
func TestPagesFetchedConcurrently(t *testing.T) {
	fake := generated(t, 1000, 2, audittest.NPrintingOptions{})
	var mu sync.Mutex
	var inflight, peak int
	gate := make(chan struct{})
	var once sync.Once
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		if peak = max(peak, inflight); inflight >= 4 {
			once.Do(func() { close(gate) })
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
		if resp, err := http.DefaultClient.Do(req); err == nil {
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
			resp.Body.Close()
		}
		mu.Lock()
		inflight--
		mu.Unlock()
	}))
	defer proxy.Close()
	c := walktest.Must(nprinting.NewClient(proxy.URL, fake.Token(), walktest.FastOptions("")...))(t)
	it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 50}, nil)
	defer it.Close()
	walktest.Diff(t, walktest.All(t, it, nil), walktest.CompactAll(t, fake.Events()))
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
	path := func(err error) string {
		var de *auditclient.DecodeError
		if !errors.As(err, &de) {
			return fmt.Sprintf("%T %v", err, err)
		}
		return de.Path
	}
	// walk walks, by Pages and by Events, a server whose page at offset off
	// begins overlap(off) records early.
	walk := func(overlap func(offset int) int) ([]string, error) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			if off == 5 {
				time.Sleep(30 * time.Millisecond) // the second page comes back after later ones
			}
			from := off
			if off > 0 {
				from -= overlap(off)
			}
			var items []string
			for i := from; i < min(from+lim, n); i++ {
				items = append(items, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"2024-06-19T11:%02d:00.000+00:00","action":"View","target":"Report","source":"NewsStand","userName":"CORP\\u%d"}`, i, 59-i, i))
			}
			fmt.Fprintf(w, `{"data":{"totalItems":%d,"offset":%d,"limit":%d,"items":[%s]}}`, n, off, lim, strings.Join(items, ","))
		}))
		defer ts.Close()
		c := walktest.Must(nprinting.NewClient(ts.URL, testToken, walktest.FastOptions("")...))(t)
		var ids []string
		var walkErr error
		for e, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 5}).All() {
			if walkErr = err; err != nil {
				break
			}
			ids = append(ids, e.ID[len(e.ID)-2:])
		}
		// Events checks the same way.
		it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 5}, nil)
		defer it.Close()
		if got := walktest.Collect(t, it, -1); len(got) != len(ids) || (it.Err() == nil) != (walkErr == nil) || path(it.Err()) != path(walkErr) {
			t.Errorf("Events yielded %d (%v), Pages %d (%v)", len(got), it.Err(), len(ids), walkErr)
		}
		return ids, walkErr
	}

	// Each page repeats the last two records of the page before: the
	// repeats are dropped, and the last page finds that 23 distinct
	// records cannot make the 25 announced.
	ids, err := walk(func(int) int { return 2 })
	var want []string
	for i := range 18 { // 0-4, 3-7 (5-7 new), 8-12, 13-17; the last page, 18-22, fails
		want = append(want, fmt.Sprintf("%02d", i))
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") || path(err) != "$.data.items" || !strings.Contains(err.Error(), "23 distinct records") {
		t.Errorf("shifted pages: ids %v, error %v", ids, err)
	}
	// A page made only of records already seen (the page at offset 5
	// repeats the first) ends the walk after the first page.
	ids, err = walk(func(off int) int { return map[int]int{5: 5}[off] })
	if strings.Join(ids, ",") != "00,01,02,03,04" || path(err) != "$.data.items" || !strings.Contains(err.Error(), "repeated a page") {
		t.Errorf("a repeated page: ids %v, error %v", ids, err)
	}
	// Pages that do not overlap walk to the end.
	if ids, err = walk(func(int) int { return 0 }); len(ids) != n || err != nil {
		t.Errorf("consistent pages: %d records, %v", len(ids), err)
	}
}

// The position of a walk resumed under faults is the 78th record of the
// page at offset 700.
func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := generated(t, 2000, 42, audittest.NPrintingOptions{Faults: walktest.FaultMix(11)})
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), &nprinting.ListOptions{PageSize: 100}, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, walktest.CompactAll(t, fake.Events()), []string{fake.Token()}, walktest.Collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	if cp.Position == nil || cp.Position.Token != "700" || cp.Position.Skip != 77 {
		t.Errorf("checkpoint position %+v, want the 78th record of the page at offset 700", cp.Position)
	}
}

// An incremental walk asks from a second before the high-water mark's
// second on (the document does not say whether start is inclusive); what it
// yields, records at the high-water instant among them, is the conformance
// suite's Resume.
func TestIncrementalSyncStart(t *testing.T) {
	fake, opts := generated(t, 300, 5, audittest.NPrintingOptions{}), &nprinting.ListOptions{PageSize: 40}
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	walktest.All(t, it, nil)
	walktest.All(t, c.Events(context.Background(), opts, it.Checkpoint()), nil)
	if last := fake.Requests()[len(fake.Requests())-1]; last.Query.Get("start") != "2024-06-19T11:59:59Z" {
		t.Errorf("incremental start %q", last.Query.Get("start"))
	}
}

// Every filter the document lists, through the client and the fake
// (under a base path), selects exactly the records that match it.
func TestFiltersAgainstFake(t *testing.T) {
	fake := generated(t, 1500, 6, audittest.NPrintingOptions{BasePath: "/gateway"})
	var recs []map[string]string
	for _, raw := range fake.Events() {
		var r map[string]any
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for k, v := range r {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		recs = append(recs, m)
	}
	pick := func(field string) string { // the most common non-empty value
		count, best := map[string]int{}, ""
		for _, r := range recs {
			if v := r[field]; v != "" {
				if count[v]++; count[v] > count[best] {
					best = v
				}
			}
		}
		return best
	}
	from, to := dataEnd.Add(-30*time.Hour), dataEnd.Add(-6*time.Hour)
	tm := func(r map[string]string) time.Time {
		return walktest.Must(time.Parse(time.RFC3339Nano, r["eventTime"]))(t)
	}
	app, user, tid := pick("appId"), pick("userId"), pick("targetId")
	for name, tt := range map[string]struct {
		opts  nprinting.ListOptions
		match func(map[string]string) bool
	}{
		"appId":             {nprinting.ListOptions{AppID: strings.ToUpper(app)}, func(r map[string]string) bool { return r["appId"] == app }},
		"userId":            {nprinting.ListOptions{UserID: user}, func(r map[string]string) bool { return r["userId"] == user }},
		"targetId":          {nprinting.ListOptions{TargetID: tid}, func(r map[string]string) bool { return r["targetId"] == tid }},
		"target":            {nprinting.ListOptions{Target: "Report"}, func(r map[string]string) bool { return r["target"] == "Report" }},
		"dataType":          {nprinting.ListOptions{DataType: "Authentication"}, func(r map[string]string) bool { return r["dataType"] == "Authentication" }},
		"start and end":     {nprinting.ListOptions{Since: from, Until: to}, func(r map[string]string) bool { return !tm(r).Before(from) && !tm(r).After(to) }},
		"target and userId": {nprinting.ListOptions{Target: "User", UserID: user}, func(r map[string]string) bool { return r["target"] == "User" && r["userId"] == user }},
	} {
		want := 0
		for _, r := range recs {
			want += map[bool]int{true: 1}[tt.match(r)]
		}
		if want == 0 || want == len(recs) {
			t.Fatalf("%s: the data set does not exercise the filter: %d of %d match", name, want, len(recs))
		}
		tt.opts.PageSize = 100
		if got := walktest.All(t, fakeClient(t, fake).Events(context.Background(), &tt.opts, nil), nil); len(got) != want {
			t.Errorf("%s: %d events, want %d", name, len(got), want)
		}
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/api/v1/audit/events") {
			t.Errorf("request outside the base path: %v", r)
		}
	}
}

// The NDJSON of a whole walk passes the reference validator, with events of
// every class.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		return fakeClient(t, generated(t, 3000, 42, audittest.NPrintingOptions{})).Events(context.Background(), &nprinting.ListOptions{PageSize: 500}, nil)
	}, 3000, "3001", "3002", "3004", "3005", "3006", "6003")
}
