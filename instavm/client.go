package instavm

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/baseurl"
	"github.com/auditkit/auditkit/internal/stall"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name in the vendors registry, errors, logs and
// checkpoints.
const Name = "instavm"

// DefaultBaseURL is the API host of InstaVM (from the authentication
// guide's curl example). Pass another with auditclient.WithBaseURL.
const DefaultBaseURL = "https://api.instavm.io"

// APIKeyHeader is the header NewClient sends the API key in.
const APIKeyHeader = "X-API-Key"

// envAPIKey is the environment variable the auditkit CLI reads the API key
// from (Vendor's api_key setting); NewClient names it in its errors.
const envAPIKey = "INSTAVM_API_KEY"

// DefaultRateLimit is the fixed client-side request rate used unless
// auditclient.WithRateLimit sets one: none (0). InstaVM publishes no
// numbers (its SDK documents a "Rate limit exceeded" error and advises
// backoff); the client paces itself by the server's answers instead (see
// the package documentation). 429 responses are retried, honouring
// Retry-After.
const DefaultRateLimit = 0

// eventsPath is the endpoint, relative to the base URL.
const eventsPath = "v1/audit/events"

// Client reads the audit events of one InstaVM account. It is safe for
// concurrent use.
type Client struct {
	api    *auditclient.Client
	scheme string // how it authenticates, for String
}

// NewClient returns a client that sends apiKey in the X-API-Key header, as
// InstaVM's guide does for raw HTTP calls (keys start with "instavm_sk_";
// every key has full account access). Options set the base URL (default
// DefaultBaseURL, or a fake's URL), HTTP client, retry policy, rate limit
// and logger. An empty key, or one with a space or a control character,
// is an *auditclient.ConfigError (Option "apiKey", Env INSTAVM_API_KEY, the
// variable the auditkit CLI reads it from); nothing is sent.
//
// The key never appears in an error, a log line or %v output.
func NewClient(apiKey string, opts ...auditclient.Option) (*Client, error) {
	if err := checkCredential("apiKey", envAPIKey, `the InstaVM API key ("instavm_sk_...")`, apiKey); err != nil {
		return nil, err
	}
	return newClient(auditclient.StaticHeader(APIKeyHeader, apiKey), "X-API-Key", opts)
}

// NewBearerClient returns a client that sends token as
// "Authorization: Bearer <token>", the document's OAuth2PasswordBearer
// scheme; a bad token is an *auditclient.ConfigError (Option "token"), as
// for NewClient. Use NewClientWithAuth for a token that must be refreshed.
func NewBearerClient(token string, opts ...auditclient.Option) (*Client, error) {
	if err := checkCredential("token", "", "the bearer token", token); err != nil {
		return nil, err
	}
	return newClient(auditclient.BearerToken(token), "bearer", opts)
}

// NewClientWithAuth returns a client that authenticates with auth, for
// example auditclient.RefreshingToken(src, "Authorization", "Bearer ") for
// OAuth2 tokens that expire (a 401 then fetches a new one and repeats the
// call once). A nil auth is an *auditclient.ConfigError (Option "auth").
func NewClientWithAuth(auth auditclient.Auth, opts ...auditclient.Option) (*Client, error) {
	if auth == nil {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "auth", Reason: "nil: pass an auditclient.Auth, such as auditclient.RefreshingToken(...)"}
	}
	return newClient(auth, "custom auth", opts)
}

// checkCredential returns the *auditclient.ConfigError of a credential
// (what, e.g. "the InstaVM API key") that is empty or holds a space or a
// control character (a copy and paste gone wrong). The value is never put
// in the error.
func checkCredential(option, env, what, v string) error {
	reason := ""
	switch {
	case v == "":
		reason = "empty: " + what + " is required"
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		reason = what + " holds a space or a control character"
	default:
		return nil
	}
	return &auditclient.ConfigError{Vendor: Name, Option: option, Env: env, Reason: reason}
}

func newClient(auth auditclient.Auth, scheme string, opts []auditclient.Option) (*Client, error) {
	cfg := auditclient.VendorConfig(Name, DefaultBaseURL, auth, DefaultRateLimit, parseError, opts...)
	cfg.BaseURL = originOf(cfg.BaseURL)
	api, err := auditclient.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{api: api, scheme: scheme}, nil
}

