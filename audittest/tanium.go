package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of the Tanium fake.
const (
	// DefaultTaniumEvents is the number of history entries a Tanium fake
	// serves when TaniumOptions.Events is nil.
	DefaultTaniumEvents = 2000

	// TaniumDefaultAPIToken is the API token a Tanium fake accepts when
	// TaniumOptions.APIToken is empty. Requests carry it as
	// session: token-demo-tanium-token.
	TaniumDefaultAPIToken = "demo-tanium-token"

	// TaniumDefaultHistorySize is the number of entries served per object
	// when a request sends no audit_history_size: 1, the header's default
	// (pytan3; the SOAP schema says the same).
	TaniumDefaultHistorySize = 1

	// TaniumMaxHistorySize is the most entries served per object unless
	// TaniumOptions.MaxHistorySize says otherwise; larger sizes are clamped,
	// as the real server caps them (its cap is UNCONFIRMED).
	TaniumMaxHistorySize = 10000
)

func init() { registerDemo("tanium", startTaniumDemo) }

// The demo's deep histories: objects whose history is deeper than a walk's
// default first depth (100 entries), so that a demo walk reads them again
// deeper.
const (
	taniumDemoDeepObjects = 5
	taniumDemoDeepEntries = 150
)

// startTaniumDemo is StartDemo's Tanium fake: cfg.Events history entries
// of seed cfg.Seed, the newest two seconds before the start of cfg.Now's
// second. Up to
// taniumDemoDeepObjects of its objects (as many as half the data set
// holds) have histories of taniumDemoDeepEntries entries
// (GenerateTaniumHistories), the rest is GenerateTaniumEvents; it serves
// them with cfg.Faults. Its objects setting covers every object of the
// data set; the server is its BaseURL.
func startTaniumDemo(cfg DemoConfig) *Demo {
	end := newestBefore(cfg.Now)
	deep := min(taniumDemoDeepObjects, cfg.Events/(2*taniumDemoDeepEntries))
	events := GenerateTaniumEvents(cfg.Events-deep*taniumDemoDeepEntries, cfg.Seed, end)
	events = append(events, GenerateTaniumHistories(deep, taniumDemoDeepEntries, cfg.Seed, end)...)
	f := NewTanium(TaniumOptions{Events: events, Faults: cfg.Faults})
	// Add updates the data set's objects in turn (every seventh), each
	// entry unique by its details: the objects setting covers them all.
	objs, added, mu := f.Objects(), 0, sync.Mutex{}
	add := func(n int, at time.Time) int {
		mu.Lock()
		defer mu.Unlock()
		entries := make([]TaniumEntry, n)
		for i := range entries {
			typ, id, _ := strings.Cut(objs[added*7%len(objs)], ":")
			added++
			num, _ := strconv.Atoi(id)
			entries[i] = TaniumEntry{Type: typ, ID: id, Raw: mustJSON(object{
				{"object_id", num},
				{"details", "name=added " + strconv.Itoa(added) + "\nrevision=" + strconv.Itoa(added)},
				{"creation_time", at.Add(-24 * time.Hour).UTC().Format(time.RFC3339)},
				{"modification_time", at.UTC().Format(time.RFC3339)},
				{"last_modified_by", "tanium"},
				{"modifier_user_id", 1},
				{"mod_user", object{{"id", 1}, {"name", "tanium"}, {"domain", ""}, {"display_name", "Tanium Administrator"}}},
				{"type", 1},
			})}
		}
		f.Add(entries...)
		return n
	}
	return &Demo{
		BaseURL:  f.URL(),
		Settings: map[string]string{"server": f.URL(), "token": f.APIToken(), "objects": f.ObjectList()},
		Secrets:  []string{f.APIToken(), "token-" + f.APIToken()},
		Records:  len(events),
		Add:      add,
		Data: func() []json.RawMessage {
			var out []json.RawMessage
			for _, e := range f.Events() {
				out = append(out, e.Raw)
			}
			return out
		},
		Stats: f.Stats,
		Close: f.Close,
	}
}

