package audittest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Defaults of the InstaVM fake.
const (
	// DefaultInstavmEvents is the size of the data set an InstaVM fake
	// serves when InstavmOptions.Events is nil.
	DefaultInstavmEvents = 2000

	// InstavmDefaultAPIKey and InstavmDefaultBearerToken are the
	// credentials an InstaVM fake accepts when InstavmOptions leaves them
	// empty: the key in X-API-Key, the token as "Authorization: Bearer".
	InstavmDefaultAPIKey      = "instavm_sk_demo_4f1c9e2a7b3d8e6f"
	InstavmDefaultBearerToken = "demo-oauth2-bearer-token"

	// InstavmDefaultLimit and InstavmMaxLimit are the document's page
	// sizes: 50 when no limit is sent, at most 200.
	InstavmDefaultLimit = 50
	InstavmMaxLimit     = 200

	// InstavmRateLimit is the quota the fake's 429 responses announce in
	// their X-RateLimit-Limit header. InstaVM publishes neither the number
	// nor the headers: both are UNCONFIRMED.
	InstavmRateLimit = 60
)

// instavmParams are the query parameters of GET /v1/audit/events, in the
// document's order.
func instavmParams() []string {
	return []string{"event_group", "event_type", "status", "user_id", "vm_id", "session_id", "cursor", "limit"}
}

// InstavmOptions configures an InstaVM fake. The zero value serves the
// default data set with the default credentials.
type InstavmOptions struct {
	// APIKey is the key the fake accepts in X-API-Key; empty means
	// InstavmDefaultAPIKey.
	APIKey string
	// BearerToken is the token the fake accepts as "Authorization: Bearer
	// <token>" (the document's OAuth2PasswordBearer); empty means
	// InstavmDefaultBearerToken.
	BearerToken string

	// Events is the data set: audit events as raw JSON objects, in any
	// order. The fake serves them newest first by created_at, events of the
	// same instant by id, descending (the cursor is the pair of the last
	// event served), each byte for byte as given. An event whose created_at
	// is missing or not RFC 3339 sorts last.
	//
	// nil serves GenerateInstavmEvents(DefaultInstavmEvents, 1, Now): a
	// data set whose newest event is at Now; an empty, non-nil slice
	// serves no events.
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
	// URL includes it.
	BasePath string

	// Rewrite, when set, may replace the body of each successful GET
	// /v1/audit/events response: it is called with the request (whose body, if
	// any, has been read), the 1-based number of that response among the
	// fake's successful GET /v1/audit/events responses, and the body the fake
	// would send, and returns the body to send, still with status 200 (return
	// body itself to change nothing). Tests use it to serve hostile forms on
	// chosen pages: {}, null, [], an object where the records array belongs, a
	// string where a number belongs, a page that contradicts the one before.
	Rewrite func(r *http.Request, n int, body []byte) []byte
}

