package cisco

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonshape"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Name is the vendor's name: in the vendors registry, errors, logs and
// checkpoints.
const Name = "cisco"

// The regional API hosts of Cisco Secure Endpoint. Pass one with
// auditclient.WithBaseURL (the registry's region setting picks one by its
// name: na, eu or apjc); North America is the default.
const (
	RegionNorthAmerica = "https://api.amp.cisco.com"
	RegionEurope       = "https://api.eu.amp.cisco.com"
	RegionAsiaPacific  = "https://api.apjc.amp.cisco.com" // Asia Pacific, Japan and China
)

// DefaultRateLimit is the fixed client-side request rate used unless
// auditclient.WithRateLimit sets one: none (0). The client paces itself
// by Cisco's rate-limit headers instead (see the package documentation):
// the often-quoted 3,000 requests an hour is UNCONFIRMED, the headers are
// the server's word.
const DefaultRateLimit = 0

// Client reads the audit log of one Cisco Secure Endpoint organization.
// It is safe for concurrent use.
type Client struct {
	api *auditclient.Client
	now func() time.Time // the clock that pins a walk's window; time.Now
}

// NewClient returns a client that authenticates with HTTP Basic, the API
// client id as user and the API key as password ("Legacy API Credentials";
// read-only scope is enough). Options set the base URL (a Region* constant
// or a fake's URL), HTTP client, retry policy, rate limit and logger.
//
// An empty credential, or a client id with a colon (which HTTP Basic cannot
// carry), is an *auditclient.ConfigError naming the parameter and the
// environment variable the auditkit CLI reads it from. Neither credential
// ever appears in an error, a log line or %v output.
func NewClient(clientID, apiKey string, opts ...auditclient.Option) (*Client, error) {
	bad := func(option, env, reason string) (*Client, error) {
		return nil, &auditclient.ConfigError{Vendor: Name, Option: option, Env: env, Reason: reason}
	}
	switch {
	case clientID == "":
		return bad("clientID", "CISCO_CLIENT_ID", "empty; it is the API client id (the HTTP Basic user)")
	case strings.Contains(clientID, ":"):
		return bad("clientID", "CISCO_CLIENT_ID", "it holds a colon, which an HTTP Basic user cannot")
	case apiKey == "":
		return bad("apiKey", "CISCO_API_KEY", "empty; it is the API key (the HTTP Basic password)")
	}
	cfg := auditclient.VendorConfig(Name, RegionNorthAmerica, auditclient.BasicAuth(clientID, apiKey), DefaultRateLimit, parseError, opts...)
	api, err := auditclient.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{api: api, now: time.Now}, nil
}

// HTTP returns the underlying auditclient.Client, for its Stats.
func (c *Client) HTTP() *auditclient.Client { return c.api }

// String describes the client without any credential.
func (c *Client) String() string { return "cisco.Client(" + c.api.BaseURL().String() + ")" }

// Links are the paging links of a page.
type Links struct {
	Self string `json:"self"`           // the URL of this page
	Next string `json:"next,omitempty"` // the next page's URL; absent on the last page
}

// Results are the counts of a page.
type Results struct {
	Total            int `json:"total"`              // records matching the query
	CurrentItemCount int `json:"current_item_count"` // records on this page
	Index            int `json:"index"`              // the offset of this page's first record
	ItemsPerPage     int `json:"items_per_page"`     // the page size (limit) applied
}

// Metadata is the metadata of a page.
type Metadata struct {
	Links   Links   `json:"links"`   // this page and the next
	Results Results `json:"results"` // the counts
}

// Page is one response of GET /v1/audit_logs.
type Page struct {
	Version  string     `json:"version"`  // the API's version, e.g. "v1.2.0"
	Metadata Metadata   `json:"metadata"` // links and counts
	Data     []AuditLog `json:"data"`     // the records, newest first
}

// ListPage sends one request of GET /v1/audit_logs with opts as given
// (Offset included) and returns its page. Bad options are an
// *auditclient.OptionError before anything is sent.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*Page, error) {
	link, err := c.firstLink(opts)
	if err != nil {
		return nil, err
	}
	return c.fetch(ctx, link)
}

