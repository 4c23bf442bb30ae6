package audittest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var ciscoKit kit

func init() {
	ciscoKit = kit{
		name: "cisco", defaultN: DefaultCiscoEvents, gen: GenerateCiscoEvents, offsets: true,
		start: func(t *testing.T, o kitOpts) *kitFake {
			c := StartCisco(t, CiscoOptions{Events: o.events, Now: o.now, Faults: o.faults, BasePath: o.basePath})
			return &kitFake{conn: ciscoConn(c), srv: c, events: c.Events, add: c.Add}
		},
		auth: func(_ testing.TB, c conn) []string {
			return []string{"Authorization", basic(c.set["client_id"], c.set["api_key"])}
		},
		page:    func(_ conn, limit int) req { return limitReq("/v1/audit_logs", limit) },
		walk:    ciscoWalk,
		walks:   []walkCase{{q: "limit=100", pages: 20}},
		filters: ciscoFilters,
		at: func(t testing.TB, rec json.RawMessage) time.Time {
			return parse(t, decode[ciscoRecord](t, rec).CreatedAt)
		},
		inOrder: func(t testing.TB, a, b json.RawMessage) bool { return !ciscoKit.at(t, b).After(ciscoKit.at(t, a)) },
		errText: func(t testing.TB, _ *http.Response, body []byte) string {
			e := decode[ciscoErrBody](t, body)
			if e.Version != "v0.1.0" || string(e.Data) != "{}" || len(e.Errors) != 1 {
				t.Fatalf("envelope %s", body)
			}
			return strconv.Itoa(e.Errors[0].ErrorCode) + " " + e.Errors[0].Description + ": " + strings.Join(e.Errors[0].Details, " ")
		},
		probes: func(c conn) []probe {
			var ps []probe
			const unauthorized = `={"version":"v0.1.0","data":{},"errors":[{"error_code":401,"description":"Unauthorized","details":["Unknown API key or Client ID"]}]}`
			id, key := c.set["client_id"], c.set["api_key"]
			for _, path := range []string{"/v1/audit_logs", "/v1/audit_log_types"} {
				for _, h := range []string{"", basic(id, key+"x"), basic(id+"x", key), basic(key, id), "Bearer " + key, "Basic !!!"} {
					ps = append(ps, probe{name: path + " " + h, req: req{path: path + "?limit=5", hdr: map[bool][]string{true: {"Authorization", h}}[h != ""]},
						anon: true, status: 401, want: unauthorized, header: []string{"Content-Type", "application/json"}})
				}
			}
			for _, q := range []string{"limit=0 limit", "limit=-1 limit", "limit=abc limit", "limit=1.5 limit", "limit=99999999999999999999 limit",
				"offset=-1 offset", "offset=x offset", "start_time=yesterday start_time", "start_time=2015-10-01 start_time",
				"start_time=2015-10-01T00:00:00+00:00 start_time", // '+' not encoded: arrives as a space
				"start_time=2015-10-01T00:00:00+00:00 %2B",        // and the details say so
				"end_time=1443657600 end_time", "foo=1 foo", "page=2 page", "limit=5&limit=6 limit", "event= event",
				"audit_log_type= audit_log_type", "event=%zz query string", "audit_log_type[]=User audit_log_type[]"} {
				query, param, _ := strings.Cut(q, " ")
				ps = append(ps, probe{name: query, req: req{path: "/v1/audit_logs?" + query}, status: 400, want: `^400 Bad Request: .*` + regexp.QuoteMeta(param)})
			}
			return append(ps, probe{name: "unknown path", req: req{path: "/v1/events"}, status: 404, want: "^404 Not Found"},
				probe{name: "POST", req: req{method: "POST", path: "/v1/audit_logs", body: "{}"}, status: 405, header: []string{"Allow", "GET"}})
		},
		faults: map[int]probe{
			429: {want: "^429 Too Many Requests", header: []string{"X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", "2", "X-Ratelimit-Limit", "3000"}},
			503: {want: "^503 Service Unavailable"}, 500: {want: "^500 Internal Server Error"}, 404: {want: "^404 Not Found"}},
		genN: 2000, prec: time.Second, span: [2]time.Duration{2 * 24 * time.Hour, 15 * 24 * time.Hour}, shared: 200, twins: 2,
		// Some records hold each of the odd values.
		kind: func(t testing.TB, rec json.RawMessage) []string {
			r := decode[ciscoRecord](t, rec)
			kinds := []string{r.AuditLogType + "/" + r.Event}
			for _, s := range []string{"&", "Büro", `\\`, `"sha":""`, `"sha":null`, `"message":"SCSO"`, `"message":null`, `"two_factor_enabled":`, `"role":"administrator"`} {
				if strings.Contains(string(rec), s) {
					kinds = append(kinds, s)
				}
			}
			return kinds
		},
		// The members every record has come first, in the API's order;
		// created_at is RFC 3339 to the second, audit_log_id a connector GUID
		// for a Computer, else a UUID; nothing is HTML-escaped (the API sends
		// "&" and "<" as they are).
		bad: func(t testing.TB, rec json.RawMessage) string {
			keys, r, m := keysAt(t, rec, nil), decode[ciscoRecord](t, rec), decode[map[string]any](t, rec)
			id := map[bool]string{true: `^[0-9a-f]{20}$`, false: `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`}[r.AuditLogType == "Computer"]
			bad := !slices.Equal(keys[:5], []string{"event", "audit_log_type", "audit_log_id", "audit_log_user", "created_at"}) ||
				!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(r.CreatedAt) || !regexp.MustCompile(id).MatchString(r.AuditLogID) ||
				!strings.HasSuffix(r.AuditLogUser, "@example.com") && !regexp.MustCompile(`^[0-9a-f]{20}$`).MatchString(r.AuditLogUser) || strings.Contains(string(rec), `\u0026`) || strings.Contains(string(rec), `\u003c`)
			for _, k := range keys[5:] {
				_, isObj := m[k].(map[string]any)
				bad = bad || !slices.Contains([]string{"item", "message", "old_attributes", "new_attributes"}, k) || strings.HasSuffix(k, "_attributes") && !isObj
			}
			return map[bool]string{true: "members, created_at, audit_log_id, audit_log_user, attributes or HTML escapes"}[bad]
		},
		kinds: []string{"&", "Büro", `\\`, `"sha":""`, `"sha":null`, `"message":"SCSO"`, `"message":null`, `"two_factor_enabled":`, `"role":"administrator"`, "User/login", "User/sso_login", "User/logout", "User/failed_login", "User/create", "User/update", "User/delete",
			"Agent/create", "Agent/update", "Agent/delete", "Computer/create", "Computer/update", "Computer/delete",
			"Group/create", "Group/update", "Group/delete", "Policy/create", "Policy/update", "Policy/delete",
			"ApplicationBlockingList/create", "ApplicationBlockingList/update", "ApplicationBlockingList/delete",
			"FetchedFile/create", "FetchedFile/update", "FetchedFile/delete", "ExclusionSet/create", "ExclusionSet/update", "ExclusionSet/delete"},
		docExamples: CiscoDocExamples, shapeDoc: "list", shape: [][]string{nil, {"metadata"}, {"metadata", "links"}, {"metadata", "results"}},
		datasets: func(t testing.TB) []dataset {
			// An odd layout is kept, an unparsable time sorts last.
			odd := []json.RawMessage{
				json.RawMessage("{\n  \"event\": \"login\",\n  \"audit_log_type\": \"User\",\n  \"created_at\": \"2024-01-01T00:00:01Z\",\n  \"extra\": [1, 2]\n}"),
				json.RawMessage(`{"event":"login","audit_log_type":"User","created_at":"not a time"}`),
				json.RawMessage(`{"event":"login","audit_log_type":"User","created_at":"2024-01-01T00:00:00.5+01:00"}`),
			}
			return []dataset{{"document", ciscoDocRecords(t), nil}, {"odd", odd, []json.RawMessage{odd[0], odd[2], odd[1]}}, {"empty", []json.RawMessage{}, nil}}
		},
	}
}

