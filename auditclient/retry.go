package auditclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults of RetryPolicy and RetryBudget.
const (
	DefaultMaxAttempts = 6
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 60 * time.Second

	DefaultRetryBudgetCapacity = 500
	DefaultRetryCost           = 5
	DefaultRetryTimeoutCost    = 10
)

// RetryPolicy says when and how long to wait before repeating a call. Every
// call here is a read, safe to repeat: 429, 502, 503 and 504 responses,
// connection resets and bodies cut short are retried (see IsRetryable). A
// zero field takes its default.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts per call, including the first;
	// default 6. 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff wait; default 500ms. The wait doubles
	// with every retry.
	BaseDelay time.Duration
	// MaxDelay caps every wait; default 60s. A server-advised wait
	// (Retry-After or a rate-limit reset) longer than MaxDelay is not
	// waited for: the call fails at once with a *RateLimitError carrying
	// the delay.
	MaxDelay time.Duration
	// Budget is the retry budget shared by all calls of one client. If nil,
	// New gives each client its own NewRetryBudget(500, 5, 10).
	Budget *RetryBudget
	// Jitter turns a backoff wait d into the wait used, in [d/2, d];
	// default uniform random. Server-advised waits are not jittered.
	Jitter func(d time.Duration) time.Duration
	// Now is the clock for HTTP-date Retry-After headers; default time.Now.
	Now func() time.Time
}

// DefaultRetryPolicy returns the policy New uses for zero fields: 6
// attempts, 500ms doubling up to 60s, random jitter in [d/2, d]. Its Budget
// is nil, so that each client gets its own.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts: DefaultMaxAttempts,
		BaseDelay:   DefaultBaseDelay,
		MaxDelay:    DefaultMaxDelay,
		Jitter:      defaultJitter,
		Now:         time.Now,
	}
}

// withDefaults fills the zero fields (but not Budget).
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.Jitter == nil {
		p.Jitter = d.Jitter
	}
	if p.Now == nil {
		p.Now = d.Now
	}
	return p
}

// validate checks a policy after withDefaults.
func (p RetryPolicy) validate(vendor string) error {
	bad := func(opt, val, reason string) error {
		return &ConfigError{Vendor: vendor, Option: "RetryPolicy." + opt + " (WithRetryPolicy)", Value: val, Reason: reason}
	}
	switch {
	case p.MaxAttempts < 1:
		return bad("MaxAttempts", strconv.Itoa(p.MaxAttempts), "must be at least 1 (0 means the default, 6)")
	case p.BaseDelay < 0:
		return bad("BaseDelay", p.BaseDelay.String(), "must not be negative (0 means the default, 500ms)")
	case p.MaxDelay < 0:
		return bad("MaxDelay", p.MaxDelay.String(), "must not be negative (0 means the default, 60s)")
	case p.MaxDelay < p.BaseDelay:
		return bad("MaxDelay", p.MaxDelay.String(), "must be at least BaseDelay ("+p.BaseDelay.String()+")")
	}
	return nil
}

// Delay returns how long to wait before the next attempt, after `attempt`
// retries so far (0 before the first retry) and the failed response resp
// (nil after a transport error). If the response says how long to wait
// (see RetryAfter; a 429's rate-limit reset counts too), that wait is
// returned as is, with serverAdvised true, even when it exceeds MaxDelay: the
// caller then fails fast instead of waiting. Otherwise the wait is
// min(MaxDelay, BaseDelay·2^attempt), jittered.
func (p RetryPolicy) Delay(attempt int, resp *http.Response) (wait time.Duration, serverAdvised bool) {
	p = p.withDefaults()
	if resp != nil {
		if d, ok := serverDelay(resp, p.Now()); ok {
			return d, true
		}
	}
	d := p.Jitter(p.backoff(attempt))
	if d < 0 {
		d = 0
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d, false
}

// backoff is min(MaxDelay, BaseDelay·2^attempt), without overflow.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 0; i < attempt && d < p.MaxDelay; i++ {
		if d > p.MaxDelay/2 {
			d = p.MaxDelay
			break
		}
		d *= 2
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d
}