// Pages walks the pages of GET /v1/audit_logs from opts (Offset included),
// following metadata.links.next, with the next page fetched while the
// current one is consumed; its All method yields record after record. The
// options are sent as given: unlike Events, a zero Until is not pinned.
// Bad options end the walk before any request, with an
// *auditclient.OptionError.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditLog] {
	link, err := c.firstLink(opts)
	return c.pager(ctx, link, err)
}

// Events walks the audit log as OCSF events (see ToOCSF), newest first as the
// API sends them, resuming from resume when it is not nil.
//
// opts.Since and opts.Until are the window, half-open as every walk's:
// [Since, Until), a record created at exactly Until is not yielded, one at
// exactly Since is. A zero Until is pinned to the start of the second the
// walk starts in: records arriving meanwhile, within that second or later,
// are outside end_time and cannot shift the offsets of later pages (they
// are collected by the next, incremental walk from the checkpoint). Should
// offsets shift nonetheless, the records a growing total pushed from one
// page into the next are dropped. opts.Offset must be 0. Bad options end
// the walk before any request, with an *auditclient.OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	o, err := auditclient.Validated(opts)
	if err != nil {
		return auditclient.Emptied(err)
	}
	if o.Offset != 0 {
		return auditclient.Emptied(&auditclient.OptionError{Vendor: Name, Option: "offset", Value: strconv.Itoa(o.Offset), Allowed: "0 with Events, which pages by itself and resumes from checkpoints"})
	}
	o.PageSize = cmp.Or(o.PageSize, DefaultPageSize)
	src := auditclient.Source[AuditLog]{
		Vendor: Name,
		Query:  auditclient.Fingerprint(Name, o.filters()),
		Window: auditclient.Window{Since: o.Since, Until: o.Until},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditLog] {
			if token != "" {
				return c.pager(ctx, token, nil)
			}
			q := o
			q.Since, q.Until = w.Since, w.Until
			link, err := c.firstLink(&q)
			return c.pager(ctx, link, err)
		},
		Key: func(a AuditLog) (time.Time, string) { return a.CreatedAt, a.UID() },
		Map: func(a AuditLog) (ocsf.Event, error) { return ToOCSF(a), nil },
		// A zero end is pinned to the start of the current second: every
		// record of the window is then at least a second old, and none
		// created during the walk is inside end_time.
		Now: func() time.Time { return c.now().UTC().Truncate(time.Second) },
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// AuditLogType is one value of audit_log_type.
type AuditLogType struct {
	// Name is the value, e.g. "User".
	Name string `json:"name"`
	// Raw is the entry as the API sent it.
	Raw json.RawMessage `json:"-"`
}

// AuditLogTypes lists the valid audit_log_type values (GET /v1/audit_log_types).
// The response's shape is not in the document (UNCONFIRMED): entries are
// accepted as strings or as objects with a "name" (or "audit_log_type").
func (c *Client) AuditLogTypes(ctx context.Context) ([]AuditLogType, error) {
	var resp struct {
		Data []json.RawMessage `json:"data"`
	}
	if _, err := c.api.Get(ctx, "v1/audit_log_types", nil, &resp); err != nil {
		return nil, err
	}
	out := make([]AuditLogType, 0, len(resp.Data))
	for _, raw := range resp.Data {
		t := AuditLogType{Raw: raw}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			t.Name = s
		} else {
			var obj struct {
				Name         string `json:"name"`
				AuditLogType string `json:"audit_log_type"`
			}
			if err := json.Unmarshal(raw, &obj); err != nil {
				return nil, &auditclient.DecodeError{Vendor: Name, Method: http.MethodGet, URL: c.api.BaseURL().JoinPath("v1/audit_log_types").String(),
					Err: fmt.Errorf("audit_log_types entry %s is neither a string nor an object", raw)}
			}
			t.Name = cmp.Or(obj.Name, obj.AuditLogType)
		}
		out = append(out, t)
	}
	return out, nil
}

