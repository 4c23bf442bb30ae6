package audittest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// outcome is what a plain net/http client sees for one request.
type outcome struct {
	status  int
	header  http.Header
	body    []byte
	connErr error // from Do
	readErr error // from reading the body
}

func get(t *testing.T, client *http.Client, c *Cisco, path string) outcome {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(c.ClientID(), c.APIKey())
	resp, err := client.Do(req)
	if err != nil {
		return outcome{connErr: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return outcome{status: resp.StatusCode, header: resp.Header, body: body, readErr: err}
}

func TestFaultScript(t *testing.T) {
	script := []Fault{FaultRateLimit, FaultUnavailable, FaultReset, FaultTruncate, FaultServerError, FaultMalformed, FaultNone}
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: script, RetryAfter: 1500 * time.Millisecond}})
	// A client that keeps connections alive: the fake must still make the
	// reset visible (see Faults).
	client := &http.Client{Transport: &http.Transport{}}
	var got []outcome
	for range len(script) + 1 {
		got = append(got, get(t, client, c, "/v1/audit_logs?limit=10"))
	}

	envelope := func(o outcome, code int, desc string) {
		t.Helper()
		var e ciscoErrBody
		if err := json.Unmarshal(o.body, &e); err != nil {
			t.Fatalf("%d body: %v in %s", code, err, o.body)
		}
		if o.status != code || e.Version != "v0.1.0" || len(e.Errors) != 1 || e.Errors[0].ErrorCode != code || e.Errors[0].Description != desc {
			t.Errorf("status %d, body %s; want %d %q", o.status, o.body, code, desc)
		}
	}

	// 0: 429 with Retry-After and the rate-limit headers spent.
	envelope(got[0], 429, "Too Many Requests")
	for k, want := range map[string]string{"Retry-After": "2", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "2", "X-Ratelimit-Limit": "3000"} {
		if v := got[0].header.Get(k); v != want {
			t.Errorf("429 %s = %q, want %q", k, v, want)
		}
	}
	// 1: 503.
	envelope(got[1], 503, "Service Unavailable")
	// 2: a connection error, no response at all.
	if got[2].connErr == nil {
		t.Errorf("reset: client saw status %d, want a connection error", got[2].status)
	}
	// 3: a 200 whose body ends early.
	if got[3].status != 200 || !errors.Is(got[3].readErr, io.ErrUnexpectedEOF) {
		t.Errorf("truncate: status %d, read error %v; want 200 and io.ErrUnexpectedEOF", got[3].status, got[3].readErr)
	}
	if len(got[3].body) == 0 || json.Valid(got[3].body) {
		t.Errorf("truncate: got %d bytes, valid JSON %v", len(got[3].body), json.Valid(got[3].body))
	}
	// 4: 500.
	envelope(got[4], 500, "Internal Server Error")
	// 5: a complete 200 that is not JSON.
	var syn *json.SyntaxError
	if got[5].status != 200 || got[5].readErr != nil || !errors.As(json.Unmarshal(got[5].body, new(any)), &syn) {
		t.Errorf("malformed: status %d read error %v; want 200, a full body, a JSON syntax error", got[5].status, got[5].readErr)
	}
	// 6 (FaultNone in the script) and 7 (after the script): served.
	for _, o := range got[6:] {
		var p ciscoPage
		if o.status != 200 || json.Unmarshal(o.body, &p) != nil || len(p.Data) != 10 {
			t.Errorf("after the faults: status %d body %.80s", o.status, o.body)
		}
	}

	reqs := c.Requests()
	wantFaults := append(slices.Clone(script), FaultNone)
	wantStatus := []int{429, 503, 0, 200, 500, 200, 200, 200}
	if len(reqs) != len(wantFaults) {
		t.Fatalf("%d requests recorded, want %d: %v", len(reqs), len(wantFaults), reqs)
	}
	for i, r := range reqs {
		if r.Fault != wantFaults[i] || r.Status != wantStatus[i] {
			t.Errorf("request %d: %v; want fault %v status %d", i, r, wantFaults[i], wantStatus[i])
		}
	}
	s := c.Stats()
	wantInjected := map[Fault]int{FaultRateLimit: 1, FaultUnavailable: 1, FaultReset: 1, FaultTruncate: 1, FaultServerError: 1, FaultMalformed: 1}
	if s.Requests != 8 || s.Served != 2 || !mapsEqual(s.Injected, wantInjected) {
		t.Errorf("stats %+v", s)
	}
}

