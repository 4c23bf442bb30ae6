package nprinting

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"

	maprules "github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// product is the OCSF metadata.product of every event of this package.
var product = ocsf.Product{Name: "Qlik NPrinting", VendorName: "Qlik"}

// ToOCSF maps one audit event to an OCSF 1.1.0 event. It is pure: the same
// record always gives the same event. Nothing is lost: raw_data holds the
// record as sent, and every field with no OCSF home is in unmapped under
// its own name. The document lists no values of action, target, source or
// dataType (UNCONFIRMED), so the class is chosen from words in them,
// case-insensitively:
//
//	action Login/Logon/SignIn/Authenticate..., or target/dataType
//	  Authentication                                  3002 Authentication, Logon
//	                                                  (status Failure when action or
//	                                                  description says fail/denied/invalid)
//	action Logout/Logoff/SignOut                      3002 Authentication, Logoff
//	target User, action Create / Delete               3001 Account Change, Create / Delete
//	target User, Update whose data changes password   3001 Password Change
//	  ... enabled / disabled / locked (true / false)  3001 Enable / Disable / Lock / Other "Unlock"
//	  ... roles {added} / {removed}                   3005 User Access Management,
//	                                                  Assign / Revoke Privileges
//	  ... anything else                               3001 Account Change, Other "Update"
//	                                                  (a user modified)
//	target Group, Create / Delete                     3006 Group Management, Create / Delete
//	                                                  (OCSF 1.1.0's encoding: 3004 Create / Delete
//	                                                  of the group entity)
//	target Group, Update whose data has users
//	  {added} / {removed} (naming the user)           3006 Group Management, Add User / Remove User
//	any other Create / Update / Delete, whatever the
//	  source (a task created through the API is one
//	  created in the web console)                     3004 Entity Management, Create / Update / Delete
//	source Api (with an ipAddress), anything else     6003 API Activity: Read
//	                                                  (Read/Get/View/Export/Download), else Other
//	any other Read-like                               3004 Entity Management,
//	                                                  Read
//	anything else (Execute, Subscribe, ...)           3004 Entity Management, Other
//	                                                  (activity_name = action)
//
// Field by field:
//
//	id                     metadata.uid (lowercased; see AuditEvent.UID)
//	eventTime              time (epoch ms); metadata.original_time (as sent)
//	userId, userName       3002: user.uid, user.name and user.domain (DOMAIN\name is
//	                       split); elsewhere actor.user (the same fields)
//	ipAddress              src_endpoint.ip (src_endpoint.name when not an IP) in every
//	                       class (OCSF 1.1.0 writes it as unmapped.src_endpoint in
//	                       3004-3006)
//	source                 metadata.log_provider; 3002 service.name "Qlik NPrinting <source>";
//	                       6003 api.service.name
//	target                 entity.type (3004); resources[0].type (6003); unmapped.target elsewhere
//	targetId, targetName   entity.uid/name (3004); user.uid/name (3001, 3005);
//	                       group.uid/name (3006); resources[0].uid/name (6003);
//	                       unmapped.targetId/targetName (3002)
//	appId                  unmapped.appId (no OCSF home); also resources[0].namespace (6003)
//	action                 the activity (above); metadata.event_code; api.operation (6003)
//	description            message (a summary is written when it is empty)
//	data                   unmapped.data exactly as sent: a string stays a string, an
//	                       object stays an object (numbers exact); 3005 privileges and
//	                       3006 user come from it
//	dataType               unmapped.dataType
//	members not documented unmapped.<name>
//	(constant)             metadata.product {name "Qlik NPrinting", vendor_name "Qlik"},
//	                       metadata.log_name "audit/events", severity Informational;
//	                       status Failure when a failure is named (action, description
//	                       or data.result), with severity Low and status_detail from
//	                       data.error or data.reason (else the description); Success
//	                       otherwise (ocsf/MAPPING.md); observables (ocsf.AddObservables)
//
// In OCSF 1.1.0, actor exists in 3004, 3005 and 3006 only with the host
// profile, so those events list "host" in metadata.profiles.
func ToOCSF(e AuditEvent) ocsf.Event {
	c := classify(e)
	ev := ocsf.Header{
		Product: product, UID: e.UID(), EventCode: e.Action, LogName: "audit/events",
		OriginalTime: e.originalTime(), Raw: ocsf.RawRecord(e.Raw, e.MarshalJSON),
	}.New(c.class, c.activity, c.label, e.EventTime)
	ev.Metadata.LogProvider = e.Source
	ev.Message = message(e)
	ev.Status = c.status

	un := ocsf.Unmapped{}
	src := endpoint(e.IPAddress)
	actor := &ocsf.Actor{User: person(e.UserID, e.UserName)}
	switch c.class {
	case ocsf.ClassAuthentication:
		ev.User = person(e.UserID, e.UserName)
		if e.UserID == "" && e.UserName == "" && (e.TargetID != "" || e.TargetName != "") {
			ev.User = person(e.TargetID, e.TargetName)
		}
		name := product.Name
		if e.Source != "" {
			name += " " + e.Source
		}
		ev.Service = &ocsf.Service{Name: name}
		ev.SrcEndpoint = src
		un.PutNonEmpty("target", e.Target)
		un.PutNonEmpty("targetId", e.TargetID)
		un.PutNonEmpty("targetName", e.TargetName)
	case ocsf.ClassAccountChange:
		ev.User = account(e)
		ev.Actor = actor
		ev.SrcEndpoint = src
	case ocsf.ClassUserAccess:
		ev.User = account(e)
		ev.Privileges = c.privileges
		ev.Actor = actor
		ev.SrcEndpoint = src
		ev.AddProfile("host")
	case ocsf.ClassGroupManagement:
		ev.Group = &ocsf.Group{UID: e.TargetID, Name: e.TargetName}
		if ev.Group.UID == "" && ev.Group.Name == "" {
			ev.Group.Name = cmp.Or(e.Target, "Group")
		}
		ev.User = c.member
		ev.Actor = actor
		ev.SrcEndpoint = src
		ev.AddProfile("host")
		un.PutNonEmpty("target", e.Target)
	case ocsf.ClassAPIActivity:
		ev.Actor = actor
		ev.SrcEndpoint = src
		ev.API = &ocsf.API{Operation: cmp.Or(e.Action, "unknown")}
		if e.Source != "" {
			ev.API.Service = &ocsf.Service{Name: e.Source}
		}
		if e.Target != "" || e.TargetID != "" || e.TargetName != "" {
			r := ocsf.ResourceDetails{UID: e.TargetID, Name: e.TargetName, Type: e.Target, Namespace: e.AppID}
			if r.UID == "" && r.Name == "" {
				r.Name = e.Target
			}
			ev.Resources = []ocsf.ResourceDetails{r}
		}
	default: // entity management
		ev.Entity = &ocsf.ManagedEntity{UID: e.TargetID, Name: e.TargetName, Type: e.Target}
		if ev.Entity.UID == "" && ev.Entity.Name == "" {
			ev.Entity.Name = cmp.Or(e.Target, "unknown") // the object needs a name or uid
		}
		ev.Actor = actor
		ev.SrcEndpoint = src
		ev.AddProfile("host")
	}
	un.PutNonEmpty("appId", e.AppID)
	un.PutNonEmpty("dataType", e.DataType)
	if e.Data.Kind() != DataAbsent {
		v, err := e.Data.Value()
		if err != nil {
			v = string(e.Data.Raw)
		}
		un["data"] = v
	}
	if ev.Status == ocsf.StatusFailure {
		// The reason of a failure, when data gives one ("error",
		// "reason"); else Finish uses the description.
		if data, _ := e.Data.Object(); data != nil {
			for _, k := range []string{"error", "reason", "message"} {
				if s, ok := data[k].(string); ok && s != "" {
					ev.StatusDetail = s
					break
				}
			}
		}
	}
	un.PutExtra(e.Extra)
	un.Apply(&ev)
	maprules.Finish(&ev)
	return ev
}

