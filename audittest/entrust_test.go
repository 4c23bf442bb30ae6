package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var entrustKit kit

func init() {
	entrustKit = kit{
		name: "entrust", defaultN: DefaultEntrustEvents, gen: GenerateEntrustEvents, rewrite: true,
		start: func(t *testing.T, o kitOpts) *kitFake {
			e := StartEntrust(t, EntrustOptions{Events: o.events, Now: o.now, Faults: o.faults, BasePath: o.basePath, Rewrite: o.rewrite})
			return &kitFake{conn: entrustConn(e), srv: e, events: e.Events, add: e.Add}
		},
		auth: func(t testing.TB, c conn) []string {
			return []string{"Content-Type", "application/json", "Authorization", entrustLogin(t, c)}
		},
		page: func(_ conn, limit int) req {
			return req{method: "POST", path: entrustPagedPath, body: fmt.Sprintf(`{"limit":%d,"searchByAttributes":[%s]}`, max(limit, 1), entrustAll)}
		},
		// q is the first search, on the SIEM endpoint after "siem ".
		walk: func(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
			q, siem := strings.CutPrefix(q, "siem ")
			path := map[bool]string{true: entrustSIEMPath, false: entrustPagedPath}[siem]
			q = cmp.Or(q, `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[`+entrustAll+`]}`)
			limit, auth := decode[struct{ Limit int }](t, []byte(q)).Limit, entrustKit.auth(t, c)
			var out []json.RawMessage
			for pages := 1; ; pages++ {
				var p entrustPage
				if getJSON(t, "POST", c.url+path, q, &p, auth...); p.Paging.NextCursor == nil {
					return append(out, p.Results...), pages
				}
				if out = append(out, p.Results...); len(p.Results) != limit {
					t.Fatalf("page %d has %d records and a next cursor", pages, len(p.Results))
				}
				q = fmt.Sprintf(`{"limit":%d,"cursor":%q}`, limit, *p.Paging.NextCursor)
			}
		},
		filters: entrustFilters,
		walks: []walkCase{
			{q: `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + entrustAll + `]}`, pages: 20},
			{q: `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":false},"searchByAttributes":[` + entrustAll + `]}`, pages: 20, rev: true},
			{q: `{"limit":100,"searchByAttributes":[` + entrustAll + `]}`, pages: 20, rev: true}, // no order: newest first
			// SIEM: oldest first, the order ignored.
			{q: `siem {"limit":100,"orderByAttribute":{"name":"outcome","ascending":false},"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"1970-01-01T00:00:00Z"}]}`, pages: 20},
		},
		at:      func(t testing.TB, rec json.RawMessage) time.Time { return parse(t, entrustField(t, rec, "eventTime")) },
		key:     func(rec json.RawMessage) string { return parseEntrustEvent(rec, 0).id },
		inOrder: func(t testing.TB, a, b json.RawMessage) bool { return !entrustKit.at(t, a).After(entrustKit.at(t, b)) },
		errText: func(t testing.TB, _ *http.Response, body []byte) string {
			eb := decode[struct {
				ErrorCode, ErrorMessage string
				ErrorParms              []string
			}](t, body)
			if eb.ErrorCode == "" || eb.ErrorMessage == "" || eb.ErrorParms == nil {
				t.Errorf("error body %s", body)
			}
			return eb.ErrorCode + ": " + strings.Join(eb.ErrorParms, "|")
		},
		probes: func(c conn) []probe {
			search := `{"limit":5,"searchByAttributes":[` + entrustAll + `]}`
			ps := []probe{
				{name: "no token", req: req{method: "POST", path: entrustPagedPath, body: search}, anon: true, status: 401, want: "^INVALID_TOKEN"},
				{name: "unknown token", req: req{method: "POST", path: entrustPagedPath, body: search, hdr: []string{"Authorization", "nope"}}, status: 401, want: "^INVALID_TOKEN"},
				{name: "unknown path", req: req{method: "POST", path: "/api/web/v2/reports/other", body: "{}"}, status: 404},
				{name: "GET", req: req{path: entrustPagedPath}, anon: true, status: 405, header: []string{"Allow", "POST"}},
			}
			for _, body := range []string{fmt.Sprintf(`{"applicationId":%q,"sharedSecret":"wrong"}`, c.set["application_id"]),
				`{"applicationId":"x","sharedSecret":"` + c.set["shared_secret"] + `"}`} {
				ps = append(ps, probe{name: body, req: req{method: "POST", path: entrustAuthPath, body: body}, anon: true, status: 401, want: "^AUTHENTICATION_FAILED", absent: c.set["shared_secret"]})
			}
			for _, body := range []string{`{}`, `{"applicationId":"x"}`, `[]`, `{"applicationId":"x","sharedSecret":"y","extra":1}`} {
				ps = append(ps, probe{name: body, req: req{method: "POST", path: entrustAuthPath, body: body}, anon: true, status: 400})
			}
			cond := func(name, op, value string) string {
				return fmt.Sprintf(`{"limit":10,"searchByAttributes":[{"name":%q,"operator":%q,"value":%q},%s]}`, name, op, value, entrustAll)
			}
			siem := func(conds string) string { return `siem {"limit":10,"searchByAttributes":[` + conds + `]}` }
			// Every rule of the document is enforced, with every problem named.
			for _, tt := range [][2]string{
				{`{"limit":10}`, "eventTime is a mandatory"},
				{`{"limit":0,"searchByAttributes":[` + entrustAll + `]}`, "limit must be from 1 to 100"},
				{`{"limit":101,"searchByAttributes":[` + entrustAll + `]}`, "limit must be from 1 to 100"},
				{`{"limit":10,"colour":"red","searchByAttributes":[` + entrustAll + `]}`, "not a SearchParms"},
				{`not json`, "not a SearchParms"},
				{cond("colour", "EQUALS", "x"), "not a search attribute"},
				{cond("startTime", "GREATER_THAN_OR_EQUAL", "2024-01-01T00:00:00Z"), "not a search attribute"},
				{cond("eventTime", "EQUALS", "2024-01-01T00:00:00"), `operator "EQUALS" is not allowed for eventTime`},
				{cond("eventTime", "GREATER_THAN", "2024-01-01"), "ISO-8601"},
				{cond("eventTime", "GREATER_THAN", "2024-01-01T00:00:00+02:00"), "ISO-8601"},
				{cond("outcome", "EQUALS", "success"), "SUCCESS or FAIL"},
				{cond("outcome", "NOT_EQUALS", "FAIL"), "not allowed for outcome"},
				{cond("category", "EQUALS", "ADMIN"), "AUTHENTICATION or MANAGEMENT"},
				{cond("subject", "EQUALS", "jdoe"), "UUID"},
				{cond("sourceIp", "CONTAINS", "1"), "not allowed for sourceIp"},
				{cond("sourceIp", "EQUALS", strings.Repeat("1", 40)), "1 to 39 characters"},
				{cond("entityType", "EQUALS", strings.Repeat("é", 41)), "1 to 40 characters"},
				{cond("entityName", "EQUALS", strings.Repeat("x", 101)), "1 to 100 characters"},
				{cond("eventType", "EQUALS", ""), "1 to 100 characters"},
				{`{"limit":10,"searchByAttributes":[{"name":"eventTime","operator":"LESS_THAN"}]}`, "needs a value"},
				{`{"limit":10,"orderByAttribute":{"name":"eventType","ascending":true},"searchByAttributes":[` + entrustAll + `]}`, `orderByAttribute.name "eventType"`},
				{`{"limit":10,"orderByAttribute":{"name":"eventTime"},"searchByAttributes":[` + entrustAll + `]}`, "ascending is required"},
				{siem(`{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"}`), "startTime is a mandatory"},
				{siem(`{"name":"startTime","operator":"GREATER_THAN","value":"2024-01-01T00:00:00Z"}`), "not allowed for startTime"},
				{siem(`{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"},{"name":"entityType","operator":"EQUALS","value":"USERS"}`), "not a search attribute"},
			} {
				path, body := entrustPagedPath, tt[0]
				if b, ok := strings.CutPrefix(body, "siem "); ok {
					path, body = entrustSIEMPath, b
				}
				ps = append(ps, probe{name: body, req: req{method: "POST", path: path, body: body}, status: 400, want: "^INVALID_PARAMETER: .*" + regexp.QuoteMeta(tt[1])})
			}
			return ps
		},
		faults: map[int]probe{429: {want: "^TOO_MANY_REQUESTS"}, 503: {want: "^SERVICE_UNAVAILABLE"}, 500: {want: "^INTERNAL_ERROR"}},
		lastDay: func(t testing.TB, c conn, since time.Time) int {
			got, _ := entrustKit.walk(t, c, `{"limit":100,"searchByAttributes":[{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"`+since.UTC().Format("2006-01-02T15:04:05")+`"}]}`)
			return len(got)
		},
		genN: 2000, prec: time.Millisecond, span: [2]time.Duration{3 * 24 * time.Hour, 30 * 24 * time.Hour}, shared: 200,
		docExamples: func() map[string]json.RawMessage { // the requests too
			ex := EntrustDocExamples()
			maps.Copy(ex, EntrustDocExampleRequests())
			return ex
		},
		kind: func(t testing.TB, rec json.RawMessage) []string {
			return []string{entrustField(t, rec, "eventType"), entrustField(t, rec, "eventCategory")}
		},
		kinds: append(entrustKindsSorted(), "AUTHENTICATION", "MANAGEMENT"),
		bad: func(t testing.TB, rec json.RawMessage) string {
			return map[bool]string{false: "the id is not a UUID"}[entrustUUID.MatchString(entrustField(t, rec, "id"))]
		},
		datasets: func(t testing.TB) []dataset {
			p := decode[entrustPage](t, EntrustDocExamples()["sample_page"])
			if len(p.Results) != 2 || p.Paging.NextCursor == nil {
				t.Fatalf("sample page: %+v", p)
			}
			return []dataset{{"sample page", p.Results, p.Results}}
		},
	}
}

