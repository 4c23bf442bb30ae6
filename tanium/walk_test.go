package tanium_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// faultyFake serves 1,500 generated entries with the fault mix of
// walktest.FaultMix.
func faultyFake(t *testing.T, seed int64) *audittest.Tanium {
	t.Helper()
	return audittest.StartTanium(t, audittest.TaniumOptions{
		Events: audittest.GenerateTaniumEvents(1500, 42, testEnd),
		Faults: walktest.FaultMix(seed),
	})
}

// fakeClient talks to a fake with fast retries and no client-side limit.
func fakeClient(t testing.TB, fake *audittest.Tanium, opts ...auditclient.Option) *tanium.Client {
	t.Helper()
	c, err := tanium.NewClient(fake.URL(), fake.APIToken(), walktest.FastOptions("", opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func parse(t testing.TB, list string) []tanium.Object {
	t.Helper()
	objs, err := tanium.ParseObjects(list)
	if err != nil {
		t.Fatal(err)
	}
	return objs
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
// returns the records as want spells them.
func collect(t testing.TB, it auditclient.Iterator, n int) []string {
	t.Helper()
	return walktest.CollectFunc(t, it, n, func(ev ocsf.Event) string {
		return objectOf(ev) + " " + walktest.Compact(t, []byte(ev.RawData))
	})
}

// objectOf reads the object back from an event: entity (3004) or user
// (3001).
func objectOf(ev ocsf.Event) string {
	if ev.Entity != nil {
		return ev.Entity.Type + ":" + ev.Entity.UID
	}
	return "user:" + ev.User.UID
}

// The walk's result does not depend on the concurrency: entries come in
// object order, each object exactly once.
func TestConcurrencyKeepsOrder(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(400, 4, testEnd)})
	w := want(t, fake)
	for _, conc := range []int{1, 3, 4, tanium.MaxConcurrency} {
		before := len(fake.Requests())
		opts := allOf(t, fake)
		opts.Concurrency = conc
		it := fakeClient(t, fake).Events(context.Background(), opts, nil)
		got := collect(t, it, -1)
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		it.Close()
		walktest.Diff(t, got, w)
		reqs := fake.Requests()[before:]
		seen := map[string]int{}
		for _, r := range reqs {
			seen[r.Path]++
		}
		if len(reqs) != len(opts.Objects) || len(seen) != len(opts.Objects) {
			t.Errorf("concurrency %d: %d requests for %d objects (%d distinct)", conc, len(reqs), len(opts.Objects), len(seen))
		}
	}
}

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := faultyFake(t, 11)
	w := want(t, fake)
	opts := allOf(t, fake)
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), opts, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, w, []string{fake.APIToken()}, collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	// The position names the object being read and the entries consumed.
	if cp.Position == nil {
		t.Fatal("checkpoint of a walk in progress without a position")
	}
	idx, err := strconv.Atoi(cmpOr(cp.Position.Token, "0"))
	if err != nil || idx < 0 || idx >= len(opts.Objects) {
		t.Fatalf("position %+v", cp.Position)
	}
	before := 0
	for _, e := range w[:777] {
		if strings.HasPrefix(e, opts.Objects[idx].String()+" ") {
			before++
		}
	}
	if cp.Position.Skip != before || !strings.HasPrefix(w[776], opts.Objects[idx].String()+" ") {
		t.Errorf("position %+v: event 777 is %s; %d of its object's entries came before", cp.Position, w[776][:30], before)
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// A completed walk's checkpoint makes the next walk yield only the entries
// that arrived since, including new ones at the very time of the last
// entry seen, while those already seen there are not repeated.
func TestIncrementalSync(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(300, 5, testEnd)})
	opts := allOf(t, fake)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	first := collect(t, it, -1)
	if it.Err() != nil || len(first) != 300 {
		t.Fatalf("first walk: %d events, %v", len(first), it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	if !cp.Complete() || !cp.HighWater.Equal(testEnd) || len(cp.Boundary) == 0 {
		t.Fatalf("checkpoint after a full walk: %+v", cp)
	}
	entry := func(id int, typ int, at time.Time, details string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"object_id":%d,"details":%q,"creation_time":"2024-06-01T00:00:00Z","modification_time":%q,"last_modified_by":"CORP\\alice.nguyen","modifier_user_id":3,"mod_user":{"id":3,"name":"alice.nguyen","domain":"CORP","display_name":"Alice Nguyen"},"type":%d}`,
			id, details, at.Format(time.RFC3339), typ))
	}
	// New entries of existing objects (two at the high-water second) and of
	// a listed object's later history.
	objs := opts.Objects
	added := []audittest.TaniumEntry{
		{Type: string(objs[0].Type), ID: objs[0].ID, Raw: entry(1, 1, testEnd, "name=late twin of the boundary")},
		{Type: string(objs[5].Type), ID: objs[5].ID, Raw: entry(2, 1, testEnd.Add(time.Second), "name=one second later")},
		{Type: string(objs[len(objs)-1].Type), ID: objs[len(objs)-1].ID, Raw: entry(3, 2, testEnd.Add(time.Hour), "name=deleted an hour later")},
		{Type: string(objs[5].Type), ID: objs[5].ID, Raw: entry(2, 1, testEnd, "name=another at the boundary")},
	}
	fake.Add(added...)
	it2 := c.Events(context.Background(), opts, cp)
	second := collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	cp2 := it2.Checkpoint()
	it2.Close()
	wantNew := map[string]bool{}
	for _, a := range added {
		wantNew[a.Object()+" "+walktest.Compact(t, a.Raw)] = true
	}
	if len(second) != len(added) {
		t.Fatalf("incremental walk yielded %d events, want the %d new ones:\n%s", len(second), len(added), strings.Join(second, "\n"))
	}
	for _, s := range second {
		if !wantNew[s] {
			t.Errorf("incremental walk yielded an old event: %s", s)
		}
		delete(wantNew, s)
	}
	// A third walk finds nothing new.
	it3 := c.Events(context.Background(), opts, cp2)
	if third := collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
	}
	it3.Close()
}

func TestCheckpointOfOtherQueryRefused(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(60, 1, testEnd)})
	opts := allOf(t, fake)
	c := fakeClient(t, fake)
	events := func(o *tanium.ListOptions, cp *auditclient.Checkpoint) auditclient.Iterator {
		return c.Events(context.Background(), o, cp)
	}
	reordered := *opts
	reordered.Objects = append([]tanium.Object{opts.Objects[1], opts.Objects[0]}, opts.Objects[2:]...)
	fewer := *opts
	fewer.Objects = opts.Objects[1:]
	cp := walktest.CheckpointRefused(t, events, opts,
		map[string]*tanium.ListOptions{"reordered objects": &reordered, "fewer objects": &fewer},
		func() int { return len(fake.Requests()) })
	before := len(fake.Requests())
	// The history size, window and concurrency may change.
	changed := *opts
	changed.PageSize, changed.Concurrency, changed.Since = 500, 2, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	it4 := c.Events(context.Background(), &changed, cp)
	if n := len(collect(t, it4, -1)); n != 59 || it4.Err() != nil {
		t.Errorf("other history size: %d events, %v", n, it4.Err())
	}
	if after := len(fake.Requests()); after == before {
		t.Error("the accepted checkpoint sent no request")
	}
	// A position past the objects is an error, not a panic.
	bad := cp.Clone()
	bad.Position = &auditclient.Position{Token: "999"}
	it5 := c.Events(context.Background(), opts, bad)
	if it5.Next() || it5.Err() == nil || !strings.Contains(it5.Err().Error(), "999") {
		t.Errorf("bad position: %v", it5.Err())
	}
}

// The history sizes are sent, and the server's last-N answer at
// MaxHistorySize bounds what the walk sees: the newest N entries of each
// object; every object cut short is reported.
func TestHistorySizeBoundsTheWalk(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(400, 6, testEnd)})
	opts := allOf(t, fake)
	opts.PageSize, opts.MaxHistorySize = 3, 3
	var w []string
	var cut []string
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
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, w)
	var warned []string
	for _, werr := range auditclient.WarningsOf(it) {
		var te *tanium.TruncatedError
		if !errors.As(werr, &te) {
			t.Fatalf("warning %v", werr)
		}
		warned = append(warned, te.Object.String())
	}
	if strings.Join(warned, ",") != strings.Join(cut, ",") || len(cut) == 0 {
		t.Errorf("warned of %v, want %v", warned, cut)
	}
	if len(got) >= 400 {
		t.Errorf("history size 3 still yielded %d of 400", len(got))
	}
	for _, r := range fake.Requests() {
		if h := r.Header.Get("Tanium-Options"); h != `{"audit_history_size":3}` {
			t.Errorf("tanium-options %q", h)
		}
	}
}

// Since and Until, the half-open window [Since, Until), are applied
// client-side, by Pages and by Events alike.
func TestTimeWindowClientSide(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(500, 8, testEnd)})
	since, until := testEnd.Add(-48*time.Hour), testEnd.Add(-24*time.Hour)
	var w []string
	for _, e := range fake.Events() {
		var m struct {
			ModificationTime time.Time `json:"modification_time"`
		}
		if err := json.Unmarshal(e.Raw, &m); err != nil {
			t.Fatal(err)
		}
		if !m.ModificationTime.Before(since) && m.ModificationTime.Before(until) {
			w = append(w, e.Object()+" "+walktest.Compact(t, e.Raw))
		}
	}
	if len(w) == 0 || len(w) == 500 {
		t.Fatalf("window holds %d of 500", len(w))
	}
	opts := allOf(t, fake)
	opts.Since, opts.Until = since, until
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, w)
	var listed []string
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, e.Object.String()+" "+walktest.Compact(t, e.Raw))
	}
	walktest.Diff(t, listed, w)
	for _, r := range fake.Requests() {
		if r.RawQuery != "" {
			t.Errorf("a query was sent: %s", r.RawQuery)
		}
	}
}

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	v := walktest.NeedValidator(t)
	fake := audittest.StartTanium(t, audittest.TaniumOptions{})
	it := fakeClient(t, fake).Events(context.Background(), allOf(t, fake), nil)
	defer it.Close()
	classes := map[int64]int{}
	n := 0
	ndjson := walktest.NDJSON(t, it, func(ev ocsf.Event) {
		classes[ev.TypeUID()]++
		n++
	})
	last := v.Check(t, ndjson, audittest.DefaultTaniumEvents)
	t.Logf("validate.py: %s; type_uids %v", last, classes)
	if n != audittest.DefaultTaniumEvents {
		t.Errorf("%d events, want %d", n, audittest.DefaultTaniumEvents)
	}
	for _, tu := range []int64{300101, 300106, 300401, 300403, 300404} {
		if classes[tu] == 0 {
			t.Errorf("the generated data produced no %d events: %v", tu, classes)
		}
	}
}

// A base URL with a path prefix is kept on every request.
func TestWalkUnderBasePath(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{BasePath: "/gateway/tanium", Events: audittest.GenerateTaniumEvents(120, 8, testEnd), CacheInfo: true})
	it := fakeClient(t, fake).Events(context.Background(), allOf(t, fake), nil)
	defer it.Close()
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, want(t, fake))
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/gateway/tanium/api/v2/audit_logs/") {
			t.Errorf("request %s", r)
		}
	}
}

// Pages gives one page per object, in order, each the object's whole
// history, then an empty last page.
func TestPagesOnePagePerObject(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(120, 3, testEnd)})
	opts := allOf(t, fake)
	p := fakeClient(t, fake).Pages(context.Background(), opts)
	defer p.Close()
	var got []string
	n := 0
	for p.More() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: "", false: strconv.Itoa(n)}[n == 0]; page.Token != want || page.Number != n {
			t.Errorf("page %d: token %q, number %d", n, page.Token, page.Number)
		}
		if n == len(opts.Objects) {
			if len(page.Items) != 0 {
				t.Errorf("the last page holds %d entries", len(page.Items))
			}
		} else if h := fake.History(opts.Objects[n].String()); len(page.Items) != len(h) {
			t.Errorf("page %d: %d entries, %s has %d", n, len(page.Items), opts.Objects[n], len(h))
		}
		for _, e := range page.Items {
			got = append(got, e.Object.String()+" "+walktest.Compact(t, e.Raw))
		}
		n++
	}
	if n != len(opts.Objects)+1 || p.Err() != nil {
		t.Errorf("%d pages for %d objects, %v", n, len(opts.Objects), p.Err())
	}
	walktest.Diff(t, got, want(t, fake))
}

// TestConformance runs the vendor-neutral suite: walks, resumes, faults,
// cancellation, refused checkpoints, secrets, windows and options (see
// internal/conformance).
func TestConformance(t *testing.T) { conformance.Run(t, tanium.Name) }
