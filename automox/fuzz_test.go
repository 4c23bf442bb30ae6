package automox

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a response body of the events endpoint (a JSON array of
// events, what ListPage decodes) never panics the decoder; every event it
// yields has a time, re-decodes alone from its own JSON with the same uid,
// and ToOCSF gives a valid event that marshals to JSON (fuzzcheck.Page).
// Seeds: the document's examples, the fixture of vendors.md and generated
// events.
func FuzzDecodePage(f *testing.F) {
	ex := audittest.AutomoxDocExamples()
	for _, name := range append(audittest.AutomoxDocEventNames(), "bad_request") {
		fuzzcheck.Add(f, ex[name])
	}
	b, err := os.ReadFile("testdata/fixture_vendors_md.json")
	if err != nil {
		f.Fatal(err)
	}
	page, _ := json.Marshal(audittest.GenerateAutomoxEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC)))
	fuzzcheck.Add(f, b, page)
	fuzzcheck.Add(f, "[]", "null", "{}", "[{}]", `[{"time":0}]`, `[{"time":"2024-06-18T00:00:00Z","_id":{"$oid":"x"}}]`,
		`[{"time":1718213009419,"type_uid":"x","metadata":[]}]`, `[null]`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Page(t, body, func(p *[]AuditEvent) []AuditEvent { return *p }, fuzzcheck.Record[AuditEvent]{
			Time: func(e AuditEvent) time.Time { return e.Time }, Raw: func(e AuditEvent) []byte { return e.Raw },
			UID: (*AuditEvent).UID, ToOCSF: ToOCSF,
		})
	})
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
	w := auditclient.Window{Since: time.Date(2024, 6, 17, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)}
	days := map[string]bool{"2024-06-17": true, "2024-06-18": true, "2024-06-19": true}
	const org = "123e4567-e89b-12d3-a456-426614174000"
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
		var mu sync.Mutex
		var reqs []*http.Request
		c, cerr := NewClient("fz-Key-7c1e5d9a0b", org, append(fuzzcheck.Options(fuzzcheck.Transport(func(r *http.Request) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			reqs = append(reqs, r)
			return 200, "[]"
		})), auditclient.WithBaseURL("http://127.0.0.1:8080/api"))...)
		if cerr != nil {
			t.Fatal(cerr)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cp := fuzzcheck.Checkpoint(Name, map[string][]string{"org": {org}}, w, tok, int(skip%3))
		if uids, _, _ := fuzzcheck.Walk(t, c.Events(ctx, &ListOptions{Since: w.Since, Until: w.Until, PageSize: 2, Concurrency: 2}, cp), 0, "fz-Key-7c1e5d9a0b"); len(uids) > 0 {
			t.Fatalf("an event from empty days: %s", uids[0])
		}
		mu.Lock()
		defer mu.Unlock()
		if len(reqs) > 6 {
			t.Fatalf("token %q: %d requests for 3 empty days", tok, len(reqs))
		}
		for _, r := range reqs {
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
