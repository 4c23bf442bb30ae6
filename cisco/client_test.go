package cisco_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

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
	base := []auditclient.Option{
		auditclient.WithHTTPClient(&http.Client{Transport: mt}),
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
	}
	c, err := cisco.NewClient(testClientID, testAPIKey, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
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

func TestListPageSendsExactQuery(t *testing.T) {
	start := time.Date(2015, 10, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2018, 10, 1, 0, 0, 1, 0, time.UTC) // Until is exclusive: end_time is the second before
	cet := time.FixedZone("CET", 2*3600)
	tests := []struct {
		name string
		opts *cisco.ListOptions
		want string
	}{
		{"none", nil, ""},
		{"audit_log_type", &cisco.ListOptions{AuditLogType: "User", PageSize: 5}, "audit_log_type=User&limit=5"},
		{"audit_log_id", &cisco.ListOptions{AuditLogID: "e773a9eb-296c-40df-98d8-bed46322589d", PageSize: 5}, "audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5"},
		{"connector audit_log_id", &cisco.ListOptions{AuditLogID: "16db5cf986eec6f44422"}, "audit_log_id=16db5cf986eec6f44422"},
		{"event", &cisco.ListOptions{Event: "login", PageSize: 5}, "event=login&limit=5"},
		{"start_time", &cisco.ListOptions{Since: start, PageSize: 5}, "limit=5&start_time=2015-10-01T00%3A00%3A00%2B00%3A00"},
		{"end_time", &cisco.ListOptions{Until: end, PageSize: 5}, "end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5"},
		{"audit_log_user", &cisco.ListOptions{AuditLogUser: "amp@cisco.com", PageSize: 5}, "audit_log_user=amp%40cisco.com&limit=5"},
		{"offset", &cisco.ListOptions{PageSize: 500, Offset: 500}, "limit=500&offset=500"},
		{"time in another zone is sent in UTC, to the second", &cisco.ListOptions{Since: time.Date(2024, 6, 19, 2, 0, 0, 999, cet)}, "start_time=2024-06-19T00%3A00%3A00%2B00%3A00"},
		{"until in another zone: the last whole second before it, in UTC", &cisco.ListOptions{Until: time.Date(2024, 6, 19, 2, 0, 5, 300, cet)}, "end_time=2024-06-19T00%3A00%3A05%2B00%3A00"},
		{"until on a whole second: the second before", &cisco.ListOptions{Until: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, "end_time=2025-06-01T23%3A59%3A59%2B00%3A00"},
		{"order newest first, as the API sends: nothing to send", &cisco.ListOptions{Order: auditclient.NewestFirst, PageSize: 5}, "limit=5"},
		{"all", &cisco.ListOptions{AuditLogType: "Computer", PageSize: 100, AuditLogID: "16db5cf986eec6f44422", Event: "create", Since: start, Until: end, AuditLogUser: "a@b.c", Offset: 200},
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
			if got == nil {
				t.Fatal("no request sent")
			}
			if got.URL.RawQuery != tt.want {
				t.Errorf("query = %q, want %q", got.URL.RawQuery, tt.want)
			}
			wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testAPIKey))
			if a := got.Header.Get("Authorization"); a != wantAuth {
				t.Errorf("Authorization = %q, want HTTP Basic of client id and API key", a)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q", a)
			}
			if got.Method != "GET" || got.URL.Path != "/v1/audit_logs" {
				t.Errorf("request = %s %s", got.Method, got.URL.Path)
			}
		})
	}
}

