package walktest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
)

// recorder is a testing.TB that records failures instead of reporting
// them, so that the helpers can be shown to fail.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errs    []string
	fatal   bool
	skipped bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = true
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) { r.Skipf("") }
func (r *recorder) failed() bool     { return len(r.errs) > 0 }

// run calls f with a recorder, in a goroutine of its own so that Fatal can
// end it.
func run(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// event returns a valid event whose raw_data is raw.
func event(i int, raw string) ocsf.Event {
	e := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC))
	e.Status = ocsf.StatusSuccess
	e.Metadata.UID = fmt.Sprint("evt-", i)
	e.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	e.User = &ocsf.User{UID: "u-42", Name: "bob"}
	e.Service = &ocsf.Service{Name: "Console"}
	e.RawData = raw
	return e
}

func events(n int) []ocsf.Event {
	var out []ocsf.Event
	for i := range n {
		out = append(out, event(i, fmt.Sprintf(`{ "n" : %d }`, i)))
	}
	return out
}

// fakeIter walks evs from a checkpoint's position, honouring ctx (unless
// deaf) and refusing a checkpoint of another query (unless lax).
type fakeIter struct {
	ctx      context.Context
	evs      []ocsf.Event
	i        int
	query    string
	err      error
	requests *int
}

func (f *fakeIter) Next() bool {
	if f.err != nil || f.i >= len(f.evs) {
		return false
	}
	if f.ctx != nil && f.ctx.Err() != nil {
		f.err = f.ctx.Err()
		return false
	}
	if f.requests != nil {
		*f.requests++
	}
	f.i++
	return true
}
func (f *fakeIter) Event() ocsf.Event { return f.evs[f.i-1] }
func (f *fakeIter) Err() error        { return f.err }
func (f *fakeIter) Checkpoint() *auditclient.Checkpoint {
	return &auditclient.Checkpoint{Vendor: "fake", Query: f.query, Position: &auditclient.Position{Skip: f.i}}
}
func (f *fakeIter) Close() error { return nil }
func (f *fakeIter) All() iter.Seq2[ocsf.Event, error] {
	return func(yield func(ocsf.Event, error) bool) {
		for f.Next() {
			if !yield(f.Event(), nil) {
				return
			}
		}
		if f.err != nil {
			yield(ocsf.Event{}, f.err)
		}
	}
}

func TestFmtAll(t *testing.T) {
	type secret struct{ Key string }
	if s := FmtAll(secret{"k3y"}); strings.Count(s, "k3y") != 4 || !strings.Contains(s, "Key:k3y") {
		t.Errorf("FmtAll = %s", s)
	}
}

func TestFaultMixAndFastOptions(t *testing.T) {
	f := FaultMix(9)
	if f.Seed != 9 || f.RateLimit != 0.20 || f.Unavailable != 0.10 || f.Reset != 0.05 || f.Truncate != 0.05 || len(f.Script) != 6 {
		t.Errorf("FaultMix = %+v", f)
	}
	seen := map[audittest.Fault]bool{}
	for _, k := range f.Script {
		seen[k] = true
	}
	if len(seen) != 6 || seen[audittest.FaultNone] || !seen[audittest.FaultCutJSON] || !seen[audittest.FaultCutJSONChunked] {
		t.Errorf("script %v: want one of each fault kind", f.Script)
	}
	extra := auditclient.WithUserAgent("x")
	if n := len(FastOptions("")); n != 1 { // the retry policy
		t.Errorf("FastOptions without URL: %d options", n)
	}
	if opts := FastOptions("http://127.0.0.1:1", extra); len(opts) != 3 { // base URL, retry policy, extra
		t.Errorf("FastOptions with URL and one more: %d options", len(opts))
	}
}

func TestCompactAndCollect(t *testing.T) {
	if got := CompactAll(t, nil); len(got) != 0 {
		t.Errorf("CompactAll(nil) = %q", got)
	}
	got := Collect(t, &fakeIter{evs: events(5)}, -1)
	if strings.Join(got, "|") != `{"n":0}|{"n":1}|{"n":2}|{"n":3}|{"n":4}` {
		t.Errorf("Collect = %q", got)
	}
	if got := Collect(t, &fakeIter{evs: events(5)}, 2); len(got) != 2 {
		t.Errorf("Collect(2) = %q", got)
	}
	keyed := CollectFunc(t, &fakeIter{evs: events(2)}, -1, func(ev ocsf.Event) string { return ev.Metadata.UID })
	if strings.Join(keyed, ",") != "evt-0,evt-1" {
		t.Errorf("CollectFunc = %q", keyed)
	}

	// Bad JSON and an invalid event fail.
	if r := run(t, func(tb testing.TB) { Compact(tb, []byte(`{"a":`)) }); !r.fatal {
		t.Error("Compact of bad JSON did not fail")
	}
	bad := events(3)
	bad[1].Metadata.Product = ocsf.Product{}
	bad[1].User = nil
	if r := run(t, func(tb testing.TB) { Collect(tb, &fakeIter{evs: bad}, -1) }); !r.fatal || !strings.Contains(r.errs[0], "event 1 does not validate") {
		t.Errorf("Collect of an invalid event: %q", r.errs)
	}
}

