package auditclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"
)

// shapeChecked is a page whose decoder reports a wrong shape with a
// *PathError, as vendor decoders do.
type shapeChecked struct{}

func (*shapeChecked) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if p := m["pages"]; len(p) == 0 || p[0] != '[' {
		return &PathError{Path: "$.pages", Err: errors.New("want an array, got " + string(p))}
	}
	return nil
}

type htPage struct {
	Items []int  `json:"items"`
	Extra string `json:"extra"`
	Next  string `json:"next"`
}

func TestGetUnderBasePath(t *testing.T) {
	srv := htScript(t, htStep{status: 200, body: `{"items":[1,2,3],"next":"n"}`, header: map[string]string{
		"X-Request-Id": "req-1", "X-Rate-Limit-Limit": "3000", "X-Rate-Limit-Remaining": "2999", "X-Rate-Limit-Reset": "60",
	}})
	cfg := htConfig(srv)
	cfg.Auth = StaticHeader("X-API-Key", "k-123")
	c := htNew(t, cfg)
	var page htPage
	type opts struct {
		Limit int    `url:"limit"`
		Type  string `url:"audit_log_type,omitempty"`
	}
	resp, err := c.Get(context.Background(), "v1/audit_logs", opts{Limit: 5}, &page)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(page.Items) != "[1 2 3]" || page.Next != "n" {
		t.Errorf("decoded %+v", page)
	}
	want := RateLimitInfo{Limit: 3000, Remaining: 2999, Reset: time.Minute, Known: true}
	if resp.StatusCode != 200 || resp.Attempts != 1 || resp.RequestID != "req-1" || resp.RateLimit != want {
		t.Errorf("response %+v", resp)
	}
	if resp.URL != srv.URL+htPrefix+"/v1/audit_logs?limit=5" {
		t.Errorf("response URL %q", resp.URL)
	}
	got := srv.requests()[0]
	if got.Method != "GET" || got.Path != htPrefix+"/v1/audit_logs" || got.RawQuery != "limit=5" {
		t.Errorf("request %s %s?%s", got.Method, got.Path, got.RawQuery)
	}
	for k, v := range map[string]string{"X-Api-Key": "k-123", "Accept": "application/json", "User-Agent": DefaultUserAgent} {
		if got.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	// a leading slash, url.Values and a query in the reference all work
	if _, err := c.Get(context.Background(), "/v1/audit_logs?event=login", url.Values{"limit": {"2"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[1]; got.Path != htPrefix+"/v1/audit_logs" || got.RawQuery != "event=login&limit=2" {
		t.Errorf("second request %s?%s", got.Path, got.RawQuery)
	}
	if s := c.Stats(); s.Requests != 2 || s.Retries != 0 || s.Failures != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestGetBadQueryAndOut(t *testing.T) {
	srv := htScript(t)
	c := htNew(t, htConfig(srv))
	ctx := context.Background()
	if _, err := c.Get(ctx, "v1/x", 42, nil); err == nil || !strings.Contains(err.Error(), "query") {
		t.Errorf("bad query: %v", err)
	}
	var page htPage
	if _, err := c.Get(ctx, "v1/x", nil, page); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Errorf("non-pointer out: %v", err)
	}
	if _, err := c.Do(ctx, nil, nil); err == nil {
		t.Error("nil request accepted")
	}
	//lint:ignore SA1012 testing a nil context
	if _, err := c.Get(nil, "v1/x", nil, nil); err == nil { //nolint:staticcheck
		t.Error("nil context accepted")
	}
	if _, err := c.Do(ctx, &Request{Method: "GET X", URL: "v1/x"}, nil); err == nil {
		t.Error("bad method accepted")
	}
	if n := srv.count(); n != 0 {
		t.Errorf("%d requests sent for bad calls", n)
	}
}

func TestResolveURL(t *testing.T) {
	c := htNew(t, Config{Vendor: "cisco", BaseURL: "https://api.example.com/api/prefix/"})
	tests := []struct {
		ref, want string
		foreign   bool
	}{
		{"", "https://api.example.com/api/prefix/", false},
		{"v1/audit_logs", "https://api.example.com/api/prefix/v1/audit_logs", false},
		{"/v1/audit_logs", "https://api.example.com/api/prefix/v1/audit_logs", false},
		{"v1/audit_logs?limit=5&offset=10", "https://api.example.com/api/prefix/v1/audit_logs?limit=5&offset=10", false},
		{"v1/a%2Fb", "https://api.example.com/api/prefix/v1/a%2Fb", false},
		{"https://api.example.com/v1/audit_logs?offset=500#frag", "https://api.example.com/v1/audit_logs?offset=500", false},
		{"HTTPS://API.EXAMPLE.COM:443/v1/x", "https://API.EXAMPLE.COM:443/v1/x", false},
		{"//api.example.com/v1/x", "https://api.example.com/v1/x", false},
		{"http://api.example.com/v1/x", "", true},
		{"https://api.example.com:8443/v1/x", "", true},
		{"https://evil.example.com/v1/x", "", true},
		{"//evil.example.com/v1/x", "", true},
		{"mailto:someone@example.com", "", true},
	}
	for _, tt := range tests {
		u, err := c.ResolveURL(tt.ref)
		if tt.foreign {
			if !errors.Is(err, ErrForeignHost) {
				t.Errorf("%q: err = %v, want ErrForeignHost", tt.ref, err)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("%q: got %v, %v; want %s", tt.ref, u, err, tt.want)
		}
	}
	if _, err := c.ResolveURL("https://user:hunter2@api.example.com/x"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("userinfo: %v", err)
	}
	if _, err := c.ResolveURL("v1/\x7f"); err == nil {
		t.Error("control character accepted")
	}
	// BaseURL is a copy
	c.BaseURL().Host = "evil.example.com"
	if c.BaseURL().Host != "api.example.com" {
		t.Error("BaseURL returned the client's own URL")
	}
}

func TestScriptedRetries(t *testing.T) {
	ra0 := map[string]string{"Retry-After": "0"}
	tests := []struct {
		name        string
		steps       []htStep
		maxAttempts int
		wantErr     error
		wantSeen    int
		wantWaits   []string
		wantRetries int64
	}{
		{"429 then 503 then 200", []htStep{{status: 429, header: ra0}, {status: 503}, {status: 200, body: `{"items":[1]}`}},
			0, nil, 3, []string{"0s", "2ms"}, 2},
		{"502 504 200 exponential", []htStep{{status: 502}, {status: 504}, {status: 200, body: `{}`}},
			0, nil, 3, []string{"1ms", "2ms"}, 2},
		{"503 until MaxAttempts", []htStep{{status: 503}}, 4, ErrServer, 4, []string{"1ms", "2ms", "4ms"}, 3},
		{"429 until MaxAttempts", []htStep{{status: 429, header: ra0}}, 2, ErrRateLimited, 2, []string{"0s"}, 1},
		{"500 not retried", []htStep{{status: 500}}, 0, ErrServer, 1, nil, 0},
		{"404 not retried", []htStep{{status: 404}}, 0, ErrNotFound, 1, nil, 0},
		{"400 not retried", []htStep{{status: 400}}, 0, ErrBadRequest, 1, nil, 0},
		{"403 not retried", []htStep{{status: 403}}, 0, ErrForbidden, 1, nil, 0},
		{"MaxAttempts 1", []htStep{{status: 503}}, 1, ErrServer, 1, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := htScript(t, tt.steps...)
			logs := newHTLogs()
			cfg := htConfig(srv)
			cfg.Retry.MaxAttempts = tt.maxAttempts
			cfg.Logger = slogNew(logs)
			c := htNew(t, cfg)
			var page htPage
			resp, err := c.Get(context.Background(), "v1/audit_logs", nil, &page)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var ae *APIError
				if !errors.As(err, &ae) || ae.Attempts != tt.wantSeen || ae.StatusCode != tt.steps[len(tt.steps)-1].status {
					t.Errorf("APIError %+v", ae)
				}
				if resp == nil || resp.StatusCode != ae.StatusCode {
					t.Errorf("response with the error: %+v", resp)
				}
			}
			if n := srv.count(); n != tt.wantSeen {
				t.Errorf("server saw %d requests, want %d", n, tt.wantSeen)
			}
			if got := logs.waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits %v, want %v", got, tt.wantWaits)
			}
			if s := c.Stats(); s.Retries != tt.wantRetries || s.Requests != int64(tt.wantSeen) {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestRateLimitErrorOnExhaustedRetries(t *testing.T) {
	srv := htScript(t, htStep{status: 429, header: map[string]string{
		"Retry-After": "0", "X-Rate-Limit-Limit": "3000", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "0",
	}, body: `{"errors":[{"error_code":429,"description":"Too Many Requests"}]}`})
	cfg := htConfig(srv)
	cfg.Retry.MaxAttempts = 3
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "v1/audit_logs", nil, nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if rl.APIError == nil || rl.APIError.StatusCode != 429 || rl.Limit != 3000 || rl.Remaining != 0 || rl.APIError.Attempts != 3 {
		t.Errorf("RateLimitError %+v / %+v", rl, rl.APIError)
	}
	if s := c.Stats(); s.RateLimited != 3 || s.Paused != 0 {
		t.Errorf("stats %+v (429s must not start a quota pause)", s)
	}
}

func TestRetryBudgetExhaustedAcrossCalls(t *testing.T) {
	srv := htScript(t, htStep{status: 429, header: map[string]string{"Retry-After": "0"}})
	cfg := htConfig(srv)
	budget := NewRetryBudget(10, 5, 10)
	cfg.Retry.Budget = budget
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "v1/audit_logs", nil, nil)
	if !errors.Is(err, ErrRetryBudgetExhausted) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want both ErrRetryBudgetExhausted and ErrRateLimited", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 {
		t.Errorf("APIError %+v", ae)
	}
	if !strings.Contains(err.Error(), "retry budget exhausted") || !strings.Contains(err.Error(), "429 Too Many Requests") {
		t.Errorf("message %q", err)
	}
	if n := srv.count(); n != 3 { // two retries paid (5+5), the third could not be
		t.Errorf("server saw %d requests, want 3", n)
	}
	// the budget is shared: the next call gets no retry at all
	_, err = c.Get(context.Background(), "v1/audit_logs", nil, nil)
	if !errors.Is(err, ErrRetryBudgetExhausted) || srv.count() != 4 {
		t.Errorf("second call: %v, %d requests", err, srv.count())
	}
	if budget.Available() != 0 {
		t.Errorf("budget left %d", budget.Available())
	}
}

func TestRetryBudgetRefund(t *testing.T) {
	srv := htScript(t, htStep{status: 503}, htStep{status: 200, body: `{}`})
	cfg := htConfig(srv)
	budget := NewRetryBudget(100, 5, 10)
	cfg.Retry.Budget = budget
	c := htNew(t, cfg)
	if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	// the retry that succeeded is refunded, and the success adds 1 (capped)
	if budget.Available() != 100 {
		t.Errorf("available %d, want 100", budget.Available())
	}
	budget.acquire(false)
	budget.acquire(false)
	if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if budget.Available() != 91 {
		t.Errorf("available %d, want 91", budget.Available())
	}
}

func TestServerAdvisedWaitOverCap(t *testing.T) {
	tests := []struct {
		name      string
		step      htStep
		wantAfter time.Duration
		server    bool
	}{
		{"Retry-After", htStep{status: 429, header: map[string]string{"Retry-After": "120"}}, 2 * time.Minute, false},
		{"Cisco reset", htStep{status: 429, header: map[string]string{"X-Rate-Limit-Limit": "3000", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1200"}}, 20 * time.Minute, false},
		{"503 Retry-After", htStep{status: 503, header: map[string]string{"Retry-After": "3600"}}, time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := htScript(t, tt.step)
			cfg := htConfig(srv)
			cfg.Retry.MaxDelay = 60 * time.Second
			c := htNew(t, cfg)
			_, err := c.Get(context.Background(), "v1/audit_logs", nil, nil)
			var rl *RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
				t.Fatalf("err = %v", err)
			}
			if rl.RetryAfter != tt.wantAfter || rl.MaxDelay != time.Minute || rl.APIError == nil {
				t.Errorf("RateLimitError %+v", rl)
			}
			if errors.Is(err, ErrServer) != tt.server {
				t.Errorf("ErrServer: %v", errors.Is(err, ErrServer))
			}
			if !strings.Contains(err.Error(), "retry after "+tt.wantAfter.String()) || !strings.Contains(err.Error(), "MaxDelay") {
				t.Errorf("message %q", err)
			}
			if n := srv.count(); n != 1 {
				t.Errorf("server saw %d requests, want exactly 1 (no waiting, no retry)", n)
			}
		})
	}
}

func TestBodyCutShortIsRetried(t *testing.T) {
	for _, partial := range []string{
		`{"extra":"stale","items":[1,2`,   // cut inside the JSON value
		`{"extra":"stale","items":[1,2]}`, // cut after it: the value was decoded already
	} {
		t.Run(partial, func(t *testing.T) { testBodyCutShortIsRetried(t, partial) })
	}
}

func testBodyCutShortIsRetried(t *testing.T, partial string) {
	srv := htScript(t,
		htCutShort(partial),
		htStep{status: 200, body: `{"items":[7,8]}`},
	)
	logs := newHTLogs()
	cfg := htConfig(srv)
	cfg.Logger = slogNew(logs)
	c := htNew(t, cfg)
	var page htPage
	resp, err := c.Get(context.Background(), "v1/audit_logs", nil, &page)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(page.Items) != "[7 8]" || page.Extra != "" {
		t.Errorf("decoded %+v: the retry must decode into a fresh value", page)
	}
	if resp.Attempts != 2 || srv.count() != 2 || c.Stats().Retries != 1 {
		t.Errorf("attempts %d, seen %d, stats %+v", resp.Attempts, srv.count(), c.Stats())
	}
	if recs := logs.records(); !strings.Contains(fmt.Sprint(recs), "unexpected EOF") {
		t.Errorf("no retry reason logged: %v", recs)
	}
}

func TestBodyCutShortEveryTime(t *testing.T) {
	srv := htScript(t, htCutShort(`{"items":[1,`))
	cfg := htConfig(srv)
	cfg.Retry.MaxAttempts = 2
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "v1/audit_logs", nil, &htPage{})
	var re *RequestError
	if !errors.As(err, &re) || !errors.Is(err, io.ErrUnexpectedEOF) || re.Attempts != 2 {
		t.Fatalf("err = %#v", err)
	}
	if errors.Is(err, ErrMalformedResponse) {
		t.Error("a body cut short is not a malformed body")
	}
}

func TestConnectionResetIsRetried(t *testing.T) {
	srv := htScript(t, htReset(), htStep{status: 200, body: `{"items":[3]}`})
	c := htNew(t, htConfig(srv))
	var page htPage
	resp, err := c.Get(context.Background(), "v1/audit_logs", nil, &page)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(page.Items) != "[3]" || resp.Attempts != 2 || srv.count() != 2 || c.Stats().Retries != 1 {
		t.Errorf("page %+v, attempts %d, seen %d", page, resp.Attempts, srv.count())
	}
}

func TestMalformedBodies(t *testing.T) {
	big := `{"items":[` + strings.Repeat("1,", 100) + `1]}`
	tests := []struct {
		name    string
		step    htStep
		out     bool
		max     int64
		want    []string
		tooBig  bool
		errType any
	}{
		{"syntax", htStep{status: 200, body: `{"items":[1,2,,3]}`}, true, 0, []string{"invalid character", "byte offset 15"}, false, new(*json.SyntaxError)},
		{"wrong type", htStep{status: 200, body: `{"items":"x"}`}, true, 0, []string{"cannot unmarshal string", "byte offset"}, false, new(*json.UnmarshalTypeError)},
		{"wrong shape from a decoder", htStep{status: 200, body: `{"pages":{}}`}, true, 0, []string{"at $.pages: want an array"}, false, new(*PathError)},
		{"trailing data", htStep{status: 200, body: `{"items":[1]} {"x":1}`}, true, 0, []string{"after the JSON value"}, false, nil},
		{"trailing garbage", htStep{status: 200, body: `{"items":[1]} xyz`}, true, 0, []string{"invalid character"}, false, nil},
		{"empty body", htStep{status: 200, body: ``}, true, 0, []string{"empty body"}, false, nil},
		{"empty 204", htStep{status: 204}, true, 0, []string{"empty body"}, false, nil},
		{"HTML", htStep{status: 200, body: `<html>login</html>`, header: map[string]string{"Content-Type": "text/html"}}, true, 0, []string{`Content-Type "text/html"`}, false, nil},
		{"too large with length", htStep{status: 200, body: big}, true, 100, []string{"Content-Length", "MaxResponseBytes"}, true, nil},
		{"too large chunked", htStep{do: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, big[:50])
			w.(http.Flusher).Flush()
			io.WriteString(w, big[50:])
		}}, true, 100, []string{"over the limit of 100 bytes"}, true, nil},
		{"too large discarded", htStep{status: 200, body: big}, false, 100, []string{"MaxResponseBytes"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := htScript(t, tt.step)
			cfg := htConfig(srv)
			cfg.MaxResponseBytes = tt.max
			c := htNew(t, cfg)
			var out any
			if tt.out {
				out = &htPage{}
				if strings.Contains(tt.name, "decoder") {
					out = &shapeChecked{}
				}
			}
			_, err := c.Get(context.Background(), "v1/audit_logs?limit=5", nil, out)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want a DecodeError", err)
			}
			if de.Vendor != "cisco" || de.Method != "GET" || de.URL != srv.URL+htPrefix+"/v1/audit_logs?limit=5" {
				t.Errorf("DecodeError %+v", de)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "cisco: GET "+srv.URL) {
				t.Errorf("message %q", err)
			}
			if errors.Is(err, ErrResponseTooLarge) != tt.tooBig {
				t.Errorf("ErrResponseTooLarge: %v", errors.Is(err, ErrResponseTooLarge))
			}
			wantPath := map[string]string{"wrong type": "$.items", "wrong shape from a decoder": "$.pages"}[tt.name]
			if de.Path != wantPath {
				t.Errorf("DecodeError.Path = %q, want %q", de.Path, wantPath)
			}
			if tt.errType != nil && !errors.As(err, tt.errType) {
				t.Errorf("errors.As(%T) failed for %v", tt.errType, err)
			}
			if n := srv.count(); n != 1 {
				t.Errorf("server saw %d requests: a malformed body must not be retried", n)
			}
		})
	}
}

func TestBodyRebuiltPerAttempt(t *testing.T) {
	srv := htScript(t, htStep{status: 503}, htStep{status: 502}, htStep{status: 200, body: `{"ok":true}`})
	c := htNew(t, htConfig(srv))
	var calls atomic.Int32
	body := func() ([]byte, error) {
		calls.Add(1)
		return json.Marshal(map[string]any{"cursor": "abc", "limit": 100})
	}
	var out struct{ OK bool }
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: "v2/reports", Body: body}, &out)
	if err != nil || !out.OK {
		t.Fatalf("err %v, out %+v", err, out)
	}
	if calls.Load() != 3 || resp.Attempts != 3 {
		t.Errorf("Body called %d times for %d attempts", calls.Load(), resp.Attempts)
	}
	seen := srv.requests()
	for i, r := range seen {
		if r.Method != "POST" || r.Body != `{"cursor":"abc","limit":100}` || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Content-Length") != "28" {
			t.Errorf("attempt %d: %s %q %v", i, r.Method, r.Body, r.Header)
		}
	}
	// JSONBody, and a body that cannot be built: nothing is sent
	if _, err := c.Do(context.Background(), &Request{Method: "POST", URL: "v2/reports", Body: JSONBody(map[string]int{"a": 1})}, nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[3].Body; got != `{"a":1}` {
		t.Errorf("JSONBody sent %q", got)
	}
	_, err = c.Do(context.Background(), &Request{Method: "POST", URL: "v2/reports", Body: func() ([]byte, error) { return nil, errors.New("no cursor") }}, nil)
	var re *RequestError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "building the request body: no cursor") {
		t.Errorf("err = %v", err)
	}
	if srv.count() != 4 {
		t.Errorf("%d requests: a body that failed to build was sent", srv.count())
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv := htScript(t, htStep{status: 429, header: map[string]string{"Retry-After": "50"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := newHTLogs()
	// the retry record is logged right before the wait: cancel there
	logs.onWarn = func(htRecord) { cancel() }
	cfg := htConfig(srv)
	cfg.Logger = slogNew(logs)
	c := htNew(t, cfg)
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "v1/audit_logs", nil, nil)
		done <- err
	}()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var re *RequestError
	if !errors.As(err, &re) || re.Vendor != "cisco" {
		t.Errorf("err %#v", err)
	}
	if n := srv.count(); n != 1 {
		t.Errorf("server saw %d requests", n)
	}
	if w := logs.waits(); len(w) != 1 || w[0] != "50s" {
		t.Errorf("waits %v", w)
	}
}

func TestContextCancelledBeforeAndDuringLimiter(t *testing.T) {
	srv := htScript(t)
	cfg := htConfig(srv)
	cfg.RateLimit, cfg.Burst = 0.001, 1 // one request, then one per 1000s
	c := htNew(t, cfg)
	if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, "x", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if srv.count() != 1 || c.Stats().Throttled != 1 {
		t.Errorf("seen %d, stats %+v", srv.count(), c.Stats())
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := c.Get(cctx, "x", nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestForeignHostRefused(t *testing.T) {
	other := htScript(t)
	var base *htServer
	base = htScript(t,
		htStep{do: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
		}},
		htStep{do: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, base.URL+htPrefix+"/moved", http.StatusTemporaryRedirect)
		}},
		htStep{status: 200, body: `{"items":[1]}`},
	)
	cfg := htConfig(base)
	cfg.Auth = StaticHeader("X-API-Key", "secret-key-1")
	c := htNew(t, cfg)
	ctx := context.Background()

	// a next link to another origin: nothing is sent anywhere
	_, err := c.Get(ctx, other.URL+"/v1/audit_logs?offset=5", nil, nil)
	var re *RequestError
	if !errors.Is(err, ErrForeignHost) || !errors.As(err, &re) || re.Attempts != 0 {
		t.Fatalf("foreign link: %v", err)
	}
	if !strings.Contains(err.Error(), other.URL) || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("message %q", err)
	}
	if base.count() != 0 || other.count() != 0 {
		t.Fatalf("requests sent: base %d, other %d", base.count(), other.count())
	}

	// a redirect to another origin: refused, the other server sees nothing
	_, err = c.Get(ctx, "v1/audit_logs", nil, nil)
	if !errors.Is(err, ErrForeignHost) {
		t.Fatalf("foreign redirect: %v", err)
	}
	if other.count() != 0 {
		t.Fatalf("the other origin received %d requests", other.count())
	}
	if base.count() != 1 {
		t.Errorf("base saw %d requests, want 1 (no retry)", base.count())
	}

	// a same-origin redirect is followed, with the credentials
	var page htPage
	if _, err := c.Get(ctx, "v1/audit_logs", nil, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("same-origin redirect: %v %+v", err, page)
	}
	seen := base.requests()
	if last := seen[len(seen)-1]; last.Path != htPrefix+"/moved" || last.Header.Get("X-Api-Key") != "secret-key-1" {
		t.Errorf("redirected request %+v", last)
	}
}

