package instavm

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/internal/jsonscan"
	maprules "github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// product is the OCSF metadata.product of every event of this package.
var product = ocsf.Product{Name: "InstaVM", VendorName: "InstaVM"}

// ToOCSF maps one audit event to an OCSF 1.1.0 event. It is pure: the same
// event always gives the same OCSF event. Nothing is lost: raw_data holds
// the item as sent, and every field with no OCSF home in the chosen class is
// in unmapped under its own name (Extra fields too).
//
// The class follows what the record says (the vocabularies of event_type,
// source and actor_type are UNCONFIRMED; words are matched, case-insensitive):
//
//	event_type names a logout (logout, logoff, sign_out)    3002 Authentication, Logoff
//	event_type names a login (login, logon, sign_in)        3002 Authentication, Logon
//	an auth event naming a refused credential
//	(auth.api_key_invalid)                                  3002 Authentication, Logon (status Failure)
//	an API call creating, changing or deleting an object
//	(vm.create, vm.resize, vm.delete, session.create...)    3004 Entity Management, by the verb: the
//	                                                        class follows the meaning, not the channel
//	any other API call: source api/sdk/cli, or actor_type
//	api_key (execution.run, vm.list, audit.list)            6003 API Activity; activity by
//	                                                        http_method (POST Create, GET/HEAD Read,
//	                                                        PUT/PATCH Update, DELETE Delete), else
//	                                                        by the verb of event_type
//	a role/permission change of a user                      3005 User Access Management: Assign naming the
//	                                                        role given, Revoke naming the role taken (by
//	                                                        old_role/new_role: admin to member revokes admin)
//	membership of a team/org/group (member_add, ...)        3006 Group Management, Add/Remove User
//	an account change (group user/account: create, delete,
//	password_change/reset, mfa_enable/disable, lock,
//	enable/disable)                                         3001 Account Change
//	anything else                                           3004 Entity Management: Create/Read/
//	                                                        Update/Delete by the verb, else Other
//	                                                        (activity_name = event_type)
//
// Field by field:
//
//	id               metadata.uid (see AuditEvent.UID)
//	created_at       time (epoch ms); metadata.original_time (as sent)
//	event_type       activity (above); metadata.event_code; 6003 api.operation
//	event_group      6003 api.group.name; elsewhere unmapped.event_group
//	status           status_id: success → Success, failure/failed/error/denied → Failure,
//	                 other values → Other with status = the value
//	error_message    status_detail
//	http_status      status_code (decimal); 6003 also api.response.code
//	correlation_id   metadata.correlation_uid
//	request_id       6003 api.request.uid; elsewhere http_request.uid
//	actor_type       user → actor.user.type_id User, admin → Admin; system/service/
//	                 scheduler/worker: not a user, actor.invoked_by is the actor_id, else
//	                 the worker_id, else the actor_type (which stays in unmapped); api_key
//	                 and others: unmapped.actor_type
//	actor_id         actor.user.uid for people and systems; for an api_key
//	                 actor.user.credential_uid (the key; the user is its owner)
//	user_id          actor.user.uid (the acting user or the key's owner); in 3002 the
//	                 user who logs in (user.uid); in 3001/3005 user.uid when the record
//	                 names no user resource
//	session_id       actor.session.uid; 3002 session.uid
//	ip_address       src_endpoint.ip in every class (OCSF 1.1.0 writes it as
//	                 unmapped.src_endpoint in 3004-3006)
//	user_agent       http_request.user_agent (in 1.1.0's 3004-3006 under unmapped)
//	http_method      http_request.http_method, upper case, when OCSF 1.1.0 names the
//	                 method (not PATCH); else unmapped
//	path             http_request.url.path
//	node_ip          dst_endpoint.ip (6003, 3002); else unmapped
//	resource_type/id 6003 resources[] {uid, type}; 3004 entity {uid, type}; 3006 group;
//	                 3001/3005 user.uid for a user resource; else unmapped
//	vm_id            6003 resources[] {uid, type "vm"}; 3004 the entity when there is
//	                 no other resource; else unmapped
//	event_payload    3004 entity.data; else unmapped.event_payload
//	latency_ms       duration, rounded to whole milliseconds; also unmapped when it
//	                 has a fraction, so that nothing is lost
//	task_id,
//	worker_id,
//	source           unmapped (6003 also src_endpoint.name when there is no ip_address)
//	fields not in the document  unmapped.<name>
//	(constant)       metadata.product {name "InstaVM", vendor_name "InstaVM"},
//	                 metadata.log_name "audit_events", severity Informational (Low for
//	                 a failure, which also gets a status_detail; no status is Success:
//	                 see ocsf/MAPPING.md); observables (ocsf.AddObservables);
//	                 3002 service.name "InstaVM"
//
// In OCSF 1.1.0, actor exists in 3004, 3005 and 3006 only with the host
// profile, so those events list "host" in metadata.profiles.
func ToOCSF(e AuditEvent) ocsf.Event {
	class, act, label := classify(e)
	ev := ocsf.Header{
		Product: product, UID: e.UID(), EventCode: e.EventType, LogName: "audit_events",
		OriginalTime: e.createdAt(), Raw: ocsf.RawRecord(e.Raw, e.MarshalJSON),
	}.New(class, act, label, e.CreatedAt)
	ev.Message = message(e)

	m := newMapping(e)
	m.take(fID, fCreatedAt, fEventType)
	ev.Status, ev.StatusLabel = status(e.Status)
	m.take(fStatus)
	if e.LatencyMS != nil && *e.LatencyMS >= 0 && *e.LatencyMS < 1<<53 {
		ev.Duration = int64(math.Round(*e.LatencyMS))
		if float64(ev.Duration) == *e.LatencyMS {
			m.take(fLatencyMS) // whole milliseconds: duration says it all
		}
	}
	if e.ErrorMessage != nil {
		ev.StatusDetail = *e.ErrorMessage
		m.take(fErrorMessage)
	}
	if e.HTTPStatus != nil {
		ev.StatusCode = strconv.Itoa(*e.HTTPStatus)
		m.take(fHTTPStatus)
	}
	if e.CorrelationID != nil {
		ev.Metadata.CorrelationUID = *e.CorrelationID
		m.take(fCorrelationID)
	}

	switch class {
	case ocsf.ClassAuthentication:
		ev.User = m.actingUser()
		ev.Service = &ocsf.Service{Name: product.Name}
		if e.SessionID != nil {
			ev.Session = &ocsf.Session{UID: *e.SessionID}
			m.take(fSessionID)
		}
		ev.SrcEndpoint = m.srcEndpoint(false)
		ev.DstEndpoint = m.dstEndpoint()
		ev.HTTPRequest = m.httpRequest(true)
	case ocsf.ClassAPIActivity:
		ev.Actor = m.actor()
		ev.SrcEndpoint = m.srcEndpoint(true)
		ev.DstEndpoint = m.dstEndpoint()
		ev.HTTPRequest = m.httpRequest(false)
		// api.operation is required: the event type, else its group, else
		// the request's method and path, else "unknown".
		ev.API = &ocsf.API{Operation: cmp.Or(e.EventType, label, apiOperation(e), "unknown")}
		if e.EventGroup != "" {
			ev.API.Group = &ocsf.Group{Name: e.EventGroup}
			m.take(fEventGroup)
		}
		if e.RequestID != nil && *e.RequestID != "" { // api.request needs a uid; "" stays in unmapped
			ev.API.Request = &ocsf.APIRequest{UID: *e.RequestID}
			m.take(fRequestID)
		}
		if e.HTTPStatus != nil || e.ErrorMessage != nil {
			ev.API.Response = &ocsf.APIResponse{}
			if e.HTTPStatus != nil {
				ev.API.Response.Code = *e.HTTPStatus
			}
			if e.ErrorMessage != nil {
				ev.API.Response.ErrorMessage = *e.ErrorMessage
			}
		}
		ev.Resources = m.resources()
	case ocsf.ClassAccountChange:
		ev.User = m.subjectUser()
		ev.Actor = m.actor()
		ev.SrcEndpoint = m.srcEndpoint(false)
		ev.HTTPRequest = m.httpRequest(true)
	case ocsf.ClassUserAccess:
		ev.User = m.subjectUser()
		ev.Actor = m.actor()
		ev.Privileges = privileges(e)
		ev.AddProfile("host")
	case ocsf.ClassGroupManagement:
		ev.Group = m.group()
		ev.User = m.memberUser()
		if ev.User == nil {
			ev.Privileges = []string{label}
		}
		ev.Actor = m.actor()
		ev.AddProfile("host")
	default: // entity management
		ev.Entity = m.entity()
		ev.Actor = m.actor()
		ev.AddProfile("host")
	}
	if class != ocsf.ClassAuthentication && class != ocsf.ClassAPIActivity && class != ocsf.ClassAccountChange {
		// The client's address and request in every class: where OCSF
		// 1.1.0 has no src_endpoint/http_request (3004-3006), the encoder
		// writes them under unmapped, and observables name the address.
		ev.SrcEndpoint = m.srcEndpoint(false)
		ev.HTTPRequest = m.httpRequest(true)
	}
	if un := m.unmapped(); len(un) > 0 {
		ev.Unmapped = un
	}
	maprules.Finish(&ev)
	return ev
}

