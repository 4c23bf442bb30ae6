package entrust_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/walktest"
)

const (
	testAppID  = "3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b"
	testSecret = "shared-s3cr3t-9b1c-XYZ"
	testTenant = "example.us.trustedauth.com"
	testBase   = "https://" + testTenant
	pagedURL   = testBase + "/api/web/v2/reports/auditeventspaged"
	siemURL    = pagedURL + "/siem"
	authURL    = testBase + "/api/web/v1/adminapi/authenticate"
)

// recorded is one request the mock received.
type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

// mockAPI is an httpmock transport that answers the authenticate endpoint
// with tokens tok-1, tok-2, ... whose lifetime (by the stated creationTime
// and expirationTime) is lifetime, and the report endpoints with report.
type mockAPI struct {
	mt       *httpmock.MockTransport
	lifetime time.Duration
	// serverNow is the server's clock for creationTime (far from the
	// local clock, to show that only the stated lifetime matters).
	serverNow time.Time

	mu     sync.Mutex
	auths  int
	reqs   []recorded
	report func(r *http.Request, body []byte, n int) (*http.Response, error)
	nrep   int
}

func (m *mockAPI) record(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	m.reqs = append(m.reqs, recorded{r.Method, r.URL.Path, r.Header.Clone(), b})
	return b
}

// reports returns the report requests received.
func (m *mockAPI) reports() []recorded {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []recorded
	for _, r := range m.reqs {
		if strings.Contains(r.path, "/reports/") {
			out = append(out, r)
		}
	}
	return out
}

func (m *mockAPI) authCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.auths
}

func jsonResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// mocked returns a client on an httpmock transport, with retries off so
// each call is one request (unless opts say otherwise).
func mocked(t *testing.T, report func(r *http.Request, body []byte, n int) (*http.Response, error), opts ...auditclient.Option) (*entrust.Client, *mockAPI) {
	t.Helper()
	m := &mockAPI{mt: httpmock.NewMockTransport(), lifetime: 15 * time.Minute, serverNow: time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC), report: report}
	m.mt.RegisterResponder("POST", authURL, func(r *http.Request) (*http.Response, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.record(r)
		m.auths++
		created := m.serverNow
		return jsonResponse(200, fmt.Sprintf(`{"authToken":"tok-%d","creationTime":%q,"expirationTime":%q}`,
			m.auths, created.Format(time.RFC3339Nano), created.Add(m.lifetime).Format(time.RFC3339Nano))), nil
	})
	answer := func(r *http.Request) (*http.Response, error) {
		m.mu.Lock()
		body := m.record(r)
		n := m.nrep
		m.nrep++
		f := m.report
		m.mu.Unlock()
		return f(r, body, n)
	}
	m.mt.RegisterResponder("POST", pagedURL, answer)
	m.mt.RegisterResponder("POST", siemURL, answer)
	return walktest.Must(entrust.NewClient(testTenant, testAppID, testSecret, walktest.Mocked(m.mt, opts...)...))(t), m
}

func samplePage(t *testing.T) []byte {
	t.Helper()
	b, ok := audittest.EntrustDocExamples()["sample_page"]
	if !ok {
		t.Fatal("no sample page")
	}
	return b
}

func okSample(t *testing.T) func(*http.Request, []byte, int) (*http.Response, error) {
	body := string(samplePage(t))
	return func(*http.Request, []byte, int) (*http.Response, error) { return jsonResponse(200, body), nil }
}

// sameJSON reports whether two JSON texts are equal as values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

var (
	since = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	until = time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC)
)

// window is the body's eventTime conditions for the half-open window
// [since, until): LESS_THAN until (it was LESS_THAN_OR_EQUAL when windows
// were inclusive).
const window = `{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00"},{"name":"eventTime","operator":"LESS_THAN","value":"2024-06-01T01:00:00"}`

