package tanium_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/tanium"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorRegistered(t *testing.T) {
	v, ok := vendors.Lookup("tanium")
	if !ok || v != tanium.Vendor {
		t.Fatalf("vendors.Lookup(tanium) = %v, %v", v, ok)
	}
	if v.Name != tanium.Name || v.Endpoint != "GET /api/v2/audit_logs/{type}s/{id}" || v.DefaultBaseURL != "" || v.Title == "" {
		t.Errorf("vendor %+v", v)
	}
	want := []vendors.Setting{
		{Name: "server", Flag: "server", Env: "TANIUM_SERVER", Required: true, BaseURL: true},
		{Name: "token", Env: "TANIUM_API_TOKEN", Secret: true, Required: true},
		{Name: "objects", Flag: "objects", Env: "TANIUM_OBJECTS", Required: true},
	}
	if len(v.Settings) != len(want) {
		t.Errorf("settings %+v", v.Settings)
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
		if f.Allowed == "" || f.Help == "" || f.Repeatable || f.Values != nil {
			t.Errorf("filter %+v", f)
		}
	}
	if strings.Join(filters, ",") != "audit_history_size,max_history_size" {
		t.Errorf("filters %v", filters)
	}
	if v.Natural != auditclient.NaturalOrder || len(v.Orders) != 0 || !strings.Contains(v.OrderNote, "object") {
		t.Errorf("orders %v natural %v note %q", v.Orders, v.Natural, v.OrderNote)
	}
}

