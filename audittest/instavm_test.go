package audittest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// instavmTestEnd is the newest event's time of the tests' data sets.
var instavmTestEnd = time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)

// instavmPage is the response of GET /v1/audit/events, decoded by hand from
// the document's schema (not from any package of ours).
type instavmPage struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// instavmItem holds the fields tests filter and sort on.
type instavmItem struct {
	ID         string  `json:"id"`
	CreatedAt  string  `json:"created_at"`
	UserID     *int64  `json:"user_id"`
	EventGroup string  `json:"event_group"`
	EventType  string  `json:"event_type"`
	Status     string  `json:"status"`
	VMID       *string `json:"vm_id"`
	SessionID  *string `json:"session_id"`
	Source     string  `json:"source"`
	ActorType  string  `json:"actor_type"`
}

func instavmDecode(t testing.TB, raw json.RawMessage) instavmItem {
	t.Helper()
	var it instavmItem
	if err := json.Unmarshal(raw, &it); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return it
}

func (it instavmItem) time(t testing.TB) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, it.CreatedAt)
	if err != nil {
		t.Fatalf("created_at %q: %v", it.CreatedAt, err)
	}
	return at
}

// instavmGet sends a GET with the given headers (name, value pairs).
func instavmGet(t testing.TB, u string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func instavmPageOf(t testing.TB, v *Instavm, query string) instavmPage {
	t.Helper()
	resp, body := instavmGet(t, v.URL()+"/v1/audit/events?"+query, "X-API-Key", v.APIKey())
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
	}
	var p instavmPage
	if err := json.Unmarshal(body, &p); err != nil || p.Items == nil {
		t.Fatalf("%s: %v %s", query, err, body)
	}
	return p
}

// instavmWalk follows next_cursor from query and returns every item.
func instavmWalk(t testing.TB, v *Instavm, query string) ([]json.RawMessage, int) {
	t.Helper()
	var all []json.RawMessage
	pages := 0
	cursor := ""
	for {
		q, _ := url.ParseQuery(query)
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		p := instavmPageOf(t, v, q.Encode())
		pages++
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all, pages
		}
		cursor = *p.NextCursor
		if pages > 10000 {
			t.Fatal("endless walk")
		}
	}
}

// The default data set ends when the fake starts, or at InstavmOptions.Now:
// a walk of the last day finds events.
func TestInstavmDefaultDataEndsNow(t *testing.T) {
	before := time.Now().Add(-time.Microsecond)
	v := StartInstavm(t, InstavmOptions{})
	after := time.Now()
	evs := v.Events()
	if len(evs) != DefaultInstavmEvents {
		t.Fatalf("%d events, want %d", len(evs), DefaultInstavmEvents)
	}
	newest := instavmDecode(t, evs[0]).time(t)
	checkDefaultEnd(t, newest, before, after)
	day := 0
	for _, raw := range evs {
		if instavmDecode(t, raw).time(t).After(newest.Add(-24 * time.Hour)) {
			day++
		}
	}
	if day == 0 || day == len(evs) {
		t.Errorf("%d of %d events in the last day", day, len(evs))
	}

	now := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	v = StartInstavm(t, InstavmOptions{Now: now})
	if got := v.Events(); len(got) != DefaultInstavmEvents || !instavmDecode(t, got[0]).time(t).Equal(now) ||
		!bytes.Equal(got[0], GenerateInstavmEvents(DefaultInstavmEvents, 1, now)[0]) {
		t.Errorf("with Now %v: %d events, newest %s", now, len(got), got[0])
	}
}