func ciscoConn(c *Cisco) conn {
	return conn{url: c.URL(), set: map[string]string{"client_id": c.ClientID(), "api_key": c.APIKey()}}
}

// ciscoPage is the envelope of GET /v1/audit_logs, decoded by hand from the
// document's field list (not from any package of ours; the other members'
// names are theirs, in lower case).
type ciscoPage struct {
	Version  string
	Metadata struct {
		Links   struct{ Self, Next string }
		Results struct {
			Total, Index     int
			CurrentItemCount int `json:"current_item_count"`
			ItemsPerPage     int `json:"items_per_page"`
		}
	}
	Data []json.RawMessage
}

// ciscoErrBody is Cisco's error envelope.
type ciscoErrBody struct {
	Version string
	Data    json.RawMessage
	Errors  []struct {
		ErrorCode   int `json:"error_code"`
		Description string
		Details     []string
	}
}

// ciscoRecord holds the fields tests filter on.
type ciscoRecord struct {
	Event        string `json:"event"`
	AuditLogType string `json:"audit_log_type"`
	AuditLogID   string `json:"audit_log_id"`
	AuditLogUser string `json:"audit_log_user"`
	CreatedAt    string `json:"created_at"`
}

func basic(id, key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+key))
}

// fetchPage GETs u with c's credentials, expects 200 and decodes the page.
func fetchPage(t testing.TB, c conn, u string) ciscoPage {
	t.Helper()
	var p ciscoPage
	getJSON(t, "GET", u, "", &p, ciscoKit.auth(t, c)...)
	return p
}

