package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/pagination"
	"github.com/auditkit/auditkit/tanium"
)

// The credentials of the suite: distinctive strings that occur nowhere
// else, so that finding one in an error or a log line is a leak.
const (
	automoxKey     = "AMXKEYq7Zr4sEcReT91"
	automoxOrg     = "3f1c2b7a-9a0e-4c5e-8d21-1b2a3c4d5e6f"
	ciscoClientID  = "CSCIDx3Vq8SeCrEt42"
	ciscoAPIKey    = "CSCKEYw9Tn2SeCrEt77"
	entrustAppID   = "ENTAPPm5Hs1SeCrEt08"
	entrustSecret  = "ENTSHRk2Lp6SeCrEt55"
	entrustToken   = "ENTTOKj8Gd3SeCrEt61"
	instavmKey     = "IVMKEYp4Wc9SeCrEt13"
	nprintingToken = "NPRJWTe6Bx5SeCrEt29"
	taniumToken    = "TANTOKr1Yf7SeCrEt86"
)

// records is the number of records in every vendor's good answer.
const records = 2

// vendor adapts one vendor client to the suite: how to start a walk, what
// its authentication endpoint answers (if it has one), the bodies its data
// endpoint expects, and the vendor's rows of the tables (tables_test.go).
type vendor struct {
	name string
	// secrets are the credentials the client holds (and, for Entrust, the
	// token its authentication returns): none may leak.
	secrets []string
	// events starts a walk over the window of the records below with the
	// suite's options.
	events func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error)
	// list asks for one page (ListPage) of that window; arg is the tenant
	// or server the client is made for ("" for the suite's; a vendor
	// without one ignores it). It reports whether a page came back.
	list func(ctx context.Context, arg string, opts []auditclient.Option) (bool, error)
	// pages, when set, walks with Pages and returns each record's id up
	// to the first error, which it returns.
	pages func(ctx context.Context, opts []auditclient.Option) ([]string, error)
	// isAuth tells the authentication request (Entrust's authenticate)
	// from the data requests; nil when every request is a data request.
	isAuth func(r *http.Request) bool
	// auth answers the authentication request.
	auth func(w http.ResponseWriter, r *http.Request)
	// goodRequests is the number of data requests a walk over good makes:
	// 1, or 2 for Automox, whose full page (Limit 2) asks for the next,
	// empty one.
	goodRequests int64
	// good is the complete answer of the data endpoint to r: the two
	// records of the window, on the last page; empty is the answer of a
	// window without records.
	good  func(r *http.Request) []byte
	empty string
	// prefix is the start of a body, up to and including the opening
	// bracket of the records array, for the streamed huge body.
	prefix string
	// urlPart is part of the URL of every data request of the walk.
	urlPart string
	// key is the position a data request asks for: its cursor or offset.
	key func(r *http.Request) string

	bodies  []body   // TestHostileBodies
	scripts []script // TestScriptedWalks
	// TestBaseURL: base URLs by the origin they stand for, the requests
	// of list under the origin, whether the client takes its base as arg
	// too, and whether WithBaseURL takes URLs only.
	bases           map[string][]string
	paths           []string
	argToo, urlOnly bool
	// TestFakeServesHostilePages: fake walks the vendor's fake, its
	// second page rewritten.
	fake       func(t *testing.T, rewrite func([]byte) []byte) (it auditclient.Iterator, want, secrets []string)
	fakeBodies []fakeBody
}

// vendors returns the six adapters.
func vendors() []*vendor {
	return []*vendor{automoxVendor(), ciscoVendor(), entrustVendor(), instavmVendor(), nprintingVendor(), taniumVendor()}
}

// maker makes a vendor's client: arg is its tenant or server, "" for the
// suite's. Its methods and lister, pager make the adapter's walks.
type maker[C any] func(arg string, opts []auditclient.Option) (C, error)

func (mk maker[C]) events(f func(context.Context, C) auditclient.Iterator) func(context.Context, []auditclient.Option) (auditclient.Iterator, error) {
	return func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
		c, err := mk("", opts)
		if err != nil {
			return nil, err
		}
		return f(ctx, c), nil
	}
}

func lister[C, P any](mk maker[C], f func(context.Context, C) (*P, error)) func(context.Context, string, []auditclient.Option) (bool, error) {
	return func(ctx context.Context, arg string, opts []auditclient.Option) (bool, error) {
		c, err := mk(arg, opts)
		if err != nil {
			return false, err
		}
		p, err := f(ctx, c)
		return p != nil, err
	}
}

func pager[C, R any](mk maker[C], f func(context.Context, C) iter.Seq2[R, error], id func(R) string) func(context.Context, []auditclient.Option) ([]string, error) {
	return func(ctx context.Context, opts []auditclient.Option) (ids []string, err error) {
		c, err := mk("", opts)
		if err != nil {
			return nil, err
		}
		for r, err := range f(ctx, c) {
			if err != nil {
				return ids, err
			}
			ids = append(ids, id(r))
		}
		return ids, nil
	}
}

// or is arg, or def when arg is "".
func or(arg, def string) string {
	if arg == "" {
		return def
	}
	return arg
}

// sub is strings.Replace of the first old in s, which must be there: a
// table's row built from a good body (it fails the suite otherwise).
func sub(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic(fmt.Sprintf("%q is not in %s", old, s))
	}
	return strings.Replace(s, old, new, 1)
}

// day parses a YYYY-MM-DD as midnight UTC.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// byKey answers a request for key with pages[key] ("" for none).
func byKey(pages map[string]string) func(string, int) string {
	return func(key string, _ int) string { return pages[key] }
}

// cut cuts b at the last occurrence of sep, where it puts with: the
// fakes' bodies rewritten.
func cut(sep, with string) func([]byte) []byte {
	return func(b []byte) []byte {
		i := bytes.LastIndex(b, []byte(sep))
		return append(b[:i:i], with...)
	}
}

// cursor is a next cursor as JSON: null for "".
func cursor(next string) string {
	if next == "" {
		return "null"
	}
	return strconv.Quote(next)
}

