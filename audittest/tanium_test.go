package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var taniumKit kit

func init() {
	taniumKit = kit{
		name: "tanium", defaultN: DefaultTaniumEvents,
		gen: func(n int, seed int64, end time.Time) []json.RawMessage {
			return taniumRecs(GenerateTaniumEvents(n, seed, end))
		},
		start: func(t *testing.T, o kitOpts) *kitFake {
			f := StartTanium(t, TaniumOptions{Events: taniumEntries(o.events), Now: o.now, Faults: o.faults, BasePath: o.basePath})
			k := &kitFake{conn: taniumConn(f), srv: f, events: func() []json.RawMessage { return taniumRecs(f.Events()) },
				add: func(recs ...json.RawMessage) { f.Add(taniumEntries(recs)...) }}
			k.refresh = func() { k.set["objects"] = f.ObjectList() }
			return k
		},
		auth: func(_ testing.TB, c conn) []string { return []string{"session", "token-" + c.set["token"]} },
		page: func(c conn, limit int) req {
			return taniumReq(strings.Split(c.set["objects"], ",")[0], map[bool]string{true: fmt.Sprintf(`{"audit_history_size":%d}`, limit)}[limit > 0])
		},
		// Every object's history, in the document's shape; q is tanium-options.
		walk: func(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
			var all []json.RawMessage
			objects := strings.Split(c.set["objects"], ",")
			for _, obj := range objects {
				p := taniumPageOf(t, c, obj, cmp.Or(q, `{"audit_history_size":1000}`))
				typ, id, _ := strings.Cut(obj, ":")
				audit := map[bool]string{true: "package_spec_audit", false: typ + "_audit"}[typ == "package"]
				if strconv.FormatInt(p.Data.ID, 10) != id || p.Data.Type != audit || p.Data.StartTime == nil || *p.Data.StartTime != "" || p.Data.EndTime == nil {
					t.Errorf("%s: data %+v", obj, p.Data)
				}
				for _, e := range p.Data.Entries {
					all = append(all, json.RawMessage(obj+" "+string(e)))
				}
			}
			return all, len(objects)
		},
		at: func(t testing.TB, rec json.RawMessage) time.Time { return taniumTime(t, taniumEntryOf(rec).Raw) },
		// Objects by type, then id; each history newest first.
		inOrder: func(t testing.TB, a, b json.RawMessage) bool {
			x, y := taniumEntryOf(a), taniumEntryOf(b)
			i, _ := strconv.Atoi(x.ID)
			j, _ := strconv.Atoi(y.ID)
			return x.Type < y.Type || x.Type == y.Type && i < j || x.Object() == y.Object() && !taniumKit.at(t, b).After(taniumKit.at(t, a))
		},
		genInOrder: func(t testing.TB, a, b json.RawMessage) bool { return !taniumKit.at(t, b).Before(taniumKit.at(t, a)) },
		errText: func(t testing.TB, resp *http.Response, body []byte) string {
			if e := decode[struct{ Text string }](t, body); e.Text != "" && resp.Header.Get("Content-Type") == "application/json" {
				return e.Text
			}
			t.Errorf("error body %s (%v)", body, resp.Header)
			return ""
		},
		probes: func(c conn) []probe {
			obj := taniumPath(strings.Split(c.set["objects"], ",")[0])
			p := func(name, path, options string, status int, text string) probe {
				r := taniumReq("", options)
				r.path = path
				return probe{name: name, req: r, status: status, want: text}
			}
			return []probe{
				{name: "no session", req: req{path: obj}, anon: true, status: 401, want: "Unauthorized"},
				{name: "raw token", req: req{path: obj, hdr: []string{"session", c.set["token"]}}, status: 401, want: "Unauthorized"},
				{name: "wrong token", req: req{path: obj, hdr: []string{"session", "token-nope"}}, status: 401, want: "Unauthorized"},
				p("bad options", obj, `audit_history_size=3`, 400, "tanium-options is not a JSON object"),
				p("zero size", obj, `{"audit_history_size":0}`, 400, "positive integer"),
				p("negative size", obj, `{"audit_history_size":-2}`, 400, "positive integer"),
				p("fractional size", obj, `{"audit_history_size":1.5}`, 400, "positive integer"),
				p("string size", obj, `{"audit_history_size":"3"}`, 400, "positive integer"),
				p("query", obj+"?count=5", "", 400, "no query parameters"),
				p("bad id", "/api/v2/audit_logs/users/abc", "", 400, "not a positive integer"),
				p("zero id", "/api/v2/audit_logs/users/0", "", 400, "not a positive integer"),
				p("unknown type", "/api/v2/audit_logs/widgets/1", "", 404, "no audit log route"),
				p("singular type", "/api/v2/audit_logs/user/1", "", 404, "no audit log route"),
				p("package_spec", "/api/v2/audit_logs/package_specs/1", "", 404, "no audit log route"),
				p("unknown object", "/api/v2/audit_logs/sensors/999999", "", 404, "no audit history for sensor 999999"),
				p("deeper path", obj+"/x", "", 404, "no audit log route"),
				p("other path", "/api/v2/sensors", "", 404, "no such resource"),
				{name: "POST", req: req{method: "POST", path: obj}, status: 405, header: []string{"Allow", "GET"}},
			}
		},
		faults: map[int]probe{429: {want: "^Too Many Requests: retry after 2 seconds"}, 503: {want: "^Service Unavailable"}, 500: {want: "^Internal Server Error"}},
		// The demo's secrets are the token in both forms; deep histories
		// are among its objects as its size allows.
		demoSizes: []int{3000, 900, 40},
		demoCheck: func(t testing.TB, d *Demo, n int, got []json.RawMessage) {
			perObject := map[string]int{}
			for _, r := range got {
				perObject[taniumEntryOf(r).Object()]++
			}
			deep := len(slices.DeleteFunc(slices.Collect(maps.Values(perObject)), func(n int) bool { return n < 150 }))
			if token := d.Settings["token"]; !slices.Equal(d.Secrets, []string{token, "token-" + token}) || deep < map[int]int{3000: 5, 900: 3, 300: 1}[n] {
				t.Errorf("%d: secrets %q, %d histories of 150 entries", n, d.Secrets, deep)
			}
		},
		demoGen: func(n int, seed int64, end time.Time) []json.RawMessage {
			deep := min(5, n/300)
			return taniumRecs(append(GenerateTaniumEvents(n-deep*150, seed, end), GenerateTaniumHistories(deep, 150, seed, end)...))
		},
		genN: 2000, prec: time.Second, span: [2]time.Duration{3 * 24 * time.Hour, 30 * 24 * time.Hour}, shared: 100, twins: 1,
		shapeDoc: "vendors_md_fixture", shape: [][]string{nil, {"data"}}, recordsAt: []string{"data", "entries"},
		docExamples: func() map[string]json.RawMessage {
			out := map[string]json.RawMessage{}
			for k, v := range TaniumDocExamples() {
				out[k] = v
			}
			return out
		},
		// Every object type, and no other; updates, creates (whose
		// creation_time is their modification_time) and deletes, and nothing
		// else.
		kind: func(t testing.TB, rec json.RawMessage) []string {
			return []string{taniumEntryOf(rec).Type, "type " + string(decode[struct{ Type json.RawMessage }](t, taniumEntryOf(rec).Raw).Type)}
		},
		kinds: append(TaniumObjectTypes(), "type 0", "type 1", "type 2"), exact: true,
		bad: func(t testing.TB, rec json.RawMessage) string {
			e := taniumEntryOf(rec)
			m := decode[struct {
				ObjectID         *int64              `json:"object_id"`
				Details          string              `json:"details"`
				CreationTime     time.Time           `json:"creation_time"`
				ModificationTime time.Time           `json:"modification_time"`
				LastModifiedBy   string              `json:"last_modified_by"`
				ModifierUserID   int64               `json:"modifier_user_id"`
				ModUser          *struct{ ID int64 } `json:"mod_user"`
				Type             *int                `json:"type"`
			}](t, e.Raw)
			if m.ObjectID == nil || strconv.FormatInt(*m.ObjectID, 10) != e.ID || m.Type == nil || m.ModUser == nil || m.ModUser.ID != m.ModifierUserID ||
				m.LastModifiedBy == "" || !strings.HasPrefix(m.Details, "name=") || m.CreationTime.After(m.ModificationTime) || *m.Type == 0 && !m.CreationTime.Equal(m.ModificationTime) {
				return "members"
			}
			return ""
		},
		datasets: func(t testing.TB) []dataset {
			p := decode[taniumTestPage](t, TaniumDocExamples()["vendors_md_fixture"])
			give := taniumRecs([]TaniumEntry{{Type: "saved_question", ID: "42", Raw: p.Data.Entries[0]}})
			return []dataset{{"fixture", give, give}}
		},
	}
}