// defaultJitter returns a uniform random wait in [d/2, d].
func defaultJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return d - time.Duration(rand.Int64N(int64(d-half)+1))
}

// serverDelay is the wait a failed response asks for: RetryAfter, or for a
// 429 the rate-limit reset even when Remaining is not 0.
func serverDelay(resp *http.Response, now time.Time) (time.Duration, bool) {
	if d, ok := RetryAfter(resp.Header, now); ok {
		return d, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := parseReset(resp.Header, now); ok {
			return d, true
		}
		if info := parseRateLimit(resp.Header, now); info.Reset > 0 {
			return info.Reset, true
		}
	}
	return 0, false
}

// RetryAfter returns the wait a response's headers ask for: Retry-After in
// seconds or as an HTTP date (a date in the past gives 0), else, when the
// rate-limit headers say the quota is spent (a remaining of 0 in any
// spelling ParseRateLimit reads), their reset (seconds to wait; an
// X-…-Reset too large to be a number of seconds, over 10^9, is read as a
// Unix time). ok is false when the headers give no usable wait; a garbled
// Retry-After is ignored.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			if secs >= 0 {
				return secondsDuration(float64(secs)), true
			}
		} else if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
			return math.MaxInt64, true // more seconds than a Duration holds
		} else if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d, true
			}
			return 0, true
		}
	}
	if info := parseRateLimit(h, now); info.Remaining == 0 && info.Reset > 0 {
		return info.Reset, true
	}
	return 0, false
}

// parseReset reads X-Rate-Limit-Reset, X-RateLimit-Reset or RateLimit-Reset:
// seconds until the window resets, possibly fractional; an X-…-Reset over
// 10^9 is a Unix time (the IETF header is always a number of seconds).
func parseReset(h http.Header, now time.Time) (time.Duration, bool) {
	for _, k := range []string{"X-Rate-Limit-Reset", "X-Ratelimit-Reset", "Ratelimit-Reset"} {
		v := strings.TrimSpace(h.Get(k))
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		if f > 1e9 && k != "Ratelimit-Reset" { // a Unix time, not a number of seconds
			d := time.Unix(0, 0).Add(secondsDuration(f)).Sub(now)
			if d < 0 {
				d = 0
			}
			return d, true
		}
		return secondsDuration(f), true
	}
	return 0, false
}

// secondsDuration converts s seconds to a Duration, saturating.
func secondsDuration(s float64) time.Duration {
	if s*float64(time.Second) >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(s * float64(time.Second))
}

func headerInt(h http.Header, keys ...string) (int, bool) {
	for _, k := range keys {
		v := strings.TrimSpace(h.Get(k))
		if v == "" {
			continue
		}
		if n, err := strconv.Atoi(v); err == nil {
			return n, true
		}
		// some servers send "0.0"
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= math.MinInt32 && f <= math.MaxInt32 {
			return int(f), true
		}
	}
	return 0, false
}

// IsRetryable reports whether a call that ended with resp and err is worth
// repeating (every call here is a read, safe to repeat).
//
// Retryable: status 429, 502, 503, 504; connection reset, refused or
// aborted; EOF or a body cut short (io.ErrUnexpectedEOF); network timeouts,
// including http.Client.Timeout. Not retryable: any other status, a
// cancelled or expired context, TLS and certificate errors, an unsupported
// scheme or invalid header, too many redirects, a refused foreign URL, a
// *DecodeError, a *RateLimitError (it is the decision not to wait).
// When err is not nil, resp is ignored.
func IsRetryable(resp *http.Response, err error) bool {
	if err != nil {
		return retryableError(err)
	}
	if resp == nil {
		return false
	}
	return retryableStatus(resp.StatusCode)
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryableError(err error) bool {
	var (
		rl  *RateLimitError
		de  *DecodeError
		ae  *APIError
		fin *finalError
	)
	switch {
	case errors.As(err, &fin), errors.As(err, &rl), errors.As(err, &de):
		return false
	case errors.Is(err, ErrForeignHost), errors.Is(err, ErrResponseTooLarge), errors.Is(err, ErrMalformedResponse):
		return false
	case errors.As(err, &ae):
		return retryableStatus(ae.StatusCode)
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded):
		// the caller's deadline, unless it is http.Client.Timeout's
		return strings.Contains(err.Error(), "Client.Timeout exceeded")
	case isTLSError(err):
		return false
	}
	msg := err.Error()
	if brokenResponse(msg) {
		return true
	}
	for _, s := range []string{"unsupported protocol scheme", "invalid header", "stopped after", "no Host in request URL"} {
		if strings.Contains(msg, s) {
			return false
		}
	}
	if isTimeoutOrReset(err) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var op *net.OpError
	return errors.As(err, &op)
}

