package nprinting_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
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
	walktest.Registered(t, walktest.Registration{Vendor: nprinting.Vendor, Name: nprinting.Name, Endpoint: "GET /api/v1/audit/events",
		Natural: auditclient.NaturalOrder, Filters: []string{"appId", "userId", "targetId", "target", "dataType"},
		Settings: []vendors.Setting{
			{Name: "server", Flag: "server", Env: "NPRINTING_SERVER", Required: true, BaseURL: true},
			{Name: "token", Env: "NPRINTING_TOKEN", Secret: true, Required: true},
			{Name: "ca_file", Flag: "ca-file", Env: "NPRINTING_CA_FILE"},
		}})
}

// A walk opened by name reads the demo's whole data set (under faults) with
// the base URL standing in for the server, and sends the filters as the
// API spells them, with the end of the walk pinned. (The demo's own
// settings, windows, and Open sending nothing are the conformance suite's.)
func TestVendorOpenWalks(t *testing.T) {
	d := walktest.Must(audittest.StartDemo("nprinting", audittest.DemoConfig{Events: 300, Faults: walktest.FaultMix(3)}))(t)
	defer d.Close()
	src := walktest.Must(vendors.Open(context.Background(), "nprinting", vendors.Config{
		Settings: map[string]string{"token": d.Settings["token"]}, BaseURL: d.BaseURL, PageSize: 40, Options: walktest.FastOptions("")}))(t)
	if got := walktest.All(t, src.Events, nil); len(got) != d.Records || src.Client.Stats().Requests == 0 {
		t.Errorf("%d events of %d; Source.Client %+v", len(got), d.Records, src.Client.Stats())
	}
	src.Events.Close()

	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(200, 4, time.Now().Add(-time.Minute))})
	src = walktest.Must(vendors.Open(context.Background(), "nprinting", vendors.Config{
		Settings: map[string]string{"server": fake.URL(), "token": fake.Token()},
		Filters:  []vendors.Param{{Name: "target", Value: "User"}, {Name: "appId", Value: "6F0E5C1A-8A9B-4C7D-9E21-0A1B2C3D4E5F"}},
		PageSize: 25, Options: walktest.FastOptions(""),
	}))(t)
	walktest.All(t, src.Events, nil)
	if reqs := fake.Requests(); len(reqs) == 0 || reqs[0].Query.Get("target") != "User" || reqs[0].Query.Get("appId") != "6F0E5C1A-8A9B-4C7D-9E21-0A1B2C3D4E5F" ||
		reqs[0].Query.Get("limit") != "25" || reqs[0].Query.Get("end") == "" {
		t.Errorf("requests %v", reqs)
	}
}

// Bad settings are an *auditclient.ConfigError and bad filters, page sizes
// and orders an *auditclient.OptionError, from Open, before any request;
// the vendor's own Open refuses them alone too (it does not count on the
// registry's checks), but for what only the registry checks.
func TestVendorOpenRefusesBeforeSending(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(5, 1, time.Now())})
	dir := t.TempDir()
	keyFile, caFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	_, caPEM := tlsServer(t)
	if os.WriteFile(keyFile, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600) != nil || os.WriteFile(caFile, caPEM, 0o600) != nil {
		t.Fatal("cannot write the PEM files")
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"server": fake.URL(), "token": fake.Token()}
		for i := 0; i < len(kv); i += 2 {
			if m[kv[i]] = kv[i+1]; kv[i+1] == "" {
				delete(m, kv[i])
			}
		}
		return m
	}
	setting := func(name string, cfg vendors.Config, option, own, env string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: cfg, Config: true, Option: option, Own: own, Env: env}
	}
	option := func(name string, cfg vendors.Config, option, own string) walktest.Refusal {
		cfg.Settings = with()
		return walktest.Refusal{Name: name, Cfg: cfg, Option: option, Own: own}
	}
	filter := func(name, value string) []vendors.Param { return []vendors.Param{{Name: name, Value: value}} }
	walktest.OpenRefused(t, nprinting.Vendor, []string{fake.Token()}, func() int { return len(fake.Requests()) },
		setting("no token", vendors.Config{Settings: with("token", "")}, "setting token", "token", "NPRINTING_TOKEN"),
		setting("no server", vendors.Config{Settings: with("server", "")}, "setting server", "server", "NPRINTING_SERVER"),
		setting("bad server", vendors.Config{Settings: with("server", "ftp://nprinting.example.com")}, "server", "server", "NPRINTING_SERVER"),
		setting("unknown setting", vendors.Config{Settings: with("password", "x")}, "setting password", "-", ""),
		setting("missing CA file", vendors.Config{Settings: with("ca_file", filepath.Join(dir, "none.pem"))}, "ca_file", "ca_file", "NPRINTING_CA_FILE"),
		setting("CA file without a certificate", vendors.Config{Settings: with("ca_file", keyFile)}, "ca_file", "ca_file", "NPRINTING_CA_FILE"),
		setting("CA file and a transport it cannot set", vendors.Config{Settings: with("ca_file", caFile),
			Options: []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: walktest.RoundTrip(http.DefaultTransport.RoundTrip)})}},
			"ca_file", "ca_file", "NPRINTING_CA_FILE"),
		option("bad appId", vendors.Config{Filters: filter("appId", "sales")}, "appId", "appId"),
		option("bad targetId", vendors.Config{Filters: filter("targetId", "42")}, "targetId", "targetId"),
		option("bad target", vendors.Config{Filters: filter("target", " User")}, "target", "target"),
		option("unknown filter", vendors.Config{Filters: filter("action", "Login")}, "action", "-"),
		option("filter twice", vendors.Config{Filters: append(filter("target", "User"), filter("target", "Task")...)}, "target", "-"),
		option("page size", vendors.Config{PageSize: nprinting.MaxLimit + 1}, "limit", "limit"),
		option("window", vendors.Config{Since: time.Now(), Until: time.Now().Add(-time.Hour)}, "start", "start"),
		option("newest first", vendors.Config{Order: auditclient.NewestFirst}, "order", "order"),
		option("oldest first", vendors.Config{Order: auditclient.OldestFirst}, "order", "order"),
	)
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
	if got := walktest.All(t, walktest.Must(vendors.Open(context.Background(), "nprinting", cfg))(t).Events, nil); len(got) != 2 {
		t.Errorf("with ca_file: %d events", len(got))
	}
	delete(cfg.Settings, "ca_file")
	if src := walktest.Must(vendors.Open(context.Background(), "nprinting", cfg))(t); src.Events.Next() || src.Events.Err() == nil || !strings.Contains(src.Events.Err().Error(), "certificate") {
		t.Errorf("without ca_file: %v", src.Events.Err())
	}
}
