package tanium_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/tanium"
)

// deepFake serves objects histories of perObject entries each.
func deepFake(t testing.TB, objects, perObject int, opts audittest.TaniumOptions) *audittest.Tanium {
	t.Helper()
	opts.Events = audittest.GenerateTaniumHistories(objects, perObject, 7, testEnd)
	return audittest.StartTanium(t, opts)
}

// deepOptions read every object of fake with the default depths.
func deepOptions(t testing.TB, fake *audittest.Tanium) *tanium.ListOptions {
	return &tanium.ListOptions{Objects: parse(t, fake.ObjectList())}
}

// sizes returns the audit_history_size of every request sent for object
// (TYPE:ID), in order.
func sizes(t testing.TB, fake *audittest.Tanium, object tanium.Object) []string {
	t.Helper()
	var out []string
	path := "/api/v2/audit_logs/" + object.Type.Route() + "/" + object.ID
	for _, r := range fake.Requests() {
		if r.Path == path {
			h := r.Header.Get("Tanium-Options")
			n, ok := strings.CutPrefix(h, `{"audit_history_size":`)
			if !ok {
				t.Fatalf("tanium-options %q", h)
			}
			out = append(out, strings.TrimSuffix(n, "}"))
		}
	}
	return out
}

// recordTime reads an entry's modification_time back from a record of
// want, or from an entry after any word and a space.
func recordTime(t testing.TB, rec string) time.Time {
	t.Helper()
	_, raw, _ := strings.Cut(rec, " ")
	i := strings.Index(raw, `"modification_time":"`)
	if i < 0 {
		t.Fatalf("no modification_time in %s", raw)
	}
	return walktest.Must(time.Parse(time.RFC3339, raw[i+21:i+21+20]))(t)
}

// entryTime is the time of entry i of object o's history on fake.
func entryTime(t testing.TB, fake *audittest.Tanium, o tanium.Object, i int) time.Time {
	return recordTime(t, "x "+string(fake.History(o.String())[i]))
}

// The case: 20 objects with 150 entries each, the default depth
// (100). Every one of the 3,000 entries comes through, in order, each once,
// with two requests per object (100, then 200) and no warning; whichever
// order the server sends entries in, and with faults injected.
func TestDeepHistoriesAreReadWhole(t *testing.T) {
	for name, opts := range map[string]audittest.TaniumOptions{
		"newest first": {}, "oldest first": {OldestFirst: true}, "faults": {Faults: walktest.FaultMix(3)},
	} {
		t.Run(name, func(t *testing.T) {
			fake := deepFake(t, 20, 150, opts)
			it := fakeClient(t, fake).Events(context.Background(), deepOptions(t, fake), nil)
			got := walk(t, it)
			walktest.Diff(t, got, want(t, fake))
			if len(got) != 3000 || auditclient.WarningsOf(it) != nil {
				t.Errorf("%d of 3000 entries, warnings %v", len(got), auditclient.WarningsOf(it))
			}
			for _, o := range deepOptions(t, fake).Objects {
				if s := sizes(t, fake, o); opts.Faults.Seed == 0 && !slices.Equal(s, []string{"100", "200"}) {
					t.Errorf("%s: sizes asked %v, want [100 200]", o, s)
				}
			}
		})
	}
}

// The deepening stops as soon as the history reaches back before Since,
// and goes on while its oldest entry is at Since exactly: entries 99 and
// 100 (from the newest) share their second, so a Since at that second
// needs entry 100, which only a deeper read brings.
func TestDeepeningStopsAtSince(t *testing.T) {
	fake := deepFake(t, 4, 150, audittest.TaniumOptions{})
	obj := parse(t, fake.ObjectList())[2]
	at99 := entryTime(t, fake, obj, 99)
	if !entryTime(t, fake, obj, 100).Equal(at99) {
		t.Fatal("entries 99 and 100 do not share their second")
	}
	c := fakeClient(t, fake)
	for _, tc := range []struct {
		name  string
		since time.Time
		want  []string // sizes asked for obj
	}{
		{"since within the first 100", entryTime(t, fake, obj, 50), []string{"100"}},
		{"since at entries 99 and 100", at99, []string{"100", "200"}},
		{"since one second after", at99.Add(time.Second), []string{"100"}},
		{"since before the history", at99.Add(-30 * 24 * time.Hour), []string{"100", "200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sizes(t, fake, obj))
			it := c.Events(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{obj}, Since: tc.since}, nil)
			got := walk(t, it)
			if w := auditclient.WarningsOf(it); w != nil {
				t.Fatal(w)
			}
			var w []string
			for _, r := range want(t, fake) {
				if strings.HasPrefix(r, obj.String()+" ") && !recordTime(t, r).Before(tc.since) {
					w = append(w, r)
				}
			}
			walktest.Diff(t, got, w)
			if s := sizes(t, fake, obj)[before:]; !slices.Equal(s, tc.want) {
				t.Errorf("sizes asked %v, want %v", s, tc.want)
			}
		})
	}
}

