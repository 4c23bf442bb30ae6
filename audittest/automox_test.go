package audittest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// automoxGet sends a GET to the fake with the given key (and organization
// header, unless empty) and returns the status and body.
func automoxGet(t *testing.T, a *Automox, path, key, orgHeader string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if orgHeader != "" {
		req.Header.Set(AutomoxOrgHeader, orgHeader)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func automoxIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var page []json.RawMessage
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	var ids []string
	for _, raw := range page {
		ids = append(ids, parseAutomoxEvent(raw, 0).id)
	}
	return ids
}

func TestAutomoxFakeServesTheDocument(t *testing.T) {
	at := func(id string, ms int64) json.RawMessage {
		return json.RawMessage(`{"id":"` + id + `","time":` + jsonInt(ms) + `}`)
	}
	day1 := time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC).UnixMilli()
	events := []json.RawMessage{at("00000000c", day1+2), at("00000000b", day1+1), at("00000000d", day1+3),
		at("00000000b", day1+86400000), at("00000000z", day1-1)}
	a := StartAutomox(t, AutomoxOptions{Events: events, DefaultLimit: 2})
	org := a.OrgUUID()
	base := "/api/audit-service/v1/orgs/" + org + "/events"
	tests := []struct {
		name, path, key, header string
		status                  int
		ids                     string // comma-separated ids, or a message the error body holds
	}{
		{"first page of a day, default limit", base + "?date=2024-06-18", a.APIKey(), "", 200, "00000000b,00000000c"},
		{"after the cursor", base + "?date=2024-06-18&cursor=00000000c", a.APIKey(), org, 200, "00000000d"},
		{"limit", base + "?date=2024-06-18&limit=500", a.APIKey(), "", 200, "00000000b,00000000c,00000000d"},
		{"another day", base + "?date=2024-06-19", a.APIKey(), "", 200, "00000000b"},
		{"an empty day", base + "?date=2024-06-20", a.APIKey(), "", 200, ""},
		{"the day before", base + "?date=2024-06-17", a.APIKey(), "", 200, "00000000z"},
		{"no key", base + "?date=2024-06-18", "", "", 401, "Access token is missing or invalid"},
		{"wrong key", base + "?date=2024-06-18", "nope", "", 401, "Access token is missing or invalid"},
		{"another organization", "/api/audit-service/v1/orgs/00000000-0000-4000-8000-000000000000/events?date=2024-06-18", a.APIKey(), "", 403, "permission"},
		{"a contradicting header", base + "?date=2024-06-18", a.APIKey(), "00000000-0000-4000-8000-000000000000", 400, AutomoxOrgHeader},
		{"no date", base, a.APIKey(), "", 400, "date is required"},
		{"a bad date", base + "?date=2024-6-18", a.APIKey(), "", 400, "date must be a date"},
		{"limit 0", base + "?date=2024-06-18&limit=0", a.APIKey(), "", 400, "limit must be an integer from 1 to 500"},
		{"limit 501", base + "?date=2024-06-18&limit=501", a.APIKey(), "", 400, "limit must be an integer from 1 to 500"},
		{"an unknown parameter", base + "?date=2024-06-18&page=2", a.APIKey(), "", 400, `unknown parameter "page"`},
		{"twice", base + "?date=2024-06-18&date=2024-06-19", a.APIKey(), "", 400, "date is given 2 times"},
		{"empty cursor", base + "?date=2024-06-18&cursor=", a.APIKey(), "", 400, "cursor is empty"},
		{"another path", "/api/audit-service/v2/events", a.APIKey(), "", 404, "Entity not found"},
		// The documented path is /api/...: without its /api it is unknown,
		// as a client that drops it would find on the real server.
		{"the path without /api", "/audit-service/v1/orgs/" + org + "/events?date=2024-06-18", a.APIKey(), "", 404, "Entity not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := automoxGet(t, a, tt.path, tt.key, tt.header)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if status == 200 {
				if got := strings.Join(automoxIDs(t, body), ","); got != tt.ids {
					t.Errorf("ids %q, want %q", got, tt.ids)
				}
				return
			}
			var eb struct{ Errors []string }
			if err := json.Unmarshal(body, &eb); err != nil || len(eb.Errors) == 0 || !strings.Contains(strings.Join(eb.Errors, "; "), tt.ids) {
				t.Errorf("error body %s, want {\"errors\":[...%s...]}", body, tt.ids)
			}
		})
	}
	// URL is the origin, as the client's base URL is: the documented path
	// /api/audit-service/... is served under it.
	if u, err := url.Parse(a.URL()); err != nil || u.Path != "" {
		t.Errorf("URL %s is not an origin", a.URL())
	}
	resp, err := http.Post(a.URL()+base+"?date=2024-06-18", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestAutomoxFakeFaultsAndAdd(t *testing.T) {
	a := StartAutomox(t, AutomoxOptions{Events: []json.RawMessage{},
		Faults: Faults{Script: []Fault{FaultRateLimit, FaultUnavailable}, RetryAfter: 2 * time.Second}})
	path := "/api/audit-service/v1/orgs/" + a.OrgUUID() + "/events?date=2024-06-18"
	for _, want := range []struct {
		status int
		msg    string
	}{{429, "Too many requests"}, {503, "Service Unavailable"}, {200, ""}} {
		status, body := automoxGet(t, a, path, a.APIKey(), "")
		if status != want.status || !bytes.Contains(body, []byte(want.msg)) {
			t.Errorf("status %d body %s, want %d %s", status, body, want.status, want.msg)
		}
	}
	if st := a.Stats(); st.Requests != 3 || st.Served != 1 || st.Injected[FaultRateLimit] != 1 || st.Injected[FaultUnavailable] != 1 {
		t.Errorf("stats %+v", st)
	}
	if r := a.Requests()[0]; r.Header.Get("Authorization") != "Bearer "+a.APIKey() || r.Query.Get("date") != "2024-06-18" {
		t.Errorf("recorded %v", r)
	}
	a.Add(json.RawMessage(`{"_id":{"$oid":"6670d2c00000000000000001"},"time":"1718616000000"}`), json.RawMessage(`{"_id":"6670d2c00000000000000000","time":1718616000.5}`))
	status, body := automoxGet(t, a, strings.Replace(path, "2024-06-18", "2024-06-17", 1), a.APIKey(), "")
	if got := strings.Join(automoxIDs(t, body), ","); status != 200 || got != "6670d2c00000000000000000,6670d2c00000000000000001" {
		t.Errorf("after Add: %d %s", status, got)
	}
	if len(a.Events()) != 2 {
		t.Errorf("Events: %d", len(a.Events()))
	}
}

func TestAutomoxTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`1718213009419`, time.UnixMilli(1718213009419), true},
		{`"1718217424504"`, time.UnixMilli(1718217424504), true},
		{`1774432800.123456`, time.Unix(1774432800, 123456000), true},
		{`"1774432800.5"`, time.Unix(1774432800, 500000000), true},
		{`1718213009`, time.Unix(1718213009, 0), true},
		{`"yesterday"`, time.Time{}, false},
		{`-5`, time.Time{}, false},
		{`null`, time.Time{}, false},
		{`1.5e12`, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := AutomoxTime(json.RawMessage(tt.in))
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("AutomoxTime(%s) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGenerateAutomoxEvents(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	a, b := GenerateAutomoxEvents(1200, 3, end), GenerateAutomoxEvents(1200, 3, end)
	if len(a) != 1200 {
		t.Fatalf("%d events", len(a))
	}
	kinds := map[string]int{}
	days := map[string]bool{}
	idStyles := map[string]int{}
	shared := 0
	var prevID, prevTime string
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("event %d differs between two runs", i)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(a[i], &m); err != nil {
			t.Fatal(err)
		}
		e := parseAutomoxEvent(a[i], i)
		if e.day == "" || e.id <= prevID {
			t.Fatalf("event %d: day %q id %q after %q (ids must grow)", i, e.day, e.id, prevID)
		}
		days[e.day] = true
		var class int
		var msg string
		_ = json.Unmarshal(m["class_uid"], &class)
		_ = json.Unmarshal(m["message"], &msg)
		kinds[jsonInt(int64(class))+" "+msg]++
		for _, k := range []string{"_id", "id"} {
			if v, ok := m[k]; ok {
				idStyles[k+string(v[0])]++
			}
		}
		tm, _ := AutomoxTime(m["time"])
		if ts := tm.Format(time.RFC3339Nano); ts == prevTime {
			shared++
		} else {
			prevTime = ts
		}
		prevID = e.id
		if _, ok := m["activity"]; !ok {
			t.Errorf("event %d has no activity (Automox always sends it)", i)
		}
	}
	last, _ := AutomoxTime(json.RawMessage(func() []byte { var m map[string]json.RawMessage; _ = json.Unmarshal(a[len(a)-1], &m); return m["time"] }()))
	if !last.Equal(end) {
		t.Errorf("newest event at %v, want %v", last, end)
	}
	for _, want := range []string{"3002 User Log In Success", "3002 User Log In Failure", "3002 User Log Out", "3001 User Zone Role Assignment",
		"3001 User Zone Role Revocation", "3001 User Account 2FA Enabled", "3001 User Password Changed", "3001 User Invited to Organization",
		"3004 Group Created", "3004 Policy Updated", "3004 Organization Role Creation", "3004 API Key Created", "6001 Manual Device Scan Request", "6001 Device Report Export"} {
		if kinds[want] == 0 {
			t.Errorf("no %q in the data set: %v", want, kinds)
		}
	}
	if idStyles[`_id{`] == 0 || idStyles[`_id"`] == 0 || idStyles[`id"`] == 0 {
		t.Errorf("id styles %v", idStyles)
	}
	if shared < 50 {
		t.Errorf("only %d events share their time with the one before", shared)
	}
	// Nine days or so, with at least one empty day between the first and the last.
	var first, lastDay time.Time
	for d := range days {
		t, _ := time.Parse(time.DateOnly, d)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(lastDay) {
			lastDay = t
		}
	}
	span := int(lastDay.Sub(first).Hours()/24) + 1
	if span < 5 || len(days) >= span {
		t.Errorf("%d days with events over a span of %d days; want several, with a gap", len(days), span)
	}
	if len(GenerateAutomoxEvents(0, 1, end)) != 0 || GenerateAutomoxEvents(-1, 1, end) == nil {
		t.Error("n <= 0 must give an empty, non-nil slice")
	}
}

