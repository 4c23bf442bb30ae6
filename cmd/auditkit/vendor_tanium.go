package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/tanium"
)

func init() {
	register(&vendor{
		Name:     "tanium",
		Title:    "Tanium (per-object audit history)",
		Endpoint: "GET /api/v2/audit_logs/{type}s/{id}",
		// Tanium has no public host: --base-url is the customer's server.
		DefaultBaseURL: "",
		Env: []envVar{
			{Name: "TANIUM_API_TOKEN", Help: "API token (sent as session: token-<token>)", Secret: true},
		},
		Settings: []string{"objects"},
		// The route has no query parameters; its one documented option is
		// the history depth, a header.
		Filters: []filter{
			{Name: "audit_history_size", Allowed: fmt.Sprintf("1..%d (default %d; --page-size sets it too)", tanium.MaxHistorySize, tanium.DefaultHistorySize),
				Help: "entries first read per object (the tanium-options header); a full history short of --since is read again twice as deep"},
			{Name: "max_history_size", Allowed: fmt.Sprintf("1..%d (default %d)", tanium.MaxHistorySize, tanium.MaxHistorySize),
				Help: "the deepest history read per object; one still short of the window is a partial pull (see --allow-partial)"},
		},
		Open: openTanium,
		Demo: demoTanium,
	})
}

func openTanium(ctx context.Context, cfg *pullConfig) (*opened, error) {
	token, err := cfg.env("TANIUM_API_TOKEN")
	if err != nil {
		return nil, err
	}
	list, ok := cfg.Settings["objects"]
	if !ok || list == "" {
		return nil, errors.New("--objects is required: the objects whose audit history to read, TYPE:ID,... (types: " + taniumTypes() + ")")
	}
	objects, err := tanium.ParseObjects(list)
	if err != nil {
		return nil, fmt.Errorf("--objects: %w", err)
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("--base-url is required: Tanium has no public host; give your Tanium Server's URL, e.g. https://tanium.example.com")
	}
	opts := &tanium.ListOptions{
		Objects:     objects,
		HistorySize: cfg.PageSize,
		Since:       cfg.Since,
		Until:       cfg.Until,
	}
	for _, name := range []string{"audit_history_size", "max_history_size"} {
		v := cfg.filter(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--filter %s=%s: want an integer from 1 to %d", name, v, tanium.MaxHistorySize)
		}
		if name == "audit_history_size" {
			opts.HistorySize = n
		} else {
			opts.MaxHistorySize = n
		}
	}
	if err := opts.Validate(); err != nil {
		var oe *tanium.OptionError
		if errors.As(err, &oe) {
			switch oe.Option {
			case "audit_history_size":
				return nil, fmt.Errorf("--filter audit_history_size=%s (or --page-size): %s", oe.Value, oe.Allowed)
			case "max_history_size":
				return nil, fmt.Errorf("--filter max_history_size=%s: %s", oe.Value, oe.Allowed)
			}
		}
		return nil, err
	}
	c, err := tanium.NewClient(token, cfg.options()...)
	if err != nil {
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

func taniumTypes() string {
	s := ""
	for i, t := range tanium.ObjectTypes() {
		if i > 0 {
			s += ", "
		}
		s += string(t)
	}
	return s
}

// Demo objects whose history is deeper than tanium.DefaultHistorySize, so
// that a demo pull reads them again deeper.
const (
	demoDeepObjects = 5
	demoDeepEntries = 150
)

// demoTanium serves demoEvents generated history entries, among them
// demoDeepObjects histories of demoDeepEntries entries; its objects setting
// covers every object of the data set.
func demoTanium(cfg demoConfig) (*demo, error) {
	events := audittest.GenerateTaniumEvents(demoEvents-demoDeepObjects*demoDeepEntries, 1, cfg.Now)
	events = append(events, audittest.GenerateTaniumHistories(demoDeepObjects, demoDeepEntries, 1, cfg.Now)...)
	opts := audittest.TaniumOptions{Events: events, Faults: cfg.Faults}
	f := audittest.NewTanium(opts)
	return &demo{
		BaseURL:  f.URL(),
		Env:      map[string]string{"TANIUM_API_TOKEN": f.APIToken()},
		Settings: map[string]string{"objects": f.ObjectList()},
		Close:    f.Close,
	}, nil
}
