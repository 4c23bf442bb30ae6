package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/eventline"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/tanium"
	"github.com/auditkit/auditkit/vendors"
)

// checkpointEvery bounds the events written between two checkpoints, should
// a vendor send very large pages.
const checkpointEvery = 1000

// userAgent is the User-Agent the CLI sends.
const userAgent = "auditkit-cli"

const pullUsage = `Usage: auditkit pull VENDOR [flags]

Pulls VENDOR's audit events and writes them as NDJSON, one event per line:
OCSF 1.1.0 events by default, or the vendor's records as sent (--format raw).
Credentials come from the environment only; "auditkit vendors" lists them,
with each vendor's settings (a flag below, or its environment variable).

Flags:
  --demo                 pull from a built-in fake of VENDOR's API (no credentials needed)
  --base-url URL         API base (default: the vendor's public host)
  --since T, --until T   RFC 3339 time, or a duration back from now (24h, 90m, 7d)
  --format ocsf|raw      ocsf (default) or the vendor's record as sent
  --ocsf-version V       the OCSF version of the events: 1.1.0 (default) or 1.8.0
  --filter NAME=VALUE    a documented parameter of VENDOR (repeatable; see auditkit vendors)
  --page-size N          records per request (default: the vendor's)
  --order O              oldest-first or newest-first, where the vendor's API can serve it
                         (default: the API's own order; see auditkit vendors)
  --max-events N         stop after writing N events (resume later with --checkpoint)
  --output FILE          append to FILE instead of stdout
  --checkpoint FILE      resume from FILE if it exists; kept in step with the output and
                         replaced atomically; with --output, exactly once even after SIGKILL
  --rate-limit R         a fixed cap, in requests per second, from 0.001 to 1000000
                         (default: none; the client paces itself by the server's
                         rate-limit headers, Retry-After and 429s)
  --allow-partial        exit 0 when the pull ended without error but could not cover the
                         whole window (a Tanium history deeper than it may read): the one
                         line naming what was not covered is still printed; without it,
                         exit 1
  --allow-http           allow a plain http:// base URL (or --server, --tenant) to a host
                         that is not loopback, although the credentials travel in clear
  --log-level L          debug, info, warn (default) or error; logs go to stderr
  --quiet                no progress line and no summary on stderr
  --demo-faults          with --demo: the fake injects 429s, 503s, resets and cut bodies
Vendor settings (not credentials):
`

// pullFlags are the flags of "auditkit pull".
type pullFlags struct {
	baseURL, since, until, format string
	output, checkpoint, logLevel  string
	pageSize, maxEvents           int
	rateLimit                     string // as given
	rateLimitSet                  bool   // --rate-limit was given
	order                         string
	filters                       []vendors.Param
	settings                      map[string]string
	demo, demoFaults, quiet       bool
	allowPartial, allowHTTP       bool
	ocsfVersion                   string // --ocsf-version, as given
}

func pullFlagSet(f *pullFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("auditkit pull", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.baseURL, "base-url", "", "")
	fs.StringVar(&f.since, "since", "", "")
	fs.StringVar(&f.until, "until", "", "")
	fs.StringVar(&f.format, "format", "ocsf", "")
	fs.StringVar(&f.ocsfVersion, "ocsf-version", "", "")
	fs.StringVar(&f.output, "output", "", "")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "")
	fs.StringVar(&f.logLevel, "log-level", "warn", "")
	fs.IntVar(&f.pageSize, "page-size", 0, "")
	fs.IntVar(&f.maxEvents, "max-events", 0, "")
	fs.StringVar(&f.order, "order", "", "")
	fs.Func("rate-limit", "", func(v string) error {
		f.rateLimit, f.rateLimitSet = v, true
		return nil
	})
	fs.BoolVar(&f.demo, "demo", false, "")
	fs.BoolVar(&f.allowPartial, "allow-partial", false, "")
	fs.BoolVar(&f.allowHTTP, "allow-http", false, "")
	fs.BoolVar(&f.demoFaults, "demo-faults", false, "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	fs.Func("filter", "", func(s string) error {
		name, value, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fmt.Errorf("want NAME=VALUE, got %q", s)
		}
		f.filters = append(f.filters, vendors.Param{Name: name, Value: value})
		return nil
	})
	f.settings = map[string]string{}
	for _, s := range settingFlags() {
		fs.Func(s.Name, s.Usage, func(v string) error {
			f.settings[s.Name] = v
			return nil
		})
	}
	return fs
}

