package audittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCiscoPagingWalksEveryEventOnceNewestFirst(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	want := c.Events()
	if len(want) != DefaultCiscoEvents {
		t.Fatalf("default data set has %d events, want %d", len(want), DefaultCiscoEvents)
	}
	start := c.URL() + "/v1/audit_logs?limit=100"
	got, pages := walk(t, c, start)

	if len(pages) != 20 {
		t.Errorf("walk took %d pages, want 20", len(pages))
	}
	if len(got) != len(want) {
		t.Fatalf("walk yielded %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	for i, p := range pages {
		r := p.Metadata.Results
		if p.Version != "v1.2.0" || r.Total != 2000 || r.Index != i*100 || r.CurrentItemCount != 100 || r.ItemsPerPage != 100 {
			t.Errorf("page %d: version %q results %+v", i, p.Version, r)
		}
		wantSelf := start
		if i > 0 {
			wantSelf = start + "&offset=" + strconv.Itoa(i*100)
		}
		if p.Metadata.Links.Self != wantSelf {
			t.Errorf("page %d: self %q, want %q", i, p.Metadata.Links.Self, wantSelf)
		}
		wantNext := ""
		if i < len(pages)-1 {
			wantNext = start + "&offset=" + strconv.Itoa((i+1)*100)
		}
		if p.Metadata.Links.Next != wantNext {
			t.Errorf("page %d: next %q, want %q", i, p.Metadata.Links.Next, wantNext)
		}
	}
	// Newest first, and every record distinct except the two twin pairs.
	var prev time.Time
	seen := map[string]int{}
	for i, raw := range got {
		at := decodeRecord(t, raw).time(t)
		if i > 0 && at.After(prev) {
			t.Fatalf("event %d (%v) is newer than event %d (%v)", i, at, i-1, prev)
		}
		prev = at
		seen[string(raw)]++
	}
	if len(seen) != len(got)-2 {
		t.Errorf("%d distinct records in %d, want exactly 2 twins", len(seen), len(got))
	}
}

// TestCiscoResponseShapeMatchesDocument compares the member names and their
// order with the document's list example, level by level.
func TestCiscoResponseShapeMatchesDocument(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	_, body := fetch(t, c, c.URL()+"/v1/audit_logs?limit=2")
	doc := CiscoDocExamples()["list"]
	for _, path := range [][]string{nil, {"metadata"}, {"metadata", "links"}, {"metadata", "results"}} {
		got, want := keysAt(t, body, path), keysAt(t, doc, path)
		if !slices.Equal(got, want) {
			t.Errorf("members of %v: got %v, want %v (document)", path, got, want)
		}
	}
}

// keysAt returns the member names, in order, of the object at path.
func keysAt(t *testing.T, doc []byte, path []string) []string {
	t.Helper()
	raw := json.RawMessage(doc)
	for _, p := range path {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		raw = m[p]
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%v: not an object: %v %v", path, tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestCiscoReplaysDocumentExamples serves the document's own records and
// sends the document's own requests: the data must come back as the
// document shows it, in the same order, with the same links.
func TestCiscoReplaysDocumentExamples(t *testing.T) {
	// The data set: every distinct record of the examples, compacted, in
	// the order the document lists them.
	var events []json.RawMessage
	have := map[string]bool{}
	docs := CiscoDocExamples()
	order := []string{"list", "by_audit_log_type", "by_audit_log_id", "by_event", "by_start_time", "by_end_time", "by_audit_log_user"}
	for _, name := range order {
		var p ciscoPage
		if err := json.Unmarshal(docs[name], &p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range p.Data {
			var b bytes.Buffer
			if err := json.Compact(&b, r); err != nil {
				t.Fatal(err)
			}
			if !have[b.String()] {
				have[b.String()] = true
				events = append(events, b.Bytes())
			}
		}
	}
	if len(events) != 8 {
		t.Fatalf("the examples hold %d distinct records, want 8", len(events))
	}
	c := StartCisco(t, CiscoOptions{Events: events})
	reqs := CiscoDocExampleRequests()
	for _, name := range order {
		t.Run(name, func(t *testing.T) {
			var doc ciscoPage
			if err := json.Unmarshal(docs[name], &doc); err != nil {
				t.Fatal(err)
			}
			_, got := fetchPage(t, c, c.URL()+reqs[name])
			wantSelf := strings.Replace(doc.Metadata.Links.Self, "https://api.amp.cisco.com", c.URL(), 1)
			if got.Metadata.Links.Self != wantSelf {
				t.Errorf("self %q, want %q", got.Metadata.Links.Self, wantSelf)
			}
			if len(got.Data) < len(doc.Data) {
				t.Fatalf("got %d records, the document shows %d", len(got.Data), len(doc.Data))
			}
			for i, want := range doc.Data {
				var w bytes.Buffer
				_ = json.Compact(&w, want)
				if !bytes.Equal(got.Data[i], w.Bytes()) {
					t.Errorf("record %d:\n got %s\nwant %s", i, got.Data[i], w.Bytes())
				}
			}
			if got.Metadata.Results.ItemsPerPage != doc.Metadata.Results.ItemsPerPage && name != "list" {
				t.Errorf("items_per_page %d, document %d", got.Metadata.Results.ItemsPerPage, doc.Metadata.Results.ItemsPerPage)
			}
			if name == "by_audit_log_user" {
				// The document's empty page is reproduced exactly.
				if got.Metadata.Results != doc.Metadata.Results || got.Metadata.Links.Next != "" {
					t.Errorf("results %+v next %q, want %+v and no next", got.Metadata.Results, got.Metadata.Links.Next, doc.Metadata.Results)
				}
			}
		})
	}
}

func TestCiscoFilters(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	all := c.Events()
	recs := make([]ciscoRecord, len(all))
	for i, raw := range all {
		recs[i] = decodeRecord(t, raw)
	}
	// Pick values that occur in the data set.
	var loginUser, repeatedID, connector string
	ids := map[string]int{}
	for _, r := range recs {
		ids[r.AuditLogID]++
		if r.Event == "login" && loginUser == "" {
			loginUser = r.AuditLogUser
		}
		if r.AuditLogType == "Computer" && r.AuditLogUser == r.AuditLogID && connector == "" {
			connector = r.AuditLogUser
		}
	}
	for id, n := range ids {
		if n >= 3 && (repeatedID == "" || id < repeatedID) {
			repeatedID = id
		}
	}
	mid := recs[700].time(t)    // an instant some events share
	early := recs[1500].time(t) // older
	plus2 := time.FixedZone("", 2*3600)

	tests := []struct {
		name  string
		query url.Values
		keep  func(ciscoRecord) bool
	}{
		{"audit_log_type", url.Values{"audit_log_type": {"Computer"}}, func(r ciscoRecord) bool { return r.AuditLogType == "Computer" }},
		{"event", url.Values{"event": {"login"}}, func(r ciscoRecord) bool { return r.Event == "login" }},
		{"audit_log_id", url.Values{"audit_log_id": {repeatedID}}, func(r ciscoRecord) bool { return r.AuditLogID == repeatedID }},
		{"audit_log_user email", url.Values{"audit_log_user": {loginUser}}, func(r ciscoRecord) bool { return r.AuditLogUser == loginUser }},
		{"audit_log_user connector", url.Values{"audit_log_user": {connector}}, func(r ciscoRecord) bool { return r.AuditLogUser == connector }},
		{"start_time inclusive", url.Values{"start_time": {mid.Format(time.RFC3339)}}, func(r ciscoRecord) bool { return !r.time(t).Before(mid) }},
		{"end_time inclusive", url.Values{"end_time": {mid.Format(time.RFC3339)}}, func(r ciscoRecord) bool { return !r.time(t).After(mid) }},
		{"window with offsets", url.Values{"start_time": {early.In(plus2).Format(time.RFC3339)}, "end_time": {mid.Format("2006-01-02T15:04:05+00:00")}},
			func(r ciscoRecord) bool { at := r.time(t); return !at.Before(early) && !at.After(mid) }},
		{"type and event", url.Values{"audit_log_type": {"User"}, "event": {"update"}}, func(r ciscoRecord) bool { return r.AuditLogType == "User" && r.Event == "update" }},
		{"no match", url.Values{"audit_log_user": {"amp@cisco.com"}}, func(ciscoRecord) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []json.RawMessage
			for i, r := range recs {
				if tt.keep(r) {
					want = append(want, all[i])
				}
			}
			if tt.name != "no match" && len(want) == 0 {
				t.Fatal("the filter matches nothing in the data set; the test would prove little")
			}
			tt.query.Set("limit", "50")
			got, pages := walk(t, c, c.URL()+"/v1/audit_logs?"+tt.query.Encode())
			if len(got) != len(want) {
				t.Fatalf("got %d events, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("event %d: got %s, want %s", i, got[i], want[i])
				}
			}
			if pages[0].Metadata.Results.Total != len(want) {
				t.Errorf("total %d, want %d", pages[0].Metadata.Results.Total, len(want))
			}
		})
	}
}

func TestCiscoLimitAndOffset(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	base := c.URL() + "/v1/audit_logs"
	tests := []struct {
		query            string
		count, index     int
		perPage          int
		next             string // "" for none
		selfIsRequestURL bool
	}{
		{"", 500, 0, 500, "?offset=500", true},
		{"?limit=1000", 500, 0, 500, "?limit=1000&offset=500", true},
		{"?limit=7&offset=1995", 5, 1995, 7, "", true},
		{"?offset=5000", 0, 5000, 500, "", true},
		{"?offset=3&limit=2", 2, 3, 2, "?offset=5&limit=2", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, p := fetchPage(t, c, base+tt.query)
			r := p.Metadata.Results
			if r.Total != 2000 || r.CurrentItemCount != tt.count || len(p.Data) != tt.count || r.Index != tt.index || r.ItemsPerPage != tt.perPage {
				t.Errorf("results %+v with %d records; want count %d index %d per page %d", r, len(p.Data), tt.count, tt.index, tt.perPage)
			}
			wantNext := ""
			if tt.next != "" {
				wantNext = base + tt.next
			}
			if p.Metadata.Links.Next != wantNext {
				t.Errorf("next %q, want %q", p.Metadata.Links.Next, wantNext)
			}
			if p.Metadata.Links.Self != base+tt.query {
				t.Errorf("self %q, want %q", p.Metadata.Links.Self, base+tt.query)
			}
		})
	}
}

func TestCiscoNextLinkKeepsQueryAsSent(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	base := c.URL() + "/v1/audit_logs"
	// Encoded exactly as the document's start_time example.
	q := "?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5"
	_, p := fetchPage(t, c, base+q)
	if want := base + q + "&offset=5"; p.Metadata.Links.Next != want {
		t.Fatalf("next %q, want %q", p.Metadata.Links.Next, want)
	}
	_, p = fetchPage(t, c, p.Metadata.Links.Next)
	if want := base + q + "&offset=10"; p.Metadata.Links.Next != want {
		t.Fatalf("second next %q, want %q", p.Metadata.Links.Next, want)
	}
}

func TestCiscoAuthFailures(t *testing.T) {
	c := StartCisco(t, CiscoOptions{ClientID: "id-1", APIKey: "key-1"})
	const want = `{"version":"v0.1.0","data":{},"errors":[{"error_code":401,"description":"Unauthorized","details":["Unknown API key or Client ID"]}]}`
	tests := []struct {
		name   string
		header string
	}{
		{"none", ""},
		{"wrong key", basic("id-1", "key-2")},
		{"wrong id", basic("id-2", "key-1")},
		{"swapped", basic("key-1", "id-1")},
		{"bearer", "Bearer key-1"},
		{"not base64", "Basic !!!"},
	}
	for _, path := range []string{"/v1/audit_logs", "/v1/audit_log_types"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodGet, c.URL()+path+"?limit=5", nil)
				if tt.header != "" {
					req.Header.Set("Authorization", tt.header)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var b bytes.Buffer
				_, _ = b.ReadFrom(resp.Body)
				if resp.StatusCode != http.StatusUnauthorized || b.String() != want {
					t.Errorf("status %d body %s; want 401 %s", resp.StatusCode, b.String(), want)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("content type %q", ct)
				}
			})
		}
	}
	if resp, _ := fetchAs(t, http.DefaultClient, c.URL()+"/v1/audit_logs", "id-1", "key-1"); resp.StatusCode != http.StatusOK {
		t.Errorf("right credentials: status %d", resp.StatusCode)
	}
	if c.ClientID() != "id-1" || c.APIKey() != "key-1" {
		t.Errorf("ClientID/APIKey = %q/%q", c.ClientID(), c.APIKey())
	}
}

