package auditclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// rec is a record of the in-memory source: a time and a content uid. Two
// records with the same uid are identical twins, which must each be
// yielded once.
type rec struct {
	T   time.Time
	UID string
}

// store is an in-memory API: it lists the records in a window, newest
// first (or oldest first), by offset pages; records may be added.
type store struct {
	mu       sync.Mutex
	recs     []rec
	oldest   bool // list oldest first
	pageSize int
	opens    atomic.Int64
	fetches  atomic.Int64
}

var t0 = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

func (s *store) add(rs ...rec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, rs...)
}

// list is what the API returns for window w, in its order.
func (s *store) list(w auditclient.Window) []rec {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []rec
	for _, r := range s.recs {
		if (!w.Since.IsZero() && r.T.Before(w.Since)) || (!w.Until.IsZero() && !r.T.Before(w.Until)) {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b rec) int {
		if s.oldest {
			return a.T.Compare(b.T)
		}
		return b.T.Compare(a.T)
	})
	return out
}

func (s *store) source(w auditclient.Window, now time.Time) auditclient.Source[rec] {
	return auditclient.Source[rec]{
		Vendor: "memory",
		Query:  auditclient.Fingerprint("memory", url.Values{"kind": {"all"}}),
		Window: w,
		Now:    func() time.Time { return now },
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[rec] {
			s.opens.Add(1)
			return pagination.Offset(ctx, func(ctx context.Context, offset, limit int) ([]rec, int, error) {
				s.fetches.Add(1)
				all := s.list(w)
				end := min(offset+limit, len(all))
				if offset > len(all) {
					return nil, len(all), nil
				}
				return all[offset:end], len(all), nil
			}, s.pageSize, pagination.Options{Start: token})
		},
		Key: func(r rec) (time.Time, string) { return r.T, r.UID },
		Map: func(r rec) (ocsf.Event, error) {
			ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, r.T)
			ev.Metadata.UID = r.UID
			return ev, nil
		},
	}
}

// data makes n records over a few seconds before t0, several per second,
// with two pairs of identical twins.
func data(n int) []rec {
	var out []rec
	for i := range n {
		out = append(out, rec{T: t0.Add(-time.Duration(i/3+1) * time.Second), UID: "r" + strconv.Itoa(i)})
	}
	if n > 8 {
		out[4].UID = out[3].UID // twins in one second
		out[7].UID = out[6].UID
		out[7].T = out[6].T
	}
	return out
}

func walk(t *testing.T, it auditclient.Iterator, n int) []string {
	t.Helper()
	var out []string
	for (n < 0 || len(out) < n) && it.Next() {
		out = append(out, it.Event().Metadata.UID+"@"+it.Event().Time.Format(time.TimeOnly))
	}
	return out
}

func names(rs []rec) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.UID+"@"+r.T.Format(time.TimeOnly))
	}
	return out
}

// roundTrip passes a checkpoint through JSON, as users store it.
func roundTrip(t *testing.T, cp *auditclient.Checkpoint) *auditclient.Checkpoint {
	t.Helper()
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	back, err := auditclient.ParseCheckpoint(b)
	if err != nil {
		t.Fatalf("ParseCheckpoint(%s): %v", b, err)
	}
	return back
}

func TestIteratorResumeAtEveryPosition(t *testing.T) {
	for _, oldest := range []bool{false, true} {
		s := &store{recs: data(23), oldest: oldest, pageSize: 4}
		want := names(s.list(auditclient.Window{}))
		now := t0.Add(time.Hour)
		for k := 0; k <= len(want); k++ {
			it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, now), nil)
			first := walk(t, it, k)
			cp := roundTrip(t, it.Checkpoint())
			it.Close()
			it2 := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, now), cp)
			rest := walk(t, it2, -1)
			if err := it2.Err(); err != nil {
				t.Fatal(err)
			}
			if got := append(first, rest...); !slices.Equal(got, want) {
				t.Fatalf("oldest=%v resume at %d:\n got %v\nwant %v", oldest, k, got, want)
			}
			if !it2.Checkpoint().Complete() {
				t.Errorf("resume at %d: final checkpoint not complete", k)
			}
			it2.Close()
		}
	}
}

