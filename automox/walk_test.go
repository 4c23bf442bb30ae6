package automox_test

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/auditkit/auditkit/ocsf"
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

// faultyFake serves n events with the fault mix of walktest.FaultMix.
func faultyFake(t *testing.T, seed int64, n int) *audittest.Automox {
	t.Helper()
	return audittest.StartAutomox(t, audittest.AutomoxOptions{
		Events: audittest.GenerateAutomoxEvents(n, 42, dataEnd),
		Faults: walktest.FaultMix(seed),
	})
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.Automox, opts ...auditclient.Option) *automox.Client {
	t.Helper()
	c, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), walktest.FastOptions(fake.URL(), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
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
	fake := faultyFake(t, 11, 1500)
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

// A completed walk's checkpoint makes the next walk yield only the events
// that arrived since, including new ones in the very millisecond of the last
// event seen, while those already seen there are not repeated.
func TestIncrementalSync(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(300, 5, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts(40), nil)
	first := walktest.Collect(t, it, -1)
	if it.Err() != nil || len(first) != 300 {
		t.Fatalf("first walk: %d events, %v", len(first), it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	if !cp.Complete() || !cp.HighWater.Equal(dataEnd) || len(cp.Boundary) == 0 {
		t.Fatalf("checkpoint after a full walk: %+v", cp)
	}
	hw := cp.HighWater
	prefix := fmt.Sprintf("%08x", hw.Unix())
	newEvents := []json.RawMessage{
		newEvent(prefix+"ffffffff00000001", hw, "same millisecond as the last event seen"),
		newEvent(prefix+"ffffffff00000002", hw.Add(time.Second), "a second later"),
		newEvent(fmt.Sprintf("%08x", hw.Add(13*time.Hour).Unix())+"ffffffff00000003", hw.Add(13*time.Hour), "the next day"),
	}
	fake.Add(newEvents...)
	later := opts(40)
	later.Until = hw.Add(24 * time.Hour)
	it2 := c.Events(context.Background(), later, cp)
	second := walktest.Collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	it2.Close()
	if len(second) != len(newEvents) {
		t.Fatalf("incremental walk yielded %d events, want the %d new ones: %v", len(second), len(newEvents), second)
	}
	for i, raw := range newEvents {
		if second[i] != walktest.Compact(t, raw) {
			t.Errorf("incremental event %d = %s, want %s", i, second[i], raw)
		}
	}
	// A third walk finds nothing new.
	it3 := c.Events(context.Background(), later, it2.Checkpoint())
	if third := walktest.Collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
	}
}

// Every day of the window is read, days without events too, and only the
// events inside the half-open window [Since, Until) are yielded: the one at
// exactly Since is, the one at exactly Until is not.
func TestEveryDayVisitedAndWindowKept(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	events := []json.RawMessage{
		newEvent("666700000000000000000001", at("2024-06-10T03:00:00Z"), "before the window"),
		newEvent("666700000000000000000002", at("2024-06-10T11:59:59.999Z"), "a millisecond before since"),
		newEvent("666700000000000000000003", at("2024-06-10T12:00:00Z"), "at since: in"),
		newEvent("666700000000000000000004", at("2024-06-10T13:00:00Z"), "in"),
		newEvent("666a00000000000000000005", at("2024-06-13T05:59:59.999Z"), "in"),
		newEvent("666a00000000000000000006", at("2024-06-13T06:00:00Z"), "at until: out"),
		newEvent("666a00000000000000000007", at("2024-06-13T06:00:00.001Z"), "after the window"),
		newEvent("666c00000000000000000008", at("2024-06-15T00:00:00Z"), "a day after"),
	}
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: events})
	c := fakeClient(t, fake)
	o := &automox.ListOptions{Since: at("2024-06-10T12:00:00Z"), Until: at("2024-06-13T06:00:00Z")}
	it := c.Events(context.Background(), o, nil)
	var msgs []string
	for ev, err := range it.All() {
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, ev.Message)
	}
	if strings.Join(msgs, ",") != "at since: in,in,in" {
		t.Errorf("events %v", msgs)
	}
	var days []string
	for _, r := range fake.Requests() {
		days = append(days, r.Query.Get("date"))
		if r.Query.Get("limit") != "500" {
			t.Errorf("request %v: limit %q, want the default 500", r, r.Query.Get("limit"))
		}
	}
	slices.Sort(days)
	if got := strings.Join(days, " "); got != "2024-06-10 2024-06-11 2024-06-12 2024-06-13" {
		t.Errorf("days read: %s", got)
	}
	// One day, by Date.
	it2 := c.Events(context.Background(), &automox.ListOptions{Date: at("2024-06-13T00:00:00Z")}, nil)
	msgs = msgs[:0]
	for ev, err := range it2.All() {
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, ev.Message)
	}
	if strings.Join(msgs, ",") != "in,at until: out,after the window" {
		t.Errorf("events of 2024-06-13: %v", msgs)
	}
}

