package auditclient

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the client-side rate limit.
const (
	DefaultRateLimit rate.Limit = 10 // requests per second
	DefaultBurst                = 10
)

// RateLimitInfo is what a response's rate-limit headers say:
// X-Rate-Limit-Limit, -Remaining and -Reset (Cisco), or the X-RateLimit-*
// spelling. Reset is the time until the window resets (the header counts
// seconds to wait, not an epoch).
type RateLimitInfo struct {
	Limit     int           // requests per window; -1 if absent
	Remaining int           // requests left in the window; -1 if absent
	Reset     time.Duration // time until the window resets; 0 if absent
	Known     bool          // whether any of the headers was present
}

// ParseRateLimit reads the rate-limit headers of a response. Both spellings
// are read (X-Rate-Limit-Limit and X-RateLimit-Limit, and so on); absent or
// garbled values leave Limit and Remaining at -1 and Reset at 0.
func ParseRateLimit(h http.Header) RateLimitInfo {
	info := RateLimitInfo{Limit: -1, Remaining: -1}
	if n, ok := headerInt(h, "X-Rate-Limit-Limit", "X-Ratelimit-Limit"); ok {
		info.Limit, info.Known = n, true
	}
	if n, ok := headerInt(h, "X-Rate-Limit-Remaining", "X-Ratelimit-Remaining"); ok {
		info.Remaining, info.Known = n, true
	}
	if d, ok := parseReset(h, time.Now()); ok {
		info.Reset, info.Known = d, true
	}
	return info
}

// throttle holds requests back before they are sent: while the server's
// quota is spent (a 2xx said Remaining: 0), then by the client-side limiter.
// It never looks at 429 responses: those belong to the retry loop, so the
// two never add up.
type throttle struct {
	vendor  string
	lim     *rate.Limiter
	maxWait time.Duration // a longer quota pause fails fast
	stats   *counters

	mu    sync.Mutex
	until time.Time     // quota pause deadline
	info  RateLimitInfo // the response that set it
}

// wait blocks until a request may be sent, or returns ctx's error, or a
// *RateLimitError when the quota pause is longer than maxWait.
func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	until, info := t.until, t.info
	t.mu.Unlock()
	if d := time.Until(until); d > 0 {
		if d > t.maxWait {
			return &RateLimitError{Vendor: t.vendor, RetryAfter: d, Limit: info.Limit, Remaining: info.Remaining, Reset: info.Reset, MaxDelay: t.maxWait}
		}
		t.stats.throttled.Add(1)
		t.stats.paused.Add(1)
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
	r := t.lim.Reserve()
	if !r.OK() { // cannot happen with Burst >= 1, checked by New
		return context.DeadlineExceeded
	}
	if d := r.Delay(); d > 0 {
		t.stats.throttled.Add(1)
		if err := sleepCtx(ctx, d); err != nil {
			r.Cancel()
			return err
		}
	}
	return nil
}

// observe starts a quota pause when a successful response says the quota is
// spent: requests wait until its reset has passed.
func (t *throttle) observe(resp *http.Response) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return
	}
	info := ParseRateLimit(resp.Header)
	if !info.Known || info.Remaining != 0 || info.Reset <= 0 {
		return
	}
	until := time.Now().Add(info.Reset)
	t.mu.Lock()
	if until.After(t.until) {
		t.until, t.info = until, info
	}
	t.mu.Unlock()
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// counters are a client's Stats, updated atomically.
type counters struct {
	requests, retries, rateLimited, throttled, paused, reauth, failures atomic.Int64
}

// Stats counts what a Client did since New. Every field is a total.
type Stats struct {
	// Requests is the number of HTTP requests sent (attempts that reached
	// the network, including same-origin redirects).
	Requests int64
	// Retries is the number of attempts repeated after a retryable failure.
	Retries int64
	// RateLimited is the number of 429 responses received.
	RateLimited int64
	// Throttled is the number of attempts held back on the client side,
	// by the rate limiter or by a quota pause.
	Throttled int64
	// Paused is the part of Throttled held back by a quota pause: a
	// successful response said Remaining: 0.
	Paused int64
	// Reauthenticated is the number of calls repeated with a new credential
	// after a 401.
	Reauthenticated int64
	// Failures is the number of calls that returned an error.
	Failures int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Requests:        c.requests.Load(),
		Retries:         c.retries.Load(),
		RateLimited:     c.rateLimited.Load(),
		Throttled:       c.throttled.Load(),
		Paused:          c.paused.Load(),
		Reauthenticated: c.reauth.Load(),
		Failures:        c.failures.Load(),
	}
}
