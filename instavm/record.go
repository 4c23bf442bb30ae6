package instavm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// AuditEvent is one item of GET /v1/audit/events (the document's
// AuditEventResponse), as the API sends it: every field of the document's
// schema, the nullable ones as pointers (nil for null or absent), so that
// "no value" and a zero value stay apart.
//
// Fields the document does not list are kept in Extra, and the item's JSON
// exactly as received in Raw, so nothing the vendor sends is lost.
type AuditEvent struct {
	// ID is the event's own id, unique per event (e.g.
	// "aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB"). Required.
	ID string
	// CreatedAt is when the event happened. Required.
	CreatedAt time.Time
	// UserID is the account the event belongs to.
	UserID *int64
	// ActorType is who acted: e.g. "user", "api_key", "system"
	// (vocabulary UNCONFIRMED). Required.
	ActorType string
	// ActorID identifies the actor within ActorType, e.g. a user id or an
	// API key id.
	ActorID *string
	// Source is where the action came from: e.g. "api", "dashboard"
	// (vocabulary UNCONFIRMED). Required.
	Source string
	// EventGroup is the event's group, e.g. "auth" or "vm". Required.
	EventGroup string
	// EventType is the event's type, e.g. "auth.login" or "vm.create".
	// Required.
	EventType string
	// Status is the outcome, e.g. "success" or "failure". Required.
	Status string
	// ResourceType and ResourceID name the object acted on.
	ResourceType *string
	ResourceID   *string
	// SessionID is the session the event belongs to.
	SessionID *string
	// VMID is the VM the event is about.
	VMID *string
	// TaskID is the task (e.g. a code execution) the event belongs to.
	TaskID *int64
	// RequestID and CorrelationID tie the event to an API request and to
	// related events.
	RequestID     *string
	CorrelationID *string
	// HTTPMethod, Path, HTTPStatus and LatencyMS describe the HTTP request
	// behind the event, when there was one.
	HTTPMethod *string
	Path       *string
	HTTPStatus *int
	LatencyMS  *float64
	// IPAddress and UserAgent describe the client.
	IPAddress *string
	UserAgent *string
	// NodeIP and WorkerID name the InstaVM node and worker that handled the
	// event.
	NodeIP   *string
	WorkerID *string
	// EventPayload is the event's payload, any JSON value, as sent; nil
	// when null or absent.
	EventPayload json.RawMessage
	// ErrorMessage says what went wrong, for failures.
	ErrorMessage *string

	// Extra holds fields the document does not list, as sent.
	Extra map[string]json.RawMessage
	// Raw is the item exactly as received.
	Raw json.RawMessage

	created string // created_at as sent
}

// eventValues holds the values the pointer fields of one decoded event
// point to: one allocation per event instead of one per field.
type eventValues struct {
	strs   [14]string
	ints   [2]int64
	status int
	lat    float64
}

// UnmarshalJSON decodes an item in one pass, keeping unknown fields in
// Extra and the whole item in Raw. A field of the wrong type is an
// *auditclient.PathError that names it ("$.user_id"); id and created_at
// are required; an item that is not an object is one at "$".
func (e *AuditEvent) UnmarshalJSON(data []byte) error {
	*e = AuditEvent{Raw: append(json.RawMessage(nil), data...)}
	d := eventDecoder{raw: e.Raw, text: string(data), vals: new(eventValues)}
	var seenID bool
	err := jsonscan.RawMembers(e.Raw, func(key, val []byte) error {
		var err error
		switch string(key) {
		case "id":
			seenID = true
			e.ID, err = d.str(val)
		case "created_at":
			e.created, err = d.str(val)
		case "user_id":
			e.UserID, err = d.optInt(val, 0)
		case "actor_type":
			e.ActorType, err = d.str(val)
		case "actor_id":
			e.ActorID, err = d.optStr(val, 0)
		case "source":
			e.Source, err = d.str(val)
		case "event_group":
			e.EventGroup, err = d.str(val)
		case "event_type":
			e.EventType, err = d.str(val)
		case "status":
			e.Status, err = d.str(val)
		case "resource_type":
			e.ResourceType, err = d.optStr(val, 1)
		case "resource_id":
			e.ResourceID, err = d.optStr(val, 2)
		case "session_id":
			e.SessionID, err = d.optStr(val, 3)
		case "vm_id":
			e.VMID, err = d.optStr(val, 4)
		case "task_id":
			e.TaskID, err = d.optInt(val, 1)
		case "request_id":
			e.RequestID, err = d.optStr(val, 5)
		case "correlation_id":
			e.CorrelationID, err = d.optStr(val, 6)
		case "http_method":
			e.HTTPMethod, err = d.optStr(val, 7)
		case "path":
			e.Path, err = d.optStr(val, 8)
		case "http_status":
			var n *int64
			if n, err = optInt(val); err == nil && n != nil {
				if *n < -1<<31 || *n > 1<<31-1 {
					err = fmt.Errorf("%s is out of range", jsonscan.Clip(val))
				} else {
					d.vals.status = int(*n)
					e.HTTPStatus = &d.vals.status
				}
			}
		case "latency_ms":
			var f *float64
			if f, err = optFloat(val); err == nil && f != nil {
				d.vals.lat = *f
				e.LatencyMS = &d.vals.lat
			}
		case "ip_address":
			e.IPAddress, err = d.optStr(val, 9)
		case "user_agent":
			e.UserAgent, err = d.optStr(val, 10)
		case "node_ip":
			e.NodeIP, err = d.optStr(val, 11)
		case "worker_id":
			e.WorkerID, err = d.optStr(val, 12)
		case "event_payload":
			if !jsonscan.IsNull(val) {
				e.EventPayload = json.RawMessage(val)
			}
		case "error_message":
			e.ErrorMessage, err = d.optStr(val, 13)
		default:
			jsonshape.KeepExtra(&e.Extra, string(key), val)
		}
		if err != nil {
			return jsonshape.Errorf("$."+string(key), "instavm: audit event field %s: %w", key, err)
		}
		return nil
	})
	if err := jsonshape.ObjectErr(err, "instavm: audit event", data, 40); err != nil {
		return err
	}
	if !seenID || e.ID == "" {
		return jsonshape.Errorf("$.id", "instavm: audit event has no id: %s", jsonscan.Clip(data))
	}
	e.CreatedAt, err = createdTime.Read(e.created, e.ID)
	return err
}