// An Until at midnight does not read the day it starts (the window is
// [Since, Until)): --until 2025-06-02T00:00:00Z asks for 2025-06-01 and the
// days before, never date=2025-06-02. Exact requests, through httpmock.
func TestUntilMidnightDoesNotReadItsDay(t *testing.T) {
	for _, tt := range []struct {
		name         string
		since, until time.Time
		days         string
	}{
		{"until at midnight", day("2025-05-30"), day("2025-06-02"), "2025-05-30 2025-05-31 2025-06-01"},
		{"until a nanosecond after midnight", day("2025-05-31"), day("2025-06-02").Add(time.Nanosecond), "2025-05-31 2025-06-01 2025-06-02"},
		{"one whole day", day("2025-06-01"), day("2025-06-02"), "2025-06-01"},
		{"an empty window", day("2025-06-01"), day("2025-06-01"), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var mu sync.Mutex
			var got []string
			mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				got = append(got, r.URL.RawQuery)
				mu.Unlock()
				return httpmock.NewStringResponse(200, `[]`), nil
			})
			it := c.Events(context.Background(), &automox.ListOptions{Since: tt.since, Until: tt.until, PageSize: 10, Concurrency: 1}, nil)
			for _, err := range it.All() {
				if err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for _, d := range strings.Fields(tt.days) {
				want = append(want, "date="+d+"&limit=10")
			}
			if !slices.Equal(got, want) {
				t.Errorf("requests %q, want %q", got, want)
			}
		})
	}
	// ListOptions.Date is the window [midnight, next midnight): one day.
	c, mt := mocked(t)
	var got []string
	mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.Query().Get("date"))
		return httpmock.NewStringResponse(200, `[]`), nil
	})
	for _, err := range c.Events(context.Background(), &automox.ListOptions{Date: day("2025-06-01"), Concurrency: 1}, nil).All() {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(got, []string{"2025-06-01"}) {
		t.Errorf("Date 2025-06-01 read %q", got)
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

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	v := walktest.NeedValidator(t)
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(2000, 42, dataEnd)})
	for _, name := range audittest.AutomoxDocEventNames() {
		var arr []json.RawMessage
		if err := json.Unmarshal(audittest.AutomoxDocExamples()[name], &arr); err != nil {
			t.Fatal(err)
		}
		fake.Add(arr...)
	}
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &automox.ListOptions{Since: window.Since, Until: window.Until}, nil)
	defer it.Close()
	classes := map[ocsf.ClassUID]int{}
	ndjson := walktest.NDJSON(t, it, func(ev ocsf.Event) {
		classes[ev.Class]++
	})
	// 2,000 generated events and the document's 4 examples.
	last := v.Check(t, ndjson, 2004)
	t.Logf("validate.py: %s; classes %v", last, classes)
	for _, cl := range []ocsf.ClassUID{ocsf.ClassAuthentication, ocsf.ClassAccountChange, ocsf.ClassEntityManagement, ocsf.ClassWebResourcesActivity} {
		if classes[cl] == 0 {
			t.Errorf("the generated data produced no %d events: %v", cl, classes)
		}
	}
}

// The fake answers another organization with 403, a missing date with 400,
// and a base URL with a path prefix is kept on every request.
func TestFakeErrorsAndBasePath(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{BasePath: "/gateway", Events: audittest.GenerateAutomoxEvents(250, 8, dataEnd)})
	if !strings.HasSuffix(fake.URL(), "/gateway") {
		t.Fatalf("URL %s", fake.URL())
	}
	c := fakeClient(t, fake)
	n := 0
	for _, err := range c.Pages(context.Background(), opts(100)).All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 250 {
		t.Errorf("%d events, want 250", n)
	}
	for _, r := range fake.Requests() {
		if r.Path != "/gateway/api/audit-service/v1/orgs/"+fake.OrgUUID()+"/events" || r.Header.Get("X-Ax-Organization-Uuid") != fake.OrgUUID() {
			t.Errorf("request %v", r)
		}
	}
	stranger, _ := automox.NewClient(fake.APIKey(), "00000000-0000-4000-8000-000000000000", auditclient.WithBaseURL(fake.URL()))
	_, err := stranger.ListPage(context.Background(), &automox.ListOptions{Date: dataEnd})
	if !errors.Is(err, auditclient.ErrForbidden) {
		t.Errorf("another organization: %v", err)
	}
}
