package entrust

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/auditkit/auditkit/auditclient"
)

// MaxLimit is the largest page size the API takes: SearchParms.limit is
// 1..100.
const MaxLimit = 100

// DefaultPageSize is the limit sent when ListOptions.PageSize is 0.
const DefaultPageSize = 100

// Attribute is the name of a search or sort attribute of SearchParms.
type Attribute string

// The search attributes of POST /api/web/v2/reports/auditeventspaged, as the
// document lists them, and the two of the SIEM variant.
const (
	// AttrEventTime is the event's time; mandatory on auditeventspaged
	// (derived from the window when no filter names it). Operators
	// GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL;
	// the value is an ISO-8601 time in UTC such as 2018-08-04T18:15:30.
	AttrEventTime Attribute = "eventTime"
	// AttrOutcome is SUCCESS or FAIL (EQUALS).
	AttrOutcome Attribute = "outcome"
	// AttrCategory is AUTHENTICATION or MANAGEMENT (EQUALS).
	AttrCategory Attribute = "category"
	// AttrEntityName is the name of the object acted on, up to 100
	// characters (EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS, STARTS_WITH,
	// ENDS_WITH).
	AttrEntityName Attribute = "entityName"
	// AttrEntityType is the type of the object acted on, up to 40
	// characters (USERS, GROUPS, QUESTIONS, REPORTS, ROLES, ...), with the
	// six string operators.
	AttrEntityType Attribute = "entityType"
	// AttrEntityAction is the action, up to 100 characters (ADD, EDIT,
	// REMOVE, ASSIGN, RESET, ...), with the six string operators.
	AttrEntityAction Attribute = "entityAction"
	// AttrResourceName is the resource (application) involved, up to 100
	// characters, with the six string operators.
	AttrResourceName Attribute = "resourceName"
	// AttrSourceIP is the client IP address, up to 39 characters (EQUALS,
	// STARTS_WITH).
	AttrSourceIP Attribute = "sourceIp"
	// AttrSubjectName is who acted (a userId such as jdoe, or an API
	// application's name), up to 100 characters, with the six string
	// operators.
	AttrSubjectName Attribute = "subjectName"
	// AttrEventType is the event type, up to 100 characters (e.g.
	// AuthenticationDeniedEvent), with the six string operators.
	AttrEventType Attribute = "eventType"
	// AttrSubject is the UUID of who acted (EQUALS).
	AttrSubject Attribute = "subject"

	// AttrStartTime is the lower time bound of the SIEM variant, mandatory
	// there (GREATER_THAN_OR_EQUAL; derived from the window when not given).
	AttrStartTime Attribute = "startTime"
	// AttrEndTime is the upper time bound of the SIEM variant
	// (LESS_THAN_OR_EQUAL).
	AttrEndTime Attribute = "endTime"
)

// Operator is the operator of a search attribute.
type Operator string

// The operators of SearchParms.searchByAttributes.
const (
	Equals             Operator = "EQUALS"
	NotEquals          Operator = "NOT_EQUALS"
	Contains           Operator = "CONTAINS"
	NotContains        Operator = "NOT_CONTAINS"
	StartsWith         Operator = "STARTS_WITH"
	EndsWith           Operator = "ENDS_WITH"
	GreaterThan        Operator = "GREATER_THAN"
	GreaterThanOrEqual Operator = "GREATER_THAN_OR_EQUAL"
	LessThan           Operator = "LESS_THAN"
	LessThanOrEqual    Operator = "LESS_THAN_OR_EQUAL"
)

// Outcome is the outcome of an event, as the outcome search attribute takes it.
type Outcome string

// The outcomes.
const (
	OutcomeSuccess Outcome = "SUCCESS"
	OutcomeFail    Outcome = "FAIL"
)

// Category is the category of an event, as the category search attribute
// takes it.
type Category string

// The categories.
const (
	CategoryAuthentication Category = "AUTHENTICATION"
	CategoryManagement     Category = "MANAGEMENT"
)

// Filter is one condition of SearchParms.searchByAttributes. Build it with
// Where, EventTime, OutcomeIs, CategoryIs or SubjectIs; Validate (called by
// every method before anything is sent) checks the attribute, the operator
// and the value against the document. Filters are ANDed.
type Filter struct {
	Name     Attribute `json:"name"`
	Operator Operator  `json:"operator"`
	Value    string    `json:"value"`
}

