package cisco_test

import (
	"context"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorIsRegistered(t *testing.T) {
	walktest.Registered(t, walktest.Registration{Vendor: cisco.Vendor, Name: cisco.Name, Endpoint: "GET /v1/audit_logs", DefaultBaseURL: cisco.RegionNorthAmerica,
		Natural: auditclient.NewestFirst, Orders: []auditclient.Order{auditclient.NewestFirst}, OrderNote: cisco.OrderNote,
		Filters: []string{"audit_log_type", "audit_log_id", "event", "audit_log_user"}, Settings: []vendors.Setting{
			{Name: "client_id", Env: "CISCO_CLIENT_ID", Secret: true, Required: true},
			{Name: "api_key", Env: "CISCO_API_KEY", Secret: true, Required: true},
			{Name: "region", Flag: "region", Env: "CISCO_REGION"},
		}})
	if cisco.Vendor.OrderNote != cisco.OrderNote {
		t.Errorf("order note %q", cisco.Vendor.OrderNote)
	}
}

// Filters, the window and the page size reach the request as the API
// spells them.
func TestVendorSendsFilters(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(50, 1, end)})
	src := walktest.Must(vendors.Open(context.Background(), "cisco", vendors.Config{
		Settings: map[string]string{"client_id": fake.ClientID(), "api_key": fake.APIKey(), "region": "eu"},
		Filters: []vendors.Param{{Name: "audit_log_type", Value: "User"}, {Name: "event", Value: "login"},
			{Name: "audit_log_user", Value: "amp@example.com"}, {Name: "audit_log_id", Value: "e773a9eb-296c-40df-98d8-bed46322589d"}},
		BaseURL:  fake.URL(), // wins over the region
		Since:    time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
		Until:    time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC),
		PageSize: 25,
		Options:  walktest.FastOptions(fake.URL()),
	}))(t)
	defer src.Events.Close()
	walktest.All(t, src.Events, nil)
	reqs := fake.Requests()
	want := "audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&audit_log_type=User&audit_log_user=amp%40example.com" +
		"&end_time=2024-06-01T23%3A59%3A59%2B00%3A00&event=login&limit=25&start_time=2024-06-01T00%3A00%3A00%2B00%3A00"
	if len(reqs) != 1 || reqs[0].Query.Encode() != want {
		t.Errorf("requests %v, want one with %s", reqs, want)
	}
}

// The region setting picks the host, Config.BaseURL overrides it, and
// Open sends nothing.
func TestVendorRegion(t *testing.T) {
	mt := httpmock.NewMockTransport()
	for _, tt := range []struct{ region, baseURL, want string }{
		{"", "", cisco.RegionNorthAmerica},
		{"na", "", cisco.RegionNorthAmerica},
		{"eu", "", cisco.RegionEurope},
		{"apjc", "", cisco.RegionAsiaPacific},
		{"eu", "https://proxy.example/cisco", "https://proxy.example/cisco"},
	} {
		settings := map[string]string{"client_id": "id", "api_key": "key", "region": tt.region}
		if tt.region == "" {
			delete(settings, "region")
		}
		src := walktest.Must(vendors.Open(context.Background(), "cisco", vendors.Config{Settings: settings, BaseURL: tt.baseURL, Options: walktest.Mocked(mt)}))(t)
		src.Events.Close()
		if got := src.Client.BaseURL().String(); got != tt.want {
			t.Errorf("region %q, base URL %q: client at %s, want %s", tt.region, tt.baseURL, got, tt.want)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Bad settings are *auditclient.ConfigError, bad filters and options
// *auditclient.OptionError, and nothing is sent.
func TestVendorOpenErrors(t *testing.T) {
	creds := func(kv ...string) map[string]string {
		m := map[string]string{"client_id": testClientID, "api_key": "s3cr3t"}
		for i := 0; i < len(kv); i += 2 {
			if m[kv[i]] = kv[i+1]; kv[i+1] == "" {
				delete(m, kv[i])
			}
		}
		return m
	}
	day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	mt := httpmock.NewMockTransport()
	setting := func(name, option, env string, kv ...string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: vendors.Config{Settings: creds(kv...), Options: walktest.Mocked(mt)}, Config: true, Option: option, Env: env}
	}
	option := func(name, option string, cfg vendors.Config) walktest.Refusal {
		cfg.Settings, cfg.Options = creds(), walktest.Mocked(mt)
		return walktest.Refusal{Name: name, Cfg: cfg, Option: option}
	}
	walktest.OpenRefused(t, cisco.Vendor, []string{"s3cr3t", testClientID, "id:x"}, mt.GetTotalCallCount,
		setting("no client id", "setting client_id", "CISCO_CLIENT_ID", "client_id", ""),
		setting("no api key", "setting api_key", "CISCO_API_KEY", "api_key", ""),
		setting("a colon in the client id", "clientID", "CISCO_CLIENT_ID", "client_id", "id:x"),
		setting("unknown region", "setting region", "CISCO_REGION", "region", "us"),
		setting("unknown setting", "setting tenant", "", "tenant", "x"),
		option("bad audit_log_id", "audit_log_id", vendors.Config{Filters: []vendors.Param{{Name: "audit_log_id", Value: "42"}}}),
		option("unknown filter", "sort", vendors.Config{Filters: []vendors.Param{{Name: "sort", Value: "asc"}}}),
		option("page size", "limit", vendors.Config{PageSize: 900}),
		option("oldest first", "order", vendors.Config{Order: auditclient.OldestFirst}),
		option("empty window", "start_time", vendors.Config{Since: day, Until: day}))
}