// taniumTypes are the object types of the audit history route, as Tanium's
// pytan3 lists them for the REST API, with the audit type each history's
// type member names (the SOAP schema's audit types; packages are
// package_spec_audit there).
var taniumTypes = []struct{ name, audit string }{
	{"content_set", "content_set_audit"},
	{"content_set_role", "content_set_role_audit"},
	{"dashboard", "dashboard_audit"},
	{"dashboard_group", "dashboard_group_audit"},
	{"group", "group_audit"},
	{"package", "package_spec_audit"},
	{"plugin_schedule", "plugin_schedule_audit"},
	{"saved_action", "saved_action_audit"},
	{"saved_question", "saved_question_audit"},
	{"sensor", "sensor_audit"},
	{"system_setting", "system_setting_audit"},
	{"user", "user_audit"},
	{"user_group", "user_group_audit"},
	{"white_listed_url", "white_listed_url_audit"},
}

// TaniumObjectTypes returns the object types the fake serves histories for,
// in the order vendors.md lists them.
func TaniumObjectTypes() []string {
	out := make([]string, len(taniumTypes))
	for i, t := range taniumTypes {
		out[i] = t.name
	}
	return out
}

func taniumTypeIndex(name string) int {
	for i, t := range taniumTypes {
		if t.name == name {
			return i
		}
	}
	return -1
}

// TaniumEntry is one audit history entry of the fake's data set: the object
// whose history holds it, and the entry as the API sends it. (An entry does
// not name its object's type, so the data set says it beside the entry.)
type TaniumEntry struct {
	// Type is the object type, e.g. "sensor" (see TaniumObjectTypes).
	Type string
	// ID is the object id, a positive integer in decimal.
	ID string
	// Raw is the entry, a JSON object served byte for byte as given.
	Raw json.RawMessage
}

// Object returns the entry's object as TYPE:ID, e.g. "sensor:7".
func (e TaniumEntry) Object() string { return e.Type + ":" + e.ID }

// TaniumOptions configures a Tanium fake. The zero value serves the default
// data set with the default token.
type TaniumOptions struct {
	// APIToken is the token the fake accepts; empty means
	// TaniumDefaultAPIToken.
	APIToken string

	// Events is the data set: history entries with their objects, in any
	// order. Each object's history is served newest first by
	// modification_time (else creation_time); entries of the same time the
	// other way round from the order given (the later one is the newer
	// row). An object exists when it has at least one entry.
	//
	// nil serves GenerateTaniumEvents(DefaultTaniumEvents, 1, Now): a
	// data set whose newest entry is at Now, so that a walk of the last
	// day finds entries; an empty, non-nil slice serves no objects.
	Events []TaniumEntry

	// Now is the time of the newest record of the default data set (when
	// Events is nil). Zero means two seconds before the start of the second
	// the fake starts in: a walk started at once, which reads up to the
	// last completed second, reads all of it, and a walk of the last day
	// finds records.
	Now time.Time

	// Faults configures fault injection; see Faults.
	Faults Faults

	// BasePath, such as "/prefix", puts every route under a path prefix;
	// URL includes it.
	BasePath string

	// MaxHistorySize caps the entries served per object; 0 means
	// TaniumMaxHistorySize. A larger audit_history_size is served this
	// many entries, with nothing in the response to say it was capped.
	// INVENTED: no document says what the server does above its
	// max_soap_audit_entries_per_cache setting; answering short and
	// silent is the hardest case for a client.
	MaxHistorySize int

	// OldestFirst serves the last N entries of a history oldest first
	// (still the newest N, in the other order). INVENTED: no document says
	// in which order the entries come; the fake sends them newest first
	// unless told so, and a client must not rely on either.
	OldestFirst bool

	// BeforeHistory, when set, is called with the object (TYPE:ID) and
	// the size served before each history is read, outside the fake's
	// lock: a test may Add entries there, as when an object changes
	// between two requests of one walk.
	BeforeHistory func(object string, size int)

	// CacheInfo makes the fake append a cache_info element
	// ({"cache_id":..,"cache_row_count":..}) to every entries array, as
	// Tanium's REST arrays may carry one (pytan3 removes it).
	CacheInfo bool
}

