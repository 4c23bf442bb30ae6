package auditclient_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// FuzzParseCheckpoint: ParseCheckpoint never panics; what it refuses
// wraps ErrCheckpointInvalid; what it accepts has the format version, and
// marshalled it parses again to the same checkpoint (the same JSON), as
// does its Clone; Check answers without panic, and what Check accepts for
// the checkpoint's own vendor and query has no negative skip, no empty
// window and no boundary without a high-water time.
func FuzzParseCheckpoint(f *testing.F) {
	full := &auditclient.Checkpoint{Version: 1, Vendor: "cisco", Query: "0123456789abcdef01234567",
		Window:    auditclient.Window{Since: time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 19, 0, 0, 0, 0, time.UTC)},
		Position:  &auditclient.Position{Token: "v1/audit_logs?offset=500", Skip: 3, LastUID: "abc"},
		Floor:     &auditclient.Floor{Time: time.Date(2024, 6, 18, 1, 0, 0, 0, time.UTC), UIDs: []string{"a", "a"}},
		HighWater: time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC), Boundary: []string{"x", "x"}, Events: 42}
	for _, cp := range []*auditclient.Checkpoint{full, {Version: 1, Vendor: "automox", Position: &auditclient.Position{Token: "2024-06-18|6672200dd10935351f936399"}},
		{Version: 1, Vendor: "tanium", HighWater: time.Date(2024, 6, 18, 12, 0, 0, 123456789, time.FixedZone("", -7*3600))}} {
		b, err := json.Marshal(cp)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "null", "{}", "[]", `{"version":1}`, `{"version":2}`, `{"version":1.0}`, `{"version":"1"}`,
		`{"version":1,"window":{"since":"2024-06-19T00:00:00Z","until":"2024-06-18T00:00:00Z"}}`,
		`{"version":1,"position":{"token":"","skip":-1}}`, `{"version":1,"floor":{"time":"2024-06-18T00:00:00Z"}}`,
		`{"version":1,"boundary":["a"]}`, `{"version":1,"high_water":"0000-01-01T00:00:00+01:00"}`,
		`{"version":1,"high_water":"9999-12-31T23:59:59-01:00"}`, `{"version":1,"events":-1}`, `{"version":1,"Version":2}`,
		`{"version":1,"position":null,"floor":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cp, err := auditclient.ParseCheckpoint(data)
		if err != nil {
			if !errors.Is(err, auditclient.ErrCheckpointInvalid) {
				t.Fatalf("%s: error %v does not wrap ErrCheckpointInvalid", data, err)
			}
			return
		}
		if cp.Version != auditclient.CheckpointVersion {
			t.Fatalf("%s: version %d accepted", data, cp.Version)
		}
		if cp.Check(cp.Vendor, cp.Query) == nil {
			if cp.Position != nil && cp.Position.Skip < 0 || cp.Window.Empty() || len(cp.Boundary) > 0 && cp.HighWater.IsZero() ||
				cp.Floor != nil && cp.Position == nil {
				t.Fatalf("%s: Check accepts %+v", data, cp)
			}
		}
		_ = cp.Check("other", "other")
		_ = cp.Complete()
		b, err := json.Marshal(cp)
		if err != nil {
			t.Fatalf("%s: parsed checkpoint does not marshal: %v", data, err)
		}
		again, err := auditclient.ParseCheckpoint(b)
		if err != nil {
			t.Fatalf("%s: marshalled as %s, does not parse again: %v", data, b, err)
		}
		b2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("round trip changes the checkpoint:\n%s\n%s (%v)", b, b2, err)
		}
		b3, err := json.Marshal(cp.Clone())
		if err != nil || !bytes.Equal(b, b3) {
			t.Fatalf("Clone changes the checkpoint:\n%s\n%s (%v)", b, b3, err)
		}
	})
}

// FuzzParseRateLimit: whatever the rate-limit headers hold, ParseRateLimit
// and RetryAfter never panic, never report a negative count or wait other
// than the -1 of "absent", and Known is false exactly when nothing was
// read; a header that parses is read the same twice.
func FuzzParseRateLimit(f *testing.F) {
	for _, s := range [][6]string{
		{"3000", "2999", "1200", "", "", ""},
		{"", "0", "1718000000", "", "", "5"},
		{"60", "0.0", "0.5", "limit=100, remaining=50, reset=30", "100;w=60", "Wed, 21 Oct 2015 07:28:00 GMT"},
		{"lots", "-3", "NaN", `"default";r=50;t=30`, `"default";q=100;w=60`, "-1"},
		{"1e400", "99999999999999999999", "Inf", "limit=;;==,,", ";;;w=-5, 10;w=1", "99999999999999999999999"},
		{"", "", "", `r=0;t=9`, `"x";q=1e309;w=1e309`, ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	f.Fuzz(func(t *testing.T, limit, remaining, reset, combined, policy, retryAfter string) {
		h := http.Header{}
		for k, v := range map[string]string{"X-Rate-Limit-Limit": limit, "X-RateLimit-Remaining": remaining, "RateLimit-Reset": reset,
			"X-Rate-Limit-Reset": reset, "RateLimit": combined, "RateLimit-Policy": policy, "Retry-After": retryAfter} {
			if v != "" {
				h[k] = []string{v}
			}
		}
		info := auditclient.ParseRateLimit(h)
		if info.Limit < -1 || info.Remaining < -1 || info.Reset < 0 || info.Window < 0 {
			t.Fatalf("%v: %+v", h, info)
		}
		if !info.Known && (info.Limit != -1 || info.Remaining != -1 || info.Reset != 0 || info.Window != 0) {
			t.Fatalf("%v: not known but %+v", h, info)
		}
		if again := auditclient.ParseRateLimit(h); again != info && info.Reset == again.Reset {
			t.Fatalf("%v: %+v then %+v", h, info, again)
		}
		if d, ok := auditclient.RetryAfter(h, time.Now()); d < 0 || (!ok && d != 0) {
			t.Fatalf("%v: RetryAfter %v %v", h, d, ok)
		}
	})
}