// After a complete walk, new records arrive: some in the very second of the
// newest record seen (one of them a third twin of a record seen there),
// some later. The incremental walk yields exactly the new ones; resumed from
// any position inside it, it still does.
func TestIteratorIncrementalAndResumeInside(t *testing.T) {
	hw := t0.Add(-time.Second) // the newest second of data()
	for _, oldest := range []bool{false, true} {
		s := &store{recs: data(20), oldest: oldest, pageSize: 3}
		it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, hw.Add(time.Minute)), nil)
		if n := len(walk(t, it, -1)); n != 20 || it.Err() != nil {
			t.Fatalf("first walk: %d, %v", n, it.Err())
		}
		cp := roundTrip(t, it.Checkpoint())
		if !cp.HighWater.Equal(hw) || len(cp.Boundary) != 3 {
			t.Fatalf("high water %v boundary %v, want %v and the 3 records of that second", cp.HighWater, cp.Boundary, hw)
		}
		newRecs := []rec{
			{T: hw, UID: "r0"}, // an identical twin of a record seen at the high-water second
			{T: hw, UID: "new-same-second"},
			{T: hw.Add(time.Second), UID: "new-1"},
			{T: hw.Add(2 * time.Second), UID: "new-2"},
			{T: hw.Add(2 * time.Second), UID: "new-2"}, // twins among the new
			{T: hw.Add(3 * time.Second), UID: "new-3"},
		}
		s.add(newRecs...)
		var want []string
		for _, r := range s.list(auditclient.Window{Since: hw}) {
			want = append(want, r.UID+"@"+r.T.Format(time.TimeOnly))
		}
		// Of the records at hw, the three seen are dropped once each: the
		// listing order among equal times is the store's, so compute the
		// expected list by removing one occurrence of each seen uid at hw.
		seen := map[string]int{}
		for _, u := range cp.Boundary {
			seen[u+"@"+hw.Format(time.TimeOnly)]++
		}
		want = slices.DeleteFunc(want, func(n string) bool {
			if seen[n] > 0 {
				seen[n]--
				return true
			}
			return false
		})
		if len(want) != len(newRecs) {
			t.Fatalf("expected list %v", want)
		}
		now := hw.Add(time.Hour)
		for k := 0; k <= len(want); k++ {
			it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, now), cp)
			first := walk(t, it, k)
			mid := roundTrip(t, it.Checkpoint())
			it.Close()
			if k < len(want) && (mid.Position == nil || mid.Floor == nil) {
				t.Fatalf("checkpoint inside an incremental walk lacks its position or floor: %+v", mid)
			}
			it2 := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, now), mid)
			rest := walk(t, it2, -1)
			if it2.Err() != nil {
				t.Fatal(it2.Err())
			}
			if got := append(first, rest...); !slices.Equal(got, want) {
				t.Fatalf("oldest=%v incremental, resumed at %d:\n got %v\nwant %v", oldest, k, got, want)
			}
			it2.Close()
		}
	}
}

// A walk stopped in the middle, resumed after new records arrived, first
// finishes its pinned window, then collects the new records.
func TestIteratorResumeThenContinuesIncrementally(t *testing.T) {
	s := &store{recs: data(12), pageSize: 5}
	it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), nil)
	first := walk(t, it, 7)
	cp := roundTrip(t, it.Checkpoint())
	it.Close()
	s.add(rec{T: t0.Add(time.Minute), UID: "late-1"}, rec{T: t0.Add(2 * time.Minute), UID: "late-2"})
	it2 := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0.Add(time.Hour)), cp)
	rest := walk(t, it2, -1)
	if it2.Err() != nil {
		t.Fatal(it2.Err())
	}
	want := append(names(data(12)[:0]), names(s.list(auditclient.Window{Until: t0}))...)
	want = append(want, "late-2@12:02:00", "late-1@12:01:00")
	if got := append(first, rest...); !slices.Equal(got, want) {
		t.Fatalf("\n got %v\nwant %v", got, want)
	}
	// A checkpoint whose caller asks for no more than the pinned window
	// ends with it.
	it3 := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{Until: t0}, t0.Add(time.Hour)), cp)
	if rest := walk(t, it3, -1); len(rest) != 12-7 {
		t.Errorf("bounded resume yielded %d, want 5: %v", len(rest), rest)
	}
}

func TestIteratorClientSideWindow(t *testing.T) {
	s := &store{recs: data(12), pageSize: 4}
	src := s.source(auditclient.Window{Since: t0.Add(-2 * time.Second), Until: t0.Add(-time.Second)}, t0)
	// The store applies the window; a source that does not (such as an
	// API without time filters) is filtered by the iterator.
	open := src.Open
	src.Open = func(ctx context.Context, _ auditclient.Window, token string) *pagination.Pager[rec] {
		return open(ctx, auditclient.Window{}, token)
	}
	got := walk(t, auditclient.NewIterator(context.Background(), src, nil), -1)
	want := names(s.list(auditclient.Window{Since: t0.Add(-2 * time.Second), Until: t0.Add(-time.Second)}))
	if !slices.Equal(got, want) {
		t.Errorf("\n got %v\nwant %v", got, want)
	}
}

