package audittest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var automoxKit kit

func init() {
	automoxKit = kit{
		name: "automox", defaultN: DefaultAutomoxEvents, gen: GenerateAutomoxEvents,
		start: func(t *testing.T, o kitOpts) *kitFake {
			a := StartAutomox(t, AutomoxOptions{Events: o.events, Now: o.now, Faults: o.faults, BasePath: o.basePath})
			f := &kitFake{conn: conn{url: a.URL(), set: map[string]string{"api_key": a.APIKey(), "org_uuid": a.OrgUUID()}},
				srv: a, events: a.Events, add: a.Add}
			f.end = automoxKit.newest(t, a.Events())
			return f
		},
		auth: func(_ testing.TB, c conn) []string { return []string{"Authorization", "Bearer " + c.set["api_key"]} },
		page: func(c conn, limit int) req { return limitReq(automoxPath(c, c.end), limit) },
		walk: func(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
			var all []json.RawMessage
			pages := 0
			for day := c.end.AddDate(0, 0, -40); !day.After(c.end); day = day.AddDate(0, 0, 1) {
				for cursor := ""; ; pages++ {
					var page []json.RawMessage
					automoxKit.getJSON(t, c, req{path: automoxPath(c, day) + q + map[bool]string{true: "&cursor=" + cursor}[cursor != ""]}, &page)
					all = append(all, page...)
					if len(page) < AutomoxDefaultLimit {
						break
					}
					cursor = parseAutomoxEvent(page[len(page)-1], 0).id
				}
			}
			return all, pages
		},
		at: func(t testing.TB, rec json.RawMessage) time.Time {
			at, _ := AutomoxTime(decode[struct{ Time json.RawMessage }](t, rec).Time)
			return at
		},
		key: func(rec json.RawMessage) string { return parseAutomoxEvent(rec, 0).id },
		inOrder: func(_ testing.TB, a, b json.RawMessage) bool {
			x, y := parseAutomoxEvent(a, 0), parseAutomoxEvent(b, 0)
			return x.day < y.day || x.day == y.day && x.id <= y.id
		},
		errText: func(t testing.TB, _ *http.Response, body []byte) string {
			if eb := decode[struct{ Errors []string }](t, body); len(eb.Errors) > 0 {
				return strings.Join(eb.Errors, "; ")
			}
			t.Errorf("error body %s, want {\"errors\":[...]}", body)
			return ""
		},
		probes: func(c conn) []probe {
			base := automoxPath(c, time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC))
			other := "/api/audit-service/v1/orgs/00000000-0000-4000-8000-000000000000"
			return []probe{
				{name: "no key", req: req{path: base}, anon: true, status: 401, want: "Access token is missing or invalid"},
				{name: "wrong key", req: req{path: base, hdr: []string{"Authorization", "Bearer nope"}}, status: 401, want: "Access token is missing or invalid"},
				{name: "another organization", req: req{path: other + "/events?date=2024-06-18"}, status: 403, want: "permission"},
				{name: "a contradicting header", req: req{path: base, hdr: []string{AutomoxOrgHeader, "00000000-0000-4000-8000-000000000000"}}, status: 400, want: AutomoxOrgHeader},
				{name: "no date", req: req{path: strings.Split(base, "?")[0]}, status: 400, want: "date is required"},
				{name: "a bad date", req: req{path: base[:len(base)-5] + "6-18"}, status: 400, want: "date must be a date"},
				{name: "limit 0", req: req{path: base + "&limit=0"}, status: 400, want: "limit must be an integer from 1 to 500"},
				{name: "limit 501", req: req{path: base + "&limit=501"}, status: 400, want: "limit must be an integer from 1 to 500"},
				{name: "an unknown parameter", req: req{path: base + "&page=2"}, status: 400, want: `unknown parameter "page"`},
				{name: "twice", req: req{path: base + "&date=2024-06-19"}, status: 400, want: "date is given 2 times"},
				{name: "empty cursor", req: req{path: base + "&cursor="}, status: 400, want: "cursor is empty"},
				{name: "another path", req: req{path: "/api/audit-service/v2/events"}, status: 404, want: "Entity not found"},
				// The documented path is /api/...: without its /api it is
				// unknown, as a client that drops it would find.
				{name: "the path without /api", req: req{path: strings.TrimPrefix(base, "/api")}, status: 404, want: "Entity not found"},
				{name: "POST", req: req{method: "POST", path: base}, status: 405, header: []string{"Allow", "GET"}},
			}
		},
		faults: map[int]probe{429: {want: "Too many requests"}, 503: {want: "Service Unavailable"}, 404: {want: "Entity not found"}},
		lastDay: func(t testing.TB, c conn, since time.Time) int {
			var page []json.RawMessage
			automoxKit.getJSON(t, c, req{path: automoxPath(c, since.Add(24*time.Hour)) + "&limit=1"}, &page)
			if len(page) > 1 {
				t.Errorf("limit=1 gave %d events", len(page))
			}
			return len(page)
		},
		demoCheck: func(t testing.TB, d *Demo, _ int, _ []json.RawMessage) {
			if !slices.Equal(d.Secrets, []string{d.Settings["api_key"]}) {
				t.Errorf("secrets %q", d.Secrets)
			}
		},
		genN: 1200, prec: time.Millisecond, span: [2]time.Duration{4 * 24 * time.Hour, 30 * 24 * time.Hour}, shared: 50,
		docExamples: AutomoxDocExamples,
		// The id's form: {"_id":{"$oid":...}}, {"_id":"..."} or {"id":"..."}.
		kind: func(t testing.TB, rec json.RawMessage) []string {
			m := decode[map[string]json.RawMessage](t, rec)
			kinds := []string{string(m["class_uid"]) + " " + rawString(m["message"])}
			for _, k := range []string{"_id", "id"} {
				if v, ok := m[k]; ok {
					kinds = append(kinds, k+string(v[0]))
				}
			}
			return kinds
		},
		bad: func(t testing.TB, rec json.RawMessage) string {
			return map[bool]string{false: "no activity (Automox always sends it)"}[decode[map[string]any](t, rec)["activity"] != nil]
		},
		kinds: []string{`_id{`, `_id"`, `id"`, "3002 User Log In Success", "3002 User Log In Failure", "3002 User Log Out", "3001 User Zone Role Assignment",
			"3001 User Zone Role Revocation", "3001 User Account 2FA Enabled", "3001 User Password Changed", "3001 User Invited to Organization",
			"3004 Group Created", "3004 Policy Updated", "3004 Organization Role Creation", "3004 API Key Created", "6001 Manual Device Scan Request", "6001 Device Report Export"},
		// The document's events, one an example; its error body.
		datasets: func(t testing.TB) []dataset {
			if eb := decode[struct{ Errors []string }](t, AutomoxDocExamples()["bad_request"]); !slices.Equal(eb.Errors, []string{"Bad Request"}) {
				t.Errorf("bad_request: %s", AutomoxDocExamples()["bad_request"])
			}
			var give []json.RawMessage
			for _, name := range AutomoxDocEventNames() {
				if arr := decode[[]json.RawMessage](t, AutomoxDocExamples()[name]); len(arr) == 1 {
					give = append(give, arr...)
				} else {
					t.Errorf("%s: %d events", name, len(arr))
				}
			}
			return []dataset{{"document", give, nil}}
		},
	}
}

