package tanium

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// ObjectType is a kind of Tanium object whose audit history the platform
// REST API serves, spelled as in the route GET /api/v2/audit_logs/{type}s/{id}
// without the plural s. The values are the fourteen REST types of
// Tanium's pytan3 client (vendors.md §6); community evidence only
// (UNCONFIRMED against an official reference).
type ObjectType string

// The object types of the audit history route.
const (
	ContentSet     ObjectType = "content_set"
	ContentSetRole ObjectType = "content_set_role"
	Dashboard      ObjectType = "dashboard"
	DashboardGroup ObjectType = "dashboard_group"
	Group          ObjectType = "group"
	Package        ObjectType = "package" // the REST reference says package_spec; only packages routes (pytan3)
	PluginSchedule ObjectType = "plugin_schedule"
	SavedAction    ObjectType = "saved_action"
	SavedQuestion  ObjectType = "saved_question"
	Sensor         ObjectType = "sensor"
	SystemSetting  ObjectType = "system_setting"
	User           ObjectType = "user"
	UserGroup      ObjectType = "user_group"
	WhiteListedURL ObjectType = "white_listed_url"
)

// ObjectTypes returns every ObjectType, in the order vendors.md lists them.
func ObjectTypes() []ObjectType {
	return []ObjectType{
		ContentSet, ContentSetRole, Dashboard, DashboardGroup, Group, Package,
		PluginSchedule, SavedAction, SavedQuestion, Sensor, SystemSetting,
		User, UserGroup, WhiteListedURL,
	}
}

// Valid reports whether t is one of the ObjectTypes.
func (t ObjectType) Valid() bool { return slices.Contains(ObjectTypes(), t) }

// Route is the path segment of t in the audit history route: the type with
// an s appended, as in "users" or "white_listed_urls".
func (t ObjectType) Route() string { return string(t) + "s" }

// Object names one Tanium object: its type and its id (a positive integer
// in decimal, as Tanium object ids are).
type Object struct {
	// Type is the object's type, e.g. User.
	Type ObjectType
	// ID is the object's id in decimal, e.g. "12".
	ID string
}

// String returns the object as TYPE:ID, the form ParseObjects reads.
func (o Object) String() string { return string(o.Type) + ":" + o.ID }

// Validate checks the type against ObjectTypes and the id; a bad value is an
// *auditclient.OptionError for the option "objects".
func (o Object) Validate() error {
	if !o.Type.Valid() {
		return badOption("objects", o.String(), "an object type among "+typeList())
	}
	if !validID(o.ID) {
		return badOption("objects", o.String(), "a positive integer object id, as in user:12")
	}
	return nil
}

// badOption is the *auditclient.OptionError of option (as the API or this
// package spells it) given value.
func badOption(option, value, allowed string) error {
	return &auditclient.OptionError{Vendor: Name, Option: option, Value: value, Allowed: allowed}
}

// validID reports whether id is a positive decimal integer that fits an
// int64 (Tanium object ids are xsd:int).
func validID(id string) bool {
	if id == "" || id[0] == '0' || len(id) > 19 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(id, 10, 64)
	return err == nil
}

