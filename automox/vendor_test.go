package automox_test

import (
	"context"
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
	walktest.Registered(t, walktest.Registration{Vendor: automox.Vendor, Name: automox.Name, Endpoint: "GET /api/audit-service/v1/orgs/{orgUuid}/events",
		DefaultBaseURL: "https://console.automox.com", Natural: auditclient.OldestFirst, Orders: []auditclient.Order{auditclient.OldestFirst},
		Filters: []string{"date", "cursor", "limit"}, Settings: []vendors.Setting{
			{Name: "api_key", Env: "AUTOMOX_API_KEY", Secret: true, Required: true},
			{Name: "org_uuid", Flag: "org", Env: "AUTOMOX_ORG_UUID", Required: true},
		}})
}

// A walk opened by name takes the organization in upper case and with
// spaces (the fake serves only its own), sends Config.PageSize as the limit, and its filter date reads
// that one UTC day. (Walking, resuming and the rest through the registry
// are the conformance suite's.)
func TestVendorOpenWalks(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(300, 5, dataEnd)})
	src := walktest.Must(vendors.Open(context.Background(), "automox", vendors.Config{
		Settings: map[string]string{"api_key": fake.APIKey(), "org_uuid": " " + strings.ToUpper(fake.OrgUUID()) + " "},
		BaseURL:  fake.URL(), PageSize: 40, Filters: []vendors.Param{{Name: "date", Value: "2024-06-18"}},
		Options: walktest.FastOptions(fake.URL()),
	}))(t)
	defer src.Events.Close()
	if n := len(walktest.All(t, src.Events, nil)); n == 0 || len(fake.Requests()) == 0 {
		t.Fatalf("filter date=2024-06-18 read %d events", n)
	}
	for _, r := range fake.Requests() {
		if r.Query.Get("date") != "2024-06-18" || r.Query.Get("limit") != "40" {
			t.Errorf("request %v: want date 2024-06-18, limit 40 (Config.PageSize)", r)
		}
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page sizes and
// orders *auditclient.OptionError, before anything is sent.
func TestVendorOpenRejects(t *testing.T) {
	good := map[string]string{"api_key": testKey, "org_uuid": testOrg}
	since := time.Date(2024, 6, 17, 0, 0, 0, 0, time.UTC)
	setting := func(name string, settings map[string]string, option, env, says, own string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: vendors.Config{Settings: settings}, Config: true, Option: option, Env: env, Says: says, Own: own}
	}
	option := func(name string, cfg vendors.Config, option, says string) walktest.Refusal {
		cfg.Settings = good
		return walktest.Refusal{Name: name, Cfg: cfg, Option: option, Says: says}
	}
	filter := func(nv ...string) (out []vendors.Param) {
		for i := 0; i < len(nv); i += 2 {
			out = append(out, vendors.Param{Name: nv[i], Value: nv[i+1]})
		}
		return out
	}
	mt := httpmock.NewMockTransport()
	refusals := []walktest.Refusal{
		setting("no key", map[string]string{"org_uuid": testOrg}, "setting api_key", "AUTOMOX_API_KEY", "AUTOMOX_API_KEY", "setting api_key"),
		setting("no organization", map[string]string{"api_key": testKey}, "setting org_uuid", "AUTOMOX_ORG_UUID", "AUTOMOX_ORG_UUID", ""),
		setting("an organization that is not a UUID", map[string]string{"api_key": testKey, "org_uuid": "my-org"}, "setting org_uuid", "AUTOMOX_ORG_UUID", `"my-org"`, ""),
		setting("an unknown setting", map[string]string{"api_key": testKey, "org_uuid": testOrg, "tenant": "x"}, "setting tenant", "", "org_uuid", ""),
		option("a walk-driven cursor", vendors.Config{Filters: filter("cursor", "6672200dd10935351f936399")}, "cursor", "--checkpoint"),
		option("a walk-driven limit", vendors.Config{Filters: filter("limit", "10")}, "limit", "--page-size"),
		option("a bad date", vendors.Config{Filters: filter("date", "2024-13-01")}, "date", "2024-06-18"),
		option("a date with a window", vendors.Config{Since: since, Filters: filter("date", "2024-06-18")}, "date", "--since"),
		option("a date given twice", vendors.Config{Filters: filter("date", "2024-06-18", "date", "2024-06-19")}, "date", "once"),
		option("an unknown filter", vendors.Config{Filters: filter("page", "2")}, "page", "date, cursor, limit"),
		option("a page size over 500", vendors.Config{PageSize: 501}, "limit", "500"),
		option("a negative page size", vendors.Config{PageSize: -1}, "limit", "500"),
		option("newest first", vendors.Config{Order: auditclient.NewestFirst}, "order", "no parameter to reverse it"),
		option("a window ending before it starts", vendors.Config{Since: since, Until: since.Add(-time.Hour)}, "since", "until"),
	}
	for i := range refusals {
		refusals[i].Cfg.Options = walktest.Mocked(mt)
	}
	walktest.OpenRefused(t, automox.Vendor, []string{testKey}, mt.GetTotalCallCount, refusals...)
}
