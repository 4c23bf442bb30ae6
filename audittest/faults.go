package audittest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Fault is one kind of failure a fake server can inject into a response.
//
// Faults are what real audit-log APIs do to collectors: throttle them, fall
// over, drop connections, and cut responses short. A fake injects them either
// from a script (exactly these faults on the first requests) or at random with
// fixed probabilities and a seed, so that every run of a test sees the same
// faults in the same places.
type Fault int

const (
	// FaultNone serves the request normally.
	FaultNone Fault = iota
	// FaultRateLimit answers 429 Too Many Requests with a Retry-After header,
	// the vendor's rate-limit headers (remaining quota 0, reset after
	// Faults.RetryAfter) and the vendor's error body.
	FaultRateLimit
	// FaultUnavailable answers 503 Service Unavailable with the vendor's
	// error body.
	FaultUnavailable
	// FaultReset resets the TCP connection (RST) before any byte of the
	// response is sent. A client sees a connection error such as
	// "connection reset by peer".
	FaultReset
	// FaultTruncate cuts the connection in the middle of a body: it sends
	// the status line and headers of the response the fake would have sent,
	// with its full Content-Length, then only about half of the body, and
	// closes the connection. A client sees io.ErrUnexpectedEOF while reading
	// the body.
	//
	// It is one of the three forms of a cut body (see CutBody); a script
	// gets exactly this form, a Truncate probability all three.
	FaultTruncate
	// FaultServerError answers 500 Internal Server Error with the vendor's
	// error body.
	FaultServerError
	// FaultMalformed answers 200 OK with a complete body (its Content-Length
	// is right) that is not valid JSON: the response the fake would have sent
	// with a NUL byte inserted in the middle.
	FaultMalformed
	// FaultCutJSON cuts the JSON, not the connection, as a crashing
	// upstream behind a proxy or a proxy's full buffer does: the status and
	// headers of the response the fake would have sent, then about half of
	// its body, with a Content-Length equal to the bytes sent. The HTTP
	// exchange is complete and the connection stays usable; a client reads
	// the whole body without error, and only its JSON decoder finds that
	// the document ends early (io.ErrUnexpectedEOF from a json.Decoder,
	// "unexpected end of JSON input" from json.Unmarshal).
	FaultCutJSON
	// FaultCutJSONChunked is FaultCutJSON with chunked framing: the same
	// half body sent with Transfer-Encoding: chunked and ended cleanly by
	// the last (empty) chunk, as a streaming server or proxy ends a
	// response whose source died.
	FaultCutJSONChunked

	numFaults // keep last
)

// String returns the fault's name in snake case, such as "rate_limit", or
// "Fault(N)" for a value that names no fault.
func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "none"
	case FaultRateLimit:
		return "rate_limit"
	case FaultUnavailable:
		return "unavailable"
	case FaultReset:
		return "reset"
	case FaultTruncate:
		return "truncate"
	case FaultServerError:
		return "server_error"
	case FaultMalformed:
		return "malformed"
	case FaultCutJSON:
		return "cut_json"
	case FaultCutJSONChunked:
		return "cut_json_chunked"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// CutBody reports whether f is one of the three forms of a body cut short:
// FaultTruncate (the connection is cut), FaultCutJSON and
// FaultCutJSONChunked (the framing is complete, the JSON inside is not). A
// client must treat all three alike: the response is incomplete, and the
// request is worth repeating.
func (f Fault) CutBody() bool {
	return f == FaultTruncate || f == FaultCutJSON || f == FaultCutJSONChunked
}

// valid reports whether f names a fault.
func (f Fault) valid() bool { return f >= 0 && f < numFaults }

// Faults configures the faults a fake server injects. The zero value injects
// none.
//
// Each request that Faults applies to (see OnlyPaths) is decided in arrival
// order: the first len(Script) of them get the scripted fault; every later one
// draws a single random number from a generator seeded with Seed and gets
// FaultRateLimit with probability RateLimit, FaultUnavailable with probability
// Unavailable, and so on, or no fault with the remaining probability. The same
// Seed and the same sequence of requests therefore give the same faults.
//
// A body cut short takes one of three forms, and the same draw decides
// which: of the requests Truncate selects, half get FaultTruncate (the
// connection is cut mid-body), a quarter FaultCutJSON (complete framing
// with a Content-Length, the JSON inside cut) and a quarter
// FaultCutJSONChunked (the same, chunked). Every seed that draws enough
// truncations therefore produces both kinds of cut, and which request gets
// which depends on Seed alone. Stats and RecordedRequest name the form
// each request got; Stats.CutBodies counts all three.
//
// While Faults can reset connections (Reset > 0 or a FaultReset in Script),
// every response of the server carries "Connection: close", so each request
// arrives on a fresh connection. Without that, Go's http.Transport would
// silently resend an idempotent request whose reused keep-alive connection
// is reset before the first response byte, and the client would never see
// the fault.
type Faults struct {
	// RateLimit, Unavailable, Reset, Truncate, ServerError and Malformed are
	// the probabilities, per request, of FaultRateLimit, FaultUnavailable,
	// FaultReset, a cut body (FaultTruncate, FaultCutJSON or
	// FaultCutJSONChunked, see above), FaultServerError and FaultMalformed. Each
	// must be within [0, 1] and their sum at most 1 (see Validate); the
	// servers clamp out-of-range values and scale the set down to a sum of 1.
	RateLimit, Unavailable, Reset, Truncate, ServerError, Malformed float64

	// Seed seeds the generator the probabilities draw from.
	Seed int64

	// Script lists the faults of the first len(Script) requests, in arrival
	// order, before any probability applies. FaultNone in the script serves
	// that request normally; values that name no fault count as FaultNone.
	Script []Fault

	// RetryAfter is the wait a FaultRateLimit response asks for: sent as
	// Retry-After in whole seconds, rounded up (0 sends "0"), and as the
	// vendor's rate-limit reset header.
	RetryAfter time.Duration

	// OnlyPaths, when not empty, restricts injection to requests whose path,
	// relative to the server's base path, is one of these (for example
	// "/v1/audit_logs"). Requests to other paths are served normally and do
	// not count toward Script.
	OnlyPaths []string

	// Quota, when not nil, makes the server enforce a request quota (see
	// Quota). It counts every request the server receives, whatever
	// OnlyPaths says.
	Quota *Quota
}

