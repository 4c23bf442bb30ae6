package audittest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// GenerateAutomoxEvents returns n Automox audit events as the Audit Trail
// API sends them, in the order a walk over their days yields them (by UTC
// day, then id), the newest at end (truncated to the millisecond) and the
// others spread back over several days, about five minutes apart on
// average, with one quiet stretch of more than two days when n >= 1000 (so
// some UTC day in the range has no event). The same n, seed and end always
// give the same events, byte for byte.
//
// The events have the shapes of Automox's document and of events seen in the
// wild (the AutomoxCommunity MCP server's captures, Automox's custom-role
// field mapping), and they carry the vendor's OCSF deviations, so that a
// client's repairs are exercised on every kind:
//
//   - 3002 Authentication: "User Log In Success" (mostly activity_id 99 with
//     type_uid 300201, as the document's sample), "User Log In Failure" and
//     "User Log Out"; status_details, no service or dst_endpoint.
//   - 3001 Account Change: zone role assignment and revocation (Attach and
//     Detach Policy; some revocations say activity_id 7 with type_uid
//     300108, as the document's example), a role change that writes both in
//     the same millisecond, 2FA enabled and disabled, password changed and
//     reset, user invited and removed; raw_data strings, user.groups with
//     privileges, user_result, time as a numeric string.
//   - 3004 Entity Management: groups, policies, custom roles (entity.data
//     with permissions and scopes, metadata.product.name "Automox Audit
//     Trail", actor.user with uid_alt and account) and API keys (invented),
//     created, updated and deleted; observables.
//   - 6001 Web Resources Activity: device scan, reboot and policy run
//     requests (Other, 600199) and report exports (Export, invented);
//     web_resources of type Device.
//
// Every event has "activity" (not an OCSF attribute), metadata.product
// without a name (except custom roles), status_code as a number or a string,
// and an id as {"_id":{"$oid":...}}, a plain "_id" string or "id" (24 hex
// digits, increasing with time, as MongoDB ObjectIds do). Times are epoch
// milliseconds, numeric strings, or (about one in twenty) float epoch
// seconds with six decimals. About one event in ten shares its millisecond
// with the one before. Values are invented: e-mail addresses use
// example.com; some names carry "&", "<", quotes and non-ASCII letters.
//
// n <= 0 gives an empty, non-nil slice.
func GenerateAutomoxEvents(n int, seed int64, end time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newAutomoxGen(seed)
	quiet := -1
	if n >= 1000 {
		quiet = n / 2
	}
	for len(g.recs) < n {
		g.advance(len(g.recs) == quiet || (quiet >= 0 && len(g.recs) > quiet && !g.quietDone))
		g.action(n - len(g.recs))
	}
	last := g.recs[len(g.recs)-1].rel
	at := timeline(end, time.Millisecond, last)
	endMs := at(last).UnixMilli()
	out := make([]json.RawMessage, len(g.recs))
	counter := uint32(g.rng.IntN(1 << 22))
	for i, r := range g.recs {
		ms := at(r.rel).UnixMilli()
		counter++
		oid := fmt.Sprintf("%08x%s%06x", ms/1000, g.machine, counter&0xffffff)
		for j := range r.obj {
			switch r.obj[j].name {
			case "_id", "id":
				r.obj[j] = g.idMember(r.idStyle, oid)
			case "time":
				micros := r.micros
				if ms == endMs {
					micros = 0 // nothing after end
				}
				r.obj[j].value = automoxTimeValue(r.timeStyle, ms, micros)
			}
		}
		out[i] = mustJSON(r.obj)
	}
	return out
}

// Styles of ids and times in generated events.
const (
	automoxIDOid    = iota // {"_id":{"$oid":"..."}}
	automoxIDString        // {"_id":"..."}
	automoxIDPlain         // {"id":"..."}

	automoxTimeMs      = iota - 3 // 1718213009419
	automoxTimeString             // "1718217424504"
	automoxTimeSeconds            // 1718213009.419123
)

func (g *automoxGen) idMember(style int, oid string) member {
	switch style {
	case automoxIDString:
		return member{"_id", oid}
	case automoxIDPlain:
		return member{"id", oid}
	}
	return member{"_id", object{{"$oid", oid}}}
}