func basic(id, key string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	req.SetBasicAuth(id, key)
	return req.Header.Get("Authorization")
}

func TestCiscoBadParameters(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	tests := []struct {
		query string
		param string // the parameter the details must name
	}{
		{"limit=0", "limit"},
		{"limit=-1", "limit"},
		{"limit=abc", "limit"},
		{"limit=1.5", "limit"},
		{"limit=99999999999999999999", "limit"},
		{"offset=-1", "offset"},
		{"offset=x", "offset"},
		{"start_time=yesterday", "start_time"},
		{"start_time=2015-10-01", "start_time"},
		{"start_time=2015-10-01T00:00:00+00:00", "start_time"}, // '+' not encoded: arrives as a space
		{"end_time=1443657600", "end_time"},
		{"foo=1", "foo"},
		{"page=2", "page"},
		{"limit=5&limit=6", "limit"},
		{"event=", "event"},
		{"audit_log_type=", "audit_log_type"},
		{"event=%zz", "query string"},
		{"audit_log_type[]=User", "audit_log_type[]"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := fetch(t, c, c.URL()+"/v1/audit_logs?"+tt.query)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", resp.StatusCode, body)
			}
			var e ciscoErrBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if e.Version != "v0.1.0" || string(e.Data) != "{}" || len(e.Errors) == 0 ||
				e.Errors[0].ErrorCode != 400 || e.Errors[0].Description != "Bad Request" {
				t.Fatalf("envelope %s", body)
			}
			if !strings.Contains(strings.Join(e.Errors[0].Details, " "), tt.param) {
				t.Errorf("details %q do not name %q", e.Errors[0].Details, tt.param)
			}
		})
	}
	// The hint for an unencoded '+'.
	_, body := fetch(t, c, c.URL()+"/v1/audit_logs?start_time=2015-10-01T00:00:00+00:00")
	if !strings.Contains(string(body), "%2B") {
		t.Errorf("no hint about encoding '+': %s", body)
	}
}

