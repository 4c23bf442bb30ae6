package conformance

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// base is the real vendor the mutants wrap.
const base = "cisco"

// mutant is a vendor registered under a test name that breaks one promise
// of base's: its Open wraps base's, changing the walk's Config or its
// events. The suite run against it must fail the subtest that checks that
// promise. (The reference walk, which every subtest compares with, is the
// mutant's too: none of them breaks a plain walk, or the suite would stop
// before its subtests; "disorder" breaks only its order.)
type mutant struct {
	name  string // registered as "mutant" + name
	fails string // the subtest that must fail
	// open is the mutant's Open, given base's.
	open func(real func(context.Context, vendors.Config) (*vendors.Source, error), ctx context.Context, cfg vendors.Config) (*vendors.Source, error)
}

// leaked holds the goroutines the "leak" mutant leaves behind until
// TestMutation ends.
var leaked = make(chan struct{})

var mutants = []mutant{
	{"resume", "Resume", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// Resume arithmetic off by one: the first event after the
		// checkpoint's position is dropped.
		src, err := real(ctx, cfg)
		if err == nil && cfg.Resume != nil && cfg.Resume.Position != nil {
			src.Events = &wrapped{Iterator: src.Events, drop: 1}
		}
		return src, err
	}},
	{"boundary", "Resume", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// An incremental walk drops the first new record at the high-water
		// instant (taking it for one the last walk yielded).
		src, err := real(ctx, cfg)
		if cp := cfg.Resume; err == nil && cp != nil && cp.Complete() && !cp.HighWater.IsZero() {
			dropped := false
			src.Events = &wrapped{Iterator: src.Events, skip: func(ev ocsf.Event) bool {
				drop := !dropped && ev.Time.Equal(cp.HighWater)
				dropped = dropped || drop
				return drop
			}}
		}
		return src, err
	}},
	{"again", "Resume", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// An incremental walk yields its first record twice.
		src, err := real(ctx, cfg)
		if cp := cfg.Resume; err == nil && cp != nil && cp.Complete() {
			src.Events = &wrapped{Iterator: src.Events, repeat: func() bool { return true }}
		}
		return src, err
	}},
	{"since", "Window", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// The window filter lets in the hour before Since.
		if !cfg.Since.IsZero() {
			cfg.Since = cfg.Since.Add(-time.Hour)
		}
		return real(ctx, cfg)
	}},
	{"until", "Window", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// The window is closed, [Since, Until]: a record at Until is let in.
		if !cfg.Until.IsZero() {
			cfg.Until = cfg.Until.Add(time.Second)
		}
		src, err := real(ctx, cfg)
		if err == nil {
			src.Events = &wrapped{Iterator: src.Events, skip: func(ev ocsf.Event) bool { return ev.Time.After(cfg.Until.Add(-time.Second)) }}
		}
		return src, err
	}},
	{"retry", "Faults", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// A retried page repeats its first event.
		src, err := real(ctx, cfg)
		if err == nil {
			src.Events = &wrapped{Iterator: src.Events, repeat: func() bool { return src.Client.Stats().Retries > 0 }}
		}
		return src, err
	}},
	{"leak", "Cancel", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// A goroutine outlives the walk.
		go func() { <-leaked }()
		return real(ctx, cfg)
	}},
	{"refused", "Checkpoints", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// A checkpoint that does not fit is ignored: the walk starts over.
		src, err := real(ctx, cfg)
		if err == nil && cfg.Resume != nil {
			fresh := cfg
			fresh.Resume = nil
			src.Events = &wrapped{Iterator: src.Events, restart: func() auditclient.Iterator {
				s, err := real(ctx, fresh)
				if err != nil {
					return auditclient.Emptied(err)
				}
				return s.Events
			}}
		}
		return src, err
	}},
	{"secret", "Secrets", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// The credential shows in the events' messages.
		src, err := real(ctx, cfg)
		if err == nil {
			key := cfg.Setting("api_key")
			src.Events = &wrapped{Iterator: src.Events, change: func(ev *ocsf.Event) { ev.Message += " (key " + key + ")" }}
		}
		return src, err
	}},
	{"pagesize", "BadOptions", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// A bad page size is taken for the default.
		if cfg.PageSize < 0 || cfg.PageSize > 500 {
			cfg.PageSize = 0
		}
		return real(ctx, cfg)
	}},
	{"rawdata", "Walk", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// raw_data is not the record as the API sent it.
		src, err := real(ctx, cfg)
		if err == nil {
			src.Events = &wrapped{Iterator: src.Events, change: func(ev *ocsf.Event) { ev.RawData = `{"mutant":1,` + ev.RawData[1:] }}
		}
		return src, err
	}},
	{"disorder", "Walk", func(real opener, ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
		// Two events of different times swapped.
		src, err := real(ctx, cfg)
		if err == nil {
			src.Events = &wrapped{Iterator: src.Events, swapAt: 40}
		}
		return src, err
	}},
}

