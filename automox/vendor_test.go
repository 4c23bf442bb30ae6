package automox_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorRegistered(t *testing.T) {
	v, ok := vendors.Lookup("automox")
	if !ok || v != automox.Vendor {
		t.Fatalf("vendors.Lookup(automox) = %v, %v", v, ok)
	}
	if v.Endpoint != "GET /api/audit-service/v1/orgs/{orgUuid}/events" || v.DefaultBaseURL != "https://console.automox.com" {
		t.Errorf("endpoint %q, base %q", v.Endpoint, v.DefaultBaseURL)
	}
	want := []vendors.Setting{
		{Name: "api_key", Env: "AUTOMOX_API_KEY", Secret: true, Required: true},
		{Name: "org_uuid", Flag: "org", Env: "AUTOMOX_ORG_UUID", Required: true},
	}
	for i, s := range v.Settings {
		if s.Help == "" {
			t.Errorf("setting %s has no help", s.Name)
		}
		s.Help = ""
		if i >= len(want) || s != want[i] {
			t.Errorf("setting %d = %+v", i, s)
		}
	}
	var filters []string
	for _, f := range v.Filters {
		filters = append(filters, f.Name)
		if f.Allowed == "" || f.Help == "" || f.Repeatable {
			t.Errorf("filter %+v", f)
		}
	}
	if strings.Join(filters, ",") != "date,cursor,limit" {
		t.Errorf("filters %v", filters)
	}
	if v.Natural != auditclient.OldestFirst || !slices.Equal(v.Orders, []auditclient.Order{auditclient.OldestFirst}) || v.OrderNote == "" {
		t.Errorf("orders %v natural %v note %q", v.Orders, v.Natural, v.OrderNote)
	}
}