func TestTallyAndDiff(t *testing.T) {
	tests := []struct {
		got, want   []string
		extra, lost int
	}{
		{nil, nil, 0, 0},
		{[]string{"a", "b", "a"}, []string{"a", "a", "b"}, 0, 0},
		{[]string{"a", "a", "a"}, []string{"a", "b"}, 2, 1},
		{[]string{"c"}, []string{"a", "a"}, 1, 2},
	}
	for _, tt := range tests {
		if extra, lost := Tally(tt.got, tt.want); extra != tt.extra || lost != tt.lost {
			t.Errorf("Tally(%q, %q) = %d, %d; want %d, %d", tt.got, tt.want, extra, lost, tt.extra, tt.lost)
		}
	}
	Diff(t, []string{"a", "b"}, []string{"a", "b"})
	if r := run(t, func(tb testing.TB) { Diff(tb, []string{"a"}, []string{"a", "b"}) }); !r.failed() || r.fatal {
		t.Errorf("Diff of a shorter walk: %q, fatal %v", r.errs, r.fatal)
	}
	if r := run(t, func(tb testing.TB) { Diff(tb, []string{"b", "a"}, []string{"a", "b"}) }); !r.fatal || !strings.Contains(r.errs[0], "event 0 = b") {
		t.Errorf("Diff out of order: %q", r.errs)
	}
}

func TestWaitGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	stop := make(chan struct{})
	go func() { <-stop }()
	r := run(t, func(tb testing.TB) { WaitGoroutines(tb, before) })
	close(stop)
	if !r.failed() || !strings.Contains(r.errs[0], "goroutines:") {
		t.Errorf("a leaked goroutine went unnoticed: %q", r.errs)
	}
	WaitGoroutines(t, before)
}

func TestDebugLoggerAndNoSecrets(t *testing.T) {
	logger, logs := DebugLogger()
	logger.Debug("attempt", "n", 1)
	if !strings.Contains(logs.String(), `"msg":"attempt"`) {
		t.Errorf("debug record not written: %s", logs)
	}
	NoSecrets(t, []string{"s3cret"}, map[string]string{"logs": logs.String()})
	r := run(t, func(tb testing.TB) {
		NoSecrets(tb, []string{"s3cret", ""}, map[string]string{"logs": "x s3cret", "error": "clean"})
	})
	if len(r.errs) != 2 || !strings.Contains(strings.Join(r.errs, "\n"), "logs holds the credential") {
		t.Errorf("NoSecrets: %q", r.errs)
	}
}

func TestValidator(t *testing.T) {
	v := NeedValidator(t)
	ndjson := NDJSON(t, &fakeIter{evs: events(3)}, nil)
	if n := strings.Count(string(ndjson), "\n"); n != 3 {
		t.Fatalf("NDJSON holds %d lines", n)
	}
	if last := v.Check(t, ndjson, 3); last != "3 passed, 0 failed" {
		t.Errorf("summary %q", last)
	}
	broken := append(ndjson, []byte(`{"class_uid":3002}`+"\n")...)
	if r := run(t, func(tb testing.TB) { v.Check(tb, broken, 4) }); !r.failed() {
		t.Error("an invalid event passed")
	}
	if r := run(t, func(tb testing.TB) { v.Check(tb, ndjson, 4) }); !r.failed() {
		t.Error("a count short of the events passed")
	}
}

func TestNDJSON(t *testing.T) {
	var n int
	out := NDJSON(t, &fakeIter{evs: events(4)}, func(ocsf.Event) { n++ })
	if n != 4 || strings.Count(string(out), "\n") != 4 || !strings.Contains(string(out), `"class_uid":3002`) {
		t.Errorf("%d events, NDJSON %s", n, out)
	}
	if r := run(t, func(tb testing.TB) { NDJSON(tb, &fakeIter{evs: events(2), err: errors.New("boom")}, nil) }); !r.fatal {
		t.Error("a walk error did not fail")
	}
}

