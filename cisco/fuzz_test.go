package cisco

import (
	"context"
	"encoding/json"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// FuzzDecodePage: a body of GET /v1/audit_logs never panics the decoder
// (Page, what ListPage decodes); every record it yields has a time,
// re-decodes alone from its own JSON with the same uid, and ToOCSF gives a
// valid event that marshals to JSON. Seeds: the document's seven examples,
// the fixture of vendors.md and generated records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.CiscoDocExamples() {
		f.Add([]byte(b))
	}
	b, err := os.ReadFile("testdata/fixture_vendors_md.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	gen := audittest.GenerateCiscoEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"version": "v1.2.0", "data": gen})
	f.Add(page)
	for _, s := range []string{"{}", "null", "[]", `{"data":null}`, `{"data":[{}]}`, `{"data":[null]}`,
		`{"data":[{"created_at":"2024-06-18T00:00:00Z","audit_log_type":"User","audit_log_id":"u1","event":"update","new_attributes":{"password":true}}]}`,
		`{"metadata":{"links":{"next":7}},"data":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Page
		if err := fuzzcheck.Decode(body, &p); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		fuzzcheck.Records(t, p.Data, fuzzcheck.Record[AuditLog]{
			Time:   func(a AuditLog) time.Time { return a.CreatedAt },
			Raw:    func(e AuditLog) []byte { return e.Raw },
			UID:    func(e AuditLog) string { return e.UID() },
			ToOCSF: ToOCSF,
		})
	})
}

// fzTransport answers every request in memory with a page whose next link
// is next, and records the requests; a request to any host but host is a
// failure (the client must refuse a link to another origin).
type fzTransport struct {
	host    string
	next    string
	record  json.RawMessage
	n       atomic.Int32
	mu      sync.Mutex
	foreign []string
	creds   []string
}

func (f *fzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.n.Add(1)
	if r.URL.Host != f.host {
		f.mu.Lock()
		f.foreign = append(f.foreign, r.URL.String())
		f.mu.Unlock()
	}
	if r.URL.User != nil {
		f.mu.Lock()
		f.creds = append(f.creds, r.URL.String())
		f.mu.Unlock()
	}
	next, _ := json.Marshal(f.next)
	body := `{"version":"v1.2.0","metadata":{"links":{"self":"x","next":` + string(next) +
		`},"results":{"total":3,"current_item_count":1,"index":0,"items_per_page":1}},"data":[` + string(f.record) + `]}`
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
}

const fzKey = "fz-Key-7c1e5d9a0b"

// FuzzNextLink: Cisco's next links, and resume positions that hold one.
// link is a next link as a server might send it, with BASE standing for the
// client's base URL (so that same-origin links are easy to reach); prefix is
// the base URL's path. For any of them:
//
//   - relative never turns a link the client refuses (another origin,
//     credentials) into one it accepts, and a link it does shorten resolves
//     to the same URL as the link itself;
//   - a walk whose every page carries that next link ends within a few
//     requests, never sends a request to another host or with credentials
//     in the URL, and its error names no secret;
//   - a walk resumed from a checkpoint whose position holds that link ends
//     the same way.
func FuzzNextLink(f *testing.F) {
	for _, b := range audittest.CiscoDocExamples() {
		var p struct {
			Metadata Metadata `json:"metadata"`
		}
		if json.Unmarshal(b, &p) == nil {
			f.Add("", strings.Replace(p.Metadata.Links.Next, "https://api.amp.cisco.com", "BASE", 1), uint8(0))
			f.Add("", p.Metadata.Links.Next, uint8(1))
		}
	}
	for _, s := range []string{"", "BASE", "BASE/v1/audit_logs?offset=500", "v1/audit_logs?offset=2&limit=1",
		"/v1/audit_logs?offset=2", "//127.0.0.1:8080/v1/audit_logs", "http://user:pw@127.0.0.1:8080/v1/audit_logs",
		"http://evil.example/v1/audit_logs?offset=2", "BASE/v1/a%2Fb?offset=1", "BASE/v1/audit_logs#frag",
		"HTTP://127.0.0.1:8080/api/v1/audit_logs?offset=9", "BASE/../v1/audit_logs", "BASE:8080/v1"} {
		f.Add("", s, uint8(0))
		f.Add("api", s, uint8(2))
	}
	rec := json.RawMessage(audittest.GenerateCiscoEvents(1, 3, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))[0])
	f.Fuzz(func(t *testing.T, prefix, link string, skip uint8) {
		tr := &fzTransport{host: "127.0.0.1:8080", record: rec}
		c, err := NewClient("fz-id", fzKey, auditclient.WithBaseURL("http://127.0.0.1:8080/"+prefix),
			auditclient.WithHTTPClient(&http.Client{Transport: tr}), auditclient.WithRateLimit(rate.Inf, 1),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			return
		}
		base := c.api.BaseURL().String()
		link = strings.ReplaceAll(link, "BASE", strings.TrimSuffix(base, "/"))
		tr.next = link

		rel := c.relative(link)
		if rel == "" && link != "" {
			t.Fatalf("relative(%q) = \"\" under base %q: a next link read as the end of the walk", link, base)
		}
		u1, err1 := c.api.ResolveURL(link)
		u2, err2 := c.api.ResolveURL(rel)
		if err1 != nil && err2 == nil {
			t.Fatalf("relative(%q) = %q: a refused link became an accepted one (%v)", link, rel, err1)
		}
		if err1 == nil && err2 == nil {
			u1.ForceQuery, u2.ForceQuery = false, false // "x?" is "x"
		}
		if rel != link && (err1 != nil || err2 != nil || u1.String() != u2.String()) {
			t.Fatalf("relative(%q) = %q under base %q: resolves to %v (%v), the link to %v (%v)", link, rel, base, u2, err2, u1, err1)
		}

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		check := func(what string, n int, err error) {
			t.Helper()
			if got := tr.n.Load(); got > 4 {
				t.Fatalf("%s: next link %q: %d requests, %d items", what, link, got, n)
			}
			if err != nil && strings.Contains(err.Error(), fzKey) {
				t.Fatalf("%s: error names the API key: %v", what, err)
			}
			tr.mu.Lock()
			defer tr.mu.Unlock()
			if len(tr.foreign) > 0 || len(tr.creds) > 0 {
				t.Fatalf("%s: next link %q: requests to another host %q or with credentials %q", what, link, tr.foreign, tr.creds)
			}
		}
		n := 0
		var werr error
		for _, err := range c.Pages(ctx, &ListOptions{PageSize: 1}).All() {
			n++
			if err != nil {
				werr = err
				break
			}
			if n > 8 {
				break
			}
		}
		check("List", n, werr)

		tr.n.Store(0)
		o := ListOptions{PageSize: 1, Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
		cp := &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: Name,
			Query:    auditclient.Fingerprint(Name, o.filters()),
			Window:   auditclient.Window{Until: o.Until},
			Position: &auditclient.Position{Token: link, Skip: int(skip % 3)}}
		it := c.Events(ctx, &o, cp)
		n = 0
		for it.Next() {
			n++
			if n > 8 {
				break
			}
		}
		werr = it.Err()
		it.Close()
		check("Events", n, werr)
	})
}
