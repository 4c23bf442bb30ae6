package auditclient

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Option changes a Config. Every vendor package's NewClient takes these
// shared options after its credentials; New validates the result, so a bad
// option is reported as a *ConfigError before anything is sent.
type Option func(*Config)

// ApplyOptions applies opts to cfg in order, skipping nil ones.
func ApplyOptions(cfg *Config, opts ...Option) {
	if cfg == nil {
		return
	}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
}

// WithBaseURL sets the API base URL: an absolute http or https URL, which
// may end in a path prefix ("https://host/prefix"). Requests, redirects and
// next links are only ever sent to its scheme, host and port. Use it for a
// vendor's regional host, a proxy, or a fake (audittest) server.
func WithBaseURL(u string) Option { return func(c *Config) { c.BaseURL = u } }

// WithHTTPClient sets the *http.Client requests go through. The client is
// not modified: a copy is made whose Transport is wrapped by the rate
// limiter and credentials, and whose CheckRedirect refuses other origins.
func WithHTTPClient(hc *http.Client) Option { return func(c *Config) { c.HTTPClient = hc } }

// WithRetryPolicy sets the retry policy; zero fields take the defaults.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Config) { c.Retry = p } }

// WithRateLimit sets a fixed client-side cap, in requests per second, and
// its burst, on top of the pacing by what the server says (see Pacer),
// which no client goes without. There is no cap by default; rate.Inf
// removes one. A zero r or burst keeps the current value (the default
// burst is 1).
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *Config) {
		if r != 0 {
			c.RateLimit = r
		}
		if burst != 0 {
			c.Burst = burst
		}
	}
}

// WithPacer makes the client pace its requests with p, which may be
// shared: clients of one vendor account (a collector's sources) that share
// the account's quota should share one Pacer, so that the quota is a
// ceiling for all of them. nil gives the client a pacer of its own (the
// default).
func WithPacer(p *Pacer) Option { return func(c *Config) { c.Pacer = p } }

// WithLogger sets the logger: Debug for every attempt, Warn for every
// retry. No header and no credential is ever logged. nil discards.
func WithLogger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Config) { c.UserAgent = ua } }

// WithMaxResponseBytes caps the size of a response body; a larger body
// fails with a *DecodeError wrapping ErrResponseTooLarge. Default 64 MiB.
func WithMaxResponseBytes(n int64) Option { return func(c *Config) { c.MaxResponseBytes = n } }

// WithTimeouts bounds a slow server: header is the longest wait for a
// response's status line and headers after the request was sent, read the
// longest pause while reading a body (a server that sends one byte a second
// trips it). Each is retried within the retry budget like a reset. Zero
// keeps the default (DefaultResponseHeaderTimeout, DefaultReadTimeout); a
// negative value is refused by New.
func WithTimeouts(header, read time.Duration) Option {
	return func(c *Config) {
		if header != 0 {
			c.ResponseHeaderTimeout = header
		}
		if read != 0 {
			c.ReadTimeout = read
		}
	}
}

// WithInsecureHTTP allows a plain-http base URL to a host that is not a
// loopback address although credentials would travel in clear. Without it,
// New refuses such a base URL with a *ConfigError. Loopback (127.0.0.0/8,
// ::1, localhost) is always allowed, for fakes and local proxies.
func WithInsecureHTTP() Option { return func(c *Config) { c.AllowInsecureHTTP = true } }

// Defaults of Config.
const (
	// DefaultResponseHeaderTimeout is the longest wait for a response's
	// headers.
	DefaultResponseHeaderTimeout = 60 * time.Second
	// DefaultReadTimeout is the longest pause while a body is read.
	DefaultReadTimeout = 60 * time.Second

	// DefaultMaxResponseBytes caps a response body.
	DefaultMaxResponseBytes int64 = 64 << 20
	// MinRateLimit and MaxRateLimit bound a finite client-side rate limit,
	// in requests per second: below one request in about 17 minutes a walk
	// would seem to hang, above a million the limit means nothing.
	MinRateLimit = 0.001
	MaxRateLimit = 1e6
	// maxErrorBody is how much of an error body is read.
	maxErrorBody = 1 << 20
)

// settings is a validated Config with the defaults filled in.
type settings struct {
	Config
	base *url.URL
}

