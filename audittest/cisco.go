package audittest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of the Cisco fake.
const (
	// DefaultCiscoEvents is the size of the data set a Cisco fake serves
	// when CiscoOptions.Events is nil.
	DefaultCiscoEvents = 2000

	// CiscoDefaultClientID and CiscoDefaultAPIKey are the credentials a
	// Cisco fake expects when CiscoOptions leaves them empty.
	CiscoDefaultClientID = "demo-client-id"
	CiscoDefaultAPIKey   = "demo-api-key"

	// CiscoDefaultLimit is the page size when a request sends no limit, and
	// CiscoMaxLimit the largest page a request gets. The real API's values
	// are UNCONFIRMED: Cisco does not document them; 500 is what community
	// collectors use.
	CiscoDefaultLimit = 500
	CiscoMaxLimit     = 500

	// CiscoDefaultRateLimit is the hourly quota the fake announces in its
	// rate-limit headers (the document's example shows 3000; the real quota
	// is UNCONFIRMED).
	CiscoDefaultRateLimit = 3000

	// CiscoHeaderStyleXRateLimit spells the rate-limit headers as the
	// audit_logs document does: x-ratelimit-limit, x-ratelimit-remaining,
	// x-ratelimit-reset (seconds) and x-ratelimit-resetdate.
	CiscoHeaderStyleXRateLimit = "x-ratelimit"
	// CiscoHeaderStyleXRateDashLimit spells them as Cisco's API overview
	// does: X-Rate-Limit-Limit, X-Rate-Limit-Remaining and
	// X-Rate-Limit-Reset (seconds); there is no reset date in this style.
	CiscoHeaderStyleXRateDashLimit = "x-rate-limit"
)

// Versions the Cisco API prints in its bodies: v1.2.0 on the audit_logs
// responses of the document, v0.1.0 on the one error envelope Cisco
// documents (the overview's 401).
const (
	ciscoVersion      = "v1.2.0"
	ciscoErrorVersion = "v0.1.0"
)

// ciscoParams are the query parameters of GET /v1/audit_logs: the seven of
// the document plus offset, which the document's next links carry.
func ciscoParams() []string {
	return []string{
		"audit_log_type", "limit", "audit_log_id", "event",
		"start_time", "end_time", "audit_log_user", "offset",
	}
}

// CiscoOptions configures a Cisco fake. The zero value serves the default
// data set with the default credentials.
type CiscoOptions struct {
	// ClientID and APIKey are the HTTP Basic credentials the fake accepts
	// (user = client id, password = API key). Empty means
	// CiscoDefaultClientID and CiscoDefaultAPIKey.
	ClientID, APIKey string

	// Events is the data set: audit log records as raw JSON objects, in any
	// order. The fake serves them newest first by created_at, records of the
	// same second in the order given, each byte for byte as given (so a test
	// can plant an odd record). A record whose created_at is missing or not
	// RFC 3339 sorts last and counts as the zero time for time filters.
	//
	// nil serves GenerateCiscoEvents(DefaultCiscoEvents, 1, Now): a data
	// set ending when the fake starts, so that a walk of the last day
	// finds events; an empty, non-nil slice serves no events.
	Events []json.RawMessage

	// Now is the time of the newest record of the default data set (when
	// Events is nil). Zero means two seconds before the start of the second
	// the fake starts in: a walk started at once, which reads up to the
	// last completed second, reads all of it, and a walk of the last day
	// finds records.
	Now time.Time

	// Faults configures fault injection; see Faults.
	Faults Faults

	// BasePath, such as "/prefix", puts every route under a path prefix;
	// URL includes it. A non-empty prefix makes a client's path-joining
	// mistakes show.
	BasePath string

	// DefaultLimit is the page size when a request sends no limit; 0 means
	// CiscoDefaultLimit (500, UNCONFIRMED for the real API).
	DefaultLimit int

	// MaxLimit is the largest page served; a larger limit is clamped to it
	// (items_per_page then reports MaxLimit) rather than refused. 0 means
	// CiscoMaxLimit (500, UNCONFIRMED for the real API).
	MaxLimit int

	// RateLimit is the quota the rate-limit headers announce; 0 means
	// CiscoDefaultRateLimit. It is not enforced: the remaining quota
	// counts down by one per request through the upper half of it, then
	// starts again, never reaching the lower half (where a client spreads
	// what remains) nor 0; only FaultRateLimit sends 0. A Faults.Quota
	// replaces it: the headers then announce and enforce the quota's.
	RateLimit int

	// HeaderStyle chooses the spelling of the rate-limit headers:
	// CiscoHeaderStyleXRateLimit (the default, as in the audit_logs
	// document) or CiscoHeaderStyleXRateDashLimit (as in Cisco's API
	// overview). Other values mean the default.
	HeaderStyle string

	// LiveInserts, when positive, models records arriving while clients
	// page: before serving each GET /v1/audit_logs (that is not answered
	// with an injected fault), the fake adds that many new records to the
	// data set, created at the fake's clock (Clock) to the second, as
	// Cisco stamps them. The data set is served newest first, so each
	// insert inside a request's time window shifts the offsets of its
	// later pages by one, as on the real API. LiveMax bounds the number
	// inserted in all (0: no bound); Inserted returns them.
	LiveInserts int
	LiveMax     int
	// Clock is the fake's clock for live inserts; nil means time.Now.
	Clock func() time.Time
}

