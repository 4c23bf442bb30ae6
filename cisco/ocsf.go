package cisco

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// Product is the OCSF metadata.product of every event of this package.
var product = ocsf.Product{Name: "Cisco Secure Endpoint", VendorName: "Cisco"}

var connectorGUID = regexp.MustCompile(`^[0-9a-fA-F]{20}$`)

// ToOCSF maps one audit log record to an OCSF 1.1.0 event. It is pure: the
// same record always gives the same event. Nothing is lost: raw_data holds
// the record as sent, and every field with no OCSF home is in unmapped under
// its own name.
//
// The class follows what the record is:
//
//	event login, sso_login, ... (contains "login"/"logon"/"sign_in")   3002 Authentication, Logon
//	event logout, ... (contains "logout"/"logoff"/"sign_out")          3002 Authentication, Logoff
//	audit_log_type User, event create / delete                         3001 Account Change, Create / Delete
//	User update of a password attribute                                3001 Password Change
//	User update of a two-factor/MFA attribute                          3001 MFA Factor Enable / Disable
//	User update of a lock / enable / disable attribute                 3001 Lock / Other "Unlock" / Enable / Disable
//	User update of a role / privilege attribute                        3005 User Access Management: Assign Privileges naming
//	                                                                   the role given, or Revoke naming the role taken (a
//	                                                                   demotion, administrator to user, is a Revoke)
//	any other User update                                              3001 Account Change, Other "Update" (a user modified)
//	any other create / update / delete                                 3004 Entity Management, Create / Update / Delete
//	anything else                                                      3004 Entity Management, Other (activity_name = event)
//
// Field by field:
//
//	created_at                 time (epoch ms); metadata.original_time (as sent)
//	event                      activity (above); metadata.event_code
//	audit_log_type             entity.type (3004); unmapped.audit_log_type elsewhere
//	audit_log_id               entity.uid (3004); user.uid (3001, 3002, 3005)
//	audit_log_user             3002: user.name (and email_addr when an e-mail);
//	                           elsewhere actor.user: name/email_addr for an e-mail; a
//	                           connector acting for itself (its GUID) is not a user:
//	                           actor.invoked_by
//	old_attributes             3004: entity.data; elsewhere unmapped.old_attributes
//	new_attributes             3004: entity_result.data; elsewhere unmapped.new_attributes
//	item                       entity.name (3004) or user.name (3001, 3005); else unmapped.item
//	                           (without an item, 3004's entity.name is the name, hostname or
//	                           title in new_attributes, and in old_attributes; when both name
//	                           it, entity has the old and entity_result the new; 3001/3005's
//	                           user gets email_addr/name and full_name from email,
//	                           first_name and last_name, and user_result the new ones when
//	                           an update changes them)
//	message                    message (a summary is written when the record has none)
//	fields not in the document unmapped.<name>
//	(the record's digest)      metadata.uid (see AuditLog.UID)
//	(constant)                 metadata.product {name "Cisco Secure Endpoint", vendor_name "Cisco"},
//	                           metadata.log_name "audit_logs", severity Informational;
//	                           status Success, or Failure (status_detail, severity Low) when
//	                           a 3002 event names a failure (see ocsf/MAPPING.md);
//	                           3002 service.name "Cisco Secure Endpoint"
//
// In OCSF 1.1.0, actor exists in 3004 and 3005 only with the host profile,
// so those events list "host" in metadata.profiles.
func ToOCSF(a AuditLog) ocsf.Event {
	class, act, label := classify(a)
	ev := ocsf.Header{
		Product: product, UID: a.UID(), EventCode: a.Event, LogName: "audit_logs",
		OriginalTime: originalTime(a), Raw: ocsf.RawRecord(a.Raw, a.MarshalJSON),
	}.New(class, act, label, a.CreatedAt)
	ev.Message = message(a)

	un := ocsf.Unmapped{}
	keepAttrs := func() {
		if a.OldAttributes != nil {
			un["old_attributes"] = a.OldAttributes
		}
		if a.NewAttributes != nil {
			un["new_attributes"] = a.NewAttributes
		}
	}
	switch class {
	case ocsf.ClassAuthentication:
		ev.User = person(a.AuditLogUser)
		ev.User.UID = a.AuditLogID
		if ev.User.Name == "" && ev.User.UID == "" {
			ev.User.Name = "unknown" // OCSF's user needs a name or uid; the record names neither
		}
		ev.Service = &ocsf.Service{Name: product.Name}
		ev.Status = ocsf.StatusSuccess
		if failed(a.Event) {
			ev.Status = ocsf.StatusFailure
		}
		un["audit_log_type"] = a.AuditLogType
		if a.Item != nil {
			un["item"] = *a.Item
		}
		keepAttrs()
	case ocsf.ClassAccountChange, ocsf.ClassUserAccess:
		ev.User = &ocsf.User{UID: a.AuditLogID}
		if a.Item != nil {
			ev.User.Name = *a.Item
		}
		// The account's e-mail address and name, as the record has them
		// (the new ones, else the old ones of a deletion).
		named(ev.User, a.OldAttributes)
		named(ev.User, a.NewAttributes)
		if r := renamed(a); r != nil {
			ev.UserResult = r
		}
		if ev.User.UID == "" && ev.User.Name == "" {
			ev.User.Name = "unknown" // the object needs a name or uid
		}
		ev.Actor = actor(a.AuditLogUser)
		if class == ocsf.ClassUserAccess {
			ev.Privileges = privileges(a)
			ev.AddProfile("host")
		}
		un["audit_log_type"] = a.AuditLogType
		keepAttrs()
	default: // entity management
		name := ""
		if a.Item != nil {
			name = *a.Item
		}
		oldName, newName := entityName(a.OldAttributes), entityName(a.NewAttributes)
		name = cmp.Or(name, newName, oldName)
		if a.AuditLogID == "" && name == "" {
			// The object needs a name or uid.
			name = cmp.Or(a.AuditLogType, "unknown")
		}
		ev.Entity = &ocsf.ManagedEntity{UID: a.AuditLogID, Name: name, Type: a.AuditLogType}
		if a.OldAttributes != nil {
			ev.Entity.Data = a.OldAttributes
		}
		if a.NewAttributes != nil {
			ev.EntityResult = &ocsf.ManagedEntity{UID: a.AuditLogID, Name: name, Type: a.AuditLogType, Data: a.NewAttributes}
			if oldName != "" && newName != "" {
				ev.Entity.Name = oldName // renamed: entity has the old name, entity_result the new
			}
		}
		ev.Actor = actor(a.AuditLogUser)
		ev.AddProfile("host")
	}
	un.PutExtra(a.Extra)
	un.Apply(&ev)
	attributeObservables(&ev, a)
	mapping.Finish(&ev)
	return ev
}