// originOf returns the base URL as the origin under which the documented
// path /v1/audit/events is requested: the origin (scheme, host, port) and
// an optional path prefix for a proxy, without a trailing slash, and
// without a trailing /v1, the start of the documented path, so that a base
// URL given as the API's own (https://api.instavm.io/v1) is not doubled.
func originOf(base string) string {
	return baseurl.Origin(base, "/v1")
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// String describes the client without any credential.
func (c *Client) String() string {
	return "instavm.Client(" + c.api.BaseURL().String() + ", " + c.scheme + ")"
}

// ListPage fetches one page of GET /v1/audit/events with opts as given
// (opts.Cursor names the page; "" is the first; a zero PageSize sends no
// limit). Since and Until are applied to the page's items client-side;
// NextCursor is kept as sent. Bad options are an *auditclient.OptionError
// and send nothing; a 422 is a *ValidationError.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	q, err := opts.values()
	if err != nil {
		return nil, err
	}
	p, _, err := c.fetch(ctx, q)
	if err != nil {
		return nil, err
	}
	if opts != nil && (!opts.Since.IsZero() || !opts.Until.IsZero()) {
		p.Items = filterWindow(p.Items, opts)
	}
	return p, nil
}

// Pages walks the pages of GET /v1/audit/events as the API sends them,
// following each response's next_cursor until it is null, with the next
// page fetched while the current one is consumed; All gives the events one
// by one. It starts at opts.Cursor ("" for the first page); a zero
// PageSize sends DefaultPageSize. Since and Until are applied
// client-side: every page of the query is still read, and a page may be
// left empty by the window. Bad options end the walk before any request,
// with an *auditclient.OptionError.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditEvent] {
	o, q, err := prepare(opts)
	start := o.Cursor
	var window *ListOptions
	if !o.Since.IsZero() || !o.Until.IsZero() {
		window = &o
	}
	prog := guard()
	return pagination.NextToken(ctx, func(ctx context.Context, cursor string) ([]AuditEvent, string, error) {
		if err != nil {
			return nil, "", err
		}
		items, next, err := c.page(ctx, prog, q, cursor)
		if err == nil && window != nil {
			items = filterWindow(items, window)
		}
		return items, next, err
	}, pagination.Options{Start: start})
}

// Events walks the audit events as OCSF events (see ToOCSF), in the order
// the API sends them (see ListOptions.Order), resuming from resume when it
// is not nil.
//
// The API has no time filter, so every walk reads the whole stream of the
// query, and the window (opts.Since, opts.Until) is applied client-side: a
// zero Until is pinned to the walk's start, and events created later are
// left for the next, incremental walk from the checkpoint. A complete
// checkpoint makes that walk yield only events newer than the last one
// yielded (and those of the very same instant not yet yielded), though it
// still reads every page. opts.Cursor must be "". Bad options end the walk
// before any request, with an *auditclient.OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, q, err := prepare(opts)
	if err == nil && o.Cursor != "" {
		err = optionError("cursor", o.Cursor, `"" with Events, which pages by itself and resumes from checkpoints`)
	}
	if err != nil {
		return auditclient.Emptied(err)
	}
	src := auditclient.Source[AuditEvent]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, o.filters()),
		Window: auditclient.Window{Since: o.Since, Until: o.Until},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditEvent] {
			return c.eventPager(ctx, q, o.PageSize, token, w.Until)
		},
		Key:    func(e AuditEvent) (time.Time, string) { return e.CreatedAt, e.UID() },
		Map:    func(e AuditEvent) (ocsf.Event, error) { return ToOCSF(e), nil },
		Logger: c.api.Logger(),
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// prepare copies the caller's options, checks them, fills in the default
// page size and encodes the query without the cursor.
func prepare(opts *ListOptions) (ListOptions, url.Values, error) {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return o, nil, err
	}
	o.PageSize = cmp.Or(o.PageSize, DefaultPageSize)
	cursor := o.Cursor
	o.Cursor = ""
	q, err := o.values()
	o.Cursor = cursor
	return o, q, err
}

