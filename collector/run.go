package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"
	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all" // every vendor, by name
)

// userAgent is the User-Agent the collector sends.
const userAgent = "auditkit-collector"

// flushTimeout bounds the delivery of the batch in hand once the
// collector is stopping.
const flushTimeout = 20 * time.Second

// Run collects every source the config's shard owns, each on its own
// interval in its own goroutine, until ctx is cancelled; then each source
// stops after the event in hand (a request in flight is cancelled; the
// checkpoint records the place within the page), delivers and commits the
// batch in hand, and Run returns nil. A failing source backs off and retries by itself; the
// others go on. It returns an error only when it cannot start (a bad
// config, output, store or metrics address).
func Run(ctx context.Context, cfg *Config) error {
	c, err := start(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.close()
	c.apply(cfg)
	c.ready.Store(true)
	for {
		select {
		case <-ctx.Done():
			c.stopAll()
			return nil
		case <-cfg.Reload:
			c.reload()
		}
	}
}

// RunOnce runs one cycle of every source the config's shard owns, all at
// once, and returns when they ended: nil when every one succeeded, else
// the sources' errors joined. A cancelled ctx ends the cycles as Run's
// does: the batch in hand is delivered and committed.
func RunOnce(ctx context.Context, cfg *Config) error {
	c, err := start(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.close()
	c.ready.Store(true)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, sc := range cfg.Sources {
		if !cfg.Shard.Owns(sc.Name) {
			continue
		}
		c.mu.Lock()
		r := c.newRunner(sc)
		c.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.closeDemo()
			if err := r.cycle(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", sc.Name, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// collector is one Run or RunOnce.
type collector struct {
	cfg    *Config
	out    Output
	ownOut bool
	store  Store
	log    *slog.Logger
	m      *metrics
	now    func() time.Time
	ready  atomicBool
	batch  int // events per batch
	srv    *http.Server
	ln     net.Listener

	pacersMu sync.Mutex
	pacers   map[string]*auditclient.Pacer // by accountKey

	mu      sync.Mutex
	runners map[string]*runner
	status  map[string]*SourceStatus
	order   []string // the sources' names, in config order
}

type atomicBool struct {
	mu sync.Mutex
	v  bool
}

func (b *atomicBool) Store(v bool) { b.mu.Lock(); b.v = v; b.mu.Unlock() }
func (b *atomicBool) Load() bool   { b.mu.Lock(); defer b.mu.Unlock(); return b.v }

// start checks the config and sets up the output, store, metrics and
// their HTTP server.
func start(ctx context.Context, cfg *Config) (*collector, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	c := &collector{cfg: cfg, out: cfg.Output, store: cfg.Store, log: cfg.Logger, now: cfg.Now,
		runners: map[string]*runner{}, status: map[string]*SourceStatus{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.store == nil {
		if cfg.State == "" {
			return nil, cfg.errorf(0, "no state: the config needs state: DIRECTORY (or the program a Store)")
		}
		st, err := openDirStore(cfg.statePath())
		if err != nil {
			return nil, fmt.Errorf("state %s: %w", cfg.statePath(), err)
		}
		c.store = st
	}
	reg := cfg.Registerer
	var gather prometheus.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, gather = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		gather = g
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	c.m = m
	if c.out == nil {
		out, err := cfg.buildOutput(ctx, false)
		if err != nil {
			return nil, err
		}
		c.out, c.ownOut = out, true
	}
	c.batch = batchSize(c.out, cfg.Batch)
	if cfg.Metrics != "" {
		if err := c.serve(cfg.Metrics, gather); err != nil {
			c.close()
			return nil, fmt.Errorf("metrics %s: %w", cfg.Metrics, err)
		}
	}
	for _, s := range cfg.Sources {
		if cfg.Shard.Owns(s.Name) {
			c.order = append(c.order, s.Name)
		}
	}
	return c, nil
}

func (c *collector) close() {
	if c.srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c.srv.Shutdown(sctx)
		cancel()
	}
	if c.ownOut && c.out != nil {
		if err := c.out.Close(); err != nil {
			c.log.Error("closing the output", "err", err)
		}
	}
}

// apply starts, stops and restarts runners so that they match cfg.
func (c *collector) apply(cfg *Config) {
	want := cfg.sourcesOf(cfg.Shard)
	c.mu.Lock()
	var stop []*runner
	for name, r := range c.runners {
		w, ok := want[name]
		if !ok || w.fingerprint() != r.cfg.fingerprint() {
			stop = append(stop, r)
			delete(c.runners, name)
		}
	}
	c.mu.Unlock()
	for _, r := range stop {
		r.stop()
		if _, still := want[r.cfg.Name]; !still {
			c.m.forget(r.cfg.Name)
			c.mu.Lock()
			delete(c.status, r.cfg.Name)
			c.mu.Unlock()
			c.log.Info("source removed", "source", r.cfg.Name)
		} else {
			c.log.Info("source changed: restarting it", "source", r.cfg.Name)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order = c.order[:0]
	for _, s := range cfg.Sources {
		if _, ok := want[s.Name]; !ok {
			continue
		}
		c.order = append(c.order, s.Name)
		if _, running := c.runners[s.Name]; running {
			continue
		}
		r := c.newRunner(s)
		c.runners[s.Name] = r
		r.startLoop()
	}
}

// reload reads the config file again and applies its sources; a bad file
// is logged and the running config kept.
func (c *collector) reload() {
	old := c.cfg
	if old.Path == "" {
		c.log.Warn("reload asked, but the config was not read from a file")
		return
	}
	next, err := LoadConfig(old.Path)
	if err == nil {
		next.Output, next.Store, next.Logger, next.Registerer = old.Output, old.Store, old.Logger, old.Registerer
		next.Shard, next.Now, next.Reload, next.Getenv = old.Shard, old.Now, old.Reload, old.Getenv
		if next.Output == nil {
			// The output is built once; check the new section only.
			next.Output = c.out
		}
		err = next.Check()
	}
	if err != nil {
		c.log.Error("reload: the new config is refused; the running one is kept", "err", err)
		return
	}
	if next.State != old.State || next.Metrics != old.Metrics || next.Batch != old.Batch || !bytes.Equal(sectionBytes(&next.OutputSection), sectionBytes(&old.OutputSection)) {
		c.log.Warn("reload: changes to state, metrics, batch or output take effect at the next restart")
	}
	next.State, next.Metrics, next.Batch, next.OutputSection = old.State, old.Metrics, old.Batch, old.OutputSection
	next.Output = old.Output
	c.mu.Lock()
	c.cfg = next
	c.mu.Unlock()
	c.apply(next)
	c.mu.Lock()
	n := len(c.order)
	c.mu.Unlock()
	c.log.Info("config reloaded", "sources", n)
}

func sectionBytes(n *yaml.Node) []byte {
	if n.Kind == 0 {
		return nil
	}
	data, _ := yaml.Marshal(n)
	return data
}

func (c *collector) stopAll() {
	c.mu.Lock()
	rs := make([]*runner, 0, len(c.runners))
	for _, r := range c.runners {
		rs = append(rs, r)
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() { defer wg.Done(); r.stop() }()
	}
	wg.Wait()
}

// batchSize is the number of events per batch: the config's, or the
// output's when it asks for fewer (or the config says none), or
// DefaultBatch.
func batchSize(out Output, configured int) int {
	if bs, ok := out.(BatchSizer); ok && bs.BatchSize() > 0 {
		if configured > 0 {
			return min(configured, bs.BatchSize())
		}
		return bs.BatchSize()
	}
	if configured > 0 {
		return configured
	}
	return DefaultBatch
}

// runner collects one source.
type runner struct {
	c    *collector
	conf *Config // the config the source is from: its environment and directory
	cfg  SourceConfig
	v    *vendors.Vendor
	log  *slog.Logger
	st   *SourceStatus

	transport *http.Transport
	recovered bool // Recover was called since the last failed Write

	demoMu   sync.Mutex
	demo     *audittest.Demo
	demoStop chan struct{}

	cancel context.CancelFunc
	done   chan struct{}
}

// newRunner makes the runner of sc; c.mu is held.
func (c *collector) newRunner(sc SourceConfig) *runner {
	v, _ := vendors.Lookup(sc.Vendor)
	st := c.status[sc.Name]
	if st == nil {
		st = &SourceStatus{Name: sc.Name, Vendor: sc.Vendor, State: "starting"}
		c.status[sc.Name] = st
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &runner{c: c, conf: c.cfg, cfg: sc, v: v, st: st, transport: tr,
		log: c.log.With("source", sc.Name, "vendor", sc.Vendor)}
}

// startLoop runs the source's cycles in a goroutine of its own.
func (r *runner) startLoop() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		defer r.closeDemo()
		r.loop(ctx)
	}()
}

// stop ends the loop: the cycle in progress delivers and commits the batch
// in hand first.
func (r *runner) stop() {
	r.cancel()
	<-r.done
}

func (r *runner) loop(ctx context.Context) {
	failures := 0
	for {
		err := r.cycle(ctx)
		if ctx.Err() != nil {
			r.setState("stopped", nil)
			return
		}
		var wait time.Duration
		if err != nil {
			if errors.Is(err, ErrConflict) {
				r.log.Error("source stopped: its state was changed by another writer; another replica owns it", "err", err)
				r.setState("stopped", err)
				r.c.m.nextRun.DeleteLabelValues(r.cfg.Name, r.cfg.Vendor)
				return
			}
			failures++
			wait = backoff(failures, time.Duration(r.cfg.Interval))
			r.log.Warn("cycle failed; backing off", "err", err, "failures", failures, "retry_in", wait.Round(time.Millisecond))
			r.setState("backoff", err)
		} else {
			failures = 0
			wait = jittered(time.Duration(r.cfg.Interval), float64(r.cfg.Jitter)/100)
			r.setState("idle", nil)
		}
		next := r.c.now().Add(wait)
		r.c.m.nextRun.WithLabelValues(r.cfg.Name, r.cfg.Vendor).Set(float64(next.UnixMilli()) / 1000)
		r.c.mu.Lock()
		r.st.NextRun = next
		r.c.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			r.setState("stopped", nil)
			return
		case <-t.C:
		}
	}
}

// backoff is the wait after the nth failure in a row: from min(interval,
// 10s), doubling, up to min(4 intervals, 1h) but no less than the first,
// jittered by ±20%.
func backoff(n int, interval time.Duration) time.Duration {
	base := min(interval, 10*time.Second)
	capped := max(min(4*interval, time.Hour), base)
	d := base
	for i := 1; i < n && d < capped; i++ {
		d *= 2
	}
	d = min(d, capped)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// jittered is d plus up to frac of it.
func jittered(d time.Duration, frac float64) time.Duration {
	return d + time.Duration(float64(d)*frac*rand.Float64())
}

func (r *runner) setState(state string, err error) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.st.State = state
	if err != nil {
		r.st.LastError = err.Error()
		r.st.ErrorKind = errorKind(err)
	} else if state == "idle" {
		r.st.LastError, r.st.ErrorKind = "", ""
	}
}

// cycleError is a cycle's error, with its kind and the source's secrets
// redacted from its message.
type cycleError struct {
	kind string
	msg  string
	err  error
}

func (e *cycleError) Error() string { return e.msg }
func (e *cycleError) Unwrap() error { return e.err }

// errorKind classifies err for auditkit_errors_total.
func errorKind(err error) string {
	var ce *cycleError
	if errors.As(err, &ce) && ce.kind != "" {
		return ce.kind
	}
	var api *auditclient.APIError
	var rl *auditclient.RateLimitError
	var de *auditclient.DecodeError
	var re *auditclient.RequestError
	var cfgErr *auditclient.ConfigError
	var oe *auditclient.OptionError
	switch {
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.As(err, &cfgErr), errors.As(err, &oe), errors.Is(err, auditclient.ErrCheckpointMismatch), errors.Is(err, auditclient.ErrCheckpointInvalid):
		return "config"
	case errors.As(err, &rl):
		return "rate_limit"
	case errors.As(err, &api):
		if api.StatusCode == http.StatusUnauthorized || api.StatusCode == http.StatusForbidden {
			return "auth"
		}
		return "api"
	case errors.As(err, &de):
		return "decode"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &re):
		return "network"
	}
	return "walk"
}

// cycle runs one cycle of the source: it reads the walk from the saved
// checkpoint up to now − lag into batches, and delivers and commits each.
func (r *runner) cycle(ctx context.Context) (err error) {
	c, sc := r.c, &r.cfg
	name, vendor := sc.Name, sc.Vendor
	now := c.now()
	r.c.mu.Lock()
	r.st.State = "running"
	r.st.LastRun = now
	r.c.mu.Unlock()
	var secrets []string
	var st State
	loaded := false
	defer func() {
		if err == nil {
			return
		}
		ce := &cycleError{kind: errorKind(err), msg: redact(err.Error(), secrets), err: err}
		err = ce
		c.m.errors.WithLabelValues(name, vendor, ce.kind).Inc()
		c.m.cycles.WithLabelValues(name, vendor, "error").Inc()
		c.m.up.WithLabelValues(name, vendor).Set(0)
		if loaded && ce.kind != "conflict" {
			// Keep the error with the state, for collect --status.
			st.LastRun, st.LastError = c.now(), ce.msg
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
			defer cancel()
			if v, serr := c.store.Save(sctx, name, st); serr == nil {
				st.Version = v
			} else if errors.Is(serr, ErrConflict) {
				err = &cycleError{kind: "conflict", msg: "saving the state: " + serr.Error(), err: serr}
			}
		}
	}()

	cctx, cancel := context.WithTimeout(ctx, time.Duration(sc.Timeout))
	defer cancel()
	// Deliveries and commits outlive a stop (the batch in hand is
	// delivered), within their own bound.
	dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), max(time.Duration(sc.Timeout), flushTimeout))
	defer dcancel()

	st, err = c.store.Load(cctx, name)
	if err != nil {
		return &cycleError{kind: "state", msg: "loading the state: " + err.Error(), err: err}
	}
	loaded = true
	if st.Vendor != "" && st.Vendor != vendor {
		return &cycleError{kind: "config", msg: fmt.Sprintf("the saved state is of a %s source, not %s; give the source another name or remove its state", st.Vendor, vendor)}
	}
	r.c.mu.Lock()
	r.st.Events, r.st.Newest, r.st.LastSuccess = st.Events, st.Newest, st.LastSuccess
	r.c.mu.Unlock()
	if !r.recovered {
		if err := c.out.Recover(dctx, name, st.Output); err != nil {
			return &cycleError{kind: "output", msg: "recovering the output: " + err.Error(), err: err}
		}
		r.recovered = true
	}

	vc, secrets, err := r.vendorConfig(now)
	if err != nil {
		return err
	}
	if len(st.Checkpoint) > 0 {
		var cp auditclient.Checkpoint
		if err := json.Unmarshal(st.Checkpoint, &cp); err != nil {
			return &cycleError{kind: "state", msg: "the saved checkpoint is not one: " + err.Error(), err: err}
		}
		vc.Resume = &cp
	}
	if vc.Resume == nil || vc.Resume.HighWater.IsZero() {
		vc.Since = now.Add(-time.Duration(sc.Start))
	}
	vc.Until = now.Add(-time.Duration(sc.Lag))
	if !vc.Since.IsZero() && !vc.Since.Before(vc.Until) {
		vc.Since = vc.Until.Add(-time.Nanosecond)
	}

	src, err := r.v.Start(cctx, vc)
	if err != nil {
		return &cycleError{kind: "config", msg: err.Error(), err: err}
	}
	defer src.Client.CloseIdleConnections()
	it := src.Events
	defer it.Close()
	statsBefore := src.Client.Stats()
	defer func() {
		s := src.Client.Stats()
		if d := s.Retries - statsBefore.Retries; d > 0 {
			c.m.retries.WithLabelValues(name, vendor).Add(float64(d))
		}
	}()

	firstEvents := st.Events
	size := c.batch
	recs := make([]Record, 0, min(size, 1024))
	pages := int64(0)
	countPages := func() {
		if pr, ok := auditclient.ProgressOf(it); ok && pr.Pages > pages {
			c.m.pages.WithLabelValues(name, vendor).Add(float64(pr.Pages - pages))
			pages = pr.Pages
		}
	}
	flush := func(complete bool) error {
		cp := it.Checkpoint()
		if len(recs) == 0 && !complete {
			return nil
		}
		next := st
		if len(recs) > 0 {
			b := Batch{Source: name, Vendor: vendor, Records: recs, Seq: st.Seq + 1}
			pos, err := c.out.Write(dctx, b)
			if err != nil {
				r.recovered = false
				return &cycleError{kind: "output", msg: fmt.Sprintf("writing batch %d: %v", b.Seq, err), err: err}
			}
			next.Output, next.Seq = pos, b.Seq
			next.Events += int64(len(recs))
			for _, rec := range recs {
				if rec.Time.After(next.Newest) {
					next.Newest = rec.Time
				}
			}
		}
		data, err := json.Marshal(cp)
		if err != nil {
			return fmt.Errorf("encoding the checkpoint: %w", err)
		}
		next.Vendor, next.Checkpoint = vendor, data
		if complete {
			t := c.now()
			next.LastSuccess, next.LastRun, next.LastError = t, t, ""
		}
		v, err := c.store.Save(dctx, name, next)
		if err != nil {
			r.recovered = false
			if errors.Is(err, ErrConflict) {
				return &cycleError{kind: "conflict", msg: "saving the checkpoint: " + err.Error(), err: err}
			}
			return &cycleError{kind: "state", msg: "saving the checkpoint: " + err.Error(), err: err}
		}
		next.Version = v
		delivered := next.Events - st.Events
		st = next
		if delivered > 0 {
			c.m.events.WithLabelValues(name, vendor).Add(float64(delivered))
			c.m.batches.WithLabelValues(name, vendor).Inc()
		}
		if !st.Newest.IsZero() {
			c.m.cursorLag.WithLabelValues(name, vendor).Set(c.now().Sub(st.Newest).Seconds())
		}
		r.c.mu.Lock()
		r.st.Events, r.st.Newest = st.Events, st.Newest
		r.c.mu.Unlock()
		recs = make([]Record, 0, cap(recs))
		return nil
	}

	for it.Next() {
		ev := it.Event()
		rec, err := NewRecord(ev)
		if err != nil {
			// The walk moved past an event that is not delivered: keep
			// the checkpoint before it.
			return &cycleError{kind: "decode", msg: err.Error(), err: err}
		}
		recs = append(recs, rec)
		if len(recs) >= size {
			countPages()
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	countPages()
	walkErr := it.Err()
	// Whatever ended the walk, the batch in hand is delivered with its
	// checkpoint; a complete walk's checkpoint is saved even without events.
	if err := flush(walkErr == nil); err != nil {
		return err
	}
	if walkErr != nil {
		if ctx.Err() != nil && errors.Is(walkErr, ctx.Err()) {
			return nil // stopped: the batch in hand is committed
		}
		return walkErr
	}
	t := c.now()
	c.m.lastSuccess.WithLabelValues(name, vendor).Set(float64(t.UnixMilli()) / 1000)
	c.m.cycles.WithLabelValues(name, vendor, "ok").Inc()
	c.m.up.WithLabelValues(name, vendor).Set(1)
	if !st.Newest.IsZero() {
		c.m.cursorLag.WithLabelValues(name, vendor).Set(t.Sub(st.Newest).Seconds())
	}
	r.c.mu.Lock()
	r.st.LastSuccess = t
	r.c.mu.Unlock()
	if warnings := auditclient.WarningsOf(it); len(warnings) > 0 {
		r.log.Warn("the walk could not cover its whole window", "warnings", redact(errors.Join(warnings...).Error(), secrets))
	}
	r.log.Info("cycle done", "delivered", st.Events-firstEvents, "events_total", st.Events, "pages", pages)
	return nil
}

// vendorConfig builds the cycle's vendors.Config: credentials read now,
// the demo fake started when the source is a demo, and the client options.
// It returns the secrets to redact from errors.
func (r *runner) vendorConfig(now time.Time) (vendors.Config, []string, error) {
	sc := &r.cfg
	vc, err := sc.vendorConfig(r.v, r.conf.getenv(), r.conf.readFile)
	var secrets []string
	for _, s := range r.v.Settings {
		if val := vc.Settings[s.Name]; s.Secret && val != "" {
			secrets = append(secrets, val)
		}
	}
	if err != nil {
		return vc, secrets, &cycleError{kind: "config", msg: err.Error(), err: err}
	}
	var opts []auditclient.Option
	if sc.Demo {
		d, err := r.startDemo()
		if err != nil {
			return vc, secrets, &cycleError{kind: "config", msg: err.Error(), err: err}
		}
		vc.BaseURL = d.BaseURL
		for k, val := range d.Settings {
			if s := r.v.Setting(k); s != nil && !s.Secret {
				if _, given := sc.Settings[k]; given {
					continue
				}
			}
			vc.Settings[k] = val
		}
		secrets = append(secrets, d.Secrets...)
		opts = append(opts,
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	}
	opts = append(opts,
		auditclient.WithUserAgent(userAgent),
		auditclient.WithLogger(r.log),
		auditclient.WithHTTPClient(&http.Client{Transport: &countingTransport{next: r.transport, counter: r.c.m.requests, source: sc.Name, vendor: sc.Vendor}}),
	)
	if sc.RateLimit > 0 {
		opts = append(opts, auditclient.WithRateLimit(rate.Limit(sc.RateLimit), 1))
	}
	if rc := sc.Retry; rc != nil {
		opts = append(opts, auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: rc.MaxAttempts, BaseDelay: time.Duration(rc.BaseDelay), MaxDelay: time.Duration(rc.MaxDelay)}))
	}
	opts = append(opts, r.c.accountOptions(r.v, vc)...)
	vc.Options = opts
	return vc, secrets, nil
}

// accountKey identifies a vendor account: the vendor, the base URL (or
// server setting) and the credentials, hashed, so that sources of one
// account can share its pacing. It holds no credential.
func accountKey(v *vendors.Vendor, vc vendors.Config) string {
	h := sha256.New()
	base := vc.BaseURL
	if base == "" {
		base = v.DefaultBaseURL
	}
	fmt.Fprintf(h, "%s\x00%s\x00", v.Name, base)
	for _, s := range v.Settings {
		if s.Secret || s.BaseURL {
			fmt.Fprintf(h, "%s=%s\x00", s.Name, vc.Settings[s.Name])
		}
	}
	return v.Name + ":" + hex.EncodeToString(h.Sum(nil))[:16]
}

// accountOptions returns the client options shared by every source of the
// account vc reaches: one auditclient.Pacer per account, so that the
// sources of one account (several filters of one Cisco organisation, say)
// spread that account's quota between them instead of each spending it
// as if it were alone.
func (c *collector) accountOptions(v *vendors.Vendor, vc vendors.Config) []auditclient.Option {
	key := accountKey(v, vc)
	c.pacersMu.Lock()
	defer c.pacersMu.Unlock()
	if c.pacers == nil {
		c.pacers = map[string]*auditclient.Pacer{}
	}
	p, ok := c.pacers[key]
	if !ok {
		p = auditclient.NewPacer(auditclient.PacerConfig{})
		c.pacers[key] = p
	}
	return []auditclient.Option{auditclient.WithPacer(p)}
}

// demoInsertEvery is how often a demo fake gets a new event.
var demoInsertEvery = time.Second

// demoNow is the end of a demo's data set: the start of the current hour,
// so that a collector restarted within the hour meets the same data set.
func demoNow() time.Time { return time.Now().UTC().Truncate(time.Hour) }

// startDemo starts the source's demo fake once, with live inserts.
func (r *runner) startDemo() (*audittest.Demo, error) {
	r.demoMu.Lock()
	defer r.demoMu.Unlock()
	if r.demo != nil {
		return r.demo, nil
	}
	dc := audittest.DemoConfig{Now: demoNow()}
	if r.cfg.DemoFaults {
		dc.Faults = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
	}
	d, err := audittest.StartDemo(r.cfg.Vendor, dc)
	if err != nil {
		return nil, err
	}
	r.demo, r.demoStop = d, make(chan struct{})
	stop := r.demoStop
	go func() {
		t := time.NewTicker(demoInsertEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				// In the next second: never at or before a walk's end.
				d.Add(1, now.UTC().Truncate(time.Second).Add(time.Second))
			}
		}
	}()
	r.log.Info("demo fake started", "url", d.BaseURL, "records", d.Records)
	return d, nil
}

func (r *runner) closeDemo() {
	r.demoMu.Lock()
	defer r.demoMu.Unlock()
	if r.demo != nil {
		close(r.demoStop)
		r.demo.Close()
		r.demo = nil
	}
}

// redact replaces every secret in s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}
