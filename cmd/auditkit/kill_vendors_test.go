package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
)

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
			missing, repeated := compare(fig.lines, want)
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
