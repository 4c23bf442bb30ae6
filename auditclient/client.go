package auditclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Version is the auditkit version sent in the default User-Agent.
const Version = "0.1.0"

// DefaultUserAgent is the User-Agent sent unless Config.UserAgent is set.
const DefaultUserAgent = "auditkit/" + Version + " (+https://github.com/auditkit/auditkit)"

// Config configures a Client. Vendor packages fill it with their defaults
// and apply the caller's Options; New validates it. Zero fields take the
// defaults documented on them.
type Config struct {
	// Vendor names the vendor package ("cisco"); required. It begins every
	// error message and is attached to every log line.
	Vendor string
	// BaseURL is the API's absolute http or https URL, possibly with a path
	// prefix ("https://host/prefix"); required. Every request, redirect and
	// next link must have its scheme, host and port.
	BaseURL string
	// HTTPClient sends the requests; default a pooled client (go-cleanhttp).
	// It is copied, never modified: the copy's Transport is wrapped and its
	// CheckRedirect refuses other origins (then calls the original's).
	HTTPClient *http.Client
	// Auth puts credentials on each request; nil sends none.
	Auth Auth
	// Retry is the retry policy; zero fields take the defaults.
	Retry RetryPolicy
	// RateLimit is a fixed client-side cap in requests per second, on top
	// of the pacing by what the server says (Pacer); 0 or rate.Inf means
	// none, the default.
	RateLimit rate.Limit
	// Burst is the fixed cap's burst; 0 means 1.
	Burst int
	// Pacer paces the requests by the server's answers (rate-limit
	// headers, 429s); nil gives the client a NewPacer(PacerConfig{}) of its
	// own. Clients that share a quota (one vendor account) may share one
	// (WithPacer).
	Pacer *Pacer
	// Logger receives a Debug record per attempt and a Warn record per
	// retry; nil discards. Headers and credentials are never logged.
	Logger *slog.Logger
	// UserAgent is the User-Agent header; default DefaultUserAgent.
	UserAgent string
	// MaxResponseBytes caps a response body; default 64 MiB. Error bodies
	// are read up to 1 MiB.
	MaxResponseBytes int64
	// ErrorParser reads the vendor's error body into ErrorDetails; nil
	// tries the common shapes ({"errors":[...]}, {"message"}, {"error"},
	// {"detail"}).
	ErrorParser func(status int, body []byte) ErrorDetails
	// Header holds static headers sent with every request (e.g. Accept).
	Header http.Header
	// ResponseHeaderTimeout is the longest wait for a response's headers;
	// default DefaultResponseHeaderTimeout. Retried like a reset.
	ResponseHeaderTimeout time.Duration
	// ReadTimeout is the longest pause while reading a response body;
	// default DefaultReadTimeout. Retried like a reset.
	ReadTimeout time.Duration
	// AllowInsecureHTTP permits an http:// BaseURL to a host that is not
	// loopback while Auth is set (see WithInsecureHTTP).
	AllowInsecureHTTP bool
	// OCSFVersion is the OCSF version of the events of the client's walks;
	// empty means ocsf.DefaultVersion (see WithOCSFVersion), which is "1.1.0".
	OCSFVersion string
}

// Client is the HTTP core every vendor package builds on: it resolves URLs
// under the base URL and refuses other origins, rate-limits, authenticates,
// retries, decodes JSON straight from the response body, and turns failures
// into typed errors. It is safe for concurrent use.
type Client struct {
	vendor   string
	base     *url.URL
	origin   string
	hc       *http.Client
	next     http.RoundTripper
	auth     Auth
	policy   RetryPolicy
	header   http.Header
	ua       string
	maxBody  int64
	hdrWait  time.Duration // ResponseHeaderTimeout
	readWait time.Duration // ReadTimeout
	parse    func(int, []byte) ErrorDetails
	log      *slog.Logger
	redact   *redactor
	lim      *rate.Limiter // the fixed cap; nil for none
	pacer    *Pacer
	stats    counters

	ocsfVersion string // WithOCSFVersion
}

