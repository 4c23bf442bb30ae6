package nprinting_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/pagination"
)

// The server URL is the origin (with an optional proxy prefix) and the
// documented path is appended; a URL already ending with /api/v1 or /api is
// not doubled. Same for NewClient's serverURL and for WithBaseURL (the
// CLI's --server and --base-url).
func TestBaseURLIsTheOrigin(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://np.example.com:4993", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://np.example.com:4993/", "https://np.example.com:4993/api/v1/audit/events"},
		{"np.example.com", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://gw.example.com/nprinting", "https://gw.example.com/nprinting/api/v1/audit/events"},
		{"https://gw.example.com/nprinting/", "https://gw.example.com/nprinting/api/v1/audit/events"},
		{"https://np.example.com:4993/api/v1", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://np.example.com:4993/api/v1/", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://np.example.com:4993/API/V1", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://np.example.com:4993/api", "https://np.example.com:4993/api/v1/audit/events"},
		{"https://gw.example.com/nprinting/api/v1", "https://gw.example.com/nprinting/api/v1/audit/events"},
		{"https://gw.example.com/nprinting/api", "https://gw.example.com/nprinting/api/v1/audit/events"},
		// A host called api is a host, not a path.
		{"https://api", "https://api/api/v1/audit/events"},
		{"https://api.example.com", "https://api.example.com/api/v1/audit/events"},
		// Only a whole trailing segment counts.
		{"https://gw.example.com/myapi", "https://gw.example.com/myapi/api/v1/audit/events"},
	}
	for _, tt := range tests {
		for _, how := range []string{"serverURL", "WithBaseURL"} {
			mt := httpmock.NewMockTransport()
			var got []string
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = append(got, r.Method+" "+r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
				return httpmock.NewStringResponse(200, emptyPage), nil
			})
			opts := []auditclient.Option{
				auditclient.WithHTTPClient(&http.Client{Transport: mt}),
				auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
			}
			server := tt.base
			if how == "WithBaseURL" {
				server = "https://unused.example.com"
				opts = append(opts, auditclient.WithBaseURL(tt.base))
			}
			c, err := nprinting.NewClient(server, testToken, opts...)
			if err != nil {
				t.Errorf("%s %q: %v", how, tt.base, err)
				continue
			}
			if _, err := c.ListPage(context.Background(), nil); err != nil {
				t.Errorf("%s %q: %v", how, tt.base, err)
			}
			if want := "GET " + tt.want; len(got) != 1 || got[0] != want {
				t.Errorf("%s %q: requested %q, want %q", how, tt.base, got, want)
			}
		}
	}

	// The NTLM login goes under the same origin and prefix.
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

// rec is a record of the hostile tests: id i, at 2024-06-19T11:00:00Z
// minus i seconds (newest first).
func rec(i int) string {
	at := time.Date(2024, 6, 19, 11, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Second)
	return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","action":"View","target":"Report","source":"NewsStand","userName":"CORP\\u%d","data":"{}"}`,
		i, at.Format("2006-01-02T15:04:05.000")+"+00:00", i)
}

// page is a response of the hostile tests.
func page(total, offset, limit int, items ...string) string {
	return fmt.Sprintf(`{"data":{"totalItems":%d,"offset":%d,"limit":%d,"items":[%s]}}`, total, offset, limit, strings.Join(items, ","))
}

// wantDecodeError checks that err is a permanent *auditclient.DecodeError at
// path that names the vendor and the URL.
func wantDecodeError(t *testing.T, err error, path string) {
	t.Helper()
	walktest.WantDecodeError(t, err, "nprinting", "/api/v1/audit/events", path, testToken)
}