func TestUserHTTPClientNotModified(t *testing.T) {
	srv := htScript(t)
	var checked atomic.Int32
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		checked.Add(1)
		return nil
	}, Timeout: time.Minute}
	cfg := htConfig(srv)
	cfg.HTTPClient = hc
	c := htNew(t, cfg)
	if hc.Transport != tr || hc.Timeout != time.Minute {
		t.Error("the caller's http.Client was modified")
	}
	if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
}

func TestRemainingZeroPausesNextCall(t *testing.T) {
	srv := htScript(t,
		htStep{status: 200, body: `{}`, header: map[string]string{"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1"}},
		htStep{status: 200, body: `{}`},
	)
	c := htNew(t, htConfig(srv))
	ctx := context.Background()
	if _, err := c.Get(ctx, "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Throttled != 0 || s.Paused != 0 {
		t.Fatalf("stats after the first call %+v", s)
	}
	if _, err := c.Get(ctx, "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Throttled != 1 || s.Paused != 1 || s.Requests != 2 {
		t.Errorf("stats %+v: the second call must wait for the quota pause", s)
	}
	// the pause is over: no more waiting
	if _, err := c.Get(ctx, "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Paused != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestRemainingZeroOverCapFailsFast(t *testing.T) {
	srv := htScript(t, htStep{status: 200, body: `{}`, header: map[string]string{
		"X-RateLimit-Limit": "3000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1200"}})
	cfg := htConfig(srv)
	cfg.Retry.MaxDelay = time.Second
	c := htNew(t, cfg)
	if _, err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.Get(context.Background(), "x", nil, nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if rl.APIError != nil || rl.Limit != 3000 || rl.Remaining != 0 || rl.RetryAfter <= time.Second || rl.RetryAfter > 20*time.Minute {
		t.Errorf("RateLimitError %+v", rl)
	}
	if !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("message %q", err)
	}
	if n := srv.count(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	tests := []struct {
		name      string
		always401 bool
	}{{"new token accepted", false}, {"401 twice", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := htScript(t)
			srv.steps = []htStep{{do: func(w http.ResponseWriter, r *http.Request) {
				if tt.always401 || r.Header.Get("Authorization") == "Bearer tok-1" {
					w.WriteHeader(401)
					io.WriteString(w, `{"message":"token expired"}`)
					return
				}
				io.WriteString(w, `{"items":[9]}`)
			}}}
			var fetched atomic.Int32
			src := TokenSourceFunc(func(ctx context.Context) (Token, error) {
				n := fetched.Add(1)
				return Token{Value: fmt.Sprintf("tok-%d", n), Expiry: time.Now().Add(time.Hour)}, nil
			})
			cfg := htConfig(srv)
			cfg.Auth = RefreshingToken(src, "Authorization", "Bearer ")
			c := htNew(t, cfg)
			var page htPage
			resp, err := c.Get(context.Background(), "v1/x", nil, &page)
			if fetched.Load() != 2 || srv.count() != 2 || c.Stats().Reauthenticated != 1 {
				t.Errorf("tokens %d, requests %d, stats %+v", fetched.Load(), srv.count(), c.Stats())
			}
			if got := srv.requests()[1].Header.Get("Authorization"); got != "Bearer tok-2" {
				t.Errorf("repeat sent %q", got)
			}
			if tt.always401 {
				var ae *APIError
				if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &ae) || ae.Message != "token expired" || ae.Attempts != 2 {
					t.Fatalf("err = %v", err)
				}
				if strings.Contains(err.Error(), "tok-") {
					t.Errorf("token in error %q", err)
				}
				return
			}
			if err != nil || fmt.Sprint(page.Items) != "[9]" || resp.Attempts != 2 {
				t.Fatalf("err %v, page %+v, resp %+v", err, page, resp)
			}
			// the new token is cached
			if _, err := c.Get(context.Background(), "v1/x", nil, nil); err != nil || fetched.Load() != 2 {
				t.Errorf("err %v, fetched %d", err, fetched.Load())
			}
		})
	}
}

