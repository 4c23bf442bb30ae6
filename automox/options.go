package automox

import (
	"net/url"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// MaxLimit is the largest page size the API accepts (the document: "with a
// maximum of 500").
const MaxLimit = 500

// DefaultPageSize is the page size Pages and Events use when PageSize is
// 0. The API's own default is not documented (UNCONFIRMED), so it is always
// sent.
const DefaultPageSize = 500

// DefaultConcurrency is how many days a walk fetches at once when
// ListOptions.Concurrency is 0, and MaxConcurrency the most it allows.
const (
	DefaultConcurrency = 8
	MaxConcurrency     = 16
)

// DefaultLookback is how far back a walk over a window reaches when Since is
// zero: the API has no "since the beginning" (every call reads one day), and
// how long Automox keeps audit events is not documented (UNCONFIRMED).
const DefaultLookback = 30 * 24 * time.Hour

// ListOptions are the parameters of GET
// /api/audit-service/v1/orgs/{orgUuid}/events, all three the document
// lists (date, cursor, limit as PageSize), plus the window, the order and
// the concurrency of a walk over several days. Zero values are not sent.
type ListOptions struct {
	// Date is the day to read, the API's required date: its calendar day
	// as given (in Date's own location) is sent as YYYY-MM-DD, and the API
	// returns the events of that UTC day. ListPage needs it; for Pages and
	// Events it means the window of that one UTC day, [midnight, next
	// midnight). It cannot be combined with Since or Until.
	Date time.Time `url:"date,omitempty" layout:"2006-01-02"`
	// Cursor asks for the events after the event with this id (the id of
	// the last event of the previous page). Only with Date, for ListPage
	// and Pages; Events pages by itself and resumes from checkpoints.
	Cursor string `url:"cursor,omitempty"`
	// PageSize is the API's limit, the page size, 1..MaxLimit; 0 means
	// DefaultPageSize for walks and nothing sent for ListPage.
	PageSize int `url:"limit,omitempty"`

	// Since and Until bound a walk over several days (Pages, Events). The window is half-open, [Since, Until): an event at
	// exactly Since is kept, one at exactly Until is not, and every UTC
	// day from Since's to that of the last instant before Until is read
	// (an Until at midnight does not read the day it starts). A zero
	// Until means now (Events pins it when the walk starts); a zero Since
	// means DefaultLookback before Until. Never sent: the API reads one
	// day per call.
	Since time.Time `url:"-"`
	Until time.Time `url:"-"`
	// Order is the order of a walk: NaturalOrder or OldestFirst (the same
	// here); NewestFirst is an *auditclient.OptionError, because the API
	// serves a day's events only ascending by id after a cursor and has no
	// parameter to reverse them. Never sent.
	Order auditclient.Order `url:"-"`
	// Concurrency is how many days a walk fetches at once, 1..MaxConcurrency;
	// 0 means DefaultConcurrency. Pages are still yielded in day order, and
	// every request waits for the client's rate limiter. Never sent.
	Concurrency int `url:"-"`
}

// OrderNote says, in a sentence, how the API orders events: the only order
// a walk can take.
const OrderNote = "oldest first: day by day, and ascending by id within a day; the API has no parameter to reverse it"

// optionError is the *auditclient.OptionError of this package.
func optionError(option, value, allowed string) error {
	return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
}

// Validate checks the options against the documented limits and each other.
// It is called before any request is sent; a bad value is an
// *auditclient.OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := auditclient.CheckCount(Name, "limit", o.PageSize, MaxLimit, DefaultPageSize); err != nil {
		return err
	}
	if o.Order != auditclient.NaturalOrder && o.Order != auditclient.OldestFirst {
		return optionError("order", o.Order.String(), OrderNote)
	}
	if err := auditclient.CheckCount(Name, "concurrency", o.Concurrency, MaxConcurrency, DefaultConcurrency); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		v    time.Time
	}{{"date", o.Date}, {"since", o.Since}, {"until", o.Until}} {
		if !t.v.IsZero() && (t.v.Year() < 1970 || t.v.Year() > 9999) {
			return optionError(t.name, t.v.Format(time.RFC3339), "a time between 1970 and 9999")
		}
	}
	if !o.Date.IsZero() && (!o.Since.IsZero() || !o.Until.IsZero()) {
		return optionError("date", o.Date.Format(time.DateOnly), "a day, or a window (since, until), not both")
	}
	if o.Cursor != "" && o.Date.IsZero() {
		return optionError("cursor", o.Cursor, "a cursor only with a date: it is the id of an event of that day")
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return optionError("since", o.Since.Format(time.RFC3339), "a time no later than until "+o.Until.Format(time.RFC3339))
	}
	return nil
}

// values encodes the options as the API's query string.
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	return auditclient.EncodeOptions(Name, o)
}

// window returns the window of a walk with these options, the day to
// start at and the cursor to start with there. now fills a zero Until.
func (o *ListOptions) window(now time.Time) (w windowSpec) {
	if !o.Date.IsZero() {
		y, m, d := o.Date.Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return windowSpec{since: day, until: day.Add(24 * time.Hour), cursor: o.Cursor}
	}
	w.since, w.until = o.Since, o.Until
	if w.until.IsZero() {
		w.until = now
	}
	if w.since.IsZero() {
		w.since = w.until.Add(-DefaultLookback)
	}
	return w
}

// windowSpec is the effective window of a walk.
type windowSpec struct {
	since, until time.Time
	cursor       string // the cursor to start the first day with
}

func (o *ListOptions) limit() int {
	if o == nil || o.PageSize == 0 {
		return DefaultPageSize
	}
	return o.PageSize
}

func (o *ListOptions) concurrency() int {
	if o == nil || o.Concurrency == 0 {
		return DefaultConcurrency
	}
	return o.Concurrency
}
