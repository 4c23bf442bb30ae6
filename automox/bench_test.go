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

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// events over ten UTC days, 100 a page, the baseline reading the days one
// after the other.
func benchFake(b *testing.B) *audittest.Automox {
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(2000, 42, dataEnd)})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
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

// plainWalk reads every day of the window, one request at a time,
// following the cursor within each day (the last event's id, decoded
// generically), and decodes each event as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	var day time.Time
	walktest.PlainWalk(b, 2000, func(p *[]json.RawMessage) *http.Request {
		cursor := ""
		switch {
		case p == nil:
			day = window.Since
		case len(*p) < 100:
			day = day.Add(24 * time.Hour)
		default:
			var last struct {
				OID json.RawMessage `json:"_id"`
				ID  string          `json:"id"`
			}
			_ = json.Unmarshal((*p)[len(*p)-1], &last)
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
		if day.After(window.Until) {
			return nil
		}
		u := fake.URL() + "/api/audit-service/v1/orgs/" + fake.OrgUUID() + "/events?limit=100&date=" + day.Format(time.DateOnly)
		if cursor != "" {
			u += "&cursor=" + cursor
		}
		return walktest.Request("GET", u, nil, "Authorization", "Bearer "+fake.APIKey())
	}, func(p *[]json.RawMessage) int {
		for _, raw := range *p {
			var r R
			if err := json.Unmarshal(raw, &r); err != nil {
				b.Fatal(err)
			}
		}
		return len(*p)
	})
}

func BenchmarkWalkList(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchList(b, 2000, func() iter.Seq2[automox.AuditEvent, error] { return c.Pages(context.Background(), opts(100)).All() })
}

// BenchmarkWalkListSequential is List one day at a time, to show what
// fetching days at once brings.
func BenchmarkWalkListSequential(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	o := opts(100)
	o.Concurrency = 1
	walktest.BenchList(b, 2000, func() iter.Seq2[automox.AuditEvent, error] { return c.Pages(context.Background(), o).All() })
}

func BenchmarkWalkEvents(b *testing.B) {
	c := fakeClient(b, benchFake(b))
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
