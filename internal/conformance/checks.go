package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

// testWalk: the reference walk holds the data set once, valid and in the
// declared order, with the requests expected; other orders and another
// page size walk the same records.
func (s *suite) testWalk(t tester) {
	if len(s.ref) != s.d.Records {
		t.Errorf("the walk yielded %d events, the data set holds %d", len(s.ref), s.d.Records)
	}
	once(t, s.ref)
	s.ordered(t, "natural order", s.ref, s.v.Natural)
	var got, want []string
	for _, r := range s.ref {
		got = append(got, r.raw)
	}
	for _, raw := range s.d.Data() {
		want = append(want, compact(string(raw)))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		extra, lost := walktest.Tally(got, want)
		t.Errorf("the walk's raw_data are not the fake's records: %d not served, %d served not yielded", extra, lost)
	}

	st := s.refDemo
	groups := map[string]bool{}
	for _, r := range s.ref {
		groups[r.group] = true
	}
	lo, hi := s.requests(s.d.Records, s.pageSize, len(groups))
	if s.refRequests < lo || s.refRequests > hi {
		t.Errorf("the walk took %d requests, want %d to %d for %d records at page size %d", s.refRequests, lo, hi, s.d.Records, s.pageSize)
	}
	if st.Served != st.Requests || len(st.Injected) != 0 {
		t.Errorf("a clean walk: %d requests, %d served, injected %v", st.Requests, st.Served, st.Injected)
	}
	if cs := s.refStats; cs.Requests != int64(s.refRequests) || cs.Retries != 0 || cs.Failures != 0 {
		t.Errorf("the client's stats of a clean walk: %+v; the demo received %d requests", cs, s.refRequests)
	}

	// Start sends nothing; the first Next does.
	before := s.d.Stats().Requests
	it, _ := s.start(t, s.config(s.d))
	if n := sent(s.d); n != before {
		t.Errorf("Start sent %d requests before the first Next", n-before)
	}
	if !it.Next() {
		t.Fatalf("no event: %v", it.Err())
	}
	it.Close()

	// Another page size: the vendor's default.
	cfg := s.config(s.d)
	cfg.PageSize = 0
	s.walkAll(t, "default page size", cfg, s.ref)

	// Every order the vendor declares.
	for _, o := range s.orders {
		cfg := s.config(s.d)
		cfg.Order = o
		if o.Resolve(s.v.Natural) == s.v.Natural.Resolve(auditclient.NaturalOrder) {
			s.walkAll(t, "order "+o.String(), cfg, s.ref)
			continue
		}
		got := s.walkAll(t, "order "+o.String(), cfg, nil)
		s.ordered(t, "order "+o.String(), got, o)
		g, w := keys(got), keys(s.ref)
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			extra, lost := walktest.Tally(g, w)
			t.Errorf("order %s: %d events, %d more and %d fewer than the natural order's", o, len(got), extra, lost)
		}
	}
}

// once fails t for a record yielded more than once, except identical twins
// (the data sets hold records saved twice in one instant) side by side.
func once(t testing.TB, recs []rec) {
	t.Helper()
	last := map[string]int{}
	for i, r := range recs {
		k := r.key()
		if j, ok := last[k]; ok && j != i-1 {
			t.Errorf("event %d repeats event %d: %s", i, j, k)
		}
		last[k] = i
	}
}

// walkAll walks cfg to the end, fails t on an error, and compares the
// events with want unless want is nil.
func (s *suite) walkAll(t testing.TB, what string, cfg vendors.Config, want []rec) []rec {
	t.Helper()
	it, _ := s.start(t, cfg)
	defer it.Close()
	got := s.collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Errorf("%s: the walk failed after %d events: %v", what, len(got), err)
	}
	if want != nil {
		same(t, what, got, want)
	}
	return got
}

