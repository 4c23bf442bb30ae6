package securitylake

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/auditkit/auditkit/collector"
)

// memStore is a collector.Store in memory, with its compare-and-swap.
type memStore struct {
	mu sync.Mutex
	m  map[string]collector.State
}

func (s *memStore) Load(_ context.Context, source string) (collector.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[source], nil
}

func (s *memStore) Save(_ context.Context, source string, st collector.State) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[source].Version != st.Version {
		return 0, collector.ErrConflict
	}
	st.Version++
	s.m[source] = st
	return st.Version, nil
}

// killFigures are the figures of a kill-and-restart run.
type killFigures struct {
	events, kills, lost, repeated int
}

// killAndRestart delivers every vendor's demo events, one source per
// vendor, as the collector would (Recover at start, Write, then Save the
// position with the checkpoint), killing the process at random points:
// before a write, in the middle of one (after some of its files), after
// a write but before its checkpoint is saved. Each restart makes a new
// Output over the same lake and Store, and batches differently. It
// returns the figures, counted in the lake read back.
func killAndRestart(t *testing.T, seed uint64, open func() *Output, read func() map[string]lakeFile) killFigures {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed))
	all := map[string][]collector.Record{}
	for v, recs := range demo(t) {
		all[v] = recs[:killEvents]
	}
	states := &memStore{m: map[string]collector.State{}}
	var fig killFigures
	for _, recs := range all {
		fig.events += len(recs)
	}
	done := func() bool {
		for v, recs := range all {
			st, _ := states.Load(ctx, "src-"+v)
			if st.Events < int64(len(recs)) {
				return false
			}
		}
		return true
	}
	for run := 0; !done(); run++ {
		if run > 1000 {
			t.Fatal("no progress after 1000 runs")
		}
		o := open()
		killed := false
		for _, v := range sortedKeys(all) {
			if killed {
				break
			}
			source := "src-" + v
			recs := all[v]
			st, err := states.Load(ctx, source)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.Recover(ctx, source, st.Output); err != nil {
				t.Fatal(err)
			}
			for st.Events < int64(len(recs)) {
				n := 1 + rng.IntN(killEvents/2+1)
				end := min(int(st.Events)+n, len(recs))
				b := collector.Batch{Source: source, Vendor: v, Records: recs[st.Events:end], Seq: st.Seq + 1}
				switch rng.IntN(6) {
				case 0: // killed before the write
					killed = true
				case 1: // killed in the middle of the write
					o.store = &failingStore{store: o.store, n: rng.IntN(3)}
					if _, err := o.Write(ctx, b); err == nil {
						// The batch had fewer files: killed after it.
					}
					killed = true
				case 2: // killed after the write, before the checkpoint
					if _, err := o.Write(ctx, b); err != nil {
						t.Fatal(err)
					}
					killed = true
				}
				if killed {
					fig.kills++
					break
				}
				pos, err := o.Write(ctx, b)
				if err != nil {
					t.Fatal(err)
				}
				st.Output, st.Seq, st.Events = pos, b.Seq, int64(end)
				if st.Version, err = states.Save(ctx, source, st); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	counts := map[string]int{}
	for _, f := range read() {
		for _, row := range f.rows {
			counts[identity(row)]++
		}
	}
	for _, recs := range all {
		for _, r := range recs {
			id := recIdentity(r)
			if counts[id] == 0 {
				fig.lost++
			} else {
				counts[id]--
			}
		}
	}
	for _, c := range counts {
		fig.repeated += c
	}
	return fig
}

func TestKillAndRestartLocal(t *testing.T) {
	dir := t.TempDir()
	fig := killAndRestart(t, 1,
		func() *Output { return newLocal(t, dir) },
		func() map[string]lakeFile { return readLocalRows(t, dir, false) })
	t.Logf("local: events %d, kills %d, lost %d, repeated %d", fig.events, fig.kills, fig.lost, fig.repeated)
	if fig.kills < 10 || fig.lost != 0 || fig.repeated != 0 {
		t.Errorf("events %d, kills %d, lost %d, repeated %d: want at least 10 kills, nothing lost or repeated", fig.events, fig.kills, fig.lost, fig.repeated)
	}
}

func TestKillAndRestartS3(t *testing.T) {
	url, client := startS3(t, "lake")
	fig := killAndRestart(t, 2,
		func() *Output {
			o, err := New(context.Background(), Config{Path: "s3://lake/sl", Region: "eu-west-1", AccountID: "123456789012", S3: client})
			if err != nil {
				t.Fatal(err)
			}
			return o
		},
		func() map[string]lakeFile { return readS3Rows(t, client, "lake", "sl/", false) })
	_ = url
	t.Logf("s3: events %d, kills %d, lost %d, repeated %d", fig.events, fig.kills, fig.lost, fig.repeated)
	if fig.kills < 10 || fig.lost != 0 || fig.repeated != 0 {
		t.Errorf("events %d, kills %d, lost %d, repeated %d: want at least 10 kills, nothing lost or repeated", fig.events, fig.kills, fig.lost, fig.repeated)
	}
}
