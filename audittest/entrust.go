package audittest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Defaults of the Entrust fake.
const (
	// DefaultEntrustEvents is the size of the data set an Entrust fake
	// serves when EntrustOptions.Events is nil.
	DefaultEntrustEvents = 2000

	// EntrustDefaultApplicationID and EntrustDefaultSharedSecret are the
	// API application credentials an Entrust fake accepts when
	// EntrustOptions leaves them empty.
	EntrustDefaultApplicationID = "6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f"
	EntrustDefaultSharedSecret  = "demo-shared-secret-Qx7vT2"

	// EntrustDefaultTokenLifetime is how long a token the fake issues is
	// valid: 15 minutes, the lifetime of Entrust's documented example.
	EntrustDefaultTokenLifetime = 15 * time.Minute

	// EntrustMaxLimit is the largest limit (the document's 1..100), and
	// EntrustDefaultLimit the page size when a request sends none (the real
	// API's default is UNCONFIRMED).
	EntrustMaxLimit     = 100
	EntrustDefaultLimit = 100
)

// The paths of the Entrust fake, relative to its base URL.
const (
	entrustAuthPath  = "/api/web/v1/adminapi/authenticate"
	entrustPagedPath = "/api/web/v2/reports/auditeventspaged"
	entrustSIEMPath  = "/api/web/v2/reports/auditeventspaged/siem"
)

// EntrustOptions configures an Entrust fake. The zero value serves the
// default data set with the default credentials.
type EntrustOptions struct {
	// ApplicationID and SharedSecret are the credentials the authenticate
	// endpoint accepts. Empty means EntrustDefaultApplicationID and
	// EntrustDefaultSharedSecret.
	ApplicationID, SharedSecret string

	// Events is the data set: AccountAuditEvent records as raw JSON
	// objects, in any order, each served byte for byte as given. A record
	// whose eventTime is missing or not ISO-8601 counts as the zero time.
	//
	// nil serves GenerateEntrustEvents(DefaultEntrustEvents, 1, Now): about
	// five days of events up to the fake's start; an empty, non-nil slice
	// serves no events.
	Events []json.RawMessage

	// Now is the time of the newest record of the default data set (when
	// Events is nil). Zero means two seconds before the start of the second
	// the fake starts in: a walk started at once, which reads up to the
	// last completed second, reads all of it, and a walk of the last day
	// finds records.
	Now time.Time

	// Faults configures fault injection; see Faults. Faults apply to the
	// authenticate endpoint too, unless Faults.OnlyPaths says otherwise.
	Faults Faults

	// BasePath, such as "/prefix", puts every route under a path prefix;
	// URL includes it.
	BasePath string

	// TokenLifetime is how long an issued token stays valid by the fake's
	// clock; 0 means EntrustDefaultTokenLifetime. The authenticate
	// response states it as expirationTime − creationTime.
	TokenLifetime time.Duration

	// Clock is the fake's clock, for token creation and expiry; nil means
	// time.Now. A test can move it forward to make tokens expire mid-walk.
	Clock func() time.Time

	// Rewrite, when set, may replace the body of each successful report
	// (auditeventspaged or its SIEM variant) response: it is called with the
	// request (whose body, the SearchParms, can be read), the 1-based number
	// of that response among the fake's successful report (auditeventspaged or
	// its SIEM variant) responses, and the body the fake would send, and
	// returns the body to send, still with status 200 (return body itself to
	// change nothing). Tests use it to serve hostile forms on chosen pages:
	// {}, null, [], an object where the records array belongs, a string where
	// a number belongs, a page that contradicts the one before.
	Rewrite func(r *http.Request, n int, body []byte) []byte
}