func TestIteratorRefusesForeignCheckpoints(t *testing.T) {
	s := &store{recs: data(5), pageSize: 2}
	good := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), nil)
	walk(t, good, 2)
	cp := good.Checkpoint()
	good.Close()
	opens := s.opens.Load()
	tests := []struct {
		mutate func(*auditclient.Checkpoint)
		want   error
	}{
		{func(c *auditclient.Checkpoint) { c.Vendor = "cisco" }, auditclient.ErrCheckpointMismatch},
		{func(c *auditclient.Checkpoint) { c.Query = "0000" }, auditclient.ErrCheckpointMismatch},
		{func(c *auditclient.Checkpoint) { c.Version = 99 }, auditclient.ErrCheckpointInvalid},
		{func(c *auditclient.Checkpoint) { c.Position.Skip = -1 }, auditclient.ErrCheckpointInvalid},
		{func(c *auditclient.Checkpoint) { c.Window = auditclient.Window{Since: t0, Until: t0.Add(-time.Hour)} }, auditclient.ErrCheckpointInvalid},
		{func(c *auditclient.Checkpoint) { c.HighWater = time.Time{} }, auditclient.ErrCheckpointInvalid},
	}
	for i, tt := range tests {
		bad := cp.Clone()
		tt.mutate(bad)
		it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), bad)
		if it.Next() || !errors.Is(it.Err(), tt.want) {
			t.Errorf("case %d: Err = %v, want %v", i, it.Err(), tt.want)
		}
	}
	if s.opens.Load() != opens {
		t.Error("a refused checkpoint opened a page walk")
	}
	if _, err := auditclient.ParseCheckpoint([]byte(`{"version":2}`)); !errors.Is(err, auditclient.ErrCheckpointInvalid) {
		t.Errorf("ParseCheckpoint of version 2: %v", err)
	}
	if _, err := auditclient.ParseCheckpoint([]byte(`{`)); !errors.Is(err, auditclient.ErrCheckpointInvalid) {
		t.Errorf("ParseCheckpoint of bad JSON: %v", err)
	}
}

// When the page of a resume position changed since the checkpoint, the
// walk finds the last consumed record in it, or replays the page rather
// than lose records.
func TestIteratorResumePositionMoved(t *testing.T) {
	s := &store{recs: data(10), pageSize: 4}
	it := auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), nil)
	first := walk(t, it, 6)
	cp := it.Checkpoint()
	it.Close()

	moved := cp.Clone()
	moved.Position.Skip = 1 // the record named by LastUID is now further in
	got := walk(t, auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), moved), -1)
	if want := names(s.list(auditclient.Window{}))[6:]; !slices.Equal(got, want) {
		t.Errorf("moved: got %v, want %v", got, want)
	}
	gone := cp.Clone()
	gone.Position.LastUID = "no-such-record"
	got = walk(t, auditclient.NewIterator(context.Background(), s.source(auditclient.Window{}, t0), gone), -1)
	if want := names(s.list(auditclient.Window{}))[4:]; !slices.Equal(got, want) {
		t.Errorf("gone: got %v, want the whole page replayed %v", got, want)
	}
	_ = first
}

func TestIteratorAllAndErrors(t *testing.T) {
	s := &store{recs: data(9), pageSize: 2}
	src := s.source(auditclient.Window{}, t0)
	n := 0
	for _, err := range auditclient.NewIterator(context.Background(), src, nil).All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 3 {
			break
		}
	}
	boom := errors.New("boom")
	src.Map = func(r rec) (ocsf.Event, error) {
		if r.UID == "r5" {
			return ocsf.Event{}, boom
		}
		return ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, r.T), nil
	}
	var errs []error
	count := 0
	for _, err := range auditclient.NewIterator(context.Background(), src, nil).All() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		count++
	}
	if count != 5 || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("%d events then %v; want 5 events then the mapping error once", count, errs)
	}
	// The checkpoint after the error resumes at the record that failed.
	it := auditclient.NewIterator(context.Background(), src, nil)
	walk(t, it, -1)
	cp := it.Checkpoint()
	src.Map = s.source(auditclient.Window{}, t0).Map
	rest := walk(t, auditclient.NewIterator(context.Background(), src, cp), -1)
	if want := names(s.list(auditclient.Window{}))[5:]; !slices.Equal(rest, want) {
		t.Errorf("resumed after the error: %v, want %v", rest, want)
	}
	if it := auditclient.Emptied(boom); it.Next() || it.Err() != boom || it.Close() != nil {
		t.Error("Emptied")
	}
	p, ok := auditclient.ProgressOf(auditclient.NewIterator(context.Background(), src, nil))
	if !ok || p.Events != 0 {
		t.Errorf("ProgressOf = %+v %v", p, ok)
	}
}

