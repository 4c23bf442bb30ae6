package nprinting

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/baseurl"
	"github.com/auditkit/auditkit/internal/jsonshape"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name: in the vendors registry, errors, logs and
// checkpoints.
const Name = "nprinting"

// DefaultPort is the port of the NPrinting web engine's API, used when a
// server given without a scheme has no port.
const DefaultPort = "4993"

// DefaultRateLimit is the fixed client-side request rate used unless
// auditclient.WithRateLimit sets one: none (0). NPrinting documents no rate
// limit (UNCONFIRMED; it is an on-premises product); the client paces
// itself by the server's answers instead (see the package documentation).
const DefaultRateLimit = 0

// auditPath is the path of the endpoint under the server's base URL.
const auditPath = "api/v1/audit/events"

// ntlmLoginPath is the NTLM login of the NPrinting API.
const ntlmLoginPath = "api/v1/login/ntlm"

// Client reads the audit events of one Qlik NPrinting server. It is safe for
// concurrent use.
type Client struct {
	api *auditclient.Client
}

// NewClient returns a client of the NPrinting server at server that
// authenticates with a JWT: "Authorization: Bearer <token>" (JWT
// authentication is enabled under Admin › Settings › Authentication; the
// token's configured attribute names an NPrinting user whose role has audit
// rights).
//
// server is the server's base URL, such as
// "https://nprinting.example.com:4993"; a bare host ("nprinting.example.com"
// or "nprinting.example.com:4993") means https on that port, or on
// DefaultPort. It is the origin, optionally with a path prefix for a proxy
// ("https://gateway.example.com/nprinting"), and the documented path
// /api/v1/audit/events is appended; a trailing "/api/v1" or "/api" is
// dropped, so the API base also works. auditclient.WithBaseURL, when given,
// replaces it and means the same (the server is still required, as
// Entrust's tenant and Tanium's server are). The servers often use
// self-signed certificates: see WithRootCAsPEM and TLSClient (certificate
// verification is never turned off).
//
// Options set the HTTP client, retry policy, rate limit and logger. The
// token never appears in an error, a log line or %v output.
//
// An empty or malformed server, or an empty token, is an
// *auditclient.ConfigError (Option "server" or "token") naming the
// environment variable the auditkit CLI reads it from.
func NewClient(server, token string, opts ...auditclient.Option) (*Client, error) {
	token = strings.TrimSpace(token)
	if len(token) >= 6 && strings.EqualFold(token[:6], "bearer") && (len(token) == 6 || token[6] == ' ') {
		token = strings.TrimSpace(token[6:]) // given with its scheme
	}
	if token == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "token", Env: "NPRINTING_TOKEN",
			Reason: "the JWT is empty; pass the token of an NPrinting user whose role has audit rights"}
	}
	return newClient(server, auditclient.BearerToken(token), nil, opts)
}

// NTLM is the hook for Windows authentication: it returns a RoundTripper
// that runs the NTLM handshake for the requests it is given, and sends them
// through next (the transport the client would use otherwise, with its TLS
// settings).
//
// auditkit ships no NTLM implementation and takes no dependency for it.
// Plug in a third-party one, for example github.com/Azure/go-ntlmssp, whose
// Negotiator answers an NTLM challenge with the credentials of the
// request's basic auth:
//
//	hook := func(next http.RoundTripper) http.RoundTripper {
//		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
//			r = r.Clone(r.Context())
//			r.SetBasicAuth(`CORP\svc-audit`, password)
//			return ntlmssp.Negotiator{RoundTripper: next}.RoundTrip(r)
//		})
//	}
type NTLM func(next http.RoundTripper) http.RoundTripper

