package automox

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// AuditEvent is one event of the Audit Trail API, as Automox sends it: an
// OCSF-shaped object (see ToOCSF for what is wrong with it and how it is
// repaired).
//
// The decoder tolerates what the API really sends (UNCONFIRMED beyond the
// document's examples and the community's captures): the id as
// {"_id":{"$oid":"..."}}, a plain "_id" string or "id"; time as epoch
// milliseconds, a numeric string or float epoch seconds; status_code, and
// every other integer, as a number or a numeric string. A documented field
// whose value has another type is left zero and kept in Extra under its own
// name, so that nothing is lost; a null counts as absent. Fields the
// document does not list are kept in Extra, and the event's JSON exactly as
// received in Raw.
type AuditEvent struct {
	// ID is the event's identifier, by which the API pages (24 hex digits,
	// a MongoDB ObjectId, in the examples): _id.$oid, _id, or id.
	ID string
	// Activity is the activity's name ("Logon", "Attach Policy", ...);
	// not an OCSF attribute (OCSF calls it activity_name).
	Activity string
	// ActivityID is the OCSF activity_id as sent; it may contradict
	// TypeUID (the document's own examples do).
	ActivityID *int
	// CategoryUID and CategoryName are the OCSF category (3 Identity &
	// Access Management, 6 Application Activity); the name is often
	// absent.
	CategoryUID  *int
	CategoryName string
	// ClassUID is the OCSF class Automox says the event is: 3001 Account
	// Change, 3002 Authentication, 3004 Entity Management or 6001 Web
	// Resources Activity in the document (0 when absent).
	ClassUID  int
	ClassName string
	// Count is the number of times the event occurred.
	Count *int
	// Message is Automox's name for the event, such as "User Log In
	// Success" or "Group Deleted".
	Message string
	// Metadata is the event's metadata; nil when absent.
	Metadata *Metadata
	// Severity and SeverityID are the severity as sent.
	Severity   string
	SeverityID *int
	// Status and StatusID are the status as sent; the document's examples
	// pair "Other" with status_id 1 (Success).
	Status   string
	StatusID *int
	// StatusCode is the HTTP status of the action, as text whether the
	// API sent a number (200) or a string ("204").
	StatusCode string
	// StatusDetails is the status detail (OCSF calls it status_detail).
	StatusDetails string
	// Time is when the event happened, in UTC, to the microsecond.
	Time time.Time
	// TimezoneOffset is the offset of the event's local time from UTC,
	// in minutes.
	TimezoneOffset *int
	// TypeName and TypeUID are the OCSF type as sent.
	TypeName string
	TypeUID  *int64
	// Actor is who acted; nil when absent.
	Actor *Actor
	// User is the user the event is about (the one who logged in, or whose
	// account changed); nil when absent.
	User *User
	// UserResult is the user after the change; nil when absent.
	UserResult *User
	// Entity is the managed entity of an Entity Management event.
	Entity *Entity
	// Observables are the event's observables.
	Observables []Observable
	// WebResources are the resources of a Web Resources Activity event.
	WebResources []WebResource
	// RawData is the event's own raw_data, as Automox sends it: a string
	// that prints the source's fields (often as a Java map, such as
	// "{command_type_name=GetOS, server_id=4423039}"); nil when absent.
	RawData *string
	// AuthProtocolID and LogonTypeID are OCSF enums of Authentication
	// events (99, Other, in the examples).
	AuthProtocolID *int
	LogonTypeID    *int

	// Extra holds the fields the document does not list, and documented
	// fields of an unexpected type, as sent.
	Extra map[string]json.RawMessage
	// Raw is the event exactly as received.
	Raw json.RawMessage

	uid     string // computed once at decode
	timeRaw string // time as sent (a JSON number, or the string's content)
	idKey   string // "_id.$oid", "_id" or "id": where ID came from
}