// Cisco is a fake of the Cisco Secure Endpoint (formerly AMP for Endpoints)
// audit log API, built from Cisco's GET /v1/audit_logs document
// (https://api-docs.amp.cisco.com/api_actions/details?api_action=GET+%2Fv1%2Faudit_logs&api_host=api.amp.cisco.com&api_resource=AuditLog&api_version=v1).
//
// It serves, under URL():
//
//   - GET /v1/audit_logs with HTTP Basic authentication, the parameters
//     audit_log_type, audit_log_id, event and audit_log_user (exact match),
//     start_time and end_time (RFC 3339, both inclusive), limit and offset;
//     newest first; the document's envelope with metadata.links.self and
//     metadata.links.next (absolute URLs that keep the request's query as
//     sent and set offset) and metadata.results; the rate-limit headers and
//     a weak ETag as in the document's example.
//   - GET /v1/audit_log_types, the audit_log_type values of the data set.
//     Its real response is not in the document: the shape served here,
//     {"data":[{"name":"Agent"},...]} inside the usual envelope, is a guess.
//
// Failures use Cisco's error envelope,
// {"version":"v0.1.0","data":{},"errors":[{"error_code":401,"description":"Unauthorized","details":["Unknown API key or Client ID"]}]}:
// 401 for missing or wrong credentials; 400 for an unknown parameter, a
// parameter given twice or empty, a limit that is not a positive integer, an
// offset that is not a non-negative integer, or a time that is not RFC 3339
// (the details name the parameter; audit_log_id is not checked to be a
// GUID, as Computer records use 20-hex-digit connector GUIDs); 404 for
// other paths; 405 for methods
// other than GET. Being stricter than the real API on repeated and empty
// parameters is deliberate: it makes a client's query-building mistakes show.
//
// Offsets index the current data set, as offsets do: events added during a
// walk (Add, or CiscoOptions.LiveInserts) shift later pages, and a client
// that does not pin end_time before the records arriving sees some twice.
//
// All methods are safe for concurrent use.
type Cisco struct {
	base

	clientID, apiKey string
	defaultLimit     int
	maxLimit         int
	rateLimit        int
	headerStyle      string
	start            time.Time

	set eventSet[ciscoEvent] // newest first; ties by seq

	liveInserts, liveMax int
	clock                func() time.Time
	liveMu               sync.Mutex
	inserted             []json.RawMessage // the live inserts so far
}

// ciscoEvent is one record of the data set with the fields the API filters
// and sorts on.
type ciscoEvent struct {
	raw       json.RawMessage
	event     string
	typ       string
	id        string
	user      string
	createdAt time.Time
	seq       int
}

func (e ciscoEvent) rawJSON() json.RawMessage { return e.raw }

func init() { registerDemo("cisco", startCiscoDemo) }