func TestCheckpointRefused(t *testing.T) {
	evs := events(10)
	walk := func(strict bool, requests *int) func(string, *auditclient.Checkpoint) auditclient.Iterator {
		return func(q string, cp *auditclient.Checkpoint) auditclient.Iterator {
			it := &fakeIter{evs: evs, query: q, requests: requests}
			if cp != nil {
				if strict && (cp.Vendor != "fake" || cp.Query != q) {
					it.err = fmt.Errorf("%w: other", auditclient.ErrCheckpointMismatch)
				}
				it.i = cp.Position.Skip
			}
			return it
		}
	}
	var requests int
	count := func() int { return requests }
	others := map[string]string{"other filter": "b", "another": "c"}
	cp := CheckpointRefused(t, walk(true, &requests), "a", others, count)
	if cp == nil || cp.Query != "a" || cp.Position.Skip != 1 {
		t.Errorf("checkpoint %+v", cp)
	}
	// A walk that accepts any checkpoint fails, once per query and once
	// for the vendor, and for the requests it sent.
	r := run(t, func(tb testing.TB) { CheckpointRefused(tb, walk(false, &requests), "a", others, count) })
	if len(r.errs) != 4 || !strings.Contains(strings.Join(r.errs, "\n"), "requests sent with a refused checkpoint") {
		t.Errorf("lax walk: %q", r.errs)
	}
}

func TestCancelMidWalk(t *testing.T) {
	evs := events(300)
	CancelMidWalk(t, func(ctx context.Context) auditclient.Iterator { return &fakeIter{ctx: ctx, evs: evs} }, 150, func() {})
	// A walk deaf to its context fails.
	r := run(t, func(tb testing.TB) {
		CancelMidWalk(tb, func(context.Context) auditclient.Iterator { return &fakeIter{evs: evs} }, 150, func() {})
	})
	if len(r.errs) != 2 || !strings.Contains(r.errs[1], "150 events after cancel at 150") {
		t.Errorf("deaf walk: %q", r.errs)
	}
	// A walk that leaves goroutines behind fails. It leaves ten, so that
	// goroutines of earlier cases still winding down (such as the
	// goroutine run started) cannot make up for them.
	stop := make(chan struct{})
	r = run(t, func(tb testing.TB) {
		CancelMidWalk(tb, func(ctx context.Context) auditclient.Iterator {
			for range 10 {
				go func() { <-stop }()
			}
			return &fakeIter{ctx: ctx, evs: evs}
		}, 150, func() {})
	})
	close(stop)
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "goroutines:") {
		t.Errorf("leaky walk: %q", r.errs)
	}
}

func TestBenchListAndEvents(t *testing.T) {
	seq := func(n int, err error) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			for i := range n {
				if !yield(i, nil) {
					return
				}
			}
			if err != nil {
				yield(0, err)
			}
		}
	}
	bench := func(f func(b *testing.B)) testing.BenchmarkResult { return testing.Benchmark(f) }
	walks := 0
	if r := bench(func(b *testing.B) { BenchList(b, 5, func() iter.Seq2[int, error] { walks++; return seq(5, nil) }) }); r.N == 0 || walks == 0 {
		t.Errorf("BenchList of a good walk: N=%d, %d walks", r.N, walks)
	}
	// A benchmark that fails reports N == 0.
	for name, f := range map[string]func(b *testing.B){
		"short list": func(b *testing.B) { BenchList(b, 6, func() iter.Seq2[int, error] { return seq(5, nil) }) },
		"failing list": func(b *testing.B) {
			BenchList(b, 5, func() iter.Seq2[int, error] { return seq(5, errors.New("boom")) })
		},
		"short walk": func(b *testing.B) {
			BenchEvents(b, 6, func() auditclient.Iterator { return &fakeIter{evs: events(5)} })
		},
		"failing walk": func(b *testing.B) {
			BenchEvents(b, 5, func() auditclient.Iterator { return &fakeIter{evs: events(5), err: errors.New("boom")} })
		},
	} {
		if r := bench(f); r.N != 0 {
			t.Errorf("%s: the benchmark did not fail (N=%d)", name, r.N)
		}
	}
	if r := bench(func(b *testing.B) {
		BenchEvents(b, 5, func() auditclient.Iterator { return &fakeIter{evs: events(5)} })
	}); r.N == 0 {
		t.Error("BenchEvents of a good walk failed")
	}
}

