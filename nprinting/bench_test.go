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

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// records, 100 a page (20 round trips), the baseline stepping offsets.
func benchFake(b *testing.B) *audittest.NPrinting {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(2000, 42, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	b.Cleanup(fake.Close)
	return fake
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
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

type plainPage[R any] struct {
	Data struct {
		TotalItems int `json:"totalItems"`
		Items      []R `json:"items"`
	} `json:"data"`
}

// plainWalk steps offsets one page at a time until totalItems, decoding
// records as R.
func plainWalk[R any](b *testing.B) {
	fake := benchFake(b)
	offset := 0
	walktest.PlainWalk(b, 2000, func(p *plainPage[R]) *http.Request {
		if offset += 100; p == nil {
			offset = 0
		} else if offset >= p.Data.TotalItems {
			return nil
		}
		return walktest.Request("GET", fake.URL()+"/api/v1/audit/events?limit=100&offset="+strconv.Itoa(offset), nil, "Authorization", "Bearer "+fake.Token())
	}, func(p *plainPage[R]) int { return len(p.Data.Items) })
}

func BenchmarkWalkList(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchList(b, 2000, func() iter.Seq2[nprinting.AuditEvent, error] {
		return c.Pages(context.Background(), &nprinting.ListOptions{PageSize: 100}).All()
	})
}

func BenchmarkWalkEvents(b *testing.B) {
	c := fakeClient(b, benchFake(b))
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator {
		return c.Events(context.Background(), &nprinting.ListOptions{PageSize: 100}, nil)
	})
}
