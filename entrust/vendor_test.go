package entrust_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

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
	d, err := audittest.StartDemo("entrust", audittest.DemoConfig{Now: genEnd, Events: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d, vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL, Options: walktest.FastOptions("")}
}

func TestVendorRegistered(t *testing.T) {
	v, ok := vendors.Lookup("entrust")
	if !ok || v != entrust.Vendor || v.Name != entrust.Name || v.Natural != auditclient.OldestFirst || len(v.Orders) != 2 || v.DefaultBaseURL != "" {
		t.Fatalf("registry entry %+v", v)
	}
	want := map[string]vendors.Setting{
		"tenant":         {Name: "tenant", Flag: "tenant", Env: "ENTRUST_TENANT", Required: true, BaseURL: true},
		"application_id": {Name: "application_id", Env: "ENTRUST_APPLICATION_ID", Secret: true, Required: true},
		"shared_secret":  {Name: "shared_secret", Env: "ENTRUST_SHARED_SECRET", Secret: true, Required: true},
	}
	for _, s := range v.Settings {
		w := want[s.Name]
		s.Help = ""
		if s != w {
			t.Errorf("setting %+v, want %+v", s, w)
		}
		delete(want, s.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing settings %v", want)
	}
	var names []string
	for _, f := range v.Filters {
		names = append(names, f.Name)
		if f.Allowed == "" || f.Help == "" {
			t.Errorf("filter %+v", f)
		}
	}
	if got := strings.Join(names, " "); got != "eventTime outcome category entityName entityType entityAction resourceName sourceIp subjectName eventType subject order_by siem" {
		t.Errorf("filters %s", got)
	}
}

// Open sends nothing; the tenant setting (a host) is the base URL, and
// Config.BaseURL wins over it.
func TestOpenSendsNothing(t *testing.T) {
	d, cfg := startDemo(t, 40)
	for _, tt := range []vendors.Config{
		{Settings: map[string]string{"tenant": "example.us.trustedauth.com", "application_id": "x", "shared_secret": "y"}},
		cfg,
		{Settings: map[string]string{"tenant": "example.us.trustedauth.com", "application_id": cfg.Settings["application_id"], "shared_secret": cfg.Settings["shared_secret"]},
			BaseURL: cfg.BaseURL},
	} {
		before := d.Stats().Requests
		src, err := vendors.Open(context.Background(), "entrust", tt)
		if err != nil {
			t.Fatal(err)
		}
		if src.Client.Stats().Requests != 0 || d.Stats().Requests != before {
			t.Error("Open sent a request")
		}
		if tt.BaseURL != "" {
			got := walktest.Collect(t, src.Events, -1)
			if src.Events.Err() != nil || len(got) != 40 {
				t.Errorf("walk through BaseURL: %d events, %v", len(got), src.Events.Err())
			}
		}
		src.Events.Close()
	}
}

// Filters reach the API, operators included, and select what they say;
// order_by sorts; newest-first walks eventTime descending.
func TestOpenFiltersAndOrders(t *testing.T) {
	_, cfg := startDemo(t, 600)
	cfg.Filters = []vendors.Param{{Name: "category", Value: "MANAGEMENT"}, {Name: "entityType", Value: "USERS"},
		{Name: "entityAction", Value: "NOT_EQUALS:REMOVE"}, {Name: "subjectName", Value: "STARTS_WITH:admin."},
		{Name: "order_by", Value: "entityAction:desc"}}
	src, err := vendors.Open(context.Background(), "entrust", cfg)
	if err != nil {
		t.Fatal(err)
	}
	prev, n := "\uffff", 0
	for ev, err := range src.Events.All() {
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(ev.RawData), &m); err != nil {
			t.Fatal(err)
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

	for _, order := range []auditclient.Order{auditclient.NaturalOrder, auditclient.OldestFirst, auditclient.NewestFirst} {
		_, cfg := startDemo(t, 300)
		cfg.Order, cfg.PageSize = order, 40
		src, err := vendors.Open(context.Background(), "entrust", cfg)
		if err != nil {
			t.Fatal(err)
		}
		var last time.Time
		n := 0
		for ev, err := range src.Events.All() {
			if err != nil {
				t.Fatal(err)
			}
			if n > 0 && (order == auditclient.NewestFirst) != ev.Time.Before(last) && !ev.Time.Equal(last) {
				t.Fatalf("%v: %v after %v", order, ev.Time, last)
			}
			last, n = ev.Time, n+1
		}
		if n != 300 {
			t.Errorf("%v: %d events", order, n)
		}
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page size and
// order *auditclient.OptionError naming them; nothing is sent.
func TestOpenErrors(t *testing.T) {
	d, good := startDemo(t, 10)
	settings := func(kv ...string) map[string]string {
		m := map[string]string{"tenant": "example.us.trustedauth.com", "application_id": "x", "shared_secret": "s3cr3t-entrust"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	filter := func(kv ...string) vendors.Config {
		c := vendors.Config{Settings: settings()}
		for i := 0; i+1 < len(kv); i += 2 {
			c.Filters = append(c.Filters, vendors.Param{Name: kv[i], Value: kv[i+1]})
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		cfg    vendors.Config
		config bool   // a ConfigError, else an OptionError
		option string // its Option
		text   string // in its message
	}{
		{"bad outcome", filter("outcome", "MAYBE"), false, "outcome", "SUCCESS"},
		{"bad operator", filter("sourceIp", "CONTAINS:203."), false, "sourceIp.operator", "EQUALS, STARTS_WITH"},
		{"too long", filter("entityType", strings.Repeat("X", 41)), false, "entityType", "40"},
		{"bad subject", filter("subject", "jdoe"), false, "subject", "UUID"},
		{"bad time", filter("eventTime", "yesterday"), false, "eventTime", "ISO-8601"},
		{"bad operator for time", filter("eventTime", "EQUALS:2018-08-04T18:15:30"), false, "eventTime.operator", "GREATER_THAN"},
		{"bad order_by", filter("order_by", "eventType"), false, "order_by", "subjectName"},
		{"bad direction", filter("order_by", "eventTime:up"), false, "order_by", "asc"},
		{"bad siem", filter("siem", "yes"), false, "siem", "true"},
		{"siem with entity filter", filter("siem", "true", "entityType", "USERS"), false, "entityType", "siem=true"},
		{"siem with order_by", filter("siem", "true", "order_by", "outcome"), false, "order_by", "siem=true"},
		{"siem newest first", func() vendors.Config { c := filter("siem", "true"); c.Order = auditclient.NewestFirst; return c }(), false, "order", "oldest first"},
		{"order_by and newest first", func() vendors.Config { c := filter("order_by", "outcome"); c.Order = auditclient.NewestFirst; return c }(), false, "order", "natural"},
		{"unknown filter", filter("colour", "red"), false, "colour", "eventTime"},
		{"page size", vendors.Config{Settings: settings(), PageSize: 500}, false, "limit", "100"},
		{"since after until", vendors.Config{Settings: settings(), Since: genEnd, Until: genEnd.Add(-time.Hour)}, false, "Since", "Until"},
		{"missing id", vendors.Config{Settings: settings("application_id", "")}, true, "setting application_id", "ENTRUST_APPLICATION_ID"},
		{"missing secret", vendors.Config{Settings: settings("shared_secret", "")}, true, "setting shared_secret", "ENTRUST_SHARED_SECRET"},
		{"no tenant", vendors.Config{Settings: settings("tenant", "")}, true, "setting tenant", "ENTRUST_TENANT"},
		{"bad tenant", vendors.Config{Settings: settings("tenant", "exa mple")}, true, "tenant", "ENTRUST_TENANT"},
		{"other setting", vendors.Config{Settings: settings("org_uuid", "x")}, true, "setting org_uuid", "tenant"},
		{"bad base URL", vendors.Config{Settings: good.Settings, BaseURL: "ftp://x"}, true, "tenant", "scheme"},
	} {
		_, err := vendors.Open(context.Background(), "entrust", tt.cfg)
		var ce *auditclient.ConfigError
		var oe *auditclient.OptionError
		switch {
		case err == nil:
			t.Errorf("%s: no error", tt.name)
			continue
		case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != tt.option):
			t.Errorf("%s: %v, want a ConfigError for %s", tt.name, err, tt.option)
		case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != tt.option):
			t.Errorf("%s: %v, want an OptionError for %s", tt.name, err, tt.option)
		case !strings.Contains(err.Error(), tt.text):
			t.Errorf("%s: %v, want it to say %q", tt.name, err, tt.text)
		}
		if strings.Contains(walktest.FmtAll(err), "s3cr3t-entrust") {
			t.Errorf("%s: the error holds the secret: %v", tt.name, err)
		}
	}
	if d.Stats().Requests != 0 {
		t.Errorf("%d requests sent", d.Stats().Requests)
	}
}
