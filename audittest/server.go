package audittest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxRecordedBody caps the request body a server reads and records.
const maxRecordedBody = 32 << 20

// errorWriter writes a vendor's error response with the given status. For
// 429 it also writes the vendor's rate-limit headers, announcing a reset
// after retryAfter; the server has already set Retry-After.
type errorWriter func(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration)

// rateHeaderWriter sets a vendor's rate-limit headers on h: the quota limit,
// the remaining requests and the time until the quota resets. A fake whose
// vendor documents no rate-limit headers has none (nil), and announces a
// quota with the common X-RateLimit-*.
type rateHeaderWriter func(h http.Header, limit, remaining int, reset time.Duration)

// serverConfig is what a vendor fake gives the shared server.
type serverConfig struct {
	// basePath prefixes every route, such as "/prefix"; "" for none.
	basePath string
	faults   Faults
	// handler serves the vendor's routes. It sees request paths relative to
	// basePath.
	handler http.Handler
	// writeError writes the vendor's error responses: 404 for paths outside
	// basePath and the injected 429, 500 and 503.
	writeError errorWriter
	// rateHeaders writes the vendor's rate-limit headers on every response
	// while a Quota is enforced; nil if the vendor documents none (the
	// common X-RateLimit-* are sent then).
	rateHeaders rateHeaderWriter
}

// server is the part every fake shares: an httptest.Server under an optional
// base path that records requests, counts them and injects faults before the
// vendor's handler sees a request. All its methods are safe for concurrent
// use.
type server struct {
	ts          *httptest.Server
	basePath    string
	handler     http.Handler
	writeError  errorWriter
	rateHeaders rateHeaderWriter

	mu     sync.Mutex
	picker *faultPicker
	rec    recorder

	closeOnce sync.Once
}

// newServer returns a server that is not started yet: the caller must
// call start, then close.
func newServer(cfg serverConfig) *server {
	s := &server{
		basePath:    cleanBasePath(cfg.basePath),
		handler:     cfg.handler,
		writeError:  cfg.writeError,
		rateHeaders: cfg.rateHeaders,
		picker:      newFaultPicker(cfg.faults),
	}
	s.ts = httptest.NewUnstartedServer(s)
	// Resets and truncations make net/http log about broken connections;
	// a fake must stay quiet (the CLI's --demo mode runs one).
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	return s
}

// start starts serving.
func (s *server) start() { s.ts.Start() }

// base gives a fake the methods every fake has (URL, Close, Requests, Stats
// and SetFaults) by embedding: they are promoted to the fake's own method
// set. A fake's constructor calls listen once.
type base struct {
	srv *server
}

// listen starts the fake's server under basePath, with route serving the
// vendor's paths, writeError writing its error responses and rateHeaders
// its rate-limit headers (nil if it has none).
func (b *base) listen(basePath string, faults Faults, route http.HandlerFunc, writeError errorWriter, rateHeaders rateHeaderWriter) {
	b.srv = newServer(serverConfig{
		basePath:    basePath,
		faults:      faults,
		handler:     route,
		writeError:  writeError,
		rateHeaders: rateHeaders,
	})
	// Started only once b.srv is set: the handlers read it (for the URLs
	// they send), and a request must not race with the assignment.
	b.srv.start()
}

// URL returns the base URL of the fake including its base path and without
// a trailing slash, such as "http://127.0.0.1:40261/prefix": the address to
// point the client under test at. The fake's type lists the routes it
// serves under URL.
func (b *base) URL() string { return b.srv.url() }

// Close shuts the fake down. Later calls do nothing.
func (b *base) Close() { b.srv.close() }

// Requests returns a copy of the requests received so far, in arrival order.
// Their headers, and the bodies of login requests, hold the credentials the
// client sent: do not log them.
func (b *base) Requests() []RecordedRequest { return b.srv.requests() }

// Stats returns the counters of the fake.
func (b *base) Stats() Stats { return b.srv.stats() }

