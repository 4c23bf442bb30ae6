package audittest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// freshClient returns a client that opens a new connection per request.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func faultSequence(t *testing.T, f Faults, n int) (out []Fault) {
	c := StartCisco(t, CiscoOptions{Faults: f, Events: GenerateCiscoEvents(30, 1, time.Unix(1e9, 0))})
	for client := freshClient(); n > 0; n-- {
		try(t, client, c.URL(), req{path: "/v1/audit_logs?limit=5"}, ciscoKit.auth(t, ciscoConn(c)))
	}
	for _, r := range c.Requests() {
		out = append(out, r.Fault)
	}
	return out
}

// The same seed draws the same faults, another seed others; a script runs
// before the probabilities, and does not shift them; a server given
// invalid Faults still works, clamped.
func TestFaultProbabilitiesAreDeterministic(t *testing.T) {
	f := Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.1, Truncate: 0.1, ServerError: 0.05, Malformed: 0.05, Seed: 42}
	a := faultSequence(t, f, 80)
	if b := faultSequence(t, f, 80); !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	for _, k := range []Fault{FaultNone, FaultRateLimit, FaultUnavailable, FaultReset, FaultTruncate} {
		if !slices.Contains(a, k) {
			t.Errorf("80 requests and no %v: %v", k, a)
		}
	}
	if c := faultSequence(t, Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.1, Truncate: 0.1, ServerError: 0.05, Malformed: 0.05, Seed: 43}, 80); slices.Equal(a, c) {
		t.Error("seeds 42 and 43 give the same faults")
	}
	f.Script = []Fault{FaultServerError, FaultServerError}
	if s := faultSequence(t, f, 82); !slices.Equal(s[:2], f.Script) || !slices.Equal(s[2:], a) {
		t.Errorf("script then probabilities: %v", s)
	}
	if got, want := faultSequence(t, Faults{RateLimit: 5, Unavailable: -1, Script: []Fault{Fault(-3)}}, 4), []Fault{FaultNone, FaultRateLimit, FaultRateLimit, FaultRateLimit}; !slices.Equal(got, want) {
		t.Errorf("clamped: got %v, want %v", got, want)
	}
}

func TestFaultOnlyPaths(t *testing.T) {
	c := StartCisco(t, CiscoOptions{Faults: Faults{Script: []Fault{FaultUnavailable, FaultUnavailable}, OnlyPaths: []string{"/v1/audit_log_types"}}, BasePath: "/p"})
	client := freshClient()
	for i, path := range []string{"audit_logs", "audit_log_types", "audit_logs", "audit_log_types", "audit_log_types"} {
		if o, want := try(t, client, c.URL(), req{path: "/v1/" + path}, ciscoKit.auth(t, ciscoConn(c))), []int{200, 503, 200, 503, 200}[i]; o.status != want { // the last after the script
			t.Errorf("request %d to %s: %d, want %d", i, path, o.status, want)
		}
	}
}

func TestFaultsValidateAndString(t *testing.T) {
	for f, wantErr := range map[*Faults]string{
		{}: "", {RateLimit: 0.5, Unavailable: 0.5}: "", {RateLimit: 1}: "", {RateLimit: -0.1}: "rate_limit", {Truncate: 1.5}: "truncate",
		{Reset: math.NaN()}: "reset", {RateLimit: 0.6, Malformed: 0.6}: "sum", {Script: []Fault{FaultNone, Fault(99)}}: "Script[1]", {RetryAfter: -time.Second}: "RetryAfter",
	} {
		if err := f.Validate(); wantErr == "" && err != nil || wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%+v: Validate() = %v, want error containing %q", *f, err, wantErr)
		}
	}
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

// rawResponse is one HTTP/1.1 response as read off the wire, byte for byte.
type rawResponse struct {
	statusLine string
	header     textproto.MIMEHeader // as sent, canonical keys
	framing    []byte               // the body's bytes on the wire (with chunk lines when chunked)
	body       []byte               // the body after de-chunking
	eof        bool                 // the server closed the connection before the framing ended
}

