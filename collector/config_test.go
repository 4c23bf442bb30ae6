package collector

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/vendors"
)

const goodSource = `  - name: acme-cisco
    vendor: cisco
    credentials: {client_id: env:ACME_ID, api_key: file:key.txt}
`

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, text string
		check      bool   // the error comes from Check (reads the environment)
		want       string // a substring, after "collect.yaml:"
	}{
		{"unknown top-level key", "state: s\nstat: x\nsources:\n" + goodSource + "output: {stdout: true}\n", false, `collect.yaml:2: unknown key "stat"`},
		{"unknown source key", "state: s\nsources:\n" + goodSource + "    intervall: 5m\noutput: {stdout: true}\n", false, `collect.yaml:6: unknown key "intervall"`},
		{"unknown defaults key", "defaults: {interval: 5m, lagg: 1m}\nsources:\n" + goodSource + "output: {stdout: true}\n", false, `collect.yaml:1: unknown key "lagg"`},
		{"unknown vendor", "sources:\n  - name: x\n    vendor: ciscoo\noutput: {stdout: true}\n", false, `collect.yaml:3: source x: unknown vendor "ciscoo"; the vendors are automox, cisco, entrust, instavm, nprinting, tanium`},
		{"bad filter value", "sources:\n  - name: e\n    vendor: entrust\n    demo: true\n    filters:\n      siem: maybe\noutput: {stdout: true}\n", false, `collect.yaml:6: source e: entrust: option siem="maybe" is not allowed: one of true, false`},
		{"unknown filter", "sources:\n" + goodSource + "    filters: {colour: red}\noutput: {stdout: true}\n", false, `collect.yaml:5: source acme-cisco: cisco: option colour="red" is not allowed: no such filter`},
		{"missing env reference", "sources:\n" + strings.Replace(goodSource, "ACME_ID", "ACME_CISCO_ID", 1) + "output: {stdout: true}\n", true, `collect.yaml:4: source acme-cisco: credential client_id: environment variable ACME_CISCO_ID is not set`},
		{"literal secret", "sources:\n  - name: c\n    vendor: cisco\n    settings: {client_id: abc, api_key: s3cr3t-value}\noutput: {stdout: true}\n", false, `collect.yaml:4: source c: setting api_key is a credential`},
		{"credential not a reference", "sources:\n  - name: c\n    vendor: cisco\n    credentials:\n      client_id: env:X\n      api_key: s3cr3t-value\noutput: {stdout: true}\n", false, `collect.yaml:6: source c: credential api_key: want a reference, env:NAME or file:PATH`},
		{"bad duration", "defaults: {interval: 5 minutes}\nsources:\n" + goodSource + "output: {stdout: true}\n", false, `collect.yaml:1: duration "5 minutes"`},
		{"bad jitter", "defaults: {jitter: 200%}\nsources:\n" + goodSource + "output: {stdout: true}\n", false, `collect.yaml:1: "200%": want a percentage`},
		{"bad name", "sources:\n  - name: Acme/Cisco\n    vendor: cisco\noutput: {stdout: true}\n", false, `collect.yaml:2: source name "Acme/Cisco"`},
		{"duplicate name", "sources:\n" + goodSource + goodSource + "output: {stdout: true}\n", false, `collect.yaml:5: source "acme-cisco" is named twice (first on line 2)`},
		{"unknown setting", "sources:\n  - {name: t, vendor: tanium, demo: true, settings: {servr: x}}\noutput: {stdout: true}\n", false, `collect.yaml:2: source t: tanium has no setting "servr"`},
		{"bad order", "sources:\n  - {name: c, vendor: cisco, demo: true, order: sideways}\noutput: {stdout: true}\n", false, `collect.yaml:2: source c:`},
		{"wrong type", "batch: many\nsources:\n" + goodSource + "output: {stdout: true}\n", false, "collect.yaml:1: cannot unmarshal !!str `many`"},
		{"no sources", "state: s\noutput: {stdout: true}\n", false, "no sources"},
		{"no output", "sources:\n" + goodSource, false, "no output"},
		{"unknown output kind", "sources:\n" + goodSource + "output:\n  bucket: {name: x}\n", true, `collect.yaml:6: output kind "bucket" is not built into this program`},
		{"unknown output key", "sources:\n" + goodSource + "output:\n  path: out/{source}.gz\n  rotat: daily\n", true, `collect.yaml:7: unknown key "rotat"`},
		{"demo_faults without demo", "sources:\n" + goodSource + "    demo_faults: true\noutput: {stdout: true}\n", false, "collect.yaml:5: source acme-cisco: demo_faults needs demo: true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "collect.yaml")
			os.WriteFile(path, []byte(c.text), 0o600)
			os.WriteFile(filepath.Join(dir, "key.txt"), []byte("k\n"), 0o600)
			cfg, err := LoadConfig(path)
			if err == nil {
				if !c.check {
					t.Fatalf("LoadConfig: no error, want %q", c.want)
				}
				cfg.Getenv = func(k string) string { return map[string]string{"ACME_ID": "id-1"}[k] }
				err = cfg.Check()
			} else if c.check {
				t.Fatalf("LoadConfig: %v, want it from Check", err)
			}
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("%T is not a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%v\nwant it to contain\n%s", err, c.want)
			}
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestConfigDefaultsAndReferences(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte(`state: st
defaults: {interval: 1m, lag: 30s}
sources:
  - name: a
    vendor: cisco
    credentials: {client_id: env:A_ID, api_key: file:secrets/a}
    filters: {event: [login], audit_log_type: User}
    start: 2d
output: {stdout: true}
`), 0o600)
	os.MkdirAll(filepath.Join(dir, "secrets"), 0o700)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	want := Timing{Interval: Duration(time.Minute), Jitter: 10, Lag: Duration(30 * time.Second), Start: Duration(48 * time.Hour), Timeout: Duration(10 * time.Minute)}
	if s.Timing != want {
		t.Errorf("timing %+v, want %+v", s.Timing, want)
	}
	zero, err := ParseConfig("z.yaml", []byte("defaults: {jitter: 0%}\nsources:\n  - {name: a, vendor: cisco, demo: true, lag: 0s}\n  - {name: b, vendor: cisco, demo: true}\noutput: {stdout: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := zero.Sources[0].Timing, zero.Sources[1].Timing; a.Lag != 0 || a.Jitter != 0 || b.Lag != Duration(2*time.Minute) || b.Jitter != 0 {
		t.Errorf("lag: 0s and jitter: 0%%, given, are kept: %+v, %+v", a, b)
	}
	if cfg.statePath() != filepath.Join(dir, "st") {
		t.Errorf("state %s", cfg.statePath())
	}
	cfg.Getenv = func(k string) string { return map[string]string{"A_ID": "id-1"}[k] }
	if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), "c.yaml:6: source a: credential api_key: file secrets/a: no such file or directory") {
		t.Fatalf("Check: %v", err)
	}
	// The file is read relative to the config file's directory.
	os.WriteFile(filepath.Join(dir, "secrets", "a"), []byte("key-1\n"), 0o600)
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
	v, _ := vendors.Lookup("cisco")
	vc, err := s.vendorConfig(v, cfg.Getenv, cfg.readFile)
	if err != nil {
		t.Fatal(err)
	}
	if vc.Settings["client_id"] != "id-1" || vc.Settings["api_key"] != "key-1" {
		t.Errorf("settings %v", vc.Settings)
	}
	if got := vc.FilterValues("event"); len(got) != 1 || got[0] != "login" || vc.Filter("audit_log_type") != "User" {
		t.Errorf("filters %v", vc.Filters)
	}
}
