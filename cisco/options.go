package cisco

import (
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/google/go-querystring/query"
)

// MaxLimit is the largest page size this package sends. The API's own
// maximum is not documented (UNCONFIRMED); 500 is what Cisco's v1 list
// endpoints and the public collectors use.
const MaxLimit = 500

// DefaultPageSize is the page size Events and List use when Limit is 0.
const DefaultPageSize = 500

// timeLayout is the ISO 8601 form the document's examples use
// ("2015-10-01T00:00:00+00:00").
const timeLayout = "2006-01-02T15:04:05-07:00"

// ListOptions are the query parameters of GET /v1/audit_logs, every one the
// document lists plus offset. Zero values are not sent.
type ListOptions struct {
	// AuditLogType keeps records of one object type, e.g. "User" (see
	// Client.AuditLogTypes for the values).
	AuditLogType string `url:"audit_log_type,omitempty"`
	// Limit is the page size, 1..MaxLimit.
	Limit int `url:"limit,omitempty"`
	// AuditLogID keeps the records of one audited object (a GUID, or a
	// connector GUID of 20 hex digits for computers).
	AuditLogID string `url:"audit_log_id,omitempty"`
	// Event keeps one kind of event, e.g. "login".
	Event string `url:"event,omitempty"`
	// StartTime keeps records created at or after this time. Sent in UTC, to
	// the second.
	StartTime time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// EndTime keeps records created at or before this time, sent in UTC
	// to the second, as the API's end_time is. Events reads it instead as
	// the exclusive end of a half-open window [StartTime, EndTime) and
	// sends the last whole second before it (see EndTimeFor).
	EndTime time.Time `url:"end_time,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// AuditLogUser keeps records of one acting user, e.g. "amp@cisco.com".
	AuditLogUser string `url:"audit_log_user,omitempty"`
	// Offset skips this many records. It is the paging parameter the API's
	// next links carry (not in the document's parameter list: UNCONFIRMED
	// as documented, accepted in practice). Only for List and ListPage:
	// Events manages paging itself and resumes from checkpoints.
	Offset int `url:"offset,omitempty"`
}

var idPattern = regexp.MustCompile(`^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{20})$`)

// OptionError is a ListOptions value that is not allowed. Nothing was sent.
type OptionError struct {
	Option  string // the query parameter, e.g. "limit"
	Value   string
	Allowed string // what is allowed
}

// Error names the option, the value and what is allowed.
func (e *OptionError) Error() string {
	return fmt.Sprintf("cisco: option %s=%q is not allowed: %s", e.Option, e.Value, e.Allowed)
}

// Validate checks the options against the documented limits. It is called
// before any request is sent; a bad value is an *OptionError.
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
	if o.AuditLogID != "" && !idPattern.MatchString(o.AuditLogID) {
		return &OptionError{"audit_log_id", o.AuditLogID, "a GUID such as e773a9eb-296c-40df-98d8-bed46322589d, or a 20-hex-digit connector GUID"}
	}
	if !o.StartTime.IsZero() && !o.EndTime.IsZero() && o.StartTime.After(o.EndTime) {
		return &OptionError{"start_time", o.StartTime.Format(time.RFC3339), "a time no later than end_time " + o.EndTime.Format(time.RFC3339)}
	}
	for name, v := range map[string]time.Time{"start_time": o.StartTime, "end_time": o.EndTime} {
		if !v.IsZero() && (v.Year() < 1970 || v.Year() > 9999) {
			return &OptionError{name, v.Format(time.RFC3339), "a time between 1970 and 9999"}
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
	c.StartTime = utcSecond(c.StartTime)
	c.EndTime = utcSecond(c.EndTime)
	v, err := query.Values(c)
	if err != nil {
		return nil, fmt.Errorf("cisco: encoding options: %w", err)
	}
	return v, nil
}

// filters are the options that select records, without the time window and
// paging: what a checkpoint's query fingerprint covers.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
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

func utcSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