// attributeObservables adds the IP addresses and host names of a record's
// old and new attributes (a computer's ip_external, hostname) as
// observables, named where the event holds them: entity.data and
// entity_result.data in 3004, unmapped.old_attributes and
// unmapped.new_attributes elsewhere (where ocsf.AddObservables finds the
// IPs itself, but not host names).
func attributeObservables(ev *ocsf.Event, a AuditLog) {
	oldPath, newPath := "unmapped.old_attributes.", "unmapped.new_attributes."
	if ev.Class == ocsf.ClassEntityManagement {
		oldPath, newPath = "entity.data.", "entity_result.data."
	}
	for _, side := range []struct {
		path  string
		attrs map[string]any
	}{{oldPath, a.OldAttributes}, {newPath, a.NewAttributes}} {
		for _, k := range slices.Sorted(maps.Keys(side.attrs)) {
			v, ok := side.attrs[k].(string)
			if !ok || v == "" {
				continue
			}
			o := ocsf.Observable{Name: side.path + k, Value: v}
			switch {
			case isIP(v):
				o.TypeID = ocsf.ObservableIPAddress
			case strings.Contains(strings.ToLower(k), "hostname"):
				o.TypeID = ocsf.ObservableHostname
			default:
				continue
			}
			o.Type = ocsf.ObservableCaption(o.TypeID)
			ev.Observables = append(ev.Observables, o)
		}
	}
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// entityName is the name of an object in its attributes (name, else
// hostname, else title), or "".
func entityName(attrs map[string]any) string {
	for _, k := range []string{"name", "hostname", "title", "email"} {
		if s, ok := attrs[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// named fills u's e-mail address, name and full name from a User's
// attributes (email, first_name, last_name) when they are there.
func named(u *ocsf.User, attrs map[string]any) {
	if s, ok := attrs["email"].(string); ok && s != "" {
		u.EmailAddr = s
		if u.Name == "" || strings.Contains(u.Name, "@") {
			u.Name = s
		}
	}
	first, _ := attrs["first_name"].(string)
	last, _ := attrs["last_name"].(string)
	if full := strings.TrimSpace(first + " " + last); full != "" {
		u.FullName = full
	}
}

// renamed is the account after an update that changed its e-mail address
// or name (user_result), or nil.
func renamed(a AuditLog) *ocsf.User {
	if a.Event != "update" || a.OldAttributes == nil || a.NewAttributes == nil {
		return nil
	}
	before, after := &ocsf.User{}, &ocsf.User{UID: a.AuditLogID}
	named(before, a.OldAttributes)
	named(after, a.NewAttributes)
	if (after.EmailAddr == "" || after.EmailAddr == before.EmailAddr) && (after.FullName == "" || after.FullName == before.FullName) {
		return nil
	}
	if after.Name == "" {
		after.Name = after.FullName
	}
	return after
}

// classify picks the OCSF class and activity of a record.
func classify(a AuditLog) (ocsf.ClassUID, ocsf.ActivityID, string) {
	e := strings.ToLower(a.Event)
	switch {
	case containsAny(e, "logout", "log_out", "logoff", "sign_out", "signout"):
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogoff, a.Event
	case containsAny(e, "login", "log_in", "logon", "sign_in", "signin"):
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogon, a.Event
	}
	if strings.EqualFold(a.AuditLogType, "User") {
		switch e {
		case "create":
			return ocsf.ClassAccountChange, ocsf.AccountChangeCreate, a.Event
		case "delete", "destroy":
			return ocsf.ClassAccountChange, ocsf.AccountChangeDelete, a.Event
		case "update":
			return userUpdate(a)
		}
	}
	switch e {
	case "create":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, a.Event
	case "update":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, a.Event
	case "delete", "destroy":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, a.Event
	}
	return ocsf.ClassEntityManagement, ocsf.ActivityOther, a.Event
}

// userUpdate tells what an update of a User changed: an account change
// OCSF names, a role change, else a user modified (Account Change, Other
// "Update"); the label is the activity_name of Other.
func userUpdate(a AuditLog) (ocsf.ClassUID, ocsf.ActivityID, string) {
	for _, k := range changedKeys(a) {
		lk := strings.ToLower(k)
		on := truthy(a.NewAttributes[k])
		switch {
		case strings.Contains(lk, "password"):
			return ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, ""
		case containsAny(lk, "two_factor", "2fa", "mfa", "otp", "totp"):
			if on {
				return ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorEnable, ""
			}
			return ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorDisable, ""
		case containsAny(lk, "locked"):
			if on {
				return ocsf.ClassAccountChange, ocsf.AccountChangeLock, ""
			}
			return ocsf.ClassAccountChange, ocsf.ActivityOther, mapping.Unlock
		case containsAny(lk, "disabled", "deactivated", "suspended"):
			if on {
				return ocsf.ClassAccountChange, ocsf.AccountChangeDisable, ""
			}
			return ocsf.ClassAccountChange, ocsf.AccountChangeEnable, ""
		case lk == "enabled" || lk == "active":
			if on {
				return ocsf.ClassAccountChange, ocsf.AccountChangeEnable, ""
			}
			return ocsf.ClassAccountChange, ocsf.AccountChangeDisable, ""
		case roleKey(lk):
			if act, _, ok := roleChange(a); ok {
				return ocsf.ClassUserAccess, act, a.Event
			}
		}
	}
	return ocsf.ClassAccountChange, ocsf.ActivityOther, mapping.UserUpdate // a user modified
}

// roleKey reports whether an attribute names a role or a privilege.
func roleKey(k string) bool {
	return containsAny(strings.ToLower(k), "role", "admin", "privilege", "permission", "access_level")
}

// roleChange is what a change of role attributes means: the roles (values
// of string attributes, or the names of true/false ones) before and after,
// through mapping.RoleChange. A demotion (role administrator to user) is a
// Revoke of the role taken away.
func roleChange(a AuditLog) (ocsf.ActivityID, []string, bool) {
	var old, cur []string
	for _, k := range changedKeys(a) {
		if !roleKey(k) {
			continue
		}
		for _, side := range []struct {
			attrs map[string]any
			to    *[]string
		}{{a.OldAttributes, &old}, {a.NewAttributes, &cur}} {
			switch v := side.attrs[k].(type) {
			case string:
				*side.to = append(*side.to, v)
			case nil:
			default:
				if truthy(v) {
					*side.to = append(*side.to, k)
				}
			}
		}
	}
	return mapping.RoleChange(old, cur)
}

// privileges are the roles a 3005 event grants or revokes.
func privileges(a AuditLog) []string {
	if _, p, ok := roleChange(a); ok {
		return p
	}
	return []string{a.Event}
}

// changedKeys lists the attribute names of a record, sorted, so that the
// mapping does not depend on map order.
func changedKeys(a AuditLog) []string {
	var keys []string
	for k := range a.NewAttributes {
		keys = append(keys, k)
	}
	for k := range a.OldAttributes {
		if _, ok := a.NewAttributes[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		s := strings.ToLower(x)
		return s != "" && s != "false" && s != "0" && s != "no" && s != "none"
	case json.Number:
		return x.String() != "0"
	case float64:
		return x != 0
	}
	return true
}

// person is the user a login is about.
func person(who string) *ocsf.User {
	u := &ocsf.User{Name: who}
	if strings.Contains(who, "@") {
		u.EmailAddr = who
	}
	return u
}

// actor is who made a change: a person (actor.user), or a connector
// acting for itself (its GUID), which is not a user: actor.invoked_by.
func actor(who string) *ocsf.Actor {
	switch {
	case who == "":
		return &ocsf.Actor{User: &ocsf.User{Name: "unknown"}}
	case connectorGUID.MatchString(who):
		return &ocsf.Actor{InvokedBy: who}
	default:
		return &ocsf.Actor{User: person(who)}
	}
}

func failed(event string) bool {
	e := strings.ToLower(event)
	return containsAny(e, "fail", "invalid", "denied", "reject")
}

func message(a AuditLog) string {
	if a.Message != nil && *a.Message != "" {
		return *a.Message
	}
	target := a.AuditLogID
	if a.Item != nil && *a.Item != "" {
		target = *a.Item
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s %s", a.AuditLogUser, a.Event, a.AuditLogType, target))
}

// originalTime is created_at as sent, when the record was received.
func originalTime(a AuditLog) string {
	if a.created != "" {
		return a.created
	}
	return a.CreatedAt.UTC().Format(time.RFC3339)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
