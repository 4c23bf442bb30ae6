package entrust_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

// startDemo starts the demo fake and returns it with the registry Config
// that reaches it.
func startDemo(t *testing.T, n int) (*audittest.Demo, vendors.Config) {
	t.Helper()
	d := walktest.Must(audittest.StartDemo("entrust", audittest.DemoConfig{Now: genEnd, Events: n, Seed: 3}))(t)
	t.Cleanup(d.Close)
	return d, vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL, Options: walktest.FastOptions("")}
}

func TestVendorRegistered(t *testing.T) {
	v, ok := vendors.Lookup("entrust")
	if !ok || v != entrust.Vendor || v.Name != entrust.Name || v.Natural != auditclient.OldestFirst || len(v.Orders) != 2 || v.DefaultBaseURL != "" {
		t.Fatalf("registry entry %+v", v)
	}
	want := []vendors.Setting{
		{Name: "tenant", Flag: "tenant", Env: "ENTRUST_TENANT", Required: true, BaseURL: true},
		{Name: "application_id", Env: "ENTRUST_APPLICATION_ID", Secret: true, Required: true},
		{Name: "shared_secret", Env: "ENTRUST_SHARED_SECRET", Secret: true, Required: true},
	}
	var settings []vendors.Setting
	var filters []string
	for _, s := range v.Settings {
		if s.Help == "" {
			t.Errorf("setting %s has no help", s.Name)
		}
		s.Help = ""
		settings = append(settings, s)
	}
	for _, f := range v.Filters {
		filters = append(filters, f.Name)
		if f.Allowed == "" || f.Help == "" {
			t.Errorf("filter %+v", f)
		}
	}
	if !slices.Equal(settings, want) ||
		strings.Join(filters, " ") != "eventTime outcome category entityName entityType entityAction resourceName sourceIp subjectName eventType subject order_by siem" {
		t.Errorf("settings %+v, filters %v", settings, filters)
	}
}

// Open sends nothing; the tenant setting (a host) is the base URL, and
// Config.BaseURL wins over it.
func TestOpenSendsNothing(t *testing.T) {
	d, cfg := startDemo(t, 40)
	tenant := map[string]string{"tenant": "example.us.trustedauth.com", "application_id": cfg.Settings["application_id"], "shared_secret": cfg.Settings["shared_secret"]}
	for _, tt := range []vendors.Config{{Settings: tenant}, {Settings: tenant, BaseURL: cfg.BaseURL, Options: cfg.Options}} {
		src := walktest.Must(vendors.Open(context.Background(), "entrust", tt))(t)
		if src.Client.Stats().Requests != 0 || d.Stats().Requests != 0 {
			t.Error("Open sent a request")
		}
		if tt.BaseURL != "" {
			if got := walktest.All(t, src.Events, nil); len(got) != 40 {
				t.Errorf("walk through BaseURL: %d events", len(got))
			}
		} else if got := src.Client.BaseURL().String(); got != "https://example.us.trustedauth.com" {
			t.Errorf("the tenant's base URL: %s", got)
		}
		src.Events.Close()
	}
}

