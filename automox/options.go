package automox

import (
	"fmt"
	"net/url"
	"time"

	"github.com/google/go-querystring/query"
)

// MaxLimit is the largest page size the API accepts (the document: "with a
// maximum of 500").
const MaxLimit = 500

// DefaultPageSize is the page size Pages, List and Events use when Limit is
// 0. The API's own default is not documented (UNCONFIRMED), so it is always
// sent.
const DefaultPageSize = 500

// DefaultConcurrency is how many days a walk fetches at once when
// ListOptions.Concurrency is 0, and MaxConcurrency the most it allows.
const (
	DefaultConcurrency = 4
	MaxConcurrency     = 16
)

// DefaultLookback is how far back a walk over a window reaches when Since is
// zero: the API has no "since the beginning" (every call reads one day), and
// how long Automox keeps audit events is not documented (UNCONFIRMED).
const DefaultLookback = 30 * 24 * time.Hour

// ListOptions are the parameters of GET
// /api/audit-service/v1/orgs/{orgUuid}/events, all three the document
// lists (date, cursor, limit), plus the window of a walk over several days.
// Zero values are not sent.
type ListOptions struct {
	// Date is the day to read, the API's required date: its calendar day
	// as given (in Date's own location) is sent as YYYY-MM-DD, and the API
	// returns the events of that UTC day. ListPage needs it; for Pages,
	// List and Events it means the window of that one UTC day, [midnight,
	// next midnight). It cannot be combined with Since or Until.
	Date time.Time `url:"date,omitempty" layout:"2006-01-02"`
	// Cursor asks for the events after the event with this id (the id of
	// the last event of the previous page). Only with Date, for ListPage,
	// Pages and List; Events pages by itself and resumes from checkpoints.
	Cursor string `url:"cursor,omitempty"`
	// Limit is the page size, 1..MaxLimit; 0 means DefaultPageSize for
	// walks and nothing sent for ListPage.
	Limit int `url:"limit,omitempty"`

	// Since and Until bound a walk over several days (Pages, List,
	// Events). The window is half-open, [Since, Until): an event at
	// exactly Since is kept, one at exactly Until is not, and every UTC
	// day from Since's to that of the last instant before Until is read
	// (an Until at midnight does not read the day it starts). A zero
	// Until means now (Events pins it when the walk starts); a zero Since
	// means DefaultLookback before Until. Never sent: the API reads one
	// day per call.
	Since time.Time `url:"-"`
	Until time.Time `url:"-"`
	// Concurrency is how many days a walk fetches at once, 1..MaxConcurrency;
	// 0 means DefaultConcurrency. Pages are still yielded in day order, and
	// every request waits for the client's rate limiter. Never sent.
	Concurrency int `url:"-"`
}

// OptionError is a ListOptions value that is not allowed. Nothing was sent.
type OptionError struct {
	Option  string // the parameter, e.g. "limit"
	Value   string
	Allowed string // what is allowed
}

// Error names the option, the value and what is allowed.
func (e *OptionError) Error() string {
	return fmt.Sprintf("automox: option %s=%q is not allowed: %s", e.Option, e.Value, e.Allowed)
}

// Validate checks the options against the documented limits and each other.
// It is called before any request is sent; a bad value is an *OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.Limit != 0 && (o.Limit < 1 || o.Limit > MaxLimit) {
		return &OptionError{"limit", fmt.Sprint(o.Limit), fmt.Sprintf("an integer from 1 to %d (0 for the default, %d)", MaxLimit, DefaultPageSize)}
	}
	if o.Concurrency < 0 || o.Concurrency > MaxConcurrency {
		return &OptionError{"concurrency", fmt.Sprint(o.Concurrency), fmt.Sprintf("an integer from 1 to %d (0 for the default, %d)", MaxConcurrency, DefaultConcurrency)}
	}
	for _, t := range []struct {
		name string
		v    time.Time
	}{{"date", o.Date}, {"since", o.Since}, {"until", o.Until}} {
		if !t.v.IsZero() && (t.v.Year() < 1970 || t.v.Year() > 9999) {
			return &OptionError{t.name, t.v.Format(time.RFC3339), "a time between 1970 and 9999"}
		}
	}
	if !o.Date.IsZero() && (!o.Since.IsZero() || !o.Until.IsZero()) {
		return &OptionError{"date", o.Date.Format(time.DateOnly), "a day, or a window (since, until), not both"}
	}
	if o.Cursor != "" && o.Date.IsZero() {
		return &OptionError{"cursor", o.Cursor, "a cursor only with a date: it is the id of an event of that day"}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return &OptionError{"since", o.Since.Format(time.RFC3339), "a time no later than until " + o.Until.Format(time.RFC3339)}
	}
	return nil
}

// values encodes the options as the API's query string.
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	v, err := query.Values(o)
	if err != nil {
		return nil, fmt.Errorf("automox: encoding options: %w", err)
	}
	return v, nil
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
	if o == nil || o.Limit == 0 {
		return DefaultPageSize
	}
	return o.Limit
}

func (o *ListOptions) concurrency() int {
	if o == nil || o.Concurrency == 0 {
		return DefaultConcurrency
	}
	return o.Concurrency
}
