package vendors_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// probe is a vendor registered by this test only: it records the Config
// its Open was called with.
var (
	probeCalls []vendors.Config
	probe      = &vendors.Vendor{
		Name:     "zzprobe",
		Title:    "Probe",
		Endpoint: "GET /probe",
		Settings: []vendors.Setting{
			{Name: "key", Env: "PROBE_KEY", Secret: true, Required: true, Help: "the key"},
			{Name: "server", Flag: "server", Env: "PROBE_SERVER", Required: true, BaseURL: true, Help: "the server"},
			{Name: "mode", Flag: "mode", Help: "a mode"},
		},
		Filters: []vendors.Filter{
			{Name: "kind", Values: []string{"a", "b"}},
			{Name: "tag", Repeatable: true},
			{Name: "user"},
		},
		Natural:   auditclient.NewestFirst,
		Orders:    []auditclient.Order{auditclient.NewestFirst},
		OrderNote: "newest first only",
		Open: func(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
			probeCalls = append(probeCalls, cfg)
			return &vendors.Source{Events: auditclient.Emptied(nil)}, nil
		},
	}
)

func init() { vendors.Register(probe) }

func TestRegistryHoldsTheSixVendors(t *testing.T) {
	want := []string{"automox", "cisco", "entrust", "instavm", "nprinting", "tanium", "zzprobe"}
	if got := vendors.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, v := range vendors.All() {
		if v.Title == "" || v.Endpoint == "" || v.Open == nil || v.OrderNote == "" {
			t.Errorf("%s: incomplete: %+v", v.Name, v)
		}
		for _, s := range v.Settings {
			if s.Secret && s.Flag != "" {
				t.Errorf("%s: secret setting %s has a flag: credentials come from the environment only", v.Name, s.Name)
			}
			if s.Help == "" {
				t.Errorf("%s: setting %s has no help", v.Name, s.Name)
			}
		}
	}
	if v, ok := vendors.Lookup("cisco"); !ok || v.Name != "cisco" {
		t.Errorf("Lookup(cisco) = %v, %v", v, ok)
	}
	if _, ok := vendors.Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
}

func TestRegisterRefusesDuplicatesAndIncompleteVendors(t *testing.T) {
	for name, v := range map[string]*vendors.Vendor{
		"nil":       nil,
		"no name":   {Endpoint: "x", Open: probe.Open},
		"no open":   {Name: "zzz", Endpoint: "x"},
		"duplicate": {Name: "cisco", Endpoint: "x", Open: probe.Open},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Register did not panic")
				}
			}()
			vendors.Register(v)
		})
	}
}

// Check refuses every kind of mistake with the right typed error, before
// the vendor's Open is called.
func TestOpenChecksBeforeTheVendor(t *testing.T) {
	ok := map[string]string{"key": "k", "server": "https://h"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range ok {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name string
		cfg  vendors.Config
		want error    // ErrBadConfig or ErrBadOption
		says []string // in the message
	}{
		{"unknown setting", vendors.Config{Settings: with("colour", "blue")}, auditclient.ErrBadConfig, []string{"colour", "key, server, mode"}},
		{"missing credential", vendors.Config{Settings: with("key", "")}, auditclient.ErrBadConfig, []string{"key", "PROBE_KEY", "required"}},
		{"blank credential", vendors.Config{Settings: with("key", "  ")}, auditclient.ErrBadConfig, []string{"PROBE_KEY"}},
		{"missing server", vendors.Config{Settings: with("server", "")}, auditclient.ErrBadConfig, []string{"server", "PROBE_SERVER"}},
		{"unknown filter", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "colour", Value: "x"}}}, auditclient.ErrBadOption, []string{"colour", "kind, tag, user"}},
		{"value outside the closed set", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "kind", Value: "c"}}}, auditclient.ErrBadOption, []string{"kind", `"c"`, "one of a, b"}},
		{"filter given twice", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "user", Value: "1"}, {Name: "user", Value: "2"}}}, auditclient.ErrBadOption, []string{"user", "one value"}},
		{"order not served", vendors.Config{Settings: ok, Order: auditclient.OldestFirst}, auditclient.ErrBadOption, []string{"order", "oldest-first", "newest first only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probeCalls = nil
			src, err := vendors.Open(context.Background(), "zzprobe", tt.cfg)
			if !errors.Is(err, tt.want) || src != nil {
				t.Fatalf("Open = %v, %v; want an error matching %v", src, err, tt.want)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "k\"") {
				t.Errorf("%q shows the key", err)
			}
			if len(probeCalls) != 0 {
				t.Errorf("the vendor's Open was called %d times", len(probeCalls))
			}
		})
	}
}

