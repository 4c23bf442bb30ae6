package audittest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var instavmKit kit

func init() {
	instavmKit = kit{
		name: "instavm", defaultN: DefaultInstavmEvents, gen: GenerateInstavmEvents, rewrite: true,
		start: func(t *testing.T, o kitOpts) *kitFake {
			v := StartInstavm(t, InstavmOptions{Events: o.events, Now: o.now, Faults: o.faults, BasePath: o.basePath, Rewrite: o.rewrite})
			return &kitFake{conn: instavmConn(v), srv: v, events: v.Events, add: v.Add}
		},
		auth: func(_ testing.TB, c conn) []string { return []string{"X-API-Key", c.set["api_key"]} },
		page: func(_ conn, limit int) req { return limitReq("/v1/audit/events", limit) },
		walk: func(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
			var all []json.RawMessage
			for pages, cursor := 1, ""; ; pages++ {
				p := instavmPageOf(t, c, q+map[bool]string{true: "&cursor=" + url.QueryEscape(cursor)}[cursor != ""])
				all = append(all, p.Items...)
				if p.NextCursor == nil || pages > 10000 { // not endless
					return all, pages
				}
				cursor = *p.NextCursor
			}
		},
		// The default page is the document's 50; a page that ends exactly at
		// the end has next_cursor null (or the walk takes a page more).
		filters: instavmFilters,
		walks:   []walkCase{{q: "", pages: 40}, {q: "limit=1", pages: 2000}, {q: "limit=200", pages: 10}, {q: "limit=130", pages: 16}, {q: "limit=13", pages: 154}},
		at: func(t testing.TB, rec json.RawMessage) time.Time {
			return parse(t, decode[instavmItem](t, rec).CreatedAt)
		},
		key: func(rec json.RawMessage) string { var it instavmItem; _ = json.Unmarshal(rec, &it); return it.ID },
		inOrder: func(t testing.TB, a, b json.RawMessage) bool { // newest first, then by id
			return instavmKit.at(t, a).After(instavmKit.at(t, b)) || instavmKit.at(t, a).Equal(instavmKit.at(t, b)) && instavmKit.key(a) > instavmKit.key(b)
		},
		// {"detail":"..."}, or pydantic's list of {type, loc, msg}; the 500
		// is Starlette's plain text.
		errText: func(t testing.TB, resp *http.Response, body []byte) string {
			if resp.StatusCode == 500 {
				return string(body)
			}
			env := decode[struct{ Detail json.RawMessage }](t, body)
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("error in %s: %s", ct, body)
			}
			if detail := rawString(env.Detail); detail != "" {
				return detail
			}
			var got []string
			for _, d := range decode[[]struct {
				Type, Msg string
				Loc       []string
			}](t, env.Detail) {
				if got = append(got, strings.Join(d.Loc, ".")+": "+d.Msg); d.Type == "" || len(d.Loc) != 2 || d.Loc[0] != "query" {
					t.Errorf("entry %+v", d)
				}
			}
			return strings.Join(got, "; ")
		},
		probes: func(c conn) []probe {
			u := "/v1/audit/events?limit=0" // a bad parameter too: 401 comes first
			const notAuthenticated, invalid = `={"detail":"Not authenticated"}`, `={"detail":"Invalid API key or session expired"}`
			bearer := []string{"WWW-Authenticate", "Bearer"}
			ps := []probe{
				{req: req{path: u}, anon: true, status: 401, want: notAuthenticated, header: bearer},
				{req: req{path: u, hdr: []string{"X-API-Key", "instavm_sk_wrong"}}, anon: true, status: 401, want: invalid, header: bearer},
				{req: req{path: u, hdr: []string{"Authorization", "Bearer wrong"}}, anon: true, status: 401, want: invalid, header: bearer},
				{req: req{path: u, hdr: []string{"Authorization", "Basic dG9rMTo="}}, anon: true, status: 401, want: notAuthenticated, header: bearer},
				{req: req{path: u, hdr: []string{"X-API-Key", "instavm_sk_wrong", "Authorization", "Bearer " + InstavmDefaultBearerToken}}, anon: true, status: 401, want: invalid, header: bearer},
				{req: req{path: u, hdr: []string{"Authorization", "Bearer " + InstavmDefaultBearerToken}}, anon: true, status: 422},
				{req: req{path: u, hdr: []string{"Authorization", "bearer " + InstavmDefaultBearerToken}}, anon: true, status: 422},
				// The constraint errors carry ctx, as pydantic v2 writes them.
				{req: req{path: "/v1/audit/events?limit=201"}, status: 422, want: `={"detail":[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 200","input":"201","ctx":{"le":200}}]}`},
				{req: req{path: "/v1/audit/other"}, status: 404, want: `={"detail":"Not Found"}`},
				{req: req{method: "POST", path: "/v1/audit/events"}, status: 405, want: `={"detail":"Method Not Allowed"}`, header: []string{"Allow", "GET"}},
			}
			for _, tt := range [][2]string{
				{"limit=0", "query.limit: Input should be greater than or equal to 1"},
				{"limit=201", "query.limit: Input should be less than or equal to 200"},
				{"limit=ten", "query.limit: Input should be a valid integer, unable to parse string as an integer"},
				{"limit=", "query.limit: Input should be a valid integer, unable to parse string as an integer"},
				{"user_id=abc&limit=500", "query.user_id: Input should be a valid integer, unable to parse string as an integer; query.limit: Input should be less than or equal to 200"},
				{"offset=5", "query.offset: Extra inputs are not permitted"},
				{"status=a&status=b", "query.status: Value error, give the parameter once"},
			} {
				ps = append(ps, probe{req: req{path: "/v1/audit/events?" + tt[0]}, status: 422, want: "^" + regexp.QuoteMeta(tt[1]) + "$"})
			}
			// garbage, {"id":""}, vendors.md's {"id":"aud_01HZX3M1A4"} (no such
			// event here), a bad time.
			for _, cur := range []string{"garbage", "eyJpZCI6IiJ9", "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0", "eyJjcmVhdGVkX2F0IjoieCIsImlkIjoiYSJ9"} {
				ps = append(ps, probe{req: req{path: "/v1/audit/events?cursor=" + cur}, status: 400, want: `={"detail":"Invalid cursor"}`})
			}
			return ps
		},
		faults: map[int]probe{
			429: {want: `={"detail":"Rate limit exceeded"}`, header: []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "2", "X-RateLimit-Limit", "60"}},
			503: {want: `={"detail":"Service Unavailable"}`},
			500: {want: "=Internal Server Error", header: []string{"Content-Type", "text/plain; charset=utf-8"}},
			404: {want: `={"detail":"Not Found"}`}},
		genN: 2000, prec: time.Microsecond, span: [2]time.Duration{3 * 24 * time.Hour, 8 * 24 * time.Hour}, shared: 200,
		docExamples: InstavmDocExamples,
		kind: func(t testing.TB, rec json.RawMessage) []string {
			it := decode[instavmItem](t, rec)
			return []string{it.EventType + "/" + it.Status, it.Source + "/" + it.ActorType}
		},
		// Every field of the schema, in the document's order; the id's ULID
		// time is the event's millisecond.
		bad: func(t testing.TB, rec json.RawMessage) string {
			it := decode[instavmItem](t, rec)
			if !slices.Equal(keysAt(t, rec, nil), instavmKeys) || !regexp.MustCompile(`^aud_[0-9A-HJKMNP-TV-Z]{26}$`).MatchString(it.ID) ||
				!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$`).MatchString(it.CreatedAt) || instavmULID(parse(t, it.CreatedAt), [2]uint64{})[:10] != it.ID[4:14] {
				return "members, id or created_at"
			}
			return ""
		},
		kinds: []string{"api/api_key", "dashboard/user", "system/system", "auth.login/success", "auth.login/failure", "auth.logout/success", "vm.create/success", "vm.create/failure",
			"session.create/success", "vm.delete/success", "vm.list/success", "vm.resize/success", "execution.run/success",
			"execution.run/failure", "file.upload/success", "audit.list/success", "auth.api_key_invalid/failure", "api_key.create/success",
			"api_key.revoke/success", "user.password_change/success", "user.mfa_enable/success", "user.mfa_disable/success",
			"user.role_grant/success", "user.role_revoke/success", "team.member_add/success", "team.member_remove/success",
			"user.create/success", "user.delete/success", "vm.auto_stop/success", "snapshot.create/success", "snapshot.create/failure",
			"billing.plan_change/success"},
		// The examples: three; the schema's has every field of the schema.
		datasets: func(t testing.TB) []dataset {
			ex, p := InstavmDocExamples(), decode[instavmPage](t, InstavmDocExamples()["vendors_md_sample"])
			if full := decode[instavmPage](t, ex["schema_full"]); len(ex) != 3 || len(p.Items) != 2 || len(full.Items) != 2 || full.NextCursor != nil ||
				len(keysAt(t, full.Items[0], nil)) != len(instavmKeys) || len(keysAt(t, full.Items[1], nil)) != len(instavmKeys) {
				t.Fatalf("%d examples; vendors_md_sample %s, schema_full %s", len(ex), ex["vendors_md_sample"], ex["schema_full"])
			}
			// Odd events (no time, no id) sort last and are still served.
			odd := []json.RawMessage{
				json.RawMessage(`{"id":"b","created_at":"2025-01-01T00:00:00Z","event_group":"vm" , "note":"spacing kept"}`),
				json.RawMessage(`{"id":"x","created_at":"not a time"}`),
				json.RawMessage(`{"id":"a","created_at":"2025-01-01T00:00:00Z","user_id":"4821"}`),
				json.RawMessage(`{"id":"c","created_at":"2025-01-02T00:00:00.5+02:00"}`),
				json.RawMessage(`{"id":"y"}`),
			}
			return []dataset{{"vendors.md", p.Items, []json.RawMessage{p.Items[1], p.Items[0]}}, {"odd", odd, []json.RawMessage{odd[3], odd[0], odd[2], odd[4], odd[1]}}, {"empty", []json.RawMessage{}, nil}}
		},
	}
}

func instavmConn(v *Instavm) conn {
	return conn{url: v.URL(), set: map[string]string{"api_key": v.APIKey()}}
}

// instavmPage is the response of GET /v1/audit/events, decoded by hand from
// the document's schema (not from any package of ours).
type instavmPage struct {
	Items      []json.RawMessage
	NextCursor *string `json:"next_cursor"`
}

// instavmItem holds the fields tests filter and sort on.
type instavmItem struct {
	ID, Status, Source string
	CreatedAt          string  `json:"created_at"`
	UserID             *int64  `json:"user_id"`
	EventGroup         string  `json:"event_group"`
	EventType          string  `json:"event_type"`
	VMID               *string `json:"vm_id"`
	SessionID          *string `json:"session_id"`
	ActorType          string  `json:"actor_type"`
}

// instavmPageOf GETs a page: a 200 in JSON with items.
func instavmPageOf(t testing.TB, c conn, query string) instavmPage {
	t.Helper()
	resp, body := send(t, "GET", c.url+"/v1/audit/events?"+query, "", "X-API-Key", c.set["api_key"])
	if p := decode[instavmPage](t, body); resp.StatusCode == 200 && resp.Header.Get("Content-Type") == "application/json" && p.Items != nil {
		return p
	}
	t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
	return instavmPage{}
}

// Cursors are keysets: events added during a walk (newer, at the front)
// do not shift the pages still to come.
func TestInstavmCursorStableUnderArrivals(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(100, 4, testEnd)})
	c := instavmConn(v)
	first := instavmPageOf(t, c, "limit=30")
	v.Add(GenerateInstavmEvents(10, 99, testEnd.Add(time.Hour))...)
	second := instavmPageOf(t, c, "limit=30&cursor="+url.QueryEscape(*first.NextCursor))
	sameRecords(t, "page 2 after arrivals", second.Items, v.Events()[10+30:10+60])
	// An id-only cursor, the shape of vendors.md's sample, works too.
	idOnly := base64.RawURLEncoding.EncodeToString([]byte(`{"id":"` + decode[instavmItem](t, first.Items[29]).ID + `"}`))
	if third := instavmPageOf(t, c, "limit=30&cursor="+idOnly); !reflect.DeepEqual(third.Items, second.Items) {
		t.Error("id-only cursor")
	}
	// The cursor is base64url JSON of the last event's created_at and id.
	b, err := base64.RawURLEncoding.DecodeString(*first.NextCursor)
	last := decode[instavmItem](t, first.Items[29])
	if cur := decode[map[string]string](t, b); err != nil || cur["id"] != last.ID || !strings.HasPrefix(cur["created_at"], last.CreatedAt[:19]) {
		t.Errorf("cursor %q = %s (%v)", *first.NextCursor, b, err)
	}
}

func instavmFilters(t testing.TB, all []json.RawMessage) []filter {
	var vm, sess string
	for _, r := range all {
		it := decode[instavmItem](t, r)
		if it.VMID != nil && vm == "" {
			vm = *it.VMID
		}
		if it.SessionID != nil && sess == "" {
			sess = *it.SessionID
		}
	}
	f := func(q string, match func(instavmItem) bool) filter {
		return filter{q: q + "&limit=37", keep: func(r json.RawMessage) bool { return match(decode[instavmItem](t, r)) }, trivial: strings.HasPrefix(q, "event_group=")}
	}
	user := func(i instavmItem, id int64) bool { return deref(i.UserID) == id }
	return []filter{
		f("event_group=auth", func(i instavmItem) bool { return i.EventGroup == "auth" }),
		f("event_type=vm.create", func(i instavmItem) bool { return i.EventType == "vm.create" }),
		f("status=failure", func(i instavmItem) bool { return i.Status == "failure" }),
		f("user_id=4821", func(i instavmItem) bool { return user(i, 4821) }),
		f("user_id=04821", func(i instavmItem) bool { return user(i, 4821) }),
		f("vm_id="+vm, func(i instavmItem) bool { return deref(i.VMID) == vm }),
		f("session_id="+sess, func(i instavmItem) bool { return deref(i.SessionID) == sess }),
		f("event_group=vm&status=success&user_id=4822", func(i instavmItem) bool { return i.EventGroup == "vm" && i.Status == "success" && user(i, 4822) }),
		f("event_group=", func(i instavmItem) bool { return i.EventGroup == "" }),
		f("event_group=VM", func(i instavmItem) bool { return false }),
	}
}

// The credentials given are the ones accepted; the defaults otherwise.
func TestInstavmCredentials(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{APIKey: "instavm_sk_k1", BearerToken: "tok1", Events: GenerateInstavmEvents(5, 1, testEnd)})
	for _, h := range [][]string{{"X-API-Key", "instavm_sk_k1"}, {"Authorization", "Bearer tok1"}} {
		if resp, body := send(t, "GET", v.URL()+"/v1/audit/events", "", h...); resp.StatusCode != 200 {
			t.Errorf("%v: %d %s", h, resp.StatusCode, body)
		}
	}
	d := StartInstavm(t, InstavmOptions{Events: []json.RawMessage{}})
	if v.APIKey() != "instavm_sk_k1" || v.BearerToken() != "tok1" || d.APIKey() != InstavmDefaultAPIKey || d.BearerToken() != InstavmDefaultBearerToken {
		t.Error("credential getters, or the default credentials")
	}
	// A user_id of the wrong type matches no user_id filter.
	d.Add(json.RawMessage(`{"id":"a","created_at":"2025-01-01T00:00:00Z","user_id":"4821"}`))
	if p := instavmPageOf(t, instavmConn(d), "user_id=4821"); len(p.Items) != 0 {
		t.Errorf("user_id string matched: %s", p.Items)
	}
}