func TestListPageSendsExactBody(t *testing.T) {
	type tc struct {
		name string
		opts *entrust.ListOptions
		path string
		want string
	}
	tests := []tc{
		{"window", &entrust.ListOptions{Since: since, Until: until}, pagedURL,
			`{"limit":100,"searchByAttributes":[` + window + `]}`},
		{"limit", &entrust.ListOptions{PageSize: 7, Since: since, Until: until}, pagedURL,
			`{"limit":7,"searchByAttributes":[` + window + `]}`},
		{"window rounded outwards to the second, in UTC", &entrust.ListOptions{
			Since: time.Date(2024, 6, 1, 2, 0, 0, 999, time.FixedZone("CET", 7200)),
			Until: time.Date(2024, 6, 1, 1, 0, 0, 1, time.UTC)}, pagedURL,
			`{"limit":100,"searchByAttributes":[{"name":"eventTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00"},{"name":"eventTime","operator":"LESS_THAN","value":"2024-06-01T01:00:01"}]}`},
		{"eventTime filter instead of a window", &entrust.ListOptions{Filters: []entrust.Filter{entrust.EventTime(entrust.GreaterThan, since.Add(1500*time.Millisecond))}}, pagedURL,
			`{"limit":100,"searchByAttributes":[{"name":"eventTime","operator":"GREATER_THAN","value":"2024-06-01T00:00:01"}]}`},
		{"cursor sends only limit and cursor", &entrust.ListOptions{PageSize: 50, Cursor: "eyJsYXN0IjoiN2UyYTRjNmQifQ==", Since: since,
			OrderBy: &entrust.SortBy{Name: entrust.AttrOutcome}, Filters: []entrust.Filter{entrust.OutcomeIs(entrust.OutcomeFail)}}, pagedURL,
			`{"limit":50,"cursor":"eyJsYXN0IjoiN2UyYTRjNmQifQ=="}`},
		{"siem window", &entrust.ListOptions{SIEM: true, Since: since, Until: until}, siemURL,
			`{"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00Z"},{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-06-01T01:00:00Z"}]}`},
		{"siem without since starts at the epoch", &entrust.ListOptions{SIEM: true, Filters: []entrust.Filter{entrust.CategoryIs(entrust.CategoryAuthentication)}}, siemURL,
			`{"limit":100,"searchByAttributes":[{"name":"category","operator":"EQUALS","value":"AUTHENTICATION"},{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"1970-01-01T00:00:00Z"}]}`},
		{"siem startTime filter", &entrust.ListOptions{SIEM: true, Filters: []entrust.Filter{entrust.Where(entrust.AttrStartTime, entrust.GreaterThanOrEqual, "2024-06-01T00:00:00Z"), entrust.OutcomeIs(entrust.OutcomeSuccess)}}, siemURL,
			`{"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00Z"},{"name":"outcome","operator":"EQUALS","value":"SUCCESS"}]}`},
		{"subject", &entrust.ListOptions{Since: since, Until: until, Filters: []entrust.Filter{entrust.SubjectIs("5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c")}}, pagedURL,
			`{"limit":100,"searchByAttributes":[{"name":"subject","operator":"EQUALS","value":"5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c"},` + window + `]}`},
	}
	// Every search attribute with every operator the document allows.
	for _, a := range entrust.SearchAttributes(false) {
		for _, op := range entrust.Operators(a, false) {
			v := "x"
			switch a {
			case entrust.AttrEventTime:
				v = "2018-08-04T18:15:30"
			case entrust.AttrOutcome:
				v = "FAIL"
			case entrust.AttrCategory:
				v = "MANAGEMENT"
			case entrust.AttrSubject:
				v = "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c"
			}
			tests = append(tests, tc{fmt.Sprintf("%s %s", a, op),
				&entrust.ListOptions{Since: since, Until: until, Filters: []entrust.Filter{entrust.Where(a, op, v)}}, pagedURL,
				fmt.Sprintf(`{"limit":100,"searchByAttributes":[{"name":%q,"operator":%q,"value":%q},%s]}`, a, op, v, window)})
		}
	}
	for _, a := range entrust.SortAttributes() {
		for _, asc := range []bool{true, false} {
			tests = append(tests, tc{fmt.Sprintf("order %s %v", a, asc),
				&entrust.ListOptions{Since: since, Until: until, OrderBy: &entrust.SortBy{Name: a, Ascending: asc}}, pagedURL,
				fmt.Sprintf(`{"limit":100,"orderByAttribute":{"name":%q,"ascending":%v},"searchByAttributes":[%s]}`, a, asc, window)})
		}
	}
	// Order by time is orderByAttribute eventTime; the SIEM variant, always
	// oldest first, is sent none.
	tests = append(tests,
		tc{"oldest first", &entrust.ListOptions{Since: since, Until: until, Order: auditclient.OldestFirst}, pagedURL,
			`{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":true},"searchByAttributes":[` + window + `]}`},
		tc{"newest first", &entrust.ListOptions{Since: since, Until: until, Order: auditclient.NewestFirst}, pagedURL,
			`{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":false},"searchByAttributes":[` + window + `]}`},
		tc{"newest first with the OrderBy that says so", &entrust.ListOptions{Since: since, Until: until, Order: auditclient.NewestFirst,
			OrderBy: &entrust.SortBy{Name: entrust.AttrEventTime}}, pagedURL,
			`{"limit":100,"orderByAttribute":{"name":"eventTime","ascending":false},"searchByAttributes":[` + window + `]}`},
		tc{"siem oldest first", &entrust.ListOptions{SIEM: true, Since: since, Until: until, Order: auditclient.OldestFirst}, siemURL,
			`{"limit":100,"searchByAttributes":[{"name":"startTime","operator":"GREATER_THAN_OR_EQUAL","value":"2024-06-01T00:00:00Z"},{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-06-01T01:00:00Z"}]}`},
		tc{"siem next page", &entrust.ListOptions{SIEM: true, PageSize: 100, Cursor: "<paging.nextCursor>"}, siemURL, `{"limit":100,"cursor":"\u003cpaging.nextCursor\u003e"}`},
	)
	// The SIEM example requests of the research notes are built from
	// options: the same JSON.
	docs := map[string]string{"siem window": "siem_first_page", "siem next page": "siem_next_page"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, m := mocked(t, okSample(t))
			if _, err := c.ListPage(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if len(m.reqs) != 2 {
				t.Fatalf("%d requests, want authenticate then the report", len(m.reqs))
			}
			auth, rep := m.reqs[0], m.reqs[1]
			if auth.method != "POST" || auth.path != "/api/web/v1/adminapi/authenticate" || auth.header.Get("Authorization") != "" ||
				string(auth.body) != `{"applicationId":"`+testAppID+`","sharedSecret":"`+testSecret+`","enableWebSession":false}` {
				t.Errorf("authenticate request %s %s %q %s", auth.method, auth.path, auth.header.Get("Authorization"), auth.body)
			}
			if rep.method != "POST" || testBase+rep.path != tt.path {
				t.Errorf("report request %s %s, want POST %s", rep.method, rep.path, tt.path)
			}
			if string(rep.body) != tt.want {
				t.Errorf("body\n got %s\nwant %s", rep.body, tt.want)
			}
			if doc, ok := docs[tt.name]; ok && !sameJSON(t, rep.body, audittest.EntrustDocExampleRequests()[doc]) {
				t.Errorf("body %s\nthe example %s is %s", rep.body, doc, audittest.EntrustDocExampleRequests()[doc])
			}
			if a := rep.header.Get("Authorization"); a != "tok-1" {
				t.Errorf("Authorization = %q, want the raw token", a)
			}
			if rep.header.Get("Content-Type") != "application/json" || rep.header.Get("Accept") != "application/json" {
				t.Errorf("headers %v", rep.header)
			}
		})
	}
}