// Entrust is a fake of Entrust Identity as a Service's Administration API
// audit reports, built from Entrust's document of
// POST /api/web/v2/reports/auditeventspaged ("Lists a page of audit
// events") and the research notes on its SIEM variant and authentication.
//
// It serves, under URL() (the tenant's base URL):
//
//   - POST /api/web/v1/adminapi/authenticate with a JSON body
//     {"applicationId","sharedSecret","enableWebSession"}: 200 with
//     {"authToken","creationTime","expirationTime"} (the token valid for
//     TokenLifetime by the fake's clock; enableWebSession true also sets an
//     INTELLITRUST_SESSION_ID cookie), 401 for wrong credentials, 400 for a
//     body that is not that object.
//   - POST /api/web/v2/reports/auditeventspaged with the body SearchParms
//     {"limit","cursor","orderByAttribute","searchByAttributes",
//     "attributes"}, the token in the Authorization header (as is, or after
//     "Bearer "). Every search attribute of the document with exactly its
//     operators and value rules (eventTime mandatory; string lengths;
//     SUCCESS|FAIL; AUTHENTICATION|MANAGEMENT; a UUID for subject);
//     conditions ANDed; string operators case-sensitive; orderByAttribute
//     with the document's nine names, both members required, returning only
//     events with a value for the attribute (no AUTHENTICATION events for
//     entityName, entityType, entityAction); without it, newest first (the
//     real default is UNCONFIRMED). limit 1..100.
//   - POST /api/web/v2/reports/auditeventspaged/siem: the same with search
//     attributes startTime (GREATER_THAN_OR_EQUAL, mandatory), endTime
//     (LESS_THAN_OR_EQUAL), outcome and category; always oldest first;
//     orderByAttribute ignored.
//
// Responses are {"results":[...],"paging":{"nextCursor":...}}, nextCursor
// null on the last page. A cursor is base64 of a small JSON object naming
// the last event of its page and the search: sent with a cursor, a request's
// own search and order attributes are ignored, as the document says, and
// the page after that event is served (keyset paging: events added during
// a walk do not shift it). A cursor of the other endpoint, or one that does
// not decode, is a 400.
//
// Failures use the error body {"errorCode","errorMessage","errorParms"}
// (errorCode is what community collectors read; the other two members are
// UNCONFIRMED): 401 INVALID_TOKEN for a missing, unknown or expired token
// (by the fake's clock, or revoked by ExpireTokens), 400 with every problem
// in errorParms, 404 and 405.
//
// Recorded requests hold the shared secret (the authenticate bodies) and the
// tokens (the headers): do not log them.
//
// All methods are safe for concurrent use.
type Entrust struct {
	base

	appID, secret string
	lifetime      time.Duration
	now           func() time.Time
	tokenPrefix   string // of every token and session id issued

	rewrite  func(r *http.Request, n int, body []byte) []byte
	rewrites atomic.Int64 // successful data responses so far, for rewrite

	authCount   atomic.Int64
	unauthCount atomic.Int64

	set   eventSet[entrustEvent] // oldest first; ties by seq
	bySeq map[int]int            // seq → index in set.events; guarded by set.mu

	mu     sync.RWMutex // guards tokens
	tokens map[string]time.Time
}

// entrustEvent is one record with the values the API searches and sorts on,
// by search attribute name ("" for absent or null).
type entrustEvent struct {
	raw  json.RawMessage
	id   string
	at   time.Time
	seq  int
	vals map[string]string
}

func (e entrustEvent) rawJSON() json.RawMessage { return e.raw }

// entrustFieldOf maps a search attribute to the record field it reads.
func entrustFieldOf(attr string) string {
	switch attr {
	case "outcome":
		return "eventOutcome"
	case "category":
		return "eventCategory"
	}
	return attr
}

// NewEntrust starts an Entrust fake on a loopback port. The caller must call
// Close. It never fails: unset options take their defaults.
func NewEntrust(opts EntrustOptions) *Entrust {
	e := &Entrust{
		appID:    cmp.Or(opts.ApplicationID, EntrustDefaultApplicationID),
		secret:   cmp.Or(opts.SharedSecret, EntrustDefaultSharedSecret),
		lifetime: positiveOr(opts.TokenLifetime, EntrustDefaultTokenLifetime),
		now:      opts.Clock,
		bySeq:    map[int]int{},
		tokens:   map[string]time.Time{},
		// A prefix of its own, so that a check for it finds any token.
		tokenPrefix: "tok" + randomHex(6),
	}
	e.rewrite = opts.Rewrite
	if e.now == nil {
		e.now = time.Now
	}
	e.set = eventSet[entrustEvent]{parse: parseEntrustEvent, compare: compareEntrustEvents, sorted: e.index}
	end := opts.Now
	if end.IsZero() {
		// The fake's clock, as eventsOr reads time.Now.
		end = newestBefore(e.now())
	}
	e.set.add(eventsOr(opts.Events, GenerateEntrustEvents, DefaultEntrustEvents, end))
	e.listen(opts.BasePath, opts.Faults, e.route, e.writeFault, nil)
	return e
}

