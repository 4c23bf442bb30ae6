package auditclient

import (
	"context"
	"net/http"
	"testing"
	"time"
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

func TestPacerPauses(t *testing.T) {
	p := NewPacer(PacerConfig{})
	spent := http.Header{"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"30"}}
	p.observe(&http.Response{StatusCode: 503, Header: http.Header{}}, time.Now())
	if st := p.State(); !st.PausedUntil.IsZero() || st.Remaining != -1 {
		t.Fatalf("a 503 without headers changed the state: %+v", st)
	}
	p.observe(&http.Response{StatusCode: 200, Header: http.Header{"X-Rate-Limit-Remaining": {"0"}}}, time.Now())
	if st := p.State(); !st.PausedUntil.IsZero() || !st.Reset.IsZero() {
		t.Fatalf("paused without a reset: %+v", st)
	}
	p.observe(&http.Response{StatusCode: 200, Header: spent}, time.Now())
	st := p.State()
	if d := time.Until(st.Reset); d < 29*time.Second || d > 30*time.Second || st.Remaining != 0 {
		t.Fatalf("state after a spent quota: %+v", st)
	}
	if _, _, err := p.wait(context.Background(), time.Second); err == nil {
		t.Fatal("a 30s pause did not fail fast with maxWait 1s")
	} else if pe, ok := err.(*pauseError); !ok || pe.d < 29*time.Second {
		t.Fatalf("err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if held, paused, err := p.wait(ctx, time.Minute); err != context.Canceled || !held || !paused {
		t.Errorf("wait with a cancelled context: %v held %v paused %v", err, held, paused)
	}
	if st := p.State(); st.Paused != 1 || st.Held != 1 {
		t.Errorf("state %+v", st)
	}
	// A 429's Retry-After pauses every request.
	q := NewPacer(PacerConfig{})
	q.observe(&http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"20"}}}, time.Now())
	if st := q.State(); time.Until(st.PausedUntil) < 19*time.Second || st.RateLimited != 1 {
		t.Errorf("state after a 429: %+v", st)
	}
}

// FuzzPacerObserve: whatever a response's status and rate-limit headers
// say, the pacer neither panics nor blocks longer than it may: a wait
// after it returns at once, or fails fast with a pause over maxWait.
func FuzzPacerObserve(f *testing.F) {
	f.Add(200, "100", "0", "30", "")
	f.Add(429, "", "", "", "")
	f.Add(429, "10", "5", "0.001", "1")
	f.Add(200, "lots", "-1", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(200, "1", "0", "1e-9", "")
	f.Fuzz(func(t *testing.T, status int, limit, remaining, reset, retryAfter string) {
		p := NewPacer(PacerConfig{})
		h := http.Header{"Ratelimit-Limit": {limit}, "Ratelimit-Remaining": {remaining}, "Ratelimit-Reset": {reset}, "Retry-After": {retryAfter}}
		for range 3 {
			p.observe(&http.Response{StatusCode: status, Header: h}, time.Now())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, _, err := p.wait(ctx, 10*time.Millisecond)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("waited %v (err %v) after %d %v", d, err, status, h)
		}
		_ = p.State()
	})
}

// BenchmarkPacerPerRequest: what the pacer costs one request that it does
// not hold back: a slot, the timing, reading the response's headers and
// giving the slot back; without rate-limit headers, with X-RateLimit-*
// announcing plenty, and with the IETF draft's structured header. Compare
// with BenchmarkGetPage's tens of microseconds per request.
func BenchmarkPacerPerRequest(b *testing.B) {
	for _, bc := range []struct {
		name string
		h    http.Header
	}{
		{"no-headers", http.Header{"Content-Type": {"application/json"}}},
		{"x-ratelimit", http.Header{"X-Ratelimit-Limit": {"1000000000"}, "X-Ratelimit-Remaining": {"999999999"}, "X-Ratelimit-Reset": {"3600"}}},
		{"ietf", http.Header{"Ratelimit": {`"default";r=999999999;t=3600`}, "Ratelimit-Policy": {`"default";q=1000000000;w=3600`}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := NewPacer(PacerConfig{})
			resp := &http.Response{StatusCode: 200, Header: bc.h}
			ctx := context.Background()
			b.ReportAllocs()
			for range b.N {
				if _, err := p.acquire(ctx); err != nil {
					b.Fatal(err)
				}
				if held, _, err := p.wait(ctx, time.Minute); err != nil || held {
					b.Fatal(err, held)
				}
				p.observe(resp, time.Now())
				p.release()
			}
		})
	}
}
