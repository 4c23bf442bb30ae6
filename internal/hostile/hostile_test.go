package hostile

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// The retry policy of every client of the suite: three attempts, short
// backoff, and a MaxDelay far below the 27 hours a hostile Retry-After
// asks for.
const (
	maxAttempts = 3
	maxDelay    = 2 * time.Second
)

// shortTimeout is the header and read timeout of the slow-server cases.
const shortTimeout = 200 * time.Millisecond

// hardStop is the data request from which a scripted server answers 400,
// so that a walk that does not stop still ends (and the case fails on the
// count).
const hardStop = 300

// twoGiB is the size of the streamed body.
const twoGiB int64 = 2 << 30

// outcome is what one walk did.
type outcome struct {
	events     []ocsf.Event
	uids       []string
	err        error
	elapsed    time.Duration
	ctxExpired bool // the test's deadline, not the client, ended the walk
	logs       string
	complete   bool  // the walk's checkpoint says it is complete
	data       int64 // data requests the server received
	auths      int64 // authentication requests it received
	// Memory, when measured: bytes allocated during the walk (an upper
	// bound of the peak), and the peak heap growth sampled every 2ms.
	allocated, peakHeap uint64
}

// hostileCase is one hostile behaviour, run against every vendor.
type hostileCase struct {
	name string
	// serve builds the server's behaviour for v; authToo sends the
	// authentication request through it too.
	serve   func(v *vendor) behaviour
	authToo bool
	// applies is false for a vendor the behaviour does not fit (it then
	// has no row in the table, and the reason is in the case's comment).
	applies func(v *vendor) bool
	// opts are options beyond the suite's.
	opts []auditclient.Option
	// deadline bounds the walk; the case fails if it is reached.
	deadline time.Duration
	// measure samples the memory the walk allocates.
	measure bool
	// parallel runs the vendors of the case at once (the slow servers).
	parallel bool
	// check asserts the outcome.
	check func(t *testing.T, v *vendor, h *server, o *outcome)
}

func TestHostileResponses(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range vendors() {
				if c.applies != nil && !c.applies(v) {
					continue
				}
				t.Run(v.name, func(t *testing.T) {
					if c.parallel {
						t.Parallel()
					}
					h := newServer(t, v, c.serve(v), c.authToo)
					o := walk(t, v, h, c)
					record(t, v.name, c.name, o)
					checkCommon(t, v, c, o)
					c.check(t, v, h, o)
				})
			}
		})
	}
}

