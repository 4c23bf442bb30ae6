package audittest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// GenerateEntrustEvents returns n Entrust IDaaS AccountAuditEvent records as
// the API sends them, oldest first, the newest at end (truncated to the
// millisecond) and the others spread back over about five days. The same n,
// seed and end always give the same records, byte for byte.
//
// The records have the shape of the research notes' sample (vendors.md §4):
// id (a UUID), eventTime (ISO-8601 UTC with milliseconds and Z),
// eventCategory, eventOutcome, eventType, eventVersion, message (a message
// key), accountId, subject and subjectName (the acting user or API
// application), sourceIp, and per kind resourceId/resourceName (the
// application of a login), entityType/entityName/entityAction/entityId,
// requiredPermission and auditDetails; AUTHENTICATION records carry the
// entity members as null, as in the sample.
//
// The mix covers every kind a mapping has to handle: successful and denied
// logins and logouts; users added, edited, removed, disabled and enabled,
// passwords reset and changed; roles assigned to and revoked from users;
// users added to and removed from groups; groups, roles, security questions
// and applications added, edited and removed; hardware tokens assigned;
// reports generated; management actions denied (FAIL); a few events of a
// service provider administrator (serviceProviderAdminRoleId/Name) and a
// few with a member the reference does not list ("sessionId"). Only
// AuthenticationDeniedEvent and UserModifiedEvent are event types seen in
// the sources; the others, the auditDetails members (userId, userName,
// roleId, roleName, groupId, groupName, tokenSerial) and sessionId are
// invented. Values are invented: IP addresses are in the documentation
// ranges; some names carry "&", "<", quotes, backslashes and non-ASCII
// letters.
//
// Many records share their eventTime to the millisecond with another (a
// bulk group assignment writes its records at once), more than a tenth of
// them. Every record has its own id.
//
// n <= 0 gives an empty, non-nil slice.
func GenerateEntrustEvents(n int, seed int64, end time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newEntrustGen(seed, n)
	for len(g.recs) < n {
		g.advance()
		g.action(n - len(g.recs))
	}
	at := timeline(end, time.Millisecond, g.recs[len(g.recs)-1].rel)
	out := make([]json.RawMessage, len(g.recs))
	for i, r := range g.recs {
		r.obj[1].value = at(r.rel).Format("2006-01-02T15:04:05.000Z")
		out[i] = mustJSON(r.obj)
	}
	return out
}

type entrustPrincipal struct{ id, name string }

type entrustGen struct {
	rng     *rand.Rand
	now     int64
	meanGap float64
	recs    []genRec // rel in milliseconds
	account string

	users, admins, apps, groups, roles, resources, questions []entrustPrincipal
	kinds                                                    []genKind[func() []object]
}

