package cisco_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
)

const (
	testClientID = "client-id-7f3a"
	testAPIKey   = "api-key-s3cr3t-9b1c"
)

// mocked returns a client whose HTTP goes to an httpmock transport, with
// retries off so each call is one request.
func mocked(t *testing.T, opts ...auditclient.Option) (*cisco.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return walktest.Must(cisco.NewClient(testClientID, testAPIKey, walktest.Mocked(mt, opts...)...))(t), mt
}

// docExample is one of the document's example responses, verbatim (kept in
// package audittest, which the fake serves them from too).
func docExample(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := audittest.CiscoDocExamples()[name]
	if !ok {
		t.Fatalf("no document example %q", name)
	}
	return b
}

// ListPage sends exactly the query of its options, with HTTP Basic of the
// client id and API key; the options of the document's seven example
// requests (doc) send the document's queries.
func TestListPageSendsExactQuery(t *testing.T) {
	start := time.Date(2015, 10, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2018, 10, 1, 0, 0, 1, 0, time.UTC) // Until is exclusive: end_time is the second before
	cet := time.FixedZone("CET", 2*3600)
	docs := audittest.CiscoDocExampleRequests()
	tests := []struct {
		name, doc string
		opts      *cisco.ListOptions
		want      string
	}{
		{"none", "list", nil, ""},
		{"audit_log_type", "by_audit_log_type", &cisco.ListOptions{AuditLogType: "User", PageSize: 5}, "audit_log_type=User&limit=5"},
		{"audit_log_id", "by_audit_log_id", &cisco.ListOptions{AuditLogID: "e773a9eb-296c-40df-98d8-bed46322589d", PageSize: 5}, "audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5"},
		{"connector audit_log_id", "", &cisco.ListOptions{AuditLogID: "16db5cf986eec6f44422"}, "audit_log_id=16db5cf986eec6f44422"},
		{"event", "by_event", &cisco.ListOptions{Event: "login", PageSize: 5}, "event=login&limit=5"},
		{"start_time", "by_start_time", &cisco.ListOptions{Since: start, PageSize: 5}, "limit=5&start_time=2015-10-01T00%3A00%3A00%2B00%3A00"},
		{"end_time", "by_end_time", &cisco.ListOptions{Until: end, PageSize: 5}, "end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5"},
		{"audit_log_user", "by_audit_log_user", &cisco.ListOptions{AuditLogUser: "amp@cisco.com", PageSize: 5}, "audit_log_user=amp%40cisco.com&limit=5"},
		{"offset", "", &cisco.ListOptions{PageSize: 500, Offset: 500}, "limit=500&offset=500"},
		{"time in another zone is sent in UTC, to the second", "", &cisco.ListOptions{Since: time.Date(2024, 6, 19, 2, 0, 0, 999, cet)}, "start_time=2024-06-19T00%3A00%3A00%2B00%3A00"},
		{"until in another zone: the last whole second before it, in UTC", "", &cisco.ListOptions{Until: time.Date(2024, 6, 19, 2, 0, 5, 300, cet)}, "end_time=2024-06-19T00%3A00%3A05%2B00%3A00"},
		{"until on a whole second: the second before", "", &cisco.ListOptions{Until: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, "end_time=2025-06-01T23%3A59%3A59%2B00%3A00"},
		{"order newest first, as the API sends: nothing to send", "", &cisco.ListOptions{Order: auditclient.NewestFirst, PageSize: 5}, "limit=5"},
		{"all", "", &cisco.ListOptions{AuditLogType: "Computer", PageSize: 100, AuditLogID: "16db5cf986eec6f44422", Event: "create", Since: start, Until: end, AuditLogUser: "a@b.c", Offset: 200},
			"audit_log_id=16db5cf986eec6f44422&audit_log_type=Computer&audit_log_user=a%40b.c&end_time=2018-10-01T00%3A00%3A00%2B00%3A00&event=create&limit=100&offset=200&start_time=2015-10-01T00%3A00%3A00%2B00%3A00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			var got *http.Request
			mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/audit_logs", func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewBytesResponse(200, docExample(t, "by_audit_log_user")), nil
			})
			if _, err := c.ListPage(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if got.URL.RawQuery != tt.want {
				t.Errorf("query = %q, want %q", got.URL.RawQuery, tt.want)
			}
			if u, err := url.Parse(docs[tt.doc]); tt.doc != "" && (err != nil || u.Path != "/v1/audit_logs" || u.Query().Encode() != got.URL.Query().Encode()) {
				t.Errorf("the document's %s request is %q", tt.doc, docs[tt.doc])
			}
			delete(docs, tt.doc)
			if got.Method != "GET" || got.URL.Path != "/v1/audit_logs" || got.Header.Get("Accept") != "application/json" ||
				got.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testAPIKey)) {
				t.Errorf("request = %s %s %v", got.Method, got.URL.Path, got.Header)
			}
		})
	}
	if len(docs) != 0 {
		t.Errorf("the document's requests %v are not built from options", docs)
	}
}