// Quota is a real request quota a fake enforces, set as Faults.Quota: at
// most Requests requests in each window of Window. The first window starts
// with the first request after the fake starts (or after SetFaults), and
// each window starts when the one before it ends.
//
// Every response, success or error, carries rate-limit headers (see
// Headers): the limit (Requests), the requests remaining in the window
// after this one, and the reset (whole seconds until the window ends,
// rounded up). Once the window's quota is spent, the fake refuses each
// further request without serving it: it answers the vendor's 429 with
// Retry-After (whole seconds until the window ends, rounded up) and the
// same headers with a remaining quota of 0, and injects no fault (the
// script does not advance). Refused requests do not count against any
// window; RecordedRequest.QuotaRefused marks them and Stats.QuotaRefused
// counts them.
//
// A request the quota admits uses it up whatever then happens to it: an
// injected fault, a 404, a reset connection.
type Quota struct {
	// Requests is the number of requests each window admits; Window is the
	// length of a window. A Quota with either at 0 or less enforces
	// nothing (Validate reports it).
	Requests int
	Window   time.Duration
	// Headers chooses how the quota is announced; the zero value is the
	// vendor's own headers (QuotaHeadersVendor).
	Headers QuotaHeaders
}

// QuotaHeaders is how a fake announces a Quota.
type QuotaHeaders int

const (
	// QuotaHeadersVendor sends the vendor's rate-limit headers, as its
	// fake's type documents them: Cisco's X-Ratelimit-* (or X-Rate-Limit-*,
	// by its HeaderStyle) and InstaVM's X-RateLimit-*. Automox, Entrust,
	// NPrinting and Tanium document none; for them the fakes send the
	// common X-RateLimit-Limit, -Remaining and -Reset (seconds): our
	// assumption of what such a server sends, not the vendors' word.
	QuotaHeadersVendor QuotaHeaders = iota
	// QuotaHeadersIETF sends the IETF draft's headers instead (whatever
	// the vendor): RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
	// (seconds) and RateLimit-Policy ("100;w=60": the limit and the
	// window in seconds, rounded up).
	QuotaHeadersIETF
	// QuotaHeadersNone sends no rate-limit header at all, and its 429s no
	// Retry-After either: a client learns of the quota from bare 429s
	// only.
	QuotaHeadersNone
)

// String returns "vendor", "ietf" or "none".
func (h QuotaHeaders) String() string {
	switch h {
	case QuotaHeadersVendor:
		return "vendor"
	case QuotaHeadersIETF:
		return "ietf"
	case QuotaHeadersNone:
		return "none"
	}
	return "QuotaHeaders(" + strconv.Itoa(int(h)) + ")"
}

// on reports whether q enforces a quota.
func (q *Quota) on() bool { return q != nil && q.Requests > 0 && q.Window > 0 }

// Validate reports whether the probabilities of f are each within [0, 1]
// and sum to at most 1, and whether Script and RetryAfter hold valid values.
// Servers accept any Faults and clamp it; Validate is for callers that want
// a mistake reported instead.
func (f Faults) Validate() error {
	sum := 0.0
	for _, p := range f.probs() {
		if math.IsNaN(p.p) || p.p < 0 || p.p > 1 {
			return fmt.Errorf("audittest: Faults: probability of %s is %v; want a value within [0, 1]", p.f, p.p)
		}
		sum += p.p
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("audittest: Faults: probabilities sum to %v; want at most 1", sum)
	}
	for i, s := range f.Script {
		if !s.valid() {
			return fmt.Errorf("audittest: Faults: Script[%d] is %v, which names no fault", i, s)
		}
	}
	if f.RetryAfter < 0 {
		return fmt.Errorf("audittest: Faults: RetryAfter is %v; want 0 or more", f.RetryAfter)
	}
	if q := f.Quota; q != nil && (q.Requests <= 0 || q.Window <= 0) {
		return fmt.Errorf("audittest: Faults: Quota is %d requests per %v; want both positive", q.Requests, q.Window)
	}
	if q := f.Quota; q != nil && (q.Headers < QuotaHeadersVendor || q.Headers > QuotaHeadersNone) {
		return fmt.Errorf("audittest: Faults: Quota.Headers is %v, which names no way of announcing a quota", q.Headers)
	}
	return nil
}