func automoxTimeValue(style int, ms int64, micros int) any {
	switch style {
	case automoxTimeString:
		return strconv.FormatInt(ms, 10)
	case automoxTimeSeconds:
		return json.RawMessage(fmt.Sprintf("%d.%03d%03d", ms/1000, ms%1000, micros))
	}
	return ms
}

// automoxRec is a generated event (rel in milliseconds since the first)
// and how its id and time are written.
type automoxRec struct {
	genRec
	micros    int // sub-millisecond part, for float-second times
	idStyle   int
	timeStyle int
}

type automoxZone struct{ uid, name string }

type automoxAdmin struct {
	uid, numericID, email string
	zone                  automoxZone
	role                  string
	mfa                   bool
}

type automoxThing struct {
	id   string
	name string
}

type automoxRole struct {
	uid, name string
	perms     []string
	scopes    []string
}

// automoxGen generates a plausible history forward in time; the caller
// shifts it to end at the requested time.
type automoxGen struct {
	rng       *rand.Rand
	now       int64
	quietDone bool
	machine   string
	recs      []automoxRec

	zones    []automoxZone
	admins   []automoxAdmin
	devices  []automoxThing
	groups   []automoxThing
	policies []automoxThing
	roles    []automoxRole
	apiKeys  []automoxThing
	kinds    []genKind[func() []object]
	nextNum  int
}

func newAutomoxGen(seed int64) *automoxGen {
	g := &automoxGen{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0xa0701c5e11ce)),
		nextNum: 1150100,
	}
	g.machine = g.hex(5)
	for _, z := range []string{"Automation Testing Zone", "R&D <Lab>", "Zürich Büro", `Finance "Prod"`} {
		g.zones = append(g.zones, automoxZone{uid: g.uuid(), name: z})
	}
	for _, a := range []string{"alice.nguyen", "bjorn.larsen", "carmen.diaz", "dev.patel", "emma.oconnor", "readonly", "secops-bot"} {
		g.admins = append(g.admins, automoxAdmin{
			uid: g.uuid(), numericID: strconv.Itoa(115990 + g.rng.IntN(9000)), email: a + "@example.com",
			zone: g.zones[g.rng.IntN(len(g.zones))], role: automoxZoneRoles[g.rng.IntN(len(automoxZoneRoles))],
			mfa: g.rng.IntN(2) == 0,
		})
	}
	for range 30 {
		g.devices = append(g.devices, automoxThing{id: strconv.Itoa(4423000 + g.rng.IntN(9000)), name: g.hostname()})
	}
	for _, name := range []string{"Servers", "Finance Laptops", "R&D <Lab> Machines", "Zürich Büro", "Default"} {
		g.groups = append(g.groups, automoxThing{id: g.num(), name: name})
	}
	for _, name := range []string{"Patch All - Weekly", "Chrome Updates", `Windows "Critical" Only`, "macOS Worklet: Disk Check"} {
		g.policies = append(g.policies, automoxThing{id: g.num(), name: name})
	}
	g.roles = append(g.roles, automoxRole{uid: g.uuid(), name: "Patch Operators", perms: []string{"policy:read", "policy:execute"}, scopes: []string{"zone"}})
	g.kinds = []genKind[func() []object]{
		{20, g.loginSuccess},
		{4, g.loginFailure},
		{6, g.logout},
		{4, g.roleAssignment},
		{3, g.roleRevocation},
		{2, g.roleChange},
		{2, g.twoFactor},
		{2, g.password},
		{2, g.userAccount},
		{5, g.groupChange},
		{8, g.policyChange},
		{2, g.customRole},
		{1, g.apiKey},
		{10, g.deviceCommand},
		{1, g.reportExport},
	}
	return g
}

var automoxZoneRoles = []string{"Zone Administrator", "Zone Operator", "Patch Operator", "Read Only", "Billing Administrator"}

// advance moves the clock to the time of the next action: about one action
// in ten happens in the same millisecond as the one before; quiet adds a
// gap of more than two days once.
func (g *automoxGen) advance(quiet bool) {
	if quiet && !g.quietDone {
		g.quietDone = true
		g.now += 50*3600*1000 + int64(g.rng.IntN(3600*1000))
		return
	}
	if len(g.recs) > 0 && g.rng.IntN(10) == 0 {
		return
	}
	g.now += 1000 + int64(g.rng.ExpFloat64()*300000)
}

