package cisco_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
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

// hostileWalk walks a window with pages of 2 against a server that answers
// the request for offset with respond(offset), with retries on; it returns
// the events yielded, the error and the number of requests.
func hostileWalk(t *testing.T, respond func(offset int) string) ([]ocsf.Event, error, int) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	n := 0
	mt.RegisterResponder("GET", listURL, func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		stop := n > 50
		mu.Unlock()
		if stop {
			return httpmock.NewStringResponse(410, `{"errors":[{"error_code":410,"description":"Gone","details":["the walk did not stop"]}]}`), nil
		}
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		return httpmock.NewStringResponse(200, respond(off)), nil
	})
	c, err := cisco.NewClient(testClientID, testAPIKey, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &cisco.ListOptions{Since: time.Date(2022, 3, 18, 0, 0, 0, 0, time.UTC), Until: time.Date(2022, 3, 19, 0, 0, 0, 0, time.UTC), PageSize: 2}, nil)
	defer it.Close()
	var evs []ocsf.Event
	for it.Next() {
		evs = append(evs, it.Event())
	}
	mu.Lock()
	defer mu.Unlock()
	return evs, it.Err(), n
}

// checkDecodeError asserts that err is a permanent *auditclient.DecodeError
// at path, with no event built from zero values among evs.
func checkDecodeError(t *testing.T, evs []ocsf.Event, err error, path string) {
	t.Helper()
	var de *auditclient.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, auditclient.ErrMalformedResponse) {
		t.Fatalf("err = %v (%T), want a *auditclient.DecodeError", err, err)
	}
	if de.Path != path || de.Vendor != cisco.Name || !strings.Contains(de.URL, "/v1/audit_logs") {
		t.Errorf("DecodeError path %q vendor %q URL %q; want path %q", de.Path, de.Vendor, de.URL, path)
	}
	for _, s := range []string{testClientID, testAPIKey} {
		if strings.Contains(walktest.FmtAll(err), s) {
			t.Errorf("a credential in the error: %v", err)
		}
	}
	for _, ev := range evs {
		if ev.Time.IsZero() || ev.Metadata.UID == "" {
			t.Errorf("an event built from zero values: %+v", ev)
		}
	}
}

// A 2xx body that is not the document's envelope is a permanent
// *auditclient.DecodeError naming the JSON path: never "0 events, no
// error", never a panic, never an event from zero values, not retried.
func TestHostileBodies(t *testing.T) {
	good := page(0, 2, "", rec(1), rec(2))
	for _, tt := range []struct {
		name, body, path string
	}{
		{"empty object", `{}`, "$.metadata"},
		{"null", `null`, "$"},
		{"an array", `[]`, "$"},
		{"a string", `"ok"`, "$"},
		{"no metadata", `{"version":"v1.2.0","data":[` + rec(1) + `]}`, "$.metadata"},
		{"no links", strings.Replace(good, `"links":{"self":"`+listURL+`?limit=2&offset=0"},`, ``, 1), "$.metadata.links"},
		{"no results", `{"version":"v1.2.0","metadata":{"links":{"self":"x"}},"data":[]}`, "$.metadata.results"},
		{"no total", strings.Replace(good, `"total":2,`, ``, 1), "$.metadata.results.total"},
		{"no data", `{"version":"v1.2.0","metadata":{"links":{"self":"x"},"results":{"total":0}}}`, "$.data"},
		{"an object where data's array belongs", strings.Replace(good, `"data":[`, `"data":{"items":[`, 1) + "}", "$.data"},
		{"null where data's array belongs", strings.Replace(good, `"data":[`+rec(1)+`,`+rec(2)+`]`, `"data":null`, 1), "$.data"},
		{"a string where the total belongs", strings.Replace(good, `"total":2`, `"total":"two"`, 1), "$.metadata.results.total"},
		{"a negative total", strings.Replace(good, `"total":2`, `"total":-1`, 1), "$.metadata.results.total"},
		{"a string where the index belongs", strings.Replace(good, `"index":0`, `"index":"0"`, 1), "$.metadata.results.index"},
		{"a number where the next link belongs", strings.Replace(good, `?limit=2&offset=0"}`, `?limit=2&offset=0","next":500}`, 1), "$.metadata.links.next"},
		{"a number where a record belongs", strings.Replace(good, `"data":[`, `"data":[7,`, 1), "$.data[0]"},
		{"a record without created_at", strings.Replace(good, `"created_at":"2022-03-18T11:40:02Z",`, ``, 1), "$.data[1].created_at"},
		{"a number where created_at belongs", strings.Replace(good, `"2022-03-18T11:40:02Z"`, `1647603602`, 1), "$.data[1].created_at"},
		{"a string that is no time", strings.Replace(good, `"2022-03-18T11:40:02Z"`, `"yesterday at noon"`, 1), "$.data[1].created_at"},
		{"an array where old_attributes belongs", strings.Replace(good, `"old_attributes":{"name":null}`, `"old_attributes":[1]`, 1), "$.data[0].old_attributes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body == good {
				t.Fatal("the test's replacement did not apply")
			}
			evs, err, n := hostileWalk(t, func(int) string { return tt.body })
			checkDecodeError(t, evs, err, tt.path)
			if len(evs) != 0 {
				t.Errorf("%d events yielded from a wrong body", len(evs))
			}
			if n != 1 {
				t.Errorf("%d requests: a wrong body is permanent, not retried", n)
			}
		})
	}
	// The document's empty answer is no error.
	evs, err, n := hostileWalk(t, func(int) string { return page(0, 0, "") })
	if err != nil || len(evs) != 0 || n != 1 {
		t.Errorf("an empty result: %d events, %v, %d requests", len(evs), err, n)
	}
}