// With no bound on eventTime, the mandatory attribute is derived: eventTime
// LESS_THAN_OR_EQUAL now.
func TestMandatoryEventTimeDerived(t *testing.T) {
	for _, opts := range []*entrust.ListOptions{nil, {Filters: []entrust.Filter{entrust.OutcomeIs(entrust.OutcomeSuccess)}}} {
		c, m := mocked(t, okSample(t))
		before := time.Now().UTC().Truncate(time.Second)
		if _, err := c.ListPage(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		after := time.Now().UTC().Add(time.Second)
		var body struct {
			SearchByAttributes []entrust.Filter
		}
		if err := json.Unmarshal(m.reports()[0].body, &body); err != nil {
			t.Fatal(err)
		}
		last := body.SearchByAttributes[len(body.SearchByAttributes)-1]
		at, err := time.Parse("2006-01-02T15:04:05", last.Value)
		if last.Name != entrust.AttrEventTime || last.Operator != entrust.LessThanOrEqual || err != nil || at.Before(before) || at.After(after) {
			t.Errorf("derived condition %+v, want eventTime <= now", last)
		}
	}
}

// Pages follows nextCursor, sending only limit and cursor after the first
// page, and stops at a null cursor; a 401 in the middle of a walk is
// answered by authenticating again and repeating the same request (same
// cursor, body built afresh) with the new token, and the walk goes on.
// Pages can start at a cursor.
func TestPagesFollowNextCursor(t *testing.T) {
	page := func(id, next string) string {
		return `{"results":[{"id":"` + id + `","eventTime":"2024-06-01T00:00:01Z"}],"paging":{"nextCursor":` + next + `}}`
	}
	for _, tc := range []struct {
		name                 string
		pages                []string // the third is the last
		ids, bodies, tokens  string
		auths, reauthenticed int
	}{
		{"three pages", []string{page("a", `"c1"`), `{"results":[{"id":"b","eventTime":"2024-06-01T00:00:02Z"}],"paging":{"nextCursor":"c2","prevCursor":"c0","limit":1}}`, page("c", "null")},
			"abc", `{"limit":1,"cursor":"c1"} {"limit":1,"cursor":"c2"}`, "tok-1 tok-1 tok-1", 1, 0},
		{"a 401", []string{page("a", `"c1"`), `{"errorCode":"INVALID_TOKEN","errorMessage":"expired"}`, page("b", "null")},
			"ab", `{"limit":1,"cursor":"c1"} {"limit":1,"cursor":"c1"}`, "tok-1 tok-1 tok-2", 2, 1},
	} {
		c, m := mocked(t, func(_ *http.Request, _ []byte, n int) (*http.Response, error) {
			if strings.Contains(tc.pages[n], "INVALID_TOKEN") {
				return jsonResponse(401, tc.pages[n]), nil
			}
			return jsonResponse(200, tc.pages[min(n, 2)]), nil
		})
		var ids, bodies, tokens []string
		for e, err := range c.Pages(context.Background(), &entrust.ListOptions{PageSize: 1, Since: since, Until: until}).All() {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		for i, r := range m.reports() {
			if tokens = append(tokens, r.header.Get("Authorization")); i > 0 {
				bodies = append(bodies, string(r.body))
			}
		}
		if strings.Join(ids, "") != tc.ids || strings.Join(bodies, " ") != tc.bodies || strings.Join(tokens, " ") != tc.tokens ||
			m.authCount() != tc.auths || c.HTTP().Stats().Reauthenticated != int64(tc.reauthenticed) {
			t.Errorf("%s: ids %v, bodies %s, tokens %v, %d authentications, stats %+v", tc.name, ids, bodies, tokens, m.authCount(), c.HTTP().Stats())
		}
	}
	c, m := mocked(t, func(*http.Request, []byte, int) (*http.Response, error) {
		return jsonResponse(200, page("c", "null")), nil
	})
	p := c.Pages(context.Background(), &entrust.ListOptions{PageSize: 1, Cursor: "c2"})
	pg, err := p.NextPage(context.Background())
	p.Close()
	if err != nil || len(pg.Items) != 1 || pg.Token != "c2" || string(m.reports()[0].body) != `{"limit":1,"cursor":"c2"}` {
		t.Errorf("start at a cursor: %+v %v %s", pg, err, m.reports()[0].body)
	}
}

// The sample page of the research notes decodes field by field.
func TestDecodeSamplePage(t *testing.T) {
	c, _ := mocked(t, okSample(t))
	page, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since})
	if err != nil {
		t.Fatal(err)
	}
	if page.Paging.NextCursor != "eyJsYXN0IjoiN2UyYTRjNmQifQ==" || len(page.Results) != 2 {
		t.Fatalf("paging %+v, %d results", page.Paging, len(page.Results))
	}
	a, b := page.Results[0], page.Results[1]
	wantA := entrust.AuditEvent{
		ID: "0f6b2b0e-7d7a-4a6e-9a55-2f3c1d0e9b71", EventTime: time.Date(2024, 6, 1, 0, 5, 12, 345e6, time.UTC),
		EventCategory: "AUTHENTICATION", EventOutcome: "FAIL", EventType: "AuthenticationDeniedEvent", EventVersion: "1",
		Message: "authentication.denied.invalid.password", AccountID: "a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
		Subject: "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c", SubjectName: "jdoe", SourceIP: "203.0.113.17",
		ResourceID: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", ResourceName: "Corporate VPN",
	}
	wantB := entrust.AuditEvent{
		ID: "7e2a4c6d-8f0b-4d1e-a3c5-e7f9a1b3c5d7", EventTime: time.Date(2024, 6, 1, 0, 7, 40, 1e6, time.UTC),
		EventCategory: "MANAGEMENT", EventOutcome: "SUCCESS", EventType: "UserModifiedEvent", Message: "user.edit",
		AccountID: "a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d", Subject: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
		SubjectName: "SIEM Collector API App", SourceIP: "198.51.100.4", EntityID: "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c",
		EntityName: "jdoe", EntityType: "USERS", EntityAction: "EDIT", RequiredPermission: "USERS:EDIT",
	}
	for i, pair := range [][2]entrust.AuditEvent{{a, wantA}, {b, wantB}} {
		got, w := pair[0], pair[1]
		if len(got.Raw) == 0 || got.Extra != nil || got.AuditDetails != nil {
			t.Errorf("record %d: raw %d bytes, extra %v, auditDetails %s", i, len(got.Raw), got.Extra, got.AuditDetails)
		}
		if !got.EventTime.Equal(w.EventTime) {
			t.Errorf("record %d eventTime %v, want %v", i, got.EventTime, w.EventTime)
		}
		gv, wv := reflect.ValueOf(got), reflect.ValueOf(w)
		for f := range gv.NumField() {
			name := gv.Type().Field(f).Name
			if !gv.Type().Field(f).IsExported() || name == "Raw" || name == "EventTime" {
				continue
			}
			if !reflect.DeepEqual(gv.Field(f).Interface(), wv.Field(f).Interface()) {
				t.Errorf("record %d %s = %#v, want %#v", i, name, gv.Field(f).Interface(), wv.Field(f).Interface())
			}
		}
		if got.UID() != w.ID {
			t.Errorf("uid %q", got.UID())
		}
	}
	// Raw is the record as sent.
	var whole struct{ Results []json.RawMessage }
	_ = json.Unmarshal(samplePage(t), &whole)
	if !bytes.Equal(a.Raw, whole.Results[0]) {
		t.Errorf("raw %s", a.Raw)
	}
}