// A history still full at MaxHistorySize is reported, object by object
// with the oldest time reached, through WarningsOf (safe to read while the
// walk runs) and the last error of Pages; what was read is yielded. So it
// is when it does not reach Since; without Since, when it is longer (it
// goes on beyond what was read) or exactly as long (full, and nothing says
// it ends there); and when the server caps the depth below what is asked
// and answers short, saying nothing (the fake's invented behaviour), with
// MaxHistorySize at the server's cap as the package documentation advises:
// the history cut short is reported, not taken for a whole one. A window
// the depth reaches is no warning.
func TestTruncatedHistoryIsReported(t *testing.T) {
	before := testEnd.Add(-30 * 24 * time.Hour) // before every history
	for _, tc := range []struct {
		name                    string
		objects, perObject, cap int
		opts                    tanium.ListOptions
		sizes                   []string // asked for the first object
		says                    string   // in every warning, besides its object
	}{
		{"since before the history", 5, 150, 0, tanium.ListOptions{MaxHistorySize: 120, Since: before}, []string{"100", "120"}, "120"},
		{"longer", 2, 30, 0, tanium.ListOptions{PageSize: 4, MaxHistorySize: 10}, []string{"4", "8", "10"}, "longer than 10 entries"},
		{"as long", 1, 10, 0, tanium.ListOptions{PageSize: 5, MaxHistorySize: 10}, []string{"5", "10"}, "longer than 10 entries"},
		{"server cap", 2, 150, 120, tanium.ListOptions{MaxHistorySize: 120, Since: before}, []string{"100", "120"}, "120"},
	} {
		fake := deepFake(t, tc.objects, tc.perObject, audittest.TaniumOptions{MaxHistorySize: tc.cap})
		opts, c, size := tc.opts, fakeClient(t, fake), tc.opts.MaxHistorySize
		opts.Objects = parse(t, fake.ObjectList())
		var w []string
		for _, o := range opts.Objects {
			for _, raw := range fake.History(o.String())[:size] {
				w = append(w, o.String()+" "+walktest.Compact(t, raw))
			}
		}
		it := c.Events(context.Background(), &opts, nil)
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
					_ = auditclient.WarningsOf(it)
				}
			}
		}()
		got := collect(t, it, -1)
		close(stop)
		<-done
		if err := it.Err(); err != nil {
			t.Fatalf("%s: a truncated history failed the walk: %v", tc.name, err)
		}
		walktest.Diff(t, got, w)
		warns := auditclient.WarningsOf(it)
		if len(warns) != len(opts.Objects) {
			t.Fatalf("%s: %d warnings for %d objects: %v", tc.name, len(warns), len(opts.Objects), warns)
		}
		for i, werr := range warns {
			var te *tanium.TruncatedError
			oldest := entryTime(t, fake, opts.Objects[i], size-1)
			if !errors.Is(werr, tanium.ErrHistoryTruncated) || !errors.As(werr, &te) || te.Object != opts.Objects[i] || !te.Oldest.Equal(oldest) ||
				te.Size != size || !te.Since.Equal(opts.Since) {
				t.Fatalf("%s: warning %d: %#v, want %s back to %s at %d", tc.name, i, werr, opts.Objects[i], oldest, size)
			}
			parts := []string{opts.Objects[i].String(), tc.says}
			if !opts.Since.IsZero() {
				parts = append(parts, oldest.Format(time.RFC3339))
			}
			for _, part := range parts {
				if !strings.Contains(te.Error(), part) {
					t.Errorf("%s: %q does not name %s", tc.name, te.Error(), part)
				}
			}
		}
		if s := sizes(t, fake, opts.Objects[0]); !slices.Equal(s, tc.sizes) {
			t.Errorf("%s: sizes asked %v, want %v", tc.name, s, tc.sizes)
		}
		// Pages yields the same entries, then the truncations as one error.
		var pages []string
		var last error
		for e, err := range c.Pages(context.Background(), &opts).All() {
			if last = err; err != nil {
				break
			}
			pages = append(pages, e.Object.String()+" "+walktest.Compact(t, e.Raw))
		}
		walktest.Diff(t, pages, w)
		if te := (*tanium.TruncatedError)(nil); !errors.Is(last, tanium.ErrHistoryTruncated) || !errors.As(last, &te) || te.Object != opts.Objects[0] {
			t.Errorf("%s: Pages ended with %v", tc.name, last)
		}
		// The same walk over the last hour of each history is whole.
		if !opts.Since.IsZero() {
			opts.Since = testEnd.Add(-time.Hour)
			if it := c.Events(context.Background(), &opts, nil); walk(t, it) == nil || auditclient.WarningsOf(it) != nil {
				t.Errorf("%s: a window the depth reaches: warnings %v", tc.name, auditclient.WarningsOf(it))
			}
		}
	}
}

