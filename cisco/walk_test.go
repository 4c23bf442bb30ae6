package cisco_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
)

// end is the newest record of the generated data sets.
var end = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t *testing.T, fake *audittest.Cisco, opts ...auditclient.Option) *cisco.Client {
	t.Helper()
	return walktest.Must(cisco.NewClient(fake.ClientID(), fake.APIKey(), walktest.FastOptions(fake.URL(), opts...)...))(t)
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows and options, as every vendor's: see internal/conformance (and its
// COVERAGE.md for the tests of this package it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, cisco.Name) }

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(2000, 42, end), Faults: walktest.FaultMix(11)})
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), &cisco.ListOptions{PageSize: 100}, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, walktest.CompactAll(t, fake.Events()),
		[]string{fake.APIKey(), fake.ClientID()}, walktest.Collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	if cp.Position == nil || cp.Position.Skip != 77 {
		t.Errorf("checkpoint position %+v, want the 78th record of the page at offset 700", cp.Position)
	}
}

// A next link to another host is refused, and that host receives nothing.
func TestForeignNextLinkRefused(t *testing.T) {
	var evil atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evil.Add(1)
		w.Write([]byte(`{"data":[]}`))
	}))
	defer other.Close()
	page := func(next string) string {
		return `{"version":"v1.2.0","metadata":{"links":{"self":"x","next":"` + next + `"},"results":{"total":4,"current_item_count":2,"index":0,"items_per_page":2}},"data":[` +
			`{"event":"login","audit_log_type":"User","audit_log_id":"373031bf-6e67-40e5-9fc2-ffea680a2ebd","audit_log_user":"a@example.com","created_at":"2022-02-23T20:43:09Z"},` +
			`{"event":"login","audit_log_type":"User","audit_log_id":"373031bf-6e67-40e5-9fc2-ffea680a2ebd","audit_log_user":"b@example.com","created_at":"2022-02-23T20:43:08Z"}]}`
	}
	for _, next := range []string{other.URL + "/v1/audit_logs?offset=2", strings.Replace(other.URL, "http://", "https://", 1) + "/v1/audit_logs?offset=2"} {
		home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(page(next)))
		}))
		c, err := cisco.NewClient(testClientID, testAPIKey, auditclient.WithBaseURL(home.URL))
		if err != nil {
			t.Fatal(err)
		}
		it := c.Events(context.Background(), nil, nil)
		n := 0
		for it.Next() {
			n++
		}
		if n != 2 || !errors.Is(it.Err(), auditclient.ErrForeignHost) {
			t.Errorf("next %s: %d events, Err = %v; want 2 events then ErrForeignHost", next, n, it.Err())
		}
		if it.Err() != nil && strings.Contains(it.Err().Error(), testAPIKey) {
			t.Errorf("error leaks the key: %v", it.Err())
		}
		it.Close()
		home.Close()
	}
	if evil.Load() != 0 {
		t.Errorf("the other host received %d requests", evil.Load())
	}
}

// The NDJSON of a whole walk passes the reference validator, with events
// of every class.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(2000, 42, end)})
		return fakeClient(t, fake).Events(context.Background(), &cisco.ListOptions{PageSize: 500}, nil)
	}, 2000, "3002", "3001", "3004")
}

// A base URL with a path prefix (a gateway or proxy in front of the API) is
// kept on every request, next links included.
func TestWalkUnderBasePath(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{
		BasePath: "/gateway/amp",
		Events:   audittest.GenerateCiscoEvents(250, 8, end),
	})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &cisco.ListOptions{PageSize: 100, AuditLogType: "User"}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	var users int
	for _, raw := range fake.Events() {
		if strings.Contains(string(raw), `"audit_log_type":"User"`) {
			users++
		}
	}
	if len(got) != users || users == 0 {
		t.Errorf("%d events, the data holds %d User records", len(got), users)
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/amp/v1/audit_logs") || r.Query.Get("audit_log_type") != "User" {
			t.Errorf("request %s %s?%s", r.Method, r.Path, r.RawQuery)
		}
	}
}

// A checkpoint keeps its position relative to the base URL, so a walk
// stopped against one host resumes against another serving the same data (a
// restarted fake on a new port here; a proxy or a region alias in real life).
func TestResumeAgainstAnotherBaseURL(t *testing.T) {
	events := audittest.GenerateCiscoEvents(600, 5, end)
	one := audittest.StartCisco(t, audittest.CiscoOptions{Events: events})
	two := audittest.StartCisco(t, audittest.CiscoOptions{Events: events})
	w := walktest.CompactAll(t, one.Events())

	it := fakeClient(t, one).Events(context.Background(), &cisco.ListOptions{PageSize: 100}, nil)
	first := walktest.Collect(t, it, 250)
	cp := it.Checkpoint()
	it.Close()
	if cp.Position == nil || strings.Contains(cp.Position.Token, "127.0.0.1") || !strings.HasPrefix(cp.Position.Token, "v1/audit_logs?") {
		t.Fatalf("position %+v: want a reference relative to the base URL", cp.Position)
	}
	it2 := fakeClient(t, two).Events(context.Background(), &cisco.ListOptions{PageSize: 100}, cp)
	defer it2.Close()
	rest := walktest.Collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	if r := two.Requests(); len(r) == 0 || r[0].Query.Get("offset") != "200" {
		t.Errorf("second fake's first request: %v, want the page at offset 200", r)
	}
	walktest.Diff(t, append(first, rest...), w)
}

// The fake's default data set ends when it starts: the last day holds
// records, and Events reads exactly those of the window.
func TestLastDayOfTheDefaultFake(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{})
	since := time.Now().Add(-24 * time.Hour)
	it := fakeClient(t, fake).Events(context.Background(), &cisco.ListOptions{Since: since}, nil)
	defer it.Close()
	n := 0
	for ev, err := range it.All() {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Time.Before(since) {
			t.Fatalf("event at %v, before Since %v", ev.Time, since)
		}
		n++
	}
	if n < 100 {
		t.Errorf("%d events in the last day of the default data set", n)
	}
}
