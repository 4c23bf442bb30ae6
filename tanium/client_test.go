package tanium_test

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

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
	return walktest.Must(tanium.NewClient(testBase, testToken, walktest.Mocked(mt, opts...)...))(t), mt
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

// surface is c's listing methods, for the checks every client owes.
func surface(c *tanium.Client) walktest.Surface[tanium.ListOptions, tanium.Entry] {
	return walktest.Surface[tanium.ListOptions, tanium.Entry]{Vendor: tanium.Name, Validate: (*tanium.ListOptions).Validate, Events: c.Events,
		ListPage: func(ctx context.Context, o *tanium.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *tanium.ListOptions) iter.Seq2[tanium.Entry, error] {
			return c.Pages(ctx, o).All()
		}}
}

// Every object type is read at its own route, with the session header
// (the token prefixed with "token-" once: a token that carries it, as the
// console shows tokens, is sent as it is), the history size in
// tanium-options, and no query.
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
	for _, typ := range tanium.ObjectTypes() {
		for size, header := range map[int]string{0: "100", 1: "1", 7: "7", tanium.MaxHistorySize: "10000"} {
			for token, session := range map[string]string{testToken: "token-" + testToken, "token-abc123": "token-abc123"} {
				got := walktest.Sent(t, string(docExample(t, "vendors_md_fixture")), func(rt http.RoundTripper) error {
					_, err := walktest.Must(tanium.NewClient(testBase, token, walktest.Mocked(rt)...))(t).ListPage(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{obj(typ, "42")}, PageSize: size})
					return err
				})
				if h := got.Header; got.Method != "GET" || got.URL.Path != "/api/v2/audit_logs/"+routes[typ]+"/42" || got.URL.RawQuery != "" ||
					!slices.Equal(h.Values("Tanium-Options"), []string{`{"audit_history_size":` + header + `}`}) || h.Get("Session") != session ||
					h.Get("Accept") != "application/json" || h.Get("Authorization") != "" {
					t.Errorf("%s at %d: %s %s?%s %v; want tanium-options %s, session %s, no Authorization", typ, size, got.Method, got.URL.Path, got.URL.RawQuery, h, header, session)
				}
			}
		}
	}
}

// The fixture of vendors.md §6 decodes field by field.
func TestDecodeVendorsFixture(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", testBase+"/api/v2/audit_logs/saved_questions/42", httpmock.NewBytesResponder(200, docExample(t, "vendors_md_fixture")))
	log := walktest.Must(c.ListPage(context.Background(), one(obj(tanium.SavedQuestion, "42"))))(t)
	if log.ID != 42 || log.Type != "saved_question_audit" || log.StartTime != "" || log.EndTime != "" || len(log.Extra) != 0 || log.CacheInfo != nil || len(log.Entries) != 1 {
		t.Fatalf("audit log = %+v", log)
	}
	e := log.Entries[0]
	if e.Object != obj(tanium.SavedQuestion, "42") || e.ObjectID != 42 || e.Details != "name=Installed Apps" ||
		!e.CreationTime.Equal(time.Date(2023, 1, 1, 22, 45, 2, 0, time.UTC)) ||
		!e.ModificationTime.Equal(time.Date(2023, 2, 11, 9, 0, 10, 0, time.UTC)) || !e.Time().Equal(e.ModificationTime) ||
		e.LastModifiedBy != `CORP\admin` || e.ModifierUserID != 7 || e.Type == nil || *e.Type != tanium.EntryUpdate || len(e.Extra) != 0 || len(e.UID()) != 32 {
		t.Errorf("entry = %+v, uid %q", e, e.UID())
	}
	if u := e.ModUser; u == nil || u.ID != 7 || u.Name != "admin" || u.Domain != "CORP" || u.DisplayName != "Admin" || len(u.Extra) != 0 {
		t.Errorf("mod_user = %+v", u)
	}
	if !strings.HasPrefix(string(e.Raw), `{"object_id": 42, "details": "name=Installed Apps"`) || !strings.HasSuffix(string(e.Raw), `"type": 1}`) {
		t.Errorf("Raw is not the entry as sent: %s", e.Raw)
	}
}

