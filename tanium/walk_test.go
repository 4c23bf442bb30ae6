package tanium_test

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/tanium"
)

var testEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.Tanium, opts ...auditclient.Option) *tanium.Client {
	t.Helper()
	return walktest.Must(tanium.NewClient(fake.URL(), fake.APIToken(), walktest.FastOptions("", opts...)...))(t)
}

func parse(t testing.TB, list string) []tanium.Object {
	t.Helper()
	return walktest.Must(tanium.ParseObjects(list))(t)
}

// allOf are the options that read the whole data set of fake.
func allOf(t testing.TB, fake *audittest.Tanium) *tanium.ListOptions {
	return &tanium.ListOptions{Objects: parse(t, fake.ObjectList()), PageSize: 1000}
}

// want is the fake's data set as a walk over all its objects must yield
// it: object after object, each history newest first. Each record is
// prefixed with its object, since entries do not name their type.
func want(t testing.TB, fake *audittest.Tanium) []string {
	var out []string
	for _, e := range fake.Events() {
		out = append(out, e.Object()+" "+walktest.Compact(t, e.Raw))
	}
	return out
}

// collect walks it to the end (or n events), validating every event, and
// returns the records as want spells them: each prefixed with its object,
// read back from the event (entity or user).
func collect(t testing.TB, it auditclient.Iterator, n int) []string {
	t.Helper()
	return walktest.CollectFunc(t, it, n, func(ev ocsf.Event) string {
		if ev.Entity != nil {
			return ev.Entity.Type + ":" + ev.Entity.UID + " " + walktest.Compact(t, []byte(ev.RawData))
		}
		if ev.Group != nil { // a user group created or deleted (Group Management)
			return "user_group:" + ev.Group.UID + " " + walktest.Compact(t, []byte(ev.RawData))
		}
		return "user:" + ev.User.UID + " " + walktest.Compact(t, []byte(ev.RawData))
	})
}

// walk is collect of a whole walk that must not fail.
func walk(t testing.TB, it auditclient.Iterator) []string {
	t.Helper()
	return walktest.All(t, it, collect)
}

// listed is every entry Pages yields, spelled as want spells them.
func listed(t testing.TB, c *tanium.Client, opts *tanium.ListOptions) []string {
	t.Helper()
	var out []string
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Object.String()+" "+walktest.Compact(t, e.Raw))
	}
	return out
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// windows and options, as every vendor's: see internal/conformance (and its
// COVERAGE.md for the tests of this file it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, tanium.Name) }

// The walk's result does not depend on the concurrency: entries come in
// object order, each object exactly once.
func TestConcurrencyKeepsOrder(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(400, 4, testEnd)})
	for _, conc := range []int{1, 3, 4, tanium.MaxConcurrency} {
		before := len(fake.Requests())
		opts := allOf(t, fake)
		opts.Concurrency = conc
		walktest.Diff(t, walk(t, fakeClient(t, fake).Events(context.Background(), opts, nil)), want(t, fake))
		seen := map[string]int{}
		for _, r := range fake.Requests()[before:] {
			seen[r.Path]++
		}
		if n := len(fake.Requests()) - before; n != len(opts.Objects) || len(seen) != len(opts.Objects) {
			t.Errorf("concurrency %d: %d requests for %d objects (%d distinct)", conc, n, len(opts.Objects), len(seen))
		}
	}
}

// The position of a walk resumed under faults names the object being read
// and the entries of it consumed.
func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(1500, 42, testEnd), Faults: walktest.FaultMix(11)})
	w, opts := want(t, fake), allOf(t, fake)
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), opts, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, w, []string{fake.APIToken()}, collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	if cp.Position == nil {
		t.Fatal("checkpoint of a walk in progress without a position")
	}
	idx, err := strconv.Atoi(cmp.Or(cp.Position.Token, "0"))
	if err != nil || idx < 0 || idx >= len(opts.Objects) {
		t.Fatalf("position %+v", cp.Position)
	}
	prefix, before := opts.Objects[idx].String()+" ", 0
	for _, e := range w[:777] {
		if strings.HasPrefix(e, prefix) {
			before++
		}
	}
	if cp.Position.Skip != before || !strings.HasPrefix(w[776], prefix) {
		t.Errorf("position %+v: event 777 is %s; %d of its object's entries came before", cp.Position, w[776][:30], before)
	}
}

