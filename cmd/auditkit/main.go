// Command auditkit pulls audit events out of vendors' audit-log APIs as
// NDJSON, one OCSF 1.1.0 event per line.
//
// Usage:
//
//	auditkit pull VENDOR [flags]   pull VENDOR's audit events as NDJSON
//	auditkit vendors               list the vendors, their filters and env vars
//	auditkit collect --config F    collect many sources on intervals, into rotated files
//
// Try it with no account and no credential: --demo starts an in-process fake
// of the vendor's API with a few thousand generated events and pulls from it:
//
//	go run ./cmd/auditkit pull cisco --demo
//
// Credentials come only from the environment (see "auditkit vendors").
// Progress goes to stderr: a live line when stderr is a terminal and a
// one-line summary at the end (--quiet silences both). The exit status is 0
// on success, 1 on failure (with a one-line reason naming the vendor) or on
// a partial pull (one line naming what the window lacks; --allow-partial
// makes it 0) and 2 on bad usage. SIGINT and SIGTERM stop a pull cleanly: the output ends with
// whole lines and the checkpoint matches it.
//
// With --checkpoint FILE a pull resumes where the last one stopped, and a
// completed pull run again yields only the events that arrived since. With
// --output FILE too, every event is written exactly once even when the pull
// is killed (SIGKILL included) and run again with the same flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one kills the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const mainUsage = `auditkit pulls audit events out of vendors' audit-log APIs as NDJSON,
one OCSF 1.1.0 event per line.

Usage:
  auditkit pull VENDOR [flags]   pull VENDOR's audit events (see "auditkit pull -h")
  auditkit vendors               list the vendors, their endpoints, filters and env vars
  auditkit collect --config F    collect many sources on intervals (see "auditkit collect -h")
  auditkit help                  show this text

Try it with no credentials, against a built-in fake of the API:
  auditkit pull cisco --demo

Exit status: 0 on success, 1 on failure or on a partial pull (see --allow-partial
in "auditkit pull -h"), 2 on bad usage.
`

// run is the whole command: it parses args (os.Args[1:]), reads the
// environment through getenv, writes events to stdout and everything else to
// stderr, and returns the exit status. ctx is cancelled by SIGINT/SIGTERM.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, &env{getenv: getenv, stdout: stdout, stderr: stderr})
}

// env is what run works with; tests may set the fields run cannot.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	// terminal reports whether stderr is a terminal (for the live progress
	// line); nil means: ask the file behind stderr.
	terminal func() bool
}

func (e *env) isTerminal() bool {
	if e.terminal != nil {
		return e.terminal()
	}
	f, ok := e.stderr.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runWith(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "pull":
		return pull(ctx, args[1:], e)
	case "vendors":
		return listVendors(args[1:], e)
	case "collect":
		return collect(ctx, args[1:], e)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stdout, mainUsage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "auditkit: unknown command %q; the commands are pull, vendors and collect (see auditkit help)\n", args[0])
	return exitUsage
}