func mapsEqual(a, b map[Fault]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestFaultResetAfterKeepAlive: the reset comes on the request after a
// normal one, when a client would reuse its connection. The client must see
// it, not a silent retry by http.Transport.
func TestFaultResetAfterKeepAlive(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultNone, FaultReset, FaultReset}}})
	client := &http.Client{Transport: &http.Transport{}}
	for i, wantErr := range []bool{false, true, true, false} {
		o := get(t, client, c, "/v1/audit_logs?limit=1")
		if (o.connErr != nil) != wantErr {
			t.Errorf("request %d: connection error %v, want one: %v", i, o.connErr, wantErr)
		}
	}
	if n := len(c.Requests()); n != 4 {
		t.Errorf("the fake saw %d requests, want 4 (no hidden retries)", n)
	}
}

func TestFaultRateLimitRetryAfterZeroAndDashStyle(t *testing.T) {
	c := StartCisco(t, CiscoOptions{
		HeaderStyle: CiscoHeaderStyleXRateDashLimit,
		Faults:      Faults{Script: []Fault{FaultRateLimit}},
	})
	o := get(t, freshClient(), c, "/v1/audit_logs")
	if o.status != 429 || o.header.Get("Retry-After") != "0" || o.header.Get("X-Rate-Limit-Remaining") != "0" || o.header.Get("X-Rate-Limit-Reset") != "0" {
		t.Errorf("status %d headers %v", o.status, o.header)
	}
}

func faultSequence(t *testing.T, f Faults, n int) []Fault {
	c := StartCisco(t, CiscoOptions{Faults: f, Events: GenerateCiscoEvents(30, 1, time.Unix(1e9, 0))})
	client := freshClient()
	for range n {
		get(t, client, c, "/v1/audit_logs?limit=5")
	}
	var out []Fault
	for _, r := range c.Requests() {
		out = append(out, r.Fault)
	}
	return out
}

func TestFaultProbabilitiesAreDeterministic(t *testing.T) {
	f := Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.1, Truncate: 0.1, ServerError: 0.05, Malformed: 0.05, Seed: 42}
	a := faultSequence(t, f, 80)
	b := faultSequence(t, f, 80)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	count := map[Fault]int{}
	for _, x := range a {
		count[x]++
	}
	for _, k := range []Fault{FaultNone, FaultRateLimit, FaultUnavailable, FaultReset, FaultTruncate} {
		if count[k] == 0 {
			t.Errorf("80 requests and no %v: %v", k, count)
		}
	}
	f.Seed = 43
	if c := faultSequence(t, f, 80); slices.Equal(a, c) {
		t.Error("seeds 42 and 43 give the same faults")
	}
	// A script runs before the probabilities, and does not shift them.
	f.Seed = 42
	f.Script = []Fault{FaultServerError, FaultServerError}
	s := faultSequence(t, f, 82)
	if !slices.Equal(s[:2], f.Script) || !slices.Equal(s[2:], a) {
		t.Errorf("script then probabilities: %v", s)
	}
}

func TestFaultOnlyPaths(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultUnavailable, FaultUnavailable}, OnlyPaths: []string{"/v1/audit_log_types"}}, BasePath: "/p"})
	client := freshClient()
	if o := get(t, client, c, "/v1/audit_logs"); o.status != 200 {
		t.Errorf("audit_logs: %d", o.status)
	}
	if o := get(t, client, c, "/v1/audit_log_types"); o.status != 503 {
		t.Errorf("audit_log_types: %d", o.status)
	}
	if o := get(t, client, c, "/v1/audit_logs"); o.status != 200 {
		t.Errorf("audit_logs: %d", o.status)
	}
	if o := get(t, client, c, "/v1/audit_log_types"); o.status != 503 {
		t.Errorf("audit_log_types, second: %d", o.status)
	}
	if o := get(t, client, c, "/v1/audit_log_types"); o.status != 200 {
		t.Errorf("audit_log_types after the script: %d", o.status)
	}
}

