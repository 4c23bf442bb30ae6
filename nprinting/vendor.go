package nprinting

import (
	"context"
	"net/http"
	"os"
	"strconv"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Vendor is this package in the vendors registry: a walk started by name
// (vendors.Open(ctx, "nprinting", cfg)), as the auditkit CLI does. The
// settings are server (or vendors.Config.BaseURL), token and, for a server
// with a certificate no system root vouches for, ca_file.
var Vendor = &vendors.Vendor{
	Name:     Name,
	Title:    "Qlik NPrinting",
	Endpoint: "GET /api/v1/audit/events",
	// No public host: the customer's own server.
	DefaultBaseURL: "",
	Settings: []vendors.Setting{
		{Name: "server", Flag: "server", Env: "NPRINTING_SERVER", Required: true, BaseURL: true,
			Help: "the NPrinting server, e.g. https://nprinting.example.com:4993 (a bare host means https on port 4993)"},
		{Name: "token", Env: "NPRINTING_TOKEN", Secret: true, Required: true,
			Help: "JWT of an NPrinting user whose role has audit rights (Authorization: Bearer)"},
		{Name: "ca_file", Flag: "ca-file", Env: "NPRINTING_CA_FILE",
			Help: "PEM file of the CA (or self-signed certificate) to trust instead of the system's roots"},
	},
	Filters: []vendors.Filter{
		{Name: "appId", Allowed: "a UUID", Help: "events of one app"},
		{Name: "userId", Allowed: "a UUID", Help: "events of one user"},
		{Name: "targetId", Allowed: "a UUID", Help: "events about one object"},
		{Name: "target", Allowed: "an object type, e.g. Task, User, Report (values not documented)", Help: "events about one kind of object"},
		{Name: "dataType", Allowed: "a data type, e.g. PublishTask (values not documented)", Help: "events of one data type"},
	},
	Natural:   auditclient.NaturalOrder,
	OrderNote: OrderNote,
	Open:      open,
}

func init() { vendors.Register(Vendor) }

// open is Vendor.Open: the options and the client from cfg, and the walk
// of Events. It sends nothing.
func open(ctx context.Context, cfg vendors.Config) (*vendors.Source, error) {
	opts := &ListOptions{
		Since:    cfg.Since,
		Until:    cfg.Until,
		PageSize: cfg.PageSize,
		Order:    cfg.Order,
		AppID:    cfg.Filter("appId"),
		UserID:   cfg.Filter("userId"),
		TargetID: cfg.Filter("targetId"),
		Target:   cfg.Filter("target"),
		DataType: cfg.Filter("dataType"),
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	clientOpts := cfg.ClientOptions()
	if file := cfg.Setting("ca_file"); file != "" {
		hc, err := caClient(file, clientOpts)
		if err != nil {
			return nil, &auditclient.ConfigError{Vendor: Name, Option: "ca_file", Env: "NPRINTING_CA_FILE", Value: strconv.Quote(file), Reason: err.Error()}
		}
		clientOpts = append(clientOpts, auditclient.WithHTTPClient(hc))
	}
	c, err := NewClient(cfg.Server("server"), cfg.Setting("token"), clientOpts...)
	return vendors.Walk(ctx, cfg, c, err, opts)
}

// caClient returns the HTTP client of opts (a new one when they set none)
// made to trust exactly the certificates of the PEM file.
func caClient(file string, opts []auditclient.Option) (*http.Client, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := CertPoolFromPEM(pem)
	if err != nil {
		return nil, err
	}
	var given auditclient.Config
	auditclient.ApplyOptions(&given, opts...)
	return TLSClient(given.HTTPClient, pool)
}