// The fields of an event, as bits of mapping.left.
const (
	fID = iota
	fCreatedAt
	fUserID
	fActorType
	fActorID
	fSource
	fEventGroup
	fEventType
	fStatus
	fResourceType
	fResourceID
	fSessionID
	fVMID
	fTaskID
	fRequestID
	fCorrelationID
	fHTTPMethod
	fPath
	fHTTPStatus
	fLatencyMS
	fIPAddress
	fUserAgent
	fNodeIP
	fWorkerID
	fEventPayload
	fErrorMessage
	numFields
)

// fieldNames are the document's names of the fields, by bit.
var fieldNames = [numFields]string{
	"id", "created_at", "user_id", "actor_type", "actor_id", "source", "event_group", "event_type",
	"status", "resource_type", "resource_id", "session_id", "vm_id", "task_id", "request_id",
	"correlation_id", "http_method", "path", "http_status", "latency_ms", "ip_address",
	"user_agent", "node_ip", "worker_id", "event_payload", "error_message",
}

// mapping tracks which fields of an event have found an OCSF home; the
// rest go to unmapped.
type mapping struct {
	e    *AuditEvent
	left uint32 // bits of the fields present and not yet mapped
}

func newMapping(e AuditEvent) *mapping {
	m := &mapping{e: &e}
	for f, present := range [numFields]bool{
		fUserID: e.UserID != nil, fActorType: e.ActorType != "", fActorID: e.ActorID != nil,
		fSource: e.Source != "", fEventGroup: e.EventGroup != "", fEventType: e.EventType != "",
		fStatus: e.Status != "", fResourceType: e.ResourceType != nil, fResourceID: e.ResourceID != nil,
		fSessionID: e.SessionID != nil, fVMID: e.VMID != nil, fTaskID: e.TaskID != nil,
		fRequestID: e.RequestID != nil, fCorrelationID: e.CorrelationID != nil, fHTTPMethod: e.HTTPMethod != nil,
		fPath: e.Path != nil, fHTTPStatus: e.HTTPStatus != nil, fLatencyMS: e.LatencyMS != nil,
		fIPAddress: e.IPAddress != nil, fUserAgent: e.UserAgent != nil, fNodeIP: e.NodeIP != nil,
		fWorkerID: e.WorkerID != nil, fEventPayload: len(e.EventPayload) > 0, fErrorMessage: e.ErrorMessage != nil,
	} {
		if present {
			m.left |= 1 << f
		}
	}
	return m
}