// page fetches the page at cursor with the query q (which holds no
// cursor) and checks it with prog.
func (c *Client) page(ctx context.Context, prog *stall.Guard[AuditEvent], q url.Values, cursor string) ([]AuditEvent, string, error) {
	p, u, err := c.fetch(ctx, withCursor(q, cursor))
	if err != nil {
		return nil, "", err
	}
	items, err := prog.Check(p.Items, p.Next() == "", u)
	if err != nil {
		return nil, "", err
	}
	return items, p.Next(), nil
}

// MaxStalledPages is how many pages in a row may bring no new event —
// empty pages, or pages whose every event was on the page before — while
// next_cursor still names a further page. The next such page ends the walk
// with a permanent *auditclient.DecodeError at $.next_cursor: a server that
// hands out a new cursor with the same events, or with none, forever
// would otherwise hold the walk for ever. (A cursor handed out twice ends
// the walk at once, with pagination.ErrRepeatedToken.)
const MaxStalledPages = 5

// guard returns the check of one walk's pages: it drops the events a page
// repeats from the page before (a cursor walk never legitimately shows an
// event twice) and ends the walk when pages stop bringing new events (see
// MaxStalledPages). The last page (no next cursor) is never held against
// the walk.
func guard() *stall.Guard[AuditEvent] {
	return &stall.Guard[AuditEvent]{UID: (*AuditEvent).UID, Max: MaxStalledPages,
		Vendor: Name, Method: http.MethodGet, Path: "$.next_cursor"}
}

// eventPager walks pages for Events from the cursor start, leaving out of
// the first page the events created at or after until (the walk's pinned
// end, which the iterator drops anyway: the window is half-open).
//
// Dropping them there keeps the pages stable: the API has no time filter,
// so events that arrive during a walk (or before it is resumed) are
// served at the front of the first page, pushing its older events onto
// the next. The first page (cursor "") is therefore topped up, by
// following next_cursor, to at least limit events before until: a walk
// resumed at the first page's token then finds the same events there, at
// the same positions, and goes on after them, even when many events
// arrived in between. Later pages are fetched by the cursor of the page
// before, and yielded as sent (their events after until, if the stream is
// not newest first, are dropped by the iterator: left out here, they would
// make empty pages that look like a walk making no progress). Every page
// the API sends, topped-up ones included, is checked for progress (see
// MaxStalledPages), and a cursor repeated while topping up ends the walk
// with pagination.ErrRepeatedToken.
func (c *Client) eventPager(ctx context.Context, q url.Values, limit int, start string, until time.Time) *pagination.Pager[AuditEvent] {
	before := &ListOptions{Until: until}
	prog := guard()
	return pagination.NextToken(ctx, func(ctx context.Context, cursor string) ([]AuditEvent, string, error) {
		items, next, err := c.page(ctx, prog, q, cursor)
		if cursor != "" || err != nil {
			return items, next, err
		}
		items = filterWindow(items, before)
		seen := map[string]bool{}
		for err == nil && len(items) < limit && next != "" {
			if seen[next] {
				return nil, "", fmt.Errorf("instavm: topping up the first page: %w: %q came again", pagination.ErrRepeatedToken, clipCursor(next))
			}
			seen[next] = true
			var more []AuditEvent
			more, next, err = c.page(ctx, prog, q, next)
			items = append(items, filterWindow(more, before)...)
		}
		if err != nil {
			return nil, "", err
		}
		return items, next, nil
	}, pagination.Options{Start: start})
}

// clipCursor shortens a cursor for an error message.
func clipCursor(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// withCursor returns q with cursor set, or q itself for "".
func withCursor(q url.Values, cursor string) url.Values {
	if cursor == "" {
		return q
	}
	v := make(url.Values, len(q)+1)
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("cursor", cursor)
	return v
}

// fetch gets one page; u is the URL that answered, redacted. The body is
// checked by Page.UnmarshalJSON, which requires the items array.
func (c *Client) fetch(ctx context.Context, q url.Values) (p *Page, u string, err error) {
	p = new(Page)
	u, err = c.api.Fetch(ctx, &auditclient.Request{URL: eventsPath, Query: q}, p)
	if err != nil {
		return nil, "", asValidationError(err)
	}
	return p, u, nil
}

// filterWindow keeps the events within the options' window, in place.
func filterWindow(items []AuditEvent, o *ListOptions) []AuditEvent {
	out := items[:0]
	for _, e := range items {
		if o.inWindow(e.CreatedAt) {
			out = append(out, e)
		}
	}
	return out
}