// testResume: a walk stopped after N events and resumed from its stored
// checkpoint yields exactly the rest; a complete checkpoint finds nothing
// new in the same data.
func (s *suite) testResume(t tester) {
	p, n := s.pageSize, len(s.ref)
	// The start, the first page's boundary and its neighbours, mid-page,
	// the last record, the end; and the first change of UTC day (an API
	// that pages by day, as Automox's, turns a page there).
	candidates := []int{0, 1, p - 1, p, p + 1, p + p/2, n - 1, n}
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	for i := 1; i < n; i++ {
		if day(s.ref[i].time) != day(s.ref[i-1].time) {
			candidates = append(candidates, i, i+1)
			break
		}
	}
	var positions []int
	for _, a := range candidates {
		if a >= 0 && a <= n && !slices.Contains(positions, a) {
			positions = append(positions, a)
		}
	}
	for _, o := range s.resumeOrders() {
		cfg := s.config(s.d)
		cfg.Order = o
		want, at := s.ref, positions
		if o != auditclient.NaturalOrder {
			// Another order: its own clean walk, and fewer positions.
			want, at = s.walkAll(t, "order "+o.String(), cfg, nil), []int{p + p/2}
		}
		t.Logf("order %s: resume at %v", o, at)
		for _, a := range at {
			s.resumeAt(t, cfg, a, want, s.d.Secrets)
		}
	}

	// After the loop ends, the checkpoint is complete, and an incremental
	// walk from it finds nothing new in the same data.
	cfg := s.config(s.d)
	it, _ := s.start(t, cfg)
	all := s.collect(t, it, -1)
	cp := it.Checkpoint()
	it.Close()
	if it.Err() != nil || len(all) != n {
		t.Fatalf("walk: %d events, %v", len(all), it.Err())
	}
	newest := s.ref[0].time
	for _, r := range s.ref {
		if r.time.After(newest) {
			newest = r.time
		}
	}
	if !cp.Complete() || !cp.HighWater.Equal(newest) || len(cp.Boundary) == 0 || cp.Events != int64(n) {
		t.Errorf("checkpoint after the end: complete %v, high water %s (newest event %s), boundary %q, events %d (want %d)",
			cp.Complete(), cp.HighWater.Format(time.RFC3339Nano), newest.Format(time.RFC3339Nano), cp.Boundary, cp.Events, n)
	}
	cfg.Resume = roundTrip(t, cp)
	it, _ = s.start(t, cfg)
	again := s.collect(t, it, -1)
	cp2 := it.Checkpoint()
	it.Close()
	if len(again) != 0 || it.Err() != nil {
		t.Errorf("incremental walk of the same data: %d events (first %s), %v", len(again), at(keys(again), 0), it.Err())
	}
	if !cp2.Complete() || !cp2.HighWater.Equal(cp.HighWater) || cp2.Events != cp.Events {
		t.Errorf("checkpoint after an incremental walk that found nothing: %+v, want the one before: %+v", cp2, cp)
	}
	for _, o := range s.resumeOrders() {
		s.arrivals(t, o, newest)
	}
}

// resumeOrders are the orders the Resume subtest walks: the natural one
// and each other declared order that differs from it.
func (s *suite) resumeOrders() []auditclient.Order {
	out := []auditclient.Order{auditclient.NaturalOrder}
	for _, o := range s.orders {
		if o.Resolve(s.v.Natural) != s.v.Natural {
			out = append(out, o)
		}
	}
	return out
}

