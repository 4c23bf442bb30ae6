package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
)

// instavmRun runs the command with the environment vars only.
func instavmRun(vars map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestInstavmDemoPull(t *testing.T) {
	for _, faults := range []bool{false, true} {
		args := []string{"pull", "instavm", "--demo", "--max-events", "200", "--quiet"}
		if faults {
			args = append(args, "--demo-faults")
		}
		code, out, errOut := instavmRun(nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(ls) != 200 {
			t.Fatalf("%v: %d lines, want 200", args, len(ls))
		}
		for i, l := range ls {
			if err := ocsf.ValidateJSON([]byte(l)); err != nil {
				t.Fatalf("line %d: %v\n%s", i, err, l)
			}
			if !strings.Contains(l, `"vendor_name":"InstaVM"`) {
				t.Fatalf("line %d is not an InstaVM event: %s", i, l)
			}
		}
	}
}

// Filters reach the API: every event of a filtered demo pull matches.
func TestInstavmDemoPullFiltered(t *testing.T) {
	code, out, errOut := instavmRun(nil, "pull", "instavm", "--demo", "--quiet", "--filter", "event_group=auth", "--filter", "status=failure", "--filter", "user_id=4821")
	if code != 0 || out == "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.Contains(l, `\"event_group\":\"auth\"`) || !strings.Contains(l, `\"status\":\"failure\"`) || !strings.Contains(l, `\"user_id\":4821`) {
			t.Fatalf("event outside the filters: %s", l)
		}
	}
}

func TestInstavmUsageErrors(t *testing.T) {
	env := map[string]string{"INSTAVM_API_KEY": "instavm_sk_s3cr3t"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad user_id", env, []string{"pull", "instavm", "--filter", "user_id=alice"}, []string{"user_id"}},
		{"negative user_id", env, []string{"pull", "instavm", "--filter", "user_id=-4"}, []string{"user_id"}},
		{"unknown filter", env, []string{"pull", "instavm", "--filter", "actor_type=user"}, []string{"actor_type"}},
		{"bad filter value", env, []string{"pull", "instavm", "--filter", "vm_id=" + strings.Repeat("x", 2000)}, []string{"vm_id"}},
		{"missing key", nil, []string{"pull", "instavm"}, []string{"INSTAVM_API_KEY"}},
		{"page size", env, []string{"pull", "instavm", "--page-size", "500"}, []string{"--page-size", "200"}},
		{"setting flag", env, []string{"pull", "instavm", "--org", "x"}, []string{"--org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := instavmRun(tt.env, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %s: %s", w, errOut)
				}
			}
			if strings.Contains(errOut, "s3cr3t") {
				t.Errorf("stderr holds the key: %s", errOut)
			}
		})
	}
}

// A pull against a fake given by --base-url sends the key and filters.
func TestInstavmPullBaseURL(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(120, 2, testEnd)})
	code, out, errOut := instavmRun(map[string]string{"INSTAVM_API_KEY": fake.APIKey()},
		"pull", "instavm", "--base-url", fake.URL(), "--quiet", "--page-size", "50", "--filter", "event_group=vm")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := 0
	for _, r := range fake.Events() {
		if strings.Contains(string(r), `"event_group":"vm"`) {
			want++
		}
	}
	if n := strings.Count(out, "\n"); n != want || want == 0 {
		t.Errorf("%d lines, the data holds %d vm events", n, want)
	}
	for _, r := range fake.Requests() {
		if r.Header.Get("X-API-Key") != fake.APIKey() || r.Query.Get("event_group") != "vm" || r.Query.Get("limit") != "50" {
			t.Errorf("request %s", r)
		}
	}
}
