// Package lakecheck holds what the Security Lake output's tests share: the
// events of every vendor's demo fake, as collector records, and (in its
// tests) the independent check of a written lake with DuckDB.
package lakecheck

import (
	"context"
	"fmt"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all" // every vendor registers itself
)

// Now is the end of the demo data sets the helpers walk: fixed, so every
// run reads the same events.
var Now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// DemoRecords walks each vendor's demo fake (audittest.StartDemo) of n
// records ending at Now, over the 7 days before Now, and returns its
// events as collector records, keyed by vendor name.
func DemoRecords(ctx context.Context, n int) (map[string][]collector.Record, error) {
	out := map[string][]collector.Record{}
	for _, name := range audittest.DemoVendors() {
		recs, err := demoRecords(ctx, name, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = recs
	}
	return out, nil
}

func demoRecords(ctx context.Context, name string, n int) ([]collector.Record, error) {
	d, err := audittest.StartDemo(name, audittest.DemoConfig{Now: Now, Events: n, Seed: 7})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	src, err := vendors.Open(ctx, name, vendors.Config{
		Settings: d.Settings,
		BaseURL:  d.BaseURL,
		Since:    Now.Add(-7 * 24 * time.Hour),
		Until:    Now,
		Options: []auditclient.Option{
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}),
		},
	})
	if err != nil {
		return nil, err
	}
	defer src.Client.CloseIdleConnections()
	it := src.Events
	defer it.Close()
	var recs []collector.Record
	for it.Next() {
		r, err := Record(it.Event())
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("the demo yielded no event")
	}
	return recs, nil
}

// Record makes the collector record of an event (collector.NewRecord).
func Record(ev ocsf.Event) (collector.Record, error) { return collector.NewRecord(ev) }