// arrivals: after a complete walk in order o of a demo of its own, records
// arrive at the high-water instant hw (the boundary), a grain later and
// on the next UTC day; an incremental walk from the complete checkpoint
// yields exactly those, once, in the order a whole walk yields them, also
// when stopped midway and resumed; and a third walk finds nothing.
func (s *suite) arrivals(t testing.TB, o auditclient.Order, hw time.Time) {
	t.Helper()
	d := s.startDemo(t, audittest.Faults{})
	defer d.Close()
	cfg := s.config(d)
	cfg.Order = o
	it, _ := s.start(t, cfg)
	old := s.collect(t, it, -1)
	cp := roundTrip(t, it.Checkpoint())
	it.Close()
	if it.Err() != nil || len(old) != len(s.ref) || !cp.Complete() || !cp.HighWater.Equal(hw) {
		t.Fatalf("order %s: the first walk: %d events, %v; checkpoint %+v", o, len(old), it.Err(), cp)
	}
	arrive := []time.Time{hw, hw, hw.Add(s.resolution), hw.Add(13 * time.Hour)}
	added := 0
	for _, a := range arrive {
		added += d.Add(1, a)
	}
	if added != len(arrive) {
		t.Fatalf("order %s: the demo added %d records, want %d", o, added, len(arrive))
	}
	cfg.Until = Now.Add(24 * time.Hour)
	// The new records: a whole walk of the grown data set but the old ones.
	seen := map[string]int{}
	for _, r := range old {
		seen[r.key()]++
	}
	var want []rec
	for _, r := range s.walkAll(t, fmt.Sprintf("order %s, the grown data set", o), cfg, nil) {
		if seen[r.key()] > 0 {
			seen[r.key()]--
		} else {
			want = append(want, r)
		}
	}
	var times []time.Time
	for _, r := range want {
		times = append(times, r.time)
	}
	slices.SortFunc(times, time.Time.Compare)
	if !slices.EqualFunc(times, arrive, time.Time.Equal) {
		t.Fatalf("order %s: the grown data set holds new records at %v, want at %v", o, times, arrive)
	}

	cfg.Resume = cp
	it, _ = s.start(t, cfg)
	got := s.collect(t, it, -1)
	cp2 := it.Checkpoint()
	it.Close()
	if it.Err() != nil {
		t.Errorf("order %s: the incremental walk failed after %d events: %v", o, len(got), it.Err())
	}
	same(t, fmt.Sprintf("order %s: the incremental walk after arrivals", o), got, want)
	t.Logf("order %s: %d records arrived, the incremental walk yielded %d", o, added, len(got))
	last := arrive[len(arrive)-1]
	if !cp2.Complete() || !cp2.HighWater.Equal(last) || len(cp2.Boundary) != 1 || cp2.Events != cp.Events+int64(len(arrive)) {
		t.Errorf("order %s: checkpoint after the incremental walk: complete %v, high water %s (want %s), boundary %q (want one uid), events %d (want %d)",
			o, cp2.Complete(), cp2.HighWater.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano), cp2.Boundary, cp2.Events, cp.Events+int64(len(arrive)))
	}
	cfg.Resume = roundTrip(t, cp2)
	it, _ = s.start(t, cfg)
	if again := s.collect(t, it, -1); len(again) != 0 || it.Err() != nil {
		t.Errorf("order %s: a third walk: %d events (first %s), %v", o, len(again), at(keys(again), 0), it.Err())
	}
	it.Close()
	// The incremental walk stopped after each of its events and resumed.
	cfg.Resume = cp
	for n := 1; n < len(want); n++ {
		s.resumeAt(t, cfg, n, want, d.Secrets)
	}
}

// resumeAt is walktest.ResumeAt for a walk of cfg (from cfg.Resume, if
// set): stopped after at events, resumed from its checkpoint stored as
// JSON, the two walks must be want; the checkpoint must hold none of
// secrets.
func (s *suite) resumeAt(t testing.TB, cfg vendors.Config, at int, want []rec, secrets []string) {
	t.Helper()
	walk := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		c := cfg
		if cp != nil {
			c.Resume = cp
		}
		it, _ := s.start(t, c)
		return it
	}
	collect := func(tb testing.TB, it auditclient.Iterator, n int) []string { return keys(s.collect(tb, it, n)) }
	walktest.ResumeAt(t, walk, at, keys(want), secrets, collect)
}

// roundTrip stores cp as JSON and reads it back.
func roundTrip(t testing.TB, cp *auditclient.Checkpoint) *auditclient.Checkpoint {
	t.Helper()
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	back, err := auditclient.ParseCheckpoint(b)
	if err != nil {
		t.Fatalf("checkpoint %s: %v", b, err)
	}
	return back
}

// testFaults: under the fault mix, the walk yields the clean walk exactly.
func (s *suite) testFaults(t tester) {
	for _, seed := range s.faultSeeds {
		d := s.startDemo(t, walktest.FaultMix(seed))
		it, src := s.start(t, s.config(d))
		got := s.collect(t, it, -1)
		err := it.Err()
		it.Close()
		st, cs := quiet(d), src.Client.Stats()
		d.Close()
		if err != nil {
			t.Errorf("seed %d: the walk failed after %d events: %v", seed, len(got), err)
			continue
		}
		same(t, fmt.Sprint("seed ", seed), got, s.ref)
		for _, f := range walktest.FaultMix(seed).Script {
			if st.Injected[f] == 0 {
				t.Errorf("seed %d: no %s injected (%v): the walk met not every fault", seed, f, st.Injected)
			}
		}
		if cs.Retries == 0 {
			t.Errorf("seed %d: the client counted no retry", seed)
		}
		if st.Served != s.refRequests {
			t.Errorf("seed %d: %d requests served, the clean walk took %d: a page read twice, or one missed", seed, st.Served, s.refRequests)
		}
		if seed == s.faultSeeds[0] {
			// A walk resumed mid-page, both walks under faults.
			d := s.startDemo(t, walktest.FaultMix(seed))
			s.resumeAt(t, s.config(d), s.pageSize+s.pageSize/2, s.ref, d.Secrets)
			d.Close()
		}
		t.Logf("seed %d: %d requests, injected %v, client %+v", seed, st.Requests, st.Injected, cs)
	}
}