// StartDemo("instavm") serves cfg.Events events ending just before
// cfg.Now, with the key in Settings["api_key"] and among Secrets.
func TestInstavmDemo(t *testing.T) {
	now := time.Date(2031, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	d, err := StartDemo("instavm", DemoConfig{Now: now, Events: 120, Faults: Faults{Script: []Fault{FaultUnavailable}}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	key := d.Settings["api_key"]
	if d.Vendor != "instavm" || d.Records != 120 || len(d.Settings) != 1 || key == "" || !slices.Contains(d.Secrets, key) {
		t.Fatalf("demo %+v", d)
	}
	resp, body := instavmGet(t, d.BaseURL+"/v1/audit/events", "X-API-Key", key)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first request: %d %s, want the scripted 503", resp.StatusCode, body)
	}
	var all []json.RawMessage
	for q := "limit=200"; ; {
		resp, body := instavmGet(t, d.BaseURL+"/v1/audit/events?"+q, "X-API-Key", key)
		var p instavmPage
		if resp.StatusCode != 200 || json.Unmarshal(body, &p) != nil {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			break
		}
		q = "limit=200&cursor=" + url.QueryEscape(*p.NextCursor)
	}
	if len(all) != 120 {
		t.Fatalf("%d events, want 120", len(all))
	}
	newest := instavmDecode(t, all[0]).time(t)
	if !newest.Before(now.Truncate(time.Second)) || newest.Before(now.Add(-2*time.Second)) {
		t.Errorf("newest event at %v, want within the two seconds before %v and before its last whole second", newest, now)
	}
	if st := d.Stats(); st.Requests < 2 || st.Injected[FaultUnavailable] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestInstavmPagingWalksEveryEventOnceNewestFirst(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(260, 3, instavmTestEnd)})
	for _, tt := range []struct {
		query string
		pages int
	}{{"", 6}, {"limit=1", 260}, {"limit=200", 2}, {"limit=130", 2}, {"limit=13", 20}} {
		got, pages := instavmWalk(t, v, tt.query)
		if pages != tt.pages {
			t.Errorf("%q: %d pages, want %d", tt.query, pages, tt.pages)
		}
		want := v.Events()
		if len(got) != len(want) {
			t.Fatalf("%q: %d events, want %d", tt.query, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%q: event %d differs", tt.query, i)
			}
			if i > 0 {
				a, b := instavmDecode(t, got[i-1]), instavmDecode(t, got[i])
				if ta, tb := a.time(t), b.time(t); ta.Before(tb) || (ta.Equal(tb) && a.ID <= b.ID) {
					t.Fatalf("%q: events %d and %d out of order: %s %s, %s %s", tt.query, i-1, i, a.CreatedAt, a.ID, b.CreatedAt, b.ID)
				}
			}
		}
	}
	// The default page is the document's 50.
	if p := instavmPageOf(t, v, ""); len(p.Items) != 50 || p.NextCursor == nil {
		t.Errorf("default page: %d items", len(p.Items))
	}
	// A page that ends exactly at the end has next_cursor null.
	if p := instavmPageOf(t, v, "limit=200"); len(p.Items) != 200 {
		t.Fatal("first page")
	} else if q := instavmPageOf(t, v, "limit=60&cursor="+url.QueryEscape(*p.NextCursor)); len(q.Items) != 60 || q.NextCursor != nil {
		t.Errorf("exact last page: %d items, next %v", len(q.Items), q.NextCursor)
	}
}

// Cursors are keysets: events added during a walk (newer, at the front)
// do not shift the pages still to come.
func TestInstavmCursorStableUnderArrivals(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(100, 4, instavmTestEnd)})
	first := instavmPageOf(t, v, "limit=30")
	v.Add(GenerateInstavmEvents(10, 99, instavmTestEnd.Add(time.Hour))...)
	second := instavmPageOf(t, v, "limit=30&cursor="+url.QueryEscape(*first.NextCursor))
	want := v.Events()[10+30 : 10+60]
	for i := range second.Items {
		if !bytes.Equal(second.Items[i], want[i]) {
			t.Fatalf("after arrivals, item %d of page 2 is %s, want %s", i, second.Items[i], want[i])
		}
	}
	// An id-only cursor, the shape of vendors.md's sample, works too.
	idOnly := base64.RawURLEncoding.EncodeToString([]byte(`{"id":"` + instavmDecode(t, first.Items[29]).ID + `"}`))
	if third := instavmPageOf(t, v, "limit=30&cursor="+idOnly); !reflect.DeepEqual(third.Items, second.Items) {
		t.Error("id-only cursor")
	}
	// The cursor is base64url JSON of the last event's created_at and id.
	b, err := base64.RawURLEncoding.DecodeString(*first.NextCursor)
	last := instavmDecode(t, first.Items[29])
	var c map[string]string
	if err != nil || json.Unmarshal(b, &c) != nil || c["id"] != last.ID || !strings.HasPrefix(c["created_at"], last.CreatedAt[:19]) {
		t.Errorf("cursor %q = %s (%v)", *first.NextCursor, b, err)
	}
}

