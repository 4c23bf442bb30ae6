package audittest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// GenerateCiscoEvents returns n Cisco Secure Endpoint audit log records as
// the API sends them, newest first, the newest at end (truncated to the
// second) and the others spread back over several days (about four minutes
// apart on average). The same n, seed and end always give the same records,
// byte for byte.
//
// The records have the shapes of Cisco's document and of records seen in the
// wild (DataDog's Cisco Secure Endpoint integration tests): event, audit_log_type, audit_log_id (a UUID; for
// Computer records the connector's 20-hex-digit GUID, such as
// "16db5cf986eec6f44422"), audit_log_user (an e-mail address, or a connector
// GUID when a connector acted), created_at (RFC 3339, one-second
// resolution, UTC), and as the kind has them item, message,
// old_attributes and new_attributes (changed attributes only; null on the
// side where an attribute did not exist).
//
// The mix covers every kind a mapping has to handle: login, sso_login,
// logout and failed_login of User; create, update and delete of Agent,
// Computer, Group, Policy, ApplicationBlockingList, User (accounts, with
// role, password and two-factor changes), FetchedFile and ExclusionSet.
// Kinds the documents do not show are invented, and marked so in the source.
// Values are invented: e-mail addresses use example.com and IP addresses the
// documentation ranges; some names carry "&", "<", quotes, backslashes and
// non-ASCII letters.
//
// Many records share their created_at second with another (a connector's
// install writes its Agent and Computer records in the same second, as in
// the document), so more than a tenth of them collide on created_at alone.
// All records differ in content except, when n >= 10, two deliberate pairs
// of byte-identical records: an administrator repeating the same action
// within one second produces exactly that, and a client must yield both.
//
// n <= 0 gives an empty, non-nil slice.
func GenerateCiscoEvents(n int, seed int64, end time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newCiscoGen(seed)
	twins := []int{}
	if n >= 10 {
		twins = []int{n / 3, 2 * n / 3}
	}
	for len(g.recs) < n {
		g.advance()
		if len(twins) > 0 && len(g.recs) >= twins[0] && n-len(g.recs) >= 2 {
			g.twin(len(twins) == 2)
			twins = twins[1:]
			continue
		}
		g.action(n - len(g.recs))
	}

	at := timeline(end, time.Second, g.recs[len(g.recs)-1].rel)
	// Newest first; records of one second keep the order they were made in.
	slices.SortStableFunc(g.recs, func(a, b genRec) int { return int(b.rel - a.rel) })
	out := make([]json.RawMessage, len(g.recs))
	for i, r := range g.recs {
		r.obj[ciscoCreatedAt].value = at(r.rel).Format(time.RFC3339)
		out[i] = mustJSON(r.obj)
	}
	return out
}

// ciscoCreatedAt is the index of created_at in a generated record.
const ciscoCreatedAt = 4

type ciscoAdmin struct {
	id, email, first, last, role string
	twoFactor                    bool
}

type ciscoConnector struct {
	guid, agentID, hostname, ip string
	groupID, osID               int
	policyID, versionID         int
}

type ciscoGroup struct {
	guid     string
	id       int
	name     string
	ancestry string
}

type ciscoPolicy struct {
	guid    string
	id      int
	name    string
	product string
	serial  int
}

type ciscoBlockList struct {
	guid, name string
	shas       []string
}

type ciscoExclusionSet struct {
	guid, name string
	paths      []string
}

type ciscoFetch struct {
	guid, filename, stored, state string
}

// ciscoGen generates a plausible history forward in time; the caller shifts
// it to end at the requested time.
type ciscoGen struct {
	rng  *rand.Rand
	now  int64 // seconds since the first record
	recs []genRec
	seen map[string]bool // records of the current second, to keep them distinct

	admins     []ciscoAdmin
	connectors []ciscoConnector
	groups     []ciscoGroup
	policies   []ciscoPolicy
	lists      []ciscoBlockList
	exclusions []ciscoExclusionSet
	fetches    []ciscoFetch
	kinds      []genKind[func() []object]
	nextID     int // numeric ids (group_id, policy_id, ...)
	nextFile   int // f_000xxx names of fetched files
}