// action emits the events of one randomly chosen action, at most room.
func (g *automoxGen) action(room int) {
	objs := pickKind(g.rng, g.kinds)()
	for _, o := range objs[:min(len(objs), room)] {
		g.add(o)
	}
}

// add appends one event at the current time, choosing how its id and time
// are written.
func (g *automoxGen) add(o object) {
	r := automoxRec{genRec: genRec{rel: g.now, obj: o}}
	class := 0
	for _, m := range o {
		if m.name == "class_uid" {
			class, _ = m.value.(int)
		}
	}
	switch class {
	case 3001, 3002:
		r.idStyle = automoxIDOid
		if g.rng.IntN(7) == 0 {
			r.idStyle = automoxIDString
		}
	default:
		r.idStyle = automoxIDPlain
		if g.rng.IntN(7) == 0 {
			r.idStyle = automoxIDOid
		}
	}
	r.timeStyle = automoxTimeMs
	if class == 3001 {
		r.timeStyle = automoxTimeString
	}
	if g.rng.IntN(20) == 0 {
		r.timeStyle = automoxTimeSeconds
		r.micros = g.rng.IntN(1000)
	}
	g.recs = append(g.recs, r)
}

// metadata is an event's metadata object, product without a name unless
// given.
func (g *automoxGen) metadata(correlation any, productName string) object {
	product := object{{"version", "1.0.0"}, {"vendor_name", "Automox"}}
	if productName != "" {
		product = object{{"name", productName}, {"version", "1.0.0"}, {"vendor_name", "Automox"}}
	}
	return object{
		{"tenant_uid", AutomoxDefaultOrgUUID},
		{"uid", g.uuid()},
		{"correlation_uid", correlation},
		{"product", product},
		{"version", "1.1.0"},
	}
}

// head is the first members of every event, up to message.
func (g *automoxGen) head(activity string, activityID, class int, message string) object {
	o := object{
		{"_id", nil}, // id and time are filled in once the clock is known
		{"activity", activity},
		{"activity_id", activityID},
		{"category_uid", class / 1000},
	}
	if g.rng.IntN(3) == 0 {
		if class/1000 == 3 {
			o = append(o, member{"category_name", "Identity & Access Management"})
		} else {
			o = append(o, member{"category_name", "Application Activity"})
		}
	}
	return append(o, member{"class_uid", class}, member{"count", 1}, member{"message", message})
}

// statusCode writes a status code as a number or, sometimes, a string.
func (g *automoxGen) statusCode(code int) any {
	if g.rng.IntN(4) == 0 {
		return strconv.Itoa(code)
	}
	return code
}

func (g *automoxGen) admin() automoxAdmin { return g.admins[g.rng.IntN(len(g.admins))] }

func actorOf(a automoxAdmin) object {
	return object{{"user", object{
		{"email_addr", a.email},
		{"org", object{{"uid", a.zone.uid}, {"name", a.zone.name}}},
		{"uid", a.uid},
	}}}
}

func (g *automoxGen) auth(activity string, activityID, typeUID int, message, status string, statusID, code int, details string, severity string, severityID int) []object {
	a := g.admin()
	o := g.head(activity, activityID, 3002, message)
	o = append(o,
		member{"metadata", g.metadata(a.zone.uid, "")},
		member{"severity", severity},
		member{"severity_id", severityID},
		member{"status", status},
		member{"status_code", g.statusCode(code)},
		member{"status_id", statusID},
		member{"time", nil},
		member{"timezone_offset", 0},
		member{"type_name", "Authentication: " + activity},
		member{"type_uid", typeUID},
		member{"actor", actorOf(a)},
		member{"user", object{{"uid", a.numericID}, {"email_addr", a.email}}},
		member{"auth_protocol_id", 99},
		member{"logon_type_id", 99},
		member{"status_details", details},
	)
	return []object{o}
}

func (g *automoxGen) loginSuccess() []object {
	activityID := 99 // as the document's sample sends it
	if g.rng.IntN(3) == 0 {
		activityID = 1
	}
	status := "Other"
	if g.rng.IntN(2) == 0 {
		status = "Success"
	}
	return g.auth("Logon", activityID, 300201, "User Log In Success", status, 1, 200, "success", "Informational", 1)
}

func (g *automoxGen) loginFailure() []object {
	details := []string{"invalid credentials", "MFA code rejected", "account locked"}[g.rng.IntN(3)]
	return g.auth("Logon", 1, 300201, "User Log In Failure", "Failure", 2, 401, details, "Low", 2)
}

