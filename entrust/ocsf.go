package entrust

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strings"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
	maprules "github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// product is the OCSF metadata.product of every event of this package.
var product = ocsf.Product{Name: "Entrust Identity as a Service", VendorName: "Entrust"}

// ToOCSF maps one audit event to an OCSF 1.1.0 event. It is pure: the same
// record always gives the same event. Nothing is lost: raw_data holds the
// record as sent, and every non-null field with no OCSF home in the chosen
// class is in unmapped under its own name.
//
// The class follows eventCategory, entityType and entityAction (compared
// without regard to case):
//
//	AUTHENTICATION, eventType naming a logout/logoff/sign-out   3002 Authentication, Logoff
//	AUTHENTICATION, anything else                               3002 Authentication, Logon
//	USERS  ADD / CREATE                                         3001 Account Change, Create
//	USERS  REMOVE / DELETE                                      3001 Account Change, Delete
//	USERS  ENABLE / ACTIVATE                                    3001 Account Change, Enable
//	USERS  UNLOCK                                               3001 Account Change, Other "Unlock"
//	USERS  DISABLE / DEACTIVATE / SUSPEND                       3001 Account Change, Disable
//	USERS  LOCK                                                 3001 Account Change, Lock
//	USERS  RESET, or EDIT / UPDATE, naming a password           3001 Account Change, Password Reset / Password Change
//	USERS  any other EDIT / UPDATE / MODIFY (UserModifiedEvent) 3001 Account Change, Other "Update" (a user modified)
//	USERS  ASSIGN / UNASSIGN / REVOKE of a role (auditDetails
//	       roleName or roleId)                                  3005 User Access Management, Assign / Revoke Privileges
//	ROLES  ASSIGN / UNASSIGN / REVOKE to a user (auditDetails
//	       userId or userName)                                  3005 User Access Management, Assign / Revoke Privileges
//	USERS  ASSIGN / UNASSIGN / REVOKE of a group (auditDetails
//	       groupName or groupId)                                3006 Group Management, Add User / Remove User
//	GROUPS ADD / CREATE, REMOVE / DELETE                        3006 Group Management, Create / Delete (OCSF
//	                                                            1.1.0's encoding: 3004 of the group entity)
//	GROUPS ASSIGN / UNASSIGN / REVOKE of a user (auditDetails
//	       userId or userName)                                  3006 Group Management, Add User / Remove User
//	any other MANAGEMENT event (and an unknown category):       3004 Entity Management:
//	       ADD / CREATE → Create; VIEW / READ / GET / EXPORT → Read; REMOVE / DELETE → Delete;
//	       EDIT / UPDATE / MODIFY / RESET / ASSIGN / UNASSIGN / REVOKE / ENABLE / DISABLE /
//	       LOCK / UNLOCK / MOVE / RENAME → Update; any other action → Other (activity_name =
//	       entityAction, or eventType when there is none)
//
// 3005 and 3006 need the other party of the assignment; the reference does
// not document auditDetails (UNCONFIRMED), so an assignment whose record
// does not name it stays 3004 Update.
//
// Field by field:
//
//	id                    metadata.uid (see AuditEvent.UID)
//	eventTime             time (epoch ms); metadata.original_time (as sent)
//	eventCategory         the class (above); unmapped.eventCategory
//	eventOutcome          status: SUCCESS Success, FAIL Failure, another value Other (status = the value)
//	eventType             metadata.event_code
//	eventVersion          unmapped.eventVersion
//	message               message (a summary is written when the record has none);
//	                      status_detail too when the outcome is FAIL
//	accountId             metadata.tenant_uid
//	subject, subjectName  3002: user.uid, user.name; elsewhere actor.user.uid, actor.user.name
//	                      (a DOMAIN\name, here and in every user, is split into domain and name)
//	sourceIp              src_endpoint.ip in every class (OCSF 1.1.0 writes it as
//	                      unmapped.src_endpoint in 3004–3006, which have no src_endpoint)
//	entityId, entityName  3004 entity.uid/name; 3001 user.uid/name; 3005 user (USERS) or privileges (ROLES);
//	                      3006 group (GROUPS) or user (USERS); unmapped in 3002
//	entityType            3004 entity.type; unmapped.entityType elsewhere
//	entityAction          the activity (above); unmapped.entityAction
//	resourceId, resourceName  3002 service.uid/name; unmapped elsewhere
//	requiredPermission, serviceProviderAdminRoleId, serviceProviderAdminRoleName,
//	auditDetails, fields not in the reference   unmapped.<name>
//	(constant)            metadata.product {name "Entrust Identity as a Service", vendor_name "Entrust"},
//	                      metadata.log_name "auditevents", severity Informational (Low for a
//	                      failure, whose status_detail is the message); observables
//	                      (ocsf.AddObservables);
//	                      3002 without a resource: service.name "Entrust Identity as a Service"
//
// In OCSF 1.1.0, actor exists in 3004, 3005 and 3006 only with the host
// profile, so those events list "host" in metadata.profiles.
func ToOCSF(e AuditEvent) ocsf.Event {
	class, act, label := classify(e)
	ev := ocsf.Header{
		Product: product, UID: e.UID(), EventCode: e.EventType, LogName: "auditevents",
		OriginalTime: e.originalTime(), Raw: ocsf.RawRecord(e.Raw, e.MarshalJSON),
	}.New(class, act, label, e.EventTime)
	ev.Metadata.TenantUID = e.AccountID
	ev.Message = summary(e)
	switch o := strings.ToUpper(strings.TrimSpace(e.EventOutcome)); o {
	case "":
	case string(OutcomeSuccess):
		ev.Status = ocsf.StatusSuccess
	case string(OutcomeFail), "FAILURE", "FAILED":
		ev.Status = ocsf.StatusFailure
		ev.StatusDetail = e.Message
	default:
		ev.Status, ev.StatusLabel = ocsf.StatusOther, e.EventOutcome
	}

	un := ocsf.Unmapped{}
	un.PutNonEmpty("eventCategory", e.EventCategory)
	un.PutNonEmpty("eventVersion", e.EventVersion)
	un.PutNonEmpty("requiredPermission", e.RequiredPermission)
	un.PutNonEmpty("serviceProviderAdminRoleId", e.ServiceProviderAdminRoleID)
	un.PutNonEmpty("serviceProviderAdminRoleName", e.ServiceProviderAdminRoleName)
	if len(e.AuditDetails) > 0 {
		un["auditDetails"] = rawValue(e.AuditDetails)
	}
	actor := func() {
		if u := person(e.Subject, e.SubjectName); u != nil {
			ev.Actor = &ocsf.Actor{User: u}
		}
	}
	// The client's address, in every class: where OCSF 1.1.0 has no
	// src_endpoint (3004-3006), the encoder writes it under unmapped and
	// observables name it.
	if e.SourceIP != "" {
		ev.SrcEndpoint = &ocsf.NetworkEndpoint{IP: e.SourceIP}
	}
	keepResource := func() {
		un.PutNonEmpty("resourceId", e.ResourceID)
		un.PutNonEmpty("resourceName", e.ResourceName)
	}
	// managed is what the management classes but account changes keep
	// alike: the actor (with the host profile), the entity's type (unless
	// the event has a home for it) and action, and the resource.
	managed := func(keepType bool) {
		actor()
		ev.AddProfile("host")
		if keepType {
			un.PutNonEmpty("entityType", e.EntityType)
		}
		un.PutNonEmpty("entityAction", e.EntityAction)
		keepResource()
	}
	switch class {
	case ocsf.ClassAuthentication:
		ev.User = person(e.Subject, e.SubjectName)
		if ev.User == nil {
			ev.User = &ocsf.User{Name: "unknown"}
		}
		ev.Service = &ocsf.Service{UID: e.ResourceID, Name: e.ResourceName}
		if e.ResourceID == "" && e.ResourceName == "" {
			ev.Service.Name = product.Name
		}
		un.PutNonEmpty("entityId", e.EntityID)
		un.PutNonEmpty("entityName", e.EntityName)
		un.PutNonEmpty("entityType", e.EntityType)
		un.PutNonEmpty("entityAction", e.EntityAction)
	case ocsf.ClassAccountChange:
		ev.User = person(e.EntityID, e.EntityName)
		if ev.User == nil {
			ev.User = &ocsf.User{Name: "unknown"}
		}
		actor()
		un.PutNonEmpty("entityType", e.EntityType)
		un.PutNonEmpty("entityAction", e.EntityAction)
		keepResource()
	case ocsf.ClassUserAccess:
		if strings.EqualFold(e.EntityType, "ROLES") {
			ev.User = detailUser(e)
			ev.Privileges = []string{cmp.Or(e.EntityName, e.EntityID)}
			un.PutNonEmpty("entityId", e.EntityID)
		} else {
			ev.User = person(e.EntityID, e.EntityName)
			ev.Privileges = []string{cmp.Or(detail(e, "roleName"), detail(e, "roleId"))}
		}
		managed(true)
	case ocsf.ClassGroupManagement:
		if strings.EqualFold(e.EntityType, "GROUPS") {
			ev.Group = &ocsf.Group{UID: e.EntityID, Name: e.EntityName}
			ev.User = detailUser(e)
		} else {
			ev.Group = &ocsf.Group{UID: detail(e, "groupId"), Name: detail(e, "groupName")}
			ev.User = person(e.EntityID, e.EntityName)
		}
		managed(true)
	default: // entity management
		ev.Entity = &ocsf.ManagedEntity{UID: e.EntityID, Name: e.EntityName, Type: e.EntityType}
		if ev.Entity.UID == "" && ev.Entity.Name == "" {
			ev.Entity.Name = cmp.Or(e.EntityType, e.EventType, "unknown") // the entity needs a name or uid
		}
		managed(false) // the type is the entity's
	}
	for k, raw := range e.Extra {
		if !jsonscan.IsNull(raw) {
			un[k] = rawValue(raw)
		}
	}
	un.Apply(&ev)
	maprules.Finish(&ev)
	return ev
}