// validate checks cfg and fills in its defaults.
func (cfg Config) validate() (*settings, error) {
	v := strings.TrimSpace(cfg.Vendor)
	bad := func(opt, val, reason string) error {
		return &ConfigError{Vendor: v, Option: opt, Value: val, Reason: reason}
	}
	if v == "" || !validHeaderValue(v) {
		return nil, bad("Vendor", strconv.Quote(cfg.Vendor), "must be a non-empty name such as \"cisco\"")
	}
	cfg.Vendor = v

	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		val := "" // may hold credentials that cannot be stripped
		if r := RedactURLString(cfg.BaseURL); r != "" {
			val = strconv.Quote(r)
		}
		return nil, bad("BaseURL (WithBaseURL)", val, err.Error())
	}

	if base.Scheme == "http" && cfg.Auth != nil && !cfg.AllowInsecureHTTP && !isLoopback(base.Hostname()) {
		return nil, bad("BaseURL (WithBaseURL)", strconv.Quote(RedactURL(base)),
			"is plain http to a host that is not loopback: the credentials would travel in clear; use https, or WithInsecureHTTP to allow it")
	}

	switch r := float64(cfg.RateLimit); {
	case cfg.RateLimit == rate.Inf || math.IsInf(r, 1):
		cfg.RateLimit = rate.Inf
	case math.IsNaN(r) || r < 0 || (r > 0 && r < MinRateLimit) || r > MaxRateLimit:
		return nil, bad("RateLimit (WithRateLimit)", strconv.FormatFloat(r, 'g', -1, 64),
			fmt.Sprintf("must be between %g and %g requests per second, or rate.Inf or 0 for no fixed cap (the default: the client paces itself by the server's answers)", MinRateLimit, MaxRateLimit))
	case cfg.RateLimit == 0:
		cfg.RateLimit = DefaultRateLimit
	}
	switch {
	case cfg.ResponseHeaderTimeout < 0:
		return nil, bad("ResponseHeaderTimeout (WithTimeouts)", cfg.ResponseHeaderTimeout.String(), "must be positive, or 0 for the default (60s)")
	case cfg.ResponseHeaderTimeout == 0:
		cfg.ResponseHeaderTimeout = DefaultResponseHeaderTimeout
	}
	switch {
	case cfg.ReadTimeout < 0:
		return nil, bad("ReadTimeout (WithTimeouts)", cfg.ReadTimeout.String(), "must be positive, or 0 for the default (60s)")
	case cfg.ReadTimeout == 0:
		cfg.ReadTimeout = DefaultReadTimeout
	}
	switch {
	case cfg.Burst < 0:
		return nil, bad("Burst (WithRateLimit)", strconv.Itoa(cfg.Burst), "must be at least 1, or 0 for the default (1)")
	case cfg.Burst == 0:
		cfg.Burst = DefaultBurst
	}
	switch {
	case cfg.MaxResponseBytes < 0:
		return nil, bad("MaxResponseBytes (WithMaxResponseBytes)", strconv.FormatInt(cfg.MaxResponseBytes, 10),
			"must be a positive number of bytes, or 0 for the default (64 MiB)")
	case cfg.MaxResponseBytes == 0:
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	switch {
	case !validHeaderValue(cfg.UserAgent):
		return nil, bad("UserAgent (WithUserAgent)", strconv.Quote(cfg.UserAgent), "must not contain control characters")
	case cfg.UserAgent == "":
		cfg.UserAgent = DefaultUserAgent
	}
	for name, vals := range cfg.Header {
		if !validHeaderName(name) {
			return nil, bad("Header", strconv.Quote(name), "is not a valid HTTP header name")
		}
		for _, val := range vals {
			if !validHeaderValue(val) {
				return nil, bad("Header", strconv.Quote(name), "has a value with a control character")
			}
		}
	}
	cfg.Header = cfg.Header.Clone()

	cfg.Retry = cfg.Retry.withDefaults()
	if err := cfg.Retry.validate(v); err != nil {
		return nil, err
	}
	if cfg.Retry.Budget == nil {
		cfg.Retry.Budget = NewRetryBudget(DefaultRetryBudgetCapacity, DefaultRetryCost, DefaultRetryTimeoutCost)
	}
	if a, ok := cfg.Auth.(validator); ok {
		if err := a.validate(); err != nil {
			return nil, bad("Auth", "", err.Error())
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ErrorParser == nil {
		cfg.ErrorParser = parseGenericError
	}
	return &settings{Config: cfg, base: base}, nil
}

// parseBaseURL checks a base URL: absolute http(s), a host, no credentials,
// query or fragment.
func parseBaseURL(s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errorString("is required: an absolute http or https URL such as https://api.example.com")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errorString("is not a URL: an absolute http or https URL such as https://api.example.com is expected")
	}
	switch {
	case u.Scheme == "" || u.Opaque != "":
		return nil, errorString("must be an absolute URL with a scheme and host, such as https://api.example.com")
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return nil, errorString("the scheme must be http or https")
	case u.Host == "" || u.Hostname() == "":
		return nil, errorString("must have a host")
	case u.User != nil:
		return nil, errorString("must not carry credentials (user:password@); pass them as the vendor's credentials")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errorString("must not have a query; query parameters belong to each request")
	case u.Fragment != "":
		return nil, errorString("must not have a fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errorString("has an invalid port")
		}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
