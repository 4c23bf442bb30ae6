package automox

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/auditkit/auditkit/internal/jsonscan"
	maprules "github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

// ProductName is the metadata.product.name of events that come without one
// (all but custom-role events do): the name Automox's own field mapping
// gives the audit trail.
const ProductName = "Automox Audit Trail"

// ServiceName is the service of Authentication events, which need a service
// or a destination endpoint and come with neither: the Automox console.
const ServiceName = "Automox Console"

// ToOCSF repairs one Automox event into a valid OCSF 1.1.0 event. It is pure:
// the same event always gives the same result, and the result always passes
// ocsf.Validate. raw_data holds the event exactly as sent, and every field
// with no OCSF home in this SDK's model is in unmapped under its own name.
//
// Automox already sends OCSF-shaped events, but they do not validate (see
// ../shared/ocsf/README.md). The repairs:
//
//	activity (not an OCSF attribute)   activity_name, through the activity (below)
//	status_details                     status_detail
//	status_code 200                    status_code "200" (a string in OCSF)
//	type_uid vs activity_id            one activity, so that type_uid = class_uid*100 + activity_id (below)
//	metadata.product without a name    name "Automox Audit Trail" (ProductName); vendor_name "Automox" if absent
//	status "Other" with status_id 1    status from status_id ("Success")
//	3002 without service/dst_endpoint  service {name "Automox Console"} (ServiceName)
//	3002 without user                  user = actor.user
//	3001 without user                  user = user_result, else actor.user
//	6001 without web_resources         web_resources = [entity]
//	actor in 3003–3006 and 6001        metadata.profiles gets "host" (actor needs it in 1.1.0)
//	objects with nulls                 nulls dropped; an org, account, group... left with
//	                                   neither name nor uid is dropped; a user with neither
//	                                   gets name = email_addr
//
// The activity: each of activity_id, activity, type_uid (when its class
// part is the event's class) and type_name names an activity of the class.
// The activity named most often wins, Other (99) and Unknown (0) only when
// nothing more specific is named; a tie goes to type_uid, the field OCSF
// consumers key on. So the document's Logon with activity_id 99 and
// type_uid 300201 becomes Logon (1), and its "Attach Policy" (7) with
// type_uid 300108 "Detach Policy" (message "User Zone Role Revocation")
// becomes Detach Policy (8). For Other, activity_name is the source's own
// label: activity, or the message when activity says just "Other".
//
// The class: the event keeps the class Automox gives it (class_uid) when
// the repaired event is valid in it. An attribute carried over from the
// event that still makes it invalid (an unknown enum value, an object of
// the wrong shape...) is moved to unmapped and the event checked again. If
// it still cannot be valid in its class (an unknown or missing class_uid,
// or a class whose required attributes the event lacks, such as 3004
// without entity or 6003 without api and src_endpoint), it becomes 3004
// Entity Management: activity Create/Read/Update/Delete when the activity
// names one, else Other with the source's label; entity = the event's
// entity, else its first web resource, else {name: message, type "Automox
// event"}; the original class_uid in unmapped.class_uid.
//
// Then the meanings every vendor shares (ocsf/MAPPING.md): an event with
// no actor gets one from Automox's own observables (the acting user's
// e-mail address and organization), as Automox's own field mapping names
// it; a zone role assigned or revoked (3001 Attach / Detach Policy whose
// message names a role) is User Access Management Assign / Revoke
// Privileges of the roles in user.groups[].privileges (user_result, which
// 3005 lacks, goes to unmapped); an event without a status is Success, a
// failure Low with a status_detail; and the observables of the event are
// added (ocsf.AddObservables).
//
// Field by field:
//
//	time                         time (epoch ms; sub-millisecond digits dropped);
//	                             metadata.original_time (as sent)
//	_id / id                     unmapped._id / unmapped.id (as sent)
//	activity, activity_id        activity_id, activity_name (above)
//	type_uid, type_name          type_uid, type_name (derived from class and activity)
//	class_uid                    class_uid (above); category_uid, class_name and
//	category_uid, category_name  category_name derived from it
//	class_name                   (derived)
//	count                        count
//	message                      message; metadata.event_code
//	metadata.uid                 metadata.uid (else the event's id; see AuditEvent.UID)
//	metadata.correlation_uid     metadata.correlation_uid
//	metadata.tenant_uid          metadata.tenant_uid
//	metadata.version             metadata.version "1.1.0" (the version this SDK emits)
//	metadata.product             metadata.product (name added, above)
//	severity_id, severity        severity_id (severity derived; Informational when absent)
//	status_id, status            status_id (status derived; for 99 the source's status);
//	                             when absent: from status, else from status_code
//	                             (2xx/3xx Success, 4xx/5xx Failure)
//	status_code                  status_code (as a string)
//	status_details               status_detail
//	timezone_offset              timezone_offset
//	actor, user, user_result     actor, user, user_result (as sent, nulls dropped)
//	entity                       entity (with data)
//	web_resources                web_resources
//	auth_protocol_id, logon_type_id, and any other OCSF attribute this SDK's
//	model carries (service, src_endpoint, dst_endpoint, session, group,
//	privileges, entity_result, api, http_request, ...)   the same attribute
//	observables                  observables, each named by the attribute that holds its
//	                             value (email → actor.user.email_addr, organization.id →
//	                             actor.user.org.uid...); kept in unmapped.observables too
//	                             when one of them is held by no attribute
//	raw_data (Automox's string)  unmapped.raw_data
//	anything else                unmapped.<name>; an object that the model cannot hold
//	                             entirely is also kept whole in unmapped.<name>
//	(the event as sent)          raw_data; an event longer than OCSF allows there
//	                             (65,535 characters) goes to unmapped.raw_event instead
func ToOCSF(e AuditEvent) ocsf.Event {
	ev, _ := toOCSF(e, true)
	meanings(&ev)
	maprules.Finish(&ev)
	return ev
}