func TestUnauthorizedWithoutInvalidator(t *testing.T) {
	srv := htScript(t, htStep{status: 401, body: `{}`})
	cfg := htConfig(srv)
	cfg.Auth = BasicAuth("client", "key")
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "v1/x", nil, nil)
	if !errors.Is(err, ErrUnauthorized) || srv.count() != 1 {
		t.Errorf("err %v, seen %d", err, srv.count())
	}
	// NoAuth calls send no credentials and are not repeated
	if _, err := c.Do(context.Background(), &Request{URL: "login", NoAuth: true}, nil); !errors.Is(err, ErrUnauthorized) {
		t.Fatal(err)
	}
	if h := srv.requests()[1].Header.Get("Authorization"); h != "" {
		t.Errorf("NoAuth request carried %q", h)
	}
}

func TestTokenSourceError(t *testing.T) {
	srv := htScript(t)
	cfg := htConfig(srv)
	cfg.Auth = RefreshingToken(TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{}, errors.New("login refused")
	}), "session", "")
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "v1/x", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "authenticating: refreshing the token: login refused") {
		t.Errorf("err = %v", err)
	}
	if srv.count() != 0 {
		t.Errorf("sent %d requests without credentials", srv.count())
	}
}

func TestHTTPMockExactRequest(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponderWithQuery("GET", "https://api.amp.cisco.com/v1/audit_logs", "limit=2&start_time=2024-06-19T00%3A00%3A00%2B00%3A00",
		func(r *http.Request) (*http.Response, error) {
			user, pass, ok := r.BasicAuth()
			if !ok || user != "client-id" || pass != "api-key" || r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != "test/1" {
				return httpmock.NewStringResponse(400, `{"errors":[{"description":"bad request"}]}`), nil
			}
			return httpmock.NewStringResponse(200, `{"items":[1,2]}`), nil
		})
	mt.RegisterResponder("GET", "https://api.amp.cisco.com/v1/missing",
		httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {"0"}}).
			Then(httpmock.NewStringResponder(404, `{"errors":[{"error_code":404,"description":"Not Found","details":["no such thing"]}]}`)))
	c := htNew(t, Config{
		Vendor:     "cisco",
		BaseURL:    "https://api.amp.cisco.com",
		HTTPClient: &http.Client{Transport: mt},
		Auth:       BasicAuth("client-id", "api-key"),
		UserAgent:  "test/1",
		RateLimit:  rate.Inf,
		Retry:      RetryPolicy{BaseDelay: time.Millisecond},
	})
	var page htPage
	q := url.Values{"limit": {"2"}, "start_time": {"2024-06-19T00:00:00+00:00"}}
	if _, err := c.Get(context.Background(), "v1/audit_logs", q, &page); err != nil || len(page.Items) != 2 {
		t.Fatalf("err %v page %+v", err, page)
	}
	_, err := c.Get(context.Background(), "/v1/missing", nil, nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "404 Not Found: no such thing (code 404, after 2 attempts)") {
		t.Errorf("err = %v", err)
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestClientFormatting(t *testing.T) {
	c := htNew(t, Config{Vendor: "cisco", BaseURL: "https://api.amp.cisco.com/", Auth: BasicAuth("client-id-123", "api-key-456")})
	want := "auditclient.Client{vendor: cisco, base: https://api.amp.cisco.com/}"
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(f, c); got != want {
			t.Errorf("%s: %q", f, got)
		}
	}
	if c.Vendor() != "cisco" || c.Logger() == nil {
		t.Error("accessors")
	}
	var nilClient *Client
	if nilClient.String() != "auditclient.Client(nil)" {
		t.Error(nilClient.String())
	}
}

