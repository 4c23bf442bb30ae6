package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
)

// The environment variables of the Entrust vendor.
const (
	entrustEnvAppID  = "ENTRUST_APPLICATION_ID"
	entrustEnvSecret = "ENTRUST_SHARED_SECRET"
	entrustEnvTenant = "ENTRUST_TENANT"
)

// entrustFilterAttrs are the search attributes --filter takes, in the
// document's order. The SIEM variant's startTime and endTime come from
// --since and --until.
func entrustFilterAttrs() []entrust.Attribute { return entrust.SearchAttributes(false) }

// entrustDefaultOp is the operator of --filter NAME=VALUE without OP:.
func entrustDefaultOp(a entrust.Attribute) entrust.Operator {
	if a == entrust.AttrEventTime {
		return entrust.GreaterThanOrEqual
	}
	return entrust.Equals
}

func entrustFilters() []filter {
	var out []filter
	for _, a := range entrustFilterAttrs() {
		ops := entrust.Operators(a, false)
		def := entrustDefaultOp(a)
		var value, help string
		switch a {
		case entrust.AttrEventTime:
			value, help = "an ISO-8601 UTC time, e.g. 2018-08-04T18:15:30", "events by time (--since/--until set it too)"
		case entrust.AttrOutcome:
			value, help = "SUCCESS|FAIL", "events of one outcome"
		case entrust.AttrCategory:
			value, help = "AUTHENTICATION|MANAGEMENT", "events of one category"
		case entrust.AttrSubject:
			value, help = "a UUID", "events of one acting user or API application, by id"
		default:
			value = fmt.Sprintf("1..%d characters", entrust.MaxLength(a))
			help = map[entrust.Attribute]string{
				entrust.AttrEntityName:   "events about an object, by name",
				entrust.AttrEntityType:   "events about a type of object, e.g. USERS, GROUPS, ROLES",
				entrust.AttrEntityAction: "events of an action, e.g. ADD, EDIT, REMOVE, ASSIGN, RESET",
				entrust.AttrResourceName: "events of a resource (application), by name",
				entrust.AttrSourceIP:     "events from a client IP address",
				entrust.AttrSubjectName:  "events of one acting user (userId) or API application (name)",
				entrust.AttrEventType:    "events of one type, e.g. AuthenticationDeniedEvent",
			}[a]
		}
		allowed := value
		if len(ops) > 1 {
			names := make([]string, len(ops))
			for i, o := range ops {
				names[i] = string(o)
			}
			allowed += "; or OP:VALUE with OP one of " + strings.Join(names, ", ") + " (default " + string(def) + ")"
		}
		help += "; repeat to AND conditions; not with siem=true"
		if a == entrust.AttrOutcome || a == entrust.AttrCategory {
			help = strings.TrimSuffix(help, "; not with siem=true")
		}
		out = append(out, filter{Name: string(a), Allowed: allowed, Help: help})
	}
	sorts := make([]string, 0, 9)
	for _, a := range entrust.SortAttributes() {
		sorts = append(sorts, string(a))
	}
	out = append(out,
		filter{Name: "order_by", Allowed: "NAME or NAME:asc|NAME:desc, NAME one of " + strings.Join(sorts, ", "),
			Help: "orderByAttribute (default eventTime:asc); only events with a value for NAME are returned; not with siem=true"},
		filter{Name: "siem", Allowed: "true|false",
			Help: "read the SIEM variant /auditeventspaged/siem (oldest first; filters outcome and category only)"},
	)
	return out
}

func init() {
	register(&vendor{
		Name:     "entrust",
		Title:    "Entrust Identity as a Service",
		Endpoint: "POST /api/web/v2/reports/auditeventspaged",
		Env: []envVar{
			{Name: entrustEnvAppID, Help: "Administration API application id", Secret: true},
			{Name: entrustEnvSecret, Help: "Administration API shared secret", Secret: true},
			{Name: entrustEnvTenant, Help: "tenant host, e.g. example.us.trustedauth.com (or --tenant)"},
		},
		Settings: []string{"tenant"},
		Filters:  entrustFilters(),
		Open:     openEntrust,
		Demo:     demoEntrust,
	})
}