// meanings brings a repaired event to the meanings every vendor shares
// (ocsf/MAPPING.md), after the repairs: the actor from Automox's own
// observables when the event names none, those observables kept as OCSF
// observables at the attributes that now hold their values, and a zone
// role assigned or revoked as User Access Management rather than Account
// Change Attach/Detach Policy.
func meanings(ev *ocsf.Event) {
	obs := automoxObservables(ev.Unmapped["observables"])
	if _, moved := ev.Unmapped["actor"]; ev.Actor == nil && !moved { // an actor sent but not valid stays in unmapped
		u := &ocsf.User{}
		org := &ocsf.Organization{}
		for _, o := range obs {
			switch o.Name {
			case "email":
				if u.EmailAddr == "" && strings.Contains(o.Value, "@") {
					u.EmailAddr, u.Name = o.Value, o.Value
				}
			case "organization.id":
				org.UID = cmp.Or(org.UID, o.Value)
			case "organization.name":
				org.Name = cmp.Or(org.Name, o.Value)
			}
		}
		if u.Name != "" {
			if org.UID != "" || org.Name != "" {
				u.Org = org
			}
			ev.Actor = &ocsf.Actor{User: u}
			fillClass(ev) // the host profile, where actor needs it
		}
	}
	// Automox's observables, named by the attribute that holds their value.
	kept := 0
	for _, o := range obs {
		if path := findValue(ev, o.Value); path != "" {
			ev.Observables = append(ev.Observables, ocsf.Observable{Name: path, TypeID: o.TypeID, Type: o.Type, Value: o.Value})
			kept++
		}
	}
	if kept == len(obs) && kept > 0 {
		delete(ev.Unmapped, "observables")
		if len(ev.Unmapped) == 0 {
			ev.Unmapped = nil
		}
	}
	if ev.Class == ocsf.ClassAccountChange && (ev.Activity == ocsf.AccountChangeAttachPolicy || ev.Activity == ocsf.AccountChangeDetachPolicy) &&
		strings.Contains(strings.ToLower(ev.Message), "role") && ev.User != nil {
		var roles []string
		for _, g := range ev.User.Groups {
			roles = append(roles, g.Privileges...)
		}
		if len(roles) > 0 {
			ev.Class, ev.Activity = ocsf.ClassUserAccess, ocsf.UserAccessAssignPrivileges
			if strings.Contains(strings.ToLower(ev.Message), "revo") {
				ev.Activity = ocsf.UserAccessRevokePrivileges
			}
			ev.Privileges = roles
			if ev.UserResult != nil { // not an attribute of 3005
				if ev.Unmapped == nil {
					ev.Unmapped = map[string]any{}
				}
				ev.Unmapped["user_result"] = ev.UserResult
				ev.UserResult = nil
			}
			fillClass(ev)
		}
	}
}

// automoxObservable is one of the observables Automox sends.
type automoxObservable struct {
	Name, Value, Type string
	TypeID            int
}

// automoxObservables reads the observables Automox sent (kept in
// unmapped.observables); entries without a string value are skipped.
func automoxObservables(v any) []automoxObservable {
	list, _ := v.([]any)
	var out []automoxObservable
	for _, x := range list {
		m, _ := x.(map[string]any)
		val, _ := m["value"].(string)
		if val == "" {
			continue
		}
		name, _ := m["name"].(string)
		o := automoxObservable{Name: name, Value: val, TypeID: ocsf.ObservableOther}
		if n, err := strconv.Atoi(fmt.Sprint(m["type_id"])); err == nil && ocsf.ObservableCaption(n) != "" {
			o.TypeID = n
		}
		o.Type = ocsf.ObservableCaption(o.TypeID)
		if t, _ := m["type"].(string); t != "" && o.TypeID == ocsf.ObservableOther {
			o.Type = t // Other carries the source's own label ("Organization ID")
		}
		out = append(out, o)
	}
	return out
}

// findValue is the attribute path of the event's users (actor.user, user,
// user_result) that holds value: its email_addr, name, uid or org's uid or
// name; "" when none does.
func findValue(ev *ocsf.Event, value string) string {
	var actorUser *ocsf.User
	if ev.Actor != nil {
		actorUser = ev.Actor.User
	}
	for _, c := range []struct {
		path string
		u    *ocsf.User
	}{{"actor.user", actorUser}, {"user", ev.User}, {"user_result", ev.UserResult}} {
		if c.u == nil {
			continue
		}
		for _, f := range []struct{ name, v string }{{"email_addr", c.u.EmailAddr}, {"name", c.u.Name}, {"uid", c.u.UID}} {
			if f.v == value {
				return c.path + "." + f.name
			}
		}
		if o := c.u.Org; o != nil {
			if o.UID == value {
				return c.path + ".org.uid"
			}
			if o.Name == value {
				return c.path + ".org.name"
			}
		}
	}
	return ""
}

