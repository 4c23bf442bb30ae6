package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

// automoxRun runs the command with the environment vars only.
func automoxRun(vars map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestAutomoxDemoPull(t *testing.T) {
	for _, faults := range []bool{false, true} {
		args := []string{"pull", "automox", "--demo", "--max-events", "200", "--quiet"}
		if faults {
			args = append(args, "--demo-faults")
		}
		code, out, errOut := automoxRun(nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(ls) != 200 {
			t.Fatalf("%v: %d lines, want 200", args, len(ls))
		}
		for i, l := range ls {
			if err := ocsf.ValidateJSON([]byte(l)); err != nil {
				t.Fatalf("line %d: %v\n%s", i, err, l)
			}
			if !strings.Contains(l, `"vendor_name":"Automox"`) {
				t.Fatalf("line %d is not an Automox event: %s", i, l)
			}
		}
	}
}

func TestAutomoxUsageErrors(t *testing.T) {
	env := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key", "AUTOMOX_ORG_UUID": "123e4567-e89b-12d3-a456-426614174000"}
	noOrg := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad date", env, []string{"pull", "automox", "--filter", "date=2024-13-01"}, []string{"date"}},
		{"date with a window", env, []string{"pull", "automox", "--filter", "date=2024-06-18", "--since", "24h"}, []string{"date", "--since"}},
		{"walk-driven cursor", env, []string{"pull", "automox", "--filter", "cursor=6672200dd10935351f936399"}, []string{"cursor", "--checkpoint"}},
		{"walk-driven limit", env, []string{"pull", "automox", "--filter", "limit=10"}, []string{"limit", "--page-size"}},
		{"unknown filter", env, []string{"pull", "automox", "--filter", "page=2"}, []string{"page"}},
		{"page size", env, []string{"pull", "automox", "--page-size", "501"}, []string{"--page-size", "500"}},
		{"missing key", map[string]string{"AUTOMOX_ORG_UUID": "123e4567-e89b-12d3-a456-426614174000"}, []string{"pull", "automox"}, []string{"AUTOMOX_API_KEY"}},
		{"missing org", noOrg, []string{"pull", "automox"}, []string{"AUTOMOX_ORG_UUID", "--org"}},
		{"bad org", noOrg, []string{"pull", "automox", "--org", "my-org"}, []string{"--org", "UUID"}},
		{"setting of another vendor", env, []string{"pull", "automox", "--tenant", "x"}, []string{"--tenant"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := automoxRun(tt.env, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not name %q", errOut, w)
				}
			}
			if strings.Contains(errOut, "ax-s3cr3t-key") {
				t.Errorf("stderr shows the key: %s", errOut)
			}
		})
	}
}

// --org wins over AUTOMOX_ORG_UUID (the demo's key may not read another
// organization), and --filter date pulls that one UTC day.
func TestAutomoxDemoOrgAndDate(t *testing.T) {
	code, _, errOut := automoxRun(nil, "pull", "automox", "--demo", "--quiet", "--org", "00000000-0000-4000-8000-000000000000", "--max-events", "5")
	if code == 0 || !strings.Contains(errOut, "403") {
		t.Errorf("another organization than the demo's: exit %d: %s", code, errOut)
	}
	day := time.Now().UTC().Add(-2 * time.Hour).Format(time.DateOnly)
	code, out, errOut := automoxRun(nil, "pull", "automox", "--demo", "--quiet", "--filter", "date="+day)
	if code != 0 || out == "" {
		t.Fatalf("--filter date=%s: exit %d: %s", day, code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var ev struct{ Time int64 }
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		if d := time.UnixMilli(ev.Time).UTC().Format(time.DateOnly); d != day {
			t.Fatalf("an event of %s in the pull of %s", d, day)
		}
	}
}
