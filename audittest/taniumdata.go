package audittest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GenerateTaniumEvents returns n Tanium audit history entries with their
// objects, oldest first, the newest at end (truncated to the second) and
// the others spread back over several days (about four minutes apart on
// average). The same n, seed and end always give the same entries, byte
// for byte.
//
// The entries have the shape of Tanium's audit_data (the SOAP schema and
// vendors.md §6's fixture), members in this order: object_id, details
// ("key=value" lines, the first being name=), creation_time (when the
// object was created), modification_time (when this change was made; RFC
// 3339, one-second resolution, UTC), last_modified_by (DOMAIN\name, or the
// name of a local user), modifier_user_id, mod_user {id, name, domain,
// display_name} and type (0 create, 1 update, 2 delete).
//
// The data set covers objects of every type of TaniumObjectTypes (the first
// 14 entries create one of each): users (administrators acting, accounts
// created, locked, unlocked, given new passwords and roles, deleted), user
// groups, computer groups, sensors, packages, saved questions and actions,
// dashboards and their groups, content sets and roles, plugin schedules,
// system settings and allowed URLs. Content imports create several objects
// in the same second, so many entries share their time with another. No
// object gets more than 80 entries, so a history size of 100 reaches every
// entry. Names carry "&", "<", quotes, backslashes and non-ASCII letters;
// domains and addresses use example.com and the documentation ranges.
// Details formats and values are invented: Tanium documents neither.
//
// All entries differ except, when n >= 10, one pair of byte-identical
// updates of one object in one second (an administrator saving the same
// change twice): a client must yield both.
//
// n <= 0 gives an empty, non-nil slice.
func GenerateTaniumEvents(n int, seed int64, end time.Time) []TaniumEntry {
	if n <= 0 {
		return []TaniumEntry{}
	}
	g := newTaniumGen(seed, n)
	g.bootstrap()
	twinAt := -1
	if n >= 10 {
		twinAt = n / 2
	}
	for len(g.recs) < n {
		g.advance()
		if twinAt >= 0 && len(g.recs) >= twinAt && n-len(g.recs) >= 2 {
			g.twin()
			twinAt = -1
			continue
		}
		g.action()
	}
	g.recs = g.recs[:n]

	clock := timeline(end, time.Second, g.recs[len(g.recs)-1].mod)
	at := func(rel int64) string { return clock(rel).Format(time.RFC3339) }
	out := make([]TaniumEntry, len(g.recs))
	for i, r := range g.recs {
		r.entry[2].value = at(r.created)
		r.entry[3].value = at(r.mod)
		out[i] = TaniumEntry{Type: r.typ, ID: strconv.Itoa(r.id), Raw: mustJSON(r.entry)}
	}
	return out
}

// taniumMaxPerObject caps the entries of one object.
const taniumMaxPerObject = 80

type taniumRec struct {
	typ          string
	id           int
	created, mod int64 // seconds since the first entry
	entry        object
}

// taniumObj is an object of the generated history.
type taniumObj struct {
	typ     string
	id      int
	name    string
	created int64
	count   int
	attrs   map[string]string
	actor   bool // an administrator who acts
	deleted bool
}

type taniumGen struct {
	rng     *rand.Rand
	n       int
	now     int64
	recs    []taniumRec
	objs    []*taniumObj
	admins  []*taniumObj
	nextID  map[string]int
	used    map[string]bool // names in use, by TYPE:name
	counter int
}

func newTaniumGen(seed int64, n int) *taniumGen {
	g := &taniumGen{
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x7a21c0de5eed)),
		n:      n,
		nextID: map[string]int{},
		used:   map[string]bool{},
	}
	start := map[string]int{
		"content_set": 1, "content_set_role": 1, "dashboard": 11, "dashboard_group": 3, "group": 20,
		"package": 140, "plugin_schedule": 5, "saved_action": 31, "saved_question": 96, "sensor": 211,
		"system_setting": 40, "user": 1, "user_group": 2, "white_listed_url": 8,
	}
	for k, v := range start {
		g.nextID[k] = v
	}
	return g
}

// advance moves the clock to the time of the next action. About one action
// in eight happens in the same second as the one before.
func (g *taniumGen) advance() {
	if len(g.recs) > 0 && g.rng.IntN(8) == 0 {
		return
	}
	g.now += 1 + int64(g.rng.ExpFloat64()*240)
}

