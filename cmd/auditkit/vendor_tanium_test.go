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
	"github.com/auditkit/auditkit/internal/walktest"
)

// taniumDeep starts a Tanium fake with objects histories of perObject
// entries each and returns it with the environment and the arguments that
// pull all of it (raw records, quiet, no client-side wait).
func taniumDeep(t *testing.T, objects, perObject int) (*audittest.Tanium, map[string]string, []string) {
	t.Helper()
	f := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumHistories(objects, perObject, 5, testEnd)})
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
	return walktest.CompactAll(t, raws)
}

// taniumTime is an entry's modification_time.
func taniumTime(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	var m struct {
		ModificationTime time.Time `json:"modification_time"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.ModificationTime
}

// The case: 20 objects with about 150 entries each, no --since,
// the default depth (100). Every entry comes through: 3,000 of 3,000, exit
// 0, nothing on stderr.
func TestTaniumDeepHistoriesWhole(t *testing.T) {
	f, env, args := taniumDeep(t, 20, 150)
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
	f, env, args := taniumDeep(t, 3, 150)
	args = append(args, "--filter", "max_history_size=120", "--since", "2024-01-01T00:00:00Z")
	var want, wantParts []string
	for _, o := range f.Objects() {
		h := f.History(o)
		want = append(want, walktest.CompactAll(t, h[:120])...)
		wantParts = append(wantParts, o+" back to "+taniumTime(t, h[119]).Format(time.RFC3339))
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
		walktest.Diff(t, lines(t, r.stdout), want) // the entries read
		if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "auditkit: tanium: partial pull") {
			t.Fatalf("--allow-partial %v: stderr is not one line: %q", allow, r.stderr)
		}
		for _, p := range append(wantParts, "120 entries") {
			if !strings.Contains(r.stderr, p) {
				t.Errorf("--allow-partial %v: stderr does not name %q: %s", allow, p, r.stderr)
			}
		}
		walktest.NoSecrets(t, []string{f.APIToken()}, map[string]string{"stderr": r.stderr})
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
	f, env, args := taniumDeep(t, 4, 150)
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
	want := walktest.CompactAll(t, added)
	slices.Reverse(want)                       // newest first, as the history is served
	walktest.Diff(t, lines(t, r.stdout), want) // the new ones
}

// The window is half-open through the CLI too: --since at an entry's time
// writes it, --until at another's does not.
func TestTaniumHalfOpenWindowCLI(t *testing.T) {
	f, env, args := taniumDeep(t, 2, 150)
	h := f.History(f.Objects()[0])
	since, until := taniumTime(t, h[30]), taniumTime(t, h[10])
	var want []string
	for _, rec := range taniumRecords(t, f) {
		if ts := taniumTime(t, json.RawMessage(rec)); !ts.Before(since) && ts.Before(until) {
			want = append(want, rec)
		}
	}
	got := lines(t, mustRun(t, env, append(args, "--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339))...).stdout)
	if !slices.Equal(got, want) || !slices.Contains(got, walktest.CompactAll(t, h[30:31])[0]) || slices.Contains(got, walktest.CompactAll(t, h[10:11])[0]) {
		t.Errorf("%d lines, want %d: the entry at --since must be in, the one at --until out", len(got), len(want))
	}
}
