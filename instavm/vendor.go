package instavm

import (
	"context"
	"strconv"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Vendor describes this package to the vendors registry: its setting
// (api_key, from INSTAVM_API_KEY), its filters (the document's query
// parameters), and its order. Importing the package registers it.
//
// The document lists types, not values, for the string filters: the
// examples in their Allowed are vendors.md's (UNCONFIRMED vocabulary).
var Vendor = &vendors.Vendor{
	Name:           Name,
	Title:          "InstaVM",
	Endpoint:       "GET /" + eventsPath,
	DefaultBaseURL: DefaultBaseURL,
	Settings: []vendors.Setting{
		{Name: "api_key", Env: envAPIKey, Help: "API key (instavm_sk_..., sent as X-API-Key)", Secret: true, Required: true},
	},
	Filters: []vendors.Filter{
		{Name: "event_group", Allowed: "a string, e.g. auth, vm", Help: "events of one group"},
		{Name: "event_type", Allowed: "a string, e.g. auth.login, vm.create", Help: "events of one type"},
		{Name: "status", Allowed: "a string, e.g. success, failure", Help: "events of one outcome"},
		{Name: "user_id", Allowed: "a positive integer", Help: "events of one user"},
		{Name: "vm_id", Allowed: "a string, e.g. vm_9a8b7c6d", Help: "events about one VM"},
		{Name: "session_id", Allowed: "a string, e.g. sess_1b2c3d", Help: "events of one session"},
	},
	Natural:   auditclient.NewestFirst,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// open is Vendor.Open: the walk of Events from cfg, checked before anything
// is sent.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	opts := &ListOptions{Since: cfg.Since, Until: cfg.Until, PageSize: cfg.PageSize, Order: cfg.Order}
	for _, p := range opts.filterParams() {
		*p.v = cfg.Filter(p.name)
	}
	if s := cfg.Filter("user_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, optionError("user_id", s, "a positive integer")
		}
		opts.UserID = n
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := NewClient(cfg.Setting("api_key"), cfg.ClientOptions()...)
	return vendors.Walk(ctx, cfg, c, err, opts)
}
