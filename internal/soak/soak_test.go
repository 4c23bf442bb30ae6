package soak

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
)

var (
	soakFlag = flag.Bool("soak", false, "run the long form of TestSoak: 10,000 events per vendor (also AUDITKIT_SOAK=1)")
	soakSeed = flag.Uint64("soak.seed", 1, "seed of the fakes' faults and of the routes through toxiproxy")
)

// long reports whether the long form runs.
func long() bool { return *soakFlag || os.Getenv("AUDITKIT_SOAK") == "1" }

// The client's retry policy: generous and fast, and finite. A call gives up
// after maxAttempts attempts, and the client after its budget of
// budgetTokens (a retry after a reset, timeout or cut body costs 10, others
// 5; a success puts 1 back).
const (
	maxAttempts  = 20
	budgetTokens = 5000
	// headerWait and readWait are the client's timeouts (WithTimeouts): a
	// timeout toxic costs one of them, then a retry.
	headerWait = 1500 * time.Millisecond
	readWait   = 1500 * time.Millisecond
)

// faultMix is the mix of the independent simulator, at the HTTP
// level: 10% 429, 5% 503, 3% connection resets and 3% cut bodies (in every
// form: the connection cut mid-body, or complete framing with the JSON
// cut). The first six requests get one fault of each kind.
//
// A fake that can reset connections closes every one after its response
// (see audittest.Faults), so each request opens a connection of its own
// through toxiproxy. With keepAlive the fake resets none (toxiproxy's
// reset_peer still does) and keeps connections open: a connection's toxics
// then meet several requests, and a connection left usable by a cut JSON
// body or an error response carries the next request.
func faultMix(seed uint64, keepAlive bool) audittest.Faults {
	f := audittest.Faults{
		RateLimit: 0.10, Unavailable: 0.05, Reset: 0.03, Truncate: 0.03, Seed: int64(seed),
		Script: []audittest.Fault{audittest.FaultRateLimit, audittest.FaultUnavailable, audittest.FaultReset,
			audittest.FaultTruncate, audittest.FaultCutJSON, audittest.FaultCutJSONChunked},
	}
	if keepAlive {
		f.Reset = 0
		f.Script = slices.DeleteFunc(f.Script, func(x audittest.Fault) bool { return x == audittest.FaultReset })
	}
	return f
}

// scriptedRoutes are the first connections' routes: one of each toxic, so
// that even a short walk meets them all.
var scriptedRoutes = []string{"reset_peer", "limit_data", "timeout", "slicer", "bandwidth", "slow_close"}

// clientOptions are the options of a client under test: its HTTP client
// (the network's), the retry policy above with
// budget, and short timeouts.
func clientOptions(hc *http.Client, budget *auditclient.RetryBudget) []auditclient.Option {
	return []auditclient.Option{
		auditclient.WithHTTPClient(hc),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{
			MaxAttempts: maxAttempts,
			BaseDelay:   2 * time.Millisecond,
			MaxDelay:    50 * time.Millisecond,
			Budget:      budget,
		}),
		auditclient.WithTimeouts(headerWait, readWait),
	}
}

// figures are one vendor's soak results: the events yielded and expected,
// the faults the fake injected by kind, the connections through each
// toxiproxy route by its toxic, the client's requests and retries, the
// events lost and repeated (as multisets) and whether the walk was the
// clean walk record for record, the retry tokens left, the walk's time
// and its error.
type figures struct {
	vendor         string
	events, want   int
	fakeFaults     map[audittest.Fault]int
	connections    map[string]int
	requests       int64 // the client's attempts
	retries        int64
	lost, repeated int
	inOrder        bool
	budgetLeft     int
	took           time.Duration
	err            error
}

func (f figures) String() string {
	var ff []string
	for _, k := range slices.Sorted(maps.Keys(f.fakeFaults)) {
		ff = append(ff, fmt.Sprintf("%v=%d", k, f.fakeFaults[k]))
	}
	var tx []string
	for _, k := range slices.Sorted(maps.Keys(f.connections)) {
		tx = append(tx, fmt.Sprintf("%s=%d", k, f.connections[k]))
	}
	return fmt.Sprintf("%-9s events=%d/%d fake[%s] toxiproxy-connections[%s] requests=%d retries=%d lost=%d repeated=%d in-order=%v budget-left=%d time=%v err=%v",
		f.vendor, f.events, f.want, strings.Join(ff, " "), strings.Join(tx, " "), f.requests, f.retries,
		f.lost, f.repeated, f.inOrder, f.budgetLeft, f.took.Round(time.Millisecond), f.err)
}

