package audittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// entrustPage is the AuditEventPage envelope, decoded by hand from the
// research notes (not from any package of ours).
type entrustPage struct {
	Results []json.RawMessage `json:"results"`
	Paging  struct {
		NextCursor *string `json:"nextCursor"`
	} `json:"paging"`
}

type entrustErrBody struct {
	ErrorCode    string   `json:"errorCode"`
	ErrorMessage string   `json:"errorMessage"`
	ErrorParms   []string `json:"errorParms"`
}

// entrustPost posts body to path with the Authorization header tok ("" for
// none) and returns the status and the body.
func entrustPost(t *testing.T, e *Entrust, path, tok, body string) (int, http.Header, []byte) {
	t.Helper()
	return entrustPostURL(t, e.URL()+path, tok, body)
}

// entrustPostURL is entrustPost to a URL.
func entrustPostURL(t *testing.T, url, tok, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func entrustLogin(t *testing.T, e *Entrust) string {
	t.Helper()
	status, _, b := entrustPost(t, e, entrustAuthPath, "",
		fmt.Sprintf(`{"applicationId":%q,"sharedSecret":%q,"enableWebSession":false}`, e.ApplicationID(), e.SharedSecret()))
	var r struct{ AuthToken, CreationTime, ExpirationTime string }
	if status != 200 || json.Unmarshal(b, &r) != nil || r.AuthToken == "" {
		t.Fatalf("authenticate: %d %s", status, b)
	}
	return r.AuthToken
}

// entrustWalk follows nextCursor from the first body and returns every
// record and the number of pages.
func entrustWalk(t *testing.T, e *Entrust, path, tok, first string, limit int) ([]json.RawMessage, int) {
	t.Helper()
	return entrustWalkURL(t, e.URL()+path, tok, first, limit)
}

// entrustWalkURL is entrustWalk at a URL.
func entrustWalkURL(t *testing.T, url, tok, first string, limit int) ([]json.RawMessage, int) {
	t.Helper()
	var out []json.RawMessage
	body := first
	for pages := 1; ; pages++ {
		status, _, b := entrustPostURL(t, url, tok, body)
		if status != 200 {
			t.Fatalf("page %d: %d %s", pages, status, b)
		}
		var p entrustPage
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Results...)
		if p.Paging.NextCursor == nil {
			return out, pages
		}
		if len(p.Results) != limit {
			t.Fatalf("page %d has %d records and a next cursor", pages, len(p.Results))
		}
		body = fmt.Sprintf(`{"limit":%d,"cursor":%q}`, limit, *p.Paging.NextCursor)
	}
}

// entrustDefaultEnd is the end of the tests' data sets.
func entrustDefaultEnd() time.Time { return time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC) }

const entrustAll = `{"name":"eventTime","operator":"LESS_THAN_OR_EQUAL","value":"2100-01-01T00:00:00"}`

func entrustField(t *testing.T, raw json.RawMessage, k string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[k].(string)
	return s
}