// classification is what classify decides.
type classification struct {
	class      ocsf.ClassUID
	activity   ocsf.ActivityID
	label      string
	status     ocsf.StatusID
	privileges []string   // 3005
	member     *ocsf.User // 3006: the user added or removed
}

// verb is the CRUD meaning of an action.
type verb int

const (
	verbOther verb = iota
	verbCreate
	verbRead
	verbUpdate
	verbDelete
)

func verbOf(action string) verb {
	a := strings.ToLower(action)
	switch {
	case containsAny(a, "delet", "remov", "destroy", "purg"):
		return verbDelete
	case containsAny(a, "creat", "insert") || a == "add" || a == "new":
		return verbCreate
	case containsAny(a, "updat", "modif", "edit", "chang", "renam", "save"):
		return verbUpdate
	case containsAny(a, "read", "view", "get", "download", "export", "open", "list"):
		return verbRead
	}
	return verbOther
}

// classify picks the OCSF class and activity of a record.
func classify(e AuditEvent) classification {
	a := strings.ToLower(e.Action)
	t := strings.ToLower(e.Target)
	failure := failed(a) || failed(strings.ToLower(e.Description))
	status := ocsf.StatusUnknown
	if failure {
		status = ocsf.StatusFailure
	}
	auth := func(act ocsf.ActivityID) classification {
		st := ocsf.StatusSuccess
		if failure {
			st = ocsf.StatusFailure
		}
		return classification{class: ocsf.ClassAuthentication, activity: act, label: e.Action, status: st}
	}
	switch {
	case containsAny(a, "logout", "log_out", "log out", "logoff", "signout", "sign_out", "sign out"):
		return auth(ocsf.AuthenticationLogoff)
	case containsAny(a, "login", "log_in", "log in", "logon", "signin", "sign_in", "sign in", "authenticat"),
		strings.EqualFold(e.Target, "Authentication"), strings.EqualFold(e.DataType, "Authentication"):
		return auth(ocsf.AuthenticationLogon)
	}
	v := verbOf(e.Action)
	data, _ := e.Data.Object()
	switch t {
	case "user":
		switch v {
		case verbCreate:
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeCreate, status: status}
		case verbDelete:
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeDelete, status: status}
		case verbUpdate:
			c, ok := userUpdate(data)
			if !ok {
				// A user modified: Account Change whatever changed
				// (ocsf/MAPPING.md), not Entity Management.
				c = classification{class: ocsf.ClassAccountChange, activity: ocsf.ActivityOther, label: maprules.UserUpdate}
			}
			c.status = status
			return c
		}
	case "group":
		// A group of users created, deleted or its members changed is
		// Group Management (OCSF 1.1.0's encoding writes a creation or
		// deletion, which names no user, as Entity Management).
		switch v {
		case verbCreate:
			return classification{class: ocsf.ClassGroupManagement, activity: ocsf.GroupManagementCreate, status: status}
		case verbDelete:
			return classification{class: ocsf.ClassGroupManagement, activity: ocsf.GroupManagementDelete, status: status}
		}
		if v == verbUpdate {
			if act, who, ok := groupMembers(data); ok && who != nil {
				return classification{class: ocsf.ClassGroupManagement, activity: act, status: status, member: who}
			}
		}
	}
	if !failure {
		if r, ok := data["result"].(string); ok {
			switch strings.ToLower(r) {
			case "completed", "success", "succeeded", "ok":
				status = ocsf.StatusSuccess
			case "failed", "failure", "error", "aborted":
				status = ocsf.StatusFailure
			}
		}
	}
	// An object created, changed or deleted is Entity Management whatever
	// the channel (ocsf/MAPPING.md: a task created through the API is the
	// same as one created in the web console); other calls through the API
	// (imports, exports) are API Activity.
	if strings.EqualFold(e.Source, "api") && strings.TrimSpace(e.IPAddress) != "" && v != verbCreate && v != verbUpdate && v != verbDelete {
		act := map[verb]ocsf.ActivityID{verbCreate: ocsf.APIActivityCreate, verbRead: ocsf.APIActivityRead,
			verbUpdate: ocsf.APIActivityUpdate, verbDelete: ocsf.APIActivityDelete}[v]
		if v == verbOther {
			act = ocsf.ActivityOther
		}
		return classification{class: ocsf.ClassAPIActivity, activity: act, label: cmp.Or(e.Action, "unknown"), status: status}
	}
	act := map[verb]ocsf.ActivityID{verbCreate: ocsf.EntityManagementCreate, verbRead: ocsf.EntityManagementRead,
		verbUpdate: ocsf.EntityManagementUpdate, verbDelete: ocsf.EntityManagementDelete}[v]
	if v == verbOther {
		act = ocsf.ActivityOther
	}
	return classification{class: ocsf.ClassEntityManagement, activity: act, label: cmp.Or(e.Action, "unknown"), status: status}
}