func TestSetFaultsStartsTheScriptOver(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultServerError}}})
	client := freshClient()
	statuses := func() (out []int) {
		for range 2 {
			out = append(out, get(t, client, c, "/v1/audit_logs?limit=1").status)
		}
		return out
	}
	if s := statuses(); !slices.Equal(s, []int{500, 200}) {
		t.Errorf("first script: %v", s)
	}
	c.SetFaults(Faults{Script: []Fault{FaultUnavailable}})
	if s := statuses(); !slices.Equal(s, []int{503, 200}) {
		t.Errorf("after SetFaults: %v", s)
	}
	c.SetFaults(Faults{})
	if s := statuses(); !slices.Equal(s, []int{200, 200}) {
		t.Errorf("after clearing: %v", s)
	}
}

func TestFaultsValidate(t *testing.T) {
	tests := []struct {
		f       Faults
		wantErr string
	}{
		{Faults{}, ""},
		{Faults{RateLimit: 0.5, Unavailable: 0.5}, ""},
		{Faults{RateLimit: 1}, ""},
		{Faults{RateLimit: -0.1}, "rate_limit"},
		{Faults{Truncate: 1.5}, "truncate"},
		{Faults{Reset: math.NaN()}, "reset"},
		{Faults{RateLimit: 0.6, Malformed: 0.6}, "sum"},
		{Faults{Script: []Fault{FaultNone, Fault(99)}}, "Script[1]"},
		{Faults{RetryAfter: -time.Second}, "RetryAfter"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%+v: Validate() = %v, want error containing %q", tt.f, err, tt.wantErr)
		}
	}
}