// Metadata is an event's metadata object.
type Metadata struct {
	UID            string  `json:"uid,omitempty"`
	CorrelationUID string  `json:"correlation_uid,omitempty"`
	TenantUID      string  `json:"tenant_uid,omitempty"`
	Version        string  `json:"version,omitempty"`
	Product        Product `json:"product"`
}

// Product is metadata.product. Automox sends no name (except on custom
// role events, "Automox Audit Trail").
type Product struct {
	Name       string `json:"name,omitempty"`
	VendorName string `json:"vendor_name,omitempty"`
	Version    string `json:"version,omitempty"`
}

// Actor is who acted.
type Actor struct {
	User *User `json:"user,omitempty"`
}

// User is a user: the actor's, the target of a change, or its result.
type User struct {
	UID       string   `json:"uid,omitempty"`
	UIDAlt    string   `json:"uid_alt,omitempty"`
	Name      string   `json:"name,omitempty"`
	EmailAddr string   `json:"email_addr,omitempty"`
	Org       *Org     `json:"org,omitempty"`
	Groups    []Group  `json:"groups,omitempty"`
	Account   *Account `json:"account,omitempty"`
}

// Org is the organization (zone) of a user.
type Org struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
}

// Group is a group a user belongs to (for Automox, a zone, with the user's
// roles in it as privileges).
type Group struct {
	UID        string   `json:"uid,omitempty"`
	Name       string   `json:"name,omitempty"`
	Type       string   `json:"type,omitempty"`
	Privileges []string `json:"privileges,omitempty"`
}

// Account is a user's account.
type Account struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
}

// Entity is a managed entity (a group, a policy, a role...).
type Entity struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
	// Data is the entity's own fields, as sent (custom roles send
	// permissions and scopes).
	Data json.RawMessage `json:"data,omitempty"`
}

// Observable is an OCSF observable as Automox sends it.
type Observable struct {
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	TypeID int    `json:"type_id,omitempty"`
	Value  string `json:"value,omitempty"`
}

// WebResource is a web resource (for Automox, a device).
type WebResource struct {
	UID       string `json:"uid,omitempty"`
	Name      string `json:"name,omitempty"`
	URLString string `json:"url_string,omitempty"`
	Desc      string `json:"desc,omitempty"`
	Type      string `json:"type,omitempty"`
}

// textMembers and intMembers are the documented string and integer
// members of an event, and the field each goes to: UnmarshalJSON and
// MarshalJSON read them alike.
var (
	textMembers = map[string]func(*AuditEvent) *string{
		"activity":       func(e *AuditEvent) *string { return &e.Activity },
		"category_name":  func(e *AuditEvent) *string { return &e.CategoryName },
		"class_name":     func(e *AuditEvent) *string { return &e.ClassName },
		"message":        func(e *AuditEvent) *string { return &e.Message },
		"severity":       func(e *AuditEvent) *string { return &e.Severity },
		"status":         func(e *AuditEvent) *string { return &e.Status },
		"status_details": func(e *AuditEvent) *string { return &e.StatusDetails },
		"type_name":      func(e *AuditEvent) *string { return &e.TypeName },
	}
	intMembers = map[string]func(*AuditEvent) **int{
		"activity_id":      func(e *AuditEvent) **int { return &e.ActivityID },
		"category_uid":     func(e *AuditEvent) **int { return &e.CategoryUID },
		"count":            func(e *AuditEvent) **int { return &e.Count },
		"severity_id":      func(e *AuditEvent) **int { return &e.SeverityID },
		"status_id":        func(e *AuditEvent) **int { return &e.StatusID },
		"timezone_offset":  func(e *AuditEvent) **int { return &e.TimezoneOffset },
		"auth_protocol_id": func(e *AuditEvent) **int { return &e.AuthProtocolID },
		"logon_type_id":    func(e *AuditEvent) **int { return &e.LogonTypeID },
	}
)

