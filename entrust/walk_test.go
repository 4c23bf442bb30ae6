package entrust_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
)

var genEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// faultyFake serves 2,000 events with the fault mix of walktest.FaultMix.
func faultyFake(t *testing.T, seed int64) *audittest.Entrust {
	t.Helper()
	return audittest.StartEntrust(t, audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(2000, 42, genEnd),
		Faults: walktest.FaultMix(seed),
	})
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.Entrust, opts ...auditclient.Option) *entrust.Client {
	t.Helper()
	c, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret(), walktest.FastOptions("", opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFaultInjectedWalk(t *testing.T) {
	fake := faultyFake(t, 7)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatalf("walk failed: %v", err)
	}
	w := walktest.CompactAll(t, fake.Events())
	walktest.Diff(t, got, w)
	st, cs := fake.Stats(), c.HTTP().Stats()
	extra, lost := walktest.Tally(got, w)
	t.Logf("fault-injected walk: events=%d want=%d requests=%d served=%d injected=%v client retries=%d authentications=%d duplicates=%d losses=%d",
		len(got), len(w), st.Requests, st.Served, st.Injected, cs.Retries, fake.Authentications(), extra, lost)
	if extra != 0 || lost != 0 {
		t.Errorf("%d duplicates, %d losses", extra, lost)
	}
	if st.Injected[audittest.FaultRateLimit] == 0 || st.Injected[audittest.FaultUnavailable] == 0 ||
		st.Injected[audittest.FaultReset] == 0 || st.Injected[audittest.FaultTruncate] == 0 {
		t.Errorf("not every fault kind was injected: %v", st.Injected)
	}
	if cs.Retries == 0 {
		t.Error("client counted no retries")
	}
	// One token serves the whole walk; a second is issued only when the
	// response carrying the first was cut short or lost.
	var served int
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/adminapi/authenticate") && r.Fault == audittest.FaultNone && r.Status == 200 {
			served++
		}
	}
	if served != 1 || fake.Unauthorized() != 0 || cs.Reauthenticated != 0 {
		t.Errorf("%d tokens delivered, %d 401s, %d re-authentications for one walk with a 15-minute token; want 1, 0, 0", served, fake.Unauthorized(), cs.Reauthenticated)
	}
}

// The SIEM variant walks the same events, oldest first, with startTime and
// endTime.
func TestFaultInjectedSIEMWalk(t *testing.T) {
	fake := faultyFake(t, 13)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &entrust.ListOptions{SIEM: true, PageSize: 100}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatalf("walk failed: %v", err)
	}
	walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()))
	var siem int
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/auditeventspaged") {
			t.Fatalf("a SIEM walk called %s", r.Path)
		}
		if strings.HasSuffix(r.Path, "/siem") {
			siem++
		}
	}
	if siem < 20 {
		t.Errorf("%d SIEM requests for 20 pages", siem)
	}
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows and options, as every vendor's, on both endpoints (the SIEM one
// as the subtest siem): see internal/conformance (and its COVERAGE.md for
// the tests of this package it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, entrust.Name) }

func TestResumeFromCheckpointAt777(t *testing.T) {
	for _, siem := range []bool{false, true} {
		t.Run(fmt.Sprint("siem=", siem), func(t *testing.T) {
			fake := faultyFake(t, 11)
			events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
				return fakeClient(t, fake).Events(context.Background(), &entrust.ListOptions{PageSize: 100, SIEM: siem}, cp)
			}
			cp, fig := walktest.ResumeAt(t, events, 777, walktest.CompactAll(t, fake.Events()), []string{fake.SharedSecret()}, walktest.Collect)
			t.Logf("resume at 777: %v", fig)
			if cp.Position == nil || cp.Position.Skip != 77 || cp.Position.Token == "" {
				t.Errorf("checkpoint position %+v, want the 78th event of the page of a cursor", cp.Position)
			}
		})
	}
}

