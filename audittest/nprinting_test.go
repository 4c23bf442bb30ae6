package audittest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nprintingTestEnd is the newest event's time in the tests' data sets.
var nprintingTestEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// nprintingNewest returns the eventTime of the newest event n serves.
func nprintingNewest(t *testing.T, n *NPrinting) time.Time {
	t.Helper()
	p := nprintingPageOf(t, n, "?limit=1")
	if len(p.Data.Items) != 1 {
		t.Fatalf("no event: %+v", p.Data)
	}
	at, err := time.Parse(time.RFC3339Nano, nprintingDecode(t, p.Data.Items[0]).EventTime)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// The default data set ends when the fake starts (or at Now, when given):
// its newest event a second before the second it started in, so that a walk of the last day
// started at once reads it.
func TestNPrintingDefaultDataSetEndsNow(t *testing.T) {
	before := time.Now()
	n := StartNPrinting(t, NPrintingOptions{})
	after := time.Now()
	checkDefaultEnd(t, nprintingNewest(t, n), before, after)
	if len(n.Events()) != DefaultNPrintingEvents {
		t.Errorf("%d events, want %d", len(n.Events()), DefaultNPrintingEvents)
	}
	day := nprintingPageOf(t, n, "?limit=1&start="+time.Now().Add(-24*time.Hour).UTC().Format(nprintingTimeLayout))
	if day.Data.TotalItems == 0 {
		t.Error("no event in the last day")
	}

	now := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	n = StartNPrinting(t, NPrintingOptions{Now: now})
	if got, want := nprintingNewest(t, n), now; !got.Equal(want) {
		t.Errorf("with Now: newest event at %v, want %v", got, want)
	}
	if !bytes.Equal(n.Events()[0], GenerateNPrintingEvents(DefaultNPrintingEvents, 1, now)[0]) {
		t.Error("with Now: not the generated default data set")
	}
}

// StartDemo("nprinting") serves cfg.Events records ending just before
// cfg.Now, with the settings that reach it and the secrets to keep out of
// sight.
func TestNPrintingDemo(t *testing.T) {
	now := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	d, err := StartDemo("nprinting", DemoConfig{Now: now, Events: 120, Seed: 5, Faults: Faults{Script: []Fault{FaultRateLimit}}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Vendor != "nprinting" || d.Records != 120 || d.BaseURL == "" || d.Settings["server"] != d.BaseURL || d.Settings["token"] == "" {
		t.Fatalf("demo %+v", d)
	}
	if !slices.Contains(d.Secrets, d.Settings["token"]) {
		t.Errorf("secrets %q lack the token", d.Secrets)
	}
	get := func() (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, d.BaseURL+"/api/v1/audit/events?limit=1000", nil)
		req.Header.Set("Authorization", "Bearer "+d.Settings["token"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	if status, _ := get(); status != http.StatusTooManyRequests {
		t.Errorf("the scripted fault: status %d", status)
	}
	status, body := get()
	var p nprintingPage
	if err := json.Unmarshal(body, &p); status != http.StatusOK || err != nil {
		t.Fatalf("%d %v in %s", status, err, body)
	}
	if st := d.Stats(); st.Requests != 2 || st.Served != 1 {
		t.Errorf("stats %+v", st)
	}
	want := GenerateNPrintingEvents(120, 5, now.Add(-2*time.Second))
	if p.Data.TotalItems != 120 || len(p.Data.Items) != 120 {
		t.Fatalf("demo serves %d of %d", len(p.Data.Items), p.Data.TotalItems)
	}
	for i := range want {
		if !bytes.Equal(p.Data.Items[i], want[i]) {
			t.Fatalf("event %d differs from GenerateNPrintingEvents(120, 5, Now-2s)", i)
		}
	}
}

// nprintingPage is the document's envelope, decoded by hand from its
// example (not from any package of ours).
type nprintingPage struct {
	Data struct {
		TotalItems int               `json:"totalItems"`
		Offset     int               `json:"offset"`
		Limit      int               `json:"limit"`
		Items      []json.RawMessage `json:"items"`
	} `json:"data"`
}

// nprintingErr is NPrinting's error body.
type nprintingErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// nprintingRec holds the members tests filter on.
type nprintingRec struct {
	ID, EventTime, Action, Source string
	AppID, UserID, TargetID       *string
	Target, DataType, TargetName  *string
	IPAddress, UserName           *string
	Description                   string
	Data                          json.RawMessage
}

func nprintingDecode(t testing.TB, raw json.RawMessage) nprintingRec {
	t.Helper()
	var r nprintingRec
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("record %s: %v", raw, err)
	}
	return r
}

func nprintingStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// nprintingGet sends a GET with the given Authorization (none when "") and
// returns the response and its body.
func nprintingGet(t testing.TB, u, auth string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func nprintingPageOf(t testing.TB, n *NPrinting, query string) nprintingPage {
	t.Helper()
	resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events"+query, "Bearer "+n.Token())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", query, resp.StatusCode, body)
	}
	var p nprintingPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return p
}

func TestNPrintingPagingWalksEveryEventOnceNewestFirst(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{})
	want := n.Events()
	if len(want) != DefaultNPrintingEvents {
		t.Fatalf("default data set has %d events", len(want))
	}
	var got []json.RawMessage
	for off := 0; ; off += 150 {
		p := nprintingPageOf(t, n, "?limit=150&offset="+strconv.Itoa(off))
		if p.Data.TotalItems != len(want) || p.Data.Offset != off || p.Data.Limit != 150 {
			t.Fatalf("page at %d: %+v", off, p.Data)
		}
		if len(p.Data.Items) == 0 {
			break
		}
		got = append(got, p.Data.Items...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	var prev time.Time
	ids := map[string]bool{}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("event %d differs", i)
		}
		r := nprintingDecode(t, got[i])
		at, err := time.Parse(time.RFC3339Nano, r.EventTime)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && at.After(prev) {
			t.Fatalf("event %d is newer than the one before", i)
		}
		prev = at
		if ids[r.ID] {
			t.Fatalf("id %s twice", r.ID)
		}
		ids[r.ID] = true
	}
}

func TestNPrintingLimits(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{Events: GenerateNPrintingEvents(1200, 1, nprintingTestEnd)})
	if p := nprintingPageOf(t, n, ""); p.Data.Limit != 50 || len(p.Data.Items) != 50 || p.Data.Offset != 0 {
		t.Errorf("default page: limit %d, %d items", p.Data.Limit, len(p.Data.Items))
	}
	if p := nprintingPageOf(t, n, "?limit=5000"); p.Data.Limit != NPrintingMaxLimit || len(p.Data.Items) != NPrintingMaxLimit {
		t.Errorf("clamped page: limit %d, %d items", p.Data.Limit, len(p.Data.Items))
	}
	if p := nprintingPageOf(t, n, "?offset=1195&limit=10"); len(p.Data.Items) != 5 || p.Data.TotalItems != 1200 {
		t.Errorf("last page: %d items of %d", len(p.Data.Items), p.Data.TotalItems)
	}
	if p := nprintingPageOf(t, n, "?offset=5000"); len(p.Data.Items) != 0 || p.Data.Items == nil {
		t.Errorf("past the end: %v", p.Data.Items)
	}
}

// The envelope and records have the members of the document's example, in
// its order.
func TestNPrintingResponseShapeMatchesDocument(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{})
	_, body := nprintingGet(t, n.URL()+"/api/v1/audit/events?limit=3", "Bearer "+n.Token())
	doc := NPrintingDocExamples()["list"]
	if got, want := nprintingKeys(t, body, "data"), nprintingKeys(t, doc, "data"); !slices.Equal(got, want) {
		t.Errorf("data members %v, want %v", got, want)
	}
	var p, d nprintingPage
	_ = json.Unmarshal(body, &p)
	_ = json.Unmarshal(doc, &d)
	want := nprintingKeys(t, d.Data.Items[0], "")
	for _, gen := range GenerateNPrintingEvents(300, 9, time.Now()) {
		if got := nprintingKeys(t, gen, ""); !slices.Equal(got, want) {
			t.Fatalf("record members %v, want %v", got, want)
		}
	}
}

