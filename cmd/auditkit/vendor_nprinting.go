package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/nprinting"
)

func init() {
	register(&vendor{
		Name:     "nprinting",
		Title:    "Qlik NPrinting",
		Endpoint: "GET /api/v1/audit/events",
		// No public host: the customer's own server, given with --server
		// (or --base-url).
		DefaultBaseURL: "",
		Env: []envVar{
			{Name: "NPRINTING_TOKEN", Help: "JWT of an NPrinting user whose role has audit rights (Authorization: Bearer)", Secret: true},
		},
		Settings: []string{"server", "ca-file"},
		Filters: []filter{
			{Name: "appId", Allowed: "a UUID", Help: "events of one app"},
			{Name: "userId", Allowed: "a UUID", Help: "events of one user"},
			{Name: "targetId", Allowed: "a UUID", Help: "events about one object"},
			{Name: "target", Allowed: "an object type, e.g. Task, User, Report (values not documented)", Help: "events about one kind of object"},
			{Name: "dataType", Allowed: "a data type, e.g. PublishTask (values not documented)", Help: "events of one data type"},
		},
		Open: openNPrinting,
		Demo: demoNPrinting,
	})
}

func openNPrinting(ctx context.Context, cfg *pullConfig) (*opened, error) {
	token, err := cfg.env("NPRINTING_TOKEN")
	if err != nil {
		return nil, err
	}
	server := cfg.BaseURL
	if server == "" {
		server = strings.TrimSpace(cfg.Settings["server"])
		if server == "" {
			return nil, errors.New("the NPrinting server is required: --server https://nprinting.example.com:4993 (or --base-url); there is no public host")
		}
	}
	opts := &nprinting.ListOptions{
		AppID:    cfg.filter("appId"),
		UserID:   cfg.filter("userId"),
		TargetID: cfg.filter("targetId"),
		Target:   cfg.filter("target"),
		DataType: cfg.filter("dataType"),
		Start:    cfg.Since,
		End:      cfg.Until,
		Limit:    cfg.PageSize,
	}
	if err := opts.Validate(); err != nil {
		var oe *nprinting.OptionError
		if errors.As(err, &oe) && oe.Option == "limit" {
			return nil, fmt.Errorf("--page-size %d: want 1 to %d", cfg.PageSize, nprinting.MaxLimit)
		}
		return nil, fmt.Errorf("--filter: %w", err)
	}
	clientOpts := cfg.options()
	if file := cfg.Settings["ca-file"]; file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		pool, err := nprinting.CertPoolFromPEM(pem)
		if err != nil {
			return nil, fmt.Errorf("--ca-file %s: %w", file, err)
		}
		hc, err := nprinting.TLSClient(cfg.HTTPClient, pool)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		clientOpts = append(clientOpts, auditclient.WithHTTPClient(hc))
	}
	c, err := nprinting.NewClient(server, token, clientOpts...)
	if err != nil {
		if cfg.BaseURL == "" {
			return nil, fmt.Errorf("--server %q: %w", server, err)
		}
		return nil, err
	}
	return &opened{
		Events: c.Events(ctx, opts, cfg.Resume),
		Stats:  c.HTTP().Stats,
		Close:  c.HTTP().CloseIdleConnections,
	}, nil
}

func demoNPrinting(cfg demoConfig) (*demo, error) {
	// The newest event two seconds before cfg.Now: a pull pins its end to
	// the last whole second completed, exclusive, so even a pull started
	// within a second of cfg.Now gets the whole data set.
	opts := audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(demoEvents, 1, cfg.Now.Add(-2*time.Second)), Faults: cfg.Faults}
	f := audittest.NewNPrinting(opts)
	return &demo{
		BaseURL: f.URL(),
		Env:     map[string]string{"NPRINTING_TOKEN": f.Token()},
		Close:   f.Close,
	}, nil
}