// taniumAdmins are the administrators who act; the first is the built-in
// local account.
var taniumAdmins = [][3]string{
	{"tanium", "", "Tanium Administrator"},
	{"alice.nguyen", "CORP", "Alice Nguyen"},
	{"bjorn.larsen", "CORP", "Bjørn Larsen"},
	{"carmen.diaz", "CORP", "Carmen Díaz"},
	{"emma.oconnor", "CORP", "Emma O'Connor"},
	{"svc-automation", "CORP", "Automation \"API\" Service"},
}

// bootstrap creates the first objects: the built-in administrator, then one
// object of every type, then the other administrators.
func (g *taniumGen) bootstrap() {
	root := g.newObj("user", "tanium")
	root.attrs = map[string]string{"domain": "", "display_name": taniumAdmins[0][2]}
	root.actor = true
	g.admins = append(g.admins, root)
	g.emit(root, 0, root, g.createDetails(root))
	for _, t := range taniumTypes {
		if t.name == "user" {
			continue
		}
		if len(g.recs) >= g.n {
			return
		}
		g.advance()
		g.create(t.name)
	}
	for _, a := range taniumAdmins[1:] {
		if len(g.recs) >= g.n {
			return
		}
		g.advance()
		u := g.newObj("user", a[0])
		u.attrs = map[string]string{"domain": a[1], "display_name": a[2], "roles": "Administrator"}
		u.actor = true
		g.admins = append(g.admins, u)
		g.emit(u, 0, root, g.createDetails(u))
	}
}

// action adds the entries of one random action.
func (g *taniumGen) action() {
	switch x := g.rng.IntN(100); {
	case x < 80:
		if o := g.pick(""); o != nil {
			g.update(o)
			return
		}
		g.create(g.randomType())
	case x < 84:
		g.create(g.randomType())
	case x < 85:
		g.contentImport()
	case x < 88:
		g.remove()
	default:
		g.account()
	}
}

func (g *taniumGen) randomType() string {
	for {
		t := taniumTypes[g.rng.IntN(len(taniumTypes))].name
		if t != "user" || g.rng.IntN(2) == 0 {
			return t
		}
	}
}

// actor returns an administrator to act.
func (g *taniumGen) actor() *taniumObj {
	live := g.admins[:0:0]
	for _, a := range g.admins {
		if !a.deleted {
			live = append(live, a)
		}
	}
	return live[g.rng.IntN(len(live))]
}

