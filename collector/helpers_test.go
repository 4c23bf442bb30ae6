package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/auditkit/auditkit/internal/collecttest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// memOutput is an Output in memory: a list of records per source, cut
// back to the position on Recover, as the file output cuts its file.
type memOutput struct {
	mu       sync.Mutex
	recs     map[string][]Record
	writes   map[string]int
	recovers map[string]int
	// fail, if set, fails the Write of a batch (after it "wrote" half).
	fail func(b Batch) error
	// block, if set, is waited on in Write.
	block  chan struct{}
	closed bool
}

func newMemOutput() *memOutput {
	return &memOutput{recs: map[string][]Record{}, writes: map[string]int{}, recovers: map[string]int{}}
}

type memPos struct {
	N int `json:"n"`
}

func (o *memOutput) Recover(ctx context.Context, source string, pos Position) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recovers[source]++
	n := 0
	if len(pos) > 0 {
		var p memPos
		if err := json.Unmarshal(pos, &p); err != nil {
			return err
		}
		n = p.N
	}
	if n > len(o.recs[source]) {
		return fmt.Errorf("memOutput: position %d past the %d records", n, len(o.recs[source]))
	}
	o.recs[source] = o.recs[source][:n]
	return nil
}

func (o *memOutput) Write(ctx context.Context, b Batch) (Position, error) {
	if o.block != nil {
		select {
		case <-o.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, errors.New("memOutput: closed")
	}
	if len(b.Records) == 0 {
		return nil, errors.New("memOutput: empty batch")
	}
	if o.fail != nil {
		if err := o.fail(b); err != nil {
			o.recs[b.Source] = append(o.recs[b.Source], b.Records[:len(b.Records)/2]...)
			return nil, err
		}
	}
	o.recs[b.Source] = append(o.recs[b.Source], b.Records...)
	o.writes[b.Source]++
	return json.Marshal(memPos{N: len(o.recs[b.Source])})
}

func (o *memOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	return nil
}

func (o *memOutput) records(source string) []Record {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.recs[source])
}

// memStore is a Store in memory with compare-and-swap.
type memStore struct {
	mu     sync.Mutex
	states map[string]State
	saves  int
}

func newMemStore() *memStore { return &memStore{states: map[string]State{}} }

func (s *memStore) Load(ctx context.Context, source string) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[source], nil
}

func (s *memStore) Save(ctx context.Context, source string, st State) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.states[source].Version != st.Version {
		return 0, fmt.Errorf("memStore: %s: version %d, stored %d: %w", source, st.Version, s.states[source].Version, ErrConflict)
	}
	st.Version++
	s.states[source] = st
	s.saves++
	return st.Version, nil
}

func (s *memStore) state(source string) State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[source]
}

// writeConfig writes a config file into a new directory and loads it.
func writeConfig(t testing.TB, text string) (*Config, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "collect.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("LoadConfig: %v\n%s", err, text)
	}
	return cfg, dir
}

// recordUIDs counts records by metadata.uid.
func recordUIDs(recs []Record) map[string]int {
	m := map[string]int{}
	for _, r := range recs {
		m[r.UID]++
	}
	return m
}

// exactlyOnce checks that recs hold the events of want, each as many
// times as the reference walk read it.
func exactlyOnce(t testing.TB, source string, recs []Record, want map[string]int) {
	t.Helper()
	got := recordUIDs(recs)
	lost, repeated := 0, 0
	for uid, n := range want {
		if got[uid] < n {
			lost += n - got[uid]
		}
	}
	for uid, n := range got {
		if uid == "" {
			t.Errorf("%s: %d records without a uid", source, n)
		}
		if n > want[uid] {
			repeated += n - want[uid]
		}
	}
	if lost > 0 || repeated > 0 {
		t.Errorf("%s: %d records of %d; %d lost, %d repeated", source, len(recs), collecttest.Sum(want), lost, repeated)
	}
}
