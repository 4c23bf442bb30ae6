package auditclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func htResp(status int, h map[string]string) *http.Response {
	r := &http.Response{StatusCode: status, Header: http.Header{}}
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return r
}

func TestDelay(t *testing.T) {
	now := time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)
	var jittered []time.Duration
	p := RetryPolicy{
		BaseDelay: 100 * time.Millisecond,
		MaxDelay:  time.Second,
		Now:       func() time.Time { return now },
		Jitter: func(d time.Duration) time.Duration {
			jittered = append(jittered, d)
			return d
		},
	}
	tests := []struct {
		name    string
		attempt int
		resp    *http.Response
		want    time.Duration
		advised bool
	}{
		{"no response, first retry", 0, nil, 100 * time.Millisecond, false},
		{"exponential 1", 1, nil, 200 * time.Millisecond, false},
		{"exponential 2", 2, htResp(503, nil), 400 * time.Millisecond, false},
		{"exponential 3", 3, nil, 800 * time.Millisecond, false},
		{"capped", 4, nil, time.Second, false},
		{"capped far out", 1000, nil, time.Second, false},
		{"negative attempt", -3, nil, 100 * time.Millisecond, false},
		{"Retry-After seconds", 0, htResp(429, map[string]string{"Retry-After": "7"}), 7 * time.Second, true},
		{"Retry-After over cap returned as is", 0, htResp(429, map[string]string{"Retry-After": "120"}), 120 * time.Second, true},
		{"Retry-After zero", 3, htResp(503, map[string]string{"Retry-After": "0"}), 0, true},
		{"Retry-After HTTP date", 0, htResp(503, map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}), 90 * time.Second, true},
		{"Retry-After past date", 0, htResp(503, map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}), 0, true},
		{"Retry-After garbage", 1, htResp(503, map[string]string{"Retry-After": "soon"}), 200 * time.Millisecond, false},
		{"Retry-After negative", 1, htResp(503, map[string]string{"Retry-After": "-5"}), 200 * time.Millisecond, false},
		{"X-Rate-Limit-Reset on 429", 0, htResp(429, map[string]string{"X-Rate-Limit-Reset": "30"}), 30 * time.Second, true},
		{"X-RateLimit-Reset on 429", 0, htResp(429, map[string]string{"X-RateLimit-Reset": "12"}), 12 * time.Second, true},
		{"reset with Remaining 0 on 503", 0, htResp(503, map[string]string{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "5"}), 5 * time.Second, true},
		{"reset ignored with quota left on 503", 0, htResp(503, map[string]string{"X-Rate-Limit-Remaining": "10", "X-Rate-Limit-Reset": "5"}), 100 * time.Millisecond, false},
		{"Retry-After wins over reset", 0, htResp(429, map[string]string{"Retry-After": "2", "X-Rate-Limit-Reset": "30"}), 2 * time.Second, true},
		{"fractional reset", 0, htResp(429, map[string]string{"X-RateLimit-Reset": "1.5"}), 1500 * time.Millisecond, true},
		{"epoch reset", 0, htResp(429, map[string]string{"X-RateLimit-Reset": strconv.FormatInt(now.Add(45*time.Second).Unix(), 10)}), 45 * time.Second, true},
		{"garbage reset", 0, htResp(429, map[string]string{"X-RateLimit-Reset": "later"}), 100 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, advised := p.Delay(tt.attempt, tt.resp)
			if got != tt.want || advised != tt.advised {
				t.Errorf("Delay(%d) = %v, %v; want %v, %v", tt.attempt, got, advised, tt.want, tt.advised)
			}
		})
	}
	// server-advised waits are not jittered; backoff waits are, after the cap
	for _, d := range jittered {
		if d > time.Second {
			t.Errorf("jitter saw %v, over the cap", d)
		}
	}
}

func TestDelayJitterInjected(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, Jitter: func(d time.Duration) time.Duration { return d / 2 }}
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second} {
		if got, _ := p.Delay(attempt, nil); got != want {
			t.Errorf("attempt %d: got %v, want %v", attempt, got, want)
		}
	}
	// a Jitter out of bounds is clamped to [0, MaxDelay]
	p.Jitter = func(d time.Duration) time.Duration { return 10 * time.Hour }
	if got, _ := p.Delay(0, nil); got != time.Minute {
		t.Errorf("over-long jitter: got %v", got)
	}
	p.Jitter = func(d time.Duration) time.Duration { return -time.Second }
	if got, _ := p.Delay(0, nil); got != 0 {
		t.Errorf("negative jitter: got %v", got)
	}
}

