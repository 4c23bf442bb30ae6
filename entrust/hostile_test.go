package entrust_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/pagination"
)

// The tenant given as a URL, and WithBaseURL (which wins over the tenant;
// the CLI's --tenant and --base-url), is the tenant's origin, with an
// optional proxy prefix; the documented paths are appended to it, and a
// base URL already ending with /api, /api/web, /api/web/v1 or /api/web/v2
// is not doubled. A tenant given as a host is https://host.
func TestBaseURLIsTheOrigin(t *testing.T) {
	const (
		auth   = "/api/web/v1/adminapi/authenticate"
		report = "/api/web/v2/reports/auditeventspaged"
	)
	tests := []struct{ base, origin string }{
		{"https://example.us.trustedauth.com", "https://example.us.trustedauth.com"},
		{"https://example.us.trustedauth.com/", "https://example.us.trustedauth.com"},
		{"example.us.trustedauth.com", "https://example.us.trustedauth.com"},
		{" example.us.trustedauth.com/ ", "https://example.us.trustedauth.com"},
		{"gw.example.com:8443/entrust/api", "https://gw.example.com:8443/entrust"},
		{"https://example.us.trustedauth.com/api", "https://example.us.trustedauth.com"},
		{"https://example.us.trustedauth.com/api/", "https://example.us.trustedauth.com"},
		{"https://example.us.trustedauth.com/api/web", "https://example.us.trustedauth.com"},
		{"https://example.us.trustedauth.com/api/web/v2", "https://example.us.trustedauth.com"},
		{"https://example.us.trustedauth.com/API/Web/V1", "https://example.us.trustedauth.com"},
		{"https://gw.example.com:8443/entrust", "https://gw.example.com:8443/entrust"},
		{"https://gw.example.com:8443/entrust/api", "https://gw.example.com:8443/entrust"},
		{"https://gw.example.com:8443/entrust/api/web/v2/", "https://gw.example.com:8443/entrust"},
		// A host called api is a host; only whole trailing segments count.
		{"https://api", "https://api"},
		{"https://gw.example.com/myapi", "https://gw.example.com/myapi"},
	}
	for _, tt := range tests {
		for _, withBaseURL := range []bool{false, true} {
			if withBaseURL && !strings.Contains(tt.base, "://") {
				continue // WithBaseURL takes URLs only
			}
			mt := httpmock.NewMockTransport()
			var got []string
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = append(got, r.Method+" "+r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
				if strings.HasSuffix(r.URL.Path, "/authenticate") {
					return jsonResponse(200, `{"authToken":"tok-1"}`), nil
				}
				return jsonResponse(200, `{"results":[],"paging":{"nextCursor":null}}`), nil
			})
			tenant, opts := tt.base, []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: mt}),
				auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1})}
			if withBaseURL {
				tenant, opts = "other.us.trustedauth.com", append(opts, auditclient.WithBaseURL(tt.base))
			}
			c, err := entrust.NewClient(tenant, testAppID, testSecret, opts...)
			if err != nil {
				t.Errorf("%q (WithBaseURL %v): %v", tt.base, withBaseURL, err)
				continue
			}
			if _, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since}); err != nil {
				t.Errorf("%q: %v", tt.base, err)
			}
			want := []string{"POST " + tt.origin + auth, "POST " + tt.origin + report}
			if strings.Join(got, " | ") != strings.Join(want, " | ") {
				t.Errorf("base %q (WithBaseURL %v): requested %q, want %q", tt.base, withBaseURL, got, want)
			}
		}
	}
}

// ev is a record of the hostile tests: id n, at since plus n seconds.
func ev(n int) string {
	return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","eventCategory":"AUTHENTICATION","eventOutcome":"SUCCESS","eventType":"AuthenticationSuccessEvent","subjectName":"u%d"}`,
		n, since.Add(time.Duration(n)*time.Second).Format("2006-01-02T15:04:05.000Z"), n)
}

func pageBody(next string, results ...string) string {
	cur := "null"
	if next != "" {
		cur = `"` + next + `"`
	}
	return `{"results":[` + strings.Join(results, ",") + `],"paging":{"nextCursor":` + cur + `}}`
}

// wantDecodeError checks that err is a permanent *auditclient.DecodeError
// at path naming the vendor and the URL, without credentials.
func wantDecodeError(t *testing.T, err error, path string) {
	t.Helper()
	walktest.WantDecodeError(t, err, "entrust", "/api/web/v2/reports/auditeventspaged", path, testSecret, "tok-")
}

