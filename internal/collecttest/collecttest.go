// Package collecttest holds what the collector's tests and the CLI's
// collect tests share: the six vendors' fakes with the config entries and
// environment that reach them, the reference walk a delivery is checked
// against, and a buffer safe for concurrent writers.
package collecttest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all" // the six vendors
)

// Fakes are the six vendors' fakes, started by a test, with what a config
// file needs to reach them.
type Fakes struct {
	Demos map[string]*audittest.Demo // by vendor
	Env   map[string]string          // credentials, as env: references read them
}

// Start starts one fake per vendor holding events events, with faults
// (429s, 503s, resets, cut bodies) when faults is set. They stop when the
// test ends.
func Start(t testing.TB, events int, faults bool) *Fakes {
	t.Helper()
	f := &Fakes{Demos: map[string]*audittest.Demo{}, Env: map[string]string{}}
	for i, v := range audittest.DemoVendors() {
		dc := audittest.DemoConfig{Events: events, Now: time.Now().Add(-time.Minute)}
		if faults {
			dc.Faults = audittest.Faults{RateLimit: 0.02, Unavailable: 0.05, Reset: 0.03, Truncate: 0.03, RetryAfter: time.Millisecond, Seed: int64(i + 1)}
		}
		d, err := audittest.StartDemo(v, dc)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		f.Demos[v] = d
	}
	return f
}

// Source is the config file's entry of the fake of vendor, named name,
// followed by extra (more keys of the entry, indented by four spaces). Its
// credentials go through env: references whose values f.Env holds.
func (f *Fakes) Source(name, vendor, extra string) string {
	d := f.Demos[vendor]
	v, _ := vendors.Lookup(vendor)
	var settings, creds []string
	for _, k := range slices.Sorted(maps.Keys(d.Settings)) {
		s := v.Setting(k)
		if s == nil {
			continue
		}
		if s.Secret {
			env := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name + "_" + k))
			f.Env[env] = d.Settings[k]
			creds = append(creds, fmt.Sprintf("%s: env:%s", k, env))
			continue
		}
		settings = append(settings, fmt.Sprintf("%s: %q", k, d.Settings[k]))
	}
	return fmt.Sprintf(`  - name: %s
    vendor: %s
    base_url: %s
    settings: {%s}
    credentials: {%s}
    rate_limit: 100000
    retry: {max_attempts: 30, base_delay: 1ms, max_delay: 1500ms}
%s`, name, vendor, d.BaseURL, strings.Join(settings, ", "), strings.Join(creds, ", "), extra)
}

// Getenv looks up the credentials' environment (for collector.Config.Getenv).
func (f *Fakes) Getenv(k string) string { return f.Env[k] }

// Environ is the process's environment plus the credentials' (for a child
// process).
func (f *Fakes) Environ() []string {
	env := os.Environ()
	for k, v := range f.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// Expected walks the fake of vendor whole (the reference walk, by the
// vendors registry) and counts its events by metadata.uid: a data set may
// hold identical records, which share a uid.
func (f *Fakes) Expected(t testing.TB, vendor string) map[string]int {
	t.Helper()
	d := f.Demos[vendor]
	src, err := vendors.Open(context.Background(), vendor, vendors.Config{
		Settings: maps.Clone(d.Settings), BaseURL: d.BaseURL,
		Since: time.Now().Add(-40 * 24 * time.Hour), Until: time.Now().Add(-time.Second),
		Options: []auditclient.Option{
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 50, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	m := map[string]int{}
	for ev, err := range src.Events.All() {
		if err != nil {
			t.Fatalf("the reference walk of %s: %v", vendor, err)
		}
		m[ev.Metadata.UID]++
	}
	if n := Sum(m); n != len(d.Data()) {
		t.Fatalf("the reference walk of %s read %d events of the %d records", vendor, n, len(d.Data()))
	}
	return m
}

// Sum adds up the counts of m.
func Sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (a logger, a
// child's stderr) and the test reading it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
