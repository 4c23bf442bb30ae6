package nprinting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// AuditEvent is one item of GET /api/v1/audit/events, as the API sends it
// (the document's AuditEvent model).
//
// String members that are null or absent decode as ""; a member of another
// type than documented (the endpoint is experimental, so schema drift is
// likely) is kept as its JSON text rather than failing the walk. Fields the
// document does not list are kept in Extra, and the record's JSON exactly
// as received in Raw, so nothing the server sends is lost.
type AuditEvent struct {
	// ID is the event's id, a UUID.
	ID string `json:"id"`
	// EventTime is when the event happened (the document's example:
	// "2000-01-23T04:56:07.000+00:00").
	EventTime time.Time `json:"eventTime"`
	// UserID and UserName are the user who acted ("CORP\\jsmith" for a
	// Windows user).
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	// IPAddress is the address the user acted from.
	IPAddress string `json:"ipAddress"`
	// Source is the access point that logged the event, such as
	// "WebConsole", "NewsStand" or "Api" (values UNCONFIRMED).
	Source string `json:"source"`
	// Target is the kind of object acted on, such as "Task", "User" or
	// "Report" (values UNCONFIRMED); TargetID and TargetName identify it.
	Target     string `json:"target"`
	TargetID   string `json:"targetId"`
	TargetName string `json:"targetName"`
	// AppID is the app the object belongs to, if any (a UUID).
	AppID string `json:"appId"`
	// Action is what happened, such as "Create", "Update", "Delete" or
	// "Login" (values UNCONFIRMED).
	Action string `json:"action"`
	// Description says it in words.
	Description string `json:"description"`
	// Data is the event's payload: an object in the document's model, the
	// string "{}" in its example; both are kept as sent.
	Data Data `json:"data"`
	// DataType is the type of Data, such as "PublishTask" (values
	// UNCONFIRMED).
	DataType string `json:"dataType"`

	// Extra holds members the document does not list, as sent.
	Extra map[string]json.RawMessage `json:"-"`
	// Raw is the record exactly as received.
	Raw json.RawMessage `json:"-"`

	eventTime string // eventTime as sent
}

// DataKind is the JSON type of an event's data member.
type DataKind int

// The kinds of Data.
const (
	DataAbsent DataKind = iota // the record has no data member
	DataNull                   // data is null
	DataString                 // data is a JSON string (the document's example: "{}")
	DataObject                 // data is a JSON object (the document's model)
	DataOther                  // data is a number, boolean or array
)

// String returns the kind's name: "absent", "null", "string", "object" or
// "other".
func (k DataKind) String() string {
	switch k {
	case DataAbsent:
		return "absent"
	case DataNull:
		return "null"
	case DataString:
		return "string"
	case DataObject:
		return "object"
	}
	return "other"
}

// Data is the data member of an audit event, exactly as sent. The
// document's model types it as an object, yet its example sends the string
// "{}": servers send either, and both are kept faithfully.
type Data struct {
	// Raw is the member's JSON as sent: a string, an object, another JSON
	// value, or nil when the record has no data member.
	Raw json.RawMessage
}

// Kind tells the JSON type of the data.
func (d Data) Kind() DataKind {
	if len(d.Raw) == 0 {
		return DataAbsent
	}
	switch d.Raw[0] {
	case 'n':
		return DataNull
	case '"':
		return DataString
	case '{':
		return DataObject
	}
	return DataOther
}

// Text returns the string the data holds when it was sent as a JSON string.
func (d Data) Text() (string, bool) {
	if d.Kind() != DataString {
		return "", false
	}
	s, err := jsonscan.Unquote(d.Raw)
	if err != nil {
		return "", false
	}
	return s, true
}

// Value returns the data decoded as sent: a string for a JSON string (not
// parsed further), a map[string]any for an object, json.Number for
// numbers, nil when null or absent.
func (d Data) Value() (any, error) {
	if len(d.Raw) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(d.Raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("nprinting: data %s: %w", jsonscan.Clip(d.Raw), err)
	}
	return v, nil
}

