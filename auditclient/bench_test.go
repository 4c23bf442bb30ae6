package auditclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

type benchRecord struct {
	Event         string            `json:"event"`
	AuditLogType  string            `json:"audit_log_type"`
	AuditLogID    string            `json:"audit_log_id"`
	AuditLogUser  string            `json:"audit_log_user"`
	CreatedAt     time.Time         `json:"created_at"`
	OldAttributes map[string]string `json:"old_attributes"`
	NewAttributes map[string]string `json:"new_attributes"`
}

type benchPage struct {
	Data []benchRecord `json:"data"`
}

func benchServer(b *testing.B) *httptest.Server {
	var page benchPage
	for i := 0; i < 100; i++ {
		page.Data = append(page.Data, benchRecord{
			Event: "update", AuditLogType: "Computer", AuditLogID: fmt.Sprintf("7c1e2d3f-4a5b-4c6d-8e9f-%012d", i),
			AuditLogUser: "analyst@example.com", CreatedAt: time.Date(2024, 6, 19, 10, 18, i%60, 0, time.UTC),
			OldAttributes: map[string]string{"state": "requested"}, NewAttributes: map[string]string{"state": "processing"},
		})
	}
	body, _ := json.Marshal(page)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Rate-Limit-Remaining", "2999")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGetPage compares Client.Get of a 100-record page with a plain
// http.Get and json.Decode of the same page (same server, same run).
func BenchmarkGetPage(b *testing.B) {
	srv := benchServer(b)
	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			resp, err := hc.Get(srv.URL + "/v1/audit_logs?limit=100")
			if err != nil {
				b.Fatal(err)
			}
			var p benchPage
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || len(p.Data) != 100 {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body) // so that the connection is reused
			resp.Body.Close()
		}
	})
	b.Run("client", func(b *testing.B) {
		c, err := New(Config{Vendor: "cisco", BaseURL: srv.URL, RateLimit: rate.Inf, Auth: BasicAuth("id", "key"),
			HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var p benchPage
			if _, err := c.Get(ctx, "v1/audit_logs", map[string][]string{"limit": {"100"}}, &p); err != nil || len(p.Data) != 100 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetPageOverhead interleaves the two, alternating which goes
// first, so that machine noise hits both alike, and reports client time /
// baseline time as "x-baseline".
func BenchmarkGetPageOverhead(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	c, err := New(Config{Vendor: "cisco", BaseURL: srv.URL, RateLimit: rate.Inf, Auth: BasicAuth("id", "key"),
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	plain := func() time.Duration {
		t0 := time.Now()
		resp, err := hc.Get(srv.URL + "/v1/audit_logs?limit=100")
		if err != nil {
			b.Fatal(err)
		}
		var p benchPage
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) // so that the connection is reused
		resp.Body.Close()
		return time.Since(t0)
	}
	ours := func() time.Duration {
		t0 := time.Now()
		var p benchPage
		if _, err := c.Get(ctx, "v1/audit_logs", map[string][]string{"limit": {"100"}}, &p); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var base, client time.Duration
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			base += plain()
			client += ours()
		} else {
			client += ours()
			base += plain()
		}
	}
	b.ReportMetric(float64(client)/float64(base), "x-baseline")
}