func (g *automoxGen) logout() []object {
	return g.auth("Logoff", 2, 300202, "User Log Out", "Success", 1, 200, "success", "Informational", 1)
}

// accountChange is a 3001 event about user target, by actor.
func (g *automoxGen) accountChange(actor, target automoxAdmin, activity string, activityID, typeUID int, typeName, message, rawData string, code any, groups []any) object {
	var correlation any
	if g.rng.IntN(2) == 0 {
		correlation = actor.zone.uid
	}
	user := object{{"uid", target.uid}, {"email_addr", target.email}}
	if groups != nil {
		user = append(user, member{"groups", groups})
	}
	o := g.head(activity, activityID, 3001, message)
	o = append(o,
		member{"metadata", g.metadata(correlation, "")},
		member{"raw_data", rawData},
		member{"severity", "Informational"},
		member{"severity_id", 1},
		member{"status_code", code},
		member{"status_id", 1},
		member{"time", nil},
		member{"timezone_offset", 0},
		member{"type_name", "Account Change: " + typeName},
		member{"type_uid", typeUID},
		member{"actor", actorOf(actor)},
		member{"user", user},
		member{"user_result", object{{"uid", target.uid}, {"email_addr", target.email}}},
	)
	return o
}

func zoneGroup(z automoxZone, role string) []any {
	return []any{object{{"type", "organization"}, {"privileges", []string{role}}, {"uid", z.uid}, {"name", z.name}}}
}

func zoneRaw(action string, z automoxZone, role string) string {
	slug := strings.ReplaceAll(strings.ToLower(role), " ", "-")
	return "{account_rbac_role=no-global-access, zone_assignments=[{action=" + action + ", zone_id=" + z.uid + ", rbac_role=" + slug + "}]}"
}

func (g *automoxGen) roleAssignment() []object {
	actor, target := g.admin(), g.admin()
	z := g.zones[g.rng.IntN(len(g.zones))]
	role := automoxZoneRoles[g.rng.IntN(len(automoxZoneRoles))]
	return []object{g.accountChange(actor, target, "Attach Policy", 7, 300107, "Attach Policy", "User Zone Role Assignment",
		zoneRaw("add", z, role), g.statusCode(204), zoneGroup(z, role))}
}

func (g *automoxGen) revocation(actor, target automoxAdmin, z automoxZone, role string) object {
	activity, activityID := "Detach Policy", 8
	if g.rng.IntN(2) == 0 { // as the document's example: 7 with 300108
		activity, activityID = "Attach Policy", 7
	}
	return g.accountChange(actor, target, activity, activityID, 300108, "Detach Policy", "User Zone Role Revocation",
		zoneRaw("remove", z, role), "204", zoneGroup(z, role))
}

func (g *automoxGen) roleRevocation() []object {
	z := g.zones[g.rng.IntN(len(g.zones))]
	return []object{g.revocation(g.admin(), g.admin(), z, automoxZoneRoles[g.rng.IntN(len(automoxZoneRoles))])}
}

// roleChange revokes a zone role and assigns another in the same
// millisecond.
func (g *automoxGen) roleChange() []object {
	actor, target := g.admin(), g.admin()
	z := g.zones[g.rng.IntN(len(g.zones))]
	oldRole := automoxZoneRoles[g.rng.IntN(len(automoxZoneRoles))]
	newRole := automoxZoneRoles[g.rng.IntN(len(automoxZoneRoles))]
	return []object{
		g.revocation(actor, target, z, oldRole),
		g.accountChange(actor, target, "Attach Policy", 7, 300107, "Attach Policy", "User Zone Role Assignment",
			zoneRaw("change", z, newRole), "204", zoneGroup(z, newRole)),
	}
}

func (g *automoxGen) twoFactor() []object {
	i := g.rng.IntN(len(g.admins))
	a := &g.admins[i]
	a.mfa = !a.mfa
	activity, id, msg := "MFA Factor Disable", 11, "User Account 2FA Disabled"
	if a.mfa {
		activity, id, msg = "MFA Factor Enable", 10, "User Account 2FA Enabled"
	}
	return []object{g.accountChange(*a, *a, activity, id, 300100+id, activity, msg,
		"{two_factor_enabled="+strconv.FormatBool(a.mfa)+"}", g.statusCode(204), nil)}
}