// NewNTLMClient returns a client that logs in with Windows authentication
// instead of a JWT: it calls GET /api/v1/login/ntlm through the hook ntlm
// before the first request, and sends the session cookies that the login
// sets (NPWEBCONSOLE_SESSION, NPWEBCONSOLE_XSRF-TOKEN) with every request,
// the XSRF token also as X-XSRF-TOKEN. Every request goes through the hook,
// which typically acts only when the server asks for NTLM. A 401 logs in
// again once; a login that fails is an *auditclient.APIError.
//
// server and opts are as for NewClient; a nil ntlm is an
// *auditclient.ConfigError (Option "ntlm"). The cookies never appear in an
// error, a log line or %v output.
func NewNTLMClient(server string, ntlm NTLM, opts ...auditclient.Option) (*Client, error) {
	if ntlm == nil {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "ntlm", Reason: "the NTLM hook is nil; pass a func wrapping an NTLM RoundTripper"}
	}
	c := &Client{}
	login := &ntlmLogin{client: c}
	auth := &ntlmAuth{inner: auditclient.RefreshingToken(auditclient.TokenSourceFunc(login.token), "Cookie", "")}
	c2, err := newClient(server, auth, func(cfg *auditclient.Config) error {
		hc := cfg.HTTPClient
		if hc == nil {
			hc = defaultHTTPClient()
		}
		cp := *hc
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		cp.Transport = ntlm(next)
		if cp.Transport == nil {
			return &auditclient.ConfigError{Vendor: Name, Option: "ntlm", Reason: "the NTLM hook returned a nil RoundTripper"}
		}
		cfg.HTTPClient = &cp
		cfg.Header.Set("X-Requested-With", "XMLHttpRequest") // NPrinting answers 401 rather than a login page
		return nil
	}, opts)
	if err != nil {
		return nil, err
	}
	c.api = c2.api
	return c, nil
}

// newClient builds the client; adjust, when set, changes the configuration
// after the caller's options.
func newClient(server string, auth auditclient.Auth, adjust func(*auditclient.Config) error, opts []auditclient.Option) (*Client, error) {
	server = normalizeServer(server)
	cfg := auditclient.VendorConfig(Name, server, auth, DefaultRateLimit, parseError, opts...)
	cfg.BaseURL = normalizeServer(cfg.BaseURL) // WithBaseURL's too: one meaning of the base URL
	fromServer := cfg.BaseURL == server        // not replaced by WithBaseURL
	// The server is required, as every vendor's positional settings are:
	// WithBaseURL replaces a given one (a proxy, a test server), as it
	// does Entrust's tenant and Tanium's server.
	if server == "" || cfg.BaseURL == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "server", Env: "NPRINTING_SERVER",
			Reason: "required: the NPrinting server, e.g. https://nprinting.example.com:4993 (there is no public host)"}
	}
	cfg.Header = cfg.Header.Clone()
	if cfg.Header == nil {
		cfg.Header = http.Header{}
	}
	if adjust != nil {
		if err := adjust(&cfg); err != nil {
			return nil, err
		}
	}
	api, err := auditclient.New(cfg)
	var ce *auditclient.ConfigError
	if fromServer && errors.As(err, &ce) && strings.HasPrefix(ce.Option, "BaseURL") {
		// The server given positionally: name it as the caller gave it.
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "server", Env: "NPRINTING_SERVER", Value: ce.Value, Reason: ce.Reason}
	}
	if err != nil {
		return nil, err
	}
	return &Client{api: api}, nil
}

// normalizeServer turns the forms of a server address into a base URL, the
// origin (with an optional path prefix, for a proxy) under which the
// documented path /api/v1/audit/events is requested: "host" and
// "host:port" become https URLs (port DefaultPort by default), and a
// trailing /api/v1 or /api, the start of the documented path, is dropped so
// that it is not doubled.
func normalizeServer(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		host, rest, _ := strings.Cut(s, "/")
		if !strings.Contains(host, ":") || strings.HasSuffix(host, "]") {
			host += ":" + DefaultPort
		}
		s = "https://" + host
		if rest != "" {
			s += "/" + rest
		}
	}
	return baseurl.Origin(s, "/api/v1", "/api")
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// String describes the client without any credential.
func (c *Client) String() string { return "nprinting.Client(" + c.api.BaseURL().String() + ")" }

// PageData is the data of one response: the page's items and the paging
// counts (the document's AuditEventListResponse.data).
type PageData struct {
	// TotalItems is the number of events that match the query.
	TotalItems int `json:"totalItems"`
	// Offset and Limit echo the page's position and size.
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	// Items are the events of the page.
	Items []AuditEvent `json:"items"`
}