// SetFaults replaces the fault configuration. The script starts over with
// the next request and the random generator is reseeded.
//
// Connections a client kept alive from before stay open: if f can reset
// connections, call the client transport's CloseIdleConnections first, or
// the transport may hide the first reset by resending the request (see
// Faults).
func (b *base) SetFaults(f Faults) { b.srv.setFaults(f) }

// closeAtEnd closes f when tb's test ends, and returns f: the Start<Vendor>
// functions are their New<Vendor> with it.
func closeAtEnd[F interface{ Close() }](tb testing.TB, f F) F {
	tb.Helper()
	tb.Cleanup(f.Close)
	return f
}

// cleanBasePath turns "", "/", "prefix/" and "/prefix" into "" or "/prefix".
func cleanBasePath(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return ""
	}
	return "/" + p
}

// url returns the base URL of the fake, with the base path and no trailing
// slash, such as "http://127.0.0.1:40261/prefix".
func (s *server) url() string { return s.ts.URL + s.basePath }

// close shuts the server down; later calls do nothing.
func (s *server) close() { s.closeOnce.Do(s.ts.Close) }

func (s *server) requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.requests()
}

func (s *server) stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.snapshot()
}

// absURL returns the absolute URL of path (relative to the base path) on the
// host r was sent to, with rawQuery as given.
func (s *server) absURL(r *http.Request, path, rawQuery string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + s.basePath + path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	return u
}

// requestCount returns the number of requests received so far.
func (s *server) requestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.stats.Requests
}

// setFaults replaces the fault configuration; the script starts over and the
// generator is reseeded.
func (s *server) setFaults(f Faults) {
	p := newFaultPicker(f)
	s.mu.Lock()
	s.picker = p
	s.mu.Unlock()
}

// ServeHTTP records the request, applies the quota, decides its fault and
// serves it.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rel, inBase := s.strip(r.URL)
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		query = nil
	}

	s.mu.Lock()
	now := time.Now()
	quota, admitted := s.picker.admit(now)
	fault := FaultNone
	if admitted {
		fault = s.picker.pick(rel.Path)
	}
	closeConn := s.picker.cfg.canReset()
	retryAfter := s.picker.cfg.RetryAfter
	idx := s.rec.add(RecordedRequest{
		Method:       r.Method,
		Path:         r.URL.Path,
		RawQuery:     r.URL.RawQuery,
		Query:        query,
		Header:       r.Header.Clone(),
		Body:         body,
		Fault:        fault,
		QuotaRefused: !admitted,
		Time:         now,
	})
	s.mu.Unlock()

	inner := s.inner(r, rel, inBase)
	if quota.on {
		// Whatever writes the response, the quota's headers replace any
		// rate-limit headers it set.
		set := s.quotaHeaders(quota)
		w = &headerHook{ResponseWriter: w, set: set}
		orig := inner
		inner = func(w http.ResponseWriter) { orig(&headerHook{ResponseWriter: w, set: set}) }
	}
	var status int
	if admitted {
		status = s.serve(w, r, inner, fault, closeConn, retryAfter)
	} else {
		status = s.refuse(w, r, quota, closeConn)
	}

	s.mu.Lock()
	s.rec.done(idx, status)
	s.mu.Unlock()
}

// strip returns u relative to the base path, and whether u lies under it.
func (s *server) strip(u *url.URL) (*url.URL, bool) {
	rel := *u
	if s.basePath == "" {
		return &rel, true
	}
	p, ok := cutBase(u.Path, s.basePath)
	if !ok {
		return &rel, false
	}
	rel.Path = p
	rel.RawPath = ""
	if u.RawPath != "" {
		if rp, ok := cutBase(u.RawPath, s.basePath); ok {
			rel.RawPath = rp
		}
	}
	return &rel, true
}

func cutBase(p, base string) (string, bool) {
	if p == base {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, base); ok && strings.HasPrefix(rest, "/") {
		return rest, true
	}
	return "", false
}

