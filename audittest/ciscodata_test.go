package audittest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	connectorRE = regexp.MustCompile(`^[0-9a-f]{20}$`)
	secondRE    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

func TestGenerateCiscoEventsDeterministic(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	a := GenerateCiscoEvents(500, 9, end)
	b := GenerateCiscoEvents(500, 9, end)
	if len(a) != 500 {
		t.Fatalf("got %d events, want 500", len(a))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("event %d differs between two runs:\n%s\n%s", i, a[i], b[i])
		}
	}
	c := GenerateCiscoEvents(500, 10, end)
	same := 0
	for i := range a {
		if bytes.Equal(a[i], c[i]) {
			same++
		}
	}
	if same > 5 {
		t.Errorf("seeds 9 and 10 share %d of 500 events", same)
	}
	if got := GenerateCiscoEvents(0, 1, end); got == nil || len(got) != 0 {
		t.Errorf("n = 0: %v", got)
	}
	if got := GenerateCiscoEvents(-5, 1, end); got == nil || len(got) != 0 {
		t.Errorf("n < 0: %v", got)
	}
}

func TestGenerateCiscoEventsShapes(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 999, time.FixedZone("", 3600))
	evs := GenerateCiscoEvents(2000, 1, end)
	if len(evs) != 2000 {
		t.Fatalf("got %d", len(evs))
	}
	kinds := map[string]int{}
	perSecond := map[string]int{}
	copies := map[string]int{}
	var first, last time.Time
	for i, raw := range evs {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		// The members every record has come first, in the API's order.
		keys := keysAt(t, raw, nil)
		if !slices.Equal(keys[:5], []string{"event", "audit_log_type", "audit_log_id", "audit_log_user", "created_at"}) {
			t.Errorf("event %d: members %v", i, keys)
		}
		for _, k := range keys[5:] {
			if !slices.Contains([]string{"item", "message", "old_attributes", "new_attributes"}, k) {
				t.Errorf("event %d: unexpected member %q", i, k)
			}
		}
		r := decodeRecord(t, raw)
		kinds[r.AuditLogType+"/"+r.Event]++
		if !secondRE.MatchString(r.CreatedAt) {
			t.Errorf("event %d: created_at %q is not RFC 3339 at one-second resolution", i, r.CreatedAt)
		}
		if r.AuditLogType == "Computer" {
			if !connectorRE.MatchString(r.AuditLogID) {
				t.Errorf("event %d: Computer audit_log_id %q is not a connector GUID", i, r.AuditLogID)
			}
		} else if !uuidRE.MatchString(r.AuditLogID) {
			t.Errorf("event %d: audit_log_id %q is not a UUID", i, r.AuditLogID)
		}
		if !strings.HasSuffix(r.AuditLogUser, "@example.com") && !connectorRE.MatchString(r.AuditLogUser) {
			t.Errorf("event %d: audit_log_user %q", i, r.AuditLogUser)
		}
		for _, side := range []string{"old_attributes", "new_attributes"} {
			if v, ok := m[side]; ok {
				if _, isObj := v.(map[string]any); !isObj {
					t.Errorf("event %d: %s is %T", i, side, v)
				}
			}
		}
		at := r.time(t)
		if i == 0 {
			first = at
		} else if at.After(last) {
			t.Fatalf("event %d is newer than event %d", i, i-1)
		}
		last = at
		perSecond[r.CreatedAt]++
		copies[string(raw)]++
	}

	if want := time.Date(2024, 6, 19, 11, 0, 0, 0, time.UTC); !first.Equal(want) {
		t.Errorf("newest event at %v, want %v (end, truncated to the second)", first, want)
	}
	if span := first.Sub(last); span < 2*24*time.Hour || span > 15*24*time.Hour {
		t.Errorf("events span %v, want several days", span)
	}
	for _, k := range []string{
		"User/login", "User/sso_login", "User/logout", "User/failed_login",
		"User/create", "User/update", "User/delete",
		"Agent/create", "Agent/update", "Agent/delete",
		"Computer/create", "Computer/update", "Computer/delete",
		"Group/create", "Group/update", "Group/delete",
		"Policy/create", "Policy/update", "Policy/delete",
		"ApplicationBlockingList/create", "ApplicationBlockingList/update", "ApplicationBlockingList/delete",
		"FetchedFile/create", "FetchedFile/update", "FetchedFile/delete",
		"ExclusionSet/create", "ExclusionSet/update", "ExclusionSet/delete",
	} {
		if kinds[k] == 0 {
			t.Errorf("no %s in 2000 events", k)
		}
	}
	colliding := 0
	for _, raw := range evs {
		if perSecond[decodeRecord(t, raw).CreatedAt] > 1 {
			colliding++
		}
	}
	if colliding < len(evs)/10 {
		t.Errorf("%d of %d events share their second with another, want at least 10%%", colliding, len(evs))
	}
	var twins []string
	for raw, n := range copies {
		if n > 2 {
			t.Errorf("%d copies of %s", n, raw)
		}
		if n == 2 {
			twins = append(twins, raw)
		}
	}
	if len(twins) != 2 {
		t.Errorf("%d identical pairs, want exactly 2: %v", len(twins), twins)
	}
	var all bytes.Buffer
	for _, e := range evs {
		all.Write(e)
	}
	joined := all.String()
	for _, s := range []string{"&", "Büro", `\\`, `"sha":""`, `"sha":null`, `"message":"SCSO"`, `"message":null`, `"two_factor_enabled":`, `"role":"administrator"`} {
		if !strings.Contains(joined, s) {
			t.Errorf("no record contains %s", s)
		}
	}
	if strings.Contains(joined, `\u0026`) || strings.Contains(joined, `\u003c`) {
		t.Error(`records are HTML-escaped; the API sends "&" and "<" as they are`)
	}
}

