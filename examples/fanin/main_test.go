package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// docNow is the -now of the run the package comment shows.
const docNow = "2026-01-01T00:00:00Z"

// truth is what each vendor's fake holds in a window, read without fanin:
// one walk per vendor in the vendor's own order, without faults.
type truth struct {
	events  map[string][]ocsf.Event // by vendor
	records map[string]int          // the fake's whole data set, by vendor
	vendor  map[string]string       // vendor of each uid
	// uids counts the events of each uid: 1, except for Cisco's identical
	// twins (its API sends no id; its uid is a digest of the record).
	uids map[string]int
}

func readTruth(t *testing.T, cfg Config) truth {
	t.Helper()
	cfg.Faults = false
	tr := truth{events: map[string][]ocsf.Event{}, records: map[string]int{}, vendor: map[string]string{}, uids: map[string]int{}}
	for i, v := range vendors.All() {
		d, err := StartDemo(i, v.Name, cfg)
		if err != nil {
			t.Fatal(err)
		}
		src, err := v.Start(context.Background(), vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL,
			Since: cfg.Now.Add(-cfg.Window), Until: cfg.Now, Options: exampleutil.FakeOptions("")})
		if err != nil {
			t.Fatal(err)
		}
		for src.Events.Next() {
			ev := src.Events.Event()
			if o, dup := tr.vendor[ev.Metadata.UID]; dup && o != v.Name {
				t.Fatalf("uid %s of %s is also one of %s: uids do not tell the vendors apart", ev.Metadata.UID, v.Name, o)
			}
			tr.vendor[ev.Metadata.UID] = v.Name
			tr.uids[ev.Metadata.UID]++
			tr.events[v.Name] = append(tr.events[v.Name], ev)
		}
		if err := src.Events.Err(); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		src.Events.Close()
		tr.records[v.Name] = d.Records
		d.Close()
	}
	if len(tr.events) != 6 {
		t.Fatalf("events of %d vendors in the window, want all 6", len(tr.events))
	}
	return tr
}

// wantBuffered is what a Sorted stream of plan p holds at most for the
// events evs of its window: its largest slice.
func wantBuffered(p Plan, evs []ocsf.Event) int {
	if !p.Sort {
		return 0
	}
	if p.Slice == 0 {
		return len(evs)
	}
	n, most := map[time.Time]int{}, 0
	for _, ev := range evs {
		k := ev.Time.Truncate(p.Slice)
		n[k]++
		most = max(most, n[k])
	}
	return most
}

// checkMerged checks merged events against tr: every event of every
// vendor's window exactly once (by metadata.uid: each uid as many times as
// the window holds it), none other, newest first. It returns the number of
// events merged by vendor.
func checkMerged(t *testing.T, merged []ocsf.Event, tr truth) map[string]int {
	t.Helper()
	seen := map[string]int{}
	count := map[string]int{}
	for i, ev := range merged {
		uid := ev.Metadata.UID
		v, ok := tr.vendor[uid]
		switch {
		case !ok:
			t.Fatalf("event %d (uid %q) is no event of any fake's window", i, uid)
		case seen[uid] == tr.uids[uid]:
			t.Fatalf("event %d (uid %s of %s) merged %d times, once more than its window holds it", i, uid, v, seen[uid]+1)
		}
		seen[uid]++
		count[v]++
		if i > 0 && ev.Time.After(merged[i-1].Time) {
			t.Fatalf("event %d (%s) at %v is newer than event %d at %v", i, v, ev.Time, i-1, merged[i-1].Time)
		}
	}
	for v, evs := range tr.events {
		if count[v] != len(evs) {
			t.Errorf("%s: %d events merged, want the %d of its window", v, count[v], len(evs))
		}
	}
	return count
}

