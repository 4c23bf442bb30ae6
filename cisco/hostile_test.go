package cisco_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/cisco"
)

const listURL = "https://api.amp.cisco.com/v1/audit_logs"

// rec is a well-formed record, different for each n, created n seconds
// after 2022-03-18T11:40:00Z.
func rec(n int) string {
	at := time.Date(2022, 3, 18, 11, 40, n, 0, time.UTC).Format(time.RFC3339)
	return `{"event":"update","audit_log_type":"Computer","audit_log_id":"16db5cf986eec6f44422","audit_log_user":"admin@example.com",` +
		`"created_at":"` + at + `","old_attributes":{"name":null},"new_attributes":{"name":"Demo_` + strconv.Itoa(n) + `"}}`
}

// page is an audit_logs page of the document's shape at offset with the
// given records (JSON, comma-separated), total, and next link ("" for none).
func page(offset, total int, next string, records ...string) string {
	links := `{"self":"` + listURL + `?limit=2&offset=` + strconv.Itoa(offset) + `"`
	if next != "" {
		links += `,"next":"` + next + `"`
	}
	links += "}"
	return `{"version":"v1.2.0","metadata":{"links":` + links + `,"results":{"total":` + strconv.Itoa(total) +
		`,"current_item_count":` + strconv.Itoa(len(records)) + `,"index":` + strconv.Itoa(offset) + `,"items_per_page":2}},"data":[` +
		strings.Join(records, ",") + `]}`
}

// nextAt is the next link of the page before offset.
func nextAt(offset int) string { return listURL + "?limit=2&offset=" + strconv.Itoa(offset) }

// Byte-identical twins that straddle a page boundary while the total holds
// are both records, both kept. (Records shifted by an arrival, which are
// not, are a row of internal/hostile's TestScriptedWalks.)
func TestTwinsAtAPageBoundaryKept(t *testing.T) {
	c, mt := mocked(t)
	pages := map[int]string{0: page(0, 4, nextAt(2), rec(9), rec(8)), 2: page(2, 4, "", rec(8), rec(7))}
	mt.RegisterResponder("GET", listURL, func(r *http.Request) (*http.Response, error) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		return httpmock.NewStringResponse(200, pages[off]), nil
	})
	var got []string
	for a, err := range c.Pages(context.Background(), &cisco.ListOptions{PageSize: 2}).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.NewAttributes["name"].(string))
	}
	if strings.Join(got, ",") != "Demo_9,Demo_8,Demo_8,Demo_7" {
		t.Errorf("twins at a page boundary: %v", got)
	}
}

// The window is half-open, [Since, Until): end_time is the last whole
// second before Until, so --until 2025-06-02T00:00:00Z sends
// end_time=2025-06-01T23:59:59+00:00; a zero Until is pinned to the start
// of the second the walk starts in. Exact requests, through httpmock.
func TestEndTimeIsTheLastSecondBefore(t *testing.T) {
	since := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		until time.Time
		now   time.Time
		want  string
	}{
		{"until at midnight", time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), time.Time{}, "end_time=2025-06-01T23%3A59%3A59%2B00%3A00&limit=500&start_time=2025-06-01T00%3A00%3A00%2B00%3A00"},
		{"until with a fraction", time.Date(2025, 6, 2, 12, 0, 5, 300e6, time.UTC), time.Time{}, "end_time=2025-06-02T12%3A00%3A05%2B00%3A00&limit=500&start_time=2025-06-01T00%3A00%3A00%2B00%3A00"},
		{"until in another zone", time.Date(2025, 6, 2, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600)), time.Time{}, "end_time=2025-06-01T23%3A59%3A59%2B00%3A00&limit=500&start_time=2025-06-01T00%3A00%3A00%2B00%3A00"},
		{"zero until: the walk started at 12:00:05.3", time.Time{}, time.Date(2025, 6, 2, 12, 0, 5, 300e6, time.UTC), "end_time=2025-06-02T12%3A00%3A04%2B00%3A00&limit=500&start_time=2025-06-01T00%3A00%3A00%2B00%3A00"},
		{"zero until: the walk started on a whole second", time.Time{}, time.Date(2025, 6, 2, 12, 0, 5, 0, time.UTC), "end_time=2025-06-02T12%3A00%3A04%2B00%3A00&limit=500&start_time=2025-06-01T00%3A00%3A00%2B00%3A00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mocked(t)
			if !tt.now.IsZero() {
				cisco.SetNow(c, func() time.Time { return tt.now })
			}
			var got []string
			mt.RegisterResponder("GET", listURL, func(r *http.Request) (*http.Response, error) {
				got = append(got, r.URL.RawQuery)
				return httpmock.NewStringResponse(200, page(0, 0, "")), nil
			})
			it := c.Events(context.Background(), &cisco.ListOptions{Since: since, Until: tt.until}, nil)
			for _, err := range it.All() {
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("requests %q, want [%q]", got, tt.want)
			}
		})
	}
	if e := cisco.EndTimeFor(time.Time{}); !e.IsZero() {
		t.Errorf("EndTimeFor(zero) = %v", e)
	}
}