// Page is one response of GET /api/v1/audit/events (the document's
// AuditEventListResponse).
type Page struct {
	// Data holds the page's records and counts.
	Data PageData `json:"data"`
}

// ListPage sends one request of GET /api/v1/audit/events with opts exactly
// as given (the server's defaults for what is unset: offset 0, limit 50),
// and returns the response.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p, _, err := c.fetch(ctx, opts)
	return p, err
}

// Pages walks the pages of GET /api/v1/audit/events from opts.Offset, with
// limit opts.PageSize (DefaultPageSize when 0), yielding the records as the
// server sends them; Pages(ctx, opts).All() ranges over every record. Once
// the first page has told data.totalItems, up to opts.Concurrency
// (DefaultConcurrency, 8) later pages are
// fetched at once, and still returned in order. Records whose id was on
// the page before are dropped (offsets over a live log can show a record
// twice). The options are sent as given: unlike Events, the window is not
// pinned, so over a live log set Until in the past — a page whose
// totalItems differs from the first page's ends the walk with a
// *auditclient.DecodeError (see pager), as does a body of the wrong shape.
// Bad options end the walk before any request, with an
// *auditclient.OptionError.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditEvent] {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return pagination.Offset(ctx, func(context.Context, int, int) ([]AuditEvent, int, error) { return nil, 0, err }, 1, pagination.Options{Prefetch: -1})
	}
	return c.pager(ctx, o, strconv.Itoa(o.Offset))
}

// Events walks the audit events as OCSF events (see ToOCSF), in the
// server's order (see ListOptions.Order), resuming from resume when it is
// not nil.
//
// opts.Since and opts.Until are the window, half-open: events at Since are
// yielded, events at Until are not. A zero Until is pinned to the last whole
// second completed when the walk starts, so that events arriving meanwhile
// cannot shift the offsets of later pages; they are collected by the next,
// incremental walk from the checkpoint. The request asks the server for a
// little more than the window (see the package documentation) and what lies
// outside it is dropped here. Pages are fetched several at once once the
// total is known, yielded in order, and de-duplicated by id. opts.Offset
// must be 0. Bad options end the walk before any request, with an
// *auditclient.OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return auditclient.Emptied(err)
	}
	if o.Offset != 0 {
		return auditclient.Emptied(optionError("offset", strconv.Itoa(o.Offset), "0 with Events, which pages by itself and resumes from checkpoints"))
	}
	src := auditclient.Source[AuditEvent]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, o.filters()),
		Window: auditclient.Window{Since: o.Since, Until: o.Until},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditEvent] {
			q := o
			q.Since, q.Until = windowQuery(w)
			if token == "" {
				token = "0"
			}
			return c.pager(ctx, q, token)
		},
		Key: func(e AuditEvent) (time.Time, string) { return e.EventTime, e.UID() },
		Map: func(e AuditEvent) (ocsf.Event, error) { return ToOCSF(e), nil },
		// The last completed second: a server that reads end as the whole
		// second (the document does not say) then counts no event that is
		// still arriving, and the total holds for the whole walk.
		Now:    func() time.Time { return time.Now().UTC().Truncate(time.Second).Add(-time.Second) },
		Logger: c.api.Logger(),
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// windowQuery returns the start and end to send for the half-open window
// [w.Since, w.Until) that the iterator cuts client-side.
//
// The document gives start and end at one-second resolution and does not
// say whether either is inclusive. So the request asks for a little more
// than the window, whatever the server's reading: start one second before
// Since (sent rounded down to the second: an exclusive start still takes
// the events at Since), and end at Until rounded up to the second (an
// exclusive end still takes the events just before Until). The events
// outside the window are dropped on this side.
func windowQuery(w auditclient.Window) (start, end time.Time) {
	if !w.Since.IsZero() {
		start = w.Since.Add(-time.Second)
		if start.UTC().Year() < 1 {
			start = w.Since
		}
	}
	return start, w.Until
}

