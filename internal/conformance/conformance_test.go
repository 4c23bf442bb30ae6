package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// TestEveryVendorRunsTheSuite checks that every registered vendor (but the
// mutants of TestMutation) has a demo fake and runs the suite from its own
// package's tests, conformance.Run(t, <vendor>.Name): the suite runs there,
// once per vendor, not again here.
func TestEveryVendorRunsTheSuite(t *testing.T) {
	var names []string
	for _, name := range vendors.Names() {
		if !strings.HasPrefix(name, "mutant") {
			names = append(names, name)
		}
	}
	if len(names) < 6 {
		t.Errorf("registered vendors %v: want all six", names)
	}
	for _, name := range names {
		if !slices.Contains(audittest.DemoVendors(), name) {
			t.Errorf("%s has no demo fake (demos: %v)", name, audittest.DemoVendors())
		}
		files, err := filepath.Glob(filepath.Join("..", "..", name, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		call := "conformance.Run(t, " + name + ".Name)"
		found := false
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			found = found || strings.Contains(string(data), call)
		}
		if !found {
			t.Errorf("no test of package %s calls %s", name, call)
		}
	}
}

// recorder is a tester that records failures instead of reporting them,
// so that the suite can be shown to fail: each subtest gets a recorder of
// its own, run in a goroutine of its own so that Fatal and Skip can end it.
type recorder struct {
	testing.TB
	name string

	mu      sync.Mutex
	errs    []string
	failed  map[string]bool // subtests that failed, by path
	skipped bool
}

func newRecorder(t testing.TB, name string) *recorder {
	return &recorder{TB: t, name: name, failed: map[string]bool{}}
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fail()                             { r.Errorf("Fail") }
func (r *recorder) FailNow()                          { r.Fail(); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = true; runtime.Goexit() }
func (r *recorder) Skip(args ...any)                  { r.skipped = true; runtime.Goexit() }
func (r *recorder) SkipNow()                          { r.skipped = true; runtime.Goexit() }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs) > 0
}
func (r *recorder) Logf(format string, args ...any) {}
func (r *recorder) Log(args ...any)                 {}

// sub runs f as the subtest name with a recorder of its own, and records
// its failures (and those of its subtests) under its path.
func (r *recorder) sub(name string, f func(tester)) bool {
	c := newRecorder(r.TB, r.name+"/"+name)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(c)
	}()
	<-done
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range c.failed {
		r.failed[k] = true
	}
	if len(c.errs) > 0 {
		r.failed[c.name] = true
		for _, e := range c.errs {
			r.errs = append(r.errs, c.name+": "+e)
		}
	}
	return len(c.errs) == 0
}

// record runs the suite against vendor with a recorder, and returns it.
func record(t *testing.T, vendor string, opts ...Option) *recorder {
	r := newRecorder(t, vendor)
	r.sub("suite", func(tb tester) { run(tb, vendor, opts...) })
	return r
}

// summary lists r's failures, a line each, shortened.
func (r *recorder) summary() string {
	var b strings.Builder
	for _, e := range r.errs {
		if len(e) > 300 {
			e = e[:300] + "…"
		}
		b.WriteString("\n\t" + e)
	}
	return b.String()
}