// Every example response of the document decodes field by field, the
// document's JSON decoded generically being the reference: every member
// of every record lands in its field (a null old attribute as a key with a
// nil value, numbers as json.Number), nothing else is set, and Raw is the
// record as sent. (The values themselves are spot-checked by the golden
// files, and the list example's metadata here.)
func TestDecodeDocumentExamples(t *testing.T) {
	for _, name := range []string{"list", "by_audit_log_type", "by_audit_log_id", "by_event", "by_start_time", "by_end_time", "by_audit_log_user"} {
		t.Run(name, func(t *testing.T) {
			body := docExample(t, name)
			c, mt := mocked(t)
			mt.RegisterResponder("GET", `=~^https://api\.amp\.cisco\.com/v1/audit_logs`, httpmock.NewBytesResponder(200, body))
			page := walktest.Must(c.ListPage(context.Background(), nil))(t)
			var want struct {
				Version  string
				Metadata struct {
					Links   map[string]string
					Results map[string]int
				}
				Data []json.RawMessage
			}
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			l, r := page.Metadata.Links, page.Metadata.Results
			results := map[string]int{"total": r.Total, "current_item_count": r.CurrentItemCount, "index": r.Index, "items_per_page": r.ItemsPerPage}
			if page.Version != want.Version || l.Self != want.Metadata.Links["self"] || l.Next != want.Metadata.Links["next"] ||
				!maps.Equal(results, want.Metadata.Results) || len(page.Data) != len(want.Data) {
				t.Fatalf("page %+v, want %+v", page, want)
			}
			if name == "list" && (r.Total != 5598 || l.Next != "https://api.amp.cisco.com/v1/audit_logs?offset=500") {
				t.Errorf("metadata %+v", page.Metadata)
			}
			for i, rec := range page.Data {
				var w map[string]any
				d := json.NewDecoder(bytes.NewReader(want.Data[i]))
				d.UseNumber()
				if err := d.Decode(&w); err != nil {
					t.Fatal(err)
				}
				got := map[string]any{"event": rec.Event, "audit_log_type": rec.AuditLogType, "audit_log_id": rec.AuditLogID,
					"audit_log_user": rec.AuditLogUser, "created_at": rec.CreatedAt.UTC().Format(time.RFC3339)}
				for k, v := range map[string]map[string]any{"old_attributes": rec.OldAttributes, "new_attributes": rec.NewAttributes} {
					if v != nil {
						got[k] = v
					}
				}
				for k, v := range map[string]*string{"item": rec.Item, "message": rec.Message} {
					if v != nil {
						got[k] = *v
					}
				}
				if !reflect.DeepEqual(got, w) || walktest.Compact(t, rec.Raw) != walktest.Compact(t, want.Data[i]) {
					t.Errorf("record %d: %v, raw %s\nwant %v", i, got, rec.Raw, w)
				}
			}
		})
	}
}

func TestDecodeVendorsFixtureItemMessageAndUnknownFields(t *testing.T) {
	body, err := os.ReadFile("testdata/fixture_vendors_md.json")
	if err != nil {
		t.Fatal(err)
	}
	// An unknown field is added to the first record: it must survive.
	body = bytes.Replace(body, []byte(`"event": "sso_login",`), []byte(`"event": "sso_login", "source_ip": "203.0.113.7",`), 1)
	c, mt := mocked(t)
	mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/audit_logs", httpmock.NewBytesResponder(200, body))
	page, err := c.ListPage(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := page.Data[0], page.Data[1]
	if a.Item == nil || *a.Item != "analyst@example.com" || a.Message == nil || *a.Message != "SCSO" {
		t.Errorf("item/message of record 0: %v %v", a.Item, a.Message)
	}
	if string(a.Extra["source_ip"]) != `"203.0.113.7"` {
		t.Errorf("unknown field lost: Extra = %v", a.Extra)
	}
	if b.Message != nil || b.Item == nil || *b.Item != "Unconfirmed 61021.crdownload" {
		t.Errorf("record 1 item/message: %v %v", b.Item, b.Message)
	}
	if b.NewAttributes["state"] != "processing" || b.OldAttributes["state"] != "requested" {
		t.Errorf("record 1 attributes: %v %v", b.OldAttributes, b.NewAttributes)
	}
	ev := cisco.ToOCSF(a)
	if ev.Unmapped["source_ip"] != "203.0.113.7" {
		t.Errorf("unknown field not in unmapped: %v", ev.Unmapped)
	}
}

func TestErrorEnvelopes(t *testing.T) {
	rateLimit := func(tb testing.TB, c walktest.ErrorBody, err error) {
		var rl *auditclient.RateLimitError
		if c.Status == 429 && !errors.As(err, &rl) {
			tb.Errorf("429 is not a *RateLimitError: %T", err)
		}
	}
	envelope := func(status int, desc string, is error) walktest.ErrorBody {
		code := fmt.Sprint(status)
		return walktest.ErrorBody{Status: status, Body: `{"version":"v0.1.0","data":{},"errors":[{"error_code":` + code + `,"description":"` + desc + `","details":["detail for ` + code + `"]}]}`,
			Message: desc, Code: code, Details: []string{"detail for " + code}, Is: is}
	}
	walktest.ErrorBodies(t, walktest.APIErrors{Vendor: cisco.Name, URLSuffix: "/v1/audit_logs?limit=5", Check: rateLimit,
		Secrets: []string{testClientID, testAPIKey, base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + testAPIKey))}},
		func(rt http.RoundTripper) error {
			_, err := walktest.Must(cisco.NewClient(testClientID, testAPIKey, walktest.Mocked(rt)...))(t).ListPage(context.Background(), &cisco.ListOptions{PageSize: 5})
			return err
		},
		envelope(400, "Bad Request", auditclient.ErrBadRequest), envelope(401, "Unauthorized", auditclient.ErrUnauthorized),
		envelope(403, "Forbidden", auditclient.ErrForbidden), envelope(404, "Not Found", auditclient.ErrNotFound),
		envelope(429, "Too Many Requests", auditclient.ErrRateLimited), envelope(503, "Service Unavailable", auditclient.ErrServer))
}