// Where returns the filter name operator value, e.g.
// Where(AttrEntityType, Equals, "USERS").
func Where(name Attribute, op Operator, value string) Filter {
	return Filter{Name: name, Operator: op, Value: value}
}

// EventTime returns an eventTime filter: op is GreaterThan,
// GreaterThanOrEqual, LessThan or LessThanOrEqual; t is sent in UTC to the
// second, in the document's form 2018-08-04T18:15:30.
func EventTime(op Operator, t time.Time) Filter {
	return Filter{Name: AttrEventTime, Operator: op, Value: formatTime(t.UTC().Truncate(time.Second))}
}

// OutcomeIs returns the filter outcome EQUALS o.
func OutcomeIs(o Outcome) Filter {
	return Filter{Name: AttrOutcome, Operator: Equals, Value: string(o)}
}

// CategoryIs returns the filter category EQUALS c.
func CategoryIs(c Category) Filter {
	return Filter{Name: AttrCategory, Operator: Equals, Value: string(c)}
}

// SubjectIs returns the filter subject EQUALS id, the UUID of who acted.
func SubjectIs(id string) Filter { return Filter{Name: AttrSubject, Operator: Equals, Value: id} }

// SortBy is SearchParms.orderByAttribute: the attribute to sort by and the
// direction. Both members are always sent.
type SortBy struct {
	Name      Attribute `json:"name"`
	Ascending bool      `json:"ascending"`
}

// ListOptions are the request body (SearchParms) of
// POST /api/web/v2/reports/auditeventspaged, or of its SIEM variant.
type ListOptions struct {
	// PageSize is SearchParms.limit, 1..MaxLimit; 0 sends DefaultPageSize.
	PageSize int
	// Cursor is paging.nextCursor of a previous page (ListPage and Pages
	// only). When it is set, only limit and cursor are sent: the server
	// ignores search and order attributes with a cursor.
	Cursor string
	// Order is the order by time: OldestFirst sends orderByAttribute
	// eventTime ascending and NewestFirst eventTime descending, since
	// auditeventspaged sorts by eventTime either way; the SIEM variant
	// always lists oldest first, so NewestFirst is an *OptionError there.
	// NaturalOrder is oldest first for Events (which asks for eventTime
	// ascending); ListPage and Pages then send no orderByAttribute, unless
	// OrderBy is set.
	Order auditclient.Order
	// OrderBy is orderByAttribute, for a sort by another attribute than
	// time; its Name is one of SortAttributes(). The server then returns
	// only events that have a value for it (ordering by entityName,
	// entityType or entityAction leaves out AUTHENTICATION events). Not
	// with SIEM, nor with an Order that says otherwise.
	OrderBy *SortBy
	// Filters are searchByAttributes, ANDed. See SearchAttributes for what
	// each endpoint accepts.
	Filters []Filter
	// Since and Until are the time window, half-open: [Since, Until), an
	// event at exactly Since in it, one at exactly Until not. They are sent
	// in UTC at whole seconds, Since rounded down and Until up: on
	// auditeventspaged as eventTime GREATER_THAN_OR_EQUAL Since and
	// LESS_THAN Until, which is the window exactly when both are whole
	// seconds; on the SIEM variant as startTime GREATER_THAN_OR_EQUAL and
	// endTime LESS_THAN_OR_EQUAL (its only operator), so the server may
	// send events at Until, which Events drops. eventTime (startTime) is
	// mandatory: when neither a filter nor the window sets one, eventTime
	// LESS_THAN_OR_EQUAL now (startTime 1970-01-01T00:00:00Z) is sent.
	Since, Until time.Time
	// SIEM reads POST /api/web/v2/reports/auditeventspaged/siem instead:
	// always oldest first, filters startTime, endTime, outcome and
	// category only, no OrderBy. It suits incremental collection.
	SIEM bool
}

// OrderNote says, in a sentence, how the API orders events and so which
// orders a walk can take (Vendor.OrderNote, and what an
// *auditclient.OptionError for an order it cannot serve says).
const OrderNote = "oldest first, by orderByAttribute eventTime ascending; newest first by eventTime descending, except on the SIEM variant (siem), which always lists oldest first"

// optionError is the *auditclient.OptionError of this package.
func optionError(option, value, allowed string) error {
	return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
}