func nprintingKeys(t *testing.T, doc []byte, member string) []string {
	t.Helper()
	raw := json.RawMessage(doc)
	if member != "" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		raw = m[member]
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, _ := dec.Token()
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// The example records, served, come back byte for byte.
func TestNPrintingServesDocumentRecords(t *testing.T) {
	var fx nprintingPage
	if err := json.Unmarshal(NPrintingDocExamples()["fixture"], &fx); err != nil {
		t.Fatal(err)
	}
	n := StartNPrinting(t, NPrintingOptions{Events: fx.Data.Items})
	p := nprintingPageOf(t, n, strings.TrimPrefix(NPrintingDocExampleRequests()["fixture"], "/api/v1/audit/events"))
	if p.Data.TotalItems != 2 || len(p.Data.Items) != 2 ||
		!bytes.Equal(p.Data.Items[0], fx.Data.Items[1]) || !bytes.Equal(p.Data.Items[1], fx.Data.Items[0]) { // newest first
		t.Errorf("served %s", p.Data.Items)
	}
}

func TestNPrintingFilters(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{Events: GenerateNPrintingEvents(800, 3, nprintingTestEnd)})
	all := n.Events()
	var recs []nprintingRec
	for _, r := range all {
		recs = append(recs, nprintingDecode(t, r))
	}
	first := func(f func(nprintingRec) string) string {
		for _, r := range recs {
			if v := f(r); v != "" {
				return v
			}
		}
		t.Fatal("no value")
		return ""
	}
	app := first(func(r nprintingRec) string { return nprintingStr(r.AppID) })
	user := first(func(r nprintingRec) string { return nprintingStr(r.UserID) })
	target := first(func(r nprintingRec) string { return nprintingStr(r.TargetID) })
	at := func(r nprintingRec) time.Time { tm, _ := time.Parse(time.RFC3339Nano, r.EventTime); return tm }
	start, end := nprintingTestEnd.Add(-20*time.Hour), nprintingTestEnd.Add(-10*time.Hour)
	tests := []struct {
		query string
		match func(nprintingRec) bool
	}{
		{"appId=" + strings.ToUpper(app), func(r nprintingRec) bool { return nprintingStr(r.AppID) == app }},
		{"userId=" + user, func(r nprintingRec) bool { return nprintingStr(r.UserID) == user }},
		{"targetId=" + target, func(r nprintingRec) bool { return nprintingStr(r.TargetID) == target }},
		{"target=report", func(r nprintingRec) bool { return nprintingStr(r.Target) == "Report" }},
		{"dataType=Authentication", func(r nprintingRec) bool { return nprintingStr(r.DataType) == "Authentication" }},
		{"start=" + start.Format(nprintingTimeLayout), func(r nprintingRec) bool { return !at(r).Before(start) }},
		{"end=" + end.Format(nprintingTimeLayout), func(r nprintingRec) bool { return !at(r).After(end) }},
		{"start=" + start.Format(nprintingTimeLayout) + "&end=" + end.Format(nprintingTimeLayout) + "&target=User",
			func(r nprintingRec) bool {
				return !at(r).Before(start) && !at(r).After(end) && nprintingStr(r.Target) == "User"
			}},
	}
	for _, tt := range tests {
		var want []json.RawMessage
		for i, r := range recs {
			if tt.match(r) {
				want = append(want, all[i])
			}
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Errorf("%s: %d of %d match; the data set does not exercise it", tt.query, len(want), len(all))
		}
		p := nprintingPageOf(t, n, "?limit=1000&"+tt.query)
		if p.Data.TotalItems != len(want) || len(p.Data.Items) != len(want) {
			t.Errorf("%s: %d items (total %d), want %d", tt.query, len(p.Data.Items), p.Data.TotalItems, len(want))
			continue
		}
		for i := range want {
			if !bytes.Equal(p.Data.Items[i], want[i]) {
				t.Errorf("%s: item %d differs", tt.query, i)
				break
			}
		}
	}
}