func entrustConn(e *Entrust) conn {
	return conn{url: e.URL(), set: map[string]string{"tenant": e.URL(), "application_id": e.ApplicationID(), "shared_secret": e.SharedSecret()}}
}

// entrustPage is the AuditEventPage envelope, decoded by hand from the
// research notes (not from any package of ours).
type entrustPage struct {
	Results []json.RawMessage
	Paging  struct{ NextCursor *string }
}

// entrustLogin authenticates and returns the token.
func entrustLogin(t testing.TB, c conn) string {
	t.Helper()
	resp, b := send(t, "POST", c.url+entrustAuthPath, fmt.Sprintf(`{"applicationId":%q,"sharedSecret":%q,"enableWebSession":false}`,
		c.set["application_id"], c.set["shared_secret"]), "Content-Type", "application/json")
	if r := decode[struct{ AuthToken string }](t, b); resp.StatusCode == 200 && r.AuthToken != "" {
		return r.AuthToken
	}
	t.Fatalf("authenticate: %d %s", resp.StatusCode, b)
	return ""
}

const entrustAll = `{"name":"eventTime","operator":"LESS_THAN_OR_EQUAL","value":"2100-01-01T00:00:00"}`

func entrustField(t testing.TB, raw json.RawMessage, k string) string {
	s, _ := decode[map[string]any](t, raw)[k].(string)
	return s
}

