package nprinting

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// DocumentDefaultLimit is the page size the server uses when a request sends
// no limit (the document: "Default is 50").
const DocumentDefaultLimit = 50

// MaxLimit is the largest page size this package sends. The document states
// no maximum (UNCONFIRMED); 1000 keeps a page of this API's records well
// under a megabyte. A server that sends fewer records than asked is
// followed at its own page size.
const MaxLimit = 1000

// DefaultPageSize is the page size Events, Pages and List use when Limit
// is 0: ten times the document's default, so a walk takes fewer round trips.
const DefaultPageSize = 500

// TimeLayout is the format of start and end the document prescribes:
// yyyy-MM-ddTHH:mm:ssZ, in UTC (e.g. 2020-09-15T11:59:08Z).
const TimeLayout = "2006-01-02T15:04:05Z"

// ListOptions are the query parameters of GET /api/v1/audit/events, every
// one the document lists. Zero values are not sent.
type ListOptions struct {
	// Offset is the number of entries to skip (default 0). Only for List,
	// Pages and ListPage: Events pages by itself and resumes from
	// checkpoints.
	Offset int `url:"offset,omitempty"`
	// Limit is the page size, 1..MaxLimit. The server's default is 50;
	// Events, Pages and List send DefaultPageSize when Limit is 0.
	Limit int `url:"limit,omitempty"`
	// Start is the start of the window. It is sent in UTC as
	// yyyy-MM-ddTHH:mm:ssZ, rounded down to the second. Whether the server
	// keeps events at exactly start is not documented; Events asks from a
	// second earlier and keeps the events at or after Start itself.
	Start time.Time `url:"start,omitempty" layout:"2006-01-02T15:04:05Z"`
	// End is the end of the window. It is sent in UTC as
	// yyyy-MM-ddTHH:mm:ssZ, rounded up to the second, so that no event
	// before End is left out whether the server reads end as inclusive or
	// not (the document does not say). Events keeps the events before End
	// (the window is half-open: [Start, End)) and drops the others.
	End time.Time `url:"end,omitempty" layout:"2006-01-02T15:04:05Z"`
	// AppID keeps the events of one app (a UUID).
	AppID string `url:"appId,omitempty"`
	// UserID keeps the events of one user (a UUID).
	UserID string `url:"userId,omitempty"`
	// TargetID keeps the events about one object (a UUID).
	TargetID string `url:"targetId,omitempty"`
	// Target keeps the events about one kind of object, e.g. "Task" or
	// "User". The document calls it "the target name to filter on"; which
	// record field it matches (target or targetName) is UNCONFIRMED: the
	// audittest fake matches target, case-insensitively.
	Target string `url:"target,omitempty"`
	// DataType keeps the events of one data type, e.g. "PublishTask". The
	// document lists no values (UNCONFIRMED).
	DataType string `url:"dataType,omitempty"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// OptionError is a ListOptions value that is not allowed. Nothing was sent.
type OptionError struct {
	Option  string // the query parameter, e.g. "limit"
	Value   string
	Allowed string // what is allowed
}

// Error names the option, the value and what is allowed.
func (e *OptionError) Error() string {
	return fmt.Sprintf("nprinting: option %s=%q is not allowed: %s", e.Option, e.Value, e.Allowed)
}

// Validate checks the options against the document. It is called before any
// request is sent; a bad value is an *OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.Limit != 0 && (o.Limit < 1 || o.Limit > MaxLimit) {
		return &OptionError{"limit", fmt.Sprint(o.Limit), fmt.Sprintf("an integer from 1 to %d (0 for the default, %d)", MaxLimit, DefaultPageSize)}
	}
	if o.Offset < 0 {
		return &OptionError{"offset", fmt.Sprint(o.Offset), "an integer of 0 or more"}
	}
	for _, f := range []struct{ name, v string }{{"appId", o.AppID}, {"userId", o.UserID}, {"targetId", o.TargetID}} {
		if f.v != "" && !uuidPattern.MatchString(f.v) {
			return &OptionError{f.name, f.v, "a UUID such as 00000000-0000-0000-0000-000000000000"}
		}
	}
	for _, f := range []struct{ name, v string }{{"target", o.Target}, {"dataType", o.DataType}} {
		if f.v != "" && strings.TrimSpace(f.v) != f.v {
			return &OptionError{f.name, f.v, "a value without leading or trailing spaces"}
		}
		if strings.ContainsFunc(f.v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return &OptionError{f.name, f.v, "a value without control characters"}
		}
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"start", o.Start}, {"end", o.End}} {
		if !f.t.IsZero() && (f.t.UTC().Year() < 1 || f.t.UTC().Year() > 9998) {
			return &OptionError{f.name, f.t.Format(time.RFC3339), "a time between years 1 and 9998 (sent as yyyy-MM-ddTHH:mm:ssZ)"}
		}
	}
	if !o.Start.IsZero() && !o.End.IsZero() && o.Start.After(o.End) {
		return &OptionError{"start", o.Start.UTC().Format(time.RFC3339Nano), "a time no later than end " + o.End.UTC().Format(time.RFC3339Nano)}
	}
	return nil
}

// values encodes the options as the API's query string.
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	c := *o
	c.Start = floorSecond(c.Start)
	c.End = ceilSecond(c.End)
	v, err := query.Values(c)
	if err != nil {
		return nil, fmt.Errorf("nprinting: encoding options: %w", err)
	}
	return v, nil
}

// filters are the options that select records, without the time window and
// paging: what a checkpoint's query fingerprint covers. UUIDs are compared
// case-insensitively.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	for k, s := range map[string]string{
		"appId": strings.ToLower(o.AppID), "userId": strings.ToLower(o.UserID),
		"targetId": strings.ToLower(o.TargetID), "target": o.Target, "dataType": o.DataType,
	} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func floorSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

func ceilSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	f := t.UTC().Truncate(time.Second)
	if f.Before(t) {
		f = f.Add(time.Second)
	}
	return f
}