// parseArgs parses flags and positional arguments in any order.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageError is a mistake of the user's: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func pull(ctx context.Context, args []string, e *env) int {
	var f pullFlags
	fs := pullFlagSet(&f)
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, pullUsage)
		for _, s := range settingFlags() {
			fmt.Fprintf(e.stdout, "  --%-20s %s\n", s.Name+" "+strings.ToUpper(s.Name), s.Usage)
		}
		fmt.Fprintf(e.stdout, "\nVendors: %s\n", vendorNames())
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "auditkit: pull: %v (see auditkit pull -h)\n", err)
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(e.stderr, "auditkit: pull takes one vendor, one of: %s (see auditkit pull -h)\n", vendorNames())
		return exitUsage
	}
	v, ok := lookupVendor(pos[0])
	if !ok {
		fmt.Fprintf(e.stderr, "auditkit: unknown vendor %q; the vendors are: %s\n", pos[0], vendorNames())
		return exitUsage
	}
	p := &puller{v: v, f: &f, e: e}
	err = p.run(ctx)
	if err == nil {
		return exitOK
	}
	msg := strings.TrimPrefix(err.Error(), "auditclient: ")
	fmt.Fprintf(p.stderr(), "auditkit: %s: %s\n", v.Name, oneLine(strings.TrimPrefix(msg, v.Name+": ")))
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// partialError ends a pull that completed without error but did not cover
// its whole window (auditclient.WarningsOf): exit status 1 unless
// --allow-partial.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// partialMessage says, on one line, what a walk reports it could not
// cover: for Tanium, the objects whose history stayed short of the window
// and the oldest time read of each.
func partialMessage(warnings []error, allowed bool) string {
	var objs, other []string
	size := 0
	for _, w := range warnings {
		var te *tanium.TruncatedError
		if errors.As(w, &te) {
			objs = append(objs, te.Object.String()+" back to "+te.Oldest.UTC().Format(time.RFC3339Nano))
			size = max(size, te.Size)
			continue
		}
		other = append(other, oneLine(w.Error()))
	}
	var b strings.Builder
	b.WriteString("partial pull: the window was not covered")
	if len(objs) > 0 {
		fmt.Fprintf(&b, "; %d object histories, read %d entries deep (the most allowed), reach only: %s; older entries in the window were not read",
			len(objs), size, strings.Join(objs, ", "))
	}
	for _, o := range other {
		b.WriteString("; ")
		b.WriteString(strings.TrimPrefix(o, "tanium: "))
	}
	if allowed {
		b.WriteString(" (accepted: --allow-partial)")
	} else {
		b.WriteString(" (exit 1; --allow-partial accepts a partial pull)")
	}
	return b.String()
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// puller is one "auditkit pull".
type puller struct {
	v    *vendors.Vendor
	f    *pullFlags
	e    *env
	prog *progress
}

func (p *puller) stderr() io.Writer {
	if p.prog != nil {
		return p.prog
	}
	return p.e.stderr
}

// config checks the flags and builds the vendor's Config (without Resume
// and the demo's settings): the settings from the environment, overridden
// by their flags. It sends nothing.
func (p *puller) config(now time.Time) (*vendors.Config, error) {
	f, v := p.f, p.v
	cfg := &vendors.Config{
		BaseURL:  f.baseURL,
		PageSize: f.pageSize,
		Settings: v.SettingsFromEnv(p.e.getenv),
		Options:  []auditclient.Option{auditclient.WithUserAgent(userAgent)},
	}
	var err error
	if cfg.Since, err = parseTime("since", f.since, now); err != nil {
		return nil, err
	}
	if cfg.Until, err = parseTime("until", f.until, now); err != nil {
		return nil, err
	}
	if !cfg.Since.IsZero() && !cfg.Until.IsZero() && cfg.Since.After(cfg.Until) {
		return nil, usagef("--since %s is after --until %s", cfg.Since.Format(time.RFC3339), cfg.Until.Format(time.RFC3339))
	}
	switch f.format {
	case "ocsf", "raw":
	default:
		return nil, usagef("--format %q: want ocsf or raw", f.format)
	}
	if err := ocsfVersionOption(cfg, f.ocsfVersion); err != nil {
		return nil, err
	}
	if cfg.Order, err = auditclient.ParseOrder(f.order); err != nil {
		return nil, usagef("--%v", err)
	}
	if f.pageSize < 0 {
		return nil, usagef("--page-size %d: want a positive number (or 0 for the vendor's default)", f.pageSize)
	}
	if f.maxEvents < 0 {
		return nil, usagef("--max-events %d: want a positive number (or 0 for no limit)", f.maxEvents)
	}
	if f.rateLimitSet {
		r, err := parseRateLimit(f.rateLimit)
		if err != nil {
			return nil, err
		}
		cfg.Options = append(cfg.Options, auditclient.WithRateLimit(rate.Limit(r), 1))
	}
	for _, fv := range f.filters {
		if !hasFilter(v, fv.Name) {
			return nil, usagef("unknown filter %q; %s's filters are: %s", fv.Name, v.Name, filterNames(v))
		}
		cfg.Filters = append(cfg.Filters, fv)
	}
	names := make([]string, 0, len(f.settings))
	for name := range f.settings {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := flagSetting(v, name)
		if s == nil {
			if flags := vendorFlags(v); len(flags) > 0 {
				return nil, usagef("--%s is not a setting of %s; its settings are: --%s", name, v.Name, strings.Join(flags, ", --"))
			}
			return nil, usagef("--%s is not a setting of %s, which takes none", name, v.Name)
		}
		cfg.Settings[s.Name] = f.settings[name]
	}
	if f.demoFaults && !f.demo {
		return nil, usagef("--demo-faults needs --demo")
	}
	if f.demo && f.baseURL != "" {
		return nil, usagef("--demo and --base-url exclude each other: --demo pulls from a built-in fake")
	}
	if f.allowHTTP {
		cfg.Options = append(cfg.Options, auditclient.WithInsecureHTTP())
	} else {
		if insecureURL(f.baseURL) {
			return nil, usagef("--base-url %s: plain http to a host that is not loopback would send the credentials in clear; use https, or --allow-http", f.baseURL)
		}
		for _, s := range v.Settings {
			if val := cfg.Settings[s.Name]; s.BaseURL && insecureURL(val) {
				return nil, usagef("%s %s: plain http to a host that is not loopback would send the credentials in clear; use https, or --allow-http", settingSource(s, f.settings), val)
			}
		}
	}
	if f.output != "" && f.checkpoint != "" && sameFile(f.output, f.checkpoint) {
		return nil, usagef("--output and --checkpoint name the same file %s", f.output)
	}
	return cfg, nil
}

// settingSource names where s was read from: its flag, if given, or its
// environment variable.
func settingSource(s vendors.Setting, flags map[string]string) string {
	if _, ok := flags[s.Flag]; ok && s.Flag != "" {
		return "--" + s.Flag
	}
	return s.Env
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// Bounds of --rate-limit, in requests per second: below the lower one a
// pull would wait hours for its first requests (1e-300 would never send
// one); above the upper one the limit means nothing.
const (
	minRateLimit = 0.001
	maxRateLimit = 1e6
)

// parseRateLimit reads --rate-limit: a finite number of requests per
// second within [minRateLimit, maxRateLimit]. Anything else (0, negative,
// NaN, Inf, 1e-300, not a number) is a usage error.
func parseRateLimit(s string) (float64, error) {
	r, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(r) || math.IsInf(r, 0) || r < minRateLimit || r > maxRateLimit {
		return 0, usagef("--rate-limit %q: want requests per second, a number from %g to %g", s, minRateLimit, maxRateLimit)
	}
	return r, nil
}

// parseTime reads --since or --until: an RFC 3339 time, or a duration back
// from now ("24h", "90m", "7d").
func parseTime(flagName, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, ok := parseAgo(s); ok {
		return now.Add(-d), nil
	}
	return time.Time{}, usagef("--%s %q: want an RFC 3339 time such as 2024-06-19T12:00:00Z, or a duration back from now such as 24h, 90m or 7d", flagName, s)
}

func parseAgo(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 100000 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// run is the pull: everything after the vendor was found.
func (p *puller) run(ctx context.Context) error {
	f, v := p.f, p.v
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return usagef("--log-level %q: want debug, info, warn or error", f.logLevel)
	}
	cfg, err := p.config(time.Now())
	if err != nil {
		return err
	}
	p.prog = newProgress(v.Name, p.e.stderr, !f.quiet && p.e.isTerminal())
	logger := slog.New(slog.NewTextHandler(p.prog, &slog.HandlerOptions{Level: level}))
	cfg.Options = append(cfg.Options, auditclient.WithLogger(logger))

	// The checkpoint file, checked against this pull before anything else.
	var outPath string
	if f.output != "" {
		if outPath, err = filepath.Abs(f.output); err != nil {
			return err
		}
	}
	var prev *state
	if f.checkpoint != "" {
		if prev, err = readState(f.checkpoint); err != nil {
			return usagef("%v", err)
		}
		removeStaleTemps(f.checkpoint)
		if prev != nil {
			if err := p.checkState(prev, outPath); err != nil {
				return err
			}
			cfg.Resume = prev.Checkpoint
		}
	}

	// --demo: start the fake and point the pull at it.
	var demoURL string
	if f.demo {
		dc := audittest.DemoConfig{Now: demoNow()}
		if f.demoFaults {
			dc.Faults = demoFaults()
		}
		d, err := audittest.StartDemo(v.Name, dc)
		if err != nil {
			return fmt.Errorf("starting the demo fake: %w", err)
		}
		defer d.Close()
		demoURL = d.BaseURL
		cfg.BaseURL = d.BaseURL
		for k, val := range d.Settings {
			// The fake's credentials always; its other settings (such as
			// Tanium's objects) unless given by flag.
			if s := v.Setting(k); s != nil && !s.Secret {
				if _, given := f.settings[s.Flag]; given && s.Flag != "" {
					continue
				}
			}
			cfg.Settings[k] = val
		}
		cfg.Options = append(demoClientOptions(), cfg.Options...)
		logger.Info("demo fake started", "vendor", v.Name, "url", demoURL)
	}

	// Open the walk: nothing is sent yet, so every error is the user's.
	src, err := v.Start(ctx, *cfg)
	if err != nil {
		return &usageError{p.explain(err)}
	}
	defer src.Client.CloseIdleConnections()
	it := src.Events
	defer it.Close()
	if err := it.Err(); err != nil {
		if errors.Is(err, auditclient.ErrCheckpointMismatch) || errors.Is(err, auditclient.ErrCheckpointInvalid) {
			return usagef("checkpoint %s does not fit this pull: %v; use another checkpoint file, or the flags it was taken with", f.checkpoint, err)
		}
		return &usageError{err.Error()}
	}

	// The sink: the output file, cut back to the checkpoint's length.
	var out *sink
	if outPath != "" {
		var length int64
		if prev != nil {
			length = prev.Output.Length
		}
		if out, err = openOutput(outPath, prev != nil, length); err != nil {
			return err
		}
		defer out.close()
	} else {
		out = &sink{w: p.e.stdout}
	}

	w := &walk{p: p, it: it, out: out, outPath: outPath, demoURL: demoURL, enc: eventline.Encoder{Raw: p.f.format == "raw"}}
	if f.checkpoint != "" && prev == nil {
		// Before any event is written: a run killed before its first
		// checkpoint resumes from here and cuts back what it wrote.
		if err := w.save(); err != nil {
			return err
		}
	}
	p.prog.begin(src.Client.Stats)
	return w.run(ctx)
}

// explain words an error of the vendor's Open for the command line: a bad
// setting names the flag or environment variable it comes from, and a bad
// page size names --page-size.
func (p *puller) explain(err error) string {
	msg := err.Error()
	var ce *auditclient.ConfigError
	var oe *auditclient.OptionError
	switch {
	case errors.As(err, &ce):
		for _, s := range p.v.Settings {
			if (ce.Env == "" || ce.Env != s.Env) && ce.Option != "setting "+s.Name && ce.Option != s.Name {
				continue
			}
			switch {
			case s.Flag != "" && s.Env != "":
				msg += " (give it with --" + s.Flag + " or " + s.Env + ")"
			case s.Flag != "":
				msg += " (give it with --" + s.Flag + ")"
			}
			if s.Secret {
				msg += " (credentials come from the environment only: see auditkit vendors, or try --demo)"
			}
			break
		}
	case errors.As(err, &oe):
		given := slices.ContainsFunc(p.f.filters, func(f vendors.Param) bool { return f.Name == oe.Option })
		if p.f.pageSize != 0 && oe.Value == strconv.Itoa(p.f.pageSize) && !given {
			msg = fmt.Sprintf("--page-size %d: %s", p.f.pageSize, strings.TrimPrefix(msg, p.v.Name+": "))
		}
	}
	return msg
}

// checkState refuses a checkpoint taken by another kind of pull.
func (p *puller) checkState(st *state, outPath string) error {
	f, v := p.f, p.v
	name := f.checkpoint
	if st.Vendor != v.Name {
		return usagef("checkpoint %s is of a %s pull, not %s; use another checkpoint file", name, st.Vendor, v.Name)
	}
	if st.Format != f.format {
		return usagef("checkpoint %s is of a pull with --format %s, not %s; use another checkpoint file", name, st.Format, f.format)
	}
	switch {
	case st.Output == nil && outPath != "":
		return usagef("checkpoint %s is of a pull to stdout, not to --output %s; use another checkpoint file", name, f.output)
	case st.Output != nil && outPath == "":
		return usagef("checkpoint %s is of a pull to --output %s, not to stdout; give that --output or another checkpoint file", name, st.Output.Path)
	case st.Output != nil && st.Output.Path != outPath:
		return usagef("checkpoint %s is of a pull to --output %s, not %s; give that --output or another checkpoint file", name, st.Output.Path, outPath)
	}
	switch {
	case st.Demo && !f.demo:
		return usagef("checkpoint %s is of a --demo pull; use another checkpoint file for the real API", name)
	case !st.Demo && f.demo:
		return usagef("checkpoint %s is not of a --demo pull; use another checkpoint file with --demo", name)
	}
	if st.Checkpoint.Vendor != v.Name {
		return usagef("checkpoint %s holds a checkpoint of %s, not %s", name, st.Checkpoint.Vendor, v.Name)
	}
	return nil
}

// walk writes the events of one pull and keeps the checkpoint in step.
type walk struct {
	p       *puller
	it      auditclient.Iterator
	out     *sink
	outPath string
	demoURL string

	written   int64 // events written in this run
	sinceSave int64 // events written since the last checkpoint
	pages     int64 // pages as of the last checkpoint
	enc       eventline.Encoder
}

func (w *walk) run(ctx context.Context) error {
	f, prog := w.p.f, w.p.prog
	var note string
	var walkErr error
	for {
		if f.maxEvents > 0 && w.written >= int64(f.maxEvents) {
			note = fmt.Sprintf("stopped at --max-events %d", f.maxEvents)
			break
		}
		if !w.it.Next() {
			walkErr = w.it.Err()
			break
		}
		line, err := w.encode(w.it.Event())
		if err != nil {
			// The iterator has moved past an event that is not written:
			// keep the last checkpoint, which comes before it (with
			// --output, a resumed run cuts back what followed it).
			w.out.flush()
			prog.finish(true, "")
			return err
		}
		if err := w.out.line(line); err != nil {
			prog.finish(true, "")
			return fmt.Errorf("writing events: %w", err)
		}
		w.written++
		w.sinceSave++
		prog.events.Store(w.written)
		pages := w.pages
		if pr, ok := auditclient.ProgressOf(w.it); ok {
			pages = pr.Pages
			prog.pages.Store(pages)
		}
		if pages != w.pages || w.sinceSave >= checkpointEvery {
			w.pages = pages
			if err := w.save(); err != nil {
				prog.finish(true, "")
				return err
			}
		}
	}
	if pr, ok := auditclient.ProgressOf(w.it); ok {
		prog.pages.Store(pr.Pages)
	}
	// Whatever ended the walk, what was written is saved with its checkpoint.
	if err := w.save(); err != nil {
		prog.finish(true, "")
		return err
	}
	interrupted := walkErr != nil && ctx.Err() != nil && errors.Is(walkErr, ctx.Err())
	switch {
	case interrupted:
		note = "interrupted"
	case walkErr != nil:
		note = "failed"
	}
	prog.finish(f.quiet, note)
	switch {
	case interrupted:
		if f.checkpoint != "" {
			return fmt.Errorf("interrupted after %d events; run again with the same flags to resume from %s", w.written, f.checkpoint)
		}
		return fmt.Errorf("interrupted after %d events", w.written)
	case walkErr != nil:
		return walkErr
	}
	if warnings := auditclient.WarningsOf(w.it); len(warnings) > 0 {
		msg := partialMessage(warnings, f.allowPartial)
		if !f.allowPartial {
			return &partialError{msg}
		}
		fmt.Fprintf(w.p.stderr(), "auditkit: %s: %s\n", w.p.v.Name, msg)
	}
	return nil
}

// encode renders ev as one NDJSON line (valid until the next call).
func (w *walk) encode(ev ocsf.Event) ([]byte, error) { return w.enc.Encode(&ev) }

// save writes the output's buffered lines out (and syncs them when the
// output is a file), and replaces the checkpoint file with the checkpoint
// that counts them: the checkpoint never counts an event that is not
// written and flushed. The new checkpoint is prepared (written and synced
// beside the old one) before the lines are written and put in place right
// after, so that a kill between the two, which repeats the lines on stdout
// after a resume, has the shortest window.
func (w *walk) save() error {
	w.sinceSave = 0
	f := w.p.f
	var next *pendingFile
	if f.checkpoint != "" {
		st := state{
			Auditkit:   stateVersion,
			Vendor:     w.p.v.Name,
			Format:     f.format,
			Demo:       w.demoURL != "",
			Checkpoint: w.it.Checkpoint(),
		}
		if w.outPath != "" {
			// The length once the buffered lines are written.
			st.Output = &outputState{Path: w.outPath, Length: w.out.n + int64(len(w.out.buf))}
		}
		data, err := json.MarshalIndent(&st, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding the checkpoint: %w", err)
		}
		if next, err = prepareFile(f.checkpoint, append(data, '\n')); err != nil {
			return fmt.Errorf("writing the checkpoint: %w", err)
		}
	}
	if err := w.out.flush(); err != nil {
		if next != nil {
			next.discard()
		}
		return fmt.Errorf("writing events: %w", err)
	}
	if next != nil {
		if err := next.commit(); err != nil {
			return fmt.Errorf("writing the checkpoint: %w", err)
		}
	}
	return nil
}

// insecureURL reports whether s is a plain http URL to a host that is not
// loopback (localhost, 127.0.0.0/8, ::1).
func insecureURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return false
	}
	ip := net.ParseIP(h)
	return ip == nil || !ip.IsLoopback()
}
