package tanium

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	maprules "github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// product is the OCSF metadata.product of every event of this package.
var product = ocsf.Product{Name: "Tanium", VendorName: "Tanium"}

// ToOCSF maps one audit history entry to an OCSF 1.1.0 event. It is pure:
// the same entry always gives the same event. Nothing is lost: raw_data
// holds the entry as sent, and every member with no OCSF home is in
// unmapped under its own name.
//
// The class follows the object and the entry's type:
//
//	object user,       type 0 / 2         3001 Account Change, Create / Delete
//	object user,       type 1             3001 Password Change when details name a password,
//	                                      Lock when they set a lock flag (locked_out=1), Other
//	                                      "Unlock" when they clear it (OCSF 1.1.0 has no Unlock);
//	                   roles=...          3005 User Access Management: the roles told apart from
//	                                      the roles before (Entry.Before, which the client sets
//	                                      from the history it read): Assign Privileges naming
//	                                      the roles added, or Revoke naming the roles removed (a
//	                                      demotion: Administrator to Read Only User revokes
//	                                      Administrator); Other "Roles Set" with the roles set
//	                                      when the history read has no roles before
//	                   anything else      3001 Other "Update" (a user modified)
//	object user_group, type 0 / 2         3006 Group Management, Create / Delete (OCSF 1.1.0's
//	                                      encoding: 3004 Create / Delete of the group entity)
//	any other object,  type 0 / 1 / 2     3004 Entity Management, Create / Update / Delete
//	                                      (a user group's update too: its details give a count
//	                                      of users, not who joined or left)
//	any type other than 0, 1, 2 or none   the object's class, Other (activity_name "Type(N)")
//
// Field by field:
//
//	modification_time          time (else creation_time); metadata.original_time (as sent)
//	creation_time              unmapped.creation_time, unless equal to the time above
//	type                       activity (above); metadata.event_code (CreateObject,
//	                           UpdateObject, DeleteObject)
//	(the object read)          3004: entity and entity_result {uid: id, type: object type};
//	                           3001: user.uid
//	object_id                  the uid above when the request gave none; unmapped.object_id
//	                           when it differs from the object read
//	details                    3004: entity.data.details (delete) or entity_result.data.details
//	                           (create, update), with its key=value lines parsed into
//	                           .attributes; 3001, 3005: unmapped.details (and the roles
//	                           before a role change in unmapped.previous_roles). A
//	                           "name=" line names the entity or user.
//	mod_user                   actor.user {uid: id, name, domain, full_name: display_name};
//	                           members beyond these in unmapped.mod_user
//	last_modified_by           actor.user.name when there is no mod_user (a DOMAIN\name is
//	                           split, an e-mail address also fills email_addr); else
//	                           unmapped.last_modified_by when it says more than mod_user
//	modifier_user_id           actor.user.uid when there is no mod_user id; else
//	                           unmapped.modifier_user_id when it differs
//	members not in the schema  unmapped.<name> (object_name or audit_name also name the
//	                           entity or user)
//	(the entry's digest)       metadata.uid (see Entry.UID)
//	(constant)                 metadata.product {name "Tanium", vendor_name "Tanium"},
//	                           metadata.log_name "audit_logs", severity Informational,
//	                           status Success (an entry is a change made);
//	                           observables (ocsf.AddObservables)
//
// In OCSF 1.1.0, actor exists in 3004 and 3005 only with the host
// profile, so every event lists "host" in metadata.profiles.
func ToOCSF(e Entry) ocsf.Event {
	class, act, label := classify(e)
	h := ocsf.Header{
		Product: product, UID: e.UID(), LogName: "audit_logs",
		OriginalTime: originalTime(e), Raw: ocsf.RawRecord(e.Raw, e.MarshalJSON),
	}
	if e.Type != nil {
		h.EventCode = e.Type.String()
	}
	ev := h.New(class, act, label, e.Time())

	un := ocsf.Unmapped{}
	attrs := parseDetails(e.Details)
	name := attrs["name"]
	for _, k := range []string{"object_name", "audit_name"} {
		if s, err := stringField(k, e.Extra[k]); err == nil && s != "" && name == "" {
			name = s
		}
	}
	uid := e.Object.ID
	if uid == "" && e.ObjectID != 0 {
		uid = strconv.FormatInt(e.ObjectID, 10)
	}
	if e.ObjectID != 0 && strconv.FormatInt(e.ObjectID, 10) != uid {
		un["object_id"] = e.ObjectID
	}
	if e.creation != "" && e.creation != e.modification {
		un["creation_time"] = e.creation
	}

	ev.Actor = &ocsf.Actor{User: actingUser(e, un)}
	ev.AddProfile("host")
	switch class {
	case ocsf.ClassAccountChange, ocsf.ClassUserAccess:
		ev.User = &ocsf.User{UID: uid, Name: name}
		if class == ocsf.ClassUserAccess {
			_, ev.Privileges = roleChange(e, attrs)
			if before, ok := e.Before["roles"]; ok {
				un["previous_roles"] = before // from the entry before, in the same history
			}
		}
		if e.Details != "" {
			un["details"] = e.Details
		}
	case ocsf.ClassGroupManagement:
		ev.Group = &ocsf.Group{UID: uid, Name: name}
		if uid == "" && name == "" {
			ev.Group.Name = string(e.Object.Type)
		}
		if e.Details != "" {
			un["details"] = e.Details
		}
	default:
		typ := string(e.Object.Type)
		entity := &ocsf.ManagedEntity{UID: uid, Name: name, Type: typ}
		if uid == "" && name == "" {
			entity.Name = typ // the object needs a name or uid
		}
		var data map[string]any
		if e.Details != "" {
			data = map[string]any{"details": e.Details}
			if attrs != nil {
				data["attributes"] = attrs
			}
		}
		ev.Entity = entity
		if act == ocsf.EntityManagementDelete || act == ocsf.ActivityOther {
			if data != nil {
				entity.Data = data
			}
		} else {
			result := *entity
			if data != nil {
				result.Data = data
			}
			ev.EntityResult = &result
		}
	}
	ev.Message = message(e, class, act, name, uid)

	un.PutExtra(e.Extra)
	un.Apply(&ev)
	maprules.Finish(&ev)
	return ev
}