// resumeIter is a fakeIter whose checkpoint survives JSON and is complete
// once the walk has ended; unless incomplete, which never completes.
type resumeIter struct {
	*fakeIter
	ended, incomplete bool
}

func (r *resumeIter) Next() bool {
	ok := r.fakeIter.Next()
	r.ended = !ok && r.err == nil
	return ok
}

func (r *resumeIter) Checkpoint() *auditclient.Checkpoint {
	cp := &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: "fake", Query: r.query, Position: &auditclient.Position{Skip: r.i}}
	if r.ended && !r.incomplete {
		cp.Position = nil
	}
	return cp
}

// resumeWalk makes walks of evs that resume skew events past a
// checkpoint's position and stop short of the last ones, under query,
// failing with firstErr (the walk from the start) or restErr (a resumed
// walk).
type resumeWalk struct {
	skew, short       int
	query             string
	incomplete        bool
	firstErr, restErr error
}

func (w resumeWalk) events(evs []ocsf.Event) func(*auditclient.Checkpoint) auditclient.Iterator {
	return func(cp *auditclient.Checkpoint) auditclient.Iterator {
		it := &resumeIter{fakeIter: &fakeIter{evs: evs, query: w.query, err: w.firstErr}, incomplete: w.incomplete}
		if cp != nil {
			it.err = w.restErr
			it.evs = evs[:len(evs)-w.short]
			if cp.Position != nil {
				it.i = max(cp.Position.Skip+w.skew, 0)
			}
		}
		return it
	}
}

func TestResumeAt(t *testing.T) {
	evs := events(10)
	want := Collect(t, &fakeIter{evs: evs}, -1)
	for _, at := range []int{0, 3, 10} {
		cp, fig := ResumeAt(t, resumeWalk{query: "q"}.events(evs), at, want, []string{"k3y"}, Collect)
		if cp == nil || cp.Position == nil || cp.Position.Skip != at || cp.Query != "q" {
			t.Errorf("resume at %d: checkpoint %+v", at, cp)
		}
		if s := fmt.Sprintf("first=%d rest=%d total=10 want=10", at, 10-at); fig.String() != s || fig.Total() != 10 ||
			!strings.Contains(fig.Checkpoint, fmt.Sprintf(`"skip":%d`, at)) {
			t.Errorf("resume at %d: figures %v (want %s), checkpoint %s", at, fig, s, fig.Checkpoint)
		}
	}

	boom := errors.New("boom")
	tests := []struct {
		name  string
		walk  resumeWalk
		want  string // in the first failure
		errs  int
		fatal bool
	}{
		{"loses an event", resumeWalk{skew: 1}, "3 + 6 events, want 10; they part at event 3: {\"n\":4}\nwant {\"n\":3}", 1, false},
		{"repeats an event", resumeWalk{skew: -1}, "3 + 8 events, want 10; they part at event 3: {\"n\":2}", 1, false},
		{"ends early", resumeWalk{short: 2}, "3 + 5 events, want 10; they part at event 8: (none)\nwant {\"n\":8}", 1, false},
		{"secret in the checkpoint", resumeWalk{query: "the k3y"}, `checkpoint holds the credential "k3y"`, 1, false},
		{"never complete", resumeWalk{incomplete: true}, "checkpoint after the end is not complete", 1, false},
		{"first walk fails", resumeWalk{firstErr: boom}, "the first walk failed: boom", 1, true},
		{"resumed walk fails", resumeWalk{restErr: boom}, "the resumed walk failed: boom", 1, true},
	}
	for _, tt := range tests {
		r := run(t, func(tb testing.TB) { ResumeAt(tb, tt.walk.events(evs), 3, want, []string{"k3y"}, Collect) })
		if len(r.errs) != tt.errs || r.fatal != tt.fatal || !strings.Contains(r.errs[0], tt.want) {
			t.Errorf("%s: fatal %v, failures %q; want %d with %q", tt.name, r.fatal, r.errs, tt.errs, tt.want)
		}
	}

	// A mismatch does not end the test: a loop over positions hears of
	// each one that fails.
	r := run(t, func(tb testing.TB) {
		for _, at := range []int{2, 5} {
			ResumeAt(tb, resumeWalk{skew: 1}.events(evs), at, want, nil, Collect)
		}
	})
	if len(r.errs) != 2 || !strings.Contains(r.errs[1], "resume at 5:") {
		t.Errorf("two bad positions: %q", r.errs)
	}
}