// ciscoWalk follows next links from /v1/audit_logs?q and returns every
// record in order, checking each page's metadata and links on the way.
func ciscoWalk(t testing.TB, c conn, q string) ([]json.RawMessage, int) {
	t.Helper()
	start := c.url + "/v1/audit_logs" + map[bool]string{true: "?" + q}[q != ""]
	query, _ := url.ParseQuery(q)
	perPage, _ := strconv.Atoi(query.Get("limit"))
	at := func(offset int) string { // the URL of the page at offset
		return start + map[bool]string{true: "", false: map[bool]string{true: "?", false: "&"}[q == ""] + "offset=" + strconv.Itoa(offset)}[offset == 0]
	}
	var all []json.RawMessage
	var pages []ciscoPage
	for u := start; u != ""; u = pages[len(pages)-1].Metadata.Links.Next {
		p := fetchPage(t, c, u)
		r, i := p.Metadata.Results, len(all)
		all, pages = append(all, p.Data...), append(pages, p)
		if p.Version != "v1.2.0" || r.Index != i || r.CurrentItemCount != len(p.Data) || r.Total != pages[0].Metadata.Results.Total ||
			r.ItemsPerPage != cmp.Or(min(perPage, CiscoMaxLimit), CiscoDefaultLimit) || p.Metadata.Links.Self != at(i) {
			t.Fatalf("page %d: version %q results %+v self %q", len(pages), p.Version, r, p.Metadata.Links.Self)
		}
		if next := p.Metadata.Links.Next; (next == "") != (len(all) >= r.Total) || next != "" && (next != at(len(all)) || len(p.Data) != r.ItemsPerPage) {
			t.Fatalf("page %d of %+v: next %q", len(pages), r, next)
		}
	}
	if len(all) != pages[0].Metadata.Results.Total || all == nil && pages[0].Data == nil {
		t.Fatalf("%d records, total %d, data %s", len(all), pages[0].Metadata.Results.Total, pages[0].Data)
	}
	return all, len(pages)
}