// Newest first, the walk yields every event once in that order, under
// faults; one stopped anywhere resumes from its checkpoint with nothing
// lost or repeated (its position is the server's cursor, which follows the
// order); and a complete checkpoint then yields only what arrived since,
// newest first.
func TestNewestFirstResumesAndSyncs(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(230, 3, genEnd),
		Faults: walktest.FaultMix(17),
	})
	want := walktest.CompactAll(t, fake.Events())
	slices.Reverse(want)
	c := fakeClient(t, fake)
	opts := &entrust.ListOptions{PageSize: 50, Order: auditclient.NewestFirst}
	walk := func(cp *auditclient.Checkpoint) auditclient.Iterator { return c.Events(context.Background(), opts, cp) }
	for _, at := range []int{0, 1, 49, 50, 51, 150, 229, 230} {
		cp, _ := walktest.ResumeAt(t, walk, at, want, []string{fake.SharedSecret()}, walktest.Collect)
		if at > 0 && at < 230 && (cp.Position == nil || cp.Position.Skip != at%50 && cp.Position.Skip != 50) {
			t.Errorf("resume at %d: position %+v", at, cp.Position)
		}
	}
	var bodies int
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/auditeventspaged") && strings.Contains(string(r.Body), `"orderByAttribute":{"name":"eventTime","ascending":false}`) {
			bodies++
		}
	}
	if bodies == 0 {
		t.Fatal("no request asked for eventTime descending")
	}

	it := walk(nil)
	if got := walktest.Collect(t, it, -1); it.Err() != nil || len(got) != 230 {
		t.Fatalf("whole walk: %d events, %v", len(got), it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	hw := cp.HighWater
	newEvents := arrivals(hw)
	fake.Add(newEvents...)
	it2 := walk(cp)
	second := walktest.Collect(t, it2, -1)
	it2.Close()
	walktest.Diff(t, second, []string{walktest.Compact(t, newEvents[2]), walktest.Compact(t, newEvents[1]), walktest.Compact(t, newEvents[0])})
	if it2.Err() != nil {
		t.Fatal(it2.Err())
	}
}

// newEvent is a record at t.
func newEvent(id string, t time.Time, typ string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"id":%q,"eventTime":%q,"eventCategory":"MANAGEMENT","eventOutcome":"SUCCESS","eventType":%q,"message":"user.edit","accountId":"a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d","subject":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","subjectName":"admin.alice","sourceIp":"198.51.100.4","entityId":"5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c","entityName":"jdoe","entityType":"USERS","entityAction":"EDIT","requiredPermission":"USERS:EDIT"}`,
		id, t.UTC().Format("2006-01-02T15:04:05.000Z"), typ))
}

// arrivals are three events that arrive after a walk whose newest event was
// at hw: one at hw itself, one a millisecond and one an hour later.
func arrivals(hw time.Time) []json.RawMessage {
	return []json.RawMessage{
		newEvent("11111111-2222-4333-8444-555555555501", hw, "UserModifiedEvent"),
		newEvent("11111111-2222-4333-8444-555555555502", hw.Add(time.Millisecond), "UserModifiedEvent"),
		newEvent("11111111-2222-4333-8444-555555555503", hw.Add(time.Hour), "UserModifiedEvent"),
	}
}

// A completed walk's checkpoint makes the next walk yield only the events
// that arrived since, including new ones at the very millisecond of the
// last event seen.
func TestIncrementalSync(t *testing.T) {
	for _, siem := range []bool{false, true} {
		t.Run(fmt.Sprint("siem=", siem), func(t *testing.T) {
			fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(300, 5, genEnd)})
			c := fakeClient(t, fake)
			opts := &entrust.ListOptions{PageSize: 40, SIEM: siem}
			it := c.Events(context.Background(), opts, nil)
			first := walktest.Collect(t, it, -1)
			if it.Err() != nil || len(first) != 300 {
				t.Fatalf("first walk: %d events, %v", len(first), it.Err())
			}
			cp := it.Checkpoint()
			it.Close()
			if !cp.Complete() || cp.HighWater.IsZero() || len(cp.Boundary) == 0 {
				t.Fatalf("checkpoint after a full walk: %+v", cp)
			}
			hw := cp.HighWater
			newEvents := arrivals(hw)
			fake.Add(newEvents...)
			it2 := c.Events(context.Background(), opts, cp)
			second := walktest.Collect(t, it2, -1)
			if err := it2.Err(); err != nil {
				t.Fatal(err)
			}
			it2.Close()
			if len(second) != len(newEvents) {
				t.Fatalf("incremental walk yielded %d events, want the %d new ones: %v", len(second), len(newEvents), second)
			}
			for i, raw := range newEvents { // oldest first
				if second[i] != walktest.Compact(t, raw) {
					t.Errorf("incremental event %d = %s, want %s", i, second[i], raw)
				}
			}
			it3 := c.Events(context.Background(), opts, it2.Checkpoint())
			if third := walktest.Collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
				t.Errorf("third walk: %d events, %v", len(third), it3.Err())
			}
		})
	}
}

