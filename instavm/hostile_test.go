package instavm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/pagination"
)

// The base URL is the origin (with an optional proxy prefix) and the
// documented path /v1/audit/events is appended; a base URL already ending
// with /v1 is not doubled.
func TestBaseURLIsTheOrigin(t *testing.T) {
	tests := []struct{ base, want string }{
		{"", "https://api.instavm.io/v1/audit/events"}, // DefaultBaseURL
		{"https://api.instavm.io", "https://api.instavm.io/v1/audit/events"},
		{"https://api.instavm.io/", "https://api.instavm.io/v1/audit/events"},
		{"https://api.instavm.io/v1", "https://api.instavm.io/v1/audit/events"},
		{"https://api.instavm.io/v1/", "https://api.instavm.io/v1/audit/events"},
		{"https://api.instavm.io/V1", "https://api.instavm.io/v1/audit/events"},
		{"https://gw.example.com:8443/instavm", "https://gw.example.com:8443/instavm/v1/audit/events"},
		{"https://gw.example.com:8443/instavm/v1", "https://gw.example.com:8443/instavm/v1/audit/events"},
		// A host called v1 is a host; only a whole trailing segment counts.
		{"https://v1", "https://v1/v1/audit/events"},
		{"https://gw.example.com/apiv1", "https://gw.example.com/apiv1/v1/audit/events"},
	}
	for _, tt := range tests {
		mt := httpmock.NewMockTransport()
		var got []string
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			got = append(got, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
			return httpmock.NewStringResponse(200, `{"items":[],"next_cursor":null}`), nil
		})
		opts := []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: mt})}
		if tt.base != "" {
			opts = append(opts, auditclient.WithBaseURL(tt.base))
		}
		c, err := instavm.NewClient(testAPIKey, opts...)
		if err != nil {
			t.Errorf("%q: %v", tt.base, err)
			continue
		}
		if _, err := c.ListPage(context.Background(), nil); err != nil {
			t.Errorf("%q: %v", tt.base, err)
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("base %q: requested %q, want %q", tt.base, got, tt.want)
		}
	}
}

// item is a record of the hostile tests, created i minutes after
// 2025-05-14T08:00:00Z.
func item(i int) string {
	return fmt.Sprintf(`{"id":"aud_%04d","created_at":"2025-05-14T08:%02d:00.000Z","user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c",`+
		`"source":"api","event_group":"vm","event_type":"vm.create","status":"success"}`, i, i)
}

func listBody(next string, items ...string) string {
	cur := "null"
	if next != "" {
		cur = `"` + next + `"`
	}
	return `{"items":[` + strings.Join(items, ",") + `],"next_cursor":` + cur + `}`
}

var (
	since = time.Date(2025, 5, 14, 0, 0, 0, 0, time.UTC)
	until = time.Date(2025, 5, 15, 0, 0, 0, 0, time.UTC)
)

// wantDecodeError checks that err is a permanent *auditclient.DecodeError
// at path naming the vendor and the URL, with no credential in it.
func wantDecodeError(t *testing.T, err error, path string) {
	t.Helper()
	walktest.WantDecodeError(t, err, "instavm", "/v1/audit/events", path, testAPIKey)
}