func ciscoFilters(t testing.TB, all []json.RawMessage) []filter {
	recs := make([]ciscoRecord, len(all))
	for i, raw := range all {
		recs[i] = decode[ciscoRecord](t, raw)
	}
	// Pick values that occur in the data set.
	loginUser := recs[slices.IndexFunc(recs, func(r ciscoRecord) bool { return r.Event == "login" })].AuditLogUser
	connector := recs[slices.IndexFunc(recs, func(r ciscoRecord) bool { return r.AuditLogType == "Computer" && r.AuditLogUser == r.AuditLogID })].AuditLogUser
	ids, repeatedID := map[string]int{}, ""
	for _, r := range recs {
		ids[r.AuditLogID]++
	}
	for id, n := range ids {
		if n >= 3 && (repeatedID == "" || id < repeatedID) {
			repeatedID = id
		}
	}
	mid, early := parse(t, recs[300].CreatedAt), parse(t, recs[600].CreatedAt) // an instant some events share, an older one
	f := func(q url.Values, keep func(r ciscoRecord, at time.Time) bool) filter {
		q.Set("limit", "50")
		return filter{q: q.Encode(), keep: func(raw json.RawMessage) bool {
			r := decode[ciscoRecord](t, raw)
			return keep(r, parse(t, r.CreatedAt))
		}}
	}
	return []filter{
		f(url.Values{"audit_log_type": {"Computer"}}, func(r ciscoRecord, _ time.Time) bool { return r.AuditLogType == "Computer" }),
		f(url.Values{"event": {"login"}}, func(r ciscoRecord, _ time.Time) bool { return r.Event == "login" }),
		f(url.Values{"audit_log_id": {repeatedID}}, func(r ciscoRecord, _ time.Time) bool { return r.AuditLogID == repeatedID }),
		f(url.Values{"audit_log_user": {loginUser}}, func(r ciscoRecord, _ time.Time) bool { return r.AuditLogUser == loginUser }),
		f(url.Values{"audit_log_user": {connector}}, func(r ciscoRecord, _ time.Time) bool { return r.AuditLogUser == connector }),
		f(url.Values{"start_time": {mid.Format(time.RFC3339)}}, func(_ ciscoRecord, at time.Time) bool { return !at.Before(mid) }), // inclusive
		f(url.Values{"end_time": {mid.Format(time.RFC3339)}}, func(_ ciscoRecord, at time.Time) bool { return !at.After(mid) }),
		f(url.Values{"start_time": {early.In(time.FixedZone("", 2*3600)).Format(time.RFC3339)}, "end_time": {mid.Format("2006-01-02T15:04:05+00:00")}},
			func(_ ciscoRecord, at time.Time) bool { return !at.Before(early) && !at.After(mid) }),
		f(url.Values{"audit_log_type": {"User"}, "event": {"update"}}, func(r ciscoRecord, _ time.Time) bool { return r.AuditLogType == "User" && r.Event == "update" }),
		{q: "audit_log_user=amp%40cisco.com&limit=50", keep: func(json.RawMessage) bool { return false }, trivial: true},
	}
}

// TestGenerateCiscoEventsManySeeds: small and odd sizes, many seeds: exact
// counts, valid JSON, no accidental duplicates (the two twins from 10 on).
func TestGenerateCiscoEventsManySeeds(t *testing.T) {
	end := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range int64(40) {
		for _, n := range []int{1, 2, 3, 9, 10, 11, 97} {
			evs := GenerateCiscoEvents(n, seed, end)
			seen := map[string]bool{}
			for _, e := range evs {
				if !json.Valid(e) {
					t.Fatalf("seed %d n %d: invalid JSON %s", seed, n, e)
				}
				seen[string(e)] = true
			}
			if dups := len(evs) - len(seen); len(evs) != n || dups != map[bool]int{true: 2}[n >= 10] || decode[ciscoRecord](t, evs[0]).CreatedAt != "2030-01-01T00:00:00Z" {
				t.Errorf("seed %d n %d: %d records, %d duplicates, the newest %s", seed, n, len(evs), dups, evs[:min(1, len(evs))])
			}
		}
	}
}

var ciscoDocOrder = []string{"list", "by_audit_log_type", "by_audit_log_id", "by_event", "by_start_time", "by_end_time", "by_audit_log_user"}

// ciscoDocRecords returns every distinct record of the examples, compacted,
// in the order the document lists them.
func ciscoDocRecords(t testing.TB) (events []json.RawMessage) {
	for _, name := range ciscoDocOrder {
		for _, r := range decode[ciscoPage](t, CiscoDocExamples()[name]).Data {
			var b bytes.Buffer
			if json.Compact(&b, r) == nil && !slices.ContainsFunc(events, func(e json.RawMessage) bool { return bytes.Equal(e, b.Bytes()) }) {
				events = append(events, b.Bytes())
			}
		}
	}
	if len(events) != 8 {
		t.Fatalf("the examples hold %d distinct records, want 8", len(events))
	}
	return events
}

