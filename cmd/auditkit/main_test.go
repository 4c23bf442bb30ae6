package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// testEnd is the newest event of the fixed data sets the tests serve.
var testEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// result is what one in-process run produced.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with the environment env (nothing of
// the real environment leaks in).
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIWith(t, context.Background(), env, nil, args...)
}

func runCLIWith(t *testing.T, ctx context.Context, vars map[string]string, terminal func() bool, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: &stdout, stderr: &stderr, terminal: terminal}
	code := runWith(ctx, args, e)
	return result{code, stdout.String(), stderr.String()}
}

// ciscoFake starts a Cisco fake serving n generated events.
func ciscoFake(t *testing.T, n int, opts audittest.CiscoOptions) (*audittest.Cisco, map[string]string) {
	t.Helper()
	opts.Events = audittest.GenerateCiscoEvents(n, 7, testEnd)
	f := audittest.StartCisco(t, opts)
	return f, map[string]string{"CISCO_CLIENT_ID": f.ClientID(), "CISCO_API_KEY": f.APIKey()}
}

// lines splits NDJSON into its lines; it fails the test on a torn last line.
func lines(t *testing.T, s string) []string {
	t.Helper()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("output does not end with a whole line: ...%q", s[max(0, len(s)-80):])
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// compactAll compacts raw records, for comparing with --format raw output.
func compactAll(t *testing.T, raws []json.RawMessage) []string {
	t.Helper()
	out := make([]string, len(raws))
	for i, r := range raws {
		var b bytes.Buffer
		if err := json.Compact(&b, r); err != nil {
			t.Fatal(err)
		}
		out[i] = b.String()
	}
	return out
}

// sameMultiset reports whether a and b hold the same lines as many times.
func sameMultiset(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestVendorsListsCisco(t *testing.T) {
	r := runCLI(t, nil, "vendors")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"cisco — Cisco Secure Endpoint", "GET /v1/audit_logs", "https://api.amp.cisco.com",
		"CISCO_CLIENT_ID", "CISCO_API_KEY", "audit_log_type=", "audit_log_id=", "event=", "audit_log_user=",
		"GUID", "auditkit pull cisco --demo",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("vendors output lacks %q:\n%s", want, r.stdout)
		}
	}
	// Every registered vendor is listed with every env var it reads.
	for _, v := range vendors.All() {
		if !strings.Contains(r.stdout, v.Name+" — ") {
			t.Errorf("vendor %s missing", v.Name)
		}
		for _, s := range v.Settings {
			if s.Env != "" && !strings.Contains(r.stdout, s.Env) {
				t.Errorf("%s: env var %s missing", v.Name, s.Env)
			}
			if s.Flag != "" && !strings.Contains(r.stdout, "--"+s.Flag) {
				t.Errorf("%s: flag --%s missing", v.Name, s.Flag)
			}
		}
	}
}

