package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
)

// Filters reach the API: every event of a filtered demo pull matches them.
func TestEntrustDemoPullFiltered(t *testing.T) {
	code, out, errOut := cli(t, nil, "pull", "entrust", "--demo", "--quiet", "--format", "raw",
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
	tests := []usageCase{
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
	checkUsageErrors(t, "s3cr3t-entrust", tests)
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

// --tenant and --base-url are the tenant's origin, with an optional proxy
// prefix; the documented paths are appended, and a URL already ending with
// /api, /api/web or /api/web/v2 is not doubled.
func TestEntrustTenantIsTheOrigin(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(40, 2, testEnd), BasePath: "/gw"})
	env := map[string]string{entrustEnvAppID: fake.ApplicationID(), entrustEnvSecret: fake.SharedSecret()}
	for _, args := range [][]string{
		{"--tenant", fake.URL()},
		{"--tenant", fake.URL() + "/api"},
		{"--base-url", fake.URL() + "/"},
		{"--base-url", fake.URL() + "/api/web"},
		{"--base-url", fake.URL() + "/api/web/v2/"},
	} {
		before := len(fake.Requests())
		code, out, errOut := cli(t, env, append([]string{"pull", "entrust", "--quiet"}, args...)...)
		if code != 0 || strings.Count(out, "\n") != 40 {
			t.Errorf("%v: exit %d, %d lines: %s", args, code, strings.Count(out, "\n"), errOut)
		}
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/gw/api/web/v1/adminapi/authenticate" && r.Path != "/gw/api/web/v2/reports/auditeventspaged" {
				t.Errorf("%v: requested %s", args, r.Path)
			}
		}
	}
}
