package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Defaults of the Automox fake.
const (
	// DefaultAutomoxEvents is the size of the data set an Automox fake
	// serves when AutomoxOptions.Events is nil.
	DefaultAutomoxEvents = 2000

	// AutomoxDefaultAPIKey and AutomoxDefaultOrgUUID are the API key and
	// organization an Automox fake accepts when AutomoxOptions leaves them
	// empty. The organization is the tenant of the document's examples.
	AutomoxDefaultAPIKey  = "demo-automox-api-key"
	AutomoxDefaultOrgUUID = "7ee9f975-6cb7-44e9-afc3-3adbece95d74"

	// AutomoxDefaultLimit is the page size when a request sends no limit,
	// and AutomoxMaxLimit the largest limit accepted. The document gives the
	// maximum (500) but no default: 500 is UNCONFIRMED (it is the default of
	// Automox's other list endpoints).
	AutomoxDefaultLimit = 500
	AutomoxMaxLimit     = 500

	// AutomoxOrgHeader is the organization header the document's code
	// sample sends. The parameter table spells it without the "x-"
	// (AutomoxOrgHeaderAlt); which one the server reads is UNCONFIRMED.
	AutomoxOrgHeader    = "x-ax-organization-uuid"
	AutomoxOrgHeaderAlt = "ax-organization-uuid"
)

func init() { registerDemo("automox", startAutomoxDemo) }

// startAutomoxDemo is the demo of StartDemo("automox", cfg): cfg.Events
// generated events (seed cfg.Seed), the newest two seconds before the start of cfg.Now's second and
// the others over the days before it, within a walk's default window
// (30 days back), served with cfg.Faults.
func startAutomoxDemo(cfg DemoConfig) *Demo {
	f := NewAutomox(AutomoxOptions{Events: GenerateAutomoxEvents(cfg.Events, cfg.Seed, newestBefore(cfg.Now)), Faults: cfg.Faults})
	return &Demo{
		BaseURL:  f.URL(),
		Settings: map[string]string{"api_key": f.APIKey(), "org_uuid": f.OrgUUID()},
		Secrets:  []string{f.APIKey()},
		Records:  cfg.Events,
		Add:      demoAdder(cfg.Seed, GenerateAutomoxEvents, f.Add),
		Data:     f.Events,
		Stats:    f.Stats,
		Close:    f.Close,
	}
}

// automoxParams are the query parameters of the events endpoint.
func automoxParams() []string { return []string{"date", "cursor", "limit"} }

// AutomoxOptions configures an Automox fake. The zero value serves the
// default data set with the default credentials.
type AutomoxOptions struct {
	// APIKey is the bearer token the fake accepts; "" means
	// AutomoxDefaultAPIKey.
	APIKey string
	// OrgUUID is the organization the key may read; "" means
	// AutomoxDefaultOrgUUID.
	OrgUUID string

	// Events is the data set: audit events as raw JSON objects, in any
	// order, each served byte for byte as given (so a test can plant an
	// odd record). The fake files an event under the UTC day of its time
	// (epoch milliseconds, a numeric string, or float epoch seconds; a
	// value above 1e11 counts as milliseconds) and pages it by its id
	// (_id.$oid, _id as a string, or id), ascending, as the document's
	// cursor implies. An event without a readable time is never served.
	//
	// nil serves GenerateAutomoxEvents(DefaultAutomoxEvents, 1, Now): a
	// data set whose newest event is at Now, so that a walk of the last
	// day finds events; an empty, non-nil slice serves no events. The
	// document's own examples are in AutomoxDocExamples.
	Events []json.RawMessage

	// Now is the time of the newest record of the default data set (when
	// Events is nil). Zero means two seconds before the start of the second
	// the fake starts in: a walk started at once, which reads up to the
	// last completed second, reads all of it, and a walk of the last day
	// finds records.
	Now time.Time

	// Faults configures fault injection; see Faults.
	Faults Faults

	// BasePath, such as "/gateway", puts every route under a path prefix
	// (a proxy's, before the API's own "/api"); URL includes it.
	BasePath string

	// DefaultLimit is the page size when a request sends no limit; 0 means
	// AutomoxDefaultLimit.
	DefaultLimit int
}