// startCiscoDemo serves cfg.Events generated records, the newest
// two seconds before the start of cfg.Now's second (newestBefore).
func startCiscoDemo(cfg DemoConfig) *Demo {
	f := NewCisco(CiscoOptions{Events: GenerateCiscoEvents(cfg.Events, cfg.Seed, newestBefore(cfg.Now)), Faults: cfg.Faults})
	return &Demo{
		BaseURL:  f.URL(),
		Settings: map[string]string{"client_id": f.ClientID(), "api_key": f.APIKey()},
		Secrets:  []string{f.ClientID(), f.APIKey()},
		Records:  len(f.Events()),
		Add:      demoAdder(cfg.Seed, GenerateCiscoEvents, f.Add),
		Data:     f.Events,
		Stats:    f.Stats,
		Close:    f.Close,
	}
}

// NewCisco starts a Cisco fake on a loopback port. The caller must call
// Close. It never fails: unset options take their defaults and invalid ones
// are clamped.
func NewCisco(opts CiscoOptions) *Cisco {
	c := &Cisco{
		clientID:    cmp.Or(opts.ClientID, CiscoDefaultClientID),
		apiKey:      cmp.Or(opts.APIKey, CiscoDefaultAPIKey),
		rateLimit:   positiveOr(opts.RateLimit, CiscoDefaultRateLimit),
		headerStyle: opts.HeaderStyle,
		start:       time.Now(),
		set:         eventSet[ciscoEvent]{parse: parseCiscoEvent, compare: compareCiscoEvents},
	}
	c.defaultLimit, c.maxLimit = pageLimits(opts.DefaultLimit, opts.MaxLimit, CiscoDefaultLimit, CiscoMaxLimit)
	if c.headerStyle != CiscoHeaderStyleXRateDashLimit {
		c.headerStyle = CiscoHeaderStyleXRateLimit
	}
	c.set.add(eventsOr(opts.Events, GenerateCiscoEvents, DefaultCiscoEvents, opts.Now))
	c.liveInserts, c.liveMax, c.clock = max(opts.LiveInserts, 0), max(opts.LiveMax, 0), opts.Clock
	if c.clock == nil {
		c.clock = time.Now
	}
	c.listen(opts.BasePath, opts.Faults, c.route, c.writeFault, c.writeRateHeaders)
	return c
}

// Inserted returns a copy of the records the fake added by itself
// (CiscoOptions.LiveInserts), in the order it added them.
func (c *Cisco) Inserted() []json.RawMessage {
	c.liveMu.Lock()
	defer c.liveMu.Unlock()
	out := make([]json.RawMessage, len(c.inserted))
	for i, r := range c.inserted {
		out[i] = slices.Clone(r)
	}
	return out
}

// insertLive adds the live inserts of one request (CiscoOptions.LiveInserts).
func (c *Cisco) insertLive() {
	c.liveMu.Lock()
	n := c.liveInserts
	if c.liveMax > 0 {
		n = min(n, c.liveMax-len(c.inserted))
	}
	recs := make([]json.RawMessage, 0, max(n, 0))
	for range n {
		seq := len(c.inserted) + 1
		at := c.clock().UTC().Truncate(time.Second)
		rec := json.RawMessage(`{"event":"create","audit_log_type":"Computer","audit_log_id":"` + fmt.Sprintf("%020x", seq) +
			`","audit_log_user":"live-inserts@example.com","created_at":"` + at.Format(time.RFC3339) +
			`","old_attributes":{"name":null},"new_attributes":{"name":"live-` + strconv.Itoa(seq) + `"}}`)
		c.inserted = append(c.inserted, rec)
		recs = append(recs, rec)
	}
	c.liveMu.Unlock()
	if len(recs) > 0 {
		c.set.add(recs)
	}
}

// StartCisco is NewCisco for tests: it closes the fake when tb's test ends.
func StartCisco(tb testing.TB, opts CiscoOptions) *Cisco {
	tb.Helper()
	return closeAtEnd(tb, NewCisco(opts))
}

// ClientID returns the client id the fake accepts.
func (c *Cisco) ClientID() string { return c.clientID }

// APIKey returns the API key the fake accepts.
func (c *Cisco) APIKey() string { return c.apiKey }

// Events returns a copy of the whole data set in the order the API returns
// it: newest first by created_at, records of the same second in the order
// they were given or added.
func (c *Cisco) Events() []json.RawMessage { return c.set.all() }

