package audittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Defaults of the NPrinting fake.
const (
	// DefaultNPrintingEvents is the size of the data set an NPrinting fake
	// serves when NPrintingOptions.Events is nil.
	DefaultNPrintingEvents = 2000

	// NPrintingDefaultToken is the JWT an NPrinting fake accepts when
	// NPrintingOptions.Token is empty. The fake compares it as an opaque
	// string; it does not verify a signature.
	NPrintingDefaultToken = "demo-nprinting-jwt"

	// NPrintingDefaultNTLMToken is the NTLM message the fake's login
	// accepts, as "Authorization: NTLM <token>", when
	// NPrintingOptions.NTLMToken is empty.
	NPrintingDefaultNTLMToken = "demo-ntlm-authenticate"

	// NPrintingDefaultLimit is the page size when a request sends no limit
	// (the document: "Default is 50"). NPrintingMaxLimit is the largest page
	// the fake serves; the real maximum is UNCONFIRMED.
	NPrintingDefaultLimit = 50
	NPrintingMaxLimit     = 1000

	// NPrintingSessionCookie and NPrintingXSRFCookie are the cookies the
	// fake's NTLM login sets (the names Qlik's own NPrinting CLI reads).
	NPrintingSessionCookie = "NPWEBCONSOLE_SESSION"
	NPrintingXSRFCookie    = "NPWEBCONSOLE_XSRF-TOKEN"
)

// nprintingJSONType is the Content-Type of NPrinting's JSON responses.
const nprintingJSONType = "application/json; charset=utf-8"

// nprintingTimeLayout is the document's format of start and end.
const nprintingTimeLayout = "2006-01-02T15:04:05Z"

// nprintingParams are the query parameters of GET /api/v1/audit/events.
func nprintingParams() []string {
	return []string{"offset", "limit", "start", "end", "appId", "userId", "targetId", "target", "dataType"}
}

// NPrintingOptions configures an NPrinting fake. The zero value serves the
// default data set with the default credentials.
type NPrintingOptions struct {
	// Token is the JWT the fake accepts as "Authorization: Bearer <Token>".
	// Empty means NPrintingDefaultToken.
	Token string

	// NTLMToken is what GET /api/v1/login/ntlm accepts as
	// "Authorization: NTLM <NTLMToken>" (the fake does not run a real NTLM
	// handshake). Empty means NPrintingDefaultNTLMToken.
	NTLMToken string

	// Events is the data set: audit events as raw JSON objects, in any
	// order. The fake serves them newest first by eventTime, events of the
	// same time in the order given, each byte for byte as given. An event
	// whose eventTime is missing or not ISO 8601 sorts last and counts as the
	// zero time for time filters.
	//
	// nil serves the default data set, which ends at Now (see Now); an
	// empty, non-nil slice serves no events.
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

	// DefaultLimit is the page size when a request sends no limit; 0 means
	// NPrintingDefaultLimit (50, as documented).
	DefaultLimit int

	// MaxLimit is the largest page served; a larger limit is clamped to it
	// (data.limit then reports MaxLimit). 0 means NPrintingMaxLimit.
	MaxLimit int

	// Rewrite, when set, may replace the body of each successful GET
	// /api/v1/audit/events response: it is called with the request (whose
	// body, if any, has been read), the 1-based number of that response among
	// the fake's successful GET /api/v1/audit/events responses, and the body
	// the fake would send, and returns the body to send, still with status 200
	// (return body itself to change nothing). Tests use it to serve hostile
	// forms on chosen pages: {}, null, [], an object where the records array
	// belongs, a string where a number belongs, a page that contradicts the
	// one before.
	Rewrite func(r *http.Request, n int, body []byte) []byte
}