// cursorScripts are the scripts of a walk paged by cursors (Entrust's,
// Instavm's): page is its page of records under a next cursor, rec its
// record n, ids what Pages yields of records 1 and 2, path where a stall
// is reported. Walks that would never end end with a typed error in a
// bounded number of requests, each event yielded once: a new cursor each
// time with the same events, with some of them or with none (the
// vendor's MaxStalledPages, stalled), the same cursor again
// (pagination.ErrRepeatedToken). Both walks: the first page, then at most
// MaxStalledPages+1 pages that bring nothing new (one more may be
// prefetched).
func cursorScripts(page func(next string, recs ...string) string, rec func(int) string, ids, path string, stalled int) []script {
	max := int64(2 * (stalled + 3))
	c := func(n int) string { return fmt.Sprintf("c%d", n) }
	after := func(recs ...string) func(string, int) string {
		return func(_ string, n int) string {
			if n == 1 {
				return page("c1", rec(1), rec(2))
			}
			return page(c(n), recs...)
		}
	}
	return []script{
		{name: "same events, new cursor", page: after(rec(1), rec(2)), path: path, is: auditclient.ErrNoProgress, events: 2, ids: ids, max: max},
		{name: "empty pages, new cursor", page: after(), path: path, is: auditclient.ErrNoProgress, events: 2, ids: ids, max: max},
		{name: "one event of the page before, new cursor", page: after(rec(2)), path: path, is: auditclient.ErrNoProgress, events: 2, ids: ids, max: max},
		{name: "empty pages from the first, new cursor", page: func(_ string, n int) string { return page(c(n)) },
			path: path, is: auditclient.ErrNoProgress, max: max},
		{name: "a cursor handed out again", page: func(string, int) string { return page("same", rec(1), rec(2)) },
			is: pagination.ErrRepeatedToken, events: 2, ids: ids, max: 4},
	}
}

// when is a fake's Rewrite: rewrite the bodies of the requests second
// tells (a walk's second page).
func when(second func(*http.Request) bool, rewrite func([]byte) []byte) func(*http.Request, int, []byte) []byte {
	return func(r *http.Request, _ int, body []byte) []byte {
		if second(r) {
			return rewrite(body)
		}
		return body
	}
}

// is answers every request with body.
func is(body string) func([]byte) []byte { return func([]byte) []byte { return []byte(body) } }