// testCancel: a walk cancelled midway stops there, leaks nothing and sends
// nothing more.
func (s *suite) testCancel(t tester) {
	at := s.pageSize + s.pageSize/2
	before := sent(s.d)
	var src *vendors.Source
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	walktest.CancelMidWalk(t, func(ctx context.Context) auditclient.Iterator {
		var err error
		if src, err = s.v.Start(ctx, s.config(s.d, auditclient.WithLogger(logger))); err != nil {
			t.Fatalf("Start: %v", err)
		}
		return src.Events
	}, at, func() {
		logs.mark() // CancelMidWalk calls this right after Close
		src.Client.CloseIdleConnections()
	})
	logs.check(t, "the cancelled walk")
	after := sent(s.d)
	time.Sleep(50 * time.Millisecond)
	if later := s.d.Stats().Requests; later != after {
		t.Errorf("%d requests sent after the cancelled walk was closed", later-after)
	}
	if after-before >= s.refRequests {
		t.Errorf("the walk cancelled at event %d sent %d requests, as many as a whole walk (%d)", at, after-before, s.refRequests)
	}
}

// testCheckpoints: checkpoints of another vendor or query, corrupted or
// newer are refused before any request; the same query at another page
// size or window resumes.
func (s *suite) testCheckpoints(t tester) {
	cfg := s.config(s.d)
	it, _ := s.start(t, cfg)
	first := s.collect(t, it, 1)
	cp := it.Checkpoint()
	it.Close()
	if len(first) != 1 || cp == nil || cp.Position == nil {
		t.Fatalf("a checkpoint after the first event: %+v, %v", cp, it.Err())
	}
	complete := cp.Clone()
	complete.Position, complete.HighWater, complete.Boundary = nil, first[0].time, []string{first[0].uid}

	other := "not-" + cp.Vendor
	for _, name := range vendors.Names() {
		if name != cp.Vendor {
			other = name
			break
		}
	}
	change := func(c *auditclient.Checkpoint, f func(*auditclient.Checkpoint)) *auditclient.Checkpoint {
		c = c.Clone()
		f(c)
		return c
	}
	type refusal struct {
		name string
		cfg  vendors.Config
		cp   *auditclient.Checkpoint
		want error
	}
	cases := []refusal{
		{"another vendor's", cfg, change(cp, func(c *auditclient.Checkpoint) { c.Vendor = other }), auditclient.ErrCheckpointMismatch},
		{"another query's", cfg, change(cp, func(c *auditclient.Checkpoint) { c.Query = strings.Repeat("0", len(c.Query)) }), auditclient.ErrCheckpointMismatch},
		{"a newer format", cfg, change(cp, func(c *auditclient.Checkpoint) { c.Version = auditclient.CheckpointVersion + 1 }), auditclient.ErrCheckpointInvalid},
		{"a negative skip", cfg, change(cp, func(c *auditclient.Checkpoint) { c.Position.Skip = -1 }), auditclient.ErrCheckpointInvalid},
		{"an empty window", cfg, change(cp, func(c *auditclient.Checkpoint) { c.Window.Since = c.Window.Until.Add(time.Hour) }), auditclient.ErrCheckpointInvalid},
		{"a floor without a position", cfg, change(complete, func(c *auditclient.Checkpoint) { c.Floor = &auditclient.Floor{Time: c.HighWater} }), auditclient.ErrCheckpointInvalid},
		{"a boundary without a high water", cfg, change(complete, func(c *auditclient.Checkpoint) { c.HighWater = time.Time{} }), auditclient.ErrCheckpointInvalid},
	}
	if oq, ok := s.otherQueryConfig(t, cfg); ok {
		cases = append(cases,
			refusal{"another query", oq, cp, auditclient.ErrCheckpointMismatch},
			refusal{"another query, complete", oq, complete, auditclient.ErrCheckpointMismatch})
	} else {
		t.Logf("no other query of %s: the vendor's OtherQuery knob is missing and no filter makes one", s.v.Name)
	}
	before := sent(s.d)
	for _, c := range cases {
		c.cfg.Resume = c.cp
		src, err := s.v.Start(context.Background(), c.cfg)
		if err == nil {
			if src.Events.Next() {
				t.Errorf("%s checkpoint: accepted, yielding %s", c.name, src.Events.Event().RawData)
			}
			err = src.Events.Err()
			src.Events.Close()
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s checkpoint: %v, want an error matching %v", c.name, err, c.want)
		}
	}
	if after := sent(s.d); after != before {
		t.Errorf("%d requests sent with refused checkpoints", after-before)
	}

	// The same query at another page size, or in a window reaching further,
	// resumes: the rest of the walk, nothing new.
	for _, c := range []struct {
		name   string
		change func(*vendors.Config)
	}{
		{"another page size", func(c *vendors.Config) { c.PageSize = s.pageSize + 7 }},
		{"a later until", func(c *vendors.Config) { c.Until = Now.Add(time.Hour) }},
	} {
		rc := s.config(s.d)
		c.change(&rc)
		rc.Resume = roundTrip(t, cp)
		s.walkAll(t, c.name, rc, s.ref[1:])
	}
}