func newCiscoGen(seed int64) *ciscoGen {
	g := &ciscoGen{
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x5ca1ab1e0ddba11)),
		seen:     map[string]bool{},
		nextID:   431790,
		nextFile: 0x200,
	}
	for _, a := range [][3]string{
		{"alice.nguyen", "Alice", "Nguyen"},
		{"bjorn.larsen", "Bjørn", "Larsen"},
		{"carmen.diaz", "Carmen", "Díaz"},
		{"dev.patel", "Dev", "Patel"},
		{"emma.oconnor", "Emma", "O'Connor"},
		{"secops-bot", "SecOps", "Automation"},
	} {
		g.admins = append(g.admins, ciscoAdmin{
			id: g.uuid(), email: a[0] + "@example.com", first: a[1], last: a[2],
			role: "administrator", twoFactor: g.rng.IntN(2) == 0,
		})
	}
	for _, name := range []string{"Servers", "Finance Laptops", "R&D <Lab>", "Zürich Büro", "Domain Controllers", "Quarantine"} {
		g.groups = append(g.groups, ciscoGroup{guid: g.uuid(), id: g.id(), name: name})
	}
	for _, p := range [][2]string{
		{"Protect - Windows", "windows"}, {"Audit - macOS", "mac"},
		{"Triage - Linux", "linux"}, {`Servers "strict"`, "windows"},
	} {
		g.policies = append(g.policies, ciscoPolicy{guid: g.uuid(), id: g.id(), name: p[0], product: p[1], serial: 1 + g.rng.IntN(40)})
	}
	for _, name := range []string{"Blocked Applications", "Ransomware Kit", "Unapproved Tools"} {
		g.lists = append(g.lists, ciscoBlockList{guid: g.uuid(), name: name})
	}
	for _, name := range []string{"Microsoft Windows Default", "Backup Agent", "Build Servers"} {
		g.exclusions = append(g.exclusions, ciscoExclusionSet{guid: g.uuid(), name: name})
	}
	for range 25 {
		g.connectors = append(g.connectors, g.newConnector())
	}
	g.initKinds()
	return g
}

// advance moves the clock to the time of the next action. About one action
// in eight happens in the same second as the one before.
func (g *ciscoGen) advance() {
	if len(g.recs) > 0 && g.rng.IntN(8) == 0 {
		return
	}
	g.now += 1 + int64(g.rng.ExpFloat64()*240)
	clear(g.seen)
}

// add appends records made at the current second unless one of them would
// repeat a record of that second; it reports whether it added them. At most
// room records are added (an action cut short at the end of the set).
func (g *ciscoGen) add(room int, objs ...object) bool {
	if len(objs) > room {
		objs = objs[:room]
	}
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = string(mustJSON(o))
		if g.seen[keys[i]] || slices.Contains(keys[:i], keys[i]) {
			return false
		}
	}
	for i, o := range objs {
		g.seen[keys[i]] = true
		g.recs = append(g.recs, genRec{rel: g.now, obj: o})
	}
	return true
}

func (g *ciscoGen) initKinds() {
	g.kinds = []genKind[func() []object]{
		{14, func() []object { return g.login("login") }},
		{8, g.ssoLogin},
		{6, func() []object { return g.login("logout") }},       // invented: not in the documents
		{3, func() []object { return g.login("failed_login") }}, // invented: not in the documents
		{8, g.install},
		{10, g.computerUpdate},
		{2, g.computerDelete},
		{6, g.agentUpdate},
		{7, g.group},
		{7, g.policy},
		{8, g.blockList},
		{6, g.userAccount},
		{7, g.fetchedFile},
		{4, g.exclusionSet},
	}
}

// action adds the records of one random action, at most room of them.
func (g *ciscoGen) action(room int) {
	for try := 0; ; try++ {
		if g.add(room, pickKind(g.rng, g.kinds)()...) {
			return
		}
		if try >= 3 {
			// Unlucky: this second already holds the same record. Move on.
			g.now++
			clear(g.seen)
		}
	}
}

