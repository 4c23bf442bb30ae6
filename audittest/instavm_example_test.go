package audittest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

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
		Items      []json.RawMessage `json:"items"`
		NextCursor *string           `json:"next_cursor"`
	}
	body, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(body, &page)
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