// TestCiscoReplaysDocumentExamples checks the examples against the document
// (totals, requests, first records), then serves the document's own records
// and sends the document's own requests: the data must come back as the
// document shows it, in the same order, with the same links.
func TestCiscoReplaysDocumentExamples(t *testing.T) {
	docs, reqs := CiscoDocExamples(), CiscoDocExampleRequests()
	want := map[string]struct {
		total, count int
		first        ciscoRecord
	}{
		"list":              {5598, 500, ciscoRecord{"create", "Agent", "538738f5-3a14-4449-933b-86142553de06", "16db5cf986eec6f44422", "2022-03-18T11:40:03Z"}},
		"by_audit_log_type": {131, 5, ciscoRecord{"login", "User", "373031bf-6e67-40e5-9fc2-ffea680a2ebd", "kmarasin+qa1_apidocs@cisco.com", "2022-02-23T20:43:09Z"}},
		"by_audit_log_id":   {1170, 5, ciscoRecord{"update", "ApplicationBlockingList", "e773a9eb-296c-40df-98d8-bed46322589d", "16db5cf986eec6f44422", "2022-03-18T10:55:36Z"}},
		"by_event":          {62, 5, ciscoRecord{"login", "User", "373031bf-6e67-40e5-9fc2-ffea680a2ebd", "kmarasin+qa1_apidocs@cisco.com", "2022-02-23T20:43:09Z"}},
		"by_start_time":     {5598, 5, ciscoRecord{"create", "Agent", "538738f5-3a14-4449-933b-86142553de06", "16db5cf986eec6f44422", "2022-03-18T11:40:03Z"}},
		"by_end_time":       {863, 5, ciscoRecord{"create", "Group", "eeaaea2b-7bcb-4263-8fb2-84a519c12940", "16db5cf986eec6f44422", "2018-09-18T22:06:25Z"}},
		"by_audit_log_user": {0, 0, ciscoRecord{}},
	}
	wantReqs := []string{"/v1/audit_logs", "/v1/audit_logs?audit_log_type=User&limit=5", "/v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5",
		"/v1/audit_logs?event=login&limit=5", "/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5",
		"/v1/audit_logs?end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5", "/v1/audit_logs?audit_log_user=amp%40cisco.com&limit=5"}
	if len(docs) != len(want) || len(reqs) != len(want) {
		t.Fatalf("%d examples and %d requests, want %d", len(docs), len(reqs), len(want))
	}
	// The document prints one token per line; the map must not be
	// reformatted; each call returns a fresh map.
	if delete(docs, "list"); !bytes.HasPrefix(CiscoDocExamples()["list"], []byte("{\n\"version\": \"v1.2.0\",\n\"metadata\": {\n")) {
		t.Errorf("list example reformatted, or the map shared: %.60q", CiscoDocExamples()["list"])
	}
	c := StartCisco(t, CiscoOptions{Events: ciscoDocRecords(t)})
	for i, name := range ciscoDocOrder {
		doc := decode[ciscoPage](t, CiscoDocExamples()[name])
		w, dr := want[name], doc.Metadata.Results
		if doc.Version != "v1.2.0" || dr.Total != w.total || dr.CurrentItemCount != w.count || reqs[name] != wantReqs[i] || !strings.HasSuffix(doc.Metadata.Links.Self, wantReqs[i]) {
			t.Errorf("%s: %+v, request %q, self %q; want request %q", name, dr, reqs[name], doc.Metadata.Links.Self, wantReqs[i])
		}
		if w.total == 0 && (len(doc.Data) != 0 || doc.Metadata.Links.Next != "") || w.total != 0 && decode[ciscoRecord](t, doc.Data[0]) != w.first {
			t.Errorf("%s: %d records, next %q, first %s", name, len(doc.Data), doc.Metadata.Links.Next, doc.Data)
		}
		got := fetchPage(t, ciscoConn(c), c.URL()+reqs[name])
		if wantSelf := strings.Replace(doc.Metadata.Links.Self, "https://api.amp.cisco.com", c.URL(), 1); got.Metadata.Links.Self != wantSelf {
			t.Errorf("%s: self %q, want %q", name, got.Metadata.Links.Self, wantSelf)
		}
		if len(got.Data) < len(doc.Data) {
			t.Fatalf("%s: got %d records, the document shows %d", name, len(got.Data), len(doc.Data))
		}
		for i, want := range doc.Data {
			var w bytes.Buffer
			if _ = json.Compact(&w, want); !bytes.Equal(got.Data[i], w.Bytes()) {
				t.Errorf("%s: record %d:\n got %s\nwant %s", name, i, got.Data[i], w.Bytes())
			}
		}
		if got.Metadata.Results.ItemsPerPage != dr.ItemsPerPage && name != "list" {
			t.Errorf("%s: items_per_page %d, document %d", name, got.Metadata.Results.ItemsPerPage, dr.ItemsPerPage)
		}
		// The document's empty page is reproduced exactly.
		if name == "by_audit_log_user" && (got.Metadata.Results != dr || got.Metadata.Links.Next != "") {
			t.Errorf("results %+v next %q, want %+v and no next", got.Metadata.Results, got.Metadata.Links.Next, dr)
		}
	}
}