// toOCSF is ToOCSF; shortcut lets knownValid spare the validator (tests turn
// it off to check that it never changes the result), and known reports
// whether it did.
func toOCSF(e AuditEvent, shortcut bool) (ev ocsf.Event, known bool) {
	raw := ocsf.RawRecord(e.Raw, e.MarshalJSON)
	class := ocsf.ClassUID(e.ClassUID)
	r := &repair{e: &e, un: map[string]any{}}
	r.activityName = e.Activity
	statusDetail := e.StatusDetails

	// Pass 1: the members of the event as sent.
	_ = jsonscan.Members(raw, func(key string, val []byte) error {
		if jsonscan.IsNull(val) {
			return nil
		}
		_, extra := e.Extra[key]
		switch key {
		case "activity_name":
			if s, ok := text(val); ok && r.activityName == "" {
				r.activityName = s
				return nil
			}
		case "status_detail":
			if s, ok := text(val); ok && statusDetail == "" {
				statusDetail = s
				return nil
			}
		case "metadata":
			r.metadata(val)
			return nil
		case "unmapped":
			if v, err := jsonscan.DecodeValue(val); err == nil {
				if m, ok := v.(map[string]any); ok {
					for k, x := range m {
						if _, taken := r.un[k]; !taken {
							r.un[k] = x
						}
					}
					return nil
				}
			}
		case "_id", "id", "observables", "raw_data":
			r.keep(key, val)
			return nil
		}
		if !extra && derived[key] {
			return nil // read through the typed fields
		}
		if carrier, ok := carriers[key]; ok {
			r.carry(key, val, carrier)
			return nil
		}
		r.keep(key, val)
		return nil
	})

	act, label := resolveActivity(class, &e, r.activityName)
	ev = ocsf.New(class, act, e.Time)
	ev.LabelOther(label)
	ev.Severity = severity(&e)
	ev.Status, ev.StatusLabel = status(&e)
	ev.StatusCode = e.StatusCode
	ev.StatusDetail = statusDetail
	if e.Count != nil {
		ev.Count = *e.Count
	}
	if e.TimezoneOffset != nil {
		tz := *e.TimezoneOffset
		ev.TimezoneOffset = &tz
	}
	ev.Message = e.Message
	ev.Metadata = r.md
	ev.Metadata.Version = ocsf.DefaultVersion
	ev.Metadata.UID = e.UID()
	ev.Metadata.EventCode = e.Message
	ev.Metadata.OriginalTime = e.OriginalTime()
	if ev.Metadata.Product.Name == "" && ev.Metadata.Product.UID == "" {
		ev.Metadata.Product.Name = ProductName
	}
	if ev.Metadata.Product.VendorName == "" {
		ev.Metadata.Product.VendorName = "Automox"
	}
	ev.RawData = string(raw)
	for _, apply := range r.sets {
		apply(&ev)
	}
	if e.AuthProtocolID != nil && ev.AuthProtocolID == 0 {
		ev.AuthProtocolID = *e.AuthProtocolID
	}
	if e.LogonTypeID != nil && ev.LogonTypeID == 0 {
		ev.LogonTypeID = *e.LogonTypeID
	}
	tidy(&ev)
	fillClass(&ev)
	if len(raw) > maxRawData {
		r.clipLong(&ev)
	}
	if e.ClassUID == 0 {
		return r.fallback(ev), false // no class given: not even base_event (0) is one
	}

	if shortcut && knownValid(&ev, r.carried, len(raw)) {
		return r.finish(ev), true
	}
	// Move carried attributes that keep the event invalid to unmapped.
	for range 4 {
		err := validate(ev)
		if err == nil {
			return r.finish(ev), false
		}
		if !r.strip(&ev, err) {
			break
		}
	}
	return r.fallback(ev), false
}

// knownShapes are the attributes carried from the event, per class, of the
// event shapes Automox documents (see knownValid).
var knownShapes = map[ocsf.ClassUID]map[string]bool{
	ocsf.ClassAccountChange:        {"actor": true, "user": true, "user_result": true},
	ocsf.ClassAuthentication:       {"actor": true, "user": true, "auth_protocol_id": true, "logon_type_id": true},
	ocsf.ClassEntityManagement:     {"actor": true, "entity": true, "entity_result": true},
	ocsf.ClassWebResourcesActivity: {"actor": true, "web_resources": true},
}