func init() { registerDemo("entrust", startEntrustDemo) }

// startEntrustDemo starts the fake of auditkit's --demo: cfg.Events records
// up to two seconds before the start of cfg.Now's second, drawn from
// cfg.Seed, with cfg.Faults. Its
// Secrets hold the credentials and the prefix of every token it issues.
func startEntrustDemo(cfg DemoConfig) *Demo {
	events := GenerateEntrustEvents(cfg.Events, cfg.Seed, newestBefore(cfg.Now))
	e := NewEntrust(EntrustOptions{Events: events, Faults: cfg.Faults})
	return &Demo{
		BaseURL:  e.URL(),
		Settings: map[string]string{"tenant": e.URL(), "application_id": e.appID, "shared_secret": e.secret},
		Secrets:  []string{e.appID, e.secret, e.tokenPrefix},
		Records:  len(events),
		Add:      demoAdder(cfg.Seed, GenerateEntrustEvents, e.Add),
		Data:     e.Events,
		Stats:    e.Stats,
		Close:    e.Close,
	}
}

// StartEntrust is NewEntrust for tests: it closes the fake when tb's test
// ends.
func StartEntrust(tb testing.TB, opts EntrustOptions) *Entrust {
	tb.Helper()
	return closeAtEnd(tb, NewEntrust(opts))
}

// ApplicationID returns the application id the fake accepts.
func (e *Entrust) ApplicationID() string { return e.appID }

// SharedSecret returns the shared secret the fake accepts.
func (e *Entrust) SharedSecret() string { return e.secret }

// Authentications returns the number of tokens issued so far.
func (e *Entrust) Authentications() int { return int(e.authCount.Load()) }

// Unauthorized returns the number of report requests answered 401.
func (e *Entrust) Unauthorized() int { return int(e.unauthCount.Load()) }

// ExpireTokens revokes every token issued so far: the next request with one
// is answered 401, as when a token expires.
func (e *Entrust) ExpireTokens() {
	e.mu.Lock()
	clear(e.tokens)
	e.mu.Unlock()
}

// Events returns a copy of the whole data set oldest first (the SIEM
// variant's order, and auditeventspaged's with orderByAttribute eventTime
// ascending); events of the same eventTime in the order given or added.
func (e *Entrust) Events() []json.RawMessage { return e.set.all() }

// Add adds events to the data set, as when new audit events arrive between
// two syncs. Records are copied.
func (e *Entrust) Add(events ...json.RawMessage) { e.set.add(events) }

// compareEntrustEvents orders records oldest first, ties in the order given.
func compareEntrustEvents(a, b entrustEvent) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	return a.seq - b.seq
}

// index rebuilds bySeq after a change of the data set; set.mu is held.
func (e *Entrust) index(events []entrustEvent) {
	clear(e.bySeq)
	for i, ev := range events {
		e.bySeq[ev.seq] = i
	}
}

// entrustSearchFields are the record fields the search and sort attributes
// read.
var entrustSearchFields = []string{"eventOutcome", "eventCategory", "entityName", "entityType",
	"entityAction", "resourceName", "sourceIp", "subjectName", "eventType", "subject"}

func parseEntrustEvent(raw json.RawMessage, seq int) entrustEvent {
	ev := entrustEvent{raw: slices.Clone(raw), seq: seq, vals: map[string]string{}}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ev
	}
	for _, f := range entrustSearchFields {
		if v := rawString(m[f]); v != "" {
			ev.vals[f] = v
		}
	}
	ev.id = rawString(m["id"])
	if t, ok := entrustParseTime(rawString(m["eventTime"])); ok {
		ev.at = t
	}
	return ev
}