// Instavm is a fake of InstaVM's audit API, built from the document of
// GET /v1/audit/events (https://instavm.io/docs/api/audit/get-v1-audit-events)
// and vendors.md §3.
//
// It serves, under URL(), GET /v1/audit/events with:
//
//   - Authentication by X-API-Key or "Authorization: Bearer". Neither:
//     401 {"detail":"Not authenticated"} with WWW-Authenticate: Bearer, as
//     FastAPI's OAuth2PasswordBearer answers; a wrong one: 401
//     {"detail":"Invalid API key or session expired"} (the message of
//     InstaVM's SDK docs).
//   - The filters event_group, event_type, status, vm_id and session_id
//     (exact match of the string) and user_id (integer); limit 1..200,
//     default 50; cursor.
//   - Newest first; the response {"items":[...],"next_cursor":...} with
//     next_cursor null on the last page. Cursors are keysets: base64url
//     JSON of the created_at and id of the last event served, so events
//     added during a walk never shift its later pages. An id-only cursor,
//     the shape of vendors.md's sample ({"id":"aud_..."}), is accepted
//     too (the real cursor's content is UNCONFIRMED).
//   - Parameter errors as FastAPI/pydantic v2 writes them: 422
//     {"detail":[{"type","loc":["query",name],"msg","input"(,"ctx")}]},
//     every problem listed. Stricter than FastAPI, deliberately (a client's
//     mistakes show): an unknown parameter is 422 extra_forbidden, and a
//     parameter given twice 422 too. A cursor that does not decode is 400
//     {"detail":"Invalid cursor"} (the real API's answer is UNCONFIRMED).
//
// Other paths are 404 {"detail":"Not Found"}, other methods 405
// {"detail":"Method Not Allowed"}. Injected faults: 429 {"detail":"Rate
// limit exceeded"} with Retry-After and X-RateLimit-Limit, -Remaining (0)
// and -Reset (seconds) headers (UNCONFIRMED: InstaVM publishes none), 503
// {"detail":"Service Unavailable"}, and 500 as Starlette sends it, the
// plain text "Internal Server Error".
//
// All methods are safe for concurrent use.
type Instavm struct {
	base

	apiKey, token string

	rewrite  func(r *http.Request, n int, body []byte) []byte
	rewrites atomic.Int64 // successful data responses so far, for rewrite

	set eventSet[instavmEvent] // sorted newest first, then id descending
}

// instavmEvent is one event of the data set and the fields the fake
// filters and sorts on.
type instavmEvent struct {
	raw       []byte
	seq       int
	id        string
	createdAt time.Time
	hasTime   bool
	group     instavmField
	typ       instavmField
	status    instavmField
	vmID      instavmField
	sessionID instavmField
	userID    instavmField // the integer as sent, e.g. "4821"
}

func (e instavmEvent) rawJSON() json.RawMessage { return e.raw }

// instavmField is a string or integer field of an event; set is false for
// null, absent or a value of another type.
type instavmField struct {
	value string
	set   bool
}

// NewInstavm starts an InstaVM fake. It never fails; the caller must Close
// it.
func NewInstavm(opts InstavmOptions) *Instavm {
	v := &Instavm{
		apiKey: cmp.Or(opts.APIKey, InstavmDefaultAPIKey),
		token:  cmp.Or(opts.BearerToken, InstavmDefaultBearerToken),
		set:    eventSet[instavmEvent]{parse: parseInstavmEvent, compare: instavmCompare},
	}
	v.rewrite = opts.Rewrite
	v.set.add(eventsOr(opts.Events, GenerateInstavmEvents, DefaultInstavmEvents, opts.Now))
	v.listen(opts.BasePath, opts.Faults, v.route, v.writeFault, instavmRateHeaders)
	return v
}

// StartInstavm is NewInstavm for tests: it closes the fake when tb's test
// ends.
func StartInstavm(tb testing.TB, opts InstavmOptions) *Instavm {
	tb.Helper()
	return closeAtEnd(tb, NewInstavm(opts))
}

// APIKey returns the API key the fake accepts in X-API-Key.
func (v *Instavm) APIKey() string { return v.apiKey }

// BearerToken returns the bearer token the fake accepts.
func (v *Instavm) BearerToken() string { return v.token }

// Events returns a copy of the whole data set in the order the API returns
// it: newest first, events of the same instant by id, descending.
func (v *Instavm) Events() []json.RawMessage { return v.set.all() }

// Add adds events to the data set, as when new audit events arrive
// between two syncs. Events are copied; see InstavmOptions.Events.
func (v *Instavm) Add(events ...json.RawMessage) { v.set.add(events) }

// instavmCompare orders events as the API serves them: newest first, then
// id descending, then the order given; events without a time last.
func instavmCompare(a, b instavmEvent) int {
	if a.hasTime != b.hasTime {
		if a.hasTime {
			return -1
		}
		return 1
	}
	if c := b.createdAt.Compare(a.createdAt); c != 0 {
		return c
	}
	if c := strings.Compare(b.id, a.id); c != 0 {
		return c
	}
	return a.seq - b.seq
}