// TestFaultsOutOfRangeAreClamped: a server given invalid Faults still works.
func TestFaultsOutOfRangeAreClamped(t *testing.T) {
	got := faultSequence(t, Faults{RateLimit: 5, Unavailable: -1, Script: []Fault{Fault(-3)}}, 4)
	if want := []Fault{FaultNone, FaultRateLimit, FaultRateLimit, FaultRateLimit}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestFaultString(t *testing.T) {
	for f, want := range map[Fault]string{
		FaultNone: "none", FaultRateLimit: "rate_limit", FaultUnavailable: "unavailable", FaultReset: "reset",
		FaultTruncate: "truncate", FaultServerError: "server_error", FaultMalformed: "malformed",
		FaultCutJSON: "cut_json", FaultCutJSONChunked: "cut_json_chunked", Fault(42): "Fault(42)", Fault(-1): "Fault(-1)",
	} {
		if got := f.String(); got != want {
			t.Errorf("Fault(%d).String() = %q, want %q", int(f), got, want)
		}
	}
	if got := (Faults{RetryAfter: 1001 * time.Millisecond}).RetryAfterSeconds(); got != 2 {
		t.Errorf("RetryAfterSeconds = %d, want 2", got)
	}
}

func TestRecordedRequestStringHidesCredentials(t *testing.T) {
	c := StartCisco(t, CiscoOptions{APIKey: "s3cr3t-key", Faults: Faults{Script: []Fault{FaultRateLimit}}})
	get(t, freshClient(), c, "/v1/audit_logs?limit=1")
	reqs := c.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	s := fmt.Sprintf("%v %+v", reqs[0], reqs)
	if strings.Contains(s, "s3cr3t") || strings.Contains(s, "Basic") {
		t.Errorf("credentials printed: %s", s)
	}
	if want := "GET /v1/audit_logs?limit=1 -> 429 (fault rate_limit)"; reqs[0].String() != want {
		t.Errorf("String() = %q, want %q", reqs[0].String(), want)
	}
	// The header is there for tests that check it, and Requests returns copies.
	if id, key, ok := (&http.Request{Header: reqs[0].Header}).BasicAuth(); !ok || id != c.ClientID() || key != "s3cr3t-key" {
		t.Errorf("recorded credentials %q %q %v", id, key, ok)
	}
	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Query.Set("limit", "changed")
	if again := c.Requests()[0]; again.Header.Get("Authorization") == "changed" || again.Query.Get("limit") != "1" {
		t.Error("Requests returned shared state")
	}
	if s := c.Stats(); s.Injected[FaultRateLimit] != 1 {
		t.Errorf("stats %+v", s)
	}
}

// rawResponse is one HTTP/1.1 response as read off the wire, byte for byte.
type rawResponse struct {
	statusLine string
	header     http.Header // as sent, canonical keys
	framing    []byte      // the body's bytes on the wire (with chunk lines when chunked)
	body       []byte      // the body after de-chunking
	eof        bool        // the server closed the connection before the framing ended
}

// readRaw reads one response from br without net/http's help: the status
// line, the headers, then the body by its framing. A connection closed
// before the framing says the body ends sets eof.
func readRaw(t *testing.T, br *bufio.Reader) rawResponse {
	t.Helper()
	var r rawResponse
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("status line: %v", err)
	}
	r.statusLine = strings.TrimRight(line, "\r\n")
	r.header = http.Header{}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("headers: %v", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		r.header.Add(k, strings.TrimSpace(v))
	}
	if r.header.Get("Transfer-Encoding") == "chunked" {
		for {
			sizeLine, err := br.ReadString('\n')
			r.framing = append(r.framing, sizeLine...)
			if err != nil {
				r.eof = true
				return r
			}
			n, err := strconv.ParseInt(strings.TrimRight(sizeLine, "\r\n"), 16, 64)
			if err != nil {
				t.Fatalf("chunk size line %q: %v", sizeLine, err)
			}
			chunk := make([]byte, n+2) // data and CRLF
			k, err := io.ReadFull(br, chunk)
			r.framing = append(r.framing, chunk[:k]...)
			if err != nil {
				r.eof = true
				return r
			}
			if string(chunk[n:]) != "\r\n" {
				t.Fatalf("chunk of %d bytes ends with %q", n, chunk[n:])
			}
			if n == 0 {
				return r
			}
			r.body = append(r.body, chunk[:n]...)
		}
	}
	n, err := strconv.Atoi(r.header.Get("Content-Length"))
	if err != nil {
		t.Fatalf("Content-Length %q: %v", r.header.Get("Content-Length"), err)
	}
	r.body = make([]byte, n)
	k, err := io.ReadFull(br, r.body)
	r.body = r.body[:k]
	r.framing = r.body
	r.eof = err != nil
	return r
}