// pick returns a live object of type typ ("" for any) with room for more
// entries, or nil.
func (g *taniumGen) pick(typ string) *taniumObj {
	var cands []*taniumObj
	for _, o := range g.objs {
		if !o.deleted && o.count < taniumMaxPerObject-2 && (typ == "" || o.typ == typ) {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[g.rng.IntN(len(cands))]
}

func (g *taniumGen) newObj(typ, name string) *taniumObj {
	id := g.nextID[typ]
	g.nextID[typ] = id + 1 + g.rng.IntN(3)
	o := &taniumObj{typ: typ, id: id, name: name, created: g.now, attrs: map[string]string{}}
	g.objs = append(g.objs, o)
	g.used[typ+":"+name] = true
	return o
}

// emit adds one entry for o made by actor at the current second.
func (g *taniumGen) emit(o *taniumObj, kind int, actor *taniumObj, details string) {
	by := actor.name
	if d := actor.attrs["domain"]; d != "" {
		by = d + `\` + actor.name
	}
	e := object{
		{"object_id", o.id},
		{"details", details},
		{"creation_time", nil},
		{"modification_time", nil},
		{"last_modified_by", by},
		{"modifier_user_id", actor.id},
		{"mod_user", object{
			{"id", actor.id},
			{"name", actor.name},
			{"domain", actor.attrs["domain"]},
			{"display_name", actor.attrs["display_name"]},
		}},
		{"type", kind},
	}
	o.count++
	g.recs = append(g.recs, taniumRec{typ: o.typ, id: o.id, created: o.created, mod: g.now, entry: e})
}

// details writes name= first, then the given keys in order.
func details(name string, kv ...string) string {
	var b strings.Builder
	b.WriteString("name=" + name)
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString("\n" + kv[i] + "=" + kv[i+1])
	}
	return b.String()
}

func (g *taniumGen) createDetails(o *taniumObj) string {
	keys := make([]string, 0, len(o.attrs))
	for k := range o.attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	kv := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		kv = append(kv, k, o.attrs[k])
	}
	return details(o.name, kv...)
}

// create makes a new object of type typ.
func (g *taniumGen) create(typ string) {
	if typ == "user" {
		g.newUser()
		return
	}
	name := g.uniqueName(typ)
	o := g.newObj(typ, name)
	o.attrs = g.initialAttrs(typ)
	g.emit(o, 0, g.actor(), g.createDetails(o))
}

func (g *taniumGen) uniqueName(typ string) string {
	names := taniumNames[typ]
	for range 8 {
		n := names[g.rng.IntN(len(names))]
		if !g.used[typ+":"+n] {
			return n
		}
	}
	g.counter++
	return names[g.rng.IntN(len(names))] + " " + strconv.Itoa(g.counter+1)
}

// taniumNames are object names by type.
var taniumNames = map[string][]string{
	"content_set":      {"Base", "Reserved", "Patch Content", "Threat Response", "Default", "Asset & Inventory"},
	"content_set_role": {"Content Administrator", "Patch Operator", "Read Only User", "Question Author"},
	"dashboard":        {"Security Posture", "Patch Compliance", "Software <Inventory>", "Endpoint Health"},
	"dashboard_group":  {"Operations", "Security", "Compliance & Audit"},
	"group":            {"All Windows Servers", "Finance Laptops", "Linux Build Hosts", "Zürich Büro", "Domain Controllers", "Quarantine"},
	"package":          {"Install Chrome", "Deploy Patch KB5034441", "Restart Endpoint", "Collect Logs", "Quarantine Endpoint", "Remove \"Adware\""},
	"plugin_schedule":  {"Daily Inventory Export", "Hourly Health Check", "Weekly Compliance Report"},
	"saved_action":     {"Weekly Reboot", "Nightly Patch Scan", "Distribute Agent Update"},
	"saved_question":   {"Installed Apps", "Running Processes", "Last Logged In User", "Open Ports", "Disk Free Space"},
	"sensor":           {"Chrome Version", "Installed Applications", "Last Logged In User", "Operating System", "IP Address", `Registry Value Data [HKLM\Software]`},
	"system_setting":   {"session_expiration_seconds", "api_token_trusted_ip_address_list", "max_soap_audit_entries_per_cache", "audit_log_retention_days"},
	"user":             {"dev.patel", "fatima.khan", "george.smith", "hana.sato", "ivan.petrov", "julia.rossi", "kwame.mensah"},
	"user_group":       {"Help Desk", "SecOps", "Patch Admins", "Auditors"},
	"white_listed_url": {"https://intel.example.com/feeds/stix.xml", "https://downloads.example.com/agent/latest.msi", "https://content.example.com/packs/base.json?v=2&lang=en"},
}

func (g *taniumGen) initialAttrs(typ string) map[string]string {
	r := g.rng
	switch typ {
	case "content_set":
		return map[string]string{"description": "Content for " + taniumWords[r.IntN(len(taniumWords))]}
	case "content_set_role":
		return map[string]string{"privileges": []string{"read sensor,read question", "write package,execute action", "read dashboard"}[r.IntN(3)]}
	case "dashboard":
		return map[string]string{"saved_questions": strconv.Itoa(2 + r.IntN(6))}
	case "dashboard_group":
		return map[string]string{"dashboards": strconv.Itoa(1 + r.IntN(4))}
	case "group":
		return map[string]string{"text": []string{"Operating System contains Windows Server", "Is Laptop equals True", `Computer Name starts with "BUILD-"`}[r.IntN(3)]}
	case "package":
		return map[string]string{"command": []string{`cmd /c install.bat`, `/bin/sh collect.sh --out /tmp/logs`, `powershell -File restart.ps1`}[r.IntN(3)], "expire_seconds": strconv.Itoa(600 * (1 + r.IntN(6)))}
	case "plugin_schedule":
		return map[string]string{"disabled_flag": "0", "start_hour": strconv.Itoa(r.IntN(24))}
	case "saved_action":
		return map[string]string{"issue_seconds": strconv.Itoa(3600 * (1 + r.IntN(168))), "status": "Active"}
	case "saved_question":
		return map[string]string{"query_text": "Get " + taniumNames["sensor"][r.IntN(len(taniumNames["sensor"]))] + " from all machines", "issue_seconds": strconv.Itoa(60 * (5 + r.IntN(60)))}
	case "sensor":
		return map[string]string{"category": []string{"Applications", "Operating System", "Network", "Reserved"}[r.IntN(4)], "max_age_seconds": strconv.Itoa(300 * (1 + r.IntN(12))), "hidden_flag": "0"}
	case "system_setting":
		return map[string]string{"value": strconv.Itoa(10 * (1 + r.IntN(100)))}
	case "user_group":
		return map[string]string{"users": strconv.Itoa(1 + r.IntN(12))}
	case "white_listed_url":
		return map[string]string{"download_seconds": strconv.Itoa(3600 * (1 + r.IntN(48)))}
	}
	return map[string]string{}
}

var taniumWords = []string{"Atlas", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen"}

// update changes one attribute of o (or renames it).
func (g *taniumGen) update(o *taniumObj) {
	if o.typ == "user" {
		g.userUpdate(o)
		return
	}
	r := g.rng
	var k, v string
	switch o.typ {
	case "system_setting":
		k, v = "value", strconv.Itoa(10*(1+r.IntN(100)))
		if o.name == "api_token_trusted_ip_address_list" {
			v = fmt.Sprintf("192.0.2.%d,198.51.100.0/24", 1+r.IntN(254))
		}
	case "sensor":
		k, v = "max_age_seconds", strconv.Itoa(300*(1+r.IntN(12)))
		if r.IntN(3) == 0 {
			k, v = "hidden_flag", strconv.Itoa(r.IntN(2))
		}
	case "package":
		k, v = "expire_seconds", strconv.Itoa(600*(1+r.IntN(6)))
	case "plugin_schedule":
		k, v = "disabled_flag", strconv.Itoa(r.IntN(2))
	case "saved_question", "saved_action":
		k, v = "issue_seconds", strconv.Itoa(60*(5+r.IntN(600)))
	case "group":
		k, v = "text", "Operating System contains "+[]string{"Windows", "Linux", "Mac"}[r.IntN(3)]
	case "user_group":
		k, v = "users", strconv.Itoa(1+r.IntN(20))
	default:
		k, v = "description", taniumWords[r.IntN(len(taniumWords))]+" "+strconv.Itoa(r.IntN(1000))
	}
	if r.IntN(12) == 0 {
		name := g.uniqueName(o.typ)
		g.used[o.typ+":"+name] = true
		o.name = name
		g.emit(o, 1, g.actor(), details(o.name))
		return
	}
	o.attrs[k] = v
	g.emit(o, 1, g.actor(), details(o.name, k, v))
}

// userUpdate locks, unlocks, sets a password or changes roles.
func (g *taniumGen) userUpdate(u *taniumObj) {
	actor := g.actor()
	switch x := g.rng.IntN(10); {
	case x < 3:
		locked := "1"
		if u.attrs["locked_out"] == "1" {
			locked = "0"
		}
		u.attrs["locked_out"] = locked
		g.emit(u, 1, actor, details(u.name, "locked_out", locked))
	case x < 6:
		g.emit(u, 1, u, details(u.name, "password", "********"))
	default:
		roles := []string{"Administrator", "Read Only User", "Content Administrator", "Patch Operator,Question Author"}[g.rng.IntN(4)]
		u.attrs["roles"] = roles
		g.emit(u, 1, actor, details(u.name, "roles", roles))
	}
}

func (g *taniumGen) newUser() {
	name := g.uniqueName("user")
	u := g.newObj("user", name)
	u.attrs = map[string]string{"domain": "CORP", "display_name": strings.ToUpper(name[:1]) + name[1:], "roles": "Read Only User"}
	g.emit(u, 0, g.actor(), g.createDetails(u))
}

// account is an action on user accounts.
func (g *taniumGen) account() {
	if g.rng.IntN(8) == 0 {
		g.newUser()
		return
	}
	if u := g.pick("user"); u != nil {
		g.userUpdate(u)
		return
	}
	g.newUser()
}

// contentImport creates a sensor, a saved question and a package in one
// second, as importing a content pack does.
func (g *taniumGen) contentImport() {
	actor := g.actor()
	for _, typ := range []string{"sensor", "saved_question", "package"} {
		if len(g.recs) >= g.n {
			return
		}
		o := g.newObj(typ, g.uniqueName(typ))
		o.attrs = g.initialAttrs(typ)
		g.emit(o, 0, actor, g.createDetails(o))
	}
}

// remove deletes an object that is not an acting administrator.
func (g *taniumGen) remove() {
	var cands []*taniumObj
	for _, o := range g.objs {
		if !o.deleted && !o.actor && o.typ != "system_setting" && o.count < taniumMaxPerObject {
			cands = append(cands, o)
		}
	}
	if len(cands) < 20 {
		g.create(g.randomType())
		return
	}
	o := cands[g.rng.IntN(len(cands))]
	o.deleted = true
	g.emit(o, 2, g.actor(), details(o.name))
}

// twin adds one update twice in a new second.
func (g *taniumGen) twin() {
	o := g.pick("sensor")
	if o == nil {
		g.action()
		return
	}
	g.now++
	v := strconv.Itoa(300 * (1 + g.rng.IntN(12)))
	o.attrs["max_age_seconds"] = v
	actor := g.actor()
	g.emit(o, 1, actor, details(o.name, "max_age_seconds", v))
	g.emit(o, 1, actor, details(o.name, "max_age_seconds", v))
}

// GenerateTaniumHistories returns the deep histories of objects objects,
// perObject entries each (objects*perObject in all), grouped by object,
// each oldest first: the case GenerateTaniumEvents leaves out (it keeps
// every history under 100 entries, the client's default depth). The same
// arguments always give the same entries, byte for byte.
//
// Object k has type TaniumObjectTypes()[k%14] and id 1000+k. Its first
// entry creates it (type 0), the others update it (type 1); details are
// "name=..." then "revision=N", so all entries differ. Counting from the
// newest entry of a history (0), entries 49 and 50, 99 and 100, 149 and
// 150, ... share their second (two changes saved at once): a depth of 50,
// 100, 200 ... cuts a history between two entries of the same time, the
// hardest place for a client that reads deeper. The newest entry of object
// k is at end minus k seconds; entries are one to three minutes apart
// otherwise, so a history of 150 spans about five hours. Times are RFC 3339
// at one-second resolution, UTC.
//
// objects <= 0 or perObject <= 0 gives an empty, non-nil slice.
func GenerateTaniumHistories(objects, perObject int, seed int64, end time.Time) []TaniumEntry {
	if objects <= 0 || perObject <= 0 {
		return []TaniumEntry{}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xdee9))
	end = end.UTC().Truncate(time.Second)
	out := make([]TaniumEntry, 0, objects*perObject)
	for k := range objects {
		typ := taniumTypes[k%len(taniumTypes)].name
		id := 1000 + k
		admin := taniumAdmins[1+k%(len(taniumAdmins)-1)]
		adminID := 2 + k%(len(taniumAdmins)-1)
		// back[i] is how far entry i (0 the newest) lies before the newest.
		back := make([]time.Duration, perObject)
		for i := 1; i < perObject; i++ {
			back[i] = back[i-1]
			if i%50 != 0 {
				back[i] += time.Duration(60+rng.IntN(121)) * time.Second
			}
		}
		newest := end.Add(-time.Duration(k) * time.Second)
		created := newest.Add(-back[perObject-1]).Format(time.RFC3339)
		name := taniumNames[typ][k%len(taniumNames[typ])]
		for i := perObject - 1; i >= 0; i-- {
			kind, det := 1, details(name, "revision", strconv.Itoa(perObject-1-i))
			if i == perObject-1 {
				kind, det = 0, details(name, "revision", "0", "created", "true")
			}
			e := object{
				{"object_id", id},
				{"details", det},
				{"creation_time", created},
				{"modification_time", newest.Add(-back[i]).Format(time.RFC3339)},
				{"last_modified_by", admin[1] + `\` + admin[0]},
				{"modifier_user_id", adminID},
				{"mod_user", object{{"id", adminID}, {"name", admin[0]}, {"domain", admin[1]}, {"display_name", admin[2]}}},
				{"type", kind},
			}
			out = append(out, TaniumEntry{Type: typ, ID: strconv.Itoa(id), Raw: mustJSON(e)})
		}
	}
	return out
}