// otherQueryConfig returns a Config of another query than cfg's: the
// OtherQuery knob's, or the first filter Start accepts.
func (s *suite) otherQueryConfig(t testing.TB, cfg vendors.Config) (vendors.Config, bool) {
	t.Helper()
	oq := cfg
	oq.Settings = maps.Clone(cfg.Settings)
	oq.Filters = slices.Clone(cfg.Filters)
	if s.otherQuery != nil {
		s.otherQuery(&oq)
		return oq, true
	}
	for _, f := range s.v.Filters {
		value := "conformance"
		if len(f.Values) > 0 {
			value = f.Values[0]
		}
		c := oq
		c.Filters = append(slices.Clone(oq.Filters), vendors.Param{Name: f.Name, Value: value})
		if src, err := s.v.Start(context.Background(), c); err == nil {
			src.Events.Close()
			t.Logf("another query: filter %s=%s", f.Name, value)
			return c, true
		}
	}
	return oq, false
}

// testSecrets: no credential in logs, errors, stats, checkpoints or
// events, through a fault-injected walk logged at Debug level and walks
// with a wrong credential; and no walk logs after Close returned.
func (s *suite) testSecrets(t tester) {
	if len(s.d.Secrets) == 0 {
		t.Fatalf("the %s demo names no secret", s.demo)
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := s.startDemo(t, walktest.FaultMix(4))
	defer d.Close()
	texts := map[string]string{}
	secrets := slices.Clone(d.Secrets)

	it, src := s.start(t, s.config(d, auditclient.WithLogger(logger)))
	var events strings.Builder
	n := 0
	for it.Next() {
		s.record(t, it.Event(), n)
		n++
		b, err := json.Marshal(it.Event())
		if err != nil {
			t.Fatal(err)
		}
		events.Write(b)
		events.WriteByte('\n')
		if n == s.pageSize+3 {
			b, _ := json.Marshal(it.Checkpoint())
			texts["checkpoint in progress"] = string(b)
		}
	}
	if it.Err() != nil || n != len(s.ref) {
		t.Errorf("the fault-injected walk: %d events, %v", n, it.Err())
	}
	b, _ := json.Marshal(it.Checkpoint())
	texts["checkpoint"] = string(b)
	texts["events"] = events.String()
	texts["demo stats"] = walktest.FmtAll(d.Stats())
	texts["client stats"] = walktest.FmtAll(src.Client.Stats())
	texts["client"] = walktest.FmtAll(src.Client)
	logs.closed(t, "the fault-injected walk", it)
	if !strings.Contains(logs.String(), "retrying") || !strings.Contains(logs.String(), "attempt") {
		t.Errorf("the Debug logs of a fault-injected walk hold no attempt or retry:\n%.2000s", logs.String())
	}

	// Each credential in turn made wrong: the walk fails, and neither the
	// right nor the wrong one shows.
	clean := s.startDemo(t, audittest.Faults{})
	defer clean.Close()
	failed := 0
	var rights, wrongs []string
	for _, st := range s.v.Settings {
		right := clean.Settings[st.Name]
		if !st.Secret || right == "" {
			continue
		}
		wrong := mangle(right)
		rights, wrongs = append(rights, right), append(wrongs, wrong)
		cfg := s.config(clean, auditclient.WithLogger(logger))
		cfg.Settings = maps.Clone(clean.Settings)
		cfg.Settings[st.Name] = wrong
		src, err := s.v.Start(context.Background(), cfg)
		if err == nil {
			if src.Events.Next() {
				t.Errorf("a walk with a wrong %s yielded an event", st.Name)
			}
			err = src.Events.Err()
			texts["client with a wrong "+st.Name] = walktest.FmtAll(src.Client)
			logs.closed(t, "the walk with a wrong "+st.Name, src.Events)
		}
		if err == nil {
			t.Errorf("a walk with a wrong %s ended without an error", st.Name)
			continue
		}
		failed++
		t.Logf("a wrong %s: %v", st.Name, err)
		texts["error with a wrong "+st.Name] = walktest.FmtAll(err)
		if !errors.Is(err, auditclient.ErrUnauthorized) && !errors.Is(err, auditclient.ErrForbidden) && !errors.Is(err, auditclient.ErrBadConfig) {
			t.Errorf("a wrong %s: %v, want an error matching ErrUnauthorized, ErrForbidden or ErrBadConfig", st.Name, err)
		}
	}
	if failed == 0 {
		t.Errorf("no secret setting of %s made a walk fail", s.v.Name)
	}
	secrets = append(secrets, clean.Secrets...)
	secrets = append(secrets, wrongs...)
	// HTTP Basic forms: user:password of any two credentials, right or
	// wrong.
	all := slices.Concat(rights, wrongs)
	for _, u := range all {
		for _, p := range all {
			if u != p {
				secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(u+":"+p)))
			}
		}
	}
	texts["logs"] = logs.String()
	walktest.NoSecrets(t, secrets, texts)
}