func TestDecodeUnknownFieldsAndVersions(t *testing.T) {
	var e entrust.AuditEvent
	err := json.Unmarshal([]byte(`{"id":"x","eventTime":"2018-08-04T18:15:30","eventVersion":2,"auditDetails":{"roleName":"Help \"Desk\""},"sessionId":"s-1","geo":{"country":"CA"}}`), &e)
	if err != nil {
		t.Fatal(err)
	}
	if e.EventVersion != "2" || !e.EventTime.Equal(time.Date(2018, 8, 4, 18, 15, 30, 0, time.UTC)) ||
		string(e.AuditDetails) != `{"roleName":"Help \"Desk\""}` || string(e.Extra["sessionId"]) != `"s-1"` || string(e.Extra["geo"]) != `{"country":"CA"}` {
		t.Errorf("decoded %+v", e)
	}
	for _, s := range []string{`[]`, `null`, `{}`, `{"eventTime":"yesterday"}`, `{"eventTime":"2018-08-04T18:15:30Z","id":1}`,
		`{"eventTime":"2018-08-04T18:15:30Z","eventVersion":true}`, `{"eventTime":"2018-08-04T18:15:30Z"`, `"x"`} {
		var e entrust.AuditEvent
		if err := json.Unmarshal([]byte(s), &e); err == nil {
			t.Errorf("%s decoded without error", s)
		}
	}
	// A record without an id gets a stable digest.
	var x, y entrust.AuditEvent
	_ = json.Unmarshal([]byte(`{"eventTime":"2018-08-04T18:15:30Z","message":"m"}`), &x)
	_ = json.Unmarshal([]byte(`{ "eventTime":"2018-08-04T18:15:30Z", "message":"m" }`), &y)
	if x.UID() == "" || x.UID() != y.UID() {
		t.Errorf("uids %q %q", x.UID(), y.UID())
	}
}

