package nprinting_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
)

const (
	testServer = "https://nprinting.example.com:4993"
	testToken  = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdWRpdG9yIn0.c2lnbmF0dXJlLXMzY3IzdA"
	eventsURL  = testServer + "/api/v1/audit/events"
)

// mocked returns a client whose HTTP goes to an httpmock transport, with
// retries off so each call is one request.
func mocked(t *testing.T, opts ...auditclient.Option) (*nprinting.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return walktest.Must(nprinting.NewClient(testServer, testToken, walktest.Mocked(mt, opts...)...))(t), mt
}

// docExample is one of the example responses kept verbatim in audittest.
func docExample(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := audittest.NPrintingDocExamples()[name]
	if !ok {
		t.Fatalf("no document example %q", name)
	}
	return b
}

const emptyPage = `{"data":{"totalItems":0,"offset":0,"limit":50,"items":[]}}`

// The query holds each option set, as the API spells it, and nothing else
// (the document's example requests are what ListOptions produce); the JWT
// is sent as a bearer token (once, when given with its "Bearer " prefix),
// without session headers.
func TestListPageSendsExactQuery(t *testing.T) {
	doc := func(name string) string {
		q := walktest.Must(url.Parse(testServer + audittest.NPrintingDocExampleRequests()[name]))(t).Query()
		if q.Get("offset") == "0" {
			q.Del("offset") // the default, not sent
		}
		return q.Encode()
	}
	start, end := time.Date(2020, 9, 15, 11, 59, 8, 0, time.UTC), time.Date(2020, 9, 16, 11, 59, 8, 0, time.UTC)
	const app, user, target = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d", "91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
	for _, tt := range []struct {
		name string
		opts *nprinting.ListOptions
		want string
	}{
		{"none", nil, ""},
		{"offset", &nprinting.ListOptions{Offset: 6}, "offset=6"},
		{"limit", &nprinting.ListOptions{PageSize: 1}, "limit=1"},
		{"start (the document's example)", &nprinting.ListOptions{Since: start}, "start=2020-09-15T11%3A59%3A08Z"},
		{"end", &nprinting.ListOptions{Until: end}, "end=2020-09-16T11%3A59%3A08Z"},
		{"appId", &nprinting.ListOptions{AppID: app}, "appId=" + app},
		{"userId", &nprinting.ListOptions{UserID: user}, "userId=" + user},
		{"targetId", &nprinting.ListOptions{TargetID: target}, "targetId=" + target},
		{"target", &nprinting.ListOptions{Target: "Task"}, "target=Task"},
		{"dataType", &nprinting.ListOptions{DataType: "PublishTask"}, "dataType=PublishTask"},
		{"target with spaces and symbols", &nprinting.ListOptions{Target: "R&D <Lab>"}, "target=R%26D+%3CLab%3E"},
		{"start in another zone is sent in UTC, rounded down", &nprinting.ListOptions{Since: time.Date(2024, 6, 19, 2, 0, 0, 999_000_000, time.FixedZone("CET", 2*3600))}, "start=2024-06-19T00%3A00%3A00Z"},
		{"end with a fraction is rounded up", &nprinting.ListOptions{Until: time.Date(2024, 6, 19, 12, 0, 0, 1, time.UTC)}, "end=2024-06-19T12%3A00%3A01Z"},
		{"the document's list request", &nprinting.ListOptions{Offset: 6, PageSize: 1}, doc("list")},
		{"the document's fixture request", &nprinting.ListOptions{PageSize: 50}, doc("fixture")},
		{"all", &nprinting.ListOptions{Offset: 100, PageSize: 50, Since: start, Until: end, AppID: app, UserID: user, TargetID: target, Target: "User", DataType: "Authentication"},
			"appId=" + app + "&dataType=Authentication&end=2020-09-16T11%3A59%3A08Z&limit=50&offset=100&start=2020-09-15T11%3A59%3A08Z&target=User&targetId=" + target + "&userId=" + user},
	} {
		for _, token := range []string{testToken, "Bearer " + testToken} {
			got := walktest.Sent(t, emptyPage, func(rt http.RoundTripper) error {
				_, err := walktest.Must(nprinting.NewClient(testServer, token, walktest.Mocked(rt)...))(t).ListPage(context.Background(), tt.opts)
				return err
			})
			if h := got.Header; got.URL.RawQuery != tt.want || got.Method != "GET" || got.URL.Path != "/api/v1/audit/events" || got.URL.Host != "nprinting.example.com:4993" ||
				h.Get("Authorization") != "Bearer "+testToken || h.Get("Accept") != "application/json" || h.Get("Cookie") != "" || h.Get("X-XSRF-TOKEN") != "" {
				t.Errorf("%s: %s %s %v; want query %q, the JWT as a bearer token, no session headers", tt.name, got.Method, got.URL, h, tt.want)
			}
		}
	}
}