// Tanium is a fake of the Tanium platform REST API's audit history route,
// GET /api/v2/audit_logs/{type}s/{id}, as Tanium's pytan3 client calls it
// (vendors.md §6; no official reference documents it).
//
// It serves, under URL():
//
//   - GET /api/v2/audit_logs/{type}s/{id} for the types of
//     TaniumObjectTypes, with the header session: token-<token>; the
//     header tanium-options, a JSON object whose audit_history_size (a
//     positive integer, default 1, clamped to MaxHistorySize) is the number
//     of entries served: exactly the last N of the object's history (all
//     of it when it is shorter), newest first (oldest first with
//     OldestFirst); other options are ignored. Histories may be of any
//     depth (see GenerateTaniumHistories for deep ones). The body
//     is {"data":{"id":ID,"type":"<type>_audit","start_time":"",
//     "end_time":"","entries":[...]}}.
//
// Failures use Tanium's error body, {"text":"..."}: 401 without the
// session header or with another token; 400 for a tanium-options header
// that is not a JSON object, an audit_history_size that is not a positive
// integer, a query parameter (the route takes none) or an id that is not a
// positive integer; 404 for an unknown type, an object with no history,
// and other paths; 405 for methods other than GET. Injected 429s carry
// Retry-After only: Tanium documents no rate-limit headers. Under a
// Faults.Quota the fake sends the common X-RateLimit-* (see
// QuotaHeadersVendor).
//
// All methods are safe for concurrent use.
type Tanium struct {
	base

	token       string
	maxSize     int
	cacheInfo   bool
	oldestFirst bool
	before      func(object string, size int)

	mu      sync.RWMutex
	objects map[string]*taniumObject // by TYPE:ID
	nextSeq int
}

// taniumObject is one object's history, newest first.
type taniumObject struct {
	typ     string
	id      string
	entries []taniumEntry
}

type taniumEntry struct {
	raw json.RawMessage
	at  time.Time
	seq int
}

// NewTanium starts a Tanium fake on a loopback port. The caller must call
// Close. It never fails: unset options take their defaults and invalid
// entries are served as given (an entry without a time sorts last).
func NewTanium(opts TaniumOptions) *Tanium {
	t := &Tanium{
		token:       cmp.Or(opts.APIToken, TaniumDefaultAPIToken),
		maxSize:     positiveOr(opts.MaxHistorySize, TaniumMaxHistorySize),
		cacheInfo:   opts.CacheInfo,
		oldestFirst: opts.OldestFirst,
		before:      opts.BeforeHistory,
		objects:     map[string]*taniumObject{},
	}
	t.addLocked(eventsOr(opts.Events, GenerateTaniumEvents, DefaultTaniumEvents, opts.Now))
	t.listen(opts.BasePath, opts.Faults, t.route, t.writeFault, nil)
	return t
}

// StartTanium is NewTanium for tests: it closes the fake when tb's test ends.
func StartTanium(tb testing.TB, opts TaniumOptions) *Tanium {
	tb.Helper()
	return closeAtEnd(tb, NewTanium(opts))
}

// APIToken returns the API token the fake accepts (without the "token-"
// prefix of the session header).
func (t *Tanium) APIToken() string { return t.token }

// Objects returns the objects that have a history, as TYPE:ID, by type in
// the order of TaniumObjectTypes and by numeric id within a type.
func (t *Tanium) Objects() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.objectKeysLocked()
}

// ObjectList returns Objects joined by commas: the value of the CLI's
// --objects flag that covers the whole data set.
func (t *Tanium) ObjectList() string { return strings.Join(t.Objects(), ",") }

