package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// A toxic is one of toxiproxy's toxics as its HTTP API takes it: a type
// (such as "latency"), the stream it acts on ("downstream" is what the
// server sends) and its attributes.
type toxic struct {
	Type       string         `json:"type"`
	Stream     string         `json:"stream"`
	Attributes map[string]any `json:"attributes"`
}

// A route is one toxiproxy proxy in front of the fake, with its toxics
// (toxicity 1: every connection through it gets them all). kind names the
// fault the route stands for in the figures; weight is its share of the
// connections the client opens.
type route struct {
	kind   string
	weight float64
	toxics []toxic
}

// jitter is the latency every route adds on the way back: toxiproxy's
// latency toxic, 4ms ± 3ms per chunk.
var jitter = toxic{"latency", "downstream", map[string]any{"latency": 4, "jitter": 3}}

// routes are the network's faults, each a route of toxiproxy's toxics on top
// of jitter. Of every connection the client opens, the share given by
// weight goes through each; the rest ("latency") gets jitter alone.
//
//   - bandwidth: the response trickles at 256 KB/s;
//   - slicer: the response arrives in slices of 64 to 448 bytes, 100µs
//     apart, so that reads end at arbitrary bytes;
//   - slow_close: the server's close reaches the client 250ms late;
//   - limit_data: the connection is closed after 300, 1500 or 6000 bytes of
//     response (in the headers, or in the body: a body cut at the TCP level,
//     whatever its framing says);
//   - reset_peer: the connection is reset (RST) as the response's first byte
//     would arrive, or 3ms after;
//   - timeout: the request never reaches the server, so no response ever
//     comes, and the connection stays open: the client must give up by its
//     own response-header timeout and retry. (On the downstream, the toxic
//     would only swallow a response whose server then closes the
//     connection, which the proxy passes on at once: an early EOF, not a
//     hang.)
var routes = []route{
	{"latency", 0, nil},
	{"bandwidth", 0.06, []toxic{{"bandwidth", "downstream", map[string]any{"rate": 256}}}},
	{"slicer", 0.06, []toxic{{"slicer", "downstream", map[string]any{"average_size": 256, "size_variation": 192, "delay": 100}}}},
	{"slow_close", 0.04, []toxic{{"slow_close", "downstream", map[string]any{"delay": 250}}}},
	{"limit_data", 0.01, []toxic{{"limit_data", "downstream", map[string]any{"bytes": 300}}}},
	{"limit_data", 0.01, []toxic{{"limit_data", "downstream", map[string]any{"bytes": 1500}}}},
	{"limit_data", 0.01, []toxic{{"limit_data", "downstream", map[string]any{"bytes": 6000}}}},
	{"reset_peer", 0.015, []toxic{{"reset_peer", "downstream", map[string]any{"timeout": 0}}}},
	{"reset_peer", 0.015, []toxic{{"reset_peer", "downstream", map[string]any{"timeout": 3}}}},
	{"timeout", 0.01, []toxic{{"timeout", "upstream", map[string]any{"timeout": 0}}}},
}

// network is toxiproxy's server, in process, with one proxy per route, all
// to one fake. Its dial sends each connection the client opens through one
// route, drawn from a seeded generator after the scripted ones, and counts
// the connections per kind. Safe for concurrent use.
type network struct {
	srv     *toxiproxy.ApiServer
	routes  []route
	front   string   // the address the client is pointed at: the first route's
	listens []string // the listen address of each route, as routes

	mu     sync.Mutex
	rng    *rand.Rand
	script []int // route indexes of the first connections
	dials  map[string]int
}

func init() {
	// toxiproxy logs every connection; the figures are what counts here.
	zerolog.SetGlobalLevel(zerolog.Disabled)
}

// newNetwork starts a toxiproxy proxy per route of rs to upstream
// (host:port) on loopback, and stops them when tb ends. The first
// connections go through the routes of scriptKinds, in order; the others are
// drawn from seed by the routes' weights, the first route taking what the
// weights leave.
func newNetwork(tb testing.TB, upstream string, seed uint64, rs []route, scriptKinds ...string) *network {
	tb.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	n := &network{srv: srv, routes: rs, rng: rand.New(rand.NewPCG(seed, 0x5eed)), dials: map[string]int{}}
	tb.Cleanup(func() { _ = srv.Collection.Clear() })
	for i, r := range rs {
		p := toxiproxy.NewProxy(srv, fmt.Sprintf("%s-%d", r.kind, i), "127.0.0.1:0", upstream)
		if err := srv.Collection.Add(p, true); err != nil {
			tb.Fatalf("toxiproxy: starting proxy %s: %v", p.Name, err)
		}
		for j, tx := range append([]toxic{jitter}, r.toxics...) {
			body := fmt.Sprintf(`{"name":"%s-%d","type":%q,"stream":%q,"toxicity":1,"attributes":%s}`,
				tx.Type, j, tx.Type, tx.Stream, mustJSON(tb, tx.Attributes))
			if _, err := p.Toxics.AddToxicJson(strings.NewReader(body)); err != nil {
				tb.Fatalf("toxiproxy: adding %s to %s: %v", body, p.Name, err)
			}
		}
		n.listens = append(n.listens, p.Listen)
	}
	n.front = n.listens[0]
	for _, k := range scriptKinds {
		i := slices.IndexFunc(rs, func(r route) bool { return r.kind == k })
		if i < 0 {
			tb.Fatalf("no route of kind %q", k)
		}
		n.script = append(n.script, i)
	}
	return n
}

// pick returns the route of the next connection.
func (n *network) pick() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	i := 0
	if len(n.script) > 0 {
		i, n.script = n.script[0], n.script[1:]
	} else {
		x := n.rng.Float64()
		for j, r := range n.routes {
			if x < r.weight {
				i = j
				break
			}
			x -= r.weight
		}
	}
	n.dials[n.routes[i].kind]++
	return i
}

// dial opens a connection to the front address through the route pick
// draws; any other address is refused, so that nothing leaves loopback.
func (n *network) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != n.front {
		return nil, fmt.Errorf("soak: dial %s: only the proxy %s is reachable", addr, n.front)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, n.listens[n.pick()])
}

// client returns an HTTP client whose connections go through the network.
func (n *network) client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         n.dial,
		MaxIdleConnsPerHost: 8,
		DisableCompression:  true,
	}}
}

// baseURL returns fakeURL (http://host:port/path) with host:port replaced
// by the proxy's front address.
func (n *network) baseURL(tb testing.TB, fakeURL string) string {
	tb.Helper()
	rest, ok := strings.CutPrefix(fakeURL, "http://")
	if !ok {
		tb.Fatalf("fake URL %q is not http", fakeURL)
	}
	_, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return "http://" + n.front + path
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// connections returns the connections opened so far per route kind.
func (n *network) connections() map[string]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[string]int, len(n.dials))
	for k, v := range n.dials {
		out[k] = v
	}
	return out
}
