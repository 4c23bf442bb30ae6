package automox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name: in the vendors registry, errors, logs and
// checkpoints.
const Name = "automox"

// DefaultBaseURL is the origin of the API, to which the documented path
// (EventsPath) is appended. A base URL is an origin (scheme, host, port),
// optionally with a path prefix for a proxy ("https://proxy.example/automox"):
// requests go to base + EventsPath. A base URL that already ends in "/api"
// (the document's server, "https://console.automox.com/api") works too: the
// "/api" is not doubled.
const DefaultBaseURL = "https://console.automox.com"

// EventsPath is the documented path of the events endpoint, as the
// document and `auditkit vendors` print it; {orgUuid} is the organization.
const EventsPath = "/api/audit-service/v1/orgs/{orgUuid}/events"

// OrgHeader is the organization header sent with every request, as the
// document's code sample spells it. The document's parameter table spells it
// "ax-organization-uuid"; which the server reads is UNCONFIRMED (see
// WithOrgHeader).
const OrgHeader = "x-ax-organization-uuid"

// DefaultRateLimit and DefaultBurst are the fixed client-side request rate
// and burst used unless auditclient.WithRateLimit sets them: none
// (rate.Inf). The 5,000 requests an hour per API key of an old Automox
// Swagger document is UNCONFIRMED for this API, and no rate-limit header
// is documented: the client paces itself by the server's answers instead
// (see the package documentation). A caller who knows the account's quota
// can make it a ceiling with auditclient.WithPacer(auditclient.NewPacer(
// auditclient.PacerConfig{Quota: 5000, Window: time.Hour})).
const (
	DefaultRateLimit rate.Limit = rate.Inf
	DefaultBurst                = 1
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Client reads the audit trail of one Automox organization. It is safe for
// concurrent use.
type Client struct {
	api  *auditclient.Client
	org  string
	path string // the events endpoint, relative to the base URL
}

// NewClient returns a client that reads the organization orgUUID with the
// Automox API key apiKey (sent as Authorization: Bearer; community notes say
// it needs the organization:manage and users:read scopes, UNCONFIRMED).
// Every request also carries the organization in OrgHeader. Options set the
// base URL (a fake's URL, or a proxy), HTTP client, retry policy, rate limit
// and logger.
//
// A missing key or organization, or an organization that is not a UUID, is
// an *auditclient.ConfigError naming the parameter ("apiKey", "orgUUID")
// and the environment variable the auditkit CLI reads it from. The key
// never appears in an error, a log line or %v output.
func NewClient(apiKey, orgUUID string, opts ...auditclient.Option) (*Client, error) {
	if apiKey == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "apiKey", Env: "AUTOMOX_API_KEY", Reason: "empty: the Automox API key is required"}
	}
	if orgUUID == "" {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "orgUUID", Env: "AUTOMOX_ORG_UUID", Reason: "empty: the UUID of the organization whose audit trail to read is required"}
	}
	if !uuidPattern.MatchString(orgUUID) {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: "orgUUID", Env: "AUTOMOX_ORG_UUID", Value: strconv.Quote(clipString(orgUUID)), Reason: "not a UUID such as 123e4567-e89b-12d3-a456-426614174000"}
	}
	cfg := auditclient.Config{
		Vendor:      Name,
		BaseURL:     DefaultBaseURL,
		Auth:        auditclient.BearerToken(apiKey),
		RateLimit:   DefaultRateLimit,
		Burst:       DefaultBurst,
		ErrorParser: parseError,
		Header:      http.Header{"Accept": {"application/json"}, http.CanonicalHeaderKey(OrgHeader): {orgUUID}},
	}
	for _, o := range opts {
		o(&cfg)
	}
	api, err := auditclient.New(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{api: api, org: strings.ToLower(orgUUID)}
	c.path = eventsPath(api.BaseURL().Path, c.org)
	return c, nil
}

// eventsPath is the events endpoint of organization org relative to a base
// URL whose path is basePath: EventsPath, without its "/api" when the base
// path already ends in it.
func eventsPath(basePath, org string) string {
	p := strings.Replace(strings.TrimPrefix(EventsPath, "/"), "{orgUuid}", url.PathEscape(org), 1)
	if strings.HasSuffix(strings.TrimSuffix(basePath, "/"), "/api") {
		p = strings.TrimPrefix(p, "api/")
	}
	return p
}

// WithOrgHeader sends the organization in the header name instead of
// OrgHeader ("ax-organization-uuid" is the document's other spelling), or
// in none when name is "". Pass it to NewClient after any option that
// replaces the whole header set.
func WithOrgHeader(name string) auditclient.Option {
	return func(c *auditclient.Config) {
		key := http.CanonicalHeaderKey(OrgHeader)
		org := c.Header.Get(key)
		h := c.Header.Clone()
		h.Del(key)
		if name != "" && org != "" {
			h.Set(name, org)
		}
		c.Header = h
	}
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// Org returns the organization UUID the client reads (lower case).
func (c *Client) Org() string { return c.org }

// String describes the client without any credential.
func (c *Client) String() string {
	return "automox.Client(" + c.api.BaseURL().String() + ", org " + c.org + ")"
}

// Page is one response of the events endpoint: the events of one day after
// a cursor.
type Page struct {
	// Date is the day read, YYYY-MM-DD.
	Date string
	// Cursor is the cursor sent ("" for the day's first page).
	Cursor string
	// Events are the events, in the order sent (ascending id).
	Events []AuditEvent
	// Next is the cursor of the day's next page: the id of the last event
	// when the page was full (as many events as the limit sent, or
	// DefaultPageSize when none was), "" when it was the day's last.
	Next string
}

// ListPage sends one request exactly as given: the events of opts.Date
// (required) after opts.Cursor, at most opts.PageSize of them (the API's
// limit; not sent when 0). Use it to read or debug one page; Pages and
// Events walk whole windows.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts == nil || opts.Date.IsZero() {
		return nil, optionError("date", "", "a day such as 2024-06-18 (the API requires one)")
	}
	q, err := opts.values()
	if err != nil {
		return nil, err
	}
	var events eventList
	if _, err := c.api.Get(ctx, c.path, q, &events); err != nil {
		return nil, err
	}
	p := &Page{Date: q.Get("date"), Cursor: opts.Cursor, Events: events}
	if len(events) > 0 && len(events) >= opts.limit() {
		p.Next = events[len(events)-1].cursor()
	}
	return p, nil
}

