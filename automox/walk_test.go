package automox_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
)

// dataEnd is the newest event of the generated data sets, and window a
// window that holds all of them (they span about nine days). Windows are
// half-open, [Since, Until): Until is a millisecond after the newest event.
var (
	dataEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	window  = automox.ListOptions{Since: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), Until: dataEnd.Add(time.Millisecond)}
)

// opts returns the test window with a page size.
func opts(limit int) *automox.ListOptions {
	o := window
	o.PageSize = limit
	return &o
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.Automox, opts ...auditclient.Option) *automox.Client {
	t.Helper()
	return walktest.Must(automox.NewClient(fake.APIKey(), fake.OrgUUID(), walktest.FastOptions(fake.URL(), opts...)...))(t)
}

// want is the fake's data set in the order a walk must yield it.
func want(t *testing.T, fake *audittest.Automox) []string {
	t.Helper()
	return walktest.CompactAll(t, fake.Events())
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows and options, as every vendor's: see internal/conformance (and its
// COVERAGE.md for the tests of this package it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, automox.Name) }

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(1500, 42, dataEnd), Faults: walktest.FaultMix(11)})
	w := want(t, fake)
	before := 0 // the fake's requests before the resumed walk
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		before = len(fake.Requests())
		return fakeClient(t, fake).Events(context.Background(), opts(100), cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, w, []string{fake.APIKey()}, walktest.Collect)
	if cp.Position == nil || cp.Position.Skip == 0 {
		t.Fatalf("checkpoint position %+v", cp.Position)
	}
	t.Logf("resume at 777: %v token=%s", fig, cp.Position.Token)
	d, cursor, ok := strings.Cut(cp.Position.Token, "|")
	if _, err := time.Parse(time.DateOnly, d); !ok || err != nil {
		t.Errorf("position token %q is not DAY|CURSOR", cp.Position.Token)
	}
	// The resumed walk started in the checkpoint's day, at its cursor.
	atCursor := false
	for _, r := range fake.Requests()[before:] {
		if r.Query.Get("date") < d {
			t.Errorf("the resumed walk read a day before the checkpoint's: %v", r)
		}
		if r.Query.Get("date") == d && r.Query.Get("cursor") < cursor {
			t.Errorf("the resumed walk read the checkpoint's day before its cursor: %v", r)
		}
		atCursor = atCursor || (r.Query.Get("date") == d && r.Query.Get("cursor") == cursor)
	}
	if !atCursor {
		t.Errorf("the resumed walk never asked for day %s at cursor %q", d, cursor)
	}
}

