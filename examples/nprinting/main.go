// Command nprinting walks the audit events of a Qlik NPrinting server as
// OCSF events and prints them as NDJSON, one event per line, with a summary
// on stderr.
//
// By default it runs against the built-in fake of the API (package
// audittest), with a generated data set and, with -faults, the fault mix of
// the SDK's own tests (20% 429, 10% 503, 5% connection resets, 5% bodies cut
// short):
//
//	go run ./examples/nprinting > events.ndjson
//	go run ./examples/nprinting -faults | python3 ../shared/ocsf/validate.py
//
// With -live it reads a real server, given by -server, with the JWT in
// NPRINTING_TOKEN; -ca-file trusts a self-signed certificate:
//
//	go run ./examples/nprinting -live -server https://nprinting.example.com:4993 -ca-file np.pem -since 24h
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
	"github.com/auditkit/auditkit/nprinting"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nprinting:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nprinting", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read a real server (-server, NPRINTING_TOKEN) instead of the built-in fake")
	server := fs.String("server", "", "the NPrinting server with -live, e.g. https://nprinting.example.com:4993")
	caFile := fs.String("ca-file", "", "PEM file of the CA (or self-signed certificate) to trust, with -live")
	since := fs.Duration("since", 0, "only events newer than this long ago (0: all)")
	target := fs.String("target", "", "only events about this kind of object, e.g. User")
	events := fs.Int("events", audittest.DefaultNPrintingEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	pageSize := fs.Int("page-size", 100, "records per request")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *nprinting.Client
	var err error
	if *live {
		var opts []auditclient.Option
		if *caFile != "" {
			pem, err := os.ReadFile(*caFile)
			if err != nil {
				return err
			}
			opt, err := nprinting.WithRootCAsPEM(pem)
			if err != nil {
				return err
			}
			opts = append(opts, opt)
		}
		client, err = nprinting.NewClient(*server, os.Getenv("NPRINTING_TOKEN"), opts...)
	} else {
		// The newest event is at the current second: Events pins the end of
		// its window to the second the walk starts.
		opts := audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(*events, 1, time.Now().UTC().Truncate(time.Second))}
		if *faults {
			opts.Faults = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
		}
		fake := audittest.NewNPrinting(opts)
		defer fake.Close()
		client, err = nprinting.NewClient(fake.URL(), fake.Token(),
			auditclient.WithRateLimit(rate.Inf, 1),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	}
	if err != nil {
		return err
	}

	opts := &nprinting.ListOptions{Limit: *pageSize, Target: *target}
	if *since > 0 {
		opts.Start = time.Now().Add(-*since)
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