// A 200 whose body is not a Page is a permanent DecodeError
// naming the JSON path, never a page without events, and no event is made
// of it. It is not retried.
func TestHostileBodies(t *testing.T) {
	good := ev(1)
	tests := []struct{ name, body, path string }{
		{"empty object", `{}`, "$.results"},
		{"null", `null`, "$"},
		{"empty array", `[]`, "$"},
		{"a string", `"ok"`, "$"},
		{"only paging", `{"paging":{"nextCursor":null}}`, "$.results"},
		{"paging missing", `{"results":[` + good + `]}`, "$.paging"},
		{"paging null", `{"results":[` + good + `],"paging":null}`, "$.paging"},
		{"paging an array", `{"results":[` + good + `],"paging":[]}`, "$.paging"},
		{"results null", `{"results":null,"paging":{"nextCursor":null}}`, "$.results"},
		{"results an object", `{"results":{"0":` + good + `},"paging":{"nextCursor":null}}`, "$.results"},
		{"results an object around the array", `{"results":{"items":[` + good + `]},"paging":{"nextCursor":null}}`, "$.results"},
		{"nextCursor a number", `{"results":[` + good + `],"paging":{"nextCursor":5}}`, "$.paging.nextCursor"},
		{"nextCursor an object", `{"results":[` + good + `],"paging":{"nextCursor":{"c":"x"}}}`, "$.paging.nextCursor"},
		{"record an empty object", pageBody("", good, `{}`), "$.results[1].eventTime"},
		{"record null", pageBody("", good, `null`), "$.results[1]"},
		{"record a number", pageBody("", `3`), "$.results[0]"},
		{"eventTime a number", pageBody("", `{"id":"x","eventTime":1717200000}`), "$.results[0].eventTime"},
		{"eventTime not a time", pageBody("", `{"id":"x","eventTime":"June"}`), "$.results[0].eventTime"},
		{"subject a number", pageBody("", strings.Replace(good, `"subjectName":"u1"`, `"subject":12`, 1)), "$.results[0].subject"},
		{"eventVersion a boolean", pageBody("", strings.Replace(good, `}`, `,"eventVersion":true}`, 1)), "$.results[0].eventVersion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, m := mocked(t, func(*http.Request, []byte, int) (*http.Response, error) { return jsonResponse(200, tt.body), nil },
				walktest.FastOptions("")...)
			p, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since, Until: until})
			if p != nil {
				t.Errorf("ListPage returned a page: %+v", p)
			}
			wantDecodeError(t, err, tt.path)
			if n := len(m.reports()); n != 1 {
				t.Errorf("%d requests, want 1: a wrong body is not retried", n)
			}
			it := c.Events(context.Background(), &entrust.ListOptions{Since: since, Until: until}, nil)
			defer it.Close()
			if got := walktest.Collect(t, it, -1); len(got) != 0 {
				t.Errorf("Events yielded %d events from a wrong body", len(got))
			}
			wantDecodeError(t, it.Err(), tt.path)
		})
	}
}

// endlessAPI answers the n-th report request of a walk (a request without
// a cursor starts one at 1) with page(n), and counts every request.
func endlessAPI(t *testing.T, page func(n int) string) (*entrust.Client, *atomic.Int64) {
	var n, total atomic.Int64
	c, _ := mocked(t, func(_ *http.Request, body []byte, _ int) (*http.Response, error) {
		total.Add(1)
		var sp struct{ Cursor string }
		_ = json.Unmarshal(body, &sp)
		if sp.Cursor == "" {
			n.Store(0)
		}
		return jsonResponse(200, page(int(n.Add(1)))), nil
	}, walktest.FastOptions("")...)
	return c, &total
}

// walkBoth walks with List and with Events over [since, until), page size 2.
func walkBoth(t *testing.T, c *entrust.Client) (list []string, listErr error, events int, eventsErr error) {
	t.Helper()
	for e, err := range c.Pages(context.Background(), &entrust.ListOptions{PageSize: 2, Since: since, Until: until}).All() {
		if err != nil {
			listErr = err
			break
		}
		list = append(list, e.SubjectName)
	}
	it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 2, Since: since, Until: until}, nil)
	defer it.Close()
	events = len(walktest.Collect(t, it, -1))
	return list, listErr, events, it.Err()
}