// knownValid reports, without running the validator, that ev is valid OCSF
// 1.1.0 because it has one of the shapes Automox documents: a class of
// knownShapes with its required attribute, only that class's carried
// attributes, no enum value but the ones checked here, and strings no
// longer than OCSF allows (the event as sent is no longer). Any other event
// is checked by ocsf.Validate; a test holds knownValid to the validator.
func knownValid(ev *ocsf.Event, carried map[string][]byte, rawLen int) bool {
	allowed, ok := knownShapes[ev.Class]
	if !ok || rawLen > maxRawData {
		return false
	}
	for k := range carried {
		if !allowed[k] {
			return false
		}
	}
	switch ev.Class {
	case ocsf.ClassAccountChange:
		ok = ev.User != nil
	case ocsf.ClassAuthentication:
		ok = ev.User != nil && ev.Service != nil && ev.Service.Name != "" && ev.DstEndpoint == nil
	case ocsf.ClassEntityManagement:
		ok = ev.Entity != nil
	case ocsf.ClassWebResourcesActivity:
		ok = len(ev.WebResources) > 0
	}
	if !ok || ev.AuthProtocol != "" || ev.LogonType != "" {
		return false
	}
	switch ev.AuthProtocolID {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99:
	default:
		return false
	}
	switch ev.LogonTypeID {
	case 0, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 99:
	default:
		return false
	}
	host := false
	if a := ev.Actor; a != nil {
		if a.User == nil || a.Session != nil || a.IDP != nil || !plainUser(a.User) {
			return false
		}
		host = ev.Class == ocsf.ClassEntityManagement || ev.Class == ocsf.ClassWebResourcesActivity
	}
	if (host && (len(ev.Metadata.Profiles) != 1 || ev.Metadata.Profiles[0] != "host")) || (!host && len(ev.Metadata.Profiles) != 0) {
		return false
	}
	for _, u := range []*ocsf.User{ev.User, ev.UserResult} {
		if u != nil && !plainUser(u) {
			return false
		}
	}
	return ev.Metadata.Product.VendorName != "" && (ev.Metadata.Product.Name != "" || ev.Metadata.Product.UID != "")
}

// plainUser reports whether u sets no enum (type_id) and has an account,
// name or uid.
func plainUser(u *ocsf.User) bool {
	if u.TypeID != 0 || u.Type != "" || (u.Account != nil && (u.Account.TypeID != 0 || u.Account.Type != "")) {
		return false
	}
	return u.UID != "" || u.Name != "" || u.Account != nil
}

// maxRawData is the longest raw_data OCSF allows (string_t's max_len, in
// characters).
const maxRawData = 65535

// validate checks ev without raw_data and unmapped, which hold anything (a
// string and an open object); the repairs never touch them, and leaving
// them out halves the work.
func validate(ev ocsf.Event) error {
	ev.RawData, ev.Unmapped = "", nil
	return ocsf.Validate(ev)
}

// derived are the documented members read through AuditEvent's typed
// fields (or recomputed from them) rather than carried as they are.
var derived = map[string]bool{
	"activity": true, "activity_id": true, "category_uid": true, "category_name": true,
	"class_uid": true, "class_name": true, "count": true, "message": true, "severity": true,
	"severity_id": true, "status": true, "status_id": true, "status_code": true,
	"status_details": true, "time": true, "timezone_offset": true, "type_name": true,
	"type_uid": true,
}

// carrier decodes a member into its OCSF attribute of the event: set is
// called with the decoded value, and returns the setter of the event.
type carrier struct {
	decode func(val []byte) (v any, err error)
	set    func(ev *ocsf.Event, v any)
	clear  func(ev *ocsf.Event)
}

func carry[T any](set func(ev *ocsf.Event, v *T), clear func(ev *ocsf.Event)) carrier {
	return carrier{
		decode: func(val []byte) (any, error) {
			v := new(T)
			lossless, err := decodeStrict(val, v)
			if err != nil {
				return nil, err
			}
			if !lossless {
				return v, errLossy
			}
			return v, nil
		},
		set:   func(ev *ocsf.Event, v any) { set(ev, v.(*T)) },
		clear: clear,
	}
}