// Pages walks the events of the options' window as Automox sends them
// (AuditEvent), page by page; its All method gives them one by one, as an
// iter.Seq2[AuditEvent, error] that yields an error once and stops. It
// reads every UTC day of the window in day order (see ListOptions): within a day by cursor, the id of the last
// event of the page before, until a page is short; several days fetched at
// once (Concurrency), each day's pages fetched one after the other ahead of
// the consumer (up to 1,000 events or two pages a day). Days without events are
// visited too, as empty pages. Only the events inside the window are kept.
// Page.Token is "DAY|CURSOR", such as "2024-06-18|6672200dd10935351f936399".
//
// Unlike Events, a zero Until means the time Pages is called.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditEvent] {
	o, err := auditclient.Validated(opts)
	return c.dayPager(ctx, o.window(time.Now().UTC()), o.limit(), o.concurrency(), "", err)
}

// Events walks the audit trail as OCSF events (see ToOCSF), day after day
// and by id within a day, resuming from resume when it is not nil.
//
// opts.Since and opts.Until are the window (or opts.Date, one day); a zero
// Until is pinned to the walk's start, and a zero Since is DefaultLookback
// before it. Every UTC day of the window is read, several at once
// (opts.Concurrency), and only the events inside the window are yielded.
// opts.Cursor must be empty. Bad options end the walk before any request,
// with an *auditclient.OptionError from Err; so is an Order other than
// NaturalOrder or OldestFirst (see ListOptions.Order).
//
// Checkpoints hold the day and the cursor of the page in progress, so a
// resumed walk restarts in the right day; a completed checkpoint makes the
// next walk start at the time of the newest event yielded (incremental
// sync). A checkpoint of another vendor or organization is refused.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return auditclient.Emptied(err)
	}
	if o.Cursor != "" {
		return auditclient.Emptied(optionError("cursor", o.Cursor, "empty with Events, which pages by itself and resumes from checkpoints"))
	}
	var win auditclient.Window
	if !o.Date.IsZero() {
		w := o.window(time.Time{})
		win = auditclient.Window{Since: w.since, Until: w.until}
	} else {
		win = auditclient.Window{Since: o.Since, Until: o.Until}
	}
	limit, conc := o.limit(), o.concurrency()
	src := auditclient.Source[AuditEvent]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, url.Values{"org": {c.org}}),
		Window: win,
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditEvent] {
			q := ListOptions{Since: w.Since, Until: w.Until}
			return c.dayPager(ctx, q.window(w.Until), limit, conc, token, nil)
		},
		Key: func(e AuditEvent) (time.Time, string) { return e.Time, e.UID() },
		// Pages are days: a day without events is an empty page that
		// still moves the walk forward.
		EmptyPagesAdvance: true,
		Map:               func(e AuditEvent) (ocsf.Event, error) { return ToOCSF(e), nil },
		Logger:            c.api.Logger(),
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// fetchDay fetches one page of day d after cursor; u is the URL that
// answered, redacted.
func (c *Client) fetchDay(ctx context.Context, d time.Time, cursor string, limit int) (events []AuditEvent, u string, err error) {
	q := url.Values{"date": {d.Format(time.DateOnly)}, "limit": {strconv.Itoa(limit)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var list eventList
	u, err = c.api.Fetch(ctx, &auditclient.Request{URL: c.path, Query: q}, &list)
	if err != nil {
		return nil, "", err
	}
	return list, u, nil
}

// parseError reads Automox's error body, {"errors":["Too many requests"]}.
// Entries that are objects are read for a "message" (or "error", "detail");
// the first entry is the message, the rest are details.
func parseError(_ int, body []byte) auditclient.ErrorDetails {
	var env struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Errors) == 0 {
		return auditclient.ErrorDetails{}
	}
	var msgs []string
	var code string
	for _, raw := range env.Errors {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				msgs = append(msgs, s)
			}
			continue
		}
		var obj struct {
			Message string          `json:"message"`
			Error   string          `json:"error"`
			Detail  string          `json:"detail"`
			Code    json.RawMessage `json:"code"`
		}
		if json.Unmarshal(raw, &obj) == nil {
			for _, m := range []string{obj.Message, obj.Error, obj.Detail} {
				if m = strings.TrimSpace(m); m != "" {
					msgs = append(msgs, m)
					break
				}
			}
			if code == "" && len(obj.Code) > 0 && string(obj.Code) != "null" {
				code = strings.Trim(string(obj.Code), `"`)
			}
		}
	}
	if len(msgs) == 0 {
		return auditclient.ErrorDetails{Code: code}
	}
	return auditclient.ErrorDetails{Code: code, Message: msgs[0], Details: msgs[1:]}
}