func TestCheckpointOfOtherQueryRefused(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(50, 1, genEnd)})
	c := fakeClient(t, fake)
	events := func(o *entrust.ListOptions, cp *auditclient.Checkpoint) auditclient.Iterator {
		return c.Events(context.Background(), o, cp)
	}
	users := &entrust.ListOptions{Filters: []entrust.Filter{entrust.Where(entrust.AttrEntityType, entrust.Equals, "USERS")}}
	cp := walktest.CheckpointRefused(t, events, users, map[string]*entrust.ListOptions{
		"other filter": {Filters: []entrust.Filter{entrust.Where(entrust.AttrEntityType, entrust.Equals, "GROUPS")}},
		"other op":     {Filters: []entrust.Filter{entrust.Where(entrust.AttrEntityType, entrust.StartsWith, "USERS")}},
		"siem":         {SIEM: true},
		"other order":  {Filters: users.Filters, OrderBy: &entrust.SortBy{Name: entrust.AttrEventTime}},
		"newest first": {Filters: users.Filters, Order: auditclient.NewestFirst},
	}, func() int { return len(fake.Requests()) })
	// The same filters in a later window resume.
	it4 := c.Events(context.Background(), &entrust.ListOptions{Filters: users.Filters, PageSize: 7}, cp)
	if got := walktest.Collect(t, it4, -1); it4.Err() != nil || len(got) == 0 {
		t.Errorf("same query: %d events, %v", len(got), it4.Err())
	}
}

// clock is a fake clock for the fake's tokens.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// A token that expires (by the server's clock) or is revoked in the middle
// of a walk is answered 401; the client authenticates again and repeats the
// request, and the walk goes on with nothing lost or repeated.
func TestTokenExpiresMidWalk(t *testing.T) {
	for _, how := range []string{"expires", "revoked"} {
		t.Run(how, func(t *testing.T) {
			clk := &clock{t: time.Now()}
			fake := audittest.StartEntrust(t, audittest.EntrustOptions{
				Events: audittest.GenerateEntrustEvents(1000, 21, genEnd),
				Clock:  clk.Now,
			})
			c := fakeClient(t, fake)
			it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 50}, nil)
			defer it.Close()
			var got []string
			for it.Next() {
				got = append(got, walktest.Compact(t, []byte(it.Event().RawData)))
				switch len(got) {
				case 250, 700:
					if how == "expires" {
						clk.Add(16 * time.Minute)
					} else {
						fake.ExpireTokens()
					}
				}
			}
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()))
			if fake.Unauthorized() < 2 || fake.Authentications() != 3 {
				t.Errorf("401 answers %d, authentications %d; want 2 and 3", fake.Unauthorized(), fake.Authentications())
			}
			if st := c.HTTP().Stats(); st.Reauthenticated != 2 {
				t.Errorf("client re-authentications %d, want 2", st.Reauthenticated)
			}
		})
	}
}