// Ordering by an attribute sorts by it and leaves out events without it;
// entityType also leaves out AUTHENTICATION events.
func TestEntrustOrderByAttribute(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(500, 3, testEnd)})
	mgmt := slices.DeleteFunc(e.Events(), func(r json.RawMessage) bool { return entrustField(t, r, "eventCategory") != "MANAGEMENT" })
	for _, asc := range []bool{true, false} {
		got, _ := entrustKit.walk(t, entrustConn(e), fmt.Sprintf(`{"limit":37,"orderByAttribute":{"name":"entityType","ascending":%v},"searchByAttributes":[%s]}`, asc, entrustAll))
		if len(got) != len(mgmt) || !slices.IsSortedFunc(got, func(a, b json.RawMessage) int {
			return map[bool]int{true: 1, false: -1}[asc] * strings.Compare(entrustField(t, a, "entityType"), entrustField(t, b, "entityType"))
		}) {
			t.Errorf("ascending %v: %d records, %d MANAGEMENT events, or out of order", asc, len(got), len(mgmt))
		}
	}
}

func entrustFilters(t testing.TB, all []json.RawMessage) []filter {
	mid := entrustField(t, all[400], "eventTime")
	midT, _ := entrustParseTime(mid)
	f := func(k string) func(json.RawMessage) string {
		return func(r json.RawMessage) string { return entrustField(t, r, k) }
	}
	at := func(r json.RawMessage) time.Time { return entrustKit.at(t, r) }
	jdoe := ""
	for _, r := range all {
		if f("subjectName")(r) == "jdoe" {
			jdoe = f("subject")(r)
		}
	}
	fl := func(cond string, keep func(json.RawMessage) bool) filter {
		return filter{q: `{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + cond + `,` + entrustAll + `]}`, keep: keep}
	}
	return []filter{
		fl(`{"name":"outcome","operator":"EQUALS","value":"FAIL"}`, func(r json.RawMessage) bool { return f("eventOutcome")(r) == "FAIL" }),
		fl(`{"name":"category","operator":"EQUALS","value":"AUTHENTICATION"}`, func(r json.RawMessage) bool { return f("eventCategory")(r) == "AUTHENTICATION" }),
		fl(`{"name":"entityType","operator":"NOT_EQUALS","value":"USERS"}`, func(r json.RawMessage) bool { return f("entityType")(r) != "USERS" }),
		fl(`{"name":"entityName","operator":"CONTAINS","value":"&"}`, func(r json.RawMessage) bool { return strings.Contains(f("entityName")(r), "&") }),
		fl(`{"name":"entityAction","operator":"NOT_CONTAINS","value":"ASSIGN"}`, func(r json.RawMessage) bool { return !strings.Contains(f("entityAction")(r), "ASSIGN") }),
		fl(`{"name":"resourceName","operator":"STARTS_WITH","value":"Corp"}`, func(r json.RawMessage) bool { return strings.HasPrefix(f("resourceName")(r), "Corp") }),
		fl(`{"name":"eventType","operator":"ENDS_WITH","value":"DeniedEvent"}`, func(r json.RawMessage) bool { return strings.HasSuffix(f("eventType")(r), "DeniedEvent") }),
		fl(`{"name":"subjectName","operator":"EQUALS","value":"jdoe"}`, func(r json.RawMessage) bool { return f("subjectName")(r) == "jdoe" }),
		fl(`{"name":"sourceIp","operator":"STARTS_WITH","value":"2001:db8:"}`, func(r json.RawMessage) bool { return strings.HasPrefix(f("sourceIp")(r), "2001:db8:") }),
		fl(`{"name":"subject","operator":"EQUALS","value":"`+jdoe+`"}`, func(r json.RawMessage) bool { return f("subject")(r) == jdoe }),
		fl(`{"name":"eventTime","operator":"GREATER_THAN","value":"`+mid+`"}`, func(r json.RawMessage) bool { return at(r).After(midT) }),
		fl(`{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"`+mid+`"}`, func(r json.RawMessage) bool { return !at(r).Before(midT) }),
		fl(`{"name":"eventTime","operator":"LESS_THAN","value":"`+strings.TrimSuffix(mid, "Z")+`"}`, func(r json.RawMessage) bool { return at(r).Before(midT) }),
		fl(`{"name":"eventTime","operator":"LESS_THAN_OR_EQUAL","value":"`+mid+`"}`, func(r json.RawMessage) bool { return !at(r).After(midT) }),
		// SIEM startTime/endTime are inclusive.
		{q: `siem {"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"` + mid + `"},{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"` + mid + `"},{"name":"category","operator":"EQUALS","value":"MANAGEMENT"}]}`,
			keep: func(r json.RawMessage) bool { return at(r).Equal(midT) && f("eventCategory")(r) == "MANAGEMENT" }, trivial: true},
	}
}