// take marks fields as mapped.
func (m *mapping) take(fields ...int) {
	for _, f := range fields {
		m.left &^= 1 << f
	}
}

// unmapped returns the fields left, with their values as sent (numbers
// exact), and the Extra fields.
func (m *mapping) unmapped() map[string]any {
	e := m.e
	if m.left == 0 && len(e.Extra) == 0 {
		return nil
	}
	un := make(map[string]any, bits.OnesCount32(m.left)+len(e.Extra))
	for f := range numFields {
		if m.left&(1<<f) == 0 {
			continue
		}
		var v any
		switch f {
		case fUserID:
			v = *e.UserID
		case fActorType:
			v = e.ActorType
		case fActorID:
			v = *e.ActorID
		case fSource:
			v = e.Source
		case fEventGroup:
			v = e.EventGroup
		case fEventType:
			v = e.EventType
		case fStatus:
			v = e.Status
		case fResourceType:
			v = *e.ResourceType
		case fResourceID:
			v = *e.ResourceID
		case fSessionID:
			v = *e.SessionID
		case fVMID:
			v = *e.VMID
		case fTaskID:
			v = *e.TaskID
		case fRequestID:
			v = *e.RequestID
		case fCorrelationID:
			v = *e.CorrelationID
		case fHTTPMethod:
			v = *e.HTTPMethod
		case fPath:
			v = *e.Path
		case fHTTPStatus:
			v = *e.HTTPStatus
		case fLatencyMS:
			v = *e.LatencyMS
		case fIPAddress:
			v = *e.IPAddress
		case fUserAgent:
			v = *e.UserAgent
		case fNodeIP:
			v = *e.NodeIP
		case fWorkerID:
			v = *e.WorkerID
		case fEventPayload:
			v = decodeAny(e.EventPayload)
		case fErrorMessage:
			v = *e.ErrorMessage
		default:
			continue // id, created_at: always mapped
		}
		un[fieldNames[f]] = v
	}
	for k, raw := range e.Extra {
		un[k] = decodeAny(raw)
	}
	return un
}

