package tanium_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/tanium"
)

const (
	testToken = "s3cr3t-api-token-9b1c"
	testBase  = "https://tanium.example.com"
)

// mocked returns a client whose HTTP goes to an httpmock transport, with
// retries off so each call is one request.
func mocked(t *testing.T, opts ...auditclient.Option) (*tanium.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []auditclient.Option{
		auditclient.WithHTTPClient(&http.Client{Transport: mt}),
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
	}
	c, err := tanium.NewClient(testBase, testToken, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// docExample is one of the examples audittest keeps verbatim.
func docExample(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := audittest.TaniumDocExamples()[name]
	if !ok {
		t.Fatalf("no example %q", name)
	}
	return b
}

func obj(typ tanium.ObjectType, id string) tanium.Object { return tanium.Object{Type: typ, ID: id} }

// one are the options of ListPage for o with the default depth.
func one(o tanium.Object) *tanium.ListOptions {
	return &tanium.ListOptions{Objects: []tanium.Object{o}}
}

// Every object type is read at its own route, with the session header, the
// history size in tanium-options, and no query.
func TestListPageSendsExactRequest(t *testing.T) {
	routes := map[tanium.ObjectType]string{
		tanium.ContentSet: "content_sets", tanium.ContentSetRole: "content_set_roles", tanium.Dashboard: "dashboards",
		tanium.DashboardGroup: "dashboard_groups", tanium.Group: "groups", tanium.Package: "packages",
		tanium.PluginSchedule: "plugin_schedules", tanium.SavedAction: "saved_actions", tanium.SavedQuestion: "saved_questions",
		tanium.Sensor: "sensors", tanium.SystemSetting: "system_settings", tanium.User: "users",
		tanium.UserGroup: "user_groups", tanium.WhiteListedURL: "white_listed_urls",
	}
	if len(routes) != len(tanium.ObjectTypes()) {
		t.Fatalf("%d routes for %d types", len(routes), len(tanium.ObjectTypes()))
	}
	tests := []struct {
		pageSize   int
		wantHeader string
	}{
		{0, `{"audit_history_size":100}`},
		{1, `{"audit_history_size":1}`},
		{7, `{"audit_history_size":7}`},
		{tanium.MaxHistorySize, `{"audit_history_size":10000}`},
	}
	for _, typ := range tanium.ObjectTypes() {
		for _, tt := range tests {
			c, mt := mocked(t)
			var got *http.Request
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewBytesResponse(200, docExample(t, "vendors_md_fixture")), nil
			})
			opts := &tanium.ListOptions{Objects: []tanium.Object{obj(typ, "42")}, PageSize: tt.pageSize}
			if _, err := c.ListPage(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("no request sent")
			}
			if got.Method != "GET" || got.URL.Path != "/api/v2/audit_logs/"+routes[typ]+"/42" || got.URL.RawQuery != "" {
				t.Errorf("%s: request %s %s?%s", typ, got.Method, got.URL.Path, got.URL.RawQuery)
			}
			if h := got.Header.Values("Tanium-Options"); len(h) != 1 || h[0] != tt.wantHeader {
				t.Errorf("%s: tanium-options %q, want %q", typ, h, tt.wantHeader)
			}
			if s := got.Header.Get("Session"); s != "token-"+testToken {
				t.Errorf("session header %q, want token-<token>", s)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept %q", a)
			}
			if got.Header.Get("Authorization") != "" {
				t.Error("an Authorization header was sent")
			}
		}
	}
}

// A token that already carries the "token-" prefix (as the console shows
// tokens) is not prefixed again.
func TestSessionHeaderPrefixedOnce(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var got string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("Session")
		return httpmock.NewBytesResponse(200, docExample(t, "vendors_md_fixture")), nil
	})
	c, err := tanium.NewClient(testBase, "token-abc123", auditclient.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPage(context.Background(), one(obj(tanium.User, "1"))); err != nil {
		t.Fatal(err)
	}
	if got != "token-abc123" {
		t.Errorf("session %q", got)
	}
}

