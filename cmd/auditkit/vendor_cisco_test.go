package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
)

// --until is exclusive: the end_time sent is the last whole second before
// it (Cisco's end_time is inclusive, to the second), the record at exactly
// --until is not pulled, the one at exactly --since is.
func TestCiscoUntilIsExclusive(t *testing.T) {
	rec := func(at, name string) json.RawMessage {
		return json.RawMessage(`{"event":"update","audit_log_type":"Computer","audit_log_id":"16db5cf986eec6f44422","audit_log_user":"a@example.com",` +
			`"created_at":"` + at + `","new_attributes":{"name":"` + name + `"}}`)
	}
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: []json.RawMessage{
		rec("2025-05-31T23:59:59Z", "before since"),
		rec("2025-06-01T00:00:00Z", "at since"),
		rec("2025-06-01T23:59:59Z", "last second"),
		rec("2025-06-02T00:00:00Z", "at until"),
	}})
	env := map[string]string{"CISCO_CLIENT_ID": fake.ClientID(), "CISCO_API_KEY": fake.APIKey()}
	code, out, errOut := cli(t, env, "pull", "cisco", "--base-url", fake.URL(), "--quiet", "--format", "raw",
		"--since", "2025-06-01T00:00:00Z", "--until", "2025-06-02T00:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, `"last second"`) || !strings.Contains(out, `"at since"`) {
		t.Errorf("pulled: %s", out)
	}
	for _, r := range fake.Requests() {
		if e := r.Query.Get("end_time"); e != "2025-06-01T23:59:59+00:00" {
			t.Errorf("request %v: end_time %q", r, e)
		}
	}
}

func TestCiscoUsageErrors(t *testing.T) {
	env := map[string]string{"CISCO_CLIENT_ID": "cs-client-id", "CISCO_API_KEY": "cs-s3cr3t-key"}
	tests := []usageCase{
		{"missing client id", map[string]string{"CISCO_API_KEY": "cs-s3cr3t-key"}, []string{"pull", "cisco"}, []string{"CISCO_CLIENT_ID"}},
		{"missing key", map[string]string{"CISCO_CLIENT_ID": "cs-client-id"}, []string{"pull", "cisco"}, []string{"CISCO_API_KEY"}},
		{"bad region", env, []string{"pull", "cisco", "--region", "us"}, []string{"region", "CISCO_REGION", "eu"}},
		{"bad region from the environment", map[string]string{"CISCO_CLIENT_ID": "cs-client-id", "CISCO_API_KEY": "cs-s3cr3t-key", "CISCO_REGION": "mars"}, []string{"pull", "cisco"}, []string{"region", "mars"}},
		{"bad audit_log_id", env, []string{"pull", "cisco", "--filter", "audit_log_id=42"}, []string{"audit_log_id", "GUID"}},
		{"unknown filter", env, []string{"pull", "cisco", "--filter", "offset=500"}, []string{"offset"}},
		{"filter twice", env, []string{"pull", "cisco", "--filter", "event=login", "--filter", "event=logout"}, []string{"event"}},
		{"page size", env, []string{"pull", "cisco", "--page-size", "900"}, []string{"500"}},
		{"oldest first", env, []string{"pull", "cisco", "--order", "oldest-first"}, []string{"order", "newest first", "oldest-first is not offered"}},
		{"setting of another vendor", env, []string{"pull", "cisco", "--tenant", "x"}, []string{"--tenant"}},
	}
	checkUsageErrors(t, "cs-s3cr3t-key", tests)
}

// --region picks the regional host; --base-url wins over it (here the
// fake's), and --order newest-first is the API's own order.
func TestCiscoRegionAndBaseURL(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(30, 1, testEnd)})
	env := map[string]string{"CISCO_CLIENT_ID": fake.ClientID(), "CISCO_API_KEY": fake.APIKey(), "CISCO_REGION": "apjc"}
	code, out, errOut := cli(t, env, "pull", "cisco", "--region", "eu", "--base-url", fake.URL(), "--order", "newest-first", "--quiet", "--format", "raw")
	if code != 0 || strings.Count(out, "\n") != 30 {
		t.Fatalf("exit %d, %d events: %s", code, strings.Count(out, "\n"), errOut)
	}
}
