package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests every fake shares (credentials and parameters refused, paging,
// filters, faults, Add, base paths, Rewrite, demos, default data sets,
// generators, doc examples), each run over the six fakes by one table of
// per-vendor hooks, kits. The vendor files hold their kit and what only
// that vendor does.

// kit is what the shared tests know of one vendor's fake. Records are raw
// JSON, except Tanium's: "type:id <entry>".
type kit struct {
	name     string
	defaultN int
	start    func(t *testing.T, o kitOpts) *kitFake
	gen      func(n int, seed int64, end time.Time) []json.RawMessage
	auth     func(t testing.TB, c conn) []string // headers of an authorized request (Entrust logs in)
	page     func(c conn, limit int) req         // the first page of at most limit records (0: the default)
	// walk reads what query q (in the vendor's form; "" for all, in Events
	// order) selects, from the first page to the last, and returns it and
	// the number of pages; walks are more walks of the default data set,
	// each to yield Events (reversed with rev) in pages pages (0: any).
	walk  func(t testing.TB, c conn, q string) ([]json.RawMessage, int)
	walks []walkCase
	// filters are queries (for walk) and the records of all they keep.
	filters func(t testing.TB, all []json.RawMessage) []filter
	// at is the time of a record, key tells records apart (nil: bytes),
	// inOrder whether b may follow a in Events (genInOrder: in the
	// generator's output; nil: inOrder).
	at                  func(t testing.TB, rec json.RawMessage) time.Time
	key                 func(rec json.RawMessage) string
	inOrder, genInOrder func(t testing.TB, a, b json.RawMessage) bool
	// errText checks an error is in the vendor's envelope and returns the
	// text probes match; probes are requests and the answers owed them;
	// faults the injected 429, 503, 500 and a 404 outside the base path.
	errText func(t testing.TB, resp *http.Response, body []byte) string
	probes  func(c conn) []probe
	faults  map[int]probe
	// demoGen is a demo data set's generator (nil: gen); lastDay counts
	// what a query for the records since since returns.
	demoGen func(n int, seed int64, end time.Time) []json.RawMessage
	// demoSizes are more sizes of data sets asked of demos than 300;
	// demoCheck checks what else the vendor's demo of n records holds.
	demoSizes []int
	demoCheck func(t testing.TB, d *Demo, n int, got []json.RawMessage)
	lastDay   func(t testing.TB, c conn, since time.Time) int
	// The generator's genN records: the newest's precision, the span, the
	// least number sharing their time with another, the twins; every label
	// of kinds among the records' (only them with exact); none bad.
	genN, shared, twins int
	prec                time.Duration
	span                [2]time.Duration
	kind                func(t testing.TB, rec json.RawMessage) []string
	kinds               []string
	exact               bool
	bad                 func(t testing.TB, rec json.RawMessage) string
	docExamples         func() map[string]json.RawMessage
	// A page of the fake has the members of the example shapeDoc, in its
	// order, at each of shape; so do its records, at recordsAt, those of
	// the example's first record.
	shapeDoc  string
	shape     [][]string
	recordsAt []string
	datasets  func(t testing.TB) []dataset // served as given
	// rewrite: the fake has a Rewrite option; offsets: it pages by offset
	// (a walk sees records added meanwhile twice).
	rewrite, offsets bool
}

type (
	kitOpts struct {
		events   []json.RawMessage // nil: the default data set
		now      time.Time
		faults   Faults
		basePath string
		rewrite  func(r *http.Request, n int, body []byte) []byte
	}
	// conn is how a client reaches a fake: its URL and its settings, named
	// as StartDemo names them; end is the newest day a walk reads (Automox).
	conn struct {
		url string
		set map[string]string
		end time.Time
	}
	kitFake struct {
		conn
		srv interface {
			Stats() Stats
			Requests() []RecordedRequest
			SetFaults(Faults)
		}
		events  func() []json.RawMessage
		add     func(...json.RawMessage)
		refresh func() // brings the settings up to date after add (Tanium)
	}
	walkCase struct {
		q     string
		pages int
		rev   bool
	}
	filter struct {
		q       string
		keep    func(rec json.RawMessage) bool
		trivial bool // may keep none or all
	}
	dataset struct {
		name         string
		give, served []json.RawMessage // served nil: in any order
	}
	// req is a request; its path is relative to the fake's URL, with the
	// query.
	req struct {
		method, path, body string
		hdr                []string
	}
	// probe is a request and the answer it gets: status, then the body is
	// exactly want after "=", or the text matches the regular expression
	// want (for an error, the text errText returns); header holds name,
	// value pairs.
	probe struct {
		name string
		req
		anon   bool // no credentials but hdr's
		status int
		want   string
		absent string // the body does not hold this
		header []string
	}
	// outcome is what a plain net/http client sees for one request.
	outcome struct {
		resp             *http.Response
		status           int
		body             []byte
		connErr, readErr error // from Do, from reading the body
	}
)

var kits = []*kit{&automoxKit, &ciscoKit, &entrustKit, &instavmKit, &nprintingKit, &taniumKit}

var testEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

func forKits(t *testing.T, run func(t *testing.T, k *kit)) {
	for _, k := range kits {
		t.Run(k.name, func(t *testing.T) { run(t, k) })
	}
}

// try sends r to the fake at u with client and headers hdr.
func try(t testing.TB, client *http.Client, u string, r req, hdr []string) outcome {
	t.Helper()
	rq, err := http.NewRequest(cmp.Or(r.method, http.MethodGet), u+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		rq.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(rq)
	if err != nil {
		return outcome{connErr: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return outcome{resp: resp, status: resp.StatusCode, body: body, readErr: err}
}

// send sends a request with headers hdr (name, value pairs) and returns the
// response with its body read.
func send(t testing.TB, method, u, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	o := try(t, http.DefaultClient, u, req{method: method, body: body}, hdr)
	if err := cmp.Or(o.connErr, o.readErr); err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return o.resp, o.body
}

// do sends r to the fake at c with the kit's credentials.
func (k *kit) do(t testing.TB, c conn, r req) (*http.Response, []byte) {
	t.Helper()
	return send(t, r.method, c.url+r.path, r.body, append(k.auth(t, c), r.hdr...)...)
}

// getJSON sends r with credentials, wants a 200 and decodes the body into v.
func (k *kit) getJSON(t testing.TB, c conn, r req, v any) {
	t.Helper()
	getJSON(t, r.method, c.url+r.path, r.body, v, append(k.auth(t, c), r.hdr...)...)
}

func getJSON(t testing.TB, method, u, body string, v any, hdr ...string) {
	t.Helper()
	resp, b := send(t, method, u, body, hdr...)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, v) != nil {
		t.Fatalf("%s %s %s: %d %s", method, u, body, resp.StatusCode, b)
	}
}

// check checks a response against p.
func (k *kit) check(t testing.TB, p probe, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != p.status {
		t.Errorf("%s: status %d, want %d: %s", p.name, resp.StatusCode, p.status, body)
		return
	}
	text := string(body)
	if p.status >= 400 {
		text = k.errText(t, resp, body)
	}
	if exact, ok := strings.CutPrefix(p.want, "="); ok && string(body) != exact {
		t.Errorf("%s: body %s, want %s", p.name, body, exact)
	} else if !ok && !regexp.MustCompile(p.want).MatchString(text) {
		t.Errorf("%s: %q does not match %q", p.name, text, p.want)
	}
	if p.absent != "" && strings.Contains(string(body), p.absent) {
		t.Errorf("%s: body %s holds %q", p.name, body, p.absent)
	}
	for i := 0; i+1 < len(p.header); i += 2 {
		if got := resp.Header.Get(p.header[i]); got != p.header[i+1] {
			t.Errorf("%s: %s %q, want %q", p.name, p.header[i], got, p.header[i+1])
		}
	}
}

// recorded returns the requests srv recorded once each but the resets has
// its status (the server records it after the client may have read it).
func recorded(srv interface{ Requests() []RecordedRequest }) []RecordedRequest {
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		rr := srv.Requests()
		if !slices.ContainsFunc(rr, func(r RecordedRequest) bool { return r.Status == 0 && r.Fault != FaultReset }) || time.Now().After(deadline) {
			return rr
		}
	}
}

func last[T any](s []T) T { return s[len(s)-1] }

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

// orFunc returns f, or def when f is nil.
func orFunc[F any](f, def F) F {
	if reflect.ValueOf(f).IsNil() {
		return def
	}
	return f
}

// limitReq is a GET of path, with limit=limit added to its query unless 0.
func limitReq(path string, limit int) req {
	if limit > 0 {
		path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "limit=" + strconv.Itoa(limit)
	}
	return req{path: path}
}

func rawQuery(path string) string {
	_, q, _ := strings.Cut(path, "?")
	return q
}

func origin(u string) string { return strings.Join(strings.SplitN(u, "/", 4)[:3], "/") }

// sameRecords fails unless got is want, record by record.
func sameRecords(t testing.TB, what string, got, want []json.RawMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%s: record %d:\n got %s\nwant %s", what, i, got[i], want[i])
		}
	}
}

