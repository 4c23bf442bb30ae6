package auditclient

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxInFlight is the most requests a Pacer lets be in flight at
// once when PacerConfig.MaxInFlight is 0: more than any walk asks for, so
// that only pressure from the server (429s) ever lowers it.
const DefaultMaxInFlight = 64

// Tunables of the pacer. They are not options: they describe how a
// well-behaved client answers a server, and tests pin them.
const (
	// paceBelow is the fraction of a window's quota below which the pacer
	// spreads what remains over the time left: while more remains, a walk
	// goes at its own speed (a short pull is never slowed down).
	paceBelow = 0.5
	// aimdDecrease multiplies the rate of recent successes on a 429 that
	// says nothing of the quota (aws-sdk-go-v2's adaptive mode's 0.7).
	aimdDecrease = 0.7
	// aimdMinRate is the lowest rate the decrease goes to, in requests per
	// second.
	aimdMinRate = 0.05
	// aimdGrowth is the additive increase, as a fraction of the rate set by
	// the last decrease, per second without a 429 (at least
	// aimdMinGrowth requests per second per second).
	aimdGrowth    = 0.1
	aimdMinGrowth = 0.5
	// aimdRelease is how far above the rate of the last decrease the
	// increase goes before the pacer stops limiting the rate at all.
	aimdRelease = 8
	// okSamples is how many recent successes measure the rate the server
	// sustains, over at most okSpan.
	okSamples = 64
	okSpan    = 2 * time.Second
)

// PacerConfig configures a Pacer. The zero value paces by the server's
// answers alone.
type PacerConfig struct {
	// Quota and Window, when both are positive, are a quota known in
	// advance (Quota requests in any Window, as a vendor's contract says):
	// a ceiling for every request through the pacer, whatever the headers
	// say. It is enforced as a token bucket of a tenth of Quota refilled at
	// 90% of Quota per Window, so that no Window ever sees more than Quota
	// requests. Zero for none.
	Quota  int
	Window time.Duration
	// MaxInFlight is the most requests in flight at once through the
	// pacer; 0 means DefaultMaxInFlight. After a 429 the pacer lowers its
	// own limit below this and raises it again as requests succeed.
	MaxInFlight int
}

// Pacer decides when the requests of one or more clients may be sent, from
// what the server says. Every Client has one (New makes it, or
// WithPacer shares one between clients of one vendor account, whose quota
// they share). It never sends faster than a walk asks; it holds requests
// back only:
//
//   - when rate-limit headers (see RateLimitInfo) announce a quota of which
//     less than half remains: the remaining requests are spread evenly over
//     the time left until the window resets, instead of being spent at
//     once and then stalling. While more than half remains, nothing is
//     held back. The reset is read as an upper bound (whole seconds are
//     rounded up by servers): the pacer keeps the earliest end any
//     response implied, so the spread ends as the window does;
//   - when the quota is spent (Remaining: 0) or a 429 asks to wait
//     (Retry-After, a reset): every request waits until then;
//   - after a bare 429, one that says nothing of the quota nor when to
//     come back (no Retry-After): the allowed rate falls to 70% of the rate
//     requests succeeded at over the last two seconds (or of the allowed
//     rate, if lower), and then grows again by a tenth of that per second
//     without a 429, until it is eight times as high and no longer limits
//     (additive increase, multiplicative decrease, as TCP and
//     aws-sdk-go-v2's adaptive retry mode do). One episode decreases once:
//     a 429 to a request sent before the last decrease, or before any
//     request succeeded since, does not decrease again;
//   - by the number of requests in flight: each such decrease halves the
//     limit (from the number in flight then), and each run of as many
//     successes as the limit raises it by one, up to MaxInFlight;
//   - by a quota known in advance (PacerConfig.Quota).
//
// A Pacer is safe for concurrent use. Its State is for metrics.
type Pacer struct {
	quota       *rate.Limiter // PacerConfig's quota; nil for none
	maxInFlight int

	mu sync.Mutex
	// The server's window, from the last rate-limit headers: its limit
	// (-1 unknown), the remaining quota the response announced, the
	// requests sent since, and the earliest end any response implied (zero
	// when no window is known).
	limit, remaining, sentSince int
	maxSeen                     int
	resetAt                     time.Time
	// tat is the earliest time the next request may go (the theoretical
	// arrival time of a GCRA scheduler).
	tat time.Time
	// A pause every request waits for (a 429's Retry-After), and the
	// headers that set it.
	until     time.Time
	untilInfo RateLimitInfo
	// AIMD: the rate set by the last decrease (0: no limit), when, and
	// the growth per second.
	aimdRate   float64
	aimdAt     time.Time
	aimdGrowth float64
	okSince    bool // a success since the last decrease
	// Recent successes, for the rate the server sustains.
	oks  [okSamples]time.Time
	noks int
	// Concurrency: in flight, the current limit, successes since it last
	// grew, and the requests waiting for a slot.
	inFlight, inLimit, okRun int
	waiters                  []chan struct{}

	rateLimited, held, paused int64
}

