// Command instavm walks InstaVM's audit events as OCSF events and prints
// them as NDJSON, one event per line, with a summary on stderr. Given a
// checkpoint file it resumes from it and keeps it current, so that running
// it again yields only the events that arrived since (InstaVM's API has no
// time filter: every run reads the whole stream and the client keeps what
// is new).
//
// By default it runs against the built-in fake of the API (package
// audittest), with a generated data set and, with -faults, the fault mix of
// the SDK's own tests (20% 429, 10% 503, 5% connection resets, 5% bodies cut
// short):
//
//	go run ./examples/instavm > events.ndjson
//	go run ./examples/instavm -faults | python3 ../shared/ocsf/validate.py
//
// With -live it reads the real API instead, with the key in
// INSTAVM_API_KEY:
//
//	go run ./examples/instavm -live -since 24h -checkpoint instavm.cp.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
	"github.com/auditkit/auditkit/instavm"
)

func main() { exampleutil.Main("instavm", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("instavm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read the real API (INSTAVM_API_KEY) instead of the built-in fake")
	baseURL := fs.String("base-url", instavm.DefaultBaseURL, "API base URL with -live")
	since := fs.Duration("since", 0, "only events newer than this long ago (0: all)")
	events := fs.Int("events", audittest.DefaultInstavmEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	pageSize := fs.Int("page-size", instavm.MaxLimit, "events per request, 1..200")
	group := fs.String("event-group", "", "only events of this group, e.g. auth or vm")
	cpFile := fs.String("checkpoint", "", "resume from this file if it exists, and save the checkpoint there")
	end := fs.String("end", "", "time of the fake's newest event, RFC 3339 (default: now)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *instavm.Client
	var err error
	if *live {
		client, err = instavm.NewClient(os.Getenv("INSTAVM_API_KEY"), auditclient.WithBaseURL(*baseURL))
	} else {
		newest := time.Now().UTC()
		if *end != "" {
			if newest, err = time.Parse(time.RFC3339, *end); err != nil {
				return fmt.Errorf("-end: %w", err)
			}
		}
		opts := audittest.InstavmOptions{
			Events: audittest.GenerateInstavmEvents(*events, 1, newest),
			Faults: exampleutil.Faults(*faults),
		}
		fake := audittest.NewInstavm(opts)
		defer fake.Close()
		client, err = instavm.NewClient(fake.APIKey(), exampleutil.FakeOptions(fake.URL())...)
	}
	if err != nil {
		return err
	}

	var resume *auditclient.Checkpoint
	if *cpFile != "" {
		b, err := os.ReadFile(*cpFile)
		switch {
		case err == nil:
			if resume, err = auditclient.ParseCheckpoint(b); err != nil {
				return fmt.Errorf("checkpoint %s: %w", *cpFile, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
	}

	opts := &instavm.ListOptions{PageSize: *pageSize, EventGroup: *group}
	if *since > 0 {
		opts.Since = time.Now().Add(-*since)
	}
	start := time.Now()
	it := client.Events(ctx, opts, resume)
	defer it.Close()
	n, err := exampleutil.WriteNDJSON(stdout, it, nil)
	if err != nil {
		return err
	}
	walkErr := it.Err()
	if *cpFile != "" && (walkErr == nil || n > 0) {
		// Everything yielded was written: the checkpoint may move past it.
		b, err := json.Marshal(it.Checkpoint())
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*cpFile, b); err != nil {
			return err
		}
	}
	return exampleutil.Summary(stderr, fmt.Sprintf("%d events", n), client.HTTP().Stats(), "", start, walkErr)
}

// writeFileAtomic replaces name with data through a temporary file.
func writeFileAtomic(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