// ordered fails unless each record may follow the one before.
func ordered(t testing.TB, recs []json.RawMessage, inOrder func(t testing.TB, a, b json.RawMessage) bool) {
	t.Helper()
	for i := 1; i < len(recs); i++ {
		if !inOrder(t, recs[i-1], recs[i]) {
			t.Fatalf("records %d and %d out of order:\n%s\n%s", i-1, i, recs[i-1], recs[i])
		}
	}
}

// sorted returns the records sorted by their bytes.
func sorted(recs []json.RawMessage) []json.RawMessage {
	return slices.SortedFunc(slices.Values(recs), func(a, b json.RawMessage) int { return bytes.Compare(a, b) })
}

// repeats counts the records that repeat one before (by key), and fails the
// test if one repeats twice.
func (k *kit) repeats(t testing.TB, recs []json.RawMessage) int {
	seen := map[string]int{}
	for _, r := range recs {
		key := orFunc(k.key, func(r json.RawMessage) string { return string(r) })(r)
		if seen[key]++; seen[key] > 2 {
			t.Errorf("a third copy of %s", r)
		}
	}
	return len(recs) - len(seen)
}

func (k *kit) newest(t testing.TB, recs []json.RawMessage) time.Time {
	t.Helper()
	var newest time.Time
	for _, r := range recs {
		if at := k.at(t, r); at.After(newest) {
			newest = at
		}
	}
	return newest
}

