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

// entryTime reads an entry's modification_time back from a record of want.
func recordTime(t testing.TB, rec string) time.Time {
	t.Helper()
	_, raw, _ := strings.Cut(rec, " ")
	i := strings.Index(raw, `"modification_time":"`)
	if i < 0 {
		t.Fatalf("no modification_time in %s", raw)
	}
	at, err := time.Parse(time.RFC3339, raw[i+21:i+21+20])
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// The case: 20 objects with 150 entries each, the default depth
// (100). Every one of the 3,000 entries comes through, in order, each once,
// with two requests per object (100, then 200) and no warning; whichever
// order the server sends entries in, and with faults injected.
func TestDeepHistoriesAreReadWhole(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts audittest.TaniumOptions
	}{
		{"newest first", audittest.TaniumOptions{}},
		{"oldest first", audittest.TaniumOptions{OldestFirst: true}},
		{"faults", audittest.TaniumOptions{Faults: walktest.FaultMix(3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := deepFake(t, 20, 150, tc.opts)
			opts := deepOptions(t, fake)
			it := fakeClient(t, fake).Events(context.Background(), opts, nil)
			got := collect(t, it, -1)
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			walktest.Diff(t, got, want(t, fake))
			if len(got) != 3000 {
				t.Errorf("%d of 3000 entries", len(got))
			}
			if w := auditclient.WarningsOf(it); w != nil {
				t.Errorf("warnings %v", w)
			}
			if tc.opts.Faults.Seed != 0 {
				return
			}
			for _, o := range opts.Objects {
				if s := sizes(t, fake, o); !slices.Equal(s, []string{"100", "200"}) {
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
	all := want(t, fake)
	obj := parse(t, fake.ObjectList())[2]
	hist := fake.History(obj.String())
	at99 := recordTime(t, obj.String()+" "+string(hist[99]))
	if !recordTime(t, obj.String()+" "+string(hist[100])).Equal(at99) {
		t.Fatal("entries 99 and 100 do not share their second")
	}
	c := fakeClient(t, fake)
	for _, tc := range []struct {
		name  string
		since time.Time
		want  []string // sizes asked for obj
	}{
		{"since within the first 100", recordTime(t, obj.String()+" "+string(hist[50])), []string{"100"}},
		{"since at entries 99 and 100", at99, []string{"100", "200"}},
		{"since one second after", at99.Add(time.Second), []string{"100"}},
		{"since before the history", at99.Add(-30 * 24 * time.Hour), []string{"100", "200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sizes(t, fake, obj))
			opts := &tanium.ListOptions{Objects: []tanium.Object{obj}, Since: tc.since}
			it := c.Events(context.Background(), opts, nil)
			got := collect(t, it, -1)
			if it.Err() != nil || auditclient.WarningsOf(it) != nil {
				t.Fatal(it.Err(), auditclient.WarningsOf(it))
			}
			var w []string
			for _, r := range all {
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

// A history still full at MaxHistorySize that does not reach Since is
// reported, object by object with the oldest time reached, through
// WarningsOf (and the last error of Pages); what was read is yielded.
func TestTruncatedHistoryIsReported(t *testing.T) {
	fake := deepFake(t, 5, 150, audittest.TaniumOptions{})
	objs := parse(t, fake.ObjectList())
	c := fakeClient(t, fake)
	since := testEnd.Add(-30 * 24 * time.Hour) // before every history
	opts := &tanium.ListOptions{Objects: objs, MaxHistorySize: 120, Since: since}
	var w []string
	for _, o := range objs {
		h := fake.History(o.String())
		for _, raw := range h[:120] {
			w = append(w, o.String()+" "+walktest.Compact(t, raw))
		}
	}
	it := c.Events(context.Background(), opts, nil)
	// Warnings are safe to read while the walk runs.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
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
	wg.Wait()
	if err := it.Err(); err != nil {
		t.Fatalf("a truncated history failed the walk: %v", err)
	}
	walktest.Diff(t, got, w)
	warns := auditclient.WarningsOf(it)
	if len(warns) != len(objs) {
		t.Fatalf("%d warnings for %d objects: %v", len(warns), len(objs), warns)
	}
	for i, werr := range warns {
		var te *tanium.TruncatedError
		if !errors.Is(werr, tanium.ErrHistoryTruncated) || !errors.As(werr, &te) {
			t.Fatalf("warning %v is not a TruncatedError", werr)
		}
		oldest := recordTime(t, objs[i].String()+" "+string(fake.History(objs[i].String())[119]))
		if te.Object != objs[i] || !te.Oldest.Equal(oldest) || te.Size != 120 || !te.Since.Equal(since) {
			t.Errorf("warning %d: %+v, want %s back to %s at 120", i, te, objs[i], oldest)
		}
		msg := te.Error()
		for _, part := range []string{objs[i].String(), oldest.Format(time.RFC3339), "120"} {
			if !strings.Contains(msg, part) {
				t.Errorf("%q does not name %s", msg, part)
			}
		}
	}
	if s := sizes(t, fake, objs[0]); !slices.Equal(s, []string{"100", "120"}) {
		t.Errorf("sizes asked %v, want [100 120]", s)
	}

	// Pages yields the same entries, then the truncations as one error.
	var listed []string
	var last error
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			last = err
			break
		}
		listed = append(listed, e.Object.String()+" "+walktest.Compact(t, e.Raw))
	}
	walktest.Diff(t, listed, w)
	var te *tanium.TruncatedError
	if !errors.Is(last, tanium.ErrHistoryTruncated) || !errors.As(last, &te) || te.Object != objs[0] {
		t.Errorf("Pages ended with %v", last)
	}

	// A window the depth reaches is no warning: the same walk over the
	// last hour of each history is whole.
	opts.Since = testEnd.Add(-time.Hour)
	it2 := c.Events(context.Background(), opts, nil)
	collect(t, it2, -1)
	if it2.Err() != nil || auditclient.WarningsOf(it2) != nil {
		t.Errorf("covered window: %v, warnings %v", it2.Err(), auditclient.WarningsOf(it2))
	}
}

// Without Since, a history longer than MaxHistorySize is reported too: the
// history goes on beyond what was read.
func TestTruncatedWithoutSince(t *testing.T) {
	fake := deepFake(t, 2, 30, audittest.TaniumOptions{})
	objs := parse(t, fake.ObjectList())
	opts := &tanium.ListOptions{Objects: objs, PageSize: 4, MaxHistorySize: 10}
	it := fakeClient(t, fake).Events(context.Background(), opts, nil)
	got := collect(t, it, -1)
	if it.Err() != nil || len(got) != 20 {
		t.Fatalf("%d events, %v", len(got), it.Err())
	}
	warns := auditclient.WarningsOf(it)
	if len(warns) != 2 {
		t.Fatalf("warnings %v", warns)
	}
	var te *tanium.TruncatedError
	if !errors.As(warns[1], &te) || te.Object != objs[1] || te.Size != 10 || !te.Since.IsZero() ||
		!strings.Contains(te.Error(), "longer than 10 entries") {
		t.Errorf("warning %v", warns[1])
	}
	if s := sizes(t, fake, objs[0]); !slices.Equal(s, []string{"4", "8", "10"}) {
		t.Errorf("sizes asked %v, want [4 8 10]", s)
	}
	// An object whose whole history fits is no warning.
	short := deepFake(t, 1, 10, audittest.TaniumOptions{})
	opts = &tanium.ListOptions{Objects: parse(t, short.ObjectList()), PageSize: 5, MaxHistorySize: 10}
	it2 := fakeClient(t, short).Events(context.Background(), opts, nil)
	if n := len(collect(t, it2, -1)); n != 10 || auditclient.WarningsOf(it2) == nil {
		// 10 entries at depth 10: full, and nothing says the history
		// ends there. It is reported.
		t.Errorf("%d events, warnings %v", n, auditclient.WarningsOf(it2))
	}
}

// An incremental walk from a completed checkpoint, after more than
// HistorySize (and more than twice that) new entries arrived for one
// object, reads deeper and yields exactly the new ones; a third walk yields
// nothing.
func TestIncrementalDeepening(t *testing.T) {
	fake := deepFake(t, 20, 150, audittest.TaniumOptions{})
	opts := deepOptions(t, fake)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	if n := len(collect(t, it, -1)); n != 3000 || it.Err() != nil {
		t.Fatalf("first walk: %d, %v", n, it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	if !cp.Complete() {
		t.Fatal("first walk's checkpoint is not complete")
	}
	busy, quiet := opts.Objects[5], opts.Objects[12]
	var added []audittest.TaniumEntry
	newEntry := func(o tanium.Object, i int, at time.Time) audittest.TaniumEntry {
		raw := fmt.Sprintf(`{"object_id":%s,"details":"name=changed\nrevision=new %d","creation_time":"2024-06-01T00:00:00Z","modification_time":%q,"last_modified_by":"CORP\\alice.nguyen","modifier_user_id":3,"mod_user":{"id":3,"name":"alice.nguyen","domain":"CORP","display_name":"Alice Nguyen"},"type":1}`,
			o.ID, i, at.Format(time.RFC3339))
		return audittest.TaniumEntry{Type: string(o.Type), ID: o.ID, Raw: []byte(raw)}
	}
	// 250 new entries of busy, some at the high-water mark itself, and 3
	// of quiet.
	for i := range 250 {
		added = append(added, newEntry(busy, i, cp.HighWater.Add(time.Duration(i/3)*time.Second)))
	}
	for i := range 3 {
		added = append(added, newEntry(quiet, i, cp.HighWater.Add(time.Hour)))
	}
	fake.Add(added...)
	before := len(sizes(t, fake, busy))
	it2 := c.Events(context.Background(), opts, cp)
	second := collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	if w := auditclient.WarningsOf(it2); w != nil {
		t.Errorf("warnings %v", w)
	}
	// In walk order: busy's history newest first, then quiet's.
	var w []string
	for _, o := range []tanium.Object{busy, quiet} {
		for _, raw := range fake.History(o.String()) {
			rec := o.String() + " " + walktest.Compact(t, raw)
			if strings.Contains(rec, "revision=new") {
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
	it3 := c.Events(context.Background(), opts, cp2)
	if third := collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
	}
	it3.Close()

	// More new entries than MaxHistorySize reaches: the walk yields what
	// it read and says which object it could not cover.
	for i := range 50 {
		fake.Add(newEntry(quiet, 1000+i, cp2.HighWater.Add(time.Minute)))
	}
	lower := *opts
	lower.MaxHistorySize = 40
	it4 := c.Events(context.Background(), &lower, cp2)
	if n := len(collect(t, it4, -1)); n != 40 || it4.Err() != nil {
		t.Errorf("fourth walk: %d events, %v", n, it4.Err())
	}
	var te *tanium.TruncatedError
	if warns := auditclient.WarningsOf(it4); len(warns) != 1 || !errors.As(warns[0], &te) || te.Object != quiet || !te.Since.Equal(cp2.HighWater) {
		t.Errorf("fourth walk's warnings %v", warns)
	}
	it4.Close()
}

// Resuming a walk of deep histories after any number of events, within a
// deepened page too, yields exactly the rest.
func TestResumeWithinDeepHistories(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
	w := want(t, fake)
	opts := deepOptions(t, fake)
	opts.Concurrency = 2
	c := fakeClient(t, fake)
	walk := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return c.Events(context.Background(), opts, cp)
	}
	for _, at := range []int{0, 1, 99, 100, 101, 149, 150, 151, 299, 320, 449, 450} {
		walktest.ResumeAt(t, walk, at, w, []string{fake.APIToken()}, collect)
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
	it := fakeClient(t, fake.Load()).Events(context.Background(), &tanium.ListOptions{Objects: objs}, nil)
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	walktest.Diff(t, got, want(t, fake.Load())) // the late entry included, once
	if len(got) != 301 {
		t.Errorf("%d events, want 301", len(got))
	}
}

// The window is half-open: an entry at exactly Since is yielded, one at
// exactly Until is not, by Events and Pages alike.
func TestHalfOpenWindow(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
	all := want(t, fake)
	objs := parse(t, fake.ObjectList())
	hist := fake.History(objs[1].String())
	until := recordTime(t, "x "+string(hist[20]))
	since := recordTime(t, "x "+string(hist[60]))
	var w []string
	atSince, atUntil := 0, 0
	for _, r := range all {
		at := recordTime(t, r)
		if !at.Before(since) && at.Before(until) {
			w = append(w, r)
		}
		if at.Equal(since) {
			atSince++
		}
		if at.Equal(until) {
			atUntil++
		}
	}
	if atSince == 0 || atUntil == 0 || len(w) == 0 {
		t.Fatalf("no entry at the bounds (%d, %d) or none within (%d)", atSince, atUntil, len(w))
	}
	opts := &tanium.ListOptions{Objects: objs, Since: since, Until: until}
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
	sinceSeen := false
	for _, r := range got {
		if recordTime(t, r).Equal(since) {
			sinceSeen = true
		}
		if !recordTime(t, r).Before(until) {
			t.Errorf("an entry at or after Until was yielded: %s", r)
		}
	}
	if !sinceSeen {
		t.Error("the entry at exactly Since was not yielded")
	}
}

// A server that caps the depth below what is asked answers short and says
// nothing (the fake's invented behaviour); with MaxHistorySize at the
// server's cap, as the package documentation advises, the history cut
// short is reported, not taken for a whole one.
func TestServerCapAtMaxHistorySize(t *testing.T) {
	fake := deepFake(t, 2, 150, audittest.TaniumOptions{MaxHistorySize: 120})
	objs := parse(t, fake.ObjectList())
	opts := &tanium.ListOptions{Objects: objs, MaxHistorySize: 120, Since: testEnd.Add(-30 * 24 * time.Hour)}
	it := fakeClient(t, fake).Events(context.Background(), opts, nil)
	if n := len(collect(t, it, -1)); n != 240 || it.Err() != nil {
		t.Fatalf("%d events, %v", n, it.Err())
	}
	if w := auditclient.WarningsOf(it); len(w) != 2 || !errors.Is(w[0], tanium.ErrHistoryTruncated) {
		t.Errorf("warnings %v", w)
	}
}
