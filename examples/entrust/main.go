// Command entrust walks the audit events of Entrust Identity as a Service
// as OCSF events and prints them as NDJSON, one event per line, with a
// summary on stderr.
//
// By default it runs against the built-in fake of the API (package
// audittest), with a generated data set and, with -faults, the fault mix of
// the SDK's own tests (20% 429, 10% 503, 5% connection resets, 5% bodies cut
// short). -expire-at N revokes the fake's tokens after N events, to show the
// client authenticating again in the middle of the walk:
//
//	go run ./examples/entrust > events.ndjson
//	go run ./examples/entrust -faults -expire-at 500 | python3 ../shared/ocsf/validate.py
//
// With -live it reads the real API instead, with the credentials in
// ENTRUST_APPLICATION_ID and ENTRUST_SHARED_SECRET, from the tenant host
// given by -tenant (the hostname of the API credentials file):
//
//	go run ./examples/entrust -live -tenant example.us.trustedauth.com -since 24h -siem
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
)

func main() { exampleutil.Main("entrust", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("entrust", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "read the real API (ENTRUST_APPLICATION_ID, ENTRUST_SHARED_SECRET) instead of the built-in fake")
	tenant := fs.String("tenant", "", "tenant host with -live, e.g. example.us.trustedauth.com")
	since := fs.Duration("since", 0, "only events newer than this long ago (0: all)")
	siem := fs.Bool("siem", false, "read the SIEM variant of the endpoint")
	events := fs.Int("events", audittest.DefaultEntrustEvents, "size of the fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix into the fake")
	expireAt := fs.Int("expire-at", 0, "revoke the fake's tokens after this many events (0: never)")
	pageSize := fs.Int("page-size", 100, "records per request (1..100)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var client *entrust.Client
	var fake *audittest.Entrust
	var err error
	if *live {
		if *tenant == "" {
			return errors.New("-live needs -tenant HOST")
		}
		client, err = entrust.NewClient(*tenant, os.Getenv("ENTRUST_APPLICATION_ID"), os.Getenv("ENTRUST_SHARED_SECRET"))
	} else {
		opts := audittest.EntrustOptions{
			Events: audittest.GenerateEntrustEvents(*events, 1, time.Now().UTC()),
			Faults: exampleutil.Faults(*faults),
		}
		fake = audittest.NewEntrust(opts)
		defer fake.Close()
		client, err = entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret(), exampleutil.FakeOptions("")...)
	}
	if err != nil {
		return err
	}

	opts := &entrust.ListOptions{PageSize: *pageSize, SIEM: *siem}
	if *since > 0 {
		opts.Since = time.Now().Add(-*since)
	}
	start := time.Now()
	it := client.Events(ctx, opts, nil)
	defer it.Close()
	n, err := exampleutil.WriteNDJSON(stdout, it, func(n int) {
		if fake != nil && n == *expireAt {
			fake.ExpireTokens()
		}
	})
	if err != nil {
		return err
	}
	st := client.HTTP().Stats()
	return exampleutil.Summary(stderr, fmt.Sprintf("%d events", n), st, fmt.Sprintf(", %d re-authentications", st.Reauthenticated), start, it.Err())
}
