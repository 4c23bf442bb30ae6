package automox

import (
	"context"
	"encoding/json"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// FuzzDecodePage: a response body of the events endpoint (a JSON array of
// events, what ListPage decodes) never panics the decoder; every event it
// yields has a time, re-decodes alone from its own JSON with the same uid,
// and ToOCSF gives a valid event that marshals to JSON. Seeds: the
// document's examples, the fixture of vendors.md and generated events.
func FuzzDecodePage(f *testing.F) {
	for _, name := range audittest.AutomoxDocEventNames() {
		f.Add([]byte(audittest.AutomoxDocExamples()[name]))
	}
	f.Add([]byte(audittest.AutomoxDocExamples()["bad_request"]))
	if b, err := os.ReadFile("testdata/fixture_vendors_md.json"); err == nil {
		f.Add(b)
	} else {
		f.Fatal(err)
	}
	gen := audittest.GenerateAutomoxEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC))
	page, _ := json.Marshal(gen)
	f.Add(page)
	for _, s := range []string{"[]", "null", "{}", "[{}]", `[{"time":0}]`, `[{"time":"2024-06-18T00:00:00Z","_id":{"$oid":"x"}}]`,
		`[{"time":1718213009419,"type_uid":"x","metadata":[]}]`, `[null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var events []AuditEvent
		if err := fuzzcheck.Decode(body, &events); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		fuzzcheck.Records(t, events, fuzzcheck.Record[AuditEvent]{
			Time:   func(e AuditEvent) time.Time { return e.Time },
			Raw:    func(e AuditEvent) []byte { return e.Raw },
			UID:    func(e AuditEvent) string { return e.UID() },
			ToOCSF: ToOCSF,
		})
	})
}

// fzTransport answers every request in memory with body and records the
// requests.
type fzTransport struct {
	body string
	mu   sync.Mutex
	reqs []*http.Request
}

func (f *fzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(f.body)),
		ContentLength: int64(len(f.body)), Request: r}, nil
}

// FuzzDayToken: page tokens of a walk over days, "DAY|CURSOR". A token
// that parses is exactly dayToken of what it parses to (one spelling per
// page). A walk resumed from a checkpoint holding any token ends within the
// window's days, asks only for days of its window, sends the token's
// cursor only with the token's day, and errors (or walks) without panic.
func FuzzDayToken(f *testing.F) {
	for _, s := range []string{"", "|", "2024-06-18|", "2024-06-18|6672200dd10935351f936399", "2024-06-17|x|y",
		"2024-06-19|6669d991ba9a2536b8158f17", "2024-6-18|", "2024-06-31|", "0000-01-01|", "9999-12-31|a",
		"2024-06-18T00:00:00Z|", " 2024-06-18|", "2024-06-20|", "2024-06-16|abc", "2024-06-18|a&date=2024-06-01"} {
		f.Add(s, uint8(0))
	}
	f.Add("2024-06-18|6672200dd10935351f936399", uint8(1))
	since := time.Date(2024, 6, 17, 0, 0, 0, 0, time.UTC)
	until := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	days := map[string]bool{"2024-06-17": true, "2024-06-18": true, "2024-06-19": true}
	f.Fuzz(func(t *testing.T, tok string, skip uint8) {
		d, cursor, err := parseDayToken(tok)
		if err == nil {
			if again := dayToken(d, cursor); again != tok {
				t.Fatalf("token %q parses to %s and %q, which is token %q", tok, d, cursor, again)
			}
			if !d.Equal(utcDay(d)) {
				t.Fatalf("token %q parses to %s, not a UTC midnight", tok, d)
			}
		}

		tr := &fzTransport{body: "[]"}
		c, err := NewClient("fz-Key-7c1e5d9a0b", "123e4567-e89b-12d3-a456-426614174000", auditclient.WithBaseURL("http://127.0.0.1:8080/api"),
			auditclient.WithHTTPClient(&http.Client{Transport: tr}), auditclient.WithRateLimit(rate.Inf, 1),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cp := &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: Name,
			Query:    auditclient.Fingerprint(Name, map[string][]string{"org": {"123e4567-e89b-12d3-a456-426614174000"}}),
			Window:   auditclient.Window{Since: since, Until: until},
			Position: &auditclient.Position{Token: tok, Skip: int(skip % 3)}}
		it := c.Events(ctx, &ListOptions{Since: since, Until: until, PageSize: 2, Concurrency: 2}, cp)
		for it.Next() {
			t.Fatalf("an event from empty days: %+v", it.Event())
		}
		werr := it.Err()
		it.Close()
		if werr != nil && strings.Contains(werr.Error(), "fz-Key-7c1e5d9a0b") {
			t.Fatalf("error names the API key: %v", werr)
		}
		tr.mu.Lock()
		defer tr.mu.Unlock()
		if len(tr.reqs) > 6 {
			t.Fatalf("token %q: %d requests for 3 empty days", tok, len(tr.reqs))
		}
		for _, r := range tr.reqs {
			q := r.URL.Query()
			if !days[q.Get("date")] || len(q["date"]) != 1 {
				t.Fatalf("token %q: request for a day outside the window: %s", tok, r.URL)
			}
			if c := q.Get("cursor"); c != "" && (err != nil || c != cursor || q.Get("date") != d.Format(time.DateOnly)) {
				t.Fatalf("token %q: request with cursor %q: %s", tok, c, r.URL)
			}
		}
	})
}