// automoxPath is the path of day's events, its query holding the date only.
func automoxPath(c conn, day time.Time) string {
	return "/api/audit-service/v1/orgs/" + c.set["org_uuid"] + "/events?date=" + day.UTC().Format(time.DateOnly)
}

// automoxIDs returns the ids of a page, in order, comma-separated.
func automoxIDs(t *testing.T, body []byte) string {
	var ids []string
	for _, raw := range decode[[]json.RawMessage](t, body) {
		ids = append(ids, parseAutomoxEvent(raw, 0).id)
	}
	return strings.Join(ids, ",")
}

// The days, cursors and limits of the document select the events
// expected; events added with other id and time forms are served too.
func TestAutomoxFakeServesTheDocument(t *testing.T) {
	at := func(id string, ms int64) json.RawMessage {
		return json.RawMessage(`{"id":"` + id + `","time":` + strconv.FormatInt(ms, 10) + `}`)
	}
	day1 := time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC).UnixMilli()
	a := StartAutomox(t, AutomoxOptions{Events: []json.RawMessage{at("00000000c", day1+2), at("00000000b", day1+1), at("00000000d", day1+3),
		at("00000000b", day1+86400000), at("00000000z", day1-1)}, DefaultLimit: 2})
	org := a.OrgUUID()
	base := a.URL() + "/api/audit-service/v1/orgs/" + org + "/events"
	key := []string{"Authorization", "Bearer " + a.APIKey()}
	for _, tt := range []struct{ query, org, ids string }{
		{"?date=2024-06-18", "", "00000000b,00000000c"}, // the default limit
		{"?date=2024-06-18&cursor=00000000c", org, "00000000d"},
		{"?date=2024-06-18&limit=500", "", "00000000b,00000000c,00000000d"},
		{"?date=2024-06-19", "", "00000000b"},
		{"?date=2024-06-20", "", ""},
		{"?date=2024-06-17", "", "00000000z"},
	} {
		resp, body := send(t, "GET", base+tt.query, "", append(slices.Clone(key), map[bool][]string{true: {AutomoxOrgHeader, tt.org}}[tt.org != ""]...)...)
		if resp.StatusCode != 200 || automoxIDs(t, body) != tt.ids {
			t.Errorf("%s: %d %s, want ids %q", tt.query, resp.StatusCode, body, tt.ids)
		}
	}
	// URL is the origin, as the client's base URL is: the documented path
	// /api/audit-service/... is served under it.
	if u, err := url.Parse(a.URL()); err != nil || u.Path != "" {
		t.Errorf("URL %s is not an origin", a.URL())
	}
	a.Add(json.RawMessage(`{"_id":{"$oid":"6670d2c00000000000000001"},"time":"1718616000000"}`), json.RawMessage(`{"_id":"6670d2c00000000000000000","time":1718616000.5}`))
	_, body := send(t, "GET", base+"?date=2024-06-17&limit=500", "", key...)
	if got := automoxIDs(t, body); got != "00000000z,6670d2c00000000000000000,6670d2c00000000000000001" || len(a.Events()) != 7 {
		t.Errorf("after Add: %s, %d events", got, len(a.Events()))
	}
}

