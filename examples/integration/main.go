// Command integration shows how to test your own code against the fakes of
// package audittest, the way you would test it against a vendor's API: with
// known data, fault injection, and nothing but loopback.
//
// The code under test is FailedLogins, a function a user might write: it
// counts failed logins per user from any auditclient.Iterator, the walk every
// vendor package returns. main_test.go is the point of this example: it runs
// FailedLogins against audittest.StartCisco with a generated data set and with
// hand-written records added to it, checks the counts against the fake's own
// data, and turns on fault injection (429s, 503s, connection resets, bodies
// cut short) to show that the code gets the same answer through retries:
//
//	go test -v ./examples/integration
//
// The program itself prints the counts for the built-in Cisco fake:
//
//	go run ./examples/integration
//	go run ./examples/integration -faults
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/ocsf"
)

// FailedLogins counts the failed logins per user among the events of it:
// OCSF Authentication (3002) Logon events whose status is Failure, keyed by
// the user's name (or uid when it has no name). It closes it and returns the
// walk's error, if any, with the counts so far.
func FailedLogins(it auditclient.Iterator) (map[string]int, error) {
	defer it.Close()
	counts := map[string]int{}
	for it.Next() {
		ev := it.Event()
		if ev.Class != ocsf.ClassAuthentication || ev.Activity != ocsf.AuthenticationLogon || ev.Status != ocsf.StatusFailure {
			continue
		}
		counts[userOf(ev)]++
	}
	return counts, it.Err()
}

// userOf is the user an authentication event is about.
func userOf(ev ocsf.Event) string {
	for _, u := range []*ocsf.User{ev.User, actorUser(ev)} {
		if u != nil && u.Name != "" {
			return u.Name
		}
		if u != nil && u.UID != "" {
			return u.UID
		}
	}
	return "(unknown)"
}

func actorUser(ev ocsf.Event) *ocsf.User {
	if ev.Actor == nil {
		return nil
	}
	return ev.Actor.User
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("integration", flag.ContinueOnError)
	faults := fs.Bool("faults", false, "inject 429s, 503s, resets and cut bodies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(3000, 1, time.Now().UTC())}
	if *faults {
		opts.Faults = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
	}
	fake := audittest.NewCisco(opts)
	defer fake.Close()
	client, err := newClient(fake.ClientID(), fake.APIKey(), fake.URL())
	if err != nil {
		return err
	}
	counts, err := FailedLogins(client.Events(ctx, &cisco.ListOptions{PageSize: 200}, nil))
	if err != nil {
		return err
	}
	users := make([]string, 0, len(counts))
	for u := range counts {
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b string) int {
		if c := counts[b] - counts[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, u := range users {
		fmt.Fprintf(stdout, "%4d  %s\n", counts[u], u)
	}
	st := client.HTTP().Stats()
	fmt.Fprintf(stdout, "(%d requests, %d retries)\n", st.Requests, st.Retries)
	return nil
}

// newClient is a Cisco client for a fake, with
// short retry waits, so that fault-injected runs stay fast.
func newClient(id, key, baseURL string) (*cisco.Client, error) {
	return cisco.NewClient(id, key,
		auditclient.WithBaseURL(baseURL),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}))
}
