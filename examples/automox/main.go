// Command automox walks an Automox organization's audit trail as OCSF events
// and prints them as NDJSON, one event per line, with a summary on stderr.
// Automox's own events are OCSF-shaped but not valid OCSF; the SDK repairs
// them and keeps each as sent in raw_data.
//
// By default it runs against the built-in fake of the API (package
// audittest), with a generated data set spread over several days and, with
// -faults, the fault mix of the SDK's own tests (20% 429, 10% 503, 5%
// connection resets, 5% bodies cut short):
//
//	go run ./examples/automox > events.ndjson
//	go run ./examples/automox -faults | python3 ../shared/ocsf/validate.py
//
// With -live it reads the real API instead, with the key in
// AUTOMOX_API_KEY and the organization in AUTOMOX_ORG_UUID:
//
//	go run ./examples/automox -live -since 72h
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "automox:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("automox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read the real API (AUTOMOX_API_KEY, AUTOMOX_ORG_UUID) instead of the built-in fake")
	baseURL := fs.String("base-url", automox.DefaultBaseURL, "API base URL with -live")
	since := fs.Duration("since", 0, "only events newer than this long ago (0: the last 30 days)")
	events := fs.Int("events", audittest.DefaultAutomoxEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	pageSize := fs.Int("page-size", 100, "events per request, 1..500")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *automox.Client
	var err error
	if *live {
		client, err = automox.NewClient(os.Getenv("AUTOMOX_API_KEY"), os.Getenv("AUTOMOX_ORG_UUID"), auditclient.WithBaseURL(*baseURL))
	} else {
		opts := audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(*events, 1, time.Now().UTC())}
		if *faults {
			opts.Faults = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
		}
		fake := audittest.NewAutomox(opts)
		defer fake.Close()
		client, err = automox.NewClient(fake.APIKey(), fake.OrgUUID(),
			auditclient.WithBaseURL(fake.URL()),
			auditclient.WithRateLimit(rate.Inf, 1),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	}
	if err != nil {
		return err
	}

	opts := &automox.ListOptions{Limit: *pageSize}
	if *since > 0 {
		opts.Since = time.Now().Add(-*since)
	}
	start := time.Now()
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	it := client.Events(ctx, opts, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		if err := enc.Encode(it.Event()); err != nil {
			return err
		}
		n++
	}
	if err := out.Flush(); err != nil {
		return err
	}
	st := client.HTTP().Stats()
	fmt.Fprintf(stderr, "%d events, %d requests, %d retries in %s\n", n, st.Requests, st.Retries, time.Since(start).Round(time.Millisecond))
	if err := it.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
