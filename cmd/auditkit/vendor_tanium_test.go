package main

import (
	"strings"
	"testing"
)

// The whole demo data set comes through, with faults injected.
func TestTaniumDemoPullAllWithFaults(t *testing.T) {
	code, out, errs := cli(t, nil, "pull", "tanium", "--demo", "--demo-faults", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := len(strings.Split(strings.TrimSpace(out), "\n")); n != demoEvents {
		t.Errorf("%d events, want the demo's %d", n, demoEvents)
	}
}

func TestTaniumUsageErrors(t *testing.T) {
	env := map[string]string{"TANIUM_API_TOKEN": "t0ken-value"}
	base := []string{"pull", "tanium", "--base-url", "https://tanium.example.com"}
	tests := []usageCase{
		{"bad filter value", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=0"), []string{"audit_history_size"}},
		{"filter not a number", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=many"), []string{"audit_history_size"}},
		{"filter too large", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=10001"), []string{"audit_history_size"}},
		{"missing token", nil, append(base, "--objects", "user:1"), []string{"TANIUM_API_TOKEN"}},
		{"missing objects", env, base, []string{"--objects"}},
		{"unknown type", env, append(base, "--objects", "widget:1"), []string{"objects"}},
		{"bad id", env, append(base, "--objects", "user:x"), []string{"objects"}},
		{"missing base URL", env, []string{"pull", "tanium", "--objects", "user:1"}, []string{"--base-url"}},
	}
	checkUsageErrors(t, "t0ken-value", tests)
}
