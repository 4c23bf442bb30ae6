package automox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/walktest"
)

const (
	testKey = "ax-key-s3cr3t-41c9"
	testOrg = "123e4567-e89b-12d3-a456-426614174000"
	apiURL  = "https://console.automox.com/api/audit-service/v1/orgs/" + testOrg + "/events"
)

// mocked returns a client whose HTTP goes to an httpmock transport, with
// retries off so each call is one request.
func mocked(t *testing.T, opts ...auditclient.Option) (*automox.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return walktest.Must(automox.NewClient(testKey, testOrg, walktest.Mocked(mt, opts...)...))(t), mt
}

// docExample is one of the document's example responses, verbatim (kept in
// package audittest, which the fake serves them from too).
func docExample(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := audittest.AutomoxDocExamples()[name]
	if !ok {
		t.Fatalf("no document example %q", name)
	}
	return b
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestListPageSendsExactRequest(t *testing.T) {
	cet := time.FixedZone("CET", 2*3600)
	tests := []struct {
		name string
		opts *automox.ListOptions
		want string
	}{
		// The document's request sample: "?date=2024-09-05".
		{"request sample", &automox.ListOptions{Date: day("2024-09-05")}, "date=2024-09-05"},
		// The parameter table's examples.
		{"date", &automox.ListOptions{Date: day("2021-01-01")}, "date=2021-01-01"},
		{"cursor", &automox.ListOptions{Date: day("2021-01-01"), Cursor: "6672200dd10935351f936399"}, "cursor=6672200dd10935351f936399&date=2021-01-01"},
		{"limit", &automox.ListOptions{Date: day("2021-01-01"), PageSize: 10}, "date=2021-01-01&limit=10"},
		{"all", &automox.ListOptions{Date: day("2024-06-18"), Cursor: "6672200dd10935351f936399", PageSize: 500}, "cursor=6672200dd10935351f936399&date=2024-06-18&limit=500"},
		{"the calendar day as given, in its own zone", &automox.ListOptions{Date: time.Date(2024, 6, 18, 1, 30, 0, 0, cet)}, "date=2024-06-18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var got *http.Request
			mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewBytesResponse(200, docExample(t, "authentication")), nil
			})
			if _, err := c.ListPage(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if got.URL.RawQuery != tt.want {
				t.Errorf("query = %q, want %q", got.URL.RawQuery, tt.want)
			}
			if got.Method != "GET" || got.URL.Path != "/api/audit-service/v1/orgs/"+testOrg+"/events" || got.Header.Get("Authorization") != "Bearer "+testKey ||
				got.Header.Get("X-Ax-Organization-Uuid") != testOrg || got.Header.Get("Accept") != "application/json" {
				t.Errorf("request = %s %s %v", got.Method, got.URL.Path, got.Header)
			}
		})
	}
}

func TestOrgHeaderSpelling(t *testing.T) {
	for _, tt := range []struct {
		name, header string
	}{{"ax-organization-uuid", "Ax-Organization-Uuid"}, {"", ""}} {
		c, mt := mocked(t, automox.WithOrgHeader(tt.name))
		var got http.Header
		mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
			got = r.Header
			return httpmock.NewStringResponse(200, `[]`), nil
		})
		if _, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-18")}); err != nil {
			t.Fatal(err)
		}
		if got.Get("X-Ax-Organization-Uuid") != "" {
			t.Errorf("WithOrgHeader(%q): the default header is still sent", tt.name)
		}
		if tt.header != "" && got.Get(tt.header) != testOrg {
			t.Errorf("WithOrgHeader(%q): %s = %q", tt.name, tt.header, got.Get(tt.header))
		}
		if got.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("WithOrgHeader(%q) lost the Authorization header", tt.name)
		}
	}
}

