package main

import (
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// cli runs the command in-process with env as the whole environment and
// returns its exit code, stdout and stderr.
func cli(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r := runCLI(t, env, args...)
	return r.code, r.stdout, r.stderr
}

// Every registered vendor's demo pulls 200 valid OCSF events of that
// vendor, with and without injected faults (and with each vendor's extra
// demo arguments).
func TestVendorDemoPull(t *testing.T) {
	tests := map[string]struct {
		vendorName string     // metadata.product.vendor_name of its events
		extra      [][]string // more argument sets to pull with
	}{
		"cisco":     {"Cisco", nil},
		"automox":   {"Automox", nil},
		"entrust":   {"Entrust", [][]string{{"--filter", "siem=true"}}},
		"instavm":   {"InstaVM", nil},
		"nprinting": {"Qlik", nil},
		"tanium":    {"Tanium", nil},
	}
	for _, v := range vendors.All() {
		tt, ok := tests[v.Name]
		if !ok {
			t.Errorf("vendor %s has no demo test: add it to the table", v.Name)
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			for _, extra := range append([][]string{nil, {"--demo-faults"}}, tt.extra...) {
				args := append([]string{"pull", v.Name, "--demo", "--max-events", "200", "--quiet"}, extra...)
				code, out, errOut := cli(t, nil, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errOut)
				}
				ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(ls) != 200 {
					t.Fatalf("%v: %d lines, want 200", args, len(ls))
				}
				for i, l := range ls {
					if err := ocsf.ValidateJSON([]byte(l)); err != nil {
						t.Fatalf("%v: line %d: %v\n%s", args, i, err, l)
					}
					if !strings.Contains(l, `"vendor_name":"`+tt.vendorName+`"`) {
						t.Fatalf("%v: line %d is not an event of %s: %s", args, i, tt.vendorName, l)
					}
				}
			}
		})
	}
}

// usageCase is a command line that must be refused as a usage error.
type usageCase struct {
	name string
	env  map[string]string // the whole environment
	args []string
	want []string // what stderr must name
}

// checkUsageErrors runs each case and fails unless it exits 2 with nothing
// on stdout and a stderr that names every want, and never secret.
func checkUsageErrors(t *testing.T, secret string, tests []usageCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, tt.env, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %q: %s", w, errOut)
				}
			}
			if strings.Contains(errOut, secret) {
				t.Errorf("stderr holds the credential %q: %s", secret, errOut)
			}
		})
	}
}
