package instavm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/walktest"
)

const (
	testAPIKey = "instavm_sk_test_9b1c7e3f0a2d"
	testToken  = "bearer-token-5d4c3b2a"
	eventsURL  = "https://api.instavm.io/v1/audit/events"
)

// mocked returns a client whose HTTP goes to an httpmock transport, with
// retries off so each call is one request; it answers body to every
// request, when not "".
func mocked(t *testing.T, body string, opts ...auditclient.Option) (*instavm.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	if body != "" {
		mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(200, body))
	}
	return walktest.Must(instavm.NewClient(testAPIKey, walktest.Mocked(mt, opts...)...))(t), mt
}

func docExample(t *testing.T, name string) string {
	t.Helper()
	b, ok := audittest.InstavmDocExamples()[name]
	if !ok {
		t.Fatalf("no document example %q", name)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// The query holds each option set, as the API spells it, and nothing else;
// an API key client sends X-API-Key only, a bearer client (or one with an
// Auth of its own) Authorization only, and neither formats its secret.
func TestListPageSendsExactQuery(t *testing.T) {
	bearer := walktest.Must(instavm.NewBearerClient(testToken))(t)
	custom := walktest.Must(instavm.NewClientWithAuth(auditclient.StaticHeader("Authorization", "Bearer custom-77")))(t)
	walktest.NoSecrets(t, []string{testToken, "custom-77"}, map[string]string{"bearer": bearer.String() + walktest.FmtAll(bearer), "custom": custom.String()})
	for _, tt := range []struct {
		name string
		opts *instavm.ListOptions
		want string
	}{
		{"none", nil, ""},
		{"zero options", &instavm.ListOptions{}, ""},
		{"event_group", &instavm.ListOptions{EventGroup: "vm"}, "event_group=vm"},
		{"event_type", &instavm.ListOptions{EventType: "vm.create"}, "event_type=vm.create"},
		{"status", &instavm.ListOptions{Status: "failure"}, "status=failure"},
		{"user_id", &instavm.ListOptions{UserID: 4821}, "user_id=4821"},
		{"vm_id", &instavm.ListOptions{VMID: "vm_9a8b7c6d"}, "vm_id=vm_9a8b7c6d"},
		{"session_id", &instavm.ListOptions{SessionID: "sess_1b2c3d"}, "session_id=sess_1b2c3d"},
		{"cursor", &instavm.ListOptions{Cursor: "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0"}, "cursor=eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0"},
		{"limit min", &instavm.ListOptions{PageSize: 1}, "limit=1"},
		{"limit max", &instavm.ListOptions{PageSize: 200}, "limit=200"},
		{"escaping", &instavm.ListOptions{EventType: "a&b c+d"}, "event_type=a%26b+c%2Bd"},
		{"the window is never sent", &instavm.ListOptions{Since: time.Now().Add(-time.Hour), Until: time.Now()}, ""},
		{"newest first is the natural order: nothing sent", &instavm.ListOptions{Order: auditclient.NewestFirst}, ""},
		{"all", &instavm.ListOptions{EventGroup: "auth", EventType: "auth.login", Status: "success", UserID: 7, VMID: "vm_1", SessionID: "sess_2", Cursor: "c3", PageSize: 25},
			"cursor=c3&event_group=auth&event_type=auth.login&limit=25&session_id=sess_2&status=success&user_id=7&vm_id=vm_1"},
	} {
		for auth, mk := range map[string]func(auditclient.Option) (*instavm.Client, error){
			"X-API-Key " + testAPIKey:           func(o auditclient.Option) (*instavm.Client, error) { return instavm.NewClient(testAPIKey, o) },
			"Authorization Bearer " + testToken: func(o auditclient.Option) (*instavm.Client, error) { return instavm.NewBearerClient(testToken, o) },
			"Authorization Bearer custom-77": func(o auditclient.Option) (*instavm.Client, error) {
				return instavm.NewClientWithAuth(auditclient.StaticHeader("Authorization", "Bearer custom-77"), o)
			},
		} {
			got := walktest.Sent(t, docExample(t, "vendors_md_sample"), func(rt http.RoundTripper) error {
				_, err := walktest.Must(mk(auditclient.WithHTTPClient(&http.Client{Transport: rt})))(t).ListPage(context.Background(), tt.opts)
				return err
			})
			header, value, _ := strings.Cut(auth, " ")
			if h := got.Header; got.URL.RawQuery != tt.want || got.Method != "GET" || got.URL.Path != "/v1/audit/events" || got.URL.Host != "api.instavm.io" ||
				got.URL.Scheme != "https" || h.Get(header) != value || len(h.Values("X-API-Key"))+len(h.Values("Authorization")) != 1 ||
				h.Get("Accept") != "application/json" || !strings.HasPrefix(h.Get("User-Agent"), "auditkit/") {
				t.Errorf("%s, %s: %s %s %v; want query %q, %s alone", tt.name, header, got.Method, got.URL, h, tt.want, auth)
			}
		}
	}
}

// The vendors.md sample decodes to exactly its values; the fields it does
// not send are nil, not zero.
func TestDecodeVendorsSample(t *testing.T) {
	c, _ := mocked(t, docExample(t, "vendors_md_sample"))
	page := walktest.Must(c.ListPage(context.Background(), nil))(t)
	if page.NextCursor == nil || *page.NextCursor != "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0" || page.Next() != *page.NextCursor || len(page.Items) != 2 {
		t.Fatalf("next_cursor = %v, %d items", page.NextCursor, len(page.Items))
	}
	assertEvent(t, page.Items[0], instavm.AuditEvent{
		ID: "aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB", CreatedAt: time.Date(2025, 5, 14, 8, 31, 12, 482e6, time.UTC),
		UserID: ptr[int64](4821), ActorType: "api_key", ActorID: ptr("key_7f3c"), Source: "api",
		EventGroup: "vm", EventType: "vm.create", Status: "success", ResourceType: ptr("vm"),
		ResourceID: ptr("vm_9a8b7c6d"), VMID: ptr("vm_9a8b7c6d"), RequestID: ptr("req_5e4d3c2b1a"), HTTPMethod: ptr("POST"),
	})
	assertEvent(t, page.Items[1], instavm.AuditEvent{
		ID: "aud_01HZX3M1A4B5C6D7E8F9G0H1JK", CreatedAt: time.Date(2025, 5, 14, 8, 33, 40, 19e6, time.UTC),
		UserID: ptr[int64](4821), ActorType: "user", ActorID: ptr("4821"), Source: "dashboard",
		EventGroup: "auth", EventType: "auth.login", Status: "failure", SessionID: ptr("sess_1b2c3d"),
		RequestID: ptr("req_0f9e8d7c6b"), CorrelationID: ptr("corr_aa11"), HTTPMethod: ptr("POST"),
	})
	if a := page.Items[0]; a.UID() != a.ID {
		t.Errorf("UID %q, want the event's id", a.UID())
	}
}

// assertEvent compares the decoded fields (not Raw, Extra or unexported
// state) with want.
func assertEvent(t *testing.T, got, want instavm.AuditEvent) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s: created_at %v, want %v", want.ID, got.CreatedAt, want.CreatedAt)
	}
	fields := func(e instavm.AuditEvent) map[string]any {
		e.Raw, e.Extra = nil, nil
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(walktest.Must(json.Marshal(e))(t)))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatal(err)
		}
		delete(m, "created_at") // compared above, as a time
		return m
	}
	walktest.Equal(t, "decoded "+want.ID, fields(got), fields(want))
}