// decodePage serves body to ListPage and returns what it decoded.
func decodePage(t *testing.T, body []byte) *automox.Page {
	t.Helper()
	c, mt := mocked(t)
	mt.RegisterResponder("GET", apiURL, httpmock.NewBytesResponder(200, body))
	p, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-12")})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// Each example of the document decodes field by field, alone on its page
// of 2024-06-12, with its uid and its time as sent.
func TestDecodeDocumentExamples(t *testing.T) {
	for name, want := range map[string]automox.AuditEvent{
		"authentication": {
			ID: "6669d991ba9a2536b8158f17", Activity: "Logon", ActivityID: ptr(99), CategoryUID: ptr(3), ClassUID: 3002,
			Count: ptr(1), Message: "User Log In Success",
			Metadata: &automox.Metadata{TenantUID: "7ee9f975-6cb7-44e9-afc3-3adbece95d74", UID: "9f8896c3-e042-42de-ae41-eaef8a2a667b",
				CorrelationUID: "e92ae537-ea35-42d9-b6d4-92335f91a3db", Version: "1.1.0",
				Product: automox.Product{Version: "1.0.0-dev", VendorName: "Automox"}},
			Severity: "Informational", SeverityID: ptr(1), Status: "Other", StatusCode: "200", StatusID: ptr(1),
			Time: time.UnixMilli(1718213009419).UTC(), TimezoneOffset: ptr(0), TypeName: "Authentication: Logon", TypeUID: ptr(int64(300201)),
			Actor: &automox.Actor{User: &automox.User{EmailAddr: "readonly@mailinator.com", UID: "21968d73-38b9-4c55-8b10-a854a5fa6a36",
				Org: &automox.Org{UID: "e92ae537-ea35-42d9-b6d4-92335f91a3db", Name: "Automation Testing Zone"}}},
			User:           &automox.User{UID: "115998", EmailAddr: "readonly@mailinator.com"},
			AuthProtocolID: ptr(99), LogonTypeID: ptr(99), StatusDetails: "success",
		},
		"account_change": {
			ID: "6669ead0690594387a72eb69", Activity: "Attach Policy", ActivityID: ptr(7), CategoryUID: ptr(3), ClassUID: 3001,
			Count: ptr(1), Message: "User Zone Role Revocation",
			Metadata: &automox.Metadata{TenantUID: "6eeff83e-8d07-4013-be6a-d5d5e6cfc1e2", UID: "1a898074-74d8-47ef-8871-e0092106951a",
				Version: "1.1.0", Product: automox.Product{VendorName: "Automox", Version: "1.0.0-dev"}},
			RawData:  ptr("{account_rbac_role=no-global-access, zone_assignments=[{action=change, zone_id=12ab356b-46c8-4fc1-bf17-5a1638cc31c3, rbac_role=zone-admin}]}"),
			Severity: "Informational", SeverityID: ptr(1), StatusCode: "204", StatusID: ptr(1),
			Time: time.UnixMilli(1718217424504).UTC(), TimezoneOffset: ptr(0), TypeName: "Account Change: Detach Policy", TypeUID: ptr(int64(300108)),
			Actor: &automox.Actor{User: &automox.User{EmailAddr: "5904334a-a96d-4c21-9fb7-8d6e175a7a2b@automox.com",
				Org: &automox.Org{}, UID: "3a136316-f5f1-44d1-a0ae-ae929866cd7f"}},
			User: &automox.User{UID: "324db1cd-4011-4d7a-8400-3bc5eb60c375", EmailAddr: "c1bb5bb5-b131-41b1-aae7-8c86b60019ad@automox.com",
				Groups: []automox.Group{{Type: "organization", Privileges: []string{"Zone Operator"}, UID: "12ab356b-46c8-4fc1-bf17-5a1638cc31c3", Name: "Test Zone 1"}}},
			UserResult: &automox.User{UID: "324db1cd-4011-4d7a-8400-3bc5eb60c375", EmailAddr: "c1bb5bb5-b131-41b1-aae7-8c86b60019ad@automox.com"},
		},
		"entity_management": {
			ID: "666b3fc4690594387a72efcf", Activity: "Delete", ActivityID: ptr(4), CategoryUID: ptr(3), ClassUID: 3004, Count: ptr(1),
			Entity:  &automox.Entity{UID: "1150151", Name: "test2", Type: "Group"},
			Message: "Group Deleted",
			Metadata: &automox.Metadata{TenantUID: "7ee9f975-6cb7-44e9-afc3-3adbece95d74", UID: "62706a83-db64-4fd6-90ec-8c8c571c5790",
				CorrelationUID: "5b45a549-a058-4cce-b194-cbab74ce5476", Version: "1.1.0", Product: automox.Product{Version: "1.0.0-dev", VendorName: "Automox"}},
			Observables: []automox.Observable{
				{Value: "john.doe@automox.com", TypeID: 5, Type: "Email Address", Name: "email"},
				{Value: "5b45a549-a058-4cce-b194-cbab74ce5476", Type: "Organization ID", Name: "organization.id", TypeID: 99},
				{Value: "Super Cool Zone", Type: "Organization Name", Name: "organization.name", TypeID: 99},
			},
			Severity: "Informational", SeverityID: ptr(1), Status: "Other", StatusCode: "204", StatusID: ptr(1),
			Time: time.UnixMilli(1718304708686).UTC(), TimezoneOffset: ptr(0), TypeName: "Entity Management: Delete", TypeUID: ptr(int64(300404)),
		},
		"web_resource_activity": {
			ID: "666b43ee690594387a72f058", Activity: "Other", ActivityID: ptr(99), CategoryUID: ptr(6), ClassUID: 6001, Count: ptr(1),
			Message: "Manual Device Scan Request",
			Metadata: &automox.Metadata{TenantUID: "7ee9f975-6cb7-44e9-afc3-3adbece95d74", UID: "b4b222d9-0d71-453d-88ba-f4032f786775",
				CorrelationUID: "5b45a549-a058-4cce-b194-cbab74ce5476", Version: "1.1.0", Product: automox.Product{VendorName: "Automox", Version: "1.0.0-dev"}},
			Observables: []automox.Observable{
				{Value: "john.doe@automox.com", Name: "email", TypeID: 5, Type: "Email Address"},
				{Value: "5b45a549-a058-4cce-b194-cbab74ce5476", Type: "Organization ID", TypeID: 99, Name: "organization.id"},
				{Value: "Super Cool Zone", TypeID: 99, Name: "organization.name", Type: "Organization Name"},
			},
			RawData:  ptr("{command_type_name=GetOS, server_id=4423039}"),
			Severity: "Informational", SeverityID: ptr(1), StatusCode: "201", StatusID: ptr(1),
			Time: time.UnixMilli(1718305774191).UTC(), TimezoneOffset: ptr(0), TypeName: "Web Resources Activity: Other", TypeUID: ptr(int64(600199)),
			WebResources: []automox.WebResource{{UID: "4423039", Name: "Doe-Big-Sur-VM.local custom",
				URLString: "https://console.automox.com/api/servers/4423039", Desc: "Automox Device", Type: "Device"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := decodePage(t, docExample(t, name))
			if len(p.Events) != 1 || p.Next != "" || p.Date != "2024-06-12" {
				t.Fatalf("page: date %q next %q, %d events", p.Date, p.Next, len(p.Events))
			}
			compareEvent(t, p.Events[0], want)
			if e := p.Events[0]; e.UID() != want.Metadata.UID || e.OriginalTime() != strconv.FormatInt(want.Time.UnixMilli(), 10) {
				t.Errorf("UID %q, original time %q (the time's content as sent)", e.UID(), e.OriginalTime())
			}
		})
	}
}

// compareEvent compares the decoded fields of got with want, and checks that
// Raw is the event as sent and nothing landed in Extra.
func compareEvent(t *testing.T, got, want automox.AuditEvent) {
	t.Helper()
	if len(got.Extra) != 0 {
		t.Errorf("Extra = %v, want nothing (every field is documented)", got.Extra)
	}
	raw := got.Raw
	got.Raw, got.Extra = nil, nil
	want.Raw, want.Extra = nil, nil
	g, _ := json.Marshal(exported(got))
	w, _ := json.Marshal(exported(want))
	if !bytes.Equal(g, w) {
		t.Errorf("decoded\n%s\nwant\n%s", g, w)
	}
	// An event built in code (no Raw) marshals under the API's names:
	// decoding that gives the same fields back.
	var again automox.AuditEvent
	if b, err := json.Marshal(want); err != nil || json.Unmarshal(b, &again) != nil || len(again.Extra) != 0 {
		t.Errorf("marshalling the event built in code: %s, %v, Extra %v", b, err, again.Extra)
	}
	again.Raw = nil
	if a, _ := json.Marshal(exported(again)); !bytes.Equal(a, w) {
		t.Errorf("marshalled and decoded again\n%s\nwant\n%s", a, w)
	}
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil || back["message"] != want.Message {
		t.Errorf("Raw is not the event as sent: %s", raw)
	}
}

// exported lists the exported fields of an event, for comparing.
func exported(e automox.AuditEvent) map[string]any {
	m := map[string]any{}
	v := reflect.ValueOf(e)
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() {
			m[f.Name] = v.Field(i).Interface()
		}
	}
	return m
}

// The decoder takes what the vendor really sends.
func TestDecodeTolerates(t *testing.T) {
	tests := []struct {
		name, rec  string
		id         string
		at         time.Time
		statusCode string
		check      func(t *testing.T, e automox.AuditEvent)
	}{
		{"_id $oid, time ms", `{"_id":{"$oid":"6669d991ba9a2536b8158f17"},"time":1718213009419,"status_code":200}`,
			"6669d991ba9a2536b8158f17", time.UnixMilli(1718213009419), "200", nil},
		{"_id string, time numeric string", `{"_id":"6669d991ba9a2536b8158f18","time":"1718217424504","status_code":"204"}`,
			"6669d991ba9a2536b8158f18", time.UnixMilli(1718217424504), "204", nil},
		{"id, time float seconds", `{"id":"666b3fc4690594387a72efcf","time":1774432800.123456,"status_code":201}`,
			"666b3fc4690594387a72efcf", time.Unix(1774432800, 123456000), "201", nil},
		{"float seconds as a string, fewer digits", `{"id":"a1","time":"1774432800.5"}`, "a1", time.Unix(1774432800, 500000000), "", nil},
		{"whole seconds", `{"id":"a2","time":1718213009}`, "a2", time.Unix(1718213009, 0), "", nil},
		{"_id wins over id", `{"_id":{"$oid":"aaa"},"id":"bbb","time":1718213009419}`, "aaa", time.UnixMilli(1718213009419), "", nil},
		{"integers as strings", `{"id":"x","time":1718213009419,"activity_id":"7","class_uid":"3001","type_uid":"300108"}`, "x", time.UnixMilli(1718213009419), "",
			func(t *testing.T, e automox.AuditEvent) {
				if *e.ActivityID != 7 || e.ClassUID != 3001 || *e.TypeUID != 300108 {
					t.Errorf("%+v", e)
				}
			}},
		{"nulls are absent", `{"id":"x","time":1718213009419,"metadata":null,"actor":null,"message":null,"status_code":null}`, "x", time.UnixMilli(1718213009419), "",
			func(t *testing.T, e automox.AuditEvent) {
				if e.Metadata != nil || e.Actor != nil || e.Message != "" || len(e.Extra) != 0 {
					t.Errorf("%+v", e)
				}
			}},
		{"wrong types and unknown fields go to Extra", `{"id":"x","time":1718213009419,"message":5,"user":{"uid":115998},"service":{"name":"Console"}}`, "x", time.UnixMilli(1718213009419), "",
			func(t *testing.T, e automox.AuditEvent) {
				if e.Message != "" || e.User != nil || string(e.Extra["message"]) != "5" || string(e.Extra["user"]) != `{"uid":115998}` || string(e.Extra["service"]) != `{"name":"Console"}` {
					t.Errorf("message %q user %v extra %v", e.Message, e.User, e.Extra)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e automox.AuditEvent
			if err := json.Unmarshal([]byte(tt.rec), &e); err != nil {
				t.Fatal(err)
			}
			if e.ID != tt.id || !e.Time.Equal(tt.at) || e.StatusCode != tt.statusCode {
				t.Errorf("id %q time %v status_code %q; want %q %v %q", e.ID, e.Time, e.StatusCode, tt.id, tt.at.UTC(), tt.statusCode)
			}
			if e.Time.Location() != time.UTC {
				t.Errorf("time not in UTC: %v", e.Time)
			}
			if string(e.Raw) != tt.rec {
				t.Errorf("Raw = %s", e.Raw)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func TestDecodeRejectsMalformedEvents(t *testing.T) {
	for _, s := range []string{`[]`, `null`, `"x"`, `{}`, `{"id":"a"}`, `{"time":"yesterday"}`, `{"time":0}`, `{"time":-5}`,
		`{"time":"1718213009419x"}`, `{"time":true}`, `{"time":99999999999999999}`, `{"time":1.5e12}`} {
		var e automox.AuditEvent
		if err := json.Unmarshal([]byte(s), &e); err == nil {
			t.Errorf("%s decoded without error: %+v", s, e)
		}
	}
	// A page with one bad event is a *DecodeError, not retried.
	c, mt := mocked(t)
	mt.RegisterResponder("GET", apiURL, httpmock.NewStringResponder(200, `[{"id":"a","time":1718213009419},{"id":"b"}]`))
	_, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-12")})
	if !errors.Is(err, auditclient.ErrMalformedResponse) || !strings.Contains(err.Error(), "has no time") {
		t.Errorf("err = %v", err)
	}
	// So is an object where the array should be.
	mt.RegisterResponder("GET", apiURL, httpmock.NewStringResponder(200, `{"data":[]}`))
	if _, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-12")}); !errors.Is(err, auditclient.ErrMalformedResponse) {
		t.Errorf("object body: err = %v", err)
	}
}

func TestErrorBodies(t *testing.T) {
	noDetails := func(tb testing.TB, c walktest.ErrorBody, err error) {
		var api *auditclient.APIError
		if errors.As(err, &api) && c.Details == nil && api.Details != nil {
			tb.Errorf("%d: details %q, want none", c.Status, api.Details)
		}
	}
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: automox.Name, URLSuffix: "/events?date=2024-06-18&limit=5", Secrets: []string{testKey}, Check: noDetails},
		func(rt http.RoundTripper) error {
			c := walktest.Must(automox.NewClient(testKey, testOrg, walktest.Mocked(rt)...))(t)
			_, err := c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-18"), PageSize: 5})
			return err
		},
		walktest.ErrorBody{Status: 400, Body: string(audittest.AutomoxDocExamples()["bad_request"]), Message: "Bad Request", Is: auditclient.ErrBadRequest},
		walktest.ErrorBody{Status: 401, Body: `{"errors":["Access token is missing or invalid"]}`, Message: "Access token is missing or invalid", Is: auditclient.ErrUnauthorized},
		walktest.ErrorBody{Status: 403, Body: `{"errors":["You do not have permission to perform this action."]}`, Message: "You do not have permission to perform this action.", Is: auditclient.ErrForbidden},
		walktest.ErrorBody{Status: 404, Body: `{"errors":["Entity not found"]}`, Message: "Entity not found", Is: auditclient.ErrNotFound},
		walktest.ErrorBody{Status: 429, Body: `{"errors":["Too many requests"]}`, Message: "Too many requests", Is: auditclient.ErrRateLimited},
		walktest.ErrorBody{Status: 503, Body: `{"errors":["Service Unavailable"]}`, Message: "Service Unavailable", Is: auditclient.ErrServer},
		walktest.ErrorBody{Status: 400, Body: `{"errors":["date is required","limit must be at most 500"]}`, Message: "date is required", Details: []string{"limit must be at most 500"}, Is: auditclient.ErrBadRequest},
		walktest.ErrorBody{Status: 400, Body: `{"errors":[{"message":"bad cursor","code":"invalid_cursor"}]}`, Message: "bad cursor", Code: "invalid_cursor", Is: auditclient.ErrBadRequest},
		walktest.ErrorBody{Status: 500, Body: `<html>oops</html>`, Is: auditclient.ErrServer},
	)
}

func TestBadOptionsSendNothing(t *testing.T) {
	d := day("2024-06-18")
	c, mt := mocked(t)
	walktest.RefusesBadOptions(t, walktest.Surface[automox.ListOptions, automox.AuditEvent]{Vendor: automox.Name, Validate: (*automox.ListOptions).Validate,
		ListPage: func(ctx context.Context, o *automox.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *automox.ListOptions) iter.Seq2[automox.AuditEvent, error] {
			return c.Pages(ctx, o).All()
		},
		Events: c.Events}, mt.GetTotalCallCount, []walktest.BadOption[automox.ListOptions]{
		{Opts: automox.ListOptions{Date: d, PageSize: -1}, Option: "limit"},
		{Opts: automox.ListOptions{Date: d, PageSize: 501}, Option: "limit"},
		{Opts: automox.ListOptions{Date: d, Concurrency: -1}, Option: "concurrency"},
		{Opts: automox.ListOptions{Date: d, Concurrency: 17}, Option: "concurrency"},
		{Opts: automox.ListOptions{Cursor: "6672200dd10935351f936399"}, Option: "cursor"},
		{Opts: automox.ListOptions{Date: d, Since: d}, Option: "date"},
		{Opts: automox.ListOptions{Date: d, Until: d}, Option: "date"},
		{Opts: automox.ListOptions{Since: d.Add(time.Hour), Until: d}, Option: "since"},
		{Opts: automox.ListOptions{Date: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, Option: "date"},
		{Opts: automox.ListOptions{Until: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}, Option: "until"},
		// The API serves a day's events ascending by id, and nothing else.
		{Opts: automox.ListOptions{Date: d, Order: auditclient.NewestFirst}, Option: "order"},
		{Opts: automox.ListOptions{Since: d, Order: auditclient.Order(9)}, Option: "order"},
		// ListPage needs a date; Events takes no cursor.
		{Opts: automox.ListOptions{}, Option: "date", Only: "ListPage"},
		{Opts: automox.ListOptions{PageSize: 5}, Option: "date", Only: "ListPage"},
		{Opts: automox.ListOptions{Date: d, Cursor: "abc"}, Option: "cursor", Only: "Events"},
	}...)
	var oe *auditclient.OptionError
	if _, err := c.ListPage(context.Background(), nil); !errors.As(err, &oe) || oe.Option != "date" || mt.GetTotalCallCount() != 0 {
		t.Errorf("ListPage without options: %v", err)
	}
}

// NewClient refuses a missing key or organization, or one not a UUID,
// and a bad base URL; it takes an upper-case organization as its lower
// case; the client's formatting shows the organization, not the key.
func TestNewClientChecks(t *testing.T) {
	bad := func(name, key, org, option, env, value, reason string) walktest.BadConfig {
		return walktest.BadConfig{Name: name, New: func() error { _, err := automox.NewClient(key, org); return err }, Option: option, Env: env, Value: value, Reason: reason}
	}
	walktest.RefusesBadConfig(t, automox.Name, []string{testKey},
		bad("no key", "", testOrg, "apiKey", "AUTOMOX_API_KEY", "", ""),
		bad("no organization", testKey, "", "orgUUID", "AUTOMOX_ORG_UUID", "", ""),
		bad("an organization not a UUID", testKey, "my-org/../x", "orgUUID", "AUTOMOX_ORG_UUID", `"my-org/../x"`, "not a UUID"))
	if _, err := automox.NewClient(testKey, testOrg, auditclient.WithBaseURL("ftp://x")); err == nil {
		t.Error("bad base URL accepted")
	}
	c, err := automox.NewClient(testKey, strings.ToUpper(testOrg))
	if err != nil || c.Org() != testOrg || !strings.Contains(c.String(), testOrg) {
		t.Errorf("upper-case org: %v %v", c, err)
	}
	walktest.NoSecrets(t, []string{testKey}, map[string]string{"client": walktest.FmtAll(c)})
}

// The requests of a walk, by httpmock: one per page, every day of the
// window, the cursor being the last id of the page before (ListPage's
// Next: none after a page shorter than the limit).
func TestWalkRequestsByDayAndCursor(t *testing.T) {
	c, mt := mocked(t)
	pages := map[string]string{
		"date=2024-06-17&limit=2":           `[{"id":"a1","time":1718582400000},{"id":"a2","time":1718582400001}]`,
		"cursor=a2&date=2024-06-17&limit=2": `[{"id":"a3","time":1718582400002}]`,
		"date=2024-06-18&limit=2":           `[]`,
		"date=2024-06-19&limit=2":           `[{"_id":{"$oid":"b1"},"time":"1718755200000"},{"_id":"b2","time":1718755201.5}]`,
		"cursor=b2&date=2024-06-19&limit=2": `[]`,
		"date=2024-06-20&limit=2":           `[{"id":"c1","time":1718841600000}]`,
	}
	var queries []string
	mt.RegisterResponder("GET", apiURL, func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		body, ok := pages[r.URL.RawQuery]
		if !ok {
			return httpmock.NewStringResponse(400, `{"errors":["unexpected query `+r.URL.RawQuery+`"]}`), nil
		}
		return httpmock.NewStringResponse(200, body), nil
	})
	opts := &automox.ListOptions{
		Since: time.Date(2024, 6, 17, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 20, 23, 0, 0, 0, time.UTC),
		PageSize: 2, Concurrency: 1,
	}
	var ids []string
	for e, err := range c.Pages(context.Background(), opts).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, ",") != "a1,a2,a3,b1,b2,c1" {
		t.Errorf("ids %v", ids)
	}
	want := []string{"date=2024-06-17&limit=2", "cursor=a2&date=2024-06-17&limit=2", "date=2024-06-18&limit=2",
		"date=2024-06-19&limit=2", "cursor=b2&date=2024-06-19&limit=2", "date=2024-06-20&limit=2"}
	if !reflect.DeepEqual(queries, want) {
		t.Errorf("queries\n%v\nwant\n%v", queries, want)
	}
	// Pages tell the day and cursor of each page in their tokens.
	var tokens []string
	p := c.Pages(context.Background(), opts)
	defer p.Close()
	for p.More() {
		pg, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, fmt.Sprintf("%s:%d", pg.Token, len(pg.Items)))
	}
	if got := strings.Join(tokens, " "); got != "2024-06-17|:2 2024-06-17|a2:1 2024-06-18|:0 2024-06-19|:2 2024-06-19|b2:0 2024-06-20|:1" {
		t.Errorf("pages %s", got)
	}
	// ListPage's Next is the last id of a full page, none after a short one.
	for _, tt := range []struct{ cursor, next string }{{"", "a2"}, {"a2", ""}} {
		if p := walktest.Must(c.ListPage(context.Background(), &automox.ListOptions{Date: day("2024-06-17"), PageSize: 2, Cursor: tt.cursor}))(t); p.Next != tt.next {
			t.Errorf("cursor %q: next %q, want %q", tt.cursor, p.Next, tt.next)
		}
	}
}
