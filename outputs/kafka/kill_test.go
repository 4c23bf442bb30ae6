package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// killSource is one source of the kill-and-restart test: a vendor's demo
// fake and the state a collector would keep for it.
type killSource struct {
	name, vendor string
	demo         *audittest.Demo
	added        int
	since        time.Time
	// acked holds the uids of every record a Write acknowledged: a lost
	// event in it is the output's fault, one not in it the walk's.
	acked map[string]bool

	// The committed state, as a collector.Store holds it.
	checkpoint json.RawMessage
	pos        collector.Position
	seq        int64
}

// killStats counts what the kills interrupted.
type killStats struct {
	runs, killedRuns                     int
	midWrite, ackedNotCommitted, midWalk atomic.Int64
	batches, recovers                    atomic.Int64
}

// TestKillAndRestart collects the six vendors' demo fakes (with events
// added between runs) into Kafka through a small collector loop of the
// collector's contract (Recover, Write, commit the checkpoint with the
// Position), killed at random moments: the run's context is cancelled
// mid-walk or mid-Write, and a source whose Write was acknowledged just
// before the kill commits or not at random (a crash between the broker's
// acknowledgement and the checkpoint's save). Each run starts a new Output
// from the committed state. At the end every event is in Kafka at least
// once and, keyed by {source}/{uid}, exactly once.
//
// AUDITKIT_KAFKA_KILL_RUNS sets the number of killed runs (default 12),
// AUDITKIT_KAFKA_KILL_SEED the seed (default: the time).
func TestKillAndRestart(t *testing.T) {
	runs := envInt(t, "AUDITKIT_KAFKA_KILL_RUNS", 12)
	seed := uint64(envInt(t, "AUDITKIT_KAFKA_KILL_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("seed %d (AUDITKIT_KAFKA_KILL_SEED), %d killed runs", seed, runs)
	rng := rand.New(rand.NewPCG(seed, 1))

	now := time.Now()
	var sources []*killSource
	var topics []string
	for i, v := range vendors.Names() {
		d, err := audittest.StartDemo(v, audittest.DemoConfig{Now: now, Events: 100, Seed: int64(i + 1)})
		if err != nil {
			t.Fatalf("demo %s: %v", v, err)
		}
		t.Cleanup(d.Close)
		s := &killSource{name: "k-" + v, vendor: v, demo: d, since: now.Add(-7 * 24 * time.Hour), acked: map[string]bool{}}
		sources = append(sources, s)
		topics = append(topics, "auditkit."+s.name)
	}
	c := startCluster(t, topics...)
	// Produce requests take 0-3ms, so that kills land mid-Write too.
	var slowMu sync.Mutex
	slow := rand.New(rand.NewPCG(seed, 2))
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		slowMu.Lock()
		d := time.Duration(slow.IntN(3000)) * time.Microsecond
		slowMu.Unlock()
		time.Sleep(d)
		return nil, nil, false
	})

	var st killStats
	for run := 0; run < runs; run++ {
		// Three kinds of kill, in turn: at a random moment; a moment
		// after the n-th Write started; right after the n-th Write was
		// acknowledged, before its commit.
		k := &kill{at: -1}
		switch run % 3 {
		case 0:
			k.at = time.Duration(rng.IntN(300_000)) * time.Microsecond
		case 1:
			k.atWrite, k.after = 1+rng.Int64N(6), time.Duration(rng.IntN(3000))*time.Microsecond
		default:
			k.atAck = 1 + rng.Int64N(4)
		}
		if collectRun(t, c, sources, k, rng.Uint64(), &st) {
			st.killedRuns++
		}
		st.runs++
		if run%4 == 3 {
			// Events arrive between cycles: a run that is not killed
			// completes every walk, then each fake gets new events at a
			// whole second every walk started from now on reads. (Events
			// arriving behind a walk in progress, in its pinned window,
			// are the collector's lag's concern, not the output's:
			// Tanium's fake sends newest first, and a paused walk would
			// not see them.)
			collectRun(t, c, sources, &kill{at: -1}, rng.Uint64(), &st)
			st.runs++
			at := time.Now().Add(-2 * time.Second).Truncate(time.Second)
			for _, s := range sources {
				s.added += s.demo.Add(5, at)
			}
		}
	}
	collectRun(t, c, sources, &kill{at: -1}, rng.Uint64(), &st) // the last run
	st.runs++

	// The events each source must have delivered: a fresh walk of each
	// fake, keyed as the output keys them.
	want := map[string]bool{}
	for _, s := range sources {
		n := 0
		it, err := openWalk(context.Background(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		for it.Next() {
			ev := it.Event()
			want[s.name+"/"+ev.Metadata.UID] = true
			n++
		}
		if err := it.Err(); err != nil {
			t.Fatalf("%s: reference walk: %v", s.name, err)
		}
		it.Close()
		if n != s.demo.Records+s.added {
			t.Fatalf("%s: reference walk read %d events, the fake holds %d", s.name, n, s.demo.Records+s.added)
		}
	}
	tl, lost := count(consumeAll(t, c, topics...), want)
	t.Logf("kill and restart: %d runs, %d killed (interrupted: %d mid-walk, %d mid-Write, %d acknowledged but not committed); %d batches acknowledged, %d recovers",
		st.runs, st.killedRuns, st.midWalk.Load(), st.midWrite.Load(), st.ackedNotCommitted.Load(), st.batches.Load(), st.recovers.Load())
	t.Logf("kill and restart: %v", tl)
	if tl.Lost != 0 || tl.Unexpected != 0 {
		for _, k := range lost {
			src, uid, _ := strings.Cut(k, "/")
			for _, s := range sources {
				if s.name == src {
					t.Errorf("lost %s: acknowledged by a Write: %v", k, s.acked[uid])
				}
			}
		}
		t.Fatalf("%v; lost %q", tl, lost)
	}
	if st.killedRuns == 0 || st.ackedNotCommitted.Load() == 0 || tl.Repeated == 0 {
		t.Fatalf("no kill fell between an acknowledgement and its commit, or nothing was repeated: the test did not exercise a restart (%d killed runs)", st.killedRuns)
	}
}

// kill is when a run is killed: after at (never when at < 0), after
// the atWrite-th Write of the run started, or right after the atAck-th
// Write of the run was acknowledged (0: neither).
type kill struct {
	at             time.Duration
	atWrite, atAck int64
	after          time.Duration

	cancel       context.CancelFunc
	writes, acks atomic.Int64
	mu           sync.Mutex
	timers       []*time.Timer
}

// writing is called as a Write starts.
func (k *kill) writing() {
	if k.writes.Add(1) == k.atWrite {
		k.mu.Lock()
		k.timers = append(k.timers, time.AfterFunc(k.after, k.cancel))
		k.mu.Unlock()
	}
}

// acked is called after a Write was acknowledged; it tells whether the
// process dies here, before the commit.
func (k *kill) acked() bool {
	if k.acks.Add(1) == k.atAck {
		k.cancel()
		return true
	}
	return false
}

// collectRun runs every source once with a new Output, concurrently, and
// kills the run as k says. It reports whether the kill interrupted
// anything.
func collectRun(t *testing.T, c interface{ ListenAddrs() []string }, sources []*killSource, k *kill, seed uint64, st *killStats) bool {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k.cancel = cancel
	if k.at >= 0 {
		k.timers = append(k.timers, time.AfterFunc(k.at, cancel))
	}
	defer func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, tm := range k.timers {
			tm.Stop()
		}
	}()
	o, err := New(context.Background(), Config{Brokers: c.ListenAddrs(), Topic: "auditkit.{source}",
		Options: []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return time.Millisecond })}})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close() // the "process" ends: whatever is in flight is dropped

	var wg sync.WaitGroup
	var interrupted atomic.Bool
	for i, s := range sources {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !collectSource(t, ctx, o, s, rng, k, st) {
				interrupted.Store(true)
			}
		}()
	}
	wg.Wait()
	return interrupted.Load()
}