func parseInstavmEvent(raw json.RawMessage, seq int) instavmEvent {
	e := instavmEvent{raw: slices.Clone(raw), seq: seq}
	var m struct {
		ID        json.RawMessage `json:"id"`
		CreatedAt json.RawMessage `json:"created_at"`
		Group     json.RawMessage `json:"event_group"`
		Type      json.RawMessage `json:"event_type"`
		Status    json.RawMessage `json:"status"`
		VMID      json.RawMessage `json:"vm_id"`
		SessionID json.RawMessage `json:"session_id"`
		UserID    json.RawMessage `json:"user_id"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return e
	}
	e.id = rawString(m.ID)
	if t, err := time.Parse(time.RFC3339Nano, rawString(m.CreatedAt)); err == nil {
		e.createdAt, e.hasTime = t.UTC(), true
	}
	str := func(r json.RawMessage) instavmField {
		if len(r) >= 2 && r[0] == '"' {
			return instavmField{rawString(r), true}
		}
		return instavmField{}
	}
	e.group, e.typ, e.status = str(m.Group), str(m.Type), str(m.Status)
	e.vmID, e.sessionID = str(m.VMID), str(m.SessionID)
	if n, err := strconv.ParseInt(string(m.UserID), 10, 64); err == nil {
		e.userID = instavmField{strconv.FormatInt(n, 10), true}
	}
	return e
}

// route dispatches a request whose path is relative to the base path.
func (v *Instavm) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/audit/events" {
		writeInstavmDetail(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeInstavmDetail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	// FastAPI resolves the security dependencies before it validates the
	// query: a request with bad credentials and bad parameters gets 401.
	switch v.auth(r) {
	case instavmNoCredentials:
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeInstavmDetail(w, http.StatusUnauthorized, "Not authenticated")
		return
	case instavmBadCredentials:
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeInstavmDetail(w, http.StatusUnauthorized, "Invalid API key or session expired")
		return
	}
	v.serveEvents(w, r)
}

type instavmAuthResult int

const (
	instavmAuthorized instavmAuthResult = iota
	instavmNoCredentials
	instavmBadCredentials
)

// auth checks X-API-Key, else the bearer token.
func (v *Instavm) auth(r *http.Request) instavmAuthResult {
	key := r.Header.Get("X-API-Key")
	authz := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(authz, " ")
	hasBearer := strings.EqualFold(scheme, "Bearer") && token != ""
	switch {
	case key != "":
		if secretEqual(key, v.apiKey) {
			return instavmAuthorized
		}
		return instavmBadCredentials
	case hasBearer:
		if secretEqual(token, v.token) {
			return instavmAuthorized
		}
		return instavmBadCredentials
	}
	return instavmNoCredentials
}

// instavmQuery is a validated query of GET /v1/audit/events.
type instavmQuery struct {
	group, typ, status, vmID, sessionID, userID instavmField
	limit                                       int
	cursor                                      *instavmCursor
}

// instavmCursor is the keyset a cursor encodes: the last event served,
// by its created_at and id, or by its id alone (the shape of vendors.md's
// sample cursor, {"id":"aud_01HZX3M1A4"}; the fake also writes it for an
// event without a time).
type instavmCursor struct {
	CreatedAt *string `json:"created_at,omitempty"`
	ID        string  `json:"id"`
	at        time.Time
}

// encodeInstavmCursor returns the cursor after e: base64url (no padding)
// of {"created_at":...,"id":...}.
func encodeInstavmCursor(e instavmEvent) string {
	o := object{{"id", e.id}}
	if e.hasTime {
		o = object{{"created_at", e.createdAt.Format(time.RFC3339Nano)}, {"id", e.id}}
	}
	return base64.RawURLEncoding.EncodeToString(mustJSON(o))
}

func decodeInstavmCursor(s string) (*instavmCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, false
	}
	var c instavmCursor
	if json.Unmarshal(b, &c) != nil || c.ID == "" {
		return nil, false
	}
	if c.CreatedAt == nil {
		return &c, true
	}
	t, err := time.Parse(time.RFC3339Nano, *c.CreatedAt)
	if err != nil {
		return nil, false
	}
	c.at = t.UTC()
	return &c, true
}

// start returns the index of the first event after the cursor in evs
// (sorted as served); ok is false for an id-only cursor whose event is not
// in the data set.
func (c *instavmCursor) start(evs []instavmEvent) (int, bool) {
	if c.CreatedAt == nil {
		for i := range evs {
			if evs[i].id == c.ID {
				return i + 1, true
			}
		}
		return 0, false
	}
	return sort.Search(len(evs), func(i int) bool {
		e := &evs[i]
		return !e.hasTime || e.createdAt.Before(c.at) || (e.createdAt.Equal(c.at) && e.id < c.ID)
	}), true
}

// parseInstavmQuery validates a query string as FastAPI would (with the
// fake's extra strictness) and returns pydantic-style error entries.
func parseInstavmQuery(raw string) (instavmQuery, []any, bool) {
	q := instavmQuery{limit: InstavmDefaultLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, []any{instavmDetail("value_error", "", "Value error, the query string does not parse", raw, nil)}, true
	}
	params := instavmParams()
	var details []any
	for _, k := range unknownParams(values, params) {
		details = append(details, instavmDetail("extra_forbidden", k, "Extra inputs are not permitted", values.Get(k), nil))
	}
	badCursor := false
	for _, k := range params {
		vs, ok := values[k]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			details = append(details, instavmDetail("value_error", k, "Value error, give the parameter once", vs, nil))
			continue
		}
		s := vs[0]
		switch k {
		case "limit", "user_id":
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				details = append(details, instavmDetail("int_parsing", k, "Input should be a valid integer, unable to parse string as an integer", s, nil))
				continue
			}
			if k == "user_id" {
				q.userID = instavmField{strconv.FormatInt(n, 10), true}
				continue
			}
			switch {
			case n < 1:
				details = append(details, instavmDetail("greater_than_equal", k, "Input should be greater than or equal to 1", s, object{{"ge", 1}}))
			case n > InstavmMaxLimit:
				details = append(details, instavmDetail("less_than_equal", k, "Input should be less than or equal to "+strconv.Itoa(InstavmMaxLimit), s, object{{"le", InstavmMaxLimit}}))
			default:
				q.limit = int(n)
			}
		case "cursor":
			c, ok := decodeInstavmCursor(s)
			if !ok {
				badCursor = true
				continue
			}
			q.cursor = c
		case "event_group":
			q.group = instavmField{s, true}
		case "event_type":
			q.typ = instavmField{s, true}
		case "status":
			q.status = instavmField{s, true}
		case "vm_id":
			q.vmID = instavmField{s, true}
		case "session_id":
			q.sessionID = instavmField{s, true}
		}
	}
	return q, details, badCursor && len(details) == 0
}

// instavmDetail is one entry of a 422's detail list, as pydantic v2 writes
// it: type, loc, msg, input, and ctx for constraint errors.
func instavmDetail(typ, param, msg string, input any, ctx object) object {
	loc := []any{"query"}
	if param != "" {
		loc = append(loc, param)
	}
	o := object{{"type", typ}, {"loc", loc}, {"msg", msg}, {"input", input}}
	if ctx != nil {
		o = append(o, member{"ctx", ctx})
	}
	return o
}

func (f instavmField) matches(got instavmField) bool {
	return !f.set || (got.set && got.value == f.value)
}

func (e *instavmEvent) matches(q *instavmQuery) bool {
	return q.group.matches(e.group) && q.typ.matches(e.typ) && q.status.matches(e.status) &&
		q.vmID.matches(e.vmID) && q.sessionID.matches(e.sessionID) && q.userID.matches(e.userID)
}

func (v *Instavm) serveEvents(w http.ResponseWriter, r *http.Request) {
	q, details, badCursor := parseInstavmQuery(r.URL.RawQuery)
	if len(details) > 0 {
		writeSizedBody(w, http.StatusUnprocessableEntity, jsonType, mustJSON(object{{"detail", details}}))
		return
	}
	if badCursor {
		writeInstavmDetail(w, http.StatusBadRequest, "Invalid cursor")
		return
	}

	var (
		page []*instavmEvent
		more bool
	)
	v.set.mu.RLock()
	evs := v.set.events
	start := 0
	if q.cursor != nil {
		var ok bool
		if start, ok = q.cursor.start(evs); !ok {
			v.set.mu.RUnlock()
			writeInstavmDetail(w, http.StatusBadRequest, "Invalid cursor")
			return
		}
	}
	for i := start; i < len(evs); i++ {
		if !evs[i].matches(&q) {
			continue
		}
		if len(page) == q.limit {
			more = true
			break
		}
		page = append(page, &evs[i])
	}
	size := 64
	for _, e := range page {
		size += len(e.raw) + 1
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(`{"items":[`)
	for i, e := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e.raw)
	}
	b.WriteString(`],"next_cursor":`)
	if more && len(page) > 0 {
		b.Write(mustJSON(encodeInstavmCursor(*page[len(page)-1])))
	} else {
		b.WriteString("null")
	}
	b.WriteString("}")
	v.set.mu.RUnlock()
	body := b.Bytes()
	if v.rewrite != nil {
		body = v.rewrite(r, int(v.rewrites.Add(1)), body)
	}
	writeSizedBody(w, http.StatusOK, jsonType, body)
}

// writeFault writes the error responses of the shared server: injected
// faults and paths outside the base path.
func (v *Instavm) writeFault(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		instavmRateHeaders(w.Header(), InstavmRateLimit, 0, retryAfter)
		writeInstavmDetail(w, status, "Rate limit exceeded")
	case http.StatusServiceUnavailable:
		writeInstavmDetail(w, status, "Service Unavailable")
	case http.StatusInternalServerError:
		// Starlette's ServerErrorMiddleware: plain text.
		writeBody(w, status, "text/plain; charset=utf-8", []byte("Internal Server Error"))
	default:
		writeInstavmDetail(w, status, "Not Found")
	}
}

// instavmRateHeaders writes the X-RateLimit-* headers of a 429, and of
// every response while a Faults.Quota is enforced.
func instavmRateHeaders(h http.Header, limit, remaining int, reset time.Duration) {
	setRateLimitHeaders(h, "X-RateLimit", limit, remaining, reset)
}

// writeInstavmDetail writes FastAPI's HTTPException body {"detail": msg}.
func writeInstavmDetail(w http.ResponseWriter, status int, msg string) {
	writeSizedBody(w, status, jsonType, mustJSON(object{{"detail", msg}}))
}

func init() { registerDemo("instavm", startInstavmDemo) }

// startInstavmDemo starts the fake for StartDemo: cfg.Events events whose
// newest is two seconds before the start of cfg.Now's second, with
// cfg.Faults.
func startInstavmDemo(cfg DemoConfig) *Demo {
	v := NewInstavm(InstavmOptions{
		Events: GenerateInstavmEvents(cfg.Events, cfg.Seed, newestBefore(cfg.Now)),
		Faults: cfg.Faults,
	})
	return &Demo{
		BaseURL:  v.URL(),
		Settings: map[string]string{"api_key": v.APIKey()},
		Secrets:  []string{v.APIKey(), v.BearerToken()},
		Records:  cfg.Events,
		Add:      demoAdder(cfg.Seed, GenerateInstavmEvents, v.Add),
		Data:     v.Events,
		Stats:    v.Stats,
		Close:    v.Close,
	}
}