// Every field of the document's schema decodes, set and null.
func TestDecodeSchemaFull(t *testing.T) {
	c, _ := mocked(t, docExample(t, "schema_full"))
	page := walktest.Must(c.ListPage(context.Background(), &instavm.ListOptions{PageSize: 2}))(t)
	if page.NextCursor != nil || page.Next() != "" || len(page.Items) != 2 {
		t.Fatalf("next_cursor = %v, want nil (null); %d items", page.NextCursor, len(page.Items))
	}
	full := instavm.AuditEvent{
		ID: "aud_01HZX4B7K3C9D2E5F8G1H4J6KM", CreatedAt: time.Date(2025, 5, 14, 9, 2, 17, 305118000, time.UTC),
		UserID: ptr[int64](4821), ActorType: "api_key", ActorID: ptr("key_7f3c"), Source: "api",
		EventGroup: "execution", EventType: "execution.run", Status: "failure", ResourceType: ptr("task"),
		ResourceID: ptr("88123"), SessionID: ptr("sess_1b2c3d"), VMID: ptr("vm_9a8b7c6d"), TaskID: ptr[int64](88123),
		RequestID: ptr("req_7a6b5c4d3e"), CorrelationID: ptr("corr_bb22"), HTTPMethod: ptr("POST"), Path: ptr("/v1/execute"),
		HTTPStatus: ptr(200), LatencyMS: ptr(300012.57), IPAddress: ptr("203.0.113.41"),
		UserAgent: ptr("instavm-python/0.9.2 (CPython 3.12.3; Linux)"), NodeIP: ptr("10.0.2.17"), WorkerID: ptr("worker-4"),
		EventPayload: json.RawMessage(`{"language": "python", "exit_code": 124, "timed_out": true}`),
		ErrorMessage: ptr("Execution timed out after 300 seconds"),
	}
	assertEvent(t, page.Items[0], full)
	assertEvent(t, page.Items[1], instavm.AuditEvent{
		ID: "aud_01HZX4A0Z9Y8X7W6V5T4S3R2QP", CreatedAt: time.Date(2025, 5, 14, 9, 0, 0, 0, time.UTC),
		ActorType: "system", Source: "system", EventGroup: "vm", EventType: "vm.auto_stop", Status: "success",
	})
	if p := page.Items[1]; p.EventPayload != nil || p.UserID != nil || p.LatencyMS != nil || p.HTTPStatus != nil || p.Extra != nil {
		t.Errorf("null fields must decode to nil: %+v", p)
	}
	// Raw is the item as sent, byte for byte.
	if raw := page.Items[0].Raw; !strings.Contains(docExample(t, "schema_full"), string(raw)) || !bytes.HasPrefix(raw, []byte("{")) {
		t.Errorf("raw = %s", raw)
	}
	// An event built in code marshals with every field of the schema.
	built := full
	built.Raw = nil
	b := walktest.Must(json.Marshal(built))(t)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 26 {
		t.Errorf("marshalled %d fields (%v): %s", len(m), err, b)
	}
	var back instavm.AuditEvent
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	assertEvent(t, back, full)
}

