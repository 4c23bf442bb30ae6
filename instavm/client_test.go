package instavm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

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
// retries off so each call is one request.
func mocked(t *testing.T, opts ...auditclient.Option) (*instavm.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []auditclient.Option{
		auditclient.WithHTTPClient(&http.Client{Transport: mt}),
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
	}
	c, err := instavm.NewClient(testAPIKey, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

func docExample(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := audittest.InstavmDocExamples()[name]
	if !ok {
		t.Fatalf("no document example %q", name)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

func TestListPageSendsExactQuery(t *testing.T) {
	tests := []struct {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var got *http.Request
			mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewBytesResponse(200, docExample(t, "vendors_md_sample")), nil
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
			if got.Method != "GET" || got.URL.Path != "/v1/audit/events" || got.URL.Host != "api.instavm.io" || got.URL.Scheme != "https" {
				t.Errorf("request = %s %s", got.Method, got.URL)
			}
			if k := got.Header.Get("X-API-Key"); k != testAPIKey {
				t.Errorf("X-API-Key = %q", k)
			}
			if a := got.Header.Get("Authorization"); a != "" {
				t.Errorf("Authorization = %q; an API key client must send X-API-Key only", a)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q", a)
			}
			if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, "auditkit/") {
				t.Errorf("User-Agent = %q", ua)
			}
		})
	}
}

func TestBearerAndCustomAuth(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var got []*http.Request
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		got = append(got, r)
		return httpmock.NewBytesResponse(200, docExample(t, "schema_full")), nil
	})
	hc := auditclient.WithHTTPClient(&http.Client{Transport: mt})
	bearer, err := instavm.NewBearerClient(testToken, hc)
	if err != nil {
		t.Fatal(err)
	}
	custom, err := instavm.NewClientWithAuth(auditclient.StaticHeader("Authorization", "Bearer custom-77"), hc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*instavm.Client{bearer, custom} {
		if _, err := c.ListPage(context.Background(), &instavm.ListOptions{PageSize: 2}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	if a := got[0].Header.Get("Authorization"); a != "Bearer "+testToken || got[0].Header.Get("X-API-Key") != "" {
		t.Errorf("bearer client: Authorization %q, X-API-Key %q", a, got[0].Header.Get("X-API-Key"))
	}
	if a := got[1].Header.Get("Authorization"); a != "Bearer custom-77" {
		t.Errorf("custom auth: Authorization %q", a)
	}
	for _, s := range []string{bearer.String(), walktest.FmtAll(bearer), custom.String()} {
		if strings.Contains(s, testToken) || strings.Contains(s, "custom-77") {
			t.Errorf("client formatting leaks the token: %s", s)
		}
	}
}

// The vendors.md sample decodes to exactly its values; the fields it does
// not send are nil, not zero.
func TestDecodeVendorsSample(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, docExample(t, "vendors_md_sample")))
	page, err := c.ListPage(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.NextCursor == nil || *page.NextCursor != "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0" || page.Next() != *page.NextCursor {
		t.Errorf("next_cursor = %v", page.NextCursor)
	}
	if len(page.Items) != 2 {
		t.Fatalf("%d items", len(page.Items))
	}
	a := page.Items[0]
	want := instavm.AuditEvent{
		ID: "aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB", CreatedAt: time.Date(2025, 5, 14, 8, 31, 12, 482e6, time.UTC),
		UserID: ptr[int64](4821), ActorType: "api_key", ActorID: ptr("key_7f3c"), Source: "api",
		EventGroup: "vm", EventType: "vm.create", Status: "success", ResourceType: ptr("vm"),
		ResourceID: ptr("vm_9a8b7c6d"), VMID: ptr("vm_9a8b7c6d"), RequestID: ptr("req_5e4d3c2b1a"), HTTPMethod: ptr("POST"),
	}
	assertEvent(t, a, want)
	b := page.Items[1]
	want = instavm.AuditEvent{
		ID: "aud_01HZX3M1A4B5C6D7E8F9G0H1JK", CreatedAt: time.Date(2025, 5, 14, 8, 33, 40, 19e6, time.UTC),
		UserID: ptr[int64](4821), ActorType: "user", ActorID: ptr("4821"), Source: "dashboard",
		EventGroup: "auth", EventType: "auth.login", Status: "failure", SessionID: ptr("sess_1b2c3d"),
		RequestID: ptr("req_0f9e8d7c6b"), CorrelationID: ptr("corr_aa11"), HTTPMethod: ptr("POST"),
	}
	assertEvent(t, b, want)
	if a.UID() != a.ID {
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
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatal(err)
		}
		delete(m, "created_at") // compared above, as a time
		return m
	}
	if g, w := fields(got), fields(want); !reflect.DeepEqual(g, w) {
		t.Errorf("decoded\n%v\nwant\n%v", g, w)
	}
}