// carriers are the members carried into the OCSF attribute of the same
// name.
var carriers = map[string]carrier{
	"actor":            carry(func(ev *ocsf.Event, v *ocsf.Actor) { ev.Actor = v }, func(ev *ocsf.Event) { ev.Actor = nil }),
	"user":             carry(func(ev *ocsf.Event, v *ocsf.User) { ev.User = v }, func(ev *ocsf.Event) { ev.User = nil }),
	"user_result":      carry(func(ev *ocsf.Event, v *ocsf.User) { ev.UserResult = v }, func(ev *ocsf.Event) { ev.UserResult = nil }),
	"entity":           carry(func(ev *ocsf.Event, v *ocsf.ManagedEntity) { ev.Entity = v }, func(ev *ocsf.Event) { ev.Entity = nil }),
	"entity_result":    carry(func(ev *ocsf.Event, v *ocsf.ManagedEntity) { ev.EntityResult = v }, func(ev *ocsf.Event) { ev.EntityResult = nil }),
	"web_resources":    carry(func(ev *ocsf.Event, v *[]ocsf.WebResource) { ev.WebResources = *v }, func(ev *ocsf.Event) { ev.WebResources = nil }),
	"group":            carry(func(ev *ocsf.Event, v *ocsf.Group) { ev.Group = v }, func(ev *ocsf.Event) { ev.Group = nil }),
	"privileges":       carry(func(ev *ocsf.Event, v *[]string) { ev.Privileges = *v }, func(ev *ocsf.Event) { ev.Privileges = nil }),
	"service":          carry(func(ev *ocsf.Event, v *ocsf.Service) { ev.Service = v }, func(ev *ocsf.Event) { ev.Service = nil }),
	"src_endpoint":     carry(func(ev *ocsf.Event, v *ocsf.NetworkEndpoint) { ev.SrcEndpoint = v }, func(ev *ocsf.Event) { ev.SrcEndpoint = nil }),
	"dst_endpoint":     carry(func(ev *ocsf.Event, v *ocsf.NetworkEndpoint) { ev.DstEndpoint = v }, func(ev *ocsf.Event) { ev.DstEndpoint = nil }),
	"session":          carry(func(ev *ocsf.Event, v *ocsf.Session) { ev.Session = v }, func(ev *ocsf.Event) { ev.Session = nil }),
	"api":              carry(func(ev *ocsf.Event, v *ocsf.API) { ev.API = v }, func(ev *ocsf.Event) { ev.API = nil }),
	"http_request":     carry(func(ev *ocsf.Event, v *ocsf.HTTPRequest) { ev.HTTPRequest = v }, func(ev *ocsf.Event) { ev.HTTPRequest = nil }),
	"http_response":    carry(func(ev *ocsf.Event, v *ocsf.HTTPResponse) { ev.HTTPResponse = v }, func(ev *ocsf.Event) { ev.HTTPResponse = nil }),
	"resource":         carry(func(ev *ocsf.Event, v *ocsf.ResourceDetails) { ev.Resource = v }, func(ev *ocsf.Event) { ev.Resource = nil }),
	"resources":        carry(func(ev *ocsf.Event, v *[]ocsf.ResourceDetails) { ev.Resources = *v }, func(ev *ocsf.Event) { ev.Resources = nil }),
	"auth_protocol_id": carry(func(ev *ocsf.Event, v *int) { ev.AuthProtocolID = *v }, func(ev *ocsf.Event) { ev.AuthProtocolID = 0 }),
	"auth_protocol":    carry(func(ev *ocsf.Event, v *string) { ev.AuthProtocol = *v }, func(ev *ocsf.Event) { ev.AuthProtocol = "" }),
	"logon_type_id":    carry(func(ev *ocsf.Event, v *int) { ev.LogonTypeID = *v }, func(ev *ocsf.Event) { ev.LogonTypeID = 0 }),
	"logon_type":       carry(func(ev *ocsf.Event, v *string) { ev.LogonType = *v }, func(ev *ocsf.Event) { ev.LogonType = "" }),
	"is_mfa":           carry(func(ev *ocsf.Event, v *bool) { ev.IsMFA = v }, func(ev *ocsf.Event) { ev.IsMFA = nil }),
	"is_remote":        carry(func(ev *ocsf.Event, v *bool) { ev.IsRemote = v }, func(ev *ocsf.Event) { ev.IsRemote = nil }),
}

// repair is the state of one ToOCSF call.
type repair struct {
	e            *AuditEvent
	un           map[string]any // unmapped
	md           ocsf.Metadata
	activityName string
	// sets apply the carried attributes to the event, in member order.
	sets []func(ev *ocsf.Event)
	// carried lists the attributes carried, with their raw values, for
	// strip and fallback.
	carried map[string][]byte
}

// keep puts a member into unmapped under its own name.
func (r *repair) keep(key string, val []byte) {
	v, err := jsonscan.DecodeValue(val)
	if err != nil {
		v = string(val)
	}
	r.un[key] = v
}

// carry decodes a member into its OCSF attribute; a member that does not
// decode goes to unmapped, and one that the model cannot hold entirely is
// kept whole in unmapped too.
func (r *repair) carry(key string, val []byte, c carrier) {
	v, err := c.decode(val)
	if err != nil && err != errLossy {
		r.keep(key, val)
		return
	}
	if r.carried == nil {
		r.carried = map[string][]byte{}
	}
	r.carried[key] = val
	r.sets = append(r.sets, func(ev *ocsf.Event) { c.set(ev, v) })
	if err == errLossy {
		r.keep(key, val)
	}
}

// errLossy reports a member decoded into its OCSF attribute with members
// the model has no field for.
var errLossy = errors.New("automox: members left out")

// decodeStrict decodes the JSON value val into v (numbers in untyped fields
// as json.Number). lossless is false when val has members v has no field
// for; v then holds the rest.
func decodeStrict(val []byte, v any) (lossless bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(val))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err == nil {
		return true, nil
	} else if !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return false, err
	}
	reflect.ValueOf(v).Elem().SetZero()
	dec = json.NewDecoder(bytes.NewReader(val))
	dec.UseNumber()
	return false, dec.Decode(v)
}

// metadata reads the event's metadata into the OCSF model.
func (r *repair) metadata(val []byte) {
	var md ocsf.Metadata
	if len(val) == 0 || val[0] != '{' {
		r.keep("metadata", val)
		return
	}
	lossless, err := decodeStrict(val, &md)
	if err != nil {
		r.keep("metadata", val)
		return
	}
	r.md = md
	if !lossless {
		r.keep("metadata", val)
	}
}