// With a cursor, the request's own search and order are ignored; a cursor
// of the other endpoint, or garbage, is a 400.
func TestEntrustCursorIgnoresSearch(t *testing.T) {
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(300, 5, testEnd)})
	tok := entrustLogin(t, entrustConn(e))
	_, b := send(t, "POST", e.URL()+entrustPagedPath, `{"limit":50,"searchByAttributes":[{"name":"category","operator":"EQUALS","value":"AUTHENTICATION"},`+entrustAll+`]}`, "Authorization", tok)
	p := decode[entrustPage](t, b)
	if p.Paging.NextCursor == nil {
		t.Fatalf("no next cursor: %s", b)
	}
	cur := *p.Paging.NextCursor
	_, plain := send(t, "POST", e.URL()+entrustPagedPath, `{"limit":50,"cursor":"`+cur+`"}`, "Authorization", tok)
	_, noisy := send(t, "POST", e.URL()+entrustPagedPath, `{"limit":50,"cursor":"`+cur+`","orderByAttribute":{"name":"outcome","ascending":true},"searchByAttributes":[{"name":"category","operator":"EQUALS","value":"MANAGEMENT"}]}`, "Authorization", tok)
	if !bytes.Equal(plain, noisy) {
		t.Errorf("a cursor request with other search attributes got another page")
	}
	for _, r := range decode[entrustPage](t, plain).Results {
		if entrustField(t, r, "eventCategory") != "AUTHENTICATION" {
			t.Fatalf("the cursor lost its search: %s", r)
		}
	}
	for path, c := range map[string]string{entrustSIEMPath: cur, entrustPagedPath: "bm90IGEgY3Vyc29y"} {
		resp, b := send(t, "POST", e.URL()+path, `{"limit":50,"cursor":"`+c+`"}`, "Authorization", tok)
		entrustKit.check(t, probe{name: path + " " + c, status: 400, want: "^INVALID_PARAMETER: ."}, resp, b)
	}
}