func TestFingerprint(t *testing.T) {
	a := auditclient.Fingerprint("cisco", url.Values{"event": {"login"}, "audit_log_type": {"User"}})
	b := auditclient.Fingerprint("cisco", url.Values{"audit_log_type": {"User"}, "event": {"login"}})
	c := auditclient.Fingerprint("cisco", url.Values{"audit_log_type": {"User"}})
	d := auditclient.Fingerprint("automox", url.Values{"event": {"login"}, "audit_log_type": {"User"}})
	if a != b || a == c || a == d || len(a) != 24 {
		t.Errorf("fingerprints %s %s %s %s", a, b, c, d)
	}
}

func ExampleNewIterator() {
	recs := []time.Time{t0, t0.Add(-time.Second), t0.Add(-2 * time.Second)}
	src := auditclient.Source[time.Time]{
		Vendor: "example",
		Query:  auditclient.Fingerprint("example", nil),
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[time.Time] {
			return pagination.NextToken(ctx, func(ctx context.Context, token string) ([]time.Time, string, error) {
				i, _ := strconv.Atoi(token)
				next := ""
				if i+1 < len(recs) {
					next = strconv.Itoa(i + 1)
				}
				return recs[i : i+1], next, nil
			}, pagination.Options{Start: token})
		},
		Key: func(t time.Time) (time.Time, string) { return t, t.Format(time.RFC3339) },
		Map: func(t time.Time) (ocsf.Event, error) {
			return ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementRead, t), nil
		},
	}
	it := auditclient.NewIterator(context.Background(), src, nil)
	defer it.Close()
	for it.Next() {
		fmt.Println(it.Event().Time.UTC().Format(time.TimeOnly))
	}
	fmt.Println("complete:", it.Checkpoint().Complete(), "err:", it.Err())
	// Output:
	// 12:00:00
	// 11:59:59
	// 11:59:58
	// complete: true err: <nil>
}

// Windows are half-open, [Since, Until): a record at exactly Since is
// yielded, one at exactly Until is not, whether the source applies the
// window or the iterator does.
func TestIteratorWindowIsHalfOpen(t *testing.T) {
	since, until := t0.Add(-3*time.Second), t0.Add(-time.Second)
	s := &store{recs: []rec{
		{T: since.Add(-time.Nanosecond), UID: "before"},
		{T: since, UID: "at-since"},
		{T: until.Add(-time.Nanosecond), UID: "last-inside"},
		{T: until, UID: "at-until"},
	}, pageSize: 10}
	for _, clientSide := range []bool{false, true} {
		src := s.source(auditclient.Window{Since: since, Until: until}, t0)
		if clientSide {
			open := src.Open
			src.Open = func(ctx context.Context, _ auditclient.Window, token string) *pagination.Pager[rec] {
				return open(ctx, auditclient.Window{}, token)
			}
		}
		var got []string
		it := auditclient.NewIterator(context.Background(), src, nil)
		for it.Next() {
			got = append(got, it.Event().Metadata.UID)
		}
		if want := []string{"last-inside", "at-since"}; it.Err() != nil || !slices.Equal(got, want) {
			t.Errorf("client-side %v: got %v, %v; want %v", clientSide, got, it.Err(), want)
		}
	}
}

// WarningsOf reads Source.Warnings once the walk is over, and is nil for a
// source without warnings and for other iterators.
func TestWarningsOf(t *testing.T) {
	s := &store{recs: data(3), pageSize: 10}
	src := s.source(auditclient.Window{}, t0)
	it := auditclient.NewIterator(context.Background(), src, nil)
	walk(t, it, -1)
	if w := auditclient.WarningsOf(it); w != nil {
		t.Errorf("WarningsOf without Source.Warnings = %v", w)
	}
	partial := errors.New("history cut short")
	src.Warnings = func() []error { return []error{partial} }
	it = auditclient.NewIterator(context.Background(), src, nil)
	walk(t, it, -1)
	if w := auditclient.WarningsOf(it); len(w) != 1 || !errors.Is(w[0], partial) || it.Err() != nil {
		t.Errorf("WarningsOf = %v, Err = %v", w, it.Err())
	}
	if w := auditclient.WarningsOf(auditclient.Emptied(nil)); w != nil {
		t.Errorf("WarningsOf(Emptied) = %v", w)
	}
}