// opener is a vendor's Open.
type opener = func(context.Context, vendors.Config) (*vendors.Source, error)

var registerMutants sync.Once

// TestMutation proves the suite bites: each mutant of a real vendor fails
// the subtest that checks what it breaks. (Each vendor's TestConformance shows the suite
// passes for the real vendor.)
func TestMutation(t *testing.T) {
	real, ok := vendors.Lookup(base)
	if !ok {
		t.Fatalf("%s is not registered", base)
	}
	registerMutants.Do(func() {
		for _, m := range mutants {
			v := *real
			v.Name = "mutant" + m.name
			v.Open = func(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
				return m.open(real.Open, ctx, cfg)
			}
			vendors.Register(&v)
		}
	})
	t.Cleanup(func() {
		select {
		case <-leaked:
		default:
			close(leaked)
		}
	})
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			r := record(t, "mutant"+m.name, Demo(base), Only(m.fails), FaultSeeds(1))
			if !r.failed[r.name+"/suite/"+m.fails] {
				t.Errorf("the suite did not fail %s for the %s mutant; failures:%s", m.fails, m.name, r.summary())
			}
			t.Logf("%s mutant: %d failures, first: %s", m.name, len(r.errs), first(r.errs))
		})
	}
}

// first is errs[0], shortened, or "none".
func first(errs []string) string {
	if len(errs) == 0 {
		return "none"
	}
	e, _, _ := strings.Cut(errs[0], "\n")
	if len(e) > 200 {
		e = e[:200] + "…"
	}
	return e
}

// wrapped is an Iterator that changes the events of another.
type wrapped struct {
	auditclient.Iterator
	drop   int                   // events to drop at the start
	skip   func(ocsf.Event) bool // events to drop
	change func(*ocsf.Event)     // a change to each event
	repeat func() bool           // when true (once), the event is yielded again
	swapAt int                   // when > 0, the event at swapAt-1 comes after the next of another time
	// restart, when set, is the walk to go on with when the first Next
	// ends with a refused checkpoint.
	restart func() auditclient.Iterator

	n     int          // events yielded
	ev    ocsf.Event   // the current event
	held  *ocsf.Event  // an event held back by swapAt
	again bool         // the current event is to be repeated
	done  bool         // repeat happened
	pend  []ocsf.Event // events to yield before the inner ones
}

func (w *wrapped) Next() bool {
	if len(w.pend) > 0 {
		w.ev, w.pend = w.pend[0], w.pend[1:]
		w.n++
		return true
	}
	if w.again {
		w.again, w.done = false, true
		w.n++
		return true
	}
	if w.restart != nil && w.n == 0 && !w.Iterator.Next() {
		err := w.Iterator.Err()
		if errors.Is(err, auditclient.ErrCheckpointMismatch) || errors.Is(err, auditclient.ErrCheckpointInvalid) {
			w.Iterator.Close()
			w.Iterator = w.restart()
		}
		w.restart = nil
		return w.Next()
	}
	w.restart = nil
	for w.Iterator.Next() {
		ev := w.Iterator.Event()
		if w.drop > 0 {
			w.drop--
			continue
		}
		if w.skip != nil && w.skip(ev) {
			continue
		}
		if w.change != nil {
			w.change(&ev)
		}
		if w.swapAt > 0 && w.n == w.swapAt-1 && w.held == nil {
			w.held = &ev
			continue
		}
		if w.held != nil && !w.held.Time.Equal(ev.Time) {
			w.pend = append(w.pend, *w.held)
			w.held = nil
		}
		w.ev = ev
		if w.repeat != nil && !w.done && w.repeat() {
			w.again = true
		}
		w.n++
		return true
	}
	if w.held != nil {
		w.ev, w.held = *w.held, nil
		w.n++
		return true
	}
	return false
}

func (w *wrapped) Event() ocsf.Event { return w.ev }

func (w *wrapped) All() iter.Seq2[ocsf.Event, error] {
	return func(yield func(ocsf.Event, error) bool) {
		defer w.Close()
		for w.Next() {
			if !yield(w.Event(), nil) {
				return
			}
		}
		if err := w.Err(); err != nil {
			yield(ocsf.Event{}, err)
		}
	}
}