func TestCiscoOtherRoutesAndMethods(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	resp, body := fetch(t, c, c.URL()+"/v1/events")
	if resp.StatusCode != http.StatusNotFound || !bytes.Contains(body, []byte(`"error_code":404`)) {
		t.Errorf("unknown path: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, c.URL()+"/v1/audit_logs", strings.NewReader("{}"))
	req.SetBasicAuth(c.ClientID(), c.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	reqs := c.Requests()
	if last := reqs[len(reqs)-1]; last.Method != "POST" || string(last.Body) != "{}" || last.Status != 405 {
		t.Errorf("recorded %v body %q", last, last.Body)
	}
}

var etagRE = regexp.MustCompile(`^W/"[0-9a-f]{32}"$`)

func TestCiscoHeaders(t *testing.T) {
	c := StartCisco(t, CiscoOptions{RateLimit: 100})
	var remaining, etags []string
	for i := range 3 {
		resp, body := fetch(t, c, c.URL()+"/v1/audit_logs?limit=3")
		h := resp.Header
		if h.Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", h.Get("Content-Type"))
		}
		if h.Get("X-Ratelimit-Limit") != "100" {
			t.Errorf("limit %q", h.Get("X-Ratelimit-Limit"))
		}
		remaining = append(remaining, h.Get("X-Ratelimit-Remaining"))
		reset, err := strconv.Atoi(h.Get("X-Ratelimit-Reset"))
		if err != nil || reset < 1 || reset > 3600 {
			t.Errorf("reset %q", h.Get("X-Ratelimit-Reset"))
		}
		if _, err := time.Parse(time.RFC3339, h.Get("X-Ratelimit-Resetdate")); err != nil {
			t.Errorf("resetdate %q: %v", h.Get("X-Ratelimit-Resetdate"), err)
		}
		etags = append(etags, h.Get("Etag"))
		if !etagRE.MatchString(h.Get("Etag")) {
			t.Errorf("request %d: etag %q, want W/\"<32 hex digits>\" as in the document", i, h.Get("Etag"))
		}
		_ = body
		if h.Get("X-Rate-Limit-Limit") != "" {
			t.Error("both header styles sent")
		}
	}
	// The same page gives the same ETag; another page another.
	resp, _ := fetch(t, c, c.URL()+"/v1/audit_logs?limit=3&offset=1")
	if etags[0] != etags[1] || etags[1] != etags[2] || resp.Header.Get("Etag") == etags[0] {
		t.Errorf("etags %v then %q", etags, resp.Header.Get("Etag"))
	}
	if !slices.Equal(remaining, []string{"99", "98", "97"}) {
		t.Errorf("remaining %v, want counting down from 99", remaining)
	}

	d := StartCisco(t, CiscoOptions{HeaderStyle: CiscoHeaderStyleXRateDashLimit, RateLimit: 2})
	for range 3 {
		resp, _ := fetch(t, d, d.URL()+"/v1/audit_logs?limit=1")
		h := resp.Header
		if h.Get("X-Rate-Limit-Limit") != "2" || h.Get("X-Rate-Limit-Remaining") != "1" || h.Get("X-Rate-Limit-Reset") == "" {
			t.Errorf("x-rate-limit style: %v", h)
		}
		if h.Get("X-Ratelimit-Limit") != "" {
			t.Error("x-ratelimit headers sent in x-rate-limit style")
		}
	}
}

func TestCiscoBasePath(t *testing.T) {
	for _, bp := range []string{"/prefix", "prefix/", "/a/b"} {
		t.Run(bp, func(t *testing.T) {
			c := StartCisco(t, CiscoOptions{BasePath: bp})
			want := "/" + strings.Trim(bp, "/")
			if !strings.HasSuffix(c.URL(), want) || strings.HasSuffix(c.URL(), "/") {
				t.Fatalf("URL %q does not end in %q", c.URL(), want)
			}
			_, p := fetchPage(t, c, c.URL()+"/v1/audit_logs?limit=10")
			if !strings.HasPrefix(p.Metadata.Links.Next, c.URL()+"/v1/audit_logs?") {
				t.Errorf("next %q outside the base path", p.Metadata.Links.Next)
			}
			_, p2 := fetchPage(t, c, p.Metadata.Links.Next)
			if p2.Metadata.Results.Index != 10 {
				t.Errorf("following next: index %d", p2.Metadata.Results.Index)
			}
			root := strings.TrimSuffix(c.URL(), want)
			resp, body := fetch(t, c, root+"/v1/audit_logs")
			if resp.StatusCode != http.StatusNotFound || !bytes.Contains(body, []byte(`"error_code":404`)) {
				t.Errorf("path without the prefix: %d %s", resp.StatusCode, body)
			}
			resp, _ = fetch(t, c, root+want+"x/v1/audit_logs")
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("path with a longer prefix: %d", resp.StatusCode)
			}
			reqs := c.Requests()
			if reqs[0].Path != want+"/v1/audit_logs" {
				t.Errorf("recorded path %q", reqs[0].Path)
			}
		})
	}
}

func TestCiscoAddMakesNewEventsAppear(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Events: GenerateCiscoEvents(50, 7, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))})
	first, _ := walk(t, c, c.URL()+"/v1/audit_logs")
	newest := decodeRecord(t, first[0]).CreatedAt

	later := []json.RawMessage{
		json.RawMessage(`{"event":"login","audit_log_type":"User","audit_log_id":"11111111-1111-4111-8111-111111111111","audit_log_user":"new@example.com","created_at":"2024-01-02T00:05:00Z"}`),
		json.RawMessage(`{"event":"logout","audit_log_type":"User","audit_log_id":"11111111-1111-4111-8111-111111111111","audit_log_user":"new@example.com","created_at":"2024-01-02T00:09:00Z"}`),
		// At the boundary second: sorts after the record already there.
		json.RawMessage(`{"event":"update","audit_log_type":"Group","audit_log_id":"22222222-2222-4222-8222-222222222222","audit_log_user":"new@example.com","created_at":"` + newest + `","old_attributes":{"name":"a"},"new_attributes":{"name":"b"}}`),
	}
	c.Add(later...)

	// An incremental sync from the last high-water mark.
	got, pages := walk(t, c, c.URL()+"/v1/audit_logs?start_time="+url.QueryEscape(newest))
	want := []json.RawMessage{later[1], later[0]}
	want = append(want, first[0])
	for _, r := range first[1:] {
		if decodeRecord(t, r).CreatedAt == newest {
			want = append(want, r)
		}
	}
	want = append(want, later[2])
	if len(got) != len(want) || pages[0].Metadata.Results.Total != len(want) {
		t.Fatalf("got %d events (total %d), want %d", len(got), pages[0].Metadata.Results.Total, len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("event %d: got %s, want %s", i, got[i], want[i])
		}
	}
	if n := len(c.Events()); n != 53 {
		t.Errorf("Events() holds %d, want 53", n)
	}
}