// Add adds events to the data set, as when new audit records arrive between
// two syncs. Records are copied; see CiscoOptions.Events for the rules.
func (c *Cisco) Add(events ...json.RawMessage) { c.set.add(events) }

// compareCiscoEvents orders records newest first, ties in the order given.
func compareCiscoEvents(a, b ciscoEvent) int {
	if c := b.createdAt.Compare(a.createdAt); c != 0 {
		return c
	}
	return a.seq - b.seq
}

func parseCiscoEvent(raw json.RawMessage, seq int) ciscoEvent {
	e := ciscoEvent{raw: slices.Clone(raw), seq: seq}
	// Raw members, so that a member of an unexpected type spoils only
	// itself: it matches no filter.
	var m struct {
		Event        json.RawMessage `json:"event"`
		AuditLogType json.RawMessage `json:"audit_log_type"`
		AuditLogID   json.RawMessage `json:"audit_log_id"`
		AuditLogUser json.RawMessage `json:"audit_log_user"`
		CreatedAt    json.RawMessage `json:"created_at"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return e
	}
	e.event = rawString(m.Event)
	e.typ = rawString(m.AuditLogType)
	e.id = rawString(m.AuditLogID)
	e.user = rawString(m.AuditLogUser)
	if t, err := time.Parse(time.RFC3339Nano, rawString(m.CreatedAt)); err == nil {
		e.createdAt = t.UTC()
	}
	return e
}

// route dispatches a request whose path is relative to the base path.
func (c *Cisco) route(w http.ResponseWriter, r *http.Request) {
	var serve func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case "/v1/audit_logs":
		serve = c.serveAuditLogs
	case "/v1/audit_log_types":
		serve = c.serveAuditLogTypes
	default:
		writeCiscoError(w, http.StatusNotFound, "no such resource: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeCiscoError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; use GET")
		return
	}
	if !c.authorized(r) {
		writeCiscoError(w, http.StatusUnauthorized, "Unknown API key or Client ID")
		return
	}
	serve(w, r)
}

func (c *Cisco) authorized(r *http.Request) bool {
	id, key, ok := r.BasicAuth()
	if !ok {
		return false
	}
	idOK := secretEqual(id, c.clientID)
	keyOK := secretEqual(key, c.apiKey)
	return idOK && keyOK
}

// ciscoQuery is a validated query of GET /v1/audit_logs.
type ciscoQuery struct {
	filters    [4]ciscoFilter // audit_log_type, audit_log_id, event, audit_log_user
	start, end time.Time
	hasStart   bool
	hasEnd     bool
	limit      int
	offset     int
}

// parseCiscoQuery validates a query string and returns the problems found,
// one detail each, in a stable order.
func (c *Cisco) parseCiscoQuery(raw string) (ciscoQuery, []string) {
	q := ciscoQuery{limit: c.defaultLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, []string{"the query string does not parse: " + err.Error()}
	}
	params := ciscoParams()
	var details []string
	for _, k := range unknownParams(values, params) {
		details = append(details, "unknown parameter "+strconv.Quote(k)+"; the parameters are "+strings.Join(params, ", "))
	}
	for _, k := range params {
		vs, ok := values[k]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			details = append(details, k+" is given "+strconv.Itoa(len(vs))+" times; give it once")
			continue
		}
		v := vs[0]
		if v == "" {
			details = append(details, k+" is empty; leave it out or give a value")
			continue
		}
		switch k {
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				details = append(details, "limit must be a positive integer, got "+strconv.Quote(v))
				continue
			}
			q.limit = min(n, c.maxLimit)
		case "offset":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				details = append(details, "offset must be a non-negative integer, got "+strconv.Quote(v))
				continue
			}
			q.offset = n
		case "start_time", "end_time":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				d := k + " must be an ISO 8601 time such as 2015-10-01T00:00:00+00:00, got " + strconv.Quote(v)
				if strings.Contains(v, " ") {
					d += " (a '+' in the query must be encoded as %2B)"
				}
				details = append(details, d)
				continue
			}
			if k == "start_time" {
				q.start, q.hasStart = t, true
			} else {
				q.end, q.hasEnd = t, true
			}
		case "audit_log_type":
			q.filters[0] = ciscoFilter{v, true}
		case "audit_log_id":
			q.filters[1] = ciscoFilter{v, true}
		case "event":
			q.filters[2] = ciscoFilter{v, true}
		case "audit_log_user":
			q.filters[3] = ciscoFilter{v, true}
		}
	}
	return q, details
}

// ciscoFilter is an equality filter; set is false when the request does not
// filter on it.
type ciscoFilter struct {
	value string
	set   bool
}

func (e *ciscoEvent) matches(f *[4]ciscoFilter) bool {
	return (!f[0].set || e.typ == f[0].value) &&
		(!f[1].set || e.id == f[1].value) &&
		(!f[2].set || e.event == f[2].value) &&
		(!f[3].set || e.user == f[3].value)
}

func (c *Cisco) serveAuditLogs(w http.ResponseWriter, r *http.Request) {
	q, details := c.parseCiscoQuery(r.URL.RawQuery)
	if len(details) > 0 {
		writeCiscoError(w, http.StatusBadRequest, details...)
		return
	}
	if c.liveInserts > 0 {
		c.insertLive()
	}

	var (
		total int
		page  []json.RawMessage
		tag   []byte // what the ETag digests: the records' sequence numbers, then the links and counts
	)
	c.set.mu.RLock()
	evs := c.set.events
	// The data set is sorted newest first: the time window is a range of it.
	lo, hi := newestFirstRange(len(evs), func(i int) time.Time { return evs[i].createdAt }, q.start, q.end, q.hasStart, q.hasEnd)
	for i := lo; i < hi; i++ {
		if !evs[i].matches(&q.filters) {
			continue
		}
		if total >= q.offset && len(page) < q.limit {
			page = append(page, evs[i].raw)
			tag = binary.AppendUvarint(tag, uint64(evs[i].seq))
		}
		total++
	}
	c.set.mu.RUnlock()

	self := c.srv.absURL(r, "/v1/audit_logs", r.URL.RawQuery)
	next := ""
	if q.offset+len(page) < total {
		next = c.srv.absURL(r, "/v1/audit_logs", withOffset(r.URL.RawQuery, q.offset+q.limit))
	}

	var b bytes.Buffer
	b.Grow(256 + 2*len(self) + rawListSize(page))
	b.WriteString(`{"version":"` + ciscoVersion + `","metadata":{"links":{"self":`)
	b.Write(mustJSON(self))
	if next != "" {
		b.WriteString(`,"next":`)
		b.Write(mustJSON(next))
	}
	b.WriteString(`},"results":{"total":`)
	b.WriteString(strconv.Itoa(total))
	b.WriteString(`,"current_item_count":`)
	b.WriteString(strconv.Itoa(len(page)))
	b.WriteString(`,"index":`)
	b.WriteString(strconv.Itoa(q.offset))
	b.WriteString(`,"items_per_page":`)
	b.WriteString(strconv.Itoa(q.limit))
	b.WriteString(`}},"data":[`)
	writeRawList(&b, page)
	b.WriteString(`]}`)
	tag = append(tag, self...)
	tag = append(tag, next...)
	tag = strconv.AppendInt(tag, int64(total), 10)
	c.writeOK(w, b.Bytes(), tag)
}

func (c *Cisco) serveAuditLogTypes(w http.ResponseWriter, r *http.Request) {
	c.set.mu.RLock()
	seen := map[string]bool{}
	var types []string
	for _, e := range c.set.events {
		if e.typ != "" && !seen[e.typ] {
			seen[e.typ] = true
			types = append(types, e.typ)
		}
	}
	c.set.mu.RUnlock()
	sort.Strings(types)
	data := make([]any, len(types))
	for i, t := range types {
		data[i] = object{{"name", t}}
	}
	body := mustJSON(object{
		{"version", ciscoVersion},
		{"metadata", object{
			{"links", object{{"self", c.srv.absURL(r, "/v1/audit_log_types", r.URL.RawQuery)}}},
			{"results", object{
				{"total", len(types)},
				{"current_item_count", len(types)},
				{"index", 0},
				{"items_per_page", len(types)},
			}},
		}},
		{"data", data},
	})
	c.writeOK(w, body, body)
}

// writeOK sends a 200 with the document's headers. The weak ETag digests
// tag, which identifies the body: the body itself, or for audit_logs pages
// the sequence numbers of their records (records never change once added)
// plus the links and counts, which is much cheaper to hash than the body.
func (c *Cisco) writeOK(w http.ResponseWriter, body, tag []byte) {
	h := w.Header()
	c.setRateHeaders(h, c.plainRemaining(c.srv.requestCount()), c.windowReset())
	sum := sha256.Sum256(tag)
	h.Set("Etag", `W/"`+hex.EncodeToString(sum[:16])+`"`)
	writeBody(w, http.StatusOK, jsonType, body)
}

// plainRemaining is the remaining quota the headers announce without a
// Faults.Quota, after n requests: it counts down by one per request from
// RateLimit-1 through the upper half of the quota (down to
// RateLimit/2+1), then starts again, so that a client pacing itself by the
// headers, which spreads only the lower half, is never slowed down by a
// quota that is not enforced, however many requests a benchmark sends.
func (c *Cisco) plainRemaining(n int) int {
	top, bottom := c.rateLimit-1, c.rateLimit/2+1
	if top <= bottom {
		return max(top, 1)
	}
	return top - (max(n, 1)-1)%(top-bottom+1)
}

// windowReset returns the time left in the current hourly window; windows
// start when the fake does.
func (c *Cisco) windowReset() time.Duration {
	elapsed := time.Since(c.start)
	return time.Hour - elapsed%time.Hour
}

// setRateHeaders writes the rate-limit headers in the configured style,
// announcing the RateLimit option's quota.
func (c *Cisco) setRateHeaders(h http.Header, remaining int, reset time.Duration) {
	c.writeRateHeaders(h, c.rateLimit, remaining, reset)
}

// writeRateHeaders writes the rate-limit headers in the configured style,
// announcing a quota of limit: the shared server's for Faults.Quota.
func (c *Cisco) writeRateHeaders(h http.Header, limit, remaining int, reset time.Duration) {
	if c.headerStyle == CiscoHeaderStyleXRateDashLimit {
		setRateLimitHeaders(h, "X-Rate-Limit", limit, remaining, reset)
	} else {
		secs := setRateLimitHeaders(h, "X-Ratelimit", limit, remaining, reset)
		resetAt := time.Now().UTC().Add(time.Duration(secs) * time.Second)
		h.Set("X-Ratelimit-Resetdate", resetAt.Format(time.RFC3339))
	}
}

// writeFault writes the error responses of the shared server: injected
// faults and paths outside the base path.
func (c *Cisco) writeFault(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		c.setRateHeaders(w.Header(), 0, retryAfter)
		// The details text is invented: the document shows no 429 body.
		writeCiscoError(w, status, "API rate limit exceeded; retry after "+strconv.FormatInt(ceilSeconds(retryAfter), 10)+" seconds")
	case http.StatusServiceUnavailable:
		writeCiscoError(w, status, "The service is temporarily unavailable")
	case http.StatusInternalServerError:
		writeCiscoError(w, status, "Internal server error")
	default:
		writeCiscoError(w, status, "no such resource")
	}
}

// writeCiscoError writes Cisco's error envelope.
func writeCiscoError(w http.ResponseWriter, status int, details ...string) {
	if details == nil {
		details = []string{}
	}
	body := mustJSON(object{
		{"version", ciscoErrorVersion},
		{"data", object{}},
		{"errors", []any{object{
			{"error_code", status},
			{"description", http.StatusText(status)},
			{"details", details},
		}}},
	})
	writeBody(w, status, jsonType, body)
}

// withOffset returns rawQuery with its offset parameter set to offset: in
// place when present, appended otherwise, every other parameter kept as
// sent. This is how the document's next links read
// ("?audit_log_type=User&limit=5" → "?audit_log_type=User&limit=5&offset=5").
func withOffset(rawQuery string, offset int) string {
	pair := "offset=" + strconv.Itoa(offset)
	if rawQuery == "" {
		return pair
	}
	parts := strings.Split(rawQuery, "&")
	replaced := false
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if key, err := url.QueryUnescape(k); err == nil && key == "offset" {
			parts[i] = pair
			replaced = true
		}
	}
	if !replaced {
		parts = append(parts, pair)
	}
	return strings.Join(parts, "&")
}