// decode decodes raw into a T, or fails the test.
func decode[T any](t testing.TB, raw []byte) (v T) {
	t.Helper()
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

// parse parses an RFC 3339 time, or fails the test.
func parse(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return at
}

// rawAt returns the member of doc at path.
func rawAt(t testing.TB, doc []byte, path []string) json.RawMessage {
	for _, p := range path {
		doc = decode[map[string]json.RawMessage](t, doc)[p]
	}
	return doc
}

// keysAt returns the member names, in order, of the object at path.
func keysAt(t testing.TB, doc []byte, path []string) []string {
	t.Helper()
	raw := rawAt(t, doc, path)
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%v: not an object: %v %v", path, tok, err)
	}
	var keys []string
	for dec.More() {
		tok, _ := dec.Token()
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// credentials are the values of c's settings that are secret.
func credentials(c conn) []string {
	set := maps.Clone(c.set)
	maps.DeleteFunc(set, func(name, _ string) bool {
		return name == "org_uuid" || name == "objects" || name == "server" || name == "tenant"
	})
	return slices.Collect(maps.Values(set))
}

// TestFakesAnswerProbes: no or wrong credentials, unknown or bad parameters,
// page sizes out of bounds, unknown paths and methods get the vendor's
// answer, in its error envelope, and are recorded as sent.
func TestFakesAnswerProbes(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		f := k.start(t, kitOpts{events: k.gen(10, 1, testEnd)})
		auth := k.auth(t, f.conn)
		for _, p := range k.probes(f.conn) {
			p.name = cmp.Or(p.name, strings.Join(append([]string{p.method, p.path, p.body}, p.hdr...), " "))
			resp, body := send(t, p.method, f.url+p.path, p.body, append(map[bool][]string{false: slices.Clone(auth)}[p.anon], p.hdr...)...)
			k.check(t, p, resp, body)
			if r := last(recorded(f.srv)); r.Method != cmp.Or(p.method, "GET") || string(r.Body) != p.body || r.Status != p.status {
				t.Errorf("%s: recorded %v with body %q", p.name, r, r.Body)
			}
		}
	})
}

