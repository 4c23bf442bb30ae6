package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

// sdk are the packages a user of the SDK imports; they (and everything they
// import) may use only the standard library, the module itself and the
// chosen four.
var sdk = []string{
	"./auditclient", "./pagination", "./ocsf", "./audittest",
	"./automox", "./cisco", "./entrust", "./instavm", "./nprinting", "./tanium",
}

var allowed = []string{
	"github.com/auditkit/auditkit/",
	"github.com/hashicorp/go-retryablehttp",
	"github.com/hashicorp/go-cleanhttp", // go-retryablehttp's own dependency
	"golang.org/x/time/rate",
	"github.com/google/go-querystring/",
	"github.com/jarcoal/httpmock",
}

func TestSDKDependencies(t *testing.T) {
	args := append([]string{"list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}"}, sdk...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	n := 0
	for _, p := range strings.Fields(string(out)) {
		n++
		ok := false
		for _, a := range allowed {
			if p == strings.TrimSuffix(a, "/") || strings.HasPrefix(p, a) || strings.HasPrefix(p, a+"/") {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("an SDK package depends on %s, which is not one of the chosen four", p)
		}
	}
	if n < len(sdk) {
		t.Errorf("go list printed %d packages, want at least the %d SDK packages", n, len(sdk))
	}
}