func (g *automoxGen) password() []object {
	a := g.admin()
	if g.rng.IntN(2) == 0 {
		return []object{g.accountChange(a, a, "Password Change", 3, 300103, "Password Change", "User Password Changed", "{password_changed=true}", g.statusCode(204), nil)}
	}
	return []object{g.accountChange(g.admin(), a, "Password Reset", 4, 300104, "Password Reset", "User Password Reset", "{password_reset_requested=true}", g.statusCode(204), nil)}
}

func (g *automoxGen) userAccount() []object {
	actor := g.admin()
	z := g.zones[g.rng.IntN(len(g.zones))]
	target := automoxAdmin{uid: g.uuid(), numericID: g.num(), email: "new.user" + g.hex(2) + "@example.com", zone: z, role: "Read Only"}
	if g.rng.IntN(3) == 0 {
		return []object{g.accountChange(actor, target, "Delete", 6, 300106, "Delete", "User Removed from Organization",
			"{zone_id="+z.uid+"}", g.statusCode(204), nil)}
	}
	return []object{g.accountChange(actor, target, "Create", 1, 300101, "Create", "User Invited to Organization",
		zoneRaw("add", z, "Read Only"), g.statusCode(201), zoneGroup(z, "Read Only"))}
}

func (g *automoxGen) observables(a automoxAdmin) []any {
	return []any{
		object{{"value", a.email}, {"type_id", 5}, {"type", "Email Address"}, {"name", "email"}},
		object{{"value", a.zone.uid}, {"type", "Organization ID"}, {"name", "organization.id"}, {"type_id", 99}},
		object{{"value", a.zone.name}, {"type", "Organization Name"}, {"name", "organization.name"}, {"type_id", 99}},
	}
}

// crud picks create, update or delete.
func (g *automoxGen) crud() (activity string, id int, verb string, code int) {
	switch x := g.rng.IntN(10); {
	case x < 3:
		return "Create", 1, "Created", 201
	case x < 8:
		return "Update", 3, "Updated", 200
	}
	return "Delete", 4, "Deleted", 204
}

// entityEvent is a 3004 event about entity, by a.
func (g *automoxGen) entityEvent(a automoxAdmin, activity string, activityID int, message string, entity object, code int, productName string, actor object) object {
	o := g.head(activity, activityID, 3004, message)
	if actor != nil {
		o = append(o, member{"actor", actor})
	}
	o = append(o,
		member{"entity", entity},
		member{"metadata", g.metadata(a.zone.uid, productName)},
		member{"observables", g.observables(a)},
		member{"severity", "Informational"},
		member{"severity_id", 1},
		member{"status", "Other"},
		member{"status_code", g.statusCode(code)},
		member{"status_id", 1},
		member{"time", nil},
		member{"timezone_offset", 0},
		member{"type_name", "Entity Management: " + activity},
		member{"type_uid", 300400 + activityID},
	)
	return o
}

func (g *automoxGen) groupChange() []object {
	activity, id, verb, code := g.crud()
	grp := g.groups[g.rng.IntN(len(g.groups))]
	if id == 1 {
		grp = automoxThing{id: g.num(), name: "Group " + g.word()}
		g.groups = append(g.groups, grp)
	}
	return []object{g.entityEvent(g.admin(), activity, id, "Group "+verb,
		object{{"uid", grp.id}, {"name", grp.name}, {"type", "Group"}}, code, "", nil)}
}

func (g *automoxGen) policyChange() []object {
	activity, id, verb, code := g.crud()
	p := g.policies[g.rng.IntN(len(g.policies))]
	if id == 1 {
		p = automoxThing{id: g.num(), name: "Policy " + g.word()}
		g.policies = append(g.policies, p)
	}
	return []object{g.entityEvent(g.admin(), activity, id, "Policy "+verb,
		object{{"uid", p.id}, {"name", p.name}, {"type", "Policy"}}, code, "", nil)}
}

