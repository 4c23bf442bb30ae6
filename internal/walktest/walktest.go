// Package walktest holds the helpers the vendor packages' walk tests share:
// collecting a walk's records, comparing them with a fake's data set in
// order or as multisets, client options fit for a fake, the goroutine
// leak check, the reference OCSF validator, and the test bodies that are
// the same for every vendor (a refused checkpoint, a walk cancelled
// midway, a walk resumed from a checkpoint).
//
// It is for tests only; the SDK itself never imports it.
package walktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/testenv"
	"github.com/auditkit/auditkit/ocsf"
)

// FmtAll formats v every way a log line or error message might: %v, %+v,
// %#v and %s, for checking that no secret shows in any of them.
func FmtAll(v any) string { return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) }

// FaultMix is the fault mix the issue asks for: 20% 429, 10% 503, 5%
// connection resets and 5% truncated bodies (in all three forms: the
// connection cut, and complete framing around cut JSON with and without
// chunking), drawn from seed. The first six requests get one fault of each
// kind and form, so every one is exercised whatever the seed draws.
func FaultMix(seed int64) audittest.Faults {
	return audittest.Faults{
		RateLimit: 0.20, Unavailable: 0.10, Reset: 0.05, Truncate: 0.05, Seed: seed,
		Script: []audittest.Fault{audittest.FaultReset, audittest.FaultRateLimit, audittest.FaultTruncate, audittest.FaultUnavailable,
			audittest.FaultCutJSON, audittest.FaultCutJSONChunked},
	}
}

// FastOptions are client options fit for a fake: the base URL (none when
// baseURL is "") and retries that wait
// milliseconds, many times over, from a budget a test never exhausts.
// opts follow, so they win.
func FastOptions(baseURL string, opts ...auditclient.Option) []auditclient.Option {
	var out []auditclient.Option
	if baseURL != "" {
		out = append(out, auditclient.WithBaseURL(baseURL))
	}
	out = append(out,
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{
			MaxAttempts: 25,
			BaseDelay:   time.Millisecond,
			MaxDelay:    20 * time.Millisecond,
			Budget:      auditclient.NewRetryBudget(100000, 5, 10),
		}),
	)
	return append(out, opts...)
}

// Compact returns raw without insignificant space, for comparing records;
// raw that is not JSON fails tb.
func Compact(tb testing.TB, raw []byte) string {
	tb.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		tb.Fatalf("bad JSON %s: %v", raw, err)
	}
	return b.String()
}

// CompactAll is Compact of each record, in order: a fake's data set as a
// walk must yield it.
func CompactAll(tb testing.TB, raws []json.RawMessage) []string {
	tb.Helper()
	out := make([]string, 0, len(raws))
	for _, r := range raws {
		out = append(out, Compact(tb, r))
	}
	return out
}

// Collect walks it to the end, or to n events when n >= 0, and returns
// each event's raw_data, compacted. An event that does not validate
// (ocsf.Validate) fails tb. It neither closes it nor checks its Err.
func Collect(tb testing.TB, it auditclient.Iterator, n int) []string {
	tb.Helper()
	return CollectFunc(tb, it, n, func(ev ocsf.Event) string { return Compact(tb, []byte(ev.RawData)) })
}

// CollectFunc is Collect with each event spelled by record instead.
func CollectFunc(tb testing.TB, it auditclient.Iterator, n int, record func(ocsf.Event) string) []string {
	tb.Helper()
	var out []string
	for (n < 0 || len(out) < n) && it.Next() {
		ev := it.Event()
		if err := ocsf.Validate(ev); err != nil {
			tb.Fatalf("event %d does not validate: %v", len(out), err)
		}
		out = append(out, record(ev))
	}
	return out
}

// Tally compares got and want as multisets (a data set may hold identical
// twins): extra counts records yielded more often than want holds them,
// lost those yielded less often.
func Tally(got, want []string) (extra, lost int) {
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	for _, n := range count {
		if n > 0 {
			extra += n
		} else {
			lost -= n
		}
	}
	return extra, lost
}

// Diff fails tb when got is not want, record for record: an error for
// another length, and a fatal one at the first record that differs.
func Diff(tb testing.TB, got, want []string) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%d events, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			tb.Fatalf("event %d = %s\nwant %s", i, got[i], want[i])
		}
	}
}

// WaitGoroutines fails tb when, within a second, the number of goroutines
// has not come back down to before (runtime.NumGoroutine taken before the
// test started any); the failure lists every goroutine's stack.
func WaitGoroutines(tb testing.TB, before int) {
	tb.Helper()
	var now int
	for range 200 {
		now = runtime.NumGoroutine()
		if now <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	buf = buf[:runtime.Stack(buf, true)]
	tb.Errorf("goroutines: %d before, %d after\n%s", before, now, buf)
}

// DebugLogger returns a logger that writes every record, Debug level
// included, as JSON to the returned buffer.
func DebugLogger() (*slog.Logger, *bytes.Buffer) {
	logs := new(bytes.Buffer)
	return slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), logs
}

// NoSecrets fails tb for every secret that one of texts (what it is, by
// where it comes from) holds. An empty secret is a mistake of the test and
// fails it too.
func NoSecrets(tb testing.TB, secrets []string, texts map[string]string) {
	tb.Helper()
	for _, s := range secrets {
		if s == "" {
			tb.Errorf("empty secret in %q", secrets)
			continue
		}
		for where, text := range texts {
			if strings.Contains(text, s) {
				tb.Errorf("%s holds the credential %q", where, s)
			}
		}
	}
}

