package automox

import (
	"context"
	"errors"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Vendor is this package in the vendors registry, where it registers itself
// when imported: vendors.Open(ctx, "automox", cfg) starts an Events walk
// from the settings api_key and org_uuid, the filter date, and cfg's
// window, page size, order and checkpoint.
var Vendor = &vendors.Vendor{
	Name:           Name,
	Title:          "Automox Audit Trail",
	Endpoint:       "GET " + EventsPath,
	DefaultBaseURL: DefaultBaseURL,
	Settings: []vendors.Setting{
		{Name: "api_key", Env: "AUTOMOX_API_KEY", Help: "the Automox API key (sent as Authorization: Bearer)", Secret: true, Required: true},
		{Name: "org_uuid", Flag: "org", Env: "AUTOMOX_ORG_UUID", Help: "the UUID of the organization whose audit trail to read", Required: true},
	},
	// The API's three parameters. The walk reads every UTC day of the
	// window itself, so only date selects events; cursor and limit are
	// listed to say that the walk drives them.
	Filters: []vendors.Filter{
		{Name: "date", Allowed: "a day, YYYY-MM-DD (not with --since/--until)", Help: "the events of that one UTC day (the walk otherwise reads every day of --since..--until)"},
		{Name: "cursor", Allowed: "none: the walk drives it (resume with --checkpoint)", Help: "walk-driven: the id of the last event of the page before"},
		{Name: "limit", Allowed: "none: the walk drives it (set --page-size, 1..500)", Help: "walk-driven: the page size"},
	},
	Orders:    []auditclient.Order{auditclient.OldestFirst},
	Natural:   auditclient.OldestFirst,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// settingOf names NewClient's parameters by their registry settings.
var settingOf = map[string]string{"apiKey": "api_key", "orgUUID": "org_uuid"}

// open is Vendor.Open: the Events walk cfg describes. It sends nothing.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	opts, err := listOptions(cfg)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(cfg.Setting("api_key"), cfg.Setting("org_uuid"), cfg.ClientOptions()...)
	var ce *auditclient.ConfigError
	if errors.As(err, &ce) && settingOf[ce.Option] != "" {
		ce.Option = "setting " + settingOf[ce.Option]
	}
	return vendors.Walk(ctx, cfg, c, err, opts)
}

// listOptions returns the ListOptions of cfg, checked.
func listOptions(cfg vendors.Config) (*ListOptions, error) {
	for _, f := range []struct{ name, allowed string }{
		{"cursor", "none: the walk drives the cursor itself (resume a pull from a checkpoint, --checkpoint)"},
		{"limit", "none: the walk drives the limit itself (set the page size, --page-size, 1..500)"},
	} {
		if v := cfg.Filter(f.name); v != "" {
			return nil, optionError(f.name, v, f.allowed)
		}
	}
	opts := &ListOptions{Since: cfg.Since, Until: cfg.Until, PageSize: cfg.PageSize, Order: cfg.Order}
	if v := cfg.Filter("date"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, optionError("date", v, "a day such as 2024-06-18")
		}
		if !cfg.Since.IsZero() || !cfg.Until.IsZero() {
			return nil, optionError("date", v, "one UTC day, without a window (leave out Since and Until, --since and --until)")
		}
		opts.Date = d
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return opts, nil
}