// Automox is a fake of Automox's Audit Trail API, built from Automox's
// document of GET /api/audit-service/v1/orgs/{orgUuid}/events
// (https://developer.automox.com/openapi/audit-trail/operation/getAuditEvents).
//
// It serves, under URL() (the origin plus BasePath, as the client's base
// URL is the origin https://console.automox.com):
//
//   - GET /api/audit-service/v1/orgs/{orgUuid}/events, the documented path,
//     with bearer
//     authentication (Authorization: Bearer <API key>); the parameters date
//     (required, YYYY-MM-DD: the events of that UTC day), cursor (the events
//     whose id is greater than it) and limit (1..500); a bare JSON array of
//     the events, ascending by id.
//
// The organization header (x-ax-organization-uuid, or ax-organization-uuid
// as the parameter table spells it) is optional, as in the document; when
// sent it must name the organization of the path.
//
// Failures use Automox's error body, {"errors":["<message>"]}: 401 for a
// missing or wrong key; 403 for another organization than the key's; 400
// for a missing or malformed date, an unknown parameter, a parameter given
// twice or empty, a limit that is not an integer from 1 to 500, or an
// organization header that contradicts the path; 404 for other paths; 405
// for methods other than GET. Being strict on unknown, repeated and empty
// parameters is deliberate: it makes a client's query-building mistakes
// show. The real server's exact messages are not documented.
//
// Rate limits: Automox documents no rate-limit headers, so the fake sends
// none; an injected 429 carries Retry-After and {"errors":["Too many
// requests"]}. Under a Faults.Quota it sends the common X-RateLimit-*
// (see QuotaHeadersVendor).
//
// All methods are safe for concurrent use.
type Automox struct {
	base

	apiKey, org  string
	defaultLimit int

	set eventSet[automoxEvent] // sorted by day, then id; ties by seq
}

type automoxEvent struct {
	raw []byte
	id  string
	day string // UTC day of the event's time, "2006-01-02"; "" when unreadable
	seq int    // order of arrival, for ties
}

func (e automoxEvent) rawJSON() json.RawMessage { return e.raw }

// NewAutomox starts an Automox fake. It never fails; the caller must Close it.
func NewAutomox(opts AutomoxOptions) *Automox {
	a := &Automox{
		apiKey: cmp.Or(opts.APIKey, AutomoxDefaultAPIKey),
		org:    cmp.Or(opts.OrgUUID, AutomoxDefaultOrgUUID),
		set:    eventSet[automoxEvent]{parse: parseAutomoxEvent, compare: compareAutomoxEvents},
	}
	a.defaultLimit, _ = pageLimits(opts.DefaultLimit, 0, AutomoxDefaultLimit, AutomoxMaxLimit)
	a.set.add(eventsOr(opts.Events, GenerateAutomoxEvents, DefaultAutomoxEvents, opts.Now))
	a.listen(cleanBasePath(opts.BasePath), opts.Faults, a.route, a.writeFault, nil)
	return a
}

// StartAutomox is NewAutomox for tests: it closes the fake when tb's test
// ends.
func StartAutomox(tb testing.TB, opts AutomoxOptions) *Automox {
	tb.Helper()
	return closeAtEnd(tb, NewAutomox(opts))
}

// APIKey returns the API key the fake accepts.
func (a *Automox) APIKey() string { return a.apiKey }

// OrgUUID returns the organization the fake serves.
func (a *Automox) OrgUUID() string { return a.org }