// userUpdate tells what an update of a User changed, when it is an account
// change OCSF names.
func userUpdate(data map[string]any) (classification, bool) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		switch {
		case strings.Contains(lk, "password"):
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangePasswordChange}, true
		case lk == "enabled" || lk == "active" || lk == "isenabled":
			if truthy(data[k]) {
				return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeEnable}, true
			}
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeDisable}, true
		case lk == "disabled" || lk == "isdisabled":
			if truthy(data[k]) {
				return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeDisable}, true
			}
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeEnable}, true
		case strings.Contains(lk, "locked"):
			if truthy(data[k]) {
				return classification{class: ocsf.ClassAccountChange, activity: ocsf.AccountChangeLock}, true
			}
			return classification{class: ocsf.ClassAccountChange, activity: ocsf.ActivityOther, label: maprules.Unlock}, true
		case strings.Contains(lk, "role"):
			added, removed := changes(data[k])
			switch {
			case len(added) > 0:
				return classification{class: ocsf.ClassUserAccess, activity: ocsf.UserAccessAssignPrivileges, privileges: names(added)}, true
			case len(removed) > 0:
				return classification{class: ocsf.ClassUserAccess, activity: ocsf.UserAccessRevokePrivileges, privileges: names(removed)}, true
			}
		}
	}
	return classification{}, false
}

