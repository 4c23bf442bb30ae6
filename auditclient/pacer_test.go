package auditclient_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
)

// mockClient is a client whose requests httpmock answers with responder,
// one attempt per call and no other option.
func mockClient(t *testing.T, responder httpmock.Responder, opts ...auditclient.Option) *auditclient.Client {
	t.Helper()
	tr := httpmock.NewMockTransport()
	tr.RegisterResponder(http.MethodGet, "https://api.example.com/x", responder)
	cfg := auditclient.Config{Vendor: "acme", BaseURL: "https://api.example.com", HTTPClient: &http.Client{Transport: tr},
		Retry: auditclient.RetryPolicy{MaxAttempts: 1}}
	auditclient.ApplyOptions(&cfg, opts...)
	c, err := auditclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRateLimitSpellings: every spelling of the rate-limit headers reaches
// the Response of a call through httpmock, parsed the same; garbage in any
// of them is ignored, alone, and never fails the call.
func TestRateLimitSpellings(t *testing.T) {
	tests := []struct {
		name string
		h    map[string]string
		want auditclient.RateLimitInfo
	}{
		{"none", nil, auditclient.RateLimitInfo{Limit: -1, Remaining: -1}},
		{"Cisco X-Rate-Limit-*", map[string]string{"X-Rate-Limit-Limit": "3000", "X-Rate-Limit-Remaining": "2999", "X-Rate-Limit-Reset": "1200"},
			auditclient.RateLimitInfo{Limit: 3000, Remaining: 2999, Reset: 20 * time.Minute, Known: true}},
		{"X-RateLimit-*", map[string]string{"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59", "X-RateLimit-Reset": "30"},
			auditclient.RateLimitInfo{Limit: 60, Remaining: 59, Reset: 30 * time.Second, Known: true}},
		{"x-ratelimit lower case, fractional reset", map[string]string{"x-ratelimit-limit": "60", "x-ratelimit-remaining": "5.0", "x-ratelimit-reset": "0.25"},
			auditclient.RateLimitInfo{Limit: 60, Remaining: 5, Reset: 250 * time.Millisecond, Known: true}},
		{"IETF RateLimit-*", map[string]string{"RateLimit-Limit": "100", "RateLimit-Remaining": "40", "RateLimit-Reset": "7"},
			auditclient.RateLimitInfo{Limit: 100, Remaining: 40, Reset: 7 * time.Second, Known: true}},
		{"IETF RateLimit-* with a policy", map[string]string{"RateLimit-Limit": "100", "RateLimit-Remaining": "40", "RateLimit-Reset": "7", "RateLimit-Policy": "100;w=60"},
			auditclient.RateLimitInfo{Limit: 100, Remaining: 40, Reset: 7 * time.Second, Window: time.Minute, Known: true}},
		{"IETF combined, older draft", map[string]string{"RateLimit": "limit=100, remaining=50, reset=30"},
			auditclient.RateLimitInfo{Limit: 100, Remaining: 50, Reset: 30 * time.Second, Known: true}},
		{"IETF combined, structured", map[string]string{"RateLimit": `"default";r=50;t=30`, "RateLimit-Policy": `"default";q=100;w=60`},
			auditclient.RateLimitInfo{Limit: 100, Remaining: 50, Reset: 30 * time.Second, Window: time.Minute, Known: true}},
		{"policy alone, several", map[string]string{"RateLimit-Policy": "10;w=1, 1000;w=3600"},
			auditclient.RateLimitInfo{Limit: 10, Remaining: -1, Window: time.Second, Known: true}},
		{"the first spelling wins", map[string]string{"X-Rate-Limit-Remaining": "3", "X-RateLimit-Remaining": "9", "RateLimit-Remaining": "7"},
			auditclient.RateLimitInfo{Limit: -1, Remaining: 3, Known: true}},
		{"a garbled spelling gives way", map[string]string{"X-Rate-Limit-Remaining": "many", "RateLimit-Remaining": "7"},
			auditclient.RateLimitInfo{Limit: -1, Remaining: 7, Known: true}},
		{"garbage everywhere", map[string]string{"X-Rate-Limit-Limit": "lots", "X-RateLimit-Remaining": "-4", "X-RateLimit-Reset": "NaN",
			"RateLimit-Reset": "-1", "RateLimit": "limit=;remaining==;reset=x", "RateLimit-Policy": ";;;w=-5"},
			auditclient.RateLimitInfo{Limit: -1, Remaining: -1}},
		{"infinite and huge", map[string]string{"RateLimit-Reset": "Inf", "RateLimit-Remaining": "1e400", "X-RateLimit-Limit": "99999999999999999999"},
			auditclient.RateLimitInfo{Limit: -1, Remaining: -1}},
		{"a reset of one second", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"},
			auditclient.RateLimitInfo{Limit: -1, Remaining: 0, Reset: time.Second, Known: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.h {
				h.Set(k, v)
			}
			if got := auditclient.ParseRateLimit(h); got != tt.want {
				t.Errorf("ParseRateLimit: %+v, want %+v", got, tt.want)
			}
			c := mockClient(t, func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(200, `{}`)
				resp.Header = h.Clone()
				return resp, nil
			})
			resp, err := c.Get(context.Background(), "x", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.RateLimit != tt.want {
				t.Errorf("Response.RateLimit: %+v, want %+v", resp.RateLimit, tt.want)
			}
		})
	}
}

// TestRetryAfterEverySpelling: a spent quota in any spelling gives the
// wait of its reset; Retry-After wins over all of them.
func TestRetryAfterEverySpelling(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, h := range []http.Header{
		{"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"9"}},
		{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"9"}},
		{"Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"9"}},
		{"Ratelimit": {"limit=5, remaining=0, reset=9"}},
		{"Ratelimit": {`"q";r=0;t=9`}},
		{"Retry-After": {"9"}, "Ratelimit": {`"q";r=0;t=50`}},
	} {
		if d, ok := auditclient.RetryAfter(h, now); !ok || d != 9*time.Second {
			t.Errorf("%v: %v %v, want 9s", h, d, ok)
		}
	}
	if d, ok := auditclient.RetryAfter(http.Header{"Ratelimit": {`"q";r=1;t=9`}}, now); ok {
		t.Errorf("a quota not spent gave a wait of %v", d)
	}
}

// TestPacerSpreadsTheQuota: once less than half of the announced quota
// remains, requests are spread over the time left, not sent at once;
// while more remains they are not held back at all; a spent quota pauses
// until the reset, and the state says so.
func TestPacerSpreadsTheQuota(t *testing.T) {
	var remaining atomic.Int64
	remaining.Store(11)
	var mu sync.Mutex
	var sent []time.Time
	c := mockClient(t, func(*http.Request) (*http.Response, error) {
		mu.Lock()
		sent = append(sent, time.Now())
		mu.Unlock()
		resp := httpmock.NewStringResponse(200, `{}`)
		resp.Header.Set("RateLimit-Limit", "20")
		resp.Header.Set("RateLimit-Remaining", itoa(remaining.Add(-1)))
		resp.Header.Set("RateLimit-Reset", "0.5")
		return resp, nil
	})
	ctx := context.Background()
	start := time.Now()
	// 10 left of 20 after the first: the next ten are spread over ~0.5s.
	for range 11 {
		if _, err := c.Get(ctx, "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	if took < 350*time.Millisecond {
		t.Errorf("11 requests in %v: the last 10 of the quota were not spread over the half second left", took)
	}
	st := c.Pacer().State()
	if st.Limit != 20 || st.Remaining != 0 || st.Reset.IsZero() {
		t.Errorf("state %+v", st)
	}
	// Spread: no two consecutive requests closer than a third of the even gap.
	for i := 2; i < len(sent); i++ {
		if d := sent[i].Sub(sent[i-1]); d < 10*time.Millisecond {
			t.Errorf("requests %d and %d %v apart", i-1, i, d)
		}
	}
	if s := c.Stats(); s.Throttled < 9 {
		t.Errorf("stats %+v: the spread requests are not counted as held back", s)
	}

	// Plenty left: nothing held back.
	remaining.Store(1000)
	c2 := mockClient(t, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{}`)
		resp.Header.Set("X-RateLimit-Limit", "1000")
		resp.Header.Set("X-RateLimit-Remaining", itoa(remaining.Add(-1)))
		resp.Header.Set("X-RateLimit-Reset", "3600")
		return resp, nil
	})
	for range 50 {
		if _, err := c2.Get(ctx, "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if s := c2.Stats(); s.Throttled != 0 {
		t.Errorf("held back %d requests with 95%% of the quota left", s.Throttled)
	}
	if st := c2.Pacer().State(); st.Rate != rate.Inf || st.Remaining != 950 || st.Limit != 1000 {
		t.Errorf("state %+v", st)
	}
}

// TestPacerAIMD: a bare 429 lowers the rate to 70% of the recent
// successes' and halves the requests in flight, once however many follow
// before a success; the rate grows back without 429s.
func TestPacerAIMD(t *testing.T) {
	var bare atomic.Bool
	c := mockClient(t, func(*http.Request) (*http.Response, error) {
		if bare.Load() {
			return httpmock.NewStringResponse(429, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	ctx := context.Background()
	for range 10 {
		if _, err := c.Get(ctx, "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.Pacer().State(); st.Rate != rate.Inf || st.MaxInFlight != auditclient.DefaultMaxInFlight {
		t.Fatalf("state before any 429: %+v", st)
	}
	bare.Store(true)
	var ae *auditclient.RateLimitError
	if _, err := c.Get(ctx, "x", nil, nil); !errors.As(err, &ae) {
		t.Fatalf("err %v", err)
	}
	st := c.Pacer().State()
	// 10 successes within the last second, counted over one second: 7/s.
	if st.Rate < 6.9 || st.Rate > 7.5 || st.MaxInFlight != 1 || st.RateLimited != 1 {
		t.Fatalf("state after a bare 429: %+v", st)
	}
	// More 429s before a success: no further decrease.
	for range 2 {
		_, _ = c.Get(ctx, "x", nil, nil)
	}
	if st2 := c.Pacer().State(); st2.Rate < st.Rate || st2.RateLimited != 3 {
		t.Errorf("state after two more 429s: %+v, before %+v", st2, st)
	}
	// Retry-After is no bare 429: a pause, no decrease.
	p := auditclient.NewPacer(auditclient.PacerConfig{})
	c3 := mockClient(t, func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(429, `{}`)
		r.Header.Set("Retry-After", "30")
		return r, nil
	}, auditclient.WithPacer(p))
	_, _ = c3.Get(ctx, "x", nil, nil)
	if st := p.State(); st.Rate != rate.Inf || st.PausedUntil.IsZero() || st.MaxInFlight != auditclient.DefaultMaxInFlight {
		t.Errorf("state after a 429 with Retry-After: %+v", st)
	}
	// Shared: another client of the pacer fails fast on the pause (over
	// MaxDelay) without sending anything.
	var sent atomic.Int64
	c4 := mockClient(t, func(*http.Request) (*http.Response, error) {
		sent.Add(1)
		return httpmock.NewStringResponse(200, `{}`), nil
	}, auditclient.WithPacer(p), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1, MaxDelay: time.Second}))
	if _, err := c4.Get(ctx, "x", nil, nil); !errors.As(err, &ae) || ae.RetryAfter < 29*time.Second || sent.Load() != 0 {
		t.Errorf("a client sharing the paused pacer: %v, %d sent", err, sent.Load())
	}
}

// TestPacerQuotaCeiling: a quota known in advance is a ceiling shared by
// every client of the pacer: 10 requests a second with a burst of one,
// across two clients.
func TestPacerQuotaCeiling(t *testing.T) {
	p := auditclient.NewPacer(auditclient.PacerConfig{Quota: 10, Window: time.Second})
	ok := func(*http.Request) (*http.Response, error) { return httpmock.NewStringResponse(200, `{}`), nil }
	a, b := mockClient(t, ok, auditclient.WithPacer(p)), mockClient(t, ok, auditclient.WithPacer(p))
	if st := p.State(); st.Rate != 9 {
		t.Errorf("rate %v, want 9 (90%% of the quota)", st.Rate)
	}
	start := time.Now()
	for i := range 6 {
		c := a
		if i%2 == 1 {
			c = b
		}
		if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// one at once, five more at 9 a second
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Errorf("6 requests through a quota of 10/s (burst 1) in %v", took)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
