package tanium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/internal/jsonshape"
)

// EntryType is what an audit history entry records: the type member, 0
// for create, 1 for update, 2 for delete (Tanium's SOAP schema, comment of
// audit_data.type).
type EntryType int

// The entry types.
const (
	EntryCreate EntryType = 0
	EntryUpdate EntryType = 1
	EntryDelete EntryType = 2
)

// String returns the name Tanium Connect gives the type in type_name:
// "DeleteObject" is documented there; "CreateObject" and "UpdateObject" are
// named by analogy (UNCONFIRMED). Other values print as "Type(N)".
func (t EntryType) String() string {
	switch t {
	case EntryCreate:
		return "CreateObject"
	case EntryUpdate:
		return "UpdateObject"
	case EntryDelete:
		return "DeleteObject"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// ModUser is the user who made a change (mod_user), as the API sends it.
type ModUser struct {
	ID          int64  // id
	Name        string // name, e.g. "admin"
	Domain      string // domain, e.g. "CORP"
	DisplayName string // display_name
	// Extra holds members not listed above (Tanium's user object has
	// more), as sent.
	Extra map[string]json.RawMessage
	// Raw is the object exactly as received.
	Raw json.RawMessage
}

// UnmarshalJSON decodes mod_user, keeping unknown members in Extra.
func (u *ModUser) UnmarshalJSON(data []byte) error {
	return u.decode(append([]byte(nil), data...))
}

// decode decodes data, which it keeps (Raw and Extra alias it). A problem
// is an *auditclient.PathError whose path starts at the object ("$.id").
func (u *ModUser) decode(data []byte) error {
	*u = ModUser{Raw: data}
	err := jsonscan.Members(data, func(k string, v []byte) error {
		var err error
		switch k {
		case "id":
			u.ID, err = intField("mod_user.id", v)
		case "name":
			u.Name, err = stringField("mod_user.name", v)
		case "domain":
			u.Domain, err = stringField("mod_user.domain", v)
		case "display_name":
			u.DisplayName, err = stringField("mod_user.display_name", v)
		default:
			jsonshape.KeepExtra(&u.Extra, k, v)
		}
		if err != nil {
			return jsonshape.Rebase(err, "$."+k)
		}
		return nil
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return jsonshape.Errorf("$", "tanium: mod_user is not an object: %s", clip(data))
	}
	return err
}

// MarshalJSON writes the object as received, or its fields.
func (u ModUser) MarshalJSON() ([]byte, error) {
	if len(u.Raw) > 0 {
		return u.Raw, nil
	}
	m := map[string]any{"id": u.ID, "name": u.Name, "domain": u.Domain, "display_name": u.DisplayName}
	return jsonshape.MarshalObject(m, u.Extra)
}

// Entry is one entry of an object's audit history (the schema's
// audit_data), as the API sends it, plus the Object it was read for.
//
// Members the schema does not list are kept in Extra and the entry exactly
// as received in Raw, so nothing the server sends is lost. Tanium Connect's
// export of the same data adds audit_name, audit_row_id, type_name,
// object_name and object_type_name; should the REST API send them, they
// are in Extra.
type Entry struct {
	// Object is the object whose history holds the entry. It is not part of
	// the entry's JSON: the client sets it from the request.
	Object Object
	// ObjectID is object_id, the id of the audited object.
	ObjectID int64
	// Type is what happened (type); nil when the member is absent or null.
	Type *EntryType
	// Details is the server's description of the object or the change
	// (details), e.g. "name=Installed Apps"; its format is not documented.
	Details string
	// CreationTime is when the object was created (creation_time), zero
	// when absent or empty.
	CreationTime time.Time
	// ModificationTime is when this change was made (modification_time),
	// zero when absent or empty.
	ModificationTime time.Time
	// LastModifiedBy names the user who made the change (last_modified_by).
	LastModifiedBy string
	// ModifierUserID is that user's id (modifier_user_id), 0 when absent.
	ModifierUserID int64
	// ModUser is that user (mod_user); nil when absent or null.
	ModUser *ModUser
	// Before holds, for each key of Details' key=value lines, the value
	// the key had in the newest older entry of the same history that
	// names it (the roles before a roles= change); keys no older entry
	// names are absent, and Before is nil when there are none. It is not
	// part of the entry's JSON: the client sets it from the history it
	// read (see ToOCSF).
	Before map[string]string

	// Extra holds members the schema does not list, as sent.
	Extra map[string]json.RawMessage
	// Raw is the entry exactly as received.
	Raw json.RawMessage

	creation, modification string // the times as sent
	uid                    string // computed once when the history is decoded
}

// Time is the time of the event the entry records: ModificationTime, or
// CreationTime when the entry has no modification time.
func (e *Entry) Time() time.Time {
	if !e.ModificationTime.IsZero() {
		return e.ModificationTime
	}
	return e.CreationTime
}

// UnmarshalJSON decodes an entry, keeping unknown members in Extra and the
// whole entry in Raw. An entry must carry modification_time or
// creation_time: without either it has no place in time. A problem is an
// *auditclient.PathError naming the member ("$.object_id").
func (e *Entry) UnmarshalJSON(data []byte) error {
	return e.decode(append([]byte(nil), data...))
}

// decode decodes data, which it keeps (Raw and Extra alias it). Object is
// left as it is. A problem is an *auditclient.PathError whose path starts
// at the entry ("$.object_id", "$.mod_user.id").
func (e *Entry) decode(data []byte) error {
	*e = Entry{Object: e.Object, Raw: data}
	err := jsonscan.Members(data, func(k string, v []byte) error {
		var err error
		switch k {
		case "object_id":
			e.ObjectID, err = intField(k, v)
		case "type":
			if !jsonscan.IsNull(v) {
				var n int64
				if n, err = intField(k, v); err == nil {
					t := EntryType(n)
					e.Type = &t
				}
			}
		case "details":
			e.Details, err = stringField(k, v)
		case "creation_time":
			e.creation, err = stringField(k, v)
		case "modification_time":
			e.modification, err = stringField(k, v)
		case "last_modified_by":
			e.LastModifiedBy, err = stringField(k, v)
		case "modifier_user_id":
			e.ModifierUserID, err = intField(k, v)
		case "mod_user":
			if !jsonscan.IsNull(v) {
				u := new(ModUser)
				if err = u.decode(v); err == nil {
					e.ModUser = u
				}
			}
		default:
			jsonshape.KeepExtra(&e.Extra, k, v)
		}
		if err != nil {
			return jsonshape.Rebase(err, "$."+k) // mod_user's own paths go under $.mod_user
		}
		return nil
	})
	if err := jsonshape.ObjectErr(err, "tanium: audit history entry", data, 60); err != nil {
		return err
	}
	if e.CreationTime, err = parseTime("creation_time", e.creation); err != nil {
		return jsonshape.Rebase(err, "$.creation_time")
	}
	if e.ModificationTime, err = parseTime("modification_time", e.modification); err != nil {
		return jsonshape.Rebase(err, "$.modification_time")
	}
	if e.Time().IsZero() {
		return jsonshape.Errorf("$.modification_time", "tanium: audit history entry has neither modification_time nor creation_time: %s", clip(data))
	}
	return nil
}

// MarshalJSON writes the entry as it was received (Raw), or, for an entry
// built in code, its fields.
func (e Entry) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	m := map[string]any{
		"object_id": e.ObjectID, "details": e.Details,
		"creation_time": e.timeText(e.creation, e.CreationTime), "modification_time": e.timeText(e.modification, e.ModificationTime),
		"last_modified_by": e.LastModifiedBy, "modifier_user_id": e.ModifierUserID,
	}
	if e.Type != nil {
		m["type"] = int(*e.Type)
	}
	if e.ModUser != nil {
		m["mod_user"] = e.ModUser
	}
	return jsonshape.MarshalObject(m, e.Extra)
}

func (e *Entry) timeText(sent string, t time.Time) string {
	if sent != "" || t.IsZero() {
		return sent
	}
	return t.UTC().Format(time.RFC3339)
}

// UID returns a stable id for the entry. History entries carry no id of
// their own, so the uid is a digest of the object (type and id) and the
// entry's stable members: object_id, type, creation_time and
// modification_time as sent, modifier_user_id, last_modified_by, details,
// and audit_row_id when the server sends one. mod_user is left out: it is
// the modifying user as the server knows them now, and a user's renaming
// must not change the uids of the entries they made. Two entries equal in
// all of these get the same uid; checkpoints count such twins, so both are
// still yielded exactly once.
func (e *Entry) UID() string {
	if e.uid != "" {
		return e.uid
	}
	return e.computeUID()
}

func (e *Entry) computeUID() string {
	var buf bytes.Buffer
	field := func(name, v string) {
		buf.WriteString(name)
		buf.WriteByte(0)
		buf.WriteString(v)
		buf.WriteByte(0)
	}
	typ := "null"
	if e.Type != nil {
		typ = strconv.Itoa(int(*e.Type))
	}
	field("object", e.Object.String())
	field("object_id", strconv.FormatInt(e.ObjectID, 10))
	field("type", typ)
	field("creation_time", e.timeText(e.creation, e.CreationTime))
	field("modification_time", e.timeText(e.modification, e.ModificationTime))
	field("modifier_user_id", strconv.FormatInt(e.ModifierUserID, 10))
	field("last_modified_by", e.LastModifiedBy)
	field("details", e.Details)
	if row, ok := e.Extra["audit_row_id"]; ok {
		field("audit_row_id", string(bytes.TrimSpace(row)))
	}
	return jsonshape.Digest(buf.Bytes())
}

// Page is one response of GET /api/v2/audit_logs/{type}s/{id}: the audit
// history of one object, as its data member holds it.
type Page struct {
	// ID is the object's id (id).
	ID int64
	// Type is the audit type (type), e.g. "saved_question_audit".
	Type string
	// StartTime and EndTime are the history's bounds as sent (start_time,
	// end_time); the example shows them empty.
	StartTime, EndTime string
	// Entries are the history entries (entries), in the order sent.
	Entries []Entry
	// CacheInfo is a cache_info element the server may send among the
	// entries (the REST API's arrays can hold one, says pytan3), as sent;
	// nil when none.
	CacheInfo json.RawMessage
	// Extra holds members not listed above, as sent.
	Extra map[string]json.RawMessage
}

// UnmarshalJSON decodes a history. data may be an object or, leniently, an
// array of them, whose entries are then joined in order. Well-formed JSON
// of another shape is an *auditclient.PathError naming where, from the
// history ("$.entries", "$.entries[3].object_id", "$[1].entries" in the
// array form).
func (a *Page) UnmarshalJSON(data []byte) error {
	// One copy of the whole history; entries' Raw and Extra alias it.
	return a.decode(append([]byte(nil), data...))
}

func (a *Page) decode(data []byte) error {
	*a = Page{}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		i := -1
		err := jsonscan.Elements(data, func(p []byte) error {
			i++
			var one Page
			if err := one.decode(p); err != nil {
				return jsonshape.Rebase(err, "$["+strconv.Itoa(i)+"]")
			}
			if a.Type == "" {
				a.ID, a.Type, a.StartTime, a.EndTime, a.CacheInfo, a.Extra = one.ID, one.Type, one.StartTime, one.EndTime, one.CacheInfo, one.Extra
			}
			a.Entries = append(a.Entries, one.Entries...)
			return nil
		})
		if errors.Is(err, jsonscan.ErrSyntax) {
			return jsonshape.Errorf("$", "tanium: audit log list is not a JSON array: %s", clip(data))
		}
		return err
	}
	err := jsonscan.Members(data, func(k string, v []byte) error {
		var err error
		switch k {
		case "id":
			a.ID, err = intField(k, v)
		case "type":
			a.Type, err = stringField(k, v)
		case "start_time":
			a.StartTime, err = stringField(k, v)
		case "end_time":
			a.EndTime, err = stringField(k, v)
		case "entries":
			err = a.decodeEntries(v)
		case "cache_info":
			a.CacheInfo = v
		default:
			jsonshape.KeepExtra(&a.Extra, k, v)
		}
		if err != nil {
			return jsonshape.Rebase(err, "$."+k) // the entries' own paths go under $.entries
		}
		return nil
	})
	return jsonshape.ObjectErr(err, "tanium: audit log", data, 60)
}

// decodeEntries decodes the entries array, setting a cache_info element
// aside. The SOAP form wraps the array as {"entry":[...]}; that is read too.
// A problem is an *auditclient.PathError whose path starts at the entries
// ("$", "$[3].object_id", "$.entry[3].object_id").
func (a *Page) decodeEntries(v []byte) error {
	if jsonscan.IsNull(v) {
		return nil
	}
	base := "$"
	if len(v) > 0 && v[0] == '{' {
		var list []byte
		err := jsonscan.Members(v, func(k string, val []byte) error {
			switch k {
			case "entry":
				list = val
			case "cache_info":
				a.CacheInfo = val
			}
			return nil
		})
		if err != nil || list == nil {
			return jsonshape.Errorf("$", "tanium: entries is not an array: %s", clip(v))
		}
		v, base = list, "$.entry"
	}
	a.Entries = make([]Entry, 0, bytes.Count(v, []byte(`"modification_time"`)))
	i := -1
	err := jsonscan.Elements(v, func(el []byte) error {
		i++
		if isCacheInfo(el) {
			a.CacheInfo = el
			return nil
		}
		var e Entry
		if err := e.decode(el); err != nil {
			return jsonshape.Rebase(err, base+"["+strconv.Itoa(i)+"]")
		}
		a.Entries = append(a.Entries, e)
		return nil
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return jsonshape.Errorf(base, "tanium: entries is not an array of objects: %s", clip(v))
	}
	return err
}

// isCacheInfo reports whether an array element is a cache_info object
// (cache_id and cache_row_count, no entry members) rather than an entry.
func isCacheInfo(el []byte) bool {
	if !bytes.Contains(el, []byte(`"cache_id"`)) {
		return false
	}
	var id, rows, entry bool
	err := jsonscan.Members(el, func(k string, _ []byte) error {
		switch k {
		case "cache_id":
			id = true
		case "cache_row_count":
			rows = true
		case "modification_time", "creation_time":
			entry = true
		}
		return nil
	})
	return err == nil && id && rows && !entry
}

// response is the envelope of every response: {"data": ...}.
type response struct {
	Data *Page `json:"data"`
}

// UnmarshalJSON decodes the envelope. A problem in the history is an
// *auditclient.PathError under $.data ("$.data.entries[0].object_id"); a
// body that is not an object one at $. null, or an object without data (or
// with data null), leaves Data nil, which the client reports at $.data.
func (r *response) UnmarshalJSON(b []byte) error {
	*r = response{}
	if jsonscan.IsNull(b) {
		return nil
	}
	return jsonshape.Members(b, "$", func(k string, v []byte) error {
		if k != "data" {
			return nil
		}
		if jsonscan.IsNull(v) {
			r.Data = nil
			return nil
		}
		a := new(Page)
		if err := a.UnmarshalJSON(v); err != nil {
			return jsonshape.Rebase(err, "$.data")
		}
		r.Data = a
		return nil
	})
}

// timeLayouts are the forms times are read in: the REST API's
// "2023-01-01T22:45:02Z" (RFC 3339) first, then the SOAP API's zone-less
// forms, taken as UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

func parseTime(name, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("tanium: field %s: %q is not an ISO 8601 time", name, s)
}

var errNoData = errors.New("the response has no data member")