// The fixture of vendors.md §6 decodes field by field.
func TestDecodeVendorsFixture(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", testBase+"/api/v2/audit_logs/saved_questions/42", httpmock.NewBytesResponder(200, docExample(t, "vendors_md_fixture")))
	log, err := c.ListPage(context.Background(), one(obj(tanium.SavedQuestion, "42")))
	if err != nil {
		t.Fatal(err)
	}
	if log.ID != 42 || log.Type != "saved_question_audit" || log.StartTime != "" || log.EndTime != "" || len(log.Extra) != 0 || log.CacheInfo != nil {
		t.Errorf("audit log = %+v", log)
	}
	if len(log.Entries) != 1 {
		t.Fatalf("%d entries", len(log.Entries))
	}
	e := log.Entries[0]
	if e.Object != obj(tanium.SavedQuestion, "42") || e.ObjectID != 42 || e.Details != "name=Installed Apps" ||
		!e.CreationTime.Equal(time.Date(2023, 1, 1, 22, 45, 2, 0, time.UTC)) ||
		!e.ModificationTime.Equal(time.Date(2023, 2, 11, 9, 0, 10, 0, time.UTC)) ||
		e.LastModifiedBy != `CORP\admin` || e.ModifierUserID != 7 || e.Type == nil || *e.Type != tanium.EntryUpdate || len(e.Extra) != 0 {
		t.Errorf("entry = %+v", e)
	}
	if u := e.ModUser; u == nil || u.ID != 7 || u.Name != "admin" || u.Domain != "CORP" || u.DisplayName != "Admin" || len(u.Extra) != 0 {
		t.Errorf("mod_user = %+v", u)
	}
	if !e.Time().Equal(e.ModificationTime) {
		t.Errorf("Time() = %v", e.Time())
	}
	if !strings.HasPrefix(string(e.Raw), `{"object_id": 42, "details": "name=Installed Apps"`) || !strings.HasSuffix(string(e.Raw), `"type": 1}`) {
		t.Errorf("Raw is not the entry as sent: %s", e.Raw)
	}
	if len(e.UID()) != 32 {
		t.Errorf("uid %q", e.UID())
	}
}

// Connect's export example, served as an entry, keeps its extra members.
func TestDecodeConnectEntryKeepsExtraMembers(t *testing.T) {
	body := `{"data":{"id":1234,"type":"white_listed_url_audit","entries":[` + string(docExample(t, "connect_entry")) + `]}}`
	c, mt := mocked(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, body))
	log, err := c.ListPage(context.Background(), one(obj(tanium.WhiteListedURL, "1234")))
	if err != nil {
		t.Fatal(err)
	}
	e := log.Entries[0]
	if e.Type == nil || *e.Type != tanium.EntryDelete || e.Details != "" || e.ModUser.DisplayName != "" || e.ModUser.Domain != "example" {
		t.Errorf("entry %+v", e)
	}
	want := map[string]string{
		"audit_name": `"https://example.url.com"`, "audit_row_id": "1234", "type_name": `"DeleteObject"`,
		"object_name": `"https://example.url.com"`, "object_type_name": `"white_listed_url_audit"`,
	}
	if len(e.Extra) != len(want) {
		t.Errorf("extra %v", e.Extra)
	}
	for k, v := range want {
		if string(e.Extra[k]) != v {
			t.Errorf("extra %s = %s, want %s", k, e.Extra[k], v)
		}
	}
}