// The run the package comment shows, with faults: all six vendors' events,
// each exactly once, valid OCSF, newest first; and the summary lines the
// comment shows, word for word, with the buffered counts each vendor's data
// implies.
func TestRunAsDocumented(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-now", docNow, "-faults"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	now, _ := time.Parse(time.RFC3339, docNow)
	cfg := Config{Now: now, Window: 7 * 24 * time.Hour, Events: 1000, Slice: time.Hour}
	tr := readTruth(t, cfg)

	var merged []ocsf.Event
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", len(merged)+1, err)
		}
		var ev ocsf.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		merged = append(merged, ev)
	}
	count := checkMerged(t, merged, tr)
	// The window holds each fake's whole data set.
	for v, n := range tr.records {
		if count[v] != n {
			t.Errorf("%s: %d events merged, want its fake's %d", v, count[v], n)
		}
	}

	// The summary: the totals, then one line per vendor, as documented.
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if want := "fanin: 6000 events from 6 vendors, newest first, 0 out of order, "; !strings.HasPrefix(lines[0], want) {
		t.Errorf("summary %q, want it to start %q", lines[0], want)
	}
	if doc := documentedLines(t); !slices.Equal(lines[1:], doc) {
		t.Errorf("summary lines\n%s\nwant, as the package comment says,\n%s", strings.Join(lines[1:], "\n"), strings.Join(doc, "\n"))
	}
	// The numbers in them are the vendors' data: cisco, entrust and
	// instavm buffer nothing, automox its largest UTC day, nprinting its
	// largest hour, tanium its whole window.
	want := map[string]int{"automox": wantBuffered(Plan{Sort: true, Slice: 24 * time.Hour}, tr.events["automox"]),
		"nprinting": wantBuffered(Plan{Sort: true, Slice: time.Hour}, tr.events["nprinting"]), "tanium": len(tr.events["tanium"])}
	for _, l := range lines[1:] {
		var v string
		var n, b int
		if _, err := fmt.Sscanf(l, "fanin: %s %d events, buffered %d:", &v, &n, &b); err != nil {
			t.Fatalf("summary line %q: %v", l, err)
		}
		if b != want[v] {
			t.Errorf("%s: buffered %d, want %d", v, b, want[v])
		}
	}
}

// documentedLines returns the per-vendor summary lines the package comment
// shows.
func documentedLines(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	var doc []string
	for _, l := range strings.Split(string(src), "\n") {
		if l == "package main" {
			break
		}
		if s, ok := strings.CutPrefix(l, "//\tfanin: "); ok {
			doc = append(doc, "fanin: "+s)
		}
	}
	if len(doc) != 6 {
		t.Fatalf("the package comment shows %d summary lines, want 6", len(doc))
	}
	return doc
}