// Events returns a copy of the data set in the order a walk over its days
// yields it: by UTC day, then by id within the day (ties in the order
// given). Events without a readable time, which are never served, come
// first.
func (a *Automox) Events() []json.RawMessage { return a.set.all() }

// Add adds events to the data set, as when new audit events arrive between
// two syncs. Events are copied; see AutomoxOptions.Events for the rules.
func (a *Automox) Add(events ...json.RawMessage) { a.set.add(events) }

// compareAutomoxEvents orders events by day, then id, ties in the order
// given.
func compareAutomoxEvents(x, y automoxEvent) int {
	if c := strings.Compare(x.day, y.day); c != 0 {
		return c
	}
	if c := strings.Compare(x.id, y.id); c != 0 {
		return c
	}
	return x.seq - y.seq
}

// parseAutomoxEvent reads what the fake needs of an event: its id and day.
func parseAutomoxEvent(raw json.RawMessage, seq int) automoxEvent {
	e := automoxEvent{raw: slices.Clone(raw), seq: seq}
	var m struct {
		OID  json.RawMessage `json:"_id"`
		ID   json.RawMessage `json:"id"`
		Time json.RawMessage `json:"time"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return e
	}
	e.id = automoxID(m.OID, m.ID)
	if t, ok := AutomoxTime(m.Time); ok {
		e.day = t.UTC().Format(time.DateOnly)
	}
	return e
}

// automoxID is the id of an event: _id.$oid, _id as a string, or id.
func automoxID(oid, id json.RawMessage) string {
	if len(oid) > 0 && oid[0] == '{' {
		var o struct {
			OID string `json:"$oid"`
		}
		if json.Unmarshal(oid, &o) == nil && o.OID != "" {
			return o.OID
		}
	}
	if s := rawString(oid); s != "" {
		return s
	}
	return rawString(id)
}

// AutomoxTime reads an Automox event time as the API sends it: epoch
// milliseconds (1718213009419), the same as a numeric string
// ("1718217424504"), or float epoch seconds (1774432800.123456). A value
// above 1e11 counts as milliseconds, a smaller one as seconds; fractions are
// kept to the microsecond. It reports false for anything else.
func AutomoxTime(raw json.RawMessage) (time.Time, bool) {
	s := string(bytes.TrimSpace(raw))
	if len(s) >= 2 && s[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}, false
		}
		s = strings.TrimSpace(s)
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || (hasFrac && frac == "") || len(frac) > 9 {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || n < 0 || strings.HasPrefix(intPart, "+") {
		return time.Time{}, false
	}
	var fracNanos int64 // the fraction, in billionths of the unit
	if hasFrac {
		f, err := strconv.ParseUint(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		fracNanos = int64(f)
	}
	if n > 1e11 { // milliseconds
		if n > 1e15 {
			return time.Time{}, false
		}
		return time.UnixMilli(n).Add(time.Duration(fracNanos/1e6) * time.Microsecond).UTC(), true
	}
	return time.Unix(n, fracNanos/1e3*1e3).UTC(), true
}

// route dispatches a request whose path is relative to the base path.
func (a *Automox) route(w http.ResponseWriter, r *http.Request) {
	org, ok := automoxEventsPath(r.URL.Path)
	if !ok {
		writeAutomoxError(w, http.StatusNotFound, "Entity not found")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeAutomoxError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed; use GET")
		return
	}
	if !a.authorized(r) {
		writeAutomoxError(w, http.StatusUnauthorized, "Access token is missing or invalid")
		return
	}
	if !strings.EqualFold(org, a.org) {
		writeAutomoxError(w, http.StatusForbidden, "You do not have permission to perform this action.")
		return
	}
	for _, h := range []string{AutomoxOrgHeader, AutomoxOrgHeaderAlt} {
		if v, sent := r.Header[http.CanonicalHeaderKey(h)]; sent && (len(v) != 1 || !strings.EqualFold(v[0], org)) {
			writeAutomoxError(w, http.StatusBadRequest, h+" must name the organization of the path, "+org)
			return
		}
	}
	a.serveEvents(w, r)
}

// automoxEventsPath returns the organization of a path
// /api/audit-service/v1/orgs/{orgUuid}/events (relative to the base path).
func automoxEventsPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/api/audit-service/v1/orgs/")
	if !ok {
		return "", false
	}
	org, ok := strings.CutSuffix(rest, "/events")
	if !ok || org == "" || strings.Contains(org, "/") {
		return "", false
	}
	return org, true
}

func (a *Automox) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return false
	}
	return secretEqual(tok, a.apiKey)
}

// automoxQuery is a validated query of the events endpoint.
type automoxQuery struct {
	day    string
	cursor string
	limit  int
}

// parseAutomoxQuery validates a query string and returns the problems
// found, one message each, in a stable order.
func (a *Automox) parseAutomoxQuery(raw string) (automoxQuery, []string) {
	q := automoxQuery{limit: a.defaultLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, []string{"the query string does not parse: " + err.Error()}
	}
	params := automoxParams()
	var msgs []string
	for _, k := range unknownParams(values, params) {
		msgs = append(msgs, "unknown parameter "+strconv.Quote(k)+"; the parameters are "+strings.Join(params, ", "))
	}
	if _, ok := values["date"]; !ok {
		msgs = append(msgs, "date is required (YYYY-MM-DD)")
	}
	for _, k := range params {
		vs, ok := values[k]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			msgs = append(msgs, k+" is given "+strconv.Itoa(len(vs))+" times; give it once")
			continue
		}
		v := vs[0]
		if v == "" {
			msgs = append(msgs, k+" is empty; leave it out or give a value")
			continue
		}
		switch k {
		case "date":
			d, err := time.Parse(time.DateOnly, v)
			if err != nil || d.Format(time.DateOnly) != v {
				msgs = append(msgs, "date must be a date such as 2021-01-01, got "+strconv.Quote(v))
				continue
			}
			q.day = v
		case "cursor":
			q.cursor = v
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > AutomoxMaxLimit {
				msgs = append(msgs, "limit must be an integer from 1 to 500, got "+strconv.Quote(v))
				continue
			}
			q.limit = n
		}
	}
	return q, msgs
}

func (a *Automox) serveEvents(w http.ResponseWriter, r *http.Request) {
	q, msgs := a.parseAutomoxQuery(r.URL.RawQuery)
	if len(msgs) > 0 {
		writeAutomoxError(w, http.StatusBadRequest, msgs...)
		return
	}
	var b bytes.Buffer
	b.WriteByte('[')
	a.set.mu.RLock()
	evs := a.set.events
	// The data set is sorted by day, then id: the page is a range of it.
	i := sort.Search(len(evs), func(i int) bool {
		if evs[i].day != q.day {
			return evs[i].day > q.day
		}
		return evs[i].id > q.cursor
	})
	for n := 0; i < len(evs) && evs[i].day == q.day && n < q.limit; i, n = i+1, n+1 {
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(evs[i].raw)
	}
	a.set.mu.RUnlock()
	b.WriteByte(']')
	writeBody(w, http.StatusOK, jsonType, b.Bytes())
}

// writeFault writes the error responses of the shared server: injected
// faults and paths outside the base path.
func (a *Automox) writeFault(w http.ResponseWriter, _ *http.Request, status int, _ time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		writeAutomoxError(w, status, "Too many requests")
	case http.StatusServiceUnavailable:
		writeAutomoxError(w, status, "Service Unavailable")
	case http.StatusInternalServerError:
		writeAutomoxError(w, status, "Internal Server Error")
	default:
		writeAutomoxError(w, status, "Entity not found")
	}
}

// writeAutomoxError writes Automox's error body, {"errors":[...]}.
func writeAutomoxError(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	writeBody(w, status, jsonType, mustJSON(object{{"errors", msgs}}))
}