// classify picks the OCSF class and activity of a record, and the label of
// an Other activity.
func classify(e AuditEvent) (ocsf.ClassUID, ocsf.ActivityID, string) {
	if strings.EqualFold(e.EventCategory, string(CategoryAuthentication)) {
		if containsAny(strings.ToLower(e.EventType+" "+e.Message), "logout", "logoff", "signout", "sign_out", "sign.out", "log.out") {
			return ocsf.ClassAuthentication, ocsf.AuthenticationLogoff, ""
		}
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogon, ""
	}
	typ := strings.ToUpper(strings.TrimSpace(e.EntityType))
	action := strings.ToUpper(strings.TrimSpace(e.EntityAction))
	text := strings.ToLower(e.EventType + " " + e.Message + " " + e.RequiredPermission)
	assign, unassign := action == "ASSIGN", action == "UNASSIGN" || action == "REVOKE"
	switch typ {
	case "USERS", "USER":
		switch action {
		case "ADD", "CREATE":
			return ocsf.ClassAccountChange, ocsf.AccountChangeCreate, ""
		case "REMOVE", "DELETE":
			return ocsf.ClassAccountChange, ocsf.AccountChangeDelete, ""
		case "UNLOCK":
			return ocsf.ClassAccountChange, ocsf.ActivityOther, maprules.Unlock
		case "ENABLE", "ACTIVATE":
			return ocsf.ClassAccountChange, ocsf.AccountChangeEnable, ""
		case "DISABLE", "DEACTIVATE", "SUSPEND":
			return ocsf.ClassAccountChange, ocsf.AccountChangeDisable, ""
		case "LOCK":
			return ocsf.ClassAccountChange, ocsf.AccountChangeLock, ""
		case "RESET":
			if strings.Contains(text, "password") {
				return ocsf.ClassAccountChange, ocsf.AccountChangePasswordReset, ""
			}
		case "EDIT", "UPDATE", "MODIFY":
			if strings.Contains(text, "password") {
				return ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, ""
			}
			// A user modified: Account Change whatever changed
			// (ocsf/MAPPING.md), not Entity Management.
			return ocsf.ClassAccountChange, ocsf.ActivityOther, maprules.UserUpdate
		}
		named := cmp.Or(e.EntityID, e.EntityName) != ""
		if (assign || unassign) && named && (detail(e, "roleName") != "" || detail(e, "roleId") != "") {
			return ocsf.ClassUserAccess, pick(assign, ocsf.UserAccessAssignPrivileges, ocsf.UserAccessRevokePrivileges), ""
		}
		if (assign || unassign) && named && (detail(e, "groupName") != "" || detail(e, "groupId") != "") {
			return ocsf.ClassGroupManagement, pick(assign, ocsf.GroupManagementAddUser, ocsf.GroupManagementRemoveUser), ""
		}
	case "ROLES", "ROLE":
		if (assign || unassign) && detailUser(e) != nil && cmp.Or(e.EntityName, e.EntityID) != "" {
			return ocsf.ClassUserAccess, pick(assign, ocsf.UserAccessAssignPrivileges, ocsf.UserAccessRevokePrivileges), ""
		}
	case "GROUPS", "GROUP":
		switch action {
		case "ADD", "CREATE":
			return ocsf.ClassGroupManagement, ocsf.GroupManagementCreate, ""
		case "REMOVE", "DELETE":
			return ocsf.ClassGroupManagement, ocsf.GroupManagementDelete, ""
		}
		if (assign || unassign) && detailUser(e) != nil && cmp.Or(e.EntityName, e.EntityID) != "" {
			return ocsf.ClassGroupManagement, pick(assign, ocsf.GroupManagementAddUser, ocsf.GroupManagementRemoveUser), ""
		}
	}
	switch action {
	case "ADD", "CREATE":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, ""
	case "VIEW", "READ", "GET", "EXPORT":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementRead, ""
	case "REMOVE", "DELETE":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, ""
	case "EDIT", "UPDATE", "MODIFY", "RESET", "ASSIGN", "UNASSIGN", "REVOKE", "ENABLE", "DISABLE", "LOCK", "UNLOCK", "MOVE", "RENAME":
		return ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, ""
	}
	return ocsf.ClassEntityManagement, ocsf.ActivityOther, cmp.Or(e.EntityAction, e.EventType, "unknown")
}