// strip moves the carried attributes that err names to unmapped. It
// reports whether it moved any.
func (r *repair) strip(ev *ocsf.Event, err error) bool {
	ve, ok := err.(*ocsf.ValidationError)
	if !ok {
		return false
	}
	moved := false
	for _, is := range ve.Issues {
		top, _, _ := strings.Cut(is.Path, ".")
		top, _, _ = strings.Cut(top, "[")
		val, ok := r.carried[top]
		if !ok {
			continue
		}
		carriers[top].clear(ev)
		delete(r.carried, top)
		r.keep(top, val)
		moved = true
	}
	return moved
}

// clipLong cuts the strings ToOCSF copies from the event to the longest
// OCSF allows, keeping each whole in unmapped under its source name. Only
// an event longer than that can have one.
func (r *repair) clipLong(ev *ocsf.Event) {
	for _, f := range []struct {
		name string
		p    *string
	}{
		{"message", &ev.Message}, {"message", &ev.Metadata.EventCode}, {"activity", &ev.ActivityLabel},
		{"status", &ev.StatusLabel}, {"status_code", &ev.StatusCode}, {"status_details", &ev.StatusDetail},
		{"metadata.uid", &ev.Metadata.UID}, {"metadata.correlation_uid", &ev.Metadata.CorrelationUID},
		{"metadata.tenant_uid", &ev.Metadata.TenantUID}, {"metadata.log_name", &ev.Metadata.LogName},
		{"metadata.log_provider", &ev.Metadata.LogProvider}, {"metadata.product.name", &ev.Metadata.Product.Name},
		{"metadata.product.vendor_name", &ev.Metadata.Product.VendorName}, {"metadata.product.version", &ev.Metadata.Product.Version},
		{"metadata.product.uid", &ev.Metadata.Product.UID},
	} {
		if len(*f.p) <= maxRawData || utf8.RuneCountInString(*f.p) <= maxRawData {
			continue
		}
		if _, taken := r.un[f.name]; !taken {
			r.un[f.name] = *f.p
		}
		*f.p = string([]rune(*f.p)[:maxRawData])
	}
}

// finish attaches unmapped, and moves an event longer than raw_data may
// be to unmapped.raw_event.
func (r *repair) finish(ev ocsf.Event) ocsf.Event {
	if len(ev.RawData) > maxRawData && utf8.RuneCountInString(ev.RawData) > maxRawData {
		r.un["raw_event"] = ev.RawData
		ev.RawData = ""
	}
	if len(r.un) > 0 {
		ev.Unmapped = r.un
	}
	return ev
}

// fallback turns an event that cannot be valid in its class into Entity
// Management (see ToOCSF).
func (r *repair) fallback(ev ocsf.Event) ocsf.Event {
	e := r.e
	fb := ocsf.New(ocsf.ClassEntityManagement, ocsf.ActivityOther, e.Time)
	fb.Activity, fb.ActivityLabel = crudActivity(r.activityName, e)
	fb.Severity, fb.Status, fb.StatusLabel = ev.Severity, ev.Status, ev.StatusLabel
	fb.StatusCode, fb.StatusDetail, fb.Count, fb.TimezoneOffset = ev.StatusCode, ev.StatusDetail, ev.Count, ev.TimezoneOffset
	fb.Message, fb.RawData = ev.Message, ev.RawData
	fb.Metadata = ocsf.Metadata{
		Version: ocsf.DefaultVersion, UID: ev.Metadata.UID, EventCode: ev.Metadata.EventCode, OriginalTime: ev.Metadata.OriginalTime,
		CorrelationUID: ev.Metadata.CorrelationUID, TenantUID: ev.Metadata.TenantUID,
		Product: ocsf.Product{Name: ev.Metadata.Product.Name, VendorName: ev.Metadata.Product.VendorName, Version: ev.Metadata.Product.Version},
	}
	if fb.Metadata.Product.Name == "" {
		fb.Metadata.Product.Name = ProductName
	}
	if ev.Metadata.Product.Name == "" && ev.Metadata.Product.UID != "" {
		r.un["metadata"] = map[string]any{"product": map[string]any{"uid": ev.Metadata.Product.UID}}
	}
	usedEntity := false
	switch {
	case ev.Entity != nil && (ev.Entity.UID != "" || ev.Entity.Name != ""):
		ent := *ev.Entity
		fb.Entity, usedEntity = &ent, true
	case len(ev.WebResources) > 0 && (ev.WebResources[0].UID != "" || ev.WebResources[0].Name != ""):
		w := ev.WebResources[0]
		fb.Entity = &ocsf.ManagedEntity{UID: w.UID, Name: w.Name, Type: w.Type}
	default:
		name := e.Message
		if name == "" {
			name = cmp.Or(r.activityName, "Automox event")
		}
		if utf8.RuneCountInString(name) > maxRawData {
			name = string([]rune(name)[:maxRawData])
		}
		fb.Entity = &ocsf.ManagedEntity{Name: name, Type: "Automox event"}
	}
	if ev.Actor != nil && ev.Actor.User != nil {
		fb.Actor = &ocsf.Actor{User: ev.Actor.User}
		fb.AddProfile("host")
	}
	// What the fallback leaves out goes to unmapped, as sent.
	for key, val := range r.carried {
		switch {
		case key == "entity" && usedEntity:
		case key == "actor" && fb.Actor != nil:
		default:
			r.keep(key, val)
		}
	}
	if e.ClassUID != 0 || e.Extra["class_uid"] != nil {
		r.un["class_uid"] = e.ClassUID
		if raw, ok := e.Extra["class_uid"]; ok {
			r.keep("class_uid", raw)
		}
	}
	if e.AuthProtocolID != nil {
		r.un["auth_protocol_id"] = *e.AuthProtocolID
	}
	if e.LogonTypeID != nil {
		r.un["logon_type_id"] = *e.LogonTypeID
	}
	if validate(fb) != nil {
		// Only the typed fields are left that could be wrong: keep the
		// bare minimum, which is always valid.
		r.un["actor"] = fb.Actor
		fb.Actor, fb.Metadata.Profiles = nil, nil
		fb.Entity = &ocsf.ManagedEntity{Name: cmp.Or(fb.Message, "Automox event"), Type: "Automox event"}
		if fb.Severity.Caption() == "" {
			fb.Severity = ocsf.SeverityOther
		}
	}
	return r.finish(fb)
}

