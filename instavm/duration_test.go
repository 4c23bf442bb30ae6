package instavm_test

import (
	"encoding/json"
	"testing"

	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/ocsf"
)

// latency_ms becomes the event's duration; a fraction of a millisecond,
// which duration cannot hold, also stays in unmapped.
func TestLatencyIsDuration(t *testing.T) {
	for _, tc := range []struct {
		latency      string
		duration     int64
		keptUnmapped bool
	}{
		{"42", 42, false},
		{"0", 0, false},
		{"12.5", 13, true},
		{"null", 0, false},
	} {
		raw := `{"id":"aud_1","created_at":"2025-05-14T09:02:17Z","actor_type":"api_key","actor_id":"key_1","source":"api",` +
			`"event_group":"api","event_type":"api.request","status":"success","http_method":"GET","path":"/v1/vms",` +
			`"http_status":200,"ip_address":"203.0.113.41","latency_ms":` + tc.latency + `}`
		var e instavm.AuditEvent
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			t.Fatal(err)
		}
		ev := instavm.ToOCSF(e)
		if ev.Duration != tc.duration {
			t.Errorf("latency_ms %s: duration %d, want %d", tc.latency, ev.Duration, tc.duration)
		}
		if _, ok := ev.Unmapped["latency_ms"]; ok != tc.keptUnmapped {
			t.Errorf("latency_ms %s: in unmapped %v, want %v", tc.latency, ok, tc.keptUnmapped)
		}
		if err := ocsf.Validate(ev); err != nil {
			t.Errorf("latency_ms %s: %v", tc.latency, err)
		}
	}
}