func (t *Tanium) objectKeysLocked() []string {
	objs := make([]*taniumObject, 0, len(t.objects))
	for _, o := range t.objects {
		objs = append(objs, o)
	}
	slices.SortFunc(objs, func(a, b *taniumObject) int {
		if c := taniumTypeIndex(a.typ) - taniumTypeIndex(b.typ); c != 0 {
			return c
		}
		if c := len(a.id) - len(b.id); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.typ + ":" + o.id
	}
	return out
}

// Events returns a copy of the whole data set in the order a walk over
// Objects with a large enough history size yields it: object after object
// in the order of Objects, each history newest first (oldest first with
// TaniumOptions.OldestFirst).
func (t *Tanium) Events() []TaniumEntry {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []TaniumEntry
	for _, key := range t.objectKeysLocked() {
		o := t.objects[key]
		from := len(out)
		for _, e := range o.entries {
			out = append(out, TaniumEntry{Type: o.typ, ID: o.id, Raw: slices.Clone(e.raw)})
		}
		if t.oldestFirst {
			slices.Reverse(out[from:])
		}
	}
	return out
}

// History returns a copy of one object's history (TYPE:ID), newest first
// whatever TaniumOptions.OldestFirst says; nil when the object has none.
func (t *Tanium) History(object string) []json.RawMessage {
	t.mu.RLock()
	defer t.mu.RUnlock()
	o := t.objects[object]
	if o == nil {
		return nil
	}
	out := make([]json.RawMessage, len(o.entries))
	for i, e := range o.entries {
		out[i] = slices.Clone(e.raw)
	}
	return out
}

// Add adds entries to the data set, as when objects change between two
// syncs. Entries are copied; see TaniumOptions.Events for the rules.
func (t *Tanium) Add(entries ...TaniumEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addLocked(entries)
}

func (t *Tanium) addLocked(entries []TaniumEntry) {
	touched := map[*taniumObject]bool{}
	for _, e := range entries {
		key := e.Type + ":" + e.ID
		o := t.objects[key]
		if o == nil {
			o = &taniumObject{typ: e.Type, id: e.ID}
			t.objects[key] = o
		}
		o.entries = append(o.entries, taniumEntry{raw: slices.Clone(e.Raw), at: taniumEntryTime(e.Raw), seq: t.nextSeq})
		t.nextSeq++
		touched[o] = true
	}
	for o := range touched {
		slices.SortFunc(o.entries, func(a, b taniumEntry) int {
			if c := b.at.Compare(a.at); c != 0 {
				return c
			}
			return b.seq - a.seq
		})
	}
}

// taniumEntryTime is an entry's modification_time, else its creation_time;
// zero when neither parses.
func taniumEntryTime(raw json.RawMessage) time.Time {
	var m struct {
		Creation     json.RawMessage `json:"creation_time"`
		Modification json.RawMessage `json:"modification_time"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return time.Time{}
	}
	for _, v := range []json.RawMessage{m.Modification, m.Creation} {
		if t, err := time.Parse(time.RFC3339Nano, rawString(v)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

const taniumRoutePrefix = "/api/v2/audit_logs/"

// route serves a request whose path is relative to the base path.
func (t *Tanium) route(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, taniumRoutePrefix)
	if !ok {
		writeTaniumError(w, http.StatusNotFound, "Not Found: no such resource "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeTaniumError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; use GET")
		return
	}
	if !t.authorized(r) {
		writeTaniumError(w, http.StatusUnauthorized, "Unauthorized: the session header holds no valid session or API token")
		return
	}
	plural, id, ok := strings.Cut(rest, "/")
	typ, isPlural := strings.CutSuffix(plural, "s")
	ti := taniumTypeIndex(typ)
	if !ok || !isPlural || ti < 0 || strings.Contains(id, "/") {
		writeTaniumError(w, http.StatusNotFound, "Not Found: no audit log route "+r.URL.Path+"; the types are "+strings.Join(TaniumObjectTypes(), ", ")+" (plural)")
		return
	}
	if r.URL.RawQuery != "" {
		writeTaniumError(w, http.StatusBadRequest, "Bad Request: the audit log route takes no query parameters; set the history size in the tanium-options header")
		return
	}
	if !taniumValidID(id) {
		writeTaniumError(w, http.StatusBadRequest, "Bad Request: object id "+strconv.Quote(id)+" is not a positive integer")
		return
	}
	size, msg := t.historySize(r.Header.Values("Tanium-Options"))
	if msg != "" {
		writeTaniumError(w, http.StatusBadRequest, "Bad Request: "+msg)
		return
	}

	if t.before != nil {
		t.before(typ+":"+id, size)
	}
	t.mu.RLock()
	o := t.objects[typ+":"+id]
	var entries []json.RawMessage
	if o != nil {
		n := min(size, len(o.entries))
		entries = make([]json.RawMessage, n)
		for i := range n {
			entries[i] = o.entries[i].raw
		}
		if t.oldestFirst {
			slices.Reverse(entries)
		}
	}
	t.mu.RUnlock()
	if o == nil {
		writeTaniumError(w, http.StatusNotFound, "Not Found: no audit history for "+typ+" "+id)
		return
	}

	var b bytes.Buffer
	b.Grow(128 + rawListSize(entries))
	b.WriteString(`{"data":{"id":`)
	b.WriteString(id)
	b.WriteString(`,"type":"`)
	b.WriteString(taniumTypes[ti].audit)
	b.WriteString(`","start_time":"","end_time":"","entries":[`)
	writeRawList(&b, entries)
	if t.cacheInfo {
		if len(entries) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"cache_id":` + strconv.Itoa(4200+t.srv.requestCount()) + `,"cache_row_count":` + strconv.Itoa(len(entries)) + `}`)
	}
	b.WriteString(`]}}`)
	writeBody(w, http.StatusOK, jsonType, b.Bytes())
}

// authorized checks the session header: token-<token>, or the token alone
// when it already begins with "token-".
func (t *Tanium) authorized(r *http.Request) bool {
	got := r.Header.Get("Session")
	want := "token-" + t.token
	if strings.HasPrefix(t.token, "token-") {
		want = t.token
	}
	return got != "" && secretEqual(got, want)
}

// historySize reads the tanium-options header; msg is set when it is bad.
func (t *Tanium) historySize(headers []string) (size int, msg string) {
	size = TaniumDefaultHistorySize
	if len(headers) == 0 {
		return size, ""
	}
	if len(headers) > 1 {
		return 0, "tanium-options is given " + strconv.Itoa(len(headers)) + " times; give it once"
	}
	var opts map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(headers[0]))
	dec.UseNumber()
	if err := dec.Decode(&opts); err != nil || opts == nil {
		return 0, "tanium-options is not a JSON object: " + strconv.Quote(headers[0])
	}
	raw, ok := opts["audit_history_size"]
	if !ok {
		return size, ""
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < 1 {
		return 0, "audit_history_size must be a positive integer, got " + string(raw)
	}
	return min(n, t.maxSize), ""
}

func taniumValidID(id string) bool {
	if id == "" || id[0] == '0' || len(id) > 18 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// writeFault writes the error responses of the shared server.
func (t *Tanium) writeFault(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		writeTaniumError(w, status, "Too Many Requests: retry after "+strconv.FormatInt(ceilSeconds(retryAfter), 10)+" seconds")
	case http.StatusServiceUnavailable:
		writeTaniumError(w, status, "Service Unavailable: the Tanium Server is not ready")
	case http.StatusInternalServerError:
		writeTaniumError(w, status, "Internal Server Error")
	default:
		writeTaniumError(w, status, "Not Found: no such resource")
	}
}

// writeTaniumError writes Tanium's error body, {"text":"..."}.
func writeTaniumError(w http.ResponseWriter, status int, text string) {
	writeBody(w, status, jsonType, mustJSON(object{{"text", text}}))
}
