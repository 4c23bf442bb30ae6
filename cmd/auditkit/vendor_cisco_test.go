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
