package main

import "testing"

// Plain http to a host that is not loopback is a usage error unless
// --allow-http; loopback (fakes, local proxies) is always allowed.
func TestAllowHTTPFlag(t *testing.T) {
	env := map[string]string{"CISCO_CLIENT_ID": "cl1ent-id", "CISCO_API_KEY": "s3cret-key"}
	checkUsageErrors(t, "s3cret-key", []usageCase{
		{"http base", env, []string{"pull", "cisco", "--base-url", "http://audit.example.invalid"}, []string{"--base-url", "in clear", "--allow-http"}},
		{"http server", map[string]string{"NPRINTING_TOKEN": "s3cret-key"}, []string{"pull", "nprinting", "--server", "http://10.0.0.9:4993"}, []string{"--server", "--allow-http"}},
	})
	for _, tt := range []struct {
		u    string
		want bool
	}{
		{"http://audit.example.invalid", true}, {"HTTP://10.1.2.3", true}, {"https://audit.example.invalid", false},
		{"http://127.0.0.1:8080", false}, {"http://127.9.9.9", false}, {"http://[::1]:80/x", false}, {"http://localhost:1", false}, {"", false},
	} {
		if got := insecureURL(tt.u); got != tt.want {
			t.Errorf("insecureURL(%q) = %v, want %v", tt.u, got, tt.want)
		}
	}
}