func taniumConn(f *Tanium) conn {
	return conn{url: f.URL(), set: map[string]string{"server": f.URL(), "token": f.APIToken(), "objects": f.ObjectList()}}
}

// taniumRecs returns entries as the kit's records, "type:id <entry>".
func taniumRecs(es []TaniumEntry) []json.RawMessage {
	if es == nil {
		return nil
	}
	out := make([]json.RawMessage, len(es))
	for i, e := range es {
		out[i] = json.RawMessage(e.Object() + " " + string(e.Raw))
	}
	return out
}

func taniumEntryOf(rec json.RawMessage) TaniumEntry {
	obj, raw, _ := strings.Cut(string(rec), " ")
	typ, id, _ := strings.Cut(obj, ":")
	return TaniumEntry{Type: typ, ID: id, Raw: json.RawMessage(raw)}
}

func taniumEntries(recs []json.RawMessage) []TaniumEntry {
	if recs == nil {
		return nil // the default data set
	}
	out := make([]TaniumEntry, len(recs))
	for i, r := range recs {
		out[i] = taniumEntryOf(r)
	}
	return out
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

// taniumPageOf GETs an object's history with tanium-options options ("":
// none): a 200 in JSON.
func taniumPageOf(t testing.TB, c conn, obj, options string) taniumTestPage {
	t.Helper()
	resp, body := taniumKit.do(t, c, taniumReq(obj, options))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: %d %s", obj, resp.StatusCode, body)
	}
	return decode[taniumTestPage](t, body)
}