func pick(cond bool, a, b ocsf.ActivityID) ocsf.ActivityID {
	if cond {
		return a
	}
	return b
}

// detail returns the string member key of auditDetails (a JSON object),
// matched without regard to case, or "".
func detail(e AuditEvent, key string) string {
	if len(e.AuditDetails) == 0 || e.AuditDetails[0] != '{' {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(e.AuditDetails, &m) != nil {
		return ""
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			s, err := unquote(v)
			if err != nil {
				return strings.Trim(string(v), `"`)
			}
			return s
		}
	}
	return ""
}

// detailUser is the user auditDetails names (userId, userName), or nil.
func detailUser(e AuditEvent) *ocsf.User {
	return person(detail(e, "userId"), detail(e, "userName"))
}

// person is a user from a uid and a name (DOMAIN\name split into the
// domain and the name); nil when both are empty.
func person(uid, name string) *ocsf.User {
	if uid == "" && name == "" {
		return nil
	}
	u := &ocsf.User{UID: uid}
	u.Domain, u.Name = maprules.SplitDomain(name)
	if strings.Contains(name, "@") {
		u.EmailAddr = name
	}
	return u
}

// rawValue decodes a raw JSON value for unmapped (numbers kept exact), or
// keeps its text when it does not decode.
func rawValue(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return string(raw)
	}
	return v
}

// summary is the record's message key, or a line saying who did what.
func summary(e AuditEvent) string {
	if e.Message != "" {
		return e.Message
	}
	parts := []string{cmp.Or(e.SubjectName, e.Subject), e.EventType, e.EntityAction, e.EntityType, cmp.Or(e.EntityName, e.EntityID)}
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "Entrust audit event at " + e.EventTime.UTC().Format(time.RFC3339)
	}
	return strings.Join(out, " ")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
