package nprinting

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// DocumentDefaultLimit is the page size the server uses when a request sends
// no limit (the document: "Default is 50").
const DocumentDefaultLimit = 50

// MaxLimit is the largest page size this package sends. The document states
// no maximum (UNCONFIRMED); 1000 keeps a page of this API's records well
// under a megabyte. A server that sends fewer records than asked is
// followed at its own page size.
const MaxLimit = 1000

// DefaultPageSize is the page size Events and Pages use when PageSize is 0:
// ten times the document's default, so a walk takes fewer round trips.
const DefaultPageSize = 500

// TimeLayout is the format of start and end the document prescribes:
// yyyy-MM-ddTHH:mm:ssZ, in UTC (e.g. 2020-09-15T11:59:08Z).
const TimeLayout = "2006-01-02T15:04:05Z"

// ListOptions are the query parameters of GET /api/v1/audit/events, every
// one the document lists, and the order of the walk. Zero values are not
// sent.
type ListOptions struct {
	// Since is the start of the window (the API's start). It is sent in
	// UTC as yyyy-MM-ddTHH:mm:ssZ, rounded down to the second. Whether the
	// server keeps events at exactly start is not documented; Events asks
	// from a second earlier and keeps the events at or after Since itself.
	Since time.Time `url:"start,omitempty" layout:"2006-01-02T15:04:05Z"`
	// Until is the end of the window (the API's end). It is sent in UTC as
	// yyyy-MM-ddTHH:mm:ssZ, rounded up to the second, so that no event
	// before Until is left out whether the server reads end as inclusive
	// or not (the document does not say). Events keeps the events before
	// Until (the window is half-open: [Since, Until)) and drops the others.
	Until time.Time `url:"end,omitempty" layout:"2006-01-02T15:04:05Z"`
	// PageSize is the API's limit, 1..MaxLimit. The server's default is
	// 50; Events and Pages send DefaultPageSize when PageSize is 0, and
	// ListPage sends nothing.
	PageSize int `url:"limit,omitempty"`
	// Offset is the number of entries to skip (default 0). Only for Pages
	// and ListPage: Events pages by itself and resumes from checkpoints.
	Offset int `url:"offset,omitempty"`
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
	// Order must be auditclient.NaturalOrder, the server's own order: the
	// document neither states the order of items nor offers a parameter
	// to sort them, so OldestFirst and NewestFirst are an
	// *auditclient.OptionError (the audittest fake sends newest first).
	Order auditclient.Order `url:"-"`
	// Concurrency is how many pages Events and Pages fetch at once once the
	// first page has told the total, 1..MaxConcurrency; 0 means
	// DefaultConcurrency. Pages are still yielded in order.
	Concurrency int `url:"-"`
}

// DefaultConcurrency is how many pages a walk fetches at once when
// ListOptions.Concurrency is 0, and MaxConcurrency the most it allows.
const (
	DefaultConcurrency = 8
	MaxConcurrency     = 32
)

// concurrency is o's Concurrency, or its default.
func (o *ListOptions) concurrency() int {
	if o == nil || o.Concurrency == 0 {
		return DefaultConcurrency
	}
	return o.Concurrency
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// OrderNote says in a sentence which orders a walk can take, and why.
const OrderNote = "only the server's own order: the document neither states it nor offers a parameter to sort (the audittest fake sends newest first)"

// optionError is the *auditclient.OptionError of this package.
func optionError(option, value, allowed string) error {
	return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
}

// Validate checks the options against the document. It is called before any
// request is sent; a bad value is an *auditclient.OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := auditclient.CheckCount(Name, "limit", o.PageSize, MaxLimit, DefaultPageSize); err != nil {
		return err
	}
	if err := auditclient.CheckCount(Name, "concurrency", o.Concurrency, MaxConcurrency, DefaultConcurrency); err != nil {
		return err
	}
	if o.Offset < 0 {
		return optionError("offset", strconv.Itoa(o.Offset), "an integer of 0 or more")
	}
	if o.Order != auditclient.NaturalOrder {
		return optionError("order", o.Order.String(), OrderNote)
	}
	for _, f := range []struct{ name, v string }{{"appId", o.AppID}, {"userId", o.UserID}, {"targetId", o.TargetID}} {
		if f.v != "" && !uuidPattern.MatchString(f.v) {
			return optionError(f.name, f.v, "a UUID such as 00000000-0000-0000-0000-000000000000")
		}
	}
	for _, f := range []struct{ name, v string }{{"target", o.Target}, {"dataType", o.DataType}} {
		if f.v != "" && strings.TrimSpace(f.v) != f.v {
			return optionError(f.name, f.v, "a value without leading or trailing spaces")
		}
		if strings.ContainsFunc(f.v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return optionError(f.name, f.v, "a value without control characters")
		}
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"start", o.Since}, {"end", o.Until}} {
		if !f.t.IsZero() && (f.t.UTC().Year() < 1 || f.t.UTC().Year() > 9998) {
			return optionError(f.name, f.t.Format(time.RFC3339), "a time between years 1 and 9998 (sent as yyyy-MM-ddTHH:mm:ssZ)")
		}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return optionError("start", o.Since.UTC().Format(time.RFC3339Nano), "a time no later than end "+o.Until.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// values encodes the options as the API's query string.
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	c := *o
	c.Since = floorSecond(c.Since)
	c.Until = ceilSecond(c.Until)
	return auditclient.EncodeOptions(Name, c)
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
