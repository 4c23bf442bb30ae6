package automox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
)

// The base URL is the origin (with an optional path prefix for a proxy),
// and the documented path /api/audit-service/v1/orgs/{orgUuid}/events is
// appended; a base URL that already ends in /api is not doubled. Exact
// request URLs, through httpmock.
func TestBaseURLIsTheOrigin(t *testing.T) {
	const path = "/api/audit-service/v1/orgs/" + testOrg + "/events?date=2024-06-18"
	for _, tt := range []struct {
		base string // "" for the default
		want string
	}{
		{"", "https://console.automox.com" + path},
		{"https://console.automox.com", "https://console.automox.com" + path},
		{"https://console.automox.com/", "https://console.automox.com" + path},
		{"https://console.automox.com/api", "https://console.automox.com" + path},
		{"https://console.automox.com/api/", "https://console.automox.com" + path},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080" + path},
		{"https://proxy.example/automox", "https://proxy.example/automox" + path},
		{"https://proxy.example/automox/api", "https://proxy.example/automox" + path},
		// Only a last segment that is exactly "api" counts.
		{"https://proxy.example/myapi", "https://proxy.example/myapi" + path},
	} {
		t.Run(cmpOr(tt.base, "default"), func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			var got []string
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = append(got, r.URL.String())
				return httpmock.NewStringResponse(200, `[]`), nil
			})
			opts := []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: mt})}
			if tt.base != "" {
				opts = append(opts, auditclient.WithBaseURL(tt.base))
			}
			c, err := automox.NewClient(testKey, testOrg, walktest.FastOptions("", opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-18")}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("requests %q, want [%q]", got, tt.want)
			}
		})
	}
	if automox.DefaultBaseURL != "https://console.automox.com" || automox.EventsPath != "/api/audit-service/v1/orgs/{orgUuid}/events" {
		t.Errorf("DefaultBaseURL %q, EventsPath %q", automox.DefaultBaseURL, automox.EventsPath)
	}
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// Against the fake, which serves the documented path under its origin, a
// walk reads every event whether the base URL is the origin or ends in
// /api, and under a proxy's path prefix too.
func TestBaseURLAgainstTheFake(t *testing.T) {
	for _, prefix := range []string{"", "/gateway"} {
		fake := audittest.StartAutomox(t, audittest.AutomoxOptions{BasePath: prefix, Events: audittest.GenerateAutomoxEvents(120, 4, dataEnd)})
		w := want(t, fake)
		for _, base := range []string{fake.URL(), fake.URL() + "/api", fake.URL() + "/api/"} {
			before := len(fake.Requests())
			c := fakeClient(t, fake, auditclient.WithBaseURL(base))
			it := c.Events(context.Background(), opts(50), nil)
			got := walktest.Collect(t, it, -1)
			if err := it.Err(); err != nil {
				t.Fatalf("base %s: %v", base, err)
			}
			it.Close()
			walktest.Diff(t, got, w)
			for _, r := range fake.Requests()[before:] {
				if r.Path != prefix+"/api/audit-service/v1/orgs/"+fake.OrgUUID()+"/events" {
					t.Errorf("base %s: request to %s", base, r.Path)
				}
			}
		}
	}
}

// good is a well-formed event of 2024-06-12 with id and metadata.uid made
// from n.
func good(n int) string {
	id := id(n)
	ms := time.Date(2024, 6, 12, 10, 0, n, 0, time.UTC).UnixMilli()
	return `{"_id":{"$oid":"` + id + `"},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,` +
		`"type_uid":300201,"message":"User Log In Success","time":` + strconv.FormatInt(ms, 10) + `,` +
		`"metadata":{"uid":"9f8896c3-e042-42de-ae41-eaef8a2a66` + fmt.Sprintf("%02x", n) + `","version":"1.1.0","product":{"vendor_name":"Automox"}},` +
		`"severity_id":1,"status_id":1,"status_code":200,"user":{"uid":"115998","email_addr":"jdoe@example.com"}}`
}

// id is the id of good(n).
func id(n int) string { return fmt.Sprintf("6669d991ba9a2536b81580%02x", n) }

// hostileWalk walks the one day 2024-06-12 (pages of 2, one day at a time)
// against a server that answers each request with respond(cursor), with
// retries on, and returns the events yielded, the error and the number of
// requests.
func hostileWalk(t *testing.T, respond func(cursor string) (int, string)) ([]ocsf.Event, error, int) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	n := 0
	mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		stop := n > 50
		mu.Unlock()
		if stop {
			return httpmock.NewStringResponse(410, `{"errors":["gone: the walk did not stop"]}`), nil
		}
		status, body := respond(r.URL.Query().Get("cursor"))
		return httpmock.NewStringResponse(status, body), nil
	})
	c, err := automox.NewClient(testKey, testOrg, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &automox.ListOptions{Date: day("2024-06-12"), PageSize: 2, Concurrency: 1}, nil)
	defer it.Close()
	var evs []ocsf.Event
	for it.Next() {
		evs = append(evs, it.Event())
	}
	mu.Lock()
	defer mu.Unlock()
	return evs, it.Err(), n
}