// inner returns the handler that produces the normal response to r: the
// vendor's handler on the path relative to the base path, or the vendor's
// 404 for a path outside it.
func (s *server) inner(r *http.Request, rel *url.URL, inBase bool) func(http.ResponseWriter) {
	if !inBase {
		return func(w http.ResponseWriter) { s.writeError(w, r, http.StatusNotFound, 0) }
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = rel
	return func(w http.ResponseWriter) { s.handler.ServeHTTP(w, r2) }
}

// quotaHeaders returns what sets the headers announcing quota on a
// response: the vendor's rate-limit headers (the common X-RateLimit-* for
// a vendor that documents none), the IETF draft's, or none at all (and no
// Retry-After).
func (s *server) quotaHeaders(quota quotaState) func(http.Header) {
	switch quota.headers {
	case QuotaHeadersIETF:
		return func(h http.Header) {
			clearRateHeaders(h)
			setRateLimitHeaders(h, "RateLimit", quota.limit, quota.remaining, quota.reset)
			h.Set("RateLimit-Policy", strconv.Itoa(quota.limit)+";w="+strconv.FormatInt(ceilSeconds(quota.window), 10))
		}
	case QuotaHeadersNone:
		return func(h http.Header) {
			clearRateHeaders(h)
			h.Del("Retry-After")
		}
	}
	if s.rateHeaders != nil {
		return func(h http.Header) { s.rateHeaders(h, quota.limit, quota.remaining, quota.reset) }
	}
	return func(h http.Header) { setRateLimitHeaders(h, "X-RateLimit", quota.limit, quota.remaining, quota.reset) }
}

// clearRateHeaders deletes every rate-limit header of h, in every spelling
// auditclient reads.
func clearRateHeaders(h http.Header) {
	for k := range h {
		l := strings.ToLower(k)
		if strings.HasPrefix(l, "x-ratelimit") || strings.HasPrefix(l, "x-rate-limit") || strings.HasPrefix(l, "ratelimit") {
			delete(h, k)
		}
	}
}

// refuse answers r with the vendor's 429 because the quota is spent, with
// Retry-After announcing the end of the window, and returns the status.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, quota quotaState, closeConn bool) int {
	if closeConn {
		w.Header().Set("Connection", "close")
	}
	w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(quota.reset), 10))
	s.writeError(w, r, http.StatusTooManyRequests, quota.reset)
	return http.StatusTooManyRequests
}

// serve writes the response to r with fault applied and returns the status
// sent (0 for a reset connection).
func (s *server) serve(w http.ResponseWriter, r *http.Request, inner func(http.ResponseWriter), fault Fault, closeConn bool, retryAfter time.Duration) int {
	if closeConn {
		w.Header().Set("Connection", "close")
	}
	switch fault {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(retryAfter), 10))
		s.writeError(w, r, http.StatusTooManyRequests, retryAfter)
		return http.StatusTooManyRequests
	case FaultUnavailable:
		s.writeError(w, r, http.StatusServiceUnavailable, retryAfter)
		return http.StatusServiceUnavailable
	case FaultServerError:
		s.writeError(w, r, http.StatusInternalServerError, retryAfter)
		return http.StatusInternalServerError
	case FaultReset:
		resetConn(w)
		return 0
	case FaultTruncate:
		rec := httptest.NewRecorder()
		inner(rec)
		full := rec.Body.Bytes()
		declared := len(full)
		if declared == 0 {
			declared = 1 // nothing to cut: promise a byte that never comes
		}
		writeRaw(w, rec.Code, rec.Header(), full[:len(full)/2], declared)
		return rec.Code
	case FaultCutJSON, FaultCutJSONChunked:
		rec := httptest.NewRecorder()
		inner(rec)
		full := rec.Body.Bytes()
		writeCut(w, rec.Code, rec.Header(), full[:len(full)/2], fault == FaultCutJSONChunked)
		return rec.Code
	case FaultMalformed:
		rec := httptest.NewRecorder()
		inner(rec)
		full := rec.Body.Bytes()
		half := len(full) / 2
		// A NUL byte is invalid anywhere in JSON, inside strings too.
		bad := make([]byte, 0, len(full)+1)
		bad = append(bad, full[:half]...)
		bad = append(bad, 0)
		bad = append(bad, full[half:]...)
		h := w.Header()
		for k, vs := range rec.Header() {
			if k == "Content-Length" || k == "Etag" {
				continue
			}
			h[k] = vs
		}
		h.Set("Content-Length", strconv.Itoa(len(bad)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(bad)
		return http.StatusOK
	default:
		sw := &statusWriter{ResponseWriter: w}
		inner(sw)
		return sw.statusCode()
	}
}