// New validates cfg and returns a Client. A bad value is a *ConfigError
// naming the option and what is allowed; nothing is sent.
func New(cfg Config) (*Client, error) {
	s, err := cfg.validate()
	if err == nil {
		err = checkOCSFVersion(s.Vendor, cfg.OCSFVersion)
	}
	if err != nil {
		return nil, err
	}
	c := &Client{
		vendor:   s.Vendor,
		base:     s.base,
		auth:     s.Auth,
		policy:   s.Retry,
		header:   s.Header,
		ua:       s.UserAgent,
		maxBody:  s.MaxResponseBytes,
		hdrWait:  s.ResponseHeaderTimeout,
		readWait: s.ReadTimeout,
		parse:    s.ErrorParser,
		log:      s.Logger.With(slog.String("vendor", s.Vendor)),
		redact:   newRedactor(s.Auth),

		ocsfVersion: cfg.OCSFVersion,
	}
	c.origin = (&url.URL{Scheme: c.base.Scheme, Host: c.base.Host}).String()
	if s.RateLimit != rate.Inf {
		c.lim = rate.NewLimiter(s.RateLimit, s.Burst)
	}
	c.pacer = s.Pacer
	if c.pacer == nil {
		c.pacer = NewPacer(PacerConfig{})
	}

	hc := s.HTTPClient
	if hc == nil {
		hc = retryablehttp.NewClient().HTTPClient // go-cleanhttp's pooled client
		if t, ok := hc.Transport.(*http.Transport); ok {
			// go-cleanhttp keeps GOMAXPROCS+1 idle connections per host,
			// fewer than the pages a walk has in flight (8 by default):
			// the rest would be opened and closed again for every page.
			t.MaxIdleConnsPerHost = idleConnsPerHost
		}
	}
	cp := *hc
	c.next = hc.Transport
	if c.next == nil {
		c.next = http.DefaultTransport
	}
	cp.Transport = &transport{c: c}
	userCheck := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !c.sameOrigin(req.URL) {
			return c.foreign(req.URL, "the redirect to "+c.redact.URL(req.URL))
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	c.hc = &cp
	return c, nil
}

// idleConnsPerHost is how many idle connections the default HTTP client
// keeps per host: at least the pages a walk keeps in flight.
const idleConnsPerHost = 32

// Vendor returns Config.Vendor.
func (c *Client) Vendor() string { return c.vendor }

// BaseURL returns a copy of the base URL.
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// Logger returns the client's logger (with the vendor attached), for vendor
// packages to log through.
func (c *Client) Logger() *slog.Logger { return c.log }

// Stats returns the client's counters.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// Pacer returns the pacer the client's requests go through (its own, or
// the one given with WithPacer); its State is for metrics.
func (c *Client) Pacer() *Pacer { return c.pacer }

// CloseIdleConnections closes the idle connections of the underlying
// transport, if it supports it.
func (c *Client) CloseIdleConnections() {
	if t, ok := c.next.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// String returns the vendor and the base URL; never a credential.
func (c *Client) String() string {
	if c == nil {
		return "auditclient.Client(nil)"
	}
	return "auditclient.Client{vendor: " + c.vendor + ", base: " + RedactURL(c.base) + "}"
}

// GoString is String, so that %#v prints no credential.
func (c *Client) GoString() string { return c.String() }

// Format prints String() for every verb (%v, %+v, %#v, %s, %q).
func (c *Client) Format(f fmt.State, verb rune) { formatStringer(f, verb, c) }

// ResolveURL turns a reference into an absolute URL. A relative reference
// ("v1/audit_logs" or "/v1/audit_logs", with or without a query) is joined
// under the base URL's path; an absolute one (a next link) is accepted only
// on the base URL's scheme, host and port, else the error wraps
// ErrForeignHost. "" is the base URL itself.
func (c *Client) ResolveURL(ref string) (*url.URL, error) {
	if ref == "" {
		return c.BaseURL(), nil
	}
	r, err := url.Parse(ref)
	if err != nil {
		var ue *url.Error
		msg := "the URL does not parse"
		if errors.As(err, &ue) {
			msg = "the URL does not parse: " + ue.Err.Error()
		}
		return nil, &RequestError{Vendor: c.vendor, Err: err, msg: msg}
	}
	r.Fragment, r.RawFragment = "", ""
	if r.Scheme != "" || r.Host != "" || r.Opaque != "" {
		if r.Scheme == "" { // "//host/path"
			r.Scheme = c.base.Scheme
		}
		if !c.sameOrigin(r) {
			return nil, &RequestError{Vendor: c.vendor, URL: c.redact.URL(r), Err: c.foreign(r, "it")}
		}
		if r.User != nil {
			r.User = nil
			return nil, &RequestError{Vendor: c.vendor, URL: c.redact.URL(r),
				Err: errors.New("the URL carries credentials (user:password@); they are never sent")}
		}
		return r, nil
	}
	u := *c.base
	bp := strings.TrimSuffix(c.base.Path, "/")
	u.Path = bp + "/" + strings.TrimPrefix(r.Path, "/")
	if c.base.RawPath != "" || r.RawPath != "" {
		u.RawPath = strings.TrimSuffix(c.base.EscapedPath(), "/") + "/" + strings.TrimPrefix(r.EscapedPath(), "/")
	} else {
		u.RawPath = ""
	}
	u.RawQuery, u.ForceQuery = r.RawQuery, false
	return &u, nil
}

// sameOrigin reports whether u has the base URL's scheme, host and port.
func (c *Client) sameOrigin(u *url.URL) bool {
	if u == nil {
		return false
	}
	return strings.EqualFold(u.Scheme, c.base.Scheme) &&
		strings.EqualFold(u.Hostname(), c.base.Hostname()) &&
		effectivePort(u) == effectivePort(c.base)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// foreign is the refusal to send what (a phrase) to u.
func (c *Client) foreign(u *url.URL, what string) error {
	return &wrapped{
		msg:  "refusing to send " + what + ": not on the origin of the base URL " + c.origin + " (scheme, host and port must match); nothing was sent there",
		errs: []error{ErrForeignHost},
	}
}

// Request is one call for Client.Do.
type Request struct {
	// Method is the HTTP method; "" means GET.
	Method string
	// URL is a reference as for ResolveURL: relative to the base URL, or an
	// absolute URL on its origin (a next link, sent verbatim).
	URL string
	// Query is added to the URL's own query.
	Query url.Values
	// Header holds headers for this call; they override Config.Header.
	Header http.Header
	// Body returns the JSON body. It is called again for every attempt, so
	// that a retry sends a body built afresh; nil sends none.
	Body func() ([]byte, error)
	// NoAuth sends the request without the client's Auth (e.g. the login
	// call that fetches a token).
	NoAuth bool
}

// JSONBody returns a Request.Body that marshals v on every attempt.
func JSONBody(v any) func() ([]byte, error) {
	return func() ([]byte, error) { return json.Marshal(v) }
}

// Response describes the response a call ended with.
type Response struct {
	StatusCode int           // HTTP status
	Header     http.Header   // response headers
	Attempts   int           // attempts made, including the first
	RequestID  string        // X-Request-Id or similar, if sent
	RateLimit  RateLimitInfo // the rate-limit headers
	URL        string        // the URL that answered (after redirects), redacted
}

// Get sends a GET to ref (see ResolveURL) with query added to its own
// query, and decodes a 2xx JSON body into out (see Do). query is nil,
// url.Values, or a struct encoded with go-querystring (`url:"name,omitempty"`
// tags).
func (c *Client) Get(ctx context.Context, ref string, query any, out any) (*Response, error) {
	q, err := encodeQuery(query)
	if err != nil {
		return nil, &RequestError{Vendor: c.vendor, Method: http.MethodGet, URL: c.redactRef(ref), Err: err}
	}
	return c.Do(ctx, &Request{Method: http.MethodGet, URL: ref, Query: q}, out)
}

func encodeQuery(v any) (url.Values, error) {
	switch q := v.(type) {
	case nil:
		return nil, nil
	case url.Values:
		return q, nil
	case *url.Values:
		if q == nil {
			return nil, nil
		}
		return *q, nil
	case map[string][]string:
		return url.Values(q), nil
	}
	vals, err := query.Values(v)
	if err != nil {
		return nil, fmt.Errorf("encoding the query (%T): %w", v, err)
	}
	return vals, nil
}

// Do sends req and decodes a 2xx JSON body into out, straight from the
// response body and bounded by MaxResponseBytes; out must be a non-nil
// pointer, or nil to discard the body.
//
// Every attempt waits for the rate limiter, and for a quota pause. Failures
// that IsRetryable accepts are retried per the RetryPolicy, inside the same
// loop as the decoding: a body cut short is retried (out is then reset to
// its zero value before decoding again), a malformed one is not. The error
// of a call that failed is an *APIError, *RateLimitError, *DecodeError or
// *RequestError; the Response, when one was received, is returned too.
//
// A 401 with an Auth that implements Invalidator invalidates the credential
// and repeats the call once.
func (c *Client) Do(ctx context.Context, req *Request, out any) (*Response, error) {
	c.noteOCSFVersion(ctx)
	if req == nil {
		c.stats.failures.Add(1)
		return nil, &RequestError{Vendor: c.vendor, Err: errors.New("nil *Request")}
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	fail := func(u string, err error) (*Response, error) {
		c.stats.failures.Add(1)
		var re *RequestError
		if errors.As(err, &re) && re.Method == "" {
			re.Method = method
			return nil, re
		}
		return nil, &RequestError{Vendor: c.vendor, Method: method, URL: u, Err: err, msg: c.redact.String(err.Error())}
	}
	if ctx == nil {
		return fail(c.redactRef(req.URL), errors.New("nil context"))
	}
	if !validHeaderName(method) {
		return fail(c.redactRef(req.URL), fmt.Errorf("invalid method %q", method))
	}
	u, err := c.ResolveURL(req.URL)
	if err != nil {
		return fail("", err)
	}
	if len(req.Query) > 0 {
		if u.RawQuery != "" {
			u.RawQuery += "&" + req.Query.Encode()
		} else {
			u.RawQuery = req.Query.Encode()
		}
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return fail(c.redact.URL(u), fmt.Errorf("out must be a non-nil pointer (or nil to discard the body), not %T", out))
		}
	}
	st := &call{
		c:      c,
		method: method,
		u:      u,
		header: req.Header,
		body:   req.Body,
		noAuth: req.NoAuth,
		out:    out,
	}
	resp, err := st.send(ctx)
	if err != nil && !req.NoAuth && errors.Is(err, ErrUnauthorized) && ctx.Err() == nil {
		if inv, ok := c.auth.(Invalidator); ok {
			inv.Invalidate()
			c.stats.reauth.Add(1)
			c.log.LogAttrs(ctx, slog.LevelInfo, "auditclient: 401, repeating the call with a new credential",
				slog.String("method", method), slog.String("url", st.redactedURL()))
			resp, err = st.send(ctx)
		}
	}
	if err != nil {
		c.stats.failures.Add(1)
	}
	return resp, err
}

// redactRef redacts a reference that may not parse.
func (c *Client) redactRef(ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return "(unparsable URL)"
	}
	return c.redact.URL(u)
}

// callKey is the context key of a call's state, read by the transport.
type callKey struct{}

// call is the state of one Client.Do, across its attempts (and the repeat
// after a 401). The retry loop runs its attempts one after another, so no
// lock is needed.
type call struct {
	c      *Client
	method string
	u      *url.URL
	ustr   string // u redacted, made on first use by redactedURL
	header http.Header
	body   func() ([]byte, error)
	noAuth bool
	out    any

	attempts int           // attempts made, across sends
	tries    int           // attempts of the current send
	retries  int           // retries of the current send
	checked  bool          // CheckRetry already ran for this attempt
	start    time.Time     // of the current attempt
	wait     time.Duration // the next backoff wait
	refund   int           // cost of the retry in flight, refunded if it succeeds
	decoded  bool          // out was decoded into before
	last     *http.Response

	exhausted, budgetOut bool
	overCap              time.Duration // server-advised wait over MaxDelay
}

// send runs one retry loop.
func (st *call) send(ctx context.Context) (*Response, error) {
	c := st.c
	st.tries, st.retries, st.refund = 0, 0, 0
	st.exhausted, st.budgetOut, st.overCap = false, false, 0
	hreq, err := http.NewRequestWithContext(context.WithValue(ctx, callKey{}, st), st.method, st.u.String(), nil)
	if err != nil {
		return nil, st.requestError(err)
	}
	for k, v := range c.header {
		hreq.Header[k] = append([]string(nil), v...)
	}
	for k, vs := range st.header {
		hreq.Header.Del(k)
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	if hreq.Header.Get("User-Agent") == "" {
		hreq.Header.Set("User-Agent", c.ua)
	}
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	if st.body != nil && hreq.Header.Get("Content-Type") == "" {
		hreq.Header.Set("Content-Type", "application/json")
	}
	rreq := &retryablehttp.Request{Request: hreq}
	rreq.SetResponseHandler(st.handle)
	rc := &retryablehttp.Client{
		HTTPClient:     c.hc,
		RetryWaitMin:   c.policy.BaseDelay,
		RetryWaitMax:   c.policy.MaxDelay,
		RetryMax:       c.policy.MaxAttempts, // CheckRetry stops first
		CheckRetry:     st.checkRetry,
		Backoff:        st.backoff,
		ErrorHandler:   giveUp,
		RequestLogHook: st.beforeAttempt,
	}
	if _, err := rc.Do(rreq); err != nil {
		return st.response(), st.fail(ctx, err)
	}
	c.policy.Budget.release(1 + st.refund)
	return st.response(), nil
}

// beforeAttempt runs before every attempt (retryablehttp's RequestLogHook):
// it counts the attempt and builds the body afresh.
func (st *call) beforeAttempt(_ retryablehttp.Logger, r *http.Request, _ int) {
	st.attempts++
	st.tries++
	st.checked = false
	st.start = time.Now()
	if st.body == nil {
		return
	}
	b, err := st.body()
	switch {
	case err != nil:
		r.Body, r.ContentLength, r.GetBody = &bodyError{err}, 0, nil
	case len(b) == 0:
		r.Body, r.ContentLength, r.GetBody = http.NoBody, 0, nil
	default:
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
}

// bodyError stands in for a body that Request.Body failed to build; the
// transport returns its error without sending anything.
type bodyError struct{ err error }

func (b *bodyError) Read([]byte) (int, error) { return 0, b.err }
func (b *bodyError) Close() error             { return nil }

// checkRetry is retryablehttp's CheckRetry: it is called once after each
// attempt with the transport's result and, when that did not call for a
// retry, once more with the response handler's error. It decides alone
// whether to retry (attempts, server-advised waits, the budget) and
// computes the wait for backoff.
func (st *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c := st.c
	if !st.checked {
		st.checked = true
		st.logAttempt(ctx, resp, err)
	}
	if ctx.Err() != nil || !IsRetryable(resp, err) {
		return false, nil
	}
	if st.tries >= c.policy.MaxAttempts {
		st.exhausted = true
		return false, nil
	}
	advisor := resp
	if err != nil {
		advisor = nil // a body cut short: its headers advise nothing
	}
	wait, advised := c.policy.Delay(st.retries, advisor)
	if advised && wait > c.policy.MaxDelay {
		st.overCap = wait
		return false, nil
	}
	cost, ok := c.policy.Budget.acquire(isTimeoutOrReset(err))
	if !ok {
		st.budgetOut = true
		return false, nil
	}
	st.refund = cost
	st.retries++
	st.wait = wait
	c.stats.retries.Add(1)
	if c.log.Enabled(ctx, slog.LevelWarn) {
		c.log.LogAttrs(ctx, slog.LevelWarn, "auditclient: retrying",
			slog.String("method", st.method), slog.String("url", st.redactedURL()),
			slog.Int("attempt", st.attempts), slog.Duration("wait", wait),
			slog.Bool("server_advised", advised), slog.String("reason", st.reason(resp, err)))
	}
	return true, nil
}

// backoff is retryablehttp's Backoff: the wait checkRetry computed.
func (st *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return st.wait }

// giveUp is retryablehttp's ErrorHandler: it closes the last response and
// passes the error on (turned into a typed error by fail).
func giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return nil, err
}

func (st *call) logAttempt(ctx context.Context, resp *http.Response, err error) {
	c := st.c
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.method), slog.String("url", st.redactedURL()),
		slog.Int("attempt", st.attempts), slog.Duration("duration", time.Since(st.start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.errText(err)))
	} else if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "auditclient: attempt", attrs...)
}