// TestFakesWalkEveryRecordOnce: walks of the default data set yield Events
// whole, in order, in the pages expected; filtered walks what the filter
// keeps.
func TestFakesWalkEveryRecordOnce(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		f := k.start(t, kitOpts{})
		want := f.events()
		if len(want) != k.defaultN {
			t.Fatalf("%d records, want %d", len(want), k.defaultN)
		}
		if ordered(t, want, k.inOrder); k.repeats(t, want) != k.twins {
			t.Errorf("%d twins in the default data set, want %d", k.repeats(t, want), k.twins)
		}
		for _, w := range append(k.walks, walkCase{}) { // and a walk of everything
			got, pages := k.walk(t, f.conn, w.q)
			exp := slices.Clone(want)
			if w.rev {
				slices.Reverse(exp)
			}
			if w.pages != 0 && pages != w.pages {
				t.Errorf("%s: %d pages, want %d", w.q, pages, w.pages)
			}
			sameRecords(t, w.q, got, exp)
		}
		if k.filters == nil {
			return
		}
		f = k.start(t, kitOpts{events: k.gen(800, 4, testEnd)})
		all := f.events()
		for _, fl := range k.filters(t, all) {
			want := slices.DeleteFunc(slices.Clone(all), func(r json.RawMessage) bool { return !fl.keep(r) })
			if !fl.trivial && (len(want) == 0 || len(want) == len(all)) {
				t.Errorf("%s: %d of %d match; the data set does not exercise it", fl.q, len(want), len(all))
			}
			got, _ := k.walk(t, f.conn, fl.q)
			sameRecords(t, fl.q, got, want)
		}
	})
}

// The default data set ends when the fake starts (its newest record a
// second before the second it started in, see eventsOr), or at Now; a
// client's query for the last day finds records of it.
func TestFakesDefaultDataSetEndsNow(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		before := time.Now()
		f := k.start(t, kitOpts{})
		after := time.Now()
		evs := f.events()
		if len(evs) != k.defaultN {
			t.Fatalf("%d records, want %d", len(evs), k.defaultN)
		}
		newest := k.newest(t, evs)
		if lo, hi := newestBefore(before), newestBefore(after); newest.Before(lo) || newest.After(hi) {
			t.Errorf("newest record at %v, want in [%v, %v]", newest, lo, hi)
		}
		if day := len(slices.DeleteFunc(slices.Clone(evs), func(r json.RawMessage) bool { return !k.at(t, r).After(newest.Add(-24 * time.Hour)) })); day == 0 || day == len(evs) {
			t.Errorf("%d of %d records in the last day", day, len(evs))
		}
		if k.lastDay != nil && k.lastDay(t, f.conn, newest.Add(-24*time.Hour)) == 0 {
			t.Error("a query for the last day finds nothing")
		}
		now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
		evs = k.start(t, kitOpts{now: now}).events()
		if n := k.newest(t, evs); !n.Equal(now) {
			t.Errorf("Now %v: newest record at %v", now, n)
		}
		if gen := k.gen(k.defaultN, 1, now); k.genInOrder == nil { // in the generator's order
			sameRecords(t, "with Now", evs, gen)
		} else {
			sameRecords(t, "with Now", sorted(evs), sorted(gen))
		}
		if n := len(k.start(t, kitOpts{now: now, events: []json.RawMessage{}}).events()); n != 0 {
			t.Errorf("an empty data set with Now: %d records", n)
		}
	})
}

// StartDemo serves the generated data set, ending at the vendor's demo end
// before Now, behind the settings it reports, with every credential among
// its Secrets, and injects the faults asked.
func TestFakesDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 600e6, time.UTC)
	forKits(t, func(t *testing.T, k *kit) {
		demoEnd := newestBefore // every demo's, as every default data set's
		for _, n := range append(k.demoSizes, 300) {
			d, err := StartDemo(k.name, DemoConfig{Now: now, Events: n, Seed: 4, Faults: Faults{Script: []Fault{FaultUnavailable}}})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			c := conn{url: d.BaseURL, set: d.Settings, end: now}
			f := k.start(t, kitOpts{events: []json.RawMessage{}})
			if d.Vendor != k.name || d.Records != n || d.BaseURL == "" || cmp.Or(d.Settings["server"], d.Settings["tenant"], d.BaseURL) != d.BaseURL ||
				!maps.EqualFunc(d.Settings, f.set, func(v, _ string) bool { return v != "" }) { // every setting, and none other
				t.Fatalf("demo %+v, want the settings of %v", d, f.set)
			}
			if lack := slices.DeleteFunc(credentials(c), func(s string) bool { return slices.Contains(d.Secrets, s) }); len(lack) > 0 {
				t.Errorf("secrets %q lack %q", d.Secrets, lack)
			}
			p := k.page(c, 0) // no credentials: the fault comes first
			if resp, _ := send(t, p.method, c.url+p.path, p.body, p.hdr...); resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("first request: %d, want the scripted 503", resp.StatusCode)
			}
			got, _ := k.walk(t, c, "")
			gen := orFunc(k.demoGen, k.gen)
			sameRecords(t, "demo", got, k.start(t, kitOpts{events: gen(n, 4, demoEnd(now))}).events())
			if newest := k.newest(t, got); !newest.Equal(demoEnd(now).Truncate(k.prec)) {
				t.Errorf("newest record at %v, want %v", newest, demoEnd(now))
			}
			if st := d.Stats(); st.Injected[FaultUnavailable] != 1 || st.Served == 0 || st.Requests != st.Served+1 {
				t.Errorf("stats %+v", st)
			}
			orFunc(k.demoCheck, func(testing.TB, *Demo, int, []json.RawMessage) {})(t, d, n, got)
		}
	})
}

