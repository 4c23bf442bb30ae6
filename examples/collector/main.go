// Command collector is a resumable audit-log collector built on the SDK (not
// on the auditkit CLI): each run appends to a file the events that arrived
// since the last run, and keeps its place in a checkpoint file, so that it
// can be stopped at any moment, even killed, and started again.
//
// What it shows:
//
//   - Resuming a walk: the state file holds the walk's
//     auditclient.Checkpoint; the next run passes it to Events and gets
//     exactly the events not yet written, and after a completed run only
//     those that arrived since (incremental sync).
//   - Keeping the checkpoint in step with the output: events are written,
//     flushed and synced before the checkpoint that counts them is saved
//     (atomically: temporary file, sync, rename). The state also records the
//     output's length, and a run first cuts the output back to it: events
//     written after the last checkpoint by a run that was killed are
//     dropped, then fetched again. Every event lands exactly once.
//
// By default it runs against the built-in fake of Cisco Secure Endpoint
// (package audittest) with a generated data set; run it twice and the
// second run finds nothing new:
//
//	go run ./examples/collector -max-events 1000   # the first 1000 events
//	go run ./examples/collector                    # the rest
//	go run ./examples/collector                    # nothing new
//	go run ./examples/collector -every 2s          # poll; the fake gets new events
//
// The events go to collector-events.ndjson and the state to
// collector-state.json in the current directory (-out, -state). With -live it
// reads the real API, with the credentials in CISCO_CLIENT_ID and
// CISCO_API_KEY:
//
//	go run ./examples/collector -live -base-url https://api.eu.amp.cisco.com
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
)

// State is what the collector keeps between runs.
type State struct {
	// Checkpoint is the walk's position after the last event written.
	Checkpoint *auditclient.Checkpoint `json:"checkpoint"`
	// OutputBytes is the output's length when the checkpoint was taken.
	OutputBytes int64 `json:"output_bytes"`
}

// Collector appends the events of one query to a file and keeps its state
// in another.
type Collector struct {
	Client    *cisco.Client
	Options   cisco.ListOptions
	Output    string // NDJSON file the events are appended to
	StateFile string // where the State is kept
	// MaxEvents stops a run after that many events (0: no limit); the next
	// run continues after them.
	MaxEvents int
}

// Collect runs once: it resumes from the state file, appends the new events
// to the output and saves the state after every page and at the end. It
// returns the number of events written.
func (c *Collector) Collect(ctx context.Context) (n int, err error) {
	st, err := loadState(c.StateFile)
	if err != nil {
		return 0, err
	}
	out, err := openOutput(c.Output, st.OutputBytes)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := out.f.Close(); err == nil {
			err = cerr
		}
	}()

	it := c.Client.Events(ctx, &c.Options, st.Checkpoint)
	defer it.Close()

	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// save makes what was written durable, then records it.
	save := func() error {
		if err := w.Flush(); err != nil {
			return err
		}
		if err := out.f.Sync(); err != nil {
			return err
		}
		return saveState(c.StateFile, State{Checkpoint: it.Checkpoint(), OutputBytes: out.n})
	}
	var pages int64
	for (c.MaxEvents == 0 || n < c.MaxEvents) && it.Next() {
		if err := enc.Encode(it.Event()); err != nil {
			return n, err
		}
		n++
		if p, ok := auditclient.ProgressOf(it); ok && p.Pages != pages {
			pages = p.Pages
			if err := save(); err != nil {
				return n, err
			}
		}
	}
	// Also after an error or a cancellation: the checkpoint then counts
	// exactly the events written.
	if err := save(); err != nil {
		return n, err
	}
	return n, it.Err()
}

// output is the output file and its length.
type output struct {
	f *os.File
	n int64
}

func (o *output) Write(p []byte) (int, error) {
	n, err := o.f.Write(p)
	o.n += int64(n)
	return n, err
}

// openOutput opens the output for appending after cutting it back to
// length: bytes past it were written after the last checkpoint.
func openOutput(path string, length int64) (*output, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() < length {
		err = fmt.Errorf("%s is %d bytes, shorter than the %d its state counts: it was changed by something else", path, fi.Size(), length)
	}
	if err == nil && fi.Size() > length {
		err = f.Truncate(length)
	}
	if err == nil {
		_, err = f.Seek(length, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &output{f: f, n: length}, nil
}

// loadState reads the state file; a missing file is a first run.
func loadState(path string) (State, error) {
	var st State
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("state %s: %w", path, err)
	}
	return st, nil
}

// saveState replaces the state file atomically: a temporary file in the
// same directory, synced, then renamed over it.
func saveState(path string, st State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "collector:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("collector", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outPath := fs.String("out", "collector-events.ndjson", "NDJSON file the events are appended to")
	statePath := fs.String("state", "collector-state.json", "file the checkpoint is kept in")
	maxEvents := fs.Int("max-events", 0, "stop after this many events (0: no limit); the next run continues")
	every := fs.Duration("every", 0, "collect again at this interval until interrupted (0: once)")
	live := fs.Bool("live", false, "read the real API (CISCO_CLIENT_ID, CISCO_API_KEY) instead of the built-in fake")
	baseURL := fs.String("base-url", cisco.RegionNorthAmerica, "API base URL with -live")
	faults := fs.Bool("faults", false, "the fake injects 429s, 503s, resets and cut bodies")
	if err := fs.Parse(args); err != nil {
		return err
	}

	c := &Collector{Output: *outPath, StateFile: *statePath, MaxEvents: *maxEvents, Options: cisco.ListOptions{PageSize: 200}}
	var fake *audittest.Cisco
	var err error
	if *live {
		c.Client, err = cisco.NewClient(getenv("CISCO_CLIENT_ID"), getenv("CISCO_API_KEY"), auditclient.WithBaseURL(*baseURL))
	} else {
		// The same data set all hour long, so that runs resume sensibly.
		opts := audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(3000, 1, time.Now().UTC().Truncate(time.Hour))}
		if *faults {
			opts.Faults = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
		}
		fake = audittest.NewCisco(opts)
		defer fake.Close()
		c.Client, err = cisco.NewClient(fake.ClientID(), fake.APIKey(),
			auditclient.WithBaseURL(fake.URL()),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	}
	if err != nil {
		return err
	}
	for round := 0; ; round++ {
		if round > 0 && fake != nil {
			// New activity on the fake, for the demo: a record of now.
			fake.Add(audittest.GenerateCiscoEvents(1, time.Now().UnixNano(), time.Now().UTC())...)
		}
		n, err := c.Collect(ctx)
		fmt.Fprintf(stderr, "%s collected %d events into %s\n", time.Now().Format(time.TimeOnly), n, c.Output)
		if err != nil {
			if ctx.Err() != nil {
				return nil // interrupted: the state matches the output
			}
			return err
		}
		if *every <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}