// A walk opened by name reads the whole window of the fake, through
// Config.BaseURL and the settings, and Source.Client is the client's HTTP.
func TestVendorOpenWalks(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(300, 5, dataEnd)})
	w := want(t, fake)
	cfg := vendors.Config{
		Settings: map[string]string{"api_key": fake.APIKey(), "org_uuid": " " + strings.ToUpper(fake.OrgUUID()) + " "},
		BaseURL:  fake.URL(),
		Since:    window.Since, Until: window.Until,
		PageSize: 40,
		Order:    auditclient.OldestFirst,
		Options:  walktest.FastOptions(fake.URL()),
	}
	src, err := vendors.Open(context.Background(), "automox", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("Open sent %d requests", n)
	}
	got := walktest.Collect(t, src.Events, -1)
	if err := src.Events.Err(); err != nil {
		t.Fatal(err)
	}
	walktest.Diff(t, got, w)
	if st := src.Client.Stats(); st.Requests == 0 || st.Requests != int64(len(fake.Requests())) {
		t.Errorf("Source.Client counted %d requests, the fake %d", st.Requests, len(fake.Requests()))
	}
	for _, r := range fake.Requests() {
		if r.Query.Get("limit") != "40" {
			t.Errorf("request %v: want limit 40 (Config.PageSize)", r)
		}
	}

	// The checkpoint resumes a walk opened by name, and the filter date
	// reads one UTC day.
	cfg.Resume = src.Events.Checkpoint()
	again, err := vendors.Open(context.Background(), "automox", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rest := walktest.Collect(t, again.Events, -1); len(rest) != 0 || again.Events.Err() != nil {
		t.Errorf("resumed from a complete checkpoint: %d events, %v", len(rest), again.Events.Err())
	}
	again.Events.Close()
	before := len(fake.Requests())
	oneDay := vendors.Config{Settings: cfg.Settings, BaseURL: fake.URL(), Filters: []vendors.Param{{Name: "date", Value: "2024-06-18"}}}
	day, err := vendors.Open(context.Background(), "automox", oneDay)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range day.Events.All() {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range fake.Requests()[before:] {
		if r.Query.Get("date") != "2024-06-18" {
			t.Errorf("filter date=2024-06-18: request %v", r)
		}
	}
	if len(fake.Requests()) == before {
		t.Error("filter date=2024-06-18 read nothing")
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page sizes and
// orders *auditclient.OptionError, before anything is sent.
func TestVendorOpenRejects(t *testing.T) {
	good := map[string]string{"api_key": testKey, "org_uuid": testOrg}
	since := time.Date(2024, 6, 17, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		cfg    vendors.Config
		config bool   // a ConfigError, else an OptionError
		option string // its Option
		says   string // in its message
	}{
		{"no key", vendors.Config{Settings: map[string]string{"org_uuid": testOrg}}, true, "setting api_key", "AUTOMOX_API_KEY"},
		{"no organization", vendors.Config{Settings: map[string]string{"api_key": testKey}}, true, "setting org_uuid", "AUTOMOX_ORG_UUID"},
		{"an organization that is not a UUID", vendors.Config{Settings: map[string]string{"api_key": testKey, "org_uuid": "my-org"}}, true, "setting org_uuid", `"my-org"`},
		{"an unknown setting", vendors.Config{Settings: map[string]string{"api_key": testKey, "org_uuid": testOrg, "tenant": "x"}}, true, "setting tenant", "org_uuid"},
		{"a walk-driven cursor", vendors.Config{Settings: good, Filters: []vendors.Param{{Name: "cursor", Value: "6672200dd10935351f936399"}}}, false, "cursor", "--checkpoint"},
		{"a walk-driven limit", vendors.Config{Settings: good, Filters: []vendors.Param{{Name: "limit", Value: "10"}}}, false, "limit", "--page-size"},
		{"a bad date", vendors.Config{Settings: good, Filters: []vendors.Param{{Name: "date", Value: "2024-13-01"}}}, false, "date", "2024-06-18"},
		{"a date with a window", vendors.Config{Settings: good, Since: since, Filters: []vendors.Param{{Name: "date", Value: "2024-06-18"}}}, false, "date", "--since"},
		{"a date given twice", vendors.Config{Settings: good, Filters: []vendors.Param{{Name: "date", Value: "2024-06-18"}, {Name: "date", Value: "2024-06-19"}}}, false, "date", "once"},
		{"an unknown filter", vendors.Config{Settings: good, Filters: []vendors.Param{{Name: "page", Value: "2"}}}, false, "page", "date, cursor, limit"},
		{"a page size over 500", vendors.Config{Settings: good, PageSize: 501}, false, "limit", "500"},
		{"a negative page size", vendors.Config{Settings: good, PageSize: -1}, false, "limit", "500"},
		{"newest first", vendors.Config{Settings: good, Order: auditclient.NewestFirst}, false, "order", "no parameter to reverse it"},
		{"a window ending before it starts", vendors.Config{Settings: good, Since: since, Until: since.Add(-time.Hour)}, false, "since", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			tt.cfg.Options = []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: mt})}
			_, err := vendors.Open(context.Background(), "automox", tt.cfg)
			var ce *auditclient.ConfigError
			var oe *auditclient.OptionError
			switch {
			case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != tt.option):
				t.Errorf("err = %v, want a ConfigError for %s", err, tt.option)
			case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != tt.option || oe.Vendor != "automox"):
				t.Errorf("err = %v, want an OptionError for %s", err, tt.option)
			case !strings.Contains(err.Error(), tt.says):
				t.Errorf("err = %v, want it to say %q", err, tt.says)
			case strings.Contains(err.Error(), testKey):
				t.Errorf("err = %v holds the key", err)
			}
			if mt.GetTotalCallCount() != 0 {
				t.Error("request sent")
			}
		})
	}
	// Vendor.Open itself (without the registry's checks) names the setting
	// of a missing credential too.
	_, err := automox.Vendor.Open(context.Background(), vendors.Config{Settings: map[string]string{"org_uuid": testOrg}})
	var ce *auditclient.ConfigError
	if !errors.As(err, &ce) || ce.Option != "setting api_key" || ce.Env != "AUTOMOX_API_KEY" {
		t.Errorf("Vendor.Open without a key: %v", err)
	}
}
