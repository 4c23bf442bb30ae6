package nprinting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
)

// The NTLM login goes under the server URL's origin and prefix, as the
// data requests do (see internal/hostile's TestBaseURL for those).
func TestNTLMLoginUnderTheBaseURL(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var got []string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/login/ntlm") {
			resp := httpmock.NewStringResponse(200, `{}`)
			resp.Header.Add("Set-Cookie", "NPWEBCONSOLE_SESSION=s3ss10nvalue; Path=/")
			return resp, nil
		}
		return httpmock.NewStringResponse(200, emptyPage), nil
	})
	c, err := nprinting.NewNTLMClient("https://gw.example.com/nprinting/api", func(next http.RoundTripper) http.RoundTripper { return next },
		auditclient.WithHTTPClient(&http.Client{Transport: mt}), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPage(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/nprinting/api/v1/login/ntlm", "/nprinting/api/v1/audit/events"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("NTLM client requested %q, want %q", got, want)
	}
}

// Windows are half-open, [Since, Until): an event at exactly Since is
// yielded, one at exactly Until is not. The document does not say whether
// start and end are inclusive, so the request asks from a second before
// Since and up to Until rounded up to the second, and the client cuts.
func TestWindowIsHalfOpen(t *testing.T) {
	since := time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)
	until := time.Date(2024, 6, 19, 11, 0, 0, 0, time.UTC)
	ev := func(id int, at time.Time) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s+00:00","action":"View","target":"Report","source":"NewsStand","data":"{}"}`,
			id, at.UTC().Format("2006-01-02T15:04:05.000")))
	}
	events := []json.RawMessage{
		ev(1, until.Add(time.Millisecond)),        // after Until
		ev(2, until),                              // at Until: not yielded
		ev(3, until.Add(-time.Millisecond)),       // last one in
		ev(4, since.Add(30*time.Minute)),          // in
		ev(5, since),                              // at Since: yielded
		ev(6, since.Add(-time.Millisecond)),       // just before Since
		ev(7, since.Add(-1500*time.Millisecond)),  // before Since
		ev(8, since.Add(-time.Hour)),              // well before
		ev(9, until.Add(999*time.Millisecond)),    // in Until's second, after Until
		ev(10, since.Add(500*time.Millisecond)),   // in
		ev(11, since.Add(-1000*time.Millisecond)), // at the widened start
	}
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: events})
	c := fakeClient(t, fake)

	for _, tt := range []struct {
		name         string
		since, until time.Time
		want         []int
		start, end   string
	}{
		{"whole seconds", since, until, []int{3, 4, 10, 5}, "2024-06-19T09:59:59Z", "2024-06-19T11:00:00Z"},
		// Until with a fraction is sent rounded up; Since with a fraction rounded down.
		{"fractions", since.Add(500 * time.Millisecond), until.Add(500 * time.Millisecond), []int{1, 2, 3, 4, 10}, "2024-06-19T09:59:59Z", "2024-06-19T11:00:01Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Requests())
			it := c.Events(context.Background(), &nprinting.ListOptions{Since: tt.since, Until: tt.until, PageSize: 3}, nil)
			defer it.Close()
			got := walktest.Collect(t, it, -1)
			if it.Err() != nil {
				t.Fatal(it.Err())
			}
			var want []string
			for _, id := range tt.want {
				want = append(want, walktest.Compact(t, events[id-1]))
			}
			walktest.Diff(t, got, want)
			reqs := fake.Requests()[before:]
			if len(reqs) == 0 {
				t.Fatal("no request")
			}
			for _, r := range reqs {
				if s, e := r.Query.Get("start"), r.Query.Get("end"); s != tt.start || e != tt.end {
					t.Errorf("request start=%s end=%s, want start=%s end=%s", s, e, tt.start, tt.end)
				}
			}
		})
	}

	// A zero Until is pinned to the last whole second completed when the walk
	// starts: the request's end is a whole second before the walk began.
	began := time.Now()
	before := len(fake.Requests())
	it := c.Events(context.Background(), &nprinting.ListOptions{Since: since}, nil)
	defer it.Close()
	walktest.Collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	for _, r := range fake.Requests()[before:] {
		end, err := time.Parse(nprinting.TimeLayout, r.Query.Get("end"))
		if err != nil {
			t.Fatalf("end %q: %v", r.Query.Get("end"), err)
		}
		if !end.Before(began.Truncate(time.Second)) || end.Before(began.Add(-3*time.Second)) {
			t.Errorf("pinned end %s, walk began %s: want the last whole second completed", end, began.UTC())
		}
	}
}

// A server that serves fewer records a page than asked for (its own
// maximum) is followed at its own page size: that first short page is not
// a contradiction, and the walk gets every record once, with every later
// page checked against that size.
func TestServerPageSizeIsFollowed(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(53, 4, dataEnd), MaxLimit: 7})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 20}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()))
	var offsets []string
	for _, r := range fake.Requests() {
		offsets = append(offsets, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
	}
	if len(offsets) > 1 {
		slices.SortFunc(offsets[1:], func(a, b string) int { // later pages are fetched concurrently
			x, _ := strconv.Atoi(strings.Split(a, "/")[0])
			y, _ := strconv.Atoi(strings.Split(b, "/")[0])
			return x - y
		})
	}
	if want := "/20 7/7 14/7 21/7 28/7 35/7 42/7 49/7"; strings.Join(offsets, " ") != want {
		t.Errorf("requests offset/limit %v, want %s", offsets, want)
	}
}