// NewPacer returns a Pacer. Negative fields of cfg count as 0.
func NewPacer(cfg PacerConfig) *Pacer {
	p := &Pacer{limit: -1, remaining: -1, maxInFlight: cfg.MaxInFlight}
	if p.maxInFlight <= 0 {
		p.maxInFlight = DefaultMaxInFlight
	}
	p.inLimit = p.maxInFlight
	if cfg.Quota > 0 && cfg.Window > 0 {
		r := rate.Limit(0.9 * float64(cfg.Quota) / cfg.Window.Seconds())
		p.quota = rate.NewLimiter(r, max(1, cfg.Quota/10))
	}
	return p
}

// PacerState is a snapshot of a Pacer, for metrics.
type PacerState struct {
	// Rate is the rate requests may be sent at now, in requests per
	// second: the lowest of the quota's spread, the AIMD rate and a quota
	// known in advance; rate.Inf when none holds requests back.
	Rate rate.Limit
	// Limit is the quota per window the server announced last; -1 when
	// unknown.
	Limit int
	// Remaining is the estimated quota left in the server's window (what
	// the last response announced, less the requests sent since); -1
	// when unknown.
	Remaining int
	// Reset is when the server's window ends (the earliest end the
	// responses implied); zero when unknown.
	Reset time.Time
	// PausedUntil is the end of a pause every request waits for (the
	// quota is spent, or a 429 asked to wait); zero when none.
	PausedUntil time.Time
	// InFlight is the number of requests in flight; MaxInFlight the
	// current limit on it.
	InFlight, MaxInFlight int
	// RateLimited is the number of 429 responses seen; Held the number of
	// requests the pacer held back (Paused of them by a pause).
	RateLimited, Held, Paused int64
}

// State returns a snapshot of the pacer.
func (p *Pacer) State() PacerState {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	s := PacerState{
		Rate: rate.Inf, Limit: p.limit, Remaining: -1,
		InFlight: p.inFlight, MaxInFlight: p.inLimit,
		RateLimited: p.rateLimited, Held: p.held, Paused: p.paused,
	}
	if p.windowKnown(now) {
		s.Reset = p.resetAt
		s.Remaining = max(0, p.remaining-p.sentSince)
		if iv := p.spreadInterval(now); iv > 0 {
			s.Rate = rate.Limit(float64(time.Second) / float64(iv))
		}
	}
	if p.until.After(now) {
		s.PausedUntil = p.until
	}
	if r := p.aimdNow(now); r > 0 && rate.Limit(r) < s.Rate {
		s.Rate = rate.Limit(r)
	}
	if p.quota != nil && p.quota.Limit() < s.Rate {
		s.Rate = p.quota.Limit()
	}
	return s
}

// acquire takes a slot among the requests in flight, waiting for one; it
// reports whether it had to wait.
func (p *Pacer) acquire(ctx context.Context) (bool, error) {
	p.mu.Lock()
	if p.inFlight < p.inLimit {
		p.inFlight++
		p.mu.Unlock()
		return false, nil
	}
	ch := make(chan struct{})
	p.waiters = append(p.waiters, ch)
	p.held++
	p.mu.Unlock()
	select {
	case <-ch:
		return true, nil
	case <-ctx.Done():
		p.mu.Lock()
		for i, w := range p.waiters {
			if w == ch {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				p.mu.Unlock()
				return true, ctx.Err()
			}
		}
		p.mu.Unlock()
		// granted meanwhile: give the slot back
		p.release()
		return true, ctx.Err()
	}
}

// release gives a slot back, handing it to the longest waiter.
func (p *Pacer) release() {
	p.mu.Lock()
	p.inFlight--
	p.wakeLocked()
	p.mu.Unlock()
}