// classify picks the OCSF class and activity of an entry.
func classify(e Entry) (ocsf.ClassUID, ocsf.ActivityID, string) {
	t := EntryType(-1)
	if e.Type != nil {
		t = *e.Type
	}
	label := t.String()
	if e.Type == nil {
		label = "Unknown"
	}
	switch e.Object.Type {
	case User:
		switch t {
		case EntryCreate:
			return ocsf.ClassAccountChange, ocsf.AccountChangeCreate, label
		case EntryDelete:
			return ocsf.ClassAccountChange, ocsf.AccountChangeDelete, label
		case EntryUpdate:
			return userUpdate(e, parseDetails(e.Details))
		}
		return ocsf.ClassAccountChange, ocsf.ActivityOther, label
	}
	if e.Object.Type == UserGroup {
		switch t {
		case EntryCreate:
			return ocsf.ClassGroupManagement, ocsf.GroupManagementCreate, label
		case EntryDelete:
			return ocsf.ClassGroupManagement, ocsf.GroupManagementDelete, label
		}
	}
	switch t {
	case EntryCreate:
		return ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, label
	case EntryUpdate:
		return ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, label
	case EntryDelete:
		return ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, label
	}
	return ocsf.ClassEntityManagement, ocsf.ActivityOther, label
}

// userUpdate names what a user update did, from its details: a password
// change, a lock or unlock (locked_out=1/0), a role change (roles=, told
// apart from the roles before it: Assign the roles added, Revoke the roles
// removed), else a user modified (Account Change, Other "Update").
func userUpdate(e Entry, attrs map[string]string) (ocsf.ClassUID, ocsf.ActivityID, string) {
	keys := slices.Sorted(maps.Keys(attrs))
	for _, k := range keys {
		lk, v := strings.ToLower(k), attrs[k]
		switch {
		case strings.Contains(lk, "password"):
			return ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, ""
		case strings.Contains(lk, "locked"):
			if truthy(v) {
				return ocsf.ClassAccountChange, ocsf.AccountChangeLock, ""
			}
			return ocsf.ClassAccountChange, ocsf.ActivityOther, maprules.Unlock
		case lk == "roles":
			act, _ := roleChange(e, attrs)
			if act == ocsf.ActivityOther {
				return ocsf.ClassUserAccess, act, maprules.RolesSet
			}
			return ocsf.ClassUserAccess, act, ""
		}
	}
	return ocsf.ClassAccountChange, ocsf.ActivityOther, maprules.UserUpdate
}