func TestDelayDefaultJitterBounds(t *testing.T) {
	p := RetryPolicy{BaseDelay: 800 * time.Millisecond, MaxDelay: time.Minute}
	d := 1600 * time.Millisecond // attempt 1
	seen := map[time.Duration]bool{}
	for i := 0; i < 1000; i++ {
		got, advised := p.Delay(1, nil)
		if advised || got < d/2 || got > d {
			t.Fatalf("sample %d: %v (advised %v) outside [%v, %v]", i, got, advised, d/2, d)
		}
		seen[got] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct waits in 1000 samples: not random", len(seen))
	}
	for _, d := range []time.Duration{0, 1, 2, 3} {
		if got := defaultJitter(d); got < d/2 || got > d {
			t.Errorf("defaultJitter(%d) = %d", d, got)
		}
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	p := DefaultRetryPolicy()
	if p.MaxAttempts != 6 || p.BaseDelay != 500*time.Millisecond || p.MaxDelay != 60*time.Second || p.Jitter == nil || p.Now == nil || p.Budget != nil {
		t.Errorf("DefaultRetryPolicy() = %+v", p)
	}
	// the zero policy behaves as the default
	var zero RetryPolicy
	if got, _ := zero.Delay(20, nil); got < 30*time.Second || got > 60*time.Second {
		t.Errorf("zero policy, attempt 20: %v", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		h    map[string]string
		want time.Duration
		ok   bool
	}{
		{nil, 0, false},
		{map[string]string{"Retry-After": "120"}, 2 * time.Minute, true},
		{map[string]string{"Retry-After": " 3 "}, 3 * time.Second, true},
		{map[string]string{"Retry-After": now.Add(time.Minute).Format(http.TimeFormat)}, time.Minute, true},
		{map[string]string{"Retry-After": "Wed, 19 Jun 2024 09:00:00 GMT"}, 0, true},
		{map[string]string{"Retry-After": "Sunday"}, 0, false},
		{map[string]string{"Retry-After": "99999999999999999999"}, 1<<63 - 1, true}, // overflows int64: longer than any wait
		{map[string]string{"Retry-After": "-5"}, 0, false},
		{map[string]string{"Retry-After": "-99999999999999999999"}, 0, false},
		{map[string]string{"Retry-After": "1e309"}, 0, false},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{"Retry-After": "9999999999999"}, 1<<63 - 1, true}, // saturates
		{map[string]string{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1200"}, 20 * time.Minute, true},
		{map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"}, time.Minute, true},
		{map[string]string{"X-Rate-Limit-Remaining": "3", "X-Rate-Limit-Reset": "1200"}, 0, false},
		{map[string]string{"X-Rate-Limit-Reset": "1200"}, 0, false}, // no status here: only with Remaining 0
		{map[string]string{"Retry-After": "junk", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "4"}, 4 * time.Second, true},
	}
	for i, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		got, ok := RetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%d %v: got %v, %v; want %v, %v", i, tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsRetryable(t *testing.T) {
	statuses := map[int]bool{200: false, 204: false, 301: false, 400: false, 401: false, 403: false, 404: false,
		408: false, 429: true, 500: false, 501: false, 502: true, 503: true, 504: true}
	for code, want := range statuses {
		if got := IsRetryable(htResp(code, nil), nil); got != want {
			t.Errorf("status %d: got %v", code, got)
		}
	}
	if IsRetryable(nil, nil) {
		t.Error("nil, nil: retryable")
	}
	opErr := func(err error) error { return &net.OpError{Op: "read", Net: "tcp", Err: &osSyscallError{err}} }
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "https://h/x", Err: err} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"EOF", urlErr(io.EOF), true},
		{"connection reset", urlErr(opErr(syscall.ECONNRESET)), true},
		{"connection refused", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &osSyscallError{syscall.ECONNREFUSED}}), true},
		{"broken pipe", urlErr(opErr(syscall.EPIPE)), true},
		{"body cut short", &bodyReadError{io.ErrUnexpectedEOF}, true},
		{"dns temporary", urlErr(&net.DNSError{Err: "try again", IsTemporary: true}), true},
		{"dns not found", urlErr(&net.DNSError{Err: "no such host", IsNotFound: true}), false},
		{"client timeout", urlErr(fmt.Errorf("%w (Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded)), true},
		{"context canceled", urlErr(context.Canceled), false},
		{"context deadline", urlErr(context.DeadlineExceeded), false},
		{"unknown authority", urlErr(x509.UnknownAuthorityError{}), false},
		{"hostname", urlErr(x509.HostnameError{Host: "h"}), false},
		{"tls record header", urlErr(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false},
		{"bad scheme", urlErr(errors.New(`unsupported protocol scheme "ftp"`)), false},
		{"invalid header", urlErr(errors.New(`net/http: invalid header field value for "X"`)), false},
		{"redirects", urlErr(errors.New("stopped after 10 redirects")), false},
		{"foreign host", urlErr(&wrapped{msg: "x", errs: []error{ErrForeignHost}}), false},
		{"decode error", &DecodeError{Err: errors.New("bad")}, false},
		{"rate limit error", &RateLimitError{RetryAfter: time.Hour}, false},
		{"api error 503", &APIError{StatusCode: 503}, true},
		{"api error 404", &APIError{StatusCode: 404}, false},
		{"settled outcome", &finalError{&APIError{StatusCode: 503}}, false},
		{"too large", fmt.Errorf("x: %w", ErrResponseTooLarge), false},
		{"plain error", errors.New("something"), false},
	}
	for _, tt := range tests {
		if got := IsRetryable(htResp(200, nil), tt.err); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// osSyscallError mimics *os.SyscallError, which wraps an errno.
type osSyscallError struct{ err error }

func (e *osSyscallError) Error() string { return "syscall: " + e.err.Error() }
func (e *osSyscallError) Unwrap() error { return e.err }

func TestRetryBudget(t *testing.T) {
	b := NewRetryBudget(10, 5, 8)
	if c, ok := b.acquire(false); !ok || c != 5 || b.Available() != 5 {
		t.Fatalf("first retry: %d %v, %d left", c, ok, b.Available())
	}
	if _, ok := b.acquire(true); ok {
		t.Fatal("timeout retry costing 8 taken from 5")
	}
	if c, ok := b.acquire(false); !ok || c != 5 || b.Available() != 0 {
		t.Fatalf("second retry: %d %v, %d left", c, ok, b.Available())
	}
	if _, ok := b.acquire(false); ok {
		t.Fatal("retry taken from an empty budget")
	}
	b.release(3)
	if b.Available() != 3 {
		t.Errorf("after release(3): %d", b.Available())
	}
	b.release(100)
	if b.Available() != 10 {
		t.Errorf("release over capacity: %d", b.Available())
	}
	if z := NewRetryBudget(-1, -1, -1); z.Available() != 0 {
		t.Errorf("negative capacity: %d", z.Available())
	}
	var nilBudget *RetryBudget
	if _, ok := nilBudget.acquire(false); !ok || nilBudget.Available() != 0 {
		t.Error("nil budget must not block retries")
	}
}

// A response cut inside its status line or headers (toxiproxy's limit_data
// hits it) is transient: net/http reports it as a broken transport
// connection, not as io.ErrUnexpectedEOF.
func TestResponseCutInItsHeadersIsRetried(t *testing.T) {
	for _, full := range []string{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"} {
		for _, cut := range []int{10, 20, 40} {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					buf := make([]byte, 4096)
					c.Read(buf)
					c.Write([]byte(full[:cut]))
					c.Close()
				}
			}()
			_, err = http.Get("http://" + ln.Addr().String() + "/")
			ln.Close()
			if err == nil {
				t.Fatalf("cut at %d: no error", cut)
			}
			if !IsRetryable(nil, err) || !isTimeoutOrReset(err) {
				t.Errorf("cut at %d: %v is not retried like a reset", cut, err)
			}
		}
	}
}