// Validator is the reference OCSF validator, validate.py of the shared
// folder beside the repository, run with python3.
type Validator struct {
	python, script string
}

// NeedValidator returns the reference validator, or skips tb when it or
// python3 is missing. Call it before the walk, so that a skipped test
// costs nothing.
func NeedValidator(tb testing.TB) Validator {
	tb.Helper()
	script, err := validatorPath()
	if err != nil {
		testenv.Missing(tb, "reference validator not found: %v (it lives in ../shared beside the repository)", err)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(tb, "python3 not installed")
	}
	return Validator{python: python, script: script}
}

// validatorPath finds shared/ocsf/validate.py beside the module root (the
// folder holding go.mod, at or above the working directory).
func validatorPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "ocsf", "validate.py")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// Check pipes ndjson (one event a line) through the validator and fails tb
// unless it exits cleanly with exactly n events passed and none failed. It
// returns the validator's last line, its summary.
func (v Validator) Check(tb testing.TB, ndjson []byte, n int) string {
	tb.Helper()
	cmd := exec.Command(v.python, v.script)
	cmd.Stdin = bytes.NewReader(ndjson)
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if want := fmt.Sprintf("%d passed, 0 failed", n); err != nil || last != want {
		tb.Errorf("validate.py: %v, want %q\n%s", err, want, out)
	}
	return last
}

// NDJSON walks it to the end and returns its events as JSON lines, calling
// each (when not nil) with every event; an error of the walk fails tb.
func NDJSON(tb testing.TB, it auditclient.Iterator, each func(ocsf.Event)) []byte {
	tb.Helper()
	var out bytes.Buffer
	for ev, err := range it.All() {
		if err != nil {
			tb.Fatal(err)
		}
		if each != nil {
			each(ev)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			tb.Fatal(err)
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// CheckpointRefused takes the checkpoint of a walk of query (events with a
// nil checkpoint) after its first event, then fails tb unless events
// refuses it with ErrCheckpointMismatch for every query of others (by
// name) and for query itself under another vendor's name, before sending
// any request: requests tells how many the fake has received. It returns
// the checkpoint, for the vendor's own checks of what may change.
func CheckpointRefused[O any](tb testing.TB, events func(O, *auditclient.Checkpoint) auditclient.Iterator,
	query O, others map[string]O, requests func() int) *auditclient.Checkpoint {
	tb.Helper()
	it := events(query, nil)
	Collect(tb, it, 1)
	cp := it.Checkpoint()
	it.Close()
	// Close cancels the walk's prefetches, but a request already on the
	// wire may still reach the fake after it: count from once it is quiet.
	before := settled(requests)
	refused := func(name string, it auditclient.Iterator) {
		tb.Helper()
		defer it.Close()
		if it.Next() || !errors.Is(it.Err(), auditclient.ErrCheckpointMismatch) {
			tb.Errorf("%s: Err = %v", name, it.Err())
		}
	}
	for name, o := range others {
		refused(name, events(o, cp))
	}
	other := cp.Clone()
	other.Vendor = "not-" + cp.Vendor
	refused("other vendor", events(query, other))
	if after := requests(); after != before {
		tb.Errorf("%d requests sent with a refused checkpoint", after-before)
	}
	return cp
}

// settled returns requests() once it has not changed for 30ms (at most
// about two seconds).
func settled(requests func() int) int {
	n, still := requests(), 0
	for i := 0; i < 200 && still < 3; i++ {
		time.Sleep(10 * time.Millisecond)
		if m := requests(); m != n {
			n, still = m, 0
		} else {
			still++
		}
	}
	return n
}

// CancelMidWalk starts a walk (events with a context of its own), cancels
// that context when the at-th event has been yielded, and fails tb unless
// the walk stops right there with context.Canceled and, once it is closed
// and closeIdle has dropped the client's idle connections, leaves no
// goroutine behind. Make the client before calling it.
func CancelMidWalk(tb testing.TB, events func(context.Context) auditclient.Iterator, at int, closeIdle func()) {
	tb.Helper()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	it := events(ctx)
	n := 0
	for it.Next() {
		n++
		if n == at {
			cancel()
		}
	}
	if !errors.Is(it.Err(), context.Canceled) {
		tb.Errorf("Err = %v, want context.Canceled", it.Err())
	}
	if n != at {
		tb.Errorf("%d events after cancel at %d", n-at, at)
	}
	it.Close()
	closeIdle()
	WaitGoroutines(tb, before)
}

// WantDecodeError checks that err is a permanent *auditclient.DecodeError
// of vendor at the JSON path, whose URL contains urlPart and matches
// auditclient.ErrMalformedResponse, and that none of secrets appears in
// any of its formatted forms.
func WantDecodeError(tb testing.TB, err error, vendor, urlPart, path string, secrets ...string) {
	tb.Helper()
	var de *auditclient.DecodeError
	if !errors.As(err, &de) {
		tb.Fatalf("error %v (%T), want an *auditclient.DecodeError", err, err)
	}
	if de.Path != path {
		tb.Errorf("Path %q, want %q (%v)", de.Path, path, err)
	}
	if de.Vendor != vendor || !strings.Contains(de.URL, urlPart) || !errors.Is(err, auditclient.ErrMalformedResponse) {
		tb.Errorf("vendor %q URL %q: %v", de.Vendor, de.URL, err)
	}
	s := fmt.Sprintf("%v %+v %#v", err, err, err)
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			tb.Errorf("a credential leaked: %v", err)
		}
	}
}