// A 200 whose body is not the document's envelope — a missing envelope, an
// object where the records array belongs, a string where a number or a
// time belongs, a record that is not one — is a permanent DecodeError
// naming the JSON path, never a page without events, and no event is made
// of it. It is not retried.
func TestHostileBodies(t *testing.T) {
	good := rec(0)
	tests := []struct{ name, body, path string }{
		{"empty object", `{}`, "$.data"},
		{"null", `null`, "$"},
		{"empty array", `[]`, "$"},
		{"a string", `"ok"`, "$"},
		{"a number", `200`, "$"},
		{"data null", `{"data":null}`, "$.data"},
		{"data an array", `{"data":[` + good + `]}`, "$.data"},
		{"data a string", `{"data":"none"}`, "$.data"},
		{"data empty", `{"data":{}}`, "$.data.items"},
		{"items missing", `{"data":{"totalItems":1,"offset":0,"limit":2}}`, "$.data.items"},
		{"items null", `{"data":{"totalItems":1,"items":null}}`, "$.data.items"},
		{"items an object", `{"data":{"totalItems":1,"items":{"0":` + good + `}}}`, "$.data.items"},
		{"items an object around the array", `{"data":{"totalItems":1,"items":{"list":[` + good + `]}}}`, "$.data.items"},
		{"totalItems missing", `{"data":{"offset":0,"limit":2,"items":[` + good + `]}}`, "$.data.totalItems"},
		{"totalItems a string", `{"data":{"totalItems":"1000","items":[` + good + `]}}`, "$.data.totalItems"},
		{"totalItems null", `{"data":{"totalItems":null,"items":[` + good + `]}}`, "$.data.totalItems"},
		{"totalItems negative", `{"data":{"totalItems":-1,"items":[` + good + `]}}`, "$.data.totalItems"},
		{"totalItems a fraction", `{"data":{"totalItems":1.5,"items":[` + good + `]}}`, "$.data.totalItems"},
		{"offset a string", `{"data":{"totalItems":1,"offset":"0","items":[` + good + `]}}`, "$.data.offset"},
		{"limit an object", `{"data":{"totalItems":1,"limit":{},"items":[` + good + `]}}`, "$.data.limit"},
		{"record an empty object", page(2, 0, 2, good, `{}`), "$.data.items[1].eventTime"},
		{"record null", page(2, 0, 2, good, `null`), "$.data.items[1]"},
		{"record a number", page(2, 0, 2, `5`, good), "$.data.items[0]"},
		{"record an array", page(1, 0, 2, `[`+good+`]`), "$.data.items[0]"},
		{"eventTime a number", page(2, 0, 2, good, `{"id":"x","eventTime":1718794800}`), "$.data.items[1].eventTime"},
		{"eventTime null", page(1, 0, 2, `{"id":"x","eventTime":null}`), "$.data.items[0].eventTime"},
		{"eventTime not a time", page(1, 0, 2, `{"id":"x","eventTime":"yesterday"}`), "$.data.items[0].eventTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			var calls atomic.Int64
			mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return httpmock.NewStringResponse(200, tt.body), nil
			})
			c, err := nprinting.NewClient(testServer, testToken, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.ListPage(context.Background(), &nprinting.ListOptions{PageSize: 2})
			if p != nil {
				t.Errorf("ListPage returned a page: %+v", p)
			}
			wantDecodeError(t, err, tt.path)
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1: a wrong body is not retried", n)
			}
			it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 2, Until: time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)}, nil)
			defer it.Close()
			if got := walktest.Collect(t, it, -1); len(got) != 0 {
				t.Errorf("Events yielded %d events from a wrong body: %v", len(got), got)
			}
			wantDecodeError(t, it.Err(), tt.path)
			if it.Checkpoint().Complete() {
				t.Error("the checkpoint of a failed walk says complete")
			}
		})
	}
}

