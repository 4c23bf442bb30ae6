package entrust

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Vendor describes this package to the vendors registry (and so to the
// auditkit CLI): its settings, the search attributes it takes as filters,
// and Open, which starts a walk by name. Importing the package registers
// it.
//
// A filter NAME=VALUE is the condition NAME EQUALS VALUE (eventTime:
// GREATER_THAN_OR_EQUAL); NAME=OP:VALUE names another of the operators the
// document allows for NAME, e.g. entityAction=NOT_EQUALS:REMOVE. Two more
// filters choose the endpoint and the sort: siem=true reads the SIEM
// variant, order_by=NAME[:asc|:desc] sends orderByAttribute.
var Vendor = &vendors.Vendor{
	Name:     Name,
	Title:    "Entrust Identity as a Service",
	Endpoint: "POST /" + pagedPath,
	Settings: []vendors.Setting{
		{Name: "tenant", Flag: "tenant", Env: "ENTRUST_TENANT", Required: true, BaseURL: true,
			Help: "tenant host, e.g. example.us.trustedauth.com (the hostname of the API credentials file), or its https URL"},
		{Name: "application_id", Env: "ENTRUST_APPLICATION_ID", Secret: true, Required: true,
			Help: "Administration API application id"},
		{Name: "shared_secret", Env: "ENTRUST_SHARED_SECRET", Secret: true, Required: true,
			Help: "Administration API shared secret"},
	},
	Filters:   filters(),
	Orders:    []auditclient.Order{auditclient.OldestFirst, auditclient.NewestFirst},
	Natural:   auditclient.OldestFirst,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// filterHelp says what each search attribute selects.
var filterHelp = map[Attribute]string{
	AttrEventTime:    "events by time (--since/--until set it too)",
	AttrOutcome:      "events of one outcome",
	AttrCategory:     "events of one category",
	AttrEntityName:   "events about an object, by name",
	AttrEntityType:   "events about a type of object, e.g. USERS, GROUPS, ROLES",
	AttrEntityAction: "events of an action, e.g. ADD, EDIT, REMOVE, ASSIGN, RESET",
	AttrResourceName: "events of a resource (application), by name",
	AttrSourceIP:     "events from a client IP address",
	AttrSubjectName:  "events of one acting user (userId) or API application (name)",
	AttrEventType:    "events of one type, e.g. AuthenticationDeniedEvent",
	AttrSubject:      "events of one acting user or API application, by id",
}

// defaultOp is the operator of a filter NAME=VALUE without OP:.
func defaultOp(a Attribute) Operator {
	if a == AttrEventTime {
		return GreaterThanOrEqual
	}
	return Equals
}

// filters are the registry's filters: the search attributes of
// auditeventspaged in the document's order, then order_by and siem.
func filters() []vendors.Filter {
	var out []vendors.Filter
	for _, a := range SearchAttributes(false) {
		f := vendors.Filter{Name: string(a), Help: filterHelp[a] + "; repeat to AND conditions", Repeatable: true}
		switch a {
		case AttrEventTime:
			f.Allowed = "an ISO-8601 UTC time, e.g. 2018-08-04T18:15:30"
		case AttrOutcome:
			f.Allowed, f.Values = "SUCCESS|FAIL", []string{string(OutcomeSuccess), string(OutcomeFail)}
		case AttrCategory:
			f.Allowed, f.Values = "AUTHENTICATION|MANAGEMENT", []string{string(CategoryAuthentication), string(CategoryManagement)}
		case AttrSubject:
			f.Allowed = "a UUID"
		default:
			f.Allowed = fmt.Sprintf("1..%d characters", MaxLength(a))
		}
		if ops := Operators(a, false); len(ops) > 1 {
			f.Allowed += "; or OP:VALUE with OP one of " + joinOps(ops) + " (default " + string(defaultOp(a)) + ")"
		}
		if _, siem := spec(a, true); !siem {
			f.Help += "; not with siem=true"
		}
		out = append(out, f)
	}
	return append(out,
		vendors.Filter{Name: "order_by", Allowed: "NAME or NAME:asc|NAME:desc, NAME one of " + joinAttrs(SortAttributes()),
			Help: "orderByAttribute (default eventTime:asc); only events with a value for NAME are returned; not with siem=true"},
		vendors.Filter{Name: "siem", Allowed: "true|false", Values: []string{"true", "false"},
			Help: "read the SIEM variant /auditeventspaged/siem (oldest first; filters outcome and category only)"},
	)
}

// listOptions builds the ListOptions of a walk started by name.
func listOptions(cfg vendors.Config) (*ListOptions, error) {
	opts := &ListOptions{Since: cfg.Since, Until: cfg.Until, PageSize: cfg.PageSize, Order: cfg.Order}
	switch s := cfg.Filter("siem"); s {
	case "", "false":
	case "true":
		opts.SIEM = true
	default:
		return nil, optionError("siem", s, "true or false")
	}
	if s := cfg.Filter("order_by"); s != "" {
		name, dir, _ := strings.Cut(s, ":")
		allowed := "NAME or NAME:asc|NAME:desc, NAME one of " + joinAttrs(SortAttributes())
		ob := &SortBy{Name: Attribute(name), Ascending: true}
		switch {
		case opts.SIEM:
			return nil, optionError("order_by", s, "no order_by with siem=true, which always lists oldest first")
		case !slices.Contains(SortAttributes(), ob.Name):
			return nil, optionError("order_by", s, allowed)
		case strings.EqualFold(dir, "desc"):
			ob.Ascending = false
		case dir != "" && !strings.EqualFold(dir, "asc"):
			return nil, optionError("order_by", s, allowed)
		}
		opts.OrderBy = ob
	}
	for _, a := range SearchAttributes(false) {
		for _, v := range cfg.FilterValues(string(a)) {
			op, value := defaultOp(a), v
			if before, after, ok := strings.Cut(v, ":"); ok && isOperator(before) {
				op, value = Operator(before), after // Validate checks it is one of a's
			}
			if _, ok := spec(a, true); opts.SIEM && !ok {
				return nil, optionError(string(a), v, "not with siem=true, whose filters are outcome and category")
			}
			opts.Filters = append(opts.Filters, Where(a, op, value))
		}
	}
	return opts, opts.Validate()
}

// isOperator reports whether s names an operator of searchByAttributes.
func isOperator(s string) bool {
	return slices.Contains([]Operator{Equals, NotEquals, Contains, NotContains, StartsWith, EndsWith,
		GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual}, Operator(s))
}

// open is Vendor.Open: the client of cfg's tenant and credentials, and the
// walk of its filters. It sends nothing.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	opts, err := listOptions(cfg)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(cfg.Server("tenant"), cfg.Setting("application_id"), cfg.Setting("shared_secret"), cfg.ClientOptions()...)
	return vendors.Walk(ctx, cfg, c, err, opts)
}