// twin adds one record twice in the same second: an administrator saving
// the same change twice. The first pair adds a SHA to a blocking list, the
// second moves a computer to another group.
func (g *ciscoGen) twin(first bool) {
	var o object
	if first {
		l := &g.lists[g.rng.IntN(len(g.lists))]
		sha := g.sha256()
		l.shas = append(l.shas, sha)
		o = ciscoRec("update", "ApplicationBlockingList", l.guid, g.admin().email,
			member{"old_attributes", object{{"sha", ""}}},
			member{"new_attributes", object{{"sha", sha}}})
	} else {
		c := &g.connectors[g.rng.IntN(len(g.connectors))]
		to := g.otherGroup(c.groupID)
		o = ciscoRec("update", "Computer", c.guid, g.admin().email,
			member{"old_attributes", object{{"group_id", c.groupID}}},
			member{"new_attributes", object{{"group_id", to}}})
		c.groupID = to
	}
	// A new second, so the pair is the only copy of itself.
	g.now++
	clear(g.seen)
	g.recs = append(g.recs, genRec{g.now, o}, genRec{g.now, slices.Clone(o)})
	g.seen[string(mustJSON(o))] = true
}

// ciscoRec builds a record with the members every record has, in the order
// the API prints them; created_at is set when the history is shifted to its
// end time.
func ciscoRec(event, typ, id, user string, rest ...member) object {
	o := object{
		{"event", event},
		{"audit_log_type", typ},
		{"audit_log_id", id},
		{"audit_log_user", user},
		{"created_at", nil},
	}
	return append(o, rest...)
}

// changes returns old_attributes and new_attributes members.
func changes(old, nw object) []member {
	return []member{{"old_attributes", old}, {"new_attributes", nw}}
}

// nulls returns o with every value null: the other side of a create or a
// delete.
func nulls(o object) object {
	out := make(object, len(o))
	for i, m := range o {
		out[i] = member{m.name, nil}
	}
	return out
}

func (g *ciscoGen) login(event string) []object {
	a := g.admin()
	// As in the document's examples, login records carry no attributes.
	return []object{ciscoRec(event, "User", a.id, a.email)}
}

// ssoLogin has the shape vendors.md §5 records from DataDog's tests.
func (g *ciscoGen) ssoLogin() []object {
	a := g.admin()
	return []object{ciscoRec("sso_login", "User", a.id, a.email,
		member{"item", a.email},
		member{"message", "SCSO"},
		member{"old_attributes", object{}},
		member{"new_attributes", object{}})}
}

// install is a connector registering: Agent and Computer created in the same
// second by the connector itself, as in the document's first example.
func (g *ciscoGen) install() []object {
	c := g.newConnector()
	g.connectors = append(g.connectors, c)
	agentNew := object{{"policy_id", c.policyID}, {"product_version_id", c.versionID}}
	compNew := object{
		{"name", c.hostname},
		{"desc", "Computer registered by connector"},
		{"hostname", c.hostname},
		{"ip_external", c.ip},
		{"group_id", c.groupID},
		{"operating_system_id", c.osID},
	}
	return []object{
		ciscoRec("create", "Agent", c.agentID, c.guid, changes(nulls(agentNew), agentNew)...),
		ciscoRec("create", "Computer", c.guid, c.guid, changes(nulls(compNew), compNew)...),
	}
}

func (g *ciscoGen) computerUpdate() []object {
	c := &g.connectors[g.rng.IntN(len(g.connectors))]
	switch g.rng.IntN(3) {
	case 0: // an administrator moves it to another group
		to := g.otherGroup(c.groupID)
		o := ciscoRec("update", "Computer", c.guid, g.admin().email,
			changes(object{{"group_id", c.groupID}}, object{{"group_id", to}})...)
		c.groupID = to
		return []object{o}
	case 1: // the connector reports a new external address
		ip := g.ip()
		o := ciscoRec("update", "Computer", c.guid, c.guid,
			changes(object{{"ip_external", c.ip}}, object{{"ip_external", ip}})...)
		c.ip = ip
		return []object{o}
	default: // renamed
		name := g.hostname()
		o := ciscoRec("update", "Computer", c.guid, g.admin().email,
			changes(object{{"name", c.hostname}, {"hostname", c.hostname}}, object{{"name", name}, {"hostname", name}})...)
		c.hostname = name
		return []object{o}
	}
}