func TestInstavmFilters(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(800, 5, instavmTestEnd)})
	all := v.Events()
	var vm, sess string
	for _, r := range all {
		it := instavmDecode(t, r)
		if it.VMID != nil && vm == "" {
			vm = *it.VMID
		}
		if it.SessionID != nil && sess == "" {
			sess = *it.SessionID
		}
	}
	tests := []struct {
		query string
		match func(instavmItem) bool
	}{
		{"event_group=auth", func(i instavmItem) bool { return i.EventGroup == "auth" }},
		{"event_type=vm.create", func(i instavmItem) bool { return i.EventType == "vm.create" }},
		{"status=failure", func(i instavmItem) bool { return i.Status == "failure" }},
		{"user_id=4821", func(i instavmItem) bool { return i.UserID != nil && *i.UserID == 4821 }},
		{"user_id=04821", func(i instavmItem) bool { return i.UserID != nil && *i.UserID == 4821 }},
		{"vm_id=" + vm, func(i instavmItem) bool { return i.VMID != nil && *i.VMID == vm }},
		{"session_id=" + sess, func(i instavmItem) bool { return i.SessionID != nil && *i.SessionID == sess }},
		{"event_group=vm&status=success&user_id=4822", func(i instavmItem) bool {
			return i.EventGroup == "vm" && i.Status == "success" && i.UserID != nil && *i.UserID == 4822
		}},
		{"event_group=", func(i instavmItem) bool { return i.EventGroup == "" }},
		{"event_group=VM", func(i instavmItem) bool { return false }},
	}
	for _, tt := range tests {
		got, _ := instavmWalk(t, v, tt.query+"&limit=37")
		var want []json.RawMessage
		for _, r := range all {
			if tt.match(instavmDecode(t, r)) {
				want = append(want, r)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d events, want %d", tt.query, len(got), len(want))
		}
		if len(want) == 0 && !strings.HasPrefix(tt.query, "event_group=") {
			t.Errorf("%s: the data holds no match; the test proves nothing", tt.query)
		}
	}
}

func TestInstavmBadParameters(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(10, 1, instavmTestEnd)})
	type detail struct {
		Type  string `json:"type"`
		Loc   []any  `json:"loc"`
		Msg   string `json:"msg"`
		Input any    `json:"input"`
		Ctx   any    `json:"ctx"`
	}
	tests := []struct {
		query string
		want  []string // "loc: msg" of each entry
	}{
		{"limit=0", []string{"query.limit: Input should be greater than or equal to 1"}},
		{"limit=201", []string{"query.limit: Input should be less than or equal to 200"}},
		{"limit=ten", []string{"query.limit: Input should be a valid integer, unable to parse string as an integer"}},
		{"limit=", []string{"query.limit: Input should be a valid integer, unable to parse string as an integer"}},
		{"user_id=abc&limit=500", []string{"query.user_id: Input should be a valid integer, unable to parse string as an integer", "query.limit: Input should be less than or equal to 200"}},
		{"offset=5", []string{"query.offset: Extra inputs are not permitted"}},
		{"status=a&status=b", []string{"query.status: Value error, give the parameter once"}},
	}
	for _, tt := range tests {
		resp, body := instavmGet(t, v.URL()+"/v1/audit/events?"+tt.query, "X-API-Key", v.APIKey())
		if resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", tt.query, resp.StatusCode, body)
			continue
		}
		var env struct {
			Detail []detail `json:"detail"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range env.Detail {
			if d.Type == "" || len(d.Loc) != 2 || d.Loc[0] != "query" {
				t.Errorf("%s: entry %+v", tt.query, d)
				continue
			}
			got = append(got, d.Loc[0].(string)+"."+d.Loc[1].(string)+": "+d.Msg)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
		}
	}
	// The constraint errors carry ctx, as pydantic v2 writes them.
	_, body := instavmGet(t, v.URL()+"/v1/audit/events?limit=201", "X-API-Key", v.APIKey())
	if string(body) != `{"detail":[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 200","input":"201","ctx":{"le":200}}]}` {
		t.Errorf("422 body %s", body)
	}
	// garbage, {"id":""}, vendors.md's {"id":"aud_01HZX3M1A4"} (no such
	// event here), a bad time.
	for _, c := range []string{"garbage", "eyJpZCI6IiJ9", "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0", "eyJjcmVhdGVkX2F0IjoieCIsImlkIjoiYSJ9"} {
		resp, body := instavmGet(t, v.URL()+"/v1/audit/events?cursor="+c, "X-API-Key", v.APIKey())
		if resp.StatusCode != 400 || string(body) != `{"detail":"Invalid cursor"}` {
			t.Errorf("cursor %s: %d %s", c, resp.StatusCode, body)
		}
	}
}

func TestInstavmAuth(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{APIKey: "instavm_sk_k1", BearerToken: "tok1", Events: GenerateInstavmEvents(5, 1, instavmTestEnd)})
	u := v.URL() + "/v1/audit/events?limit=0" // a bad parameter too: 401 comes first
	tests := []struct {
		headers []string
		status  int
		body    string
	}{
		{nil, 401, `{"detail":"Not authenticated"}`},
		{[]string{"X-API-Key", "instavm_sk_wrong"}, 401, `{"detail":"Invalid API key or session expired"}`},
		{[]string{"Authorization", "Bearer wrong"}, 401, `{"detail":"Invalid API key or session expired"}`},
		{[]string{"Authorization", "Basic dG9rMTo="}, 401, `{"detail":"Not authenticated"}`},
		{[]string{"X-API-Key", "instavm_sk_wrong", "Authorization", "Bearer tok1"}, 401, `{"detail":"Invalid API key or session expired"}`},
		{[]string{"X-API-Key", "instavm_sk_k1"}, 422, ""},
		{[]string{"Authorization", "Bearer tok1"}, 422, ""},
		{[]string{"Authorization", "bearer tok1"}, 422, ""},
	}
	for _, tt := range tests {
		resp, body := instavmGet(t, u, tt.headers...)
		if resp.StatusCode != tt.status || (tt.body != "" && string(body) != tt.body) {
			t.Errorf("%v: %d %s", tt.headers, resp.StatusCode, body)
		}
		if tt.status == 401 && resp.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%v: WWW-Authenticate %q", tt.headers, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if v.APIKey() != "instavm_sk_k1" || v.BearerToken() != "tok1" {
		t.Error("credential getters")
	}
	d := StartInstavm(t, InstavmOptions{Events: []json.RawMessage{}})
	if d.APIKey() != InstavmDefaultAPIKey || d.BearerToken() != InstavmDefaultBearerToken {
		t.Error("default credentials")
	}
	if p := instavmPageOf(t, d, ""); len(p.Items) != 0 || p.NextCursor != nil {
		t.Errorf("empty data set: %+v", p)
	}
}