// Walks that would never end end with a typed error in a bounded number of
// requests, each event yielded once: a new cursor each time with the same
// events or with none (MaxStalledPages), the same cursor again
// (pagination.ErrRepeatedToken).
func TestEndlessWalksEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		page func(n int) string
	}{
		{"same events, new cursor", func(n int) string { return pageBody(fmt.Sprintf("c%d", n), ev(1), ev(2)) }},
		{"empty pages, new cursor", func(n int) string {
			if n == 1 {
				return pageBody("c1", ev(1), ev(2))
			}
			return pageBody(fmt.Sprintf("c%d", n))
		}},
		{"one event of the page before, new cursor", func(n int) string {
			if n == 1 {
				return pageBody("c1", ev(1), ev(2))
			}
			return pageBody(fmt.Sprintf("c%d", n), ev(2))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, total := endlessAPI(t, tt.page)
			list, listErr, events, eventsErr := walkBoth(t, c)
			wantDecodeError(t, listErr, "$.paging.nextCursor")
			wantDecodeError(t, eventsErr, "$.paging.nextCursor")
			if !errors.Is(listErr, auditclient.ErrNoProgress) || !errors.Is(eventsErr, auditclient.ErrNoProgress) {
				t.Errorf("errors %v / %v, want auditclient.ErrNoProgress", listErr, eventsErr)
			}
			if strings.Join(list, ",") != "u1,u2" || events != 2 {
				t.Errorf("List yielded %v, Events %d events; want u1,u2 once each", list, events)
			}
			if max := int64(2 * (entrust.MaxStalledPages + 3)); total.Load() > max {
				t.Errorf("%d requests for two walks, want at most %d", total.Load(), max)
			}
		})
	}

	c, _ := endlessAPI(t, func(int) string { return pageBody("same", ev(1), ev(2)) })
	list, listErr, events, eventsErr := walkBoth(t, c)
	if !errors.Is(listErr, pagination.ErrRepeatedToken) || !errors.Is(eventsErr, pagination.ErrRepeatedToken) || len(list) != 2 || events != 2 {
		t.Errorf("a cursor handed out again: List %v %v, Events %d %v", list, listErr, events, eventsErr)
	}

	// An empty page that still names a cursor does not end the walk.
	c, _ = endlessAPI(t, func(n int) string {
		switch n {
		case 1:
			return pageBody("a", ev(1), ev(2))
		case 2:
			return pageBody("b")
		}
		return pageBody("", ev(3))
	})
	list, listErr, events, eventsErr = walkBoth(t, c)
	if strings.Join(list, ",") != "u1,u2,u3" || listErr != nil || events != 3 || eventsErr != nil {
		t.Errorf("empty page with a cursor: List %v %v, Events %d %v", list, listErr, events, eventsErr)
	}
}

// Windows are half-open, [Since, Until): an event at exactly Since is
// yielded, one at exactly Until is not, on both endpoints. auditeventspaged
// is asked for eventTime LESS_THAN Until; the SIEM variant's endTime has
// LESS_THAN_OR_EQUAL only, so the fake sends the event at Until and the
// client drops it.
func TestWindowIsHalfOpen(t *testing.T) {
	at := func(n int, d time.Time) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","eventCategory":"MANAGEMENT","eventOutcome":"SUCCESS","eventType":"UserModifiedEvent"}`,
			n, d.UTC().Format("2006-01-02T15:04:05.000Z")))
	}
	events := []json.RawMessage{
		at(1, since.Add(-time.Millisecond)), // before
		at(2, since),                        // at Since: in
		at(3, since.Add(30*time.Minute)),    // in
		at(4, until.Add(-time.Millisecond)), // in
		at(5, until),                        // at Until: out
		at(6, until.Add(time.Millisecond)),  // after
	}
	want := []string{string(events[1]), string(events[2]), string(events[3])}
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: events})
	c := fakeClient(t, fake)
	for _, siem := range []bool{false, true} {
		before := len(fake.Requests())
		it := c.Events(context.Background(), &entrust.ListOptions{SIEM: siem, Since: since, Until: until, PageSize: 2}, nil)
		got := walktest.Collect(t, it, -1)
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		it.Close()
		walktest.Diff(t, got, want)
		var bodies []string
		for _, r := range fake.Requests()[before:] {
			if strings.Contains(r.Path, "/reports/") && !strings.Contains(string(r.Body), "cursor") {
				bodies = append(bodies, string(r.Body))
			}
		}
		wantBody := `{"name":"eventTime","operator":"LESS_THAN","value":"2024-06-01T01:00:00"}`
		if siem {
			wantBody = `{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-06-01T01:00:00Z"}`
		}
		if len(bodies) != 1 || !strings.Contains(bodies[0], wantBody) {
			t.Errorf("siem=%v: first-page bodies %q, want one with %s", siem, bodies, wantBody)
		}
	}
}

// The fake serves hostile forms on request: the second page answered {}
// ends the walk with the DecodeError after the first page's events, under
// the fault mix.
func TestFakeServesHostilePages(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		body       func([]byte) []byte
	}{
		{"empty object", "$.results", func([]byte) []byte { return []byte(`{}`) }},
		{"paging null", "$.paging", func(b []byte) []byte {
			s := string(b)
			return []byte(s[:strings.LastIndex(s, `"paging":`)] + `"paging":null}`)
		}},
		{"results an object", "$.results", func(b []byte) []byte {
			s := strings.Replace(string(b), `"results":[`, `"results":{"list":[`, 1)
			i := strings.LastIndex(s, `],"paging":`)
			return []byte(s[:i] + `]}` + s[i+1:])
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := audittest.StartEntrust(t, audittest.EntrustOptions{
				Events: audittest.GenerateEntrustEvents(30, 5, genEnd),
				Faults: walktest.FaultMix(5),
				Rewrite: func(r *http.Request, _ int, body []byte) []byte {
					search, _ := io.ReadAll(r.Body)
					if strings.Contains(string(search), `"cursor"`) {
						return tt.body(body)
					}
					return body
				},
			})
			c := fakeClient(t, fake)
			it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 10}, nil)
			defer it.Close()
			got := walktest.Collect(t, it, -1)
			walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()[:10]))
			wantDecodeError(t, it.Err(), tt.path)
		})
	}
}