// Shapes the REST API may also send: a cache_info element among the
// entries, a data array, the SOAP-style {"entry":[...]} wrapper, ids as
// strings, and zone-less times.
func TestDecodeTolerantShapes(t *testing.T) {
	entry := `{"object_id":"7","details":"name=x","creation_time":"2024-01-02T03:04:05","modification_time":"","type":"0"}`
	tests := map[string]string{
		"cache_info":   `{"data":{"id":7,"type":"sensor_audit","entries":[` + entry + `,{"cache_id":99,"cache_row_count":1}]}}`,
		"data array":   `{"data":[{"id":7,"type":"sensor_audit","entries":[` + entry + `]}]}`,
		"soap wrapper": `{"data":{"id":7,"type":"sensor_audit","entries":{"entry":[` + entry + `],"cache_info":{"cache_id":99,"cache_row_count":1}}}}`,
	}
	for name, body := range tests {
		c, mt := mocked(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, body))
		log, err := c.ListPage(context.Background(), one(obj(tanium.Sensor, "7")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(log.Entries) != 1 || log.Type != "sensor_audit" {
			t.Fatalf("%s: %+v", name, log)
		}
		e := log.Entries[0]
		if e.ObjectID != 7 || *e.Type != tanium.EntryCreate || !e.Time().Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("%s: entry %+v", name, e)
		}
		if name != "data array" && string(log.CacheInfo) != `{"cache_id":99,"cache_row_count":1}` {
			t.Errorf("%s: cache_info %s", name, log.CacheInfo)
		}
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	for _, body := range []string{
		`{"data":{"entries":[{"object_id":1,"type":1}]}}`,                                             // no time
		`{"data":{"entries":[{"modification_time":"yesterday"}]}}`,                                    // bad time
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","type":"update"}]}}`,         // bad type
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","mod_user":[1]}]}}`,          // bad mod_user
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","details":{"a":1}}]}}`,       // bad details
		`{"data":{"entries":"none"}}`,                                                                 // bad entries
		`{"data":{"entries":[[]]}}`,                                                                   // entry not an object
		`{"text":"ok"}`,                                                                               // no data
		`{"data":null}`,                                                                               // null data
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","object_id":1.5}]}}`,         // fractional id
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","modifier_user_id":true}]}}`, // bad user id
	} {
		c, mt := mocked(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, body))
		_, err := c.ListPage(context.Background(), one(obj(tanium.Sensor, "7")))
		if !errors.Is(err, auditclient.ErrMalformedResponse) {
			t.Errorf("%s: err = %v, want a malformed-response error", body, err)
		}
	}
	// A missing envelope is an error naming $.data, never "no entries".
	for _, body := range []string{`{}`, `null`, `{"data":null}`, `{"text":"ok"}`} {
		c, mt := mocked(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, body))
		it := c.Events(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{obj(tanium.Sensor, "7")}}, nil)
		var de *auditclient.DecodeError
		var pe *auditclient.PathError
		if it.Next() || !errors.As(it.Err(), &de) || de.Path != "$.data" || !errors.As(it.Err(), &pe) || strings.Contains(it.Err().Error(), testToken) {
			t.Errorf("%s: Err = %v, want a DecodeError at $.data", body, it.Err())
		}
		it.Close()
	}
}

// Error bodies ({"text":...}) become *APIError with the server's message.
func TestErrorBodies(t *testing.T) {
	tests := []struct {
		status   int
		text     string
		sentinel error
	}{
		{400, "Bad Request: audit_history_size must be a positive integer", auditclient.ErrBadRequest},
		{401, "Unauthorized: the session header holds no valid session or API token", auditclient.ErrUnauthorized},
		{403, "Forbidden: the user lacks the Audit Log Read permission", auditclient.ErrForbidden},
		{404, "Not Found: no audit history for sensor 7", auditclient.ErrNotFound},
		{429, "Too Many Requests", auditclient.ErrRateLimited},
		{503, "Service Unavailable: the Tanium Server is not ready", auditclient.ErrServer},
	}
	for _, tt := range tests {
		c, mt := mocked(t)
		mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(tt.status, `{"text":"`+tt.text+`"}`)
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Request-Id", "req-1")
			return r, nil
		})
		_, err := c.ListPage(context.Background(), one(obj(tanium.Sensor, "7")))
		if !errors.Is(err, tt.sentinel) {
			t.Errorf("%d: errors.Is(%v, %v) = false", tt.status, err, tt.sentinel)
		}
		var api *auditclient.APIError
		if !errors.As(err, &api) {
			t.Fatalf("%d: not an *APIError: %T %v", tt.status, err, err)
		}
		if api.StatusCode != tt.status || api.Message != tt.text || api.Vendor != "tanium" || api.RequestID != "req-1" ||
			!strings.HasSuffix(api.URL, "/api/v2/audit_logs/sensors/7") {
			t.Errorf("%d: APIError %+v", tt.status, api)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	// Other shapes fall back to their message members.
	c, mt := mocked(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(500, `{"message":"boom","errors":[{"text":"disk full"},"retry later"],"code":"E42"}`))
	_, err := c.ListPage(context.Background(), one(obj(tanium.Sensor, "7")))
	var api *auditclient.APIError
	if !errors.As(err, &api) || api.Message != "boom" || api.Code != "E42" || strings.Join(api.Details, "|") != "disk full|retry later" {
		t.Errorf("fallback error %+v", api)
	}
}