// firstLink is the URL of the first page for opts.
func (c *Client) firstLink(opts *ListOptions) (string, error) {
	if err := opts.Validate(); err != nil {
		return "", err
	}
	v, err := opts.values()
	if err != nil {
		return "", err
	}
	return "v1/audit_logs?" + v.Encode(), nil
}

// relative turns a next link into a reference relative to the client's base
// URL ("v1/audit_logs?offset=500&..."), so that the resume positions a
// checkpoint keeps stay valid when the base URL changes host or port (a
// region's alias, a proxy, a restarted fake). A link to another origin, or
// outside the base path, is returned as it is; fetching it is refused.
func (c *Client) relative(link string) string {
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		return link
	}
	base := c.api.BaseURL()
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) || u.User != nil {
		return link
	}
	prefix := strings.TrimSuffix(base.EscapedPath(), "/") + "/"
	rest, ok := strings.CutPrefix(u.EscapedPath(), prefix)
	first, _, _ := strings.Cut(rest, "/")
	if !ok || rest == "" || strings.HasPrefix(rest, "/") || strings.Contains(first, ":") {
		return link // "" would end the walk; a leading "/" or a colon would read as another URL
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return rest
}

// pager walks next links from link; err, when set, ends it before any
// request.
//
// Every page is checked against what the walk already knows, and a page
// that contradicts it ends the walk with a permanent
// *auditclient.DecodeError naming the member at fault, rather than a walk
// cut short in silence or one that never ends: an empty page with a next
// link, an empty page before the total is reached, a next link whose
// offset does not move past the page's own or lies past the total
// ($.metadata.links.next), and a page that repeats the page before record
// for record ($.data).
//
// When records arrive during a walk whose end is not pinned (Pages),
// the offsets shift: the last records of a page come again at the head of
// the next, as many as the total grew. Those are dropped. Records the API
// cannot tell apart (byte-identical twins, which Cisco does produce) are
// kept: only a repeat the growth of the total explains is dropped.
func (c *Client) pager(ctx context.Context, link string, err error) *pagination.Pager[AuditLog] {
	if err != nil {
		return pagination.NextToken(ctx, func(context.Context, string) ([]AuditLog, string, error) { return nil, "", err }, pagination.Options{})
	}
	total := -1 // the first page's total
	prevTotal := -1
	var prev []string // the uids of the page before, in order
	return pagination.NextLink(ctx, link, func(ctx context.Context, link string) ([]AuditLog, string, error) {
		p, u, err := c.fetchPage(ctx, link)
		if err != nil {
			return nil, "", err
		}
		if total < 0 {
			total = p.Metadata.Results.Total
		}
		at, err := linkOffset(link, "$.metadata.links.self")
		if err != nil {
			return nil, "", inconsistent(u, err)
		}
		next := c.relative(p.Metadata.Links.Next)
		if err := checkPage(p, at, total, next); err != nil {
			return nil, "", inconsistent(u, err)
		}
		uids := make([]string, len(p.Data))
		for i := range p.Data {
			uids[i] = p.Data[i].UID()
		}
		grew := 0
		if prevTotal >= 0 {
			grew = p.Metadata.Results.Total - prevTotal
		}
		shifted := overlap(prev, uids, grew)
		if len(uids) > 0 && shifted < len(uids) && slices.Equal(prev, uids) {
			return nil, "", inconsistent(u, jsonshape.Errorf("$.data", "the page at offset %d holds the records of the page before it, in the same order: the server repeated a page (does it ignore offset?)", at))
		}
		prev, prevTotal = uids, p.Metadata.Results.Total
		return p.Data[shifted:], next, nil
	}, pagination.Options{})
}

// overlap returns how many records at the head of page cur repeat the tail
// of the page before, prev, in order, at most grew: the records new ones
// pushed from one page into the next.
func overlap(prev, cur []string, grew int) int {
	for j := min(grew, len(prev), len(cur)); j > 0; j-- {
		if slices.Equal(prev[len(prev)-j:], cur[:j]) {
			return j
		}
	}
	return 0
}