// decodeAny decodes a JSON value as encoding/json does with UseNumber:
// objects to map[string]any, arrays to []any, numbers to json.Number. A
// value that does not decode is kept as its text.
func decodeAny(raw json.RawMessage) any {
	v, err := jsonscan.DecodeValue(bytes.TrimSpace(raw))
	if err != nil {
		return string(raw)
	}
	return v
}

// actorKind classifies actor_type.
type actorKind int

const (
	actorOther actorKind = iota
	actorUser
	actorAdmin
	actorSystem
	actorKey
)

func kindOf(actorType string) actorKind {
	switch strings.ToLower(actorType) {
	case "user", "member", "human":
		return actorUser
	case "admin", "administrator", "owner":
		return actorAdmin
	case "system", "service", "scheduler", "worker", "internal", "cron":
		return actorSystem
	case "api_key", "apikey", "api-key", "key", "token", "api_token":
		return actorKey
	}
	return actorOther
}

// actingUser is the user who acted, from actor_type, actor_id and user_id.
func (m *mapping) actingUser() *ocsf.User {
	e := m.e
	u := &ocsf.User{}
	uidOf := func() string {
		if e.UserID != nil {
			return strconv.FormatInt(*e.UserID, 10)
		}
		return ""
	}
	switch k := kindOf(e.ActorType); k {
	case actorUser, actorAdmin:
		u.TypeID, u.Type = 1, "User"
		if k == actorAdmin {
			u.TypeID, u.Type = 2, "Admin"
		}
		m.take(fActorType)
		if e.ActorID != nil && *e.ActorID != "" {
			u.UID = *e.ActorID
			m.take(fActorID)
			if uidOf() == u.UID {
				m.take(fUserID)
			}
		} else if id := uidOf(); id != "" {
			u.UID = id
			m.take(fUserID)
		}
	case actorKey:
		if id := uidOf(); id != "" {
			u.UID = id
			m.take(fUserID)
		}
		if e.ActorID != nil && *e.ActorID != "" {
			u.CredentialUID = *e.ActorID
			m.take(fActorID)
		}
	case actorSystem:
		u.TypeID, u.Type = 3, "System"
		m.take(fActorType)
		if e.ActorID != nil && *e.ActorID != "" {
			u.UID = *e.ActorID
			m.take(fActorID)
		} else {
			u.Name = e.ActorType
		}
	default:
		if e.ActorType != "" {
			u.TypeID, u.Type = 99, e.ActorType
			m.take(fActorType)
		}
		if e.ActorID != nil && *e.ActorID != "" {
			u.UID = *e.ActorID
			m.take(fActorID)
		} else if id := uidOf(); id != "" {
			u.UID = id
			m.take(fUserID)
		}
	}
	if u.UID == "" && u.Name == "" {
		// The user needs a name or uid: an API key with no owner, or an
		// actor the record does not identify. Its actor_type is not a
		// name; it stays in unmapped.
		u.Name = "unknown"
		if kindOf(e.ActorType) == actorSystem && e.ActorType != "" {
			u.Name = e.ActorType // a system user of 3002, which has no actor to put it in
		}
	}
	return u
}