func (st *call) reason(resp *http.Response, err error) string {
	if err != nil {
		return st.c.errText(err)
	}
	if resp != nil {
		return strings.TrimSpace(strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode))
	}
	return ""
}

// errText is err's message for a log line: without the raw URL a
// *url.Error repeats, and redacted.
func (c *Client) errText(err error) string {
	var rq *RequestError
	if errors.As(err, &rq) {
		return rq.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return c.redact.String(err.Error())
}

// finalError carries the outcome the response handler settled on (an
// *APIError, *RateLimitError or *DecodeError): never retried.
type finalError struct{ err error }

func (f *finalError) Error() string { return f.err.Error() }
func (f *finalError) Unwrap() error { return f.err }

// bodyReadError is a 2xx body that could not be read to its end (cut short,
// connection reset): retried like a transport error.
type bodyReadError struct{ err error }

func (b *bodyReadError) Error() string { return "reading the response body: " + b.err.Error() }
func (b *bodyReadError) Unwrap() error { return b.err }

// handle is the response handler: it runs inside the retry loop on the
// response the loop settled on, reads it and closes it.
func (st *call) handle(resp *http.Response) error {
	st.last = resp
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &finalError{st.apiError(resp)}
	}
	return st.decode(resp)
}

// apiError reads at most 1 MiB of an error body into an *APIError (or a
// *RateLimitError around it), redacted.
func (st *call) apiError(resp *http.Response) error {
	c := st.c
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drainClose(resp.Body)
	d := c.parseSafely(resp.StatusCode, body)
	details := make([]string, 0, len(d.Details))
	for _, s := range d.Details {
		details = append(details, c.redact.String(s))
	}
	if len(details) == 0 {
		details = nil
	}
	rid := requestID(resp.Header)
	if rid == "" {
		rid = d.RequestID
	}
	info := ParseRateLimit(resp.Header)
	e := &APIError{
		Vendor:     c.vendor,
		StatusCode: resp.StatusCode,
		Code:       c.redact.String(d.Code),
		Message:    c.redact.String(d.Message),
		Details:    details,
		RequestID:  c.redact.String(rid),
		Method:     st.method,
		URL:        st.respURL(resp),
		Body:       c.redact.Bytes(body),
		Attempts:   st.attempts,
		RateLimit:  info,
	}
	if resp.StatusCode != http.StatusTooManyRequests && st.overCap == 0 {
		return e
	}
	rl := &RateLimitError{APIError: e, Vendor: c.vendor, RetryAfter: st.overCap, Limit: info.Limit, Remaining: info.Remaining, Reset: info.Reset}
	if st.overCap > 0 {
		rl.MaxDelay = c.policy.MaxDelay
	} else if d, ok := serverDelay(resp, c.policy.Now()); ok {
		rl.RetryAfter = d
	}
	return rl
}