// TestFakesInjectFaults: a script of every fault reaches a keep-alive
// client as it should (errors in the vendor's envelope, the 429 with
// Retry-After; resets seen, not hidden by a retry; bodies cut in each form
// at half the clean body), and is counted in Stats
// and recorded, with the credentials in the header but not in String;
// SetFaults starts over, or clears.
func TestFakesInjectFaults(t *testing.T) {
	script := []Fault{FaultRateLimit, FaultUnavailable, FaultReset, FaultTruncate, FaultServerError, FaultMalformed, FaultNone, FaultReset, FaultReset, FaultCutJSON, FaultCutJSONChunked, FaultNone}
	wantStatus := []int{429, 503, 0, 200, 500, 200, 200, 0, 0, 200, 200, 200}
	forKits(t, func(t *testing.T, k *kit) {
		f := k.start(t, kitOpts{events: k.gen(10, 1, testEnd)})
		auth, page := k.auth(t, f.conn), k.page(f.conn, 5) // Entrust logs in before the script
		n0 := len(f.srv.Requests())
		f.srv.SetFaults(Faults{Script: script[:11], RetryAfter: 1500 * time.Millisecond})
		client, outs := &http.Client{Transport: &http.Transport{}}, []outcome{}
		for range script {
			outs = append(outs, try(t, client, f.url, page, auth))
		}
		clean := outs[6].body
		half := clean[:len(clean)/2]
		for i, x := range script {
			o := outs[i]
			var syn *json.SyntaxError
			switch status := map[Fault]int{FaultRateLimit: 429, FaultUnavailable: 503, FaultServerError: 500}[x]; {
			case status != 0:
				p := k.faults[status]
				if p.name, p.status = x.String(), status; status == 429 {
					p.header = append([]string{"Retry-After", "2"}, p.header...)
				}
				k.check(t, p, cmp.Or(o.resp, &http.Response{}), o.body)
			case x == FaultReset && o.connErr == nil:
				t.Errorf("request %d: reset: status %d, want a connection error", i, o.status)
			// Only the connection cut is a read error; the two others read
			// without error, and the JSON decoder finds the document ends
			// early, at half the clean body.
			case x.CutBody() && (o.status != 200 || (x == FaultTruncate) != errors.Is(o.readErr, io.ErrUnexpectedEOF) || x != FaultTruncate && o.readErr != nil ||
				slices.Equal(o.resp.TransferEncoding, []string{"chunked"}) != (x == FaultCutJSONChunked) || !bytes.Equal(o.body, half) ||
				o.resp.ContentLength != map[Fault]int64{FaultTruncate: int64(len(clean)), FaultCutJSON: int64(len(half)), FaultCutJSONChunked: -1}[x] ||
				!errors.Is(json.NewDecoder(bytes.NewReader(o.body)).Decode(new(any)), io.ErrUnexpectedEOF) || !errors.As(json.Unmarshal(o.body, new(any)), &syn) || syn.Offset != int64(len(half))):
				t.Errorf("%v: status %d, read error %v, encoding %v, length %d, %d bytes of %d", x, o.status, o.readErr, o.resp.TransferEncoding, o.resp.ContentLength, len(o.body), len(clean))
			case x == FaultMalformed && (o.status != 200 || o.readErr != nil || !errors.As(json.Unmarshal(o.body, new(any)), &syn)):
				t.Errorf("malformed: status %d read error %v; want 200, a full body, a JSON syntax error", o.status, o.readErr)
			case x == FaultNone && (o.status != 200 || o.readErr != nil || !json.Valid(o.body)):
				t.Errorf("request %d: status %d body %.80s", i, o.status, o.body)
			}
		}
		rr := recorded(f.srv)[n0:]
		if len(rr) != len(script) {
			t.Fatalf("%d requests recorded, want %d (no hidden retries): %v", len(rr), len(script), rr)
		}
		for i, r := range rr {
			if r.Fault != script[i] || r.Status != wantStatus[i] || slices.ContainsFunc(append(credentials(f.conn), auth[len(auth)-1]), func(s string) bool { return strings.Contains(r.String(), s) }) {
				t.Errorf("request %d: %v; want fault %v status %d, no credentials", i, r, script[i], wantStatus[i])
			}
		}
		if r := rr[0]; r.Header.Get(auth[len(auth)-2]) != auth[len(auth)-1] || r.RawQuery != rawQuery(page.path) || r.Path != strings.Split(page.path, "?")[0] {
			t.Errorf("recorded %v with headers %v", r, r.Header)
		}
		rr[0].Header.Set(auth[len(auth)-2], "changed") // Requests returns copies
		rr[0].Query.Set("x", "changed")
		if again := f.srv.Requests()[n0]; again.Header.Get(auth[len(auth)-2]) == "changed" || again.Query.Has("x") {
			t.Error("Requests returned shared state")
		}
		want := map[Fault]int{FaultRateLimit: 1, FaultUnavailable: 1, FaultReset: 3, FaultTruncate: 1, FaultServerError: 1, FaultMalformed: 1, FaultCutJSON: 1, FaultCutJSONChunked: 1}
		if st := f.srv.Stats(); st.Requests != n0+12 || st.Served != n0+2 || !maps.Equal(st.Injected, want) {
			t.Errorf("stats %+v", st)
		}
		for faults, statuses := range map[*Faults][]int{{Script: []Fault{FaultServerError}}: {500, 200}, {Script: []Fault{FaultUnavailable}}: {503, 200}, {}: {200, 200}} {
			f.srv.SetFaults(*faults)
			for _, want := range statuses {
				if resp, body := send(t, page.method, f.url+page.path, page.body, append(auth, page.hdr...)...); resp.StatusCode != want {
					t.Errorf("after SetFaults(%+v): %d %s, want %d", *faults, resp.StatusCode, body, want)
				}
			}
		}
	})
}