// A page that contradicts what the walk already knows ends it with a
// DecodeError after the events of the pages before, never a walk cut short
// in silence: page 1 says totalItems 1000 and page 2 answers {}, an empty
// list, another total, a short page, records past the total, or page 1
// again (a server that ignores offset).
func TestContradictingPagesEndTheWalk(t *testing.T) {
	const total = 1000
	goodPage := func(offset, limit int) string {
		var items []string
		for i := offset; i < min(offset+limit, total); i++ {
			items = append(items, rec(i))
		}
		return page(total, offset, limit, items...)
	}
	tests := []struct {
		name     string
		page2    func(offset, limit int) string
		path     string
		sentinel error // nil for a body of the wrong shape
	}{
		{"empty object", func(int, int) string { return `{}` }, "$.data", nil},
		{"null", func(int, int) string { return `null` }, "$", nil},
		{"empty list", func(o, l int) string { return page(total, o, l) }, "$.data.items", pagination.ErrInconsistentPage},
		{"another total", func(o, l int) string {
			return strings.Replace(goodPage(o, l), `"totalItems":1000`, `"totalItems":999`, 1)
		}, "$.data.totalItems", pagination.ErrInconsistentPage},
		{"the total dropped to what was read", func(o, l int) string { return page(2, o, l) }, "$.data.totalItems", pagination.ErrInconsistentPage},
		{"a short page", func(o, l int) string { return page(total, o, l, rec(o)) }, "$.data.items", pagination.ErrInconsistentPage},
		{"page 1 again", func(_, l int) string { return goodPage(0, l) }, "$.data.items", auditclient.ErrNoProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
				if off == 2 {
					return httpmock.NewStringResponse(200, tt.page2(off, lim)), nil
				}
				return httpmock.NewStringResponse(200, goodPage(off, lim)), nil
			})
			c, err := nprinting.NewClient(testServer, testToken, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var walkErr error
			for e, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 2}).All() {
				if err != nil {
					walkErr = err
					break
				}
				ids = append(ids, e.ID[len(e.ID)-2:])
			}
			if strings.Join(ids, ",") != "00,01" {
				t.Errorf("Pages yielded %v before the error, want page 1's 00,01", ids)
			}
			wantDecodeError(t, walkErr, tt.path)
			if tt.sentinel != nil && !errors.Is(walkErr, tt.sentinel) {
				t.Errorf("error %v, want one matching %v", walkErr, tt.sentinel)
			}
			if !strings.Contains(walkErr.Error(), "offset=2") {
				t.Errorf("the error does not name the page: %v", walkErr)
			}

			it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 2, Until: time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)}, nil)
			defer it.Close()
			if got := walktest.Collect(t, it, -1); len(got) != 2 {
				t.Errorf("Events yielded %d events, want page 1's 2", len(got))
			}
			wantDecodeError(t, it.Err(), tt.path)
		})
	}

	// Records past the total on the first page: a server whose totalItems
	// is wrong would otherwise end every walk after its first page.
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(200, page(0, 0, 2, rec(0), rec(1))), nil
	})
	c, err := nprinting.NewClient(testServer, testToken, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 2}).All() {
		wantDecodeError(t, err, "$.data.items")
		break
	}
}

// The fake serves hostile forms on request: the second page of a walk
// answered {} (or an empty list) ends the walk with the DecodeError after
// the first page's events, with every fault of the fault mix around it.
func TestFakeServesHostilePages(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		body       func(body []byte) []byte
	}{
		{"empty object", "$.data", func([]byte) []byte { return []byte(`{}`) }},
		{"empty list, same total", "$.data.items", func(b []byte) []byte {
			var p struct {
				Data struct{ TotalItems int }
			}
			if json.Unmarshal(b, &p) != nil {
				return b
			}
			return []byte(page(p.Data.TotalItems, 5, 5))
		}},
		{"items an object", "$.data.items", func(b []byte) []byte {
			s := strings.Replace(string(b), `"items":[`, `"items":{"list":[`, 1)
			return []byte(strings.TrimSuffix(s, `}}`) + `}}}`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{
				Events: audittest.GenerateNPrintingEvents(20, 3, dataEnd),
				Faults: walktest.FaultMix(11),
				Rewrite: func(r *http.Request, _ int, body []byte) []byte {
					if r.URL.Query().Get("offset") == "5" {
						return tt.body(body)
					}
					return body
				},
			})
			c := fakeClient(t, fake)
			it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 5}, nil)
			defer it.Close()
			got := walktest.Collect(t, it, -1)
			walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()[:5]))
			wantDecodeError(t, it.Err(), tt.path)
		})
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
