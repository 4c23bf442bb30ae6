package collector

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// SourceStatus is one line of the collector's status: what a source is
// doing and how far it got.
type SourceStatus struct {
	// Name and Vendor are the source's.
	Name, Vendor string
	// State is "starting", "running", "idle" (waiting for its next cycle),
	// "backoff" (waiting after a failure), "stopped", or, from the store
	// alone, "ok", "failing" or "never run".
	State string
	// LastRun is when the last cycle started (running collector) or ended
	// (store).
	LastRun time.Time
	// LastSuccess is when a cycle last ended without error.
	LastSuccess time.Time
	// NextRun is when the next cycle starts; zero when unknown.
	NextRun time.Time
	// Events counts the events delivered, across runs.
	Events int64
	// Newest is the time of the newest event delivered.
	Newest time.Time
	// LastError is the error of the last cycle, "" if it succeeded.
	LastError string
	// ErrorKind is LastError's kind, as in auditkit_errors_total.
	ErrorKind string
}

// Status reads the state of every source of cfg from its store, without
// sending a request: what "auditkit collect --status" prints.
func Status(ctx context.Context, cfg *Config) ([]SourceStatus, error) {
	store := cfg.Store
	if store == nil {
		if cfg.State == "" {
			return nil, cfg.errorf(0, "no state: the config needs state: DIRECTORY")
		}
		s, err := openDirStore(cfg.statePath())
		if err != nil {
			return nil, fmt.Errorf("state %s: %w", cfg.statePath(), err)
		}
		store = s
	}
	var out []SourceStatus
	for _, sc := range cfg.Sources {
		if !cfg.Shard.Owns(sc.Name) {
			continue
		}
		st, err := store.Load(ctx, sc.Name)
		if err != nil {
			return nil, fmt.Errorf("source %s: loading its state: %w", sc.Name, err)
		}
		s := SourceStatus{Name: sc.Name, Vendor: sc.Vendor, LastRun: st.LastRun, LastSuccess: st.LastSuccess,
			Events: st.Events, Newest: st.Newest, LastError: st.LastError}
		switch {
		case st.Version == 0:
			s.State = "never run"
		case st.LastError != "":
			s.State = "failing"
		default:
			s.State = "ok"
		}
		out = append(out, s)
	}
	return out, nil
}

// WriteStatus writes statuses as one screen of text: a line per source
// with its state, last run, events, cursor lag and last error.
func WriteStatus(w io.Writer, statuses []SourceStatus, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tVENDOR\tSTATE\tLAST RUN\tLAST SUCCESS\tEVENTS\tLAG\tNEXT RUN\tLAST ERROR")
	for _, s := range statuses {
		lag := "-"
		if !s.Newest.IsZero() {
			lag = now.Sub(s.Newest).Round(time.Second).String()
		}
		errMsg := "-"
		if s.LastError != "" {
			errMsg = oneLine(s.LastError, 120)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", s.Name, s.Vendor, s.State,
			ago(now, s.LastRun), ago(now, s.LastSuccess), s.Events, lag, until(now, s.NextRun), errMsg)
	}
	return tw.Flush()
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}

func until(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	if !t.After(now) {
		return "now"
	}
	return "in " + t.Sub(now).Round(time.Second).String()
}

// oneLine folds s onto one line of at most n bytes, keeping its end: an
// error's cause ("401 Unauthorized: ...") comes last, after the request.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		cut := len(s) - (n - 1)
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		s = "…" + s[cut:]
	}
	return s
}

// statuses returns the running sources' statuses, in config order.
func (c *collector) statuses() []SourceStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []SourceStatus
	for _, name := range c.order {
		if s := c.status[name]; s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// serve serves /metrics, /healthz, /readyz and /status on addr.
func (c *collector) serve(addr string, gather prometheus.Gatherer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	if gather != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(gather, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !c.ready.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if _, err := c.store.Load(ctx, c.probeName()); err != nil {
			http.Error(w, "state store unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		WriteStatus(w, c.statuses(), c.now())
	})
	c.ln = ln
	c.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go c.srv.Serve(ln)
	c.log.Info("serving /metrics, /healthz, /readyz and /status", "addr", ln.Addr().String())
	return nil
}

// probeName is a source whose state /readyz loads to see that the store
// answers.
func (c *collector) probeName() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.order) > 0 {
		return c.order[0]
	}
	return "readyz"
}
