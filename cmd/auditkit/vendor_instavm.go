package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
)

func init() {
	register(&vendor{
		Name:           "instavm",
		Title:          "InstaVM",
		Endpoint:       "GET /v1/audit/events",
		DefaultBaseURL: instavm.DefaultBaseURL,
		Env: []envVar{
			{Name: instavm.EnvAPIKey, Help: "API key (instavm_sk_..., sent as X-API-Key)", Secret: true},
		},
		// The document lists types, not values: the examples are
		// vendors.md's (UNCONFIRMED vocabulary).
		Filters: []filter{
			{Name: "event_group", Allowed: "a string, e.g. auth, vm", Help: "events of one group"},
			{Name: "event_type", Allowed: "a string, e.g. auth.login, vm.create", Help: "events of one type"},
			{Name: "status", Allowed: "a string, e.g. success, failure", Help: "events of one outcome"},
			{Name: "user_id", Allowed: "a positive integer", Help: "events of one user"},
			{Name: "vm_id", Allowed: "a string, e.g. vm_9a8b7c6d", Help: "events about one VM"},
			{Name: "session_id", Allowed: "a string, e.g. sess_1b2c3d", Help: "events of one session"},
		},
		Open: openInstavm,
		Demo: demoInstavm,
	})
}

func openInstavm(ctx context.Context, cfg *pullConfig) (*opened, error) {
	key, err := cfg.env(instavm.EnvAPIKey)
	if err != nil {
		return nil, err
	}
	opts := &instavm.ListOptions{
		EventGroup: cfg.filter("event_group"),
		EventType:  cfg.filter("event_type"),
		Status:     cfg.filter("status"),
		VMID:       cfg.filter("vm_id"),
		SessionID:  cfg.filter("session_id"),
		Since:      cfg.Since,
		Until:      cfg.Until,
		Limit:      cfg.PageSize,
	}
	if s := cfg.filter("user_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--filter user_id=%q: want a positive integer", s)
		}
		opts.UserID = n
	}
	if err := opts.Validate(); err != nil {
		var oe *instavm.OptionError
		if errors.As(err, &oe) {
			switch oe.Option {
			case "limit":
				return nil, fmt.Errorf("--page-size %s: want %s", oe.Value, oe.Allowed)
			case "since":
				return nil, fmt.Errorf("--since %s is after --until: %w", oe.Value, err)
			default:
				return nil, fmt.Errorf("--filter %s: %w", oe.Option, err)
			}
		}
		return nil, err
	}
	c, err := instavm.NewClient(key, cfg.options()...)
	if err != nil {
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

func demoInstavm(cfg demoConfig) (*demo, error) {
	opts := audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(demoEvents, 1, cfg.Now), Faults: cfg.Faults}
	f := audittest.NewInstavm(opts)
	return &demo{
		BaseURL: f.URL(),
		Env:     map[string]string{instavm.EnvAPIKey: f.APIKey()},
		Close:   f.Close,
	}, nil
}