// crudActivity is the Entity Management activity an event names.
func crudActivity(name string, e *AuditEvent) (ocsf.ActivityID, string) {
	for _, s := range []string{name, typeNameActivity(e.TypeName)} {
		for a := ocsf.EntityManagementCreate; a <= ocsf.EntityManagementDelete; a++ {
			if s != "" && norm(s) == norm(ocsf.ActivityCaption(ocsf.ClassEntityManagement, a)) {
				return a, ""
			}
		}
	}
	return ocsf.ActivityOther, otherLabel(name, e)
}

// resolveActivity picks the activity of an event in class (see ToOCSF).
func resolveActivity(class ocsf.ClassUID, e *AuditEvent, name string) (ocsf.ActivityID, string) {
	type vote struct {
		a    ocsf.ActivityID
		rank int // tie-break: lower wins
	}
	var votes []vote
	add := func(a ocsf.ActivityID, rank int) {
		if a == ocsf.ActivityOther || a == ocsf.ActivityUnknown || ocsf.ActivityCaption(class, a) != "" {
			votes = append(votes, vote{a, rank})
		}
	}
	if e.TypeUID != nil && *e.TypeUID/100 == int64(class) && class != 0 {
		add(ocsf.ActivityID(*e.TypeUID%100), 0)
	}
	if e.ActivityID != nil {
		add(ocsf.ActivityID(*e.ActivityID), 1)
	}
	if a, ok := activityByName(class, name); ok {
		add(a, 2)
	}
	if a, ok := activityByName(class, typeNameActivity(e.TypeName)); ok {
		add(a, 3)
	}
	best, bestN, bestRank := ocsf.ActivityID(-1), 0, 99
	for _, v := range votes {
		if v.a == ocsf.ActivityOther || v.a == ocsf.ActivityUnknown {
			continue
		}
		n, rank := 0, 99
		for _, w := range votes {
			if w.a == v.a {
				n++
				rank = min(rank, w.rank)
			}
		}
		if n > bestN || (n == bestN && rank < bestRank) {
			best, bestN, bestRank = v.a, n, rank
		}
	}
	if best >= 0 {
		return best, ""
	}
	var other, unknown bool
	for _, v := range votes {
		other = other || v.a == ocsf.ActivityOther
		unknown = unknown || v.a == ocsf.ActivityUnknown
	}
	switch {
	case other:
		return ocsf.ActivityOther, otherLabel(name, e)
	case unknown, name == "" && e.Message == "":
		return ocsf.ActivityUnknown, ""
	}
	return ocsf.ActivityOther, otherLabel(name, e)
}

// otherLabel is the source's own label of an Other activity.
func otherLabel(name string, e *AuditEvent) string {
	if name != "" && !strings.EqualFold(name, "Other") && !strings.EqualFold(name, "Unknown") {
		return name
	}
	return cmp.Or(e.Message, name, "Other")
}

// activityByName finds the activity of class whose caption is s.
func activityByName(class ocsf.ClassUID, s string) (ocsf.ActivityID, bool) {
	if s == "" {
		return 0, false
	}
	n := norm(s)
	switch n {
	case "other":
		return ocsf.ActivityOther, true
	case "unknown":
		return ocsf.ActivityUnknown, true
	}
	for a := ocsf.ActivityID(1); a < 99; a++ {
		c := ocsf.ActivityCaption(class, a)
		if c == "" {
			if a > 30 {
				break
			}
			continue
		}
		if norm(c) == n {
			return a, true
		}
	}
	return 0, false
}

// typeNameActivity is the activity part of a type_name, "Logon" of
// "Authentication: Logon".
func typeNameActivity(s string) string {
	if _, a, ok := strings.Cut(s, ": "); ok {
		return a
	}
	return ""
}