// actor is who acted, with the session. A system actor (actor_type
// system, scheduler, ...) is not a user: it is actor.invoked_by, the
// actor_id (e.g. "scheduler"), else the worker_id, else the actor_type;
// actor_type stays in unmapped.
func (m *mapping) actor() *ocsf.Actor {
	a := &ocsf.Actor{}
	if e := m.e; kindOf(e.ActorType) == actorSystem {
		switch {
		case e.ActorID != nil && *e.ActorID != "":
			a.InvokedBy = *e.ActorID
			m.take(fActorID)
		case e.WorkerID != nil && *e.WorkerID != "":
			a.InvokedBy = *e.WorkerID
			m.take(fWorkerID)
		default:
			a.InvokedBy = e.ActorType
		}
	} else {
		a.User = m.actingUser()
	}
	if m.e.SessionID != nil {
		a.Session = &ocsf.Session{UID: *m.e.SessionID}
		m.take(fSessionID)
	}
	return a
}

// subjectUser is the account an account change or access change is about:
// the user resource when the record names one, else the event's user.
func (m *mapping) subjectUser() *ocsf.User {
	e := m.e
	if e.ResourceID != nil && isUserResource(e.ResourceType) {
		m.take(fResourceID, fResourceType)
		return &ocsf.User{UID: *e.ResourceID}
	}
	if e.UserID != nil {
		m.take(fUserID)
		return &ocsf.User{UID: strconv.FormatInt(*e.UserID, 10)}
	}
	if e.ActorID != nil && *e.ActorID != "" && kindOf(e.ActorType) != actorKey {
		return &ocsf.User{UID: *e.ActorID} // also the actor: not taken here
	}
	return &ocsf.User{Name: "unknown"}
}

// memberUser is the user a membership change is about, when the payload
// names one (member_user_id, member_id or user_id; UNCONFIRMED names).
func (m *mapping) memberUser() *ocsf.User {
	var p map[string]any
	d := json.NewDecoder(bytes.NewReader(m.e.EventPayload))
	d.UseNumber()
	if len(m.e.EventPayload) == 0 || d.Decode(&p) != nil {
		return nil
	}
	for _, k := range []string{"member_user_id", "member_id", "user_id"} {
		switch v := p[k].(type) {
		case json.Number:
			return &ocsf.User{UID: v.String()}
		case string:
			if v != "" {
				return &ocsf.User{UID: v}
			}
		}
	}
	return nil
}

// group is the team or organization of a membership change.
func (m *mapping) group() *ocsf.Group {
	e := m.e
	g := &ocsf.Group{}
	if e.ResourceID != nil && *e.ResourceID != "" {
		g.UID = *e.ResourceID
		m.take(fResourceID)
		if e.ResourceType != nil {
			g.Type = *e.ResourceType
			m.take(fResourceType)
		}
	} else {
		g.Name = e.EventGroup
		m.take(fEventGroup)
	}
	if g.UID == "" && g.Name == "" {
		g.Name = "unknown"
	}
	return g
}

// srcEndpoint is the client's address; for 6003, which requires it, the
// source names it when there is no address.
func (m *mapping) srcEndpoint(required bool) *ocsf.NetworkEndpoint {
	e := m.e
	if e.IPAddress != nil && *e.IPAddress != "" {
		m.take(fIPAddress)
		return &ocsf.NetworkEndpoint{IP: *e.IPAddress}
	}
	if !required {
		return nil
	}
	name := e.Source
	if name == "" {
		name = "unknown"
	}
	return &ocsf.NetworkEndpoint{Name: name} // source stays in unmapped too
}

// dstEndpoint is the InstaVM node that handled the event.
func (m *mapping) dstEndpoint() *ocsf.NetworkEndpoint {
	if m.e.NodeIP == nil || *m.e.NodeIP == "" {
		return nil
	}
	m.take(fNodeIP)
	return &ocsf.NetworkEndpoint{IP: *m.e.NodeIP}
}

// httpRequest is the HTTP request behind the event; withUID puts the
// request id in it (classes without api).
func (m *mapping) httpRequest(withUID bool) *ocsf.HTTPRequest {
	e := m.e
	r := &ocsf.HTTPRequest{}
	if e.HTTPMethod != nil {
		// OCSF 1.1.0 names eight methods (no PATCH): others stay in
		// unmapped.
		switch up := strings.ToUpper(*e.HTTPMethod); up {
		case "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE":
			r.HTTPMethod = up
			m.take(fHTTPMethod)
		}
	}
	if e.Path != nil && *e.Path != "" {
		r.URL = &ocsf.URL{Path: *e.Path}
		m.take(fPath)
	}
	if e.UserAgent != nil {
		r.UserAgent = *e.UserAgent
		m.take(fUserAgent)
	}
	if withUID && e.RequestID != nil {
		r.UID = *e.RequestID
		m.take(fRequestID)
	}
	if r.HTTPMethod == "" && r.URL == nil && r.UserAgent == "" && r.UID == "" {
		return nil
	}
	return r
}