func TestTransportErrorIsRequestError(t *testing.T) {
	srv := htScript(t)
	cfg := htConfig(srv)
	cfg.Retry.MaxAttempts = 2
	c := htNew(t, cfg)
	srv.Close() // connection refused from now on
	_, err := c.Get(context.Background(), "v1/x", nil, nil)
	var re *RequestError
	var op *net.OpError
	if !errors.As(err, &re) || !errors.As(err, &op) || re.Attempts != 2 {
		t.Fatalf("err = %#v", err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		t.Error("the *url.Error is exposed")
	}
	if c.Stats().Failures != 1 {
		t.Errorf("stats %+v", c.Stats())
	}
}

func TestConcurrentCalls(t *testing.T) {
	var n atomic.Int64
	srv := htScript(t, htStep{do: func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, `{"items":[1,2,3]}`)
	}})
	cfg := htConfig(srv)
	cfg.Auth = RefreshingToken(TokenSourceFunc(func(context.Context) (Token, error) { return Token{Value: "t"}, nil }), "Authorization", "Bearer ")
	cfg.RateLimit, cfg.Burst = 1000, 5
	c := htNew(t, cfg)
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		go func() {
			var p htPage
			_, err := c.Get(context.Background(), "v1/x", nil, &p)
			if err == nil && len(p.Items) != 3 {
				err = fmt.Errorf("page %+v", p)
			}
			errs <- err
		}()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if s := c.Stats(); s.Requests != int64(srv.count()) || s.Requests < 40 || s.Retries != s.Requests-40 {
		t.Errorf("stats %+v, server saw %d", s, srv.count())
	}
}