type faultProb struct {
	f Fault
	p float64
}

func (f Faults) probs() []faultProb {
	return []faultProb{
		{FaultRateLimit, f.RateLimit},
		{FaultUnavailable, f.Unavailable},
		{FaultReset, f.Reset},
		{FaultTruncate, f.Truncate},
		{FaultServerError, f.ServerError},
		{FaultMalformed, f.Malformed},
	}
}

// RetryAfterSeconds returns RetryAfter in whole seconds, rounded up; never
// negative.
func (f Faults) RetryAfterSeconds() int64 {
	return ceilSeconds(f.RetryAfter)
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// canReset reports whether f may reset a connection.
func (f Faults) canReset() bool {
	return f.Reset > 0 || slices.Contains(f.Script, FaultReset)
}

// clone returns a deep copy of f.
func (f Faults) clone() Faults {
	f.Script = slices.Clone(f.Script)
	f.OnlyPaths = slices.Clone(f.OnlyPaths)
	if f.Quota != nil {
		q := *f.Quota
		f.Quota = &q
	}
	return f
}

// faultPicker decides the fault of each request. It is not safe for
// concurrent use; the server serializes calls to pick.
type faultPicker struct {
	cfg     Faults
	cum     []faultProb // cumulative, clamped and normalized probabilities
	rng     *rand.Rand
	decided int // requests decided so far (those OnlyPaths admits)

	// The quota's current window: its start (zero before the first
	// request) and the requests it has admitted.
	windowStart time.Time
	windowUsed  int
}

// quotaState is what the rate-limit headers of one response announce.
type quotaState struct {
	on               bool // a quota is enforced
	limit, remaining int
	reset            time.Duration // until the window ends
	window           time.Duration
	headers          QuotaHeaders
}

// admit applies the quota to a request arriving at now: it reports whether
// the request may be served, and the state its response announces.
func (p *faultPicker) admit(now time.Time) (quotaState, bool) {
	q := p.cfg.Quota
	if !q.on() {
		return quotaState{}, true
	}
	if p.windowStart.IsZero() {
		p.windowStart = now
	} else if elapsed := now.Sub(p.windowStart); elapsed >= q.Window {
		p.windowStart = p.windowStart.Add(elapsed / q.Window * q.Window)
		p.windowUsed = 0
	}
	st := quotaState{on: true, limit: q.Requests, reset: p.windowStart.Add(q.Window).Sub(now), window: q.Window, headers: q.Headers}
	if p.windowUsed >= q.Requests {
		return st, false
	}
	p.windowUsed++
	st.remaining = q.Requests - p.windowUsed
	return st, true
}

func newFaultPicker(cfg Faults) *faultPicker {
	cfg = cfg.clone()
	p := &faultPicker{cfg: cfg}
	probs := cfg.probs()
	sum := 0.0
	for i := range probs {
		v := probs[i].p
		if math.IsNaN(v) || v < 0 {
			v = 0
		}
		if v > 1 {
			v = 1
		}
		probs[i].p = v
		sum += v
	}
	scale := 1.0
	if sum > 1 {
		scale = 1 / sum
	}
	acc := 0.0
	for _, fp := range probs {
		if fp.p == 0 {
			continue
		}
		acc += fp.p * scale
		p.cum = append(p.cum, faultProb{fp.f, acc})
	}
	// PCG with a fixed second word: the seed alone determines the sequence.
	p.rng = rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15))
	return p
}

// pick returns the fault for the next request to path (relative to the base
// path).
func (p *faultPicker) pick(path string) Fault {
	if len(p.cfg.OnlyPaths) > 0 && !slices.Contains(p.cfg.OnlyPaths, path) {
		return FaultNone
	}
	n := p.decided
	p.decided++
	if n < len(p.cfg.Script) {
		if f := p.cfg.Script[n]; f.valid() {
			return f
		}
		return FaultNone
	}
	if len(p.cum) == 0 {
		return FaultNone
	}
	x := p.rng.Float64()
	lo := 0.0
	for _, c := range p.cum {
		if x < c.p {
			if c.f == FaultTruncate {
				return cutForm((x - lo) / (c.p - lo))
			}
			return c.f
		}
		lo = c.p
	}
	return FaultNone
}

// cutForm returns the form of a cut body for u, the position of the draw
// within the interval of Truncate, in [0, 1): the same draw that chose a cut
// body chooses its form, so the faults of every other request are those the
// seed gave before there were several forms.
func cutForm(u float64) Fault {
	switch {
	case u < 0.5:
		return FaultTruncate
	case u < 0.75:
		return FaultCutJSON
	default:
		return FaultCutJSONChunked
	}
}