// pager walks offsets from start (a decimal offset token) with o's filters
// and window.
//
// Every page is checked against what the walk already knows, and a page
// that contradicts it ends the walk with a permanent *auditclient.DecodeError
// naming the member at fault, rather than a walk cut short in silence: a
// totalItems other than the first page's ($.data.totalItems), an empty page
// or a short page before totalItems is reached, records past totalItems, a
// page whose every record was on the page before ($.data.items), and a walk
// that ends with fewer distinct records than totalItems announced.
func (c *Client) pager(ctx context.Context, o ListOptions, start string) *pagination.Pager[AuditEvent] {
	limit := o.PageSize
	if limit == 0 {
		limit = DefaultPageSize
	}
	first, err := strconv.Atoi(start)
	if err != nil {
		first = -1 // pagination.Offset reports the bad token
	}
	dd := &dedupe{first: first, total: -1, pages: map[int]*seenPage{}}
	log := c.api.Logger()
	return pagination.Offset(ctx, func(ctx context.Context, offset, limit int) ([]AuditEvent, int, error) {
		q := o
		q.Offset, q.PageSize = offset, limit
		resp, u, err := c.fetch(ctx, &q)
		if err != nil {
			dd.publish(offset, nil)
			return nil, 0, err
		}
		if err := dd.check(offset, limit, &resp.Data); err != nil {
			dd.publish(offset, nil)
			return nil, 0, inconsistent(u, err)
		}
		items, dropped, err := dd.filter(ctx, offset, limit, resp.Data.Items)
		if err != nil {
			return nil, 0, inconsistent(u, err)
		}
		if dropped > 0 {
			log.LogAttrs(ctx, slog.LevelDebug, "nprinting: dropped records already on the page before",
				slog.Int("offset", offset), slog.Int("dropped", dropped))
		}
		return items, resp.Data.TotalItems, nil
	}, limit, pagination.Options{Start: start, Concurrency: o.concurrency()})
}

// inconsistent turns the *auditclient.PathError of a page that contradicts
// the walk into the permanent *auditclient.DecodeError of its response (u,
// already redacted); other errors (a cancelled context) are returned as
// they are.
func inconsistent(u string, err error) error {
	var pe *auditclient.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &auditclient.DecodeError{Vendor: Name, Method: http.MethodGet, URL: u, Path: pe.Path, Err: err}
}

// fetch gets one page; u is the URL that answered, redacted.
func (c *Client) fetch(ctx context.Context, opts *ListOptions) (p *Page, u string, err error) {
	v, err := opts.values()
	if err != nil {
		return nil, "", err
	}
	p = new(Page)
	u, err = c.api.Fetch(ctx, &auditclient.Request{URL: auditPath, Query: v}, p)
	if err != nil {
		return nil, "", err
	}
	return p, u, nil
}

// dedupe drops, from each page of a walk, the records whose id was on the
// page before it: offsets over a live log show a record twice when one
// arrives before it during the walk. Pages are fetched concurrently; each
// waits, after its own request, for the ids of the page before it, so
// memory holds the ids of the pages in flight only, and pages are filtered
// one after the other in offset order. It also holds what the walk knows
// (the first page's total, the distinct records so far) to check each page
// against.
type dedupe struct {
	first    int // offset of the walk's first page
	mu       sync.Mutex
	total    int // the first page's totalItems; -1 until it is known
	distinct int // records yielded so far (pages are filtered in order)
	pages    map[int]*seenPage
}

type seenPage struct {
	done chan struct{} // closed once ids is set
	ids  map[string]struct{}
	set  bool
}

func (d *dedupe) page(offset int) *seenPage {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.pages[offset]
	if !ok {
		p = &seenPage{done: make(chan struct{})}
		d.pages[offset] = p
	}
	return p
}

// publish records the ids of the page at offset (nil when its fetch failed).
func (d *dedupe) publish(offset int, ids map[string]struct{}) {
	p := d.page(offset)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !p.set {
		p.ids, p.set = ids, true
		close(p.done)
	}
}