func (g *ciscoGen) computerDelete() []object {
	if len(g.connectors) <= 5 {
		return g.computerUpdate()
	}
	i := g.rng.IntN(len(g.connectors))
	c := g.connectors[i]
	g.connectors = slices.Delete(g.connectors, i, i+1)
	user := g.admin().email
	agentOld := object{{"policy_id", c.policyID}, {"product_version_id", c.versionID}}
	compOld := object{
		{"name", c.hostname},
		{"hostname", c.hostname},
		{"ip_external", c.ip},
		{"group_id", c.groupID},
	}
	// Invented: the documents show no deletes; an uninstall is taken to
	// mirror the install, Agent and Computer in the same second.
	return []object{
		ciscoRec("delete", "Agent", c.agentID, user, changes(agentOld, nulls(agentOld))...),
		ciscoRec("delete", "Computer", c.guid, user, changes(compOld, nulls(compOld))...),
	}
}

func (g *ciscoGen) agentUpdate() []object {
	c := &g.connectors[g.rng.IntN(len(g.connectors))]
	if g.rng.IntN(2) == 0 { // the connector upgrades itself
		v := c.versionID + 1 + g.rng.IntN(3)
		o := ciscoRec("update", "Agent", c.agentID, c.guid,
			changes(object{{"product_version_id", c.versionID}}, object{{"product_version_id", v}})...)
		c.versionID = v
		return []object{o}
	}
	p := g.policies[g.rng.IntN(len(g.policies))].id
	if p == c.policyID {
		p = g.policies[0].id
		if p == c.policyID {
			p = g.policies[1].id
		}
	}
	o := ciscoRec("update", "Agent", c.agentID, g.admin().email,
		changes(object{{"policy_id", c.policyID}}, object{{"policy_id", p}})...)
	c.policyID = p
	return []object{o}
}

// group creates, renames, re-parents or deletes a group. Like the document's
// examples, a connector GUID sometimes appears as the user.
func (g *ciscoGen) group() []object {
	user := g.admin().email
	if g.rng.IntN(4) == 0 {
		user = g.connectors[g.rng.IntN(len(g.connectors))].guid
	}
	switch r := g.rng.IntN(10); {
	case r < 3 || len(g.groups) < 4:
		gr := ciscoGroup{guid: g.uuid(), id: g.id(), name: g.word() + " " + []string{"Laptops", "Servers", "Kiosks", "VDI"}[g.rng.IntN(4)]}
		g.groups = append(g.groups, gr)
		return []object{ciscoRec("create", "Group", gr.guid, user, changes(object{{"name", nil}}, object{{"name", gr.name}})...)}
	case r < 6:
		gr := &g.groups[g.rng.IntN(len(g.groups))]
		name := gr.name + " " + strconv.Itoa(2+g.rng.IntN(8))
		o := ciscoRec("update", "Group", gr.guid, user, changes(object{{"name", gr.name}}, object{{"name", name}})...)
		gr.name = name
		return []object{o}
	case r < 9:
		gr := &g.groups[g.rng.IntN(len(g.groups))]
		var anc any
		if gr.ancestry == "" {
			anc = strconv.Itoa(g.groups[0].id)
		}
		var old any
		if gr.ancestry != "" {
			old = gr.ancestry
		}
		o := ciscoRec("update", "Group", gr.guid, user, changes(object{{"ancestry", old}}, object{{"ancestry", anc}})...)
		if s, ok := anc.(string); ok {
			gr.ancestry = s
		} else {
			gr.ancestry = ""
		}
		return []object{o}
	default:
		i := 1 + g.rng.IntN(len(g.groups)-1)
		gr := g.groups[i]
		g.groups = slices.Delete(g.groups, i, i+1)
		return []object{ciscoRec("delete", "Group", gr.guid, user, changes(object{{"name", gr.name}}, object{{"name", nil}})...)}
	}
}