func TestInstavmOtherRoutesMethodsAndBasePath(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{BasePath: "/gw/", Events: GenerateInstavmEvents(5, 1, instavmTestEnd)})
	if !strings.HasSuffix(v.URL(), "/gw") {
		t.Errorf("URL %s", v.URL())
	}
	resp, body := instavmGet(t, v.URL()+"/v1/audit/other", "X-API-Key", v.APIKey())
	if resp.StatusCode != 404 || string(body) != `{"detail":"Not Found"}` {
		t.Errorf("other path: %d %s", resp.StatusCode, body)
	}
	base := strings.TrimSuffix(v.URL(), "/gw")
	if resp, body := instavmGet(t, base+"/v1/audit/events", "X-API-Key", v.APIKey()); resp.StatusCode != 404 || string(body) != `{"detail":"Not Found"}` {
		t.Errorf("outside the base path: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, v.URL()+"/v1/audit/events", nil)
	req.Header.Set("X-API-Key", v.APIKey())
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 405 || r.Header.Get("Allow") != "GET" || string(b) != `{"detail":"Method Not Allowed"}` {
		t.Errorf("POST: %d %s", r.StatusCode, b)
	}
	if len(instavmPageOf(t, v, "").Items) != 5 {
		t.Error("under the base path")
	}
}

func TestInstavmFaultBodies(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(5, 1, instavmTestEnd),
		Faults: Faults{Script: []Fault{FaultRateLimit, FaultServerError, FaultUnavailable}, RetryAfter: 2 * time.Second}})
	u := v.URL() + "/v1/audit/events"
	resp, body := instavmGet(t, u, "X-API-Key", v.APIKey())
	h := resp.Header
	if resp.StatusCode != 429 || string(body) != `{"detail":"Rate limit exceeded"}` || h.Get("Retry-After") != "2" ||
		h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset") != "2" || h.Get("X-RateLimit-Limit") != "60" {
		t.Errorf("429: %d %s %v", resp.StatusCode, body, h)
	}
	resp, body = instavmGet(t, u, "X-API-Key", v.APIKey())
	if resp.StatusCode != 500 || string(body) != "Internal Server Error" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("500: %d %s", resp.StatusCode, body)
	}
	resp, body = instavmGet(t, u, "X-API-Key", v.APIKey())
	if resp.StatusCode != 503 || string(body) != `{"detail":"Service Unavailable"}` {
		t.Errorf("503: %d %s", resp.StatusCode, body)
	}
	st := v.Stats()
	if st.Requests != 3 || st.Served != 0 || st.Injected[FaultRateLimit] != 1 {
		t.Errorf("stats %+v", st)
	}
	v.SetFaults(Faults{})
	if len(instavmPageOf(t, v, "").Items) != 5 || v.Stats().Served != 1 || len(v.Requests()) != 4 {
		t.Error("after SetFaults")
	}
}