// checkPage checks the page fetched at offset at against the walk's total
// (the first page's) and its own counts.
func checkPage(p *Page, at, total int, next string) error {
	n := len(p.Data)
	if n == 0 {
		switch {
		case next != "":
			return jsonshape.Errorf("$.metadata.links.next", "the page at offset %d is empty, yet it has a next link: following it would never end", at)
		case at < p.Metadata.Results.Total || at < total:
			return jsonshape.Errorf("$.data", "the page at offset %d is empty, yet the total is %d (the walk's first page said %d): records would be skipped", at, p.Metadata.Results.Total, total)
		}
		return nil
	}
	if next == "" {
		return nil
	}
	to, err := linkOffset(next, "$.metadata.links.next")
	if err != nil {
		return err
	}
	switch {
	case to <= at:
		return jsonshape.Errorf("$.metadata.links.next", "the next link's offset %d does not move past the page's own, %d: following it would repeat pages", to, at)
	case to > p.Metadata.Results.Total:
		// A link to exactly the total is allowed: a server may link a full
		// last page to the empty page after it.
		return jsonshape.Errorf("$.metadata.links.next", "the next link's offset %d is past the total, %d", to, p.Metadata.Results.Total)
	}
	return nil
}

// linkOffset returns the offset a page link asks for: its offset query
// parameter, 0 when it has none. A link that does not parse, or an offset
// that is not a non-negative integer, is a *auditclient.PathError at path.
func linkOffset(link, path string) (int, error) {
	u, err := url.Parse(link)
	if err != nil {
		return 0, jsonshape.Errorf(path, "the link does not parse")
	}
	v, ok := u.Query()["offset"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 || len(v) != 1 {
		return 0, jsonshape.Errorf(path, "the link's offset %q is not a non-negative integer", clip(strings.Join(v, ",")))
	}
	return n, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// inconsistent turns the *auditclient.PathError of a page that contradicts
// the walk into the permanent *auditclient.DecodeError of its response (u,
// already redacted).
func inconsistent(u string, err error) error {
	var pe *auditclient.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &auditclient.DecodeError{Vendor: Name, Method: http.MethodGet, URL: u, Path: pe.Path, Err: err}
}

// fetch gets one page by its link, relative to the base URL or absolute. The
// client refuses a link to another scheme or host before sending anything.
func (c *Client) fetch(ctx context.Context, link string) (*Page, error) {
	p, _, err := c.fetchPage(ctx, link)
	return p, err
}

// fetchPage is fetch that also returns the URL that answered, redacted.
func (c *Client) fetchPage(ctx context.Context, link string) (*Page, string, error) {
	var p Page
	u, err := c.api.Fetch(ctx, &auditclient.Request{URL: link}, &p)
	if err != nil {
		return nil, "", err
	}
	var scratch []byte
	for i := range p.Data {
		p.Data[i].uid, scratch = p.Data[i].computeUID(scratch)
	}
	return &p, u, nil
}

// parseError reads Cisco's error envelope:
// {"version":"v0.1.0","data":{},"errors":[{"error_code":401,"description":"Unauthorized","details":["Unknown API key or Client ID"]}]}
func parseError(status int, body []byte) auditclient.ErrorDetails {
	var env struct {
		Errors []struct {
			ErrorCode   json.RawMessage `json:"error_code"`
			Description string          `json:"description"`
			Details     []string        `json:"details"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Errors) == 0 {
		return auditclient.ErrorDetails{}
	}
	var d auditclient.ErrorDetails
	var msgs []string
	for _, e := range env.Errors {
		if d.Code == "" {
			d.Code = strings.Trim(string(e.ErrorCode), `"`)
		}
		if e.Description != "" {
			msgs = append(msgs, e.Description)
		}
		d.Details = append(d.Details, e.Details...)
	}
	d.Message = strings.Join(msgs, "; ")
	return d
}
