package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

// The tests in this file build the auditkit binary (without -race, to keep
// it fast), run it against a Cisco fake (or, in TestKillAndResumeEveryVendor,
// each vendor's demo fake) started in the test process, kill it at several
// points and run it again with the same flags, and compare what it wrote
// with the fake's data set.
//
//	go test -v -run 'TestKill|TestSignal' ./cmd/auditkit/

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// auditkitBin builds the command once per test run.
func auditkitBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("signals: POSIX only")
	}
	binOnce.Do(func() {
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			if goTool, err = exec.LookPath("go"); err != nil {
				binErr = fmt.Errorf("no go command to build auditkit: %v", err)
				return
			}
		}
		if binDir, binErr = os.MkdirTemp("", "auditkit-test-bin"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "auditkit")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// killSetup is one fake and the flags of the pulls against it.
type killSetup struct {
	fake     *audittest.Cisco
	env      []string
	args     []string
	pageSize int
	out, cp  string // --output ("" for stdout) and --checkpoint
	// prior is the number of events checkpointed before the current
	// kill-and-resume sequence (its checkpoint counts them too).
	prior int64
}

// killPageSize is the page size of the kill tests: many pages, so that kills
// land in the middle of a walk.
const killPageSize = 50

func newKillSetup(t *testing.T, toFile bool, faults audittest.Faults) *killSetup {
	t.Helper()
	end := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	fake := audittest.StartCisco(t, audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(3000, 11, end),
		Faults: faults,
	})
	dir := t.TempDir()
	s := &killSetup{
		fake:     fake,
		env:      []string{"CISCO_CLIENT_ID=" + fake.ClientID(), "CISCO_API_KEY=" + fake.APIKey()},
		pageSize: killPageSize,
		cp:       filepath.Join(dir, "cp.json"),
	}
	// 100 requests/s: a walk of 60 pages lasts long enough to be killed
	// anywhere in it.
	s.args = []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw",
		"--page-size", fmt.Sprint(killPageSize), "--rate-limit", "100", "--checkpoint", s.cp, "--quiet"}
	if toFile {
		s.out = filepath.Join(dir, "events.ndjson")
		s.args = append(s.args, "--output", s.out)
	}
	return s
}

// child is one run of the binary.
type child struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stdout bytes.Buffer // with --output: empty
	stderr bytes.Buffer
	done   chan struct{}
	err    error // from Wait
}