// The document's own example requests, built from options, match the
// document's query parameters exactly.
func TestDocumentRequestsFromOptions(t *testing.T) {
	reqs := audittest.CiscoDocExampleRequests()
	opts := map[string]*cisco.ListOptions{
		"list":              nil,
		"by_audit_log_type": {AuditLogType: "User", PageSize: 5},
		"by_audit_log_id":   {AuditLogID: "e773a9eb-296c-40df-98d8-bed46322589d", PageSize: 5},
		"by_event":          {Event: "login", PageSize: 5},
		"by_start_time":     {Since: time.Date(2015, 10, 1, 0, 0, 0, 0, time.UTC), PageSize: 5},
		"by_end_time":       {Until: time.Date(2018, 10, 1, 0, 0, 1, 0, time.UTC), PageSize: 5}, // end_time is inclusive
		"by_audit_log_user": {AuditLogUser: "amp@cisco.com", PageSize: 5},
	}
	if len(reqs) != len(opts) {
		t.Fatalf("%d example requests, %d option sets", len(reqs), len(opts))
	}
	for name, request := range reqs {
		c, mt := mocked(t)
		var got url.Values
		mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/audit_logs", func(req *http.Request) (*http.Response, error) {
			got = req.URL.Query()
			return httpmock.NewBytesResponse(200, docExample(t, name)), nil
		})
		o, ok := opts[name]
		if !ok {
			t.Fatalf("no options for the document's example %q", name)
		}
		if _, err := c.ListPage(context.Background(), o); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		u, _ := url.Parse("https://api.amp.cisco.com" + request)
		if !reflect.DeepEqual(got, u.Query()) && !(len(got) == 0 && len(u.Query()) == 0) {
			t.Errorf("%s: query %v, document has %v", name, got, u.Query())
		}
	}
}