// An incremental walk from a completed checkpoint, after more than
// HistorySize (and more than twice that) new entries arrived for one
// object, reads deeper and yields exactly the new ones; a third walk yields
// nothing.
func TestIncrementalDeepening(t *testing.T) {
	fake := deepFake(t, 20, 150, audittest.TaniumOptions{})
	opts, c := deepOptions(t, fake), fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	if n := len(walk(t, it)); n != 3000 || !it.Checkpoint().Complete() {
		t.Fatalf("first walk: %d, checkpoint %+v", n, it.Checkpoint())
	}
	cp := it.Checkpoint()
	it.Close()
	busy, quiet := opts.Objects[5], opts.Objects[12]
	newEntry := func(o tanium.Object, i int, at time.Time) audittest.TaniumEntry {
		raw := fmt.Sprintf(`{"object_id":%s,"details":"name=changed\nrevision=new %d","creation_time":"2024-06-01T00:00:00Z","modification_time":%q,"last_modified_by":"CORP\\alice.nguyen","modifier_user_id":3,"mod_user":{"id":3,"name":"alice.nguyen","domain":"CORP","display_name":"Alice Nguyen"},"type":1}`,
			o.ID, i, at.Format(time.RFC3339))
		return audittest.TaniumEntry{Type: string(o.Type), ID: o.ID, Raw: []byte(raw)}
	}
	// 250 new entries of busy, some at the high-water mark itself, and 3
	// of quiet.
	for i := range 250 {
		fake.Add(newEntry(busy, i, cp.HighWater.Add(time.Duration(i/3)*time.Second)))
	}
	for i := range 3 {
		fake.Add(newEntry(quiet, i, cp.HighWater.Add(time.Hour)))
	}
	before := len(sizes(t, fake, busy))
	it2 := c.Events(context.Background(), opts, cp)
	second := walk(t, it2)
	if w := auditclient.WarningsOf(it2); w != nil {
		t.Errorf("warnings %v", w)
	}
	// In walk order: busy's history newest first, then quiet's.
	var w []string
	for _, o := range []tanium.Object{busy, quiet} {
		for _, raw := range fake.History(o.String()) {
			if rec := o.String() + " " + walktest.Compact(t, raw); strings.Contains(rec, "revision=new") {
				w = append(w, rec)
			}
		}
	}
	walktest.Diff(t, second, w)
	if len(second) != 253 {
		t.Errorf("incremental walk: %d events, want the 253 new ones", len(second))
	}
	if s := sizes(t, fake, busy)[before:]; !slices.Equal(s, []string{"100", "200", "400"}) {
		t.Errorf("busy object: sizes asked %v, want [100 200 400]", s)
	}
	cp2 := it2.Checkpoint()
	it2.Close()
	if third := walk(t, c.Events(context.Background(), opts, cp2)); len(third) != 0 {
		t.Errorf("third walk: %d events", len(third))
	}

	// More new entries than MaxHistorySize reaches: the walk yields what
	// it read and says which object it could not cover.
	for i := range 50 {
		fake.Add(newEntry(quiet, 1000+i, cp2.HighWater.Add(time.Minute)))
	}
	lower := *opts
	lower.MaxHistorySize = 40
	it4 := c.Events(context.Background(), &lower, cp2)
	if n := len(walk(t, it4)); n != 40 {
		t.Errorf("fourth walk: %d events", n)
	}
	var te *tanium.TruncatedError
	if warns := auditclient.WarningsOf(it4); len(warns) != 1 || !errors.As(warns[0], &te) || te.Object != quiet || !te.Since.Equal(cp2.HighWater) {
		t.Errorf("fourth walk's warnings %v", warns)
	}
}