func (s *killSetup) start(t *testing.T) *child {
	t.Helper()
	c := &child{cmd: exec.Command(auditkitBin(t), s.args...), done: make(chan struct{})}
	c.cmd.Env = s.env
	c.cmd.Stderr = &lockedWriter{mu: &c.mu, w: &c.stderr}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		io.Copy(&lockedWriter{mu: &c.mu, w: &c.stdout}, stdout)
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// written is how many bytes of events the run has produced so far: the
// output file's size, or what it wrote on stdout.
func (s *killSetup) written(c *child) int64 {
	if s.out != "" {
		fi, err := os.Stat(s.out)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(c.stdout.Len())
}

// waitFor waits until the run produced at least n bytes (in total, counting
// earlier runs' base) or ended; it reports whether it is still running.
func (s *killSetup) waitFor(c *child, base, n int64) bool {
	for {
		if base+s.written(c) >= n {
			return true
		}
		select {
		case <-c.done:
			return false
		case <-time.After(time.Millisecond):
		}
	}
}

func (c *child) exitCode() int {
	<-c.done
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return ee.ExitCode()
	}
	if c.err != nil {
		return -1
	}
	return 0
}

// checkState checks the invariant a kill may never break: the checkpoint
// counts whole lines that are all in the output.
func (s *killSetup) checkState(t *testing.T, outLines int) {
	t.Helper()
	st, err := readState(s.cp)
	if err != nil {
		t.Fatalf("checkpoint after a kill: %v", err)
	}
	if st == nil {
		return // killed before the first checkpoint
	}
	if s.out == "" {
		if st.Checkpoint.Events > s.prior+int64(outLines) {
			t.Fatalf("the checkpoint counts %d events, only %d were written", st.Checkpoint.Events, s.prior+int64(outLines))
		}
		return
	}
	data, err := os.ReadFile(s.out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Output.Length > int64(len(data)) {
		t.Fatalf("the checkpoint counts %d bytes of a %d-byte output", st.Output.Length, len(data))
	}
	head := data[:st.Output.Length]
	if len(head) > 0 && head[len(head)-1] != '\n' {
		t.Fatalf("the checkpoint's length %d cuts a line", st.Output.Length)
	}
	if n := int64(bytes.Count(head, []byte("\n"))); n != st.Checkpoint.Events {
		t.Fatalf("the checkpoint counts %d events in %d bytes holding %d lines", st.Checkpoint.Events, st.Output.Length, n)
	}
}

// killFigures are what a kill-and-resume sequence shows.
type killFigures struct {
	runs, kills  int
	killedAt     []string
	lines        []string // every whole line written, in order, across runs
	torn         int      // lines cut by a kill (stdout only)
	finalRunCode int
}

// killAndResume runs the pull, SIGKILLs it once it produced each of the
// byte counts in points (0: at once), then runs it until it exits 0.
func (s *killSetup) killAndResume(t *testing.T, points []int64) killFigures {
	t.Helper()
	var fig killFigures
	var base int64 // bytes produced by earlier runs (stdout)
	collect := func(c *child) {
		<-c.done
		if s.out != "" {
			return
		}
		out := c.stdout.String()
		base += int64(len(out))
		if i := strings.LastIndexByte(out, '\n'); i < len(out)-1 {
			fig.torn++
			out = out[:i+1]
		}
		if out != "" {
			fig.lines = append(fig.lines, strings.Split(strings.TrimSuffix(out, "\n"), "\n")...)
		}
	}
	for _, p := range points {
		c := s.start(t)
		fig.runs++
		running := true
		if p > 0 {
			running = s.waitFor(c, base, p)
		}
		if running {
			c.cmd.Process.Signal(syscall.SIGKILL)
			fig.kills++
		}
		collect(c)
		at := base
		if s.out != "" {
			at = s.written(c)
		}
		fig.killedAt = append(fig.killedAt, fmt.Sprint(at))
		if !running && c.exitCode() != 0 {
			t.Fatalf("run %d ended with %d before its kill: %s", fig.runs, c.exitCode(), c.stderr.String())
		}
		s.checkState(t, len(fig.lines))
	}
	for {
		c := s.start(t)
		fig.runs++
		collect(c)
		if code := c.exitCode(); code == 0 {
			break
		} else if fig.runs > len(points)+5 {
			t.Fatalf("run %d: exit %d: %s", fig.runs, code, c.stderr.String())
		}
	}
	if s.out != "" {
		data, err := os.ReadFile(s.out)
		if err != nil {
			t.Fatal(err)
		}
		fig.lines = lines(t, string(data))
	}
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(s.cp), ".*tmp*")); len(stale) > 0 {
		t.Errorf("temporary files left beside the checkpoint: %v", stale)
	}
	return fig
}

// killPoints are fractions of the full output at which a run is killed.
var killPoints = []float64{0, 0.001, 0.05, 0.3, 0.55, 0.8, 0.97}

func totalBytes(records []string) int64 {
	var n int64
	for _, r := range records {
		n += int64(len(r)) + 1
	}
	return n
}

func points(total int64, fracs []float64) []int64 {
	out := make([]int64, len(fracs))
	for i, f := range fracs {
		out[i] = int64(f * float64(total))
	}
	return out
}