func TestBadOptionsSendNothing(t *testing.T) {
	good := []tanium.Object{obj(tanium.User, "12")}
	since := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		opts   tanium.ListOptions
		option string
	}{
		{tanium.ListOptions{}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj("users", "12")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj("authentication", "1")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "0")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "-3")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "1/../2")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "99999999999999999999")}}, "objects"},
		{tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "12"), obj(tanium.User, "12")}}, "objects"},
		{tanium.ListOptions{Objects: good, PageSize: -1}, "audit_history_size"},
		{tanium.ListOptions{Objects: good, PageSize: tanium.MaxHistorySize + 1}, "audit_history_size"},
		{tanium.ListOptions{Objects: good, MaxHistorySize: -1}, "max_history_size"},
		{tanium.ListOptions{Objects: good, MaxHistorySize: tanium.MaxHistorySize + 1}, "max_history_size"},
		{tanium.ListOptions{Objects: good, PageSize: 50, MaxHistorySize: 20}, "audit_history_size"},
		{tanium.ListOptions{Objects: good, Concurrency: -1}, "concurrency"},
		{tanium.ListOptions{Objects: good, Concurrency: tanium.MaxConcurrency + 1}, "concurrency"},
		{tanium.ListOptions{Objects: good, Since: since, Until: since.Add(-time.Hour)}, "since"},
		// Entries come object after object: no order by time is served.
		{tanium.ListOptions{Objects: good, Order: auditclient.OldestFirst}, "order"},
		{tanium.ListOptions{Objects: good, Order: auditclient.NewestFirst}, "order"},
	}
	for _, tt := range tests {
		c, mt := mocked(t)
		var oe *auditclient.OptionError
		err := tt.opts.Validate()
		if !errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != tt.option || oe.Allowed == "" || oe.Vendor != tanium.Name {
			t.Errorf("%+v: Validate = %v, want an OptionError for %s", tt.opts, err, tt.option)
		}
		it := c.Events(context.Background(), &tt.opts, nil)
		if it.Next() || !errors.As(it.Err(), &oe) || oe.Option != tt.option {
			t.Errorf("Events(%+v): Err = %v", tt.opts, it.Err())
		}
		n := 0
		for _, err := range c.Pages(context.Background(), &tt.opts).All() {
			if n++; !errors.As(err, &oe) || oe.Option != tt.option {
				t.Errorf("Pages(%+v): %v", tt.opts, err)
			}
		}
		if n != 1 {
			t.Errorf("Pages(%+v): %d items, want the error alone", tt.opts, n)
		}
		if _, err := c.ListPage(context.Background(), &tt.opts); !errors.As(err, &oe) || oe.Option != tt.option {
			t.Errorf("ListPage(%+v): %v", tt.opts, err)
		}
		if n := mt.GetTotalCallCount(); n != 0 {
			t.Errorf("%+v: %d requests sent", tt.opts, n)
		}
	}
	// ListPage sends one request: it takes exactly one object.
	c, mt := mocked(t)
	var oe *auditclient.OptionError
	two := &tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "12"), obj(tanium.Sensor, "7")}}
	if _, err := c.ListPage(context.Background(), two); !errors.As(err, &oe) || oe.Option != "objects" || oe.Value != "user:12,sensor:7" {
		t.Errorf("ListPage of two objects: %v", err)
	}
	if _, err := c.ListPage(context.Background(), nil); !errors.As(err, &oe) || oe.Option != "objects" {
		t.Errorf("ListPage(nil): %v", err)
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestParseObjects(t *testing.T) {
	got, err := tanium.ParseObjects(" user:12, sensor:7 ,white_listed_url:3,package:140")
	if err != nil {
		t.Fatal(err)
	}
	want := []tanium.Object{obj(tanium.User, "12"), obj(tanium.Sensor, "7"), obj(tanium.WhiteListedURL, "3"), obj(tanium.Package, "140")}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", " ", "user", "user:", ":12", "users:12", "user:12,", "user:12,,sensor:7", "user:abc", "user:12,user:12", "package_spec:4", "user:1:2"} {
		_, err := tanium.ParseObjects(bad)
		var oe *auditclient.OptionError
		if !errors.As(err, &oe) || oe.Option != "objects" {
			t.Errorf("ParseObjects(%q) = %v, want an OptionError", bad, err)
		}
	}
	for _, typ := range tanium.ObjectTypes() {
		if o, err := tanium.ParseObjects(string(typ) + ":5"); err != nil || o[0].String() != string(typ)+":5" {
			t.Errorf("%s: %v %v", typ, o, err)
		}
	}
}