func (c *Client) parseSafely(status int, body []byte) (d ErrorDetails) {
	defer func() {
		if recover() != nil {
			d = ErrorDetails{}
		}
	}()
	return c.parse(status, body)
}

func (st *call) respURL(resp *http.Response) string {
	if resp != nil && resp.Request != nil && resp.Request.URL != nil {
		return st.c.redact.URL(resp.Request.URL)
	}
	return st.redactedURL()
}

// redactedURL is the call's URL, redacted.
func (st *call) redactedURL() string {
	if st.ustr == "" {
		st.ustr = st.c.redact.URL(st.u)
	}
	return st.ustr
}

// requestIDHeaders are read in order for a request id.
var requestIDHeaders = []string{"X-Request-Id", "X-Amzn-Requestid", "X-Correlation-Id", "Request-Id", "X-Amz-Request-Id"}

func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			return v
		}
	}
	return ""
}

// drainClose reads a little of what is left, so that the connection can be
// reused, and closes the body.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	body.Close()
}

// decode reads a 2xx body into st.out. It returns nil, a *bodyReadError
// (retry), or a *finalError around a *DecodeError (do not).
func (st *call) decode(resp *http.Response) error {
	defer resp.Body.Close()
	c := st.c
	if resp.ContentLength > c.maxBody {
		return st.decodeError(resp, fmt.Errorf("%w: Content-Length %d is over the limit of %d bytes (MaxResponseBytes)", ErrResponseTooLarge, resp.ContentLength, c.maxBody))
	}
	cr := &capReader{r: resp.Body, max: c.maxBody}
	var err error
	if st.out == nil {
		_, err = io.Copy(io.Discard, cr)
	} else {
		if st.decoded { // a retry after a body cut short: start afresh
			reflect.ValueOf(st.out).Elem().SetZero()
		}
		st.decoded = true
		dec := json.NewDecoder(cr)
		if err = dec.Decode(st.out); err == nil {
			if _, terr := dec.Token(); terr != io.EOF {
				err = terr
				if terr == nil {
					err = fmt.Errorf("unexpected data after the JSON value (at byte offset %d)", dec.InputOffset())
				}
			}
		}
	}
	switch {
	case err == nil:
		return nil
	case cr.over:
		return st.decodeError(resp, fmt.Errorf("%w: over the limit of %d bytes (MaxResponseBytes)", ErrResponseTooLarge, c.maxBody))
	case cr.err != nil:
		return &bodyReadError{cr.err}
	case err == io.EOF:
		return st.decodeError(resp, errors.New("empty body where JSON was expected"+contentType(resp)))
	case errors.Is(err, io.ErrUnexpectedEOF):
		// The JSON ends early although the body ended cleanly: a crashing
		// upstream or a proxy's buffer cut it with complete framing. It is
		// as transient as a connection cut mid-body, and retried like one.
		return &bodyReadError{fmt.Errorf("the JSON ends early, after %d bytes%s: %w", cr.n, contentType(resp), err)}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		err = fmt.Errorf("%w (at byte offset %d)%s", err, se.Offset, contentType(resp))
	case errors.As(err, &te):
		err = fmt.Errorf("%w (at byte offset %d)", err, te.Offset)
	}
	return st.decodeError(resp, err)
}