func TestKillAndResumeOutputExactlyOnce(t *testing.T) {
	s := newKillSetup(t, true, audittest.Faults{})
	want := walktest.CompactAll(t, s.fake.Events())
	fig := s.killAndResume(t, points(totalBytes(want), killPoints))
	repeated, missing := walktest.Tally(fig.lines, want)
	t.Logf("--output, full pull of %d events in pages of %d: %d runs, %d SIGKILLs at output bytes %v of %d; events lost %d, repeated %d",
		len(want), s.pageSize, fig.runs, fig.kills, fig.killedAt, totalBytes(want), missing, repeated)
	if missing != 0 || repeated != 0 || len(fig.lines) != len(want) {
		t.Errorf("--output: %d lines; %d of the fake's %d records missing, %d repeated; want exactly once", len(fig.lines), missing, len(want), repeated)
	}

	// Incremental: new events, some at the high-water mark's very second,
	// then a pull killed in the middle and resumed.
	added := walktest.CompactAll(t, newEventsAt(t, s.fake, 400))
	s.fake.Add(toRaw(added)...)
	want = walktest.CompactAll(t, s.fake.Events())
	before := totalBytes(fig.lines)
	inc := s.killAndResume(t, []int64{before + totalBytes(added)/3, before + 2*totalBytes(added)/3})
	repeated, missing = walktest.Tally(inc.lines, want)
	t.Logf("--output, incremental pull of %d new events: %d runs, %d SIGKILLs at output bytes %v; events lost %d, repeated %d",
		len(added), inc.runs, inc.kills, inc.killedAt, missing, repeated)
	if missing != 0 || repeated != 0 {
		t.Errorf("--output incremental: %d missing, %d repeated; want exactly once", missing, repeated)
	}
	if got := inc.lines[len(fig.lines):]; !sameMultiset(got, added) {
		t.Errorf("the incremental runs appended %d lines, want the %d added", len(got), len(added))
	}
}

func TestKillAndResumeStdoutAtLeastOnce(t *testing.T) {
	// Some 429s on the way: retries must not change the figures.
	s := newKillSetup(t, false, audittest.Faults{RateLimit: 0.1, Seed: 3})
	want := walktest.CompactAll(t, s.fake.Events())
	fig := s.killAndResume(t, points(totalBytes(want), killPoints))
	repeated, missing := walktest.Tally(fig.lines, want)
	bound := fig.kills * s.pageSize
	t.Logf("stdout, full pull of %d events in pages of %d: %d runs, %d SIGKILLs at stdout bytes %v, %d torn lines dropped; events lost %d, repeated %d (bound %d: one page per kill)",
		len(want), s.pageSize, fig.runs, fig.kills, fig.killedAt, fig.torn, missing, repeated, bound)
	if missing != 0 {
		t.Errorf("stdout: %d of the fake's %d records missing", missing, len(want))
	}
	if repeated > bound {
		t.Errorf("stdout: %d records repeated, more than one page per kill (%d)", repeated, bound)
	}

	added := walktest.CompactAll(t, newEventsAt(t, s.fake, 400))
	s.fake.Add(toRaw(added)...)
	s.prior = int64(len(want))
	inc := s.killAndResume(t, []int64{totalBytes(added) / 2})
	repeated, missing = walktest.Tally(inc.lines, added)
	t.Logf("stdout, incremental pull of %d new events: %d runs, %d SIGKILLs; events lost %d, repeated %d (bound %d)",
		len(added), inc.runs, inc.kills, missing, repeated, inc.kills*s.pageSize)
	if missing != 0 || repeated > inc.kills*s.pageSize {
		t.Errorf("stdout incremental: %d missing, %d repeated", missing, repeated)
	}
}

func TestSignalStopsCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, toFile := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/output=%v", sig, toFile), func(t *testing.T) {
				t.Parallel()
				s := newKillSetup(t, toFile, audittest.Faults{})
				want := walktest.CompactAll(t, s.fake.Events())
				c := s.start(t)
				if !s.waitFor(c, 0, totalBytes(want)/3) {
					t.Fatalf("ended before the signal: %s", c.stderr.String())
				}
				c.cmd.Process.Signal(sig)
				code := c.exitCode()
				if code != 1 || !strings.Contains(c.stderr.String(), "auditkit: cisco: interrupted after") {
					t.Fatalf("exit %d, stderr %q; want 1, interrupted", code, c.stderr.String())
				}
				var first []string
				if toFile {
					first = lines(t, readFile(t, s.out))
				} else {
					first = lines(t, c.stdout.String())
				}
				st, err := readState(s.cp)
				if err != nil || st == nil {
					t.Fatalf("checkpoint: %v", err)
				}
				if st.Checkpoint.Events != int64(len(first)) {
					t.Errorf("the checkpoint counts %d events, %d were written", st.Checkpoint.Events, len(first))
				}
				if toFile && st.Output.Length != totalBytes(first) {
					t.Errorf("the checkpoint counts %d bytes, the output has %d", st.Output.Length, totalBytes(first))
				}
				r := s.start(t)
				if code := r.exitCode(); code != 0 {
					t.Fatalf("resume: exit %d: %s", code, r.stderr.String())
				}
				all := first
				if toFile {
					all = lines(t, readFile(t, s.out))
				} else {
					all = append(all, lines(t, r.stdout.String())...)
				}
				repeated, missing := walktest.Tally(all, want)
				t.Logf("%v after %d of %d events; resumed: events lost %d, repeated %d", sig, len(first), len(want), missing, repeated)
				if missing != 0 || repeated != 0 {
					t.Errorf("%d missing, %d repeated; want exactly once", missing, repeated)
				}
			})
		}
	}
}

// Every vendor, not just Cisco: its fake (the one --demo starts) runs in
// this process, the binary pulls it as a real API (--base-url and the
// credentials in the environment), is SIGKILLed at three points and resumed
// with --output, and must end with exactly the records of a clean pull.
func TestKillAndResumeEveryVendor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	for _, v := range vendors.All() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			d, err := audittest.StartDemo(v.Name, audittest.DemoConfig{Now: time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(d.Close)
			dir := t.TempDir()
			env := []string{"PATH=" + os.Getenv("PATH")}
			var flags []string
			for k, val := range d.Settings {
				// Every setting through the environment as a user would
				// give it, except those that only a flag reads.
				s := v.Setting(k)
				switch {
				case s.Env != "":
					env = append(env, s.Env+"="+val)
				case s.Flag != "":
					flags = append(flags, "--"+s.Flag, val)
				}
			}
			args := func(out, cp string) []string {
				a := []string{"pull", v.Name, "--base-url", d.BaseURL, "--format", "raw", "--rate-limit", "150",
					"--output", out, "--checkpoint", cp, "--quiet"}
				// Tanium's page size is the first history depth: histories
				// deeper than 50 are read again deeper.
				a = append(a, "--page-size", "50")
				return append(a, flags...)
			}

			// The clean pull: what every kill-and-resume sequence must give.
			ref := &killSetup{env: env, out: filepath.Join(dir, "ref.ndjson"), cp: filepath.Join(dir, "ref.cp")}
			ref.args = args(ref.out, ref.cp)
			if c := ref.start(t); c.exitCode() != 0 {
				t.Fatalf("clean pull: exit %d: %s", c.exitCode(), c.stderr.String())
			}
			data, err := os.ReadFile(ref.out)
			if err != nil {
				t.Fatal(err)
			}
			want := lines(t, string(data))
			if len(want) < 1000 {
				t.Fatalf("the clean pull wrote %d records; want the demo's few thousand", len(want))
			}

			s := &killSetup{env: env, out: filepath.Join(dir, "events.ndjson"), cp: filepath.Join(dir, "cp.json")}
			s.args = args(s.out, s.cp)
			fig := s.killAndResume(t, points(int64(len(data)), []float64{0.1, 0.45, 0.8}))
			repeated, missing := walktest.Tally(fig.lines, want)
			t.Logf("%s: --output, %d events: %d runs, %d SIGKILLs at output bytes %v of %d; events lost %d, repeated %d",
				v.Name, len(want), fig.runs, fig.kills, fig.killedAt, len(data), missing, repeated)
			if missing != 0 || repeated != 0 || len(fig.lines) != len(want) {
				t.Errorf("%s: %d lines; %d of %d records missing, %d repeated; want exactly once",
					v.Name, len(fig.lines), missing, len(want), repeated)
			}
			if fig.kills == 0 {
				t.Errorf("%s: no run was killed mid-pull (%s)", v.Name, fmt.Sprint(fig.killedAt))
			}
		})
	}
}