// Connect's export example, served as an entry, keeps its extra members.
func TestDecodeConnectEntryKeepsExtraMembers(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"data":{"id":1234,"type":"white_listed_url_audit","entries":[`+string(docExample(t, "connect_entry"))+`]}}`))
	e := walktest.Must(c.ListPage(context.Background(), one(obj(tanium.WhiteListedURL, "1234"))))(t).Entries[0]
	if e.Type == nil || *e.Type != tanium.EntryDelete || e.Details != "" || e.ModUser.DisplayName != "" || e.ModUser.Domain != "example" {
		t.Errorf("entry %+v", e)
	}
	extra := map[string]string{}
	for k, v := range e.Extra {
		extra[k] = string(v)
	}
	walktest.Equal(t, "extra", extra, map[string]string{
		"audit_name": `"https://example.url.com"`, "audit_row_id": "1234", "type_name": `"DeleteObject"`,
		"object_name": `"https://example.url.com"`, "object_type_name": `"white_listed_url_audit"`,
	})
}

// Shapes the REST API may also send: a cache_info element among the
// entries, a data array, the SOAP-style {"entry":[...]} wrapper, ids as
// strings, and zone-less times.
func TestDecodeTolerantShapes(t *testing.T) {
	entry := `{"object_id":"7","details":"name=x","creation_time":"2024-01-02T03:04:05","modification_time":"","type":"0"}`
	for name, body := range map[string]string{
		"cache_info":   `{"data":{"id":7,"type":"sensor_audit","entries":[` + entry + `,{"cache_id":99,"cache_row_count":1}]}}`,
		"data array":   `{"data":[{"id":7,"type":"sensor_audit","entries":[` + entry + `]}]}`,
		"soap wrapper": `{"data":{"id":7,"type":"sensor_audit","entries":{"entry":[` + entry + `],"cache_info":{"cache_id":99,"cache_row_count":1}}}}`,
	} {
		c, mt := mocked(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, body))
		log := walktest.Must(c.ListPage(context.Background(), one(obj(tanium.Sensor, "7"))))(t)
		if len(log.Entries) != 1 || log.Type != "sensor_audit" {
			t.Fatalf("%s: %+v", name, log)
		}
		if e := log.Entries[0]; e.ObjectID != 7 || *e.Type != tanium.EntryCreate || !e.Time().Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("%s: entry %+v", name, e)
		}
		if name != "data array" && string(log.CacheInfo) != `{"cache_id":99,"cache_row_count":1}` {
			t.Errorf("%s: cache_info %s", name, log.CacheInfo)
		}
	}
}

// A body that is not an audit history, or one of the wrong shape (well
// formed or not), is a malformed response from ListPage; it ends a walk
// with a DecodeError naming the JSON path of the problem (and a PathError
// with the same path), after one request: it is not retried, no event is
// built, and the message names the path and not the token. A missing
// envelope is an error at $.data, never "no entries".
func TestDecodeErrorPaths(t *testing.T) {
	const at = `"modification_time":"2024-01-01T00:00:00Z"`
	for _, tc := range []struct{ name, body, path string }{
		{"object where the entries array belongs", `{"data":{"id":42,"entries":{"list":[{"object_id":42,` + at + `}]}}}`, "$.data.entries"},
		{"string where the entries array belongs", `{"data":{"entries":"none"}}`, "$.data.entries"},
		{"string where a number belongs", `{"data":{"entries":[{"object_id":"forty-two",` + at + `}]}}`, "$.data.entries[0].object_id"},
		{"a fractional id", `{"data":{"entries":[{` + at + `,"object_id":1.5}]}}`, "$.data.entries[0].object_id"},
		{"a bad type", `{"data":{"entries":[{` + at + `,"type":"update"}]}}`, "$.data.entries[0].type"},
		{"the second entry is wrong", `{"data":{"entries":[{` + at + `},{` + at + `,"type":"update"}]}}`, "$.data.entries[1].type"},
		{"an entry is not an object", `{"data":{"entries":[[]]}}`, "$.data.entries[0]"},
		{"an entry without a time", `{"data":{"entries":[{"object_id":1,"type":1}]}}`, "$.data.entries[0].modification_time"},
		{"a time that is not a time", `{"data":{"entries":[{"modification_time":"yesterday"}]}}`, "$.data.entries[0].modification_time"},
		{"a bad creation time", `{"data":{"entries":[{` + at + `,"creation_time":7}]}}`, "$.data.entries[0].creation_time"},
		{"details of the wrong shape", `{"data":{"entries":[{` + at + `,"details":{"a":1}}]}}`, "$.data.entries[0].details"},
		{"a bad user id", `{"data":{"entries":[{` + at + `,"modifier_user_id":true}]}}`, "$.data.entries[0].modifier_user_id"},
		{"mod_user of the wrong shape", `{"data":{"entries":[{` + at + `,"mod_user":[1]}]}}`, "$.data.entries[0].mod_user"},
		{"a string where mod_user's id belongs", `{"data":{"entries":[{` + at + `,"mod_user":{"id":"x"}}]}}`, "$.data.entries[0].mod_user.id"},
		{"the SOAP form's entry list, wrong", `{"data":{"entries":{"entry":[{` + at + `,"modifier_user_id":true}]}}}`, "$.data.entries.entry[0].modifier_user_id"},
		{"the array form, second history wrong", `{"data":[{"entries":[]},{"entries":{"x":1}}]}`, "$.data[1].entries"},
		{"data of the wrong type", `{"data":"x"}`, "$.data"},
		{"a string where the history's id belongs", `{"data":{"id":"x","entries":[]}}`, "$.data.id"},
		{"an array for the body", `[{"data":{"entries":[]}}]`, "$"},
		{"no data", `{"text":"ok"}`, "$.data"},
		{"null data", `{"data":null}`, "$.data"},
		{"an empty object", `{}`, "$.data"},
		{"null", `null`, "$.data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mocked(t, auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 3}))
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, tc.body))
			if _, err := c.ListPage(context.Background(), one(obj(tanium.Sensor, "7"))); !errors.Is(err, auditclient.ErrMalformedResponse) {
				t.Errorf("ListPage: %v, want a malformed-response error", err)
			}
			it := c.Events(context.Background(), one(obj(tanium.SavedQuestion, "42")), nil)
			defer it.Close()
			if it.Next() {
				t.Fatalf("an event from %s: %+v", tc.body, it.Event())
			}
			var de *auditclient.DecodeError
			var pe *auditclient.PathError
			if !errors.As(it.Err(), &de) || !errors.As(it.Err(), &pe) || de.Path != tc.path || pe.Path != tc.path {
				t.Fatalf("Err = %v, want a DecodeError with a PathError at %s", it.Err(), tc.path)
			}
			if n := mt.GetTotalCallCount(); n != 2 {
				t.Errorf("%d requests, want 1 for ListPage and 1 for the walk: a wrong shape is not retried", n)
			}
			if msg := it.Err().Error(); !strings.Contains(msg, "at "+tc.path+": ") || strings.Contains(msg, testToken) {
				t.Errorf("message %q: want the path, and no token", msg)
			}
		})
	}
}

// Page and Entry, decoded on their own, name paths from their own root.
func TestUnmarshalPaths(t *testing.T) {
	for _, tc := range []struct {
		body, path string
		v          interface{ UnmarshalJSON([]byte) error }
	}{
		{`{"entries":{"list":[]}}`, "$.entries", new(tanium.Page)},
		{`{"entries":[{"modification_time":"2024-01-01T00:00:00Z"},{"object_id":"x","modification_time":"2024-01-01T00:00:00Z"}]}`, "$.entries[1].object_id", new(tanium.Page)},
		{`[{"entries":[]},{"entries":[{"type":1}]}]`, "$[1].entries[0].modification_time", new(tanium.Page)},
		{`"x"`, "$", new(tanium.Page)},
		{`{"object_id":"x"}`, "$.object_id", new(tanium.Entry)},
		{`{"modification_time":"2024-01-01T00:00:00Z","mod_user":{"name":7}}`, "$.mod_user.name", new(tanium.Entry)},
		{`[]`, "$", new(tanium.Entry)},
		{`{"id":[]}`, "$.id", new(tanium.ModUser)},
	} {
		var pe *auditclient.PathError
		if err := tc.v.UnmarshalJSON([]byte(tc.body)); !errors.As(err, &pe) || pe.Path != tc.path {
			t.Errorf("%T from %s: %v, want a PathError at %s", tc.v, tc.body, err, tc.path)
		}
	}
}

// Error bodies ({"text":...}, or other shapes' message members) become
// *APIError with the server's message.
func TestErrorBodies(t *testing.T) {
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: tanium.Name, URLSuffix: "/api/v2/audit_logs/sensors/7", Secrets: []string{testToken}},
		func(rt http.RoundTripper) error {
			_, err := walktest.Must(tanium.NewClient(testBase, testToken, walktest.Mocked(rt)...))(t).ListPage(context.Background(), one(obj(tanium.Sensor, "7")))
			return err
		},
		walktest.ErrorBody{Status: 400, Body: `{"text":"Bad Request: audit_history_size must be a positive integer"}`, Message: "Bad Request: audit_history_size must be a positive integer", Is: auditclient.ErrBadRequest},
		walktest.ErrorBody{Status: 401, Body: `{"text":"Unauthorized: the session header holds no valid session or API token"}`, Message: "Unauthorized: the session header holds no valid session or API token", Is: auditclient.ErrUnauthorized},
		walktest.ErrorBody{Status: 403, Body: `{"text":"Forbidden: the user lacks the Audit Log Read permission"}`, Message: "Forbidden: the user lacks the Audit Log Read permission", Is: auditclient.ErrForbidden},
		walktest.ErrorBody{Status: 404, Body: `{"text":"Not Found: no audit history for sensor 7"}`, Message: "Not Found: no audit history for sensor 7", Is: auditclient.ErrNotFound},
		walktest.ErrorBody{Status: 429, Body: `{"text":"Too Many Requests"}`, Message: "Too Many Requests", Is: auditclient.ErrRateLimited},
		walktest.ErrorBody{Status: 503, Body: `{"text":"Service Unavailable: the Tanium Server is not ready"}`, Message: "Service Unavailable: the Tanium Server is not ready", Is: auditclient.ErrServer},
		walktest.ErrorBody{Status: 500, Body: `{"message":"boom","errors":[{"text":"disk full"},"retry later"],"code":"E42"}`, Message: "boom", Code: "E42", Details: []string{"disk full", "retry later"}, Is: auditclient.ErrServer},
	)
}

// Bad options are refused by Validate, ListPage, Events and Pages alike,
// before anything is sent; ListPage takes exactly one object.
func TestBadOptionsSendNothing(t *testing.T) {
	good := []tanium.Object{obj(tanium.User, "12")}
	objects := func(o ...tanium.Object) walktest.BadOption[tanium.ListOptions] {
		return walktest.BadOption[tanium.ListOptions]{Opts: tanium.ListOptions{Objects: o}, Option: "objects"}
	}
	bad := func(o tanium.ListOptions, option string) walktest.BadOption[tanium.ListOptions] {
		o.Objects = good
		return walktest.BadOption[tanium.ListOptions]{Opts: o, Option: option}
	}
	since := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	c, mt := mocked(t)
	walktest.RefusesBadOptions(t, surface(c), mt.GetTotalCallCount,
		objects(), objects(obj("users", "12")), objects(obj("authentication", "1")), objects(obj(tanium.User, "")), objects(obj(tanium.User, "0")),
		objects(obj(tanium.User, "-3")), objects(obj(tanium.User, "1/../2")), objects(obj(tanium.User, "99999999999999999999")),
		objects(obj(tanium.User, "12"), obj(tanium.User, "12")),
		bad(tanium.ListOptions{PageSize: -1}, "audit_history_size"), bad(tanium.ListOptions{PageSize: tanium.MaxHistorySize + 1}, "audit_history_size"),
		bad(tanium.ListOptions{MaxHistorySize: -1}, "max_history_size"), bad(tanium.ListOptions{MaxHistorySize: tanium.MaxHistorySize + 1}, "max_history_size"),
		bad(tanium.ListOptions{PageSize: 50, MaxHistorySize: 20}, "audit_history_size"),
		bad(tanium.ListOptions{Concurrency: -1}, "concurrency"), bad(tanium.ListOptions{Concurrency: tanium.MaxConcurrency + 1}, "concurrency"),
		bad(tanium.ListOptions{Since: since, Until: since.Add(-time.Hour)}, "since"),
		// Entries come object after object: no order by time is served.
		bad(tanium.ListOptions{Order: auditclient.OldestFirst}, "order"), bad(tanium.ListOptions{Order: auditclient.NewestFirst}, "order"),
		walktest.BadOption[tanium.ListOptions]{Opts: tanium.ListOptions{Objects: []tanium.Object{obj(tanium.User, "12"), obj(tanium.Sensor, "7")}},
			Option: "objects", Value: "user:12,sensor:7", Only: "ListPage"},
	)
	var oe *auditclient.OptionError
	if _, err := c.ListPage(context.Background(), nil); !errors.As(err, &oe) || oe.Option != "objects" || mt.GetTotalCallCount() != 0 {
		t.Errorf("ListPage(nil): %v", err)
	}
}

func TestParseObjects(t *testing.T) {
	got := walktest.Must(tanium.ParseObjects(" user:12, sensor:7 ,white_listed_url:3,package:140"))(t)
	walktest.Equal(t, "ParseObjects", got, []tanium.Object{obj(tanium.User, "12"), obj(tanium.Sensor, "7"), obj(tanium.WhiteListedURL, "3"), obj(tanium.Package, "140")})
	for _, bad := range []string{"", " ", "user", "user:", ":12", "users:12", "user:12,", "user:12,,sensor:7", "user:abc", "user:12,user:12", "package_spec:4", "user:1:2"} {
		var oe *auditclient.OptionError
		if _, err := tanium.ParseObjects(bad); !errors.As(err, &oe) || oe.Option != "objects" {
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
// environment variable, without the token. WithBaseURL, when given too,
// wins over the server; the client's formatting holds no token.
func TestNewClientChecks(t *testing.T) {
	bad := func(name, server, token, option, env, value string, opts ...auditclient.Option) walktest.BadConfig {
		return walktest.BadConfig{Name: name, Option: option, Env: env, Value: value, New: func() error { _, err := tanium.NewClient(server, token, opts...); return err }}
	}
	walktest.RefusesBadConfig(t, tanium.Name, []string{testToken},
		bad("empty server", "", testToken, "server", "TANIUM_SERVER", ""),
		bad("blank server", "  ", testToken, "server", "TANIUM_SERVER", "", auditclient.WithBaseURL(testBase)),
		bad("empty token", testBase, "", "token", "TANIUM_API_TOKEN", ""),
		bad("blank token", testBase, " \t", "token", "TANIUM_API_TOKEN", ""),
		bad("server not http", "ftp://tanium.example.com", testToken, "server", "TANIUM_SERVER", `"ftp://tanium.example.com"`),
		bad("server in clear", "http://tanium.example.com", testToken, "server", "TANIUM_SERVER", `"http://tanium.example.com"`),
		bad("bad WithBaseURL", testBase, testToken, "BaseURL (WithBaseURL)", "", `"ftp://x"`, auditclient.WithBaseURL("ftp://x")),
	)
	var c *tanium.Client
	if got := walktest.Sent(t, string(docExample(t, "vendors_md_fixture")), func(rt http.RoundTripper) error {
		c = walktest.Must(tanium.NewClient("https://ignored.example.com", testToken, walktest.Mocked(rt, auditclient.WithBaseURL("https://proxy.example.net"))...))(t)
		_, err := c.ListPage(context.Background(), one(obj(tanium.User, "1")))
		return err
	}); got.URL.Host != "proxy.example.net" {
		t.Errorf("request to %q; want WithBaseURL's host", got.URL.Host)
	}
	walktest.NoSecrets(t, []string{testToken}, map[string]string{"String": c.String(), "formatted": walktest.FmtAll(c)})
}

// A 404 ends a walk with the error naming the object, unless SkipNotFound;
// many missing objects in a row are empty pages of a walk that still moves
// on, not a server making no progress.
func TestNotFoundObject(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(100, 2, testEnd)})
	c, objs := fakeClient(t, fake), parse(t, fake.ObjectList())
	it := c.Events(context.Background(), &tanium.ListOptions{Objects: append(slices.Clone(objs), obj(tanium.Sensor, "999999")), PageSize: 1000}, nil)
	n := len(collect(t, it, -1))
	var api *auditclient.APIError
	if n != 100 || !errors.Is(it.Err(), auditclient.ErrNotFound) || !errors.As(it.Err(), &api) || !strings.Contains(it.Err().Error(), "sensor:999999") ||
		api.Message != "Not Found: no audit history for sensor 999999" {
		t.Errorf("%d events, Err = %v", n, it.Err())
	}
	it.Close()
	for _, missing := range []int{1, 3 * auditclient.DefaultMaxStalePages} {
		var list []tanium.Object
		for i := range missing {
			list = append(list, obj(tanium.Sensor, strconv.Itoa(999999-i)))
		}
		it := c.Events(context.Background(), &tanium.ListOptions{Objects: append(list, objs...), PageSize: 1000, SkipNotFound: true}, nil)
		if n := len(walk(t, it)); n != 100 {
			t.Errorf("SkipNotFound after %d missing objects: %d events", missing, n)
		}
		it.Close()
	}
}