// collectSource is one source's cycle of a collector: Recover, then the
// walk from the committed checkpoint in batches of random sizes, each
// committed after Write returned. It returns false when the run's kill
// interrupted it.
func collectSource(t *testing.T, ctx context.Context, o *Output, s *killSource, rng *rand.Rand, k *kill, st *killStats) bool {
	if err := o.Recover(ctx, s.name, s.pos); err != nil {
		t.Errorf("%s: Recover: %v", s.name, err)
		return true
	}
	st.recovers.Add(1)
	var cp *auditclient.Checkpoint
	if s.checkpoint != nil {
		cp = new(auditclient.Checkpoint)
		if err := json.Unmarshal(s.checkpoint, cp); err != nil {
			t.Errorf("%s: checkpoint: %v", s.name, err)
			return true
		}
	}
	it, err := openWalk(ctx, s, cp)
	if err != nil {
		t.Error(err)
		return true
	}
	defer it.Close()
	var recs []collector.Record
	size := 1 + rng.IntN(30)
	// flush writes recs and commits; false when killed.
	flush := func() bool {
		if len(recs) > 0 {
			b := collector.Batch{Source: s.name, Vendor: s.vendor, Records: recs, Seq: s.seq + 1}
			k.writing()
			pos, err := o.Write(ctx, b)
			if err != nil {
				if ctx.Err() == nil {
					t.Errorf("%s: Write: %v", s.name, err)
				}
				st.midWrite.Add(1)
				return false
			}
			st.batches.Add(1)
			for _, r := range recs {
				s.acked[r.UID] = true
			}
			if k.acked() || ctx.Err() != nil && rng.IntN(2) == 0 {
				st.ackedNotCommitted.Add(1)
				return false
			}
			s.pos, s.seq = pos, b.Seq
		}
		js, err := json.Marshal(it.Checkpoint())
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			return false
		}
		s.checkpoint = js
		recs = recs[:0]
		return true
	}
	for it.Next() {
		ev := it.Event()
		rec, err := collector.NewRecord(ev)
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			return true
		}
		recs = append(recs, rec)
		if len(recs) == size {
			if !flush() {
				return false
			}
			size = 1 + rng.IntN(30)
		}
	}
	if err := it.Err(); err != nil {
		if ctx.Err() == nil {
			t.Errorf("%s: walk: %v", s.name, err)
		}
		st.midWalk.Add(1)
		return false
	}
	return flush() // the last events and the walk's complete checkpoint
}

// openWalk opens s's walk of its fake from cp.
func openWalk(ctx context.Context, s *killSource, cp *auditclient.Checkpoint) (auditclient.Iterator, error) {
	src, err := vendors.Open(ctx, s.vendor, vendors.Config{
		Settings: s.demo.Settings,
		BaseURL:  s.demo.BaseURL,
		Since:    s.since,
		PageSize: 20,
		Resume:   cp,
		Options:  walktest.FastOptions(""),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: Open: %w", s.name, err)
	}
	return src.Events, nil
}

// envInt reads an integer from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}
