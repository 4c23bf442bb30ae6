package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
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

// mustRun is runCLI that fails the test unless the run exits 0.
func mustRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := runCLI(t, env, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
	}
	return r
}

// usageCase is a command line that must be refused as a usage error.
type usageCase struct {
	env  map[string]string // the whole environment
	args []string
	want []string // what stderr must name
}

// checkUsage runs each case and fails unless it exits 2 with nothing on
// stdout and a stderr that names every want and no credential (no value of
// a secret setting's variable, nothing holding "s3cr3t"); a refused pull's
// stderr is one line starting "auditkit: ".
func checkUsage(t *testing.T, cases []usageCase) {
	t.Helper()
	secret := map[string]bool{}
	for _, v := range vendors.All() {
		for _, s := range v.Settings {
			secret[s.Env] = s.Secret
		}
	}
	for _, tt := range cases {
		name := slices.Clone(tt.args)
		for _, k := range slices.Sorted(maps.Keys(tt.env)) {
			name = append(name, map[bool]string{false: k + "=" + tt.env[k], true: k}[secret[k]])
		}
		t.Run(strings.Join(name, " "), func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not name %q: %s", w, r.stderr)
				}
			}
			if len(tt.args) > 0 && tt.args[0] == "pull" && (strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "auditkit: ")) {
				t.Errorf("stderr is not one line starting auditkit: %q", r.stderr)
			}
			for k, val := range tt.env {
				if secret[k] && val != "" && strings.Contains(r.stderr, val) || strings.Contains(r.stderr, "s3cr3t") {
					t.Errorf("stderr holds a credential (%s): %s", k, r.stderr)
				}
			}
		})
	}
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

// sameMultiset reports whether a and b hold the same lines as many times.
func sameMultiset(a, b []string) bool {
	extra, lost := walktest.Tally(a, b)
	return extra+lost == 0
}

// someLines is lines, failing the test when there is none.
func someLines(t *testing.T, s string) []string {
	t.Helper()
	if s == "" {
		t.Fatal("no event")
	}
	return lines(t, s)
}