// check compares the page at offset, requested with limit, with what the
// walk knows; a contradiction is an *auditclient.PathError. The first page
// tells the total; pagination.Offset fetches it alone, before any other.
func (d *dedupe) check(offset, limit int, l *PageData) error {
	n := len(l.Items)
	d.mu.Lock()
	if offset == d.first && d.total < 0 {
		d.total = l.TotalItems
	}
	total := d.total
	d.mu.Unlock()
	switch {
	case total >= 0 && l.TotalItems != total:
		return jsonshape.Errorf("$.data.totalItems", "%w: the page at offset %d says totalItems %d, the first page of the walk said %d: the records changed under the walk (retry it; set Until to pin the window)", pagination.ErrInconsistentPage, offset, l.TotalItems, total)
	case n == 0 && offset < l.TotalItems:
		return jsonshape.Errorf("$.data.items", "%w: the page at offset %d is empty, yet totalItems is %d", pagination.ErrInconsistentPage, offset, l.TotalItems)
	case offset+n > l.TotalItems:
		return jsonshape.Errorf("$.data.items", "%w: the page at offset %d holds %d records, past totalItems %d", pagination.ErrInconsistentPage, offset, n, l.TotalItems)
	case offset != d.first && n < limit && offset+n < l.TotalItems:
		return jsonshape.Errorf("$.data.items", "%w: the page at offset %d holds %d records where %d were asked for, and totalItems %d is not reached: records would be skipped", pagination.ErrInconsistentPage, offset, n, limit, l.TotalItems)
	}
	return nil
}

// filter returns items without the records of the page before (which lies
// at offset-limit: every page after the first is fetched with the walk's
// step as its limit), and without repeats within the page. A page made
// only of records already seen is an *auditclient.PathError (the server
// repeated a page), and so is a last page that leaves the walk with fewer
// distinct records than the total announced.
func (d *dedupe) filter(ctx context.Context, offset, limit int, items []AuditEvent) ([]AuditEvent, int, error) {
	ids := make(map[string]struct{}, len(items))
	var prev map[string]struct{}
	if offset != d.first && offset-limit >= d.first {
		p := d.page(offset - limit)
		select {
		case <-p.done:
		case <-ctx.Done():
			d.publish(offset, nil)
			return nil, 0, ctx.Err()
		}
		prev = p.ids
		d.mu.Lock()
		delete(d.pages, offset-limit)
		d.mu.Unlock()
	}
	out := items[:0:0]
	for i := range items {
		uid := items[i].UID()
		_, before := prev[uid]
		_, again := ids[uid]
		ids[uid] = struct{}{}
		if before || again {
			continue
		}
		out = append(out, items[i])
	}
	if len(out) == 0 && len(items) > 0 {
		d.publish(offset, nil)
		return nil, 0, jsonshape.Errorf("$.data.items", "%w: every record of the page at offset %d was on the page before it: the server repeated a page (does it ignore offset?)", auditclient.ErrNoProgress, offset)
	}
	d.mu.Lock()
	d.distinct += len(out)
	distinct, total := d.distinct, d.total
	d.mu.Unlock()
	if total >= 0 && offset+len(items) >= total && distinct < total-d.first {
		d.publish(offset, nil)
		return nil, 0, jsonshape.Errorf("$.data.items", "%w: the walk ends with %d distinct records from offset %d, where totalItems announced %d: the pages overlapped, so records were skipped (retry the walk)", pagination.ErrInconsistentPage, distinct, d.first, total-d.first)
	}
	d.publish(offset, ids)
	return out, len(items) - len(out), nil
}

