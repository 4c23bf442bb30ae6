package entrust

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/baseurl"
	"github.com/auditkit/auditkit/internal/stall"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name: in the vendors registry, errors, logs and
// checkpoints.
const Name = "entrust"

// DefaultRateLimit is the fixed client-side request rate used unless
// auditclient.WithRateLimit sets one: none (0). Entrust documents no rate
// limit for these endpoints (UNCONFIRMED); the client paces itself by the
// server's answers instead (see the package documentation).
const DefaultRateLimit = 0

// TokenMargin is subtracted from the token's lifetime as the server states
// it (expirationTime − creationTime, about 15 minutes), on top of
// auditclient.RefreshingToken's own 30 seconds: a token is replaced a
// minute before it expires, so clock drift and slow requests do not meet
// an expired token.
const TokenMargin = 30 * time.Second

// The paths this package calls, relative to the tenant's base URL.
const (
	authPath  = "api/web/v1/adminapi/authenticate"
	pagedPath = "api/web/v2/reports/auditeventspaged"
	siemPath  = "api/web/v2/reports/auditeventspaged/siem"
)

// tenantURL returns the base URL of a tenant given as a host, as the API
// credentials file names it ("hostname", e.g. "example.us.trustedauth.com"):
// "https://" + host; a tenant given as a URL is kept as it is.
func tenantURL(tenant string) string {
	tenant = strings.TrimSuffix(strings.TrimSpace(tenant), "/")
	if strings.Contains(tenant, "://") {
		return tenant
	}
	return "https://" + tenant
}

// checkTenant returns the *auditclient.ConfigError of a tenant that is not
// a host or an http(s) URL without query, fragment or user info.
func checkTenant(tenant string) error {
	bad := func(reason string) error {
		// The tenant as given when it has no room for a credential (no
		// user info, query or fragment); otherwise without them, and
		// nothing of one that does not parse.
		val := fmt.Sprintf("%q", tenant)
		if strings.ContainsAny(tenant, "@?#") {
			val = ""
			if r := auditclient.RedactURLString(tenantURL(tenant)); r != "" {
				val = fmt.Sprintf("%q", r)
			}
		}
		return &auditclient.ConfigError{Vendor: Name, Option: "tenant", Env: "ENTRUST_TENANT", Value: val, Reason: reason}
	}
	if strings.TrimSpace(tenant) == "" {
		return bad("empty: give the hostname of your API credentials file, e.g. example.us.trustedauth.com, or the tenant's https URL")
	}
	u, err := url.Parse(tenantURL(tenant))
	switch {
	case err != nil || u.Host == "" || strings.ContainsAny(u.Host, " \t"):
		return bad("not a host name or URL; want e.g. example.us.trustedauth.com or https://example.us.trustedauth.com")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("the scheme must be https (or http for a local fake)")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(tenant, "?") || strings.HasSuffix(tenant, "#"):
		return bad("an origin with an optional path prefix, without user info, query or fragment")
	}
	return nil
}

// originOf returns the base URL without a trailing slash and without a
// trailing /api, /api/web, /api/web/v1 or /api/web/v2 (compared
// case-insensitively, in the path only): the origin and proxy prefix under
// which the documented paths are requested.
func originOf(base string) string {
	return baseurl.Origin(base, "/api/web/v2", "/api/web/v1", "/api/web", "/api")
}

// Client reads the audit events of one Entrust Identity as a Service
// tenant. It is safe for concurrent use.
type Client struct {
	api  *auditclient.Client
	auth *tokenAuth
}

