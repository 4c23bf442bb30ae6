package tanium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Vendor is the name this package gives errors, logs and checkpoints.
const Vendor = "tanium"

// DefaultRateLimit is the client-side request rate (requests per second)
// used unless auditclient.WithRateLimit says otherwise. Tanium documents no
// rate limit for its platform REST API (UNCONFIRMED); the server is the
// customer's own, so the default stays gentle.
const DefaultRateLimit = 5

// TokenPrefix begins the session header's value: session: token-<API token>.
const TokenPrefix = "token-"

// Client reads the audit histories of one Tanium Server. It is safe for
// concurrent use.
type Client struct {
	api *auditclient.Client
}

// NewClient returns a client that authenticates with a Tanium API token,
// sent as the header session: token-<API token> (a token that already
// begins with "token-", as the console shows them, is sent as it is).
//
// Tanium has no public host: pass the server's base URL with
// auditclient.WithBaseURL ("https://tanium.example.com", or a Tanium Cloud
// API host). Other options set the HTTP client, retry policy, rate limit
// and logger. The token never appears in an error, a log line or %v output.
func NewClient(apiToken string, opts ...auditclient.Option) (*Client, error) {
	if strings.TrimSpace(apiToken) == "" {
		return nil, errors.New("tanium: NewClient: the API token is empty (TANIUM_API_TOKEN)")
	}
	cfg := auditclient.Config{
		Vendor:      Vendor,
		Auth:        &sessionToken{token: apiToken},
		RateLimit:   DefaultRateLimit,
		Burst:       DefaultRateLimit,
		ErrorParser: parseError,
		Header:      http.Header{"Accept": {"application/json"}},
	}
	auditclient.ApplyOptions(&cfg, opts...)
	if cfg.BaseURL == "" {
		return nil, errors.New("tanium: NewClient: no base URL; Tanium has no public host, pass auditclient.WithBaseURL(\"https://<your Tanium server>\")")
	}
	api, err := auditclient.New(cfg)
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

// ListPage fetches the audit history of one object with opts.HistorySize,
// in one request (the other options are not used: no deepening, and the
// time window is not applied; the history is returned as sent). obj need
// not be among opts.Objects; opts may be nil.
func (c *Client) ListPage(ctx context.Context, obj Object, opts *ListOptions) (*AuditLog, error) {
	if err := obj.Validate(); err != nil {
		return nil, err
	}
	size := DefaultHistorySize
	if opts != nil {
		o := *opts
		o.Objects = []Object{obj}
		if err := o.Validate(); err != nil {
			return nil, err
		}
		size = o.historySize()
	}
	return c.history(ctx, obj, size)
}

// history fetches one object's history.
func (c *Client) history(ctx context.Context, obj Object, size int) (*AuditLog, error) {
	var resp response
	req := &auditclient.Request{
		URL:    historyPath(obj),
		Header: http.Header{"Tanium-Options": {optionsHeader(size)}},
	}
	if _, err := c.api.Do(ctx, req, &resp); err != nil {
		return nil, err
	}
	if resp.Data == nil {
		return nil, &auditclient.DecodeError{Vendor: Vendor, Method: http.MethodGet, URL: auditclient.RedactURL(c.api.BaseURL().JoinPath(historyPath(obj))), Path: "$.data", Err: &auditclient.PathError{Path: "$.data", Err: errNoData}}
	}
	for i := range resp.Data.Entries {
		e := &resp.Data.Entries[i]
		e.Object = obj
		e.uid = e.computeUID()
	}
	return resp.Data, nil
}

// Pages walks the histories of opts.Objects, one page per object in the
// order given, fetching up to opts.Concurrency histories ahead of the
// consumer. Each history is read as deep as the window needs (one request,
// or more when it comes back full; see ListOptions.HistorySize), up to
// opts.MaxHistorySize. Page.Token is the index of the page's object in
// opts.Objects ("" for the first). Entries outside [opts.Since,
// opts.Until) are left out, so a page may be empty. Bad options end the
// walk before any request.
//
// Pages cannot report a history that stays short of the window at the
// largest depth: List and Events do (see TruncatedError).
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[Entry] {
	return c.pages(ctx, opts, nil)
}

func (c *Client) pages(ctx context.Context, opts *ListOptions, trunc *truncations) *pagination.Pager[Entry] {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return pagination.NextToken(ctx, func(context.Context, string) ([]Entry, string, error) { return nil, "", err }, pagination.Options{})
	}
	return c.pager(ctx, &o, "", o.Since, true, trunc)
}

// List walks every entry of the histories of opts.Objects within the time
// window, object after object (see Pages). An error is yielded once and
// ends the walk. When every entry was yielded but some histories stayed
// short of the window at the largest depth, the walk ends with one error
// joining their *TruncatedError (it matches ErrHistoryTruncated).
func (c *Client) List(ctx context.Context, opts *ListOptions) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		var objs []Object
		if opts != nil {
			objs = opts.Objects
		}
		trunc := newTruncations(objs)
		for e, err := range c.pages(ctx, opts, trunc).All() {
			if !yield(e, err) || err != nil {
				return
			}
		}
		if cut := trunc.list(); len(cut) > 0 {
			yield(Entry{}, errors.Join(cut...))
		}
	}
}

// Events walks the audit histories of opts.Objects as OCSF events (see
// ToOCSF), object after object in the order given, each object's entries
// in the order the server sends them, resuming from resume when it is not
// nil.
//
// opts.Since and opts.Until are the window [Since, Until); a zero Until is
// pinned to the walk's start. Each object's history is read as deep as
// needed to reach back before the window's start (doubling the depth from
// opts.HistorySize up to opts.MaxHistorySize); a history that stays short
// of it at that depth does not end the walk: its entries are yielded and
// the object is reported by auditclient.WarningsOf(it), as a
// *TruncatedError matching ErrHistoryTruncated (safe to read from any
// goroutine; read it once Next returned false).
//
// A checkpoint's position is the index of an object in opts.Objects and
// the entries of its history already consumed; a checkpoint taken with
// other objects (or another order) is refused. A completed checkpoint makes
// the next walk yield only entries newer than the newest one yielded,
// reading each history deep enough to reach back to that one, so that more
// than HistorySize new entries of an object are not lost (see the package
// documentation). Bad options end the walk before any request, with an
// *OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return auditclient.Emptied(err)
	}
	o.Objects = append([]Object(nil), o.Objects...)
	trunc := newTruncations(o.Objects)
	src := auditclient.Source[Entry]{
		Vendor: Vendor,
		Query:  auditclient.Fingerprint(Vendor, o.filters()),
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
// history deep enough to reach back before since, filtering entries by o's
// window when filter is set, and recording cut-short histories in trunc
// (which may be nil).
func (c *Client) pager(ctx context.Context, o *ListOptions, token string, since time.Time, filter bool, trunc *truncations) *pagination.Pager[Entry] {
	h := &histories{c: c, objs: o.Objects, size: o.historySize(), maxSize: o.maxHistorySize(), since: since,
		width: o.concurrency(), skipNotFound: o.SkipNotFound, trunc: trunc}
	fetch := h.fetch
	if filter && (!o.Since.IsZero() || !o.Until.IsZero()) {
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
	return pagination.NextToken(ctx, fetch, pagination.Options{Start: token})
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