func TestAutomoxDocExamplesAreJSON(t *testing.T) {
	ex := AutomoxDocExamples()
	for _, name := range AutomoxDocEventNames() {
		var arr []map[string]any
		if err := json.Unmarshal(ex[name], &arr); err != nil || len(arr) != 1 {
			t.Errorf("%s: %v", name, err)
		}
	}
	var eb struct{ Errors []string }
	if err := json.Unmarshal(ex["bad_request"], &eb); err != nil || len(eb.Errors) != 1 || eb.Errors[0] != "Bad Request" {
		t.Errorf("bad_request: %s", ex["bad_request"])
	}
}

// newestAutomox returns the time of the newest event of a data set.
func newestAutomox(t *testing.T, events []json.RawMessage) time.Time {
	t.Helper()
	var newest time.Time
	for _, raw := range events {
		var m struct{ Time json.RawMessage }
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		if tm, ok := AutomoxTime(m.Time); ok && tm.After(newest) {
			newest = tm
		}
	}
	return newest
}

// The default data set ends when the fake starts, or at Options.Now: a
// walk of the last day finds events.
func TestAutomoxDefaultDataSetEndsNow(t *testing.T) {
	before := time.Now().Truncate(time.Millisecond)
	a := StartAutomox(t, AutomoxOptions{})
	after := time.Now()
	evs := a.Events()
	if len(evs) != DefaultAutomoxEvents {
		t.Fatalf("%d events, want %d", len(evs), DefaultAutomoxEvents)
	}
	checkDefaultEnd(t, newestAutomox(t, evs), before, after)
	status, body := automoxGet(t, a, "/api/audit-service/v1/orgs/"+a.OrgUUID()+"/events?date="+before.UTC().Format(time.DateOnly)+"&limit=1", a.APIKey(), "")
	if status != 200 || len(automoxIDs(t, body)) != 1 {
		t.Errorf("today: %d %s", status, body)
	}
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	b := StartAutomox(t, AutomoxOptions{Now: now})
	if n := newestAutomox(t, b.Events()); !n.Equal(now) {
		t.Errorf("Now %v: newest event at %v", now, n)
	}
	if c := StartAutomox(t, AutomoxOptions{Now: now, Events: []json.RawMessage{}}); len(c.Events()) != 0 {
		t.Errorf("an empty data set with Now: %d events", len(c.Events()))
	}
}

func TestAutomoxDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	d, err := StartDemo("automox", DemoConfig{Now: now, Events: 300, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	key, org := d.Settings["api_key"], d.Settings["org_uuid"]
	if d.Vendor != "automox" || key == "" || org == "" || len(d.Settings) != 2 || len(d.Secrets) != 1 || d.Secrets[0] != key || d.Records != 300 {
		t.Fatalf("demo %+v", d)
	}
	// The data set is GenerateAutomoxEvents(Events, Seed, a second before
	// Now), behind the key and organization of Settings.
	var got []json.RawMessage
	for day := now.AddDate(0, 0, -30); !day.After(now); day = day.AddDate(0, 0, 1) {
		cursor := ""
		for {
			path := "/api/audit-service/v1/orgs/" + org + "/events?date=" + day.Format(time.DateOnly)
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			req, _ := http.NewRequest(http.MethodGet, d.BaseURL+path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var page []json.RawMessage
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if resp.StatusCode != 200 || err != nil {
				t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
			}
			got = append(got, page...)
			if len(page) < AutomoxDefaultLimit {
				break
			}
			cursor = parseAutomoxEvent(page[len(page)-1], 0).id
		}
	}
	want := GenerateAutomoxEvents(300, 4, now.Add(-time.Second))
	if len(got) != len(want) {
		t.Fatalf("%d events served, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("event %d: %s, want %s", i, got[i], want[i])
		}
	}
	if n := newestAutomox(t, got); !n.Equal(now.Add(-time.Second)) {
		t.Errorf("newest event at %v, want a second before Now", n)
	}
	if st := d.Stats(); st.Served == 0 {
		t.Errorf("stats %+v", st)
	}
}