// tokenSource is a NextToken source whose every page is made by page(n).
func tokenSource(page func(n int) ([]rec, string)) auditclient.Source[rec] {
	return auditclient.Source[rec]{
		Vendor: "memory",
		Query:  auditclient.Fingerprint("memory", nil),
		Now:    func() time.Time { return t0 },
		Open: func(ctx context.Context, _ auditclient.Window, token string) *pagination.Pager[rec] {
			n := 0
			return pagination.NextToken(ctx, func(ctx context.Context, tok string) ([]rec, string, error) {
				n++
				items, next := page(n)
				return items, next, nil
			}, pagination.Options{Start: token, Prefetch: -1})
		},
		Key: func(r rec) (time.Time, string) { return r.T, r.UID },
		Map: func(r rec) (ocsf.Event, error) {
			ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, r.T)
			ev.Metadata.UID = r.UID
			return ev, nil
		},
	}
}

// A server that hands out a new token each time with the same records, or
// empty pages forever, or the same token again, ends the walk with a typed
// error after a bounded number of pages, and no record is yielded twice.
func TestIteratorStopsWalksWithoutProgress(t *testing.T) {
	same := []rec{{T: t0.Add(-time.Second), UID: "a"}, {T: t0.Add(-2 * time.Second), UID: "b"}}
	tests := []struct {
		name   string
		page   func(n int) ([]rec, string)
		want   error
		events int
		pages  int64
	}{
		{"same records, new tokens", func(n int) ([]rec, string) { return same, "t" + strconv.Itoa(n) }, auditclient.ErrNoProgress, 2, 1 + auditclient.DefaultMaxStalePages},
		{"empty pages, new tokens", func(n int) ([]rec, string) { return nil, "t" + strconv.Itoa(n) }, auditclient.ErrNoProgress, 0, auditclient.DefaultMaxStalePages},
		{"same token", func(n int) ([]rec, string) { return same, "again" }, pagination.ErrRepeatedToken, 2, 2},
	}
	for _, tt := range tests {
		it := auditclient.NewIterator(context.Background(), tokenSource(tt.page), nil)
		got := walk(t, it, 1000)
		var de *auditclient.DecodeError
		if !errors.Is(it.Err(), tt.want) || !errors.As(it.Err(), &de) || de.Vendor != "memory" {
			t.Errorf("%s: Err = %v, want a *DecodeError wrapping %v", tt.name, it.Err(), tt.want)
		}
		p, _ := auditclient.ProgressOf(it)
		if len(got) != tt.events || p.Pages != tt.pages {
			t.Errorf("%s: %d events over %d pages %v, want %d over %d", tt.name, len(got), p.Pages, got, tt.events, tt.pages)
		}
	}
	// Progress resets the count: stale pages between new ones are fine,
	// and twins (same uid, more of them than on the page before) are new.
	it := auditclient.NewIterator(context.Background(), tokenSource(func(n int) ([]rec, string) {
		switch {
		case n > 40:
			return nil, ""
		case n%5 == 0:
			return []rec{{T: t0.Add(-time.Duration(n) * time.Second), UID: "u" + strconv.Itoa(n)}, {T: t0.Add(-time.Duration(n) * time.Second), UID: "u" + strconv.Itoa(n)}}, "t" + strconv.Itoa(n)
		case n%5 == 1 && n > 1:
			return []rec{{T: t0.Add(-time.Duration(n-1) * time.Second), UID: "u" + strconv.Itoa(n-1)}}, "t" + strconv.Itoa(n)
		}
		return nil, "t" + strconv.Itoa(n)
	}), nil)
	if got := walk(t, it, -1); it.Err() != nil || len(got) != 16 {
		t.Errorf("walk with gaps: %d events, %v; want 16 and no error", len(got), it.Err())
	}
	// EmptyPagesAdvance: empty pages are progress (days, objects).
	src := tokenSource(func(n int) ([]rec, string) {
		if n > 30 {
			return nil, ""
		}
		return nil, "day" + strconv.Itoa(n)
	})
	src.EmptyPagesAdvance = true
	it = auditclient.NewIterator(context.Background(), src, nil)
	if walk(t, it, -1); it.Err() != nil {
		t.Errorf("30 empty days: %v", it.Err())
	}
}
