package collector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/auditkit/auditkit/collector"
)

// countingOutput is a program's own Output: it counts the events of each
// source. (It cannot take back what it counted, so it delivers at least
// once; the file output cuts its files back in Recover.)
type countingOutput struct {
	mu sync.Mutex
	n  map[string]int
	// full, if set, is called when a source reached 3000 events.
	full func()
}

func (o *countingOutput) Recover(ctx context.Context, source string, pos collector.Position) error {
	return nil
}

func (o *countingOutput) Write(ctx context.Context, b collector.Batch) (collector.Position, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[b.Source] += len(b.Records)
	if o.full != nil && o.n[b.Source] >= 3000 {
		o.full()
	}
	return json.Marshal(o.n[b.Source])
}

func (o *countingOutput) Close() error { return nil }

// A Go program embeds the collector with an output of its own: here one
// cycle of a source reading Cisco's built-in fake.
func ExampleRunOnce() {
	dir, err := os.MkdirTemp("", "collect-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	store, err := collector.NewDirStore(dir)
	if err != nil {
		panic(err)
	}
	out := &countingOutput{n: map[string]int{}}
	cfg := &collector.Config{
		Sources: []collector.SourceConfig{{
			Name: "demo-cisco", Vendor: "cisco", Demo: true,
			Timing: collector.Timing{Start: collector.Duration(30 * 24 * time.Hour), Lag: collector.Duration(5 * time.Second)},
		}},
		Output: out,
		Store:  store,
	}
	if err := collector.RunOnce(context.Background(), cfg); err != nil {
		fmt.Println(err)
		return
	}
	st, _ := store.Load(context.Background(), "demo-cisco")
	fmt.Println(out.n["demo-cisco"], "events; checkpoint saved:", st.Events, "events")
	// Output: 3000 events; checkpoint saved: 3000 events
}

// Run collects until its context is cancelled, each source on its
// interval; then the batch in hand is delivered and committed.
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "collect-example")
	defer os.RemoveAll(dir)
	store, _ := collector.NewDirStore(dir)
	out := &countingOutput{n: map[string]int{}}
	cfg := &collector.Config{
		Sources: []collector.SourceConfig{
			{Name: "demo-instavm", Vendor: "instavm", Demo: true, Timing: collector.Timing{Interval: collector.Duration(time.Second), Start: collector.Duration(30 * 24 * time.Hour), Lag: collector.Duration(2 * time.Second)}},
		},
		Output: out,
		Store:  store,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out.full = cancel // stop once the data set is in: the batch in hand is committed
	if err := collector.Run(ctx, cfg); err != nil {
		fmt.Println(err)
		return
	}
	st, _ := store.Load(context.Background(), "demo-instavm")
	fmt.Println(st.Events, "events delivered and committed")
	// Output: 3000 events delivered and committed
}

// A config file's mistakes name their line.
func ExampleParseConfig() {
	_, err := collector.ParseConfig("collect.yaml", []byte(`state: ./state
sources:
  - name: acme-cisco
    vendor: cisco
    credentials: {client_id: env:ACME_CISCO_ID, api_key: file:/run/secrets/acme-cisco}
    intervall: 5m
output: {stdout: true}
`))
	fmt.Println(err)
	// Output: collect.yaml:6: unknown key "intervall"
}
