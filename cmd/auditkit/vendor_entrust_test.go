package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

func entrustRun(vars map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestEntrustDemoPull(t *testing.T) {
	for _, extra := range [][]string{nil, {"--demo-faults"}, {"--filter", "siem=true"}} {
		args := append([]string{"pull", "entrust", "--demo", "--max-events", "200", "--quiet"}, extra...)
		code, out, errOut := entrustRun(nil, args...)
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
			if !strings.Contains(l, `"vendor_name":"Entrust"`) {
				t.Fatalf("line %d is not an Entrust event: %s", i, l)
			}
		}
	}
}

// Filters reach the API: every event of a filtered demo pull matches them.
func TestEntrustDemoPullFiltered(t *testing.T) {
	code, out, errOut := entrustRun(nil, "pull", "entrust", "--demo", "--quiet", "--format", "raw",
		"--filter", "category=MANAGEMENT", "--filter", "entityType=USERS", "--filter", "entityAction=NOT_EQUALS:REMOVE",
		"--filter", "subjectName=STARTS_WITH:admin.", "--filter", "order_by=entityAction:desc")
	if code != 0 || out == "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	prev := "\uffff"
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		action, _ := m["entityAction"].(string)
		if m["eventCategory"] != "MANAGEMENT" || m["entityType"] != "USERS" || action == "REMOVE" || !strings.HasPrefix(m["subjectName"].(string), "admin.") {
			t.Fatalf("event outside the filters: %s", l)
		}
		if action > prev {
			t.Fatalf("not ordered by entityAction descending: %q after %q", action, prev)
		}
		prev = action
	}
}

func TestEntrustUsageErrors(t *testing.T) {
	env := map[string]string{"ENTRUST_APPLICATION_ID": "6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f", "ENTRUST_SHARED_SECRET": "s3cr3t-entrust", "ENTRUST_TENANT": "example.us.trustedauth.com"}
	noTenant := map[string]string{"ENTRUST_APPLICATION_ID": "x", "ENTRUST_SHARED_SECRET": "s3cr3t-entrust"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad outcome", env, []string{"pull", "entrust", "--filter", "outcome=MAYBE"}, []string{"outcome", "SUCCESS or FAIL"}},
		{"bad operator", env, []string{"pull", "entrust", "--filter", "sourceIp=CONTAINS:203."}, []string{"sourceIp", "EQUALS, STARTS_WITH"}},
		{"too long", env, []string{"pull", "entrust", "--filter", "entityType=" + strings.Repeat("X", 41)}, []string{"entityType", "40"}},
		{"bad subject", env, []string{"pull", "entrust", "--filter", "subject=jdoe"}, []string{"subject", "UUID"}},
		{"bad time", env, []string{"pull", "entrust", "--filter", "eventTime=yesterday"}, []string{"eventTime"}},
		{"bad order", env, []string{"pull", "entrust", "--filter", "order_by=eventType"}, []string{"order_by"}},
		{"bad direction", env, []string{"pull", "entrust", "--filter", "order_by=eventTime:up"}, []string{"order_by"}},
		{"bad siem", env, []string{"pull", "entrust", "--filter", "siem=yes"}, []string{"siem"}},
		{"siem with entity filter", env, []string{"pull", "entrust", "--filter", "siem=true", "--filter", "entityType=USERS"}, []string{"entityType", "siem=true"}},
		{"siem with order", env, []string{"pull", "entrust", "--filter", "siem=true", "--filter", "order_by=outcome"}, []string{"order_by"}},
		{"unknown filter", env, []string{"pull", "entrust", "--filter", "colour=red"}, []string{"colour"}},
		{"page size", env, []string{"pull", "entrust", "--page-size", "500"}, []string{"--page-size", "100"}},
		{"missing id", nil, []string{"pull", "entrust", "--tenant", "example.us.trustedauth.com"}, []string{"ENTRUST_APPLICATION_ID"}},
		{"missing secret", map[string]string{"ENTRUST_APPLICATION_ID": "x"}, []string{"pull", "entrust", "--tenant", "example.us.trustedauth.com"}, []string{"ENTRUST_SHARED_SECRET"}},
		{"no tenant", noTenant, []string{"pull", "entrust"}, []string{"--tenant", "--base-url"}},
		{"bad tenant", noTenant, []string{"pull", "entrust", "--tenant", "exa mple"}, []string{"--tenant"}},
		{"other setting", env, []string{"pull", "entrust", "--org", "x"}, []string{"--org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := entrustRun(tt.env, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %q: %s", w, errOut)
				}
			}
			if strings.Contains(errOut, "s3cr3t-entrust") {
				t.Errorf("stderr holds the secret: %s", errOut)
			}
		})
	}
}

// The tenant setting (flag or environment) is the base URL, and nothing is
// sent before the walk starts.
func TestEntrustTenantBaseURL(t *testing.T) {
	v, ok := lookupVendor("entrust")
	if !ok {
		t.Fatal("entrust is not registered")
	}
	for _, tt := range []struct {
		settings map[string]string
		env      map[string]string
	}{
		{map[string]string{"tenant": "example.us.trustedauth.com"}, nil},
		{map[string]string{}, map[string]string{"ENTRUST_TENANT": "example.us.trustedauth.com"}},
	} {
		env := map[string]string{"ENTRUST_APPLICATION_ID": "x", "ENTRUST_SHARED_SECRET": "y"}
		for k, val := range tt.env {
			env[k] = val
		}
		cfg := &pullConfig{Settings: tt.settings, Getenv: func(k string) string { return env[k] }}
		op, err := v.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if op.Stats().Requests != 0 {
			t.Error("Open sent a request")
		}
		op.Events.Close()
	}
}