// A 200 whose body is not the document's PageResponse is a
// permanent DecodeError naming the JSON path, never a page without events,
// and no event is made of it. It is not retried.
func TestHostileBodies(t *testing.T) {
	good := item(1)
	tests := []struct{ name, body, path string }{
		{"empty object", `{}`, "$.items"},
		{"null", `null`, "$"},
		{"empty array", `[]`, "$"},
		{"a string", `"ok"`, "$"},
		{"only next_cursor", `{"next_cursor":null}`, "$.items"},
		{"items null", `{"items":null,"next_cursor":null}`, "$.items"},
		{"items an object", `{"items":{"0":` + good + `},"next_cursor":null}`, "$.items"},
		{"items an object around the array", `{"items":{"data":[` + good + `]},"next_cursor":null}`, "$.items"},
		{"items a string", `{"items":"[]"}`, "$.items"},
		{"next_cursor a number", `{"items":[` + good + `],"next_cursor":5}`, "$.next_cursor"},
		{"next_cursor an object", `{"items":[` + good + `],"next_cursor":{"id":"x"}}`, "$.next_cursor"},
		{"item an empty object", listBody("", good, `{}`), "$.items[1].id"},
		{"item null", listBody("", good, `null`), "$.items[1]"},
		{"item a number", listBody("", `7`), "$.items[0]"},
		{"created_at a number", listBody("", `{"id":"aud_x","created_at":1747210272}`), "$.items[0].created_at"},
		{"created_at missing", listBody("", `{"id":"aud_x","event_type":"vm.create"}`), "$.items[0].created_at"},
		{"created_at not a time", listBody("", `{"id":"aud_x","created_at":"today"}`), "$.items[0].created_at"},
		{"user_id a string", listBody("", strings.Replace(good, `"user_id":4821`, `"user_id":"4821"`, 1)), "$.items[0].user_id"},
		{"latency_ms a string", listBody("", strings.Replace(good, `}`, `,"latency_ms":"fast"}`, 1)), "$.items[0].latency_ms"},
		{"status an object", listBody("", good, strings.Replace(item(2), `"status":"success"`, `"status":{}`, 1)), "$.items[1].status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			var calls atomic.Int64
			mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return httpmock.NewStringResponse(200, tt.body), nil
			})
			c, err := instavm.NewClient(testAPIKey, walktest.FastOptions("", auditclient.WithHTTPClient(&http.Client{Transport: mt}))...)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.ListPage(context.Background(), nil)
			if p != nil {
				t.Errorf("ListPage returned a page: %+v", p)
			}
			wantDecodeError(t, err, tt.path)
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1: a wrong body is not retried", n)
			}
			it := c.Events(context.Background(), &instavm.ListOptions{Since: since, Until: until}, nil)
			defer it.Close()
			if got := walktest.Collect(t, it, -1); len(got) != 0 {
				t.Errorf("Events yielded %d events from a wrong body", len(got))
			}
			wantDecodeError(t, it.Err(), tt.path)
		})
	}
}

// endless is a hand-written server whose pages never end: body returns
// the n-th page of a walk (a request without a cursor starts a walk at 1).
// It returns the server and the count of all requests.
func endless(t *testing.T, body func(n int) string) (*httptest.Server, *atomic.Int64) {
	var total, n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		total.Add(1)
		if r.URL.Query().Get("cursor") == "" {
			n.Store(0)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body(int(n.Add(1))))
	}))
	t.Cleanup(ts.Close)
	return ts, &total
}

// walkBoth walks the server with Pages and with Events (window since-until,
// page size 2) and returns what each yielded (ids) and its error.
func walkBoth(t *testing.T, url string, win [2]time.Time) (list []string, listErr error, events int, eventsErr error) {
	t.Helper()
	c, err := instavm.NewClient(testAPIKey, walktest.FastOptions(url)...)
	if err != nil {
		t.Fatal(err)
	}
	for e, err := range c.Pages(context.Background(), &instavm.ListOptions{PageSize: 2}).All() {
		if err != nil {
			listErr = err
			break
		}
		list = append(list, e.ID)
	}
	it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 2, Since: win[0], Until: win[1]}, nil)
	defer it.Close()
	events = len(walktest.Collect(t, it, -1))
	return list, listErr, events, it.Err()
}