// logBuffer is a log's output, safe for concurrent use, that tells a
// record written after the walk that logs it was closed.
type logBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	shut   bool // the walk was closed
	late   int  // records written since
	lateAt string
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shut {
		l.late++
		l.lateAt = string(p)
	}
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// closed closes it, and fails t when the walk logs anything in the 50ms
// after Close returned: Close waits for the walk's fetches, so nothing of
// the walk runs after it.
func (l *logBuffer) closed(t testing.TB, what string, it auditclient.Iterator) {
	t.Helper()
	it.Close()
	l.mark()
	time.Sleep(50 * time.Millisecond)
	l.check(t, what)
}

// mark notes that the walk was closed.
func (l *logBuffer) mark() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.shut, l.late = true, 0
}

// check fails t when a record was written since mark.
func (l *logBuffer) check(t testing.TB, what string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.shut = false
	if l.late > 0 {
		t.Errorf("%s logged %d records after Close returned (Close must wait for the walk's fetches), e.g. %s", what, l.late, l.lateAt)
	}
}

// mangle returns a credential of the same form as v that is not v: its
// last letter or digit changed.
func mangle(v string) string {
	b := []byte(v)
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'e', c >= 'A' && c <= 'E':
			b[i]++
		case c == '9' || c == 'f' || c == 'F':
			b[i] -= 5
		case c >= 'g' && c <= 'z', c >= 'G' && c <= 'Z':
			b[i] = 'a' + (c-'a'+7)%26
			if c <= 'Z' {
				b[i] = 'A' + (c-'A'+7)%26
			}
		default:
			continue
		}
		return string(b)
	}
	return v + "x"
}