// resources are what an API call touched: the resource and the VM.
func (m *mapping) resources() []ocsf.ResourceDetails {
	e := m.e
	var out []ocsf.ResourceDetails
	if e.ResourceID != nil || e.ResourceType != nil {
		r := ocsf.ResourceDetails{}
		if e.ResourceID != nil {
			r.UID = *e.ResourceID
			m.take(fResourceID)
		}
		if e.ResourceType != nil {
			r.Type = *e.ResourceType
			m.take(fResourceType)
		}
		if r.UID == "" {
			r.Name = r.Type
		}
		if r.UID != "" || r.Name != "" {
			out = append(out, r)
		}
	}
	if e.VMID != nil && *e.VMID != "" {
		if e.ResourceID == nil || *e.ResourceID != *e.VMID {
			out = append(out, ocsf.ResourceDetails{UID: *e.VMID, Type: "vm"})
		}
		m.take(fVMID)
	}
	return out
}

// entity is the object of an entity management event, with the payload as
// its data.
func (m *mapping) entity() *ocsf.ManagedEntity {
	e := m.e
	ent := &ocsf.ManagedEntity{}
	switch {
	case e.ResourceID != nil || e.ResourceType != nil:
		if e.ResourceID != nil {
			ent.UID = *e.ResourceID
			m.take(fResourceID)
		}
		if e.ResourceType != nil {
			ent.Type = *e.ResourceType
			m.take(fResourceType)
		}
		if e.VMID != nil && ent.UID == *e.VMID {
			m.take(fVMID)
		}
	case e.VMID != nil:
		ent.UID, ent.Type = *e.VMID, "vm"
		m.take(fVMID)
	}
	if ent.UID == "" {
		ent.Name = ent.Type
		if ent.Name == "" {
			ent.Name = e.EventGroup // the object needs a name or uid
		}
		if ent.Name == "" {
			ent.Name = "unknown"
		}
	}
	if len(e.EventPayload) > 0 {
		ent.Data = decodeAny(e.EventPayload)
		m.take(fEventPayload)
	}
	return ent
}