// jsonType is the Content-Type of the fakes' JSON responses.
const jsonType = "application/json"

// writeBody writes a whole response: status, a Content-Type and body. Without
// a Content-Length, net/http sends a large body chunked.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeSizedBody is writeBody with a Content-Length header, so that the body
// is never sent chunked.
func writeSizedBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	writeBody(w, status, contentType, body)
}

// setRateLimitHeaders sets the rate-limit headers prefix+"-Limit",
// "-Remaining" and "-Reset" (whole seconds until reset, rounded up), such as
// X-RateLimit-Limit with prefix "X-RateLimit". It returns the seconds sent.
func setRateLimitHeaders(h http.Header, prefix string, limit, remaining int, reset time.Duration) int64 {
	secs := ceilSeconds(reset)
	h.Set(prefix+"-Limit", strconv.Itoa(limit))
	h.Set(prefix+"-Remaining", strconv.Itoa(remaining))
	h.Set(prefix+"-Reset", strconv.FormatInt(secs, 10))
	return secs
}

// secretEqual reports whether a credential a client sent equals the one the
// fake accepts, in time that does not depend on where they differ.
func secretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// randomHex returns n random bytes in hex: session ids and tokens.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// unknownParams returns the names in values that are not in params, sorted:
// the fakes report them in a stable order.
func unknownParams(values url.Values, params []string) []string {
	var unknown []string
	for k := range values {
		if !slices.Contains(params, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// resetConn closes the client's connection with a TCP RST before any byte of
// a response is written.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (never the case for httptest's HTTP/1.1 server):
		// ask net/http to abort the connection instead.
		panic(http.ErrAbortHandler)
	}
	if l, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = l.SetLinger(0) // close sends RST instead of FIN
	}
	_ = conn.Close()
}

// writeRaw takes over the connection, writes a status line, h with a
// Content-Length of declared, and body, then closes the connection.
func writeRaw(w http.ResponseWriter, status int, h http.Header, body []byte, declared int) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // see resetConn
	}
	defer conn.Close()
	h = h.Clone()
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(declared))
	h.Set("Connection", "close")
	if h.Get("Date") == "" {
		h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	bw := bufio.NewWriter(conn)
	_, _ = bw.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	_ = h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body)
	_ = bw.Flush()
}

// writeCut writes a complete HTTP response whose body is only part of
// what h described: status, h (without its Content-Length, ETag and
// Transfer-Encoding, which described the whole body), then body, framed
// either by a Content-Length equal to len(body) or, if chunked, by chunks
// ended with the last, empty chunk. The connection stays as it was: a
// keep-alive client may send its next request on it.
func writeCut(w http.ResponseWriter, status int, h http.Header, body []byte, chunked bool) {
	out := w.Header()
	for k, vs := range h {
		switch k {
		case "Content-Length", "Etag", "Transfer-Encoding":
			continue
		}
		out[k] = vs
	}
	if !chunked {
		out.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	w.WriteHeader(status)
	// Flushing the headers before any body byte makes net/http frame the
	// body in chunks (an HTTP/1.1 request with no Content-Length set);
	// returning from the handler then sends the last chunk.
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	_, _ = w.Write(body)
	_ = rc.Flush()
}

// headerHook calls set on the response headers just before they are sent
// (at the first WriteHeader or Write), so that set has the last word over
// the headers the handler set.
type headerHook struct {
	http.ResponseWriter
	set  func(http.Header)
	done bool
}

func (w *headerHook) apply() {
	if !w.done {
		w.done = true
		w.set(w.Header())
	}
}

func (w *headerHook) WriteHeader(code int) {
	w.apply()
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerHook) Write(p []byte) (int, error) {
	w.apply()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *headerHook) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusWriter remembers the status a handler sends.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK // a handler that writes nothing sends 200
	}
	return w.status
}