// TestCutBodyFormsOnTheWire: what each form of a cut body puts on the wire,
// read byte for byte from one keep-alive connection, against the response
// the fake sends without a fault.
func TestCutBodyFormsOnTheWire(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultNone, FaultCutJSON, FaultCutJSONChunked, FaultNone, FaultTruncate}}})
	host := strings.TrimPrefix(c.URL(), "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	req := "GET /v1/audit_logs?limit=7 HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Basic " +
		base64.StdEncoding.EncodeToString([]byte(c.ClientID()+":"+c.APIKey())) + "\r\n\r\n"
	send := func() rawResponse {
		t.Helper()
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatalf("write: %v", err)
		}
		return readRaw(t, br)
	}

	clean := send()
	if clean.statusLine != "HTTP/1.1 200 OK" || clean.eof || !json.Valid(clean.body) || clean.header.Get("Etag") == "" {
		t.Fatalf("clean response: %q eof %v headers %v body %.80s", clean.statusLine, clean.eof, clean.header, clean.body)
	}
	half := clean.body[:len(clean.body)/2]

	// FaultCutJSON: a complete response of exactly the bytes sent.
	cl := send()
	if cl.statusLine != "HTTP/1.1 200 OK" || cl.eof {
		t.Errorf("cut_json: %q, connection closed early %v", cl.statusLine, cl.eof)
	}
	if got := cl.header.Get("Content-Length"); got != strconv.Itoa(len(half)) || cl.header.Get("Transfer-Encoding") != "" {
		t.Errorf("cut_json: Content-Length %q Transfer-Encoding %q, want %d and none", got, cl.header.Get("Transfer-Encoding"), len(half))
	}
	if !bytes.Equal(cl.body, half) {
		t.Errorf("cut_json: body %q, want the first half of the clean body %q", cl.body, half)
	}
	if cl.header.Get("Etag") != "" || cl.header.Get("Content-Type") != clean.header.Get("Content-Type") ||
		cl.header.Get("X-Ratelimit-Limit") != clean.header.Get("X-Ratelimit-Limit") {
		t.Errorf("cut_json: headers %v; want the clean response's, without its ETag", cl.header)
	}

	// FaultCutJSONChunked: the same half, chunked, ended by the last chunk.
	ch := send()
	if ch.statusLine != "HTTP/1.1 200 OK" || ch.eof || ch.header.Get("Transfer-Encoding") != "chunked" || ch.header.Get("Content-Length") != "" {
		t.Errorf("cut_json_chunked: %q eof %v headers %v", ch.statusLine, ch.eof, ch.header)
	}
	if !bytes.Equal(ch.body, half) || !bytes.HasSuffix(ch.framing, []byte("\r\n0\r\n\r\n")) {
		t.Errorf("cut_json_chunked: body %q framing %q; want the first half, then the last chunk", ch.body, ch.framing)
	}

	// The connection survived both: the next request on it is served whole.
	if again := send(); !bytes.Equal(again.body, clean.body) || again.eof {
		t.Errorf("after the cut JSON, the same connection served %q eof %v", again.body, again.eof)
	}

	// FaultTruncate: the full Content-Length promised, half sent, then EOF.
	tr := send()
	if tr.statusLine != "HTTP/1.1 200 OK" || !tr.eof || tr.header.Get("Content-Length") != strconv.Itoa(len(clean.body)) ||
		tr.header.Get("Connection") != "close" || !bytes.Equal(tr.body, half) {
		t.Errorf("truncate: %q eof %v headers %v body %d bytes; want 200, Content-Length %d, half of it, then EOF",
			tr.statusLine, tr.eof, tr.header, len(tr.body), len(clean.body))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the truncation the connection is still open: %v", err)
	}

	wantFaults := []Fault{FaultNone, FaultCutJSON, FaultCutJSONChunked, FaultNone, FaultTruncate}
	for i, r := range c.Requests() {
		if r.Fault != wantFaults[i] || r.Status != 200 {
			t.Errorf("request %d: %v; want fault %v status 200", i, r, wantFaults[i])
		}
	}
	if s := c.Stats(); s.CutBodies() != 3 || s.Served != 2 || s.Injected[FaultCutJSON] != 1 || s.Injected[FaultCutJSONChunked] != 1 || s.Injected[FaultTruncate] != 1 {
		t.Errorf("stats %+v, CutBodies %d", s, s.CutBodies())
	}
}