// Every example response of the document decodes field by field.
func TestDecodeDocumentExamples(t *testing.T) {
	for _, name := range []string{"list", "by_audit_log_type", "by_audit_log_id", "by_event", "by_start_time", "by_end_time", "by_audit_log_user"} {
		t.Run(name, func(t *testing.T) {
			body := docExample(t, name)
			c, mt := mocked(t)
			mt.RegisterResponder("GET", `=~^https://api\.amp\.cisco\.com/v1/audit_logs`, httpmock.NewBytesResponder(200, body))
			page, err := c.ListPage(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			// The document's JSON, decoded generically, is the reference.
			var want struct {
				Version  string
				Metadata struct {
					Links   map[string]string
					Results map[string]int
				}
				Data []map[string]json.RawMessage
			}
			d := json.NewDecoder(bytes.NewReader(body))
			d.UseNumber()
			if err := d.Decode(&want); err != nil {
				t.Fatal(err)
			}
			if page.Version != want.Version {
				t.Errorf("version %q, want %q", page.Version, want.Version)
			}
			if page.Metadata.Links.Self != want.Metadata.Links["self"] || page.Metadata.Links.Next != want.Metadata.Links["next"] {
				t.Errorf("links %+v, want %v", page.Metadata.Links, want.Metadata.Links)
			}
			r := page.Metadata.Results
			if r.Total != want.Metadata.Results["total"] || r.CurrentItemCount != want.Metadata.Results["current_item_count"] ||
				r.Index != want.Metadata.Results["index"] || r.ItemsPerPage != want.Metadata.Results["items_per_page"] {
				t.Errorf("results %+v, want %v", r, want.Metadata.Results)
			}
			if len(page.Data) != len(want.Data) {
				t.Fatalf("%d records, want %d", len(page.Data), len(want.Data))
			}
			for i, rec := range page.Data {
				w := want.Data[i]
				str := func(k string) string {
					var s string
					_ = json.Unmarshal(w[k], &s)
					return s
				}
				if rec.Event != str("event") || rec.AuditLogType != str("audit_log_type") || rec.AuditLogID != str("audit_log_id") || rec.AuditLogUser != str("audit_log_user") {
					t.Errorf("record %d: %+v", i, rec)
				}
				if got := rec.CreatedAt.UTC().Format(time.RFC3339); got != str("created_at") {
					t.Errorf("record %d created_at %s, want %s", i, got, str("created_at"))
				}
				for k, field := range map[string]map[string]any{"old_attributes": rec.OldAttributes, "new_attributes": rec.NewAttributes} {
					raw, ok := w[k]
					if !ok {
						if field != nil {
							t.Errorf("record %d: %s decoded as %v but absent", i, k, field)
						}
						continue
					}
					var wantAttrs map[string]any
					d := json.NewDecoder(bytes.NewReader(raw))
					d.UseNumber()
					if err := d.Decode(&wantAttrs); err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(field, wantAttrs) {
						t.Errorf("record %d %s = %v, want %v", i, k, field, wantAttrs)
					}
				}
				// Raw is the record exactly as sent.
				var a, b bytes.Buffer
				_ = json.Compact(&a, rec.Raw)
				wantRaw, _ := json.Marshal(w)
				_ = json.Compact(&b, wantRaw)
				var ma, mb map[string]any
				_ = json.Unmarshal(a.Bytes(), &ma)
				_ = json.Unmarshal(b.Bytes(), &mb)
				if !reflect.DeepEqual(ma, mb) {
					t.Errorf("record %d raw %s, want %s", i, a.String(), b.String())
				}
			}
		})
	}
}

// Spot checks of exact values of the document's first example.
func TestDecodeListExampleValues(t *testing.T) {
	c, mt := mocked(t)
	mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/audit_logs", httpmock.NewBytesResponder(200, docExample(t, "list")))
	page, err := c.ListPage(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Metadata.Results.Total != 5598 || page.Metadata.Links.Next != "https://api.amp.cisco.com/v1/audit_logs?offset=500" {
		t.Errorf("metadata %+v", page.Metadata)
	}
	a := page.Data[0]
	if a.Event != "create" || a.AuditLogType != "Agent" || a.AuditLogID != "538738f5-3a14-4449-933b-86142553de06" ||
		a.AuditLogUser != "16db5cf986eec6f44422" || !a.CreatedAt.Equal(time.Date(2022, 3, 18, 11, 40, 3, 0, time.UTC)) {
		t.Errorf("record 0 = %+v", a)
	}
	if a.OldAttributes["policy_id"] != nil || a.NewAttributes["policy_id"] != json.Number("915608") || a.NewAttributes["product_version_id"] != json.Number("19606") {
		t.Errorf("attributes old=%v new=%v", a.OldAttributes, a.NewAttributes)
	}
	if _, ok := a.OldAttributes["policy_id"]; !ok {
		t.Error("a null old attribute must be kept as a key with nil value")
	}
	b := page.Data[1]
	if b.NewAttributes["ip_external"] != "167.151.184.100" || b.NewAttributes["name"] != "Demo_Upatre" || b.Item != nil || b.Message != nil {
		t.Errorf("record 1 = %+v", b)
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
	tests := []struct {
		status   int
		code     string
		desc     string
		sentinel error
	}{
		{400, "400", "Bad Request", auditclient.ErrBadRequest},
		{401, "401", "Unauthorized", auditclient.ErrUnauthorized},
		{403, "403", "Forbidden", auditclient.ErrForbidden},
		{404, "404", "Not Found", auditclient.ErrNotFound},
		{429, "429", "Too Many Requests", auditclient.ErrRateLimited},
		{503, "503", "Service Unavailable", auditclient.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			c, mt := mocked(t)
			body := `{"version":"v0.1.0","data":{},"errors":[{"error_code":` + tt.code + `,"description":"` + tt.desc + `","details":["detail for ` + tt.code + `"]}]}`
			mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/audit_logs", func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(tt.status, body)
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Request-Id", "req-"+tt.code)
				return r, nil
			})
			_, err := c.ListPage(context.Background(), &cisco.ListOptions{PageSize: 5})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			var api *auditclient.APIError
			if !errors.As(err, &api) {
				t.Fatalf("not an *APIError: %T %v", err, err)
			}
			if api.StatusCode != tt.status || api.Code != tt.code || api.Message != tt.desc || api.Vendor != "cisco" ||
				len(api.Details) != 1 || api.Details[0] != "detail for "+tt.code || api.RequestID != "req-"+tt.code {
				t.Errorf("APIError = %+v", api)
			}
			if !strings.Contains(api.URL, "/v1/audit_logs?limit=5") {
				t.Errorf("URL %q", api.URL)
			}
			if tt.status == 429 {
				var rl *auditclient.RateLimitError
				if !errors.As(err, &rl) {
					t.Errorf("429 is not a *RateLimitError: %T", err)
				}
			}
			for _, secret := range []string{testClientID, testAPIKey, base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + testAPIKey))} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a credential: %v", err)
				}
			}
		})
	}
}