func TestEntrustWalksEveryEventOnceInEachOrder(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{})
	tok := entrustLogin(t, e)
	want := e.Events()
	if len(want) != DefaultEntrustEvents {
		t.Fatalf("%d events", len(want))
	}
	rev := slices.Clone(want)
	slices.Reverse(rev)
	for _, tt := range []struct {
		name, path, body string
		want             []json.RawMessage
	}{
		{"eventTime ascending", entrustPagedPath, `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + entrustAll + `]}`, want},
		{"eventTime descending", entrustPagedPath, `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":false},"searchByAttributes":[` + entrustAll + `]}`, rev},
		{"no order: newest first", entrustPagedPath, `{"limit":100,"searchByAttributes":[` + entrustAll + `]}`, rev},
		{"siem: oldest first, order ignored", entrustSIEMPath, `{"limit":100,"orderByAttribute":{"name":"outcome","ascending":false},"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"1970-01-01T00:00:00Z"}]}`, want},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := entrustWalk(t, e, tt.path, tok, tt.body, 100)
			if pages != 20 || len(got) != len(tt.want) {
				t.Fatalf("%d pages, %d records", pages, len(got))
			}
			for i := range got {
				if !bytes.Equal(got[i], tt.want[i]) {
					t.Fatalf("record %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Ordering by an attribute sorts by it and leaves out events without it;
// entityType also leaves out AUTHENTICATION events.
func TestEntrustOrderByAttribute(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(500, 3, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	for _, asc := range []bool{true, false} {
		got, _ := entrustWalk(t, e, entrustPagedPath, tok, fmt.Sprintf(`{"limit":37,"orderByAttribute":{"name":"entityType","ascending":%v},"searchByAttributes":[%s]}`, asc, entrustAll), 37)
		var mgmt int
		for _, r := range e.Events() {
			if entrustField(t, r, "eventCategory") == "MANAGEMENT" {
				mgmt++
			}
		}
		if len(got) != mgmt {
			t.Errorf("ascending %v: %d records, %d MANAGEMENT events", asc, len(got), mgmt)
		}
		for i := 1; i < len(got); i++ {
			a, b := entrustField(t, got[i-1], "entityType"), entrustField(t, got[i], "entityType")
			if (asc && a > b) || (!asc && a < b) {
				t.Fatalf("ascending %v: %q before %q", asc, a, b)
			}
		}
	}
}

func TestEntrustFilters(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(800, 4, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	all := e.Events()
	mid := entrustField(t, all[400], "eventTime")
	midT, _ := entrustParseTime(mid)
	count := func(pred func(json.RawMessage) bool) int {
		n := 0
		for _, r := range all {
			if pred(r) {
				n++
			}
		}
		return n
	}
	f := func(k string) func(json.RawMessage) string {
		return func(r json.RawMessage) string { return entrustField(t, r, k) }
	}
	at := func(r json.RawMessage) time.Time {
		tm, _ := entrustParseTime(entrustField(t, r, "eventTime"))
		return tm
	}
	jdoe := ""
	for _, r := range all {
		if f("subjectName")(r) == "jdoe" {
			jdoe = f("subject")(r)
		}
	}
	tests := []struct {
		cond string
		pred func(json.RawMessage) bool
	}{
		{`{"name":"outcome","operator":"EQUALS","value":"FAIL"}`, func(r json.RawMessage) bool { return f("eventOutcome")(r) == "FAIL" }},
		{`{"name":"category","operator":"EQUALS","value":"AUTHENTICATION"}`, func(r json.RawMessage) bool { return f("eventCategory")(r) == "AUTHENTICATION" }},
		{`{"name":"entityType","operator":"NOT_EQUALS","value":"USERS"}`, func(r json.RawMessage) bool { return f("entityType")(r) != "USERS" }},
		{`{"name":"entityName","operator":"CONTAINS","value":"&"}`, func(r json.RawMessage) bool { return strings.Contains(f("entityName")(r), "&") }},
		{`{"name":"entityAction","operator":"NOT_CONTAINS","value":"ASSIGN"}`, func(r json.RawMessage) bool { return !strings.Contains(f("entityAction")(r), "ASSIGN") }},
		{`{"name":"resourceName","operator":"STARTS_WITH","value":"Corp"}`, func(r json.RawMessage) bool { return strings.HasPrefix(f("resourceName")(r), "Corp") }},
		{`{"name":"eventType","operator":"ENDS_WITH","value":"DeniedEvent"}`, func(r json.RawMessage) bool { return strings.HasSuffix(f("eventType")(r), "DeniedEvent") }},
		{`{"name":"subjectName","operator":"EQUALS","value":"jdoe"}`, func(r json.RawMessage) bool { return f("subjectName")(r) == "jdoe" }},
		{`{"name":"sourceIp","operator":"STARTS_WITH","value":"2001:db8:"}`, func(r json.RawMessage) bool { return strings.HasPrefix(f("sourceIp")(r), "2001:db8:") }},
		{`{"name":"subject","operator":"EQUALS","value":"` + jdoe + `"}`, func(r json.RawMessage) bool { return f("subject")(r) == jdoe }},
		{`{"name":"eventTime","operator":"GREATER_THAN","value":"` + mid + `"}`, func(r json.RawMessage) bool { return at(r).After(midT) }},
		{`{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"` + mid + `"}`, func(r json.RawMessage) bool { return !at(r).Before(midT) }},
		{`{"name":"eventTime","operator":"LESS_THAN","value":"` + strings.TrimSuffix(mid, "Z") + `"}`, func(r json.RawMessage) bool { return at(r).Before(midT) }},
		{`{"name":"eventTime","operator":"LESS_THAN_OR_EQUAL","value":"` + mid + `"}`, func(r json.RawMessage) bool { return !at(r).After(midT) }},
	}
	for _, tt := range tests {
		body := `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + tt.cond + `,` + entrustAll + `]}`
		got, _ := entrustWalk(t, e, entrustPagedPath, tok, body, 100)
		if want := count(tt.pred); len(got) != want || want == 0 || want == len(all) {
			t.Errorf("%s: %d records, want %d of %d", tt.cond, len(got), want, len(all))
		}
		for _, r := range got {
			if !tt.pred(r) {
				t.Errorf("%s: %s does not match", tt.cond, r)
				break
			}
		}
	}
	// SIEM startTime/endTime are inclusive.
	body := `{"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"` + mid + `"},{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"` + mid + `"},{"name":"category","operator":"EQUALS","value":"MANAGEMENT"}]}`
	got, _ := entrustWalk(t, e, entrustSIEMPath, tok, body, 100)
	want := count(func(r json.RawMessage) bool { return at(r).Equal(midT) && f("eventCategory")(r) == "MANAGEMENT" })
	if len(got) != want {
		t.Errorf("siem window of one instant: %d records, want %d", len(got), want)
	}
}

// With a cursor, the request's own search and order are ignored.
func TestEntrustCursorIgnoresSearch(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(300, 5, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	_, _, b := entrustPost(t, e, entrustPagedPath, tok, `{"limit":50,"searchByAttributes":[{"name":"category","operator":"EQUALS","value":"AUTHENTICATION"},`+entrustAll+`]}`)
	var p entrustPage
	if err := json.Unmarshal(b, &p); err != nil || p.Paging.NextCursor == nil {
		t.Fatalf("%s", b)
	}
	cur := *p.Paging.NextCursor
	_, _, plain := entrustPost(t, e, entrustPagedPath, tok, `{"limit":50,"cursor":"`+cur+`"}`)
	_, _, noisy := entrustPost(t, e, entrustPagedPath, tok, `{"limit":50,"cursor":"`+cur+`","orderByAttribute":{"name":"outcome","ascending":true},"searchByAttributes":[{"name":"category","operator":"EQUALS","value":"MANAGEMENT"}]}`)
	if !bytes.Equal(plain, noisy) {
		t.Errorf("a cursor request with other search attributes got another page")
	}
	var q entrustPage
	_ = json.Unmarshal(plain, &q)
	for _, r := range q.Results {
		if entrustField(t, r, "eventCategory") != "AUTHENTICATION" {
			t.Fatalf("the cursor lost its search: %s", r)
		}
	}
	// A cursor of the other endpoint, or garbage, is a 400.
	for path, c := range map[string]string{entrustSIEMPath: cur, entrustPagedPath: "bm90IGEgY3Vyc29y"} {
		status, _, b := entrustPost(t, e, path, tok, `{"limit":50,"cursor":"`+c+`"}`)
		var eb entrustErrBody
		if status != 400 || json.Unmarshal(b, &eb) != nil || eb.ErrorCode != "INVALID_PARAMETER" || len(eb.ErrorParms) == 0 {
			t.Errorf("%s with cursor %s: %d %s", path, c, status, b)
		}
	}
}

// Events added during a walk behind the cursor do not shift the pages: the
// walk sees each old event once, and the new ones after its position.
func TestEntrustKeysetPagingIsStableUnderAdds(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(200, 6, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	first := e.Events()
	body := `{"limit":50,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + entrustAll + `]}`
	_, _, b := entrustPost(t, e, entrustPagedPath, tok, body)
	var p entrustPage
	_ = json.Unmarshal(b, &p)
	old := entrustField(t, first[10], "eventTime")
	e.Add(json.RawMessage(`{"id":"new-old","eventTime":"`+old+`","eventCategory":"MANAGEMENT"}`),
		json.RawMessage(`{"id":"new-late","eventTime":"2024-06-19T12:00:00.500Z","eventCategory":"MANAGEMENT"}`))
	got := p.Results
	rest, _ := entrustWalk(t, e, entrustPagedPath, tok, `{"limit":50,"cursor":"`+*p.Paging.NextCursor+`"}`, 50)
	got = append(got, rest...)
	if len(got) != 201 || !strings.Contains(string(got[200]), "new-late") {
		t.Errorf("%d records, last %s", len(got), got[len(got)-1])
	}
}

// Newest first, the cursor follows the order too: an event newer than the
// page already read is behind the walk, one older than every event comes
// last, and no old event is seen twice or missed.
func TestEntrustKeysetPagingDescending(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(200, 6, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	want := e.Events()
	slices.Reverse(want)
	body := `{"limit":50,"orderByAttribute":{"name":"eventTime","ascending":false},"searchByAttributes":[` + entrustAll + `]}`
	_, _, b := entrustPost(t, e, entrustPagedPath, tok, body)
	var p entrustPage
	if err := json.Unmarshal(b, &p); err != nil || p.Paging.NextCursor == nil {
		t.Fatalf("%s", b)
	}
	e.Add(json.RawMessage(`{"id":"new-newest","eventTime":"2024-06-19T12:00:00.500Z","eventCategory":"MANAGEMENT"}`),
		json.RawMessage(`{"id":"new-oldest","eventTime":"2020-01-01T00:00:00.000Z","eventCategory":"MANAGEMENT"}`))
	rest, _ := entrustWalk(t, e, entrustPagedPath, tok, `{"limit":50,"cursor":"`+*p.Paging.NextCursor+`"}`, 50)
	got := append(p.Results, rest...)
	if len(got) != 201 || !strings.Contains(string(got[200]), "new-oldest") {
		t.Fatalf("%d records, last %s", len(got), got[len(got)-1])
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// The default data set ends when the fake starts, or at Now.
func TestEntrustDefaultDataEndsNow(t *testing.T) {
	before := time.Now().Truncate(time.Millisecond)
	e := StartEntrust(t, EntrustOptions{})
	after := time.Now()
	evs := e.Events()
	newest := func(evs []json.RawMessage) time.Time {
		at, ok := entrustParseTime(entrustField(t, evs[len(evs)-1], "eventTime"))
		if !ok {
			t.Fatalf("newest event %s", evs[len(evs)-1])
		}
		return at
	}
	if len(evs) != DefaultEntrustEvents {
		t.Errorf("%d events, want %d", len(evs), DefaultEntrustEvents)
	}
	checkDefaultEnd(t, newest(evs), before, after)
	// The last day of them is found by a search of the last 24 hours.
	tok := entrustLogin(t, e)
	since := before.Add(-24 * time.Hour).UTC().Format("2006-01-02T15:04:05")
	got, _ := entrustWalk(t, e, entrustPagedPath, tok, `{"limit":100,"searchByAttributes":[{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"`+since+`"}]}`, 100)
	if len(got) == 0 {
		t.Error("no event in the last 24 hours of the default data set")
	}
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	if n := newest(StartEntrust(t, EntrustOptions{Now: now}).Events()); !n.Equal(now) {
		t.Errorf("Now %v: newest event at %v", now, n)
	}
	if f := StartEntrust(t, EntrustOptions{Now: now, Events: []json.RawMessage{}}); len(f.Events()) != 0 {
		t.Errorf("an empty data set with Now: %d events", len(f.Events()))
	}
}

// StartDemo("entrust") serves GenerateEntrustEvents(Events, Seed, a second
// before Now) behind the credentials of Settings; every token it issues
// holds one of Secrets.
func TestEntrustDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	d, err := StartDemo("entrust", DemoConfig{Now: now, Events: 300, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	id, secret := d.Settings["application_id"], d.Settings["shared_secret"]
	if d.Vendor != "entrust" || id == "" || secret == "" || len(d.Settings) != 2 || d.Records != 300 ||
		!slices.Contains(d.Secrets, id) || !slices.Contains(d.Secrets, secret) {
		t.Fatalf("demo %+v", d)
	}
	status, _, b := entrustPostURL(t, d.BaseURL+entrustAuthPath, "", fmt.Sprintf(`{"applicationId":%q,"sharedSecret":%q,"enableWebSession":false}`, id, secret))
	var auth struct{ AuthToken string }
	if status != 200 || json.Unmarshal(b, &auth) != nil {
		t.Fatalf("authenticate: %d %s", status, b)
	}
	if !slices.ContainsFunc(d.Secrets, func(s string) bool { return s != "" && strings.Contains(auth.AuthToken, s) }) {
		t.Errorf("token %q holds none of the demo's secrets", auth.AuthToken)
	}
	got, _ := entrustWalkURL(t, d.BaseURL+entrustPagedPath, auth.AuthToken,
		`{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[`+entrustAll+`]}`, 100)
	want := GenerateEntrustEvents(300, 4, now.Add(-time.Second))
	if len(got) != len(want) {
		t.Fatalf("%d events served, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("event %d: %s, want %s", i, got[i], want[i])
		}
	}
	if d.Stats().Requests < 4 {
		t.Errorf("stats %+v", d.Stats())
	}
}

func TestEntrustAuthentication(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(10, 1, entrustDefaultEnd()), Clock: clock, TokenLifetime: 10 * time.Minute})
	status, h, b := entrustPost(t, e, entrustAuthPath, "", fmt.Sprintf(`{"applicationId":%q,"sharedSecret":%q,"enableWebSession":true}`, e.ApplicationID(), e.SharedSecret()))
	var r struct{ AuthToken, CreationTime, ExpirationTime string }
	if status != 200 || json.Unmarshal(b, &r) != nil || r.CreationTime != "2024-06-01T00:00:00.000Z" || r.ExpirationTime != "2024-06-01T00:10:00.000Z" ||
		!strings.Contains(h.Get("Set-Cookie"), "INTELLITRUST_SESSION_ID=") || e.Authentications() != 1 {
		t.Fatalf("authenticate: %d %s %v", status, b, h)
	}
	search := `{"limit":5,"searchByAttributes":[` + entrustAll + `]}`
	for _, tok := range []string{r.AuthToken, "Bearer " + r.AuthToken} {
		if status, _, b := entrustPost(t, e, entrustPagedPath, tok, search); status != 200 {
			t.Errorf("token %q: %d %s", tok, status, b)
		}
	}
	unauthorized := func(what, tok string) {
		t.Helper()
		status, _, b := entrustPost(t, e, entrustPagedPath, tok, search)
		var eb entrustErrBody
		if status != 401 || json.Unmarshal(b, &eb) != nil || eb.ErrorCode != "INVALID_TOKEN" || eb.ErrorMessage == "" {
			t.Errorf("%s: %d %s", what, status, b)
		}
	}
	unauthorized("no token", "")
	unauthorized("unknown token", "nope")
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	unauthorized("expired token", r.AuthToken)
	tok := entrustLogin(t, e)
	if status, _, _ := entrustPost(t, e, entrustSIEMPath, tok, `{"limit":5,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"}]}`); status != 200 {
		t.Errorf("fresh token: %d", status)
	}
	e.ExpireTokens()
	unauthorized("revoked token", tok)
	if e.Unauthorized() != 4 {
		t.Errorf("Unauthorized() = %d", e.Unauthorized())
	}
	for _, body := range []string{
		fmt.Sprintf(`{"applicationId":%q,"sharedSecret":"wrong"}`, e.ApplicationID()),
		`{"applicationId":"x","sharedSecret":"` + e.SharedSecret() + `"}`,
	} {
		status, _, b := entrustPost(t, e, entrustAuthPath, "", body)
		if status != 401 || !strings.Contains(string(b), `"errorCode":"AUTHENTICATION_FAILED"`) || strings.Contains(string(b), e.SharedSecret()) {
			t.Errorf("%s: %d %s", body, status, b)
		}
	}
	for _, body := range []string{`{}`, `{"applicationId":"x"}`, `[]`, `{"applicationId":"x","sharedSecret":"y","extra":1}`} {
		if status, _, b := entrustPost(t, e, entrustAuthPath, "", body); status != 400 {
			t.Errorf("%s: %d %s", body, status, b)
		}
	}
	req, _ := http.NewRequest("GET", e.URL()+entrustPagedPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

// Every rule of the document is enforced, with every problem named.
func TestEntrustRejectsBadSearches(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(10, 1, entrustDefaultEnd())})
	tok := entrustLogin(t, e)
	cond := func(name, op, value string) string {
		return fmt.Sprintf(`{"limit":10,"searchByAttributes":[{"name":%q,"operator":%q,"value":%q},%s]}`, name, op, value, entrustAll)
	}
	tests := []struct{ path, body, detail string }{
		{entrustPagedPath, `{"limit":10}`, "eventTime is a mandatory"},
		{entrustPagedPath, `{"limit":0,"searchByAttributes":[` + entrustAll + `]}`, "limit must be from 1 to 100"},
		{entrustPagedPath, `{"limit":101,"searchByAttributes":[` + entrustAll + `]}`, "limit must be from 1 to 100"},
		{entrustPagedPath, `{"limit":10,"colour":"red","searchByAttributes":[` + entrustAll + `]}`, "not a SearchParms"},
		{entrustPagedPath, `not json`, "not a SearchParms"},
		{entrustPagedPath, cond("colour", "EQUALS", "x"), "not a search attribute"},
		{entrustPagedPath, cond("startTime", "GREATER_THAN_OR_EQUAL", "2024-01-01T00:00:00Z"), "not a search attribute"},
		{entrustPagedPath, cond("eventTime", "EQUALS", "2024-01-01T00:00:00"), "operator \"EQUALS\" is not allowed for eventTime"},
		{entrustPagedPath, cond("eventTime", "GREATER_THAN", "2024-01-01"), "ISO-8601"},
		{entrustPagedPath, cond("eventTime", "GREATER_THAN", "2024-01-01T00:00:00+02:00"), "ISO-8601"},
		{entrustPagedPath, cond("outcome", "EQUALS", "success"), "SUCCESS or FAIL"},
		{entrustPagedPath, cond("outcome", "NOT_EQUALS", "FAIL"), "not allowed for outcome"},
		{entrustPagedPath, cond("category", "EQUALS", "ADMIN"), "AUTHENTICATION or MANAGEMENT"},
		{entrustPagedPath, cond("subject", "EQUALS", "jdoe"), "UUID"},
		{entrustPagedPath, cond("sourceIp", "CONTAINS", "1"), "not allowed for sourceIp"},
		{entrustPagedPath, cond("sourceIp", "EQUALS", strings.Repeat("1", 40)), "1 to 39 characters"},
		{entrustPagedPath, cond("entityType", "EQUALS", strings.Repeat("é", 41)), "1 to 40 characters"},
		{entrustPagedPath, cond("entityName", "EQUALS", strings.Repeat("x", 101)), "1 to 100 characters"},
		{entrustPagedPath, cond("eventType", "EQUALS", ""), "1 to 100 characters"},
		{entrustPagedPath, `{"limit":10,"searchByAttributes":[{"name":"eventTime","operator":"LESS_THAN"}]}`, "needs a value"},
		{entrustPagedPath, `{"limit":10,"orderByAttribute":{"name":"eventType","ascending":true},"searchByAttributes":[` + entrustAll + `]}`, "orderByAttribute.name \"eventType\""},
		{entrustPagedPath, `{"limit":10,"orderByAttribute":{"name":"eventTime"},"searchByAttributes":[` + entrustAll + `]}`, "ascending is required"},
		{entrustSIEMPath, `{"limit":10,"searchByAttributes":[{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"}]}`, "startTime is a mandatory"},
		{entrustSIEMPath, `{"limit":10,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN","value":"2024-01-01T00:00:00Z"}]}`, "not allowed for startTime"},
		{entrustSIEMPath, `{"limit":10,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"},{"name":"entityType","operator":"EQUALS","value":"USERS"}]}`, "not a search attribute"},
	}
	for _, tt := range tests {
		status, _, b := entrustPost(t, e, tt.path, tok, tt.body)
		var eb entrustErrBody
		if status != 400 || json.Unmarshal(b, &eb) != nil || eb.ErrorCode != "INVALID_PARAMETER" || !strings.Contains(strings.Join(eb.ErrorParms, "|"), tt.detail) {
			t.Errorf("%s %s: %d %s, want a 400 saying %q", tt.path, tt.body, status, b, tt.detail)
		}
	}
	if status, _, _ := entrustPost(t, e, "/api/web/v2/reports/other", tok, `{}`); status != 404 {
		t.Errorf("unknown path: %d", status)
	}
}

func TestEntrustFaultsUseItsErrorBody(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(10, 1, entrustDefaultEnd()),
		Faults: Faults{Script: []Fault{FaultNone, FaultRateLimit, FaultUnavailable, FaultServerError}, RetryAfter: 2 * time.Second}})
	tok := entrustLogin(t, e)
	for _, want := range []struct {
		status int
		code   string
	}{{429, "TOO_MANY_REQUESTS"}, {503, "SERVICE_UNAVAILABLE"}, {500, "INTERNAL_ERROR"}} {
		status, h, b := entrustPost(t, e, entrustPagedPath, tok, `{"limit":5,"searchByAttributes":[`+entrustAll+`]}`)
		var eb entrustErrBody
		if status != want.status || json.Unmarshal(b, &eb) != nil || eb.ErrorCode != want.code {
			t.Errorf("%d %s, want %d %s", status, b, want.status, want.code)
		}
		if status == 429 && h.Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q", h.Get("Retry-After"))
		}
	}
	if st := e.Stats(); st.Injected[FaultRateLimit] != 1 || st.Served != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestGenerateEntrustEvents(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 123456789, time.UTC)
	a := GenerateEntrustEvents(2000, 7, end)
	b := GenerateEntrustEvents(2000, 7, end)
	if len(a) != 2000 || !slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) }) {
		t.Fatal("not deterministic")
	}
	if c := GenerateEntrustEvents(2000, 8, end); bytes.Equal(c[0], a[0]) {
		t.Error("the seed changes nothing")
	}
	ids := map[string]bool{}
	types := map[string]bool{}
	cats := map[string]int{}
	shared := 0
	var prev, first, last time.Time
	for i, r := range a {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		id, _ := m["id"].(string)
		if !entrustUUID.MatchString(id) || ids[id] {
			t.Fatalf("record %d id %q", i, id)
		}
		ids[id] = true
		types[m["eventType"].(string)] = true
		cats[m["eventCategory"].(string)]++
		at, ok := entrustParseTime(m["eventTime"].(string))
		if !ok || at.Before(prev) {
			t.Fatalf("record %d eventTime %v after %v", i, m["eventTime"], prev)
		}
		if at.Equal(prev) {
			shared++
		}
		if i == 0 {
			first = at
		}
		prev, last = at, at
	}
	if !last.Equal(end.Truncate(time.Millisecond)) || last.Sub(first) < 3*24*time.Hour {
		t.Errorf("span %v .. %v", first, last)
	}
	if shared < 200 {
		t.Errorf("%d records share their eventTime with the one before, want over a tenth", shared)
	}
	for _, k := range entrustKindsSorted() {
		if !types[k] {
			t.Errorf("no %s in 2000 records", k)
		}
	}
	if cats["AUTHENTICATION"] == 0 || cats["MANAGEMENT"] == 0 {
		t.Errorf("categories %v", cats)
	}
	if len(GenerateEntrustEvents(0, 1, end)) != 0 || GenerateEntrustEvents(-1, 1, end) == nil {
		t.Error("n <= 0")
	}
	// The research notes' sample is served verbatim when given.
	page := EntrustDocExamples()["sample_page"]
	var p entrustPage
	if err := json.Unmarshal(page, &p); err != nil || len(p.Results) != 2 || p.Paging.NextCursor == nil {
		t.Fatalf("sample page: %v", err)
	}
	e := StartEntrust(t, EntrustOptions{Events: p.Results})
	got, _ := entrustWalk(t, e, entrustSIEMPath, entrustLogin(t, e), `{"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00Z"}]}`, 100)
	if len(got) != 2 || !bytes.Equal(got[0], p.Results[0]) {
		t.Errorf("served %s", got)
	}
	for name, req := range EntrustDocExampleRequests() {
		if !json.Valid(req) {
			t.Errorf("%s is not JSON", name)
		}
	}
}

