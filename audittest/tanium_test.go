package audittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// taniumGet sends a GET with the fake's session header (unless session is
// given) and the tanium-options header (unless "").
func taniumGet(t *testing.T, f *Tanium, path, options string, session ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", f.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(session) > 0 {
		if session[0] != "" {
			req.Header.Set("session", session[0])
		}
	} else {
		req.Header.Set("session", "token-"+f.APIToken())
	}
	if options != "" {
		req.Header.Set("tanium-options", options)
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
	return resp.StatusCode, resp.Header, body
}

type taniumTestPage struct {
	Data struct {
		ID        int64             `json:"id"`
		Type      string            `json:"type"`
		StartTime *string           `json:"start_time"`
		EndTime   *string           `json:"end_time"`
		Entries   []json.RawMessage `json:"entries"`
	} `json:"data"`
}

func taniumPath(object string) string {
	typ, id, _ := strings.Cut(object, ":")
	return "/api/v2/audit_logs/" + typ + "s/" + id
}

func taniumTime(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	var m struct {
		ModificationTime time.Time `json:"modification_time"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return m.ModificationTime
}

// Every object's history comes back whole with a large enough size, newest
// first, in the document's shape; the walk covers the data set exactly.
func TestTaniumServesEveryHistory(t *testing.T) {
	f := StartTanium(t, TaniumOptions{})
	all := f.Events()
	if len(all) != DefaultTaniumEvents {
		t.Fatalf("%d entries", len(all))
	}
	var got []string
	for _, obj := range f.Objects() {
		status, h, body := taniumGet(t, f, taniumPath(obj), `{"audit_history_size":1000}`)
		if status != 200 || h.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", obj, status, body)
		}
		var p taniumTestPage
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		typ, id, _ := strings.Cut(obj, ":")
		audit := typ + "_audit"
		if typ == "package" {
			audit = "package_spec_audit"
		}
		if strconv.FormatInt(p.Data.ID, 10) != id || p.Data.Type != audit || p.Data.StartTime == nil || *p.Data.StartTime != "" || p.Data.EndTime == nil {
			t.Errorf("%s: data %+v", obj, p.Data)
		}
		for i, e := range p.Data.Entries {
			if i > 0 && taniumTime(t, e).After(taniumTime(t, p.Data.Entries[i-1])) {
				t.Errorf("%s: entry %d is newer than entry %d", obj, i, i-1)
			}
			got = append(got, obj+" "+string(e))
		}
	}
	if len(got) != len(all) {
		t.Fatalf("%d entries served, data set has %d", len(got), len(all))
	}
	for i, e := range all {
		if got[i] != e.Object()+" "+string(e.Raw) {
			t.Fatalf("entry %d: %s\nwant %s %s", i, got[i], e.Object(), e.Raw)
		}
	}
	// The member order of the document's fixture.
	_, _, body := taniumGet(t, f, taniumPath(f.Objects()[0]), "")
	doc := TaniumDocExamples()["vendors_md_fixture"]
	for _, path := range [][]string{nil, {"data"}} {
		if got, want := keysAt(t, body, path), keysAt(t, doc, path); !slices.Equal(got, want) {
			t.Errorf("members of %v: %v, document %v", path, got, want)
		}
	}
	var p taniumTestPage
	_ = json.Unmarshal(body, &p)
	var docPage taniumTestPage
	_ = json.Unmarshal(doc, &docPage)
	if got, want := keysAt(t, p.Data.Entries[0], nil), keysAt(t, docPage.Data.Entries[0], nil); !slices.Equal(got, want) {
		t.Errorf("entry members %v, document %v", got, want)
	}
}

func TestTaniumHistorySize(t *testing.T) {
	f := StartTanium(t, TaniumOptions{MaxHistorySize: 5})
	var obj string
	for _, o := range f.Objects() {
		if len(f.History(o)) > 7 {
			obj = o
			break
		}
	}
	if obj == "" {
		t.Fatal("no object with a long history")
	}
	hist := f.History(obj)
	for options, n := range map[string]int{
		"":                           TaniumDefaultHistorySize,
		`{}`:                         1,
		`{"audit_history_size":1}`:   1,
		`{"audit_history_size":3}`:   3,
		`{"audit_history_size":500}`: 5,
		`{"json_pretty_print":true,"include_hashes_flag":true,"audit_history_size":2}`: 2,
	} {
		status, _, body := taniumGet(t, f, taniumPath(obj), options)
		var p taniumTestPage
		if status != 200 || json.Unmarshal(body, &p) != nil || len(p.Data.Entries) != n {
			t.Errorf("%q: %d, %d entries, want %d", options, status, len(p.Data.Entries), n)
			continue
		}
		for i := range n {
			if !bytes.Equal(p.Data.Entries[i], hist[i]) {
				t.Errorf("%q: entry %d is not the %d-th newest", options, i, i)
			}
		}
	}
}

func TestTaniumErrors(t *testing.T) {
	f := StartTanium(t, TaniumOptions{BasePath: "/t"})
	obj := taniumPath(f.Objects()[0])
	tests := []struct {
		name, path, options string
		session             []string
		status              int
		text                string
	}{
		{"no session", obj, "", []string{""}, 401, "Unauthorized"},
		{"raw token", obj, "", []string{f.APIToken()}, 401, "Unauthorized"},
		{"wrong token", obj, "", []string{"token-nope"}, 401, "Unauthorized"},
		{"bad options", obj, `audit_history_size=3`, nil, 400, "tanium-options is not a JSON object"},
		{"zero size", obj, `{"audit_history_size":0}`, nil, 400, "positive integer"},
		{"negative size", obj, `{"audit_history_size":-2}`, nil, 400, "positive integer"},
		{"fractional size", obj, `{"audit_history_size":1.5}`, nil, 400, "positive integer"},
		{"string size", obj, `{"audit_history_size":"3"}`, nil, 400, "positive integer"},
		{"query", obj + "?count=5", "", nil, 400, "no query parameters"},
		{"bad id", "/api/v2/audit_logs/users/abc", "", nil, 400, "not a positive integer"},
		{"zero id", "/api/v2/audit_logs/users/0", "", nil, 400, "not a positive integer"},
		{"unknown type", "/api/v2/audit_logs/widgets/1", "", nil, 404, "no audit log route"},
		{"singular type", "/api/v2/audit_logs/user/1", "", nil, 404, "no audit log route"},
		{"package_spec", "/api/v2/audit_logs/package_specs/1", "", nil, 404, "no audit log route"},
		{"unknown object", "/api/v2/audit_logs/sensors/999999", "", nil, 404, "no audit history for sensor 999999"},
		{"deeper path", obj + "/x", "", nil, 404, "no audit log route"},
		{"other path", "/api/v2/sensors", "", nil, 404, "no such resource"},
	}
	for _, tt := range tests {
		status, h, body := taniumGet(t, f, tt.path, tt.options, tt.session...)
		var e struct{ Text string }
		if status != tt.status || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Text, tt.text) || h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, status, body, tt.status, tt.text)
		}
	}
	outside, err := http.NewRequest("GET", strings.TrimSuffix(f.URL(), "/t")+obj, nil)
	if err != nil {
		t.Fatal(err)
	}
	outside.Header.Set("session", "token-"+f.APIToken())
	if resp, err := http.DefaultClient.Do(outside); err != nil || resp.StatusCode != 404 {
		t.Errorf("outside the base path: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	req, _ := http.NewRequest("POST", f.URL()+obj, nil)
	req.Header.Set("session", "token-"+f.APIToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	// A token that begins with "token-" is expected as it is.
	g := StartTanium(t, TaniumOptions{APIToken: "token-xyz", Events: GenerateTaniumEvents(3, 1, time.Now())})
	if status, _, _ := taniumGet(t, g, taniumPath(g.Objects()[0]), "", "token-xyz"); status != 200 {
		t.Errorf("prefixed token: %d", status)
	}
}

func TestTaniumFaultsAndCacheInfo(t *testing.T) {
	f := StartTanium(t, TaniumOptions{
		Events:    GenerateTaniumEvents(30, 2, time.Now()),
		CacheInfo: true,
		Faults:    Faults{Script: []Fault{FaultRateLimit, FaultUnavailable, FaultServerError}, RetryAfter: 2 * time.Second},
	})
	obj := taniumPath(f.Objects()[0])
	for _, want := range []struct {
		status int
		text   string
	}{{429, "Too Many Requests: retry after 2 seconds"}, {503, "Service Unavailable"}, {500, "Internal Server Error"}} {
		status, h, body := taniumGet(t, f, obj, "")
		var e struct{ Text string }
		if status != want.status || json.Unmarshal(body, &e) != nil || !strings.HasPrefix(e.Text, want.text) {
			t.Errorf("%d %s, want %d", status, body, want.status)
		}
		if status == 429 && h.Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q", h.Get("Retry-After"))
		}
	}
	_, _, body := taniumGet(t, f, obj, `{"audit_history_size":100}`)
	var p taniumTestPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	last := p.Data.Entries[len(p.Data.Entries)-1]
	var ci map[string]int
	if json.Unmarshal(last, &ci) != nil || ci["cache_row_count"] != len(p.Data.Entries)-1 || ci["cache_id"] == 0 {
		t.Errorf("cache_info element %s", last)
	}
	st := f.Stats()
	if st.Requests != 4 || st.Served != 1 || st.Injected[FaultRateLimit] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestTaniumAddAndObjects(t *testing.T) {
	f := StartTanium(t, TaniumOptions{Events: []TaniumEntry{}})
	if len(f.Objects()) != 0 || len(f.Events()) != 0 {
		t.Fatal("empty data set is not empty")
	}
	e := func(at string, d string) json.RawMessage {
		return json.RawMessage(`{"object_id":1,"details":"` + d + `","creation_time":"2024-01-01T00:00:00Z","modification_time":"` + at + `","type":1}`)
	}
	f.Add(
		TaniumEntry{"user", "12", e("2024-01-02T00:00:00Z", "a")},
		TaniumEntry{"sensor", "7", e("2024-01-03T00:00:00Z", "b")},
		TaniumEntry{"user", "3", e("2024-01-01T00:00:00Z", "c")},
		TaniumEntry{"user", "12", e("2024-01-05T00:00:00Z", "d")},
		TaniumEntry{"user", "12", e("2024-01-05T00:00:00Z", "e")},
		TaniumEntry{"content_set", "1", e("2024-01-01T00:00:00Z", "f")},
	)
	if got := f.ObjectList(); got != "content_set:1,sensor:7,user:3,user:12" {
		t.Errorf("objects %s", got)
	}
	var details []string
	for _, en := range f.Events() {
		var m struct{ Details string }
		_ = json.Unmarshal(en.Raw, &m)
		details = append(details, en.Object()+"="+m.Details)
	}
	// newest first; of two at one time, the later added first.
	if got := strings.Join(details, " "); got != "content_set:1=f sensor:7=b user:3=c user:12=e user:12=d user:12=a" {
		t.Errorf("events %s", got)
	}
	if h := f.History("user:12"); len(h) != 3 || f.History("user:99") != nil {
		t.Errorf("history %s", h)
	}
}

func TestGenerateTaniumEvents(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 500, time.UTC)
	a := GenerateTaniumEvents(2000, 7, end)
	b := GenerateTaniumEvents(2000, 7, end)
	if len(a) != 2000 {
		t.Fatalf("%d entries", len(a))
	}
	for i := range a {
		if a[i].Object() != b[i].Object() || !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("entry %d differs between two runs", i)
		}
	}
	if c := GenerateTaniumEvents(2000, 8, end); bytes.Equal(c[500].Raw, a[500].Raw) && bytes.Equal(c[900].Raw, a[900].Raw) {
		t.Error("another seed gives the same entries")
	}
	types := map[string]bool{}
	kinds := map[int]int{}
	perObject := map[string]int{}
	times := map[string]int{}
	distinct := map[string]int{}
	var first, last time.Time
	for i, e := range a {
		var m struct {
			ObjectID         *int64              `json:"object_id"`
			Details          string              `json:"details"`
			CreationTime     time.Time           `json:"creation_time"`
			ModificationTime time.Time           `json:"modification_time"`
			LastModifiedBy   string              `json:"last_modified_by"`
			ModifierUserID   int64               `json:"modifier_user_id"`
			ModUser          *struct{ ID int64 } `json:"mod_user"`
			Type             *int                `json:"type"`
		}
		if err := json.Unmarshal(e.Raw, &m); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if m.ObjectID == nil || strconv.FormatInt(*m.ObjectID, 10) != e.ID || m.Type == nil || m.ModUser == nil || m.ModUser.ID != m.ModifierUserID ||
			m.LastModifiedBy == "" || !strings.HasPrefix(m.Details, "name=") || m.CreationTime.After(m.ModificationTime) {
			t.Errorf("entry %d: %s", i, e.Raw)
		}
		if *m.Type == 0 && !m.CreationTime.Equal(m.ModificationTime) {
			t.Errorf("a create whose creation_time is not its modification_time: %s", e.Raw)
		}
		if i == 0 {
			first = m.ModificationTime
		}
		if m.ModificationTime.Before(last) {
			t.Errorf("entry %d is older than the one before", i)
		}
		last = m.ModificationTime
		types[e.Type] = true
		kinds[*m.Type]++
		perObject[e.Object()]++
		times[m.ModificationTime.String()]++
		distinct[e.Object()+string(e.Raw)]++
		if i < 14 && len(types) != i+1 {
			t.Errorf("entry %d does not open a new type", i)
		}
	}
	if !last.Equal(end.Truncate(time.Second)) || last.Sub(first) < 3*24*time.Hour {
		t.Errorf("entries span %v to %v", first, last)
	}
	if len(types) != len(TaniumObjectTypes()) {
		t.Errorf("types %v", types)
	}
	if kinds[0] == 0 || kinds[1] == 0 || kinds[2] == 0 || len(kinds) != 3 {
		t.Errorf("kinds %v", kinds)
	}
	for o, n := range perObject {
		if n > taniumMaxPerObject {
			t.Errorf("%s has %d entries", o, n)
		}
	}
	shared := 0
	for _, n := range times {
		if n > 1 {
			shared += n
		}
	}
	if shared < 100 {
		t.Errorf("only %d entries share their time", shared)
	}
	twins := 0
	for _, n := range distinct {
		if n > 1 {
			twins += n - 1
		}
	}
	if twins != 1 {
		t.Errorf("%d twin entries, want 1 pair", twins)
	}
	if len(GenerateTaniumEvents(0, 1, end)) != 0 || GenerateTaniumEvents(-1, 1, end) == nil {
		t.Error("n <= 0")
	}
	for n := 1; n < 40; n++ {
		if got := len(GenerateTaniumEvents(n, int64(n), end)); got != n {
			t.Errorf("n=%d gave %d", n, got)
		}
	}
}

func TestTaniumDocExamples(t *testing.T) {
	docs := TaniumDocExamples()
	for name, b := range docs {
		if !json.Valid(b) {
			t.Errorf("%s is not valid JSON", name)
		}
	}
	docs["connect_entry"][0] = 'x'
	if TaniumDocExamples()["connect_entry"][0] != '{' {
		t.Error("the examples are shared, not copied")
	}
	// The fixture's entry, served by the fake, comes back byte for byte.
	var p taniumTestPage
	if err := json.Unmarshal(TaniumDocExamples()["vendors_md_fixture"], &p); err != nil {
		t.Fatal(err)
	}
	f := StartTanium(t, TaniumOptions{Events: []TaniumEntry{{Type: "saved_question", ID: "42", Raw: p.Data.Entries[0]}}})
	_, _, body := taniumGet(t, f, "/api/v2/audit_logs/saved_questions/42", "")
	var got taniumTestPage
	if err := json.Unmarshal(body, &got); err != nil || len(got.Data.Entries) != 1 || !bytes.Equal(got.Data.Entries[0], p.Data.Entries[0]) || got.Data.Type != "saved_question_audit" {
		t.Errorf("%s", body)
	}
}

func ExampleNewTanium() {
	f := NewTanium(TaniumOptions{Events: GenerateTaniumEvents(50, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC))})
	defer f.Close()
	req, _ := http.NewRequest("GET", f.URL()+"/api/v2/audit_logs/users/1", nil)
	req.Header.Set("session", "token-"+f.APIToken())
	req.Header.Set("tanium-options", `{"audit_history_size":2}`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data struct {
			Type    string
			Entries []json.RawMessage
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.StatusCode, page.Data.Type, len(page.Data.Entries), "entries;", len(f.Objects()), "objects")
	// Output: 200 user_audit 2 entries; 23 objects
}

// Deep histories: every audit_history_size is served exactly the last N
// entries (newest first, or oldest first with OldestFirst), from 1 past the
// history's depth, and BeforeHistory sees each request before it is read.
func TestTaniumDeepHistoriesServeExactlyTheLastN(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	data := GenerateTaniumHistories(3, 150, 4, end)
	for _, oldestFirst := range []bool{false, true} {
		var seen []string
		f := StartTanium(t, TaniumOptions{Events: data, OldestFirst: oldestFirst,
			BeforeHistory: func(object string, size int) { seen = append(seen, fmt.Sprint(object, " ", size)) }})
		obj := f.Objects()[1]
		hist := f.History(obj)
		if len(hist) != 150 {
			t.Fatalf("%s holds %d entries, want 150", obj, len(hist))
		}
		var wantSeen []string
		for _, n := range []int{1, 49, 50, 99, 100, 101, 149, 150, 151, 200, 10000} {
			_, _, body := taniumGet(t, f, taniumPath(obj), `{"audit_history_size":`+strconv.Itoa(n)+`}`)
			wantSeen = append(wantSeen, fmt.Sprint(obj, " ", n))
			var p taniumTestPage
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(hist[:min(n, 150)])
			if oldestFirst {
				slices.Reverse(want)
			}
			if len(p.Data.Entries) != len(want) {
				t.Fatalf("oldest first %v, size %d: %d entries, want %d", oldestFirst, n, len(p.Data.Entries), len(want))
			}
			for i := range want {
				if !bytes.Equal(p.Data.Entries[i], want[i]) {
					t.Fatalf("oldest first %v, size %d: entry %d is not the one of the last %d", oldestFirst, n, i, n)
				}
			}
		}
		if !slices.Equal(seen, wantSeen) {
			t.Errorf("BeforeHistory saw %v, want %v", seen, wantSeen)
		}
		// Events follows the served order.
		ev := f.Events()
		first := ev[0]
		if want := f.History(f.Objects()[0]); oldestFirst && !bytes.Equal(first.Raw, want[len(want)-1]) || !oldestFirst && !bytes.Equal(first.Raw, want[0]) {
			t.Errorf("oldest first %v: Events starts with %s", oldestFirst, first.Raw)
		}
	}
}

// A server capped below the size asked answers short and says nothing
// (the fake's invented, adversarial behaviour).
func TestTaniumCapIsSilent(t *testing.T) {
	f := StartTanium(t, TaniumOptions{Events: GenerateTaniumHistories(1, 150, 4, time.Now()), MaxHistorySize: 120})
	status, h, body := taniumGet(t, f, taniumPath(f.Objects()[0]), `{"audit_history_size":200}`)
	var p taniumTestPage
	if status != 200 || json.Unmarshal(body, &p) != nil || len(p.Data.Entries) != 120 {
		t.Fatalf("%d, %d entries, want 200 with 120", status, len(p.Data.Entries))
	}
	if strings.Contains(strings.ToLower(string(body)), "cap") || len(h.Values("Warning")) > 0 {
		t.Errorf("the capped answer says it was capped: %s", body)
	}
}

func TestGenerateTaniumHistories(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 700, time.UTC)
	a := GenerateTaniumHistories(20, 150, 3, end)
	b := GenerateTaniumHistories(20, 150, 3, end)
	if len(a) != 3000 || len(b) != 3000 {
		t.Fatalf("%d entries, want 3000", len(a))
	}
	for i := range a {
		if a[i].Object() != b[i].Object() || !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("entry %d differs between two runs", i)
		}
	}
	if n := len(GenerateTaniumHistories(0, 5, 1, end)); n != 0 {
		t.Errorf("0 objects: %d entries", n)
	}
	f := StartTanium(t, TaniumOptions{Events: a})
	objs := f.Objects()
	if len(objs) != 20 {
		t.Fatalf("%d objects: %v", len(objs), objs)
	}
	distinct := map[string]bool{}
	for _, e := range a {
		distinct[e.Object()+string(e.Raw)] = true
	}
	if len(distinct) != 3000 {
		t.Errorf("%d distinct entries of 3000", len(distinct))
	}
	for _, o := range objs {
		h := f.History(o)
		if len(h) != 150 {
			t.Fatalf("%s: %d entries", o, len(h))
		}
		for i := 1; i < len(h); i++ {
			ti, prev := taniumTime(t, h[i]), taniumTime(t, h[i-1])
			same := ti.Equal(prev)
			if same != (i%50 == 0) || ti.After(prev) {
				t.Fatalf("%s: entries %d and %d at %s and %s", o, i-1, i, prev, ti)
			}
		}
		var m struct{ Type int }
		if json.Unmarshal(h[149], &m) != nil || m.Type != 0 {
			t.Errorf("%s: the oldest entry is not a create: %s", o, h[149])
		}
		if newest := taniumTime(t, h[0]); newest.After(end) || newest.Before(end.Add(-time.Minute)) {
			t.Errorf("%s: newest entry at %s, end %s", o, newest, end)
		}
	}
}

// newestTanium returns the time of the newest entry of a data set.
func newestTanium(t *testing.T, entries []TaniumEntry) time.Time {
	t.Helper()
	var newest time.Time
	for _, e := range entries {
		if at := taniumTime(t, e.Raw); at.After(newest) {
			newest = at
		}
	}
	return newest
}

// The default data set ends when the fake starts, or at TaniumOptions.Now:
// the last day of its histories holds entries.
func TestTaniumDefaultDataSetEndsNow(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	f := StartTanium(t, TaniumOptions{})
	after := time.Now()
	if n := len(f.Events()); n != DefaultTaniumEvents {
		t.Fatalf("%d entries, want %d", n, DefaultTaniumEvents)
	}
	newest := newestTanium(t, f.Events())
	checkDefaultEnd(t, newest, before, after)
	lastDay := 0
	for _, obj := range f.Objects() {
		_, _, body := taniumGet(t, f, taniumPath(obj), `{"audit_history_size":100}`)
		var p taniumTestPage
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Data.Entries {
			if !taniumTime(t, e).Before(after.Add(-24 * time.Hour)) {
				lastDay++
			}
		}
	}
	if lastDay == 0 {
		t.Error("no entry served of the last day")
	}
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	g := StartTanium(t, TaniumOptions{Now: now})
	if n := newestTanium(t, g.Events()); !n.Equal(now) {
		t.Errorf("Now %v: newest entry at %v", now, n)
	}
	if h := StartTanium(t, TaniumOptions{Now: now, Events: []TaniumEntry{}}); len(h.Events()) != 0 {
		t.Errorf("an empty data set with Now: %d entries", len(h.Events()))
	}
}

// The demo serves its data set (deep histories among it) behind the token
// of its Settings, over the objects of its Settings, ending a second
// before Now.
func TestTaniumDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, tc := range []struct{ events, deep int }{{3000, 5}, {900, 3}, {40, 0}} {
		d, err := StartDemo("tanium", DemoConfig{Now: now, Events: tc.events, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		token, list := d.Settings["token"], d.Settings["objects"]
		if d.Vendor != "tanium" || token == "" || list == "" || len(d.Settings) != 2 || d.Records != tc.events ||
			!slices.Equal(d.Secrets, []string{token, "token-" + token}) {
			t.Fatalf("demo %+v", d)
		}
		end := now.Add(-time.Second)
		want := GenerateTaniumEvents(tc.events-tc.deep*150, 4, end)
		want = append(want, GenerateTaniumHistories(tc.deep, 150, 4, end)...)
		f := NewTanium(TaniumOptions{Events: want})
		if f.ObjectList() != list {
			t.Errorf("%d: objects %s, want the data set's %s", tc.events, list, f.ObjectList())
		}
		// Every history, read through the demo's server and token, is the
		// data set's.
		var got []TaniumEntry
		deep := 0
		for _, obj := range strings.Split(list, ",") {
			req, _ := http.NewRequest(http.MethodGet, d.BaseURL+taniumPath(obj), nil)
			req.Header.Set("session", "token-"+token)
			req.Header.Set("tanium-options", `{"audit_history_size":1000}`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p taniumTestPage
			err = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if resp.StatusCode != 200 || err != nil {
				t.Fatalf("%s: %d %v", obj, resp.StatusCode, err)
			}
			typ, id, _ := strings.Cut(obj, ":")
			for _, e := range p.Data.Entries {
				got = append(got, TaniumEntry{Type: typ, ID: id, Raw: e})
			}
			if len(p.Data.Entries) >= 150 {
				deep++
			}
		}
		wantAll := f.Events()
		f.Close()
		if len(got) != len(wantAll) {
			t.Fatalf("%d: %d entries served, want %d", tc.events, len(got), len(wantAll))
		}
		for i := range wantAll {
			if got[i].Object() != wantAll[i].Object() || !bytes.Equal(got[i].Raw, wantAll[i].Raw) {
				t.Fatalf("%d: entry %d: %s %s, want %s %s", tc.events, i, got[i].Object(), got[i].Raw, wantAll[i].Object(), wantAll[i].Raw)
			}
		}
		if deep < tc.deep {
			t.Errorf("%d: %d histories of 150 entries, want %d", tc.events, deep, tc.deep)
		}
		if n := newestTanium(t, got); !n.Equal(end) {
			t.Errorf("%d: newest entry at %v, want a second before Now", tc.events, n)
		}
		if st := d.Stats(); st.Served != len(strings.Split(list, ",")) {
			t.Errorf("%d: stats %+v", tc.events, st)
		}
		d.Close()
	}
}
