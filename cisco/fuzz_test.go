package cisco

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/auditkit/auditkit/ocsf"
)

// fzMarshal is json.Marshal without HTML escaping, which would change
// the bytes of a record's Raw (and so the digest some uids are).
func fzMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// fzDecode decodes a response body the way auditclient does: one JSON value
// through a json.Decoder, and nothing after it.
func fzDecode(body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value: %v", err)
	}
	return nil
}

// fzKnownIssues are failures these targets found that are reported and
// not yet fixed (see the fuzzing notes of issue 8): an entity-management
// record without audit_log_id and item gives an entity_result (and, without
// audit_log_type, an entity) with neither name nor uid; an authentication
// record without audit_log_user and audit_log_id gives an empty user. By
// default they fail like any other; with AUDITKIT_FUZZ_SKIP_KNOWN=1 a
// fuzzing run passes over them to look for others. Remove an entry once
// its fix is in.
var fzKnownIssues = []string{}

func fzKnown(err error) bool {
	if os.Getenv("AUDITKIT_FUZZ_SKIP_KNOWN") == "" {
		return false
	}
	for _, s := range fzKnownIssues {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// fzCheckEvent holds for every event of a record that decoded: it has a
// time (no event built from zero values), it marshals to JSON, the same
// record gives the same event again, and it passes ocsf.Validate (for times
// OCSF's epoch milliseconds can hold comfortably).
func fzCheckEvent(t *testing.T, raw []byte, ev, again ocsf.Event) {
	t.Helper()
	if ev.Time.IsZero() {
		t.Fatalf("event with a zero time from %s", raw)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal event of %s: %v", raw, err)
	}
	if !json.Valid(b) {
		t.Fatalf("event of %s marshals to invalid JSON: %s", raw, b)
	}
	b2, err := json.Marshal(again)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("ToOCSF is not pure for %s:\n%s\n%s", raw, b, b2)
	}
	if y := ev.Time.Year(); y >= 1971 && y <= 9000 {
		if err := ocsf.Validate(ev); err != nil && !fzKnown(err) {
			t.Fatalf("invalid event from %s: %v\n%s", raw, err, b)
		}
	}
}

// FuzzDecodePage: a body of GET /v1/audit_logs never panics the decoder
// (AuditLogPage, what ListPage decodes); every record it yields has a time,
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
		var p AuditLogPage
		if err := fzDecode(body, &p); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		for i := range p.Data {
			a := &p.Data[i]
			if a.CreatedAt.IsZero() {
				t.Fatalf("record %d decoded with a zero time: %s", i, a.Raw)
			}
			b, err := fzMarshal(*a)
			if err != nil {
				t.Fatalf("marshal record %d: %v", i, err)
			}
			var alone AuditLog
			if err := json.Unmarshal(b, &alone); err != nil {
				t.Fatalf("record %d does not decode alone from %s: %v", i, b, err)
			}
			if alone.UID() != a.UID() {
				t.Fatalf("record %d: uid %q, alone %q", i, a.UID(), alone.UID())
			}
			fzCheckEvent(t, a.Raw, ToOCSF(*a), ToOCSF(*a))
		}
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
		for _, err := range c.List(ctx, &ListOptions{Limit: 1}) {
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
		o := ListOptions{Limit: 1, EndTime: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
		cp := &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: Vendor,
			Query:    auditclient.Fingerprint(Vendor, o.filters()),
			Window:   auditclient.Window{Until: o.EndTime},
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