// Rewrite replaces the body of successful report responses, numbered from
// 1, and can read the search; the authenticate response is not passed to it.
func TestEntrustRewrite(t *testing.T) {
	var seen []string
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(10, 1, entrustDefaultEnd()),
		Rewrite: func(r *http.Request, i int, body []byte) []byte {
			search, _ := io.ReadAll(r.Body)
			var sp struct{ Limit int }
			_ = json.Unmarshal(search, &sp)
			seen = append(seen, fmt.Sprintf("%d@%d", i, sp.Limit))
			if i == 2 {
				return []byte(`{"results":{}}`)
			}
			return body
		}})
	tok := entrustLogin(t, e)
	first := `{"name":"eventTime","operator":"LESS_THAN","value":"2030-01-01T00:00:00"}`
	status, _, b := entrustPost(t, e, entrustPagedPath, tok, `{"limit":4,"searchByAttributes":[`+first+`]}`)
	if status != 200 || !strings.HasPrefix(string(b), `{"results":[`) {
		t.Fatalf("page 1: %d %s", status, b)
	}
	status, h, b := entrustPost(t, e, entrustPagedPath, tok, `{"limit":3,"searchByAttributes":[`+first+`]}`)
	if status != 200 || string(b) != `{"results":{}}` || h.Get("Content-Length") != "14" {
		t.Errorf("second response: %d %q %v, want the rewritten body", status, b, h)
	}
	if strings.Join(seen, " ") != "1@4 2@3" {
		t.Errorf("Rewrite saw %v", seen)
	}
}