// createdTime is the event's required created_at.
var createdTime = jsonshape.RequiredTime{Path: "$.created_at", Parse: parseTime,
	Missing: "instavm: audit event %s has no created_at",
	Bad:     "instavm: audit event %s: field created_at: %q is not an ISO 8601 date-time"}

// eventDecoder decodes the values of one event. text is raw as a string:
// strings without escapes are substrings of it, so decoding them allocates
// nothing.
type eventDecoder struct {
	raw  []byte
	text string
	vals *eventValues
}

// str decodes a string or null ("").
func (d *eventDecoder) str(val []byte) (string, error) {
	if jsonscan.IsNull(val) {
		return "", nil
	}
	if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' && bytes.IndexByte(val, '\\') < 0 {
		i := cap(d.raw) - cap(val) // val is a subslice of raw
		if i >= 0 && i+len(val) <= len(d.text) {
			return d.text[i+1 : i+len(val)-1], nil
		}
	}
	return jsonscan.Unquote(val)
}

// optStr decodes a string or null (nil), kept in slot k of the event's
// values.
func (d *eventDecoder) optStr(val []byte, k int) (*string, error) {
	if jsonscan.IsNull(val) {
		return nil, nil
	}
	s, err := d.str(val)
	if err != nil {
		return nil, err
	}
	d.vals.strs[k] = s
	return &d.vals.strs[k], nil
}

// optInt decodes an integer or null (nil), kept in slot k.
func (d *eventDecoder) optInt(val []byte, k int) (*int64, error) {
	n, err := optInt(val)
	if err != nil || n == nil {
		return nil, err
	}
	d.vals.ints[k] = *n
	return &d.vals.ints[k], nil
}

// parseTime reads a date-time as FastAPI writes it: RFC 3339, or ISO 8601
// without a zone (then UTC), which Python's isoformat gives for naive times.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

func optInt(val []byte) (*int64, error) {
	if jsonscan.IsNull(val) {
		return nil, nil
	}
	n, err := strconv.ParseInt(string(val), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s is not an integer", jsonscan.Clip(val))
	}
	return &n, nil
}

func optFloat(val []byte) (*float64, error) {
	if jsonscan.IsNull(val) {
		return nil, nil
	}
	if len(val) == 0 || (val[0] != '-' && (val[0] < '0' || val[0] > '9')) {
		return nil, fmt.Errorf("%s is not a number", jsonscan.Clip(val))
	}
	f, err := strconv.ParseFloat(string(val), 64)
	if err != nil {
		return nil, fmt.Errorf("%s is not a number", jsonscan.Clip(val))
	}
	return &f, nil
}

