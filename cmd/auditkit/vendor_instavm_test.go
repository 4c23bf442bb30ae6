package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// Filters reach the API: every event of a filtered demo pull matches.
func TestInstavmDemoPullFiltered(t *testing.T) {
	code, out, errOut := cli(t, nil, "pull", "instavm", "--demo", "--quiet", "--filter", "event_group=auth", "--filter", "status=failure", "--filter", "user_id=4821")
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
	tests := []usageCase{
		{"bad user_id", env, []string{"pull", "instavm", "--filter", "user_id=alice"}, []string{"user_id", "alice", "positive integer"}},
		{"negative user_id", env, []string{"pull", "instavm", "--filter", "user_id=-4"}, []string{"user_id", "-4"}},
		{"unknown filter", env, []string{"pull", "instavm", "--filter", "actor_type=user"}, []string{"actor_type", "event_group"}},
		{"filter twice", env, []string{"pull", "instavm", "--filter", "vm_id=a", "--filter", "vm_id=b"}, []string{"vm_id"}},
		{"bad filter value", env, []string{"pull", "instavm", "--filter", "vm_id=" + strings.Repeat("x", 2000)}, []string{"vm_id", "1024"}},
		{"missing key", nil, []string{"pull", "instavm"}, []string{"api_key", "INSTAVM_API_KEY"}},
		{"malformed key", map[string]string{"INSTAVM_API_KEY": "instavm_sk_ s3cr3t"}, []string{"pull", "instavm"}, []string{"apiKey", "INSTAVM_API_KEY", "space"}},
		{"page size", env, []string{"pull", "instavm", "--page-size", "500"}, []string{"limit", "500", "200"}},
		{"oldest first", env, []string{"pull", "instavm", "--order", "oldest-first"}, []string{"order", "oldest-first", "newest first"}},
		{"setting flag", env, []string{"pull", "instavm", "--org", "x"}, []string{"--org"}},
	}
	checkUsageErrors(t, "s3cr3t", tests)
}

// The demo's data set ends now: a pull of the last day finds events, in
// the API's order, newest first, which --order newest-first also asks for.
func TestInstavmDemoPullLastDay(t *testing.T) {
	for _, order := range []string{"natural", "newest-first"} {
		code, out, errOut := cli(t, nil, "pull", "instavm", "--demo", "--quiet", "--since", "24h", "--order", order)
		if code != 0 || out == "" {
			t.Fatalf("--order %s: exit %d: %s", order, code, errOut)
		}
		var prev int64
		for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			var ev struct{ Time int64 }
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatal(err)
			}
			if age := time.Since(time.UnixMilli(ev.Time)); age < 0 || age > 24*time.Hour+time.Minute {
				t.Fatalf("--order %s: event %d is %v old", order, i, age)
			}
			if i > 0 && ev.Time > prev {
				t.Fatalf("--order %s: event %d is newer than the one before", order, i)
			}
			prev = ev.Time
		}
	}
}

// A pull against a fake given by --base-url sends the key and filters.
func TestInstavmPullBaseURL(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(120, 2, testEnd)})
	code, out, errOut := cli(t, map[string]string{"INSTAVM_API_KEY": fake.APIKey()},
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

// --base-url is the origin, with an optional proxy prefix; the documented
// path is appended, and a URL already ending with /v1 is not doubled.
func TestInstavmBaseURLIsTheOrigin(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(40, 2, testEnd), BasePath: "/gw"})
	for _, base := range []string{fake.URL(), fake.URL() + "/", fake.URL() + "/v1", fake.URL() + "/v1/"} {
		before := len(fake.Requests())
		code, out, errOut := cli(t, map[string]string{"INSTAVM_API_KEY": fake.APIKey()}, "pull", "instavm", "--quiet", "--base-url", base)
		if code != 0 || strings.Count(out, "\n") != 40 {
			t.Errorf("--base-url %s: exit %d, %d lines: %s", base, code, strings.Count(out, "\n"), errOut)
		}
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/gw/v1/audit/events" {
				t.Errorf("--base-url %s: requested %s", base, r.Path)
			}
		}
	}
}
