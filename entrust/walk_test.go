package entrust_test

import (
	"context"
	"encoding/json"
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

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows, options and events arriving between walks, as every vendor's,
// on both endpoints (the SIEM one as the subtest siem) and in both orders:
// see internal/conformance (and its COVERAGE.md for the tests of this
// package it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, entrust.Name) }

// Under faults, on each endpoint and in each order, a walk stopped at 777
// (and newest first at page boundaries, the start and the end) resumes
// from its checkpoint, whose position is a cursor and the events consumed
// of its page: nothing lost or repeated. The walks read only their
// endpoint, asking for eventTime descending when newest first, meet every
// fault, retry, and take one token: no 401, no re-authentication, a second
// token only when the response carrying the first was cut short or lost.
func TestFaultInjectedWalks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       entrust.ListOptions
		at         []int
		path, body string // every report request's path ends with path; one body at least holds body
	}{
		{"paged", entrust.ListOptions{PageSize: 100}, []int{777}, "/auditeventspaged", `"limit":100`},
		{"siem", entrust.ListOptions{PageSize: 100, SIEM: true}, []int{777}, "/siem", `"startTime"`},
		{"newest first", entrust.ListOptions{PageSize: 100, Order: auditclient.NewestFirst}, []int{0, 1, 99, 100, 101, 777, 1999, 2000},
			"/auditeventspaged", `"orderByAttribute":{"name":"eventTime","ascending":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := faultyFake(t, 11)
			want := walktest.CompactAll(t, fake.Events())
			if tc.opts.Order == auditclient.NewestFirst {
				slices.Reverse(want)
			}
			c := fakeClient(t, fake)
			walk := func(cp *auditclient.Checkpoint) auditclient.Iterator {
				return c.Events(context.Background(), &tc.opts, cp)
			}
			for _, at := range tc.at {
				cp, fig := walktest.ResumeAt(t, walk, at, want, []string{fake.SharedSecret()}, walktest.Collect)
				p, skip := cp.Position, at%100
				if at > 0 && at < 2000 && (p == nil || (p.Skip != skip && (skip != 0 || p.Skip != 100)) || (at > 100 && p.Token == "")) {
					t.Errorf("resume at %d: position %+v, want a cursor and %d events of its page", at, p, skip)
				}
				t.Logf("resume at %d: %v", at, fig)
			}
			st, cs := fake.Stats(), c.HTTP().Stats()
			reports, bodies, tokens := 0, 0, 0
			for _, r := range fake.Requests() {
				switch {
				case strings.HasSuffix(r.Path, "/adminapi/authenticate"):
					if r.Fault == audittest.FaultNone && r.Status == 200 {
						tokens++
					}
				case !strings.HasSuffix(r.Path, tc.path):
					t.Fatalf("a %s walk called %s", tc.name, r.Path)
				case strings.Contains(string(r.Body), tc.body):
					reports, bodies = reports+1, bodies+1
				default:
					reports++
				}
			}
			if reports < 20 || bodies == 0 {
				t.Errorf("%d report requests for 20 pages at least, %d asking %s", reports, bodies, tc.body)
			}
			for _, f := range walktest.FaultMix(11).Script {
				if st.Injected[f] == 0 {
					t.Errorf("no %s injected: %v", f, st.Injected)
				}
			}
			if cs.Retries == 0 || tokens != 1 || fake.Unauthorized() != 0 || cs.Reauthenticated != 0 {
				t.Errorf("%d retries; %d tokens delivered, %d 401s, %d re-authentications with a 15-minute token: want 1, 0, 0", cs.Retries, tokens, fake.Unauthorized(), cs.Reauthenticated)
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

// The NDJSON of a whole walk passes the reference validator, with events
// of every class.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(2000, 42, genEnd)})
		return fakeClient(t, fake).Events(context.Background(), &entrust.ListOptions{PageSize: 100}, nil)
	}, 2000, "3002", "3001", "3004", "3005", "3006")
}

// Tokens revoked mid-walk are replaced ("new credential" in the Debug
// logs), and no token reaches a log line or the client's formatting. (The
// credentials under faults and wrong secrets are the conformance suite's.)
func TestNoTokenInLogs(t *testing.T) {
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
	if it.Close(); n != 2000 || it.Err() != nil || !strings.Contains(logs.String(), "new credential") {
		t.Fatalf("%d events, %v; logs:\n%.2000s", n, it.Err(), logs.String())
	}
	tokens := []string{fake.SharedSecret()}
	for _, r := range fake.Requests() {
		if a := r.Header.Get("Authorization"); a != "" && !slices.Contains(tokens, a) {
			tokens = append(tokens, a)
		}
	}
	if len(tokens) < 3 {
		t.Fatalf("tokens sent: %q, want two at least", tokens[1:])
	}
	walktest.NoSecrets(t, tokens, map[string]string{"logs": logs.String(), "client": walktest.FmtAll(c)})
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