// Events added during a walk behind the cursor do not shift the pages, in
// either order: the walk sees each old event once, and the new ones after
// its position (newest first, an event newer than the page read is behind
// the walk, one older than every event comes last).
func TestEntrustKeysetPagingIsStableUnderAdds(t *testing.T) {
	for _, asc := range []bool{true, false} {
		e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(200, 6, testEnd)})
		tok := entrustLogin(t, entrustConn(e))
		want := e.Events()
		if !asc {
			slices.Reverse(want)
		}
		_, b := send(t, "POST", e.URL()+entrustPagedPath, fmt.Sprintf(`{"limit":50,"orderByAttribute":{"name":"eventTime","ascending":%v},"searchByAttributes":[%s]}`, asc, entrustAll), "Authorization", tok)
		p := decode[entrustPage](t, b)
		old := entrustField(t, want[10], "eventTime")
		e.Add(json.RawMessage(`{"id":"new-old","eventTime":"`+old+`","eventCategory":"MANAGEMENT"}`),
			json.RawMessage(`{"id":"new-late","eventTime":"2024-06-19T12:00:00.500Z","eventCategory":"MANAGEMENT"}`),
			json.RawMessage(`{"id":"new-oldest","eventTime":"2020-01-01T00:00:00.000Z","eventCategory":"MANAGEMENT"}`))
		rest, _ := entrustKit.walk(t, entrustConn(e), `{"limit":50,"cursor":"`+*p.Paging.NextCursor+`"}`)
		got := append(p.Results, rest...)
		last := map[bool]string{true: "new-late", false: "new-oldest"}[asc]
		if len(got) != 201 || !strings.Contains(string(got[200]), last) {
			t.Fatalf("ascending %v: %d records, last %s", asc, len(got), got[len(got)-1])
		}
		sameRecords(t, "old events", got[:200], want)
	}
}

// Tokens expire, ExpireTokens revokes them, Bearer is optional, a web
// session sets its cookie, and a demo's tokens hold one of its Secrets (see
// also the probes).
func TestEntrustAuthentication(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := StartEntrust(t, EntrustOptions{Events: GenerateEntrustEvents(10, 1, testEnd), Clock: clock, TokenLifetime: 10 * time.Minute})
	resp, b := send(t, "POST", e.URL()+entrustAuthPath, fmt.Sprintf(`{"applicationId":%q,"sharedSecret":%q,"enableWebSession":true}`, e.ApplicationID(), e.SharedSecret()))
	var r struct{ AuthToken, CreationTime, ExpirationTime string }
	if resp.StatusCode != 200 || json.Unmarshal(b, &r) != nil || r.CreationTime != "2024-06-01T00:00:00.000Z" || r.ExpirationTime != "2024-06-01T00:10:00.000Z" ||
		!strings.Contains(resp.Header.Get("Set-Cookie"), "INTELLITRUST_SESSION_ID=") || e.Authentications() != 1 {
		t.Fatalf("authenticate: %d %s %v", resp.StatusCode, b, resp.Header)
	}
	search := `{"limit":5,"searchByAttributes":[` + entrustAll + `]}`
	for _, tok := range []string{r.AuthToken, "Bearer " + r.AuthToken} {
		if resp, b := send(t, "POST", e.URL()+entrustPagedPath, search, "Authorization", tok); resp.StatusCode != 200 {
			t.Errorf("token %q: %d %s", tok, resp.StatusCode, b)
		}
	}
	unauthorized := func(what, tok string) {
		t.Helper()
		resp, b := send(t, "POST", e.URL()+entrustPagedPath, search, "Authorization", tok)
		entrustKit.check(t, probe{name: what, status: 401, want: "^INVALID_TOKEN"}, resp, b)
	}
	unauthorized("no token", "")
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	unauthorized("expired token", r.AuthToken)
	tok := entrustLogin(t, entrustConn(e))
	if resp, _ := send(t, "POST", e.URL()+entrustSIEMPath, `{"limit":5,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-01-01T00:00:00Z"}]}`, "Authorization", tok); resp.StatusCode != 200 {
		t.Errorf("fresh token: %d", resp.StatusCode)
	}
	e.ExpireTokens()
	unauthorized("revoked token", tok)
	if e.Unauthorized() != 3 {
		t.Errorf("Unauthorized() = %d", e.Unauthorized())
	}
	d, _ := StartDemo("entrust", DemoConfig{Events: 10})
	defer d.Close()
	if tok := entrustLogin(t, conn{url: d.BaseURL, set: d.Settings}); !slices.ContainsFunc(d.Secrets, func(s string) bool { return s != "" && strings.Contains(tok, s) }) {
		t.Errorf("token %q holds none of the demo's secrets", tok)
	}
}