// Faults change nothing in the output: the same events in the same order.
func TestRunFaultsChangeNothing(t *testing.T) {
	t.Parallel()
	var clean, faulty, errOut bytes.Buffer
	args := []string{"-now", "2026-03-04T05:06:07Z", "-since", "48h", "-events", "500"}
	if err := run(context.Background(), args, &clean, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if err := run(context.Background(), append(args, "-faults"), &faulty, &errOut); err != nil {
		t.Fatalf("run -faults: %v\n%s", err, errOut.String())
	}
	if clean.Len() == 0 || !bytes.Equal(clean.Bytes(), faulty.Bytes()) {
		t.Errorf("with -faults the output differs (%d bytes, %d without)", faulty.Len(), clean.Len())
	}
}

// A window that cuts the data sets, ending mid-hour, in slices that do not
// divide an hour: still every event of every window exactly once, newest
// first, and the buffers as small as the plans say.
func TestFaninWindowAndSlices(t *testing.T) {
	t.Parallel()
	now, _ := time.Parse(time.RFC3339, "2026-01-01T07:30:15Z")
	cfg := Config{Now: now, Window: 30 * time.Hour, Events: 1000, Faults: true, Slice: 45 * time.Minute}
	tr := readTruth(t, cfg)
	var merged []ocsf.Event
	reps, st, err := Fanin(context.Background(), cfg, func(ev ocsf.Event) error {
		merged = append(merged, ev)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkMerged(t, merged, tr)
	if st.OutOfOrder != 0 {
		t.Errorf("%d events out of order", st.OutOfOrder)
	}
	cut := 0
	for _, r := range reps {
		evs := tr.events[r.Vendor]
		if r.Events != len(evs) {
			t.Errorf("%s: reported %d events, want %d", r.Vendor, r.Events, len(evs))
		}
		if len(evs) < tr.records[r.Vendor] {
			cut++
		}
		if want := wantBuffered(r.Plan, evs); r.Buffered != want {
			t.Errorf("%s: buffered %d, want %d (%s)", r.Vendor, r.Buffered, want, r)
		}
		if r.Plan.Sort {
			if want := len(Slices(now.Add(-cfg.Window), now, r.Plan.Slice)) - 1; r.Slices != want {
				t.Errorf("%s: %d slices read, want %d", r.Vendor, r.Slices, want)
			}
		}
		if r.Plan.Sort && len(evs) > 1 && r.Buffered >= len(evs) && r.Plan.Slice != 0 {
			t.Errorf("%s: buffered all %d events of its window, though read in slices", r.Vendor, r.Buffered)
		}
	}
	if cut == 0 {
		t.Error("the window holds every fake's whole data set; want one that cuts some")
	}
}

// The plans follow the registry's orders: newest first as served where a
// vendor offers it, slices where the API takes a window, the whole window
// for Tanium.
func TestPlanFor(t *testing.T) {
	want := map[string]Plan{
		"automox":   {Order: auditclient.NaturalOrder, Sort: true, Slice: 24 * time.Hour},
		"cisco":     {Order: auditclient.NewestFirst},
		"entrust":   {Order: auditclient.NewestFirst},
		"instavm":   {Order: auditclient.NewestFirst},
		"nprinting": {Order: auditclient.NaturalOrder, Sort: true, Slice: 10 * time.Minute},
		"tanium":    {Order: auditclient.NaturalOrder, Sort: true},
	}
	if got := vendors.Names(); !slices.Equal(got, []string{"automox", "cisco", "entrust", "instavm", "nprinting", "tanium"}) {
		t.Fatalf("registry %v, want the six vendors", got)
	}
	for _, v := range vendors.All() {
		p := PlanFor(v, 10*time.Minute)
		w := want[v.Name]
		if p.Order != w.Order || p.Sort != w.Sort || p.Slice != w.Slice {
			t.Errorf("%s: plan %+v, want %+v", v.Name, p, w)
		}
	}
}

func TestSlices(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		since, until string
		d            time.Duration
		want         []string
	}{
		{"2026-01-01T10:30:00Z", "2026-01-01T13:00:00Z", time.Hour,
			[]string{"2026-01-01T13:00:00Z", "2026-01-01T12:00:00Z", "2026-01-01T11:00:00Z", "2026-01-01T10:30:00Z"}},
		{"2026-01-01T10:00:00Z", "2026-01-01T12:15:00Z", time.Hour,
			[]string{"2026-01-01T12:15:00Z", "2026-01-01T12:00:00Z", "2026-01-01T11:00:00Z", "2026-01-01T10:00:00Z"}},
		{"2025-12-30T18:00:00Z", "2026-01-01T06:00:00Z", 24 * time.Hour,
			[]string{"2026-01-01T06:00:00Z", "2026-01-01T00:00:00Z", "2025-12-31T00:00:00Z", "2025-12-30T18:00:00Z"}},
		{"2026-01-01T10:10:00Z", "2026-01-01T10:20:00Z", time.Hour,
			[]string{"2026-01-01T10:20:00Z", "2026-01-01T10:10:00Z"}},
		{"2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z", 0,
			[]string{"2026-01-01T00:00:00Z", "2025-12-01T00:00:00Z"}},
	} {
		var got []string
		for _, e := range Slices(at(c.since), at(c.until), c.d) {
			got = append(got, e.Format(time.RFC3339))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Slices(%s, %s, %v) = %v, want %v", c.since, c.until, c.d, got, c.want)
		}
	}
}

// sliceIter is a Stream over fixed events.
type sliceIter struct {
	evs    []ocsf.Event
	i      int
	err    error
	closed bool
}

func (s *sliceIter) Next() bool {
	if s.i >= len(s.evs) {
		return false
	}
	s.i++
	return true
}
func (s *sliceIter) Event() ocsf.Event { return s.evs[s.i-1] }
func (s *sliceIter) Err() error        { return s.err }
func (s *sliceIter) Close() error      { s.closed = true; return nil }

func at(uid string, minute int) ocsf.Event {
	ev := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2026, 1, 1, 0, minute, 0, 0, time.UTC))
	ev.Metadata.UID = uid
	return ev
}