func TestCiscoEventsServedAsGiven(t *testing.T) {
	odd := []json.RawMessage{
		json.RawMessage("{\n  \"event\": \"login\",\n  \"audit_log_type\": \"User\",\n  \"created_at\": \"2024-01-01T00:00:01Z\",\n  \"extra\": [1, 2]\n}"),
		json.RawMessage(`{"event":"login","audit_log_type":"User","created_at":"not a time"}`),
		json.RawMessage(`{"event":"login","audit_log_type":"User","created_at":"2024-01-01T00:00:00.5+01:00"}`),
	}
	c := StartCisco(t, CiscoOptions{Events: odd})
	_, p := fetchPage(t, c, c.URL()+"/v1/audit_logs")
	want := []json.RawMessage{odd[0], odd[2], odd[1]} // the unparsable time sorts last
	if len(p.Data) != 3 {
		t.Fatalf("got %d records", len(p.Data))
	}
	for i := range want {
		if !bytes.Equal(p.Data[i], want[i]) {
			t.Errorf("record %d: got %q, want %q", i, p.Data[i], want[i])
		}
	}
	_, p = fetchPage(t, c, c.URL()+"/v1/audit_logs?start_time=2000-01-01T00%3A00%3A00Z")
	if p.Metadata.Results.Total != 2 {
		t.Errorf("start_time kept %d records, want the 2 with a time", p.Metadata.Results.Total)
	}

	empty := StartCisco(t, CiscoOptions{Events: []json.RawMessage{}})
	_, p = fetchPage(t, empty, empty.URL()+"/v1/audit_logs")
	if p.Metadata.Results.Total != 0 || p.Data == nil || len(p.Data) != 0 || p.Metadata.Links.Next != "" {
		t.Errorf("empty data set: %+v", p)
	}
}

