package audittest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var nprintingKit kit

func init() {
	nprintingKit = kit{
		name: "nprinting", defaultN: DefaultNPrintingEvents, gen: GenerateNPrintingEvents, rewrite: true, offsets: true,
		start: func(t *testing.T, o kitOpts) *kitFake {
			n := StartNPrinting(t, NPrintingOptions{Events: o.events, Now: o.now, Faults: o.faults, BasePath: o.basePath, Rewrite: o.rewrite})
			return &kitFake{conn: conn{url: n.URL(), set: map[string]string{"server": n.URL(), "token": n.Token()}}, srv: n, events: n.Events, add: n.Add}
		},
		auth: func(_ testing.TB, c conn) []string { return []string{"Authorization", "Bearer " + c.set["token"]} },
		page: func(_ conn, limit int) req { return limitReq("/api/v1/audit/events", limit) },
		// Offset by offset, to the first empty page; "" reads pages of 50, as
		// the request of the document's fixture.
		walk: func(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
			q = cmp.Or(q, "limit=50")
			query, _ := url.ParseQuery(q)
			limit, _ := strconv.Atoi(query.Get("limit"))
			var all []json.RawMessage
			for pages, total := 1, nprintingPageOf(t, c, "?"+q).Data.TotalItems; ; pages++ {
				p := nprintingPageOf(t, c, "?"+q+"&offset="+strconv.Itoa(len(all)))
				if p.Data.TotalItems != total || p.Data.Offset != len(all) || p.Data.Limit != limit {
					t.Fatalf("page %d at %d: total %d, offset %d, limit %d", pages, len(all), p.Data.TotalItems, p.Data.Offset, p.Data.Limit)
				}
				if len(p.Data.Items) == 0 {
					if len(all) != total {
						t.Fatalf("%d records, total %d", len(all), total)
					}
					return all, pages
				}
				all = append(all, p.Data.Items...)
			}
		},
		filters: nprintingFilters,
		walks:   []walkCase{{q: "limit=150", pages: 15}},
		at: func(t testing.TB, rec json.RawMessage) time.Time {
			return parse(t, decode[nprintingRec](t, rec).EventTime)
		},
		key: func(rec json.RawMessage) string { var r nprintingRec; _ = json.Unmarshal(rec, &r); return r.ID },
		inOrder: func(t testing.TB, a, b json.RawMessage) bool {
			return !nprintingKit.at(t, b).After(nprintingKit.at(t, a))
		},
		errText: func(t testing.TB, resp *http.Response, body []byte) string {
			e := decode[map[string]any](t, body)
			if msg, _ := e["message"].(string); e["code"] == float64(resp.StatusCode) && msg != "" {
				return msg
			}
			t.Errorf("error body %s", body)
			return ""
		},
		probes: func(c conn) []probe {
			ps := []probe{{name: "no token", req: req{path: "/api/v1/audit/events"}, anon: true, status: 401}}
			for _, auth := range []string{"Bearer " + c.set["token"] + "x", "Bearer ", "Basic and3QtMTo=", c.set["token"]} {
				ps = append(ps, probe{name: auth, req: req{path: "/api/v1/audit/events", hdr: []string{"Authorization", auth}}, anon: true, status: 401})
			}
			for _, q := range []string{"foo=1", "offset=-1", "offset=x", "limit=0", "limit=-5", "limit=1&limit=2", "target=",
				"start=2020-09-15", "start=2020-09-15T11:59:08%2B00:00", "end=2020-09-15T11:59:08.000Z", "end=yesterday",
				"appId=abc", "userId=00000000-0000-0000-0000-00000000000", "targetId=x", "%zz"} {
				ps = append(ps, probe{name: q, req: req{path: "/api/v1/audit/events?" + q}, status: 400})
			}
			return append(ps,
				probe{name: "the document's formats", req: req{path: "/api/v1/audit/events?start=2020-09-15T11:59:08Z&end=2030-01-01T00:00:00Z&appId=00000000-0000-0000-0000-000000000000"}, status: 200},
				probe{name: "another path", req: req{path: "/api/v1/audit/logs"}, status: 404},
				probe{name: "POST", req: req{method: "POST", path: "/api/v1/audit/events"}, status: 405, header: []string{"Allow", "GET"}})
		},
		faults: map[int]probe{},
		lastDay: func(t testing.TB, c conn, since time.Time) int {
			return nprintingPageOf(t, c, "?limit=1&start="+since.UTC().Format(nprintingTimeLayout)).Data.TotalItems
		},
		genN: 3000, prec: time.Millisecond, span: [2]time.Duration{72 * time.Hour, 30 * 24 * time.Hour}, shared: 150,
		docExamples: NPrintingDocExamples, shapeDoc: "list", shape: [][]string{{"data"}}, recordsAt: []string{"data", "items"},
		kind: func(t testing.TB, rec json.RawMessage) []string {
			r := decode[nprintingRec](t, rec)
			return []string{r.Source + " " + deref(r.Target) + " " + r.Action, map[bool]string{true: "a null appId", false: "an appId"}[r.AppID == nil]}
		},
		// Web console data is a string, other sources' an object.
		bad: func(t testing.TB, rec json.RawMessage) string {
			r := decode[nprintingRec](t, rec)
			if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$`).MatchString(r.EventTime) || len(r.Data) == 0 ||
				!regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(r.ID) || (r.Source == "WebConsole") != (r.Data[0] == '"') || r.Data[0] != '"' && r.Data[0] != '{' {
				return "eventTime, id or data"
			}
			return ""
		},
		kinds: []string{"a null appId", "an appId", "WebConsole User Login", "NewsStand User Login", "Api User Login", "WebConsole User LoginFailed", "WebConsole User Logout",
			"WebConsole User Create", "WebConsole User Update", "WebConsole User Delete", "WebConsole Group Update", "WebConsole Group Create",
			"WebConsole Role Update", "WebConsole Task Create", "WebConsole Report Update", "WebConsole Connection Delete", "Scheduler Task Execute",
			"Scheduler Report Generate", "NewsStand Report View", "NewsStand Report Download", "NewsStand Report Subscribe", "Api Report Export",
			"Api Task Create", "Api User Import", "WebConsole Settings Update"},
		datasets: func(t testing.TB) []dataset {
			fx := decode[nprintingPage](t, NPrintingDocExamples()["fixture"])
			if req := NPrintingDocExampleRequests()["fixture"]; len(fx.Data.Items) != 2 || req != "/api/v1/audit/events?offset=0&limit=50" {
				t.Fatalf("fixture %+v, its request %s", fx, req)
			}
			return []dataset{{"fixture", fx.Data.Items, []json.RawMessage{fx.Data.Items[1], fx.Data.Items[0]}}} // newest first
		},
	}
}

// nprintingPage is the document's envelope, decoded by hand from its
// example (not from any package of ours).
type nprintingPage struct {
	Data struct {
		TotalItems, Offset, Limit int
		Items                     []json.RawMessage
	}
}

// nprintingRec holds the members tests filter on.
type nprintingRec struct {
	ID, EventTime, Action, Source string
	AppID, UserID, TargetID       *string
	Target, DataType              *string
	Data                          json.RawMessage
}

func nprintingPageOf(t testing.TB, c conn, query string) nprintingPage {
	t.Helper()
	var p nprintingPage
	nprintingKit.getJSON(t, c, req{path: "/api/v1/audit/events" + query}, &p)
	return p
}

func TestNPrintingLimits(t *testing.T) {
	c := nprintingKit.start(t, kitOpts{events: GenerateNPrintingEvents(1200, 1, testEnd)}).conn
	if p := nprintingPageOf(t, c, ""); p.Data.Limit != 50 || len(p.Data.Items) != 50 || p.Data.Offset != 0 {
		t.Errorf("default page: limit %d, %d items", p.Data.Limit, len(p.Data.Items))
	}
	if p := nprintingPageOf(t, c, "?limit=5000"); p.Data.Limit != NPrintingMaxLimit || len(p.Data.Items) != NPrintingMaxLimit {
		t.Errorf("clamped page: limit %d, %d items", p.Data.Limit, len(p.Data.Items))
	}
	if p := nprintingPageOf(t, c, "?offset=1195&limit=10"); len(p.Data.Items) != 5 || p.Data.TotalItems != 1200 {
		t.Errorf("last page: %d items of %d", len(p.Data.Items), p.Data.TotalItems)
	}
	if p := nprintingPageOf(t, c, "?offset=5000"); len(p.Data.Items) != 0 || p.Data.Items == nil {
		t.Errorf("past the end: %v", p.Data.Items)
	}
}

func nprintingFilters(t testing.TB, all []json.RawMessage) []filter {
	var app, user, target string // the first of each in the data set
	for _, raw := range all {
		r := decode[nprintingRec](t, raw)
		app, user, target = cmp.Or(app, deref(r.AppID)), cmp.Or(user, deref(r.UserID)), cmp.Or(target, deref(r.TargetID))
	}
	start, end := testEnd.Add(-20*time.Hour), testEnd.Add(-10*time.Hour)
	f := func(q string, match func(r nprintingRec, at time.Time) bool) filter {
		return filter{q: "limit=1000&" + q, keep: func(raw json.RawMessage) bool { return match(decode[nprintingRec](t, raw), nprintingKit.at(t, raw)) }}
	}
	return []filter{
		f("appId="+strings.ToUpper(app), func(r nprintingRec, _ time.Time) bool { return deref(r.AppID) == app }),
		f("userId="+user, func(r nprintingRec, _ time.Time) bool { return deref(r.UserID) == user }),
		f("targetId="+target, func(r nprintingRec, _ time.Time) bool { return deref(r.TargetID) == target }),
		f("target=report", func(r nprintingRec, _ time.Time) bool { return deref(r.Target) == "Report" }),
		f("dataType=Authentication", func(r nprintingRec, _ time.Time) bool { return deref(r.DataType) == "Authentication" }),
		f("start="+start.Format(nprintingTimeLayout), func(_ nprintingRec, at time.Time) bool { return !at.Before(start) }),
		f("end="+end.Format(nprintingTimeLayout), func(_ nprintingRec, at time.Time) bool { return !at.After(end) }),
		f("start="+start.Format(nprintingTimeLayout)+"&end="+end.Format(nprintingTimeLayout)+"&target=User",
			func(r nprintingRec, at time.Time) bool {
				return !at.Before(start) && !at.After(end) && deref(r.Target) == "User"
			}),
	}
}

func TestNPrintingNTLMLogin(t *testing.T) {
	n := StartNPrinting(t, NPrintingOptions{NTLMToken: "ntlm-ok"})
	resp, body := send(t, "GET", n.URL()+"/api/v1/login/ntlm", "")
	if resp.StatusCode != 401 || !slices.Contains(resp.Header.Values("WWW-Authenticate"), "NTLM") || !strings.Contains(string(body), `"code":401`) {
		t.Errorf("login without NTLM: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := send(t, "GET", n.URL()+"/api/v1/login/ntlm", "", "Authorization", "NTLM wrong"); resp.StatusCode != 401 {
		t.Errorf("wrong NTLM: %d", resp.StatusCode)
	}
	resp, _ = send(t, "GET", n.URL()+"/api/v1/login/ntlm", "", "Authorization", "NTLM ntlm-ok")
	cookies := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		cookies[c.Name] = c
	}
	session, xsrf := cookies[NPrintingSessionCookie], cookies[NPrintingXSRFCookie]
	if resp.StatusCode != 200 || session == nil || xsrf == nil || !session.HttpOnly || n.Logins() != 1 {
		t.Fatalf("login: %d cookies %v logins %d", resp.StatusCode, resp.Cookies(), n.Logins())
	}
	for _, want := range []int{200, 401} { // with the session cookie, then expired
		if resp, _ := send(t, "GET", n.URL()+"/api/v1/audit/events?limit=1", "", "Cookie", session.Name+"="+session.Value); resp.StatusCode != want {
			t.Errorf("session cookie: %d, want %d", resp.StatusCode, want)
		}
		n.ExpireSessions()
	}
}