// parseError reads NPrinting's error body, {"code":403,"message":"User has
// no rights to access the resource"} (the shape NPrinting's web engine
// sends, as seen in Qlik's knowledge base; the audit endpoint's own error
// body is UNCONFIRMED). ASP.NET's {"Message":"...","MessageDetail":"..."}
// and a plain-text body are read too.
func parseError(_ int, body []byte) auditclient.ErrorDetails {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		s := strings.TrimSpace(string(body))
		if s == "" || s[0] == '<' || s[0] == '{' || s[0] == '[' {
			return auditclient.ErrorDetails{}
		}
		line, _, _ := strings.Cut(s, "\n")
		if len(line) > 256 {
			line = line[:256]
		}
		return auditclient.ErrorDetails{Message: line}
	}
	get := func(keys ...string) string {
		for k, v := range m {
			for _, want := range keys {
				if strings.EqualFold(k, want) {
					var s string
					if json.Unmarshal(v, &s) == nil {
						return strings.TrimSpace(s)
					}
					if n := strings.TrimSpace(string(v)); n != "" && n != "null" && n[0] != '{' && n[0] != '[' {
						return n
					}
				}
			}
		}
		return ""
	}
	d := auditclient.ErrorDetails{
		Code:    get("code", "errorCode", "error_code"),
		Message: get("message", "error", "title"),
	}
	for _, k := range []string{"messageDetail", "exceptionMessage", "detail", "details"} {
		if s := get(k); s != "" {
			d.Details = append(d.Details, s)
		}
	}
	return d
}

// defaultHTTPClient is the client used when the caller gives none: a pooled
// transport of its own, as auditclient uses.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: t}
}

// ntlmLogin is the token source of an NTLM client: it calls the login and
// returns the session cookies as a Cookie header value.
type ntlmLogin struct {
	client *Client
}

// sessionCookies are the cookies of an NPrinting web session.
var sessionCookies = []string{"NPWEBCONSOLE_SESSION", "NPWEBCONSOLE_XSRF-TOKEN"}

func (l *ntlmLogin) token(ctx context.Context) (auditclient.Token, error) {
	api := l.client.api
	if api == nil {
		return auditclient.Token{}, errors.New("nprinting: the client is not ready")
	}
	resp, err := api.Do(ctx, &auditclient.Request{Method: http.MethodGet, URL: ntlmLoginPath, NoAuth: true}, nil)
	if err != nil {
		return auditclient.Token{}, err
	}
	cookies := (&http.Response{Header: resp.Header}).Cookies()
	var parts []string
	for _, ck := range cookies {
		if ck.Value == "" || ck.MaxAge < 0 {
			continue
		}
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		return auditclient.Token{}, errors.New("nprinting: " + ntlmLoginPath + " answered " + strconv.Itoa(resp.StatusCode) + " but set no session cookie (" + strings.Join(sessionCookies, ", ") + ")")
	}
	return auditclient.Token{Value: strings.Join(parts, "; ")}, nil
}

// cookieValue returns the value of cookie name in a Cookie header value.
func cookieValue(header, name string) string {
	for _, part := range strings.Split(header, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == name {
			return v
		}
	}
	return ""
}

// ntlmAuth sends the session cookies of an NTLM login (through a
// RefreshingToken, which logs in again after a 401) and echoes the XSRF
// cookie in X-XSRF-TOKEN, as the NPrinting web console does (harmless on
// GET). Every cookie value is a secret, alone and in the Cookie header.
type ntlmAuth struct{ inner auditclient.Auth }

func (a *ntlmAuth) Apply(ctx context.Context, req *http.Request) error {
	if err := a.inner.Apply(ctx, req); err != nil {
		return err
	}
	if v := cookieValue(req.Header.Get("Cookie"), "NPWEBCONSOLE_XSRF-TOKEN"); v != "" {
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		req.Header.Set("X-XSRF-TOKEN", v)
	}
	return nil
}

func (a *ntlmAuth) Secrets() []string {
	var out []string
	for _, s := range a.inner.Secrets() {
		out = append(out, s)
		for _, part := range strings.Split(s, ";") {
			if _, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && len(v) >= 4 {
				out = append(out, v)
				if u, err := url.QueryUnescape(v); err == nil && u != v {
					out = append(out, u)
				}
			}
		}
	}
	return out
}

// Invalidate drops the session; the next request logs in again.
func (a *ntlmAuth) Invalidate() {
	if inv, ok := a.inner.(auditclient.Invalidator); ok {
		inv.Invalidate()
	}
}

// String prints no secret.
func (a *ntlmAuth) String() string   { return "nprinting.NTLMSession{" + auditclient.Redacted + "}" }
func (a *ntlmAuth) GoString() string { return a.String() }