// NewClient returns a client for one tenant and one Administration API
// application: the tenant is the "hostname" of the API credentials file
// (e.g. example.us.trustedauth.com) or the tenant's URL (https://host, with
// an optional path prefix for a proxy); applicationID and sharedSecret are
// the application's credentials (its role must grant REPORTS:VIEW).
// auditclient.WithBaseURL, when also given, wins over the tenant (a proxy,
// a test server). Other options set the HTTP client, retry policy, rate
// limit and logger.
//
// A missing or malformed tenant or credential is an
// *auditclient.ConfigError naming it and the environment variable the
// auditkit CLI reads it from (ENTRUST_TENANT, ENTRUST_APPLICATION_ID,
// ENTRUST_SHARED_SECRET); nothing is sent.
//
// The client authenticates on its first request (POST
// /api/web/v1/adminapi/authenticate) and sends the token it gets as the
// Authorization header. It replaces the token before it expires, and once
// more when a request is answered 401; a walk in progress goes on from
// where it was. Neither the shared secret nor a token ever appears in an
// error, a log line or %v output.
func NewClient(tenant, applicationID, sharedSecret string, opts ...auditclient.Option) (*Client, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	if strings.TrimSpace(applicationID) == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "applicationID", Env: "ENTRUST_APPLICATION_ID", Reason: "empty: give the applicationId of your API credentials file"}
	}
	if sharedSecret == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "sharedSecret", Env: "ENTRUST_SHARED_SECRET", Reason: "empty: give the sharedSecret of your API credentials file"}
	}
	ta := &tokenAuth{creds: &credentials{appID: applicationID, secret: sharedSecret}, now: time.Now}
	ta.inner = auditclient.RefreshingToken(auditclient.TokenSourceFunc(ta.token), "Authorization", "")
	cfg := auditclient.VendorConfig(Name, tenantURL(tenant), ta, DefaultRateLimit, parseError, opts...)
	cfg.BaseURL = originOf(cfg.BaseURL)
	api, err := auditclient.New(cfg)
	if err != nil {
		return nil, err
	}
	ta.setAPI(api)
	return &Client{api: api, auth: ta}, nil
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// String describes the client without any credential.
func (c *Client) String() string {
	if c == nil || c.api == nil {
		return "entrust.Client(nil)"
	}
	return "entrust.Client(" + auditclient.RedactURL(c.api.BaseURL()) + ")"
}

// GoString is String, so that %#v prints no credential.
func (c *Client) GoString() string { return c.String() }

// Format prints String() for every verb.
func (c *Client) Format(f fmt.State, verb rune) { writeFormatted(f, verb, c.String()) }

// Authenticate fetches a new token now, e.g. to check the credentials
// before a walk. Walks authenticate by themselves.
func (c *Client) Authenticate(ctx context.Context) error {
	c.auth.Invalidate()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api.BaseURL().String(), nil)
	if err != nil {
		return err
	}
	return c.auth.Apply(ctx, req) // fetches and caches a new token

}

// tokenAuth is the client's Auth: a RefreshingToken fed by the
// authenticate endpoint, whose Secrets also cover the shared secret, so
// that it is redacted should a server ever echo it.
type tokenAuth struct {
	inner auditclient.Auth
	// creds is behind a pointer so that even fmt's dump of a copied
	// Client (%v of *c) shows only an address.
	creds *credentials
	now   func() time.Time

	mu  sync.Mutex
	api *auditclient.Client
}

func (a *tokenAuth) setAPI(api *auditclient.Client) {
	a.mu.Lock()
	a.api = api
	a.mu.Unlock()
}

// credentials are the API application's id and shared secret.
type credentials struct{ appID, secret string }

// Apply sets the Authorization header to the current token.
func (a *tokenAuth) Apply(ctx context.Context, req *http.Request) error {
	return a.inner.Apply(ctx, req)
}

// Secrets are the tokens and the shared secret.
func (a *tokenAuth) Secrets() []string {
	return append(a.inner.Secrets(), a.creds.secret)
}

// Invalidate drops the cached token (on a 401).
func (a *tokenAuth) Invalidate() {
	if inv, ok := a.inner.(auditclient.Invalidator); ok {
		inv.Invalidate()
	}
}

// String, GoString and Format print no secret.
func (a *tokenAuth) String() string   { return "entrust.tokenAuth{" + auditclient.Redacted + "}" }
func (a *tokenAuth) GoString() string { return a.String() }
func (a *tokenAuth) Format(f fmt.State, verb rune) {
	writeFormatted(f, verb, a.String())
}

// authRequest is the body of POST /api/web/v1/adminapi/authenticate.
type authRequest struct {
	ApplicationID    string `json:"applicationId"`
	SharedSecret     string `json:"sharedSecret"`
	EnableWebSession bool   `json:"enableWebSession"`
}

// authResponse is its answer.
type authResponse struct {
	AuthToken      string `json:"authToken"`
	CreationTime   string `json:"creationTime"`
	ExpirationTime string `json:"expirationTime"`
}