// The server and the token are required, and the server must be an
// http(s) URL: a *ConfigError naming the parameter and the CLI's
// environment variable, without the token.
func TestNewClientChecks(t *testing.T) {
	for _, tt := range []struct {
		name, server, token string
		opts                []auditclient.Option
		option, env         string
	}{
		{"empty server", "", testToken, nil, "server", "TANIUM_SERVER"},
		{"blank server", "  ", testToken, []auditclient.Option{auditclient.WithBaseURL(testBase)}, "server", "TANIUM_SERVER"},
		{"empty token", testBase, "", nil, "token", "TANIUM_API_TOKEN"},
		{"blank token", testBase, " \t", nil, "token", "TANIUM_API_TOKEN"},
		{"server not http", "ftp://tanium.example.com", testToken, nil, "server", "TANIUM_SERVER"},
		{"server in clear", "http://tanium.example.com", testToken, nil, "server", "TANIUM_SERVER"},
		{"bad WithBaseURL", testBase, testToken, []auditclient.Option{auditclient.WithBaseURL("ftp://x")}, "BaseURL (WithBaseURL)", ""},
	} {
		_, err := tanium.NewClient(tt.server, tt.token, tt.opts...)
		var ce *auditclient.ConfigError
		if !errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Vendor != tanium.Name || ce.Option != tt.option || ce.Env != tt.env || ce.Reason == "" {
			t.Errorf("%s: %#v, want a ConfigError for %s (%s)", tt.name, err, tt.option, tt.env)
			continue
		}
		if strings.Contains(walktest.FmtAll(err), testToken) {
			t.Errorf("%s: the error holds the token: %v", tt.name, err)
		}
	}
	// WithBaseURL, when given too, wins over the server.
	mt := httpmock.NewMockTransport()
	var host string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		host = r.URL.Host
		return httpmock.NewBytesResponse(200, docExample(t, "vendors_md_fixture")), nil
	})
	c, err := tanium.NewClient("https://ignored.example.com", testToken, auditclient.WithBaseURL("https://proxy.example.net"), auditclient.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPage(context.Background(), one(obj(tanium.User, "1"))); err != nil || host != "proxy.example.net" {
		t.Errorf("request to %q, %v; want WithBaseURL's host", host, err)
	}
	c, _ = mocked(t)
	for _, s := range []string{c.String(), walktest.FmtAll(c)} {
		if strings.Contains(s, testToken) {
			t.Errorf("client formatting leaks the token: %s", s)
		}
	}
}

// A 404 ends a walk with the error naming the object, unless SkipNotFound.
func TestNotFoundObject(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(100, 2, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC))})
	objs := append(parse(t, fake.ObjectList()), obj(tanium.Sensor, "999999"))
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &tanium.ListOptions{Objects: objs, PageSize: 1000}, nil)
	n := len(collect(t, it, -1))
	var api *auditclient.APIError
	if n != 100 || !errors.Is(it.Err(), auditclient.ErrNotFound) || !errors.As(it.Err(), &api) || !strings.Contains(it.Err().Error(), "sensor:999999") ||
		api.Message != "Not Found: no audit history for sensor 999999" {
		t.Errorf("%d events, Err = %v", n, it.Err())
	}
	it.Close()
	objs = append([]tanium.Object{obj(tanium.Sensor, "999999")}, objs[:len(objs)-1]...)
	it = c.Events(context.Background(), &tanium.ListOptions{Objects: objs, PageSize: 1000, SkipNotFound: true}, nil)
	if n := len(collect(t, it, -1)); n != 100 || it.Err() != nil {
		t.Errorf("SkipNotFound: %d events, %v", n, it.Err())
	}
	it.Close()
	// Many missing objects in a row are empty pages of a walk that still
	// moves on, not a server making no progress.
	var missing []tanium.Object
	for i := range 3 * auditclient.DefaultMaxStalePages {
		missing = append(missing, obj(tanium.Sensor, strconv.Itoa(900000+i)))
	}
	objs = append(missing, objs[1:]...)
	it = c.Events(context.Background(), &tanium.ListOptions{Objects: objs, PageSize: 1000, SkipNotFound: true}, nil)
	if n := len(collect(t, it, -1)); n != 100 || it.Err() != nil {
		t.Errorf("SkipNotFound after %d missing objects: %d events, %v", len(missing), n, it.Err())
	}
	it.Close()
}