// policy: Policy records are invented (the documents show none); the
// attribute names follow the API's policy objects.
func (g *ciscoGen) policy() []object {
	user := g.admin().email
	switch r := g.rng.IntN(10); {
	case r < 2 || len(g.policies) < 3:
		p := ciscoPolicy{guid: g.uuid(), id: g.id(), name: g.word() + " - " + []string{"Windows", "macOS", "Linux"}[g.rng.IntN(3)], product: []string{"windows", "mac", "linux"}[g.rng.IntN(3)], serial: 1}
		g.policies = append(g.policies, p)
		n := object{{"name", p.name}, {"description", nil}, {"product", p.product}, {"serial_number", p.serial}}
		return []object{ciscoRec("create", "Policy", p.guid, user, changes(nulls(n), n)...)}
	case r < 9:
		p := &g.policies[g.rng.IntN(len(g.policies))]
		old := object{{"serial_number", p.serial}}
		p.serial++
		n := object{{"serial_number", p.serial}}
		if g.rng.IntN(3) == 0 {
			old = append(old, member{"description", nil})
			n = append(n, member{"description", "Tuned by " + user + " & reviewed"})
		}
		return []object{ciscoRec("update", "Policy", p.guid, user, changes(old, n)...)}
	default:
		i := 2 + g.rng.IntN(len(g.policies)-2)
		p := g.policies[i]
		g.policies = slices.Delete(g.policies, i, i+1)
		old := object{{"name", p.name}, {"product", p.product}, {"serial_number", p.serial}}
		return []object{ciscoRec("delete", "Policy", p.guid, user, changes(old, nulls(old))...)}
	}
}

// blockList adds or removes a SHA-256 on an application blocking list,
// exactly as the document's audit_log_id example does, or creates one.
func (g *ciscoGen) blockList() []object {
	user := g.admin().email
	if g.rng.IntN(3) == 0 {
		user = g.connectors[g.rng.IntN(len(g.connectors))].guid
	}
	r := g.rng.IntN(12)
	if r == 0 {
		l := ciscoBlockList{guid: g.uuid(), name: g.word() + " Blocklist"}
		g.lists = append(g.lists, l)
		return []object{ciscoRec("create", "ApplicationBlockingList", l.guid, user, changes(object{{"name", nil}}, object{{"name", l.name}})...)}
	}
	if r == 1 && len(g.lists) > 3 { // invented: a list deleted
		i := 1 + g.rng.IntN(len(g.lists)-1)
		l := g.lists[i]
		g.lists = slices.Delete(g.lists, i, i+1)
		return []object{ciscoRec("delete", "ApplicationBlockingList", l.guid, user, changes(object{{"name", l.name}}, object{{"name", nil}})...)}
	}
	l := &g.lists[g.rng.IntN(len(g.lists))]
	if len(l.shas) > 0 && r < 5 {
		i := g.rng.IntN(len(l.shas))
		sha := l.shas[i]
		l.shas = slices.Delete(l.shas, i, i+1)
		return []object{ciscoRec("update", "ApplicationBlockingList", l.guid, user, changes(object{{"sha", sha}}, object{{"sha", nil}})...)}
	}
	sha := g.sha256()
	l.shas = append(l.shas, sha)
	return []object{ciscoRec("update", "ApplicationBlockingList", l.guid, user, changes(object{{"sha", ""}}, object{{"sha", sha}})...)}
}