// TestCutBodyFormsThroughNetHTTP: what a net/http client and encoding/json
// make of each form. Only the connection cut is a read error; the two
// others read without error, and the JSON decoder finds the document ends
// early.
func TestCutBodyFormsThroughNetHTTP(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultNone, FaultTruncate, FaultCutJSON, FaultCutJSONChunked}}})
	client := &http.Client{Transport: &http.Transport{}}
	resp := func() (*http.Response, outcome) {
		req, _ := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_logs?limit=9", nil)
		req.SetBasicAuth(c.ClientID(), c.APIKey())
		r, err := client.Do(req)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer r.Body.Close()
		body, err := io.ReadAll(r.Body)
		return r, outcome{status: r.StatusCode, header: r.Header, body: body, readErr: err}
	}
	_, clean := resp()
	half := clean.body[:len(clean.body)/2]
	decodeErr := func(b []byte) error { return json.NewDecoder(bytes.NewReader(b)).Decode(new(ciscoPage)) }

	r, tr := resp()
	if tr.status != 200 || !errors.Is(tr.readErr, io.ErrUnexpectedEOF) || r.ContentLength != int64(len(clean.body)) || !bytes.Equal(tr.body, half) {
		t.Errorf("truncate: status %d read error %v length %d, %d bytes", tr.status, tr.readErr, r.ContentLength, len(tr.body))
	}
	r, cl := resp()
	if cl.status != 200 || cl.readErr != nil || r.ContentLength != int64(len(half)) || !bytes.Equal(cl.body, half) {
		t.Errorf("cut_json: status %d read error %v length %d, %d bytes", cl.status, cl.readErr, r.ContentLength, len(cl.body))
	}
	r, ch := resp()
	if ch.status != 200 || ch.readErr != nil || r.ContentLength != -1 || !slices.Equal(r.TransferEncoding, []string{"chunked"}) || !bytes.Equal(ch.body, half) {
		t.Errorf("cut_json_chunked: status %d read error %v length %d encoding %v, %d bytes", ch.status, ch.readErr, r.ContentLength, r.TransferEncoding, len(ch.body))
	}
	for name, o := range map[string]outcome{"truncate": tr, "cut_json": cl, "cut_json_chunked": ch} {
		if err := decodeErr(o.body); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: json.Decoder says %v, want io.ErrUnexpectedEOF", name, err)
		}
		var syn *json.SyntaxError
		if err := json.Unmarshal(o.body, new(any)); !errors.As(err, &syn) || syn.Offset != int64(len(half)) {
			t.Errorf("%s: json.Unmarshal says %v, want the end of input at %d", name, err, len(half))
		}
	}
	if err := decodeErr(clean.body); err != nil {
		t.Errorf("clean body: %v", err)
	}
}

// cutFakes starts each of the six fakes with every request cut short
// (Truncate 1) and returns, per vendor, a function sending one request to
// its listing route (without credentials: the fakes cut error bodies too,
// and the forms are the shared server's).
func cutFakes(t *testing.T, seed int64) map[string]interface {
	URL() string
	Stats() Stats
	Requests() []RecordedRequest
} {
	f := Faults{Truncate: 1, Seed: seed}
	return map[string]interface {
		URL() string
		Stats() Stats
		Requests() []RecordedRequest
	}{
		"automox":   StartAutomox(t, AutomoxOptions{Faults: f, Events: GenerateAutomoxEvents(10, 1, time.Unix(1.7e9, 0))}),
		"cisco":     StartCisco(t, CiscoOptions{Faults: f, Events: GenerateCiscoEvents(10, 1, time.Unix(1.7e9, 0))}),
		"entrust":   StartEntrust(t, EntrustOptions{Faults: f, Events: GenerateEntrustEvents(10, 1, time.Unix(1.7e9, 0))}),
		"instavm":   StartInstavm(t, InstavmOptions{Faults: f, Events: GenerateInstavmEvents(10, 1, time.Unix(1.7e9, 0))}),
		"nprinting": StartNPrinting(t, NPrintingOptions{Faults: f, Events: GenerateNPrintingEvents(10, 1, time.Unix(1.7e9, 0))}),
		"tanium":    StartTanium(t, TaniumOptions{Faults: f, Events: GenerateTaniumEvents(10, 1, time.Unix(1.7e9, 0))}),
	}
}

