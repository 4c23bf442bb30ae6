package cisco

import (
	"context"
	"strconv"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// regions maps the registry's region setting to the regional API hosts.
var regions = map[string]string{"na": RegionNorthAmerica, "eu": RegionEurope, "apjc": RegionAsiaPacific}

// Vendor is this package's entry in the vendors registry, where it is
// registered when the package is imported.
var Vendor = &vendors.Vendor{
	Name:           Name,
	Title:          "Cisco Secure Endpoint",
	Endpoint:       "GET /v1/audit_logs",
	DefaultBaseURL: RegionNorthAmerica,
	Settings: []vendors.Setting{
		{Name: "client_id", Env: "CISCO_CLIENT_ID", Help: "API client id (HTTP Basic user)", Secret: true, Required: true},
		{Name: "api_key", Env: "CISCO_API_KEY", Help: "API key (HTTP Basic password)", Secret: true, Required: true},
		{Name: "region", Flag: "region", Env: "CISCO_REGION", Help: "the API's region: na (the default), eu or apjc"},
	},
	Filters: []vendors.Filter{
		{Name: "audit_log_type", Allowed: "an object type, e.g. User, Computer, Policy", Help: "records of one audited object type"},
		{Name: "audit_log_id", Allowed: "a GUID or a 20-hex-digit connector GUID", Help: "records of one audited object"},
		{Name: "event", Allowed: "an event name, e.g. login, update, create", Help: "one kind of event"},
		{Name: "audit_log_user", Allowed: "a user, e.g. amp@cisco.com", Help: "records of one acting user"},
	},
	Orders:    []auditclient.Order{auditclient.NewestFirst},
	Natural:   auditclient.NewestFirst,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// open is Vendor.Open: the walk of Events from cfg. The region setting
// picks the host unless cfg.BaseURL is given.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	opts := &ListOptions{
		AuditLogType: cfg.Filter("audit_log_type"),
		AuditLogID:   cfg.Filter("audit_log_id"),
		Event:        cfg.Filter("event"),
		AuditLogUser: cfg.Filter("audit_log_user"),
		Since:        cfg.Since,
		Until:        cfg.Until,
		PageSize:     cfg.PageSize,
		Order:        cfg.Order,
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	clientOpts := cfg.ClientOptions()
	if region := cfg.Setting("region"); region != "" {
		host, ok := regions[region]
		if !ok {
			return nil, &auditclient.ConfigError{Vendor: Name, Option: "setting region", Env: "CISCO_REGION", Value: strconv.Quote(region), Reason: "want na, eu or apjc"}
		}
		if cfg.BaseURL == "" {
			clientOpts = append(clientOpts, auditclient.WithBaseURL(host))
		}
	}
	c, err := NewClient(cfg.Setting("client_id"), cfg.Setting("api_key"), clientOpts...)
	return vendors.Walk(ctx, cfg, c, err, opts)
}
