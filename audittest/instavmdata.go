package audittest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GenerateInstavmEvents returns n InstaVM audit events as the API sends
// them, newest first (events of the same instant by id, descending), the
// newest at end (to the microsecond) and the others spread back over
// several days (about three minutes apart on average). The same n, seed and
// end always give the same events, byte for byte.
//
// Every event has every field of the document's AuditEventResponse schema,
// in its order, null where the kind of event has no value, as FastAPI
// serializes a response model. created_at is UTC with microseconds
// ("2025-05-14T08:31:12.482113Z", or no fraction on a whole second); id is
// "aud_" and a ULID of the event's time.
//
// The document lists no vocabulary for event_group, event_type, status,
// source or actor_type: the values here extend vendors.md's sample
// (source "api"/"dashboard", actor_type "api_key"/"user", "vm.create",
// "auth.login", "success"/"failure") and are invented. The mix covers every
// kind a mapping has to handle: API calls with an API key (vm.create with
// the session.create of the same request, vm.delete, vm.list, vm.resize
// with PATCH,
// execution.run succeeding and timing out, file.upload, audit.list, calls
// refused with 429, and a call with an invalid key and no user); dashboard
// logins (some failed) and logouts; API key creation and revocation;
// password changes, MFA enable/disable, sign-ups and account deletions;
// role grants and revocations; team membership changes; billing plan
// changes; and system events with no HTTP request (vm.auto_stop,
// snapshot.create). Addresses use the documentation ranges; some payload
// strings carry "&", "<", quotes, backslashes and non-ASCII letters.
//
// About one event in six shares its created_at with another (one request
// writing two events, such as vm.create and session.create).
//
// n <= 0 gives an empty, non-nil slice.
func GenerateInstavmEvents(n int, seed int64, end time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newInstavmGen(seed)
	for len(g.recs) < n {
		g.advance()
		g.action(n - len(g.recs))
	}
	atTime := timeline(end, time.Microsecond, g.recs[len(g.recs)-1].rel)
	type out struct {
		at  time.Time
		id  string
		obj object
	}
	outs := make([]out, len(g.recs))
	for i, r := range g.recs {
		at := atTime(r.rel)
		id := "aud_" + instavmULID(at, r.entropy)
		r.obj[instavmIDField].value = id
		r.obj[instavmCreatedField].value = instavmTime(at)
		outs[i] = out{at, id, r.obj}
	}
	slices.SortStableFunc(outs, func(a, b out) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	res := make([]json.RawMessage, len(outs))
	for i, o := range outs {
		res[i] = mustJSON(o.obj)
	}
	return res
}

// instavmKeys are the fields of AuditEventResponse in the document's order.
var instavmKeys = []string{
	"id", "created_at", "user_id", "actor_type", "actor_id", "source", "event_group", "event_type",
	"status", "resource_type", "resource_id", "session_id", "vm_id", "task_id", "request_id",
	"correlation_id", "http_method", "path", "http_status", "latency_ms", "ip_address",
	"user_agent", "node_ip", "worker_id", "event_payload", "error_message",
}

// Indexes of id and created_at in a generated event.
const (
	instavmIDField      = 0
	instavmCreatedField = 1
)

// instavmRecord builds an event with every field of the schema, in order;
// fields not in f are null.
func instavmRecord(f map[string]any) object {
	o := make(object, len(instavmKeys))
	for i, k := range instavmKeys {
		o[i] = member{k, f[k]}
	}
	return o
}

// instavmTime formats t as pydantic does: microseconds when there are any,
// and Z for UTC.
func instavmTime(t time.Time) string {
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

const instavmCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// instavmULID returns a ULID of t's millisecond and 80 bits of entropy.
func instavmULID(t time.Time, entropy [2]uint64) string {
	ms := uint64(t.UnixMilli())
	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = instavmCrockford[ms&31]
		ms >>= 5
	}
	hi, lo := entropy[0]&0xffff, entropy[1] // 16 + 64 bits
	for i := 25; i >= 10; i-- {
		b[i] = instavmCrockford[lo&31]
		lo = lo>>5 | (hi&31)<<59
		hi >>= 5
	}
	return string(b[:])
}

type instavmGenRec struct {
	rel     int64 // microseconds since the first event
	entropy [2]uint64
	obj     object
}

type instavmUser struct {
	id        int64
	role      string
	keys      []string
	ip, agent string
	session   string // dashboard session, "" when logged out
	mfa       bool
}

type instavmVM struct {
	id      string
	owner   *instavmUser
	session string
}

// instavmGen generates a plausible history forward in time; the caller
// shifts it to end at the requested time.
type instavmGen struct {
	rng   *rand.Rand
	now   int64
	recs  []instavmGenRec
	users []*instavmUser
	vms   []*instavmVM
	teams []string
	task  int64
	kinds []genKind[func(room int) []object]
}

func newInstavmGen(seed int64) *instavmGen {
	g := &instavmGen{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x1dba5e5eed)),
		task:  88000 + int64(seed%1000),
		teams: nil,
	}
	browsers := []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	}
	for i, u := range []struct {
		id   int64
		role string
	}{{4821, "owner"}, {4822, "admin"}, {4830, "member"}, {4831, "member"}, {4907, "member"}, {5012, "member"}} {
		usr := &instavmUser{id: u.id, role: u.role, agent: browsers[i%len(browsers)]}
		if i%3 == 2 {
			usr.ip = fmt.Sprintf("2001:db8:%x::%x", 0x10+i, 0x20+i)
		} else {
			usr.ip = fmt.Sprintf("198.51.100.%d", 20+i*7)
		}
		usr.keys = []string{g.hex("key_", 4)}
		if i%2 == 0 {
			usr.keys = append(usr.keys, g.hex("key_", 4))
		}
		g.users = append(g.users, usr)
	}
	g.teams = []string{g.hex("team_", 6), g.hex("team_", 6)}
	for range 4 {
		g.vms = append(g.vms, &instavmVM{id: g.hex("vm_", 8), owner: g.pickUser(), session: g.hex("sess_", 6)})
	}
	g.kinds = []genKind[func(room int) []object]{
		{12, g.apiVMCreate},
		{20, g.apiExecute},
		{6, g.apiVMDelete},
		{8, g.apiVMList},
		{2, g.apiVMResize},
		{5, g.apiFileUpload},
		{2, g.apiAuditList},
		{3, g.apiRateLimited},
		{2, g.apiInvalidKey},
		{10, g.login},
		{5, g.logout},
		{3, g.apiKeyCreate},
		{2, g.apiKeyRevoke},
		{2, g.passwordChange},
		{2, g.mfaChange},
		{2, g.roleChange},
		{2, g.teamMembership},
		{1, g.userCreate},
		{1, g.userDelete},
		{6, g.autoStop},
		{2, g.snapshot},
		{1, g.planChange},
	}
	return g
}

