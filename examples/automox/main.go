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
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
)

func main() { exampleutil.Main("automox", run) }

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
		opts := audittest.AutomoxOptions{
			Events: audittest.GenerateAutomoxEvents(*events, 1, time.Now().UTC()),
			Faults: exampleutil.Faults(*faults),
		}
		fake := audittest.NewAutomox(opts)
		defer fake.Close()
		client, err = automox.NewClient(fake.APIKey(), fake.OrgUUID(), exampleutil.FakeOptions(fake.URL())...)
	}
	if err != nil {
		return err
	}

	opts := &automox.ListOptions{PageSize: *pageSize}
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