func TestUsageErrorsExit2BeforeAnyRequest(t *testing.T) {
	fake, creds := ciscoFake(t, 50, audittest.CiscoOptions{})
	base := []string{"pull", "cisco", "--base-url", fake.URL()}
	onlyID := map[string]string{"CISCO_CLIENT_ID": creds["CISCO_CLIENT_ID"]}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
	}{
		{"no args", creds, nil, []string{"Usage:"}},
		{"unknown command", creds, []string{"fetch"}, []string{`unknown command "fetch"`}},
		{"no vendor", creds, []string{"pull"}, []string{"one vendor", "cisco"}},
		{"unknown vendor", creds, []string{"pull", "nope"}, []string{`unknown vendor "nope"`, "cisco"}},
		{"two vendors", creds, []string{"pull", "cisco", "cisco"}, []string{"one vendor"}},
		{"unknown flag", creds, append(base, "--bogus"), []string{"-bogus"}},
		{"unknown filter", creds, append(base, "--filter", "nope=1"), []string{`unknown filter "nope"`, "audit_log_type, audit_log_id, event, audit_log_user"}},
		{"filter without =", creds, append(base, "--filter", "event"), []string{"NAME=VALUE"}},
		{"bad filter value", creds, append(base, "--filter", "audit_log_id=not-a-guid"), []string{"audit_log_id", "not-a-guid", "GUID"}},
		{"bad since", creds, append(base, "--since", "yesterday"), []string{"--since", "RFC 3339", "24h"}},
		{"negative since", creds, append(base, "--since", "-5h"), []string{"--since"}},
		{"since after until", creds, append(base, "--since", "2024-06-19T00:00:00Z", "--until", "2024-06-18T00:00:00Z"), []string{"is after --until"}},
		{"bad format", creds, append(base, "--format", "xml"), []string{"--format", "ocsf or raw"}},
		{"page size over the limit", creds, append(base, "--page-size", "501"), []string{"limit", "500"}},
		{"negative max events", creds, append(base, "--max-events", "-1"), []string{"--max-events"}},
		{"bad log level", creds, append(base, "--log-level", "loud"), []string{"--log-level"}},
		{"setting of another vendor", creds, append(base, "--org", "x"), []string{"--org is not a setting of cisco"}},
		{"demo faults without demo", creds, append(base, "--demo-faults"), []string{"--demo-faults needs --demo"}},
		{"demo with base url", creds, append(base, "--demo"), []string{"exclude each other"}},
		{"no credentials", nil, base, []string{"client_id (CISCO_CLIENT_ID)", "required", "credentials come from the environment only"}},
		{"no API key", onlyID, base, []string{"api_key (CISCO_API_KEY)", "required"}},
		{"unknown order", creds, append(base, "--order", "sideways"), []string{"--order", "oldest-first"}},
		{"order the API cannot serve", creds, append(base, "--order", "oldest-first"), []string{"order", "oldest-first", "newest first"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			if len(tt.args) > 1 && tt.args[0] == "pull" && !strings.Contains(tt.name, "vendor") && tt.name != "no args" {
				if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
					t.Errorf("stderr is %d lines, want one:\n%s", n+1, r.stderr)
				}
				if !strings.HasPrefix(r.stderr, "auditkit: ") {
					t.Errorf("stderr %q does not start with auditkit:", r.stderr)
				}
			}
		})
	}
	if reqs := fake.Requests(); len(reqs) != 0 {
		t.Errorf("usage errors sent %d requests, first %v", len(reqs), reqs[0])
	}
}

func TestHelpExits0(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"pull", "-h"}, {"vendors", "-h"}} {
		r := runCLI(t, nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	r := runCLI(t, nil, "pull", "-h")
	for _, flag := range []string{"--base-url", "--since", "--until", "--format", "--output", "--checkpoint", "--page-size", "--max-events", "--filter", "--objects", "--org", "--server", "--tenant", "--demo", "--quiet", "--log-level"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("pull -h lacks %s", flag)
		}
	}
}

