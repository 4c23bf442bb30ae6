package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAutomoxUsageErrors(t *testing.T) {
	env := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key", "AUTOMOX_ORG_UUID": "123e4567-e89b-12d3-a456-426614174000"}
	noOrg := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key"}
	tests := []usageCase{
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
	checkUsageErrors(t, "ax-s3cr3t-key", tests)
}

// --org wins over AUTOMOX_ORG_UUID (the demo's key may not read another
// organization), and --filter date pulls that one UTC day.
func TestAutomoxDemoOrgAndDate(t *testing.T) {
	code, _, errOut := cli(t, nil, "pull", "automox", "--demo", "--quiet", "--org", "00000000-0000-4000-8000-000000000000", "--max-events", "5")
	if code == 0 || !strings.Contains(errOut, "403") {
		t.Errorf("another organization than the demo's: exit %d: %s", code, errOut)
	}
	day := time.Now().UTC().Add(-2 * time.Hour).Format(time.DateOnly)
	code, out, errOut := cli(t, nil, "pull", "automox", "--demo", "--quiet", "--filter", "date="+day)
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