func TestOpenPassesAGoodConfigThrough(t *testing.T) {
	probeCalls = nil
	cfg := vendors.Config{
		Settings: map[string]string{"key": "k"},
		BaseURL:  "https://h", // stands in for the server setting
		Filters:  []vendors.Param{{Name: "tag", Value: "x"}, {Name: "tag", Value: "y"}, {Name: "kind", Value: "b"}},
		Order:    auditclient.NewestFirst,
	}
	if _, err := vendors.Open(context.Background(), "zzprobe", cfg); err != nil {
		t.Fatal(err)
	}
	if len(probeCalls) != 1 {
		t.Fatalf("the vendor's Open was called %d times", len(probeCalls))
	}
	got := probeCalls[0]
	if !slices.Equal(got.FilterValues("tag"), []string{"x", "y"}) || got.Filter("kind") != "b" || got.Filter("user") != "" {
		t.Errorf("filters: %+v", got.Filters)
	}
	if got.Server("server") != "https://h" {
		t.Errorf("Server = %q", got.Server("server"))
	}
	if len(got.ClientOptions()) != 1 {
		t.Errorf("ClientOptions: %d, want the one WithBaseURL", len(got.ClientOptions()))
	}
	if _, err := vendors.Open(context.Background(), "nope", cfg); !errors.Is(err, auditclient.ErrBadConfig) || !strings.Contains(err.Error(), "cisco") {
		t.Errorf("unknown vendor: %v", err)
	}
}

func TestSettingsFromEnv(t *testing.T) {
	env := map[string]string{"PROBE_KEY": "k", "PROBE_SERVER": "", "OTHER": "x"}
	got := probe.SettingsFromEnv(func(k string) string { return env[k] })
	if len(got) != 1 || got["key"] != "k" {
		t.Errorf("SettingsFromEnv = %v", got)
	}
	if s := probe.Setting("server"); s == nil || !s.BaseURL {
		t.Errorf("Setting(server) = %+v", s)
	}
	if probe.Setting("nope") != nil {
		t.Error("Setting(nope) found something")
	}
}

// A server, tenant or base URL holding a password is refused without
// repeating it, whatever its form, for every vendor.
func TestBadServerNeverEchoesAPassword(t *testing.T) {
	for _, v := range vendors.All() {
		if v == probe {
			continue
		}
		for _, u := range []string{"https://user:s3cr3t@h.example.com", "user:s3cr3t@h.example.com", "https://h.example.com/?token=s3cr3t", "ftp://user:s3cr3t@h", "https://user:s3cr3t@h/%zz"} {
			settings := map[string]string{}
			for _, s := range v.Settings {
				settings[s.Name] = "x"
				if s.Name == "org_uuid" {
					settings[s.Name] = "123e4567-e89b-12d3-a456-426614174000"
				}
				if s.Name == "objects" {
					settings[s.Name] = "user:1"
				}
				if s.Name == "ca_file" || s.Name == "region" {
					delete(settings, s.Name)
				}
				if s.BaseURL {
					settings[s.Name] = u
				}
			}
			for _, cfg := range []vendors.Config{{Settings: settings}, {Settings: settings, BaseURL: u}} {
				src, err := v.Start(context.Background(), cfg)
				if err == nil {
					src.Events.Close()
					if v.Setting("server") != nil || v.Setting("tenant") != nil || cfg.BaseURL != "" {
						t.Errorf("%s: %q accepted", v.Name, u)
					}
					continue
				}
				if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), "s3cr3t") {
					t.Errorf("%s: %q: the error shows the password: %v", v.Name, u, err)
				}
			}
		}
	}
}
