package baseurl

import "testing"

func TestOrigin(t *testing.T) {
	api := []string{"/api/web/v2", "/api/web/v1", "/api/web", "/api"}
	for _, tc := range []struct {
		base     string
		suffixes []string
		want     string
	}{
		{"https://h.example.com", api, "https://h.example.com"},
		{" https://h.example.com/// ", api, "https://h.example.com"},
		{"https://h.example.com/api", api, "https://h.example.com"},
		{"https://h.example.com/API/", api, "https://h.example.com"},
		{"https://h.example.com/api/web/v1", api, "https://h.example.com"},
		{"https://h.example.com/proxy/api/web", api, "https://h.example.com/proxy"},
		{"https://h.example.com/apis", api, "https://h.example.com/apis"},
		{"https://h.example.com/myapi", api, "https://h.example.com/myapi"},
		{"https://api", api, "https://api"}, // a host named like a suffix stays
		{"https://h.example.com:8443/v1", []string{"/v1"}, "https://h.example.com:8443"},
		{"https://h.example.com/v1/v1", []string{"/v1"}, "https://h.example.com/v1"}, // one suffix, once
		{"https://h.example.com/api?x=1", api, "https://h.example.com/api?x=1"},
		{"https://h.example.com/api/#f ", api, "https://h.example.com/api/#f "},
		{"h.example.com/api", api, "h.example.com/api"}, // no scheme: no path is known, nothing is cut
		{"", api, ""},
	} {
		if got := Origin(tc.base, tc.suffixes...); got != tc.want {
			t.Errorf("Origin(%q, %q) = %q, want %q", tc.base, tc.suffixes, got, tc.want)
		}
	}
}