// upstream returns the host:port of a fake's URL.
func upstream(tb testing.TB, fakeURL string) string {
	tb.Helper()
	rest, ok := strings.CutPrefix(fakeURL, "http://")
	if !ok {
		tb.Fatalf("fake URL %q is not http", fakeURL)
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// soak walks v's fake of n records twice: cleanly and directly, then
// through toxiproxy with the fake's faults on, and compares the two walks.
func soak(t *testing.T, v vendor, n int, seed uint64, keepAlive bool, deadline time.Duration) figures {
	f := v.start(n)
	t.Cleanup(f.Close)

	// The reference: the same fake, no fault, no proxy.
	clean := v.client(t, f, f.URL(), 0, clientOptions(http.DefaultClient, auditclient.NewRetryBudget(budgetTokens, 5, 10))...)
	it := clean.events(context.Background())
	want := walktest.Collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatalf("clean walk: %v", err)
	}
	it.Close()
	if len(want) != n {
		t.Fatalf("the clean walk yielded %d of the %d records", len(want), n)
	}

	f.SetFaults(faultMix(seed, keepAlive))
	net := newNetwork(t, upstream(t, f.URL()), seed, routes, scriptedRoutes...)
	budget := auditclient.NewRetryBudget(budgetTokens, 5, 10)
	w := v.client(t, f, net.baseURL(t, f.URL()), 0, clientOptions(net.client(), budget)...)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	it = w.events(ctx)
	got := walktest.Collect(t, it, -1)
	err := it.Err()
	it.Close()
	took := time.Since(start)

	repeated, lost := walktest.Tally(got, want)
	st, cs := f.Stats(), w.http.Stats()
	fig := figures{
		vendor: v.name, events: len(got), want: len(want), fakeFaults: st.Injected, connections: net.connections(),
		requests: cs.Requests, retries: cs.Retries, lost: lost, repeated: repeated, inOrder: slices.Equal(got, want),
		budgetLeft: budget.Available(), took: took, err: err,
	}
	t.Log(fig)

	if err != nil {
		t.Errorf("walk through toxiproxy failed: %v", err)
	}
	if lost != 0 || repeated != 0 {
		t.Errorf("%d events lost, %d repeated", lost, repeated)
	}
	walktest.Diff(t, got, want)
	for _, k := range faultMix(seed, keepAlive).Script {
		if st.Injected[k] == 0 {
			t.Errorf("the fake injected no %v: %v", k, st.Injected)
		}
	}
	// The first connections go through one toxic each; with keep-alive a
	// short walk may not need as many connections.
	for _, k := range scriptedRoutes {
		if !keepAlive && fig.connections[k] == 0 {
			t.Errorf("no connection through the %s toxic: %v", k, fig.connections)
		}
	}
	if cs.Retries == 0 || cs.Retries > int64(maxAttempts-1)*(cs.Requests-cs.Retries) {
		t.Errorf("client: %d requests, %d retries", cs.Requests, cs.Retries)
	}
	return fig
}

// TestSoak walks every vendor's fake through toxiproxy: a few hundred
// records in plain go test, 10,000 with -soak or AUDITKIT_SOAK=1. Every
// event must arrive exactly once and in order. It runs twice: with a
// connection per request (the fake's resets close every connection), and
// with keep-alive connections.
func TestSoak(t *testing.T) {
	n, deadline := 300, 2*time.Minute
	if long() {
		n, deadline = 10000, 20*time.Minute
	}
	for _, keepAlive := range []bool{false, true} {
		mode := "connection per request"
		if keepAlive {
			mode = "keep-alive"
		}
		var all []figures
		for i, v := range vendors {
			t.Run(fmt.Sprintf("%s/keepalive=%v", v.name, keepAlive), func(t *testing.T) {
				all = append(all, soak(t, v, n, *soakSeed+uint64(i), keepAlive, deadline))
			})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "soak, %s, %d records per vendor, seed %d:\n", mode, n, *soakSeed)
		for _, f := range all {
			fmt.Fprintln(&b, f)
		}
		t.Log(b.String())
	}
}

// TestRetryBudgetEndsAHopelessWalk: the policy, not luck, bounds a walk.
// Through a proxy that resets every connection, every vendor's walk fails
// after exactly maxAttempts attempts; with a budget of 30 tokens (three
// retries after a reset), after exactly four, with ErrRetryBudgetExhausted.
// (Fetching one day or object at a time, so that one call fails.)
func TestRetryBudgetEndsAHopelessWalk(t *testing.T) {
	reset := []route{{"reset_peer", 1, []toxic{{"reset_peer", "downstream", map[string]any{"timeout": 0}}}}}
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			f := v.start(50)
			t.Cleanup(f.Close)
			for _, tc := range []struct {
				budget       int
				wantRequests int64
				exhausted    bool
			}{
				{budgetTokens, maxAttempts, false},
				{30, 4, true},
			} {
				net := newNetwork(t, upstream(t, f.URL()), 1, reset)
				w := v.client(t, f, net.baseURL(t, f.URL()), 1, clientOptions(net.client(), auditclient.NewRetryBudget(tc.budget, 5, 10))...)
				it := w.events(context.Background())
				got := walktest.Collect(t, it, -1)
				err := it.Err()
				it.Close()
				cs := w.http.Stats()
				if len(got) != 0 || err == nil || cs.Requests != tc.wantRequests || errors.Is(err, auditclient.ErrRetryBudgetExhausted) != tc.exhausted {
					t.Errorf("budget %d: %d events, %d requests (want %d), error %v (budget exhausted: want %v)",
						tc.budget, len(got), cs.Requests, tc.wantRequests, err, tc.exhausted)
				}
				if c := net.connections()["reset_peer"]; int64(c) != cs.Requests {
					t.Errorf("budget %d: %d connections through reset_peer for %d requests", tc.budget, c, cs.Requests)
				}
			}
		})
	}
}
