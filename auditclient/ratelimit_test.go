package auditclient

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		h    map[string]string
		want RateLimitInfo
	}{
		{nil, RateLimitInfo{Limit: -1, Remaining: -1}},
		{map[string]string{"X-Rate-Limit-Limit": "3000", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1200"},
			RateLimitInfo{Limit: 3000, Remaining: 0, Reset: 20 * time.Minute, Known: true}},
		{map[string]string{"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59", "X-RateLimit-Reset": "30"},
			RateLimitInfo{Limit: 60, Remaining: 59, Reset: 30 * time.Second, Known: true}},
		{map[string]string{"x-ratelimit-remaining": "7"}, RateLimitInfo{Limit: -1, Remaining: 7, Known: true}},
		{map[string]string{"X-Rate-Limit-Remaining": "0.0"}, RateLimitInfo{Limit: -1, Remaining: 0, Known: true}},
		{map[string]string{"X-Rate-Limit-Limit": "lots", "X-Rate-Limit-Reset": "-3"}, RateLimitInfo{Limit: -1, Remaining: -1}},
	}
	for i, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		if got := ParseRateLimit(h); got != tt.want {
			t.Errorf("%d: got %+v, want %+v", i, got, tt.want)
		}
	}
}

func TestThrottleObserve(t *testing.T) {
	th := &throttle{vendor: "v", lim: rate.NewLimiter(rate.Inf, 1), maxWait: time.Minute, stats: new(counters)}
	spent := http.Header{"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"30"}}
	th.observe(&http.Response{StatusCode: 429, Header: spent})
	th.observe(&http.Response{StatusCode: 503, Header: spent})
	if !th.until.IsZero() {
		t.Fatal("a failed response started a pause: 429s belong to the retry loop")
	}
	th.observe(&http.Response{StatusCode: 200, Header: http.Header{"X-Rate-Limit-Remaining": {"1"}, "X-Rate-Limit-Reset": {"30"}}})
	th.observe(&http.Response{StatusCode: 200, Header: http.Header{"X-Rate-Limit-Remaining": {"0"}}})
	if !th.until.IsZero() {
		t.Fatal("paused without a spent quota and a reset")
	}
	th.observe(&http.Response{StatusCode: 200, Header: spent})
	if d := time.Until(th.until); d < 29*time.Second || d > 30*time.Second {
		t.Fatalf("pause %v", d)
	}
	// a shorter reset does not shorten the pause
	th.observe(&http.Response{StatusCode: 200, Header: http.Header{"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"1"}}})
	if d := time.Until(th.until); d < 29*time.Second {
		t.Fatalf("pause shortened to %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := th.wait(ctx); err != context.Canceled {
		t.Errorf("wait with a cancelled context: %v", err)
	}
	if th.stats.paused.Load() != 1 {
		t.Errorf("paused %d", th.stats.paused.Load())
	}
}
