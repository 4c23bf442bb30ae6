package tanium_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/tanium"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorRegistered(t *testing.T) {
	walktest.Registered(t, walktest.Registration{Vendor: tanium.Vendor, Name: tanium.Name, Endpoint: "GET /api/v2/audit_logs/{type}s/{id}",
		Natural: auditclient.NaturalOrder, OrderNote: "object", Filters: []string{"audit_history_size", "max_history_size"},
		Settings: []vendors.Setting{
			{Name: "server", Flag: "server", Env: "TANIUM_SERVER", Required: true, BaseURL: true},
			{Name: "token", Env: "TANIUM_API_TOKEN", Secret: true, Required: true},
			{Name: "objects", Flag: "objects", Env: "TANIUM_OBJECTS", Required: true},
		}})
}

// A walk opened by name reads the histories of the objects setting (deep
// ones whole, without a warning), from Config.BaseURL or the server
// setting, at the depth of the page size or of the audit_history_size
// filter (the last value given); Source.Client is the client's HTTP, and
// the checkpoint resumes a walk opened by name.
func TestVendorOpenWalks(t *testing.T) {
	fake := deepFake(t, 3, 150, audittest.TaniumOptions{})
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
			cfg.Settings = map[string]string{"token": fake.APIToken(), "objects": fake.ObjectList()}
			if cfg.BaseURL == "" {
				cfg.Settings["server"] = fake.URL()
			}
			cfg.Options = walktest.FastOptions("")
			before := len(fake.Requests())
			src := walktest.Must(vendors.Open(context.Background(), "tanium", cfg))(t)
			defer src.Events.Close()
			if n := len(fake.Requests()) - before; n != 0 {
				t.Fatalf("Open sent %d requests", n)
			}
			walktest.Diff(t, walk(t, src.Events), want(t, fake))
			if w := auditclient.WarningsOf(src.Events); w != nil {
				t.Errorf("warnings %v", w)
			}
			if st := src.Client.Stats(); st.Requests != int64(len(fake.Requests())-before) {
				t.Errorf("Source.Client counted %d requests, the fake %d", st.Requests, len(fake.Requests())-before)
			}
			for _, o := range parse(t, fake.ObjectList()) {
				if s := sizes(t, fake, o); !slices.Equal(s[len(s)-len(tc.sizes):], tc.sizes) {
					t.Errorf("%s: sizes asked %v, want %v", o, s, tc.sizes)
				}
			}
			cfg.Resume = src.Events.Checkpoint()
			again := walktest.Must(vendors.Open(context.Background(), "tanium", cfg))(t)
			if rest := walk(t, again.Events); len(rest) != 0 {
				t.Errorf("resumed from a complete checkpoint: %d events", len(rest))
			}
			again.Events.Close()
		})
	}
}

// Bad settings are *auditclient.ConfigError, bad filters, page sizes and
// orders *auditclient.OptionError, before anything is sent; no error holds
// the token. (What the registry refuses before the vendor's Open, settings
// unknown or missing and filters unknown or repeated, is
// vendors/vendors_test.go's TestOpenChecksBeforeTheVendor, on the
// declaration TestVendorRegistered checks, and the conformance suite's
// BadOptions.)
func TestVendorOpenRejects(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(30, 1, testEnd)})
	good := func(kv ...string) map[string]string {
		m := map[string]string{"server": fake.URL(), "token": testToken, "objects": "user:1,sensor:7"}
		for i := 0; i < len(kv); i += 2 {
			if m[kv[i]] = kv[i+1]; kv[i+1] == "" {
				delete(m, kv[i])
			}
		}
		return m
	}
	setting := func(name, option, env, says string, kv ...string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: vendors.Config{Settings: good(kv...)}, Config: true, Option: option, Env: env, Says: says}
	}
	option := func(name string, cfg vendors.Config, option, says string) walktest.Refusal {
		cfg.Settings = good()
		return walktest.Refusal{Name: name, Cfg: cfg, Option: option, Says: says}
	}
	filter := func(nv ...string) []vendors.Param {
		var out []vendors.Param
		for i := 0; i < len(nv); i += 2 {
			out = append(out, vendors.Param{Name: nv[i], Value: nv[i+1]})
		}
		return out
	}
	since := testEnd.Add(-time.Hour)
	walktest.OpenRefused(t, tanium.Vendor, []string{testToken}, func() int { return len(fake.Requests()) },
		setting("a server that is not http", "server", "TANIUM_SERVER", "TANIUM_SERVER", "server", "ftp://tanium.example.com"),
		setting("an unknown object type", "objects", "TANIUM_OBJECTS", `"widget:2"`, "objects", "user:1,widget:2"),
		setting("an object twice", "objects", "TANIUM_OBJECTS", "once", "objects", "user:1,user:1"),
		option("a history size of 0", vendors.Config{Filters: filter("audit_history_size", "0")}, "audit_history_size", "10000"),
		option("a history size not a number", vendors.Config{Filters: filter("audit_history_size", "deep")}, "audit_history_size", "10000"),
		option("a history size too large", vendors.Config{Filters: filter("audit_history_size", "10001")}, "audit_history_size", "10000"),
		option("a max depth of 0", vendors.Config{Filters: filter("max_history_size", "0")}, "max_history_size", "10000"),
		option("a first depth above the max", vendors.Config{PageSize: 100, Filters: filter("max_history_size", "50")}, "audit_history_size", "50"),
		option("a page size too large", vendors.Config{PageSize: 10001}, "audit_history_size", "10000"),
		option("a negative page size", vendors.Config{PageSize: -1}, "audit_history_size", "10000"),
		option("newest first", vendors.Config{Order: auditclient.NewestFirst}, "order", "no time order"),
		option("oldest first", vendors.Config{Order: auditclient.OldestFirst}, "order", "no time order"),
		option("a window ending before it starts", vendors.Config{Since: since, Until: since.Add(-time.Hour)}, "since", "until"),
	)
}
