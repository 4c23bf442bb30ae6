package audittest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
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
		FaultTruncate: "truncate", FaultServerError: "server_error", FaultMalformed: "malformed", Fault(42): "Fault(42)", Fault(-1): "Fault(-1)",
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