func (g *instavmGen) hex(prefix string, n int) string {
	const digits = "0123456789abcdef"
	b := []byte(prefix)
	for range n {
		b = append(b, digits[g.rng.IntN(16)])
	}
	return string(b)
}

func (g *instavmGen) pickUser() *instavmUser { return g.users[g.rng.IntN(len(g.users))] }

// advance moves the clock to the time of the next action: about three
// minutes later on average, at microsecond resolution.
func (g *instavmGen) advance() {
	gap := int64(-math.Log(1-g.rng.Float64()) * 180e6)
	g.now += max(gap, 1)
}

// action adds the events of one random action, at most room of them.
func (g *instavmGen) action(room int) {
	objs := pickKind(g.rng, g.kinds)(room)
	if len(objs) > room {
		objs = objs[:room]
	}
	for _, o := range objs {
		g.recs = append(g.recs, instavmGenRec{rel: g.now, entropy: [2]uint64{g.rng.Uint64(), g.rng.Uint64()}, obj: o})
	}
}

// apiCall is the fields every API call has.
func (g *instavmGen) apiCall(u *instavmUser, method, path string, status int, latency float64) map[string]any {
	f := map[string]any{
		"user_id": u.id, "actor_type": "api_key", "actor_id": u.keys[g.rng.IntN(len(u.keys))], "source": "api",
		"status": "success", "request_id": g.hex("req_", 10), "http_method": method, "path": path,
		"http_status": status, "latency_ms": math.Round(latency*100) / 100,
		"ip_address": fmt.Sprintf("203.0.113.%d", 10+u.id%50), "user_agent": g.sdkAgent(),
		"node_ip":   fmt.Sprintf("10.0.%d.%d", 1+g.rng.IntN(3), 10+g.rng.IntN(40)),
		"worker_id": "worker-" + strconv.Itoa(1+g.rng.IntN(8)),
	}
	if status >= 400 {
		f["status"] = "failure"
	}
	if g.rng.IntN(3) == 0 {
		f["correlation_id"] = g.hex("corr_", 4)
	}
	return f
}

func (g *instavmGen) sdkAgent() string {
	agents := []string{"instavm-python/0.9.2 (CPython 3.12.3; Linux)", "instavm-js/0.4.1 node/20.12.2", "curl/8.5.0", "instavm-cli/0.3.0"}
	return agents[g.rng.IntN(len(agents))]
}