func TestCiscoAuditLogTypes(t *testing.T) {
	c := StartCisco(t, CiscoOptions{})
	want := map[string]bool{}
	for _, raw := range c.Events() {
		want[decodeRecord(t, raw).AuditLogType] = true
	}
	resp, body := fetch(t, c, c.URL()+"/v1/audit_log_types")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var p struct {
		Version  string `json:"version"`
		Metadata struct {
			Results struct {
				Total int `json:"total"`
			} `json:"results"`
		} `json:"metadata"`
		Data []struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range p.Data {
		got = append(got, d.Name)
	}
	if !slices.IsSorted(got) || len(got) != len(want) || p.Metadata.Results.Total != len(want) {
		t.Fatalf("types %v, want the %d of the data set", got, len(want))
	}
	for _, name := range got {
		if !want[name] {
			t.Errorf("type %q is not in the data set", name)
		}
	}
}

func TestCiscoConcurrentUse(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{RateLimit: 0.1, Truncate: 0.05, Seed: 3}})
	const workers, each = 8, 15
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/audit_logs?limit=20&offset=%d", c.URL(), (w*each+i)*7), nil)
				req.SetBasicAuth(c.ClientID(), c.APIKey())
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					var b bytes.Buffer
					_, _ = b.ReadFrom(resp.Body)
					resp.Body.Close()
				}
				if i%5 == 0 {
					c.Add(json.RawMessage(fmt.Sprintf(`{"event":"login","audit_log_type":"User","audit_log_id":"w%d-%d","audit_log_user":"u@example.com","created_at":"2024-06-19T12:00:00Z"}`, w, i)))
					_ = c.Requests()
					_ = c.Stats()
					_ = c.Events()
				}
			}
		}()
	}
	wg.Wait()
	s := c.Stats()
	if s.Requests != workers*each || len(c.Requests()) != workers*each {
		t.Errorf("stats %+v, %d recorded; want %d requests", s, len(c.Requests()), workers*each)
	}
	if n := len(c.Events()); n != DefaultCiscoEvents+workers*3 {
		t.Errorf("%d events after adding, want %d", n, DefaultCiscoEvents+workers*3)
	}
	injected := 0
	for _, n := range s.Injected {
		injected += n
	}
	if s.Served+injected != s.Requests {
		t.Errorf("served %d + injected %d != requests %d", s.Served, injected, s.Requests)
	}
}