func TestAutomoxTime(t *testing.T) {
	for in, want := range map[string]time.Time{ // zero: not a time
		`1718213009419`: time.UnixMilli(1718213009419), `"1718217424504"`: time.UnixMilli(1718217424504), `1774432800.123456`: time.Unix(1774432800, 123456000),
		`"1774432800.5"`: time.Unix(1774432800, 500000000), `1718213009`: time.Unix(1718213009, 0), `"yesterday"`: {}, `-5`: {}, `null`: {}, `1.5e12`: {},
	} {
		if got, ok := AutomoxTime(json.RawMessage(in)); ok == want.IsZero() || !got.Equal(want) {
			t.Errorf("AutomoxTime(%s) = %v %v, want %v", in, got, ok, want)
		}
	}
}

// The generator's days: several, with an empty one between the first and
// the last (see also TestFakesGenerators).
func TestGenerateAutomoxEvents(t *testing.T) {
	a, days := GenerateAutomoxEvents(1200, 3, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)), map[string]bool{}
	for i := range a {
		days[parseAutomoxEvent(a[i], i).day] = true
	}
	first, _ := time.Parse(time.DateOnly, parseAutomoxEvent(a[0], 0).day)
	last, _ := time.Parse(time.DateOnly, parseAutomoxEvent(a[len(a)-1], 0).day)
	if span := int(last.Sub(first).Hours()/24) + 1; span < 5 || len(days) >= span {
		t.Errorf("%d days with events over a span of %d days; want several, with a gap", len(days), span)
	}
}