// Events are served byte for byte as given; odd ones (no time, no id) sort
// last and are still served.
func TestInstavmEventsServedAsGiven(t *testing.T) {
	odd := []json.RawMessage{
		json.RawMessage(`{"id":"b","created_at":"2025-01-01T00:00:00Z","event_group":"vm" , "note":"spacing kept"}`),
		json.RawMessage(`{"id":"x","created_at":"not a time"}`),
		json.RawMessage(`{"id":"a","created_at":"2025-01-01T00:00:00Z","user_id":"4821"}`),
		json.RawMessage(`{"id":"c","created_at":"2025-01-02T00:00:00.5+02:00"}`),
		json.RawMessage(`{"id":"y"}`),
	}
	v := StartInstavm(t, InstavmOptions{Events: odd})
	got, _ := instavmWalk(t, v, "limit=1")
	want := []json.RawMessage{odd[3], odd[0], odd[2], odd[4], odd[1]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("served %s", got)
	}
	// A user_id of the wrong type matches no user_id filter.
	if p := instavmPageOf(t, v, "user_id=4821"); len(p.Items) != 0 {
		t.Errorf("user_id string matched: %s", p.Items)
	}
}

func TestInstavmConcurrentUse(t *testing.T) {
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(300, 2, instavmTestEnd)})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				v.Add(GenerateInstavmEvents(3, int64(100+i), instavmTestEnd.Add(time.Duration(i)*time.Hour))...)
				return
			}
			got, _ := instavmWalk(t, v, "limit=45")
			if len(got) < 300 {
				t.Errorf("%d events", len(got))
			}
		}()
	}
	wg.Wait()
	if n := len(v.Events()); n != 312 {
		t.Errorf("%d events after adds", n)
	}
	v.Close()
	v.Close()
}