// classify picks the OCSF class and activity of an event; label is the
// source's own name of the activity (event_type).
func classify(e AuditEvent) (ocsf.ClassUID, ocsf.ActivityID, string) {
	label := e.EventType
	if label == "" {
		label = e.EventGroup
	}
	typ := strings.ToLower(e.EventType)
	grp := strings.ToLower(e.EventGroup)
	verb := typ
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		verb = typ[i+1:]
	}
	switch {
	case containsAny(typ, "logout", "log_out", "logoff", "sign_out", "signout"):
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogoff, label
	case containsAny(typ, "login", "log_in", "logon", "sign_in", "signin"):
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogon, label
	case isAuthFailure(e):
		// auth.api_key_invalid: a credential refused is a failed logon.
		return ocsf.ClassAuthentication, ocsf.AuthenticationLogon, label
	}
	if isAPICall(e) {
		// An object created, changed or deleted is Entity Management
		// whatever the channel (ocsf/MAPPING.md); other API calls (reads,
		// runs) are API Activity.
		switch crudActivity(verb) {
		case ocsf.EntityManagementCreate, ocsf.EntityManagementUpdate, ocsf.EntityManagementDelete:
			if act := crudActivity(verb); !isUserResource(e.ResourceType) && grp != "user" && grp != "team" {
				return ocsf.ClassEntityManagement, act, label
			}
		}
		return ocsf.ClassAPIActivity, apiActivity(e, verb), label
	}
	userish := isUserResource(e.ResourceType) || grp == "user" || grp == "account" || grp == "users" || grp == "accounts" || grp == "profile"
	if userish && containsAny(verb, "role", "permission", "privilege", "grant", "revoke") {
		if act, _, ok := payloadRoleChange(e); ok {
			return ocsf.ClassUserAccess, act, label
		}
		if containsAny(verb, "revoke", "remove", "demote") {
			return ocsf.ClassUserAccess, ocsf.UserAccessRevokePrivileges, label
		}
		return ocsf.ClassUserAccess, ocsf.UserAccessAssignPrivileges, label
	}
	if containsAny(verb, "member") || ((grp == "team" || grp == "org" || grp == "organization" || grp == "group") && containsAny(verb, "join", "leave", "invite", "add_user", "remove_user")) {
		switch {
		case containsAny(verb, "remove", "leave", "delete", "kick"):
			return ocsf.ClassGroupManagement, ocsf.GroupManagementRemoveUser, label
		case containsAny(verb, "add", "join", "invite", "accept"):
			return ocsf.ClassGroupManagement, ocsf.GroupManagementAddUser, label
		}
	}
	if userish {
		switch {
		case containsAny(verb, "password_reset", "reset_password"):
			return ocsf.ClassAccountChange, ocsf.AccountChangePasswordReset, label
		case containsAny(verb, "password"):
			return ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, label
		case containsAny(verb, "mfa", "2fa", "two_factor", "totp", "otp"):
			if containsAny(verb, "disable", "remove", "off", "delete") {
				return ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorDisable, label
			}
			return ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorEnable, label
		case containsAny(verb, "unlock"):
			return ocsf.ClassAccountChange, ocsf.ActivityOther, maprules.Unlock
		case containsAny(verb, "enable", "activate", "reactivate"):
			return ocsf.ClassAccountChange, ocsf.AccountChangeEnable, label
		case containsAny(verb, "lock", "suspend"):
			return ocsf.ClassAccountChange, ocsf.AccountChangeLock, label
		case containsAny(verb, "disable", "deactivate"):
			return ocsf.ClassAccountChange, ocsf.AccountChangeDisable, label
		case containsAny(verb, "create", "signup", "sign_up", "register"):
			return ocsf.ClassAccountChange, ocsf.AccountChangeCreate, label
		case containsAny(verb, "delete", "destroy", "remove", "close"):
			return ocsf.ClassAccountChange, ocsf.AccountChangeDelete, label
		}
	}
	if act := crudActivity(verb); act != 0 {
		return ocsf.ClassEntityManagement, act, label
	}
	return ocsf.ClassEntityManagement, ocsf.ActivityOther, label
}

// isAuthFailure reports whether the record is a refused credential: an
// auth event (event_group auth) naming an invalid, expired or refused key,
// token or password.
func isAuthFailure(e AuditEvent) bool {
	typ := strings.ToLower(e.EventType)
	return (strings.EqualFold(e.EventGroup, "auth") || strings.HasPrefix(typ, "auth.")) &&
		containsAny(typ, "invalid", "denied", "expired", "refused", "reject", "fail")
}

// isAPICall reports whether the record says it is an API call: it came
// through the API (or an SDK or CLI built on it), or an API key acted.
func isAPICall(e AuditEvent) bool {
	switch strings.ToLower(e.Source) {
	case "api", "sdk", "cli", "mcp":
		return true
	}
	return kindOf(e.ActorType) == actorKey
}

// apiActivity is the 6003 activity of an API call: by its HTTP method, else
// by the verb of its event type.
func apiActivity(e AuditEvent, verb string) ocsf.ActivityID {
	if e.HTTPMethod != nil {
		switch strings.ToUpper(*e.HTTPMethod) {
		case "POST":
			return ocsf.APIActivityCreate
		case "GET", "HEAD":
			return ocsf.APIActivityRead
		case "PUT", "PATCH":
			return ocsf.APIActivityUpdate
		case "DELETE":
			return ocsf.APIActivityDelete
		}
	}
	switch crudActivity(verb) {
	case ocsf.EntityManagementCreate:
		return ocsf.APIActivityCreate
	case ocsf.EntityManagementRead:
		return ocsf.APIActivityRead
	case ocsf.EntityManagementUpdate:
		return ocsf.APIActivityUpdate
	case ocsf.EntityManagementDelete:
		return ocsf.APIActivityDelete
	}
	return ocsf.ActivityOther
}