// UnmarshalJSON decodes an event in one pass over its members, keeping
// unknown fields and fields of unexpected types in Extra and the whole event
// in Raw. It fails only on a value that is not a JSON object, and on an
// event without a readable time (walks need it to file the event in its
// window); the error is an *auditclient.PathError naming the member ("$",
// "$.time").
func (e *AuditEvent) UnmarshalJSON(data []byte) error {
	*e = AuditEvent{Raw: append(json.RawMessage(nil), data...)}
	var oid, plainID string
	err := jsonscan.Members(e.Raw, func(key string, val []byte) error {
		if jsonscan.IsNull(val) {
			return nil
		}
		ok := true
		if f := textMembers[key]; f != nil {
			*f(e), ok = text(val)
		} else if f := intMembers[key]; f != nil {
			*f(e), ok = intPtr(val)
		} else {
			switch key {
			case "_id":
				if len(val) > 0 && val[0] == '{' {
					var o struct {
						OID string `json:"$oid"`
					}
					if ok = json.Unmarshal(val, &o) == nil && o.OID != ""; ok {
						oid, e.idKey = o.OID, "_id.$oid"
					}
				} else if s, err := jsonscan.Unquote(val); err == nil && s != "" {
					oid, e.idKey = s, "_id"
				} else {
					ok = false
				}
			case "id":
				plainID, ok = text(val)
			case "class_uid":
				var p *int
				if p, ok = intPtr(val); ok {
					e.ClassUID = *p
				}
			case "metadata":
				ok = decodeObject(val, &e.Metadata)
			case "status_code":
				e.StatusCode, ok = scalarText(val)
			case "time":
				e.timeRaw, ok = scalarText(val)
				if ok {
					e.Time, ok = parseTime(e.timeRaw)
				}
			case "type_uid":
				var n int64
				if n, ok = integer(val); ok {
					e.TypeUID = &n
				}
			case "actor":
				ok = decodeObject(val, &e.Actor)
			case "user":
				ok = decodeObject(val, &e.User)
			case "user_result":
				ok = decodeObject(val, &e.UserResult)
			case "entity":
				ok = decodeObject(val, &e.Entity)
			case "observables":
				ok = val[0] == '[' && json.Unmarshal(val, &e.Observables) == nil
			case "web_resources":
				ok = val[0] == '[' && json.Unmarshal(val, &e.WebResources) == nil
			case "raw_data":
				var s string
				if s, ok = text(val); ok {
					e.RawData = &s
				}
			default:
				ok = false
			}
		}
		if !ok {
			jsonshape.KeepExtra(&e.Extra, key, val)
		}
		return nil
	})
	if err := jsonshape.ObjectErr(err, "automox: audit event", data, 40); err != nil {
		return err
	}
	e.ID = oid
	if e.ID == "" && plainID != "" {
		e.ID, e.idKey = plainID, "id"
	}
	if e.Time.IsZero() {
		if raw, bad := e.Extra["time"]; bad {
			return jsonshape.Errorf("$.time", "automox: audit event %s: field time: %s is not epoch milliseconds or seconds", e.ID, jsonscan.Clip(raw))
		}
		return jsonshape.Errorf("$.time", "automox: audit event %s has no time", e.ID)
	}
	e.uid = e.computeUID()
	return nil
}

// text returns the string of a JSON string value.
func text(val []byte) (string, bool) {
	s, err := jsonscan.Unquote(val)
	return s, err == nil
}

// scalarText returns a JSON string's content, or a number as written.
func scalarText(val []byte) (string, bool) {
	if len(val) > 0 && val[0] == '"' {
		return text(val)
	}
	if len(val) > 0 && (val[0] == '-' || (val[0] >= '0' && val[0] <= '9')) {
		if _, err := json.Number(val).Float64(); err == nil {
			return string(val), true
		}
	}
	return "", false
}

