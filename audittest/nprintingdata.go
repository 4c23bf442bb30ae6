package audittest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// GenerateNPrintingEvents returns n Qlik NPrinting audit events as GET
// /api/v1/audit/events sends them, newest first, the newest at end
// (truncated to the millisecond) and the others spread back over several
// days (about four minutes apart on average). The same n, seed and end
// always give the same records, byte for byte.
//
// Every record has the document's fourteen members in the document's
// order; eventTime is written as the document writes it
// ("2000-01-23T04:56:07.000+00:00"). About one action in eight happens in
// the same millisecond as the one before, and some actions write two
// records at once, so many records share their eventTime; every id is
// distinct.
//
// The document lists no values of source, target, action or dataType; the
// values here are invented (marked so in vendors.md) and cover what the
// NPrinting audit trail is documented to log: logins (succeeded and
// denied) and logouts of the web console, NewsStand and the API; create,
// update and delete of apps, connections, tasks, reports, filters,
// schedules, roles, groups and users (with enable/disable, password and
// role changes, and group membership); report executions (completed and
// failed); NewsStand views, downloads and subscriptions; and API calls
// (report exports, task creation, user imports). data is a JSON string
// (as in the document's example) for web console records, and an object
// (as in the document's model) for the others. appId is null where no app
// is involved. Values are invented: domain CORP, e-mail addresses at
// example.com, IP addresses in 10.20.0.0/16 and the documentation ranges;
// some names carry "&", "<", quotes, backslashes and non-ASCII letters.
//
// n <= 0 gives an empty, non-nil slice.
func GenerateNPrintingEvents(n int, seed int64, end time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newNPGen(seed)
	for len(g.recs) < n {
		g.advance()
		g.action(n - len(g.recs))
	}
	at := timeline(end, time.Millisecond, g.recs[len(g.recs)-1].rel)
	slices.SortStableFunc(g.recs, func(a, b genRec) int { return int(b.rel - a.rel) })
	out := make([]json.RawMessage, len(g.recs))
	for i, r := range g.recs {
		r.obj[npEventTime].value = at(r.rel).Format("2006-01-02T15:04:05.000") + "+00:00"
		out[i] = mustJSON(r.obj)
	}
	return out
}

// npEventTime is the index of eventTime in a generated record.
const npEventTime = 11

type npUser struct {
	id, login, full, ip string
	enabled             bool
	roles               []string
}

type npThing struct {
	id, name, typ, dataType, app string
}

type npGen struct {
	rng    *rand.Rand
	now    int64
	recs   []genRec // rel in milliseconds
	users  []*npUser
	apps   []npThing
	things []npThing // apps' objects, roles, groups, schedules
	groups []npThing
	kinds  []genKind[func() []object]
}

func newNPGen(seed int64) *npGen {
	g := &npGen{rng: rand.New(rand.NewPCG(uint64(seed), 0x0e1f2a3b4c5d6e7f))}
	for i, u := range [][2]string{
		{"alice.nguyen", "Alice Nguyen"}, {"bjorn.larsen", "Bjørn Larsen"}, {"carmen.diaz", "Carmen Díaz"},
		{"dev.patel", "Dev Patel"}, {"emma.oconnor", "Emma O'Connor"}, {"svc-reporting", "Reporting Service"},
		{"jsmith", "John Smith"}, {"li.wei", "Li Wei"},
	} {
		g.users = append(g.users, &npUser{id: g.uuid(), login: u[0], full: u[1], ip: fmt.Sprintf("10.20.%d.%d", 30+i%3, 10+i*7), enabled: true, roles: []string{"Developer"}})
	}
	for _, name := range []string{"Sales Dashboard", "Finance & Controlling", "HR <confidential>", "Zürich Operations"} {
		g.apps = append(g.apps, npThing{id: g.uuid(), name: name, typ: "App", dataType: "App"})
	}
	for _, name := range []string{"Administrators", "Report Recipients", "Finance Team", `EMEA "Managers"`} {
		g.groups = append(g.groups, npThing{id: g.uuid(), name: name, typ: "Group", dataType: "Group"})
	}
	for range 12 {
		g.things = append(g.things, g.newThing())
	}
	g.kinds = []genKind[func() []object]{
		{12, func() []object { return g.login("WebConsole", true) }},
		{5, func() []object { return g.login("NewsStand", true) }},
		{3, func() []object { return g.login("Api", true) }},
		{3, func() []object { return g.login(g.pick("WebConsole", "NewsStand", "Api"), false) }},
		{5, g.logout},
		{14, g.objectChange},
		{10, g.execute},
		{6, g.newsStand},
		{6, g.apiCall},
		{3, g.userCreate},
		{1, g.userDelete},
		{5, g.userUpdate},
		{3, g.roleChange},
		{4, g.groupMembers},
		{1, g.groupLifecycle},
		{1, g.settings},
	}
	return g
}