func TestBadOptionsSendNothing(t *testing.T) {
	jan, feb := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	c, mt := mocked(t)
	walktest.RefusesBadOptions(t, walktest.Surface[cisco.ListOptions, cisco.AuditLog]{Vendor: cisco.Name, Validate: (*cisco.ListOptions).Validate,
		ListPage: func(ctx context.Context, o *cisco.ListOptions) error { _, err := c.ListPage(ctx, o); return err },
		Pages: func(ctx context.Context, o *cisco.ListOptions) iter.Seq2[cisco.AuditLog, error] {
			return c.Pages(ctx, o).All()
		},
		Events: c.Events}, mt.GetTotalCallCount, []walktest.BadOption[cisco.ListOptions]{
		{Opts: cisco.ListOptions{PageSize: -1}, Option: "limit"},
		{Opts: cisco.ListOptions{PageSize: 501}, Option: "limit"},
		{Opts: cisco.ListOptions{Offset: -5}, Option: "offset"},
		{Opts: cisco.ListOptions{AuditLogID: "not-a-guid"}, Option: "audit_log_id"},
		{Opts: cisco.ListOptions{Since: feb, Until: jan}, Option: "start_time"},
		{Opts: cisco.ListOptions{Since: jan, Until: jan}, Option: "start_time"}, // [t, t) is empty
		{Opts: cisco.ListOptions{Order: auditclient.OldestFirst}, Option: "order"},
		{Opts: cisco.ListOptions{Order: auditclient.Order(9)}, Option: "order"},
		{Opts: cisco.ListOptions{Offset: 10}, Option: "offset", Only: "Events"}, // Events pages by itself
	}...)
}

// NewClient refuses an empty credential, a client id with a colon (HTTP
// Basic could not carry it) and a bad base URL; neither its errors nor the
// client's formatting show a credential.
func TestNewClientChecks(t *testing.T) {
	bad := func(id, key, option, env string) walktest.BadConfig {
		return walktest.BadConfig{Name: id + "/" + key, New: func() error { _, err := cisco.NewClient(id, key); return err }, Option: option, Env: env}
	}
	walktest.RefusesBadConfig(t, cisco.Name, []string{"id:x", "s3cr3t"},
		bad("", "k", "clientID", "CISCO_CLIENT_ID"), bad("id:x", "s3cr3t", "clientID", "CISCO_CLIENT_ID"), bad("id", "", "apiKey", "CISCO_API_KEY"))
	if _, err := cisco.NewClient("id", "k", auditclient.WithBaseURL("ftp://x")); err == nil {
		t.Error("bad base URL accepted")
	}
	c, _ := mocked(t)
	walktest.NoSecrets(t, []string{testAPIKey, testClientID}, map[string]string{"client": walktest.FmtAll(c) + c.String()})
}

func TestRegionsAndAuditLogTypes(t *testing.T) {
	for _, region := range []string{cisco.RegionNorthAmerica, cisco.RegionEurope, cisco.RegionAsiaPacific} {
		c, mt := mocked(t, auditclient.WithBaseURL(region))
		mt.RegisterResponder("GET", region+"/v1/audit_log_types",
			httpmock.NewStringResponder(200, `{"version":"v1.2.0","data":["User",{"name":"Computer"},{"audit_log_type":"Policy"}]}`))
		types, err := c.AuditLogTypes(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		var names []string
		for _, ty := range types {
			names = append(names, ty.Name)
		}
		if strings.Join(names, ",") != "User,Computer,Policy" {
			t.Errorf("%s: types %v", region, names)
		}
	}
}