// ocsfEvent is what the tests read of an OCSF event line; it fails the test
// unless the line is a valid event.
type ocsfEvent struct {
	Class    float64 `json:"class_uid"`
	Time     int64   `json:"time"`
	RawData  string  `json:"raw_data"`
	Metadata struct {
		Product struct {
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
}

func readEvent(t *testing.T, line string) (ev ocsfEvent) {
	t.Helper()
	if err := ocsf.ValidateJSON([]byte(line)); err != nil || json.Unmarshal([]byte(line), &ev) != nil {
		t.Fatalf("not a valid OCSF event (%v): %s", err, line)
	}
	return ev
}

func toRaw(s []string) []json.RawMessage {
	out := make([]json.RawMessage, len(s))
	for i, x := range s {
		out[i] = json.RawMessage(x)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// The CLI's own usage errors (through Cisco; each vendor's are in
// TestVendorUsageErrors) exit 2 before any request.
func TestUsageErrorsExit2BeforeAnyRequest(t *testing.T) {
	fake, creds := ciscoFake(t, 50, audittest.CiscoOptions{})
	base := func(args ...string) []string {
		return append([]string{"pull", "cisco", "--base-url", fake.URL()}, args...)
	}
	onlyID := map[string]string{"CISCO_CLIENT_ID": creds["CISCO_CLIENT_ID"]}
	tests := []usageCase{
		{creds, nil, []string{"Usage:"}},
		{creds, []string{"fetch"}, []string{`unknown command "fetch"`}},
		{creds, []string{"pull"}, []string{"one vendor", "cisco"}},
		{creds, []string{"pull", "nope"}, []string{`unknown vendor "nope"`, "cisco"}},
		{creds, []string{"pull", "cisco", "cisco"}, []string{"one vendor"}},
		{creds, base("--bogus"), []string{"-bogus"}},
		{creds, base("--filter", "nope=1"), []string{`unknown filter "nope"`, "audit_log_type, audit_log_id, event, audit_log_user"}},
		{creds, base("--filter", "event"), []string{"NAME=VALUE"}},
		{creds, base("--filter", "audit_log_id=not-a-guid"), []string{"audit_log_id", "not-a-guid", "GUID"}},
		{creds, base("--since", "yesterday"), []string{"--since", "RFC 3339", "24h"}},
		{creds, base("--since", "-5h"), []string{"--since"}},
		{creds, base("--since", "2024-06-19T00:00:00Z", "--until", "2024-06-18T00:00:00Z"), []string{"is after --until"}},
		{creds, base("--format", "xml"), []string{"--format", "ocsf or raw"}},
		{creds, base("--page-size", "501"), []string{"limit", "500"}},
		{creds, base("--max-events", "-1"), []string{"--max-events"}},
		{creds, base("--log-level", "loud"), []string{"--log-level"}},
		{creds, base("--org", "x"), []string{"--org is not a setting of cisco"}},
		{creds, base("--demo-faults"), []string{"--demo-faults needs --demo"}},
		{creds, base("--demo"), []string{"exclude each other"}},
		{nil, base(), []string{"client_id (CISCO_CLIENT_ID)", "required", "credentials come from the environment only"}},
		{onlyID, base(), []string{"api_key (CISCO_API_KEY)", "required"}},
		{creds, base("--order", "sideways"), []string{"--order", "oldest-first"}},
		{creds, base("--order", "oldest-first"), []string{"order", "oldest-first", "newest first"}},
		// Plain http to a host that is not loopback needs --allow-http.
		{creds, []string{"pull", "cisco", "--base-url", "http://audit.example.invalid"}, []string{"--base-url", "in clear", "--allow-http"}},
	}
	// --rate-limit must be a positive finite number within sane bounds.
	for _, v := range []string{"1e-300", "NaN", "nan", "Inf", "+Inf", "-Inf", "-1", "0", "0.0009", "1000001", "1e400", "fast", ""} {
		tests = append(tests, usageCase{creds, base("--rate-limit", v), []string{"--rate-limit", "0.001", "1e+06"}})
	}
	checkUsage(t, tests)
	if reqs := fake.Requests(); len(reqs) != 0 {
		t.Errorf("usage errors sent %d requests, first %v", len(reqs), reqs[0])
	}
	// The bounds themselves are accepted (TestVendorDemoPull pulls at 1e6).
	for v, want := range map[string]float64{"0.001": 0.001, "1e6": 1e6, " 2.5 ": 2.5, "1000000": 1e6} {
		if r, err := parseRateLimit(v); err != nil || r != want {
			t.Errorf("--rate-limit %q: %v, %v", v, r, err)
		}
	}
	for u, want := range map[string]bool{"http://audit.example.invalid": true, "HTTP://10.1.2.3": true, "https://audit.example.invalid": false,
		"http://127.0.0.1:8080": false, "http://127.9.9.9": false, "http://[::1]:80/x": false, "http://localhost:1": false, "": false} {
		if got := insecureURL(u); got != want {
			t.Errorf("insecureURL(%q) = %v, want %v", u, got, want)
		}
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
	for _, flag := range []string{"--base-url", "--since", "--until", "--format", "--output", "--checkpoint", "--page-size", "--max-events", "--filter",
		"--objects", "--org", "--server", "--tenant", "--demo", "--quiet", "--log-level", "--allow-partial"} {
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
		if last := lastLine(r.stderr); !strings.HasPrefix(last, "auditkit: cisco: ") || !strings.Contains(strings.ToLower(last), "401") {
			t.Errorf("last stderr line %q: want auditkit: cisco: ... 401", last)
		}
		walktest.NoSecrets(t, []string{id, key, wrong, env["CISCO_CLIENT_ID"], env["CISCO_API_KEY"]}, map[string]string{"stdout": r.stdout, "stderr": r.stderr})
	}
}

func TestPullFormats(t *testing.T) {
	fake, creds := ciscoFake(t, 700, audittest.CiscoOptions{})
	want := walktest.CompactAll(t, fake.Events())
	raw := mustRun(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "100")
	walktest.Diff(t, lines(t, raw.stdout), want) // in order
	if m := regexp.MustCompile(`^cisco: 700 events, 7 pages, 0 retries, \S+ \(\d+ events/s\)\n$`); !m.MatchString(raw.stderr) {
		t.Errorf("summary %q", raw.stderr)
	}
	oc := mustRun(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--page-size", "100", "--quiet")
	if oc.stderr != "" {
		t.Errorf("--quiet wrote to stderr: %q", oc.stderr)
	}
	got := lines(t, oc.stdout)
	if len(got) != 700 {
		t.Fatalf("%d OCSF events, want 700", len(got))
	}
	var raws []string
	for _, l := range got {
		raws = append(raws, readEvent(t, l).RawData)
	}
	walktest.Diff(t, walktest.CompactAll(t, toRaw(raws)), want) // the OCSF events' raw_data are the fake's records
}

// Filters and the window reach the API. --until is exclusive: the end_time
// sent is the last whole second before it (Cisco's end_time is inclusive,
// to the second); the records at exactly --since and a second before
// --until are pulled, those a second before --since and at --until not.
func TestFilterAndWindowReachTheAPI(t *testing.T) {
	fake, creds := ciscoFake(t, 300, audittest.CiscoOptions{})
	for _, r := range [][2]string{{"2024-06-17T23:59:59Z", "before since"}, {"2024-06-18T00:00:00Z", "at since"}, {"2024-06-19T05:59:59Z", "last second"}, {"2024-06-19T06:00:00Z", "at until"}} {
		fake.Add(json.RawMessage(`{"event":"login","audit_log_type":"User","audit_log_id":"16db5cf986eec6f44422","audit_log_user":"a@example.com",` +
			`"created_at":"` + r[0] + `","new_attributes":{"name":"` + r[1] + `"}}`))
	}
	r := mustRun(t, creds, "pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--quiet",
		"--filter", "audit_log_type=User", "--filter", "event=login", "--since", "2024-06-18T00:00:00Z", "--until", "2024-06-19T06:00:00Z")
	got := someLines(t, r.stdout)
	if !strings.Contains(r.stdout, `"at since"`) || !strings.Contains(r.stdout, `"last second"`) {
		t.Errorf("the records at --since and a second before --until are not pulled")
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
	for _, req := range fake.Requests() {
		for k, v := range map[string]string{"audit_log_type": "User", "event": "login", "start_time": "2024-06-18T00:00:00+00:00", "end_time": "2024-06-19T05:59:59+00:00"} {
			if req.Query.Get(k) != v {
				t.Errorf("request %s=%q, want %q", k, req.Query.Get(k), v)
			}
		}
	}
}

// A pull stopped early (by --max-events, an interrupt or a failure) leaves
// a checkpoint counting exactly the whole lines of the output; the next run
// resumes from it, and the output ends as the fake's records in order, also
// when a run killed between writing and checkpointing left events and a
// torn line past the checkpoint.
func TestStopThenResume(t *testing.T) {
	for _, tt := range []struct {
		name   string
		n      int
		faults audittest.Faults
		args   []string // of both runs
		first  []string // of the first run only
		cancel bool     // interrupt the first run once some events are on disk
		code   int
		events int      // the checkpoint's count; -1: any
		want   []string // in the first run's stderr
		last   string   // in its last line, "auditkit: cisco: ..."
		torn   bool     // append events and a torn line before resuming
	}{
		{"max events", 700, audittest.Faults{}, []string{"--page-size", "100"}, []string{"--max-events", "250", "--quiet"}, false, 0, 250, nil, "", false},
		{"output past the checkpoint", 300, audittest.Faults{}, []string{"--page-size", "50"}, []string{"--max-events", "120", "--quiet"}, false, 0, 120, nil, "", true},
		{"interrupt", 600, audittest.Faults{}, []string{"--page-size", "20", "--rate-limit", "50"}, nil, true, 1, -1, nil, "interrupted after", false},
		// Two pages served, then a 500 (not retried).
		{"failure", 500, audittest.Faults{Script: []audittest.Fault{audittest.FaultNone, audittest.FaultNone, audittest.FaultServerError}},
			[]string{"--page-size", "100"}, nil, false, 1, 200, []string{"cisco: 200 events, 2 pages", "; failed"}, "500", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake, creds := ciscoFake(t, tt.n, audittest.CiscoOptions{Faults: tt.faults})
			dir := t.TempDir()
			out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
			args := append([]string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--output", out, "--checkpoint", cp}, tt.args...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan result, 1)
			go func() { done <- runCLIWith(t, ctx, creds, nil, append(slices.Clone(args), tt.first...)...) }()
			for tt.cancel {
				if fi, err := os.Stat(out); err == nil && fi.Size() > 20_000 {
					cancel()
					break
				}
				select {
				case r := <-done:
					t.Fatalf("finished before the interrupt: %d %s", r.code, r.stderr)
				case <-time.After(5 * time.Millisecond):
				}
			}
			r := <-done
			if last := lastLine(r.stderr); r.code != tt.code || tt.last != "" && (!strings.HasPrefix(last, "auditkit: cisco: ") || !strings.Contains(last, tt.last)) {
				t.Fatalf("exit %d, stderr %q; want %d and a last line auditkit: cisco: ...%s", r.code, r.stderr, tt.code, tt.last)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, r.stderr)
				}
			}
			data := readFile(t, out)
			n := len(lines(t, data))
			if st, err := readState(cp); err != nil || st == nil || st.Output.Length != int64(len(data)) || st.Checkpoint.Events != int64(n) ||
				tt.events >= 0 && n != tt.events || st.Checkpoint.Complete() {
				t.Fatalf("checkpoint %+v (%v); the output has %d events in %d bytes, want %d", st, err, n, len(data), tt.events)
			}
			if tt.torn {
				os.WriteFile(out, []byte(data+lines(t, data)[0]+"\n{\"event\":\"torn"), 0o600)
			}
			mustRun(t, creds, append(args, "--quiet")...)
			walktest.Diff(t, lines(t, readFile(t, out)), walktest.CompactAll(t, fake.Events())) // after resuming, in order
		})
	}
}

func TestCheckpointRefusals(t *testing.T) {
	fake, creds := ciscoFake(t, 120, audittest.CiscoOptions{})
	dir := t.TempDir()
	out, cp, other := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json"), filepath.Join(dir, "other.ndjson")
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--page-size", "50", "--output", out, "--checkpoint", cp, "--quiet"}
	mustRun(t, creds, args...)
	good := readFile(t, cp)
	requests := len(fake.Requests())
	for _, tt := range []struct {
		name string
		args []string
		edit func(*state)
		code int
		want string
	}{
		{"other filters", append(slices.Clone(args), "--filter", "event=login"), nil, 2, "other filters"},
		{"other format", append(slices.Clone(args), "--format", "raw"), nil, 2, "--format ocsf, not raw"},
		{"to stdout", []string{"pull", "cisco", "--base-url", fake.URL(), "--checkpoint", cp}, nil, 2, "not to stdout"},
		{"other output", []string{"pull", "cisco", "--base-url", fake.URL(), "--page-size", "50", "--output", other, "--checkpoint", cp}, nil, 2, "not " + other},
		{"other vendor", args, func(s *state) { s.Vendor, s.Checkpoint.Vendor = "automox", "automox" }, 2, "is of a automox pull, not cisco"},
		{"a demo's checkpoint", args, func(s *state) { s.Demo = true }, 2, "is of a --demo pull"},
		{"future format", args, func(s *state) { s.Auditkit = 9 }, 2, "format version 9"},
		{"output shortened", args, func(s *state) { s.Output.Length += 10 }, 1, "shorter than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(good)
			if tt.edit != nil {
				var st state
				if err := json.Unmarshal(b, &st); err != nil {
					t.Fatal(err)
				}
				tt.edit(&st)
				b, _ = json.Marshal(&st)
			}
			if err := os.WriteFile(cp, b, 0o600); err != nil {
				t.Fatal(err)
			}
			before := readFile(t, out)
			r := runCLI(t, creds, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || !strings.HasPrefix(r.stderr, "auditkit: cisco: ") {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
			if readFile(t, out) != before {
				t.Error("the output was changed")
			}
		})
	}
	if n := len(fake.Requests()); n != requests {
		t.Errorf("refused checkpoints sent %d requests", n-requests)
	}
}

func TestIncrementalStdout(t *testing.T) {
	fake, creds := ciscoFake(t, 200, audittest.CiscoOptions{})
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--format", "raw", "--page-size", "50", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"), "--quiet"}
	mustRun(t, creds, args...)
	if again := mustRun(t, creds, args...); again.stdout != "" {
		t.Fatalf("rerun with nothing new: %d bytes out", len(again.stdout))
	}
	added := newEventsAt(t, fake, 5)
	fake.Add(added...)
	inc := mustRun(t, creds, args...)
	if got, want := lines(t, inc.stdout), walktest.CompactAll(t, added); !sameMultiset(got, want) {
		t.Errorf("incremental run wrote %d lines, want exactly the %d added:\n%s", len(got), len(want), inc.stdout)
	}
}

// newEventsAt returns n new records dated from the newest second of the
// fake's data set on (the first ones exactly at it, so they share the
// high-water mark's timestamp), none after now.
func newEventsAt(t *testing.T, fake *audittest.Cisco, n int) []json.RawMessage {
	t.Helper()
	var newest struct {
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal(fake.Events()[0], &newest); err != nil {
		t.Fatal(err)
	}
	at := newest.CreatedAt
	out := make([]json.RawMessage, 0, n)
	for i, r := range audittest.GenerateCiscoEvents(n, time.Now().UnixNano(), at) {
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

// Every vendor's whole demo data set comes through with faults injected,
// the summary counting the retries: valid OCSF events (by the reference
// validator too, which skips the test when it is missing, after the other
// checks) of the vendor's every kind, over days.
func TestDemoWhole(t *testing.T) {
	for _, v := range vendors.All() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, nil, "pull", v.Name, "--demo", "--demo-faults", "--page-size", "100")
			if m := regexp.MustCompile(`\n` + v.Name + `: \d+ events, \d+ pages, ([1-9]\d*) retr`); !m.MatchString("\n" + r.stderr) {
				t.Errorf("summary shows no retry: %q", tail(r.stderr, 300))
			}
			got := lines(t, r.stdout)
			if len(got) != audittest.DefaultDemoEvents {
				t.Fatalf("%d events, want %d", len(got), audittest.DefaultDemoEvents)
			}
			classes := map[float64]int{}
			var first, last time.Time
			for _, l := range got {
				ev := readEvent(t, l)
				classes[ev.Class]++
				if at := time.UnixMilli(ev.Time); first.IsZero() || at.Before(first) {
					first = at
				}
				if at := time.UnixMilli(ev.Time); at.After(last) {
					last = at
				}
			}
			if len(classes) < cliVendors[v.Name].classes {
				t.Errorf("the demo covers %d OCSF classes (%v), want the vendor's every kind (%d)", len(classes), classes, cliVendors[v.Name].classes)
			}
			if span := last.Sub(first); span < 48*time.Hour {
				t.Errorf("the demo spans %s, want several days", span)
			}
			t.Logf("validate.py: %s", walktest.NeedValidator(t).Check(t, []byte(r.stdout), len(got)))
		})
	}
}

func TestDemoResumesAcrossFakes(t *testing.T) {
	hour := time.Now().UTC().Truncate(time.Hour)
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "cp.json")
	args := []string{"pull", "cisco", "--demo", "--format", "raw", "--page-size", "200", "--output", out, "--checkpoint", cp, "--quiet"}
	mustRun(t, nil, append(args, "--max-events", "1000")...)
	mustRun(t, nil, args...)
	got := lines(t, readFile(t, out))
	if !time.Now().UTC().Truncate(time.Hour).Equal(hour) {
		t.Skip("the hour turned during the test: the demo fakes served different data sets")
	}
	want := walktest.CompactAll(t, audittest.GenerateCiscoEvents(audittest.DefaultDemoEvents, 1, hour.Add(-2*time.Second))) // as the demo makes them
	if !sameMultiset(got, want) {
		t.Errorf("demo resumed: %d lines, want the demo's %d records exactly once", len(got), len(want))
	}
}

func TestLiveProgressLine(t *testing.T) {
	fake, creds := ciscoFake(t, 400, audittest.CiscoOptions{})
	terminal := func() bool { return true }
	// 20 pages at 40 requests/s: the walk lasts longer than a redraw.
	args := []string{"pull", "cisco", "--base-url", fake.URL(), "--page-size", "20", "--rate-limit", "40"}
	r := runCLIWith(t, context.Background(), creds, terminal, args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`\rcisco: \d+ events?, \d+ pages?, \d+ retr\w+, \d+ events/s\x1b\[K`).MatchString(r.stderr) {
		t.Errorf("no live line in %q", r.stderr)
	}
	if !regexp.MustCompile(`\r\x1b\[Kcisco: 400 events, 20 pages, 0 retries, \S+ \(\d+ events/s\)\n$`).MatchString(r.stderr) {
		t.Errorf("the live line is not cleared before the summary: %q", tail(r.stderr, 200))
	}
	if q := runCLIWith(t, context.Background(), creds, terminal, append(args, "--quiet")...); q.code != 0 || q.stderr != "" {
		t.Errorf("--quiet on a terminal: exit %d, stderr %q", q.code, q.stderr)
	}
}