var entrustISO = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$`)

// entrustParseTime parses an ISO-8601 time; without a zone it is UTC.
func entrustParseTime(s string) (time.Time, bool) {
	if !entrustISO.MatchString(s) {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	return t, err == nil
}

// route dispatches a request whose path is relative to the base path.
func (e *Entrust) route(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case entrustAuthPath, entrustPagedPath, entrustSIEMPath:
	default:
		writeEntrustError(w, http.StatusNotFound, "NOT_FOUND", "no such resource: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeEntrustError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" is not allowed on "+r.URL.Path+"; use POST")
		return
	}
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == entrustAuthPath {
		e.serveAuthenticate(w, body)
		return
	}
	if !e.authorized(r) {
		e.unauthCount.Add(1)
		writeEntrustError(w, http.StatusUnauthorized, "INVALID_TOKEN", "The authentication token is missing, invalid or expired")
		return
	}
	e.serveReport(w, r, body, r.URL.Path == entrustSIEMPath)
}

func (e *Entrust) authorized(r *http.Request) bool {
	tok := strings.TrimSpace(r.Header.Get("Authorization"))
	tok = strings.TrimSpace(strings.TrimPrefix(tok, "Bearer "))
	if tok == "" {
		return false
	}
	e.mu.RLock()
	exp, ok := e.tokens[tok]
	e.mu.RUnlock()
	return ok && e.now().Before(exp)
}

func (e *Entrust) serveAuthenticate(w http.ResponseWriter, body []byte) {
	var req struct {
		ApplicationID    *string `json:"applicationId"`
		SharedSecret     *string `json:"sharedSecret"`
		EnableWebSession *bool   `json:"enableWebSession"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeEntrustError(w, http.StatusBadRequest, "INVALID_REQUEST", "the body must be a JSON object {applicationId, sharedSecret, enableWebSession}", err.Error())
		return
	}
	var missing []string
	if req.ApplicationID == nil || *req.ApplicationID == "" {
		missing = append(missing, "applicationId is required")
	}
	if req.SharedSecret == nil || *req.SharedSecret == "" {
		missing = append(missing, "sharedSecret is required")
	}
	if len(missing) > 0 {
		writeEntrustError(w, http.StatusBadRequest, "INVALID_REQUEST", "The authentication request is not valid", missing...)
		return
	}
	idOK := secretEqual(*req.ApplicationID, e.appID)
	secretOK := secretEqual(*req.SharedSecret, e.secret)
	if !idOK || !secretOK {
		writeEntrustError(w, http.StatusUnauthorized, "AUTHENTICATION_FAILED", "The application id or shared secret is not valid")
		return
	}
	tok := e.tokenPrefix + randomHex(18)
	now := e.now().UTC()
	exp := now.Add(e.lifetime)
	e.mu.Lock()
	e.tokens[tok] = exp
	e.mu.Unlock()
	e.authCount.Add(1)
	if req.EnableWebSession != nil && *req.EnableWebSession {
		http.SetCookie(w, &http.Cookie{Name: "INTELLITRUST_SESSION_ID", Value: e.tokenPrefix + randomHex(12), Path: "/", HttpOnly: true, Secure: true})
	}
	const layout = "2006-01-02T15:04:05.000Z07:00"
	writeSizedBody(w, http.StatusOK, jsonType, mustJSON(object{
		{"authToken", tok},
		{"creationTime", now.Format(layout)},
		{"expirationTime", exp.Format(layout)},
	}))
}

// entrustCond is one validated search condition.
type entrustCond struct {
	Attr  string `json:"a"`
	Op    string `json:"o"`
	Value string `json:"v"`
	t     time.Time
}

// entrustQuery is a validated search: what a cursor carries.
type entrustQuery struct {
	SIEM  bool          `json:"siem,omitempty"`
	Conds []entrustCond `json:"c,omitempty"`
	Order string        `json:"ob,omitempty"` // "" for the endpoint's default
	Asc   bool          `json:"asc,omitempty"`
}

// entrustCursor is what a nextCursor encodes.
type entrustCursor struct {
	Last  string       `json:"last"` // id of the last event of the page before
	Seq   int          `json:"seq"`
	Query entrustQuery `json:"q"`
}

type entrustAttrRule struct {
	ops    []string
	maxLen int
	kind   string // "string", "time", "outcome", "category", "uuid"
}

var (
	entrustStringOps = []string{"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH"}
	entrustUUID      = uuidPattern
)