func TestCiscoLimitAndOffset(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	base := c.URL() + "/v1/audit_logs"
	for _, tt := range []struct {
		query                 string
		count, index, perPage int
		next                  string // "" for none
	}{
		{"", 500, 0, 500, "?offset=500"},
		{"?limit=1000", 500, 0, 500, "?limit=1000&offset=500"},
		{"?limit=7&offset=1995", 5, 1995, 7, ""},
		{"?offset=5000", 0, 5000, 500, ""},
		{"?offset=3&limit=2", 2, 3, 2, "?offset=5&limit=2"},
		// Encoded exactly as the document's start_time example: the next
		// link keeps the query as sent.
		{"?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5", 5, 0, 5, "?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5&offset=5"},
		{"?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5&offset=5", 5, 5, 5, "?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5&offset=10"},
	} {
		p := fetchPage(t, ciscoConn(c), base+tt.query)
		r, next := p.Metadata.Results, map[bool]string{true: base + tt.next}[tt.next != ""]
		if r.Total != 2000 || r.CurrentItemCount != tt.count || len(p.Data) != tt.count || r.Index != tt.index || r.ItemsPerPage != tt.perPage ||
			p.Metadata.Links.Next != next || p.Metadata.Links.Self != base+tt.query {
			t.Errorf("%s: results %+v with %d records, next %q, self %q; want count %d index %d per page %d, next %q", tt.query, r, len(p.Data),
				p.Metadata.Links.Next, p.Metadata.Links.Self, tt.count, tt.index, tt.perPage, next)
		}
	}
}