func cases() []hostileCase {
	retryAfter := func(value string) hostileCase {
		return hostileCase{
			name:  "429 Retry-After " + strconv.Quote(value),
			serve: status429(value),
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				// Treated as absent: the default backoff, every attempt
				// made, and no wait reported.
				rl := wantErr[*auditclient.RateLimitError](t, o, auditclient.ErrRateLimited)
				if rl != nil && rl.RetryAfter != 0 {
					t.Errorf("RetryAfter = %s, want 0: a Retry-After of %q is garbage and must be ignored", rl.RetryAfter, value)
				}
				wantData(t, o, maxAttempts)
			},
		}
	}
	return []hostileCase{
		{
			name:    "2 GiB streamed body, cap 1 MiB",
			serve:   hugeBody(false),
			opts:    []auditclient.Option{auditclient.WithMaxResponseBytes(1 << 20)},
			measure: true,
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				wantTooLarge(t, o)
				// The decoder buffers at most the cap; everything else is
				// the client's and the server's constant overhead.
				wantMemory(t, o, 32<<20)
			},
		},
		{
			// One vendor: the cap is the core's, the same for all, and
			// 64 MiB through the JSON scanner under -race takes about 15 s.
			name:     "2 GiB streamed body, default cap",
			serve:    hugeBody(false),
			applies:  func(v *vendor) bool { return v.name == "cisco" },
			deadline: 3 * time.Minute, // a loaded 2-core machine took 31 s
			measure:  true,
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				wantTooLarge(t, o)
				wantMemory(t, o, 6*uint64(auditclient.DefaultMaxResponseBytes))
			},
		},
		{
			name:    "2 GiB body with its Content-Length",
			serve:   hugeBody(true),
			measure: true,
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				wantTooLarge(t, o)
				// Refused on the header: nothing of the body is buffered.
				wantMemory(t, o, 16<<20)
			},
		},
		{
			name:  "100,000-deep nested arrays",
			serve: fixed(http.StatusOK, strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)),
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				wantErr[*auditclient.DecodeError](t, o, auditclient.ErrMalformedResponse)
				wantData(t, o, 1)
			},
		},
		{
			name:  "429 Retry-After 100000",
			serve: status429("100000"),
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				// Fail fast, carrying the delay: no 27-hour sleep, no
				// second request.
				rl := wantErr[*auditclient.RateLimitError](t, o, auditclient.ErrRateLimited)
				if rl != nil {
					if rl.RetryAfter != 100000*time.Second {
						t.Errorf("RetryAfter = %s, want %s", rl.RetryAfter, 100000*time.Second)
					}
					if rl.MaxDelay != maxDelay {
						t.Errorf("MaxDelay = %s, want the policy's %s", rl.MaxDelay, maxDelay)
					}
				}
				wantData(t, o, 1)
			},
		},
		retryAfter("-5"),
		retryAfter("soon"),
		retryAfter("1e309"),
		{
			name:  "302 to another origin",
			serve: redirect(http.StatusFound),
			check: checkRedirect(false),
		},
		{
			// 307 keeps the method and the body: Entrust's authentication
			// (its shared secret in the body) is redirected too.
			name:    "307 to another origin, authentication too",
			serve:   redirect(http.StatusTemporaryRedirect),
			authToo: true,
			check:   checkRedirect(true),
		},
		{
			name:     "headers after 30 s",
			serve:    slowHeaders,
			opts:     []auditclient.Option{auditclient.WithTimeouts(shortTimeout, shortTimeout)},
			deadline: 6 * time.Second,
			parallel: true,
			check:    checkTimeout,
		},
		{
			name:     "body one byte a second",
			serve:    slowBody,
			opts:     []auditclient.Option{auditclient.WithTimeouts(shortTimeout, shortTimeout)},
			deadline: 6 * time.Second,
			parallel: true,
			check:    checkTimeout,
		},
		{
			name:  "JSON cut short with complete framing, then good",
			serve: cutThenGood,
			check: func(t *testing.T, v *vendor, h *server, o *outcome) {
				if o.err != nil {
					t.Errorf("Err = %v, want nil: a JSON body cut short is retried", o.err)
				}
				if len(o.events) != records {
					t.Errorf("yielded %d events, want the %d records exactly once", len(o.events), records)
				}
				wantData(t, o, v.goodRequests+1)
			},
		},
	}
}

// walk runs v's Events against h with the case's options and collects
// what happened.
func walk(t *testing.T, v *vendor, h *server, c hostileCase) *outcome {
	t.Helper()
	deadline := c.deadline
	if deadline == 0 {
		deadline = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()

	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := append(options(h), auditclient.WithLogger(logger))
	opts = append(opts, c.opts...)

	var mem *memSampler
	if c.measure {
		mem = startMemSampler()
	}
	start := time.Now()
	o := &outcome{}
	it, err := v.events(ctx, opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	for it.Next() {
		ev := it.Event()
		o.events = append(o.events, ev)
		o.uids = append(o.uids, ev.Metadata.UID)
	}
	o.err = it.Err()
	o.complete = it.Checkpoint().Complete()
	_ = it.Close()
	o.elapsed = time.Since(start)
	o.ctxExpired = ctx.Err() != nil
	if mem != nil {
		o.allocated, o.peakHeap = mem.stop()
	}
	o.logs = logs.String()
	o.data, o.auths = h.data.Load(), h.auths.Load()
	return o
}

// options are the suite's client options for h.
func options(h *server) []auditclient.Option {
	return []auditclient.Option{
		auditclient.WithBaseURL(h.URL()),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: maxAttempts, BaseDelay: 10 * time.Millisecond, MaxDelay: maxDelay}),
	}
}