// Object returns the data as an object: the object sent, or the object a
// JSON string holds (as in "{\"enabled\":false}"). ok is false when the
// data is neither.
func (d Data) Object() (map[string]any, bool) {
	raw := []byte(d.Raw)
	if s, isText := d.Text(); isText {
		raw = []byte(s)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || dec.More() {
		return nil, false
	}
	return m, true
}

// MarshalJSON writes the data as sent; null when absent.
func (d Data) MarshalJSON() ([]byte, error) {
	if len(d.Raw) == 0 {
		return []byte("null"), nil
	}
	return d.Raw, nil
}

// UnmarshalJSON keeps the member's JSON as sent.
func (d *Data) UnmarshalJSON(b []byte) error {
	d.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// UnmarshalJSON decodes a record in one pass, keeping unknown members in
// Extra and the whole record in Raw. A record that is not an object, or
// whose eventTime is missing, null or not a time, is an
// *auditclient.PathError ("$" or "$.eventTime"): no event is built from
// what is not one.
func (e *AuditEvent) UnmarshalJSON(data []byte) error {
	*e = AuditEvent{Raw: append(json.RawMessage(nil), data...)}
	str := func(val []byte) string {
		switch {
		case jsonscan.IsNull(val):
			return ""
		case len(val) > 0 && val[0] == '"':
			if s, err := jsonscan.Unquote(val); err == nil {
				return s
			}
		}
		return string(val) // another type than documented: its JSON text
	}
	err := jsonscan.Members(e.Raw, func(key string, val []byte) error {
		switch key {
		case "id":
			e.ID = str(val)
		case "eventTime":
			e.eventTime = str(val)
		case "userId":
			e.UserID = str(val)
		case "userName":
			e.UserName = str(val)
		case "ipAddress":
			e.IPAddress = str(val)
		case "source":
			e.Source = str(val)
		case "target":
			e.Target = str(val)
		case "targetId":
			e.TargetID = str(val)
		case "targetName":
			e.TargetName = str(val)
		case "appId":
			e.AppID = str(val)
		case "action":
			e.Action = str(val)
		case "description":
			e.Description = str(val)
		case "data":
			e.Data = Data{Raw: json.RawMessage(val)}
		case "dataType":
			e.DataType = str(val)
		default:
			jsonshape.KeepExtra(&e.Extra, key, val)
		}
		return nil
	})
	if err := jsonshape.ObjectErr(err, "nprinting: audit event", data, 40); err != nil {
		return err
	}
	e.EventTime, err = eventTime.Read(e.eventTime, e.ID)
	return err
}

// eventTime is the record's required eventTime.
var eventTime = jsonshape.RequiredTime{Path: "$.eventTime", Parse: parseTime,
	Missing: "nprinting: audit event %q has no eventTime",
	Bad:     "nprinting: audit event %q: eventTime %q is not an ISO 8601 time"}

// parseTime reads eventTime: RFC 3339 with any fraction and offset, as in
// the document; a time without an offset is taken as UTC (the API's times
// are UTC).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a time")
}

// MarshalJSON writes the record as it was received (Raw), or, for a record
// built in code, its fields in the document's order.
func (e AuditEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	m := map[string]any{
		"targetName": e.TargetName, "targetId": e.TargetID, "data": e.Data,
		"dataType": e.DataType, "ipAddress": e.IPAddress, "description": e.Description,
		"source": e.Source, "userName": e.UserName, "userId": e.UserID, "target": e.Target,
		"appId": e.AppID, "eventTime": e.originalTime(), "action": e.Action, "id": e.ID,
	}
	return jsonshape.MarshalObject(m, e.Extra)
}

// originalTime is eventTime as sent, when the record was received.
func (e *AuditEvent) originalTime() string {
	if e.eventTime != "" {
		return e.eventTime
	}
	return e.EventTime.UTC().Format("2006-01-02T15:04:05.000-07:00")
}

// UID returns a stable id for the event: its id, lowercased (UUIDs compare
// case-insensitively). A record without an id, which the document does not
// foresee, gets "sha256:" and a digest of its JSON with insignificant space
// removed.
func (e *AuditEvent) UID() string {
	if e.ID != "" {
		if strings.IndexFunc(e.ID, func(r rune) bool { return r >= 'A' && r <= 'Z' }) < 0 {
			return e.ID // already lowercase: no copy
		}
		return strings.ToLower(e.ID)
	}
	raw, _ := e.MarshalJSON() // Raw, when the record was received
	return jsonshape.DigestJSON(raw)
}

// UnmarshalJSON decodes a response strictly: the body must be an object
// whose data member is an PageData (see PageData.UnmarshalJSON).
// Anything else — {}, null, [], a data member of another type — is an
// *auditclient.PathError naming the JSON path ("$", "$.data",
// "$.data.items[3].eventTime"), which the client reports as a permanent
// *auditclient.DecodeError: a body of the wrong shape is never read as a
// page without events.
func (r *Page) UnmarshalJSON(b []byte) error {
	*r = Page{}
	seen := false
	err := jsonshape.Members(b, "$", func(key string, val []byte) error {
		if key != "data" {
			return nil
		}
		seen = true
		return r.Data.decode(val, "$.data")
	})
	if err != nil {
		return err
	}
	if !seen {
		return jsonshape.Errorf("$.data", "missing: the response has no data member (the document's envelope is {\"data\":{\"totalItems\",\"offset\",\"limit\",\"items\"}})")
	}
	return nil
}

// UnmarshalJSON decodes the data member of a response, strictly: an object
// with totalItems (a non-negative integer) and items (an array of audit
// events), both required; offset and limit, when present and not null,
// must be non-negative integers. Members the document does not list are
// ignored. A mismatch is an *auditclient.PathError (paths from "$", the
// list itself).
func (l *PageData) UnmarshalJSON(b []byte) error { return l.decode(b, "$") }

// decode decodes the list at path.
func (l *PageData) decode(b []byte, path string) error {
	*l = PageData{}
	var hasTotal, hasItems bool
	err := jsonshape.Members(b, path, func(key string, val []byte) error {
		var err error
		switch key {
		case "totalItems":
			hasTotal = true
			l.TotalItems, err = jsonshape.Count(val, path+".totalItems")
		case "offset", "limit":
			if jsonscan.IsNull(val) {
				return nil
			}
			var n int
			if n, err = jsonshape.Count(val, path+"."+key); err == nil {
				if key == "offset" {
					l.Offset = n
				} else {
					l.Limit = n
				}
			}
		case "items":
			hasItems = true
			l.Items, err = jsonshape.Records[AuditEvent](val, path+".items")
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case !hasItems:
		return jsonshape.Errorf(path+".items", "missing: the page has no items array")
	case !hasTotal:
		return jsonshape.Errorf(path+".totalItems", "missing: the page does not tell totalItems, so the walk cannot tell whether it is complete")
	}
	return nil
}