// TestFakesBasePath: under a base path the fake's URL ends in it, a walk
// follows it, and paths outside it are the vendor's 404.
func TestFakesBasePath(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		for _, bp := range []string{"/prefix", "prefix/", "/a/b"} {
			f := k.start(t, kitOpts{basePath: bp, events: k.gen(60, 2, testEnd)})
			want := "/" + strings.Trim(bp, "/")
			if origin(f.url)+want != f.url {
				t.Fatalf("URL %q does not end in %q", f.url, want)
			}
			got, _ := k.walk(t, f.conn, "")
			sameRecords(t, bp, got, f.events())
			page := k.page(f.conn, 0)
			if resp, _ := k.do(t, f.conn, page); resp.StatusCode != 200 || last(recorded(f.srv)).Path != want+strings.Split(page.path, "?")[0] {
				t.Errorf("%d, recorded %v", resp.StatusCode, recorded(f.srv))
			}
			for _, u := range []string{origin(f.url), f.url + "x"} {
				resp, body := send(t, page.method, u+page.path, page.body, append(k.auth(t, f.conn), page.hdr...)...)
				p := k.faults[404]
				p.name, p.status = u, 404
				k.check(t, p, resp, body)
			}
		}
	})
}

// TestFakesAdd: records added, and added while clients walk (keyset
// paging) or read pages (offsets), are served with the others, in order;
// Requests and Stats are safe to read meanwhile, and count every request,
// served or faulted.
func TestFakesAdd(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		f := k.start(t, kitOpts{events: k.gen(200, 2, testEnd)})
		f.end = testEnd.Add(4 * 24 * time.Hour)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					f.add(k.gen(3, int64(100+i), testEnd.Add(time.Duration(i)*time.Hour))...)
					_, _ = f.srv.Requests(), f.srv.Stats()
				} else if !k.offsets {
					if got, _ := k.walk(t, f.conn, ""); len(got) < 200 {
						t.Errorf("%d records", len(got))
					}
				} else if resp, _ := k.do(t, f.conn, k.page(f.conn, 20)); resp.StatusCode != 200 {
					t.Errorf("a page: %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
		if f.refresh != nil {
			f.refresh()
		}
		got, _ := k.walk(t, f.conn, "")
		sameRecords(t, "after Add", got, f.events())
		ordered(t, got, k.inOrder)
		want := k.gen(200, 2, testEnd)
		for i := 0; i < 8; i += 2 {
			want = append(want, k.gen(3, int64(100+i), testEnd.Add(time.Duration(i)*time.Hour))...)
		}
		sameRecords(t, "the records given and added", sorted(got), sorted(want))
		page, auth := k.page(f.conn, 20), k.auth(t, f.conn)
		f.srv.SetFaults(Faults{RateLimit: 0.1, Truncate: 0.05, Seed: 3})
		st0 := f.srv.Stats()
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 15 {
					_ = try(t, http.DefaultClient, f.url, page, auth)
					_, _ = f.srv.Requests(), f.srv.Stats()
				}
			}()
		}
		wg.Wait()
		recorded(f.srv)
		s, injected := f.srv.Stats(), 0
		for _, n := range s.Injected {
			injected += n
		}
		if s.Requests != st0.Requests+120 || len(f.srv.Requests()) != s.Requests || s.Served+injected != s.Requests {
			t.Errorf("stats %+v after %+v and 120 requests", s, st0)
		}
	})
}

