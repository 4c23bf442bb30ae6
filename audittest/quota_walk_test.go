package audittest_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// quotaWalk is one walk against a fake that enforces a quota.
type quotaWalk struct {
	vendor   string
	headers  audittest.QuotaHeaders
	events   int // the demo's data set
	pageSize int
}

// quotaResult is what the fake saw of a walk.
type quotaResult struct {
	admitted, refused int           // requests served within the quota, and refused
	elapsed           time.Duration // from the first request to the last, by the fake's clock
	rateMin           time.Duration // admitted requests at the quota's rate: (admitted-1)·Window/Requests
	burstMin          time.Duration // the fewest windows they fit in, bursting each: (windows-1)·Window
	events            int
}

func (r quotaResult) String() string {
	return fmt.Sprintf("%d requests, %d 429s, %d events, elapsed %v, quota-implied %v (%.2f×), bursting %v",
		r.admitted, r.refused, r.events, r.elapsed.Round(time.Millisecond), r.rateMin.Round(time.Millisecond),
		r.elapsed.Seconds()/r.rateMin.Seconds(), r.burstMin)
}

// runQuotaWalk walks w's demo fake enforcing q (none when nil) with the
// client's defaults (no rate option), and reports what the fake saw.
func runQuotaWalk(t *testing.T, w quotaWalk, q *audittest.Quota, opts ...auditclient.Option) quotaResult {
	t.Helper()
	d, err := audittest.StartDemo(w.vendor, audittest.DemoConfig{Events: w.events, Faults: audittest.Faults{Quota: q}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src, err := vendors.Open(ctx, w.vendor, vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL, PageSize: w.pageSize, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	n := 0
	for _, err := range src.Events.All() {
		if err != nil {
			t.Fatalf("%s: the walk failed after %d events: %v", w.vendor, n, err)
		}
		n++
	}
	if n != d.Records {
		t.Errorf("%s: %d events, want the data set's %d", w.vendor, n, d.Records)
	}
	st := d.Stats()
	r := quotaResult{admitted: st.Requests - st.QuotaRefused, refused: st.QuotaRefused, elapsed: st.Last.Sub(st.First), events: n}
	if q == nil {
		return r
	}
	r.rateMin = time.Duration(float64(r.admitted-1) * float64(q.Window) / float64(q.Requests))
	r.burstMin = time.Duration(math.Ceil(float64(r.admitted)/float64(q.Requests))-1) * q.Window
	if cs := src.Client.Stats(); cs.RateLimited != int64(r.refused) {
		t.Errorf("%s: the client saw %d 429s, the fake sent %d", w.vendor, cs.RateLimited, r.refused)
	}
	return r
}

// TestQuotaWalks: against a fake enforcing a quota of 20 requests a second
// and announcing it in the vendor's headers (or the common X-RateLimit-*
// where the vendor documents none, or the IETF draft's), every vendor's
// walk, with the client's defaults, reads the whole data set with at most
// one 429, and takes at most 10% longer than the quota allows:
// (requests-1)/20 seconds, as the fake's own clock measures from the
// first request to the last. Each walk needs three windows or more, so
// that the quota is what sets its pace. On a machine shared with other
// work, a walk cannot be faster than it is without any quota: the time
// the same walk takes against a fake without one is allowed on top (and
// logged; it is tens of milliseconds on an idle machine).
func TestQuotaWalks(t *testing.T) {
	q := audittest.Quota{Requests: 20, Window: time.Second}
	walks := []quotaWalk{
		{vendor: "automox", events: 1200, pageSize: 25},
		{vendor: "cisco", events: 1200, pageSize: 25},
		{vendor: "entrust", events: 1200, pageSize: 25},
		{vendor: "instavm", events: 1200, pageSize: 25},
		{vendor: "nprinting", events: 1200, pageSize: 25},
		{vendor: "tanium", events: 1200, pageSize: 25},
		{vendor: "cisco", headers: audittest.QuotaHeadersIETF, events: 1200, pageSize: 25},
		{vendor: "tanium", headers: audittest.QuotaHeadersIETF, events: 1200, pageSize: 25},
	}
	for _, w := range walks {
		t.Run(w.vendor+"/"+w.headers.String(), func(t *testing.T) {
			t.Parallel()
			q := q
			q.Headers = w.headers
			free := runQuotaWalk(t, w, nil)
			r := runQuotaWalk(t, w, &q)
			t.Logf("%s/%s: %v; without a quota %v", w.vendor, w.headers, r, free.elapsed.Round(time.Millisecond))
			if r.admitted < 2*q.Requests+1 {
				t.Fatalf("only %d requests: the quota does not set the pace", r.admitted)
			}
			if r.refused > 1 {
				t.Errorf("%d 429s, want at most 1", r.refused)
			}
			if free.admitted != r.admitted {
				t.Errorf("%d requests within the quota, %d without one", r.admitted, free.admitted)
			}
			if lim := r.rateMin + r.rateMin/10 + free.elapsed; r.elapsed > lim {
				t.Errorf("took %v, more than %v (the quota's %v plus 10%%, plus the walk's own %v)", r.elapsed, lim, r.rateMin, free.elapsed)
			}
		})
	}
}

// TestQuotaWalksBare429s: against a fake that enforces the same quota but
// says nothing of it, not even Retry-After on its 429s, each walk still
// reads the whole data set: the client backs off, lowers its rate and
// the requests in flight at the first bare 429 (AIMD), and recovers.
//
// The bound: at most 4 429s for each window the walk needs, plus the
// requests a walk has in flight before it meets its first 429 (8: the
// days, offsets or histories the walkers fetch at once), and at most
// twice the quota's time (plus the walk's own). Nearly all the 429s fall
// in the first window, before the client knows anything: the walk bursts
// the quota away, then each call in flight meets 429s on its retries
// until the window ends; only one decrease comes of them. Afterwards the
// rate stays near the quota (observed: 2 to 9 429s per walk, 1.2 to 1.6
// times the quota's time).
func TestQuotaWalksBare429s(t *testing.T) {
	const inFlightAtStart = 8
	q := audittest.Quota{Requests: 20, Window: time.Second, Headers: audittest.QuotaHeadersNone}
	for _, w := range []quotaWalk{
		{vendor: "cisco", events: 1200, pageSize: 25},
		{vendor: "tanium", events: 1200, pageSize: 25},
		{vendor: "nprinting", events: 1200, pageSize: 25},
		{vendor: "automox", events: 1200, pageSize: 25},
	} {
		t.Run(w.vendor, func(t *testing.T) {
			t.Parallel()
			free := runQuotaWalk(t, w, nil)
			r := runQuotaWalk(t, w, &q)
			t.Logf("%s/none: %v; without a quota %v", w.vendor, r, free.elapsed.Round(time.Millisecond))
			windows := (r.admitted + q.Requests - 1) / q.Requests
			if lim := 4*windows + inFlightAtStart; r.refused > lim {
				t.Errorf("%d 429s, want at most %d (4 for each of %d windows, plus the %d requests a walk may have in flight when it meets the first)", r.refused, lim, windows, inFlightAtStart)
			}
			if lim := 2*r.rateMin + free.elapsed; r.elapsed > lim {
				t.Errorf("took %v, more than %v (twice the quota's %v, plus the walk's own %v)", r.elapsed, lim, r.rateMin, free.elapsed)
			}
		})
	}
}

// BenchmarkQuotaWalk: the pacer's cost per request. The same Cisco walk
// (2,000 events, 20 pages) against a fake without a quota, whose
// responses carry only its fixed hourly headers, and against one whose
// quota never binds but whose every response announces it, so that the
// pacer parses the headers and tracks the window on every request
// (X-RateLimit-*, then the IETF draft's). ns/request is the wall time per
// request of the whole walk; the ratio between the two is the pacer's
// overhead.
func BenchmarkQuotaWalk(b *testing.B) {
	for _, bc := range []struct {
		name  string
		quota *audittest.Quota
	}{
		{"none", nil},
		{"quota", &audittest.Quota{Requests: 1 << 30, Window: time.Hour}},
		{"quota-ietf", &audittest.Quota{Requests: 1 << 30, Window: time.Hour, Headers: audittest.QuotaHeadersIETF}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d, err := audittest.StartDemo("cisco", audittest.DemoConfig{Events: 2000, Faults: audittest.Faults{Quota: bc.quota}})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				src, err := vendors.Open(context.Background(), "cisco", vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL, PageSize: 100})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for _, err := range src.Events.All() {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				src.Events.Close()
				src.Client.CloseIdleConnections()
				if n != d.Records {
					b.Fatalf("%d events, want %d", n, d.Records)
				}
			}
			b.StopTimer()
			st := d.Stats()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(st.Requests), "ns/request")
			if st.QuotaRefused != 0 {
				b.Fatalf("%d requests refused", st.QuotaRefused)
			}
		})
	}
}

// TestCiscoPlainHeadersNeverPace: without a Quota, the Cisco fake's
// headers announce a quota they do not enforce, counting down through its
// upper half only and starting again: a client pacing itself by them is
// never held back, however many requests it sends (a benchmark's).
func TestCiscoPlainHeadersNeverPace(t *testing.T) {
	f := audittest.StartCisco(t, audittest.CiscoOptions{RateLimit: 10, Events: audittest.GenerateCiscoEvents(5, 1, time.Now().Add(-time.Hour))})
	c, err := auditclient.New(auditclient.Config{Vendor: "cisco", BaseURL: f.URL(), Auth: auditclient.BasicAuth(f.ClientID(), f.APIKey())})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 12 {
		resp, err := c.Get(context.Background(), "v1/audit_logs", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.Header.Get("X-Ratelimit-Remaining"))
	}
	if want := []string{"9", "8", "7", "6", "9", "8", "7", "6", "9", "8", "7", "6"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("remaining %v, want %v", got, want)
	}
	if st := c.Stats(); st.Throttled != 0 {
		t.Errorf("%d requests held back by a quota the fake does not enforce", st.Throttled)
	}
}