// taniumReq is a GET of an object's history with tanium-options options
// ("": none).
func taniumReq(obj, options string) req {
	if options == "" {
		return req{path: taniumPath(obj)}
	}
	return req{path: taniumPath(obj), hdr: []string{"tanium-options", options}}
}

func taniumTime(t testing.TB, raw json.RawMessage) time.Time {
	return decode[struct {
		M time.Time `json:"modification_time"`
	}](t, raw).M
}

// Every audit_history_size is served exactly the last N entries (newest
// first, or oldest first with OldestFirst), from 1 past the history's
// depth, up to the cap, which the answer does not mention (the fake's
// invented, adversarial behaviour); BeforeHistory sees each request before
// it is read; Events follows the served order.
func TestTaniumHistorySizes(t *testing.T) {
	deep := GenerateTaniumHistories(3, 150, 4, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		opts  TaniumOptions
		sizes map[string][2]int // tanium-options: entries served, size BeforeHistory sees
	}{
		{TaniumOptions{MaxHistorySize: 5}, map[string][2]int{"": {TaniumDefaultHistorySize, 1}, `{}`: {1, 1}, `{"audit_history_size":1}`: {1, 1}, `{"audit_history_size":3}`: {3, 3},
			`{"audit_history_size":500}`: {5, 5}, `{"json_pretty_print":true,"include_hashes_flag":true,"audit_history_size":2}`: {2, 2}}},
		{TaniumOptions{Events: deep, MaxHistorySize: 120}, map[string][2]int{`{"audit_history_size":200}`: {120, 120}}},
		{TaniumOptions{Events: deep}, nil}, {TaniumOptions{Events: deep, OldestFirst: true}, nil},
	} {
		var seen []string
		tt.opts.BeforeHistory = func(object string, size int) { seen = append(seen, fmt.Sprint(object, " ", size)) }
		f := StartTanium(t, tt.opts)
		obj := f.Objects()[1]
		hist := f.History(obj)
		if tt.sizes == nil {
			if tt.sizes = map[string][2]int{}; len(hist) != 150 {
				t.Fatalf("%s holds %d entries, want 150", obj, len(hist))
			}
			for _, n := range []int{1, 49, 50, 99, 100, 101, 149, 150, 151, 200, 10000} {
				tt.sizes[`{"audit_history_size":`+strconv.Itoa(n)+`}`] = [2]int{min(n, 150), n}
			}
		}
		var wantSeen []string
		var p taniumTestPage
		for options, n := range tt.sizes {
			resp, body := taniumKit.do(t, taniumConn(f), taniumReq(obj, options))
			if p = decode[taniumTestPage](t, body); resp.StatusCode != 200 || strings.Contains(strings.ToLower(string(body)), "cap") || len(resp.Header.Values("Warning")) > 0 {
				t.Errorf("%q: %d %s", options, resp.StatusCode, body)
			}
			want := slices.Clone(hist[:n[0]])
			if tt.opts.OldestFirst {
				slices.Reverse(want)
			}
			sameRecords(t, fmt.Sprint(tt.opts.OldestFirst, options), p.Data.Entries, want)
			wantSeen = append(wantSeen, fmt.Sprint(obj, " ", n[1]))
		}
		if !slices.Equal(seen, wantSeen) {
			t.Errorf("BeforeHistory saw %v, want %v", seen, wantSeen)
		}
		first, want := f.Events()[0], f.History(f.Objects()[0])
		if tt.opts.OldestFirst && !bytes.Equal(first.Raw, want[len(want)-1]) || !tt.opts.OldestFirst && !bytes.Equal(first.Raw, want[0]) {
			t.Errorf("oldest first %v: Events starts with %s", tt.opts.OldestFirst, first.Raw)
		}
	}
	// A token that begins with "token-" is expected as it is.
	g := StartTanium(t, TaniumOptions{APIToken: "token-xyz", Events: GenerateTaniumEvents(30, 1, time.Now())})
	if resp, body := send(t, "GET", g.URL()+taniumPath(g.Objects()[0]), "", "session", "token-xyz"); resp.StatusCode != 200 {
		t.Errorf("prefixed token: %d %s", resp.StatusCode, body)
	}
}