func TestCiscoCloseTwice(t *testing.T) {
	c := NewCisco(CiscoOptions{Events: []json.RawMessage{}})
	c.Close()
	c.Close()
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
	_, p1 := fetchPage(t, c, c.URL()+"/v1/audit_logs?limit=5")
	if got := len(c.Inserted()); got != 2 || p1.Metadata.Results.Total != 22 {
		t.Fatalf("after one page: %d inserted, total %d; want 2, 22", got, p1.Metadata.Results.Total)
	}
	// The two inserted records are the newest, stamped to the second.
	for i, want := range []string{"2024-01-03T12:00:00Z", "2024-01-03T12:00:00Z"} {
		if r := decodeRecord(t, p1.Data[1-i]); r.CreatedAt != want || r.AuditLogUser != "live-inserts@example.com" {
			t.Errorf("record %d: %+v", 1-i, r)
		}
	}
	_, p2 := fetchPage(t, c, p1.Metadata.Links.Next)
	if !bytes.Equal(p2.Data[0], p1.Data[3]) || !bytes.Equal(p2.Data[1], p1.Data[4]) {
		t.Errorf("offsets did not shift by the two records inserted: page 2 starts %s", p2.Data[0])
	}
	// The cap: one more record only.
	_, p3 := fetchPage(t, c, c.URL()+"/v1/audit_logs?limit=5&end_time=2024-01-02T00%3A00%3A00%2B00%3A00")
	ins := c.Inserted()
	if len(ins) != 5 || p3.Metadata.Results.Total != 20 {
		t.Errorf("%d inserted (want 5, the cap), total before the inserts %d (want 20)", len(ins), p3.Metadata.Results.Total)
	}
	if r := decodeRecord(t, ins[4]); r.CreatedAt != "2024-01-03T12:00:01Z" {
		t.Errorf("the fifth insert: %+v", r)
	}
	if n := len(c.Events()); n != 25 {
		t.Errorf("Events() holds %d, want 25", n)
	}
}

