package tanium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name: in the vendors registry, errors, logs and
// checkpoints.
const Name = "tanium"

// DefaultRateLimit is the fixed client-side request rate used unless
// auditclient.WithRateLimit sets one: none (0). Tanium documents no rate
// limit for its platform REST API (UNCONFIRMED); the client paces itself
// by the server's answers instead (see the package documentation).
const DefaultRateLimit = 0

// TokenPrefix begins the session header's value: session: token-<API token>.
const TokenPrefix = "token-"

// Client reads the audit histories of one Tanium Server. It is safe for
// concurrent use.
type Client struct {
	api *auditclient.Client
}

// NewClient returns a client of the Tanium Server at server (its URL, as
// in "https://tanium.example.com", or a Tanium Cloud API host; the
// documented path /api/v2/audit_logs/... is appended to it, so a proxy's
// path prefix may be part of it) that authenticates with the API token
// token, sent as the header session: token-<API token> (a token that
// already begins with "token-", as the console shows them, is sent as it
// is).
//
// Options set the HTTP client, retry policy, rate limit and logger; an
// auditclient.WithBaseURL among them wins over server. An empty server or
// token, or a server that is not an http(s) URL, is an
// *auditclient.ConfigError (errors.Is auditclient.ErrBadConfig) naming the
// parameter and the environment variable the auditkit CLI reads it from
// (TANIUM_SERVER, TANIUM_API_TOKEN). The token never appears in an error,
// a log line or %v output.
func NewClient(server, token string, opts ...auditclient.Option) (*Client, error) {
	server = strings.TrimSpace(server)
	if server == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "server", Env: "TANIUM_SERVER",
			Reason: "empty; Tanium has no public host: give your Tanium Server's URL, e.g. https://tanium.example.com"}
	}
	if strings.TrimSpace(token) == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "token", Env: "TANIUM_API_TOKEN", Reason: "empty; give a Tanium API token"}
	}
	cfg := auditclient.VendorConfig(Name, server, &sessionToken{token: token}, DefaultRateLimit, parseError, opts...)
	api, err := auditclient.New(cfg)
	var ce *auditclient.ConfigError
	if errors.As(err, &ce) && cfg.BaseURL == server && strings.HasPrefix(ce.Option, "BaseURL") {
		// The server parameter, not an option, was at fault.
		ce.Option, ce.Env = "server", "TANIUM_SERVER"
	}
	if err != nil {
		return nil, err
	}
	return &Client{api: api}, nil
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// String describes the client without any credential.
func (c *Client) String() string { return "tanium.Client(" + c.api.BaseURL().String() + ")" }

// sessionToken is the Auth of the platform REST API: session: token-<token>.
type sessionToken struct{ token string }

func (a *sessionToken) value() string {
	if strings.HasPrefix(a.token, TokenPrefix) {
		return a.token
	}
	return TokenPrefix + a.token
}

func (a *sessionToken) Apply(_ context.Context, req *http.Request) error {
	if strings.ContainsAny(a.token, "\r\n\x00") {
		return errors.New("tanium: the API token contains a control character")
	}
	req.Header.Set("session", a.value())
	return nil
}

func (a *sessionToken) Secrets() []string { return []string{a.token, a.value()} }

// String, GoString and Format print no secret.
func (a *sessionToken) String() string   { return "tanium.SessionToken{" + auditclient.Redacted + "}" }
func (a *sessionToken) GoString() string { return a.String() }
func (a *sessionToken) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(a.String()))
}

// historyPath is the route of an object's audit history.
func historyPath(o Object) string {
	return "api/v2/audit_logs/" + o.Type.Route() + "/" + o.ID
}

// optionsHeader is the tanium-options header asking for n history entries.
func optionsHeader(n int) string {
	return `{"audit_history_size":` + strconv.Itoa(n) + `}`
}

// ListPage fetches the audit history of the one object of opts.Objects
// (exactly one), opts.PageSize entries deep, in one request: no deepening,
// and the time window is not applied; the history is returned as sent.
// Bad options are an *auditclient.OptionError, and nothing is sent.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if len(opts.Objects) != 1 {
		return nil, badOption("objects", objectList(opts.Objects), "exactly one object: ListPage reads one history in one request")
	}
	return c.history(ctx, opts.Objects[0], opts.pageSize())
}

// history fetches one object's history.
func (c *Client) history(ctx context.Context, obj Object, size int) (*Page, error) {
	var resp response
	req := &auditclient.Request{
		URL:    historyPath(obj),
		Header: http.Header{"Tanium-Options": {optionsHeader(size)}},
	}
	if _, err := c.api.Do(ctx, req, &resp); err != nil {
		return nil, err
	}
	if resp.Data == nil {
		return nil, &auditclient.DecodeError{Vendor: Name, Method: http.MethodGet, URL: auditclient.RedactURL(c.api.BaseURL().JoinPath(historyPath(obj))), Path: "$.data", Err: &auditclient.PathError{Path: "$.data", Err: errNoData}}
	}
	for i := range resp.Data.Entries {
		e := &resp.Data.Entries[i]
		e.Object = obj
		e.uid = e.computeUID()
	}
	linkHistory(resp.Data.Entries)
	return resp.Data, nil
}