// Pages sends the page size on every request and steps offsets by it.
func TestPagesSendOffsetAndLimit(t *testing.T) {
	c, mt := mocked(t)
	var queries []string
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		off, items := r.URL.Query().Get("offset"), []string{}
		if n := map[string]int{"": 0, "2": 2}[off]; off == "" || off == "2" {
			for i := n; i < n+2; i++ {
				items = append(items, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"2024-01-01T00:00:0%d.000+00:00"}`, i, i))
			}
		}
		return httpmock.NewStringResponse(200, `{"data":{"totalItems":4,"offset":0,"limit":2,"items":[`+strings.Join(items, ",")+`]}}`), nil
	})
	n := 0
	for _, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 2, Target: "Task"}).All() {
		if n++; err != nil {
			t.Fatal(err)
		}
	}
	if n != 4 || strings.Join(queries, " ") != "limit=2&target=Task limit=2&offset=2&target=Task" {
		t.Errorf("%d records, queries %q; want 4 records, limit=2 then offset=2", n, queries)
	}
}

// The document's example decodes field by field, as the document prints
// it; the research notes' fixture too: data as an object, a null appId, a
// backslash in a user name; and an unknown member survives.
func TestDecodeDocumentExamples(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, docExample(t, "list")))
	d := walktest.Must(c.ListPage(context.Background(), &nprinting.ListOptions{Offset: 6, PageSize: 1}))(t).Data
	if d.TotalItems != 0 || d.Offset != 6 || d.Limit != 1 || len(d.Items) != 2 {
		t.Fatalf("data = total %d offset %d limit %d items %d; the document says 0, 6, 1 and 2", d.TotalItems, d.Offset, d.Limit, len(d.Items))
	}
	const zero = "00000000-0000-0000-0000-000000000000"
	for i, e := range d.Items {
		walktest.Equal(t, fmt.Sprint("item ", i), []string{e.TargetName, e.TargetID, e.DataType, e.IPAddress, e.Description, e.Source, e.UserName, e.UserID, e.Target, e.AppID, e.Action, e.ID},
			[]string{"targetName", zero, "dataType", "ipAddress", "description", "source", "userName", zero, "target", zero, "action", zero})
		text, isText := e.Data.Text()
		if m, ok := e.Data.Object(); !e.EventTime.Equal(time.Date(2000, 1, 23, 4, 56, 7, 0, time.UTC)) || e.Data.Kind() != nprinting.DataString || string(e.Data.Raw) != `"{}"` ||
			!isText || text != "{}" || !ok || len(m) != 0 || len(e.Extra) != 0 || e.UID() != zero {
			t.Errorf("item %d: time %v, data %v %s (text %q %v, an empty object %v %v), extra %v, uid %q", i, e.EventTime, e.Data.Kind(), e.Data.Raw, text, isText, m, ok, e.Extra, e.UID())
		}
		if !strings.Contains(string(docExample(t, "list")), string(e.Raw)) || !strings.HasPrefix(string(e.Raw), `{`) || !strings.Contains(string(e.Raw), `"targetName" : "targetName"`) {
			t.Errorf("item %d raw is not the item as sent:\n%s", i, e.Raw)
		}
	}

	c, mt = mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(200, strings.Replace(string(docExample(t, "fixture")), `"action": "Login",`, `"action": "Login", "sessionId": 42,`, 1)))
	page := walktest.Must(c.ListPage(context.Background(), nil))(t)
	if page.Data.TotalItems != 2 || page.Data.Limit != 50 || len(page.Data.Items) != 2 {
		t.Fatalf("data = %+v", page.Data)
	}
	a, b := page.Data.Items[0], page.Data.Items[1]
	if a.ID != "6f0e5c1a-8a9b-4c7d-9e21-0a1b2c3d4e5f" || a.UserName != `CORP\jsmith` || a.Target != "Task" || a.TargetName != "Monthly sales publish" ||
		a.AppID != "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" || a.Action != "Update" || a.DataType != "PublishTask" || a.IPAddress != "10.20.30.40" || a.Source != "WebConsole" ||
		!a.EventTime.Equal(time.Date(2024, 3, 5, 9, 14, 22, 0, time.UTC)) {
		t.Errorf("item 0 = %+v", a)
	}
	if b.AppID != "" || b.Data.Kind() != nprinting.DataObject || b.Action != "Login" || b.Description != "Authentication succeeded" {
		t.Errorf("item 1 = %+v", b)
	}
	v, err := b.Data.Value()
	walktest.Equal(t, "item 1 data value", v, map[string]any{"method": "ntlm"})
	if _, ok := b.Data.Text(); ok || err != nil || string(b.Extra["sessionId"]) != "42" || nprinting.ToOCSF(b).Unmapped["sessionId"] != float64(42) {
		t.Errorf("item 1: an object is not text (%v), %v; the unknown member %v, in unmapped %v", ok, err, b.Extra, nprinting.ToOCSF(b).Unmapped)
	}
}

// Error bodies ({"code","message"}, ASP.NET's Message and
// ExceptionMessage, or text) become *APIError with the server's message.
func TestErrorBodies(t *testing.T) {
	coded := func(status int, msg string, is error) walktest.ErrorBody {
		return walktest.ErrorBody{Status: status, Body: fmt.Sprintf(`{"code":%d,"message":%q}`, status, msg), Message: msg, Code: fmt.Sprint(status), Is: is}
	}
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: nprinting.Name, URLSuffix: "/api/v1/audit/events?limit=5", Secrets: []string{testToken}},
		func(rt http.RoundTripper) error {
			_, err := walktest.Must(nprinting.NewClient(testServer, testToken, walktest.Mocked(rt)...))(t).ListPage(context.Background(), &nprinting.ListOptions{PageSize: 5})
			return err
		},
		coded(400, "The value 'x' is not valid for start.", auditclient.ErrBadRequest),
		coded(401, "Authorization has been denied for this request.", auditclient.ErrUnauthorized),
		coded(403, "User has no rights to access the resource", auditclient.ErrForbidden),
		coded(404, "No resource was found", auditclient.ErrNotFound),
		coded(429, "Too many requests.", auditclient.ErrRateLimited),
		walktest.ErrorBody{Status: 500, Body: `{"Message":"An error has occurred.","ExceptionMessage":"Timeout expired"}`, Message: "An error has occurred.", Details: []string{"Timeout expired"}, Is: auditclient.ErrServer},
		walktest.ErrorBody{Status: 503, Body: "Service Unavailable: the audit service is stopped\n<br>", Message: "Service Unavailable: the audit service is stopped", Is: auditclient.ErrServer},
	)
}

// Bad options are refused by Validate, ListPage, Events and Pages alike,
// before anything is sent; Events refuses an offset.
func TestBadOptionsSendNothing(t *testing.T) {
	bad := func(o nprinting.ListOptions, option string) walktest.BadOption[nprinting.ListOptions] {
		return walktest.BadOption[nprinting.ListOptions]{Opts: o, Option: option}
	}
	c, mt := mocked(t)
	walktest.RefusesBadOptions(t, walktest.Surface[nprinting.ListOptions, nprinting.AuditEvent]{Vendor: nprinting.Name, Validate: (*nprinting.ListOptions).Validate, Events: c.Events,
		ListPage: func(ctx context.Context, o *nprinting.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *nprinting.ListOptions) iter.Seq2[nprinting.AuditEvent, error] {
			return c.Pages(ctx, o).All()
		}},
		mt.GetTotalCallCount,
		bad(nprinting.ListOptions{PageSize: -1}, "limit"), bad(nprinting.ListOptions{PageSize: nprinting.MaxLimit + 1}, "limit"),
		bad(nprinting.ListOptions{Offset: -5}, "offset"), bad(nprinting.ListOptions{AppID: "sales-app"}, "appId"),
		bad(nprinting.ListOptions{UserID: "CORP\\jsmith"}, "userId"), bad(nprinting.ListOptions{TargetID: "91c2d3e4f5a64b7c8d9e0f1a2b3c4d5e"}, "targetId"),
		bad(nprinting.ListOptions{Target: " Task"}, "target"), bad(nprinting.ListOptions{DataType: "Publish\nTask"}, "dataType"),
		bad(nprinting.ListOptions{Since: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, "start"),
		bad(nprinting.ListOptions{Until: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "end"),
		bad(nprinting.ListOptions{Order: auditclient.NewestFirst}, "order"), bad(nprinting.ListOptions{Order: auditclient.OldestFirst}, "order"),
		walktest.BadOption[nprinting.ListOptions]{Opts: nprinting.ListOptions{Offset: 10}, Option: "offset", Only: "Events"},
	)
}

// The server (or WithBaseURL, which stands in for it: a fake, a proxy) and
// the token are required, and the server is an https URL (or http to
// loopback, or WithInsecureHTTP); errors never show the token, nor does
// the client's formatting.
func TestNewClientRejectsMissingSettings(t *testing.T) {
	bad := func(name, option, env, value, reason string, new func() (*nprinting.Client, error)) walktest.BadConfig {
		return walktest.BadConfig{Name: name, Option: option, Env: env, Value: value, Reason: reason, New: func() error {
			c, err := new()
			if c != nil {
				return fmt.Errorf("a client: %v", c)
			}
			return err
		}}
	}
	walktest.RefusesBadConfig(t, nprinting.Name, []string{testToken},
		bad("empty token", "token", "NPRINTING_TOKEN", "", "JWT", func() (*nprinting.Client, error) { return nprinting.NewClient(testServer, "") }),
		bad("blank bearer token", "token", "NPRINTING_TOKEN", "", "JWT", func() (*nprinting.Client, error) { return nprinting.NewClient(testServer, "Bearer  ") }),
		bad("empty server", "server", "NPRINTING_SERVER", "", "required", func() (*nprinting.Client, error) { return nprinting.NewClient("", testToken) }),
		bad("blank server", "server", "NPRINTING_SERVER", "", "required", func() (*nprinting.Client, error) { return nprinting.NewClient("  ", testToken) }),
		bad("bad scheme", "server", "NPRINTING_SERVER", `"ftp://nprinting.example.com"`, "scheme", func() (*nprinting.Client, error) {
			return nprinting.NewClient("ftp://nprinting.example.com", testToken)
		}),
		bad("plain http to another host", "server", "NPRINTING_SERVER", `"http://10.0.0.9:4993"`, "WithInsecureHTTP", func() (*nprinting.Client, error) { return nprinting.NewClient("http://10.0.0.9:4993", testToken) }),
		bad("nil NTLM hook", "ntlm", "", "", "NTLM", func() (*nprinting.Client, error) { return nprinting.NewNTLMClient(testServer, nil) }),
		bad("NTLM without a server", "server", "NPRINTING_SERVER", "", "required", func() (*nprinting.Client, error) {
			return nprinting.NewNTLMClient("", func(next http.RoundTripper) http.RoundTripper { return next })
		}),
		bad("a WithBaseURL of the wrong form", "BaseURL (WithBaseURL)", "", `"ftp://nprinting.example.com"`, "", func() (*nprinting.Client, error) {
			return nprinting.NewClient(testServer, testToken, auditclient.WithBaseURL("ftp://nprinting.example.com"))
		}),
	)
	if _, err := nprinting.NewClient("", testToken, auditclient.WithBaseURL("http://127.0.0.1:1")); !errors.Is(err, auditclient.ErrBadConfig) {
		t.Errorf("WithBaseURL without a server: %v, want the server required, as for Entrust and Tanium", err)
	}
	c, err := nprinting.NewClient(testServer, testToken, auditclient.WithBaseURL("http://127.0.0.1:1"))
	if err != nil || c.HTTP().BaseURL().String() != "http://127.0.0.1:1" {
		t.Errorf("WithBaseURL and a server: %v %v, want WithBaseURL's", c, err)
	}
	c, _ = mocked(t)
	for _, s := range []string{c.String(), walktest.FmtAll(c), walktest.FmtAll(c.HTTP())} {
		if strings.Contains(s, testToken) || !strings.Contains(s, "nprinting") {
			t.Errorf("client formatting: %s", s)
		}
	}
}

// The server may be a host, a host and port, or a URL, with or without
// the API's path; requests go under a base path.
func TestServerForms(t *testing.T) {
	for in, want := range map[string]string{
		"nprinting.example.com":                      "https://nprinting.example.com:4993",
		"nprinting.example.com:8443":                 "https://nprinting.example.com:8443",
		"[2001:db8::1]":                              "https://[2001:db8::1]:4993",
		"https://nprinting.example.com:4993":         "https://nprinting.example.com:4993",
		"https://nprinting.example.com:4993/":        "https://nprinting.example.com:4993",
		"https://nprinting.example.com:4993/api/v1/": "https://nprinting.example.com:4993",
		"https://gateway.example.com/nprinting":      "https://gateway.example.com/nprinting",
		"https://nprinting.example.com:4993/api":     "https://nprinting.example.com:4993",
		" http://10.0.0.5:4993 ":                     "http://10.0.0.5:4993",
	} {
		// Plain http to a host that is not loopback needs the opt-in.
		if c, err := nprinting.NewClient(in, testToken, auditclient.WithInsecureHTTP()); err != nil || c.HTTP().BaseURL().String() != want {
			t.Errorf("%q: %v %v, want base %q", in, c, err, want)
		}
	}
	c, mt := mocked(t, auditclient.WithBaseURL("https://gateway.example.com/nprinting"))
	mt.RegisterResponder("GET", "https://gateway.example.com/nprinting/api/v1/audit/events", httpmock.NewStringResponder(200, emptyPage))
	walktest.Must(c.ListPage(context.Background(), nil))(t)
}
