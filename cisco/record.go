package cisco

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// AuditLog is one record of GET /v1/audit_logs, as the API sends it.
//
// Fields the document does not list are kept in Extra, and the record's JSON
// exactly as received in Raw, so nothing the vendor sends is lost.
type AuditLog struct {
	// Event is what happened: "create", "update", "delete", "login",
	// "sso_login", "logout", ...
	Event string `json:"event"`
	// AuditLogType is the kind of audited object: "User", "Computer",
	// "Agent", "Group", "Policy", "ApplicationBlockingList", ... (see
	// Client.AuditLogTypes).
	AuditLogType string `json:"audit_log_type"`
	// AuditLogID is the id of the audited object (not of the event: many
	// events share one).
	AuditLogID string `json:"audit_log_id"`
	// AuditLogUser is who acted: an e-mail address, or a connector GUID
	// when the action was the system's own.
	AuditLogUser string `json:"audit_log_user"`
	// CreatedAt is when it happened, to the second.
	CreatedAt time.Time `json:"created_at"`
	// OldAttributes and NewAttributes hold the attributes changed, before
	// and after; values are JSON values (numbers as json.Number).
	OldAttributes map[string]any `json:"old_attributes,omitempty"`
	NewAttributes map[string]any `json:"new_attributes,omitempty"`
	// Item names the object in words, where the API sends it (nil when
	// absent or null).
	Item *string `json:"item,omitempty"`
	// Message is a free-text note, where the API sends it (nil when absent
	// or null).
	Message *string `json:"message,omitempty"`

	// Extra holds fields the document does not list, as sent.
	Extra map[string]json.RawMessage `json:"-"`
	// Raw is the record exactly as received.
	Raw json.RawMessage `json:"-"`

	uid     string // computed once when the page is decoded
	created string // created_at as sent
}

// UnmarshalJSON decodes a record in one pass, keeping unknown fields in
// Extra and the whole record in Raw. Attribute values keep their exact
// numbers (json.Number). A record of the wrong shape (not an object, a
// field of the wrong type, no readable created_at) is an
// *auditclient.PathError naming the member ("$", "$.created_at").
func (a *AuditLog) UnmarshalJSON(data []byte) error {
	*a = AuditLog{Raw: append(json.RawMessage(nil), data...)}
	str := func(key string, val []byte) (string, error) {
		if jsonscan.IsNull(val) {
			return "", nil
		}
		s, err := jsonscan.Unquote(val)
		if err != nil {
			return "", jsonshape.Errorf("$."+key, "cisco: field %s: want a string, got %s", key, jsonshape.Kind(val))
		}
		return s, nil
	}
	err := jsonscan.Members(a.Raw, func(key string, val []byte) error {
		var err error
		switch key {
		case "event":
			a.Event, err = str(key, val)
		case "audit_log_type":
			a.AuditLogType, err = str(key, val)
		case "audit_log_id":
			a.AuditLogID, err = str(key, val)
		case "audit_log_user":
			a.AuditLogUser, err = str(key, val)
		case "created_at":
			a.created, err = str(key, val)
		case "old_attributes":
			a.OldAttributes, err = attributes(key, val)
		case "new_attributes":
			a.NewAttributes, err = attributes(key, val)
		case "item", "message":
			var p *string
			if !jsonscan.IsNull(val) {
				var s string
				if s, err = str(key, val); err == nil {
					p = &s
				}
			}
			if key == "item" {
				a.Item = p
			} else {
				a.Message = p
			}
		default:
			jsonshape.KeepExtra(&a.Extra, key, val)
		}
		return err
	})
	if err := jsonshape.ObjectErr(err, "cisco: audit log record", data, 40); err != nil {
		return err
	}
	if a.created == "" {
		return jsonshape.Errorf("$.created_at", "cisco: audit log record has no created_at")
	}
	if a.CreatedAt, err = time.Parse(time.RFC3339Nano, a.created); err != nil {
		return jsonshape.Errorf("$.created_at", "cisco: field created_at: %q is not an ISO 8601 time", jsonscan.Clip([]byte(a.created)))
	}
	return nil
}

// attributes decodes old_attributes or new_attributes: an object, or null.
func attributes(key string, val []byte) (map[string]any, error) {
	if jsonscan.IsNull(val) {
		return nil, nil
	}
	if len(val) == 0 || val[0] != '{' {
		return nil, jsonshape.Errorf("$."+key, "cisco: field %s: %s is not an object", key, jsonscan.Clip(val))
	}
	v, err := jsonscan.DecodeValue(val)
	if err != nil {
		return nil, jsonshape.Errorf("$."+key, "cisco: field %s: %w", key, err)
	}
	return v.(map[string]any), nil
}

// MarshalJSON writes the record as it was received (Raw), or, for a record
// built in code, its fields.
func (a AuditLog) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	m := map[string]any{
		"event": a.Event, "audit_log_type": a.AuditLogType, "audit_log_id": a.AuditLogID,
		"audit_log_user": a.AuditLogUser, "created_at": a.CreatedAt.UTC().Format(time.RFC3339),
	}
	if a.OldAttributes != nil {
		m["old_attributes"] = a.OldAttributes
	}
	if a.NewAttributes != nil {
		m["new_attributes"] = a.NewAttributes
	}
	if a.Item != nil {
		m["item"] = *a.Item
	}
	if a.Message != nil {
		m["message"] = *a.Message
	}
	return jsonshape.MarshalObject(m, a.Extra)
}

// UID returns a stable id for the event, derived from its content. The API
// sends no event id (AuditLogID names the audited object, shared by many
// events) and CreatedAt has one-second resolution, so the id is a digest of
// the record's canonical JSON (keys sorted, numbers exact). Two records that
// are identical in every field get the same UID; checkpoints count such
// twins, so both are still yielded exactly once.
func (a *AuditLog) UID() string {
	if a.uid != "" {
		return a.uid
	}
	uid, _ := a.computeUID(nil)
	return uid
}

// computeUID returns the uid, building the canonical form in scratch (which
// it returns, grown, for reuse).
func (a *AuditLog) computeUID(scratch []byte) (string, []byte) {
	buf := scratch[:0]
	field := func(name string, v any) {
		buf = append(buf, name...)
		buf = append(buf, 0)
		buf = jsonscan.AppendCanonical(buf, v)
		buf = append(buf, 0)
	}
	optional := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	attrs := func(m map[string]any) any {
		if m == nil {
			return nil
		}
		return m
	}
	created := a.created
	if created == "" {
		created = a.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	// Sorted by name, so the digest does not depend on the order sent.
	field("audit_log_id", a.AuditLogID)
	field("audit_log_type", a.AuditLogType)
	field("audit_log_user", a.AuditLogUser)
	field("created_at", created)
	field("event", a.Event)
	field("item", optional(a.Item))
	field("message", optional(a.Message))
	field("new_attributes", attrs(a.NewAttributes))
	field("old_attributes", attrs(a.OldAttributes))
	extra := make([]string, 0, len(a.Extra))
	for k := range a.Extra {
		extra = append(extra, k)
	}
	slices.Sort(extra)
	for _, k := range extra {
		v, err := jsonscan.DecodeValue(a.Extra[k])
		if err != nil {
			v = string(a.Extra[k])
		}
		field(k, v)
	}
	return jsonshape.Digest(buf), buf
}
