package nprinting_test

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
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
)

// The walk benchmarks read the same 2,000 records from the same fake, 100
// per page (20 round trips on loopback). Compare:
//
//	go test -run '^$' -bench 'Walk' -benchmem ./nprinting/
//
// BenchmarkWalkPlainHTTP is the baseline: a hand-written loop with net/http
// and encoding/json that steps offsets one page at a time until totalItems
// and decodes records as raw JSON; BenchmarkWalkPlainHTTPTyped decodes them
// into a plain struct of the document's fields.
func benchFake(b *testing.B) *audittest.NPrinting {
	b.Helper()
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(2000, 42, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B) { plainWalk[json.RawMessage](b) }

func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainRecord](b) }

type plainRecord struct {
	ID          string          `json:"id"`
	EventTime   time.Time       `json:"eventTime"`
	UserID      *string         `json:"userId"`
	UserName    *string         `json:"userName"`
	IPAddress   *string         `json:"ipAddress"`
	Source      string          `json:"source"`
	Target      string          `json:"target"`
	TargetID    *string         `json:"targetId"`
	TargetName  *string         `json:"targetName"`
	AppID       *string         `json:"appId"`
	Action      string          `json:"action"`
	Description string          `json:"description"`
	Data        json.RawMessage `json:"data"`
	DataType    *string         `json:"dataType"`
}

// plainWalk steps offsets with net/http and encoding/json, decoding records
// as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	hc := &http.Client{}
	for b.Loop() {
		n := 0
		for offset, total := 0, 1; offset < total; offset += 100 {
			req, _ := http.NewRequest("GET", fake.URL()+"/api/v1/audit/events?limit=100&offset="+strconv.Itoa(offset), nil)
			req.Header.Set("Authorization", "Bearer "+fake.Token())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Data struct {
					TotalItems int `json:"totalItems"`
					Items      []R `json:"items"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Data.Items)
			total = page.Data.TotalItems
		}
		if n != 2000 {
			b.Fatalf("%d records", n)
		}
	}
}

func BenchmarkWalkList(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[nprinting.AuditEvent, error] {
		return c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	fake := benchFake(b)
	c := fakeClient(b, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &nprinting.ListOptions{PageSize: 100}, nil)
	})
}