var (
	stringOps   = []Operator{Equals, NotEquals, Contains, NotContains, StartsWith, EndsWith}
	timeOps     = []Operator{GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual}
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// isoUTC is the document's ISO-8601 UTC form, with an optional
	// fraction and an optional Z.
	isoUTC = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z?$`)
)

type valueKind int

const (
	kindString valueKind = iota
	kindTime
	kindOutcome
	kindCategory
	kindUUID
)

// attrSpec is what the document allows for one search attribute.
type attrSpec struct {
	ops    []Operator
	maxLen int
	kind   valueKind
}

// spec returns the rules of attribute a on the endpoint (siem or not).
func spec(a Attribute, siem bool) (attrSpec, bool) {
	if siem {
		switch a {
		case AttrStartTime:
			return attrSpec{ops: []Operator{GreaterThanOrEqual}, kind: kindTime}, true
		case AttrEndTime:
			return attrSpec{ops: []Operator{LessThanOrEqual}, kind: kindTime}, true
		case AttrOutcome:
			return attrSpec{ops: []Operator{Equals}, kind: kindOutcome}, true
		case AttrCategory:
			return attrSpec{ops: []Operator{Equals}, kind: kindCategory}, true
		}
		return attrSpec{}, false
	}
	switch a {
	case AttrEventTime:
		return attrSpec{ops: timeOps, kind: kindTime}, true
	case AttrOutcome:
		return attrSpec{ops: []Operator{Equals}, kind: kindOutcome}, true
	case AttrCategory:
		return attrSpec{ops: []Operator{Equals}, kind: kindCategory}, true
	case AttrEntityName, AttrEntityAction, AttrResourceName, AttrSubjectName, AttrEventType:
		return attrSpec{ops: stringOps, maxLen: 100}, true
	case AttrEntityType:
		return attrSpec{ops: stringOps, maxLen: 40}, true
	case AttrSourceIP:
		return attrSpec{ops: []Operator{Equals, StartsWith}, maxLen: 39}, true
	case AttrSubject:
		return attrSpec{ops: []Operator{Equals}, kind: kindUUID}, true
	}
	return attrSpec{}, false
}

// SearchAttributes lists the search attributes of auditeventspaged, or of
// the SIEM variant when siem is true, in the document's order.
func SearchAttributes(siem bool) []Attribute {
	if siem {
		return []Attribute{AttrStartTime, AttrEndTime, AttrOutcome, AttrCategory}
	}
	return []Attribute{AttrEventTime, AttrOutcome, AttrCategory, AttrEntityName, AttrEntityType,
		AttrEntityAction, AttrResourceName, AttrSourceIP, AttrSubjectName, AttrEventType, AttrSubject}
}

// Operators lists the operators the document allows for attribute a on the
// endpoint (siem or not); nil for an attribute it does not take.
func Operators(a Attribute, siem bool) []Operator {
	s, ok := spec(a, siem)
	if !ok {
		return nil
	}
	return slices.Clone(s.ops)
}

// MaxLength is the longest value, in characters, the document allows for a
// string attribute; 0 for the others.
func MaxLength(a Attribute) int {
	s, _ := spec(a, false)
	return s.maxLen
}

// SortAttributes lists the attributes orderByAttribute takes.
func SortAttributes() []Attribute {
	return []Attribute{AttrEventTime, AttrOutcome, AttrCategory, AttrEntityName, AttrEntityType,
		AttrEntityAction, AttrResourceName, AttrSourceIP, AttrSubjectName}
}

func joinAttrs(as []Attribute) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

func joinOps(ops []Operator) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// Validate checks f against the document's rules for the endpoint (siem or
// not): a known attribute, one of its operators, and a value of its form.
// The error is an *auditclient.OptionError naming the attribute.
func (f Filter) Validate(siem bool) error {
	endpoint := "auditeventspaged"
	if siem {
		endpoint = "the SIEM variant"
	}
	s, ok := spec(f.Name, siem)
	if !ok {
		return optionError("searchByAttributes.name", string(f.Name), "one of "+joinAttrs(SearchAttributes(siem))+" (on "+endpoint+")")
	}
	if !slices.Contains(s.ops, f.Operator) {
		return optionError(string(f.Name)+".operator", string(f.Operator), joinOps(s.ops))
	}
	v := f.Value
	switch s.kind {
	case kindTime:
		if !isoUTC.MatchString(v) {
			return optionError(string(f.Name), v, "an ISO-8601 time in UTC such as 2018-08-04T18:15:30 (optionally with a fraction and Z)")
		}
		if _, err := parseISO(v); err != nil {
			return optionError(string(f.Name), v, "a valid date and time, such as 2018-08-04T18:15:30")
		}
	case kindOutcome:
		if v != string(OutcomeSuccess) && v != string(OutcomeFail) {
			return optionError(string(f.Name), v, "SUCCESS or FAIL")
		}
	case kindCategory:
		if v != string(CategoryAuthentication) && v != string(CategoryManagement) {
			return optionError(string(f.Name), v, "AUTHENTICATION or MANAGEMENT")
		}
	case kindUUID:
		if !uuidPattern.MatchString(v) {
			return optionError(string(f.Name), v, "a UUID such as 5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c")
		}
	default:
		if n := utf8.RuneCountInString(v); n == 0 || n > s.maxLen || !utf8.ValidString(v) {
			return optionError(string(f.Name), clipValue(v), fmt.Sprintf("a string of 1 to %d characters", s.maxLen))
		}
	}
	return nil
}

// Validate checks the options against the document's limits. It is called
// before any request is sent; a bad value is an *auditclient.OptionError.
func (o *ListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := auditclient.CheckCount(Name, "limit", o.PageSize, MaxLimit, DefaultPageSize); err != nil {
		return err
	}
	switch {
	case o.Order != auditclient.NaturalOrder && o.Order != auditclient.OldestFirst && o.Order != auditclient.NewestFirst:
		return optionError("order", o.Order.String(), OrderNote)
	case o.SIEM && o.Order == auditclient.NewestFirst:
		return optionError("order", o.Order.String(), OrderNote)
	}
	if o.OrderBy != nil {
		if o.SIEM {
			return optionError("orderByAttribute.name", string(o.OrderBy.Name), "no order with SIEM, which always lists oldest first (leave OrderBy nil)")
		}
		if !slices.Contains(SortAttributes(), o.OrderBy.Name) {
			return optionError("orderByAttribute.name", string(o.OrderBy.Name), "one of "+joinAttrs(SortAttributes()))
		}
		if o.Order != auditclient.NaturalOrder && *o.OrderBy != *timeOrder(o.Order) {
			return optionError("order", o.Order.String(), fmt.Sprintf("natural with OrderBy %s ascending=%v, or an OrderBy that agrees", o.OrderBy.Name, o.OrderBy.Ascending))
		}
	}
	for _, f := range o.Filters {
		if err := f.Validate(o.SIEM); err != nil {
			return err
		}
	}
	for name, v := range map[string]time.Time{"Since": o.Since, "Until": o.Until} {
		if !v.IsZero() && (v.Year() < 1970 || v.Year() > 9998) {
			return optionError(name, v.Format(time.RFC3339), "a time between 1970 and 9998")
		}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return optionError("Since", o.Since.Format(time.RFC3339Nano), "a time no later than Until "+o.Until.Format(time.RFC3339Nano))
	}
	if len(o.Cursor) > 4096 || !utf8.ValidString(o.Cursor) {
		return optionError("cursor", clipValue(o.Cursor), "paging.nextCursor of a previous page, as sent")
	}
	return nil
}

// timeOrder is the orderByAttribute of an order by time; nil for
// NaturalOrder.
func timeOrder(o auditclient.Order) *SortBy {
	switch o {
	case auditclient.OldestFirst:
		return &SortBy{Name: AttrEventTime, Ascending: true}
	case auditclient.NewestFirst:
		return &SortBy{Name: AttrEventTime, Ascending: false}
	}
	return nil
}

// sortBy is the orderByAttribute sent: OrderBy, else the one of Order
// (nil for NaturalOrder, and always with SIEM, which ignores it).
func (o *ListOptions) sortBy() *SortBy {
	switch {
	case o.SIEM:
		return nil
	case o.OrderBy != nil:
		return o.OrderBy
	}
	return timeOrder(o.Order)
}

func clipValue(s string) string {
	if utf8.RuneCountInString(s) > 120 {
		r := []rune(s)
		return string(r[:120]) + "…"
	}
	return s
}

// searchParms is the request body.
type searchParms struct {
	Limit              int      `json:"limit"`
	Cursor             string   `json:"cursor,omitempty"`
	OrderByAttribute   *SortBy  `json:"orderByAttribute,omitempty"`
	SearchByAttributes []Filter `json:"searchByAttributes,omitempty"`
}

// path returns the endpoint of the options.
func (o *ListOptions) path() string {
	if o != nil && o.SIEM {
		return siemPath
	}
	return pagedPath
}

func (o *ListOptions) limit() int {
	if o == nil || o.PageSize == 0 {
		return DefaultPageSize
	}
	return o.PageSize
}

// body returns the SearchParms of the first page (or of opts.Cursor's page),
// with the window added as eventTime (startTime/endTime) conditions. now is
// the upper bound sent when nothing else bounds eventTime.
func (o *ListOptions) body(now time.Time) searchParms {
	if o == nil {
		o = &ListOptions{}
	}
	p := searchParms{Limit: o.limit()}
	if o.Cursor != "" {
		p.Cursor = o.Cursor
		return p
	}
	p.OrderByAttribute = o.sortBy()
	p.SearchByAttributes = slices.Clone(o.Filters)
	if o.SIEM {
		hasStart := false
		for _, f := range o.Filters {
			hasStart = hasStart || f.Name == AttrStartTime
		}
		if !o.Since.IsZero() || !hasStart {
			p.SearchByAttributes = append(p.SearchByAttributes,
				Filter{AttrStartTime, GreaterThanOrEqual, formatTimeZ(floorSecond(o.Since))})
		}
		if !o.Until.IsZero() {
			// endTime's only operator is LESS_THAN_OR_EQUAL: the events at
			// Until come too, and the iterator drops them.
			p.SearchByAttributes = append(p.SearchByAttributes, Filter{AttrEndTime, LessThanOrEqual, formatTimeZ(ceilSecond(o.Until))})
		}
		return p
	}
	hasTime := false
	for _, f := range o.Filters {
		hasTime = hasTime || f.Name == AttrEventTime
	}
	if !o.Since.IsZero() {
		p.SearchByAttributes = append(p.SearchByAttributes, Filter{AttrEventTime, GreaterThanOrEqual, formatTime(floorSecond(o.Since))})
	}
	switch {
	case !o.Until.IsZero():
		// Half-open: LESS_THAN, at Until rounded up to the second (a
		// fraction is cut by the iterator).
		p.SearchByAttributes = append(p.SearchByAttributes, Filter{AttrEventTime, LessThan, formatTime(ceilSecond(o.Until))})
	case o.Since.IsZero() && !hasTime:
		p.SearchByAttributes = append(p.SearchByAttributes, Filter{AttrEventTime, LessThanOrEqual, formatTime(ceilSecond(now))})
	}
	return p
}

// filters are the options that select events, without the window, paging
// and page size: what a checkpoint's query fingerprint covers.
func (o *ListOptions) filters() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	v.Set("endpoint", o.path())
	if ob := o.sortBy(); ob != nil {
		dir := "desc"
		if ob.Ascending {
			dir = "asc"
		}
		v.Set("orderByAttribute", string(ob.Name)+" "+dir)
	}
	for _, f := range o.Filters {
		v.Add(string(f.Name)+" "+string(f.Operator), f.Value)
	}
	return v
}

// timeLayout is the document's form of eventTime values: ISO-8601 in UTC,
// without a zone (2018-08-04T18:15:30).
const timeLayout = "2006-01-02T15:04:05"

// timeLayoutZ is the form of the SIEM example (2024-06-01T00:00:00Z).
const timeLayoutZ = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string  { return t.UTC().Format(timeLayout) }
func formatTimeZ(t time.Time) string { return t.UTC().Format(timeLayoutZ) }

// floorSecond rounds down to the second; the zero time becomes the Unix
// epoch (the SIEM variant's startTime is mandatory).
func floorSecond(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC().Truncate(time.Second)
}

// ceilSecond rounds up to the second, so that an upper bound sent at
// second resolution loses nothing.
func ceilSecond(t time.Time) time.Time {
	u := t.UTC()
	if tr := u.Truncate(time.Second); !tr.Equal(u) {
		return tr.Add(time.Second)
	}
	return u
}

// parseISO parses an ISO-8601 time: RFC 3339 (with a zone), or without a
// zone, which means UTC.
func parseISO(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
}