// With CacheInfo, a history ends with the cache_info element.
func TestTaniumCacheInfo(t *testing.T) {
	f := StartTanium(t, TaniumOptions{Events: GenerateTaniumEvents(30, 2, time.Now()), CacheInfo: true})
	p := taniumPageOf(t, taniumConn(f), f.Objects()[0], `{"audit_history_size":100}`)
	last := p.Data.Entries[len(p.Data.Entries)-1]
	var ci map[string]int
	if json.Unmarshal(last, &ci) != nil || ci["cache_row_count"] != len(p.Data.Entries)-1 || ci["cache_id"] == 0 {
		t.Errorf("cache_info element %s", last)
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
	f.Add(TaniumEntry{"user", "12", e("2024-01-02T00:00:00Z", "a")}, TaniumEntry{"sensor", "7", e("2024-01-03T00:00:00Z", "b")},
		TaniumEntry{"user", "3", e("2024-01-01T00:00:00Z", "c")}, TaniumEntry{"user", "12", e("2024-01-05T00:00:00Z", "d")},
		TaniumEntry{"user", "12", e("2024-01-05T00:00:00Z", "e")}, TaniumEntry{"content_set", "1", e("2024-01-01T00:00:00Z", "f")})
	if got := f.ObjectList(); got != "content_set:1,sensor:7,user:3,user:12" {
		t.Errorf("objects %s", got)
	}
	var details []string
	for _, en := range f.Events() {
		details = append(details, en.Object()+"="+decode[struct{ Details string }](t, en.Raw).Details)
	}
	// newest first; of two at one time, the later added first.
	if got := strings.Join(details, " "); got != "content_set:1=f sensor:7=b user:3=c user:12=e user:12=d user:12=a" {
		t.Errorf("events %s", got)
	}
	if h := f.History("user:12"); len(h) != 3 || f.History("user:99") != nil {
		t.Errorf("history %s", h)
	}
}

// The generator's entries (see also TestFakesGenerators).
// The generator opens with an entry of each type; no object has more
// entries than it may (see also TestFakesGenerators).
func TestGenerateTaniumEvents(t *testing.T) {
	types, perObject := map[string]bool{}, map[string]int{}
	for i, e := range GenerateTaniumEvents(2000, 7, time.Date(2024, 6, 19, 12, 0, 0, 500, time.UTC)) {
		if types[e.Type], perObject[e.Object()] = true, perObject[e.Object()]+1; i < 14 && len(types) != i+1 || perObject[e.Object()] > taniumMaxPerObject {
			t.Errorf("entry %d: %d types, %d entries of %s", i, len(types), perObject[e.Object()], e.Object())
		}
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

func TestGenerateTaniumHistories(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 700, time.UTC)
	a := GenerateTaniumHistories(20, 150, 3, end)
	sameRecords(t, "a second run", taniumRecs(GenerateTaniumHistories(20, 150, 3, end)), taniumRecs(a))
	if n := len(GenerateTaniumHistories(0, 5, 1, end)); n != 0 {
		t.Errorf("0 objects: %d entries", n)
	}
	f := StartTanium(t, TaniumOptions{Events: a})
	objs := f.Objects()
	distinct := map[string]bool{}
	for _, r := range taniumRecs(a) {
		distinct[string(r)] = true
	}
	if len(objs) != 20 || len(a) != 3000 || len(distinct) != 3000 {
		t.Fatalf("%d objects, %d entries: want 20 and 3000 distinct", len(objs), len(a))
	}
	for _, o := range objs {
		h := f.History(o)
		if len(h) != 150 {
			t.Fatalf("%s: %d entries", o, len(h))
		}
		for i := 1; i < len(h); i++ {
			ti, prev := taniumTime(t, h[i]), taniumTime(t, h[i-1])
			if same := ti.Equal(prev); same != (i%50 == 0) || ti.After(prev) {
				t.Fatalf("%s: entries %d and %d at %s and %s", o, i-1, i, prev, ti)
			}
		}
		if decode[struct{ Type int }](t, h[149]).Type != 0 {
			t.Errorf("%s: the oldest entry is not a create: %s", o, h[149])
		}
		if newest := taniumTime(t, h[0]); newest.After(end) || newest.Before(end.Add(-time.Minute)) {
			t.Errorf("%s: newest entry at %s, end %s", o, newest, end)
		}
	}
}
