package cisco_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorIsRegistered(t *testing.T) {
	v, ok := vendors.Lookup("cisco")
	if !ok || v != cisco.Vendor {
		t.Fatalf("vendors.Lookup(cisco) = %v, %v; want cisco.Vendor", v, ok)
	}
	var names []string
	for _, s := range v.Settings {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"client_id", "api_key", "region"}) || v.DefaultBaseURL != cisco.RegionNorthAmerica ||
		v.Natural != auditclient.NewestFirst || !slices.Equal(v.Orders, []auditclient.Order{auditclient.NewestFirst}) ||
		v.OrderNote != cisco.OrderNote || v.Endpoint != "GET /v1/audit_logs" {
		t.Errorf("vendor %+v", v)
	}
}

// The registry's walk reads the demo's whole data set, the records it
// generates, as Events does.
func TestVendorOpensAWalkOfTheDemo(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	d, err := audittest.StartDemo("cisco", audittest.DemoConfig{Now: now, Events: 300, Seed: 2, Faults: walktest.FaultMix(3)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	src, err := vendors.Open(context.Background(), "cisco", vendors.Config{
		Settings: d.Settings, BaseURL: d.BaseURL, PageSize: 40, Order: auditclient.NewestFirst,
		Options: walktest.FastOptions(d.BaseURL),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	got := walktest.Collect(t, src.Events, -1)
	if err := src.Events.Err(); err != nil {
		t.Fatal(err)
	}
	walktest.Diff(t, got, walktest.CompactAll(t, audittest.GenerateCiscoEvents(300, 2, now.Add(-time.Second))))
	if len(got) != d.Records || src.Client.Stats().Requests < 300/40+1 {
		t.Errorf("%d events of %d records; client stats %+v", len(got), d.Records, src.Client.Stats())
	}
}

// Filters, the window and the page size reach the request as the API
// spells them.
func TestVendorSendsFilters(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(50, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC))})
	src, err := vendors.Open(context.Background(), "cisco", vendors.Config{
		Settings: map[string]string{"client_id": fake.ClientID(), "api_key": fake.APIKey(), "region": "eu"},
		Filters: []vendors.Param{{Name: "audit_log_type", Value: "User"}, {Name: "event", Value: "login"},
			{Name: "audit_log_user", Value: "amp@example.com"}, {Name: "audit_log_id", Value: "e773a9eb-296c-40df-98d8-bed46322589d"}},
		BaseURL:  fake.URL(), // wins over the region
		Since:    time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
		Until:    time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC),
		PageSize: 25,
		Options:  walktest.FastOptions(fake.URL()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	for _, err := range src.Events.All() {
		if err != nil {
			t.Fatal(err)
		}
	}
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
	for _, tt := range []struct{ region, baseURL, want string }{
		{"", "", cisco.RegionNorthAmerica},
		{"na", "", cisco.RegionNorthAmerica},
		{"eu", "", cisco.RegionEurope},
		{"apjc", "", cisco.RegionAsiaPacific},
		{"eu", "https://proxy.example/cisco", "https://proxy.example/cisco"},
	} {
		settings := map[string]string{"client_id": "id", "api_key": "key"}
		if tt.region != "" {
			settings["region"] = tt.region
		}
		tr := &refuse{t: t}
		src, err := vendors.Open(context.Background(), "cisco", vendors.Config{Settings: settings, BaseURL: tt.baseURL,
			Options: []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: tr})}})
		if err != nil {
			t.Fatalf("region %q: %v", tt.region, err)
		}
		src.Events.Close()
		if got := src.Client.BaseURL().String(); got != tt.want {
			t.Errorf("region %q, base URL %q: client at %s, want %s", tt.region, tt.baseURL, got, tt.want)
		}
	}
}

// Bad settings are *auditclient.ConfigError, bad filters and options
// *auditclient.OptionError, and nothing is sent.
func TestVendorOpenErrors(t *testing.T) {
	creds := func(extra ...string) map[string]string {
		m := map[string]string{"client_id": "id", "api_key": "s3cr3t"}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		cfg    vendors.Config
		config bool // a *ConfigError, else an *OptionError
		option string
	}{
		{"no client id", vendors.Config{Settings: map[string]string{"api_key": "s3cr3t"}}, true, "setting client_id"},
		{"no api key", vendors.Config{Settings: map[string]string{"client_id": "id"}}, true, "setting api_key"},
		{"a colon in the client id", vendors.Config{Settings: creds("client_id", "id:x")}, true, "clientID"},
		{"unknown region", vendors.Config{Settings: creds("region", "us")}, true, "setting region"},
		{"unknown setting", vendors.Config{Settings: creds("tenant", "x")}, true, "setting tenant"},
		{"bad audit_log_id", vendors.Config{Settings: creds(), Filters: []vendors.Param{{Name: "audit_log_id", Value: "42"}}}, false, "audit_log_id"},
		{"unknown filter", vendors.Config{Settings: creds(), Filters: []vendors.Param{{Name: "sort", Value: "asc"}}}, false, "sort"},
		{"page size", vendors.Config{Settings: creds(), PageSize: 900}, false, "limit"},
		{"oldest first", vendors.Config{Settings: creds(), Order: auditclient.OldestFirst}, false, "order"},
		{"empty window", vendors.Config{Settings: creds(), Since: day, Until: day}, false, "start_time"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Options = []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: &refuse{t: t}})}
			src, err := vendors.Open(context.Background(), "cisco", tt.cfg)
			if src != nil {
				src.Events.Close()
			}
			var ce *auditclient.ConfigError
			var oe *auditclient.OptionError
			switch {
			case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Vendor != cisco.Name || ce.Option != tt.option):
				t.Errorf("err = %v, want a ConfigError for %s", err, tt.option)
			case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Vendor != cisco.Name || oe.Option != tt.option):
				t.Errorf("err = %v, want an OptionError for %s", err, tt.option)
			}
			walktest.NoSecrets(t, []string{"s3cr3t", "id:x"}, map[string]string{"error": walktest.FmtAll(err)})
		})
	}
}

// refuse is a transport that fails the test on any request.
type refuse struct{ t *testing.T }

func (r *refuse) RoundTrip(req *http.Request) (*http.Response, error) {
	r.t.Errorf("request sent: %s %s", req.Method, req.URL)
	return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: errors.ErrUnsupported}
}