// Resuming a walk of deep histories after any number of events, within a
// deepened page too, yields exactly the rest.
func TestResumeWithinDeepHistories(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
	w, opts, c := want(t, fake), deepOptions(t, fake), fakeClient(t, fake)
	opts.Concurrency = 2
	for _, at := range []int{0, 1, 99, 100, 101, 149, 150, 151, 299, 320, 449, 450} {
		walktest.ResumeAt(t, func(cp *auditclient.Checkpoint) auditclient.Iterator {
			return c.Events(context.Background(), opts, cp)
		}, at, w, []string{fake.APIToken()}, collect)
	}
}

// Entries that arrive between the shallow and the deep request of one
// object are yielded once, with the rest of the deeper answer.
func TestEntriesArrivingWhileDeepening(t *testing.T) {
	first := audittest.GenerateTaniumHistories(2, 150, 7, testEnd)[0] // of the first object
	late := audittest.TaniumEntry{Type: first.Type, ID: first.ID,
		Raw: []byte(`{"object_id":1000,"details":"name=late","creation_time":"2024-06-01T00:00:00Z","modification_time":"2024-06-19T12:00:01Z","last_modified_by":"tanium","modifier_user_id":1,"type":1}`)}
	var fake atomic.Pointer[audittest.Tanium]
	var once sync.Once
	fake.Store(deepFake(t, 2, 150, audittest.TaniumOptions{BeforeHistory: func(object string, size int) {
		if size == 200 && object == late.Object() {
			once.Do(func() { fake.Load().Add(late) })
		}
	}}))
	objs := parse(t, fake.Load().ObjectList())
	if objs[0].String() != late.Object() {
		t.Fatalf("the first object is %s, not %s", objs[0], late.Object())
	}
	got := walk(t, fakeClient(t, fake.Load()).Events(context.Background(), &tanium.ListOptions{Objects: objs}, nil))
	walktest.Diff(t, got, want(t, fake.Load())) // the late entry included, once
	if len(got) != 301 {
		t.Errorf("%d events, want 301", len(got))
	}
}

// The window is half-open, and applied client-side (no query is sent),
// within deep histories too: an entry at exactly Since is yielded, one at
// exactly Until is not, by Events and Pages alike.
func TestHalfOpenWindow(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
	objs := parse(t, fake.ObjectList())
	until, since := entryTime(t, fake, objs[1], 20), entryTime(t, fake, objs[1], 60)
	var w []string
	atSince, atUntil := 0, 0
	for _, r := range want(t, fake) {
		at := recordTime(t, r)
		if !at.Before(since) && at.Before(until) {
			w = append(w, r)
		}
		atSince += map[bool]int{true: 1}[at.Equal(since)]
		atUntil += map[bool]int{true: 1}[at.Equal(until)]
	}
	if atSince == 0 || atUntil == 0 || len(w) == 0 {
		t.Fatalf("no entry at the bounds (%d, %d) or none within (%d)", atSince, atUntil, len(w))
	}
	opts, c := &tanium.ListOptions{Objects: objs, Since: since, Until: until}, fakeClient(t, fake)
	got := walk(t, c.Events(context.Background(), opts, nil))
	walktest.Diff(t, got, w)
	walktest.Diff(t, listed(t, c, opts), w)
	sinceSeen := false
	for _, r := range got {
		sinceSeen = sinceSeen || recordTime(t, r).Equal(since)
		if !recordTime(t, r).Before(until) {
			t.Errorf("an entry at or after Until was yielded: %s", r)
		}
	}
	if !sinceSeen {
		t.Error("the entry at exactly Since was not yielded")
	}
	for _, r := range fake.Requests() {
		if r.RawQuery != "" {
			t.Errorf("a query was sent: %s", r.RawQuery)
		}
	}
}