func TestErrorBodies(t *testing.T) {
	post := func(tb testing.TB, c walktest.ErrorBody, err error) {
		if api := (*auditclient.APIError)(nil); errors.As(err, &api) && (api.Method != "POST" || c.Details == nil && api.Details != nil) {
			tb.Errorf("%d: method %s, details %q", c.Status, api.Method, api.Details)
		}
	}
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: entrust.Name, URLSuffix: "/api/web/v2/reports/auditeventspaged", Secrets: []string{testSecret}, Check: post},
		func(rt http.RoundTripper) error {
			c, _ := mocked(t, func(r *http.Request, _ []byte, _ int) (*http.Response, error) { return rt.RoundTrip(r) })
			_, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since})
			return err
		},
		walktest.ErrorBody{Status: 400, Body: `{"errorCode":"INVALID_PARAMETER","errorMessage":"The search parameters are not valid","errorParms":["eventTime is a mandatory search attribute"]}`,
			Code: "INVALID_PARAMETER", Message: "The search parameters are not valid", Details: []string{"eventTime is a mandatory search attribute"}, Is: auditclient.ErrBadRequest},
		walktest.ErrorBody{Status: 401, Body: `{"errorCode":"INVALID_TOKEN","errorMessage":"The authentication token is missing, invalid or expired","errorParms":[]}`,
			Code: "INVALID_TOKEN", Message: "The authentication token is missing, invalid or expired", Is: auditclient.ErrUnauthorized},
		walktest.ErrorBody{Status: 403, Body: `{"errorCode":"PERMISSION_DENIED"}`, Code: "PERMISSION_DENIED", Is: auditclient.ErrForbidden},
		walktest.ErrorBody{Status: 404, Body: `{"message":"Not Found"}`, Message: "Not Found", Is: auditclient.ErrNotFound},
		walktest.ErrorBody{Status: 429, Body: `{"errorCode":"TOO_MANY_REQUESTS","errorMessage":"slow down"}`, Code: "TOO_MANY_REQUESTS", Message: "slow down", Is: auditclient.ErrRateLimited},
		walktest.ErrorBody{Status: 503, Body: `{"errorCode":503,"errorMessage":"unavailable","errorParms":["try later",7]}`, Code: "503", Message: "unavailable", Details: []string{"try later", "7"}, Is: auditclient.ErrServer},
	)
}