// A walk opened by name reads the histories of the objects setting, from
// Config.BaseURL or the server setting, at the depth of the page size or
// of the audit_history_size filter (the last value given); Source.Client
// is the client's HTTP.
func TestVendorOpenWalks(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
	settings := map[string]string{"token": fake.APIToken(), "objects": fake.ObjectList()}
	for _, tc := range []struct {
		name  string
		cfg   vendors.Config
		sizes []string // audit_history_size of the requests per object
	}{
		{"base URL, page size", vendors.Config{BaseURL: fake.URL(), PageSize: 50}, []string{"50", "100", "200"}},
		{"server setting, default depth", vendors.Config{}, []string{"100", "200"}},
		{"filters", vendors.Config{PageSize: 50, Filters: []vendors.Param{{Name: "audit_history_size", Value: "10"}, {Name: "max_history_size", Value: "200"}}}, []string{"10", "20", "40", "80", "160"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Settings = map[string]string{"token": settings["token"], "objects": settings["objects"]}
			if cfg.BaseURL == "" {
				cfg.Settings["server"] = fake.URL()
			}
			cfg.Options = walktest.FastOptions("")
			before := len(fake.Requests())
			src, err := vendors.Open(context.Background(), "tanium", cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Events.Close()
			if n := len(fake.Requests()) - before; n != 0 {
				t.Fatalf("Open sent %d requests", n)
			}
			got := collect(t, src.Events, -1)
			if err := src.Events.Err(); err != nil {
				t.Fatal(err)
			}
			walktest.Diff(t, got, want(t, fake))
			if w := auditclient.WarningsOf(src.Events); w != nil {
				t.Errorf("warnings %v", w)
			}
			if st := src.Client.Stats(); st.Requests != int64(len(fake.Requests())-before) {
				t.Errorf("Source.Client counted %d requests, the fake %d", st.Requests, len(fake.Requests())-before)
			}
			for _, o := range parse(t, fake.ObjectList()) {
				s := sizes(t, fake, o)
				if got := strings.Join(s[len(s)-len(tc.sizes):], ","); got != strings.Join(tc.sizes, ",") {
					t.Errorf("%s: sizes asked %v, want %v", o, got, tc.sizes)
				}
			}
			// The checkpoint resumes a walk opened by name.
			cfg.Resume = src.Events.Checkpoint()
			again, err := vendors.Open(context.Background(), "tanium", cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rest := collect(t, again.Events, -1); len(rest) != 0 || again.Events.Err() != nil {
				t.Errorf("resumed from a complete checkpoint: %d events, %v", len(rest), again.Events.Err())
			}
			again.Events.Close()
		})
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page sizes and
// orders *auditclient.OptionError, before anything is sent; no error holds
// the token.
func TestVendorOpenRejects(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(30, 1, testEnd)})
	good := func(kv ...string) map[string]string {
		m := map[string]string{"server": fake.URL(), "token": testToken, "objects": "user:1,sensor:7"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
				continue
			}
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	filter := func(name, value string) []vendors.Param { return []vendors.Param{{Name: name, Value: value}} }
	since := testEnd.Add(-time.Hour)
	tests := []struct {
		name   string
		cfg    vendors.Config
		config bool   // a ConfigError, else an OptionError
		option string // its Option
		says   string // in its message
	}{
		{"no server", vendors.Config{Settings: good("server", "")}, true, "setting server", "TANIUM_SERVER"},
		{"a server that is not http", vendors.Config{Settings: good("server", "ftp://tanium.example.com")}, true, "server", "TANIUM_SERVER"},
		{"no token", vendors.Config{Settings: good("token", "")}, true, "setting token", "TANIUM_API_TOKEN"},
		{"no objects", vendors.Config{Settings: good("objects", "")}, true, "setting objects", "TANIUM_OBJECTS"},
		{"an unknown object type", vendors.Config{Settings: good("objects", "user:1,widget:2")}, true, "objects", `"widget:2"`},
		{"an object twice", vendors.Config{Settings: good("objects", "user:1,user:1")}, true, "objects", "once"},
		{"an unknown setting", vendors.Config{Settings: good("tenant", "x")}, true, "setting tenant", "objects"},
		{"a history size of 0", vendors.Config{Settings: good(), Filters: filter("audit_history_size", "0")}, false, "audit_history_size", "10000"},
		{"a history size not a number", vendors.Config{Settings: good(), Filters: filter("audit_history_size", "deep")}, false, "audit_history_size", "10000"},
		{"a history size too large", vendors.Config{Settings: good(), Filters: filter("audit_history_size", "10001")}, false, "audit_history_size", "10000"},
		{"a max depth of 0", vendors.Config{Settings: good(), Filters: filter("max_history_size", "0")}, false, "max_history_size", "10000"},
		{"a first depth above the max", vendors.Config{Settings: good(), PageSize: 100, Filters: filter("max_history_size", "50")}, false, "audit_history_size", "50"},
		{"a page size too large", vendors.Config{Settings: good(), PageSize: 10001}, false, "audit_history_size", "10000"},
		{"a negative page size", vendors.Config{Settings: good(), PageSize: -1}, false, "audit_history_size", "10000"},
		{"a filter given twice", vendors.Config{Settings: good(), Filters: append(filter("audit_history_size", "5"), filter("audit_history_size", "6")...)}, false, "audit_history_size", "once"},
		{"an unknown filter", vendors.Config{Settings: good(), Filters: filter("count", "5")}, false, "count", "audit_history_size, max_history_size"},
		{"newest first", vendors.Config{Settings: good(), Order: auditclient.NewestFirst}, false, "order", "no time order"},
		{"oldest first", vendors.Config{Settings: good(), Order: auditclient.OldestFirst}, false, "order", "no time order"},
		{"a window ending before it starts", vendors.Config{Settings: good(), Since: since, Until: since.Add(-time.Hour)}, false, "since", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Through the registry's checks, and straight to Vendor.Open
			// where the registry would not let the Config through.
			_, err := vendors.Open(context.Background(), "tanium", tt.cfg)
			direct := tanium.Vendor.Check(tt.cfg) == nil
			if direct {
				_, derr := tanium.Vendor.Open(context.Background(), tt.cfg)
				if (derr == nil) != (err == nil) || derr != nil && derr.Error() != err.Error() {
					t.Errorf("Vendor.Open: %v; vendors.Open: %v", derr, err)
				}
			}
			var ce *auditclient.ConfigError
			var oe *auditclient.OptionError
			switch {
			case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != tt.option || ce.Vendor != tanium.Name):
				t.Errorf("%#v, want a ConfigError for %s", err, tt.option)
			case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != tt.option || oe.Vendor != tanium.Name):
				t.Errorf("%#v, want an OptionError for %s", err, tt.option)
			case !strings.Contains(err.Error(), tt.says):
				t.Errorf("%q does not say %q", err, tt.says)
			}
			if strings.Contains(walktest.FmtAll(err), testToken) {
				t.Errorf("the error holds the token: %v", err)
			}
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// The demo fake, started by name, is walked whole through the registry:
// its settings are what the registry needs, with its BaseURL as server.
func TestVendorDemo(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Hour)
	d, err := audittest.StartDemo("tanium", audittest.DemoConfig{Now: now, Events: 1000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	src, err := vendors.Open(context.Background(), "tanium", vendors.Config{
		Settings: d.Settings, BaseURL: d.BaseURL, Since: now.Add(-30 * 24 * time.Hour), Options: walktest.FastOptions(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	n := 0
	for ev, err := range src.Events.All() {
		if err != nil {
			t.Fatal(err)
		}
		if !ev.Time.Before(now) {
			t.Fatalf("an event at %v, not before the demo's Now %v", ev.Time, now)
		}
		n++
	}
	if n != d.Records || auditclient.WarningsOf(src.Events) != nil {
		t.Errorf("%d of the demo's %d records; warnings %v", n, d.Records, auditclient.WarningsOf(src.Events))
	}
	walktest.NoSecrets(t, d.Secrets, map[string]string{"checkpoint": walktest.FmtAll(src.Events.Checkpoint()), "client": walktest.FmtAll(src.Client)})
}
