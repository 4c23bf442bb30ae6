package entrust

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// AuditEvent is one AccountAuditEvent of a Page, as the API sends
// it. The stored API reference lists the fields below (the model page was
// cut short, so more may exist: UNCONFIRMED); fields it does not list are
// kept in Extra and the record exactly as received in Raw, so nothing the
// vendor sends is lost. A JSON null reads as "".
type AuditEvent struct {
	// ID is the UUID of the audit event.
	ID string
	// EventTime is when it happened (the only field the model marks
	// required).
	EventTime time.Time
	// EventCategory is AUTHENTICATION or MANAGEMENT.
	EventCategory string
	// EventOutcome is the outcome; the search values are SUCCESS and FAIL
	// (the model does not pin its casing: compare with strings.EqualFold).
	EventOutcome string
	// EventType is the kind of event, e.g. "AuthenticationDeniedEvent".
	EventType string
	// EventVersion is the version of the event's format, as sent (a string
	// or a number: UNCONFIRMED which; a number is kept as its digits).
	EventVersion string
	// Message is a message key, e.g. "authentication.denied.invalid.password",
	// not a rendered sentence.
	Message string
	// AccountID is the account (tenant) id.
	AccountID string
	// Subject is the UUID of the acting user or API application, and
	// SubjectName its userId or name.
	Subject     string
	SubjectName string
	// SourceIP is the client's IP address.
	SourceIP string
	// EntityID, EntityName, EntityType (USERS, GROUPS, ROLES, ...) and
	// EntityAction (ADD, EDIT, REMOVE, ASSIGN, RESET, ...) describe the
	// object acted upon.
	EntityID     string
	EntityName   string
	EntityType   string
	EntityAction string
	// ResourceID and ResourceName are the resource (application) involved.
	ResourceID   string
	ResourceName string
	// RequiredPermission is the permission checked, e.g. "USERS:EDIT".
	RequiredPermission string
	// ServiceProviderAdminRoleID and ServiceProviderAdminRoleName are the
	// service provider administrator context.
	ServiceProviderAdminRoleID   string
	ServiceProviderAdminRoleName string
	// AuditDetails is the auditDetails object as sent (its fields are
	// UNCONFIRMED); nil when absent or null.
	AuditDetails json.RawMessage

	// Extra holds fields the reference does not list, as sent.
	Extra map[string]json.RawMessage
	// Raw is the record exactly as received.
	Raw json.RawMessage

	eventTime string // eventTime as sent
}

// fieldNames are the documented fields, in the reference's order.
var fieldNames = []string{"id", "eventTime", "eventCategory", "eventOutcome", "eventType", "eventVersion",
	"message", "accountId", "subject", "subjectName", "sourceIp", "entityId", "entityName", "entityType",
	"entityAction", "resourceId", "resourceName", "requiredPermission", "serviceProviderAdminRoleId",
	"serviceProviderAdminRoleName", "auditDetails"}

// eventTime is the one field the model marks required: UnmarshalJSON
// refuses a record without it.
var eventTime = jsonshape.RequiredTime{Path: "$.eventTime", Parse: parseISO,
	Missing: "entrust: audit event %s has no eventTime",
	Bad:     "entrust: audit event %s: eventTime %q is not an ISO-8601 time"}

// stringField returns the address of the string field named key.
func (e *AuditEvent) stringField(key string) *string { return e.fieldOf([]byte(key)) }

// fieldOf is stringField for a key in bytes, without allocating.
func (e *AuditEvent) fieldOf(key []byte) *string {
	switch string(key) {
	case "id":
		return &e.ID
	case "eventCategory":
		return &e.EventCategory
	case "eventOutcome":
		return &e.EventOutcome
	case "eventType":
		return &e.EventType
	case "message":
		return &e.Message
	case "accountId":
		return &e.AccountID
	case "subject":
		return &e.Subject
	case "subjectName":
		return &e.SubjectName
	case "sourceIp":
		return &e.SourceIP
	case "entityId":
		return &e.EntityID
	case "entityName":
		return &e.EntityName
	case "entityType":
		return &e.EntityType
	case "entityAction":
		return &e.EntityAction
	case "resourceId":
		return &e.ResourceID
	case "resourceName":
		return &e.ResourceName
	case "requiredPermission":
		return &e.RequiredPermission
	case "serviceProviderAdminRoleId":
		return &e.ServiceProviderAdminRoleID
	case "serviceProviderAdminRoleName":
		return &e.ServiceProviderAdminRoleName
	case "eventTime":
		return &e.eventTime
	}
	return nil
}

// UnmarshalJSON decodes a record, keeping unknown fields in Extra and the
// whole record in Raw. A record that is not an object, a documented field
// of the wrong type, or an eventTime missing or not a time is an
// *auditclient.PathError ("$", "$.subject", "$.eventTime").
func (e *AuditEvent) UnmarshalJSON(data []byte) error {
	*e = AuditEvent{Raw: append(json.RawMessage(nil), data...)}
	err := jsonscan.RawMembers(e.Raw, func(rawKey, val []byte) error {
		if p := e.fieldOf(rawKey); p != nil {
			s, err := unquote(val)
			if err != nil {
				return jsonshape.Errorf("$."+string(rawKey), "entrust: audit event field %s: %w", rawKey, err)
			}
			*p = s
			return nil
		}
		key := string(rawKey)
		switch key {
		case "eventVersion":
			if len(val) > 0 && val[0] == '"' || jsonscan.IsNull(val) {
				s, err := unquote(val)
				if err != nil {
					return jsonshape.Errorf("$."+key, "entrust: audit event field %s: %w", key, err)
				}
				e.EventVersion = s
			} else {
				var n json.Number
				if err := json.Unmarshal(val, &n); err != nil {
					return jsonshape.Errorf("$.eventVersion", "entrust: audit event field eventVersion: %s is neither a string nor a number", clip(val))
				}
				e.EventVersion = n.String()
			}
		case "auditDetails":
			if !jsonscan.IsNull(val) {
				e.AuditDetails = json.RawMessage(val)
			}
		default:
			jsonshape.KeepExtra(&e.Extra, key, val)
		}
		return nil
	})
	if err := jsonshape.ObjectErr(err, "entrust: audit event", data, clipBytes); err != nil {
		return err
	}
	e.EventTime, err = eventTime.Read(e.eventTime, e.ID)
	return err
}