// A page that contradicts what the walk knows ends it with a
// *auditclient.DecodeError, after the events of the pages before, in
// bounded requests: no walk cut short in silence, none that never ends.
func TestContradictingPages(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pages    map[int]string // offset → body
		path     string
		events   int // yielded before the error
		requests int
	}{
		{"an empty page with a next link", map[int]string{
			0: page(0, 1000, nextAt(2), rec(1), rec(2)),
			2: page(2, 1000, nextAt(4)),
		}, "$.metadata.links.next", 2, 2},
		{"an empty page before the total", map[int]string{
			0: page(0, 1000, nextAt(2), rec(1), rec(2)),
			2: page(2, 1000, ""),
		}, "$.data", 2, 2},
		{"an empty page, the total gone", map[int]string{
			0: page(0, 1000, nextAt(2), rec(1), rec(2)),
			2: page(2, 0, ""),
		}, "$.data", 2, 2},
		{"an empty object after total 1000", map[int]string{
			0: page(0, 1000, nextAt(2), rec(1), rec(2)),
			2: `{}`,
		}, "$.metadata", 2, 2},
		{"a next link to the same offset", map[int]string{
			0: page(0, 1000, nextAt(0), rec(1), rec(2)),
		}, "$.metadata.links.next", 0, 1},
		{"a next link backwards", map[int]string{
			0: page(0, 1000, nextAt(2), rec(1), rec(2)),
			2: page(2, 1000, nextAt(1), rec(3), rec(4)),
		}, "$.metadata.links.next", 2, 2},
		{"a next link past the total", map[int]string{
			0: page(0, 4, nextAt(5), rec(1), rec(2)),
		}, "$.metadata.links.next", 0, 1},
		{"a next link without a readable offset", map[int]string{
			0: page(0, 4, listURL+"?limit=2&offset=two", rec(1), rec(2)),
		}, "$.metadata.links.next", 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evs, err, n := hostileWalk(t, func(off int) string {
				if b, ok := tt.pages[off]; ok {
					return b
				}
				return `{"errors":[{"error_code":400,"description":"unexpected offset ` + strconv.Itoa(off) + `"}]}`
			})
			checkDecodeError(t, evs, err, tt.path)
			if len(evs) != tt.events || n != tt.requests {
				t.Errorf("%d events, %d requests; want %d, %d", len(evs), n, tt.events, tt.requests)
			}
		})
	}
}

// A full last page may link to the empty page at the total: that ends the
// walk, with every record.
func TestNextLinkToTheTotalEnds(t *testing.T) {
	evs, err, n := hostileWalk(t, func(off int) string {
		switch off {
		case 0:
			return page(0, 4, nextAt(2), rec(1), rec(2))
		case 2:
			return page(2, 4, nextAt(4), rec(3), rec(4))
		}
		return page(off, 4, "")
	})
	if err != nil || len(evs) != 4 || n != 3 {
		t.Errorf("%d events, %v, %d requests; want 4, nil, 3", len(evs), err, n)
	}
}

// A server that hands a new next link each time with the same records, or
// with empty pages, forever, is stopped at the second page.
func TestEndlessWalksEnd(t *testing.T) {
	for _, empty := range []bool{false, true} {
		evs, err, n := hostileWalk(t, func(off int) string {
			if empty && off > 0 {
				return page(off, 1000, nextAt(off+2))
			}
			return page(off, 1_000_000_000, nextAt(off+2), rec(1), rec(2))
		})
		path := "$.data"
		if empty {
			path = "$.metadata.links.next"
		}
		checkDecodeError(t, evs, err, path)
		if len(evs) != 2 || n != 2 {
			t.Errorf("empty %v: %d events, %d requests; want 2, 2", empty, len(evs), n)
		}
	}
}

// Records the offsets pushed from one page into the next (the total grew:
// records arrived at the head, newest first) are dropped; byte-identical
// twins that happen to straddle a page boundary while the total holds are
// both kept.
func TestShiftedRecordsDroppedTwinsKept(t *testing.T) {
	list := func(t *testing.T, pages map[int]string) []string {
		t.Helper()
		c, mt := mocked(t)
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
		return got
	}
	// One record arrived after the first page: the second page starts with
	// the first page's last record, and the total is one higher.
	got := list(t, map[int]string{
		0: page(0, 5, nextAt(2), rec(9), rec(8)),
		2: page(2, 6, nextAt(4), rec(8), rec(7)),
		4: page(4, 6, "", rec(6), rec(5)),
	})
	if strings.Join(got, ",") != "Demo_9,Demo_8,Demo_7,Demo_6,Demo_5" {
		t.Errorf("shifted by one arrival: %v", got)
	}
	// Twins at a boundary, the total unchanged: both are records.
	got = list(t, map[int]string{
		0: page(0, 4, nextAt(2), rec(9), rec(8)),
		2: page(2, 4, "", rec(8), rec(7)),
	})
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