// userAccount changes console accounts (audit_log_type User). Invented: the
// documents show only logins; the attribute names (email, first_name,
// last_name, role, encrypted_password, two_factor_enabled) are guesses.
func (g *ciscoGen) userAccount() []object {
	actor := g.admin()
	switch r := g.rng.IntN(12); {
	case r < 2 || len(g.admins) < 4:
		firsts := []string{"Ava", "Ben", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ines", "Jonas", "Kenji", "Lena", "Mateo", "Nadia", "Omar", "Priya"}
		a := ciscoAdmin{id: g.uuid(), first: firsts[g.rng.IntN(len(firsts))], last: g.word(), role: "user"}
		a.email = fmt.Sprintf("%s.%s@example.com", lower(a.first), lower(a.last))
		g.admins = append(g.admins, a)
		n := object{{"email", a.email}, {"first_name", a.first}, {"last_name", a.last}, {"role", a.role}}
		return []object{ciscoRec("create", "User", a.id, actor.email, changes(nulls(n), n)...)}
	case r < 5: // role change: a privilege change
		a := &g.admins[g.rng.IntN(len(g.admins))]
		role := "administrator"
		if a.role == "administrator" {
			role = "user"
		}
		o := ciscoRec("update", "User", a.id, actor.email, changes(object{{"role", a.role}}, object{{"role", role}})...)
		a.role = role
		return []object{o}
	case r < 8: // a user changes their own password; the values are filtered
		a := g.admin()
		return []object{ciscoRec("update", "User", a.id, a.email,
			changes(object{{"encrypted_password", "[FILTERED]"}}, object{{"encrypted_password", "[FILTERED]"}})...)}
	case r < 11: // two-factor authentication switched on or off
		a := &g.admins[g.rng.IntN(len(g.admins))]
		o := ciscoRec("update", "User", a.id, a.email,
			changes(object{{"two_factor_enabled", a.twoFactor}}, object{{"two_factor_enabled", !a.twoFactor}})...)
		a.twoFactor = !a.twoFactor
		return []object{o}
	default:
		i := 1 + g.rng.IntN(len(g.admins)-1)
		a := g.admins[i]
		g.admins = slices.Delete(g.admins, i, i+1)
		if a.email == actor.email {
			actor = g.admins[0]
		}
		old := object{{"email", a.email}, {"first_name", a.first}, {"last_name", a.last}, {"role", a.role}}
		return []object{ciscoRec("delete", "User", a.id, actor.email, changes(old, nulls(old))...)}
	}
}

// fetchedFile walks a file fetch through its states, with item and message
// as in the records of DataDog's tests (vendors.md §5). The create and
// delete steps are invented; the analysis update has no old_attributes, as
// in those records.
func (g *ciscoGen) fetchedFile() []object {
	user := g.admin().email
	if len(g.fetches) == 0 || g.rng.IntN(3) == 0 {
		f := ciscoFetch{guid: g.uuid(), filename: g.filename(), state: "requested"}
		g.fetches = append(g.fetches, f)
		return []object{ciscoRec("create", "FetchedFile", f.guid, user,
			member{"item", f.filename},
			member{"message", nil},
			member{"old_attributes", object{{"state", nil}}},
			member{"new_attributes", object{{"state", "requested"}}})}
	}
	i := g.rng.IntN(len(g.fetches))
	f := &g.fetches[i]
	switch f.state {
	case "requested":
		f.stored = fmt.Sprintf("f_%06x", g.nextFile)
		g.nextFile++
		f.state = "processing"
		return []object{ciscoRec("update", "FetchedFile", f.guid, user,
			member{"item", f.filename},
			member{"message", nil},
			member{"old_attributes", object{{"state", "requested"}}},
			member{"new_attributes", object{{"original_filename", f.stored}, {"state", "processing"}}})}
	case "processing":
		f.state = "available"
		return []object{ciscoRec("update", "FetchedFile", f.guid, user,
			member{"item", f.filename},
			member{"message", nil},
			member{"old_attributes", object{{"state", "processing"}}},
			member{"new_attributes", object{{"state", "available"}}})}
	case "analysed":
		// Invented: the fetched file removed from the console.
		done := *f
		g.fetches = slices.Delete(g.fetches, i, i+1)
		return []object{ciscoRec("delete", "FetchedFile", done.guid, user,
			member{"item", done.filename},
			member{"message", nil},
			member{"old_attributes", object{{"state", "available"}}},
			member{"new_attributes", object{{"state", nil}}})}
	default:
		state := "threat_analyses.threat_analysis.completed.description"
		if g.rng.IntN(3) == 0 {
			state = "threat_analyses.threat_analysis.failed.description"
		}
		guid, stored := f.guid, f.stored
		if g.rng.IntN(3) == 0 {
			f.state = "analysed"
		} else {
			g.fetches = slices.Delete(g.fetches, i, i+1)
		}
		return []object{ciscoRec("update", "FetchedFile", guid, user,
			member{"item", stored},
			member{"new_attributes", object{{"analysis_state", state}}})}
	}
}

// exclusionSet: invented; neither the name ExclusionSet nor the attributes
// appear in the documents.
func (g *ciscoGen) exclusionSet() []object {
	user := g.admin().email
	switch r := g.rng.IntN(10); {
	case r < 2:
		e := ciscoExclusionSet{guid: g.uuid(), name: g.word() + " Exclusions"}
		g.exclusions = append(g.exclusions, e)
		return []object{ciscoRec("create", "ExclusionSet", e.guid, user, changes(object{{"name", nil}}, object{{"name", e.name}})...)}
	case r < 9 || len(g.exclusions) < 3:
		e := &g.exclusions[g.rng.IntN(len(g.exclusions))]
		path := `C:\Program Files\` + g.word() + `\*.exe`
		if g.rng.IntN(3) == 0 {
			path = "/opt/" + lower(g.word()) + "/bin/*"
		}
		e.paths = append(e.paths, path)
		return []object{ciscoRec("update", "ExclusionSet", e.guid, user, changes(object{{"path", nil}}, object{{"path", path}})...)}
	default:
		i := 1 + g.rng.IntN(len(g.exclusions)-1)
		e := g.exclusions[i]
		g.exclusions = slices.Delete(g.exclusions, i, i+1)
		return []object{ciscoRec("delete", "ExclusionSet", e.guid, user, changes(object{{"name", e.name}}, object{{"name", nil}})...)}
	}
}

func (g *ciscoGen) admin() ciscoAdmin { return g.admins[g.rng.IntN(len(g.admins))] }

func (g *ciscoGen) otherGroup(id int) int {
	to := g.groups[g.rng.IntN(len(g.groups))].id
	if to == id {
		for _, gr := range g.groups {
			if gr.id != id {
				return gr.id
			}
		}
	}
	return to
}

func (g *ciscoGen) newConnector() ciscoConnector {
	return ciscoConnector{
		guid:      g.hex(10),
		agentID:   g.uuid(),
		hostname:  g.hostname(),
		ip:        g.ip(),
		groupID:   g.groups[g.rng.IntN(len(g.groups))].id,
		osID:      35700 + g.rng.IntN(100),
		policyID:  g.policies[g.rng.IntN(len(g.policies))].id,
		versionID: 19600 + g.rng.IntN(20),
	}
}

func (g *ciscoGen) id() int {
	g.nextID += 1 + g.rng.IntN(900)
	return g.nextID
}

func (g *ciscoGen) hex(nbytes int) string {
	b := make([]byte, nbytes)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

// uuid returns a random (version 4) UUID drawn from the generator.
func (g *ciscoGen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return formatUUID4(b)
}

func (g *ciscoGen) sha256() string { return g.hex(32) }

// ip returns an address from the documentation ranges (RFC 5737).
func (g *ciscoGen) ip() string {
	nets := []string{"192.0.2.", "198.51.100.", "203.0.113."}
	return nets[g.rng.IntN(len(nets))] + strconv.Itoa(1+g.rng.IntN(254))
}

func (g *ciscoGen) hostname() string {
	prefixes := []string{"WIN-", "LAPTOP-", "DESKTOP-", "mac-", "ubuntu-", "Büro-PC-"}
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	b := make([]byte, 7)
	for i := range b {
		b[i] = alnum[g.rng.IntN(len(alnum))]
	}
	return prefixes[g.rng.IntN(len(prefixes))] + string(b)
}

func (g *ciscoGen) word() string {
	words := []string{"Atlas", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orion", "Pioneer"}
	return words[g.rng.IntN(len(words))]
}

func (g *ciscoGen) filename() string {
	names := []string{"Unconfirmed %d.crdownload", "invoice_%d.pdf.exe", "setup-%d.msi", "payload_%d.dll", "report %d.docm"}
	return fmt.Sprintf(names[g.rng.IntN(len(names))], 10000+g.rng.IntN(90000))
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
