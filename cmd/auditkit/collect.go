package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/auditkit/auditkit/collector"
)

const collectUsage = `Usage: auditkit collect --config FILE [flags]

Collects the sources of FILE (YAML) on their intervals, into the output it
names, with each source's checkpoint saved after its events were delivered.
Try it against the built-in fakes: auditkit collect --config examples/collect/demo.yaml

Flags:
  --config FILE          the config file (required)
  --once                 one cycle of every source, then exit 0 (all ok) or 1
  --check-config         check the config (vendors, settings, filters, credential
                         references, output) without sending a request, then exit
  --status               print each source's state from the state store, then exit
  --shard I/N            collect only the sources of shard I of N (rendezvous hashing);
                         default: AUDITKIT_SHARD=I/N, or with AUDITKIT_SHARDS=N the index
                         of an Indexed Job (JOB_COMPLETION_INDEX) or StatefulSet pod (HOSTNAME)
  --log-format F         text (default) or json; logs go to stderr
  --log-level L          debug, info (default), warn or error

Signals: SIGINT/SIGTERM stop after the event in hand, deliver and commit the
batch in hand and exit 0 (1 if that takes longer than 30s); SIGHUP reloads
the config file (sources added, removed or changed; a bad file is refused).
Exit status: 0 ok, 1 a source failed (--once) or the collector could not run,
2 a config error (named with its file and line; nothing was sent).
`

// stopBound is how long the collector may take to stop after SIGTERM.
var stopBound = 30 * time.Second

func collect(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("auditkit collect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var (
		path, shard, logFormat, logLevel string
		once, checkOnly, status          bool
	)
	fs.StringVar(&path, "config", "", "")
	fs.StringVar(&shard, "shard", "", "")
	fs.StringVar(&logFormat, "log-format", "text", "")
	fs.StringVar(&logLevel, "log-level", "info", "")
	fs.BoolVar(&once, "once", false, "")
	fs.BoolVar(&checkOnly, "check-config", false, "")
	fs.BoolVar(&status, "status", false, "")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, collectUsage)
		return exitOK
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil && path == "" {
		err = errors.New("--config FILE is required")
	}
	var level slog.Level
	if err == nil {
		if lerr := level.UnmarshalText([]byte(logLevel)); lerr != nil {
			err = fmt.Errorf("--log-level %q: want debug, info, warn or error", logLevel)
		}
	}
	var handler slog.Handler
	if err == nil {
		opts := &slog.HandlerOptions{Level: level}
		switch logFormat {
		case "text":
			handler = slog.NewTextHandler(e.stderr, opts)
		case "json":
			handler = slog.NewJSONHandler(e.stderr, opts)
		default:
			err = fmt.Errorf("--log-format %q: want text or json", logFormat)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "auditkit: collect: %v (see auditkit collect -h)\n", err)
		return exitUsage
	}
	sh, err := shardFrom(shard, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "auditkit: collect: %v\n", err)
		return exitUsage
	}

	cfg, err := collector.LoadConfig(path)
	if err != nil {
		return configFailed(e, err)
	}
	cfg.Shard = sh
	cfg.Logger = slog.New(handler)
	cfg.Getenv = e.getenv
	if status {
		st, err := collector.Status(ctx, cfg)
		if err != nil {
			fmt.Fprintf(e.stderr, "auditkit: collect: %v\n", err)
			return exitFailure
		}
		collector.WriteStatus(e.stdout, st, time.Now())
		return exitOK
	}
	if err := cfg.Check(); err != nil {
		return configFailed(e, err)
	}
	if checkOnly {
		fmt.Fprintf(e.stdout, "%s: ok: %d sources (%s)\n", path, len(cfg.Sources), strings.Join(cfg.SourceNames(), ", "))
		return exitOK
	}
	if once {
		err := runBounded(ctx, func(ctx context.Context) error { return collector.RunOnce(ctx, cfg) })
		return collectResult(e, err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	cfg.Reload = reload
	return collectResult(e, runBounded(ctx, func(ctx context.Context) error { return collector.Run(ctx, cfg) }))
}

// errStopTimeout is returned when the collector took longer than stopBound
// to stop.
var errStopTimeout = errors.New("the collector did not stop within the bound after the signal")

// runBounded runs f and, once ctx is cancelled, waits at most stopBound
// for it to return.
func runBounded(ctx context.Context, f func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(stopBound):
		return fmt.Errorf("%w (%s)", errStopTimeout, stopBound)
	}
}

func collectResult(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	var ce *collector.ConfigError
	if errors.As(err, &ce) {
		return configFailed(e, err)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(e.stderr, "auditkit: collect: %s\n", line)
	}
	return exitFailure
}

func configFailed(e *env, err error) int {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(e.stderr, "auditkit: collect: %s\n", line)
	}
	return exitUsage
}

// shardFrom reads --shard I/N, or else the shard of a Kubernetes Indexed
// Job (JOB_COMPLETION_INDEX) or StatefulSet pod (HOSTNAME's ordinal) out
// of AUDITKIT_SHARDS.
func shardFrom(flagValue string, getenv func(string) string) (collector.Shard, error) {
	if flagValue != "" {
		i, n, err := collector.ParseShard(flagValue)
		if err != nil {
			return collector.Shard{}, fmt.Errorf("--shard: %v", err)
		}
		return collector.Shard{I: i, N: n}, nil
	}
	i, n, ok, err := collector.ShardFromEnv(getenv)
	if err != nil || !ok {
		return collector.Shard{}, err
	}
	return collector.Shard{I: i, N: n}, nil
}