// Every field of the document's schema decodes, set and null.
func TestDecodeSchemaFull(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, docExample(t, "schema_full")))
	page, err := c.ListPage(context.Background(), &instavm.ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.NextCursor != nil || page.Next() != "" {
		t.Errorf("next_cursor = %v, want nil (null)", page.NextCursor)
	}
	if len(page.Items) != 2 {
		t.Fatalf("%d items", len(page.Items))
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
	nulls := instavm.AuditEvent{
		ID: "aud_01HZX4A0Z9Y8X7W6V5T4S3R2QP", CreatedAt: time.Date(2025, 5, 14, 9, 0, 0, 0, time.UTC),
		ActorType: "system", Source: "system", EventGroup: "vm", EventType: "vm.auto_stop", Status: "success",
	}
	assertEvent(t, page.Items[1], nulls)
	if p := page.Items[1]; p.EventPayload != nil || p.UserID != nil || p.LatencyMS != nil || p.HTTPStatus != nil || p.Extra != nil {
		t.Errorf("null fields must decode to nil: %+v", p)
	}
	// Raw is the item as sent, byte for byte.
	if !bytes.Contains(docExample(t, "schema_full"), page.Items[0].Raw) || !bytes.HasPrefix(page.Items[0].Raw, []byte("{")) {
		t.Errorf("raw = %s", page.Items[0].Raw)
	}
	// An event built in code marshals with every field of the schema.
	built := full
	built.Raw = nil
	b, err := json.Marshal(built)
	if err != nil {
		t.Fatal(err)
	}
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

func TestUnknownFieldsKept(t *testing.T) {
	body := bytes.Replace(docExample(t, "vendors_md_sample"), []byte(`"source": "api",`), []byte(`"source": "api", "region": "eu-west-1", "tags": {"team": "ml", "n": 12345678901234567890},`), 1)
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewBytesResponder(200, body))
	page, err := c.ListPage(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := page.Items[0]
	if string(a.Extra["region"]) != `"eu-west-1"` || string(a.Extra["tags"]) != `{"team": "ml", "n": 12345678901234567890}` {
		t.Errorf("Extra = %v", a.Extra)
	}
	ev := instavm.ToOCSF(a)
	if ev.Unmapped["region"] != "eu-west-1" {
		t.Errorf("unknown field not in unmapped: %v", ev.Unmapped)
	}
	if tags, _ := ev.Unmapped["tags"].(map[string]any); tags == nil || tags["n"] != json.Number("12345678901234567890") {
		t.Errorf("unknown object not kept exactly: %v", ev.Unmapped["tags"])
	}
	// Marshal of a decoded event is the item as sent (compacted by
	// encoding/json).
	b, _ := json.Marshal(a)
	var raw bytes.Buffer
	_ = json.Compact(&raw, a.Raw)
	if !bytes.Equal(b, raw.Bytes()) {
		t.Errorf("marshal = %s", b)
	}
}

func TestDecodeRejectsMalformedEvents(t *testing.T) {
	const ok = `"id":"aud_1","created_at":"2025-05-14T08:31:12Z","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.create","status":"success"`
	tests := []struct{ rec, field string }{
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
	}
	for _, tt := range tests {
		var e instavm.AuditEvent
		err := json.Unmarshal([]byte(tt.rec), &e)
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: err = %v, want one naming %q", tt.rec, err, tt.field)
		}
	}
	// Naive times (Python isoformat without a zone) are read as UTC.
	var e instavm.AuditEvent
	if err := json.Unmarshal([]byte(`{`+strings.Replace(ok, `"2025-05-14T08:31:12Z"`, `"2025-05-14T08:31:12.123456"`, 1)+`}`), &e); err != nil {
		t.Fatal(err)
	}
	if !e.CreatedAt.Equal(time.Date(2025, 5, 14, 8, 31, 12, 123456000, time.UTC)) {
		t.Errorf("naive time = %v", e.CreatedAt)
	}
}

func TestResponseWithoutItemsIsMalformed(t *testing.T) {
	for _, body := range []string{`{"next_cursor":null}`, `{"items":null}`, `{"items":{}}`, `[]`, `{"items":[{"id":1}]}`} {
		c, mt := mocked(t)
		mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(200, body))
		_, err := c.ListPage(context.Background(), nil)
		var de *auditclient.DecodeError
		if !errors.Is(err, auditclient.ErrMalformedResponse) || !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want a *DecodeError", body, err)
		}
	}
}