// Wrong credentials: the authenticate call's 401 is the error, and the
// secret is not in it even when the server echoes it.
func TestAuthenticateFailure(t *testing.T) {
	c, m := mocked(t, okSample(t))
	m.mt.RegisterResponder("POST", authURL, func(r *http.Request) (*http.Response, error) {
		m.mu.Lock()
		m.record(r)
		m.auths++
		m.mu.Unlock()
		return jsonResponse(401, `{"errorCode":"AUTHENTICATION_FAILED","errorMessage":"bad shared secret `+testSecret+`"}`), nil
	})
	_, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since})
	var api *auditclient.APIError
	if !errors.Is(err, auditclient.ErrUnauthorized) || !errors.As(err, &api) || api.Code != "AUTHENTICATION_FAILED" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(walktest.FmtAll(err), testSecret) || bytes.Contains(api.Body, []byte(testSecret)) || !strings.Contains(api.Message, auditclient.Redacted) {
		t.Errorf("secret not redacted: %v / %s", err, api.Body)
	}
	if len(m.reports()) != 0 {
		t.Errorf("%d report requests sent without a token", len(m.reports()))
	}
	if err := c.Authenticate(context.Background()); !errors.Is(err, auditclient.ErrUnauthorized) {
		t.Errorf("Authenticate: %v", err)
	}
}

// The token's lifetime is what the server states (expirationTime −
// creationTime), measured on the local clock whatever the server's clock
// says: a 15-minute token serves many requests; one that lives less than
// the margins is replaced before every request, with no 401.
func TestTokenLifetimeFromResponse(t *testing.T) {
	for _, tt := range []struct {
		lifetime time.Duration
		auths    int
	}{{15 * time.Minute, 1}, {time.Hour, 1}, {50 * time.Second, 3}, {time.Second, 3}} {
		c, m := mocked(t, okSample(t))
		m.lifetime = tt.lifetime
		for range 3 {
			if _, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since}); err != nil {
				t.Fatal(err)
			}
		}
		if m.authCount() != tt.auths {
			t.Errorf("lifetime %v: %d authentications for 3 requests, want %d", tt.lifetime, m.authCount(), tt.auths)
		}
	}
}

// A retried request sends the whole body again.
func TestRetryResendsBody(t *testing.T) {
	c, m := mocked(t, func(_ *http.Request, _ []byte, n int) (*http.Response, error) {
		if n == 0 {
			return jsonResponse(503, `{"errorCode":"SERVICE_UNAVAILABLE"}`), nil
		}
		return jsonResponse(200, `{"results":[],"paging":{"nextCursor":null}}`), nil
	}, auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}))
	if _, err := c.ListPage(context.Background(), &entrust.ListOptions{PageSize: 9, Since: since, Until: until}); err != nil {
		t.Fatal(err)
	}
	r := m.reports()
	want := `{"limit":9,"searchByAttributes":[` + window + `]}`
	if len(r) != 2 || string(r[0].body) != want || string(r[1].body) != want {
		t.Errorf("%d attempts; bodies %s | %s", len(r), r[0].body, r[len(r)-1].body)
	}
}