// A token the server says expires within the safety margin is replaced
// before every request, without waiting for a 401.
func TestShortLivedTokenRefreshedBeforeExpiry(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{
		Events:        audittest.GenerateEntrustEvents(300, 2, genEnd),
		TokenLifetime: 45 * time.Second, // under TokenMargin + 30 s
	})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 50}, nil)
	got := walktest.Collect(t, it, -1)
	it.Close()
	if it.Err() != nil || len(got) != 300 {
		t.Fatalf("%d events, %v", len(got), it.Err())
	}
	var reports int
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, "/reports/") {
			reports++
		}
	}
	if fake.Unauthorized() != 0 || fake.Authentications() != reports {
		t.Errorf("%d reports, %d authentications, %d 401s: want one authentication per report and no 401", reports, fake.Authentications(), fake.Unauthorized())
	}
}

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	v := walktest.NeedValidator(t)
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(2000, 42, genEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	defer it.Close()
	classes := map[ocsf.ClassUID]int{}
	types := map[int64]int{}
	ndjson := walktest.NDJSON(t, it, func(ev ocsf.Event) {
		classes[ev.Class]++
		types[ev.TypeUID()]++
	})
	last := v.Check(t, ndjson, 2000)
	t.Logf("validate.py: %s; classes %v; type_uids %v", last, classes, types)
	for _, cl := range []ocsf.ClassUID{ocsf.ClassAuthentication, ocsf.ClassAccountChange, ocsf.ClassEntityManagement, ocsf.ClassUserAccess, ocsf.ClassGroupManagement} {
		if classes[cl] == 0 {
			t.Errorf("the generated data produced no %d events: %v", cl, classes)
		}
	}
}

// No credential reaches a log line (Debug level, every attempt, retry and
// re-authentication) or an error, through a fault-injected walk, a revoked
// token and a wrong secret.
func TestNoCredentialInLogsOrErrors(t *testing.T) {
	fake := faultyFake(t, 3)
	logger, logs := walktest.DebugLogger()
	c := fakeClient(t, fake, auditclient.WithLogger(logger))
	it := c.Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	n := 0
	for it.Next() {
		if n++; n == 1000 {
			fake.ExpireTokens()
		}
	}
	if n != 2000 || it.Err() != nil {
		t.Fatalf("%d events, %v", n, it.Err())
	}
	it.Close()

	bad, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), "wrong-secret-0d9e8f", auditclient.WithLogger(logger),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 25, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListPage(context.Background(), nil)
	if !errors.Is(err, auditclient.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	if !strings.Contains(logs.String(), "retrying") || !strings.Contains(logs.String(), "new credential") {
		t.Fatalf("the logs hold no retry or re-authentication records:\n%.2000s", logs.String())
	}
	var tokens []string
	for _, r := range fake.Requests() {
		if a := r.Header.Get("Authorization"); a != "" {
			tokens = append(tokens, a)
		}
	}
	if len(tokens) == 0 {
		t.Fatal("no token was sent")
	}
	secrets := append([]string{fake.SharedSecret(), "wrong-secret-0d9e8f"}, tokens...)
	walktest.NoSecrets(t, secrets, map[string]string{"logs": logs.String(), "error": err.Error(), "%+v of error": fmt.Sprintf("%+v %#v", err, err), "client": walktest.FmtAll(c) + walktest.FmtAll(bad)})
}

// A base URL with a path prefix is kept on every request, authentication
// included; filters and order reach the server and select what they say.
func TestWalkUnderBasePathWithFilters(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{
		BasePath: "/gateway/idaas",
		Events:   audittest.GenerateEntrustEvents(600, 8, genEnd),
	})
	c := fakeClient(t, fake)
	opts := &entrust.ListOptions{PageSize: 30, Filters: []entrust.Filter{
		entrust.CategoryIs(entrust.CategoryManagement),
		entrust.Where(entrust.AttrEntityType, entrust.Equals, "USERS"),
		entrust.Where(entrust.AttrEntityAction, entrust.NotEquals, "REMOVE"),
	}}
	it := c.Events(context.Background(), opts, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	var wantN int
	for _, raw := range fake.Events() {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		if m["eventCategory"] == "MANAGEMENT" && m["entityType"] == "USERS" && m["entityAction"] != "REMOVE" {
			wantN++
		}
	}
	if len(got) != wantN || wantN == 0 {
		t.Errorf("%d events, the data holds %d", len(got), wantN)
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/idaas/api/web/") {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
	}
}