// dashboard is the fields every dashboard action of u has.
func (g *instavmGen) dashboard(u *instavmUser, method, path string, status int) map[string]any {
	f := map[string]any{
		"user_id": u.id, "actor_type": "user", "actor_id": strconv.FormatInt(u.id, 10), "source": "dashboard",
		"status": "success", "request_id": g.hex("req_", 10), "http_method": method, "path": path,
		"http_status": status, "latency_ms": math.Round((20+g.rng.Float64()*180)*100) / 100,
		"ip_address": u.ip, "user_agent": u.agent,
	}
	if u.session != "" {
		f["session_id"] = u.session
	}
	if status >= 400 {
		f["status"] = "failure"
	}
	return f
}

func (g *instavmGen) pickVM() *instavmVM {
	if len(g.vms) == 0 {
		g.vms = append(g.vms, &instavmVM{id: g.hex("vm_", 8), owner: g.pickUser(), session: g.hex("sess_", 6)})
	}
	return g.vms[g.rng.IntN(len(g.vms))]
}

func (g *instavmGen) apiVMCreate(room int) []object {
	u := g.pickUser()
	vm := &instavmVM{id: g.hex("vm_", 8), owner: u, session: g.hex("sess_", 6)}
	g.vms = append(g.vms, vm)
	f := g.apiCall(u, "POST", "/v1/vms", 201, 900+g.rng.Float64()*3000)
	f["correlation_id"] = g.hex("corr_", 4)
	images := []string{"python:3.12", "node:20", "ubuntu:24.04"}
	base := func() map[string]any {
		c := make(map[string]any, len(f)+6)
		for k, v := range f {
			c[k] = v
		}
		return c
	}
	a := base()
	a["event_group"], a["event_type"], a["resource_type"], a["resource_id"], a["vm_id"] = "vm", "vm.create", "vm", vm.id, vm.id
	a["event_payload"] = object{{"image", images[g.rng.IntN(len(images))]}, {"vcpus", 1 << g.rng.IntN(3)}, {"memory_mb", 1024 << g.rng.IntN(3)}}
	out := []object{instavmRecord(a)}
	if room >= 2 {
		// The same request opens the VM's first session: same instant.
		b := base()
		b["event_group"], b["event_type"], b["resource_type"], b["resource_id"] = "session", "session.create", "session", vm.session
		b["session_id"], b["vm_id"] = vm.session, vm.id
		out = append(out, instavmRecord(b))
	}
	return out
}

