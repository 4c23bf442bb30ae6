package audittest

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// ciscoPage is the envelope of GET /v1/audit_logs, decoded by hand from the
// document's field list (not from any package of ours).
type ciscoPage struct {
	Version  string `json:"version"`
	Metadata struct {
		Links struct {
			Self string `json:"self"`
			Next string `json:"next"`
		} `json:"links"`
		Results struct {
			Total            int `json:"total"`
			CurrentItemCount int `json:"current_item_count"`
			Index            int `json:"index"`
			ItemsPerPage     int `json:"items_per_page"`
		} `json:"results"`
	} `json:"metadata"`
	Data []json.RawMessage `json:"data"`
}

// ciscoErrBody is Cisco's error envelope.
type ciscoErrBody struct {
	Version string          `json:"version"`
	Data    json.RawMessage `json:"data"`
	Errors  []struct {
		ErrorCode   int      `json:"error_code"`
		Description string   `json:"description"`
		Details     []string `json:"details"`
	} `json:"errors"`
}

// ciscoRecord holds the fields tests filter on.
type ciscoRecord struct {
	Event        string `json:"event"`
	AuditLogType string `json:"audit_log_type"`
	AuditLogID   string `json:"audit_log_id"`
	AuditLogUser string `json:"audit_log_user"`
	CreatedAt    string `json:"created_at"`
}

func decodeRecord(t testing.TB, raw json.RawMessage) ciscoRecord {
	t.Helper()
	var r ciscoRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("record %s: %v", raw, err)
	}
	return r
}

func (r ciscoRecord) time(t testing.TB) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, r.CreatedAt)
	if err != nil {
		t.Fatalf("created_at %q: %v", r.CreatedAt, err)
	}
	return at
}

// fetch sends an authenticated GET to url and returns the response with its
// body read.
func fetch(t testing.TB, c *Cisco, url string) (*http.Response, []byte) {
	t.Helper()
	return fetchAs(t, http.DefaultClient, url, c.ClientID(), c.APIKey())
}

func fetchAs(t testing.TB, client *http.Client, url, id, key string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if id != "" || key != "" {
		req.SetBasicAuth(id, key)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, body
}

// fetchPage GETs url, expects 200 and decodes the page.
func fetchPage(t testing.TB, c *Cisco, url string) (*http.Response, ciscoPage) {
	t.Helper()
	resp, body := fetch(t, c, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s", url, resp.StatusCode, body)
	}
	var p ciscoPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
	return resp, p
}

// walk follows next links from url and returns every record in order.
func walk(t testing.TB, c *Cisco, url string) ([]json.RawMessage, []ciscoPage) {
	t.Helper()
	var all []json.RawMessage
	var pages []ciscoPage
	for url != "" {
		_, p := fetchPage(t, c, url)
		all = append(all, p.Data...)
		pages = append(pages, p)
		if len(pages) > 10000 {
			t.Fatal("too many pages")
		}
		url = p.Metadata.Links.Next
	}
	return all, pages
}

// freshClient returns a client that opens a new connection per request.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// checkDefaultEnd checks that the newest record of a default data set,
// made by a fake started between before and after, is a second before the
// start of the second it started in (see eventsOr).
func checkDefaultEnd(t *testing.T, newest, before, after time.Time) {
	t.Helper()
	lo := before.Truncate(time.Second).Add(-time.Second)
	hi := after.Truncate(time.Second).Add(-time.Second)
	if newest.Before(lo) || newest.After(hi) {
		t.Errorf("newest record at %v, want a second before the second the fake started in, in [%v, %v]", newest, lo, hi)
	}
}