// Unknown members are kept exactly, in Extra and unmapped; a decoded
// event marshals as the item was sent (compacted).
func TestUnknownFieldsKept(t *testing.T) {
	c, _ := mocked(t, strings.Replace(docExample(t, "vendors_md_sample"), `"source": "api",`, `"source": "api", "region": "eu-west-1", "tags": {"team": "ml", "n": 12345678901234567890},`, 1))
	a := walktest.Must(c.ListPage(context.Background(), nil))(t).Items[0]
	if string(a.Extra["region"]) != `"eu-west-1"` || string(a.Extra["tags"]) != `{"team": "ml", "n": 12345678901234567890}` {
		t.Errorf("Extra = %v", a.Extra)
	}
	ev := instavm.ToOCSF(a)
	if tags, _ := ev.Unmapped["tags"].(map[string]any); ev.Unmapped["region"] != "eu-west-1" || tags == nil || tags["n"] != json.Number("12345678901234567890") {
		t.Errorf("unknown members not kept exactly in unmapped: %v", ev.Unmapped)
	}
	if b := walktest.Must(json.Marshal(a))(t); string(b) != walktest.Compact(t, a.Raw) {
		t.Errorf("marshal = %s", b)
	}
}

func TestDecodeRejectsMalformedEvents(t *testing.T) {
	const ok = `"id":"aud_1","created_at":"2025-05-14T08:31:12Z","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.create","status":"success"`
	for _, tt := range []struct{ rec, field string }{
		{`[]`, "not a JSON object"},
		{`null`, "not a JSON object"},
		{`{}`, "no id"},
		{`{"id":"aud_1"}`, "no created_at"},
		{`{` + strings.Replace(ok, `"2025-05-14T08:31:12Z"`, `"yesterday"`, 1) + `}`, "created_at"},
		{`{` + strings.Replace(ok, `"aud_1"`, `17`, 1) + `}`, "field id"},
		{`{` + ok + `,"user_id":"4821"}`, "field user_id"},
		{`{` + ok + `,"user_id":48.5}`, "field user_id"},
		{`{` + ok + `,"task_id":true}`, "field task_id"},
		{`{` + ok + `,"http_status":"200"}`, "field http_status"},
		{`{` + ok + `,"http_status":99999999999}`, "field http_status"},
		{`{` + ok + `,"latency_ms":"fast"}`, "field latency_ms"},
		{`{` + ok + `,"path":["/v1"]}`, "field path"},
		{`{` + ok + `,"status":1}`, "field status"},
	} {
		var e instavm.AuditEvent
		if err := json.Unmarshal([]byte(tt.rec), &e); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: err = %v, want one naming %q", tt.rec, err, tt.field)
		}
	}
	// Naive times (Python isoformat without a zone) are read as UTC.
	var e instavm.AuditEvent
	if err := json.Unmarshal([]byte(`{`+strings.Replace(ok, `"2025-05-14T08:31:12Z"`, `"2025-05-14T08:31:12.123456"`, 1)+`}`), &e); err != nil ||
		!e.CreatedAt.Equal(time.Date(2025, 5, 14, 8, 31, 12, 123456000, time.UTC)) {
		t.Errorf("naive time = %v, %v", e.CreatedAt, err)
	}
}