func TestMergeOrderTiesAndOutOfOrder(t *testing.T) {
	a := &sliceIter{evs: []ocsf.Event{at("a1", 9), at("a2", 5), at("a3", 7), at("a4", 1)}} // a3 breaks the order
	b := &sliceIter{evs: []ocsf.Event{at("b1", 8), at("b2", 5), at("b3", 2)}}
	var got []string
	st, err := Merge([]Source{{"b", b}, {"a", a}}, func(v string, ev ocsf.Event) error {
		got = append(got, ev.Metadata.UID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// a2 and b2 tie at minute 5: vendor "a" first. a3 (minute 7) comes
	// after a2 and is emitted at once, newest of what is left.
	want := "a1 b1 a2 a3 b2 b3 a4"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	if st.OutOfOrder != 1 || st.Events["a"] != 4 || st.Events["b"] != 3 {
		t.Errorf("stats %+v, want 1 out of order, a 4, b 3", st)
	}
	if !a.closed || !b.closed {
		t.Error("Merge left a source open")
	}
}

func TestMergeStopsOnSourceError(t *testing.T) {
	boom := errors.New("boom")
	a := &sliceIter{evs: []ocsf.Event{at("a1", 9)}, err: boom}
	b := &sliceIter{evs: []ocsf.Event{at("b1", 8), at("b2", 1)}}
	n := 0
	_, err := Merge([]Source{{"a", a}, {"b", b}}, func(string, ocsf.Event) error { n++; return nil })
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "a: ") {
		t.Errorf("err %v, want boom named after source a", err)
	}
	if n != 1 {
		t.Errorf("%d events emitted before the error, want 1", n)
	}
}

// Sorted reads a stream in no order one slice at a time, newest slice
// first and only when the one before is used up, and yields it newest
// first, holding one slice at most.
func TestSorted(t *testing.T) {
	// Minutes 0..59 of 2026-01-01 00:00, in no order, sliced by 20 minutes.
	var all []ocsf.Event
	for _, m := range []int{7, 45, 3, 59, 21, 40, 0, 33, 12, 58, 20, 41} {
		all = append(all, at(fmt.Sprintf("m%02d", m), m))
	}
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var opened []string
	var walks []*sliceIter
	s := NewSorted(since, since.Add(time.Hour), 20*time.Minute, func(from, to time.Time) (Stream, error) {
		opened = append(opened, from.Format("04")+"-"+to.Format("04"))
		w := &sliceIter{}
		for _, ev := range all {
			if !ev.Time.Before(from) && ev.Time.Before(to) {
				w.evs = append(w.evs, ev)
			}
		}
		walks = append(walks, w)
		return w, nil
	})
	var got []string
	for s.Next() {
		got = append(got, s.Event().Metadata.UID)
		if len(got) == 1 && len(opened) != 1 {
			t.Errorf("%d slices opened for the first event, want 1", len(opened))
		}
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if want := "m59 m58 m45 m41 m40 m33 m21 m20 m12 m07 m03 m00"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	// "00" is the end of the hour: the newest slice is [40, 60).
	if want := "40-00 20-40 00-20"; strings.Join(opened, " ") != want {
		t.Errorf("slices opened %v, want %s", opened, want)
	}
	if s.Peak != 5 || s.Slices != 3 {
		t.Errorf("peak %d, %d slices; want 5 (minutes 40..59), 3", s.Peak, s.Slices)
	}
	for i, w := range walks {
		if !w.closed {
			t.Errorf("walk %d left open", i)
		}
	}
}

func TestSortedStopsOnWalkError(t *testing.T) {
	boom := errors.New("boom")
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	s := NewSorted(since, since.Add(3*time.Hour), time.Hour, func(from, to time.Time) (Stream, error) {
		n++
		if n == 2 {
			return &sliceIter{evs: []ocsf.Event{at("x", 1)}, err: boom}, nil
		}
		return &sliceIter{evs: []ocsf.Event{{Time: from}}}, nil
	})
	got := 0
	for s.Next() {
		got++
	}
	if !errors.Is(s.Err(), boom) || got != 1 || n != 2 {
		t.Errorf("err %v after %d events and %d walks; want boom after 1 event and 2 walks (none of the failed slice)", s.Err(), got, n)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-since", "0"}, {"-events", "0"}, {"-slice", "-1h"}, {"-now", "yesterday"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("run %v: no error", args)
		}
		if out.Len() != 0 {
			t.Errorf("run %v wrote %q", args, out.String())
		}
	}
}