// A 2xx whose JSON ends early is transient whether the connection was cut
// or the framing was complete (Content-Length matching the bytes sent, as a
// crashing upstream or a proxy buffer sends it): retried like a reset.
func TestCutJSONWithCompleteFramingIsRetried(t *testing.T) {
	cut := htStep{status: 200, body: `{"items":[1,2`, header: map[string]string{"Content-Length": "13"}}
	good := htStep{status: 200, body: `{"items":[1,2,3]}`}
	t.Run("then a good body", func(t *testing.T) {
		srv := htScript(t, cut, cut, good)
		c := htNew(t, htConfig(srv))
		var p htPage
		resp, err := c.Get(context.Background(), "v1/audit_logs", nil, &p)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !slices.Equal(p.Items, []int{1, 2, 3}) || resp.Attempts != 3 || srv.count() != 3 {
			t.Errorf("items %v after %d attempts (%d requests), want [1 2 3] after 3", p.Items, resp.Attempts, srv.count())
		}
		if st := c.Stats(); st.Retries != 2 {
			t.Errorf("Stats.Retries = %d, want 2", st.Retries)
		}
	})
	t.Run("always cut", func(t *testing.T) {
		srv := htScript(t, cut)
		cfg := htConfig(srv)
		cfg.Retry.MaxAttempts = 4
		c := htNew(t, cfg)
		_, err := c.Get(context.Background(), "v1/audit_logs", nil, &htPage{})
		var re *RequestError
		if !errors.As(err, &re) || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrMalformedResponse) {
			t.Fatalf("err = %v (%T), want a *RequestError wrapping io.ErrUnexpectedEOF", err, err)
		}
		if srv.count() != 4 || !strings.Contains(err.Error(), "ends early") {
			t.Errorf("%d requests, err %v; want 4 and the reason", srv.count(), err)
		}
	})
}

