package auditclient

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the fixed client-side rate limit (WithRateLimit). There is
// none by default: a client paces itself by what the server says (see
// Pacer), and WithRateLimit adds a fixed cap for those who want one.
const (
	// DefaultRateLimit is the fixed cap a Config with RateLimit 0 gets:
	// none (rate.Inf).
	DefaultRateLimit rate.Limit = rate.Inf
	// DefaultBurst is the burst of a fixed cap set without one.
	DefaultBurst = 1
)

// RateLimitInfo is what a response's rate-limit headers say. Every common
// spelling is read, the first present winning for each field:
// X-Rate-Limit-Limit, -Remaining and -Reset (Cisco); X-RateLimit-*;
// the IETF draft's RateLimit-Limit, -Remaining and -Reset; its combined
// RateLimit header, in either form ("limit=100, remaining=50, reset=30" or
// `"default";r=50;t=30`); and RateLimit-Policy ("100;w=60" or
// `"default";q=100;w=60`) for the limit and window. Reset is the time
// until the window resets (the headers count seconds to wait; an
// X-…-Reset over 10^9 is read as a Unix time). Garbled values are ignored.
type RateLimitInfo struct {
	Limit     int           // requests per window; -1 if absent
	Remaining int           // requests left in the window; -1 if absent
	Reset     time.Duration // time until the window resets; 0 if absent
	Window    time.Duration // the window's length (RateLimit-Policy w=); 0 if absent
	Known     bool          // whether any of the headers was present
}

// ParseRateLimit reads the rate-limit headers of a response (see
// RateLimitInfo for the spellings). Absent or garbled values leave Limit
// and Remaining at -1 and Reset and Window at 0; it never fails.
func ParseRateLimit(h http.Header) RateLimitInfo {
	return parseRateLimit(h, time.Now())
}

// The spellings of the separate headers, in the order they are tried.
var (
	limitHeaders     = []string{"X-Rate-Limit-Limit", "X-Ratelimit-Limit", "Ratelimit-Limit"}
	remainingHeaders = []string{"X-Rate-Limit-Remaining", "X-Ratelimit-Remaining", "Ratelimit-Remaining"}
)

func parseRateLimit(h http.Header, now time.Time) RateLimitInfo {
	info := RateLimitInfo{Limit: -1, Remaining: -1}
	if len(h) == 0 {
		return info
	}
	comb := parseCombined(h.Get("Ratelimit"))
	pol := parseCombined(h.Get("Ratelimit-Policy"))
	if n, ok := headerInt(h, limitHeaders...); ok && n >= 0 {
		info.Limit, info.Known = n, true
	} else if n, ok := firstInt(comb, "limit", "q"); ok {
		info.Limit, info.Known = n, true
	} else if n, ok := firstInt(pol, "limit", "q", ""); ok {
		info.Limit, info.Known = n, true
	}
	if n, ok := headerInt(h, remainingHeaders...); ok && n >= 0 {
		info.Remaining, info.Known = n, true
	} else if n, ok := firstInt(comb, "remaining", "r"); ok {
		info.Remaining, info.Known = n, true
	}
	if d, ok := parseReset(h, now); ok {
		info.Reset, info.Known = d, true
	} else if s, ok := firstSeconds(comb, "reset", "t"); ok {
		info.Reset, info.Known = secondsDuration(s), true
	}
	if s, ok := firstSeconds(pol, "w", "window"); ok && s > 0 {
		info.Window, info.Known = secondsDuration(s), true
	}
	return info
}

// parseCombined reads a structured rate-limit header into its parameters:
// "limit=100, remaining=50, reset=30", `"default";r=50;t=30`, "100;w=60"
// (a bare leading number is the parameter ""). Of several policies
// (comma-separated lists of items), the parameters of the first item that
// has any are kept, except that the key=value, key=value form is one item.
// Anything unreadable is skipped.
func parseCombined(v string) map[string]string {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 4096 {
		return nil
	}
	out := map[string]string{}
	// The older draft's form: comma-separated key=value pairs, no ';'.
	if !strings.Contains(v, ";") {
		for _, part := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				if n := strings.TrimSpace(part); n != "" && out[""] == "" {
					out[""] = n
				}
				continue
			}
			k = strings.ToLower(strings.TrimSpace(k))
			if _, dup := out[k]; !dup {
				out[k] = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
		return out
	}
	// Structured fields: items separated by ',', parameters by ';'. The
	// first item is the one that counts (a server lists its tightest
	// policy first, as the draft's examples do).
	item, _, _ := strings.Cut(v, ",")
	for i, part := range strings.Split(item, ";") {
		part = strings.TrimSpace(part)
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			if i == 0 && part != "" {
				out[""] = strings.Trim(part, `"`)
			}
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := out[k]; !dup {
			out[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

// firstInt returns the first of keys in m that holds a non-negative
// integer.
func firstInt(m map[string]string, keys ...string) (int, bool) {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			if n, ok := parseCount(v); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// firstSeconds returns the first of keys in m that holds a finite,
// non-negative number of seconds.
func firstSeconds(m map[string]string, keys ...string) (float64, bool) {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil && f >= 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, true
			}
		}
	}
	return 0, false
}

// parseCount reads a non-negative count, also "12.0" as some servers send.
func parseCount(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return n, n >= 0
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= math.MaxInt32 {
		return int(f), true
	}
	return 0, false
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
	// Throttled is the number of attempts held back on the client side:
	// by the pacer (spreading a quota, after a 429, a quota pause) or by a
	// fixed cap (WithRateLimit).
	Throttled int64
	// Paused is the part of Throttled held back by a quota pause: a
	// response said the quota is spent (Remaining: 0), or another
	// request's 429 asked to wait.
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