// token authenticates and returns the new token with its expiry. It is the
// RefreshingToken's source; the request goes through the same client (same
// retries, limits and redaction) without the client's Auth, and its body is
// built afresh for every attempt.
func (a *tokenAuth) token(ctx context.Context) (auditclient.Token, error) {
	a.mu.Lock()
	api := a.api
	a.mu.Unlock()
	if api == nil {
		return auditclient.Token{}, errors.New("entrust: the client is not initialized")
	}
	var resp authResponse
	_, err := api.Do(ctx, &auditclient.Request{
		Method: http.MethodPost,
		URL:    authPath,
		Body:   auditclient.JSONBody(authRequest{ApplicationID: a.creds.appID, SharedSecret: a.creds.secret}),
		NoAuth: true,
	}, &resp)
	if err != nil {
		return auditclient.Token{}, err
	}
	if resp.AuthToken == "" {
		return auditclient.Token{}, errors.New("entrust: the authenticate response carries no authToken")
	}
	return auditclient.Token{Value: resp.AuthToken, Expiry: tokenExpiry(a.now(), resp.CreationTime, resp.ExpirationTime)}, nil
}

// tokenExpiry turns the server's creationTime and expirationTime into a
// local expiry: now plus the lifetime the server states, less TokenMargin.
// Measuring the lifetime on the server's own clock makes the local expiry
// immune to clock skew. Without creationTime the lifetime is counted from
// now; without a readable expirationTime the token is kept until a 401.
func tokenExpiry(now time.Time, created, expires string) time.Time {
	exp, err := parseISO(expires)
	if expires == "" || err != nil {
		return time.Time{}
	}
	lifetime := exp.Sub(now)
	if c, err := parseISO(created); created != "" && err == nil {
		lifetime = exp.Sub(c)
	}
	lifetime -= TokenMargin
	if lifetime < 0 {
		lifetime = 0
	}
	return now.Add(lifetime)
}

// ListPage fetches one page with opts as given: the first page of the
// search, or, with opts.Cursor, the page that cursor names. It sends
// exactly one request (after authenticating, when needed).
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p, _, err := c.fetch(ctx, opts.path(), opts.body(time.Now()))
	return p, err
}

// Pages walks the pages of the search, following paging.nextCursor, with
// the next page fetched while the current one is consumed; .All() ranges
// over the records. Unlike Events, the options are sent as given (no
// default order, no pinned window). With opts.Cursor the walk starts at
// that page.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditEvent] {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return c.pager(ctx, nil, "", err)
	}
	start := o.Cursor
	o.Cursor = ""
	return c.pager(ctx, &o, start, nil)
}

// Events walks the audit events as OCSF events (see ToOCSF), resuming from
// resume when it is not nil.
//
// opts.Since and opts.Until are the window; a zero Until is pinned to the
// walk's start. auditeventspaged is read by eventTime ascending (oldest
// first, as the SIEM variant always is) unless opts.Order or opts.OrderBy
// say otherwise; a checkpoint's position is the cursor of the page in
// progress, which follows the order. opts.Cursor must be empty: Events
// pages by itself and resumes from checkpoints. Bad options end the walk
// before any request, with an *auditclient.OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return auditclient.Emptied(err)
	}
	if o.Cursor != "" {
		return auditclient.Emptied(optionError("cursor", clipValue(o.Cursor), "empty with Events, which pages by itself and resumes from checkpoints"))
	}
	o.PageSize = cmp.Or(o.PageSize, DefaultPageSize)
	if o.OrderBy == nil {
		o.Order = o.Order.Resolve(auditclient.OldestFirst)
	}
	o.Filters = slices.Clone(o.Filters)
	src := auditclient.Source[AuditEvent]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, o.filters()),
		Window: auditclient.Window{Since: o.Since, Until: o.Until},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditEvent] {
			q := o
			q.Since, q.Until = w.Since, w.Until
			return c.pager(ctx, &q, token, nil)
		},
		Key:    func(e AuditEvent) (time.Time, string) { return e.EventTime, e.UID() },
		Map:    func(e AuditEvent) (ocsf.Event, error) { return ToOCSF(e), nil },
		Logger: c.api.Logger(),
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// pager walks the search o from the page of cursor start ("" for the
// first); err, when set, ends it before any request. The first page's body
// is built once, so that its eventTime bound does not move between
// attempts; later pages send only limit and cursor.
func (c *Client) pager(ctx context.Context, o *ListOptions, start string, err error) *pagination.Pager[AuditEvent] {
	var (
		path  string
		first searchParms
		limit int
	)
	if err == nil {
		path, first, limit = o.path(), o.body(time.Now()), o.limit()
	}
	prog := guard()
	return pagination.BodyCursor(ctx, func(ctx context.Context, cursor string) ([]AuditEvent, string, error) {
		if err != nil {
			return nil, "", err
		}
		body := first
		if cursor != "" {
			body = searchParms{Limit: limit, Cursor: cursor}
		}
		p, u, err := c.fetch(ctx, path, body)
		if err != nil {
			return nil, "", err
		}
		items, err := prog.Check(p.Results, p.Paging.NextCursor == "", u)
		if err != nil {
			return nil, "", err
		}
		return items, p.Paging.NextCursor, nil
	}, pagination.Options{Start: start})
}

