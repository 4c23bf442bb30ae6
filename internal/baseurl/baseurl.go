// Package baseurl reduces a base URL a user gives to the origin (and
// optional proxy prefix) under which a vendor's documented paths are
// requested.
package baseurl

import "strings"

// Origin returns base without surrounding white space, without trailing
// slashes, and without the first of suffixes its path ends with, compared
// case-insensitively: the start of the documented path, so that a base URL
// given as the API's own ("https://host/api") is not doubled. The host is
// never touched, and only the path's end is. A base URL with a query or a
// fragment is returned as it is, for auditclient to refuse.
func Origin(base string, suffixes ...string) string {
	s := strings.TrimRight(strings.TrimSpace(base), "/")
	pathAt := len(s) // where the path starts
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.IndexAny(s[i+3:], "/?#"); j >= 0 {
			pathAt = i + 3 + j
		}
	}
	if strings.ContainsAny(s[pathAt:], "?#") {
		return base
	}
	for _, suffix := range suffixes {
		if len(s)-len(suffix) >= pathAt && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
			return s[:len(s)-len(suffix)]
		}
	}
	return s
}