// readRaw reads one response from br without net/http's help: the status
// line, the headers, then the body by its framing. A connection closed
// before the framing says the body ends sets eof.
func readRaw(t *testing.T, br *bufio.Reader) (r rawResponse) {
	t.Helper()
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if r.statusLine = line; err != nil {
		t.Fatalf("status line: %v", err)
	}
	if r.header, err = tp.ReadMIMEHeader(); err != nil {
		t.Fatalf("headers: %v", err)
	}
	if r.header.Get("Transfer-Encoding") != "chunked" {
		n, err := strconv.Atoi(r.header.Get("Content-Length"))
		if err != nil {
			t.Fatalf("Content-Length %q: %v", r.header.Get("Content-Length"), err)
		}
		r.body = make([]byte, n)
		k, err := io.ReadFull(br, r.body)
		r.body, r.framing, r.eof = r.body[:k], r.body[:k], err != nil
		return r
	}
	for {
		sizeLine, err := br.ReadString('\n')
		if r.framing, r.eof = append(r.framing, sizeLine...), err != nil; r.eof {
			return r
		}
		n, err := strconv.ParseInt(strings.TrimRight(sizeLine, "\r\n"), 16, 64)
		if err != nil {
			t.Fatalf("chunk size line %q: %v", sizeLine, err)
		}
		chunk := make([]byte, n+2) // data and CRLF
		k, err := io.ReadFull(br, chunk)
		if r.framing, r.eof = append(r.framing, chunk[:k]...), err != nil; r.eof {
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
	send := func() rawResponse {
		t.Helper()
		if _, err := io.WriteString(conn, "GET /v1/audit_logs?limit=7 HTTP/1.1\r\nHost: "+host+"\r\nAuthorization: "+basic(c.ClientID(), c.APIKey())+"\r\n\r\n"); err != nil {
			t.Fatalf("write: %v", err)
		}
		return readRaw(t, br)
	}
	clean := send()
	if clean.statusLine != "HTTP/1.1 200 OK" || clean.eof || !json.Valid(clean.body) || clean.header.Get("Etag") == "" {
		t.Fatalf("clean response: %q eof %v headers %v body %.80s", clean.statusLine, clean.eof, clean.header, clean.body)
	}
	half := clean.body[:len(clean.body)/2]
	// FaultCutJSON: a complete response of exactly the bytes sent, with the
	// clean response's headers but its ETag.
	if cl := send(); cl.statusLine != "HTTP/1.1 200 OK" || cl.eof || cl.header.Get("Content-Length") != strconv.Itoa(len(half)) || cl.header.Get("Transfer-Encoding") != "" ||
		!bytes.Equal(cl.body, half) || cl.header.Get("Etag") != "" || cl.header.Get("Content-Type") != clean.header.Get("Content-Type") ||
		cl.header.Get("X-Ratelimit-Limit") != clean.header.Get("X-Ratelimit-Limit") {
		t.Errorf("cut_json: %q eof %v headers %v body %q; want Content-Length %d, no Transfer-Encoding, the first half of %q", cl.statusLine, cl.eof, cl.header, cl.body, len(half), clean.body)
	}
	// FaultCutJSONChunked: the same half, chunked, ended by the last chunk.
	if ch := send(); ch.statusLine != "HTTP/1.1 200 OK" || ch.eof || ch.header.Get("Transfer-Encoding") != "chunked" || ch.header.Get("Content-Length") != "" ||
		!bytes.Equal(ch.body, half) || !bytes.HasSuffix(ch.framing, []byte("\r\n0\r\n\r\n")) {
		t.Errorf("cut_json_chunked: %q eof %v headers %v body %q framing %q; want the first half, then the last chunk", ch.statusLine, ch.eof, ch.header, ch.body, ch.framing)
	}
	// The connection survived both: the next request on it is served whole.
	if again := send(); !bytes.Equal(again.body, clean.body) || again.eof {
		t.Errorf("after the cut JSON, the same connection served %q eof %v", again.body, again.eof)
	}
	// FaultTruncate: the full Content-Length promised, half sent, then EOF.
	if tr := send(); tr.statusLine != "HTTP/1.1 200 OK" || !tr.eof || tr.header.Get("Content-Length") != strconv.Itoa(len(clean.body)) ||
		tr.header.Get("Connection") != "close" || !bytes.Equal(tr.body, half) {
		t.Errorf("truncate: %q eof %v headers %v body %d bytes; want 200, Content-Length %d, half of it, then EOF", tr.statusLine, tr.eof, tr.header, len(tr.body), len(clean.body))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the truncation the connection is still open: %v", err)
	}
	for i, r := range recorded(c) {
		if want := []Fault{FaultNone, FaultCutJSON, FaultCutJSONChunked, FaultNone, FaultTruncate}[i]; r.Fault != want || r.Status != 200 {
			t.Errorf("request %d: %v; want fault %v status 200", i, r, want)
		}
	}
	if s := c.Stats(); s.CutBodies() != 3 || s.Served != 2 || s.Injected[FaultCutJSON] != 1 || s.Injected[FaultCutJSONChunked] != 1 || s.Injected[FaultTruncate] != 1 {
		t.Errorf("stats %+v, CutBodies %d", s, s.CutBodies())
	}
}

// TestEveryFakeCutsBodiesBothWays: a seed draws both kinds of cut (the
// connection, and the JSON inside complete framing) on every fake, the same
// forms for the same seed (what a client sees of each form: see
// TestFakesInjectFaults).
func TestEveryFakeCutsBodiesBothWays(t *testing.T) {
	first := map[string][]Fault{}
	for round := range 2 {
		for _, k := range kits {
			// Without credentials: the fakes cut error bodies too.
			fake, client := k.start(t, kitOpts{faults: Faults{Truncate: 1, Seed: 5}, events: k.gen(10, 1, time.Unix(1.7e9, 0))}), &http.Client{Transport: &http.Transport{}}
			for i := range 24 {
				if o := try(t, client, fake.url, req{path: "/"}, nil); o.connErr != nil || o.status == 0 {
					t.Fatalf("%s request %d: %v", k.name, i, o.connErr)
				}
			}
			var got []Fault
			for _, r := range recorded(fake.srv) {
				if got = append(got, r.Fault); !r.Fault.CutBody() {
					t.Errorf("%s: %v, want a cut body", k.name, r)
				}
			}
			if s := fake.srv.Stats(); s.CutBodies() != 24 || s.Injected[FaultTruncate] == 0 || s.Injected[FaultCutJSON] == 0 || s.Injected[FaultCutJSONChunked] == 0 {
				t.Errorf("%s: %v; want all three forms of a cut body", k.name, s.Injected)
			}
			if round == 0 {
				first[k.name] = got
			} else if !slices.Equal(first[k.name], got) {
				t.Errorf("%s: seed 5 drew %v, then %v", k.name, first[k.name], got)
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
		for _, th := range []struct {
			below float64
			f     Fault
		}{{0.2, FaultRateLimit}, {0.3, FaultUnavailable}, {0.6, FaultTruncate}, {0.7, FaultMalformed}} {
			if want == FaultNone && x < th.below {
				want = th.f
			}
		}
		if f.CutBody() {
			forms |= 1 << f
		}
		if got := map[bool]Fault{true: FaultTruncate, false: f}[f.CutBody()]; got != want {
			t.Fatalf("request %d: %v, draw %v wants %v", i, f, x, want)
		}
	}
	if forms != 1<<FaultTruncate|1<<FaultCutJSON|1<<FaultCutJSONChunked {
		t.Errorf("500 requests with 30%% cut bodies did not draw all three forms: %b", forms)
	}
}