// groupMembers reads a group update that adds or removes users:
// {"users":{"added":[{"id":..,"name":..}]}}.
func groupMembers(data map[string]any) (ocsf.ActivityID, *ocsf.User, bool) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := data[k]
		if !strings.Contains(strings.ToLower(k), "user") && !strings.Contains(strings.ToLower(k), "member") {
			continue
		}
		added, removed := changes(v)
		act, list := ocsf.GroupManagementAddUser, added
		if len(added) == 0 {
			act, list = ocsf.GroupManagementRemoveUser, removed
		}
		if len(list) == 0 {
			continue
		}
		u := &ocsf.User{}
		switch x := list[0].(type) {
		case map[string]any:
			u.UID, _ = x["id"].(string)
			u.Name, _ = x["name"].(string)
		case string:
			u.Name = x
		}
		u.Domain, u.Name = maprules.SplitDomain(u.Name) // CORP\anna
		if u.UID == "" && u.Name == "" {
			u = nil
		}
		return act, u, true
	}
	return 0, nil, false
}

// changes reads {"added":[...],"removed":[...]}.
func changes(v any) (added, removed []any) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		list, _ := m[k].([]any)
		switch strings.ToLower(k) {
		case "added", "add", "assigned":
			added = append(added, list...)
		case "removed", "remove", "unassigned", "revoked":
			removed = append(removed, list...)
		}
	}
	return added, removed
}

// names lists the names of privilege entries: strings, or objects with a
// name.
func names(list []any) []string {
	var out []string
	for _, x := range list {
		switch v := x.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			if n, ok := v["name"].(string); ok {
				out = append(out, n)
			} else if id, ok := v["id"].(string); ok {
				out = append(out, id)
			}
		default:
			out = append(out, fmt.Sprint(v))
		}
	}
	if len(out) == 0 {
		out = []string{"unknown"}
	}
	return out
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		s := strings.ToLower(x)
		return s != "" && s != "false" && s != "0" && s != "no"
	case json.Number:
		return x.String() != "0"
	}
	return true
}

// person is a user by id and name; DOMAIN\name is split into the domain
// and the name.
func person(id, name string) *ocsf.User {
	if id == "" && name == "" {
		return &ocsf.User{Name: "unknown"}
	}
	u := &ocsf.User{UID: id}
	u.Domain, u.Name = maprules.SplitDomain(name)
	if strings.Contains(name, "@") && !strings.ContainsAny(name, ` \`) {
		u.EmailAddr = name
	}
	return u
}

// account is the account a 3001/3005 event is about: the target.
func account(e AuditEvent) *ocsf.User {
	if e.TargetID == "" && e.TargetName == "" {
		return &ocsf.User{Name: "unknown"}
	}
	return &ocsf.User{UID: e.TargetID, Name: e.TargetName}
}

// endpoint is the source endpoint of an address: ip when it is one, else
// name.
func endpoint(addr string) *ocsf.NetworkEndpoint {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return nil
	}
	if ip := net.ParseIP(addr); ip != nil {
		return &ocsf.NetworkEndpoint{IP: ip.String()}
	}
	return &ocsf.NetworkEndpoint{Name: addr}
}

func failed(s string) bool {
	return containsAny(s, "fail", "denied", "invalid", "reject", "unauthori")
}

func message(e AuditEvent) string {
	if e.Description != "" {
		return e.Description
	}
	obj := e.TargetName
	if obj == "" {
		obj = e.TargetID
	}
	return strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %s", e.UserName, e.Action, e.Target, obj)), " ")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
