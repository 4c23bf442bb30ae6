package instavm

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/auditkit/auditkit/auditclient"
)

// MaxLimit and MinLimit bound the page size the document allows
// ("limit: integer, default=50, min=1, max=200").
const (
	MinLimit = 1
	MaxLimit = 200
)

// ServerDefaultLimit is the page size the API uses when no limit is sent
// (the document's default).
const ServerDefaultLimit = 50

// DefaultPageSize is the page size Events and Pages send when PageSize is
// 0: the largest the API allows, so that a walk takes the fewest round
// trips. ListPage sends no limit when PageSize is 0 (the API then uses 50).
const DefaultPageSize = MaxLimit

// ListOptions are the query parameters of GET /v1/audit/events, every one
// the document lists, plus a time window the client applies itself and the
// order of the walk. Zero values are not sent.
//
// The document lists no allowed values for event_group, event_type and
// status (they are free strings to the API); the values this package's
// documentation shows as examples ("vm", "vm.create", "success") come from
// vendors.md and are UNCONFIRMED.
type ListOptions struct {
	// EventGroup keeps events of one group, e.g. "auth" or "vm".
	EventGroup string `url:"event_group,omitempty"`
	// EventType keeps events of one type, e.g. "auth.login" or "vm.create".
	EventType string `url:"event_type,omitempty"`
	// Status keeps events of one outcome, e.g. "success" or "failure".
	Status string `url:"status,omitempty"`
	// UserID keeps events of one user (the API's integer user id). 0 sends
	// nothing: every user.
	UserID int64 `url:"user_id,omitempty"`
	// VMID keeps events about one VM, e.g. "vm_9a8b7c6d".
	VMID string `url:"vm_id,omitempty"`
	// SessionID keeps events of one session, e.g. "sess_1b2c3d".
	SessionID string `url:"session_id,omitempty"`
	// Cursor starts at the page a previous response's next_cursor named.
	// Only for ListPage and Pages: Events pages by itself and resumes from
	// checkpoints.
	Cursor string `url:"cursor,omitempty"`
	// PageSize is the page size, sent as limit: MinLimit..MaxLimit; 0 for
	// the default (see DefaultPageSize).
	PageSize int `url:"limit,omitempty"`

	// Since and Until keep events created at or after Since and before
	// Until: the window is half-open, [Since, Until), so an event at
	// exactly Until is left for the next window. The API has no time
	// parameter: they are never sent, and the client drops the events
	// outside the window itself, so a walk still reads every page of the
	// query. Zero means unbounded.
	Since time.Time `url:"-"`
	Until time.Time `url:"-"`

	// Order is the order of the walk: NaturalOrder (the zero value) or
	// NewestFirst, the order the API sends (UNCONFIRMED: the document
	// does not say); OldestFirst is an *auditclient.OptionError, because
	// the API has no parameter to sort by and a walk never buffers a
	// whole window to reverse it. It is never sent.
	Order auditclient.Order `url:"-"`
}

// maxStringOption caps the string options: longer values are surely
// mistakes (ids here are a few dozen characters), and a query string that
// long could be refused by a proxy before the API sees it.
const maxStringOption = 1024

// stringParam is one string parameter of ListOptions, by its API name.
type stringParam struct {
	name string
	v    *string
}

// filterParams are the string parameters that select events (all but the
// cursor), in the document's order.
func (o *ListOptions) filterParams() []stringParam {
	return []stringParam{
		{"event_group", &o.EventGroup}, {"event_type", &o.EventType}, {"status", &o.Status},
		{"vm_id", &o.VMID}, {"session_id", &o.SessionID},
	}
}

// optionError is the *auditclient.OptionError of this package.
func optionError(option, value, allowed string) error {
	return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
}

// Validate checks the options against the documented limits. It is called
// before any request is sent; a bad value is an *auditclient.OptionError
// (errors.Is(err, auditclient.ErrBadOption)) that names the parameter as
// the API spells it.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.PageSize != 0 && (o.PageSize < MinLimit || o.PageSize > MaxLimit) {
		return optionError("limit", strconv.Itoa(o.PageSize), fmt.Sprintf("an integer from %d to %d (0 for the default)", MinLimit, MaxLimit))
	}
	if o.UserID < 0 {
		return optionError("user_id", strconv.FormatInt(o.UserID, 10), "a user id, a positive integer (0 for every user)")
	}
	for _, s := range append(o.filterParams(), stringParam{"cursor", &o.Cursor}) {
		if v := *s.v; len(v) > maxStringOption || !utf8.ValidString(v) {
			if len(v) > 40 {
				v = v[:40] + "…"
			}
			return optionError(s.name, v, fmt.Sprintf("valid UTF-8 of at most %d bytes", maxStringOption))
		}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return optionError("since", o.Since.Format(time.RFC3339Nano), "a time no later than until "+o.Until.Format(time.RFC3339Nano))
	}
	if o.Order != auditclient.NaturalOrder && o.Order != auditclient.NewestFirst {
		return optionError("order", o.Order.String(), OrderNote)
	}
	return nil
}

// OrderNote says, in a sentence, how the API orders events: the only order
// a walk can take (Vendor.OrderNote, and what an *auditclient.OptionError
// for another order allows).
const OrderNote = "newest first (UNCONFIRMED: the document does not say); the API has no parameter to sort by, so oldest-first is not offered"

// values encodes the options as the API's query string (the window and
// the order are not part of it).
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	return auditclient.EncodeOptions(Name, o)
}

// filters are the options that select events, without the time window and
// paging: what a checkpoint's query fingerprint covers.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	for _, s := range o.filterParams() {
		if *s.v != "" {
			v.Set(s.name, *s.v)
		}
	}
	if o.UserID != 0 {
		v.Set("user_id", strconv.FormatInt(o.UserID, 10))
	}
	return v
}

// inWindow reports whether t lies in the options' time window, [Since, Until).
func (o *ListOptions) inWindow(t time.Time) bool {
	if o == nil {
		return true
	}
	return (o.Since.IsZero() || !t.Before(o.Since)) && (o.Until.IsZero() || t.Before(o.Until))
}