// A server that sends its headers late, or its body one byte at a time with
// long pauses, trips WithTimeouts; both are retried within the budget and
// end in a *RequestError that is a timeout.
func TestSlowServerTimeouts(t *testing.T) {
	slowHeaders := htStep{do: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}}
	slowBody := htStep{do: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, `{"items":[`)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}}
	good := htStep{status: 200, body: `{"items":[7]}`}
	for _, tt := range []struct {
		name string
		slow htStep
		want string
	}{
		{"headers", slowHeaders, "no response headers for 100ms (ResponseHeaderTimeout"},
		{"body", slowBody, "the body stalled for 100ms (ReadTimeout"},
	} {
		t.Run(tt.name+" then good", func(t *testing.T) {
			srv := htScript(t, tt.slow, good)
			cfg := htConfig(srv)
			ApplyOptions(&cfg, WithTimeouts(100*time.Millisecond, 100*time.Millisecond))
			c := htNew(t, cfg)
			var p htPage
			resp, err := c.Get(context.Background(), "v1/audit_logs", nil, &p)
			if err != nil || !slices.Equal(p.Items, []int{7}) || resp.Attempts != 2 {
				t.Fatalf("Get: %v, items %v, want [7] after 2 attempts", err, p.Items)
			}
		})
		t.Run(tt.name+" always", func(t *testing.T) {
			srv := htScript(t, tt.slow)
			cfg := htConfig(srv)
			cfg.Retry.MaxAttempts = 3
			ApplyOptions(&cfg, WithTimeouts(100*time.Millisecond, 100*time.Millisecond))
			c := htNew(t, cfg)
			start := time.Now()
			_, err := c.Get(context.Background(), "v1/audit_logs", nil, &htPage{})
			var re *RequestError
			if !errors.As(err, &re) || !re.Timeout() || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v (%T), want a timeout *RequestError saying %q", err, err, tt.want)
			}
			if srv.count() != 3 {
				t.Errorf("%d requests, want 3", srv.count())
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("took %v: the timeouts did not bound the call", d)
			}
		})
	}
}