// MarshalJSON writes the record as it was received (Raw), or, for a record
// built in code, its fields.
func (e AuditEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	m := map[string]any{}
	for _, k := range fieldNames {
		switch k {
		case "eventTime":
			m[k] = e.originalTime()
		case "eventVersion":
			if e.EventVersion != "" {
				m[k] = e.EventVersion
			}
		case "auditDetails":
			if len(e.AuditDetails) > 0 {
				m[k] = e.AuditDetails
			}
		default:
			if s := *e.stringField(k); s != "" {
				m[k] = s
			}
		}
	}
	return jsonshape.MarshalObject(m, e.Extra)
}

// UID returns the event's id. A record without one (never seen, but the
// model does not mark id required) gets a digest of its JSON instead, so
// that checkpoints still tell records apart.
func (e *AuditEvent) UID() string {
	if e.ID != "" {
		return e.ID
	}
	raw, _ := e.MarshalJSON() // Raw, when the record was received
	return jsonshape.DigestJSON(raw)
}

// originalTime is eventTime as sent, or EventTime in RFC 3339.
func (e *AuditEvent) originalTime() string {
	if e.eventTime != "" {
		return e.eventTime
	}
	return e.EventTime.UTC().Format(time.RFC3339Nano)
}

// Paging is the paging member of a page. Only nextCursor is confirmed;
// the other members of the Paging model are UNCONFIRMED and kept in Extra.
type Paging struct {
	// NextCursor is the cursor of the next page; "" (null) on the last.
	NextCursor string
	// PrevCursor is the cursor of the previous page, where sent.
	PrevCursor string
	// Extra holds the other members, as sent.
	Extra map[string]json.RawMessage
}

// UnmarshalJSON decodes paging, tolerating members of any type beside the
// cursors.
func (p *Paging) UnmarshalJSON(data []byte) error {
	*p = Paging{}
	if jsonscan.IsNull(data) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("entrust: paging is not a JSON object: %s", clip(data))
	}
	for k, v := range m {
		var err error
		switch k {
		case "nextCursor":
			p.NextCursor, err = unquote(v)
		case "prevCursor":
			p.PrevCursor, err = unquote(v)
		default:
			jsonshape.KeepExtra(&p.Extra, k, v)
		}
		if err != nil {
			return fmt.Errorf("entrust: paging.%s: %w", k, err)
		}
	}
	return nil
}

// MarshalJSON writes paging with null for an absent next cursor.
func (p Paging) MarshalJSON() ([]byte, error) {
	m := map[string]any{"nextCursor": nil}
	if p.NextCursor != "" {
		m["nextCursor"] = p.NextCursor
	}
	if p.PrevCursor != "" {
		m["prevCursor"] = p.PrevCursor
	}
	for k, v := range p.Extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// Page is one response of auditeventspaged (or its SIEM variant).
type Page struct {
	Results []AuditEvent `json:"results"`
	Paging  Paging       `json:"paging"`
}

// UnmarshalJSON decodes a page strictly: an object with results (an array
// of audit events) and paging (an object whose nextCursor is a string, or
// null or absent on the last page), both required, since a walk cannot
// tell without them whether it is complete. Anything else — {}, null, [],
// results null or an object, paging missing or null, a nextCursor of
// another type, a record that is not an audit event — is an
// *auditclient.PathError naming the JSON path ("$.results",
// "$.paging.nextCursor", "$.results[3].eventTime"), which the client
// reports as a permanent *auditclient.DecodeError: a body of the wrong
// shape is never read as a page without events.
func (p *Page) UnmarshalJSON(b []byte) error {
	*p = Page{}
	var hasResults, hasPaging bool
	err := jsonshape.Members(b, "$", func(key string, val []byte) error {
		switch key {
		case "results":
			hasResults = true
			var err error
			p.Results, err = jsonshape.Records[AuditEvent](val, "$.results")
			return err
		case "paging":
			hasPaging = true
			return jsonshape.Members(val, "$.paging", func(k string, v []byte) error {
				var err error
				switch k {
				case "nextCursor":
					p.Paging.NextCursor, err = jsonshape.OptString(v, "$.paging.nextCursor")
				case "prevCursor":
					p.Paging.PrevCursor, err = jsonshape.OptString(v, "$.paging.prevCursor")
				default:
					jsonshape.KeepExtra(&p.Paging.Extra, k, v)
				}
				return err
			})
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !hasResults:
		return jsonshape.Errorf("$.results", "missing: the page has no results array")
	case !hasPaging:
		return jsonshape.Errorf("$.paging", "missing: the page has no paging, so the walk cannot tell whether another page follows")
	}
	return nil
}

// unquote returns the string of a raw JSON string value; null is "".
func unquote(raw []byte) (string, error) {
	if jsonscan.IsNull(raw) {
		return "", nil
	}
	return jsonscan.Unquote(raw)
}

// clipBytes is how much of a value an error message quotes.
const clipBytes = 60

// clip returns raw for an error message, cut after clipBytes.
func clip(raw []byte) string { return jsonscan.ClipN(raw, clipBytes) }