func automoxVendor() *vendor {
	id := func(n int) string { return fmt.Sprintf("6669d991ba9a2536b81580%02x", n) }
	// rec is a well-formed event of 2024-06-12, n seconds after 10:00,
	// with _id and metadata.uid made from n.
	rec := func(n int) string {
		return `{"_id":{"$oid":"` + id(n) + `"},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,` +
			`"type_uid":300201,"message":"User Log In Success","time":` + strconv.FormatInt(time.Date(2024, 6, 12, 10, 0, n, 0, time.UTC).UnixMilli(), 10) + `,` +
			`"metadata":{"uid":"9f8896c3-e042-42de-ae41-eaef8a2a66` + fmt.Sprintf("%02x", n) + `","version":"1.1.0","product":{"vendor_name":"Automox"}},` +
			`"severity_id":1,"status_id":1,"status_code":200,"user":{"uid":"115998","email_addr":"jdoe@example.com"}}`
	}
	recs := func(ns ...int) string {
		var s []string
		for _, n := range ns {
			s = append(s, rec(n))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	records := recs(1, 2)
	mk := maker[*automox.Client](func(_ string, opts []auditclient.Option) (*automox.Client, error) {
		return automox.NewClient(automoxKey, automoxOrg, opts...)
	})
	// One day, one page at a time: the request counts are exact.
	o := &automox.ListOptions{Date: day("2024-06-12"), PageSize: 2, Concurrency: 1}
	const path = "/api/audit-service/v1/orgs/" + automoxOrg + "/events?date=2024-06-12&limit=2"
	return &vendor{
		name:         "automox",
		secrets:      []string{automoxKey},
		events:       mk.events(func(ctx context.Context, c *automox.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:         lister(mk, func(ctx context.Context, c *automox.Client) (*automox.Page, error) { return c.ListPage(ctx, o) }),
		goodRequests: 2,
		// The page after the last record (PageSize 2 makes the page full,
		// so the walk asks for the next) is empty.
		good: func(r *http.Request) []byte {
			if q := r.URL.Query(); q.Get("date") != "2024-06-12" || q.Get("cursor") != "" {
				return []byte("[]")
			}
			return []byte(records)
		},
		empty:   `[]`,
		prefix:  "[",
		urlPart: "date=2024-06-12",
		key:     func(r *http.Request) string { return r.URL.Query().Get("cursor") },
		// A body that is not the documented array of events.
		bodies: []body{
			{"empty object", `{}`, "$"},
			{"null", `null`, "$"},
			{"an object where the array belongs", `{"data":` + records + `}`, "$"},
			{"a string of the array", `"[]"`, "$"},
			{"a number where an event belongs", `[` + rec(1) + `,7]`, "$[1]"},
			{"null where an event belongs", `[null]`, "$[0]"},
			{"an array where an event belongs", `[` + records + `]`, "$[0]"},
			{"an event without a time", `[` + rec(1) + `,{"_id":{"$oid":"6669d991ba9a2536b8158fff"},"message":"x"}]`, "$[1].time"},
			{"a string where the time belongs", sub(records, `"time":1718186401000`, `"time":"yesterday at noon"`), "$[0].time"},
			{"an object where the time belongs", sub(records, `"time":1718186401000`, `"time":{"ms":1}`), "$[0].time"},
			{"an empty object as an event", `[{}]`, "$[0].time"},
		},
		// A day whose pages do not move forward ends with an error
		// wrapping ErrStalledCursor, after yielding what came before.
		scripts: []script{
			{name: "the cursor ignored", page: byKey(map[string]string{"": recs(1, 2), id(2): recs(1, 2)}),
				path: "$", is: automox.ErrStalledCursor, events: 2, requests: 2},
			// The second page's repeat of event 1 is dropped.
			{name: "cursors in a cycle", page: byKey(map[string]string{"": recs(1, 2), id(2): recs(3, 1), id(1): recs(4, 2)}),
				path: "$[1]._id.$oid", is: automox.ErrStalledCursor, events: 3, requests: 3},
			{name: "a page of the page before, with a new last id", page: byKey(map[string]string{"": recs(1, 2),
				id(2): "[" + rec(2) + "," + sub(rec(1), id(1), id(0xff)) + "]"}),
				path: "$", is: automox.ErrStalledCursor, events: 2, requests: 2},
		},
		// The base URL is the origin (with an optional path prefix for a
		// proxy); a base URL that already ends in /api is not doubled.
		bases: map[string][]string{
			"https://console.automox.com": {"", "https://console.automox.com", "https://console.automox.com/",
				"https://console.automox.com/api", "https://console.automox.com/api/"},
			"http://127.0.0.1:8080":         {"http://127.0.0.1:8080"},
			"https://proxy.example/automox": {"https://proxy.example/automox", "https://proxy.example/automox/api"},
			// Only a last segment that is exactly "api" counts.
			"https://proxy.example/myapi": {"https://proxy.example/myapi"},
		},
		paths: []string{"GET " + path},
	}
}

func ciscoVendor() *vendor {
	const listURL = "https://api.amp.cisco.com/v1/audit_logs"
	// rec is a well-formed record, different for each n, created n
	// seconds after 2022-03-18T11:40:00Z.
	rec := func(n int) string {
		at := time.Date(2022, 3, 18, 11, 40, n, 0, time.UTC).Format(time.RFC3339)
		return `{"event":"update","audit_log_type":"Computer","audit_log_id":"16db5cf986eec6f44422","audit_log_user":"admin@example.com",` +
			`"created_at":"` + at + `","old_attributes":{"name":null},"new_attributes":{"name":"Demo_` + strconv.Itoa(n) + `"}}`
	}
	// page is a page of the document's shape at offset with records,
	// total, and next link ("" for none).
	page := func(offset, total int, next string, records ...string) string {
		links := `{"self":"` + listURL + `?limit=2&offset=` + strconv.Itoa(offset) + `"`
		if next != "" {
			links += `,"next":"` + next + `"`
		}
		return `{"version":"v1.2.0","metadata":{"links":` + links + `},"results":{"total":` + strconv.Itoa(total) +
			`,"current_item_count":` + strconv.Itoa(len(records)) + `,"index":` + strconv.Itoa(offset) + `,"items_per_page":2}},"data":[` +
			strings.Join(records, ",") + `]}`
	}
	// nextAt is the next link of the page before offset, under the
	// server's base URL (see script).
	nextAt := func(offset int) string { return "BASE/v1/audit_logs?limit=2&offset=" + strconv.Itoa(offset) }
	good := page(0, 2, "", rec(1), rec(2))
	mk := maker[*cisco.Client](func(_ string, opts []auditclient.Option) (*cisco.Client, error) {
		return cisco.NewClient(ciscoClientID, ciscoAPIKey, opts...)
	})
	o := &cisco.ListOptions{Since: day("2022-03-18"), Until: day("2022-03-19"), PageSize: 2}
	// first is a first page of 1000 records, its next link to offset 2.
	first := page(0, 1000, nextAt(2), rec(1), rec(2))
	endless := func(name string, empty bool, path string) script {
		return script{name: name, page: func(key string, _ int) string {
			off, _ := strconv.Atoi(key)
			if empty && off > 0 {
				return page(off, 1000, nextAt(off+2))
			}
			return page(off, 1_000_000_000, nextAt(off+2), rec(1), rec(2))
		}, path: path, events: 2, ids: "1,2", requests: 2}
	}
	return &vendor{
		name:    "cisco",
		secrets: []string{ciscoClientID, ciscoAPIKey},
		events:  mk.events(func(ctx context.Context, c *cisco.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:    lister(mk, func(ctx context.Context, c *cisco.Client) (*cisco.Page, error) { return c.ListPage(ctx, o) }),
		pages: pager(mk, func(ctx context.Context, c *cisco.Client) iter.Seq2[cisco.AuditLog, error] {
			return c.Pages(ctx, &cisco.ListOptions{PageSize: 2}).All()
		}, func(a cisco.AuditLog) string { return strings.TrimPrefix(fmt.Sprint(a.NewAttributes["name"]), "Demo_") }),
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(good) },
		empty:        page(0, 0, ""),
		prefix:       `{"version":"v1.2.0","metadata":{"links":{"self":"x"},"results":{"total":2}},"data":[`,
		urlPart:      "/v1/audit_logs",
		key:          func(r *http.Request) string { return or(r.URL.Query().Get("offset"), "0") },
		// A body that is not the document's envelope.
		bodies: []body{
			{"empty object", `{}`, "$.metadata"},
			{"null", `null`, "$"},
			{"no metadata", `{"version":"v1.2.0","data":[` + rec(1) + `]}`, "$.metadata"},
			{"no links", sub(good, `"links":{"self":"`+listURL+`?limit=2&offset=0"},`, ``), "$.metadata.links"},
			{"no results", `{"version":"v1.2.0","metadata":{"links":{"self":"x"}},"data":[]}`, "$.metadata.results"},
			{"no total", sub(good, `"total":2,`, ``), "$.metadata.results.total"},
			{"no data", `{"version":"v1.2.0","metadata":{"links":{"self":"x"},"results":{"total":0}}}`, "$.data"},
			{"an object where data's array belongs", sub(good, `"data":[`, `"data":{"items":[`) + "}", "$.data"},
			{"null where data's array belongs", sub(good, `"data":[`+rec(1)+`,`+rec(2)+`]`, `"data":null`), "$.data"},
			{"a string where the total belongs", sub(good, `"total":2`, `"total":"two"`), "$.metadata.results.total"},
			{"a negative total", sub(good, `"total":2`, `"total":-1`), "$.metadata.results.total"},
			{"a string where the index belongs", sub(good, `"index":0`, `"index":"0"`), "$.metadata.results.index"},
			{"a number where the next link belongs", sub(good, `?limit=2&offset=0"}`, `?limit=2&offset=0","next":500}`), "$.metadata.links.next"},
			{"a number where a record belongs", sub(good, `"data":[`, `"data":[7,`), "$.data[0]"},
			{"a record without created_at", sub(good, `"created_at":"2022-03-18T11:40:02Z",`, ``), "$.data[1].created_at"},
			{"a number where created_at belongs", sub(good, `"2022-03-18T11:40:02Z"`, `1647603602`), "$.data[1].created_at"},
			{"a string that is no time", sub(good, `"2022-03-18T11:40:02Z"`, `"yesterday at noon"`), "$.data[1].created_at"},
			{"an array where old_attributes belongs", sub(good, `"old_attributes":{"name":null}`, `"old_attributes":[1]`), "$.data[0].old_attributes"},
		},
		// A page that contradicts what the walk knows ends it, after the
		// events of the pages before: no walk cut short in silence, none
		// that never ends. A full last page may link to the empty page at
		// the total: that ends the walk, with every record.
		scripts: []script{
			{name: "an empty page with a next link", page: byKey(map[string]string{"0": first, "2": page(2, 1000, nextAt(4))}),
				path: "$.metadata.links.next", events: 2, ids: "1,2", requests: 2},
			{name: "an empty page before the total", page: byKey(map[string]string{"0": first, "2": page(2, 1000, "")}),
				path: "$.data", events: 2, ids: "1,2", requests: 2},
			{name: "an empty page, the total gone", page: byKey(map[string]string{"0": first, "2": page(2, 0, "")}),
				path: "$.data", events: 2, ids: "1,2", requests: 2},
			{name: "an empty object after total 1000", page: byKey(map[string]string{"0": first, "2": `{}`}),
				path: "$.metadata", events: 2, ids: "1,2", requests: 2},
			{name: "a next link to the same offset", page: byKey(map[string]string{"0": page(0, 1000, nextAt(0), rec(1), rec(2))}),
				path: "$.metadata.links.next", events: 0, requests: 1},
			{name: "a next link backwards", page: byKey(map[string]string{"0": first, "2": page(2, 1000, nextAt(1), rec(3), rec(4))}),
				path: "$.metadata.links.next", events: 2, ids: "1,2", requests: 2},
			{name: "a next link past the total", page: byKey(map[string]string{"0": page(0, 4, nextAt(5), rec(1), rec(2))}),
				path: "$.metadata.links.next", events: 0, requests: 1},
			{name: "a next link without a readable offset", page: byKey(map[string]string{"0": page(0, 4, "BASE/v1/audit_logs?limit=2&offset=two", rec(1), rec(2))}),
				path: "$.metadata.links.next", events: 0, requests: 1},
			{name: "a next link to the total ends", page: byKey(map[string]string{"0": page(0, 4, nextAt(2), rec(1), rec(2)),
				"2": page(2, 4, nextAt(4), rec(3), rec(4)), "4": page(4, 4, "")}), events: 4, ids: "1,2,3,4", requests: 3},
			// A new next link each time, with the same records or with
			// empty pages, forever: stopped at the second page.
			endless("the same records under new next links", false, "$.data"),
			endless("empty pages under new next links", true, "$.metadata.links.next"),
			// Records the offsets pushed from one page into the next (one
			// arrived at the head after the first page, and the total is
			// one higher) are dropped (cisco's TestTwinsAtAPageBoundaryKept
			// has the twins that are not).
			{name: "records shifted by one arrival", page: byKey(map[string]string{"0": page(0, 5, nextAt(2), rec(9), rec(8)),
				"2": page(2, 6, nextAt(4), rec(8), rec(7)), "4": page(4, 6, "", rec(6), rec(5))}), events: 5, ids: "9,8,7,6,5", requests: 3},
			// Pages that all say they are the first (index 0).
			{name: "the same records, a new next link each time", page: func(_ string, n int) string {
				return page(0, 1_000_000_000, nextAt(2*n), rec(1), rec(2))
			}, path: "$.data", events: 2, ids: "1,2", requests: 2},
			{name: "the same next link forever", page: func(string, int) string { return page(0, 1_000_000_000, nextAt(2), rec(1), rec(2)) },
				path: "$.metadata.links.next", events: 2, ids: "1,2", requests: 2},
			{name: "empty pages from the first, a new next link each time", page: func(_ string, n int) string { return page(0, 1000, nextAt(2*n)) },
				path: "$.metadata.links.next", events: 0, requests: 1},
		},
	}
}

func entrustVendor() *vendor {
	since := day("2024-06-01")
	// ev is a record with id n, at since plus n seconds.
	ev := func(n int) string {
		return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","eventCategory":"AUTHENTICATION","eventOutcome":"SUCCESS","eventType":"AuthenticationSuccessEvent","subjectName":"u%d"}`,
			n, since.Add(time.Duration(n)*time.Second).Format("2006-01-02T15:04:05.000Z"), n)
	}
	page := func(next string, results ...string) string {
		return `{"results":[` + strings.Join(results, ",") + `],"paging":{"nextCursor":` + cursor(next) + `}}`
	}
	good := ev(1)
	mk := maker[*entrust.Client](func(arg string, opts []auditclient.Option) (*entrust.Client, error) {
		return entrust.NewClient(or(arg, "unused.invalid"), entrustAppID, entrustSecret, opts...)
	})
	o := &entrust.ListOptions{Since: since, Until: day("2024-06-02"), PageSize: 2}
	return &vendor{
		name:    "entrust",
		secrets: []string{entrustSecret, entrustToken},
		events:  mk.events(func(ctx context.Context, c *entrust.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:    lister(mk, func(ctx context.Context, c *entrust.Client) (*entrust.Page, error) { return c.ListPage(ctx, o) }),
		pages: pager(mk, func(ctx context.Context, c *entrust.Client) iter.Seq2[entrust.AuditEvent, error] {
			return c.Pages(ctx, o).All()
		},
			func(e entrust.AuditEvent) string { return e.SubjectName }),
		isAuth: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/adminapi/authenticate") },
		auth: func(w http.ResponseWriter, _ *http.Request) {
			now := time.Now().UTC()
			writeJSON(w, http.StatusOK, []byte(`{"authToken":"`+entrustToken+`","creationTime":"`+now.Format(time.RFC3339)+
				`","expirationTime":"`+now.Add(15*time.Minute).Format(time.RFC3339)+`"}`))
		},
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page("", ev(1), ev(2))) },
		empty:        page(""),
		prefix:       `{"paging":{"nextCursor":null},"results":[`,
		urlPart:      "/api/web/v2/reports/auditeventspaged",
		// A body that is not a Page.
		bodies: []body{
			{"empty object", `{}`, "$.results"},
			{"null", `null`, "$"},
			{"only paging", `{"paging":{"nextCursor":null}}`, "$.results"},
			{"paging missing", `{"results":[` + good + `]}`, "$.paging"},
			{"paging null", `{"results":[` + good + `],"paging":null}`, "$.paging"},
			{"paging an array", `{"results":[` + good + `],"paging":[]}`, "$.paging"},
			{"results null", `{"results":null,"paging":{"nextCursor":null}}`, "$.results"},
			{"results an object", `{"results":{"0":` + good + `},"paging":{"nextCursor":null}}`, "$.results"},
			{"results an object around the array", `{"results":{"items":[` + good + `]},"paging":{"nextCursor":null}}`, "$.results"},
			{"nextCursor a number", `{"results":[` + good + `],"paging":{"nextCursor":5}}`, "$.paging.nextCursor"},
			{"nextCursor an object", `{"results":[` + good + `],"paging":{"nextCursor":{"c":"x"}}}`, "$.paging.nextCursor"},
			{"record an empty object", page("", good, `{}`), "$.results[1].eventTime"},
			{"record null", page("", good, `null`), "$.results[1]"},
			{"record a number", page("", `3`), "$.results[0]"},
			{"eventTime a number", page("", `{"id":"x","eventTime":1717200000}`), "$.results[0].eventTime"},
			{"eventTime not a time", page("", `{"id":"x","eventTime":"June"}`), "$.results[0].eventTime"},
			{"subject a number", page("", sub(good, `"subjectName":"u1"`, `"subject":12`)), "$.results[0].subject"},
			{"eventVersion a boolean", page("", sub(good, `}`, `,"eventVersion":true}`)), "$.results[0].eventVersion"},
		},
		scripts: append(cursorScripts(page, ev, "u1,u2", "$.paging.nextCursor", entrust.MaxStalledPages),
			// An empty page that still names a cursor does not end the walk.
			script{name: "an empty page with a cursor", page: func(_ string, n int) string {
				return []string{page("a", ev(1), ev(2)), page("b"), page("", ev(3))}[min(n, 3)-1]
			}, events: 3, ids: "u1,u2,u3"}),
		// The tenant given as a URL, and WithBaseURL (which wins over the
		// tenant), is the tenant's origin, with an optional proxy prefix;
		// a base URL already ending with /api, /api/web, /api/web/v1 or
		// /api/web/v2 is not doubled. A tenant given as a host is
		// https://host (WithBaseURL takes URLs only).
		bases: map[string][]string{
			"https://example.us.trustedauth.com": {"https://example.us.trustedauth.com", "https://example.us.trustedauth.com/",
				"example.us.trustedauth.com", " example.us.trustedauth.com/ ", "https://example.us.trustedauth.com/api",
				"https://example.us.trustedauth.com/api/", "https://example.us.trustedauth.com/api/web",
				"https://example.us.trustedauth.com/api/web/v2", "https://example.us.trustedauth.com/API/Web/V1"},
			"https://gw.example.com:8443/entrust": {"gw.example.com:8443/entrust/api", "https://gw.example.com:8443/entrust",
				"https://gw.example.com:8443/entrust/api", "https://gw.example.com:8443/entrust/api/web/v2/"},
			// A host called api is a host; only whole trailing segments count.
			"https://api":                  {"https://api"},
			"https://gw.example.com/myapi": {"https://gw.example.com/myapi"},
		},
		paths:  []string{"POST /api/web/v1/adminapi/authenticate", "POST /api/web/v2/reports/auditeventspaged"},
		argToo: true, urlOnly: true,
		fake: func(t *testing.T, rewrite func([]byte) []byte) (auditclient.Iterator, []string, []string) {
			fake := audittest.StartEntrust(t, audittest.EntrustOptions{
				Events: audittest.GenerateEntrustEvents(30, 5, dataEnd), Faults: walktest.FaultMix(5),
				Rewrite: when(func(r *http.Request) bool {
					search, _ := io.ReadAll(r.Body)
					return strings.Contains(string(search), `"cursor"`)
				}, rewrite),
			})
			c, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret(), walktest.FastOptions("")...)
			if err != nil {
				t.Fatal(err)
			}
			return c.Events(context.Background(), &entrust.ListOptions{PageSize: 10}, nil), walktest.CompactAll(t, fake.Events()[:10]), []string{fake.SharedSecret()}
		},
		fakeBodies: []fakeBody{
			{"empty object", "$.results", is(`{}`)},
			{"paging null", "$.paging", cut(`"paging":`, `"paging":null}`)},
			{"results an object", "$.results", func(b []byte) []byte {
				s := sub(string(b), `"results":[`, `"results":{"list":[`)
				i := strings.LastIndex(s, `],"paging":`)
				return []byte(s[:i] + `]}` + s[i+1:])
			}},
		},
	}
}

func instavmVendor() *vendor {
	since := day("2025-05-14")
	// item is a record created i minutes after 2025-05-14T08:00:00Z.
	item := func(i int) string {
		return fmt.Sprintf(`{"id":"aud_%04d","created_at":"2025-05-14T08:%02d:00.000Z","user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c",`+
			`"source":"api","event_group":"vm","event_type":"vm.create","status":"success"}`, i, i)
	}
	page := func(next string, items ...string) string {
		return `{"items":[` + strings.Join(items, ",") + `],"next_cursor":` + cursor(next) + `}`
	}
	good := item(1)
	mk := maker[*instavm.Client](func(_ string, opts []auditclient.Option) (*instavm.Client, error) {
		return instavm.NewClient(instavmKey, opts...)
	})
	o := &instavm.ListOptions{Since: since, Until: day("2025-05-15"), PageSize: 2}
	// The first page is topped up past events created after Until: an
	// hour's window, before the records.
	early := mk.events(func(ctx context.Context, c *instavm.Client) auditclient.Iterator {
		return c.Events(ctx, &instavm.ListOptions{Since: since, Until: since.Add(time.Hour), PageSize: 2}, nil)
	})
	return &vendor{
		name:    "instavm",
		secrets: []string{instavmKey},
		events:  mk.events(func(ctx context.Context, c *instavm.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:    lister(mk, func(ctx context.Context, c *instavm.Client) (*instavm.Page, error) { return c.ListPage(ctx, nil) }),
		pages: pager(mk, func(ctx context.Context, c *instavm.Client) iter.Seq2[instavm.AuditEvent, error] {
			return c.Pages(ctx, &instavm.ListOptions{PageSize: 2}).All()
		}, func(e instavm.AuditEvent) string { return e.ID }),
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page("", item(1), item(2))) },
		empty:        page(""),
		prefix:       `{"next_cursor":null,"items":[`,
		urlPart:      "/v1/audit/events",
		// A body that is not the document's PageResponse.
		bodies: []body{
			{"empty object", `{}`, "$.items"},
			{"null", `null`, "$"},
			{"only next_cursor", `{"next_cursor":null}`, "$.items"},
			{"items null", `{"items":null,"next_cursor":null}`, "$.items"},
			{"items an object", `{"items":{"0":` + good + `},"next_cursor":null}`, "$.items"},
			{"items an object around the array", `{"items":{"data":[` + good + `]},"next_cursor":null}`, "$.items"},
			{"items a string", `{"items":"[]"}`, "$.items"},
			{"next_cursor a number", `{"items":[` + good + `],"next_cursor":5}`, "$.next_cursor"},
			{"next_cursor an object", `{"items":[` + good + `],"next_cursor":{"id":"x"}}`, "$.next_cursor"},
			{"item an empty object", page("", good, `{}`), "$.items[1].id"},
			{"item null", page("", good, `null`), "$.items[1]"},
			{"item a number", page("", `7`), "$.items[0]"},
			{"created_at a number", page("", `{"id":"aud_x","created_at":1747210272}`), "$.items[0].created_at"},
			{"created_at missing", page("", `{"id":"aud_x","event_type":"vm.create"}`), "$.items[0].created_at"},
			{"created_at not a time", page("", `{"id":"aud_x","created_at":"today"}`), "$.items[0].created_at"},
			{"user_id a string", page("", sub(good, `"user_id":4821`, `"user_id":"4821"`)), "$.items[0].user_id"},
			{"latency_ms a string", page("", sub(good, `}`, `,"latency_ms":"fast"}`)), "$.items[0].latency_ms"},
			{"status an object", page("", good, sub(item(2), `"status":"success"`, `"status":{}`)), "$.items[1].status"},
		},
		scripts: append(cursorScripts(page, item, "aud_0001,aud_0002", "$.next_cursor", instavm.MaxStalledPages),
			// A server sending the same too-new events under new cursors,
			// or under the same cursor, does not hold the top-up for ever.
			script{name: "the top-up, same events, new cursor", page: func(_ string, n int) string { return page(fmt.Sprintf("c%d", n), item(1), item(2)) }, walk: early,
				path: "$.next_cursor", is: auditclient.ErrNoProgress, ids: "aud_0001,aud_0002", max: 2 * (instavm.MaxStalledPages + 3)},
			script{name: "the top-up, a cursor handed out again", page: func(string, int) string { return page("same", item(1), item(2)) }, walk: early,
				is: pagination.ErrRepeatedToken, ids: "aud_0001,aud_0002"},
			// An empty page that still names a next cursor does not end
			// the walk in silence: the cursor is followed.
			script{name: "an empty page with a cursor", page: func(_ string, n int) string {
				return []string{page("a", item(4), item(3)), page("b"), page("c", item(2), item(1)), page("", item(0))}[min(n, 4)-1]
			}, events: 5, ids: "aud_0004,aud_0003,aud_0002,aud_0001,aud_0000"}),
		// The base URL is the origin (with an optional proxy prefix); a
		// base URL already ending with /v1 is not doubled.
		bases: map[string][]string{
			"https://api.instavm.io": {"", "https://api.instavm.io", "https://api.instavm.io/", "https://api.instavm.io/v1",
				"https://api.instavm.io/v1/", "https://api.instavm.io/V1"},
			"https://gw.example.com:8443/instavm": {"https://gw.example.com:8443/instavm", "https://gw.example.com:8443/instavm/v1"},
			// A host called v1 is a host; only a whole trailing segment counts.
			"https://v1":                   {"https://v1"},
			"https://gw.example.com/apiv1": {"https://gw.example.com/apiv1"},
		},
		paths: []string{"GET /v1/audit/events"},
		fake: func(t *testing.T, rewrite func([]byte) []byte) (auditclient.Iterator, []string, []string) {
			fake := audittest.StartInstavm(t, audittest.InstavmOptions{
				Events: audittest.GenerateInstavmEvents(30, 5, day("2025-05-14").Add(12*time.Hour)), Faults: walktest.FaultMix(3),
				Rewrite: when(func(r *http.Request) bool { return r.URL.Query().Get("cursor") != "" }, rewrite),
			})
			c, err := instavm.NewClient(fake.APIKey(), walktest.FastOptions(fake.URL())...)
			if err != nil {
				t.Fatal(err)
			}
			return c.Events(context.Background(), &instavm.ListOptions{PageSize: 10}, nil), walktest.CompactAll(t, fake.Events()[:10]), []string{fake.APIKey()}
		},
		fakeBodies: []fakeBody{
			{"empty object", "$.items", is(`{}`)},
			{"null", "$", is(`null`)},
			{"next_cursor a number", "$.next_cursor", cut(`"next_cursor":`, `"next_cursor":42}`)},
		},
	}
}

func nprintingVendor() *vendor {
	// rec is a record with id i, at 2024-03-05T11:00:00Z minus i seconds
	// (newest first).
	rec := func(i int) string {
		at := time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Second)
		return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","action":"View","target":"Report","source":"NewsStand","userName":"CORP\\u%d","data":"{}"}`,
			i, at.Format("2006-01-02T15:04:05.000")+"+00:00", i)
	}
	page := func(total, offset, limit int, items ...string) string {
		return fmt.Sprintf(`{"data":{"totalItems":%d,"offset":%d,"limit":%d,"items":[%s]}}`, total, offset, limit, strings.Join(items, ","))
	}
	good := rec(0)
	mk := maker[*nprinting.Client](func(arg string, opts []auditclient.Option) (*nprinting.Client, error) {
		return nprinting.NewClient(or(arg, "http://unused.invalid"), nprintingToken, opts...)
	})
	o := &nprinting.ListOptions{Since: day("2024-03-05"), Until: day("2024-03-06"), PageSize: 2}
	// A page that contradicts what the walk already knows ends it after
	// the events of the pages before: page 1 says totalItems 1000 and
	// page 2 (offset 2, pages of 2) answers page2.
	const total = 1000
	goodPage := func(offset int) string {
		var items []string
		for i := offset; i < min(offset+2, total); i++ {
			items = append(items, rec(i))
		}
		return page(total, offset, 2, items...)
	}
	contradiction := func(name, page2, path string, is error) script {
		return script{name: name, page: func(key string, _ int) string {
			if key == "2" {
				return page2
			}
			off, _ := strconv.Atoi(key)
			return goodPage(off)
		}, path: path, is: is, events: 2, ids: "00,01", errHas: "offset=2"}
	}
	return &vendor{
		name:    "nprinting",
		secrets: []string{nprintingToken},
		events:  mk.events(func(ctx context.Context, c *nprinting.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:    lister(mk, func(ctx context.Context, c *nprinting.Client) (*nprinting.Page, error) { return c.ListPage(ctx, o) }),
		pages: pager(mk, func(ctx context.Context, c *nprinting.Client) iter.Seq2[nprinting.AuditEvent, error] {
			return c.Pages(ctx, &nprinting.ListOptions{PageSize: 2}).All()
		}, func(e nprinting.AuditEvent) string { return e.ID[len(e.ID)-2:] }),
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page(2, 0, 2, rec(1), rec(2))) },
		empty:        page(0, 0, 2),
		prefix:       `{"data":{"totalItems":2,"offset":0,"limit":2,"items":[`,
		urlPart:      "/api/v1/audit/events",
		key:          func(r *http.Request) string { return r.URL.Query().Get("offset") },
		// A body that is not the document's envelope: a missing envelope,
		// an object where the records array belongs, a string where a
		// number or a time belongs, a record that is not one.
		bodies: []body{
			{"empty object", `{}`, "$.data"},
			{"null", `null`, "$"},
			{"data null", `{"data":null}`, "$.data"},
			{"data an array", `{"data":[` + good + `]}`, "$.data"},
			{"data a string", `{"data":"none"}`, "$.data"},
			{"data empty", `{"data":{}}`, "$.data.items"},
			{"items missing", `{"data":{"totalItems":1,"offset":0,"limit":2}}`, "$.data.items"},
			{"items null", `{"data":{"totalItems":1,"items":null}}`, "$.data.items"},
			{"items an object", `{"data":{"totalItems":1,"items":{"0":` + good + `}}}`, "$.data.items"},
			{"items an object around the array", `{"data":{"totalItems":1,"items":{"list":[` + good + `]}}}`, "$.data.items"},
			{"totalItems missing", `{"data":{"offset":0,"limit":2,"items":[` + good + `]}}`, "$.data.totalItems"},
			{"totalItems a string", `{"data":{"totalItems":"1000","items":[` + good + `]}}`, "$.data.totalItems"},
			{"totalItems null", `{"data":{"totalItems":null,"items":[` + good + `]}}`, "$.data.totalItems"},
			{"totalItems negative", `{"data":{"totalItems":-1,"items":[` + good + `]}}`, "$.data.totalItems"},
			{"totalItems a fraction", `{"data":{"totalItems":1.5,"items":[` + good + `]}}`, "$.data.totalItems"},
			{"offset a string", `{"data":{"totalItems":1,"offset":"0","items":[` + good + `]}}`, "$.data.offset"},
			{"limit an object", `{"data":{"totalItems":1,"limit":{},"items":[` + good + `]}}`, "$.data.limit"},
			{"record an empty object", page(2, 0, 2, good, `{}`), "$.data.items[1].eventTime"},
			{"record null", page(2, 0, 2, good, `null`), "$.data.items[1]"},
			{"record a number", page(2, 0, 2, `5`, good), "$.data.items[0]"},
			{"record an array", page(1, 0, 2, `[`+good+`]`), "$.data.items[0]"},
			{"eventTime a number", page(2, 0, 2, good, `{"id":"x","eventTime":1718794800}`), "$.data.items[1].eventTime"},
			{"eventTime null", page(1, 0, 2, `{"id":"x","eventTime":null}`), "$.data.items[0].eventTime"},
			{"eventTime not a time", page(1, 0, 2, `{"id":"x","eventTime":"yesterday"}`), "$.data.items[0].eventTime"},
		},
		scripts: []script{
			contradiction("empty object", `{}`, "$.data", nil),
			contradiction("null", `null`, "$", nil),
			contradiction("empty list", page(total, 2, 2), "$.data.items", pagination.ErrInconsistentPage),
			contradiction("another total", sub(goodPage(2), `"totalItems":1000`, `"totalItems":999`), "$.data.totalItems", pagination.ErrInconsistentPage),
			contradiction("the total dropped to what was read", page(2, 2, 2), "$.data.totalItems", pagination.ErrInconsistentPage),
			contradiction("a short page", page(total, 2, 2, rec(2)), "$.data.items", pagination.ErrInconsistentPage),
			contradiction("page 1 again (offset ignored)", goodPage(0), "$.data.items", auditclient.ErrNoProgress),
			{name: "the same records at every offset", page: func(key string, _ int) string {
				off, _ := strconv.Atoi(key)
				return page(1_000_000_000, off, 2, rec(1), rec(2))
			}, path: "$.data.items", is: auditclient.ErrNoProgress, events: 2, ids: "01,02", max: 20},
			{name: "the same offset forever", page: func(string, int) string { return page(1_000_000_000, 0, 2, rec(1), rec(2)) },
				path: "$.data.items", is: auditclient.ErrNoProgress, events: 2, ids: "01,02", max: 20},
			{name: "empty pages", page: func(key string, _ int) string {
				off, _ := strconv.Atoi(key)
				return page(1000, off, 2)
			}, path: "$.data.items", is: pagination.ErrInconsistentPage, max: 2},
			// Records past the total on the first page: a server whose
			// totalItems is wrong would otherwise end every walk after its
			// first page.
			{name: "records past the total", page: func(string, int) string { return page(0, 0, 2, rec(0), rec(1)) }, path: "$.data.items"},
		},
		// The server URL (NewClient's serverURL, or WithBaseURL) is the
		// origin (with an optional proxy prefix); a URL already ending with
		// /api/v1 or /api is not doubled.
		bases: map[string][]string{
			"https://np.example.com:4993": {"https://np.example.com:4993", "https://np.example.com:4993/", "np.example.com",
				"https://np.example.com:4993/api/v1", "https://np.example.com:4993/api/v1/", "https://np.example.com:4993/API/V1",
				"https://np.example.com:4993/api"},
			"https://gw.example.com/nprinting": {"https://gw.example.com/nprinting", "https://gw.example.com/nprinting/",
				"https://gw.example.com/nprinting/api/v1", "https://gw.example.com/nprinting/api"},
			// A host called api is a host, not a path; only a whole
			// trailing segment counts.
			"https://api": {"https://api"}, "https://api.example.com": {"https://api.example.com"},
			"https://gw.example.com/myapi": {"https://gw.example.com/myapi"},
		},
		paths:  []string{"GET /api/v1/audit/events"},
		argToo: true,
		// The second page of a walk answered {}, an empty list or an
		// object for the items.
		fake: func(t *testing.T, rewrite func([]byte) []byte) (auditclient.Iterator, []string, []string) {
			fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{
				Events: audittest.GenerateNPrintingEvents(20, 3, dataEnd), Faults: walktest.FaultMix(11),
				Rewrite: when(func(r *http.Request) bool { return r.URL.Query().Get("offset") == "5" }, rewrite),
			})
			c, err := nprinting.NewClient(fake.URL(), fake.Token(), walktest.FastOptions("")...)
			if err != nil {
				t.Fatal(err)
			}
			return c.Events(context.Background(), &nprinting.ListOptions{PageSize: 5}, nil), walktest.CompactAll(t, fake.Events()[:5]), []string{fake.Token()}
		},
		fakeBodies: []fakeBody{
			{"empty object", "$.data", is(`{}`)},
			{"empty list, same total", "$.data.items", func(b []byte) []byte {
				var p struct{ Data struct{ TotalItems int } }
				if json.Unmarshal(b, &p) != nil {
					return b
				}
				return []byte(page(p.Data.TotalItems, 5, 5))
			}},
			{"items an object", "$.data.items", func(b []byte) []byte {
				s := sub(string(b), `"items":[`, `"items":{"list":[`)
				return []byte(strings.TrimSuffix(s, `}}`) + `}}}`)
			}},
		},
	}
}