// NPrinting is a fake of the Qlik NPrinting audit events API, built from
// NPrinting's GET /audit/events document
// (https://help.qlik.com/en-US/nprinting/February2024/APIs/NP+API/index.html?page=10).
//
// It serves, under URL() (the "server" of an NPrinting client):
//
//   - GET /api/v1/audit/events with JWT bearer authentication (or the
//     session cookie of an NTLM login), the parameters offset, limit, start
//     and end (yyyy-MM-ddTHH:mm:ssZ, both inclusive), appId, userId and
//     targetId (UUIDs, compared case-insensitively), target and dataType
//     (exact, case-insensitive; target matches the record's target);
//     newest first; the document's envelope
//     {"data":{"totalItems","offset","limit","items"}}.
//   - GET and POST /api/v1/login/ntlm: with "Authorization: NTLM
//     <NTLMToken>" it answers 200 and sets the NPWEBCONSOLE_SESSION and
//     NPWEBCONSOLE_XSRF-TOKEN cookies; otherwise 401 with
//     "WWW-Authenticate: NTLM". ExpireSessions ends every session.
//
// Failures use the body NPrinting's web engine sends,
// {"code":401,"message":"..."} (the audit endpoint's own error body is
// UNCONFIRMED): 401 for a missing or wrong token or session; 400 for an
// unknown parameter, a parameter given twice or empty, an offset or limit
// that is not a non-negative or positive integer, a time not in the
// document's format, or an id that is not a UUID; 404 for other paths; 405
// for other methods. Being stricter than the real API on repeated and empty
// parameters is deliberate: it makes a client's query-building mistakes
// show. Injected 429s carry Retry-After only: NPrinting documents no
// rate-limit headers. Under a Faults.Quota the fake sends the common
// X-RateLimit-* (see QuotaHeadersVendor).
//
// Offsets index the current data set, as offsets do: events added during a
// walk shift later pages.
//
// All methods are safe for concurrent use.
type NPrinting struct {
	base

	token, ntlmToken string
	defaultLimit     int
	maxLimit         int

	rewrite  func(r *http.Request, n int, body []byte) []byte
	rewrites atomic.Int64 // successful data responses so far, for rewrite

	set eventSet[nprintingEvent] // newest first; ties by seq

	mu       sync.RWMutex // guards sessions and logins
	sessions map[string]bool
	logins   int
}

// nprintingEvent is one record of the data set with the members the API
// filters and sorts on.
type nprintingEvent struct {
	raw                                    json.RawMessage
	appID, userID, targetID, target, dtype string
	at                                     time.Time
	seq                                    int
}

func (e nprintingEvent) rawJSON() json.RawMessage { return e.raw }

// NewNPrinting starts an NPrinting fake on a loopback port. The caller must
// call Close. It never fails: unset options take their defaults and invalid
// ones are clamped.
func NewNPrinting(opts NPrintingOptions) *NPrinting {
	n := &NPrinting{
		token:     cmp.Or(opts.Token, NPrintingDefaultToken),
		ntlmToken: cmp.Or(opts.NTLMToken, NPrintingDefaultNTLMToken),
		set:       eventSet[nprintingEvent]{parse: parseNPrintingEvent, compare: compareNPrintingEvents},
		sessions:  map[string]bool{},
	}
	n.rewrite = opts.Rewrite
	n.defaultLimit, n.maxLimit = pageLimits(opts.DefaultLimit, opts.MaxLimit, NPrintingDefaultLimit, NPrintingMaxLimit)
	n.set.add(eventsOr(opts.Events, GenerateNPrintingEvents, DefaultNPrintingEvents, opts.Now))
	n.listen(opts.BasePath, opts.Faults, n.route, n.writeFault, nil)
	return n
}

func init() { registerDemo("nprinting", startNPrintingDemo) }

// startNPrintingDemo is StartDemo's NPrinting fake: cfg.Events records of
// seed cfg.Seed, the newest two seconds before the start of cfg.Now's second
// (newestBefore), with cfg.Faults.
func startNPrintingDemo(cfg DemoConfig) *Demo {
	events := GenerateNPrintingEvents(cfg.Events, cfg.Seed, newestBefore(cfg.Now))
	n := NewNPrinting(NPrintingOptions{Events: events, Faults: cfg.Faults})
	return &Demo{
		BaseURL:  n.URL(),
		Settings: map[string]string{"server": n.URL(), "token": n.Token()},
		Secrets:  []string{n.Token(), n.NTLMToken()},
		Records:  len(events),
		Add:      demoAdder(cfg.Seed, GenerateNPrintingEvents, n.Add),
		Data:     n.Events,
		Stats:    n.Stats,
		Close:    n.Close,
	}
}

// StartNPrinting is NewNPrinting for tests: it closes the fake when tb's
// test ends.
func StartNPrinting(tb testing.TB, opts NPrintingOptions) *NPrinting {
	tb.Helper()
	return closeAtEnd(tb, NewNPrinting(opts))
}

// Token returns the JWT the fake accepts.
func (n *NPrinting) Token() string { return n.token }

// NTLMToken returns what the NTLM login accepts after "Authorization: NTLM ".
func (n *NPrinting) NTLMToken() string { return n.ntlmToken }

// Logins returns the number of successful NTLM logins so far.
func (n *NPrinting) Logins() int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.logins
}

// ExpireSessions ends every NTLM session: requests with their cookies get
// 401 until the client logs in again.
func (n *NPrinting) ExpireSessions() {
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(n.sessions)
}