// Reordered objects are another query; the history size, window and
// concurrency may change; a position past the objects is an error, not a
// panic.
func TestCheckpointOfOtherQueryRefused(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(60, 1, testEnd)})
	opts, c := allOf(t, fake), fakeClient(t, fake)
	events := func(o *tanium.ListOptions, cp *auditclient.Checkpoint) auditclient.Iterator {
		return c.Events(context.Background(), o, cp)
	}
	reordered := *opts
	reordered.Objects = append([]tanium.Object{opts.Objects[1], opts.Objects[0]}, opts.Objects[2:]...)
	cp := walktest.CheckpointRefused(t, events, opts, map[string]*tanium.ListOptions{"reordered objects": &reordered},
		func() int { return len(fake.Requests()) })
	before := len(fake.Requests())
	changed := *opts
	changed.PageSize, changed.Concurrency, changed.Since = 500, 2, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if n := len(walk(t, c.Events(context.Background(), &changed, cp))); n != 59 || len(fake.Requests()) == before {
		t.Errorf("other history size: %d events, %d requests", n, len(fake.Requests())-before)
	}
	bad := cp.Clone()
	bad.Position = &auditclient.Position{Token: "999"}
	if it := c.Events(context.Background(), opts, bad); it.Next() || it.Err() == nil || !strings.Contains(it.Err().Error(), "999") {
		t.Errorf("bad position: %v", it.Err())
	}
}

// The history sizes are sent, and the server's last-N answer at
// MaxHistorySize bounds what the walk sees: the newest N entries of each
// object; every object cut short is reported.
func TestHistorySizeBoundsTheWalk(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(400, 6, testEnd)})
	opts := allOf(t, fake)
	opts.PageSize, opts.MaxHistorySize = 3, 3
	var w, cut []string
	for _, o := range opts.Objects {
		h := fake.History(o.String())
		for _, raw := range h[:min(3, len(h))] {
			w = append(w, o.String()+" "+walktest.Compact(t, raw))
		}
		if len(h) >= 3 {
			cut = append(cut, o.String())
		}
	}
	it := fakeClient(t, fake).Events(context.Background(), opts, nil)
	got := walk(t, it)
	walktest.Diff(t, got, w)
	var warned []string
	for _, werr := range auditclient.WarningsOf(it) {
		var te *tanium.TruncatedError
		if !errors.As(werr, &te) {
			t.Fatalf("warning %v", werr)
		}
		warned = append(warned, te.Object.String())
	}
	if strings.Join(warned, ",") != strings.Join(cut, ",") || len(cut) == 0 || len(got) >= 400 {
		t.Errorf("warned of %v, want %v; %d events of 400", warned, cut, len(got))
	}
	for _, r := range fake.Requests() {
		if h := r.Header.Get("Tanium-Options"); h != `{"audit_history_size":3}` {
			t.Errorf("tanium-options %q", h)
		}
	}
}

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		fake := audittest.StartTanium(t, audittest.TaniumOptions{})
		return fakeClient(t, fake).Events(context.Background(), allOf(t, fake), nil)
	}, audittest.DefaultTaniumEvents, "300101", "300106", "300401", "300403", "300404")
}

// Pages gives one page per object, in order, each the object's whole
// history, then an empty last page; Events the same entries. A base URL
// with a path prefix is kept on every request.
func TestPagesOnePagePerObjectUnderBasePath(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{BasePath: "/gateway/tanium", Events: audittest.GenerateTaniumEvents(120, 8, testEnd), CacheInfo: true})
	opts, c := allOf(t, fake), fakeClient(t, fake)
	walktest.Diff(t, walk(t, c.Events(context.Background(), opts, nil)), want(t, fake))
	p := c.Pages(context.Background(), opts)
	defer p.Close()
	var got []string
	n := 0
	for ; p.More(); n++ {
		page := walktest.Must(p.NextPage(context.Background()))(t)
		if want := map[bool]string{true: "", false: strconv.Itoa(n)}[n == 0]; page.Token != want || page.Number != n {
			t.Errorf("page %d: token %q, number %d", n, page.Token, page.Number)
		}
		size := 0 // the last page
		if n < len(opts.Objects) {
			size = len(fake.History(opts.Objects[n].String()))
		}
		if len(page.Items) != size {
			t.Errorf("page %d: %d entries, want %d", n, len(page.Items), size)
		}
		for _, e := range page.Items {
			got = append(got, e.Object.String()+" "+walktest.Compact(t, e.Raw))
		}
	}
	if n != len(opts.Objects)+1 || p.Err() != nil {
		t.Errorf("%d pages for %d objects, %v", n, len(opts.Objects), p.Err())
	}
	walktest.Diff(t, got, want(t, fake))
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/tanium/api/v2/audit_logs/") {
			t.Errorf("request %s", r)
		}
	}
}
