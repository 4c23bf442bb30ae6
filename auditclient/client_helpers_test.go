package auditclient

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// htPrefix is the base path every test server sits under, so that path
// joining bugs show (go-github's setup does the same).
const htPrefix = "/api/prefix"

// htStep is one scripted response.
type htStep struct {
	status int
	header map[string]string
	body   string
	// do, when set, replaces the response (hijacking, redirects, ...).
	do func(w http.ResponseWriter, r *http.Request)
}

// htSeen is what the server saw of a request.
type htSeen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// htServer answers with its steps in order, repeating the last one, and
// records every request.
type htServer struct {
	*httptest.Server
	mu    sync.Mutex
	steps []htStep
	seen  []htSeen
	// onRequest, when set, is called after a request is recorded.
	onRequest func(n int)
}

func htScript(t testing.TB, steps ...htStep) *htServer {
	t.Helper()
	s := &htServer{steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *htServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.seen)
	s.seen = append(s.seen, htSeen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
	step := htStep{status: 200, body: `{}`}
	if len(s.steps) > 0 {
		step = s.steps[min(n, len(s.steps)-1)]
	}
	on := s.onRequest
	s.mu.Unlock()
	if on != nil {
		on(n + 1)
	}
	if step.do != nil {
		step.do(w, r)
		return
	}
	for k, v := range step.header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(step.status)
	io.WriteString(w, step.body)
}

func (s *htServer) requests() []htSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]htSeen(nil), s.seen...)
}

func (s *htServer) count() int { return len(s.requests()) }

// htConfig is a test Config against srv: no client-side rate limit, tiny
// backoff without jitter.
func htConfig(srv *htServer) Config {
	return Config{
		Vendor:    "cisco",
		BaseURL:   srv.URL + htPrefix,
		RateLimit: rate.Inf,
		Retry: RetryPolicy{
			BaseDelay: time.Millisecond,
			MaxDelay:  time.Minute,
			Jitter:    func(d time.Duration) time.Duration { return d },
		},
	}
}

func htNew(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// htHijack returns a step that takes over the connection and runs fn on it.
func htHijack(fn func(conn net.Conn, buf io.Writer)) htStep {
	return htStep{do: func(w http.ResponseWriter, r *http.Request) {
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		fn(conn, bw)
		bw.Flush()
		conn.Close()
	}}
}

// htCutShort sends a 200 with a Content-Length larger than the body sent.
func htCutShort(partial string) htStep {
	return htHijack(func(conn net.Conn, w io.Writer) {
		fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(partial)+100, partial)
	})
}

// htReset resets the connection (RST) without answering.
func htReset() htStep {
	return htStep{do: func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	}}
}

// htLogs is a slog handler that keeps every record as a line of text.
type htLogs struct {
	mu     *sync.Mutex
	recs   *[]htRecord
	attrs  []slog.Attr
	onWarn func(htRecord)
}

type htRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]string
	Line  string
}

func newHTLogs() *htLogs { return &htLogs{mu: new(sync.Mutex), recs: new([]htRecord)} }

func (h *htLogs) Enabled(context.Context, slog.Level) bool { return true }

func (h *htLogs) Handle(_ context.Context, r slog.Record) error {
	rec := htRecord{Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	add := func(a slog.Attr) bool {
		v := a.Value.Resolve()
		rec.Attrs[a.Key] = v.String()
		fmt.Fprintf(&b, " %s=%v", a.Key, v.Any())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	rec.Line = b.String()
	h.mu.Lock()
	*h.recs = append(*h.recs, rec)
	on := h.onWarn
	h.mu.Unlock()
	if on != nil && r.Level == slog.LevelWarn {
		on(rec)
	}
	return nil
}

func (h *htLogs) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *htLogs) WithGroup(string) slog.Handler { return h }

func (h *htLogs) records() []htRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]htRecord(nil), *h.recs...)
}

// waits returns the "wait" attribute of every retry record.
func (h *htLogs) waits() []string {
	var out []string
	for _, r := range h.records() {
		if r.Level == slog.LevelWarn {
			out = append(out, r.Attrs["wait"])
		}
	}
	return out
}
