package automox_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/walktest"
)

// The walk benchmarks read the same 2,000 events, spread over ten UTC days,
// from the same fake, 100 per page. Compare:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./automox/
//
// BenchmarkWalkPlainHTTP is the baseline: a hand-written loop with net/http
// and encoding/json that reads the days one after the other, following the
// cursor within each day, and decodes events as raw JSON.
func benchFake(b *testing.B) *audittest.Automox {
	b.Helper()
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(2000, 42, dataEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B) { plainWalk[json.RawMessage](b) }

// BenchmarkWalkPlainHTTPTyped is the same loop decoding each event into a
// plain struct of the document's top-level fields: the work a hand-written
// client would do.
func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainEvent](b) }

type plainEvent struct {
	OID        json.RawMessage `json:"_id"`
	ID         string          `json:"id"`
	Activity   string          `json:"activity"`
	ActivityID int             `json:"activity_id"`
	ClassUID   int             `json:"class_uid"`
	Message    string          `json:"message"`
	Metadata   map[string]any  `json:"metadata"`
	StatusCode json.RawMessage `json:"status_code"`
	Time       json.RawMessage `json:"time"`
	TypeUID    int             `json:"type_uid"`
	Actor      map[string]any  `json:"actor"`
	User       map[string]any  `json:"user"`
	Entity     map[string]any  `json:"entity"`
}

// plainWalk reads every day of the window, one request at a time, with
// net/http and encoding/json, decoding events as R. The cursor is taken
// from the last event decoded generically.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	hc := &http.Client{}
	for b.Loop() {
		n := 0
		for d := window.Since; !d.After(window.Until); d = d.Add(24 * time.Hour) {
			cursor := ""
			for {
				u := fake.URL() + "/api/audit-service/v1/orgs/" + fake.OrgUUID() + "/events?limit=100&date=" + d.Format(time.DateOnly)
				if cursor != "" {
					u += "&cursor=" + cursor
				}
				req, _ := http.NewRequest("GET", u, nil)
				req.Header.Set("Authorization", "Bearer "+fake.APIKey())
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page []json.RawMessage
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				for _, raw := range page {
					var r R
					if err := json.Unmarshal(raw, &r); err != nil {
						b.Fatal(err)
					}
				}
				n += len(page)
				if len(page) < 100 {
					break
				}
				var last struct {
					OID json.RawMessage `json:"_id"`
					ID  string          `json:"id"`
				}
				_ = json.Unmarshal(page[len(page)-1], &last)
				cursor = last.ID
				var oid struct {
					OID string `json:"$oid"`
				}
				if json.Unmarshal(last.OID, &oid) == nil && oid.OID != "" {
					cursor = oid.OID
				} else if s, err := strconv.Unquote(string(last.OID)); err == nil {
					cursor = s
				}
			}
		}
		if n != 2000 {
			b.Fatalf("%d events", n)
		}
	}
}

func BenchmarkWalkList(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[automox.AuditEvent, error] { return c.Pages(context.Background(), opts(100)).All() })
}

// BenchmarkWalkListSequential is List one day at a time, to show what
// fetching days at once brings.
func BenchmarkWalkListSequential(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	o := opts(100)
	o.Concurrency = 1
	walktest.BenchList(b, 2000, func() iter.Seq2[automox.AuditEvent, error] { return c.Pages(context.Background(), o).All() })
}

func BenchmarkWalkEvents(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator { return c.Events(context.Background(), opts(100), nil) })
}

// BenchmarkToOCSF is the repair of one event, on its own.
func BenchmarkToOCSF(b *testing.B) {
	raws := audittest.GenerateAutomoxEvents(200, 1, dataEnd)
	evs := make([]automox.AuditEvent, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal(r, &evs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		automox.ToOCSF(evs[i%len(evs)])
	}
}