func typeList() string {
	names := make([]string, 0, len(ObjectTypes()))
	for _, t := range ObjectTypes() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// ParseObjects reads a list of objects written TYPE:ID, separated by commas
// (spaces around items are ignored), as in "user:12,sensor:7". An empty
// item, an unknown type or a bad id is an *auditclient.OptionError naming
// the item.
// The same object twice is an error too: its history would be read twice.
func ParseObjects(s string) ([]Object, error) {
	if strings.TrimSpace(s) == "" {
		return nil, badOption("objects", s, "one or more TYPE:ID separated by commas, as in user:12,sensor:7")
	}
	var out []Object
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		typ, id, ok := strings.Cut(item, ":")
		if !ok {
			return nil, badOption("objects", item, "TYPE:ID, as in user:12 (types: "+typeList()+")")
		}
		o := Object{Type: ObjectType(strings.TrimSpace(typ)), ID: strings.TrimSpace(id)}
		if err := o.Validate(); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if err := checkDuplicates(out); err != nil {
		return nil, err
	}
	return out, nil
}

func checkDuplicates(objs []Object) error {
	seen := make(map[Object]bool, len(objs))
	for _, o := range objs {
		if seen[o] {
			return badOption("objects", o.String(), "each object once")
		}
		seen[o] = true
	}
	return nil
}

// History sizes. The header's own default is 1 (pytan3; the SOAP schema
// says the same); the server caps large values with its
// max_soap_audit_entries_per_cache setting, whose value is UNCONFIRMED.
const (
	// DefaultPageSize is the audit_history_size first sent for each object
	// when ListOptions.PageSize is 0.
	DefaultPageSize = 100
	// MaxHistorySize is the largest audit_history_size this package sends,
	// a client-side bound (the server's cap is UNCONFIRMED): the largest
	// ListOptions.PageSize, and the default of ListOptions.MaxHistorySize.
	MaxHistorySize = 10000
)

// Concurrency of a walk: how many objects' histories are fetched at once.
const (
	// DefaultConcurrency is used when ListOptions.Concurrency is 0.
	DefaultConcurrency = 8
	// MaxConcurrency is the largest ListOptions.Concurrency.
	MaxConcurrency = 32
)

// OrderNote says, in a sentence, how a walk orders entries and why it
// takes no other order: Vendor.OrderNote, and what the
// *auditclient.OptionError of another ListOptions.Order says.
const OrderNote = "object after object, in the order the objects are listed, each history as the server sends it " +
	"(the fake sends newest first; the real order is UNCONFIRMED): entries are in no time order across objects, " +
	"so neither oldest-first nor newest-first is offered"

// ListOptions say which audit histories to read. The endpoint has no query
// parameters: the objects are path segments and the history size is the
// tanium-options header. The time window is applied by this package, to
// the entries received.
type ListOptions struct {
	// Objects are the objects whose histories to read, in this order;
	// at least one, each once. One request per object (more for a history
	// read deeper, see PageSize); ListPage takes exactly one.
	Objects []Object
	// PageSize is the number of history entries first asked per object,
	// sent as tanium-options: {"audit_history_size": N}: the size of one
	// page, an object's history; 1..MaxHistorySize, 0 for DefaultPageSize.
	// The server returns the last N entries of each object. When all N
	// come back and the oldest of them is not older than the start of the
	// window (Since, or the last checkpoint's newest entry in an
	// incremental walk; with neither, always), the object is asked again
	// with twice the depth, up to MaxHistorySize (see the package
	// documentation): like the page size of other APIs, it changes how many
	// requests a walk sends, not what it yields. ListPage sends it as given.
	PageSize int
	// MaxHistorySize bounds that deepening: the largest audit_history_size
	// sent for one object; PageSize..MaxHistorySize (the constant), 0
	// for the constant. A history still full at that depth whose oldest
	// entry does not reach back before the window's start is reported as a
	// *TruncatedError by the walk (see Client.Events), never dropped in
	// silence. Lower it to bound the cost of objects with long histories.
	// When it is below DefaultPageSize and PageSize is 0, the first
	// request asks for MaxHistorySize entries.
	MaxHistorySize int
	// Since and Until are the window [Since, Until): the entries whose
	// time (modification_time, else creation_time) is at or after Since
	// and before Until are kept; zero for unbounded. They are applied
	// client-side: the endpoint takes no time filter.
	Since, Until time.Time
	// Order must be auditclient.NaturalOrder: the walk reads one object's
	// history after another, so its entries are in no time order across
	// objects, and sorting them would mean holding every history of the
	// window; OldestFirst and NewestFirst are an *auditclient.OptionError.
	Order auditclient.Order
	// Concurrency is how many objects' histories are fetched at once,
	// ahead of the consumer, within the client's rate limit:
	// 1..MaxConcurrency, 0 for DefaultConcurrency. Entries are yielded in
	// the order of Objects whatever the concurrency.
	Concurrency int
	// SkipNotFound makes a walk pass over an object the server answers 404
	// for (an id that does not exist) instead of ending with the error.
	SkipNotFound bool
}

// Validate checks the options. It is called before any request is sent; a
// bad value is an *auditclient.OptionError (errors.Is
// auditclient.ErrBadOption) naming the option as the API spells it
// ("audit_history_size" for PageSize) or, for the others, in snake case.
func (o *ListOptions) Validate() error {
	if o == nil || len(o.Objects) == 0 {
		return badOption("objects", "", "one or more objects (TYPE:ID, as in user:12)")
	}
	for _, obj := range o.Objects {
		if err := obj.Validate(); err != nil {
			return err
		}
	}
	if err := checkDuplicates(o.Objects); err != nil {
		return err
	}
	for _, n := range []struct {
		option          string
		value, max, def int
	}{
		{"audit_history_size", o.PageSize, MaxHistorySize, DefaultPageSize},
		{"max_history_size", o.MaxHistorySize, MaxHistorySize, MaxHistorySize},
		{"concurrency", o.Concurrency, MaxConcurrency, DefaultConcurrency},
	} {
		if err := auditclient.CheckCount(Name, n.option, n.value, n.max, n.def); err != nil {
			return err
		}
	}
	if o.MaxHistorySize > 0 && o.PageSize > o.MaxHistorySize {
		return badOption("audit_history_size", strconv.Itoa(o.PageSize), fmt.Sprintf("at most max_history_size, %d", o.MaxHistorySize))
	}
	if o.Order != auditclient.NaturalOrder {
		return badOption("order", o.Order.String(), OrderNote)
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Since.After(o.Until) {
		return badOption("since", o.Since.Format(time.RFC3339), "a time no later than until "+o.Until.Format(time.RFC3339))
	}
	return nil
}

// pageSize is the depth first asked for each object.
func (o *ListOptions) pageSize() int {
	if o.PageSize == 0 {
		return min(DefaultPageSize, o.maxHistorySize())
	}
	return o.PageSize
}

// maxHistorySize is the deepest history asked for one object.
func (o *ListOptions) maxHistorySize() int {
	if o.MaxHistorySize == 0 {
		return MaxHistorySize
	}
	return o.MaxHistorySize
}

func (o *ListOptions) concurrency() int {
	if o.Concurrency == 0 {
		return DefaultConcurrency
	}
	return o.Concurrency
}

// filters are what a checkpoint's query fingerprint covers: the objects, in
// order (a checkpoint's position is an index into them). The history sizes,
// window and concurrency are left out, so that they may change between
// incremental walks.
func (o *ListOptions) filters() url.Values {
	return url.Values{"objects": {objectList(o.Objects)}}
}

// objectList writes objs as ParseObjects reads them: TYPE:ID joined by
// commas.
func objectList(objs []Object) string {
	names := make([]string, len(objs))
	for i, obj := range objs {
		names[i] = obj.String()
	}
	return strings.Join(names, ",")
}

// inWindow reports whether t lies within the options' window, the
// half-open [Since, Until).
func (o *ListOptions) inWindow(t time.Time) bool {
	return (o.Since.IsZero() || !t.Before(o.Since)) && (o.Until.IsZero() || t.Before(o.Until))
}
