package nprinting_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

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
	base := []auditclient.Option{
		auditclient.WithHTTPClient(&http.Client{Transport: mt}),
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
	}
	c, err := nprinting.NewClient(testServer, testToken, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
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

func TestListPageSendsExactQuery(t *testing.T) {
	start := time.Date(2020, 9, 15, 11, 59, 8, 0, time.UTC)
	end := time.Date(2020, 9, 16, 11, 59, 8, 0, time.UTC)
	cet := time.FixedZone("CET", 2*3600)
	const app, user, target = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d", "91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
	tests := []struct {
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
		{"start in another zone is sent in UTC, rounded down", &nprinting.ListOptions{Since: time.Date(2024, 6, 19, 2, 0, 0, 999_000_000, cet)}, "start=2024-06-19T00%3A00%3A00Z"},
		{"end with a fraction is rounded up", &nprinting.ListOptions{Until: time.Date(2024, 6, 19, 12, 0, 0, 1, time.UTC)}, "end=2024-06-19T12%3A00%3A01Z"},
		{"all", &nprinting.ListOptions{Offset: 100, PageSize: 50, Since: start, Until: end, AppID: app, UserID: user, TargetID: target, Target: "User", DataType: "Authentication"},
			"appId=" + app + "&dataType=Authentication&end=2020-09-16T11%3A59%3A08Z&limit=50&offset=100&start=2020-09-15T11%3A59%3A08Z&target=User&targetId=" + target + "&userId=" + user},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var got *http.Request
			mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewStringResponse(200, emptyPage), nil
			})
			if _, err := c.ListPage(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("no request sent")
			}
			if got.URL.RawQuery != tt.want {
				t.Errorf("query = %q, want %q", got.URL.RawQuery, tt.want)
			}
			if got.Method != "GET" || got.URL.Path != "/api/v1/audit/events" || got.URL.Host != "nprinting.example.com:4993" {
				t.Errorf("request = %s %s", got.Method, got.URL)
			}
			if a := got.Header.Get("Authorization"); a != "Bearer "+testToken {
				t.Errorf("Authorization = %q, want the JWT as a bearer token", a)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q", a)
			}
			if got.Header.Get("Cookie") != "" || got.Header.Get("X-XSRF-TOKEN") != "" {
				t.Errorf("a JWT client sent session headers: %v", got.Header)
			}
		})
	}
}