// Events returns a copy of the whole data set in the order the API returns
// it: newest first by eventTime, events of the same time in the order they
// were given or added.
func (n *NPrinting) Events() []json.RawMessage { return n.set.all() }

// Add adds events to the data set, as when new audit events arrive between
// two syncs. Records are copied; see NPrintingOptions.Events for the rules.
func (n *NPrinting) Add(events ...json.RawMessage) { n.set.add(events) }

// compareNPrintingEvents orders events newest first, ties in the order
// given.
func compareNPrintingEvents(a, b nprintingEvent) int {
	if c := b.at.Compare(a.at); c != 0 {
		return c
	}
	return a.seq - b.seq
}

func parseNPrintingEvent(raw json.RawMessage, seq int) nprintingEvent {
	e := nprintingEvent{raw: slices.Clone(raw), seq: seq}
	var m struct {
		AppID     json.RawMessage `json:"appId"`
		UserID    json.RawMessage `json:"userId"`
		TargetID  json.RawMessage `json:"targetId"`
		Target    json.RawMessage `json:"target"`
		DataType  json.RawMessage `json:"dataType"`
		EventTime json.RawMessage `json:"eventTime"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return e
	}
	e.appID = strings.ToLower(rawString(m.AppID))
	e.userID = strings.ToLower(rawString(m.UserID))
	e.targetID = strings.ToLower(rawString(m.TargetID))
	e.target = strings.ToLower(rawString(m.Target))
	e.dtype = strings.ToLower(rawString(m.DataType))
	if t, err := time.Parse(time.RFC3339Nano, rawString(m.EventTime)); err == nil {
		e.at = t.UTC()
	}
	return e
}

// route dispatches a request whose path is relative to the base path.
func (n *NPrinting) route(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/v1/audit/events":
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeNPrintingError(w, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'.")
			return
		}
		if !n.authorized(r) {
			writeNPrintingError(w, http.StatusUnauthorized, "Authorization has been denied for this request.")
			return
		}
		n.serveEvents(w, r)
	case "/api/v1/login/ntlm":
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			writeNPrintingError(w, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'.")
			return
		}
		n.serveNTLMLogin(w, r)
	default:
		writeNPrintingError(w, http.StatusNotFound, "No resource was found that matches the request URI "+r.URL.Path+".")
	}
}

func (n *NPrinting) authorized(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return secretEqual(tok, n.token)
	}
	if c, err := r.Cookie(NPrintingSessionCookie); err == nil {
		n.mu.RLock()
		defer n.mu.RUnlock()
		return n.sessions[c.Value]
	}
	return false
}

func (n *NPrinting) serveNTLMLogin(w http.ResponseWriter, r *http.Request) {
	msg, ok := strings.CutPrefix(r.Header.Get("Authorization"), "NTLM ")
	if !ok || !secretEqual(msg, n.ntlmToken) {
		w.Header().Add("WWW-Authenticate", "NTLM")
		w.Header().Add("WWW-Authenticate", "Negotiate")
		writeNPrintingError(w, http.StatusUnauthorized, "Windows authentication failed.")
		return
	}
	session, xsrf := randomHex(16), randomHex(16)
	n.mu.Lock()
	n.sessions[session] = true
	n.logins++
	n.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: NPrintingSessionCookie, Value: session, Path: "/", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: NPrintingXSRFCookie, Value: xsrf, Path: "/"})
	writeBody(w, http.StatusOK, jsonType, []byte(`{"data":{}}`))
}

// nprintingQuery is a validated query of GET /api/v1/audit/events.
type nprintingQuery struct {
	offset, limit          int
	start, end             time.Time
	hasStart, hasEnd       bool
	appID, userID, target  string
	targetID, dtype        string
	hasApp, hasUser        bool
	hasTargetID, hasTarget bool
	hasType                bool
}

// parseQuery validates a query string and returns the problems found, one
// message each, in a stable order.
func (n *NPrinting) parseQuery(raw string) (nprintingQuery, []string) {
	q := nprintingQuery{limit: n.defaultLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, []string{"The query string does not parse: " + err.Error()}
	}
	params := nprintingParams()
	var problems []string
	for _, k := range unknownParams(values, params) {
		problems = append(problems, "Unknown parameter "+strconv.Quote(k)+"; the parameters are "+strings.Join(params, ", ")+".")
	}
	for _, k := range params {
		vs, ok := values[k]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			problems = append(problems, "The parameter "+k+" is given "+strconv.Itoa(len(vs))+" times.")
			continue
		}
		v := vs[0]
		if v == "" {
			problems = append(problems, "The parameter "+k+" is empty.")
			continue
		}
		switch k {
		case "offset":
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				problems = append(problems, "The value '"+v+"' is not valid for offset: a non-negative integer is expected.")
				continue
			}
			q.offset = i
		case "limit":
			i, err := strconv.Atoi(v)
			if err != nil || i <= 0 {
				problems = append(problems, "The value '"+v+"' is not valid for limit: a positive integer is expected.")
				continue
			}
			q.limit = min(i, n.maxLimit)
		case "start", "end":
			t, err := time.Parse(nprintingTimeLayout, v)
			if err != nil || len(v) != len(nprintingTimeLayout) {
				p := "The value '" + v + "' is not valid for " + k + ": the format is yyyy-MM-ddTHH:mm:ssZ in UTC, e.g. 2020-09-15T11:59:08Z."
				problems = append(problems, p)
				continue
			}
			if k == "start" {
				q.start, q.hasStart = t, true
			} else {
				q.end, q.hasEnd = t, true
			}
		case "appId", "userId", "targetId":
			if !uuidPattern.MatchString(v) {
				problems = append(problems, "The value '"+v+"' is not valid for "+k+": a UUID is expected.")
				continue
			}
			v = strings.ToLower(v)
			switch k {
			case "appId":
				q.appID, q.hasApp = v, true
			case "userId":
				q.userID, q.hasUser = v, true
			default:
				q.targetID, q.hasTargetID = v, true
			}
		case "target":
			q.target, q.hasTarget = strings.ToLower(v), true
		case "dataType":
			q.dtype, q.hasType = strings.ToLower(v), true
		}
	}
	return q, problems
}

func (e *nprintingEvent) matches(q *nprintingQuery) bool {
	return (!q.hasApp || e.appID == q.appID) &&
		(!q.hasUser || e.userID == q.userID) &&
		(!q.hasTargetID || e.targetID == q.targetID) &&
		(!q.hasTarget || e.target == q.target) &&
		(!q.hasType || e.dtype == q.dtype)
}

func (n *NPrinting) serveEvents(w http.ResponseWriter, r *http.Request) {
	q, problems := n.parseQuery(r.URL.RawQuery)
	if len(problems) > 0 {
		writeNPrintingError(w, http.StatusBadRequest, strings.Join(problems, " "))
		return
	}
	var (
		total int
		page  []json.RawMessage
	)
	n.set.mu.RLock()
	evs := n.set.events
	lo, hi := newestFirstRange(len(evs), func(i int) time.Time { return evs[i].at }, q.start, q.end, q.hasStart, q.hasEnd)
	for i := lo; i < hi; i++ {
		if !evs[i].matches(&q) {
			continue
		}
		if total >= q.offset && len(page) < q.limit {
			page = append(page, evs[i].raw)
		}
		total++
	}
	n.set.mu.RUnlock()

	var b bytes.Buffer
	b.Grow(96 + rawListSize(page))
	b.WriteString(`{"data":{"totalItems":`)
	b.WriteString(strconv.Itoa(total))
	b.WriteString(`,"offset":`)
	b.WriteString(strconv.Itoa(q.offset))
	b.WriteString(`,"limit":`)
	b.WriteString(strconv.Itoa(q.limit))
	b.WriteString(`,"items":[`)
	writeRawList(&b, page)
	b.WriteString(`]}}`)
	body := b.Bytes()
	if n.rewrite != nil {
		body = n.rewrite(r, int(n.rewrites.Add(1)), body)
	}
	writeSizedBody(w, http.StatusOK, nprintingJSONType, body)
}

// writeFault writes the error responses of the shared server: injected
// faults and paths outside the base path. NPrinting documents no rate-limit
// headers; the shared server has set Retry-After on a 429.
func (n *NPrinting) writeFault(w http.ResponseWriter, _ *http.Request, status int, _ time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		writeNPrintingError(w, status, "Too many requests.") // invented: NPrinting documents no 429
	case http.StatusServiceUnavailable:
		writeNPrintingError(w, status, "The service is unavailable.")
	case http.StatusInternalServerError:
		writeNPrintingError(w, status, "An error has occurred.")
	default:
		writeNPrintingError(w, status, "No resource was found that matches the request URI.")
	}
}

// writeNPrintingError writes NPrinting's error body,
// {"code":403,"message":"User has no rights to access the resource"}.
func writeNPrintingError(w http.ResponseWriter, status int, message string) {
	writeBody(w, status, nprintingJSONType, mustJSON(object{{"code", status}, {"message", message}}))
}