// customRole follows Automox's custom-role field mapping (OCSF field
// mapping, custom roles): Organization Role Creation, Update, Deletion.
func (g *automoxGen) customRole() []object {
	activity, id, _, code := g.crud()
	msg := map[int]string{1: "Organization Role Creation", 3: "Organization Role Update", 4: "Organization Role Deletion"}[id]
	if id != 1 {
		code = 200
	}
	r := g.roles[g.rng.IntN(len(g.roles))]
	if id == 1 {
		r = automoxRole{uid: g.uuid(), name: "Custom Role " + g.word(), perms: []string{"device:read", "policy:read"}, scopes: []string{"zone"}}
		g.roles = append(g.roles, r)
	}
	if id == 3 {
		r.perms = append(r.perms[:len(r.perms):len(r.perms)], "report:read")
	}
	a := g.admin()
	actor := object{{"user", object{
		{"uid", a.uid},
		{"uid_alt", a.numericID},
		{"email_addr", a.email},
		{"account", object{{"uid", a.zone.uid}}},
	}}}
	entity := object{{"uid", r.uid}, {"name", r.name}, {"type", "Role"},
		{"data", object{{"permissions", r.perms}, {"scopes", r.scopes}}}}
	return []object{g.entityEvent(a, activity, id, msg, entity, code, "Automox Audit Trail", actor)}
}

// apiKey events are invented: the document shows none.
func (g *automoxGen) apiKey() []object {
	a := g.admin()
	if len(g.apiKeys) > 0 && g.rng.IntN(2) == 0 {
		k := g.apiKeys[0]
		g.apiKeys = g.apiKeys[1:]
		return []object{g.entityEvent(a, "Delete", 4, "API Key Revoked", object{{"uid", k.id}, {"name", k.name}, {"type", "API Key"}}, 204, "", nil)}
	}
	k := automoxThing{id: g.num(), name: "siem-export-" + g.hex(2)}
	g.apiKeys = append(g.apiKeys, k)
	return []object{g.entityEvent(a, "Create", 1, "API Key Created", object{{"uid", k.id}, {"name", k.name}, {"type", "API Key"}}, 201, "", nil)}
}

// webEvent is a 6001 event about device d.
func (g *automoxGen) webEvent(activity string, activityID int, message, command string, d automoxThing, typeName string) object {
	a := g.admin()
	o := g.head(activity, activityID, 6001, message)
	return append(o,
		member{"metadata", g.metadata(a.zone.uid, "")},
		member{"observables", g.observables(a)},
		member{"raw_data", "{command_type_name=" + command + ", server_id=" + d.id + "}"},
		member{"severity", "Informational"},
		member{"severity_id", 1},
		member{"status_code", g.statusCode(201)},
		member{"status_id", 1},
		member{"time", nil},
		member{"timezone_offset", 0},
		member{"type_name", "Web Resources Activity: " + typeName},
		member{"type_uid", 600100 + activityID},
		member{"web_resources", []any{object{
			{"uid", d.id},
			{"name", d.name},
			{"url_string", "https://console.automox.com/api/servers/" + d.id},
			{"desc", "Automox Device"},
			{"type", "Device"},
		}}},
	)
}

func (g *automoxGen) deviceCommand() []object {
	d := g.devices[g.rng.IntN(len(g.devices))]
	c := [][2]string{
		{"Manual Device Scan Request", "GetOS"},
		{"Device Reboot Request", "Reboot"},            // invented
		{"Policy Run on Device Request", "PolicyTest"}, // invented
	}[g.rng.IntN(3)]
	return []object{g.webEvent("Other", 99, c[0], c[1], d, "Other")}
}

// reportExport is invented: the document shows no export.
func (g *automoxGen) reportExport() []object {
	d := g.devices[g.rng.IntN(len(g.devices))]
	return []object{g.webEvent("Export", 7, "Device Report Export", "ExportReport", d, "Export")}
}

func (g *automoxGen) num() string {
	g.nextNum += 1 + g.rng.IntN(40)
	return strconv.Itoa(g.nextNum)
}

func (g *automoxGen) hex(nbytes int) string {
	b := make([]byte, nbytes)
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	return fmt.Sprintf("%x", b)
}

func (g *automoxGen) uuid() string {
	h := g.hex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func (g *automoxGen) hostname() string {
	prefix := []string{"WIN-", "mac-", "lnx-", "Doe-Big-Sur-VM", "srv-"}[g.rng.IntN(5)]
	return prefix + strings.ToUpper(g.hex(3)) + ".local"
}

func (g *automoxGen) word() string {
	return []string{"Alpha", "Bravo", "Ünïcode", "R&D", `"Quoted"`, "Nightly", "Kiosk"}[g.rng.IntN(7)] + " " + strconv.Itoa(g.rng.IntN(100))
}
