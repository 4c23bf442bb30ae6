package audittest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// ExampleNewCisco starts the Cisco fake with its default data set (ending
// at Now, or when the fake starts) and reads one page with plain net/http,
// as any client would.
func ExampleNewCisco() {
	c := audittest.NewCisco(audittest.CiscoOptions{Now: time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)})
	defer c.Close()
	req, err := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_logs?limit=2", nil)
	if err != nil {
		panic(err)
	}
	req.SetBasicAuth(c.ClientID(), c.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Metadata struct {
			Links   struct{ Next string }
			Results struct{ Total int }
		}
		Data []struct {
			CreatedAt string `json:"created_at"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		panic(err)
	}
	fmt.Println("status:", resp.StatusCode)
	fmt.Println("total:", page.Metadata.Results.Total)
	fmt.Println("newest:", page.Data[0].CreatedAt)
	fmt.Println("next:", strings.TrimPrefix(page.Metadata.Links.Next, c.URL()))
	// Output:
	// status: 200
	// total: 2000
	// newest: 2024-06-19T12:00:00Z
	// next: /v1/audit_logs?limit=2&offset=2
}

// ExampleFaults scripts a rate limit, then a normal answer: what a client's
// retry logic must get through.
func ExampleFaults() {
	c := audittest.NewCisco(audittest.CiscoOptions{
		BasePath: "/prefix",
		Faults: audittest.Faults{
			Script:     []audittest.Fault{audittest.FaultRateLimit},
			RetryAfter: 30 * time.Second,
		},
	})
	defer c.Close()

	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_logs?limit=1", nil)
		req.SetBasicAuth(c.ClientID(), c.APIKey())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-Ratelimit-Remaining"))
	}
	for _, r := range c.Requests() {
		fmt.Println(r)
	}
	s := c.Stats()
	fmt.Println("requests:", s.Requests, "served:", s.Served, "rate limited:", s.Injected[audittest.FaultRateLimit])
	// Output:
	// 429 30 0
	// 200  2998
	// GET /prefix/v1/audit_logs?limit=1 -> 429 (fault rate_limit)
	// GET /prefix/v1/audit_logs?limit=1 -> 200
	// requests: 2 served: 1 rate limited: 1
}

// ExampleGenerateCiscoEvents builds a small, deterministic data set for a
// fake, here three records ending at a fixed time.
func ExampleGenerateCiscoEvents() {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	for _, raw := range audittest.GenerateCiscoEvents(3, 1, end) {
		var r struct {
			Event        string `json:"event"`
			AuditLogType string `json:"audit_log_type"`
			CreatedAt    string `json:"created_at"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			panic(err)
		}
		fmt.Println(r.CreatedAt, r.AuditLogType, r.Event)
	}
	// Output:
	// 2024-06-19T12:00:00Z User sso_login
	// 2024-06-19T11:59:40Z Agent update
	// 2024-06-19T11:53:24Z FetchedFile create
}

// ExampleCiscoDocExamples decodes one of the document's own responses.
func ExampleCiscoDocExamples() {
	var page struct {
		Metadata struct{ Results struct{ Total int } }
		Data     []struct {
			AuditLogType string `json:"audit_log_type"`
			AuditLogID   string `json:"audit_log_id"`
		}
	}
	if err := json.Unmarshal(audittest.CiscoDocExamples()["by_audit_log_id"], &page); err != nil {
		panic(err)
	}
	fmt.Println(audittest.CiscoDocExampleRequests()["by_audit_log_id"])
	fmt.Println(page.Metadata.Results.Total, page.Data[0].AuditLogType, page.Data[0].AuditLogID)
	// Output:
	// /v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5
	// 1170 ApplicationBlockingList e773a9eb-296c-40df-98d8-bed46322589d
}

// Serve a generated InstaVM audit log and read its first page with plain
// net/http, the API key in X-API-Key.
func ExampleNewInstavm() {
	fake := audittest.NewInstavm(audittest.InstavmOptions{
		Events: audittest.GenerateInstavmEvents(3, 1, time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	req, _ := http.NewRequest("GET", fake.URL()+"/v1/audit/events?limit=2", nil)
	req.Header.Set("X-API-Key", fake.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items      []json.RawMessage
		NextCursor *string `json:"next_cursor"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.StatusCode, len(page.Items), "events, more:", page.NextCursor != nil)
	// Output: 200 2 events, more: true
}

// Generated events have every field of the document's schema.
func ExampleGenerateInstavmEvents() {
	evs := audittest.GenerateInstavmEvents(1, 1, time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC))
	var e map[string]any
	_ = json.Unmarshal(evs[0], &e)
	fmt.Println(len(e), "fields; created_at", e["created_at"])
	// Output: 26 fields; created_at 2025-05-14T12:00:00Z
}