// TestEveryFakeCutsBodiesBothWays: a seed draws both kinds of cut (the
// connection, and the JSON inside complete framing) on every fake, the same
// forms for the same seed, and the client sees each as it should.
func TestEveryFakeCutsBodiesBothWays(t *testing.T) {
	const n = 24
	first := map[string][]Fault{}
	for round := range 2 {
		for name, fake := range cutFakes(t, 5) {
			client := &http.Client{Transport: &http.Transport{}}
			for i := range n {
				resp, err := client.Get(fake.URL() + "/")
				if err != nil {
					t.Fatalf("%s request %d: %v", name, i, err)
				}
				body, readErr := io.ReadAll(resp.Body)
				resp.Body.Close()
				rr := fake.Requests()[i]
				switch rr.Fault {
				case FaultTruncate:
					if !errors.Is(readErr, io.ErrUnexpectedEOF) {
						t.Errorf("%s request %d (%v): read error %v", name, i, rr, readErr)
					}
				case FaultCutJSON, FaultCutJSONChunked:
					chunked := slices.Equal(resp.TransferEncoding, []string{"chunked"})
					if readErr != nil || chunked != (rr.Fault == FaultCutJSONChunked) || !chunked && resp.ContentLength != int64(len(body)) {
						t.Errorf("%s request %d (%v): read error %v, encoding %v, length %d for %d bytes", name, i, rr, readErr, resp.TransferEncoding, resp.ContentLength, len(body))
					}
					if err := json.NewDecoder(bytes.NewReader(body)).Decode(new(any)); len(body) > 0 && !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("%s request %d (%v): body %q decodes with %v, want io.ErrUnexpectedEOF", name, i, rr, body, err)
					}
				default:
					t.Errorf("%s request %d: fault %v, want a cut body", name, i, rr.Fault)
				}
			}
			var got []Fault
			for _, r := range fake.Requests() {
				got = append(got, r.Fault)
			}
			s := fake.Stats()
			if s.CutBodies() != n || s.Injected[FaultTruncate] == 0 || s.Injected[FaultCutJSON] == 0 || s.Injected[FaultCutJSONChunked] == 0 {
				t.Errorf("%s: %v; want all three forms of a cut body", name, s.Injected)
			}
			if round == 0 {
				first[name] = got
			} else if !slices.Equal(first[name], got) {
				t.Errorf("%s: seed 5 drew %v, then %v", name, first[name], got)
			}
		}
	}
}

// TestCutBodyFormShares: of the requests Truncate selects, half cut the
// connection and a quarter each cut the JSON inside a Content-Length or a
// chunked body; the other faults a seed draws are where they were.
func TestCutBodyFormShares(t *testing.T) {
	p := newFaultPicker(Faults{Truncate: 1, Seed: 9})
	count := map[Fault]int{}
	const n = 4000
	for range n {
		count[p.pick("/x")]++
	}
	for f, want := range map[Fault]float64{FaultTruncate: 0.5, FaultCutJSON: 0.25, FaultCutJSONChunked: 0.25} {
		if share := float64(count[f]) / n; math.Abs(share-want) > 0.03 {
			t.Errorf("%v: %d of %d (%.3f), want about %.2f", f, count[f], n, share, want)
		}
	}
	// With other faults mixed in, mapping every cut form back to
	// FaultTruncate gives the sequence of a picker that knows one form:
	// the draw of each request decides both.
	mix := Faults{RateLimit: 0.2, Unavailable: 0.1, Truncate: 0.3, Malformed: 0.1, Seed: 4}
	a, b := newFaultPicker(mix), newFaultPicker(mix)
	forms := 0
	for i := range 500 {
		f := a.pick("/x")
		x := b.rng.Float64() // the same draw, read by hand
		b.decided++
		want := FaultNone
		switch {
		case x < 0.2:
			want = FaultRateLimit
		case x < 0.3:
			want = FaultUnavailable
		case x < 0.6:
			want = FaultTruncate
		case x < 0.7:
			want = FaultMalformed
		}
		if got := f; got.CutBody() {
			forms |= 1 << got
			got = FaultTruncate
			if got != want {
				t.Fatalf("request %d: %v, draw %v", i, f, x)
			}
		} else if got != want {
			t.Fatalf("request %d: %v, draw %v wants %v", i, f, x, want)
		}
	}
	if forms != 1<<FaultTruncate|1<<FaultCutJSON|1<<FaultCutJSONChunked {
		t.Errorf("500 requests with 30%% cut bodies did not draw all three forms: %b", forms)
	}
}