// checkCommon asserts what every case must hold: the walk ended by itself
// before the deadline, every event it yielded is a real one (no zero
// time, no uid, no class) and yielded once, and no credential appears in
// the error, in any of its formats, or in the debug log.
func checkCommon(t *testing.T, v *vendor, c hostileCase, o *outcome) {
	t.Helper()
	if o.ctxExpired {
		t.Errorf("the walk was still running after %s: it ended only by the test's deadline (err %v)", o.elapsed.Round(time.Millisecond), o.err)
	}
	seen := map[string]int{}
	var repeated []string
	for i, ev := range o.events {
		if ev.Time.IsZero() || ev.Metadata.UID == "" || ev.Class == 0 {
			t.Errorf("event %d is built from zero values: time %v, uid %q, class %d", i, ev.Time, ev.Metadata.UID, ev.Class)
		}
		if seen[ev.Metadata.UID]++; seen[ev.Metadata.UID] == 2 {
			repeated = append(repeated, ev.Metadata.UID)
		}
	}
	if len(repeated) > 0 {
		t.Errorf("%d events yielded, of %d distinct uids: repeated %q", len(o.events), len(seen), repeated)
	}
	secrets := append([]string(nil), v.secrets...)
	if v.name == "cisco" { // HTTP Basic puts them on the wire encoded
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(ciscoClientID+":"+ciscoAPIKey)))
	}
	if o.err != nil {
		for _, s := range secrets {
			for _, f := range []string{o.err.Error(), fmt.Sprintf("%v", o.err), fmt.Sprintf("%+v", o.err), fmt.Sprintf("%#v", o.err)} {
				if strings.Contains(f, s) {
					t.Errorf("the error shows the credential %q: %s", s, f)
					break
				}
			}
		}
	}
	if !strings.Contains(o.logs, "level=DEBUG") {
		t.Errorf("no debug record was logged: the log check below would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(o.logs, s) {
			t.Errorf("the debug log shows the credential %q:\n%s", s, clip(o.logs, 4000))
		}
	}
	t.Logf("%s: %s in %s, %d data requests; Err: %v", v.name, describe(o), o.elapsed.Round(time.Millisecond), o.data, o.err)
}

// wantErr asserts the walk yielded no event and ended with an error of
// type E that matches every one of sentinels; it returns the E, nil when
// the error is not one.
func wantErr[E error](t *testing.T, o *outcome, sentinels ...error) E {
	t.Helper()
	var e E
	if !errors.As(o.err, &e) {
		t.Errorf("Err = %v (%T) after %d events, want a %T", o.err, o.err, len(o.events), e)
	}
	for _, s := range sentinels {
		if !errors.Is(o.err, s) {
			t.Errorf("Err = %v does not match %v", o.err, s)
		}
	}
	if len(o.events) != 0 {
		t.Errorf("yielded %d events", len(o.events))
	}
	return e
}

// wantTooLarge asserts the size cap stopped the body: a *DecodeError
// wrapping ErrResponseTooLarge, not retried.
func wantTooLarge(t *testing.T, o *outcome) {
	t.Helper()
	wantErr[*auditclient.DecodeError](t, o, auditclient.ErrMalformedResponse, auditclient.ErrResponseTooLarge)
	wantData(t, o, 1)
}

// wantMemory asserts the walk allocated at most limit bytes in all.
func wantMemory(t *testing.T, o *outcome, limit uint64) {
	t.Helper()
	t.Logf("allocated %d MiB, peak heap growth %d MiB (limit %d MiB)", o.allocated>>20, o.peakHeap>>20, limit>>20)
	if o.allocated > limit {
		t.Errorf("the walk allocated %d MiB, want at most %d MiB", o.allocated>>20, limit>>20)
	}
}

// wantData asserts the number of data requests the server received.
func wantData(t *testing.T, o *outcome, n int64) {
	t.Helper()
	if o.data != n {
		t.Errorf("the server received %d data requests, want %d", o.data, n)
	}
}

// checkRedirect asserts a redirect to another origin is refused, not
// retried, and the other origin received nothing. authToo: the
// authentication request (Entrust's) was redirected too, so it is the only
// request.
func checkRedirect(authToo bool) func(t *testing.T, v *vendor, h *server, o *outcome) {
	return func(t *testing.T, v *vendor, h *server, o *outcome) {
		t.Helper()
		wantAuths, wantData := int64(0), int64(1)
		if v.isAuth != nil {
			wantAuths = 1
			if authToo {
				wantData = 0
			}
		}
		if o.data != wantData || o.auths != wantAuths {
			t.Errorf("the server received %d data and %d authentication requests, want %d and %d (a refused redirect is not retried)", o.data, o.auths, wantData, wantAuths)
		}
		refused(t, h, o)
	}
}