// roleChange is what a roles= change did: Assign or Revoke (and the roles
// added or removed) against the roles before it, or Other with the roles
// set when the history read does not tell the roles before.
func roleChange(e Entry, attrs map[string]string) (ocsf.ActivityID, []string) {
	now := maprules.SplitRoles(attrs["roles"])
	if before, ok := e.Before["roles"]; ok {
		if act, p, ok := maprules.RoleChange(maprules.SplitRoles(before), now); ok {
			return act, p
		}
	}
	if len(now) == 0 {
		now = []string{"none"}
	}
	return ocsf.ActivityOther, now
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "none", "null":
		return false
	}
	return true
}

// parseDetails reads details made of key=value lines (as in
// "name=Installed Apps"); nil when details has another form.
func parseDetails(s string) map[string]string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	out := map[string]string{}
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"{}[]") {
			return nil
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// actingUser is the user who made the change, from mod_user or else from
// last_modified_by and modifier_user_id; what they say beyond it goes to un.
func actingUser(e Entry, un ocsf.Unmapped) *ocsf.User {
	u := &ocsf.User{}
	if m := e.ModUser; m != nil {
		if m.ID != 0 {
			u.UID = strconv.FormatInt(m.ID, 10)
		}
		u.Name, u.Domain, u.FullName = m.Name, m.Domain, m.DisplayName
		if len(m.Extra) > 0 {
			extra := ocsf.Unmapped{}
			extra.PutExtra(m.Extra)
			un["mod_user"] = map[string]any(extra)
		}
		if by := e.LastModifiedBy; by != "" && by != m.Name && by != m.Domain+`\`+m.Name && by != m.Name+"@"+m.Domain {
			un["last_modified_by"] = by
		}
	} else if by := e.LastModifiedBy; by != "" {
		u.Name = by
		if dom, name, ok := strings.Cut(by, `\`); ok && dom != "" && name != "" {
			u.Domain, u.Name = dom, name
		}
		if strings.Contains(u.Name, "@") {
			u.EmailAddr = u.Name
		}
	}
	if id := e.ModifierUserID; id != 0 {
		if u.UID == "" {
			u.UID = strconv.FormatInt(id, 10)
		} else if u.UID != strconv.FormatInt(id, 10) {
			un["modifier_user_id"] = id
		}
	}
	if u.UID == "" && u.Name == "" {
		u.Name = "unknown"
	}
	return u
}

func message(e Entry, class ocsf.ClassUID, act ocsf.ActivityID, name, uid string) string {
	verb := "changed"
	if e.Type != nil {
		switch *e.Type {
		case EntryCreate:
			verb = "created"
		case EntryUpdate:
			verb = "updated"
		case EntryDelete:
			verb = "deleted"
		}
	}
	if class == ocsf.ClassAccountChange && act == ocsf.AccountChangePasswordChange {
		verb = "changed the password of"
	}
	who := e.LastModifiedBy
	if who == "" && e.ModUser != nil {
		who = e.ModUser.Name
	}
	if who == "" {
		who = "someone"
	}
	target := string(e.Object.Type) + " " + uid
	if name != "" {
		target += " (" + name + ")"
	}
	return who + " " + verb + " " + target
}

// originalTime is the entry's time as sent.
func originalTime(e Entry) string {
	switch {
	case e.modification != "":
		return e.modification
	case e.creation != "":
		return e.creation
	}
	return e.Time().UTC().Format(time.RFC3339)
}

// linkHistory sets each entry's Before from the older entries of the same
// history: oldest first by time (entries of the same time: the later in
// the history sent is the older, as histories come newest first).
func linkHistory(entries []Entry) {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = len(entries) - 1 - i
	}
	slices.SortStableFunc(order, func(a, b int) int { return entries[a].Time().Compare(entries[b].Time()) })
	state := map[string]string{}
	for _, i := range order {
		e := &entries[i]
		e.Before = nil
		attrs := parseDetails(e.Details)
		for k, v := range attrs {
			if old, ok := state[k]; ok {
				if e.Before == nil {
					e.Before = map[string]string{}
				}
				e.Before[k] = old
			}
			state[k] = v
		}
	}
}
