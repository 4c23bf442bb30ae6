package cisco

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Vendor is the name this package gives errors, logs and checkpoints.
const Vendor = "cisco"

// The regional API hosts of Cisco Secure Endpoint. Pass one with
// auditclient.WithBaseURL; North America is the default.
const (
	RegionNorthAmerica = "https://api.amp.cisco.com"
	RegionEurope       = "https://api.eu.amp.cisco.com"
	RegionAsiaPacific  = "https://api.apjc.amp.cisco.com" // Asia Pacific, Japan and China
)

// DefaultRateLimit is the client-side request rate used unless
// auditclient.WithRateLimit says otherwise: well under any hourly quota's
// burst, while the server's rate-limit headers govern the rest.
const DefaultRateLimit = 5

// Client reads the audit log of one Cisco Secure Endpoint organization.
// It is safe for concurrent use.
type Client struct {
	api *auditclient.Client
}

// NewClient returns a client that authenticates with HTTP Basic, the API
// client id as user and the API key as password ("Legacy API Credentials";
// read-only scope is enough). Options set the base URL (a Region* constant
// or a fake's URL), HTTP client, retry policy, rate limit and logger.
//
// Neither credential ever appears in an error, a log line or %v output.
func NewClient(clientID, apiKey string, opts ...auditclient.Option) (*Client, error) {
	if clientID == "" {
		return nil, errors.New("cisco: NewClient: the API client id is empty (CISCO_CLIENT_ID)")
	}
	if apiKey == "" {
		return nil, errors.New("cisco: NewClient: the API key is empty (CISCO_API_KEY)")
	}
	cfg := auditclient.Config{
		Vendor:      Vendor,
		BaseURL:     RegionNorthAmerica,
		Auth:        auditclient.BasicAuth(clientID, apiKey),
		RateLimit:   DefaultRateLimit,
		Burst:       DefaultRateLimit,
		ErrorParser: parseError,
		Header:      http.Header{"Accept": {"application/json"}},
	}
	for _, o := range opts {
		o(&cfg)
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
func (c *Client) String() string { return "cisco.Client(" + c.api.BaseURL().String() + ")" }

// Links are the paging links of a page.
type Links struct {
	Self string `json:"self"`
	Next string `json:"next,omitempty"` // absent on the last page
}

// Results are the counts of a page.
type Results struct {
	Total            int `json:"total"`
	CurrentItemCount int `json:"current_item_count"`
	Index            int `json:"index"`
	ItemsPerPage     int `json:"items_per_page"`
}

// Metadata is the metadata of a page.
type Metadata struct {
	Links   Links   `json:"links"`
	Results Results `json:"results"`
}

// AuditLogPage is one response of GET /v1/audit_logs.
type AuditLogPage struct {
	Version  string     `json:"version"`
	Metadata Metadata   `json:"metadata"`
	Data     []AuditLog `json:"data"`
}

// ListPage fetches one page of GET /v1/audit_logs with opts as given.
func (c *Client) ListPage(ctx context.Context, opts *ListOptions) (*AuditLogPage, error) {
	link, err := c.firstLink(opts)
	if err != nil {
		return nil, err
	}
	return c.fetch(ctx, link)
}

// Pages walks the pages of GET /v1/audit_logs, following metadata.links.next,
// with the next page fetched while the current one is consumed. The options
// are sent as given: unlike Events, the window is not pinned.
func (c *Client) Pages(ctx context.Context, opts *ListOptions) *pagination.Pager[AuditLog] {
	link, err := c.firstLink(opts)
	return c.pager(ctx, link, err)
}

// List walks every record of GET /v1/audit_logs, page after page. An error
// is yielded once and ends the walk.
func (c *Client) List(ctx context.Context, opts *ListOptions) iter.Seq2[AuditLog, error] {
	return c.Pages(ctx, opts).All()
}

// Events walks the audit log as OCSF events (see ToOCSF), newest first as the
// API sends them, resuming from resume when it is not nil.
//
// opts.StartTime and opts.EndTime are the window; a zero EndTime is pinned to
// the walk's start so that events arriving meanwhile cannot shift the
// offsets of later pages (they are collected by the next, incremental walk
// from the checkpoint). opts.Offset must be 0. Bad options end the walk
// before any request, with an *OptionError from Err.
func (c *Client) Events(ctx context.Context, opts *ListOptions, resume *auditclient.Checkpoint) auditclient.Iterator {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return auditclient.Emptied(err)
	}
	if o.Offset != 0 {
		return auditclient.Emptied(&OptionError{"offset", strconv.Itoa(o.Offset), "0 with Events, which pages by itself and resumes from checkpoints"})
	}
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	src := auditclient.Source[AuditLog]{
		Vendor: Vendor,
		Query:  auditclient.Fingerprint(Vendor, o.filters()),
		Window: auditclient.Window{Since: o.StartTime, Until: o.EndTime},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[AuditLog] {
			if token != "" {
				return c.pager(ctx, token, nil)
			}
			q := o
			q.StartTime, q.EndTime = w.Since, w.Until
			link, err := c.firstLink(&q)
			return c.pager(ctx, link, err)
		},
		Key: func(a AuditLog) (time.Time, string) { return a.CreatedAt, a.UID() },
		Map: func(a AuditLog) (ocsf.Event, error) { return ToOCSF(a), nil },
	}
	return auditclient.NewIterator(ctx, src, resume)
}

// AuditLogType is one value of audit_log_type.
type AuditLogType struct {
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
				return nil, &auditclient.DecodeError{Vendor: Vendor, Method: http.MethodGet, URL: c.api.BaseURL().JoinPath("v1/audit_log_types").String(),
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
	prefix := strings.TrimSuffix(base.Path, "/") + "/"
	rest, ok := strings.CutPrefix(u.Path, prefix)
	if !ok || u.RawPath != "" {
		return link
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return rest
}

// pager walks next links from link; err, when set, ends it before any request.
func (c *Client) pager(ctx context.Context, link string, err error) *pagination.Pager[AuditLog] {
	return pagination.NextLink(ctx, link, func(ctx context.Context, link string) ([]AuditLog, string, error) {
		if err != nil {
			return nil, "", err
		}
		p, err := c.fetch(ctx, link)
		if err != nil {
			return nil, "", err
		}
		next := c.relative(p.Metadata.Links.Next)
		if len(p.Data) == 0 {
			next = "" // an empty page ends the walk whatever the links say
		}
		return p.Data, next, nil
	}, pagination.Options{})
}

// fetch gets one page by its link, relative to the base URL or absolute. The
// client refuses a link to another scheme or host before sending anything.
func (c *Client) fetch(ctx context.Context, link string) (*AuditLogPage, error) {
	var p AuditLogPage
	if _, err := c.api.Get(ctx, link, nil, &p); err != nil {
		return nil, err
	}
	var scratch []byte
	for i := range p.Data {
		p.Data[i].uid, scratch = p.Data[i].computeUID(scratch)
	}
	return &p, nil
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