func (p *Pacer) wakeLocked() {
	for len(p.waiters) > 0 && p.inFlight < p.inLimit {
		ch := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.inFlight++
		close(ch)
	}
}

// pauseError is returned by wait when the pause is longer than maxWait.
type pauseError struct {
	d    time.Duration
	info RateLimitInfo
}

func (e *pauseError) Error() string { return "the quota pause of " + e.d.String() + " is too long" }

// wait blocks until a request may be sent by the pacer's timing, or
// returns ctx's error, or a *pauseError when a pause is longer than
// maxWait. It reports whether the request was held back, and by a pause.
func (p *Pacer) wait(ctx context.Context, maxWait time.Duration) (held, paused bool, err error) {
	for {
		p.mu.Lock()
		now := time.Now()
		// A pause: a 429 asked every request to wait, or the window's
		// quota is spent.
		var pause time.Duration
		info := p.untilInfo
		if d := p.until.Sub(now); d > 0 {
			pause = d
		}
		if p.windowKnown(now) && p.remaining-p.sentSince <= 0 {
			if d := p.resetAt.Sub(now); d > pause {
				pause = d
				info = RateLimitInfo{Limit: p.limit, Remaining: 0, Reset: d, Known: true}
			}
		}
		if pause > 0 {
			if pause > maxWait {
				p.mu.Unlock()
				return held, paused, &pauseError{d: pause, info: info}
			}
			if !paused {
				p.held++
				p.paused++
			}
			held, paused = true, true
			p.mu.Unlock()
			if err := sleepCtx(ctx, pause); err != nil {
				return held, paused, err
			}
			continue
		}
		// The slot: the spread of the remaining quota and the AIMD rate.
		slot := now
		if p.tat.After(slot) {
			slot = p.tat
		}
		iv := p.spreadInterval(slot)
		if r := p.aimdNow(now); r > 0 {
			iv = max(iv, time.Duration(float64(time.Second)/r))
		}
		if iv == 0 {
			slot = now // nothing limits: a previous spread does not hold
		}
		p.tat = slot.Add(iv)
		if p.windowKnown(now) {
			p.sentSince++
		}
		d := slot.Sub(now)
		if d > 0 && !held {
			p.held++
			held = true
		}
		var qr *rate.Reservation
		if p.quota != nil {
			qr = p.quota.ReserveN(slot, 1)
			if qd := qr.DelayFrom(slot); qd > 0 {
				d += qd
				if !held {
					p.held++
					held = true
				}
			}
		}
		p.mu.Unlock()
		if err := sleepCtx(ctx, d); err != nil {
			if qr != nil {
				qr.Cancel()
			}
			return held, paused, err
		}
		return held, paused, ctx.Err()
	}
}

// windowKnown reports whether the server's window is known and not over.
// Called with p.mu held.
func (p *Pacer) windowKnown(now time.Time) bool {
	return !p.resetAt.IsZero() && now.Before(p.resetAt) && p.remaining >= 0
}

// spreadInterval is the gap between requests that spreads what remains of
// the window's quota until it ends, from at; 0 while plenty remains (or
// nothing is known). Called with p.mu held.
func (p *Pacer) spreadInterval(at time.Time) time.Duration {
	if !p.windowKnown(at) {
		return 0
	}
	left := p.remaining - p.sentSince
	if left <= 0 {
		return 0 // a pause, handled by wait
	}
	limit := p.limit
	if limit < 0 {
		limit = p.maxSeen
	}
	if float64(left) > paceBelow*float64(limit) {
		return 0
	}
	return p.resetAt.Sub(at) / time.Duration(left)
}

// aimdNow is the AIMD rate at now, 0 for no limit. Called with p.mu held.
func (p *Pacer) aimdNow(now time.Time) float64 {
	if p.aimdRate == 0 {
		return 0
	}
	r := p.aimdRate + p.aimdGrowth*now.Sub(p.aimdAt).Seconds()
	if r >= aimdRelease*p.aimdRate {
		p.aimdRate = 0 // recovered: no limit any more
		return 0
	}
	return r
}

// okRate is the rate of recent successes (those of the last okSpan), in
// requests per second, over at least a second; 0 when none. Called with
// p.mu held.
func (p *Pacer) okRate(now time.Time) float64 {
	n := min(p.noks, okSamples)
	k, oldest := 0, now
	for k < n {
		t := p.oks[(p.noks-1-k)%okSamples]
		if now.Sub(t) > okSpan {
			break
		}
		oldest = t
		k++
	}
	return float64(k) / max(now.Sub(oldest).Seconds(), 1)
}