// Filters reach the API, operators included, and select what they say;
// order_by sorts. (The orders of a walk are the conformance suite's.)
func TestOpenFilters(t *testing.T) {
	_, cfg := startDemo(t, 600)
	cfg.Filters = []vendors.Param{{Name: "category", Value: "MANAGEMENT"}, {Name: "entityType", Value: "USERS"},
		{Name: "entityAction", Value: "NOT_EQUALS:REMOVE"}, {Name: "subjectName", Value: "STARTS_WITH:admin."},
		{Name: "order_by", Value: "entityAction:desc"}}
	src := walktest.Must(vendors.Open(context.Background(), "entrust", cfg))(t)
	prev, n := "\uffff", 0
	for ev, err := range src.Events.All() {
		var m map[string]any
		if err != nil || json.Unmarshal([]byte(ev.RawData), &m) != nil {
			t.Fatal(err, ev.RawData)
		}
		action, _ := m["entityAction"].(string)
		subject, _ := m["subjectName"].(string)
		if m["eventCategory"] != "MANAGEMENT" || m["entityType"] != "USERS" || action == "REMOVE" || !strings.HasPrefix(subject, "admin.") {
			t.Fatalf("event outside the filters: %s", ev.RawData)
		}
		if action > prev {
			t.Fatalf("not ordered by entityAction descending: %q after %q", action, prev)
		}
		prev, n = action, n+1
	}
	if n == 0 {
		t.Fatal("no event matched")
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page size and
// order *auditclient.OptionError naming them; nothing is sent.
func TestOpenErrors(t *testing.T) {
	_, good := startDemo(t, 10)
	mt := httpmock.NewMockTransport()
	settings := func(kv ...string) map[string]string {
		m := map[string]string{"tenant": "example.us.trustedauth.com", "application_id": "app-id-7f3a", "shared_secret": "s3cr3t-entrust"}
		for i := 0; i+1 < len(kv); i += 2 {
			if m[kv[i]] = kv[i+1]; kv[i+1] == "" {
				delete(m, kv[i])
			}
		}
		return m
	}
	option := func(name, option, says string, order auditclient.Order, kv ...string) walktest.Refusal {
		c := vendors.Config{Settings: settings(), Order: order, Options: walktest.Mocked(mt)}
		for i := 0; i+1 < len(kv); i += 2 {
			c.Filters = append(c.Filters, vendors.Param{Name: kv[i], Value: kv[i+1]})
		}
		return walktest.Refusal{Name: name, Cfg: c, Option: option, Says: says}
	}
	setting := func(name, option, env, says string, kv ...string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: vendors.Config{Settings: settings(kv...), Options: walktest.Mocked(mt)}, Config: true, Option: option, Env: env, Says: says}
	}
	pageSize, window := option("page size", "limit", "100", 0), option("since after until", "Since", "Until", 0)
	pageSize.Cfg.PageSize, window.Cfg.Since, window.Cfg.Until = 500, genEnd, genEnd.Add(-time.Hour)
	baseURL := setting("bad base URL", "tenant", "ENTRUST_TENANT", "scheme")
	baseURL.Cfg.Settings, baseURL.Cfg.BaseURL = good.Settings, "ftp://x"
	walktest.OpenRefused(t, entrust.Vendor, []string{"s3cr3t-entrust"}, mt.GetTotalCallCount,
		option("bad outcome", "outcome", "SUCCESS", 0, "outcome", "MAYBE"),
		option("bad operator", "sourceIp.operator", "EQUALS, STARTS_WITH", 0, "sourceIp", "CONTAINS:203."),
		option("too long", "entityType", "40", 0, "entityType", strings.Repeat("X", 41)),
		option("bad subject", "subject", "UUID", 0, "subject", "jdoe"),
		option("bad time", "eventTime", "ISO-8601", 0, "eventTime", "yesterday"),
		option("bad operator for time", "eventTime.operator", "GREATER_THAN", 0, "eventTime", "EQUALS:2018-08-04T18:15:30"),
		option("bad order_by", "order_by", "subjectName", 0, "order_by", "eventType"),
		option("bad direction", "order_by", "asc", 0, "order_by", "eventTime:up"),
		option("bad siem", "siem", "true", 0, "siem", "yes"),
		option("siem with entity filter", "entityType", "siem=true", 0, "siem", "true", "entityType", "USERS"),
		option("siem with order_by", "order_by", "siem=true", 0, "siem", "true", "order_by", "outcome"),
		option("siem newest first", "order", "oldest first", auditclient.NewestFirst, "siem", "true"),
		option("order_by and newest first", "order", "natural", auditclient.NewestFirst, "order_by", "outcome"),
		option("unknown filter", "colour", "eventTime", 0, "colour", "red"),
		pageSize, window,
		setting("missing id", "setting application_id", "ENTRUST_APPLICATION_ID", "ENTRUST_APPLICATION_ID", "application_id", ""),
		setting("missing secret", "setting shared_secret", "ENTRUST_SHARED_SECRET", "ENTRUST_SHARED_SECRET", "shared_secret", ""),
		setting("no tenant", "setting tenant", "ENTRUST_TENANT", "ENTRUST_TENANT", "tenant", ""),
		setting("bad tenant", "tenant", "ENTRUST_TENANT", "ENTRUST_TENANT", "tenant", "exa mple"),
		setting("other setting", "setting org_uuid", "", "tenant", "org_uuid", "x"),
		baseURL)
}