func TestErrorBodies(t *testing.T) {
	tests := []struct {
		status   int
		body     string
		ctype    string
		message  string
		sentinel error
	}{
		{401, `{"detail":"Not authenticated"}`, "application/json", "Not authenticated", auditclient.ErrUnauthorized},
		{401, `{"detail":"Invalid API key or session expired"}`, "application/json", "Invalid API key or session expired", auditclient.ErrUnauthorized},
		{403, `{"detail":"Not enough permissions"}`, "application/json", "Not enough permissions", auditclient.ErrForbidden},
		{404, `{"detail":"Not Found"}`, "application/json", "Not Found", auditclient.ErrNotFound},
		{400, `{"detail":"Invalid cursor"}`, "application/json", "Invalid cursor", auditclient.ErrBadRequest},
		{429, `{"detail":"Rate limit exceeded"}`, "application/json", "Rate limit exceeded", auditclient.ErrRateLimited},
		{503, `{"detail":"Service Unavailable"}`, "application/json", "Service Unavailable", auditclient.ErrServer},
		{500, `Internal Server Error`, "text/plain; charset=utf-8", "Internal Server Error", auditclient.ErrServer},
		{502, `{"message":"Bad gateway"}`, "application/json", "Bad gateway", auditclient.ErrServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, " ", tt.message), func(t *testing.T) {
			c, mt := mocked(t)
			mt.RegisterResponder("GET", eventsURL, func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(tt.status, tt.body)
				r.Header.Set("Content-Type", tt.ctype)
				r.Header.Set("X-Request-Id", "req-77")
				return r, nil
			})
			_, err := c.ListPage(context.Background(), &instavm.ListOptions{PageSize: 5})
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			var api *auditclient.APIError
			if !errors.As(err, &api) {
				t.Fatalf("not an *APIError: %T %v", err, err)
			}
			if api.StatusCode != tt.status || api.Message != tt.message || api.Vendor != "instavm" || api.RequestID != "req-77" ||
				!strings.Contains(api.URL, "/v1/audit/events?limit=5") {
				t.Errorf("APIError = %+v", api)
			}
			var ve *instavm.ValidationError
			if errors.As(err, &ve) {
				t.Errorf("a %d is not a validation error", tt.status)
			}
			if strings.Contains(walktest.FmtAll(err), testAPIKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

// A 422 is a *ValidationError listing every loc and msg, which also is the
// *APIError and matches ErrBadRequest.
func TestValidationError(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, func(*http.Request) (*http.Response, error) {
		r := httpmock.NewBytesResponse(422, docExample(t, "validation_error"))
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	})
	_, err := c.ListPage(context.Background(), nil)
	var ve *instavm.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("not a *ValidationError: %T %v", err, err)
	}
	want := []instavm.FieldError{
		{Loc: []string{"query", "user_id"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Type: "int_parsing", Input: json.RawMessage(`"abc"`)},
		{Loc: []string{"query", "limit"}, Msg: "Input should be less than or equal to 200", Type: "less_than_equal", Input: json.RawMessage(`"500"`)},
	}
	if !reflect.DeepEqual(ve.Errors, want) {
		t.Errorf("errors = %+v\nwant %+v", ve.Errors, want)
	}
	if ve.Errors[1].Path() != "query.limit" {
		t.Errorf("path %q", ve.Errors[1].Path())
	}
	msg := err.Error()
	for _, s := range []string{"422", "query.user_id: Input should be a valid integer", "query.limit: Input should be less than or equal to 200"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q lacks %q", msg, s)
		}
	}
	if !errors.Is(err, auditclient.ErrBadRequest) {
		t.Error("a 422 must match ErrBadRequest")
	}
	var api *auditclient.APIError
	if !errors.As(err, &api) || api.StatusCode != 422 || api.Message != "validation error" || len(api.Details) != 2 ||
		api.Details[1] != "query.limit: Input should be less than or equal to 200" || api.Code != "int_parsing" {
		t.Errorf("APIError = %+v", api)
	}
	// Integer locs (array indexes) and a detail that is a plain string.
	for body, want := range map[string]string{
		`{"detail":[{"loc":["body",0,"name"],"msg":"Field required","type":"missing"}]}`: "body.0.name: Field required",
		`{"detail":"Unprocessable"}`: "Unprocessable",
	} {
		c, mt := mocked(t)
		mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(422, body))
		_, err := c.ListPage(context.Background(), nil)
		if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].String() != want {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestBadOptionsSendNothing(t *testing.T) {
	tests := []struct {
		opts   instavm.ListOptions
		option string
	}{
		{instavm.ListOptions{PageSize: -1}, "limit"},
		{instavm.ListOptions{PageSize: 201}, "limit"},
		{instavm.ListOptions{UserID: -3}, "user_id"},
		{instavm.ListOptions{EventType: "bad\xffutf8"}, "event_type"},
		{instavm.ListOptions{VMID: strings.Repeat("v", 2000)}, "vm_id"},
		{instavm.ListOptions{Since: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, "since"},
		{instavm.ListOptions{Order: auditclient.OldestFirst}, "order"},
		{instavm.ListOptions{Order: auditclient.Order(9)}, "order"},
	}
	for _, tt := range tests {
		c, mt := mocked(t)
		_, err := c.ListPage(context.Background(), &tt.opts)
		var oe *auditclient.OptionError
		if !errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Vendor != instavm.Name || oe.Option != tt.option || oe.Allowed == "" || !strings.Contains(err.Error(), tt.option) {
			t.Errorf("%s: err = %v, want an OptionError for %s", tt.option, err, tt.option)
		}
		it := c.Events(context.Background(), &tt.opts, nil)
		if it.Next() || !errors.As(it.Err(), &oe) || oe.Option != tt.option {
			t.Errorf("Events(%s): Err = %v", tt.option, it.Err())
		}
		for _, err := range c.Pages(context.Background(), &tt.opts).All() {
			if !errors.As(err, &oe) {
				t.Errorf("Pages(%s): %v", tt.option, err)
			}
		}
		if n := mt.GetTotalCallCount(); n != 0 {
			t.Errorf("%s: %d requests sent", tt.option, n)
		}
	}
	c, mt := mocked(t)
	var oe *auditclient.OptionError
	if it := c.Events(context.Background(), &instavm.ListOptions{Cursor: "abc"}, nil); it.Next() || !errors.As(it.Err(), &oe) || oe.Option != "cursor" {
		t.Errorf("Events with a cursor: %v", it.Err())
	}
	if mt.GetTotalCallCount() != 0 {
		t.Error("request sent")
	}
}

func TestNewClientRejectsBadCredentials(t *testing.T) {
	for _, tt := range []struct {
		name, option, env string
		err               func() error
	}{
		{"empty key", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient(""); return err }},
		{"key with a newline", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient("instavm_sk_s3cr3t\n"); return err }},
		{"key with a space", "apiKey", "INSTAVM_API_KEY", func() error { _, err := instavm.NewClient("instavm_sk_ s3cr3t"); return err }},
		{"empty token", "token", "", func() error { _, err := instavm.NewBearerClient(""); return err }},
		{"nil auth", "auth", "", func() error { _, err := instavm.NewClientWithAuth(nil); return err }},
	} {
		err := tt.err()
		var ce *auditclient.ConfigError
		if !errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Vendor != instavm.Name || ce.Option != tt.option || ce.Env != tt.env || ce.Value != "" ||
			!strings.Contains(err.Error(), tt.option) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := instavm.NewClient("k", auditclient.WithBaseURL("ftp://x")); err == nil {
		t.Error("bad base URL accepted")
	}
}

func TestClientStringHidesCredentials(t *testing.T) {
	c, _ := mocked(t)
	s := walktest.FmtAll(c)
	if strings.Contains(s, testAPIKey) || !strings.Contains(c.String(), "https://api.instavm.io") {
		t.Errorf("client formatting: %s", s)
	}
}

// Pages starts at opts.Cursor, sends the cursor of each
// next_cursor, stops at null, and applies the window client-side.
func TestPagesFollowCursorAndApplyWindow(t *testing.T) {
	page := func(items []string, next string) string {
		n := "null"
		if next != "" {
			n = `"` + next + `"`
		}
		return `{"items":[` + strings.Join(items, ",") + `],"next_cursor":` + n + `}`
	}
	item := func(id, at string) string {
		return `{"id":"` + id + `","created_at":"` + at + `","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.list","status":"success"}`
	}
	bodies := map[string]string{
		"start": page([]string{item("a5", "2025-05-14T10:00:00Z"), item("a4", "2025-05-14T09:00:00Z")}, "c2"),
		"c2":    page([]string{item("a3", "2025-05-14T08:00:00Z"), item("a2", "2025-05-14T07:00:00Z")}, "c3"),
		"c3":    page([]string{item("a1", "2025-05-14T06:00:00Z")}, ""),
	}
	c, mt := mocked(t)
	var cursors []string
	mt.RegisterResponder("GET", eventsURL, func(r *http.Request) (*http.Response, error) {
		cur := r.URL.Query().Get("cursor")
		cursors = append(cursors, cur)
		if r.URL.Query().Get("limit") != "200" || r.URL.Query().Get("vm_id") != "vm_1" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		return httpmock.NewStringResponse(200, bodies[cur]), nil
	})
	var ids []string
	opts := &instavm.ListOptions{VMID: "vm_1", Cursor: "start",
		Since: time.Date(2025, 5, 14, 7, 0, 0, 0, time.UTC), Until: time.Date(2025, 5, 14, 9, 30, 0, 0, time.UTC)}
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, ",") != "a4,a3,a2" {
		t.Errorf("ids %v, want the window's a4,a3,a2", ids)
	}
	if strings.Join(cursors, ",") != "start,c2,c3" {
		t.Errorf("cursors sent %v", cursors)
	}
	if opts.Cursor != "start" || opts.PageSize != 0 {
		t.Errorf("the caller's options were changed: %+v", opts)
	}
	// ListPage applies the window to its page and keeps next_cursor.
	p, err := c.ListPage(context.Background(), &instavm.ListOptions{Cursor: "c2", VMID: "vm_1", PageSize: 200, Since: time.Date(2025, 5, 14, 7, 30, 0, 0, time.UTC)})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != "a3" || p.Next() != "c3" {
		t.Errorf("ListPage: %v %+v", err, p)
	}
}

// A server that repeats a cursor ends the walk with an error instead of
// looping.
func TestRepeatedCursorEndsWalk(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", eventsURL, httpmock.NewStringResponder(200,
		`{"items":[{"id":"a","created_at":"2025-05-14T10:00:00Z","actor_type":"user","source":"api","event_group":"vm","event_type":"vm.list","status":"success"}],"next_cursor":"same"}`))
	n := 0
	var last error
	for _, err := range c.Pages(context.Background(), nil).All() {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if last == nil || n > 3 || mt.GetTotalCallCount() > 3 {
		t.Errorf("%d events, %d requests, err %v", n, mt.GetTotalCallCount(), last)
	}
}
