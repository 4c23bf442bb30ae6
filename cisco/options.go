package cisco

import (
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// MaxPageSize is the largest page size (limit) this package sends. The
// API's own maximum is not documented (UNCONFIRMED); 500 is what Cisco's v1
// list endpoints and the public collectors use.
const MaxPageSize = 500

// DefaultPageSize is the page size Events uses when PageSize is 0.
const DefaultPageSize = 500

// ListOptions are the query parameters of GET /v1/audit_logs, every one the
// document lists plus offset. Zero values are not sent.
type ListOptions struct {
	// AuditLogType keeps records of one object type, e.g. "User" (see
	// Client.AuditLogTypes for the values).
	AuditLogType string `url:"audit_log_type,omitempty"`
	// PageSize is the number of records per page (the API's limit),
	// 1..MaxPageSize; 0 sends none (Events then sends DefaultPageSize).
	PageSize int `url:"limit,omitempty"`
	// AuditLogID keeps the records of one audited object (a GUID, or a
	// connector GUID of 20 hex digits for computers).
	AuditLogID string `url:"audit_log_id,omitempty"`
	// Event keeps one kind of event, e.g. "login".
	Event string `url:"event,omitempty"`
	// Since keeps records created at or after this time; sent as
	// start_time, in UTC, to the second.
	Since time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// Until keeps records created before this time: the window is
	// half-open, [Since, Until). Cisco's end_time is inclusive and to the
	// second, so the last whole second before Until is sent (EndTimeFor).
	Until time.Time `url:"end_time,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// AuditLogUser keeps records of one acting user, e.g. "amp@cisco.com".
	AuditLogUser string `url:"audit_log_user,omitempty"`
	// Offset skips this many records. It is the paging parameter the API's
	// next links carry (not in the document's parameter list: UNCONFIRMED
	// as documented, accepted in practice). Only for Pages and ListPage:
	// Events pages by itself and resumes from checkpoints.
	Offset int `url:"offset,omitempty"`
	// Order is NaturalOrder or NewestFirst, the same thing here: the API
	// sends the newest records first (UNCONFIRMED by the document) and has
	// no parameter to sort by, so OldestFirst is an *auditclient.OptionError.
	Order auditclient.Order `url:"-"`
}

var idPattern = regexp.MustCompile(`^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{20})$`)

// OrderNote says, in a sentence, how the API orders records: the only order
// a walk can take (Vendor.OrderNote, and what an *auditclient.OptionError
// for another order allows).
const OrderNote = "newest first (UNCONFIRMED: the document does not say; it is what Cisco's v1 lists do); the API has no parameter to sort by, so oldest-first is not offered"

// Validate checks the options against the documented limits. It is called
// before any request is sent; a bad value is an *auditclient.OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	bad := func(option, value, allowed string) error {
		return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
	}
	if err := auditclient.CheckCount(Name, "limit", o.PageSize, MaxPageSize, DefaultPageSize); err != nil {
		return err
	}
	switch {
	case o.Offset < 0:
		return bad("offset", strconv.Itoa(o.Offset), "an integer of 0 or more")
	case o.AuditLogID != "" && !idPattern.MatchString(o.AuditLogID):
		return bad("audit_log_id", o.AuditLogID, "a GUID such as e773a9eb-296c-40df-98d8-bed46322589d, or a 20-hex-digit connector GUID")
	case o.Order.Resolve(auditclient.NewestFirst) != auditclient.NewestFirst:
		return bad("order", o.Order.String(), OrderNote)
	case !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until):
		return bad("start_time", o.Since.Format(time.RFC3339Nano), "a time before Until, "+o.Until.Format(time.RFC3339Nano)+" (the window is [Since, Until))")
	}
	for _, v := range [...]struct {
		name string
		t    time.Time
	}{{"start_time", o.Since}, {"end_time", o.Until}} {
		if !v.t.IsZero() && (v.t.Year() < 1970 || v.t.Year() > 9999) {
			return bad(v.name, v.t.Format(time.RFC3339), "a time between 1970 and 9999")
		}
	}
	return nil
}

// values encodes the options as the API's query string.
func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	c := *o
	c.Since = utcSecond(c.Since)
	c.Until = EndTimeFor(c.Until)
	return auditclient.EncodeOptions(Name, c)
}

// filters are the options that select records, without the time window and
// paging: what a checkpoint's query fingerprint covers.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{
		"audit_log_type": o.AuditLogType, "audit_log_id": o.AuditLogID,
		"event": o.Event, "audit_log_user": o.AuditLogUser,
	} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// EndTimeFor returns the end_time that bounds the half-open window ending at
// until: the last whole second before it, in UTC. Cisco's end_time is
// inclusive and to the second, so no record created at or after until (to
// the second Cisco keeps) is inside it: 2025-06-02T00:00:00Z gives
// 2025-06-01T23:59:59Z, and 12:00:05.3 gives 12:00:05. A zero until stays
// zero (no end_time).
func EndTimeFor(until time.Time) time.Time {
	if until.IsZero() {
		return until
	}
	return until.UTC().Add(-time.Nanosecond).Truncate(time.Second)
}

func utcSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