// integer reads an integer sent as a number or a numeric string.
func integer(val []byte) (int64, bool) {
	s, ok := scalarText(val)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

func intPtr(val []byte) (*int, bool) {
	n, ok := integer(val)
	if !ok || n != int64(int(n)) {
		return nil, false
	}
	i := int(n)
	return &i, true
}

// decodeObject decodes a JSON object into *dst (a pointer to a pointer to a
// struct), reporting false when val is not an object of that shape.
func decodeObject[T any](val []byte, dst **T) bool {
	if len(val) == 0 || val[0] != '{' {
		return false
	}
	v := new(T)
	if json.Unmarshal(val, v) != nil {
		return false
	}
	*dst = v
	return true
}

// parseTime reads an Automox time: epoch milliseconds, the same as a string,
// or float epoch seconds. A value above 1e11 is milliseconds, a smaller one
// seconds; fractions are kept to the microsecond.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || (hasFrac && frac == "") || len(frac) > 9 {
		return time.Time{}, false
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var nine int64 // the fraction in billionths of the unit
	if hasFrac {
		nine, _ = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	}
	if n > 1e11 {
		if n > 1e15 { // beyond year 33658
			return time.Time{}, false
		}
		return time.UnixMilli(n).Add(time.Duration(nine/1e6) * time.Microsecond).UTC(), true
	}
	if n == 0 && nine == 0 {
		return time.Time{}, false // 0 is "no time", not 1970
	}
	return time.Unix(n, nine/1e3*1e3).UTC(), true
}

// OriginalTime returns the event's time as sent: the number as written, or
// the string's content.
func (e *AuditEvent) OriginalTime() string {
	if e.timeRaw != "" {
		return e.timeRaw
	}
	return strconv.FormatInt(e.Time.UnixMilli(), 10)
}

// UID returns a stable id for the event: its metadata.uid, the OCSF event
// uid Automox gives it; for an event without one, its ID (the id the API
// pages by); failing both, a digest of the event's JSON (keys sorted,
// numbers exact). ToOCSF writes it as metadata.uid, and checkpoints keep it.
func (e *AuditEvent) UID() string {
	if e.uid != "" {
		return e.uid
	}
	return e.computeUID()
}

func (e *AuditEvent) computeUID() string {
	switch {
	case e.Metadata != nil && e.Metadata.UID != "":
		return e.Metadata.UID
	case e.ID != "":
		return e.ID
	}
	raw := e.Raw
	if len(raw) == 0 {
		raw, _ = e.MarshalJSON()
	}
	v, err := jsonscan.DecodeValue(bytes.TrimSpace(raw))
	var buf []byte
	if err != nil {
		buf = raw
	} else {
		buf = jsonscan.AppendCanonical(nil, v)
	}
	return jsonshape.Digest(buf)
}

// cursor is the value that asks the API for the events after e: its ID,
// else its metadata.uid (what the community's MCP server sends;
// UNCONFIRMED which the server expects when they differ).
func (e *AuditEvent) cursor() string {
	if e.ID != "" {
		return e.ID
	}
	if e.Metadata != nil {
		return e.Metadata.UID
	}
	return ""
}

// MarshalJSON writes the event as it was received (Raw), or, for an event
// built in code, its fields under the API's names.
func (e AuditEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	m := map[string]any{}
	if e.ID != "" {
		m["_id"] = map[string]string{"$oid": e.ID}
	}
	for k, f := range textMembers {
		if v := *f(&e); v != "" {
			m[k] = v
		}
	}
	if e.StatusCode != "" {
		m["status_code"] = e.StatusCode
	}
	if e.ClassUID != 0 {
		m["class_uid"] = e.ClassUID
	}
	if !e.Time.IsZero() {
		m["time"] = e.Time.UnixMilli()
	}
	// The pointers and slices, written when not nil (json.Marshal writes
	// what a pointer points to).
	for k, f := range intMembers {
		if p := *f(&e); p != nil {
			m[k] = p
		}
	}
	for k, v := range map[string]any{"type_uid": e.TypeUID, "metadata": e.Metadata, "actor": e.Actor, "user": e.User, "user_result": e.UserResult,
		"entity": e.Entity, "observables": e.Observables, "web_resources": e.WebResources, "raw_data": e.RawData} {
		if !reflect.ValueOf(v).IsNil() {
			m[k] = v
		}
	}
	return jsonshape.MarshalObject(m, e.Extra)
}