func taniumVendor() *vendor {
	entry := func(details, modified string) string {
		return `{"object_id":42,"details":"` + details + `","creation_time":"2023-01-01T22:45:02Z",` +
			`"modification_time":"` + modified + `","last_modified_by":"CORP\\admin","modifier_user_id":7,` +
			`"mod_user":{"id":7,"name":"admin","domain":"CORP","display_name":"Admin"},"type":1}`
	}
	entries := "[" + entry("name=Installed Apps", "2023-02-11T09:00:10Z") + "," + entry("name=Running Apps", "2023-02-11T10:00:10Z") + "]"
	wrap := func(entries string) string {
		return `{"data":{"id":42,"type":"saved_question_audit","start_time":"","end_time":"","entries":` + entries + `}}`
	}
	mk := maker[*tanium.Client](func(_ string, opts []auditclient.Option) (*tanium.Client, error) {
		return tanium.NewClient("https://unused.invalid", taniumToken, opts...)
	})
	o := &tanium.ListOptions{Objects: []tanium.Object{{Type: tanium.SavedQuestion, ID: "42"}}, Since: day("2023-02-11"), Until: day("2023-02-12")}
	return &vendor{
		name:         "tanium",
		secrets:      []string{taniumToken},
		events:       mk.events(func(ctx context.Context, c *tanium.Client) auditclient.Iterator { return c.Events(ctx, o, nil) }),
		list:         lister(mk, func(ctx context.Context, c *tanium.Client) (*tanium.Page, error) { return c.ListPage(ctx, o) }),
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(wrap(entries)) },
		empty:        wrap(`[]`),
		prefix:       `{"data":{"id":42,"type":"saved_question_audit","entries":[`,
		urlPart:      "/api/v2/audit_logs/saved_questions/42",
		bodies: []body{
			{"empty object", `{}`, "$.data"},
			{"null", `null`, "$.data"},
			{"an object where the entries belong", wrap(`{"list":` + entries + `}`), "$.data.entries"},
			{"a string where a number belongs", sub(wrap(entries), `"object_id":42`, `"object_id":"forty-two"`), "$.data.entries[0].object_id"},
		},
	}
}

// dataEnd is the end of the fakes' generated data sets.
var dataEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