func (g *instavmGen) apiExecute(int) []object {
	vm := g.pickVM()
	g.task++
	f := g.apiCall(vm.owner, "POST", "/v1/execute", 200, 150+g.rng.Float64()*2500)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "execution", "execution.run", "task", strconv.FormatInt(g.task, 10)
	f["vm_id"], f["session_id"], f["task_id"] = vm.id, vm.session, g.task
	langs := []string{"python", "bash", "javascript"}
	if g.rng.IntN(10) == 0 {
		f["status"] = "failure"
		f["error_message"] = "Execution timed out after 300 seconds"
		f["latency_ms"] = 300000.0
		f["event_payload"] = object{{"language", langs[g.rng.IntN(3)]}, {"exit_code", 124}, {"timed_out", true}}
	} else {
		f["event_payload"] = object{{"language", langs[g.rng.IntN(3)]}, {"exit_code", 0}, {"duration_ms", 20 + g.rng.IntN(2000)}, {"stdout_bytes", g.rng.IntN(40000)}}
	}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiVMDelete(int) []object {
	if len(g.vms) <= 1 {
		return g.apiVMList(1)
	}
	i := g.rng.IntN(len(g.vms))
	vm := g.vms[i]
	g.vms = slices.Delete(g.vms, i, i+1)
	f := g.apiCall(vm.owner, "DELETE", "/v1/vms/"+vm.id, 204, 200+g.rng.Float64()*900)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"], f["vm_id"] = "vm", "vm.delete", "vm", vm.id, vm.id
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiVMList(int) []object {
	f := g.apiCall(g.pickUser(), "GET", "/v1/vms", 200, 15+g.rng.Float64()*80)
	f["event_group"], f["event_type"], f["resource_type"] = "vm", "vm.list", "vm"
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiVMResize(int) []object {
	vm := g.pickVM()
	f := g.apiCall(vm.owner, "PATCH", "/v1/vms/"+vm.id, 200, 300+g.rng.Float64()*2000)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"], f["vm_id"] = "vm", "vm.resize", "vm", vm.id, vm.id
	f["event_payload"] = object{{"vcpus", 2 << g.rng.IntN(3)}, {"memory_mb", 2048 << g.rng.IntN(3)}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiFileUpload(int) []object {
	vm := g.pickVM()
	names := []string{"data & results <v2>.csv", `report "final".pdf`, `C:\Users\ana\notes.txt`, "résumé-Zoë.docx", "model.pkl"}
	f := g.apiCall(vm.owner, "POST", "/v1/upload", 200, 80+g.rng.Float64()*1500)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "file", "file.upload", "file", g.hex("file_", 8)
	f["vm_id"], f["session_id"] = vm.id, vm.session
	f["event_payload"] = object{{"filename", names[g.rng.IntN(len(names))]}, {"size_bytes", 100 + g.rng.IntN(5<<20)}, {"destination", "/app/data"}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiAuditList(int) []object {
	f := g.apiCall(g.users[0], "GET", "/v1/audit/events", 200, 30+g.rng.Float64()*100)
	f["event_group"], f["event_type"] = "audit", "audit.list"
	f["event_payload"] = object{{"limit", 200}, {"filters", object{}}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiRateLimited(int) []object {
	f := g.apiCall(g.pickUser(), "POST", "/v1/vms", 429, 2+g.rng.Float64()*5)
	f["event_group"], f["event_type"] = "vm", "vm.create"
	f["error_message"] = "Rate limit exceeded"
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiInvalidKey(int) []object {
	f := map[string]any{
		"actor_type": "api_key", "source": "api", "event_group": "auth", "event_type": "auth.api_key_invalid",
		"status": "failure", "request_id": g.hex("req_", 10), "http_method": "GET", "path": "/v1/vms",
		"http_status": 401, "latency_ms": math.Round((1+g.rng.Float64()*4)*100) / 100,
		"ip_address": fmt.Sprintf("192.0.2.%d", 1+g.rng.IntN(250)), "user_agent": "python-requests/2.31.0",
		"node_ip": "10.0.1.12", "worker_id": "worker-1", "error_message": "Invalid API key or session expired",
		"event_payload": object{{"key_prefix", "instavm_sk_" + g.hex("", 4)}},
	}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) login(int) []object {
	u := g.pickUser()
	if g.rng.IntN(8) == 0 {
		s := u.session
		u.session = ""
		f := g.dashboard(u, "POST", "/auth/login", 401)
		u.session = s
		f["event_group"], f["event_type"] = "auth", "auth.login"
		f["error_message"] = "Invalid email or password"
		f["event_payload"] = object{{"method", "password"}, {"mfa", false}}
		return []object{instavmRecord(f)}
	}
	u.session = g.hex("sess_", 6)
	f := g.dashboard(u, "POST", "/auth/login", 200)
	f["event_group"], f["event_type"] = "auth", "auth.login"
	methods := []string{"password", "google", "github"}
	f["event_payload"] = object{{"method", methods[g.rng.IntN(3)]}, {"mfa", u.mfa}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) logout(int) []object {
	u := g.pickUser()
	if u.session == "" {
		u.session = g.hex("sess_", 6)
	}
	f := g.dashboard(u, "POST", "/auth/logout", 200)
	f["event_group"], f["event_type"] = "auth", "auth.logout"
	u.session = ""
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiKeyCreate(int) []object {
	u := g.pickUser()
	key := g.hex("key_", 4)
	u.keys = append(u.keys, key)
	f := g.dashboard(u, "POST", "/v1/api-keys", 201)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "api_key", "api_key.create", "api_key", key
	names := []string{"ci-runner", "notebook", "prod & staging", "Zoë's laptop"}
	f["event_payload"] = object{{"name", names[g.rng.IntN(len(names))]}, {"prefix", "instavm_sk_" + g.hex("", 4)}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) apiKeyRevoke(room int) []object {
	u := g.pickUser()
	if len(u.keys) <= 1 {
		return g.apiKeyCreate(room)
	}
	key := u.keys[0]
	u.keys = u.keys[1:]
	f := g.dashboard(u, "DELETE", "/v1/api-keys/"+key, 204)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "api_key", "api_key.revoke", "api_key", key
	return []object{instavmRecord(f)}
}

func (g *instavmGen) passwordChange(int) []object {
	u := g.pickUser()
	f := g.dashboard(u, "POST", "/v1/users/me/password", 200)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "user", "user.password_change", "user", strconv.FormatInt(u.id, 10)
	return []object{instavmRecord(f)}
}

func (g *instavmGen) mfaChange(int) []object {
	u := g.pickUser()
	u.mfa = !u.mfa
	typ, method := "user.mfa_enable", "POST"
	if !u.mfa {
		typ, method = "user.mfa_disable", "DELETE"
	}
	f := g.dashboard(u, method, "/v1/users/me/mfa", 200)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "user", typ, "user", strconv.FormatInt(u.id, 10)
	f["event_payload"] = object{{"factor", "totp"}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) roleChange(int) []object {
	admin := g.users[1]
	target := g.users[2+g.rng.IntN(len(g.users)-2)]
	typ, newRole := "user.role_grant", "admin"
	if target.role == "admin" {
		typ, newRole = "user.role_revoke", "member"
	}
	old := target.role
	target.role = newRole
	f := g.dashboard(admin, "PATCH", "/v1/users/"+strconv.FormatInt(target.id, 10)+"/role", 200)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "user", typ, "user", strconv.FormatInt(target.id, 10)
	f["event_payload"] = object{{"old_role", old}, {"new_role", newRole}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) teamMembership(int) []object {
	admin := g.users[0]
	team := g.teams[g.rng.IntN(len(g.teams))]
	member := g.users[2+g.rng.IntN(len(g.users)-2)]
	typ, method := "team.member_add", "POST"
	if g.rng.IntN(3) == 0 {
		typ, method = "team.member_remove", "DELETE"
	}
	f := g.dashboard(admin, method, "/v1/teams/"+team+"/members", 200)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "team", typ, "team", team
	f["event_payload"] = object{{"member_user_id", member.id}, {"role", "member"}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) userCreate(int) []object {
	id := g.users[len(g.users)-1].id + 1 + int64(g.rng.IntN(20))
	u := &instavmUser{id: id, role: "member", keys: []string{g.hex("key_", 4)}, ip: fmt.Sprintf("198.51.100.%d", 100+g.rng.IntN(100)),
		agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"}
	g.users = append(g.users, u)
	f := g.dashboard(u, "POST", "/auth/signup", 201)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "user", "user.create", "user", strconv.FormatInt(id, 10)
	f["event_payload"] = object{{"plan", "free"}, {"referrer", "https://example.com/?a=1&b=<2>"}}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) userDelete(room int) []object {
	if len(g.users) <= 6 {
		return g.userCreate(room)
	}
	u := g.users[len(g.users)-1]
	g.users = g.users[:len(g.users)-1]
	f := g.dashboard(u, "DELETE", "/v1/users/me", 204)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "user", "user.delete", "user", strconv.FormatInt(u.id, 10)
	return []object{instavmRecord(f)}
}

func (g *instavmGen) autoStop(int) []object {
	vm := g.pickVM()
	f := map[string]any{
		"user_id": vm.owner.id, "actor_type": "system", "source": "system", "event_group": "vm",
		"event_type": "vm.auto_stop", "status": "success", "resource_type": "vm", "resource_id": vm.id,
		"vm_id": vm.id, "session_id": vm.session, "node_ip": fmt.Sprintf("10.0.%d.%d", 1+g.rng.IntN(3), 10+g.rng.IntN(40)),
		"worker_id":     "reaper-" + strconv.Itoa(1+g.rng.IntN(2)),
		"event_payload": object{{"reason", "idle_timeout"}, {"idle_seconds", 900 + 60*g.rng.IntN(10)}},
	}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) snapshot(int) []object {
	vm := g.pickVM()
	f := map[string]any{
		"user_id": vm.owner.id, "actor_type": "system", "actor_id": "scheduler", "source": "system",
		"event_group": "snapshot", "event_type": "snapshot.create", "status": "success", "resource_type": "snapshot",
		"resource_id": g.hex("snap_", 8), "vm_id": vm.id, "task_id": nil, "node_ip": "10.0.2.31", "worker_id": "snapshotter-1",
		"event_payload": object{{"size_mb", 200 + g.rng.IntN(4000)}, {"trigger", "nightly"}},
	}
	if g.rng.IntN(6) == 0 {
		f["status"] = "failure"
		f["error_message"] = "snapshot storage quota exceeded"
	}
	return []object{instavmRecord(f)}
}

func (g *instavmGen) planChange(int) []object {
	u := g.users[0]
	f := g.dashboard(u, "PUT", "/v1/billing/plan", 200)
	plans := []string{"free", "pro", "team"}
	i := g.rng.IntN(3)
	f["event_group"], f["event_type"], f["resource_type"], f["resource_id"] = "billing", "billing.plan_change", "subscription", "sub_"+strconv.FormatInt(u.id, 36)
	f["event_payload"] = object{{"old_plan", plans[i]}, {"new_plan", plans[(i+1)%3]}}
	return []object{instavmRecord(f)}
}