// auditEventJSON is the wire form of AuditEvent, for MarshalJSON of an
// event built in code.
type auditEventJSON struct {
	ID            string          `json:"id"`
	CreatedAt     string          `json:"created_at"`
	UserID        *int64          `json:"user_id"`
	ActorType     string          `json:"actor_type"`
	ActorID       *string         `json:"actor_id"`
	Source        string          `json:"source"`
	EventGroup    string          `json:"event_group"`
	EventType     string          `json:"event_type"`
	Status        string          `json:"status"`
	ResourceType  *string         `json:"resource_type"`
	ResourceID    *string         `json:"resource_id"`
	SessionID     *string         `json:"session_id"`
	VMID          *string         `json:"vm_id"`
	TaskID        *int64          `json:"task_id"`
	RequestID     *string         `json:"request_id"`
	CorrelationID *string         `json:"correlation_id"`
	HTTPMethod    *string         `json:"http_method"`
	Path          *string         `json:"path"`
	HTTPStatus    *int            `json:"http_status"`
	LatencyMS     *float64        `json:"latency_ms"`
	IPAddress     *string         `json:"ip_address"`
	UserAgent     *string         `json:"user_agent"`
	NodeIP        *string         `json:"node_ip"`
	WorkerID      *string         `json:"worker_id"`
	EventPayload  json.RawMessage `json:"event_payload"`
	ErrorMessage  *string         `json:"error_message"`
}

// MarshalJSON writes the event as it was received (Raw), or, for an event
// built in code, every field of the document in its order (null where
// unset), then the Extra fields.
func (e AuditEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	w := auditEventJSON{
		ID: e.ID, CreatedAt: e.createdAt(), UserID: e.UserID, ActorType: e.ActorType, ActorID: e.ActorID,
		Source: e.Source, EventGroup: e.EventGroup, EventType: e.EventType, Status: e.Status,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, SessionID: e.SessionID, VMID: e.VMID,
		TaskID: e.TaskID, RequestID: e.RequestID, CorrelationID: e.CorrelationID, HTTPMethod: e.HTTPMethod,
		Path: e.Path, HTTPStatus: e.HTTPStatus, LatencyMS: e.LatencyMS, IPAddress: e.IPAddress,
		UserAgent: e.UserAgent, NodeIP: e.NodeIP, WorkerID: e.WorkerID, EventPayload: e.EventPayload,
		ErrorMessage: e.ErrorMessage,
	}
	if len(w.EventPayload) == 0 {
		w.EventPayload = json.RawMessage("null")
	}
	b, err := json.Marshal(w)
	if err != nil || len(e.Extra) == 0 {
		return b, err
	}
	extra, err := json.Marshal(e.Extra) // keys sorted
	if err != nil {
		return nil, err
	}
	if len(extra) <= 2 {
		return b, nil
	}
	out := append(b[:len(b)-1], ',')
	return append(out, extra[1:]...), nil
}

// createdAt is created_at as sent, or CreatedAt in RFC 3339 for an event
// built in code.
func (e *AuditEvent) createdAt() string {
	if e.created != "" {
		return e.created
	}
	if e.CreatedAt.IsZero() {
		return ""
	}
	return e.CreatedAt.UTC().Format(time.RFC3339Nano)
}

// UID returns the event's stable id: the API's own per-event id. An event
// without one (never sent by the API, whose schema requires it) gets a
// digest of its JSON instead, so that it still has a uid.
func (e *AuditEvent) UID() string {
	if e.ID != "" {
		return e.ID
	}
	raw, err := e.MarshalJSON()
	if err != nil {
		raw = []byte(e.EventType + e.createdAt())
	}
	return "sha256:" + jsonshape.Digest(raw)
}

// Page is one response of GET /v1/audit/events (the document's
// AuditEventListResponse): what ListPage returns.
type Page struct {
	// Items are the events of the page, in the order the API sent them.
	Items []AuditEvent `json:"items"`
	// NextCursor is the cursor of the next page, nil on the last page.
	NextCursor *string `json:"next_cursor"`
}

// UnmarshalJSON decodes a response strictly, as the document's schema
// says: an object whose items (required) is an array of audit events, and
// whose next_cursor is a string, null or absent (null and absent mean the
// last page; "" is taken as null). Members the document does not list are
// ignored. Anything else — {}, null, [], items null or an object, a
// next_cursor of another type, an item that is not an audit event — is an
// *auditclient.PathError naming the JSON path ("$.items",
// "$.items[3].created_at"), which the client reports as a permanent
// *auditclient.DecodeError: a body of the wrong shape is never read as a
// page without events.
func (l *Page) UnmarshalJSON(b []byte) error {
	*l = Page{}
	hasItems := false
	err := jsonshape.Members(b, "$", func(key string, val []byte) error {
		switch key {
		case "items":
			hasItems = true
			var err error
			l.Items, err = jsonshape.Records[AuditEvent](val, "$.items")
			return err
		case "next_cursor":
			if jsonscan.IsNull(val) {
				l.NextCursor = nil
				return nil
			}
			s, err := jsonshape.OptString(val, "$.next_cursor")
			if err != nil {
				return err
			}
			l.NextCursor = &s
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !hasItems {
		return jsonshape.Errorf("$.items", "missing: the response has no items array (the document's AuditEventListResponse requires it)")
	}
	return nil
}

// Next returns the cursor of the next page, "" on the last page.
func (l *Page) Next() string {
	if l == nil || l.NextCursor == nil {
		return ""
	}
	return *l.NextCursor
}