func TestBadOptionsSendNothing(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	where := func(a entrust.Attribute, op entrust.Operator, v string) []entrust.Filter {
		return []entrust.Filter{entrust.Where(a, op, v)}
	}
	uuid := "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c"
	c, m := mocked(t, okSample(t))
	walktest.RefusesBadOptions(t, walktest.Surface[entrust.ListOptions, entrust.AuditEvent]{Vendor: entrust.Name, Validate: (*entrust.ListOptions).Validate,
		ListPage: func(ctx context.Context, o *entrust.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *entrust.ListOptions) iter.Seq2[entrust.AuditEvent, error] {
			return c.Pages(ctx, o).All()
		},
		Events: c.Events}, m.mt.GetTotalCallCount, []walktest.BadOption[entrust.ListOptions]{
		{Opts: entrust.ListOptions{PageSize: -1}, Option: "limit"},
		{Opts: entrust.ListOptions{PageSize: 101}, Option: "limit"},
		{Opts: entrust.ListOptions{Since: until, Until: since}, Option: "Since"},
		{Opts: entrust.ListOptions{Since: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}, Option: "Since"},
		{Opts: entrust.ListOptions{OrderBy: &entrust.SortBy{Name: "eventType"}}, Option: "orderByAttribute.name"},
		{Opts: entrust.ListOptions{OrderBy: &entrust.SortBy{Name: "subject"}}, Option: "orderByAttribute.name"},
		{Opts: entrust.ListOptions{SIEM: true, OrderBy: &entrust.SortBy{Name: entrust.AttrEventTime}}, Option: "orderByAttribute.name"},
		{Opts: entrust.ListOptions{SIEM: true, Order: auditclient.NewestFirst}, Option: "order"},
		{Opts: entrust.ListOptions{Order: auditclient.Order(7)}, Option: "order"},
		{Opts: entrust.ListOptions{Order: auditclient.NewestFirst, OrderBy: &entrust.SortBy{Name: entrust.AttrEventTime, Ascending: true}}, Option: "order"},
		{Opts: entrust.ListOptions{Order: auditclient.OldestFirst, OrderBy: &entrust.SortBy{Name: entrust.AttrOutcome, Ascending: true}}, Option: "order"},
		{Opts: entrust.ListOptions{Filters: where("colour", entrust.Equals, "red")}, Option: "searchByAttributes.name"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrStartTime, entrust.GreaterThanOrEqual, "2024-06-01T00:00:00Z")}, Option: "searchByAttributes.name"},
		{Opts: entrust.ListOptions{SIEM: true, Filters: where(entrust.AttrEntityType, entrust.Equals, "USERS")}, Option: "searchByAttributes.name"},
		{Opts: entrust.ListOptions{SIEM: true, Filters: []entrust.Filter{entrust.EventTime(entrust.GreaterThan, since)}}, Option: "searchByAttributes.name"},
		{Opts: entrust.ListOptions{SIEM: true, Filters: where(entrust.AttrStartTime, entrust.GreaterThan, "2024-06-01T00:00:00Z")}, Option: "startTime.operator"},
		{Opts: entrust.ListOptions{SIEM: true, Filters: where(entrust.AttrEndTime, entrust.LessThan, "2024-06-01T00:00:00Z")}, Option: "endTime.operator"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEventTime, entrust.Equals, "2018-08-04T18:15:30")}, Option: "eventTime.operator"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEventTime, entrust.GreaterThan, "2018-08-04")}, Option: "eventTime"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEventTime, entrust.GreaterThan, "2018-08-04T18:15:30+02:00")}, Option: "eventTime"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEventTime, entrust.GreaterThan, "2018-13-04T18:15:30")}, Option: "eventTime"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrOutcome, entrust.NotEquals, "FAIL")}, Option: "outcome.operator"},
		{Opts: entrust.ListOptions{Filters: []entrust.Filter{entrust.OutcomeIs("success")}}, Option: "outcome"},
		{Opts: entrust.ListOptions{Filters: []entrust.Filter{entrust.CategoryIs("ADMIN")}}, Option: "category"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrCategory, entrust.Contains, "AUTH")}, Option: "category.operator"},
		{Opts: entrust.ListOptions{Filters: []entrust.Filter{entrust.SubjectIs("jdoe")}}, Option: "subject"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrSubject, entrust.NotEquals, uuid)}, Option: "subject.operator"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrSourceIP, entrust.Contains, "203.")}, Option: "sourceIp.operator"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrSourceIP, entrust.Equals, long(40))}, Option: "sourceIp"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEntityType, entrust.Equals, long(41))}, Option: "entityType"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEntityName, entrust.Equals, long(101))}, Option: "entityName"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrEventType, entrust.EndsWith, "")}, Option: "eventType"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrSubjectName, entrust.GreaterThan, "a")}, Option: "subjectName.operator"},
		{Opts: entrust.ListOptions{Filters: where(entrust.AttrResourceName, "LIKE", "a")}, Option: "resourceName.operator"},
		{Opts: entrust.ListOptions{Cursor: "abc"}, Option: "cursor", Only: "Events"},
	}...)
}