// TestGenerateCiscoEventsManySeeds: small and odd sizes, many seeds: exact
// counts, no accidental duplicates.
func TestGenerateCiscoEventsManySeeds(t *testing.T) {
	end := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range int64(40) {
		for _, n := range []int{1, 2, 3, 9, 10, 11, 97} {
			evs := GenerateCiscoEvents(n, seed, end)
			if len(evs) != n {
				t.Fatalf("seed %d n %d: got %d", seed, n, len(evs))
			}
			seen := map[string]bool{}
			dups := 0
			for _, e := range evs {
				if !json.Valid(e) {
					t.Fatalf("seed %d n %d: invalid JSON %s", seed, n, e)
				}
				if seen[string(e)] {
					dups++
				}
				seen[string(e)] = true
			}
			wantDups := 0
			if n >= 10 {
				wantDups = 2
			}
			if dups != wantDups {
				t.Errorf("seed %d n %d: %d duplicates, want %d", seed, n, dups, wantDups)
			}
			if decodeRecord(t, evs[0]).CreatedAt != "2030-01-01T00:00:00Z" {
				t.Errorf("seed %d n %d: newest at %s", seed, n, decodeRecord(t, evs[0]).CreatedAt)
			}
		}
	}
}

func TestCiscoDocExamples(t *testing.T) {
	docs := CiscoDocExamples()
	reqs := CiscoDocExampleRequests()
	want := map[string]struct {
		total, count int
		first        ciscoRecord
		request      string
	}{
		"list":              {5598, 500, ciscoRecord{"create", "Agent", "538738f5-3a14-4449-933b-86142553de06", "16db5cf986eec6f44422", "2022-03-18T11:40:03Z"}, "/v1/audit_logs"},
		"by_audit_log_type": {131, 5, ciscoRecord{"login", "User", "373031bf-6e67-40e5-9fc2-ffea680a2ebd", "kmarasin+qa1_apidocs@cisco.com", "2022-02-23T20:43:09Z"}, "/v1/audit_logs?audit_log_type=User&limit=5"},
		"by_audit_log_id":   {1170, 5, ciscoRecord{"update", "ApplicationBlockingList", "e773a9eb-296c-40df-98d8-bed46322589d", "16db5cf986eec6f44422", "2022-03-18T10:55:36Z"}, "/v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5"},
		"by_event":          {62, 5, ciscoRecord{"login", "User", "373031bf-6e67-40e5-9fc2-ffea680a2ebd", "kmarasin+qa1_apidocs@cisco.com", "2022-02-23T20:43:09Z"}, "/v1/audit_logs?event=login&limit=5"},
		"by_start_time":     {5598, 5, ciscoRecord{"create", "Agent", "538738f5-3a14-4449-933b-86142553de06", "16db5cf986eec6f44422", "2022-03-18T11:40:03Z"}, "/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5"},
		"by_end_time":       {863, 5, ciscoRecord{"create", "Group", "eeaaea2b-7bcb-4263-8fb2-84a519c12940", "16db5cf986eec6f44422", "2018-09-18T22:06:25Z"}, "/v1/audit_logs?end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5"},
		"by_audit_log_user": {0, 0, ciscoRecord{}, "/v1/audit_logs?audit_log_user=amp%40cisco.com&limit=5"},
	}
	if len(docs) != len(want) || len(reqs) != len(want) {
		t.Fatalf("%d examples and %d requests, want %d", len(docs), len(reqs), len(want))
	}
	for name, w := range want {
		var p ciscoPage
		if err := json.Unmarshal(docs[name], &p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Version != "v1.2.0" || p.Metadata.Results.Total != w.total || p.Metadata.Results.CurrentItemCount != w.count {
			t.Errorf("%s: %+v", name, p.Metadata.Results)
		}
		if reqs[name] != w.request {
			t.Errorf("%s: request %q, want %q", name, reqs[name], w.request)
		}
		if !strings.HasSuffix(p.Metadata.Links.Self, w.request) {
			t.Errorf("%s: self %q does not end in the request", name, p.Metadata.Links.Self)
		}
		if w.total == 0 {
			if len(p.Data) != 0 || p.Metadata.Links.Next != "" {
				t.Errorf("%s: %d records, next %q", name, len(p.Data), p.Metadata.Links.Next)
			}
			continue
		}
		if got := decodeRecord(t, p.Data[0]); got != w.first {
			t.Errorf("%s: first record %+v, want %+v", name, got, w.first)
		}
	}
	// The document prints one token per line; the map must not be reformatted.
	if !bytes.HasPrefix(docs["list"], []byte("{\n\"version\": \"v1.2.0\",\n\"metadata\": {\n")) {
		t.Errorf("list example reformatted: %.60q", docs["list"])
	}
	// Each call returns fresh maps.
	delete(docs, "list")
	if _, ok := CiscoDocExamples()["list"]; !ok {
		t.Error("CiscoDocExamples shares its map")
	}
}
