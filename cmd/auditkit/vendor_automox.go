package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
)

func init() {
	register(&vendor{
		Name:           "automox",
		Title:          "Automox Audit Trail",
		Endpoint:       "GET /api/audit-service/v1/orgs/{orgUuid}/events",
		DefaultBaseURL: automox.DefaultBaseURL,
		Env: []envVar{
			{Name: "AUTOMOX_API_KEY", Help: "API key (sent as Authorization: Bearer)", Secret: true},
			{Name: "AUTOMOX_ORG_UUID", Help: "organization UUID (or --org)"},
		},
		Settings: []string{"org"},
		// The API's three parameters. The walk reads every UTC day of
		// --since..--until itself, so only date selects events; cursor and
		// limit are listed to say that the walk drives them.
		Filters: []filter{
			{Name: "date", Allowed: "a day, YYYY-MM-DD (not with --since/--until)", Help: "the events of that one UTC day (the walk otherwise reads every day of --since..--until)"},
			{Name: "cursor", Allowed: "none: the walk drives it (resume with --checkpoint)", Help: "walk-driven: the id of the last event of the page before"},
			{Name: "limit", Allowed: "none: the walk drives it (set --page-size, 1..500)", Help: "walk-driven: the page size"},
		},
		Open: openAutomox,
		Demo: demoAutomox,
	})
}

var automoxUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func openAutomox(ctx context.Context, cfg *pullConfig) (*opened, error) {
	key, err := cfg.env("AUTOMOX_API_KEY")
	if err != nil {
		return nil, err
	}
	org := cfg.Settings["org"]
	if org == "" {
		org = cfg.Getenv("AUTOMOX_ORG_UUID")
	}
	if org == "" {
		return nil, errors.New("AUTOMOX_ORG_UUID is not set and no --org was given: the organization whose audit trail to read")
	}
	if !automoxUUID.MatchString(org) {
		return nil, fmt.Errorf("--org (or AUTOMOX_ORG_UUID) %q is not an organization UUID such as 123e4567-e89b-12d3-a456-426614174000", org)
	}
	for _, name := range []string{"cursor", "limit"} {
		if v := cfg.filter(name); v != "" {
			hint := "resume a pull with --checkpoint"
			if name == "limit" {
				hint = "set the page size with --page-size"
			}
			return nil, fmt.Errorf("--filter %s=%s: the walk drives %s itself; %s", name, v, name, hint)
		}
	}
	opts := &automox.ListOptions{Since: cfg.Since, Until: cfg.Until, Limit: cfg.PageSize}
	if v := cfg.filter("date"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, fmt.Errorf("--filter date=%s: want a day such as 2024-06-18", v)
		}
		if !cfg.Since.IsZero() || !cfg.Until.IsZero() {
			return nil, fmt.Errorf("--filter date=%s reads one UTC day: leave out --since and --until", v)
		}
		opts.Date = d
	}
	if err := opts.Validate(); err != nil {
		var oe *automox.OptionError
		if errors.As(err, &oe) {
			switch oe.Option {
			case "limit":
				return nil, fmt.Errorf("--page-size %s: %s", oe.Value, oe.Allowed)
			case "date":
				return nil, fmt.Errorf("--filter date=%s: %s", oe.Value, oe.Allowed)
			case "since", "until":
				return nil, fmt.Errorf("--%s %s: %s", oe.Option, oe.Value, oe.Allowed)
			}
		}
		return nil, err
	}
	c, err := automox.NewClient(key, org, cfg.options()...)
	if err != nil {
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

// demoAutomox serves demoEvents generated events over the days before
// cfg.Now, within the default window of a pull (automox.DefaultLookback).
func demoAutomox(cfg demoConfig) (*demo, error) {
	opts := audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(demoEvents, 1, cfg.Now), Faults: cfg.Faults}
	f := audittest.NewAutomox(opts)
	return &demo{
		BaseURL: f.URL(),
		Env:     map[string]string{"AUTOMOX_API_KEY": f.APIKey(), "AUTOMOX_ORG_UUID": f.OrgUUID()},
		Close:   f.Close,
	}, nil
}
