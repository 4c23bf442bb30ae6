package main

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

func TestAutomoxUsageErrors(t *testing.T) {
	env := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key", "AUTOMOX_ORG_UUID": "123e4567-e89b-12d3-a456-426614174000"}
	noOrg := map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key"}
	tests := []usageCase{
		{"bad date", env, []string{"pull", "automox", "--filter", "date=2024-13-01"}, []string{"date", "2024-13-01"}},
		{"date with a window", env, []string{"pull", "automox", "--filter", "date=2024-06-18", "--since", "24h"}, []string{"date", "--since"}},
		{"date twice", env, []string{"pull", "automox", "--filter", "date=2024-06-18", "--filter", "date=2024-06-19"}, []string{"date"}},
		{"walk-driven cursor", env, []string{"pull", "automox", "--filter", "cursor=6672200dd10935351f936399"}, []string{"cursor", "--checkpoint"}},
		{"walk-driven limit", env, []string{"pull", "automox", "--filter", "limit=10"}, []string{"limit", "--page-size"}},
		{"unknown filter", env, []string{"pull", "automox", "--filter", "page=2"}, []string{"page"}},
		// The registry names the API's parameter, limit, and what it allows.
		{"page size", env, []string{"pull", "automox", "--page-size", "501"}, []string{"limit", "501", "500"}},
		{"newest first", env, []string{"pull", "automox", "--order", "newest-first"}, []string{"order", "newest-first", "oldest first"}},
		{"missing key", map[string]string{"AUTOMOX_ORG_UUID": "123e4567-e89b-12d3-a456-426614174000"}, []string{"pull", "automox"}, []string{"api_key", "AUTOMOX_API_KEY"}},
		// A missing or bad organization names the setting (--org in
		// `auditkit vendors`) and its variable.
		{"missing org", noOrg, []string{"pull", "automox"}, []string{"org_uuid", "AUTOMOX_ORG_UUID"}},
		{"bad org", noOrg, []string{"pull", "automox", "--org", "my-org"}, []string{"org_uuid", "AUTOMOX_ORG_UUID", `"my-org"`, "UUID"}},
		{"bad org from the environment", map[string]string{"AUTOMOX_API_KEY": "ax-s3cr3t-key", "AUTOMOX_ORG_UUID": "acme"}, []string{"pull", "automox"}, []string{"org_uuid", `"acme"`}},
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

// --base-url is the origin, as for every vendor (`auditkit vendors` prints
// the documented path /api/audit-service/...); one ending in /api works too.
// --until is exclusive: --until 2025-06-02T00:00:00Z never asks for
// date=2025-06-02, and the event at exactly --until is not pulled.
// --order oldest-first is the API's own order.
func TestAutomoxBaseURLAndUntil(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	ev := func(id, ts string) json.RawMessage {
		return json.RawMessage(`{"_id":{"$oid":"` + id + `"},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,"type_uid":300201,` +
			`"message":"User Log In Success","time":` + strconv.FormatInt(at(ts).UnixMilli(), 10) + `,"severity_id":1,"status_id":1,"status_code":200,` +
			`"metadata":{"uid":"9f8896c3-e042-42de-ae41-eaef8a2a` + id[20:] + `","version":"1.1.0","product":{"vendor_name":"Automox"}},"user":{"uid":"1","email_addr":"a@example.com"}}`)
	}
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: []json.RawMessage{
		ev("683a00000000000000000001", "2025-05-31T00:00:00Z"),     // at --since: in
		ev("683c00000000000000000002", "2025-06-01T23:59:59.999Z"), // in
		ev("683d00000000000000000003", "2025-06-02T00:00:00Z"),     // at --until: out
	}})
	env := map[string]string{"AUTOMOX_API_KEY": fake.APIKey(), "AUTOMOX_ORG_UUID": fake.OrgUUID()}
	for _, base := range []string{fake.URL(), fake.URL() + "/api"} {
		before := len(fake.Requests())
		code, out, errOut := cli(t, env, "pull", "automox", "--base-url", base, "--quiet", "--format", "raw", "--order", "oldest-first",
			"--since", "2025-05-31T00:00:00Z", "--until", "2025-06-02T00:00:00Z")
		if code != 0 {
			t.Fatalf("--base-url %s: exit %d: %s", base, code, errOut)
		}
		if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, "683a00000000000000000001") || strings.Index(out, "683c00000000000000000002") < strings.Index(out, "683a00000000000000000001") {
			t.Errorf("--base-url %s: pulled %d events: %s", base, n, out)
		}
		var days []string
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/api/audit-service/v1/orgs/"+fake.OrgUUID()+"/events" {
				t.Errorf("--base-url %s: request to %s", base, r.Path)
			}
			days = append(days, r.Query.Get("date"))
		}
		slices.Sort(days)
		if strings.Join(days, " ") != "2025-05-31 2025-06-01" {
			t.Errorf("--base-url %s: days read %v, want 2025-05-31 and 2025-06-01 only", base, days)
		}
	}
	// `auditkit vendors` prints the origin and the documented path.
	_, out, _ := cli(t, nil, "vendors")
	if !strings.Contains(out, "GET /api/audit-service/v1/orgs/{orgUuid}/events") || !strings.Contains(out, "https://console.automox.com\n") {
		t.Errorf("vendors: %s", out)
	}
}