func norm(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c != ' ' && c != '_' && c != '-' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// severity is the event's severity_id, Informational when absent.
func severity(e *AuditEvent) ocsf.SeverityID {
	if e.SeverityID != nil {
		if s := ocsf.SeverityID(*e.SeverityID); s.Caption() != "" {
			return s
		}
	}
	for s := ocsf.SeverityUnknown; s <= ocsf.SeverityFatal; s++ {
		if e.Severity != "" && strings.EqualFold(e.Severity, s.Caption()) {
			return s
		}
	}
	if e.SeverityID != nil || e.Severity != "" {
		return ocsf.SeverityOther
	}
	return ocsf.SeverityInformational
}

// status is the event's status_id (and label for Other).
func status(e *AuditEvent) (ocsf.StatusID, string) {
	if e.StatusID != nil {
		s := ocsf.StatusID(*e.StatusID)
		switch s {
		case ocsf.StatusUnknown, ocsf.StatusSuccess, ocsf.StatusFailure:
			return s, ""
		}
		return ocsf.StatusOther, cmp.Or(e.Status, "Other")
	}
	switch strings.ToLower(e.Status) {
	case "success":
		return ocsf.StatusSuccess, ""
	case "failure":
		return ocsf.StatusFailure, ""
	case "":
	default:
		return ocsf.StatusOther, e.Status
	}
	if code, err := strconv.Atoi(e.StatusCode); err == nil {
		switch {
		case code >= 200 && code < 400:
			return ocsf.StatusSuccess, ""
		case code >= 400 && code < 600:
			return ocsf.StatusFailure, ""
		}
	}
	return ocsf.StatusUnknown, ""
}

// tidy drops what OCSF forbids in carried objects: objects left with
// neither name nor uid, and users without account, name or uid (which get
// their e-mail address as name).
func tidy(ev *ocsf.Event) {
	if ev.Actor != nil {
		ev.Actor.User = tidyUser(ev.Actor.User)
		if ev.Actor.IDP != nil && ev.Actor.IDP.UID == "" && ev.Actor.IDP.Name == "" {
			ev.Actor.IDP = nil
		}
		if ev.Actor.User == nil && ev.Actor.Session == nil && ev.Actor.InvokedBy == "" {
			ev.Actor = nil
		}
	}
	ev.User = tidyUser(ev.User)
	ev.UserResult = tidyUser(ev.UserResult)
	if ev.Entity != nil && ev.Entity.UID == "" && ev.Entity.Name == "" {
		ev.Entity.Name = ev.Entity.Type
		if ev.Entity.Name == "" {
			ev.Entity = nil
		}
	}
	if ev.EntityResult != nil && ev.EntityResult.UID == "" && ev.EntityResult.Name == "" {
		ev.EntityResult.Name = ev.EntityResult.Type
		if ev.EntityResult.Name == "" {
			ev.EntityResult = nil
		}
	}
	var web []ocsf.WebResource
	for _, w := range ev.WebResources {
		if w.UID == "" && w.Name == "" {
			w.Name = cmp.Or(w.URLString, w.Type)
		}
		if w.UID != "" || w.Name != "" {
			web = append(web, w)
		}
	}
	ev.WebResources = web
	if ev.Group != nil && ev.Group.UID == "" && ev.Group.Name == "" {
		ev.Group = nil
	}
	if ev.Service != nil && ev.Service.UID == "" && ev.Service.Name == "" {
		ev.Service = nil
	}
}

func tidyUser(u *ocsf.User) *ocsf.User {
	if u == nil {
		return nil
	}
	if u.Org != nil && u.Org.UID == "" && u.Org.Name == "" {
		u.Org = nil
	}
	if u.Account != nil && u.Account.UID == "" && u.Account.Name == "" {
		u.Account = nil
	}
	var groups []ocsf.Group
	for _, g := range u.Groups {
		if g.UID != "" || g.Name != "" {
			groups = append(groups, g)
		}
	}
	u.Groups = groups
	if u.UID == "" && u.Name == "" && u.Account == nil {
		u.Name = cmp.Or(u.EmailAddr, u.FullName, u.UIDAlt)
		if u.Name == "" {
			return nil
		}
	}
	return u
}

// fillClass supplies what the event's class requires from what the event
// has (see ToOCSF).
func fillClass(ev *ocsf.Event) {
	actorUser := func() *ocsf.User {
		if ev.Actor != nil && ev.Actor.User != nil {
			u := *ev.Actor.User
			return &u
		}
		return nil
	}
	switch ev.Class {
	case ocsf.ClassAuthentication:
		if ev.User == nil {
			ev.User = actorUser()
		}
		if ev.Service == nil && ev.DstEndpoint == nil {
			ev.Service = &ocsf.Service{Name: ServiceName}
		}
	case ocsf.ClassAccountChange:
		if ev.User == nil && ev.UserResult != nil {
			u := *ev.UserResult
			ev.User = &u
		}
		if ev.User == nil {
			ev.User = actorUser()
		}
	case ocsf.ClassWebResourcesActivity:
		if len(ev.WebResources) == 0 && ev.Entity != nil {
			ev.WebResources = []ocsf.WebResource{{UID: ev.Entity.UID, Name: ev.Entity.Name, Type: ev.Entity.Type}}
		}
	}
	switch ev.Class {
	case ocsf.ClassAuthorizeSession, ocsf.ClassEntityManagement, ocsf.ClassUserAccess,
		ocsf.ClassGroupManagement, ocsf.ClassWebResourcesActivity:
		if ev.Actor != nil {
			ev.AddProfile("host")
		}
	}
}