func TestNPrintingAuthFailures(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{Token: "jwt-1"})
	for _, auth := range []string{"", "Bearer jwt-2", "Bearer ", "Basic and3QtMTo=", "jwt-1"} {
		resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events", auth)
		var e nprintingErr
		if resp.StatusCode != 401 || json.Unmarshal(body, &e) != nil || e.Code != 401 || e.Message == "" {
			t.Errorf("Authorization %q: %d %s", auth, resp.StatusCode, body)
		}
	}
	if resp, _ := nprintingGet(t, n.URL()+"/api/v1/audit/events", "Bearer jwt-1"); resp.StatusCode != 200 {
		t.Errorf("right token: %d", resp.StatusCode)
	}
}

func TestNPrintingBadParameters(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{Events: GenerateNPrintingEvents(10, 1, time.Now())})
	for _, q := range []string{
		"foo=1", "offset=-1", "offset=x", "limit=0", "limit=-5", "limit=1&limit=2", "target=",
		"start=2020-09-15", "start=2020-09-15T11:59:08%2B00:00", "end=2020-09-15T11:59:08.000Z", "end=yesterday",
		"appId=abc", "userId=00000000-0000-0000-0000-00000000000", "targetId=x", "%zz",
	} {
		resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events?"+q, "Bearer "+n.Token())
		var e nprintingErr
		if resp.StatusCode != 400 || json.Unmarshal(body, &e) != nil || e.Code != 400 || e.Message == "" {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
	resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events?start=2020-09-15T11:59:08Z&end=2030-01-01T00:00:00Z&appId=00000000-0000-0000-0000-000000000000", "Bearer "+n.Token())
	if resp.StatusCode != 200 {
		t.Errorf("the document's formats: %d %s", resp.StatusCode, body)
	}
}

func TestNPrintingOtherRoutesAndMethods(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{BasePath: "/np", Events: GenerateNPrintingEvents(5, 1, time.Now())})
	for u, status := range map[string]int{
		n.URL() + "/api/v1/audit/logs":                              404,
		n.URL() + "/api/v1/audit/events":                            200,
		strings.TrimSuffix(n.URL(), "/np") + "/api/v1/audit/events": 404,
	} {
		resp, body := nprintingGet(t, u, "Bearer "+n.Token())
		var e nprintingErr
		if resp.StatusCode != status || (status != 200 && (json.Unmarshal(body, &e) != nil || e.Code != status)) {
			t.Errorf("%s: %d %s", u, resp.StatusCode, body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, n.URL()+"/api/v1/audit/events", nil)
	req.Header.Set("Authorization", "Bearer "+n.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST: %d allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestNPrintingNTLMLogin(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{NTLMToken: "ntlm-ok"})
	resp, body := nprintingGet(t, n.URL()+"/api/v1/login/ntlm", "")
	if resp.StatusCode != 401 || !slices.Contains(resp.Header.Values("WWW-Authenticate"), "NTLM") || !strings.Contains(string(body), `"code":401`) {
		t.Errorf("login without NTLM: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := nprintingGet(t, n.URL()+"/api/v1/login/ntlm", "NTLM wrong"); resp.StatusCode != 401 {
		t.Errorf("wrong NTLM: %d", resp.StatusCode)
	}
	resp, _ = nprintingGet(t, n.URL()+"/api/v1/login/ntlm", "NTLM ntlm-ok")
	var session, xsrf *http.Cookie
	for _, c := range resp.Cookies() {
		switch c.Name {
		case NPrintingSessionCookie:
			session = c
		case NPrintingXSRFCookie:
			xsrf = c
		}
	}
	if resp.StatusCode != 200 || session == nil || xsrf == nil || !session.HttpOnly || n.Logins() != 1 {
		t.Fatalf("login: %d cookies %v logins %d", resp.StatusCode, resp.Cookies(), n.Logins())
	}
	get := func() int {
		req, _ := http.NewRequest(http.MethodGet, n.URL()+"/api/v1/audit/events?limit=1", nil)
		req.AddCookie(session)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(); s != 200 {
		t.Errorf("with the session cookie: %d", s)
	}
	n.ExpireSessions()
	if s := get(); s != 401 {
		t.Errorf("expired session: %d", s)
	}
}

func TestNPrintingAddAndFaults(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{Events: GenerateNPrintingEvents(10, 1, nprintingTestEnd)})
	late := json.RawMessage(`{"id":"11111111-2222-4333-8444-555555555555","eventTime":"2024-06-20T00:00:00.000+00:00","action":"Login"}`)
	n.Add(late)
	if p := nprintingPageOf(t, n, "?limit=1"); p.Data.TotalItems != 11 || !bytes.Equal(p.Data.Items[0], late) {
		t.Errorf("added event: %+v", p.Data)
	}
	n.SetFaults(Faults{Script: []Fault{FaultRateLimit, FaultUnavailable, FaultServerError}, RetryAfter: 2 * time.Second})
	for _, want := range []int{429, 503, 500, 200} {
		resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events", "Bearer "+n.Token())
		var e nprintingErr
		if resp.StatusCode != want || (want != 200 && (json.Unmarshal(body, &e) != nil || e.Code != want)) {
			t.Errorf("want %d: %d %s", want, resp.StatusCode, body)
		}
		if want == 429 && resp.Header.Get("Retry-After") != "2" {
			t.Errorf("429 Retry-After %q", resp.Header.Get("Retry-After"))
		}
	}
	st := n.Stats()
	if st.Injected[FaultRateLimit] != 1 || st.Served != 2 {
		t.Errorf("stats %+v", st)
	}
	for _, r := range n.Requests() {
		if r.Path != "/api/v1/audit/events" || strings.Contains(r.String(), n.Token()) {
			t.Errorf("request %v", r)
		}
	}
}

func TestGenerateNPrintingEvents(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 123_456_789, time.UTC)
	a, b := GenerateNPrintingEvents(3000, 5, end), GenerateNPrintingEvents(3000, 5, end)
	if len(a) != 3000 || !slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) }) {
		t.Fatal("not deterministic")
	}
	if c := GenerateNPrintingEvents(3000, 6, end); bytes.Equal(c[10], a[10]) {
		t.Error("another seed gives the same records")
	}
	if g := GenerateNPrintingEvents(0, 1, end); g == nil || len(g) != 0 {
		t.Error("n=0")
	}
	timeForm := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$`)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ids := map[string]bool{}
	times := map[string]int{}
	kinds := map[string]int{}
	var first, last time.Time
	for i, raw := range a {
		r := nprintingDecode(t, raw)
		if !timeForm.MatchString(r.EventTime) || !uuid.MatchString(r.ID) || ids[r.ID] {
			t.Fatalf("record %d: time %q id %q (dup %v)", i, r.EventTime, r.ID, ids[r.ID])
		}
		ids[r.ID] = true
		times[r.EventTime]++
		at, _ := time.Parse(time.RFC3339Nano, r.EventTime)
		if i == 0 {
			first = at
		}
		last = at
		switch {
		case r.Source == "WebConsole" && (len(r.Data) == 0 || r.Data[0] != '"'):
			t.Fatalf("record %d: web console data is not a string: %s", i, r.Data)
		case r.Source != "WebConsole" && (len(r.Data) == 0 || r.Data[0] != '{'):
			t.Fatalf("record %d: %s data is not an object: %s", i, r.Source, r.Data)
		}
		kinds[r.Source+" "+nprintingStr(r.Target)+" "+r.Action]++
	}
	if !first.Equal(end.Truncate(time.Millisecond)) || first.Sub(last) < 72*time.Hour {
		t.Errorf("span %v .. %v", last, first)
	}
	shared := 0
	for _, c := range times {
		if c > 1 {
			shared += c
		}
	}
	if shared < 150 {
		t.Errorf("only %d records share their eventTime", shared)
	}
	for _, k := range []string{"WebConsole User Login", "NewsStand User Login", "Api User Login", "WebConsole User LoginFailed", "WebConsole User Logout",
		"WebConsole User Create", "WebConsole User Update", "WebConsole User Delete", "WebConsole Group Update", "WebConsole Group Create",
		"WebConsole Role Update", "WebConsole Task Create", "WebConsole Report Update", "WebConsole Connection Delete", "Scheduler Task Execute",
		"Scheduler Report Generate", "NewsStand Report View", "NewsStand Report Download", "NewsStand Report Subscribe", "Api Report Export",
		"Api Task Create", "Api User Import", "WebConsole Settings Update"} {
		if kinds[k] == 0 {
			t.Errorf("no %q records: %v", k, kinds)
		}
	}
	nullApp := 0
	for _, r := range a {
		if bytes.Contains(r, []byte(`"appId":null`)) {
			nullApp++
		}
	}
	if nullApp == 0 || nullApp == len(a) {
		t.Error("no record with a null appId")
	}
}

// Rewrite replaces the body of successful events responses, numbered from
// 1, and sees the request; error responses are not passed to it.
func TestNPrintingRewrite(t *testing.T) {
	var offsets []string
	n := StartNPrinting(t, NPrintingOptions{Events: GenerateNPrintingEvents(10, 1, nprintingTestEnd),
		Rewrite: func(r *http.Request, i int, body []byte) []byte {
			offsets = append(offsets, strconv.Itoa(i)+"@"+r.URL.Query().Get("offset"))
			if i == 2 {
				return []byte(`{}`)
			}
			return body
		}})
	if resp, _ := nprintingGet(t, n.URL()+"/api/v1/audit/events", "Bearer wrong"); resp.StatusCode != 401 {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	resp, body := nprintingGet(t, n.URL()+"/api/v1/audit/events?limit=5", "Bearer "+n.Token())
	var p nprintingPage
	if resp.StatusCode != 200 || json.Unmarshal(body, &p) != nil || len(p.Data.Items) != 5 {
		t.Fatalf("page 1: %d %s", resp.StatusCode, body)
	}
	resp, body = nprintingGet(t, n.URL()+"/api/v1/audit/events?limit=5&offset=5", "Bearer "+n.Token())
	if resp.StatusCode != 200 || string(body) != `{}` || resp.ContentLength != 2 {
		t.Errorf("page 2: %d %q (Content-Length %d), want the rewritten {}", resp.StatusCode, body, resp.ContentLength)
	}
	if strings.Join(offsets, " ") != "1@ 2@5" {
		t.Errorf("Rewrite saw %v", offsets)
	}
}