// advance moves the clock to the time of the next action; about one action
// in eight happens in the same millisecond as the one before.
func (g *npGen) advance() {
	if len(g.recs) > 0 && g.rng.IntN(8) == 0 {
		return
	}
	g.now += 1 + int64(g.rng.ExpFloat64()*240_000)
}

func (g *npGen) action(room int) {
	g.recs = appendRecs(g.recs, g.now, pickKind(g.rng, g.kinds)(), room)
}

// npRecord builds a record with the document's members in its order.
func npRecord(targetName, targetID string, data any, dataType, ip, description, source, userName, userID, target, appID, action, id string) object {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return object{
		{"targetName", null(targetName)},
		{"targetId", null(targetID)},
		{"data", data},
		{"dataType", null(dataType)},
		{"ipAddress", null(ip)},
		{"description", description},
		{"source", source},
		{"userName", null(userName)},
		{"userId", null(userID)},
		{"target", target},
		{"appId", null(appID)},
		{"eventTime", nil}, // set when the history is shifted to its end
		{"action", action},
		{"id", id},
	}
}

// data encodes v as the source sends it: a JSON string for the web console
// (as in the document's example), an object otherwise (as in its model).
func npData(source string, v object) any {
	if source == "WebConsole" {
		return string(mustJSON(v))
	}
	return v
}

func (g *npGen) user() *npUser { return g.users[g.rng.IntN(len(g.users))] }

func (g *npGen) admin() *npUser { return g.users[g.rng.IntN(5)] }