// Pages sends the page size on every request and steps offsets by it.
func TestPagesSendOffsetAndLimit(t *testing.T) {
	c, mt := mocked(t)
	var queries []string
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		off := r.URL.Query().Get("offset")
		items := []string{}
		if off == "" || off == "2" {
			n := map[string]int{"": 0, "2": 2}[off]
			for i := range 2 {
				items = append(items, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"2024-01-01T00:00:0%d.000+00:00"}`, n+i, n+i))
			}
		}
		return httpmock.NewStringResponse(200, `{"data":{"totalItems":4,"offset":0,"limit":2,"items":[`+strings.Join(items, ",")+`]}}`), nil
	})
	n := 0
	for _, err := range c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 2, Target: "Task"}).All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	want := []string{"limit=2&target=Task", "limit=2&offset=2&target=Task"}
	if n != 4 || !reflect.DeepEqual(queries, want) {
		t.Errorf("%d records, queries %q; want 4 records, %q", n, queries, want)
	}
}

// The document's example decodes field by field, as the document prints it.
func TestDecodeDocumentExample(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, docExample(t, "list")))
	page, err := c.ListPage(context.Background(), &nprinting.ListOptions{Offset: 6, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := page.Data
	if d.TotalItems != 0 || d.Offset != 6 || d.Limit != 1 || len(d.Items) != 2 {
		t.Fatalf("data = total %d offset %d limit %d items %d; the document says 0, 6, 1 and 2", d.TotalItems, d.Offset, d.Limit, len(d.Items))
	}
	const zero = "00000000-0000-0000-0000-000000000000"
	for i, e := range d.Items {
		got := []string{e.TargetName, e.TargetID, e.DataType, e.IPAddress, e.Description, e.Source, e.UserName, e.UserID, e.Target, e.AppID, e.Action, e.ID}
		want := []string{"targetName", zero, "dataType", "ipAddress", "description", "source", "userName", zero, "target", zero, "action", zero}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("item %d fields %q\nwant %q", i, got, want)
		}
		if !e.EventTime.Equal(time.Date(2000, 1, 23, 4, 56, 7, 0, time.UTC)) {
			t.Errorf("item %d eventTime %v", i, e.EventTime)
		}
		if e.Data.Kind() != nprinting.DataString || string(e.Data.Raw) != `"{}"` {
			t.Errorf("item %d data kind %v raw %s, want the string \"{}\"", i, e.Data.Kind(), e.Data.Raw)
		}
		if s, ok := e.Data.Text(); !ok || s != "{}" {
			t.Errorf("item %d data text %q %v", i, s, ok)
		}
		if m, ok := e.Data.Object(); !ok || len(m) != 0 {
			t.Errorf("item %d: the string \"{}\" holds an empty object, got %v %v", i, m, ok)
		}
		if len(e.Extra) != 0 {
			t.Errorf("item %d: unexpected extra members %v", i, e.Extra)
		}
		if !bytes.Contains(docExample(t, "list"), e.Raw) || !bytes.HasPrefix(e.Raw, []byte(`{`)) || !bytes.Contains(e.Raw, []byte(`"targetName" : "targetName"`)) {
			t.Errorf("item %d raw is not the item as sent:\n%s", i, e.Raw)
		}
		if e.UID() != zero {
			t.Errorf("item %d uid %q", i, e.UID())
		}
	}
}

// The research notes' fixture: data as an object, a null appId, a
// backslash in a user name; and an unknown member survives.
func TestDecodeFixture(t *testing.T) {
	body := bytes.Replace(docExample(t, "fixture"), []byte(`"action": "Login",`), []byte(`"action": "Login", "sessionId": 42,`), 1)
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, body))
	page, err := c.ListPage(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Data.TotalItems != 2 || page.Data.Limit != 50 || len(page.Data.Items) != 2 {
		t.Fatalf("data = %+v", page.Data)
	}
	a, b := page.Data.Items[0], page.Data.Items[1]
	if a.ID != "6f0e5c1a-8a9b-4c7d-9e21-0a1b2c3d4e5f" || a.UserName != `CORP\jsmith` || a.Target != "Task" || a.TargetName != "Monthly sales publish" ||
		a.AppID != "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" || a.Action != "Update" || a.DataType != "PublishTask" || a.IPAddress != "10.20.30.40" || a.Source != "WebConsole" {
		t.Errorf("item 0 = %+v", a)
	}
	if !a.EventTime.Equal(time.Date(2024, 3, 5, 9, 14, 22, 0, time.UTC)) {
		t.Errorf("item 0 time %v", a.EventTime)
	}
	if b.AppID != "" || b.Data.Kind() != nprinting.DataObject || b.Action != "Login" || b.Description != "Authentication succeeded" {
		t.Errorf("item 1 = %+v", b)
	}
	v, err := b.Data.Value()
	if err != nil || !reflect.DeepEqual(v, map[string]any{"method": "ntlm"}) {
		t.Errorf("item 1 data value %v %v", v, err)
	}
	if _, ok := b.Data.Text(); ok {
		t.Error("an object is not text")
	}
	if string(b.Extra["sessionId"]) != "42" {
		t.Errorf("unknown member lost: %v", b.Extra)
	}
	ev := nprinting.ToOCSF(b)
	if ev.Unmapped["sessionId"] != float64(42) {
		t.Errorf("unknown member not in unmapped: %v", ev.Unmapped)
	}
}

func TestErrorBodies(t *testing.T) {
	tests := []struct {
		status   int
		body     string
		code     string
		message  string
		details  []string
		sentinel error
	}{
		{400, `{"code":400,"message":"The value 'x' is not valid for start."}`, "400", "The value 'x' is not valid for start.", nil, auditclient.ErrBadRequest},
		{401, `{"code":401,"message":"Authorization has been denied for this request."}`, "401", "Authorization has been denied for this request.", nil, auditclient.ErrUnauthorized},
		{403, `{"code":403,"message":"User has no rights to access the resource"}`, "403", "User has no rights to access the resource", nil, auditclient.ErrForbidden},
		{404, `{"code":404,"message":"No resource was found"}`, "404", "No resource was found", nil, auditclient.ErrNotFound},
		{429, `{"code":429,"message":"Too many requests."}`, "429", "Too many requests.", nil, auditclient.ErrRateLimited},
		{500, `{"Message":"An error has occurred.","ExceptionMessage":"Timeout expired"}`, "", "An error has occurred.", []string{"Timeout expired"}, auditclient.ErrServer},
		{503, "Service Unavailable: the audit service is stopped\n<br>", "", "Service Unavailable: the audit service is stopped", nil, auditclient.ErrServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			c, mt := mocked(t)
			mt.RegisterResponder("GET", eventsURL, func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(tt.status, tt.body)
				r.Header.Set("Content-Type", "application/json")
				return r, nil
			})
			_, err := c.ListPage(context.Background(), &nprinting.ListOptions{PageSize: 5})
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			var api *auditclient.APIError
			if !errors.As(err, &api) {
				t.Fatalf("not an *APIError: %T %v", err, err)
			}
			if api.StatusCode != tt.status || api.Code != tt.code || api.Message != tt.message || api.Vendor != "nprinting" || !reflect.DeepEqual(api.Details, tt.details) {
				t.Errorf("APIError = status %d code %q message %q details %q vendor %q", api.StatusCode, api.Code, api.Message, api.Details, api.Vendor)
			}
			if !strings.Contains(api.URL, "/api/v1/audit/events?limit=5") {
				t.Errorf("URL %q", api.URL)
			}
			if strings.Contains(walktest.FmtAll(err), testToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestBadOptionsSendNothing(t *testing.T) {
	start, end := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		opts   nprinting.ListOptions
		option string
	}{
		{nprinting.ListOptions{PageSize: -1}, "limit"},
		{nprinting.ListOptions{PageSize: nprinting.MaxLimit + 1}, "limit"},
		{nprinting.ListOptions{Offset: -5}, "offset"},
		{nprinting.ListOptions{AppID: "sales-app"}, "appId"},
		{nprinting.ListOptions{UserID: "CORP\\jsmith"}, "userId"},
		{nprinting.ListOptions{TargetID: "91c2d3e4f5a64b7c8d9e0f1a2b3c4d5e"}, "targetId"},
		{nprinting.ListOptions{Target: " Task"}, "target"},
		{nprinting.ListOptions{DataType: "Publish\nTask"}, "dataType"},
		{nprinting.ListOptions{Since: start, Until: end}, "start"},
		{nprinting.ListOptions{Until: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "end"},
		{nprinting.ListOptions{Order: auditclient.NewestFirst}, "order"},
		{nprinting.ListOptions{Order: auditclient.OldestFirst}, "order"},
	}
	for _, tt := range tests {
		c, mt := mocked(t)
		_, err := c.ListPage(context.Background(), &tt.opts)
		var oe *auditclient.OptionError
		if !errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Vendor != nprinting.Name || oe.Option != tt.option || oe.Allowed == "" || !strings.Contains(err.Error(), tt.option) {
			t.Errorf("%+v: err = %v, want an OptionError for %s", tt.opts, err, tt.option)
		}
		if err := tt.opts.Validate(); !errors.As(err, &oe) || oe.Option != tt.option {
			t.Errorf("Validate(%+v) = %v", tt.opts, err)
		}
		it := c.Events(context.Background(), &tt.opts, nil)
		if it.Next() || !errors.As(it.Err(), &oe) || oe.Option != tt.option {
			t.Errorf("Events(%+v): Err = %v", tt.opts, it.Err())
		}
		yielded := 0
		for _, err := range c.Pages(context.Background(), &tt.opts).All() {
			yielded++
			if !errors.As(err, &oe) || oe.Option != tt.option {
				t.Errorf("Pages(%+v): %v", tt.opts, err)
			}
		}
		if yielded != 1 {
			t.Errorf("Pages(%+v) yielded %d times, want its error once", tt.opts, yielded)
		}
		if n := mt.GetTotalCallCount(); n != 0 {
			t.Errorf("%+v: %d requests sent", tt.opts, n)
		}
	}
	c, mt := mocked(t)
	it := c.Events(context.Background(), &nprinting.ListOptions{Offset: 10}, nil)
	var oe *auditclient.OptionError
	if it.Next() || !errors.As(it.Err(), &oe) || oe.Option != "offset" {
		t.Errorf("Events with an offset: %v", it.Err())
	}
	if mt.GetTotalCallCount() != 0 {
		t.Error("request sent")
	}
}

func TestNewClientRejectsMissingSettings(t *testing.T) {
	tests := []struct {
		name         string
		new          func() (*nprinting.Client, error)
		option, env  string
		wantInReason string
	}{
		{"empty token", func() (*nprinting.Client, error) { return nprinting.NewClient(testServer, "") }, "token", "NPRINTING_TOKEN", "JWT"},
		{"blank bearer token", func() (*nprinting.Client, error) { return nprinting.NewClient(testServer, "Bearer  ") }, "token", "NPRINTING_TOKEN", "JWT"},
		{"empty server", func() (*nprinting.Client, error) { return nprinting.NewClient("", testToken) }, "server", "NPRINTING_SERVER", "required"},
		{"blank server", func() (*nprinting.Client, error) { return nprinting.NewClient("  ", testToken) }, "server", "NPRINTING_SERVER", "required"},
		{"bad scheme", func() (*nprinting.Client, error) {
			return nprinting.NewClient("ftp://nprinting.example.com", testToken)
		}, "server", "NPRINTING_SERVER", "scheme"},
		{"plain http to another host", func() (*nprinting.Client, error) { return nprinting.NewClient("http://10.0.0.9:4993", testToken) }, "server", "NPRINTING_SERVER", "WithInsecureHTTP"},
		{"nil NTLM hook", func() (*nprinting.Client, error) { return nprinting.NewNTLMClient(testServer, nil) }, "ntlm", "", "NTLM"},
		{"NTLM without a server", func() (*nprinting.Client, error) {
			return nprinting.NewNTLMClient("", func(next http.RoundTripper) http.RoundTripper { return next })
		}, "server", "NPRINTING_SERVER", "required"},
	}
	for _, tt := range tests {
		c, err := tt.new()
		var ce *auditclient.ConfigError
		if c != nil || !errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) {
			t.Errorf("%s: %v, %v; want an *auditclient.ConfigError", tt.name, c, err)
			continue
		}
		if ce.Vendor != nprinting.Name || ce.Option != tt.option || ce.Env != tt.env || !strings.Contains(ce.Reason, tt.wantInReason) {
			t.Errorf("%s: %+v; want option %q, env %q, a reason with %q", tt.name, *ce, tt.option, tt.env, tt.wantInReason)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: the error shows the token: %v", tt.name, err)
		}
	}
	// A WithBaseURL of the wrong form is named as the option it is.
	_, err := nprinting.NewClient(testServer, testToken, auditclient.WithBaseURL("ftp://nprinting.example.com"))
	var ce *auditclient.ConfigError
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Option, "BaseURL") {
		t.Errorf("bad WithBaseURL: %v", err)
	}
	// WithBaseURL stands in for the server (a fake, a proxy).
	c, err := nprinting.NewClient("", testToken, auditclient.WithBaseURL("http://127.0.0.1:1"))
	if err != nil || c.HTTP().BaseURL().String() != "http://127.0.0.1:1" {
		t.Errorf("WithBaseURL without a server: %v %v", c, err)
	}
}

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
		c, err := nprinting.NewClient(in, testToken, auditclient.WithInsecureHTTP())
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := c.HTTP().BaseURL().String(); got != want {
			t.Errorf("%q: base %q, want %q", in, got, want)
		}
	}
	// Requests go under the base path.
	c, mt := mocked(t, auditclient.WithBaseURL("https://gateway.example.com/nprinting"))
	mt.RegisterResponder("GET", "https://gateway.example.com/nprinting/api/v1/audit/events", httpmock.NewStringResponder(200, emptyPage))
	if _, err := c.ListPage(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestClientStringHidesToken(t *testing.T) {
	c, _ := mocked(t)
	for _, s := range []string{c.String(), walktest.FmtAll(c), walktest.FmtAll(c.HTTP())} {
		if strings.Contains(s, testToken) || !strings.Contains(s, "nprinting") {
			t.Errorf("client formatting: %s", s)
		}
	}
}

// A bearer token given with its "Bearer " prefix is sent once, not twice.
func TestBearerPrefixAccepted(t *testing.T) {
	mt := httpmock.NewMockTransport()
	c, err := nprinting.NewClient(testServer, "Bearer "+testToken, auditclient.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	var auth string
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		auth = r.Header.Get("Authorization")
		return httpmock.NewStringResponse(200, emptyPage), nil
	})
	if _, err := c.ListPage(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer "+testToken {
		t.Errorf("Authorization %q", auth)
	}
}

// The fake answers the queries built from options exactly as documented:
// every example request of audittest is what ListOptions produce.
func TestDocumentRequestsFromOptions(t *testing.T) {
	opts := map[string]*nprinting.ListOptions{
		"list":    {Offset: 6, PageSize: 1},
		"fixture": {PageSize: 50},
	}
	for name, request := range audittest.NPrintingDocExampleRequests() {
		c, mt := mocked(t)
		var got url.Values
		mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
			got = r.URL.Query()
			return httpmock.NewBytesResponse(200, docExample(t, name)), nil
		})
		if _, err := c.ListPage(context.Background(), opts[name]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		u, _ := url.Parse(testServer + request)
		want := u.Query()
		if name == "fixture" {
			want.Del("offset") // offset=0 is the default and not sent
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: query %v, want %v", name, got, want)
		}
	}
}