// isTimeoutOrReset reports a timeout, a reset or aborted connection, or a
// body cut short: retries after these cost more of the budget.
func isTimeoutOrReset(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() && !errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "Client.Timeout exceeded") || brokenResponse(msg)
}

// brokenResponse reports a response cut inside its status line or headers:
// net/http says "transport connection broken" ("malformed HTTP status code
// \"2\"", "malformed MIME header: missing colon") rather than
// io.ErrUnexpectedEOF. The server's answer never arrived whole: as
// transient as a reset.
func brokenResponse(msg string) bool {
	return strings.Contains(msg, "transport connection broken")
}

func isTLSError(err error) bool {
	var (
		cv   *tls.CertificateVerificationError
		rh   tls.RecordHeaderError
		al   tls.AlertError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
		ci   x509.CertificateInvalidError
		sr   x509.SystemRootsError
		cvp  *x509.UnknownAuthorityError
		hnp  *x509.HostnameError
		cip  *x509.CertificateInvalidError
		ech  *tls.ECHRejectionError
		msgs = []string{"certificate is not trusted", "tls: "}
	)
	if errors.As(err, &cv) || errors.As(err, &rh) || errors.As(err, &al) || errors.As(err, &ua) ||
		errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &sr) || errors.As(err, &cvp) ||
		errors.As(err, &hnp) || errors.As(err, &cip) || errors.As(err, &ech) {
		return true
	}
	m := err.Error()
	for _, s := range msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// RetryBudget is a token bucket of retries shared by all calls of a client
// (after aws-sdk-go-v2's retry token bucket): a retry takes retryCost
// tokens (timeoutCost after a timeout, reset or body cut short), a
// successful call puts 1 back, and a retry that succeeds also puts its own
// cost back. When the bucket cannot pay for a retry, the call fails with its
// last error and ErrRetryBudgetExhausted. It stops a failing service from
// being hammered by every call's retries at once. Safe for concurrent use.
type RetryBudget struct {
	mu                     sync.Mutex
	capacity, tokens       int
	retryCost, timeoutCost int
}

// NewRetryBudget returns a full budget of capacity tokens. Negative values
// count as 0; a capacity of 0 allows no retries.
func NewRetryBudget(capacity, retryCost, timeoutCost int) *RetryBudget {
	capacity, retryCost, timeoutCost = max(capacity, 0), max(retryCost, 0), max(timeoutCost, 0)
	return &RetryBudget{capacity: capacity, tokens: capacity, retryCost: retryCost, timeoutCost: timeoutCost}
}

// Available returns the tokens left.
func (b *RetryBudget) Available() int {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

// acquire takes the cost of one retry, returning it, or reports false.
func (b *RetryBudget) acquire(timeout bool) (int, bool) {
	if b == nil {
		return 0, true
	}
	cost := b.retryCost
	if timeout {
		cost = b.timeoutCost
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return 0, false
	}
	b.tokens -= cost
	return cost, true
}

// release puts n tokens back, up to the capacity.
func (b *RetryBudget) release(n int) {
	if b == nil || n <= 0 {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.capacity, b.tokens+n)
	b.mu.Unlock()
}
