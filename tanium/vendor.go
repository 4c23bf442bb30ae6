package tanium

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Vendor describes this package to the vendors registry, which it joins
// when imported: the settings a walk needs (the server, the API token and
// the objects whose history to read), the history depths it takes as
// filters, and its one order. Its Open is Client.Events started from a
// vendors.Config.
var Vendor = &vendors.Vendor{
	Name:     Name,
	Title:    "Tanium (per-object audit history)",
	Endpoint: "GET /api/v2/audit_logs/{type}s/{id}",
	// Tanium has no public host: the server setting (or Config.BaseURL)
	// is the customer's own.
	DefaultBaseURL: "",
	Settings: []vendors.Setting{
		{Name: "server", Flag: "server", Env: "TANIUM_SERVER", Required: true, BaseURL: true,
			Help: "the Tanium Server's URL, e.g. https://tanium.example.com (Tanium has no public host)"},
		{Name: "token", Env: "TANIUM_API_TOKEN", Secret: true, Required: true,
			Help: "API token (sent as session: token-<token>)"},
		{Name: "objects", Flag: "objects", Env: "TANIUM_OBJECTS", Required: true,
			Help: "the objects whose audit history to read, TYPE:ID,... (types: " + typeList() + ")"},
	},
	// The route has no query parameters; its one documented option is the
	// history depth, a header.
	Filters: []vendors.Filter{
		{Name: "audit_history_size", Allowed: fmt.Sprintf("1..%d (default %d; the page size sets it too)", MaxHistorySize, DefaultPageSize),
			Help: "entries first read per object (the tanium-options header); a full history short of the window's start is read again twice as deep"},
		{Name: "max_history_size", Allowed: fmt.Sprintf("1..%d (default %d)", MaxHistorySize, MaxHistorySize),
			Help: "the deepest history read per object; one still short of the window is a partial pull (see --allow-partial)"},
	},
	Natural:   auditclient.NaturalOrder,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// open is Vendor.Open: the client from the settings, the ListOptions from
// the objects setting, the filters (the last value of each wins over
// cfg.PageSize) and cfg's window and order. It sends nothing.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	c, err := NewClient(cfg.Server("server"), cfg.Setting("token"), cfg.ClientOptions()...)
	if err != nil {
		return nil, err
	}
	objects, err := ParseObjects(cfg.Setting("objects"))
	if err != nil {
		// A setting, not an option of the walk.
		var oe *auditclient.OptionError
		if errors.As(err, &oe) {
			return nil, &auditclient.ConfigError{Vendor: Name, Option: "objects", Env: "TANIUM_OBJECTS", Value: strconv.Quote(oe.Value), Reason: oe.Allowed}
		}
		return nil, err
	}
	opts := &ListOptions{Objects: objects, PageSize: cfg.PageSize, Since: cfg.Since, Until: cfg.Until, Order: cfg.Order}
	for _, f := range []struct {
		name string
		to   *int
	}{{"audit_history_size", &opts.PageSize}, {"max_history_size", &opts.MaxHistorySize}} {
		vals := cfg.FilterValues(f.name)
		if len(vals) == 0 {
			continue
		}
		v := vals[len(vals)-1]
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > MaxHistorySize {
			return nil, badOption(f.name, v, fmt.Sprintf("an integer from 1 to %d", MaxHistorySize))
		}
		*f.to = n
	}
	return vendors.Walk(ctx, cfg, c, opts.Validate(), opts)
}