// entrustOptions builds the ListOptions of a pull from its filters.
func entrustOptions(cfg *pullConfig) (*entrust.ListOptions, error) {
	opts := &entrust.ListOptions{Since: cfg.Since, Until: cfg.Until, Limit: cfg.PageSize}
	switch s := strings.ToLower(cfg.filter("siem")); s {
	case "", "false":
	case "true":
		opts.SIEM = true
	default:
		return nil, fmt.Errorf("--filter siem=%q: want true or false", cfg.filter("siem"))
	}
	if s := cfg.filter("order_by"); s != "" {
		name, dir, _ := strings.Cut(s, ":")
		o := &entrust.Order{Name: entrust.Attribute(name), Ascending: true}
		switch strings.ToLower(dir) {
		case "", "asc":
		case "desc":
			o.Ascending = false
		default:
			return nil, fmt.Errorf("--filter order_by=%q: the direction is asc or desc", s)
		}
		opts.OrderBy = o
	}
	for _, a := range entrustFilterAttrs() {
		for _, v := range cfg.filterValues(string(a)) {
			op, value := entrustDefaultOp(a), v
			if before, after, ok := strings.Cut(v, ":"); ok && isEntrustOperator(before) {
				op, value = entrust.Operator(before), after
			}
			opts.Filters = append(opts.Filters, entrust.Where(a, op, value))
		}
	}
	if err := opts.Validate(); err != nil {
		var oe *entrust.OptionError
		if !errors.As(err, &oe) {
			return nil, err
		}
		switch name, _, _ := strings.Cut(oe.Option, "."); name {
		case "limit":
			return nil, fmt.Errorf("--page-size %s: want %s", oe.Value, oe.Allowed)
		case "Since", "Until":
			return nil, fmt.Errorf("--since/--until: %w", err)
		case "orderByAttribute":
			return nil, fmt.Errorf("--filter order_by: %w", err)
		case "searchByAttributes": // an attribute of the other endpoint
			return nil, fmt.Errorf("--filter %s: not with siem=true, whose filters are outcome and category: %w", oe.Value, err)
		default:
			return nil, fmt.Errorf("--filter %s: %w", name, err)
		}
	}
	return opts, nil
}

func isEntrustOperator(s string) bool {
	return slices.Contains([]entrust.Operator{entrust.Equals, entrust.NotEquals, entrust.Contains, entrust.NotContains,
		entrust.StartsWith, entrust.EndsWith, entrust.GreaterThan, entrust.GreaterThanOrEqual, entrust.LessThan,
		entrust.LessThanOrEqual}, entrust.Operator(s))
}

func openEntrust(ctx context.Context, cfg *pullConfig) (*opened, error) {
	id, err := cfg.env(entrustEnvAppID)
	if err != nil {
		return nil, err
	}
	secret, err := cfg.env(entrustEnvSecret)
	if err != nil {
		return nil, err
	}
	opts, err := entrustOptions(cfg)
	if err != nil {
		return nil, err
	}
	var base []auditclient.Option
	if cfg.BaseURL == "" {
		host := cfg.Settings["tenant"]
		if host == "" {
			host = cfg.Getenv(entrustEnvTenant)
		}
		if strings.TrimSpace(host) == "" {
			return nil, errors.New("entrust has no public host: give --tenant HOST (the hostname of your API credentials file, e.g. example.us.trustedauth.com; or " + entrustEnvTenant + "), or --base-url URL")
		}
		base = append(base, auditclient.WithBaseURL(entrust.TenantURL(host)))
	}
	c, err := entrust.NewClient(id, secret, append(base, cfg.options()...)...)
	if err != nil {
		var ce *auditclient.ConfigError
		if errors.As(err, &ce) && strings.HasPrefix(ce.Option, "BaseURL") && cfg.BaseURL == "" {
			return nil, fmt.Errorf("--tenant: %w", err)
		}
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

func demoEntrust(cfg demoConfig) (*demo, error) {
	opts := audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(demoEvents, 1, cfg.Now), Faults: cfg.Faults}
	f := audittest.NewEntrust(opts)
	return &demo{
		BaseURL: f.URL(),
		Env:     map[string]string{entrustEnvAppID: f.ApplicationID(), entrustEnvSecret: f.SharedSecret()},
		Close:   f.Close,
	}, nil
}