// entrustRule is the document's rule for a search attribute.
func entrustRule(attr string, siem bool) (entrustAttrRule, bool) {
	if siem {
		switch attr {
		case "startTime":
			return entrustAttrRule{ops: []string{"GREATER_THAN_OR_EQUAL"}, kind: "time"}, true
		case "endTime":
			return entrustAttrRule{ops: []string{"LESS_THAN_OR_EQUAL"}, kind: "time"}, true
		case "outcome":
			return entrustAttrRule{ops: []string{"EQUALS"}, kind: "outcome"}, true
		case "category":
			return entrustAttrRule{ops: []string{"EQUALS"}, kind: "category"}, true
		}
		return entrustAttrRule{}, false
	}
	switch attr {
	case "eventTime":
		return entrustAttrRule{ops: []string{"GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL"}, kind: "time"}, true
	case "outcome":
		return entrustAttrRule{ops: []string{"EQUALS"}, kind: "outcome"}, true
	case "category":
		return entrustAttrRule{ops: []string{"EQUALS"}, kind: "category"}, true
	case "entityName", "entityAction", "resourceName", "subjectName", "eventType":
		return entrustAttrRule{ops: entrustStringOps, maxLen: 100, kind: "string"}, true
	case "entityType":
		return entrustAttrRule{ops: entrustStringOps, maxLen: 40, kind: "string"}, true
	case "sourceIp":
		return entrustAttrRule{ops: []string{"EQUALS", "STARTS_WITH"}, maxLen: 39, kind: "string"}, true
	case "subject":
		return entrustAttrRule{ops: []string{"EQUALS"}, kind: "uuid"}, true
	}
	return entrustAttrRule{}, false
}

// entrustSortNames are the attributes orderByAttribute takes.
var entrustSortNames = []string{"eventTime", "outcome", "category", "entityName", "entityType",
	"entityAction", "resourceName", "sourceIp", "subjectName"}