// TestFakesRewrite: Rewrite replaces the body of successful listing
// responses, numbered from 1, and sees their requests; error responses
// (and Entrust's authenticate) are not passed to it.
func TestFakesRewrite(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		if !k.rewrite {
			t.Skip("no Rewrite option")
		}
		var seen []string
		f := k.start(t, kitOpts{events: k.gen(10, 1, testEnd), rewrite: func(r *http.Request, i int, body []byte) []byte {
			b, _ := io.ReadAll(r.Body)
			if seen = append(seen, fmt.Sprint(i, " ", r.URL.RawQuery, string(b))); i == 2 {
				return []byte(`{"x":1}`)
			}
			return body
		}})
		p, q := k.page(f.conn, 4), k.page(f.conn, 3)
		if resp, _ := send(t, p.method, f.url+p.path, p.body, "Authorization", "wrong", "X-API-Key", "wrong"); resp.StatusCode != 401 {
			t.Fatalf("wrong credentials: %d", resp.StatusCode)
		}
		k.getJSON(t, f.conn, p, new(any))
		if resp, body := k.do(t, f.conn, q); resp.StatusCode != 200 || string(body) != `{"x":1}` || resp.ContentLength != 7 {
			t.Errorf("second response: %d %q (Content-Length %d), want the rewritten body", resp.StatusCode, body, resp.ContentLength)
		}
		if want := []string{"1 " + rawQuery(p.path) + p.body, "2 " + rawQuery(q.path) + q.body}; !slices.Equal(seen, want) {
			t.Errorf("Rewrite saw %q, want %q", seen, want)
		}
	})
}

// TestFakesServeDataAsGiven: the doc examples are JSON, each call returns
// a fresh copy; pages and records have the examples' members, in order;
// the documents' records, and odd ones, are served byte for byte.
func TestFakesServeDataAsGiven(t *testing.T) {
	forKits(t, func(t *testing.T, k *kit) {
		for name, raw := range k.docExamples() {
			if !json.Valid(raw) {
				t.Errorf("%s is not JSON", name)
			}
			if raw[0] = 'x'; k.docExamples()[name][0] == 'x' {
				t.Errorf("%s is shared, not copied", name)
			}
		}
		if k.shapeDoc != "" {
			f, doc := k.start(t, kitOpts{events: k.gen(300, 9, testEnd)}), k.docExamples()[k.shapeDoc]
			_, body := k.do(t, f.conn, k.page(f.conn, 3))
			for _, path := range k.shape {
				if got, want := keysAt(t, body, path), keysAt(t, doc, path); !slices.Equal(got, want) {
					t.Errorf("members of %v: %v, want %v (document)", path, got, want)
				}
			}
			if _, body = k.do(t, f.conn, k.page(f.conn, 300)); k.recordsAt != nil {
				for _, r := range decode[[]json.RawMessage](t, rawAt(t, body, k.recordsAt)) {
					if got, want := keysAt(t, r, nil), keysAt(t, decode[[]json.RawMessage](t, rawAt(t, doc, k.recordsAt))[0], nil); !slices.Equal(got, want) {
						t.Fatalf("record members %v, want %v (document)", got, want)
					}
				}
			}
		}
		for _, ds := range k.datasets(t) {
			got, _ := k.walk(t, k.start(t, kitOpts{events: ds.give}).conn, "")
			if ds.served == nil {
				got, ds.served = sorted(got), sorted(ds.give)
			}
			sameRecords(t, ds.name, got, ds.served)
		}
	})
}