// testWindow: windows are half-open, [Since, Until), and a window's events
// are the clean walk's filtered to it.
func (s *suite) testWindow(t tester) {
	var times []time.Time
	for _, r := range s.ref {
		if !slices.ContainsFunc(times, r.time.Equal) {
			times = append(times, r.time)
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	if len(times) < 8 {
		t.Fatalf("the data set has %d distinct times", len(times))
	}
	a, b := times[len(times)/4], times[3*len(times)/4]
	within := func(since, until time.Time) []rec {
		var out []rec
		for _, r := range s.ref {
			if !r.time.Before(since) && r.time.Before(until) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, w := range []struct {
		name         string
		since, until time.Time
	}{
		{"records at since and until", a, b},
		{"one instant", b, b.Add(time.Nanosecond)},
		{"a second after a record", a, b.Add(time.Second)},
		{"a millisecond", a, a.Add(time.Millisecond)},
		{"until the first record", times[0].Add(-time.Hour), times[0]},
		{"since the last record", times[len(times)-1], Now},
		{"empty", a, a},
	} {
		cfg := s.config(s.d)
		cfg.Since, cfg.Until = w.since, w.until
		want := within(w.since, w.until)
		if w.since.Equal(w.until) {
			// An empty window: no event, or an option error (for a vendor
			// that asks for Since before Until).
			if src, err := s.v.Start(context.Background(), cfg); err == nil {
				got := s.collect(t, src.Events, -1)
				if len(got) != 0 || src.Events.Err() != nil {
					t.Errorf("%s: %d events, %v", w.name, len(got), src.Events.Err())
				}
				src.Events.Close()
			} else if !errors.Is(err, auditclient.ErrBadOption) {
				t.Errorf("%s: %v, want no event or an error matching ErrBadOption", w.name, err)
			}
			continue
		}
		got := s.walkAll(t, w.name, cfg, want)
		t.Logf("%s [%s, %s): %d events", w.name, w.since.Format(time.RFC3339Nano), w.until.Format(time.RFC3339Nano), len(got))
		for _, r := range got {
			if r.time.Before(w.since) || !r.time.Before(w.until) {
				t.Errorf("%s: an event at %s outside [%s, %s)", w.name, r.time.Format(time.RFC3339Nano), w.since.Format(time.RFC3339Nano), w.until.Format(time.RFC3339Nano))
				break
			}
		}
		atSince := func(r rec) bool { return r.time.Equal(w.since) }
		if w.since.Before(w.until) && slices.ContainsFunc(s.ref, atSince) && !slices.ContainsFunc(got, atSince) {
			t.Errorf("%s: the record at exactly since %s was not yielded", w.name, w.since.Format(time.RFC3339Nano))
		}
	}
}

// testBadOptions: each bad option is the right typed error from Start,
// and the fake receives nothing.
func (s *suite) testBadOptions(t tester) {
	unsupported := auditclient.Order(99)
	for _, o := range []auditclient.Order{auditclient.OldestFirst, auditclient.NewestFirst} {
		if o != s.v.Natural && !slices.Contains(s.orders, o) {
			unsupported = o
			break
		}
	}
	type bad struct {
		name   string
		change func(*vendors.Config)
		want   error
	}
	cases := []bad{
		{"page size -1", func(c *vendors.Config) { c.PageSize = -1 }, auditclient.ErrBadOption},
		{"page size 1000000", func(c *vendors.Config) { c.PageSize = 1000000 }, auditclient.ErrBadOption},
		{"since after until", func(c *vendors.Config) { c.Since, c.Until = c.Until, c.Since }, auditclient.ErrBadOption},
		{"an unknown filter", func(c *vendors.Config) {
			c.Filters = append(c.Filters, vendors.Param{Name: "no-such-filter", Value: "x"})
		}, auditclient.ErrBadOption},
		{"order " + unsupported.String(), func(c *vendors.Config) { c.Order = unsupported }, auditclient.ErrBadOption},
		{"an unknown setting", func(c *vendors.Config) { c.Settings["no_such_setting"] = "x" }, auditclient.ErrBadConfig},
	}
	for _, f := range s.v.Filters {
		if len(f.Values) > 0 {
			cases = append(cases, bad{"filter " + f.Name + " outside its values", func(c *vendors.Config) {
				c.Filters = append(c.Filters, vendors.Param{Name: f.Name, Value: "no such value"})
			}, auditclient.ErrBadOption})
		}
	}
	for _, st := range s.v.Settings {
		if st.Required {
			cases = append(cases, bad{"no " + st.Name, func(c *vendors.Config) {
				delete(c.Settings, st.Name)
				if st.BaseURL {
					c.BaseURL = ""
				}
			}, auditclient.ErrBadConfig})
		}
	}
	before := sent(s.d)
	for _, c := range cases {
		cfg := s.config(s.d)
		cfg.Settings = maps.Clone(cfg.Settings)
		c.change(&cfg)
		src, err := s.v.Start(context.Background(), cfg)
		if err == nil {
			n := src.Events.Next()
			t.Errorf("%s: Start accepted %s; the walk yielded an event: %v, error %v", c.name, describe(cfg), n, src.Events.Err())
			src.Events.Close()
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v (%T), want an error matching %v", c.name, err, err, c.want)
		}
	}
	if after := sent(s.d); after != before {
		t.Errorf("%d requests sent with bad options", after-before)
	}
}
