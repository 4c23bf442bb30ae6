// Command tanium reads the audit histories of Tanium Server objects as OCSF
// events and prints them as NDJSON, one event per line, with a summary on
// stderr.
//
// Tanium has no paged audit-event endpoint: what its platform REST API has
// is the last N changes of one object, GET /api/v2/audit_logs/{type}s/{id}.
// So the program reads the objects you name (-objects TYPE:ID,...), one
// request per object (more for a history deeper than -page-size that the
// window needs whole); see package tanium for what that can and cannot
// see. A history still short of the window at -max-history-size is named
// on stderr, with the oldest time read.
//
// By default it runs against the built-in fake of the API (package
// audittest), over every object of a generated data set and, with -faults,
// with the fault mix of the SDK's own tests (20% 429, 10% 503, 5%
// connection resets, 5% bodies cut short):
//
//	go run ./examples/tanium > events.ndjson
//	go run ./examples/tanium -faults | python3 ../shared/ocsf/validate.py
//
// With -live it reads a real Tanium Server, with the API token in
// TANIUM_API_TOKEN:
//
//	go run ./examples/tanium -live -server https://tanium.example.com -objects user:1,sensor:211 -since 24h
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
	"github.com/auditkit/auditkit/tanium"
)

func main() { exampleutil.Main("tanium", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tanium", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read a real Tanium Server (TANIUM_API_TOKEN) instead of the built-in fake")
	server := fs.String("server", os.Getenv("TANIUM_SERVER"), "the Tanium Server's URL with -live, e.g. https://tanium.example.com (default $TANIUM_SERVER)")
	objectList := fs.String("objects", "", "objects whose history to read, TYPE:ID,... (default with the fake: all of its objects)")
	pageSize := fs.Int("page-size", tanium.DefaultPageSize, "entries first read per object (audit_history_size); a full history short of -since is read again deeper")
	maxHistorySize := fs.Int("max-history-size", tanium.MaxHistorySize, "the deepest history read per object; one still short of the window is reported on stderr")
	since := fs.Duration("since", 0, "only entries newer than this long ago (0: all)")
	events := fs.Int("events", audittest.DefaultTaniumEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *tanium.Client
	var err error
	if *live {
		if *objectList == "" {
			return errors.New("-live needs -objects TYPE:ID,...")
		}
		client, err = tanium.NewClient(*server, os.Getenv("TANIUM_API_TOKEN"))
	} else {
		opts := audittest.TaniumOptions{
			Events: audittest.GenerateTaniumEvents(*events, 1, time.Now().UTC()),
			Faults: exampleutil.Faults(*faults),
		}
		fake := audittest.NewTanium(opts)
		defer fake.Close()
		if *objectList == "" {
			*objectList = fake.ObjectList()
		}
		client, err = tanium.NewClient(fake.URL(), fake.APIToken(), exampleutil.FakeOptions("")...)
	}
	if err != nil {
		return err
	}
	objects, err := tanium.ParseObjects(*objectList)
	if err != nil {
		return err
	}

	opts := &tanium.ListOptions{Objects: objects, PageSize: *pageSize, MaxHistorySize: *maxHistorySize}
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
	err = exampleutil.Summary(stderr, fmt.Sprintf("%d events from %d objects", n, len(objects)), client.HTTP().Stats(), "", start, it.Err())
	// Histories still short of the window at -max-history-size: the walk
	// yielded what it read and says which objects it could not cover.
	for _, w := range auditclient.WarningsOf(it) {
		fmt.Fprintln(stderr, "warning:", w)
	}
	return err
}