func TestCiscoHeaders(t *testing.T) {
	c := StartCisco(t, CiscoOptions{RateLimit: 100, ClientID: "id-1", APIKey: "key-1"})
	if c.ClientID() != "id-1" || c.APIKey() != "key-1" {
		t.Errorf("ClientID/APIKey = %q/%q", c.ClientID(), c.APIKey())
	}
	etagRE := regexp.MustCompile(`^W/"[0-9a-f]{32}"$`) // as in the document
	var remaining, etags []string
	for _, q := range []string{"limit=3", "limit=3", "limit=3", "limit=3&offset=1"} {
		resp, _ := send(t, "GET", c.URL()+"/v1/audit_logs?"+q, "", "Authorization", basic("id-1", "key-1"))
		h := resp.Header
		reset, err := strconv.Atoi(h.Get("X-Ratelimit-Reset"))
		if _, err2 := time.Parse(time.RFC3339, h.Get("X-Ratelimit-Resetdate")); resp.StatusCode != 200 || h.Get("Content-Type") != "application/json" ||
			h.Get("X-Ratelimit-Limit") != "100" || h.Get("X-Rate-Limit-Limit") != "" || err != nil || reset < 1 || reset > 3600 || err2 != nil || !etagRE.MatchString(h.Get("Etag")) {
			t.Errorf("%d: headers %v", resp.StatusCode, h)
		}
		remaining, etags = append(remaining, h.Get("X-Ratelimit-Remaining")), append(etags, h.Get("Etag"))
	}
	// The same page gives the same ETag; another page another.
	if etags[0] != etags[1] || etags[1] != etags[2] || etags[3] == etags[0] {
		t.Errorf("etags %v", etags)
	}
	if !slices.Equal(remaining, []string{"99", "98", "97", "96"}) {
		t.Errorf("remaining %v, want counting down from 99", remaining)
	}
	d := StartCisco(t, CiscoOptions{HeaderStyle: CiscoHeaderStyleXRateDashLimit, RateLimit: 2})
	for range 3 {
		resp, _ := send(t, "GET", d.URL()+"/v1/audit_logs?limit=1", "", ciscoKit.auth(t, ciscoConn(d))...)
		if h := resp.Header; h.Get("X-Rate-Limit-Limit") != "2" || h.Get("X-Rate-Limit-Remaining") != "1" || h.Get("X-Rate-Limit-Reset") == "" || h.Get("X-Ratelimit-Limit") != "" {
			t.Errorf("x-rate-limit style: %v", h)
		}
	}
	// A 429 in that style, its Retry-After 0 when none is set.
	d.SetFaults(Faults{Script: []Fault{FaultRateLimit}})
	if resp, _ := send(t, "GET", d.URL()+"/v1/audit_logs", "", ciscoKit.auth(t, ciscoConn(d))...); resp.StatusCode != 429 ||
		resp.Header.Get("Retry-After") != "0" || resp.Header.Get("X-Rate-Limit-Remaining") != "0" || resp.Header.Get("X-Rate-Limit-Reset") != "0" {
		t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
	}
}

// An incremental sync from the last high-water mark sees records added at
// and after it, those at the boundary second after the ones already there;
// an unparsable time matches no time filter.
func TestCiscoAddMakesNewEventsAppear(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Events: GenerateCiscoEvents(50, 7, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))})
	first := c.Events()
	newest := decode[ciscoRecord](t, first[0]).CreatedAt
	later := []json.RawMessage{
		json.RawMessage(`{"event":"login","audit_log_type":"User","audit_log_id":"11111111-1111-4111-8111-111111111111","audit_log_user":"new@example.com","created_at":"2024-01-02T00:05:00Z"}`),
		json.RawMessage(`{"event":"logout","audit_log_type":"User","audit_log_id":"11111111-1111-4111-8111-111111111111","audit_log_user":"new@example.com","created_at":"2024-01-02T00:09:00Z"}`),
		json.RawMessage(`{"event":"update","audit_log_type":"Group","audit_log_id":"22222222-2222-4222-8222-222222222222","audit_log_user":"new@example.com","created_at":"` + newest + `","old_attributes":{"name":"a"},"new_attributes":{"name":"b"}}`),
		json.RawMessage(`{"event":"login","audit_log_type":"User","created_at":"not a time"}`),
	}
	c.Add(later...)
	got, _ := ciscoWalk(t, ciscoConn(c), "start_time="+url.QueryEscape(newest))
	want := []json.RawMessage{later[1], later[0]}
	for _, r := range first {
		if decode[ciscoRecord](t, r).CreatedAt == newest {
			want = append(want, r)
		}
	}
	if sameRecords(t, "incremental", got, append(want, later[2])); len(c.Events()) != 54 {
		t.Errorf("Events() holds %d, want 54", len(c.Events()))
	}
}