func TestResponseWithoutItemsIsMalformed(t *testing.T) {
	for _, body := range []string{`{"next_cursor":null}`, `{"items":null}`, `{"items":{}}`, `[]`, `{"items":[{"id":1}]}`} {
		c, _ := mocked(t, body)
		_, err := c.ListPage(context.Background(), nil)
		var de *auditclient.DecodeError
		if !errors.Is(err, auditclient.ErrMalformedResponse) || !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want a *DecodeError", body, err)
		}
	}
}

// Error bodies ({"detail":...}, or other shapes' message) become *APIError
// with the server's message; only a 422 is a *ValidationError.
func TestErrorBodies(t *testing.T) {
	detail := func(status int, msg string, is error) walktest.ErrorBody {
		return walktest.ErrorBody{Status: status, Body: `{"detail":"` + msg + `"}`, Message: msg, Is: is}
	}
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: instavm.Name, URLSuffix: "/v1/audit/events?limit=5", Secrets: []string{testAPIKey},
		Check: func(t testing.TB, c walktest.ErrorBody, err error) {
			if ve := (*instavm.ValidationError)(nil); errors.As(err, &ve) {
				t.Errorf("a %d is not a validation error", c.Status)
			}
		}},
		func(rt http.RoundTripper) error {
			_, err := walktest.Must(instavm.NewClient(testAPIKey, walktest.Mocked(rt)...))(t).ListPage(context.Background(), &instavm.ListOptions{PageSize: 5})
			return err
		},
		detail(401, "Not authenticated", auditclient.ErrUnauthorized), detail(401, "Invalid API key or session expired", auditclient.ErrUnauthorized),
		detail(403, "Not enough permissions", auditclient.ErrForbidden), detail(404, "Not Found", auditclient.ErrNotFound),
		detail(400, "Invalid cursor", auditclient.ErrBadRequest), detail(429, "Rate limit exceeded", auditclient.ErrRateLimited),
		detail(503, "Service Unavailable", auditclient.ErrServer),
		walktest.ErrorBody{Status: 500, Body: `Internal Server Error`, Type: "text/plain; charset=utf-8", Message: "Internal Server Error", Is: auditclient.ErrServer},
		walktest.ErrorBody{Status: 502, Body: `{"message":"Bad gateway"}`, Message: "Bad gateway", Is: auditclient.ErrServer},
	)
}

