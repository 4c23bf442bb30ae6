package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// The whole demo data set comes through, with faults injected.
func TestTaniumDemoPullAllWithFaults(t *testing.T) {
	code, out, errs := cli(t, nil, "pull", "tanium", "--demo", "--demo-faults", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := len(strings.Split(strings.TrimSpace(out), "\n")); n != audittest.DefaultDemoEvents {
		t.Errorf("%d events, want the demo's %d", n, audittest.DefaultDemoEvents)
	}
}

func TestTaniumUsageErrors(t *testing.T) {
	env := map[string]string{"TANIUM_API_TOKEN": "t0ken-value"}
	base := []string{"pull", "tanium", "--base-url", "https://tanium.example.com"}
	tests := []usageCase{
		{"bad filter value", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=0"), []string{"audit_history_size"}},
		{"filter not a number", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=many"), []string{"audit_history_size"}},
		{"filter too large", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=10001"), []string{"audit_history_size"}},
		{"max depth zero", env, append(base, "--objects", "user:1", "--filter", "max_history_size=0"), []string{"max_history_size"}},
		{"max depth not a number", env, append(base, "--objects", "user:1", "--filter", "max_history_size=deep"), []string{"max_history_size"}},
		{"max depth too large", env, append(base, "--objects", "user:1", "--filter", "max_history_size=10001"), []string{"max_history_size", "10000"}},
		{"first depth above the max", env, append(base, "--objects", "user:1", "--filter", "max_history_size=50", "--page-size", "100"), []string{"audit_history_size", "50"}},
		{"missing token", nil, append(base, "--objects", "user:1"), []string{"TANIUM_API_TOKEN"}},
		{"missing objects", env, base, []string{"objects", "TANIUM_OBJECTS"}},
		{"unknown type", env, append(base, "--objects", "widget:1"), []string{"objects", "widget:1", "TANIUM_OBJECTS"}},
		{"bad id", env, append(base, "--objects", "user:x"), []string{"objects", "user:x"}},
		{"missing server", env, []string{"pull", "tanium", "--objects", "user:1"}, []string{"server", "TANIUM_SERVER"}},
		{"server not a URL", env, []string{"pull", "tanium", "--objects", "user:1", "--server", "ftp://tanium.example.com"}, []string{"server", "TANIUM_SERVER"}},
		{"unknown filter", env, append(base, "--objects", "user:1", "--filter", "count=5"), []string{"count", "audit_history_size"}},
		{"order", env, append(base, "--objects", "user:1", "--order", "newest-first"), []string{"order", "no time order"}},
	}
	checkUsageErrors(t, "t0ken-value", tests)
}

// The server and the objects come from their flags (--server, --objects)
// or from TANIUM_SERVER and TANIUM_OBJECTS; --base-url stands in for the
// server, and a flag wins over its variable.
func TestTaniumSettingsFromFlagsOrEnvironment(t *testing.T) {
	f, env, _ := taniumDeep(t, 3, 5, audittest.TaniumOptions{})
	objs := f.Objects()
	quiet := []string{"pull", "tanium", "--format", "raw", "--rate-limit", "1000", "--quiet"}
	withEnv := func(kv ...string) map[string]string {
		m := map[string]string{"TANIUM_API_TOKEN": env["TANIUM_API_TOKEN"]}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"flags", withEnv(), []string{"--server", f.URL(), "--objects", f.ObjectList()}, 15},
		{"environment", withEnv("TANIUM_SERVER", f.URL(), "TANIUM_OBJECTS", f.ObjectList()), nil, 15},
		{"flag over environment", withEnv("TANIUM_SERVER", "https://tanium.invalid", "TANIUM_OBJECTS", f.ObjectList()), []string{"--server", f.URL(), "--objects", objs[1]}, 5},
		{"base URL over server", withEnv("TANIUM_SERVER", "https://tanium.invalid", "TANIUM_OBJECTS", objs[0]+","+objs[2]), []string{"--base-url", f.URL()}, 10},
	} {
		r := runCLI(t, tc.env, append(slices.Clone(quiet), tc.args...)...)
		if r.code != 0 || len(lines(t, r.stdout)) != tc.want {
			t.Errorf("%s: exit %d, %d lines, want %d: %s", tc.name, r.code, len(lines(t, r.stdout)), tc.want, r.stderr)
		}
	}
}

// taniumDeep starts a Tanium fake with objects histories of perObject
// entries each and returns it with the environment and the arguments that
// pull all of it (raw records, quiet, no client-side wait).
func taniumDeep(t *testing.T, objects, perObject int, opts audittest.TaniumOptions) (*audittest.Tanium, map[string]string, []string) {
	t.Helper()
	opts.Events = audittest.GenerateTaniumHistories(objects, perObject, 5, testEnd)
	f := audittest.StartTanium(t, opts)
	return f, map[string]string{"TANIUM_API_TOKEN": f.APIToken()},
		[]string{"pull", "tanium", "--base-url", f.URL(), "--objects", f.ObjectList(), "--format", "raw", "--rate-limit", "1000", "--quiet"}
}

// taniumRecords returns the fake's whole data set as the raw lines a pull
// writes, in walk order.
func taniumRecords(t *testing.T, f *audittest.Tanium) []string {
	t.Helper()
	var raws []json.RawMessage
	for _, e := range f.Events() {
		raws = append(raws, e.Raw)
	}
	return compactAll(t, raws)
}

// The case: 20 objects with about 150 entries each, no --since,
// the default depth (100). Every entry comes through: 3,000 of 3,000, exit
// 0, nothing on stderr.
func TestTaniumDeepHistoriesWhole(t *testing.T) {
	f, env, args := taniumDeep(t, 20, 150, audittest.TaniumOptions{})
	r := runCLI(t, env, args...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got := lines(t, r.stdout)
	if !slices.Equal(got, taniumRecords(t, f)) || len(got) != 3000 {
		t.Errorf("%d of 3000 entries, or not in the walk's order", len(got))
	}
}

// A history still short of --since at the deepest read allowed: the
// entries read are written, one line on stderr names the vendor, each
// object and the oldest time reached, and the exit status is 1, or 0 with
// --allow-partial (the line still printed).
func TestTaniumPartialPull(t *testing.T) {
	f, env, args := taniumDeep(t, 3, 150, audittest.TaniumOptions{})
	args = append(args, "--filter", "max_history_size=120", "--since", "2024-01-01T00:00:00Z")
	var want []string
	var wantParts []string
	for _, o := range f.Objects() {
		h := f.History(o)
		want = append(want, compactAll(t, h[:120])...)
		var m struct {
			ModificationTime time.Time `json:"modification_time"`
		}
		if err := json.Unmarshal(h[119], &m); err != nil {
			t.Fatal(err)
		}
		wantParts = append(wantParts, o+" back to "+m.ModificationTime.Format(time.RFC3339))
	}
	for _, allow := range []bool{false, true} {
		a := slices.Clone(args)
		wantCode := 1
		if allow {
			a, wantCode = append(a, "--allow-partial"), 0
		}
		r := runCLI(t, env, a...)
		if r.code != wantCode {
			t.Errorf("--allow-partial %v: exit %d, want %d: %s", allow, r.code, wantCode, r.stderr)
		}
		if got := lines(t, r.stdout); !slices.Equal(got, want) {
			t.Errorf("--allow-partial %v: %d lines written, want the %d read", allow, len(got), len(want))
		}
		if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "auditkit: tanium: partial pull") {
			t.Fatalf("--allow-partial %v: stderr is not one line: %q", allow, r.stderr)
		}
		for _, p := range append(wantParts, "120 entries") {
			if !strings.Contains(r.stderr, p) {
				t.Errorf("--allow-partial %v: stderr does not name %q: %s", allow, p, r.stderr)
			}
		}
		if strings.Contains(r.stderr, f.APIToken()) {
			t.Error("stderr holds the token")
		}
	}
	// The flag is documented.
	if r := runCLI(t, nil, "pull", "-h"); !strings.Contains(r.stdout, "--allow-partial") {
		t.Error("pull -h does not document --allow-partial")
	}
	// Covered window: no line, exit 0.
	r := runCLI(t, env, append(slices.Clone(args[:len(args)-4]), "--since", "2024-06-19T11:00:00Z")...)
	if r.code != 0 || r.stderr != "" {
		t.Errorf("covered window: exit %d, stderr %q", r.code, r.stderr)
	}
}

// An incremental pull (--checkpoint) after more than the default depth of
// new entries arrived in one object writes exactly the new ones.
func TestTaniumIncrementalDeepening(t *testing.T) {
	f, env, args := taniumDeep(t, 4, 150, audittest.TaniumOptions{})
	cp := filepath.Join(t.TempDir(), "cp.json")
	args = append(args, "--checkpoint", cp)
	r := runCLI(t, env, args...)
	if r.code != 0 || len(lines(t, r.stdout)) != 600 {
		t.Fatalf("first pull: exit %d, %d lines: %s", r.code, len(lines(t, r.stdout)), r.stderr)
	}
	obj := f.Objects()[2]
	typ, id, _ := strings.Cut(obj, ":")
	var added []json.RawMessage
	for i := range 230 {
		raw := json.RawMessage(fmt.Sprintf(`{"object_id":%s,"details":"name=x\nrevision=new %d","creation_time":"2024-06-01T00:00:00Z","modification_time":%q,"last_modified_by":"tanium","modifier_user_id":1,"type":1}`,
			id, i, testEnd.Add(time.Duration(1+i)*time.Second).Format(time.RFC3339)))
		added = append(added, raw)
		f.Add(audittest.TaniumEntry{Type: typ, ID: id, Raw: raw})
	}
	r = runCLI(t, env, args...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("second pull: exit %d: %s", r.code, r.stderr)
	}
	want := compactAll(t, added)
	slices.Reverse(want) // newest first, as the history is served
	if got := lines(t, r.stdout); !slices.Equal(got, want) {
		t.Errorf("second pull wrote %d lines, want the %d new ones", len(got), len(want))
	}
}

// The window is half-open through the CLI too: --since at an entry's time
// writes it, --until at another's does not.
func TestTaniumHalfOpenWindowCLI(t *testing.T) {
	f, env, args := taniumDeep(t, 2, 150, audittest.TaniumOptions{})
	h := f.History(f.Objects()[0])
	at := func(raw json.RawMessage) time.Time {
		var m struct {
			ModificationTime time.Time `json:"modification_time"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m.ModificationTime
	}
	since, until := at(h[30]), at(h[10])
	var want []string
	for _, rec := range taniumRecords(t, f) {
		if ts := at(json.RawMessage(rec)); !ts.Before(since) && ts.Before(until) {
			want = append(want, rec)
		}
	}
	r := runCLI(t, env, append(args, "--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339))...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := lines(t, r.stdout)
	if !slices.Equal(got, want) || !slices.Contains(got, compactAll(t, h[30:31])[0]) || slices.Contains(got, compactAll(t, h[10:11])[0]) {
		t.Errorf("%d lines, want %d: the entry at --since must be in, the one at --until out", len(got), len(want))
	}
}

// --base-url is the origin, with an optional path prefix (a proxy): the
// documented path /api/v2/audit_logs/... is appended to it, with or
// without a trailing slash.
func TestTaniumBaseURLIsTheOrigin(t *testing.T) {
	f, env, args := taniumDeep(t, 2, 5, audittest.TaniumOptions{BasePath: "/gw/tanium"})
	for _, base := range []string{f.URL(), f.URL() + "/"} {
		a := slices.Clone(args)
		a[3] = base
		r := runCLI(t, env, a...)
		if r.code != 0 || len(lines(t, r.stdout)) != 10 {
			t.Errorf("--base-url %s: exit %d, %d lines: %s", base, r.code, len(lines(t, r.stdout)), r.stderr)
		}
	}
	for _, req := range f.Requests() {
		if !strings.HasPrefix(req.Path, "/gw/tanium/api/v2/audit_logs/") {
			t.Errorf("request to %s", req.Path)
		}
	}
	if !strings.HasSuffix(f.URL(), "/gw/tanium") {
		t.Fatalf("fake URL %s lacks its prefix", f.URL())
	}
}

// --rate-limit must be a positive finite number within sane bounds; the
// others are usage errors, before any request.
func TestRateLimitFlag(t *testing.T) {
	env := map[string]string{"TANIUM_API_TOKEN": "t0ken-value"}
	base := []string{"pull", "tanium", "--base-url", "https://tanium.example.com", "--objects", "user:1"}
	var tests []usageCase
	for _, v := range []string{"1e-300", "NaN", "nan", "Inf", "+Inf", "-Inf", "-1", "0", "0.0009", "1000001", "1e400", "fast", ""} {
		tests = append(tests, usageCase{"rate " + v, env, append(slices.Clone(base), "--rate-limit", v), []string{"--rate-limit", "0.001", "1e+06"}})
	}
	checkUsageErrors(t, "t0ken-value", tests)
	// The bounds themselves are accepted (a pull at 0.001 requests per
	// second would take hours: only the parsing is run for it).
	for v, want := range map[string]float64{"0.001": 0.001, "1e6": 1e6, " 2.5 ": 2.5, "1000000": 1e6} {
		if r, err := parseRateLimit(v); err != nil || r != want {
			t.Errorf("--rate-limit %q: %v, %v", v, r, err)
		}
	}
	if r := runCLI(t, nil, "pull", "tanium", "--demo", "--max-events", "1", "--quiet", "--rate-limit", "1e6"); r.code != 0 {
		t.Errorf("--rate-limit 1e6: exit %d: %s", r.code, r.stderr)
	}
}