// Pages walks the histories of opts.Objects, one page per object in the
// order given, fetching up to opts.Concurrency histories ahead of the
// consumer. Each history is read as deep as the window needs (one request,
// or more when it comes back full; see ListOptions.PageSize), up to
// opts.MaxHistorySize. Page.Token is the index of the page's object in
// opts.Objects ("" for the first). Entries outside [opts.Since,
// opts.Until) are left out, so a page may be empty. Bad options end the
// walk before any request, with an *auditclient.OptionError.
//
// The last object's page is followed by an empty one, whose Token is
// len(opts.Objects), that ends the walk, or when some histories stayed
// short of the window at the largest depth, by one error joining their
// *TruncatedError (it matches ErrHistoryTruncated): the entries read were
// all delivered before it. Pages(ctx, opts).All() is the walk of
// entries; Events yields the same as OCSF events, with checkpoints.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[Entry] {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return pagination.NextToken(ctx, func(context.Context, string) ([]Entry, string, error) { return nil, "", err }, pagination.Options{})
	}
	o.Objects = slices.Clone(o.Objects)
	return c.pager(ctx, &o, "", o.Since, true, newTruncations(o.Objects))
}

// Events walks the audit histories of opts.Objects as OCSF events (see
// ToOCSF), object after object in the order given, each object's entries
// in the order the server sends them, resuming from resume when it is not
// nil.
//
// opts.Since and opts.Until are the window [Since, Until); a zero Until is
// pinned to the walk's start. Each object's history is read as deep as
// needed to reach back before the window's start (doubling the depth from
// opts.PageSize up to opts.MaxHistorySize); a history that stays short
// of it at that depth does not end the walk: its entries are yielded and
// the object is reported by auditclient.WarningsOf(it), as a
// *TruncatedError matching ErrHistoryTruncated (safe to read from any
// goroutine; read it once Next returned false).
//
// A checkpoint's position is the index of an object in opts.Objects and
// the entries of its history already consumed; a checkpoint taken with
// other objects (or the same in another order) is refused. A completed
// checkpoint makes the next walk yield only entries newer than the newest
// one yielded, reading each history deep enough to reach back to that one,
// so that more than PageSize new entries of an object are not lost (see
// the package documentation). Bad options end the walk before any request,
// with an *auditclient.OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return auditclient.Emptied(err)
	}
	o.Objects = slices.Clone(o.Objects)
	trunc := newTruncations(o.Objects)
	src := auditclient.Source[Entry]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, o.filters()),
		Window: auditclient.Window{Since: o.Since, Until: o.Until},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[Entry] {
			// The iterator applies the window; pages stay as sent so that
			// positions within them are stable. w.Since, the start of this
			// walk's window (the high-water mark of an incremental walk),
			// is how deep each history must reach.
			return c.pager(ctx, &o, token, w.Since, false, trunc)
		},
		Key:      func(e Entry) (time.Time, string) { return e.Time(), e.UID() },
		Map:      func(e Entry) (ocsf.Event, error) { return ToOCSF(e), nil },
		Logger:   c.api.Logger(),
		Warnings: trunc.list,
		// A page is an object's history: an empty one (an object skipped
		// as not found, or with no entry) still moves the walk on to the
		// next object.
		EmptyPagesAdvance: true,
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// pager walks the objects of o from the object at token, reading each
// history deep enough to reach back before since and recording cut-short
// histories in trunc. For Pages (pages set), it leaves out the entries
// outside o's window and ends with trunc's errors, joined; for Events, the
// iterator does both.
func (c *Client) pager(ctx context.Context, o *ListOptions, token string, since time.Time, pages bool, trunc *truncations) *pagination.Pager[Entry] {
	h := &histories{c: c, objs: o.Objects, size: o.pageSize(), maxSize: o.maxHistorySize(), since: since,
		width: o.concurrency(), skipNotFound: o.SkipNotFound, trunc: trunc, report: pages}
	fetch := h.fetch
	if pages && (!o.Since.IsZero() || !o.Until.IsZero()) {
		fetch = func(ctx context.Context, token string) ([]Entry, string, error) {
			items, next, err := h.fetch(ctx, token)
			kept := items[:0]
			for _, e := range items {
				if o.inWindow(e.Time()) {
					kept = append(kept, e)
				}
			}
			return kept, next, err
		}
	}
	return pagination.NextToken(ctx, fetch, pagination.Options{Start: token, Wait: h.wait})
}

// parseError reads Tanium's error body, a JSON object whose text member
// holds the message ({"text":"..."}, as Tanium's platform REST API answers
// and the Cortex XSOAR integration reads it). Other shapes fall back to
// the common members (message, error, errors).
func parseError(_ int, body []byte) auditclient.ErrorDetails {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return auditclient.ErrorDetails{}
	}
	var d auditclient.ErrorDetails
	str := func(k string) string {
		s, _ := stringField(k, m[k])
		return s
	}
	d.Message = str("text")
	if d.Message == "" {
		d.Message = str("message")
	}
	if d.Message == "" {
		d.Message = str("error")
	}
	if raw, ok := m["errors"]; ok {
		var list []any
		if json.Unmarshal(raw, &list) == nil {
			for _, e := range list {
				switch x := e.(type) {
				case string:
					d.Details = append(d.Details, x)
				case map[string]any:
					for _, k := range []string{"text", "message", "description"} {
						if s, ok := x[k].(string); ok && s != "" {
							d.Details = append(d.Details, s)
							break
						}
					}
				}
			}
		}
	}
	if code, ok := m["code"]; ok {
		d.Code = strings.Trim(string(code), `"`)
	}
	return d
}