func TestUnauthorizedExits1WithoutSecret(t *testing.T) {
	const id, key = "client-5f1e-not-so-secret", "s3cr3t-api-key-9a7b"
	fake := audittest.StartCisco(t, audittest.CiscoOptions{ClientID: id, APIKey: key, Events: audittest.GenerateCiscoEvents(20, 1, testEnd)})
	wrong := "wr0ng-key-4c2d"
	for _, env := range []map[string]string{
		{"CISCO_CLIENT_ID": id, "CISCO_API_KEY": wrong},
		{"CISCO_CLIENT_ID": "other-client-77", "CISCO_API_KEY": key},
	} {
		r := runCLI(t, env, "pull", "cisco", "--base-url", fake.URL(), "--log-level", "debug")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
		}
		last := lastLine(r.stderr)
		if !strings.HasPrefix(last, "auditkit: cisco: ") || !strings.Contains(strings.ToLower(last), "401") {
			t.Errorf("last stderr line %q: want auditkit: cisco: ... 401", last)
		}
		for _, secret := range []string{id, key, wrong, env["CISCO_CLIENT_ID"], env["CISCO_API_KEY"]} {
			if strings.Contains(r.stderr, secret) || strings.Contains(r.stdout, secret) {
				t.Errorf("a credential (%.4s...) appears in the output:\n%s", secret, r.stderr)
			}
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func TestPullFormats(t *testing.T) {
	fake, creds := ciscoFake(t, 700, audittest.CiscoOptions{})
	want := compactAll(t, fake.Events())

	raw := runCLI(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "100")
	if raw.code != 0 {
		t.Fatalf("raw: exit %d: %s", raw.code, raw.stderr)
	}
	if got := lines(t, raw.stdout); !slices.Equal(got, want) {
		t.Errorf("--format raw: %d lines differ from the fake's %d records (in order)", len(got), len(want))
	}
	if m := regexp.MustCompile(`^cisco: 700 events, 7 pages, 0 retries, \S+ \(\d+ events/s\)\n$`); !m.MatchString(raw.stderr) {
		t.Errorf("summary %q", raw.stderr)
	}

	oc := runCLI(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--page-size", "100", "--quiet")
	if oc.code != 0 {
		t.Fatalf("ocsf: exit %d: %s", oc.code, oc.stderr)
	}
	if oc.stderr != "" {
		t.Errorf("--quiet wrote to stderr: %q", oc.stderr)
	}
	got := lines(t, oc.stdout)
	if len(got) != 700 {
		t.Fatalf("%d OCSF events, want 700", len(got))
	}
	var raws []string
	for i, l := range got {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("event %d does not validate: %v", i, err)
		}
		var ev struct {
			RawData string `json:"raw_data"`
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		raws = append(raws, ev.RawData)
	}
	if !slices.Equal(compactAll(t, toRaw(raws)), want) {
		t.Error("the OCSF events' raw_data are not the fake's records")
	}
}

func toRaw(s []string) []json.RawMessage {
	out := make([]json.RawMessage, len(s))
	for i, x := range s {
		out[i] = json.RawMessage(x)
	}
	return out
}

func TestFilterAndWindowReachTheAPI(t *testing.T) {
	fake, creds := ciscoFake(t, 300, audittest.CiscoOptions{})
	r := runCLI(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--quiet",
		"--filter", "audit_log_type=User", "--filter", "event=login",
		"--since", "2024-06-18T00:00:00Z", "--until", "2024-06-19T06:00:00Z")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := lines(t, r.stdout)
	if len(got) == 0 {
		t.Fatal("no event")
	}
	since, until := time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 19, 6, 0, 0, 0, time.UTC)
	for _, l := range got {
		var rec struct {
			Event     string    `json:"event"`
			Type      string    `json:"audit_log_type"`
			CreatedAt time.Time `json:"created_at"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Event != "login" || rec.Type != "User" || rec.CreatedAt.Before(since) || !rec.CreatedAt.Before(until) {
			t.Errorf("record outside the query: %s", l)
		}
	}
	q := fake.Requests()[0].Query
	for k, v := range map[string]string{"audit_log_type": "User", "event": "login"} {
		if q.Get(k) != v {
			t.Errorf("request %s=%q, want %q", k, q.Get(k), v)
		}
	}
	// --until is exclusive and Cisco's end_time inclusive to the second:
	// the request ends a second before.
	for k, v := range map[string]time.Time{"start_time": since, "end_time": until.Add(-time.Second)} {
		if got, err := time.Parse(time.RFC3339, q.Get(k)); err != nil || !got.Equal(v) {
			t.Errorf("request %s=%q, want %s", k, q.Get(k), v)
		}
	}
}

func TestMaxEventsThenResume(t *testing.T) {
	fake, creds := ciscoFake(t, 700, audittest.CiscoOptions{})
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "100", "--output", out, "--checkpoint", cp, "--quiet"}

	r := runCLI(t, creds, append(args, "--max-events", "250")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data := readFile(t, out)
	if n := len(lines(t, data)); n != 250 {
		t.Fatalf("%d events written, want 250", n)
	}
	st, err := readState(cp)
	if err != nil {
		t.Fatal(err)
	}
	if st.Output.Length != int64(len(data)) || st.Checkpoint.Events != 250 || st.Checkpoint.Complete() {
		t.Errorf("checkpoint: length %d events %d complete %v; output is %d bytes", st.Output.Length, st.Checkpoint.Events, st.Checkpoint.Complete(), len(data))
	}

	r = runCLI(t, creds, args...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	got := lines(t, readFile(t, out))
	if want := compactAll(t, fake.Events()); !slices.Equal(got, want) {
		t.Errorf("after resume: %d lines, want the fake's %d records in order", len(got), len(want))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCheckpointRefusals(t *testing.T) {
	fake, creds := ciscoFake(t, 120, audittest.CiscoOptions{})
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--page-size", "50", "--output", out, "--checkpoint", cp, "--quiet"}
	if r := runCLI(t, creds, args...); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	good := readFile(t, cp)
	requests := len(fake.Requests())

	tests := []struct {
		name   string
		args   []string
		edit   func(*state)
		code   int
		want   string
		sticks bool // the output is left as it was
	}{
		{"other filters", append(slices.Clone(args), "--filter", "event=login"), nil, 2, "other filters", true},
		{"other format", append(slices.Clone(args), "--format", "raw"), nil, 2, "--format ocsf, not raw", true},
		{"to stdout", []string{"pull", "cisco", "--base-url", fake.URL(), "--checkpoint", cp}, nil, 2, "not to stdout", true},
		{"other output", []string{"pull", "cisco", "--base-url", fake.URL(), "--page-size", "50", "--output", filepath.Join(dir, "other.ndjson"), "--checkpoint", cp}, nil, 2, "not " + filepath.Join(dir, "other.ndjson"), true},
		{"other vendor", args, func(s *state) { s.Vendor, s.Checkpoint.Vendor = "automox", "automox" }, 2, "is of a automox pull, not cisco", true},
		{"a demo's checkpoint", args, func(s *state) { s.Demo = true }, 2, "is of a --demo pull", true},
		{"future format", args, func(s *state) { s.Auditkit = 9 }, 2, "format version 9", true},
		{"output shortened", args, func(s *state) { s.Output.Length += 10 }, 1, "shorter than", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(cp, []byte(good), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				var st state
				if err := json.Unmarshal([]byte(good), &st); err != nil {
					t.Fatal(err)
				}
				tt.edit(&st)
				b, _ := json.Marshal(&st)
				os.WriteFile(cp, b, 0o600)
			}
			before := readFile(t, out)
			r := runCLI(t, creds, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || !strings.HasPrefix(r.stderr, "auditkit: cisco: ") {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
			if tt.sticks && readFile(t, out) != before {
				t.Error("the output was changed")
			}
		})
	}
	if n := len(fake.Requests()); n != requests {
		t.Errorf("refused checkpoints sent %d requests", n-requests)
	}
}

func TestResumeCutsOutputBackToCheckpoint(t *testing.T) {
	fake, creds := ciscoFake(t, 300, audittest.CiscoOptions{})
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "50", "--output", out, "--checkpoint", cp, "--quiet"}
	if r := runCLI(t, creds, append(args, "--max-events", "120")...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// What a run killed after writing and before checkpointing leaves: events
	// (and a torn line) past the checkpoint's length.
	f, err := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(lines(t, readFile(t, out))[0] + "\n{\"event\":\"torn")
	f.Close()
	if r := runCLI(t, creds, args...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	if got, want := lines(t, readFile(t, out)), compactAll(t, fake.Events()); !slices.Equal(got, want) {
		t.Errorf("%d lines, want the fake's %d records exactly once", len(got), len(want))
	}
}

func TestIncrementalStdout(t *testing.T) {
	fake, creds := ciscoFake(t, 200, audittest.CiscoOptions{})
	cp := filepath.Join(t.TempDir(), "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "50", "--checkpoint", cp, "--quiet"}
	first := runCLI(t, creds, args...)
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	again := runCLI(t, creds, args...)
	if again.code != 0 || again.stdout != "" {
		t.Fatalf("rerun with nothing new: exit %d, %d bytes out", again.code, len(again.stdout))
	}
	added := newEventsAt(t, fake, 5)
	fake.Add(added...)
	inc := runCLI(t, creds, args...)
	if inc.code != 0 {
		t.Fatalf("exit %d: %s", inc.code, inc.stderr)
	}
	if got, want := lines(t, inc.stdout), compactAll(t, added); !sameMultiset(got, want) {
		t.Errorf("incremental run wrote %d lines, want exactly the %d added:\n%s", len(got), len(want), inc.stdout)
	}
}

// newEventsAt returns n new records dated from the newest second of the
// fake's data set on (the first ones exactly at it, so they share the
// high-water mark's timestamp), none after now.
func newEventsAt(t *testing.T, fake *audittest.Cisco, n int) []json.RawMessage {
	t.Helper()
	var newest struct {
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal(fake.Events()[0], &newest); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, newest.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	gen := audittest.GenerateCiscoEvents(n, time.Now().UnixNano(), at)
	out := make([]json.RawMessage, 0, n)
	for i, r := range gen {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		m["created_at"] = at.Add(time.Duration(i/2) * time.Second).Format(time.RFC3339)
		m["message"] = "added " + strings.Repeat("x", i) // distinct from anything served before
		b, _ := json.Marshal(m)
		out = append(out, b)
	}
	return out
}

func TestDemo(t *testing.T) {
	r := runCLI(t, nil, "pull", "cisco", "--demo")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := lines(t, r.stdout)
	if len(got) < 2000 {
		t.Fatalf("the demo pulled %d events, want a few thousand", len(got))
	}
	classes := map[float64]int{}
	var first, last time.Time
	for i, l := range got {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		var ev struct {
			Class float64 `json:"class_uid"`
			Time  int64   `json:"time"`
		}
		json.Unmarshal([]byte(l), &ev)
		classes[ev.Class]++
		at := time.UnixMilli(ev.Time)
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	if len(classes) < 3 {
		t.Errorf("the demo covers %d OCSF classes (%v), want the vendor's every kind", len(classes), classes)
	}
	if span := last.Sub(first); span < 48*time.Hour {
		t.Errorf("the demo spans %s, want several days", span)
	}
	if py, err := exec.LookPath("python3"); err == nil {
		const validator = "/work/shared/ocsf/validate.py"
		if _, err := os.Stat(validator); err == nil {
			cmd := exec.Command(py, validator)
			cmd.Stdin = strings.NewReader(r.stdout)
			outb, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("validate.py: %v\n%s", err, tail(string(outb), 2000))
			}
			t.Logf("validate.py: %s", lastLine(string(outb)))
		}
	}
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

func TestDemoFaultsRetries(t *testing.T) {
	r := runCLI(t, nil, "pull", "cisco", "--demo", "--demo-faults", "--format", "raw", "--page-size", "100")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(lines(t, r.stdout)); n != audittest.DefaultDemoEvents {
		t.Errorf("%d events, want %d", n, audittest.DefaultDemoEvents)
	}
	if m := regexp.MustCompile(`, ([1-9]\d*) retr`); !m.MatchString(r.stderr) {
		t.Errorf("summary shows no retry: %q", r.stderr)
	}
}

func TestDemoResumesAcrossFakes(t *testing.T) {
	hour := time.Now().UTC().Truncate(time.Hour)
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--demo", "--format", "raw", "--page-size", "200", "--output", out, "--checkpoint", cp, "--quiet"}
	if r := runCLI(t, nil, append(args, "--max-events", "1000")...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r := runCLI(t, nil, args...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	got := lines(t, readFile(t, out))
	if !time.Now().UTC().Truncate(time.Hour).Equal(hour) {
		t.Skip("the hour turned during the test: the demo fakes served different data sets")
	}
	want := compactAll(t, audittest.GenerateCiscoEvents(audittest.DefaultDemoEvents, 1, hour.Add(-time.Second))) // as the demo makes them
	if !sameMultiset(got, want) {
		t.Errorf("demo resumed: %d lines, want the demo's %d records exactly once", len(got), len(want))
	}
}

func TestLiveProgressLine(t *testing.T) {
	fake, creds := ciscoFake(t, 400, audittest.CiscoOptions{})
	terminal := func() bool { return true }
	// 20 pages at 40 requests/s: the walk lasts longer than a redraw.
	r := runCLIWith(t, context.Background(), creds, terminal, "pull", "cisco", "--base-url", fake.URL(), "--page-size", "20", "--rate-limit", "40")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`\rcisco: \d+ events?, \d+ pages?, \d+ retr\w+, \d+ events/s\x1b\[K`).MatchString(r.stderr) {
		t.Errorf("no live line in %q", r.stderr)
	}
	if !regexp.MustCompile(`\r\x1b\[Kcisco: 400 events, 20 pages, 0 retries, \S+ \(\d+ events/s\)\n$`).MatchString(r.stderr) {
		t.Errorf("the live line is not cleared before the summary: %q", tail(r.stderr, 200))
	}
	q := runCLIWith(t, context.Background(), creds, terminal, "pull", "cisco", "--base-url", fake.URL(), "--page-size", "20", "--rate-limit", "40", "--quiet")
	if q.code != 0 || q.stderr != "" {
		t.Errorf("--quiet on a terminal: exit %d, stderr %q", q.code, q.stderr)
	}
}

func TestInterruptInProcess(t *testing.T) {
	fake, creds := ciscoFake(t, 600, audittest.CiscoOptions{})
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "20", "--rate-limit", "50", "--output", out, "--checkpoint", cp}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result)
	go func() { done <- runCLIWith(t, ctx, creds, nil, args...) }()
	// Cancel once some events are on disk.
	for {
		if fi, err := os.Stat(out); err == nil && fi.Size() > 20_000 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("finished before the interrupt: %d %s", r.code, r.stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	r := <-done
	if r.code != 1 || !strings.Contains(r.stderr, "auditkit: cisco: interrupted after") {
		t.Fatalf("exit %d, stderr %q; want 1 and interrupted", r.code, r.stderr)
	}
	data := readFile(t, out)
	st, err := readState(cp)
	if err != nil {
		t.Fatal(err)
	}
	n := len(lines(t, data))
	if st.Output.Length != int64(len(data)) || st.Checkpoint.Events != int64(n) {
		t.Errorf("checkpoint counts %d events in %d bytes; the output has %d in %d", st.Checkpoint.Events, st.Output.Length, n, len(data))
	}
	if r := runCLI(t, creds, append(args, "--quiet")...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	if got, want := lines(t, readFile(t, out)), compactAll(t, fake.Events()); !slices.Equal(got, want) {
		t.Errorf("after the interrupt and resume: %d lines, want the fake's %d in order", len(got), len(want))
	}
}

func TestFailureMidWalkKeepsCheckpointThenResumes(t *testing.T) {
	// Two pages served, then a 500 (not retried): exit 1, with what was
	// written checkpointed; the next run picks up from there.
	fake, creds := ciscoFake(t, 500, audittest.CiscoOptions{
		Faults: audittest.Faults{Script: []audittest.Fault{audittest.FaultNone, audittest.FaultNone, audittest.FaultServerError}},
	})
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "100", "--output", out, "--checkpoint", cp}
	r := runCLI(t, creds, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	last := lastLine(r.stderr)
	if !strings.HasPrefix(last, "auditkit: cisco: ") || !strings.Contains(last, "500") {
		t.Errorf("reason %q: want auditkit: cisco: ... 500", last)
	}
	if !strings.Contains(r.stderr, "cisco: 200 events, 2 pages") || !strings.Contains(r.stderr, "; failed") {
		t.Errorf("summary missing or wrong:\n%s", r.stderr)
	}
	st, err := readState(cp)
	if err != nil {
		t.Fatal(err)
	}
	if data := readFile(t, out); st.Output.Length != int64(len(data)) || st.Checkpoint.Events != 200 {
		t.Errorf("checkpoint: %d events in %d bytes; output %d bytes", st.Checkpoint.Events, st.Output.Length, len(data))
	}
	if r := runCLI(t, creds, append(args, "--quiet")...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	if got, want := lines(t, readFile(t, out)), compactAll(t, fake.Events()); !slices.Equal(got, want) {
		t.Errorf("%d lines, want the fake's %d in order", len(got), len(want))
	}
}