func TestCiscoAuditLogTypes(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	var want, got []string // the data set's types, sorted
	for _, raw := range c.Events() {
		want = append(want, decode[ciscoRecord](t, raw).AuditLogType)
	}
	slices.Sort(want)
	var p struct {
		Metadata struct{ Results struct{ Total int } }
		Data     []struct{ Name string }
	}
	ciscoKit.getJSON(t, ciscoConn(c), req{path: "/v1/audit_log_types"}, &p)
	for _, d := range p.Data {
		got = append(got, d.Name)
	}
	if want = slices.Compact(want); !slices.Equal(got, want) || p.Metadata.Results.Total != len(want) {
		t.Fatalf("types %v (total %d), want %v", got, p.Metadata.Results.Total, want)
	}
	c.Close()
	c.Close() // twice
}

// LiveInserts adds records before each page is served, stamped with the
// fake's clock to the second, newest first: a page walk without end_time
// sees offsets shift (the next page repeats the last records of the one
// before), one with an end_time before the inserts does not; LiveMax caps
// them and Inserted returns them in order.
func TestCiscoLiveInserts(t *testing.T) {
	clock := time.Date(2024, 1, 3, 12, 0, 0, 700e6, time.UTC)
	c := StartCisco(t, CiscoOptions{
		Events:      GenerateCiscoEvents(20, 7, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)),
		LiveInserts: 2, LiveMax: 5,
		Clock: func() time.Time { t := clock; clock = clock.Add(200 * time.Millisecond); return t },
	})
	cc := ciscoConn(c)
	p1 := fetchPage(t, cc, c.URL()+"/v1/audit_logs?limit=5")
	if got := len(c.Inserted()); got != 2 || p1.Metadata.Results.Total != 22 {
		t.Fatalf("after one page: %d inserted, total %d; want 2, 22", got, p1.Metadata.Results.Total)
	}
	// The two inserted records are the newest, stamped to the second.
	if r, s := decode[ciscoRecord](t, p1.Data[0]), decode[ciscoRecord](t, p1.Data[1]); r.CreatedAt+r.AuditLogUser != s.CreatedAt+s.AuditLogUser || r.CreatedAt != "2024-01-03T12:00:00Z" || r.AuditLogUser != "live-inserts@example.com" {
		t.Errorf("records %+v, %+v", r, s)
	}
	p2 := fetchPage(t, cc, p1.Metadata.Links.Next)
	if !bytes.Equal(p2.Data[0], p1.Data[3]) || !bytes.Equal(p2.Data[1], p1.Data[4]) {
		t.Errorf("offsets did not shift by the two records inserted: page 2 starts %s", p2.Data[0])
	}
	// The cap: one more record only.
	p3 := fetchPage(t, cc, c.URL()+"/v1/audit_logs?limit=5&end_time=2024-01-02T00%3A00%3A00%2B00%3A00")
	ins := c.Inserted()
	if len(ins) != 5 || p3.Metadata.Results.Total != 20 || len(c.Events()) != 25 {
		t.Errorf("%d inserted (want 5, the cap), total before the inserts %d (want 20), %d events (want 25)", len(ins), p3.Metadata.Results.Total, len(c.Events()))
	}
	if r := decode[ciscoRecord](t, ins[4]); r.CreatedAt != "2024-01-03T12:00:01Z" {
		t.Errorf("the fifth insert: %+v", r)
	}
}

// BenchmarkCiscoPage500 fetches a full page of 500 records from the fake;
// BenchmarkBaselineStaticPage500 fetches the same bytes from a bare
// httptest server. The difference is the fake's own cost per page.
func BenchmarkCiscoPage500(b *testing.B) {
	c := NewCisco(CiscoOptions{})
	defer c.Close()
	req, _ := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_logs?limit=500&offset=500", nil)
	req.SetBasicAuth(c.ClientID(), c.APIKey())
	benchGet(b, req)
}

func BenchmarkBaselineStaticPage500(b *testing.B) {
	c := NewCisco(CiscoOptions{})
	_, body := send(b, "GET", c.URL()+"/v1/audit_logs?limit=500&offset=500", "", ciscoKit.auth(b, ciscoConn(c))...)
	c.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/audit_logs?limit=500&offset=500", nil)
	benchGet(b, req)
}

func benchGet(b *testing.B, req *http.Request) {
	client := &http.Client{Transport: &http.Transport{}}
	var n int64
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.SetBytes(n)
}