func TestGenerateInstavmEvents(t *testing.T) {
	end := time.Date(2025, 5, 14, 12, 0, 0, 123456789, time.UTC)
	a := GenerateInstavmEvents(2000, 7, end)
	b := GenerateInstavmEvents(2000, 7, end)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("not deterministic")
	}
	if c := GenerateInstavmEvents(2000, 8, end); reflect.DeepEqual(a, c) {
		t.Fatal("the seed changes nothing")
	}
	if n := GenerateInstavmEvents(0, 1, end); n == nil || len(n) != 0 {
		t.Error("n=0")
	}
	if len(GenerateInstavmEvents(1, 1, end)) != 1 || len(GenerateInstavmEvents(7, 3, end)) != 7 {
		t.Error("small n")
	}
	idPattern := regexp.MustCompile(`^aud_[0-9A-HJKMNP-TV-Z]{26}$`)
	timePattern := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$`)
	ids := map[string]bool{}
	times := map[string]int{}
	kinds := map[string]int{}
	sources := map[string]bool{}
	var first, last time.Time
	for i, raw := range a {
		// Every field of the schema, in the document's order.
		var keys []string
		d := json.NewDecoder(bytes.NewReader(raw))
		d.Token()
		for d.More() {
			k, _ := d.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			_ = d.Decode(&skip)
		}
		if !slices.Equal(keys, instavmKeys) {
			t.Fatalf("event %d keys %v", i, keys)
		}
		it := instavmDecode(t, raw)
		if !idPattern.MatchString(it.ID) || ids[it.ID] {
			t.Errorf("id %q bad or repeated", it.ID)
		}
		ids[it.ID] = true
		if !timePattern.MatchString(it.CreatedAt) {
			t.Errorf("created_at %q", it.CreatedAt)
		}
		times[it.CreatedAt]++
		kinds[it.EventType+"/"+it.Status]++
		sources[it.Source+"/"+it.ActorType] = true
		at := it.time(t)
		if i == 0 {
			first = at
		}
		last = at
		// The id's ULID time is the event's millisecond.
		if got := instavmULID(at, [2]uint64{})[:10]; got != it.ID[4:14] {
			t.Errorf("id %s does not encode %s", it.ID, it.CreatedAt)
		}
	}
	if !first.Equal(end.Truncate(time.Microsecond)) {
		t.Errorf("newest %v, want %v", first, end)
	}
	if span := first.Sub(last); span < 3*24*time.Hour || span > 8*24*time.Hour {
		t.Errorf("span %v", span)
	}
	shared := 0
	for _, n := range times {
		if n > 1 {
			shared += n
		}
	}
	if shared < len(a)/10 {
		t.Errorf("only %d events share a created_at", shared)
	}
	for _, k := range []string{"auth.login/success", "auth.login/failure", "auth.logout/success", "vm.create/success", "vm.create/failure",
		"session.create/success", "vm.delete/success", "vm.list/success", "vm.resize/success", "execution.run/success",
		"execution.run/failure", "file.upload/success", "audit.list/success", "auth.api_key_invalid/failure", "api_key.create/success",
		"api_key.revoke/success", "user.password_change/success", "user.mfa_enable/success", "user.mfa_disable/success",
		"user.role_grant/success", "user.role_revoke/success", "team.member_add/success", "team.member_remove/success",
		"user.create/success", "user.delete/success", "vm.auto_stop/success", "snapshot.create/success", "snapshot.create/failure",
		"billing.plan_change/success"} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in 2000", k)
		}
	}
	for _, s := range []string{"api/api_key", "dashboard/user", "system/system"} {
		if !sources[s] {
			t.Errorf("no %s event", s)
		}
	}
	t.Logf("%d kinds; %d events share a created_at", len(kinds), shared)
}

func TestInstavmDocExamples(t *testing.T) {
	ex := InstavmDocExamples()
	if len(ex) != 3 {
		t.Fatalf("%d examples", len(ex))
	}
	for name, raw := range ex {
		if !json.Valid(raw) {
			t.Errorf("%s is not valid JSON", name)
		}
	}
	var p instavmPage
	if err := json.Unmarshal(ex["schema_full"], &p); err != nil || len(p.Items) != 2 || p.NextCursor != nil {
		t.Fatalf("schema_full: %v", err)
	}
	for _, item := range p.Items {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(item, &m)
		if len(m) != len(instavmKeys) {
			t.Errorf("schema_full item has %d fields, the schema %d", len(m), len(instavmKeys))
		}
	}
	// The fake serves the examples' items as given.
	if err := json.Unmarshal(ex["vendors_md_sample"], &p); err != nil || len(p.Items) != 2 {
		t.Fatal(err)
	}
	v := StartInstavm(t, InstavmOptions{Events: p.Items})
	got, _ := instavmWalk(t, v, "")
	if len(got) != 2 || !bytes.Equal(got[0], p.Items[1]) {
		t.Errorf("served %s", got)
	}
	// A fresh copy each call.
	ex["schema_full"][0] = 'x'
	if InstavmDocExamples()["schema_full"][0] != '{' {
		t.Error("examples are shared")
	}
}

// Rewrite replaces the body of successful events responses, numbered from
// 1, and sees the request; error responses are not passed to it.
func TestInstavmRewrite(t *testing.T) {
	var seen []string
	v := StartInstavm(t, InstavmOptions{Events: GenerateInstavmEvents(10, 1, instavmTestEnd),
		Rewrite: func(r *http.Request, i int, body []byte) []byte {
			seen = append(seen, strconv.Itoa(i)+"@"+r.URL.Query().Get("limit"))
			if i == 2 {
				return []byte(`null`)
			}
			return body
		}})
	if resp, _ := instavmGet(t, v.URL()+"/v1/audit/events", "X-API-Key", "wrong"); resp.StatusCode != 401 {
		t.Fatalf("wrong key: %d", resp.StatusCode)
	}
	resp, body := instavmGet(t, v.URL()+"/v1/audit/events?limit=4", "X-API-Key", v.APIKey())
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"items":[`) {
		t.Fatalf("page 1: %d %s", resp.StatusCode, body)
	}
	resp, body = instavmGet(t, v.URL()+"/v1/audit/events?limit=3", "X-API-Key", v.APIKey())
	if resp.StatusCode != 200 || string(body) != `null` || resp.ContentLength != 4 {
		t.Errorf("second response: %d %q (Content-Length %d), want the rewritten null", resp.StatusCode, body, resp.ContentLength)
	}
	if strings.Join(seen, " ") != "1@4 2@3" {
		t.Errorf("Rewrite saw %v", seen)
	}
}