func refused(t *testing.T, h *server, o *outcome) {
	t.Helper()
	if got := h.otherRequests(); len(got) != 0 {
		t.Errorf("the other origin received %d requests, want none:\n%s", len(got), strings.Join(got, "\n"))
	}
	wantErr[*auditclient.RequestError](t, o, auditclient.ErrForeignHost)
}

// checkTimeout asserts a stalling server is retried within the budget,
// then reported as a timeout.
func checkTimeout(t *testing.T, v *vendor, h *server, o *outcome) {
	t.Helper()
	if re := wantErr[*auditclient.RequestError](t, o); re != nil && !re.Timeout() {
		t.Errorf("Err = %v: RequestError.Timeout() = false, want true", o.err)
	}
	wantData(t, o, maxAttempts)
}

// Behaviours.

// fixed answers every data request with status and body.
func fixed(status int, body string) func(*vendor) behaviour {
	return func(*vendor) behaviour {
		return func(w http.ResponseWriter, _ *http.Request, _ int, _ *server) {
			writeJSON(w, status, []byte(body))
		}
	}
}

// hugeBody streams 2 GiB, made on the fly: the vendor's envelope up to
// its records array, then records without end. declared sends its
// Content-Length; otherwise it is chunked.
func hugeBody(declared bool) func(*vendor) behaviour {
	unit := []byte(`{"id":"x","padding":"` + strings.Repeat("a", 1000) + `"},`)
	chunk := bytes.Repeat(unit, 64) // about 64 KiB
	return func(v *vendor) behaviour {
		return func(w http.ResponseWriter, r *http.Request, _ int, h *server) {
			w.Header().Set("Content-Type", "application/json")
			if declared {
				w.Header().Set("Content-Length", strconv.FormatInt(twoGiB, 10))
			}
			w.WriteHeader(http.StatusOK)
			sent, err := w.Write([]byte(v.prefix))
			for n := int64(sent); err == nil && n+int64(len(chunk)) <= twoGiB; n += int64(len(chunk)) {
				select {
				case <-h.stop:
					return
				default:
				}
				_, err = w.Write(chunk)
			}
		}
	}
}

// status429 answers 429 with the Retry-After value, its body echoing the
// request's credentials.
func status429(value string) func(*vendor) behaviour {
	return func(*vendor) behaviour {
		return func(w http.ResponseWriter, r *http.Request, _ int, _ *server) {
			w.Header().Set("Retry-After", value)
			writeJSON(w, http.StatusTooManyRequests, echoCredentials(r, "Too many requests"))
		}
	}
}

// redirect answers with a redirect to the other origin, a credential in
// the link's query.
func redirect(status int) func(*vendor) behaviour {
	return func(v *vendor) behaviour {
		return func(w http.ResponseWriter, r *http.Request, _ int, h *server) {
			w.Header().Set("Location", h.other.URL+r.URL.Path+"?token="+v.secrets[0])
			w.WriteHeader(status)
		}
	}
}

// slowHeaders sends nothing for 30 seconds, then the good body.
func slowHeaders(v *vendor) behaviour {
	return func(w http.ResponseWriter, r *http.Request, _ int, h *server) {
		if h.wait(r, 30*time.Second) {
			writeJSON(w, http.StatusOK, v.good(r))
		}
	}
}

// slowBody sends the headers at once, then the good body one byte a
// second.
func slowBody(v *vendor) behaviour {
	return func(w http.ResponseWriter, r *http.Request, _ int, h *server) {
		body := v.good(r)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		for i := range body {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
			if !h.wait(r, time.Second) {
				return
			}
		}
	}
}

// cutThenGood answers the first data request with the first half of the
// good body, its Content-Length that half's (complete framing, JSON cut
// short), and every later one with the good body.
func cutThenGood(v *vendor) behaviour {
	return func(w http.ResponseWriter, r *http.Request, n int, _ *server) {
		body := v.good(r)
		if n == 1 {
			body = body[:len(body)/2]
		}
		writeJSON(w, http.StatusOK, body)
	}
}