// entrustParseSearch validates a SearchParms body and returns the search,
// the limit, the cursor (if any) and the problems found.
func entrustParseSearch(body []byte, siem bool) (q entrustQuery, limit int, cur *entrustCursor, details []string) {
	q.SIEM = siem
	limit = EntrustDefaultLimit
	var req struct {
		Attributes       []string `json:"attributes"`
		Cursor           *string  `json:"cursor"`
		Limit            *int     `json:"limit"`
		OrderByAttribute *struct {
			Name      *string `json:"name"`
			Ascending *bool   `json:"ascending"`
		} `json:"orderByAttribute"`
		SearchByAttributes []struct {
			Name     *string `json:"name"`
			Operator *string `json:"operator"`
			Value    *string `json:"value"`
		} `json:"searchByAttributes"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return q, limit, nil, []string{"the body is not a SearchParms object: " + err.Error()}
	}
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > EntrustMaxLimit {
			details = append(details, "limit must be from 1 to 100, got "+strconv.Itoa(*req.Limit))
		}
		limit = *req.Limit
	}
	if req.Cursor != nil && *req.Cursor != "" {
		c, err := entrustDecodeCursor(*req.Cursor)
		switch {
		case err != nil:
			details = append(details, "cursor is not valid: "+err.Error())
		case c.Query.SIEM != siem:
			details = append(details, "cursor belongs to the other endpoint")
		default:
			cur = c
			q = c.Query
		}
		return q, limit, cur, details // search and order attributes are ignored
	}
	if ob := req.OrderByAttribute; ob != nil && !siem { // the SIEM variant ignores it
		switch {
		case ob.Name == nil || *ob.Name == "":
			details = append(details, "orderByAttribute.name is required")
		case !slices.Contains(entrustSortNames, *ob.Name):
			details = append(details, "orderByAttribute.name "+strconv.Quote(*ob.Name)+" is not one of "+strings.Join(entrustSortNames, ", "))
		default:
			q.Order = *ob.Name
		}
		if ob.Ascending == nil {
			details = append(details, "orderByAttribute.ascending is required")
		} else {
			q.Asc = *ob.Ascending
		}
	}
	mandatory := "eventTime"
	if siem {
		mandatory = "startTime"
	}
	hasMandatory := false
	for i, a := range req.SearchByAttributes {
		at := "searchByAttributes[" + strconv.Itoa(i) + "]"
		if a.Name == nil || a.Operator == nil {
			details = append(details, at+": name and operator are required")
			continue
		}
		name, op := *a.Name, *a.Operator
		rule, ok := entrustRule(name, siem)
		if !ok {
			details = append(details, at+": "+strconv.Quote(name)+" is not a search attribute of this endpoint")
			continue
		}
		if !slices.Contains(rule.ops, op) {
			details = append(details, at+": operator "+strconv.Quote(op)+" is not allowed for "+name+"; allowed: "+strings.Join(rule.ops, ", "))
			continue
		}
		if a.Value == nil {
			details = append(details, at+": "+name+" needs a value")
			continue
		}
		v := *a.Value
		c := entrustCond{Attr: name, Op: op, Value: v}
		switch rule.kind {
		case "time":
			t, ok := entrustParseTime(v)
			if !ok || strings.ContainsAny(v[min(len(v), 19):], "+-") {
				details = append(details, at+": "+name+" must be an ISO-8601 date in UTC such as 2018-08-04T18:15:30, got "+strconv.Quote(v))
				continue
			}
			c.t = t
		case "outcome":
			if v != "SUCCESS" && v != "FAIL" {
				details = append(details, at+": outcome must be SUCCESS or FAIL, got "+strconv.Quote(v))
				continue
			}
		case "category":
			if v != "AUTHENTICATION" && v != "MANAGEMENT" {
				details = append(details, at+": category must be AUTHENTICATION or MANAGEMENT, got "+strconv.Quote(v))
				continue
			}
		case "uuid":
			if !entrustUUID.MatchString(v) {
				details = append(details, at+": subject must be a UUID, got "+strconv.Quote(v))
				continue
			}
		default:
			if n := utf8.RuneCountInString(v); n < 1 || n > rule.maxLen {
				details = append(details, at+": "+name+" must be 1 to "+strconv.Itoa(rule.maxLen)+" characters, got "+strconv.Itoa(n))
				continue
			}
		}
		if name == mandatory {
			hasMandatory = true
		}
		q.Conds = append(q.Conds, c)
	}
	if !hasMandatory && len(details) == 0 {
		details = append(details, mandatory+" is a mandatory search attribute")
	}
	return q, limit, nil, details
}

func entrustEncodeCursor(c entrustCursor) string {
	b, _ := json.Marshal(c)
	return base64.StdEncoding.EncodeToString(b)
}

func entrustDecodeCursor(s string) (*entrustCursor, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	var c entrustCursor
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, errors.New("not a cursor of this server")
	}
	for i := range c.Query.Conds {
		cd := &c.Query.Conds[i]
		if rule, ok := entrustRule(cd.Attr, c.Query.SIEM); ok && rule.kind == "time" {
			t, ok := entrustParseTime(cd.Value)
			if !ok {
				return nil, errors.New("not a cursor of this server")
			}
			cd.t = t
		}
	}
	return &c, nil
}

// matches reports whether ev satisfies every condition of q, and has a
// value for q's order attribute.
func (q *entrustQuery) matches(ev *entrustEvent) bool {
	for _, c := range q.Conds {
		switch c.Attr {
		case "eventTime", "startTime", "endTime":
			cmp := ev.at.Compare(c.t)
			ok := false
			switch c.Op {
			case "GREATER_THAN":
				ok = cmp > 0
			case "GREATER_THAN_OR_EQUAL":
				ok = cmp >= 0
			case "LESS_THAN":
				ok = cmp < 0
			case "LESS_THAN_OR_EQUAL":
				ok = cmp <= 0
			}
			if !ok {
				return false
			}
			continue
		}
		v := ev.vals[entrustFieldOf(c.Attr)]
		ok := false
		switch c.Op {
		case "EQUALS":
			if c.Attr == "outcome" || c.Attr == "category" || c.Attr == "subject" {
				ok = strings.EqualFold(v, c.Value)
			} else {
				ok = v == c.Value
			}
		case "NOT_EQUALS":
			ok = v != c.Value
		case "CONTAINS":
			ok = strings.Contains(v, c.Value)
		case "NOT_CONTAINS":
			ok = !strings.Contains(v, c.Value)
		case "STARTS_WITH":
			ok = strings.HasPrefix(v, c.Value)
		case "ENDS_WITH":
			ok = strings.HasSuffix(v, c.Value)
		}
		if !ok {
			return false
		}
	}
	if q.Order != "" && q.Order != "eventTime" {
		if ev.vals[entrustFieldOf(q.Order)] == "" {
			return false
		}
		switch q.Order {
		case "entityName", "entityType", "entityAction":
			if strings.EqualFold(ev.vals["eventCategory"], "AUTHENTICATION") {
				return false
			}
		}
	}
	return true
}

// compare orders a before b (negative) as q lists events.
func (q *entrustQuery) compare(a, b *entrustEvent) int {
	chrono := func() int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	}
	switch {
	case q.SIEM:
		return chrono()
	case q.Order == "":
		return -chrono() // newest first
	case q.Order == "eventTime":
		if q.Asc {
			return chrono()
		}
		return -chrono()
	}
	f := entrustFieldOf(q.Order)
	c := strings.Compare(a.vals[f], b.vals[f])
	if c == 0 {
		c = chrono()
	}
	if !q.Asc {
		c = -c
	}
	return c
}

func (e *Entrust) serveReport(w http.ResponseWriter, r *http.Request, body []byte, siem bool) {
	q, limit, cur, details := entrustParseSearch(body, siem)
	if len(details) > 0 {
		writeEntrustError(w, http.StatusBadRequest, "INVALID_PARAMETER", "The search parameters are not valid", details...)
		return
	}
	e.set.mu.RLock()
	events := e.set.events
	// The data set is kept in time order: orders by time need no sort.
	var sel []*entrustEvent
	chrono := q.SIEM || (q.Order == "eventTime" && q.Asc)
	reverse := !q.SIEM && (q.Order == "" || (q.Order == "eventTime" && !q.Asc))
	for i := range events {
		j := i
		if reverse {
			j = len(events) - 1 - i
		}
		if q.matches(&events[j]) {
			sel = append(sel, &events[j])
		}
	}
	if !chrono && !reverse {
		sort.SliceStable(sel, func(i, j int) bool { return q.compare(sel[i], sel[j]) < 0 })
	}
	start := 0
	if cur != nil {
		idx, ok := e.bySeq[cur.Seq]
		if !ok || events[idx].id != cur.Last {
			e.set.mu.RUnlock()
			writeEntrustError(w, http.StatusBadRequest, "INVALID_PARAMETER", "cursor is not valid: its event is unknown")
			return
		}
		last := &events[idx]
		start = sort.Search(len(sel), func(i int) bool { return q.compare(sel[i], last) > 0 })
	}
	end := min(start+limit, len(sel))
	page := sel[start:end]
	next := ""
	if end < len(sel) && len(page) > 0 {
		l := page[len(page)-1]
		next = entrustEncodeCursor(entrustCursor{Last: l.id, Seq: l.seq, Query: q})
	}
	size := 64 + len(next)
	for _, ev := range page {
		size += len(ev.raw) + 1
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(`{"results":[`)
	for i, ev := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(ev.raw)
	}
	e.set.mu.RUnlock()
	b.WriteString(`],"paging":{"nextCursor":`)
	if next == "" {
		b.WriteString("null")
	} else {
		b.Write(mustJSON(next))
	}
	b.WriteString(`}}`)
	out := b.Bytes()
	if e.rewrite != nil {
		r.Body = io.NopCloser(bytes.NewReader(body)) // the rewriter may read the search again
		out = e.rewrite(r, int(e.rewrites.Add(1)), out)
	}
	writeSizedBody(w, http.StatusOK, jsonType, out)
}

// writeFault writes the error responses of the shared server.
func (e *Entrust) writeFault(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		writeEntrustError(w, status, "TOO_MANY_REQUESTS", "Too many requests; retry after "+strconv.FormatInt(ceilSeconds(retryAfter), 10)+" seconds")
	case http.StatusServiceUnavailable:
		writeEntrustError(w, status, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable")
	case http.StatusInternalServerError:
		writeEntrustError(w, status, "INTERNAL_ERROR", "An internal error occurred")
	default:
		writeEntrustError(w, status, "NOT_FOUND", "no such resource")
	}
}

// writeEntrustError writes Entrust's error body. The codes are invented
// except that an errorCode member is sent (UNCONFIRMED beyond that).
func writeEntrustError(w http.ResponseWriter, status int, code, message string, parms ...string) {
	if parms == nil {
		parms = []string{}
	}
	body := mustJSON(object{
		{"errorCode", code},
		{"errorMessage", message},
		{"errorParms", parms},
	})
	writeBody(w, status, jsonType, body)
}