// crudActivity is the 3004 activity a verb names, 0 for none.
func crudActivity(verb string) ocsf.ActivityID {
	switch {
	case containsAny(verb, "create", "provision", "launch", "upload", "add", "issue", "generate"):
		return ocsf.EntityManagementCreate
	case containsAny(verb, "delete", "destroy", "terminate", "remove", "revoke"):
		return ocsf.EntityManagementDelete
	case containsAny(verb, "update", "edit", "rename", "resize", "modify", "change", "set"):
		return ocsf.EntityManagementUpdate
	case verb == "get" || verb == "read" || verb == "list" || verb == "view" || verb == "download" || verb == "describe":
		return ocsf.EntityManagementRead
	}
	return 0
}

func isUserResource(rt *string) bool {
	if rt == nil {
		return false
	}
	switch strings.ToLower(*rt) {
	case "user", "account", "users", "accounts":
		return true
	}
	return false
}

// payloadRoleChange reads a role change from the payload's old_role and
// new_role (maprules.RoleChange: a demotion, admin to member, revokes admin).
func payloadRoleChange(e AuditEvent) (ocsf.ActivityID, []string, bool) {
	var p map[string]any
	if len(e.EventPayload) == 0 || json.Unmarshal(e.EventPayload, &p) != nil {
		return 0, nil, false
	}
	old, _ := p["old_role"].(string)
	cur, _ := p["new_role"].(string)
	if old == "" && cur == "" {
		return 0, nil, false
	}
	return maprules.RoleChange([]string{old}, []string{cur})
}

// privileges are what a 3005 event grants or revokes: the role given or
// taken by old_role/new_role in the payload, else the role named in the
// payload ("role", "new_role", "permissions"; UNCONFIRMED names), else the
// event type.
func privileges(e AuditEvent) []string {
	if _, p, ok := payloadRoleChange(e); ok {
		return p
	}
	var p map[string]any
	if len(e.EventPayload) > 0 && json.Unmarshal(e.EventPayload, &p) == nil {
		for _, k := range []string{"new_role", "role", "permission", "permissions", "privileges"} {
			switch v := p[k].(type) {
			case string:
				if v != "" {
					return []string{v}
				}
			case []any:
				var out []string
				for _, x := range v {
					if s, ok := x.(string); ok && s != "" {
						out = append(out, s)
					}
				}
				if len(out) > 0 {
					return out
				}
			}
		}
	}
	if e.EventType != "" {
		return []string{e.EventType}
	}
	return []string{"unknown"}
}

// status maps the record's status to status_id (and the label for Other).
func status(s string) (ocsf.StatusID, string) {
	switch strings.ToLower(s) {
	case "":
		return ocsf.StatusUnknown, ""
	case "success", "succeeded", "successful", "ok", "completed", "allowed":
		return ocsf.StatusSuccess, ""
	case "failure", "failed", "fail", "error", "denied", "rejected", "unauthorized", "forbidden", "blocked":
		return ocsf.StatusFailure, ""
	}
	return ocsf.StatusOther, s
}

// message is a one-line summary: "vm.create success on vm vm_9a8b7c6d by
// api_key key_7f3c: <error message>".
func message(e AuditEvent) string {
	var b strings.Builder
	b.WriteString(e.EventType)
	if e.Status != "" {
		b.WriteString(" " + e.Status)
	}
	if e.ResourceType != nil || e.ResourceID != nil {
		b.WriteString(" on")
		if e.ResourceType != nil {
			b.WriteString(" " + *e.ResourceType)
		}
		if e.ResourceID != nil {
			b.WriteString(" " + *e.ResourceID)
		}
	}
	if e.ActorType != "" {
		b.WriteString(" by " + e.ActorType)
		if e.ActorID != nil {
			b.WriteString(" " + *e.ActorID)
		} else if e.UserID != nil {
			b.WriteString(" of user " + strconv.FormatInt(*e.UserID, 10))
		}
	}
	if e.ErrorMessage != nil && *e.ErrorMessage != "" {
		b.WriteString(": " + *e.ErrorMessage)
	}
	return strings.TrimSpace(b.String())
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// apiOperation names an API call by its method and path ("GET /v1/vms"),
// or "" when the record has neither.
func apiOperation(e AuditEvent) string {
	var parts []string
	for _, p := range []*string{e.HTTPMethod, e.Path} {
		if p != nil && strings.TrimSpace(*p) != "" {
			parts = append(parts, strings.TrimSpace(*p))
		}
	}
	return strings.Join(parts, " ")
}
