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
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
	"github.com/auditkit/auditkit/nprinting"
)

func main() { exampleutil.Main("nprinting", run) }

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
		// The demo's data set ends just before now, so a walk started at
		// once reads every event of it.
		var demo *audittest.Demo
		if demo, err = audittest.StartDemo(nprinting.Name, audittest.DemoConfig{Events: *events, Faults: exampleutil.Faults(*faults)}); err != nil {
			return err
		}
		defer demo.Close()
		client, err = nprinting.NewClient(demo.Settings["server"], demo.Settings["token"], exampleutil.FakeOptions("")...)
	}
	if err != nil {
		return err
	}

	opts := &nprinting.ListOptions{PageSize: *pageSize, Target: *target}
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