// Helpers.

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// memSampler measures the memory a walk allocates: TotalAlloc's growth
// (every byte allocated, an upper bound of the peak) and the peak growth
// of HeapAlloc, sampled every 2ms.
type memSampler struct {
	before runtime.MemStats
	done   chan struct{}
	peak   chan uint64
}

func startMemSampler() *memSampler {
	runtime.GC()
	m := &memSampler{done: make(chan struct{}), peak: make(chan uint64, 1)}
	runtime.ReadMemStats(&m.before)
	go func() {
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			if s.HeapAlloc > m.before.HeapAlloc && s.HeapAlloc-m.before.HeapAlloc > peak {
				peak = s.HeapAlloc - m.before.HeapAlloc
			}
			select {
			case <-m.done:
				m.peak <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

func (m *memSampler) stop() (allocated, peak uint64) {
	close(m.done)
	peak = <-m.peak
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - m.before.TotalAlloc, peak
}

// describe names an outcome: the error's type and sentinels, or the
// number of events.
func describe(o *outcome) string {
	if o.err == nil {
		return fmt.Sprintf("ok, %d events", len(o.events))
	}
	var (
		de *auditclient.DecodeError
		rl *auditclient.RateLimitError
		re *auditclient.RequestError
		ae *auditclient.APIError
	)
	var s string
	switch {
	case errors.As(o.err, &rl):
		s = "RateLimitError"
		if rl.RetryAfter > 0 {
			s += "(RetryAfter " + rl.RetryAfter.String() + ")"
		}
	case errors.As(o.err, &de):
		s = "DecodeError"
		if de.Path != "" {
			s += "(" + de.Path + ")"
		}
	case errors.As(o.err, &re):
		s = "RequestError"
		if re.Timeout() {
			s += "(timeout)"
		}
	case errors.As(o.err, &ae):
		s = "APIError(" + strconv.Itoa(ae.StatusCode) + ")"
	default:
		s = fmt.Sprintf("%T", o.err)
	}
	for _, sent := range []struct {
		err  error
		name string
	}{
		{auditclient.ErrResponseTooLarge, "ErrResponseTooLarge"},
		{auditclient.ErrForeignHost, "ErrForeignHost"},
		{pagination.ErrRepeatedToken, "ErrRepeatedToken"},
		{context.DeadlineExceeded, "DeadlineExceeded"},
	} {
		if errors.Is(o.err, sent.err) {
			s += " " + sent.name
		}
	}
	if len(o.events) > 0 {
		s += fmt.Sprintf(" after %d events", len(o.events))
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// The table of outcomes, printed by TestMain under -v.

var (
	tableMu sync.Mutex
	table   = map[[2]string]string{} // {case, vendor} → outcome
)

func record(t *testing.T, vendor, name string, o *outcome) {
	t.Helper()
	cell := describe(o) + ", " + o.elapsed.Round(time.Millisecond).String()
	if o.allocated > 0 {
		cell += fmt.Sprintf(", %d MiB allocated", o.allocated>>20)
	}
	t.Cleanup(func() {
		if t.Failed() {
			cell = "FAIL: " + cell
		}
		tableMu.Lock()
		table[[2]string{name, vendor}] = cell
		tableMu.Unlock()
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testing.Verbose() {
		printTable()
	}
	os.Exit(code)
}

func printTable() {
	tableMu.Lock()
	defer tableMu.Unlock()
	if len(table) == 0 {
		return
	}
	var order []string
	seen := map[string]bool{}
	for _, c := range cases() {
		if !seen[c.name] {
			seen[c.name] = true
			order = append(order, c.name)
		}
	}
	var names []string
	for _, v := range vendors() {
		names = append(names, v.name)
	}
	fmt.Println("\n| case | " + strings.Join(names, " | ") + " |")
	fmt.Println("|---|" + strings.Repeat("---|", len(names)))
	for _, c := range order {
		row := "| " + c + " |"
		any := false
		for _, v := range names {
			cell, ok := table[[2]string{c, v}]
			if !ok {
				cell = "n/a"
			} else {
				any = true
			}
			row += " " + cell + " |"
		}
		if any {
			fmt.Println(row)
		}
	}
}