func TestBadOptionsSendNothing(t *testing.T) {
	tests := []struct {
		opts   cisco.ListOptions
		option string
	}{
		{cisco.ListOptions{PageSize: -1}, "limit"},
		{cisco.ListOptions{PageSize: 501}, "limit"},
		{cisco.ListOptions{Offset: -5}, "offset"},
		{cisco.ListOptions{AuditLogID: "not-a-guid"}, "audit_log_id"},
		{cisco.ListOptions{Since: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, "start_time"},
		{cisco.ListOptions{Since: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, "start_time"}, // [t, t) is empty
		{cisco.ListOptions{Order: auditclient.OldestFirst}, "order"},
		{cisco.ListOptions{Order: auditclient.Order(9)}, "order"},
	}
	for _, tt := range tests {
		c, mt := mocked(t)
		_, err := c.ListPage(context.Background(), &tt.opts)
		var oe *auditclient.OptionError
		if !errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Vendor != cisco.Name || oe.Option != tt.option || oe.Allowed == "" {
			t.Errorf("%+v: err = %v, want an OptionError for %s", tt.opts, err, tt.option)
		}
		if _, err := c.Pages(context.Background(), &tt.opts).NextPage(context.Background()); !errors.As(err, &oe) || oe.Option != tt.option {
			t.Errorf("Pages(%+v): err = %v", tt.opts, err)
		}
		it := c.Events(context.Background(), &tt.opts, nil)
		if it.Next() || !errors.As(it.Err(), &oe) || oe.Option != tt.option {
			t.Errorf("Events(%+v): Err = %v", tt.opts, it.Err())
		}
		if n := mt.GetTotalCallCount(); n != 0 {
			t.Errorf("%+v: %d requests sent", tt.opts, n)
		}
	}
	c, mt := mocked(t)
	var oe *auditclient.OptionError
	if it := c.Events(context.Background(), &cisco.ListOptions{Offset: 10}, nil); it.Next() || !errors.As(it.Err(), &oe) || oe.Option != "offset" {
		t.Errorf("Events with an offset must fail: %v", it.Err())
	}
	if mt.GetTotalCallCount() != 0 {
		t.Error("request sent")
	}
}

func TestNewClientRejectsEmptyCredentials(t *testing.T) {
	for _, tt := range []struct{ id, key, option, env string }{
		{"", "k", "clientID", "CISCO_CLIENT_ID"},
		{"id:x", "s3cr3t", "clientID", "CISCO_CLIENT_ID"},
		{"id", "", "apiKey", "CISCO_API_KEY"},
	} {
		_, err := cisco.NewClient(tt.id, tt.key)
		var ce *auditclient.ConfigError
		if !errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Vendor != cisco.Name || ce.Option != tt.option || ce.Env != tt.env ||
			ce.Value != "" || !strings.Contains(err.Error(), tt.env) {
			t.Errorf("NewClient(%q, %q): %#v", tt.id, tt.key, err)
		}
		if strings.Contains(err.Error(), "id:x") || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("the error shows a credential: %v", err)
		}
	}
	if _, err := cisco.NewClient("id", "k", auditclient.WithBaseURL("ftp://x")); err == nil {
		t.Error("bad base URL accepted")
	}
}

func TestClientStringHidesCredentials(t *testing.T) {
	c, _ := mocked(t)
	for _, s := range []string{c.String(), walktest.FmtAll(c)} {
		if strings.Contains(s, testAPIKey) || strings.Contains(s, testClientID) {
			t.Errorf("client formatting leaks a credential: %s", s)
		}
	}
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