func newEntrustGen(seed int64, n int) *entrustGen {
	g := &entrustGen{rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed0e17)), meanGap: 5 * 86400000 / math.Max(float64(n), 1)}
	g.account = g.uuid()
	for _, name := range []string{"jdoe", "asmith", "bwong", "c.o'brien", "zoë.müller", "dpatel", "ekim", "fgarcia",
		"CORP\\hlee", "ijones", "kmarasin", "lnguyen", "mrossi", "nchen", "o.\"quinn\"", "pkowalski"} {
		g.users = append(g.users, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"admin.alice", "admin.bob", "helpdesk.carol"} {
		g.admins = append(g.admins, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"SIEM Collector API App", "HR Provisioning Sync"} {
		g.apps = append(g.apps, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"Finance", "R&D <Ops>", "Contractors", "VPN Users", "Help Desk"} {
		g.groups = append(g.groups, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"Super Administrator", "Help Desk Administrator", "Read Only Auditor", "Account Manager"} {
		g.roles = append(g.roles, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"Corporate VPN", "Office 365", "Salesforce", "Entrust Admin Portal", "Citrix Gateway"} {
		g.resources = append(g.resources, entrustPrincipal{g.uuid(), name})
	}
	for _, name := range []string{"What was the name of your first pet?", "In which city were you born?"} {
		g.questions = append(g.questions, entrustPrincipal{g.uuid(), name})
	}
	g.kinds = []genKind[func() []object]{
		{30, g.authSuccess},
		{12, g.authDenied},
		{8, g.logout},
		{5, func() []object { return g.userChange("ADD", "UserCreatedEvent", "user.add", "USERS:ADD", nil) }},
		{8, func() []object { return g.userChange("EDIT", "UserModifiedEvent", "user.edit", "USERS:EDIT", nil) }},
		{3, func() []object { return g.userChange("REMOVE", "UserDeletedEvent", "user.remove", "USERS:REMOVE", nil) }},
		{2, func() []object {
			return g.userChange("DISABLE", "UserDisabledEvent", "user.disable", "USERS:EDIT", nil)
		}},
		{2, func() []object { return g.userChange("ENABLE", "UserEnabledEvent", "user.enable", "USERS:EDIT", nil) }},
		{4, func() []object {
			return g.userChange("RESET", "UserPasswordResetEvent", "user.password.reset", "USERPASSWORDS:EDIT", nil)
		}},
		{3, func() []object {
			return g.userChange("EDIT", "UserPasswordChangedEvent", "user.password.change", "USERPASSWORDS:EDIT", nil)
		}},
		{3, func() []object { return g.roleToUser("ASSIGN") }},
		{1, func() []object { return g.roleToUser("UNASSIGN") }},
		{1, g.groupToUser},
		{4, func() []object { return g.groupMembers("ASSIGN") }},
		{2, func() []object { return g.groupMembers("UNASSIGN") }},
		{3, func() []object { return g.objectChange("GROUPS", g.groups, "Group") }},
		{2, func() []object { return g.objectChange("ROLES", g.roles, "Role") }},
		{2, func() []object { return g.userToRole() }},
		{2, func() []object { return g.objectChange("QUESTIONS", g.questions, "Question") }},
		{2, func() []object { return g.objectChange("APPLICATIONS", g.resources, "Application") }},
		{2, g.tokenAssign},
		{2, g.report},
		{2, g.denied},
	}
	return g
}

func (g *entrustGen) advance() {
	if len(g.recs) > 0 && g.rng.Float64() < 0.12 {
		return // same millisecond as the record before
	}
	g.now += 1 + int64(g.rng.ExpFloat64()*g.meanGap)
}

func (g *entrustGen) action(room int) {
	g.recs = appendRecs(g.recs, g.now, pickKind(g.rng, g.kinds)(), room)
}

func (g *entrustGen) pick(list []entrustPrincipal) entrustPrincipal {
	return list[g.rng.IntN(len(list))]
}

func (g *entrustGen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	return formatUUID4(b)
}

func (g *entrustGen) ip() string {
	switch g.rng.IntN(10) {
	case 0:
		return fmt.Sprintf("2001:db8::%x", g.rng.IntN(0xffff)+1)
	case 1, 2, 3:
		return fmt.Sprintf("198.51.100.%d", g.rng.IntN(254)+1)
	case 4:
		return fmt.Sprintf("192.0.2.%d", g.rng.IntN(254)+1)
	}
	return fmt.Sprintf("203.0.113.%d", g.rng.IntN(254)+1)
}

// actor is an administrator or, a quarter of the time, an API application.
func (g *entrustGen) actor() entrustPrincipal {
	if g.rng.IntN(4) == 0 {
		return g.pick(g.apps)
	}
	return g.pick(g.admins)
}

// rec builds a record in the sample's member order; eventTime is filled in
// at the end.
func (g *entrustGen) rec(category, outcome, eventType, message string, who entrustPrincipal, rest ...member) object {
	o := object{
		{"id", g.uuid()},
		{"eventTime", ""},
		{"eventCategory", category},
		{"eventOutcome", outcome},
		{"eventType", eventType},
		{"eventVersion", "1"},
		{"message", message},
		{"accountId", g.account},
		{"subject", who.id},
		{"subjectName", who.name},
		{"sourceIp", g.ip()},
	}
	return append(o, rest...)
}

// management builds a MANAGEMENT record of an entity, sometimes in a
// service provider administrator's context, sometimes with an unlisted
// member.
func (g *entrustGen) management(outcome, eventType, message, typ string, ent entrustPrincipal, action, perm string, details object) object {
	rest := []member{
		{"entityId", ent.id}, {"entityName", ent.name}, {"entityType", typ}, {"entityAction", action},
		{"requiredPermission", perm},
	}
	if details != nil {
		rest = append(rest, member{"auditDetails", details})
	}
	if g.rng.IntN(20) == 0 {
		rest = append(rest, member{"serviceProviderAdminRoleId", g.roles[0].id}, member{"serviceProviderAdminRoleName", "Service Provider Administrator"})
	}
	if g.rng.IntN(30) == 0 {
		rest = append(rest, member{"sessionId", g.uuid()}) // invented: a member the reference does not list
	}
	return g.rec("MANAGEMENT", outcome, eventType, message, g.actor(), rest...)
}

// authentication builds an AUTHENTICATION record with null entity members.
func (g *entrustGen) authentication(outcome, eventType, message string, who, res entrustPrincipal) object {
	return g.rec("AUTHENTICATION", outcome, eventType, message, who,
		member{"resourceId", res.id}, member{"resourceName", res.name},
		member{"entityType", nil}, member{"entityName", nil}, member{"entityAction", nil}, member{"entityId", nil},
		member{"requiredPermission", nil}, member{"auditDetails", nil})
}

func (g *entrustGen) authSuccess() []object {
	return []object{g.authentication("SUCCESS", "AuthenticationSuccessEvent", "authentication.success", g.pick(g.users), g.pick(g.resources))}
}

func (g *entrustGen) authDenied() []object {
	msgs := []string{"authentication.denied.invalid.password", "authentication.denied.invalid.otp", "authentication.denied.user.locked", "authentication.denied.risk"}
	return []object{g.authentication("FAIL", "AuthenticationDeniedEvent", msgs[g.rng.IntN(len(msgs))], g.pick(g.users), g.pick(g.resources))}
}

func (g *entrustGen) logout() []object {
	return []object{g.authentication("SUCCESS", "UserLogoutEvent", "user.logout", g.pick(g.users), g.pick(g.resources))}
}

func (g *entrustGen) userChange(action, eventType, message, perm string, details object) []object {
	return []object{g.management("SUCCESS", eventType, message, "USERS", g.pick(g.users), action, perm, details)}
}

func (g *entrustGen) roleToUser(action string) []object {
	role := g.pick(g.roles)
	et, msg := "UserRoleAssignedEvent", "user.role.assign"
	if action == "UNASSIGN" {
		et, msg = "UserRoleUnassignedEvent", "user.role.unassign"
	}
	return []object{g.management("SUCCESS", et, msg, "USERS", g.pick(g.users), action, "ROLES:ASSIGN",
		object{{"roleId", role.id}, {"roleName", role.name}})}
}

func (g *entrustGen) groupToUser() []object {
	grp := g.pick(g.groups)
	return []object{g.management("SUCCESS", "UserGroupAssignedEvent", "user.group.assign", "USERS", g.pick(g.users), "ASSIGN", "GROUPS:EDIT",
		object{{"groupId", grp.id}, {"groupName", grp.name}})}
}

// groupMembers adds (or removes) one to three users to a group at once.
func (g *entrustGen) groupMembers(action string) []object {
	grp := g.pick(g.groups)
	et, msg := "GroupMemberAddedEvent", "group.member.add"
	if action == "UNASSIGN" {
		et, msg = "GroupMemberRemovedEvent", "group.member.remove"
	}
	var out []object
	seen := map[string]bool{}
	for range 1 + g.rng.IntN(3) {
		u := g.pick(g.users)
		if seen[u.id] {
			continue
		}
		seen[u.id] = true
		out = append(out, g.management("SUCCESS", et, msg, "GROUPS", grp, action, "GROUPS:EDIT",
			object{{"userId", u.id}, {"userName", u.name}}))
	}
	return out
}

func (g *entrustGen) userToRole() []object {
	u := g.pick(g.users)
	action, et, msg := "ASSIGN", "RoleAssignedEvent", "role.assign"
	if g.rng.IntN(3) == 0 {
		action, et, msg = "UNASSIGN", "RoleUnassignedEvent", "role.unassign"
	}
	return []object{g.management("SUCCESS", et, msg, "ROLES", g.pick(g.roles), action, "ROLES:ASSIGN",
		object{{"userId", u.id}, {"userName", u.name}})}
}

func (g *entrustGen) objectChange(typ string, list []entrustPrincipal, noun string) []object {
	actions := []struct{ action, verb, msg string }{{"ADD", "Created", "add"}, {"EDIT", "Modified", "edit"}, {"REMOVE", "Deleted", "remove"}}
	a := actions[g.rng.IntN(len(actions))]
	ent := g.pick(list)
	if a.action == "ADD" && g.rng.IntN(2) == 0 {
		ent = entrustPrincipal{g.uuid(), ent.name + " " + fmt.Sprint(g.rng.IntN(90)+10)}
	}
	return []object{g.management("SUCCESS", noun+a.verb+"Event", strings.ToLower(noun)+"."+a.msg, typ, ent, a.action, typ+":"+a.action, nil)}
}

func (g *entrustGen) tokenAssign() []object {
	u := g.pick(g.users)
	serial := fmt.Sprintf("%08d", g.rng.IntN(100000000))
	return []object{g.management("SUCCESS", "TokenAssignedEvent", "token.assign", "TOKENS", entrustPrincipal{g.uuid(), "Entrust Hardware Token " + serial}, "ASSIGN", "TOKENS:ASSIGN",
		object{{"userId", u.id}, {"userName", u.name}, {"tokenSerial", serial}})}
}

func (g *entrustGen) report() []object {
	names := []string{"Authentication Activity", "Users Without MFA", "Administrator Actions"}
	return []object{g.management("SUCCESS", "ReportGeneratedEvent", "report.generate", "REPORTS", entrustPrincipal{g.uuid(), names[g.rng.IntN(len(names))]}, "GENERATE", "REPORTS:VIEW", nil)}
}

func (g *entrustGen) denied() []object {
	types := []string{"USERS", "ROLES", "GROUPS"}
	actions := []string{"REMOVE", "EDIT", "ADD"}
	typ, action := types[g.rng.IntN(3)], actions[g.rng.IntN(3)]
	var ent entrustPrincipal
	switch typ {
	case "USERS":
		ent = g.pick(g.users)
	case "ROLES":
		ent = g.pick(g.roles)
	default:
		ent = g.pick(g.groups)
	}
	return []object{g.management("FAIL", "AdminActionDeniedEvent", "management.denied.permission", typ, ent, action, typ+":"+action, nil)}
}

// entrustKindsSorted is used by tests: the event types the generator can
// produce, sorted.
func entrustKindsSorted() []string {
	k := []string{"AuthenticationSuccessEvent", "AuthenticationDeniedEvent", "UserLogoutEvent", "UserCreatedEvent",
		"UserModifiedEvent", "UserDeletedEvent", "UserDisabledEvent", "UserEnabledEvent", "UserPasswordResetEvent",
		"UserPasswordChangedEvent", "UserRoleAssignedEvent", "UserRoleUnassignedEvent", "UserGroupAssignedEvent",
		"GroupMemberAddedEvent", "GroupMemberRemovedEvent", "TokenAssignedEvent", "ReportGeneratedEvent",
		"AdminActionDeniedEvent", "RoleAssignedEvent", "RoleUnassignedEvent"}
	slices.Sort(k)
	return k
}