// contentType describes a Content-Type that is not JSON, for error messages.
func contentType(resp *http.Response) string {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return ""
	}
	return " (Content-Type " + strconv.Quote(ct) + ")"
}

func (st *call) decodeError(resp *http.Response, err error) error {
	c := st.c
	var (
		path string
		pe   *PathError
		te   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &pe):
		path = pe.Path
	case errors.As(err, &te) && te.Field != "":
		path = "$." + te.Field
	}
	return &finalError{&DecodeError{Vendor: c.vendor, Method: st.method, URL: st.respURL(resp), Path: c.redact.String(path),
		Err: &wrapped{msg: c.redact.String(err.Error()), errs: []error{err}}}}
}

// capReader reads at most max bytes, then fails with ErrResponseTooLarge; it
// records a read error other than EOF (a body cut short).
type capReader struct {
	r      io.Reader
	n, max int64
	err    error
	over   bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, ErrResponseTooLarge
	}
	if rem := c.max - c.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		c.over = true
		return n - int(c.n-c.max), ErrResponseTooLarge
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// fail turns what the retry loop ended with into the call's typed error.
func (st *call) fail(ctx context.Context, err error) error {
	var (
		out error
		fe  *finalError
		ue  *url.Error
		rl  *RateLimitError
	)
	switch {
	case errors.As(err, &fe):
		out = fe.err
	case errors.As(err, &ue):
		if errors.As(ue.Err, &rl) {
			out = rl
		} else {
			out = st.requestError(ue.Err)
		}
	default:
		out = st.requestError(err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(out, cerr) {
		out = st.requestError(&wrapped{msg: cerr.Error() + "; last outcome: " + out.Error(), errs: []error{cerr, out}})
	}
	if st.budgetOut {
		out = &wrapped{msg: out.Error() + "; not retried: " + ErrRetryBudgetExhausted.Error(), errs: []error{out, ErrRetryBudgetExhausted}}
	}
	return out
}

func (st *call) requestError(err error) error {
	if re, ok := err.(*RequestError); ok && re.Vendor == st.c.vendor {
		if re.Method == "" {
			re.Method = st.method
		}
		return re
	}
	return &RequestError{Vendor: st.c.vendor, Method: st.method, URL: st.redactedURL(), Err: err, Attempts: st.attempts, msg: st.c.redact.String(err.Error())}
}

// response describes the last response received, or nil.
func (st *call) response() *Response {
	r := st.last
	if r == nil {
		return nil
	}
	return &Response{
		StatusCode: r.StatusCode,
		Header:     r.Header,
		Attempts:   st.attempts,
		RequestID:  requestID(r.Header),
		RateLimit:  ParseRateLimit(r.Header),
		URL:        st.respURL(r),
	}
}

// transport wraps the HTTP client's transport: it refuses other origins,
// waits for the rate limiter, applies the credentials and watches the
// quota, on every attempt and redirect.
type transport struct{ c *Client }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	st, _ := req.Context().Value(callKey{}).(*call)
	if !c.sameOrigin(req.URL) {
		closeRequestBody(req)
		return nil, c.foreign(req.URL, "a request to "+c.redact.URL(req.URL))
	}
	if be, ok := req.Body.(*bodyError); ok {
		return nil, &finalError{&RequestError{Vendor: c.vendor, Method: req.Method, URL: c.redact.URL(req.URL),
			Err: be.err, msg: "building the request body: " + c.redact.String(be.err.Error())}}
	}
	if c.auth != nil && (st == nil || !st.noAuth) {
		r2 := req.Clone(req.Context())
		if err := c.auth.Apply(req.Context(), r2); err != nil {
			closeRequestBody(req)
			if ctxErr := req.Context().Err(); ctxErr != nil {
				return nil, ctxErr
			}
			return nil, &finalError{&RequestError{Vendor: c.vendor, Method: req.Method, URL: c.redact.URL(req.URL),
				Err: err, msg: "authenticating: " + c.redact.String(err.Error())}}
		}
		req = r2
	}
	// Paced after the credentials: fetching a token is a request of its
	// own, which must not wait for a slot this one holds.
	release, err := c.throttle(req.Context())
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	c.stats.requests.Add(1)
	// The attempt runs under its own context, cancelled when the headers
	// are late (ResponseHeaderTimeout) or the body stalls (ReadTimeout).
	ctx, cancel := context.WithCancelCause(req.Context())
	req = req.WithContext(ctx)
	timer := time.AfterFunc(c.hdrWait, func() { cancel(&timeoutError{what: "no response headers", d: c.hdrWait, opt: "ResponseHeaderTimeout"}) })
	sent := time.Now()
	resp, err := c.next.RoundTrip(req)
	timer.Stop()
	if err != nil {
		release()
		var te *timeoutError
		if cause := context.Cause(ctx); errors.As(cause, &te) {
			err = te
		}
		cancel(nil)
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		c.stats.rateLimited.Add(1)
	}
	c.pacer.observe(resp, sent)
	body := &deadlineBody{rc: resp.Body, ctx: ctx, cancel: cancel, d: c.readWait, release: release}
	body.timer = time.AfterFunc(c.readWait, func() { cancel(&timeoutError{what: "the body stalled", d: c.readWait, opt: "ReadTimeout"}) })
	body.timer.Stop() // armed by each Read
	resp.Body = body
	return resp, nil
}

// timeoutError is a server too slow to answer: no headers within
// ResponseHeaderTimeout, or a body that sent nothing for ReadTimeout. It is
// a net.Error whose Timeout is true, and retried like a reset.
type timeoutError struct {
	what string
	d    time.Duration
	opt  string
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%s for %v (%s, see WithTimeouts)", e.what, e.d, e.opt)
}

// Timeout reports true: the error is a timeout.
func (e *timeoutError) Timeout() bool { return true }

// Temporary reports true: the call is worth repeating.
func (e *timeoutError) Temporary() bool { return true }

// deadlineBody fails a read that gets no byte for d: each Read arms the
// timer, which cancels the attempt's context.
type deadlineBody struct {
	rc      io.ReadCloser
	ctx     context.Context
	cancel  context.CancelCauseFunc
	d       time.Duration
	timer   *time.Timer
	release func() // the pacer's slot; safe to call twice
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.d)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && err != io.EOF {
		var te *timeoutError
		if cause := context.Cause(b.ctx); errors.As(cause, &te) {
			err = te
		}
	}
	return n, err
}

func (b *deadlineBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	b.release()
	return err
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
