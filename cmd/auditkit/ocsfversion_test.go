package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// --ocsf-version 1.8.0 makes every vendor's demo events OCSF 1.8.0: valid
// against the 1.8.0 schema without a warning of a deprecated attribute, and
// metadata.version says so; without it they are 1.1.0.
func TestPullOCSFVersion(t *testing.T) {
	strict := ocsf.NewValidator(ocsf.ValidatorOptions{Error: []string{"deprecated", "version_mismatch"}})
	for _, v := range vendors.All() {
		t.Run(v.Name, func(t *testing.T) {
			for _, tt := range []struct {
				args    []string
				version string
			}{
				{nil, "1.1.0"},
				{[]string{"--ocsf-version", "1.1.0"}, "1.1.0"},
				{[]string{"--ocsf-version", "1.8.0"}, "1.8.0"},
			} {
				args := append([]string{"pull", v.Name, "--demo", "--quiet", "--max-events", "300"}, tt.args...)
				r := mustRun(t, nil, args...)
				got := someLines(t, r.stdout)
				for i, l := range got {
					var ev struct {
						Metadata struct{ Version string } `json:"metadata"`
					}
					if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Metadata.Version != tt.version {
						t.Fatalf("%v: line %d: version %q (%v)", tt.args, i+1, ev.Metadata.Version, err)
					}
					if err := strict.ValidateJSON([]byte(l)); err != nil {
						t.Fatalf("%v: line %d: %v\n%s", tt.args, i+1, err, l)
					}
				}
			}
		})
	}
}

func TestPullOCSFVersionRefused(t *testing.T) {
	for _, bad := range []string{"1.2.0", "1.8", "latest", ""} {
		r := runCLI(t, nil, "pull", "cisco", "--demo", "--quiet", "--max-events", "1", "--ocsf-version="+bad)
		if bad == "" {
			if r.code != 0 {
				t.Errorf("--ocsf-version= (empty): exit %d: %s", r.code, r.stderr)
			}
			continue
		}
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, `--ocsf-version "`+bad+`": want one of 1.1.0, 1.8.0`) {
			t.Errorf("--ocsf-version %s: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}
