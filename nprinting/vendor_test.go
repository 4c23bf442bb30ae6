package nprinting_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorIsRegistered(t *testing.T) {
	v, ok := vendors.Lookup("nprinting")
	if !ok || v != nprinting.Vendor || v.Name != nprinting.Name {
		t.Fatalf("Lookup(nprinting) = %v, %v", v, ok)
	}
	type setting struct {
		Name, Flag, Env          string
		Secret, Required, SetsBU bool
	}
	var got []setting
	for _, s := range v.Settings {
		if s.Help == "" {
			t.Errorf("setting %s has no help", s.Name)
		}
		got = append(got, setting{s.Name, s.Flag, s.Env, s.Secret, s.Required, s.BaseURL})
	}
	want := []setting{
		{"server", "server", "NPRINTING_SERVER", false, true, true},
		{"token", "", "NPRINTING_TOKEN", true, true, false},
		{"ca_file", "ca-file", "NPRINTING_CA_FILE", false, false, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings %+v, want %+v", got, want)
	}
	var filters []string
	for _, f := range v.Filters {
		filters = append(filters, f.Name)
		if f.Allowed == "" || f.Help == "" || f.Values != nil || f.Repeatable {
			t.Errorf("filter %+v", f)
		}
	}
	if want := []string{"appId", "userId", "targetId", "target", "dataType"}; !reflect.DeepEqual(filters, want) {
		t.Errorf("filters %v, want %v", filters, want)
	}
	if v.Endpoint != "GET /api/v1/audit/events" || v.DefaultBaseURL != "" || v.Natural != auditclient.NaturalOrder || len(v.Orders) != 0 || v.OrderNote == "" {
		t.Errorf("vendor %+v", v)
	}
}

// A walk opened by name reads the demo's whole data set, with the settings
// the demo gives or with the base URL standing in for the server, and the
// filters sent as the API spells them.
func TestVendorOpenWalksTheDemo(t *testing.T) {
	d, err := audittest.StartDemo("nprinting", audittest.DemoConfig{Events: 300, Faults: walktest.FaultMix(3)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for name, cfg := range map[string]vendors.Config{
		"settings": {Settings: d.Settings},
		"base URL": {Settings: map[string]string{"token": d.Settings["token"]}, BaseURL: d.BaseURL},
		"window":   {Settings: d.Settings, Since: time.Now().Add(-24 * time.Hour), Until: time.Now().Add(time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.PageSize = 40
			cfg.Options = walktest.FastOptions("")
			before := d.Stats().Requests
			src, err := vendors.Open(context.Background(), "nprinting", cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Events.Close()
			if n := d.Stats().Requests - before; n != 0 {
				t.Fatalf("Open sent %d requests", n)
			}
			got := walktest.Collect(t, src.Events, -1)
			if err := src.Events.Err(); err != nil || len(got) != d.Records {
				t.Fatalf("%d events of %d: %v", len(got), d.Records, err)
			}
			if src.Client == nil || src.Client.Stats().Requests == 0 {
				t.Errorf("Source.Client is not the walk's client: %+v", src.Client)
			}
			walktest.NoSecrets(t, d.Secrets, map[string]string{"events": strings.Join(got, "\n")})
		})
	}

	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(200, 4, time.Now().Add(-time.Minute))})
	src, err := vendors.Open(context.Background(), "nprinting", vendors.Config{
		Settings: map[string]string{"server": fake.URL(), "token": fake.Token()},
		Filters:  []vendors.Param{{Name: "target", Value: "User"}, {Name: "appId", Value: "6F0E5C1A-8A9B-4C7D-9E21-0A1B2C3D4E5F"}},
		PageSize: 25,
		Options:  walktest.FastOptions(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	walktest.Collect(t, src.Events, -1)
	if err := src.Events.Err(); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request")
	}
	if q := reqs[0].Query; q.Get("target") != "User" || q.Get("appId") != "6F0E5C1A-8A9B-4C7D-9E21-0A1B2C3D4E5F" || q.Get("limit") != "25" || q.Get("end") == "" {
		t.Errorf("query %v", q)
	}
}

// Bad settings are an *auditclient.ConfigError and bad filters, page sizes
// and orders an *auditclient.OptionError, from Open, before any request.
func TestVendorOpenRefusesBeforeSending(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(5, 1, time.Now())})
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, caPEM := tlsServer(t)
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ok := map[string]string{"server": fake.URL(), "token": fake.Token()}
	with := func(k, v string) map[string]string {
		m := map[string]string{"server": fake.URL(), "token": fake.Token()}
		m[k] = v
		return m
	}
	roundTripper := roundTripFunc(http.DefaultTransport.RoundTrip)
	tests := []struct {
		name   string
		cfg    vendors.Config
		config bool   // a ConfigError, else an OptionError
		option string // its Option from vendors.Open
		own    string // its Option from Vendor.Open alone; "-" when only the registry checks it
		env    string // a ConfigError's Env
	}{
		{"no token", vendors.Config{Settings: map[string]string{"server": fake.URL()}}, true, "setting token", "token", "NPRINTING_TOKEN"},
		{"no server", vendors.Config{Settings: map[string]string{"token": fake.Token()}}, true, "setting server", "server", "NPRINTING_SERVER"},
		{"bad server", vendors.Config{Settings: with("server", "ftp://nprinting.example.com")}, true, "server", "server", "NPRINTING_SERVER"},
		{"unknown setting", vendors.Config{Settings: with("password", "x")}, true, "setting password", "-", ""},
		{"missing CA file", vendors.Config{Settings: with("ca_file", filepath.Join(dir, "none.pem"))}, true, "ca_file", "ca_file", "NPRINTING_CA_FILE"},
		{"CA file without a certificate", vendors.Config{Settings: with("ca_file", keyFile)}, true, "ca_file", "ca_file", "NPRINTING_CA_FILE"},
		{"CA file and a transport it cannot set", vendors.Config{Settings: with("ca_file", caFile),
			Options: []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: roundTripper})}}, true, "ca_file", "ca_file", "NPRINTING_CA_FILE"},
		{"bad appId", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "appId", Value: "sales"}}}, false, "appId", "appId", ""},
		{"bad targetId", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "targetId", Value: "42"}}}, false, "targetId", "targetId", ""},
		{"bad target", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "target", Value: " User"}}}, false, "target", "target", ""},
		{"unknown filter", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "action", Value: "Login"}}}, false, "action", "-", ""},
		{"filter twice", vendors.Config{Settings: ok, Filters: []vendors.Param{{Name: "target", Value: "User"}, {Name: "target", Value: "Task"}}}, false, "target", "-", ""},
		{"page size", vendors.Config{Settings: ok, PageSize: nprinting.MaxLimit + 1}, false, "limit", "limit", ""},
		{"window", vendors.Config{Settings: ok, Since: time.Now(), Until: time.Now().Add(-time.Hour)}, false, "start", "start", ""},
		{"newest first", vendors.Config{Settings: ok, Order: auditclient.NewestFirst}, false, "order", "order", ""},
		{"oldest first", vendors.Config{Settings: ok, Order: auditclient.OldestFirst}, false, "order", "order", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Through the registry, and through the vendor's own Open
			// alone, which must not count on the registry's checks.
			for _, open := range []struct {
				by, option string
				call       func() (*vendors.Source, error)
			}{
				{"vendors.Open", tt.option, func() (*vendors.Source, error) { return vendors.Open(context.Background(), "nprinting", tt.cfg) }},
				{"Vendor.Open", tt.own, func() (*vendors.Source, error) { return nprinting.Vendor.Open(context.Background(), tt.cfg) }},
			} {
				src, err := open.call()
				if open.option == "-" {
					if err != nil {
						t.Errorf("%s: %v", open.by, err)
					} else {
						src.Events.Close()
					}
					continue
				}
				if src != nil {
					t.Fatalf("%s: a source: %+v", open.by, src)
				}
				var ce *auditclient.ConfigError
				var oe *auditclient.OptionError
				switch {
				case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != open.option || ce.Env != tt.env):
					t.Errorf("%s: err = %v; want a ConfigError of %s (%s)", open.by, err, open.option, tt.env)
				case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != open.option || oe.Vendor != nprinting.Name):
					t.Errorf("%s: err = %v; want an OptionError of %s", open.by, err, open.option)
				}
				if err != nil && strings.Contains(err.Error(), fake.Token()) {
					t.Errorf("%s: the error shows the token: %v", open.by, err)
				}
			}
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// ca_file makes the walk trust exactly that certificate; without it the
// self-signed server is refused.
func TestVendorOpenCAFile(t *testing.T) {
	ts, caPEM := tlsServer(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := vendors.Config{
		Settings: map[string]string{"server": ts.URL, "token": testToken, "ca_file": caFile},
		Until:    time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC),
		Options:  []auditclient.Option{noRetry()},
	}
	src, err := vendors.Open(context.Background(), "nprinting", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := walktest.Collect(t, src.Events, -1); len(got) != 2 || src.Events.Err() != nil {
		t.Errorf("with ca_file: %d events, %v", len(got), src.Events.Err())
	}
	delete(cfg.Settings, "ca_file")
	src, err = vendors.Open(context.Background(), "nprinting", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if src.Events.Next() || src.Events.Err() == nil || !strings.Contains(src.Events.Err().Error(), "certificate") {
		t.Errorf("without ca_file: %v", src.Events.Err())
	}
}
