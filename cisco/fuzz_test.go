package cisco

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a body of GET /v1/audit_logs never panics the decoder
// (Page, what ListPage decodes); every record it yields has a time,
// re-decodes alone from its own JSON with the same uid, and ToOCSF gives a
// valid event that marshals to JSON (fuzzcheck.Page). Seeds: the
// document's seven examples, the fixture of vendors.md and generated
// records.
func FuzzDecodePage(f *testing.F) {
	for _, b := range audittest.CiscoDocExamples() {
		fuzzcheck.Add(f, b)
	}
	b, err := os.ReadFile("testdata/fixture_vendors_md.json")
	if err != nil {
		f.Fatal(err)
	}
	gen := audittest.GenerateCiscoEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(map[string]any{"version": "v1.2.0", "data": gen})
	fuzzcheck.Add(f, b, page)
	fuzzcheck.Add(f, "{}", "null", "[]", `{"data":null}`, `{"data":[{}]}`, `{"data":[null]}`,
		`{"data":[{"created_at":"2024-06-18T00:00:00Z","audit_log_type":"User","audit_log_id":"u1","event":"update","new_attributes":{"password":true}}]}`,
		`{"metadata":{"links":{"next":7}},"data":[]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Page(t, body, func(p *Page) []AuditLog { return p.Data }, fuzzcheck.Record[AuditLog]{
			Time: func(a AuditLog) time.Time { return a.CreatedAt }, Raw: func(a AuditLog) []byte { return a.Raw },
			UID: (*AuditLog).UID, ToOCSF: ToOCSF,
		})
	})
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
	rec := string(audittest.GenerateCiscoEvents(1, 3, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))[0])
	f.Fuzz(func(t *testing.T, prefix, link string, skip uint8) {
		// Every page carries the next link; a request to another host or
		// with credentials in its URL is a failure (the client must refuse
		// a link to another origin).
		var mu sync.Mutex
		var n int
		var foreign []string
		c, err := NewClient("fz-id", fzKey, append(fuzzcheck.Options(fuzzcheck.Transport(func(r *http.Request) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			if n++; r.URL.Host != "127.0.0.1:8080" || r.URL.User != nil {
				foreign = append(foreign, r.URL.String())
			}
			next, _ := json.Marshal(link)
			return 200, `{"version":"v1.2.0","metadata":{"links":{"self":"x","next":` + string(next) +
				`},"results":{"total":3,"current_item_count":1,"index":0,"items_per_page":1}},"data":[` + rec + `]}`
		})), auditclient.WithBaseURL("http://127.0.0.1:8080/"+prefix))...)
		if err != nil {
			return
		}
		base := c.api.BaseURL().String()
		mu.Lock()
		link = strings.ReplaceAll(link, "BASE", strings.TrimSuffix(base, "/"))
		mu.Unlock()

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
		check := func(what string, items int, err error) {
			t.Helper()
			mu.Lock()
			defer mu.Unlock()
			if n > 4 {
				t.Fatalf("%s: next link %q: %d requests, %d items", what, link, n, items)
			}
			if err != nil && strings.Contains(err.Error(), fzKey) {
				t.Fatalf("%s: error names the API key: %v", what, err)
			}
			if len(foreign) > 0 {
				t.Fatalf("%s: next link %q: requests to another host or with credentials: %q", what, link, foreign)
			}
			n = 0
		}
		items := 0
		var werr error
		for _, err := range c.Pages(ctx, &ListOptions{PageSize: 1}).All() {
			if items++; err != nil || items > 8 {
				werr = err
				break
			}
		}
		check("List", items, werr)

		o := ListOptions{PageSize: 1, Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
		cp := fuzzcheck.Checkpoint(Name, o.filters(), auditclient.Window{Until: o.Until}, link, int(skip%3))
		uids, _, werr := fuzzcheck.Walk(t, c.Events(ctx, &o, cp), 8)
		check("Events", len(uids), werr)
	})
}