// MaxStalledPages is how many pages in a row may bring no new event —
// empty pages, or pages whose every event was on the page before — while
// paging.nextCursor still names a further page. The next such page ends
// the walk with a permanent *auditclient.DecodeError at
// $.paging.nextCursor, matching auditclient.ErrNoProgress: a server that
// hands out a new cursor with the same events, or with none, forever would
// otherwise hold the walk for ever. (Events' iterator has the same check,
// with its own bound.) (A
// cursor handed out twice ends the walk at once, with
// pagination.ErrRepeatedToken.)
const MaxStalledPages = 5

// guard returns the check of one walk's pages: it drops the events a page
// repeats from the page before (a cursor walk never legitimately shows an
// event twice) and ends the walk when pages stop bringing new events (see
// MaxStalledPages). The last page (no next cursor) is never held against
// the walk.
func guard() *stall.Guard[AuditEvent] {
	return &stall.Guard[AuditEvent]{UID: (*AuditEvent).UID, Max: MaxStalledPages,
		Vendor: Name, Method: http.MethodPost, Path: "$.paging.nextCursor"}
}

// fetch posts one search; u is the URL that answered, redacted. The body
// is marshalled again for every attempt, and the response checked by
// Page.UnmarshalJSON.
func (c *Client) fetch(ctx context.Context, path string, body searchParms) (p *Page, u string, err error) {
	p = new(Page)
	u, err = c.api.Fetch(ctx, &auditclient.Request{Method: http.MethodPost, URL: path, Body: auditclient.JSONBody(body)}, p)
	if err != nil {
		return nil, "", err
	}
	return p, u, nil
}

// parseError reads Entrust's error body. Its errorCode member is what
// community collectors check; errorMessage and errorParms are UNCONFIRMED
// (read when present), and the common {"message"} / {"error"} shapes are
// read too.
//
//	{"errorCode":"INVALID_TOKEN","errorMessage":"The token is missing or has expired","errorParms":[]}
func parseError(_ int, body []byte) auditclient.ErrorDetails {
	var e struct {
		ErrorCode    json.RawMessage `json:"errorCode"`
		ErrorMessage string          `json:"errorMessage"`
		ErrorParms   []any           `json:"errorParms"`
		Message      string          `json:"message"`
		Error        any             `json:"error"`
		RequestID    string          `json:"requestId"`
	}
	if json.Unmarshal(body, &e) != nil {
		return auditclient.ErrorDetails{}
	}
	d := auditclient.ErrorDetails{
		Code:      strings.Trim(string(e.ErrorCode), `"`),
		Message:   e.ErrorMessage,
		RequestID: e.RequestID,
	}
	if d.Code == "null" {
		d.Code = ""
	}
	if d.Message == "" {
		d.Message = e.Message
	}
	if s, ok := e.Error.(string); ok && d.Message == "" {
		d.Message = s
	}
	for _, p := range e.ErrorParms {
		if p != nil {
			d.Details = append(d.Details, fmt.Sprint(p))
		}
	}
	return d
}

// writeFormatted writes s for every verb; %q quotes it.
func writeFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}