// The limits are inclusive and counted in characters, not bytes.
func TestFilterLimitsAtTheBoundary(t *testing.T) {
	ok := []entrust.Filter{
		entrust.Where(entrust.AttrEntityType, entrust.Equals, strings.Repeat("é", 40)),
		entrust.Where(entrust.AttrSourceIP, entrust.StartsWith, strings.Repeat("1", 39)),
		entrust.Where(entrust.AttrEntityName, entrust.NotContains, strings.Repeat("ü", 100)),
		entrust.Where(entrust.AttrEventTime, entrust.LessThan, "2018-08-04T18:15:30.123Z"),
		entrust.Where(entrust.AttrSubject, entrust.Equals, "5B7D9F11-2C3E-4F5A-8B6C-7D8E9F0A1B2C"),
		entrust.EventTime(entrust.LessThanOrEqual, time.Now()),
	}
	for _, f := range ok {
		if err := f.Validate(false); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
	if len(entrust.Operators(entrust.AttrEntityName, false)) != 6 || entrust.Operators("nope", false) != nil ||
		entrust.MaxLength(entrust.AttrEntityType) != 40 || entrust.MaxLength(entrust.AttrSourceIP) != 39 || entrust.MaxLength(entrust.AttrEventType) != 100 {
		t.Error("attribute tables")
	}
}

// A missing or malformed tenant or credential is an *auditclient.ConfigError
// naming the parameter and the CLI's environment variable, never holding a
// credential; nothing is sent.
func TestNewClientChecks(t *testing.T) {
	bad := func(tenant, id, secret, option, env, value, reason string, opts ...auditclient.Option) walktest.BadConfig {
		return walktest.BadConfig{Name: fmt.Sprintf("%q %q", tenant, id), New: func() error { _, err := entrust.NewClient(tenant, id, secret, opts...); return err },
			Option: option, Env: env, Value: value, Reason: reason}
	}
	// The value shown is the tenant as a URL without user info; nothing of
	// one that does not parse.
	tenantShown := func(t, shown, reason string, opts ...auditclient.Option) walktest.BadConfig {
		return bad(t, "id", testSecret, "tenant", "ENTRUST_TENANT", shown, reason, opts...)
	}
	tenant := func(t, reason string, opts ...auditclient.Option) walktest.BadConfig {
		return tenantShown(t, strconv.Quote(t), reason, opts...)
	}
	walktest.RefusesBadConfig(t, entrust.Name, []string{testSecret},
		tenant("", "empty"), tenant("  ", "empty", auditclient.WithBaseURL(testBase)), tenant("exa mple.us.trustedauth.com", "not a host name"), tenantShown("exa mple@us.trustedauth.com", "", "not a host name"),
		tenant("ftp://example.us.trustedauth.com", "https"), tenant("https://example.us.trustedauth.com/?x=1", "query"),
		tenantShown("https://user:pw@example.us.trustedauth.com", `"https://example.us.trustedauth.com"`, "user info"),
		bad(testTenant, "", testSecret, "applicationID", "ENTRUST_APPLICATION_ID", "", "applicationId"),
		bad(testTenant, " ", testSecret, "applicationID", "ENTRUST_APPLICATION_ID", "", "applicationId"),
		bad(testTenant, "id", "", "sharedSecret", "ENTRUST_SHARED_SECRET", "", "sharedSecret"),
		bad(testTenant, "id", testSecret, "BaseURL (WithBaseURL)", "", `"ftp://x"`, "scheme", auditclient.WithBaseURL("ftp://x")))
	// Good tenants: a host, a host and port, an https or http URL with a
	// proxy prefix.
	for _, tenant := range []string{testTenant, " " + testTenant + "/ ", "gw.example.com:8443", "https://gw.example.com/entrust", "http://127.0.0.1:8080"} {
		if _, err := entrust.NewClient(tenant, "id", testSecret); err != nil {
			t.Errorf("tenant %q: %v", tenant, err)
		}
	}
	// The client's formatting, once it holds a token, shows the tenant and
	// neither the secret nor the token.
	c, _ := mocked(t, okSample(t))
	if _, err := c.ListPage(context.Background(), &entrust.ListOptions{Since: since}); err != nil {
		t.Fatal(err)
	}
	if s := walktest.FmtAll(c) + walktest.FmtAll(*c) + c.String(); strings.Contains(s, testSecret) || strings.Contains(s, "tok-1") || !strings.Contains(s, "example.us.trustedauth.com") {
		t.Errorf("client formatting: %s", s)
	}
}
