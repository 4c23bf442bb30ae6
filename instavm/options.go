package instavm

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
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

// DefaultPageSize is the page size Events, Pages and List send when Limit
// is 0: the largest the API allows, so that a walk takes the fewest round
// trips. ListPage sends no limit when Limit is 0 (the API then uses 50).
const DefaultPageSize = MaxLimit

// ListOptions are the query parameters of GET /v1/audit/events, every one
// the document lists, plus a time window the client applies itself. Zero
// values are not sent.
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
	// Only for ListPage, Pages and List: Events pages by itself and
	// resumes from checkpoints.
	Cursor string `url:"cursor,omitempty"`
	// Limit is the page size, MinLimit..MaxLimit; 0 for the default (see
	// DefaultPageSize).
	Limit int `url:"limit,omitempty"`

	// Since and Until keep events created at or after Since and before
	// Until: the window is half-open, [Since, Until), so an event at
	// exactly Until is left for the next window. The API has no time
	// parameter: they are never sent, and the client drops the events
	// outside the window itself, so a walk still reads every page of the
	// query. Zero means unbounded.
	Since time.Time `url:"-"`
	Until time.Time `url:"-"`
}

// maxStringOption caps the string options: longer values are surely
// mistakes (ids here are a few dozen characters), and a query string that
// long could be refused by a proxy before the API sees it.
const maxStringOption = 1024

// OptionError is a ListOptions value that is not allowed. Nothing was sent.
type OptionError struct {
	Option  string // the query parameter, e.g. "limit"
	Value   string
	Allowed string // what is allowed
}

// Error names the option, the value and what is allowed.
func (e *OptionError) Error() string {
	return fmt.Sprintf("instavm: option %s=%q is not allowed: %s", e.Option, e.Value, e.Allowed)
}

// Validate checks the options against the documented limits. It is called
// before any request is sent; a bad value is an *OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.Limit != 0 && (o.Limit < MinLimit || o.Limit > MaxLimit) {
		return &OptionError{"limit", strconv.Itoa(o.Limit), fmt.Sprintf("an integer from %d to %d (0 for the default)", MinLimit, MaxLimit)}
	}
	if o.UserID < 0 {
		return &OptionError{"user_id", strconv.FormatInt(o.UserID, 10), "a user id, a positive integer (0 for every user)"}
	}
	for _, s := range []struct{ name, v string }{
		{"event_group", o.EventGroup}, {"event_type", o.EventType}, {"status", o.Status},
		{"vm_id", o.VMID}, {"session_id", o.SessionID}, {"cursor", o.Cursor},
	} {
		if len(s.v) > maxStringOption || !utf8.ValidString(s.v) {
			v := s.v
			if len(v) > 40 {
				v = v[:40] + "…"
			}
			return &OptionError{s.name, v, fmt.Sprintf("valid UTF-8 of at most %d bytes", maxStringOption)}
		}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return &OptionError{"since", o.Since.Format(time.RFC3339Nano), "a time no later than until " + o.Until.Format(time.RFC3339Nano)}
	}
	return nil
}

// values encodes the options as the API's query string (the window is not
// part of it).
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	v, err := query.Values(o)
	if err != nil {
		return nil, fmt.Errorf("instavm: encoding options: %w", err)
	}
	return v, nil
}

// filters are the options that select events, without the time window and
// paging: what a checkpoint's query fingerprint covers.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	for k, s := range map[string]string{
		"event_group": o.EventGroup, "event_type": o.EventType, "status": o.Status,
		"vm_id": o.VMID, "session_id": o.SessionID,
	} {
		if s != "" {
			v.Set(k, s)
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
