package main

import (
	"context"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
)

func init() {
	register(&vendor{
		Name:           "cisco",
		Title:          "Cisco Secure Endpoint",
		Endpoint:       "GET /v1/audit_logs",
		DefaultBaseURL: cisco.RegionNorthAmerica,
		Env: []envVar{
			{Name: "CISCO_CLIENT_ID", Help: "API client id (HTTP Basic user)", Secret: true},
			{Name: "CISCO_API_KEY", Help: "API key (HTTP Basic password)", Secret: true},
		},
		Filters: []filter{
			{Name: "audit_log_type", Allowed: "an object type, e.g. User, Computer, Policy", Help: "records of one audited object type"},
			{Name: "audit_log_id", Allowed: "a GUID or a 20-hex-digit connector GUID", Help: "records of one audited object"},
			{Name: "event", Allowed: "an event name, e.g. login, update, create", Help: "one kind of event"},
			{Name: "audit_log_user", Allowed: "a user, e.g. amp@cisco.com", Help: "records of one acting user"},
		},
		Open: openCisco,
		Demo: demoCisco,
	})
}

func openCisco(ctx context.Context, cfg *pullConfig) (*opened, error) {
	id, err := cfg.env("CISCO_CLIENT_ID")
	if err != nil {
		return nil, err
	}
	key, err := cfg.env("CISCO_API_KEY")
	if err != nil {
		return nil, err
	}
	opts := &cisco.ListOptions{
		AuditLogType: cfg.filter("audit_log_type"),
		AuditLogID:   cfg.filter("audit_log_id"),
		Event:        cfg.filter("event"),
		AuditLogUser: cfg.filter("audit_log_user"),
		StartTime:    cfg.Since,
		EndTime:      cfg.Until,
		Limit:        cfg.PageSize,
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := cisco.NewClient(id, key, cfg.options()...)
	if err != nil {
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

// demoCisco serves demoEvents generated records up to a second before
// cfg.Now: a pull reads up to the last completed second before it starts,
// so a record of the very second it starts in would wait for the next pull.
func demoCisco(cfg demoConfig) (*demo, error) {
	opts := audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(demoEvents, 1, cfg.Now.Add(-time.Second)), Faults: cfg.Faults}
	f := audittest.NewCisco(opts)
	return &demo{
		BaseURL: f.URL(),
		Env:     map[string]string{"CISCO_CLIENT_ID": f.ClientID(), "CISCO_API_KEY": f.APIKey()},
		Close:   f.Close,
	}, nil
}
