// Package exampleutil holds the parts of the vendor examples that are the
// same for every vendor and are not what a reader comes for: the program
// skeleton (signals, exit status), the fault mix of -faults, client options
// fit for the built-in fakes, and writing a walk as NDJSON with a summary
// line. What is worth reading, making the vendor's client and its
// ListOptions and walking its Events, stays in each example.
package exampleutil

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// Main runs an example: run with the command-line arguments, standard
// output and standard error and a context that Ctrl-C cancels. An error is
// printed after name and ends the program with status 1.
func Main(name string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Faults is the fault mix of -faults when on (the mix of the SDK's own
// tests: 20% 429, 10% 503, 5% connection resets, 5% bodies cut short), and
// no faults when not.
func Faults(on bool) audittest.Faults {
	if !on {
		return audittest.Faults{}
	}
	return audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
}

// FakeOptions are client options fit for a built-in fake at baseURL (none
// when baseURL is "", for a client that takes its URL otherwise): no
// client-side rate limit, and retries that wait milliseconds. A real API
// wants the SDK's defaults instead.
func FakeOptions(baseURL string) []auditclient.Option {
	var opts []auditclient.Option
	if baseURL != "" {
		opts = append(opts, auditclient.WithBaseURL(baseURL))
	}
	return append(opts,
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
}

// WriteNDJSON writes every event it yields to w, one JSON object a line
// ("<", ">" and "&" as they are), calling each (when not nil) with the
// number written so far after every event. It returns that number and an
// error of writing; the walk's own error is it.Err. It neither closes it
// nor checks its Err.
func WriteNDJSON(w io.Writer, it auditclient.Iterator, each func(n int)) (int, error) {
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	n := 0
	for it.Next() {
		if err := enc.Encode(it.Event()); err != nil {
			return n, err
		}
		n++
		if each != nil {
			each(n)
		}
	}
	return n, out.Flush()
}

// Summary writes the examples' summary line to w: what was pulled (such as
// "700 events"), the requests and retries of st, extra (such as ", 2
// re-authentications", or ""), and the time since start. It returns
// walkErr, except a cancelled walk (Ctrl-C), which ends an example
// normally.
func Summary(w io.Writer, pulled string, st auditclient.Stats, extra string, start time.Time, walkErr error) error {
	fmt.Fprintf(w, "%s, %d requests, %d retries%s in %s\n", pulled, st.Requests, st.Retries, extra, time.Since(start).Round(time.Millisecond))
	if walkErr != nil && !errors.Is(walkErr, context.Canceled) {
		return walkErr
	}
	return nil
}