// newEvent is an event of the Audit Trail at t with id oid.
func newEvent(oid string, t time.Time, msg string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"_id":{"$oid":%q},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,"count":1,"message":%q,`+
		`"metadata":{"uid":"%s-0000-4000-8000-000000000000","version":"1.1.0","product":{"vendor_name":"Automox"}},"severity_id":1,"status_id":1,"status_code":200,`+
		`"time":%d,"type_uid":300201,"user":{"uid":"1","email_addr":"late@example.com"}}`, oid, msg, oid[16:], t.UnixMilli()))
}

// A walk reads every UTC day of its window, one request a day (days
// without events too, at the default limit 500 unless PageSize says),
// in order with Concurrency 1, none past the last instant before Until:
// an Until at midnight does not read the day it starts. Date reads its one
// day, all of it. Exact requests, through httpmock.
func TestDaysRead(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	day13 := []json.RawMessage{
		newEvent("666a00000000000000000005", at("2024-06-13T05:59:59.999Z"), "in"),
		newEvent("666a00000000000000000006", at("2024-06-13T06:00:00Z"), "at until: out"),
		newEvent("666a00000000000000000007", at("2024-06-13T06:00:00.001Z"), "after the window"),
	}
	for _, tt := range []struct {
		name        string
		opts        automox.ListOptions
		days, reads string
	}{
		{"until at midnight", automox.ListOptions{Since: day("2025-05-30"), Until: day("2025-06-02"), PageSize: 10}, "2025-05-30 2025-05-31 2025-06-01", ""},
		{"until a nanosecond after midnight", automox.ListOptions{Since: day("2025-05-31"), Until: day("2025-06-02").Add(time.Nanosecond), PageSize: 10}, "2025-05-31 2025-06-01 2025-06-02", ""},
		{"one whole day", automox.ListOptions{Since: day("2025-06-01"), Until: day("2025-06-02"), PageSize: 10}, "2025-06-01", ""},
		{"an empty window", automox.ListOptions{Since: day("2025-06-01"), Until: day("2025-06-01"), PageSize: 10}, "", ""},
		{"days within, the default limit", automox.ListOptions{Since: at("2024-06-10T12:00:00Z"), Until: at("2024-06-13T06:00:00Z")}, "2024-06-10 2024-06-11 2024-06-12 2024-06-13", "in"},
		{"Date", automox.ListOptions{Date: day("2025-06-01")}, "2025-06-01", ""},
		{"Date, all of the day", automox.ListOptions{Date: day("2024-06-13")}, "2024-06-13", "in,at until: out,after the window"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var got, want, msgs []string
			mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
				got = append(got, r.URL.RawQuery)
				if r.URL.Query().Get("date") == "2024-06-13" {
					return httpmock.NewJsonResponse(200, day13)
				}
				return httpmock.NewStringResponse(200, `[]`), nil
			})
			limit := cmp.Or(tt.opts.PageSize, 500)
			tt.opts.Concurrency = 1
			for ev, err := range c.Events(context.Background(), &tt.opts, nil).All() {
				if err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, ev.Message)
			}
			for _, d := range strings.Fields(tt.days) {
				want = append(want, fmt.Sprintf("date=%s&limit=%d", d, limit))
			}
			if !slices.Equal(got, want) || strings.Join(msgs, ",") != tt.reads {
				t.Errorf("requests %q, events %q; want %q, %q", got, msgs, want, tt.reads)
			}
		})
	}
}

// gate counts the requests in flight; it holds the first n until n are in
// flight at once, so a walk that does not fetch n days at once fails (after
// a generous wait, never as a timing assertion).
type gate struct {
	next     http.RoundTripper
	n        int
	mu       sync.Mutex
	inflight int
	max      int
	started  int
	open     chan struct{}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.inflight++
	g.started++
	g.max = max(g.max, g.inflight)
	if g.started == g.n {
		close(g.open)
	}
	held := g.started <= g.n
	g.mu.Unlock()
	if held {
		select {
		case <-g.open:
		case <-time.After(5 * time.Second):
		}
	}
	resp, err := g.next.RoundTrip(r)
	g.mu.Lock()
	g.inflight--
	g.mu.Unlock()
	return resp, err
}

// Days are fetched several at once, never more than Concurrency, each
// request through the client's rate limiter, and the events still come in
// day order.
func TestConcurrentDaysBoundedAndRateLimited(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(600, 2, dataEnd)})
	w := want(t, fake)
	for _, conc := range []int{1, 4, 7} {
		g := &gate{next: http.DefaultTransport, n: conc, open: make(chan struct{})}
		c := fakeClient(t, fake, auditclient.WithHTTPClient(&http.Client{Transport: g}), auditclient.WithRateLimit(rate.Limit(5000), 1))
		o := opts(50)
		o.Concurrency = conc
		it := c.Events(context.Background(), o, nil)
		got := walktest.Collect(t, it, -1)
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		it.Close()
		walktest.Diff(t, got, w)
		st := c.HTTP().Stats()
		t.Logf("concurrency %d: max in flight %d, requests %d, held back by the rate limiter %d", conc, g.max, st.Requests, st.Throttled)
		if g.max != conc {
			t.Errorf("concurrency %d: at most %d requests in flight", conc, g.max)
		}
		if conc > 1 && st.Throttled == 0 {
			t.Errorf("concurrency %d: no request waited for the rate limiter (burst 1)", conc)
		}
	}
}

// The NDJSON of a whole walk, 2,000 generated events and the document's 4
// examples, passes the reference validator, with events of every class.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(2000, 42, dataEnd)})
		for _, name := range audittest.AutomoxDocEventNames() {
			var arr []json.RawMessage
			if err := json.Unmarshal(audittest.AutomoxDocExamples()[name], &arr); err != nil {
				t.Fatal(err)
			}
			fake.Add(arr...)
		}
		return fakeClient(t, fake).Events(context.Background(), &automox.ListOptions{Since: window.Since, Until: window.Until}, nil)
	}, 2004, "3002", "3001", "3004", "6001")
}
