package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

// taniumCLI runs the CLI with env as the whole environment.
func taniumCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTaniumDemoPull(t *testing.T) {
	code, out, errs := taniumCLI(t, nil, "pull", "tanium", "--demo", "--max-events", "200", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d lines, want 200", len(lines))
	}
	for i, l := range lines {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
	}
}

// The whole demo data set comes through, with faults injected.
func TestTaniumDemoPullAllWithFaults(t *testing.T) {
	code, out, errs := taniumCLI(t, nil, "pull", "tanium", "--demo", "--demo-faults", "--quiet")
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
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad filter value", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=0"), "audit_history_size"},
		{"filter not a number", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=many"), "audit_history_size"},
		{"filter too large", env, append(base, "--objects", "user:1", "--filter", "audit_history_size=10001"), "audit_history_size"},
		{"missing token", nil, append(base, "--objects", "user:1"), "TANIUM_API_TOKEN"},
		{"missing objects", env, base, "--objects"},
		{"unknown type", env, append(base, "--objects", "widget:1"), "objects"},
		{"bad id", env, append(base, "--objects", "user:x"), "objects"},
		{"missing base URL", env, []string{"pull", "tanium", "--objects", "user:1"}, "--base-url"},
	}
	for _, tt := range tests {
		code, out, errs := taniumCLI(t, tt.env, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) || out != "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %s", tt.name, code, errs, tt.want)
		}
		if strings.Contains(errs, "t0ken-value") {
			t.Errorf("%s: stderr holds the token", tt.name)
		}
	}
}
