// Command cisco walks Cisco Secure Endpoint's audit log as OCSF events and
// prints them as NDJSON, one event per line, with a summary on stderr.
//
// By default it runs against the built-in fake of the API (package
// audittest), with a generated data set and, with -faults, the fault mix of
// the SDK's own tests (20% 429, 10% 503, 5% connection resets, 5% bodies cut
// short):
//
//	go run ./examples/cisco > events.ndjson
//	go run ./examples/cisco -faults | python3 ../shared/ocsf/validate.py
//
// With -live it reads the real API instead, with the credentials in
// CISCO_CLIENT_ID and CISCO_API_KEY, from the region given by -base-url:
//
//	go run ./examples/cisco -live -since 24h
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
)

func main() { exampleutil.Main("cisco", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cisco", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read the real API (CISCO_CLIENT_ID, CISCO_API_KEY) instead of the built-in fake")
	baseURL := fs.String("base-url", cisco.RegionNorthAmerica, "API base URL with -live")
	since := fs.Duration("since", 0, "only events newer than this long ago (0: all)")
	events := fs.Int("events", audittest.DefaultCiscoEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	pageSize := fs.Int("page-size", 100, "records per request")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *cisco.Client
	var err error
	if *live {
		client, err = cisco.NewClient(os.Getenv("CISCO_CLIENT_ID"), os.Getenv("CISCO_API_KEY"), auditclient.WithBaseURL(*baseURL))
	} else {
		// The newest record is a minute old: a walk reads up to the last
		// completed second before it starts (what arrives in the current
		// second is the next walk's).
		opts := audittest.CiscoOptions{
			Events: audittest.GenerateCiscoEvents(*events, 1, time.Now().UTC().Add(-time.Minute)),
			Faults: exampleutil.Faults(*faults),
		}
		fake := audittest.NewCisco(opts)
		defer fake.Close()
		client, err = cisco.NewClient(fake.ClientID(), fake.APIKey(), exampleutil.FakeOptions(fake.URL())...)
	}
	if err != nil {
		return err
	}

	opts := &cisco.ListOptions{PageSize: *pageSize}
	if *since > 0 {
		opts.Since = time.Now().Add(-*since)
	}
	start := time.Now()
	it := client.Events(ctx, opts, nil)
	defer it.Close()
	n, err := exampleutil.WriteNDJSON(stdout, it, nil)
	if err != nil {
		return err
	}
	return exampleutil.Summary(stderr, fmt.Sprintf("%d events", n), client.HTTP().Stats(), "", start, it.Err())
}
