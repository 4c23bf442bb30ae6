package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// Filters reach the API, operators included: every event of a filtered
// demo pull matches them, in the order order_by asks.
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

// --order newest-first walks eventTime descending; the SIEM variant
// refuses it.
func TestEntrustDemoPullNewestFirst(t *testing.T) {
	code, out, errOut := cli(t, nil, "pull", "entrust", "--demo", "--quiet", "--format", "raw", "--order", "newest-first", "--max-events", "300")
	if code != 0 || strings.Count(out, "\n") != 300 {
		t.Fatalf("exit %d, %d lines: %s", code, strings.Count(out, "\n"), errOut)
	}
	var prev time.Time
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m struct{ EventTime time.Time }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if !prev.IsZero() && m.EventTime.After(prev) {
			t.Fatalf("not newest first: %v after %v", m.EventTime, prev)
		}
		prev = m.EventTime
	}
}

func TestEntrustUsageErrors(t *testing.T) {
	env := map[string]string{"ENTRUST_APPLICATION_ID": "6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f", "ENTRUST_SHARED_SECRET": "s3cr3t-entrust", "ENTRUST_TENANT": "example.us.trustedauth.com"}
	noTenant := map[string]string{"ENTRUST_APPLICATION_ID": "x", "ENTRUST_SHARED_SECRET": "s3cr3t-entrust"}
	tests := []usageCase{
		{"bad outcome", env, []string{"pull", "entrust", "--filter", "outcome=MAYBE"}, []string{"outcome", "SUCCESS, FAIL"}},
		{"bad operator", env, []string{"pull", "entrust", "--filter", "sourceIp=CONTAINS:203."}, []string{"sourceIp", "EQUALS, STARTS_WITH"}},
		{"too long", env, []string{"pull", "entrust", "--filter", "entityType=" + strings.Repeat("X", 41)}, []string{"entityType", "40"}},
		{"bad subject", env, []string{"pull", "entrust", "--filter", "subject=jdoe"}, []string{"subject", "UUID"}},
		{"bad time", env, []string{"pull", "entrust", "--filter", "eventTime=yesterday"}, []string{"eventTime"}},
		{"bad order_by", env, []string{"pull", "entrust", "--filter", "order_by=eventType"}, []string{"order_by"}},
		{"bad direction", env, []string{"pull", "entrust", "--filter", "order_by=eventTime:up"}, []string{"order_by"}},
		{"bad siem", env, []string{"pull", "entrust", "--filter", "siem=yes"}, []string{"siem"}},
		{"siem with entity filter", env, []string{"pull", "entrust", "--filter", "siem=true", "--filter", "entityType=USERS"}, []string{"entityType", "siem=true"}},
		{"siem with order_by", env, []string{"pull", "entrust", "--filter", "siem=true", "--filter", "order_by=outcome"}, []string{"order_by"}},
		{"siem newest first", env, []string{"pull", "entrust", "--filter", "siem=true", "--order", "newest-first"}, []string{"order", "oldest first"}},
		{"unknown filter", env, []string{"pull", "entrust", "--filter", "colour=red"}, []string{"colour"}},
		{"page size", env, []string{"pull", "entrust", "--page-size", "500"}, []string{"limit", "100"}},
		{"missing id", nil, []string{"pull", "entrust", "--tenant", "example.us.trustedauth.com"}, []string{"ENTRUST_APPLICATION_ID"}},
		{"missing secret", map[string]string{"ENTRUST_APPLICATION_ID": "x"}, []string{"pull", "entrust", "--tenant", "example.us.trustedauth.com"}, []string{"ENTRUST_SHARED_SECRET"}},
		{"no tenant", noTenant, []string{"pull", "entrust"}, []string{"tenant", "ENTRUST_TENANT"}},
		{"bad tenant", noTenant, []string{"pull", "entrust", "--tenant", "exa mple"}, []string{"tenant", "exa mple"}},
		{"other setting", env, []string{"pull", "entrust", "--org", "x"}, []string{"--org"}},
	}
	checkUsageErrors(t, "s3cr3t-entrust", tests)
}

// --tenant (or ENTRUST_TENANT) and --base-url are the tenant's origin,
// with an optional proxy prefix; the documented paths are appended, and a
// URL already ending with /api, /api/web or /api/web/v2 is not doubled.
// --base-url wins over --tenant.
func TestEntrustTenantIsTheOrigin(t *testing.T) {
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(40, 2, testEnd), BasePath: "/gw"})
	env := map[string]string{"ENTRUST_APPLICATION_ID": fake.ApplicationID(), "ENTRUST_SHARED_SECRET": fake.SharedSecret()}
	withTenant := map[string]string{"ENTRUST_TENANT": fake.URL() + "/api/web/"}
	for k, v := range env {
		withTenant[k] = v
	}
	for _, tt := range []struct {
		env  map[string]string
		args []string
	}{
		{env, []string{"--tenant", fake.URL()}},
		{env, []string{"--tenant", fake.URL() + "/api"}},
		{withTenant, nil},
		{env, []string{"--base-url", fake.URL() + "/"}},
		{env, []string{"--base-url", fake.URL() + "/api/web"}},
		{env, []string{"--tenant", "unused.invalid", "--base-url", fake.URL() + "/api/web/v2/"}},
	} {
		before := len(fake.Requests())
		code, out, errOut := cli(t, tt.env, append([]string{"pull", "entrust", "--quiet"}, tt.args...)...)
		if code != 0 || strings.Count(out, "\n") != 40 {
			t.Errorf("%v: exit %d, %d lines: %s", tt.args, code, strings.Count(out, "\n"), errOut)
		}
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/gw/api/web/v1/adminapi/authenticate" && r.Path != "/gw/api/web/v2/reports/auditeventspaged" {
				t.Errorf("%v: requested %s", tt.args, r.Path)
			}
		}
	}
}