// A 2xx body that is not the documented array of events is a permanent
// *auditclient.DecodeError naming the JSON path of the problem: never "no
// events", never a panic, never an event built from zero values, and not
// retried (one request).
func TestHostileBodies(t *testing.T) {
	for _, tt := range []struct {
		name, body, path string
	}{
		{"empty object", `{}`, "$"},
		{"null", `null`, "$"},
		{"an object where the array belongs", `{"data":[` + good(1) + `]}`, "$"},
		{"a string", `"[]"`, "$"},
		{"a number", `42`, "$"},
		{"a number where an event belongs", `[` + good(1) + `,7]`, "$[1]"},
		{"null where an event belongs", `[null]`, "$[0]"},
		{"an array where an event belongs", `[[` + good(1) + `]]`, "$[0]"},
		{"an event without a time", `[` + good(1) + `,{"_id":{"$oid":"6669d991ba9a2536b8158fff"},"message":"x"}]`, "$[1].time"},
		{"a string where the time belongs", `[` + strings.Replace(good(1), `"time":1718186401000`, `"time":"yesterday at noon"`, 1) + `]`, "$[0].time"},
		{"an object where the time belongs", `[` + strings.Replace(good(1), `"time":1718186401000`, `"time":{"ms":1}`, 1) + `]`, "$[0].time"},
		{"an empty object as an event", `[{}]`, "$[0].time"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "a string where the time belongs" && !strings.Contains(tt.body, "yesterday") {
				t.Fatal("the test's event changed: its time is not where the test replaces it")
			}
			evs, err, n := hostileWalk(t, func(string) (int, string) { return 200, tt.body })
			var de *auditclient.DecodeError
			if !errors.As(err, &de) || !errors.Is(err, auditclient.ErrMalformedResponse) {
				t.Fatalf("err = %v (%T), want a *auditclient.DecodeError", err, err)
			}
			if de.Path != tt.path || de.Vendor != automox.Name || !strings.Contains(de.URL, "date=2024-06-12") {
				t.Errorf("DecodeError path %q vendor %q URL %q; want path %q", de.Path, de.Vendor, de.URL, tt.path)
			}
			if len(evs) != 0 {
				t.Errorf("%d events yielded from a wrong body: %+v", len(evs), evs)
			}
			if n != 1 {
				t.Errorf("%d requests: a wrong body is permanent, not retried", n)
			}
			if strings.Contains(walktest.FmtAll(err), testKey) {
				t.Errorf("the key in the error: %v", err)
			}
		})
	}
	// The empty array is the documented answer of a day without events:
	// no error.
	evs, err, n := hostileWalk(t, func(string) (int, string) { return 200, `[]` })
	if err != nil || len(evs) != 0 || n != 1 {
		t.Errorf("[]: %d events, %v, %d requests", len(evs), err, n)
	}
}

// A day whose pages do not move forward ends with an error wrapping
// ErrStalledCursor, in bounded requests, after yielding what came before:
// a server that ignores the cursor (the same full page again), one whose
// cursors go round in a cycle, and one whose page brings only events of
// the page before.
func TestStalledCursorEnds(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pages    map[string]string // cursor → body
		events   int               // events yielded before the error
		requests int
		path     string
	}{
		{"the cursor ignored", map[string]string{
			"":    "[" + good(1) + "," + good(2) + "]",
			id(2): "[" + good(1) + "," + good(2) + "]",
		}, 2, 2, "$"},
		{"cursors in a cycle", map[string]string{
			"":    "[" + good(1) + "," + good(2) + "]",
			id(2): "[" + good(3) + "," + good(1) + "]",
			id(1): "[" + good(4) + "," + good(2) + "]",
		}, 3, 3, "$[1]._id.$oid"}, // the second page's repeat of event 1 is dropped
		{"a page of the page before, with a new last id", map[string]string{
			"":    "[" + good(1) + "," + good(2) + "]",
			id(2): "[" + good(2) + "," + strings.Replace(good(1), `"_id":{"$oid":"`+id(1)+`"}`, `"_id":{"$oid":"`+id(0xff)+`"}`, 1) + "]",
		}, 2, 2, "$"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evs, err, n := hostileWalk(t, func(cursor string) (int, string) {
				if b, ok := tt.pages[cursor]; ok {
					return 200, b
				}
				return 400, `{"errors":["unexpected cursor ` + cursor + `"]}`
			})
			var de *auditclient.DecodeError
			if !errors.Is(err, automox.ErrStalledCursor) || !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *auditclient.DecodeError wrapping ErrStalledCursor", err)
			}
			if de.Path != tt.path {
				t.Errorf("path %q, want %q", de.Path, tt.path)
			}
			if len(evs) != tt.events || n != tt.requests {
				t.Errorf("%d events, %d requests; want %d, %d", len(evs), n, tt.events, tt.requests)
			}
			for _, ev := range evs {
				if ev.Metadata.UID == "" || ev.Time.IsZero() {
					t.Errorf("an event built from zero values: %+v", ev)
				}
			}
		})
	}
}

// Days without events are empty pages that move the walk forward: a window
// of 40 days whose first thirty have no event (the data set spans its last
// nine or so) is read whole, not taken for a server that stopped making
// progress.
func TestLongRunOfEmptyDays(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(30, 6, dataEnd)})
	w := want(t, fake)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &automox.ListOptions{Since: dataEnd.AddDate(0, 0, -40), Until: dataEnd.Add(time.Millisecond), Concurrency: 1}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	walktest.Diff(t, got, w)
	if n := len(fake.Requests()); n != 41 {
		t.Errorf("%d requests, want one for each of the 41 days", n)
	}
}