// A 422 is a *ValidationError listing every loc and msg, which also is the
// *APIError and matches ErrBadRequest; integer locs (array indexes) and a
// detail that is a plain string are read too.
func TestValidationError(t *testing.T) {
	c, mt := mocked(t, "")
	mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(422, docExample(t, "validation_error")).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	_, err := c.ListPage(context.Background(), nil)
	var ve *instavm.ValidationError
	var api *auditclient.APIError
	if !errors.As(err, &ve) || !errors.Is(err, auditclient.ErrBadRequest) || !errors.As(err, &api) {
		t.Fatalf("%v (%T), want a *ValidationError, an *APIError and ErrBadRequest", err, err)
	}
	walktest.Equal(t, "errors", ve.Errors, []instavm.FieldError{
		{Loc: []string{"query", "user_id"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Type: "int_parsing", Input: json.RawMessage(`"abc"`)},
		{Loc: []string{"query", "limit"}, Msg: "Input should be less than or equal to 200", Type: "less_than_equal", Input: json.RawMessage(`"500"`)},
	})
	if ve.Errors[1].Path() != "query.limit" || api.StatusCode != 422 || api.Message != "validation error" || len(api.Details) != 2 ||
		api.Details[1] != "query.limit: Input should be less than or equal to 200" || api.Code != "int_parsing" {
		t.Errorf("path %q, APIError = %+v", ve.Errors[1].Path(), api)
	}
	for _, s := range []string{"422", "query.user_id: Input should be a valid integer", "query.limit: Input should be less than or equal to 200"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
	for body, want := range map[string]string{
		`{"detail":[{"loc":["body",0,"name"],"msg":"Field required","type":"missing"}]}`: "body.0.name: Field required",
		`{"detail":"Unprocessable"}`: "Unprocessable",
	} {
		c, mt := mocked(t, "")
		mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(422, body))
		if _, err := c.ListPage(context.Background(), nil); !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].String() != want {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// Bad options are refused by Validate, ListPage, Events and Pages alike,
// before anything is sent; Events refuses a cursor.
func TestBadOptionsSendNothing(t *testing.T) {
	bad := func(o instavm.ListOptions, option string) walktest.BadOption[instavm.ListOptions] {
		return walktest.BadOption[instavm.ListOptions]{Opts: o, Option: option}
	}
	c, mt := mocked(t, "")
	walktest.RefusesBadOptions(t, walktest.Surface[instavm.ListOptions, instavm.AuditEvent]{Vendor: instavm.Name, Validate: (*instavm.ListOptions).Validate, Events: c.Events,
		ListPage: func(ctx context.Context, o *instavm.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *instavm.ListOptions) iter.Seq2[instavm.AuditEvent, error] {
			return c.Pages(ctx, o).All()
		}},
		mt.GetTotalCallCount,
		bad(instavm.ListOptions{PageSize: -1}, "limit"), bad(instavm.ListOptions{PageSize: 201}, "limit"), bad(instavm.ListOptions{UserID: -3}, "user_id"),
		bad(instavm.ListOptions{EventType: "bad\xffutf8"}, "event_type"), bad(instavm.ListOptions{VMID: strings.Repeat("v", 2000)}, "vm_id"),
		bad(instavm.ListOptions{Since: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, "since"),
		bad(instavm.ListOptions{Order: auditclient.OldestFirst}, "order"), bad(instavm.ListOptions{Order: auditclient.Order(9)}, "order"),
		walktest.BadOption[instavm.ListOptions]{Opts: instavm.ListOptions{Cursor: "abc"}, Option: "cursor", Only: "Events"},
	)
}

// Credentials are required, and never shown; the client's formatting
// shows the API's address, not the key.
func TestNewClientRejectsBadCredentials(t *testing.T) {
	bad := func(name, option, env string, err func() error) walktest.BadConfig {
		return walktest.BadConfig{Name: name, Option: option, Env: env, New: err}
	}
	walktest.RefusesBadConfig(t, instavm.Name, []string{"s3cr3t"},
		bad("empty key", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient(""); return err }),
		bad("key with a newline", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient("instavm_sk_s3cr3t\n"); return err }),
		bad("key with a space", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient("instavm_sk_ s3cr3t"); return err }),
		bad("empty token", "token", "", func() error { _, err := instavm.NewBearerClient(""); return err }),
		bad("nil auth", "auth", "", func() error { _, err := instavm.NewClientWithAuth(nil); return err }),
		walktest.BadConfig{Name: "bad base URL", Option: "BaseURL (WithBaseURL)", Value: `"ftp://x"`,
			New: func() error { _, err := instavm.NewClient("k", auditclient.WithBaseURL("ftp://x")); return err }},
	)
	c, _ := mocked(t, "")
	if s := walktest.FmtAll(c); strings.Contains(s, testAPIKey) || !strings.Contains(c.String(), "https://api.instavm.io") {
		t.Errorf("client formatting: %s", s)
	}
}

// Pages starts at opts.Cursor, sends the cursor of each next_cursor, stops
// at null, and applies the window client-side; so does ListPage, to its
// page, keeping next_cursor.
func TestPagesFollowCursorAndApplyWindow(t *testing.T) {
	page := func(next string, items ...string) string {
		n := "null"
		if next != "" {
			n = `"` + next + `"`
		}
		for i, it := range items {
			id, at, _ := strings.Cut(it, " ")
			items[i] = `{"id":"` + id + `","created_at":"2025-05-14T` + at + `:00:00Z","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.list","status":"success"}`
		}
		return `{"items":[` + strings.Join(items, ",") + `],"next_cursor":` + n + `}`
	}
	bodies := map[string]string{"start": page("c2", "a5 10", "a4 09"), "c2": page("c3", "a3 08", "a2 07"), "c3": page("", "a1 06")}
	c, mt := mocked(t, "")
	var cursors []string
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		cursors = append(cursors, r.URL.Query().Get("cursor"))
		if r.URL.Query().Get("limit") != "200" || r.URL.Query().Get("vm_id") != "vm_1" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		return httpmock.NewStringResponse(200, bodies[r.URL.Query().Get("cursor")]), nil
	})
	var ids []string
	opts := &instavm.ListOptions{VMID: "vm_1", Cursor: "start", Since: time.Date(2025, 5, 14, 7, 0, 0, 0, time.UTC), Until: time.Date(2025, 5, 14, 9, 30, 0, 0, time.UTC)}
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, ",") != "a4,a3,a2" || strings.Join(cursors, ",") != "start,c2,c3" || opts.Cursor != "start" || opts.PageSize != 0 {
		t.Errorf("ids %v, want the window's a4,a3,a2; cursors sent %v; the caller's options %+v", ids, cursors, opts)
	}
	p, err := c.ListPage(context.Background(), &instavm.ListOptions{Cursor: "c2", VMID: "vm_1", PageSize: 200, Since: time.Date(2025, 5, 14, 7, 30, 0, 0, time.UTC)})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != "a3" || p.Next() != "c3" {
		t.Errorf("ListPage: %v %+v", err, p)
	}
}

// A server that repeats a cursor ends the walk with an error instead of
// looping.
func TestRepeatedCursorEndsWalk(t *testing.T) {
	c, mt := mocked(t, `{"items":[{"id":"a","created_at":"2025-05-14T10:00:00Z","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.list","status":"success"}],"next_cursor":"same"}`)
	n := 0
	var last error
	for _, err := range c.Pages(context.Background(), nil).All() {
		if last = err; err != nil {
			break
		}
		n++
	}
	if last == nil || n > 3 || mt.GetTotalCallCount() > 3 {
		t.Errorf("%d events, %d requests, err %v", n, mt.GetTotalCallCount(), last)
	}
}