// TestFakesGenerators: the generators are deterministic, the seed matters,
// the newest record is at the end, the records are in order, span days,
// many share their time, exactly the twins repeat, every kind is there,
// and the size asked is the size given.
func TestFakesGenerators(t *testing.T) {
	end := time.Date(2024, 6, 19, 13, 0, 0, 123456789, time.FixedZone("", 3600)) // records in UTC all the same
	forKits(t, func(t *testing.T, k *kit) {
		a, c := k.gen(k.genN, 7, end), k.gen(k.genN, 8, end)
		sameRecords(t, "a second run", k.gen(k.genN, 7, end), a)
		same := 0
		for i := range a {
			if bytes.Equal(a[i], c[i]) {
				same++
			}
		}
		if same > 5 {
			t.Errorf("seeds 7 and 8 share %d records", same)
		}
		if n := k.newest(t, a); !n.Equal(end.Truncate(k.prec)) {
			t.Errorf("newest record at %v, want %v", n, end.Truncate(k.prec))
		}
		times, kinds, oldest := map[time.Time]int{}, map[string]int{}, end
		ordered(t, a, orFunc(k.genInOrder, k.inOrder))
		for i, r := range a {
			at := k.at(t, r)
			if times[at]++; at.Before(oldest) {
				oldest = at
			}
			for _, kind := range k.kind(t, r) {
				kinds[kind]++
			}
			if problem := k.bad(t, r); problem != "" {
				t.Fatalf("record %d: %s: %s", i, problem, r)
			}
		}
		if span := end.Sub(oldest); span < k.span[0] || span > k.span[1] {
			t.Errorf("records span %v, want %v to %v", span, k.span[0], k.span[1])
		}
		if shared := len(a) - len(times); shared < k.shared {
			t.Errorf("%d records share their time with another, want %d", shared, k.shared)
		}
		if twins := k.repeats(t, a); twins != k.twins {
			t.Errorf("%d twins, want %d", twins, k.twins)
		}
		if missing := slices.DeleteFunc(slices.Clone(k.kinds), func(kind string) bool { return kinds[kind] > 0 }); len(missing) > 0 || k.exact && len(kinds) != len(k.kinds) {
			t.Errorf("no %q in %d records (exactly %v: %v): %v", missing, len(a), k.exact, k.kinds, kinds)
		}
		for _, n := range []int{0, -1, -5} {
			if g := k.gen(n, 1, end); g == nil || len(g) != 0 {
				t.Errorf("n = %d: %v, want empty and not nil", n, g)
			}
		}
		for n := 1; n < 40; n++ {
			if g := k.gen(n, int64(n), end); len(g) != n || !k.newest(t, g).Equal(end.Truncate(k.prec)) {
				t.Errorf("n = %d: %d records", n, len(g))
			}
		}
	})
}

// TestAppendJSONMatchesEncodingJSON: the fast encoder writes what
// encoding/json writes with HTML escaping off.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	strs := []string{
		"", "plain", `quote " and \ backslash`, "R&D <Lab> > x", "tab\tnew\nline\rret",
		"ctl \x00\x01\x1f\x7f", "Zürich Büro ✓ 😀", "bad utf8 \xff\xfe end", "\u2028\u2029",
		`C:\Program Files\x\*.exe`,
	}
	for _, s := range strs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := appendString(nil, s)
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%q: got %s, want %s", s, got, want.Bytes())
		}
	}
	o := object{
		{"s", "a&b"}, {"n", 42}, {"i64", int64(-7)}, {"b", true}, {"null", nil},
		{"obj", object{{"z", 1}, {"a", 2}}}, {"empty", object{}},
		{"arr", []any{"x", 1, nil, object{{"k", "v"}}}}, {"strs", []string{"p", "q"}},
		{"raw", json.RawMessage(`{"r":[1,2]}`)}, {"float", 1.5}, {"map", map[string]int{"m": 1}},
	}
	got, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"s":"a&b","n":42,"i64":-7,"b":true,"null":null,"obj":{"z":1,"a":2},"empty":{},"arr":["x",1,null,{"k":"v"}],"strs":["p","q"],"raw":{"r":[1,2]},"float":1.5,"map":{"m":1}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := (object{{"bad", json.RawMessage(`{`)}}).MarshalJSON(); err == nil {
		t.Error("invalid raw JSON encoded without error")
	}
	if got := mustJSON(object{{"bad", json.RawMessage(`{`)}}); string(got) != "null" {
		t.Errorf("mustJSON of an unencodable value: %s", got)
	}
	if got := mustJSON(object{{"ch", make(chan int)}}); string(got) != "null" {
		t.Errorf("mustJSON of a channel: %s", got)
	}
}
