package walktest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// The vendors' walk benchmarks read 2,000 records from their fake on
// loopback, 100 a page where the API pages. Compare, for a vendor:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./<vendor>/
//
// BenchmarkWalkPlainHTTP is the baseline, PlainWalk: a hand-written loop
// with net/http and encoding/json that follows the API's paging and
// decodes records as raw JSON; BenchmarkWalkPlainHTTPTyped decodes them
// into a plain struct of the document's fields, the work a hand-written
// client would do. The SDK's walks (BenchList, BenchEvents) do the same
// reading, with the decoding, checks and mapping the SDK adds.

// PlainWalk times whole walks of the baseline, one a round of b.Loop:
// next returns each request, given the page before (nil for the first
// request of a walk), and nil after the last; each response must be a 200
// and decodes into a new P, whose records count gives. A walk must read
// want records.
func PlainWalk[P any](b *testing.B, want int, next func(prev *P) *http.Request, count func(*P) int) {
	b.Helper()
	for b.Loop() {
		n := 0
		var p *P
		for req := next(nil); req != nil; req = next(p) {
			p = new(P)
			Fetch(b, req, p)
			n += count(p)
		}
		if n != want {
			b.Fatalf("%d records, want %d", n, want)
		}
	}
}

// Fetch sends req with http.DefaultClient and decodes its 200 response's
// JSON into out.
func Fetch(b *testing.B, req *http.Request, out any) {
	b.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: status %d", req.URL, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

// Request is http.NewRequest with headers (name, value, ...) and body, as
// JSON, when not nil.
func Request(method, url string, body any, headers ...string) *http.Request {
	var r *http.Request
	if body != nil {
		raw, _ := json.Marshal(body)
		r, _ = http.NewRequest(method, url, bytes.NewReader(raw))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r, _ = http.NewRequest(method, url, nil)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}