// The default data set ends when the fake starts, or at CiscoOptions.Now:
// the last day always holds records.
func TestCiscoDefaultDataSetEndsNow(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	c := StartCisco(t, CiscoOptions{})
	newest := decodeRecord(t, c.Events()[0]).time(t)
	checkDefaultEnd(t, newest, before, time.Now())
	if oldest := decodeRecord(t, c.Events()[DefaultCiscoEvents-1]).time(t); !oldest.Before(newest.Add(-24 * time.Hour)) {
		t.Errorf("the data set spans only %v..%v", oldest, newest)
	}

	at := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fixed := StartCisco(t, CiscoOptions{Now: at})
	if !slices.EqualFunc(fixed.Events(), GenerateCiscoEvents(DefaultCiscoEvents, 1, at), func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
		t.Error("CiscoOptions{Now: at} does not serve GenerateCiscoEvents(DefaultCiscoEvents, 1, at)")
	}
}

// StartDemo("cisco") serves cfg.Events records up to a second before
// cfg.Now, to the credentials it reports by registry setting name.
func TestCiscoDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	d, err := StartDemo("cisco", DemoConfig{Now: now, Events: 120, Seed: 3, Faults: Faults{Script: []Fault{FaultUnavailable}}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	id, key := d.Settings["client_id"], d.Settings["api_key"]
	if d.Vendor != "cisco" || d.Records != 120 || len(d.Settings) != 2 || id == "" || key == "" ||
		!slices.Contains(d.Secrets, id) || !slices.Contains(d.Secrets, key) {
		t.Fatalf("demo %+v", d)
	}
	client := freshClient()
	if resp, _ := fetchAs(t, client, d.BaseURL+"/v1/audit_logs?limit=500", id, key); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first request: %d, want the scripted 503", resp.StatusCode)
	}
	resp, body := fetchAs(t, client, d.BaseURL+"/v1/audit_logs?limit=500", id, key)
	var page ciscoPage
	if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	want := GenerateCiscoEvents(120, 3, now.Add(-time.Second))
	if len(page.Data) != len(want) {
		t.Fatalf("%d records, want %d", len(page.Data), len(want))
	}
	for i := range want {
		if !bytes.Equal(page.Data[i], want[i]) {
			t.Fatalf("record %d: %s, want %s", i, page.Data[i], want[i])
		}
	}
	if st := d.Stats(); st.Requests != 2 || st.Served != 1 || st.Injected[FaultUnavailable] != 1 {
		t.Errorf("stats %+v", st)
	}
}