func (u *npUser) name() string { return `CORP\` + u.login }

func (g *npGen) pick(s ...string) string { return s[g.rng.IntN(len(s))] }

func (g *npGen) login(source string, ok bool) []object {
	u := g.user()
	if ok {
		return []object{npRecord(u.login, u.id, npData(source, object{{"method", g.pick("ntlm", "jwt", "password")}}), "Authentication",
			u.ip, "Authentication succeeded", source, u.name(), u.id, "User", "", "Login", g.uuid())}
	}
	ip := fmt.Sprintf("198.51.100.%d", 1+g.rng.IntN(250))
	if g.rng.IntN(2) == 0 {
		// An unknown user: no id.
		name := `CORP\` + g.pick("admin", "test", "jdoe", "backup")
		return []object{npRecord(name, "", npData(source, object{{"reason", "Unknown user"}}), "Authentication",
			ip, "Authentication denied", source, name, "", "User", "", "LoginFailed", g.uuid())}
	}
	return []object{npRecord(u.login, u.id, npData(source, object{{"reason", "Invalid credentials"}}), "Authentication",
		ip, "Authentication denied", source, u.name(), u.id, "User", "", "LoginFailed", g.uuid())}
}

func (g *npGen) logout() []object {
	u := g.user()
	source := g.pick("WebConsole", "NewsStand")
	return []object{npRecord(u.login, u.id, npData(source, object{}), "Authentication",
		u.ip, "User logged out", source, u.name(), u.id, "User", "", "Logout", g.uuid())}
}

var npObjectKinds = []struct{ target, dataType string }{
	{"Connection", "QlikSenseConnection"}, {"Connection", "QlikViewConnection"},
	{"Task", "PublishTask"}, {"Task", "ReloadTask"},
	{"Report", "PixelPerfectReport"}, {"Report", "ExcelReport"}, {"Report", "PdfReport"}, {"Report", "HtmlReport"},
	{"Filter", "Filter"}, {"Schedule", "Schedule"},
}

var npObjectWords = []string{"Monthly sales", "Weekly KPI", "Budget vs. actual", "Headcount", "Inventory", "Churn & retention", "Board pack", "Regional <EMEA>", "Daily orders", "Année fiscale"}

func (g *npGen) newThing() npThing {
	k := npObjectKinds[g.rng.IntN(len(npObjectKinds))]
	app := g.apps[g.rng.IntN(len(g.apps))]
	name := npObjectWords[g.rng.IntN(len(npObjectWords))] + " " + map[string]string{
		"Connection": "connection", "Task": "publish", "Report": "report", "Filter": "filter", "Schedule": "schedule",
	}[k.target]
	if k.dataType == "ReloadTask" {
		name = npObjectWords[g.rng.IntN(len(npObjectWords))] + " reload"
	}
	return npThing{id: g.uuid(), name: name, typ: k.target, dataType: k.dataType, app: app.id}
}

func (g *npGen) objectChange() []object {
	u := g.admin()
	source := "WebConsole"
	switch x := g.rng.IntN(10); {
	case x < 3: // create
		t := g.newThing()
		g.things = append(g.things, t)
		return []object{npRecord(t.name, t.id, npData(source, object{{"name", t.name}, {"appId", t.app}, {"enabled", true}}), t.dataType,
			u.ip, t.typ+" created", source, u.name(), u.id, t.typ, t.app, "Create", g.uuid())}
	case x < 9: // update
		t := g.things[g.rng.IntN(len(g.things))]
		change := object{{"description", "Updated by " + u.full}}
		if g.rng.IntN(3) == 0 {
			change = object{{"enabled", g.rng.IntN(2) == 0}}
		}
		return []object{npRecord(t.name, t.id, npData(source, change), t.dataType,
			u.ip, t.typ+" updated", source, u.name(), u.id, t.typ, t.app, "Update", g.uuid())}
	default: // delete
		if len(g.things) < 4 {
			return g.objectChange()
		}
		i := g.rng.IntN(len(g.things))
		t := g.things[i]
		g.things = slices.Delete(g.things, i, i+1)
		return []object{npRecord(t.name, t.id, npData(source, object{}), t.dataType,
			u.ip, t.typ+" deleted", source, u.name(), u.id, t.typ, t.app, "Delete", g.uuid())}
	}
}

// execute is a task run by the scheduler: one record for the task, and for
// about half of them one for the report it produced, in the same
// millisecond.
func (g *npGen) execute() []object {
	var tasks []npThing
	for _, t := range g.things {
		if t.typ == "Task" {
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		t := g.newThing()
		t.typ, t.dataType, t.name = "Task", "PublishTask", "Nightly publish "+g.word()
		g.things = append(g.things, t)
		tasks = append(tasks, t)
	}
	t := tasks[g.rng.IntN(len(tasks))]
	svc := g.users[5]
	data := object{{"result", "Completed"}, {"durationMs", 2000 + g.rng.IntN(300000)}, {"reports", 1 + g.rng.IntN(12)}}
	desc := "Task execution completed"
	if g.rng.IntN(8) == 0 {
		data = object{{"result", "Failed"}, {"error", "Connection to the Qlik Sense engine timed out"}}
		desc = "Task execution failed"
	}
	out := []object{npRecord(t.name, t.id, data, t.dataType, "", desc, "Scheduler", svc.name(), svc.id, t.typ, t.app, "Execute", g.uuid())}
	if g.rng.IntN(2) == 0 {
		out = append(out, npRecord(t.name+" (output)", g.uuid(), object{{"format", g.pick("PDF", "XLSX", "HTML")}, {"recipients", 1 + g.rng.IntN(40)}},
			"ReportOutput", "", "Report generated", "Scheduler", svc.name(), svc.id, "Report", t.app, "Generate", g.uuid()))
	}
	return out
}

func (g *npGen) newsStand() []object {
	u := g.user()
	t := g.things[g.rng.IntN(len(g.things))]
	action, desc := "View", "Report viewed in NewsStand"
	switch g.rng.IntN(3) {
	case 0:
		action, desc = "Download", "Report downloaded from NewsStand"
	case 1:
		if g.rng.IntN(2) == 0 {
			action, desc = "Subscribe", "Subscribed to report"
		} else {
			action, desc = "Unsubscribe", "Unsubscribed from report"
		}
	}
	return []object{npRecord(t.name, t.id, object{{"format", g.pick("PDF", "XLSX")}}, t.dataType, u.ip, desc, "NewsStand", u.name(), u.id, "Report", t.app, action, g.uuid())}
}

func (g *npGen) apiCall() []object {
	u := g.users[5]
	ip := fmt.Sprintf("192.0.2.%d", 10+g.rng.IntN(20))
	switch g.rng.IntN(3) {
	case 0:
		t := g.things[g.rng.IntN(len(g.things))]
		return []object{npRecord(t.name, t.id, object{{"format", "PDF"}}, t.dataType, ip, "Report exported through the API", "Api", u.name(), u.id, t.typ, t.app, "Export", g.uuid())}
	case 1:
		t := g.newThing()
		t.typ, t.dataType, t.name = "Task", "PublishTask", "API publish "+g.word()
		g.things = append(g.things, t)
		return []object{npRecord(t.name, t.id, object{{"name", t.name}, {"appId", t.app}, {"enabled", true}}, t.dataType, ip, "Task created through the API", "Api", u.name(), u.id, "Task", t.app, "Create", g.uuid())}
	default:
		return []object{npRecord("Users import", g.uuid(), object{{"imported", 1 + g.rng.IntN(200)}, {"file", "users_" + g.word() + ".xlsx"}}, "UserImport", ip, "Users imported", "Api", u.name(), u.id, "User", "", "Import", g.uuid())}
	}
}

func (g *npGen) userCreate() []object {
	a := g.admin()
	first := g.pick("Oskar", "Maja", "Ngozi", "Hiroshi", "Zoë", "Pål", "Inés", "Omar")
	login := fmt.Sprintf("%s.%s", strings.ToLower(first), g.word())
	u := &npUser{id: g.uuid(), login: login, full: first, ip: fmt.Sprintf("10.20.40.%d", g.rng.IntN(250)), enabled: true, roles: []string{"Recipient"}}
	g.users = append(g.users, u)
	return []object{npRecord(u.login, u.id, npData("WebConsole", object{{"userName", u.login}, {"email", u.login + "@example.com"}, {"roles", []any{"Recipient"}}}), "User",
		a.ip, "User created", "WebConsole", a.name(), a.id, "User", "", "Create", g.uuid())}
}

func (g *npGen) userDelete() []object {
	if len(g.users) <= 9 {
		return g.userCreate()
	}
	a := g.admin()
	i := 8 + g.rng.IntN(len(g.users)-8)
	u := g.users[i]
	g.users = slices.Delete(g.users, i, i+1)
	return []object{npRecord(u.login, u.id, npData("WebConsole", object{}), "User", a.ip, "User deleted", "WebConsole", a.name(), a.id, "User", "", "Delete", g.uuid())}
}

func (g *npGen) userUpdate() []object {
	a := g.admin()
	u := g.user()
	var change object
	desc := "User updated"
	switch g.rng.IntN(3) {
	case 0:
		u.enabled = !u.enabled
		change = object{{"enabled", u.enabled}}
		desc = map[bool]string{true: "User enabled", false: "User disabled"}[u.enabled]
	case 1:
		change = object{{"password", "********"}}
		desc = "User password changed"
	default:
		change = object{{"email", u.login + "@example.com"}, {"timezone", g.pick("Europe/Zurich", "America/New_York", "Asia/Tokyo")}}
	}
	return []object{npRecord(u.login, u.id, npData("WebConsole", change), "User", a.ip, desc, "WebConsole", a.name(), a.id, "User", "", "Update", g.uuid())}
}

var npRoles = []string{"Administrator", "Developer", "Recipient", "Auditor", "Publisher"}

func (g *npGen) roleChange() []object {
	a := g.admin()
	if g.rng.IntN(4) == 0 { // a role object itself changes
		role := npRoles[g.rng.IntN(len(npRoles))]
		return []object{npRecord(role, g.uuidFor("role:"+role), npData("WebConsole", object{{"permissions", object{{"added", []any{"Audit.Read"}}}}}), "Role",
			a.ip, "Role updated", "WebConsole", a.name(), a.id, "Role", "", "Update", g.uuid())}
	}
	u := g.user()
	role := npRoles[g.rng.IntN(len(npRoles))]
	change, desc := object{{"roles", object{{"added", []any{role}}}}}, "Role "+role+" assigned"
	if i := slices.Index(u.roles, role); i >= 0 {
		u.roles = slices.Delete(u.roles, i, i+1)
		change, desc = object{{"roles", object{{"removed", []any{role}}}}}, "Role "+role+" removed"
	} else {
		u.roles = append(u.roles, role)
	}
	return []object{npRecord(u.login, u.id, npData("WebConsole", change), "User", a.ip, desc, "WebConsole", a.name(), a.id, "User", "", "Update", g.uuid())}
}

func (g *npGen) groupMembers() []object {
	a := g.admin()
	grp := g.groups[g.rng.IntN(len(g.groups))]
	u := g.user()
	key, desc := "added", "User added to group"
	if g.rng.IntN(3) == 0 {
		key, desc = "removed", "User removed from group"
	}
	change := object{{"users", object{{key, []any{object{{"id", u.id}, {"name", u.name()}}}}}}}
	return []object{npRecord(grp.name, grp.id, npData("WebConsole", change), "Group", a.ip, desc, "WebConsole", a.name(), a.id, "Group", "", "Update", g.uuid())}
}

func (g *npGen) groupLifecycle() []object {
	a := g.admin()
	if g.rng.IntN(3) == 0 && len(g.groups) > 3 {
		i := g.rng.IntN(len(g.groups))
		grp := g.groups[i]
		g.groups = slices.Delete(g.groups, i, i+1)
		return []object{npRecord(grp.name, grp.id, npData("WebConsole", object{}), "Group", a.ip, "Group deleted", "WebConsole", a.name(), a.id, "Group", "", "Delete", g.uuid())}
	}
	grp := npThing{id: g.uuid(), name: g.pick("Auditors", "Nordics", "Sales Ops", "Executives") + " " + g.word(), typ: "Group"}
	g.groups = append(g.groups, grp)
	return []object{npRecord(grp.name, grp.id, npData("WebConsole", object{{"name", grp.name}}), "Group", a.ip, "Group created", "WebConsole", a.name(), a.id, "Group", "", "Create", g.uuid())}
}

func (g *npGen) settings() []object {
	a := g.admin()
	kind := g.pick("SmtpSettings", "AuthenticationSettings", "NewsStandSettings")
	return []object{npRecord(kind, g.uuidFor("settings:"+kind), npData("WebConsole", object{{"changed", []any{g.pick("host", "port", "jwtEnabled", "sessionTimeout")}}}), kind,
		a.ip, "Settings updated", "WebConsole", a.name(), a.id, "Settings", "", "Update", g.uuid())}
}

func (g *npGen) word() string {
	return g.pick("alpha", "nord", "q3", "pilot", "blue", "delta", "kappa", "west")
}

// uuid returns a random version-4 UUID from the generator.
func (g *npGen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	return formatUUID4(b)
}

// uuidFor returns the same UUID for the same name within one data set.
func (g *npGen) uuidFor(name string) string {
	var b [16]byte
	for i := 0; i < len(name); i++ {
		b[i%16] = b[i%16]*31 + name[i]
	}
	return formatUUID4(b)
}