// Walks that would never end end with a typed error in a bounded number of
// requests: a new cursor each time with the same events, or with none
// (MaxStalledPages), the same cursor again (pagination.ErrRepeatedToken),
// also while the first page is topped up. Each event is yielded once.
func TestEndlessWalksEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		page func(n int) string
	}{
		{"same events, new cursor", func(n int) string { return listBody(fmt.Sprintf("c%d", n), item(1), item(2)) }},
		{"empty pages, new cursor", func(n int) string {
			if n == 1 {
				return listBody("c1", item(1), item(2))
			}
			return listBody(fmt.Sprintf("c%d", n))
		}},
		{"one event of the page before, new cursor", func(n int) string {
			if n == 1 {
				return listBody("c1", item(1), item(2))
			}
			return listBody(fmt.Sprintf("c%d", n), item(2))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts, n := endless(t, tt.page)
			list, listErr, events, eventsErr := walkBoth(t, ts.URL, [2]time.Time{since, until})
			requests := n.Load()
			wantDecodeError(t, listErr, "$.next_cursor")
			wantDecodeError(t, eventsErr, "$.next_cursor")
			if !errors.Is(listErr, auditclient.ErrNoProgress) || !errors.Is(eventsErr, auditclient.ErrNoProgress) {
				t.Errorf("errors %v / %v, want auditclient.ErrNoProgress", listErr, eventsErr)
			}
			seen := map[string]bool{}
			for _, id := range list {
				if seen[id] {
					t.Errorf("Pages yielded %s twice (%v)", id, list)
				}
				seen[id] = true
			}
			if len(list) != 2 || events != 2 {
				t.Errorf("Pages yielded %v, Events %d events", list, events)
			}
			// Both walks: the first page, then at most MaxStalledPages+1
			// pages that bring nothing new (one more may be prefetched).
			if max := 2 * (instavm.MaxStalledPages + 3); requests > int64(max) {
				t.Errorf("%d requests for two walks, want at most %d", requests, max)
			}
		})
	}

	// The first page is topped up past events created after Until: a
	// server sending the same too-new events under new cursors, or the same
	// cursor, does not hold the top-up for ever.
	ts, n := endless(t, func(n int) string { return listBody(fmt.Sprintf("c%d", n), item(1), item(2)) })
	_, _, events, err := walkBoth(t, ts.URL, [2]time.Time{since, since.Add(time.Hour)})
	if events != 0 || n.Load() > 2*(instavm.MaxStalledPages+3) {
		t.Errorf("top-up: %d events, %d requests", events, n.Load())
	}
	wantDecodeError(t, err, "$.next_cursor")

	ts, _ = endless(t, func(n int) string { return listBody("same", item(1), item(2)) })
	list, listErr, _, eventsErr := walkBoth(t, ts.URL, [2]time.Time{since, since.Add(time.Hour)})
	if !errors.Is(listErr, pagination.ErrRepeatedToken) || !errors.Is(eventsErr, pagination.ErrRepeatedToken) || len(list) != 2 {
		t.Errorf("a cursor handed out again: Pages %v %v, Events %v", list, listErr, eventsErr)
	}
}

// An empty page that still names a next cursor does not end the walk in
// silence: the cursor is followed and the events after it are yielded.
func TestEmptyPageWithCursorIsFollowed(t *testing.T) {
	ts, _ := endless(t, func(n int) string {
		switch n {
		case 1:
			return listBody("a", item(4), item(3))
		case 2:
			return listBody("b")
		case 3:
			return listBody("c", item(2), item(1))
		}
		return listBody("", item(0))
	})
	list, listErr, events, eventsErr := walkBoth(t, ts.URL, [2]time.Time{since, until})
	if strings.Join(list, ",") != "aud_0004,aud_0003,aud_0002,aud_0001,aud_0000" || listErr != nil || events != 5 || eventsErr != nil {
		t.Errorf("Pages %v (%v), Events %d (%v)", list, listErr, events, eventsErr)
	}
}

// The fake serves hostile forms on request: the second page answered {}
// ends the walk with the DecodeError after the first page's events, under
// the fault mix.
func TestFakeServesHostilePages(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		body       func([]byte) []byte
	}{
		{"empty object", "$.items", func([]byte) []byte { return []byte(`{}`) }},
		{"null", "$", func([]byte) []byte { return []byte(`null`) }},
		{"next_cursor a number", "$.next_cursor", func(b []byte) []byte {
			s := string(b)
			return []byte(s[:strings.LastIndex(s, `"next_cursor":`)] + `"next_cursor":42}`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := audittest.StartInstavm(t, audittest.InstavmOptions{
				Events: audittest.GenerateInstavmEvents(30, 5, dataEnd),
				Faults: walktest.FaultMix(3),
				Rewrite: func(r *http.Request, _ int, body []byte) []byte {
					if r.URL.Query().Get("cursor") != "" {
						return tt.body(body)
					}
					return body
				},
			})
			c := fakeClient(t, fake)
			it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 10}, nil)
			defer it.Close()
			got := walktest.Collect(t, it, -1)
			walktest.Diff(t, got, walktest.CompactAll(t, fake.Events()[:10]))
			wantDecodeError(t, it.Err(), tt.path)
		})
	}
}