// observe learns from a response to a request sent at sent.
func (p *Pacer) observe(resp *http.Response, sent time.Time) {
	now := time.Now()
	info := parseRateLimit(resp.Header, now)
	tooMany := resp.StatusCode == http.StatusTooManyRequests
	p.mu.Lock()
	defer p.mu.Unlock()
	if info.Remaining >= 0 && info.Reset > 0 {
		end := now.Add(info.Reset)
		if !p.windowKnown(now) || info.Remaining > p.remaining || end.After(p.resetAt.Add(time.Second)) {
			// a new window: the old one is over, the quota went up, or it
			// ends later than rounding to whole seconds explains
			p.resetAt, p.remaining = end, info.Remaining
		} else {
			if end.Before(p.resetAt) {
				p.resetAt = end
			}
			p.remaining = min(p.remaining, info.Remaining)
		}
		// Requests in flight besides this one may not be counted yet.
		p.sentSince = max(0, p.inFlight-1)
		if info.Limit >= 0 {
			p.limit = info.Limit
		}
		p.maxSeen = max(p.maxSeen, info.Remaining+1)
	}
	if !tooMany {
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			p.oks[p.noks%okSamples] = now
			p.noks++
			p.okSince = true
			p.okRun++
			if p.okRun >= p.inLimit && p.inLimit < p.maxInFlight {
				p.inLimit++
				p.okRun = 0
				p.wakeLocked()
			}
		}
		return
	}
	p.rateLimited++
	if d, ok := serverDelay(resp, now); ok {
		// The server says when to come back: every request waits until
		// then.
		if until := now.Add(d); d > 0 && until.After(p.until) {
			p.until, p.untilInfo = until, info
		}
		return
	}
	if info.Remaining >= 0 {
		return // the quota's headers pace the requests
	}
	// A bare 429: pressure with nothing said. Fewer in flight and a lower
	// rate, once per episode: not again for requests sent before the last
	// decrease, nor before a request has succeeded since (while a quota
	// stays spent, every retry meets a 429 however slow the rate).
	if !p.aimdAt.IsZero() && (sent.Before(p.aimdAt) || !p.okSince) {
		return
	}
	p.inLimit = max(1, min(p.inLimit, p.inFlight)/2)
	p.okRun = 0
	p.okSince = false
	base := p.okRate(now)
	if cur := p.aimdNow(now); cur > 0 && (base == 0 || cur < base) {
		base = cur
	}
	if base == 0 {
		base = 1 // nothing succeeded lately: one a second to start with
	}
	p.aimdRate = math.Max(aimdMinRate, base*aimdDecrease)
	p.aimdAt = now
	p.aimdGrowth = math.Max(aimdMinGrowth, aimdGrowth*p.aimdRate)
}

// throttle holds a request back until it may be sent: a slot among the
// requests in flight, the pacer's timing, then the fixed cap. It returns
// the function that gives the slot back (once the response is read). A
// pause longer than the retry policy's MaxDelay fails fast with a
// *RateLimitError.
func (c *Client) throttle(ctx context.Context) (release func(), err error) {
	waited, err := c.pacer.acquire(ctx)
	if waited {
		c.stats.throttled.Add(1)
	}
	if err != nil {
		return nil, err
	}
	release = sync.OnceFunc(c.pacer.release)
	held, paused, err := c.pacer.wait(ctx, c.policy.MaxDelay)
	if held && !waited {
		c.stats.throttled.Add(1)
	}
	if paused {
		c.stats.paused.Add(1)
	}
	if err != nil {
		release()
		if pe, ok := err.(*pauseError); ok {
			i := pe.info
			return nil, &RateLimitError{Vendor: c.vendor, RetryAfter: pe.d, Limit: i.Limit, Remaining: i.Remaining, Reset: i.Reset, MaxDelay: c.policy.MaxDelay}
		}
		return nil, err
	}
	if c.lim != nil {
		r := c.lim.Reserve()
		if d := r.Delay(); d > 0 {
			if !held && !waited {
				c.stats.throttled.Add(1)
			}
			if err := sleepCtx(ctx, d); err != nil {
				r.Cancel()
				release()
				return nil, err
			}
		}
	}
	return release, nil
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
