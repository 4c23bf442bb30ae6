// Command fanin merges the audit logs of all six vendors of auditkit into
// one stream of OCSF events ordered by event time, newest first, as a SIEM
// forwarder would. It takes the vendors from the vendors registry and, for
// each, starts its built-in fake (audittest.StartDemo, a generated data set
// ending at -now) and its walks by name (vendors.Open), and merges them with
// a k-way merge on event time that holds one event per input.
//
// # Order, and what it costs
//
// A k-way merge is exact only if every input is already sorted the way the
// merge emits. fanin asks each vendor for newest first where the registry
// says the vendor can serve it; the others it sorts itself, in a buffer,
// slice by slice where their API lets it read the window in slices, so it
// buffers as little as each vendor's order allows:
//
//   - cisco, instavm: newest first is their only order (UNCONFIRMED
//     against the real APIs: their documents do not say; see OrderNote),
//     entrust: newest first on request (eventTime descending). Streamed as
//     served, nothing buffered: fanin holds their next event only.
//   - automox: oldest first only, day by day (the API reads one UTC day
//     per request and has no parameter to reverse it). fanin walks the
//     window one UTC day at a time, the newest day first, and sorts each
//     day: it buffers one day's events at most, never the window. A finer
//     slice would buffer less but read every day once per slice.
//   - nprinting: the server's own order only, which the document never
//     states (the fake happens to send newest first; fanin does not rely
//     on it). Its API takes start and end, so fanin walks the window in
//     slices of -slice (1h by default), newest first, and sorts each: it
//     buffers one slice at most, at the price of one request (at least)
//     per slice, 168 for the default week. A smaller -slice buffers less
//     and sends more requests.
//   - tanium: object by object, each history as the server sends it: no
//     time order across objects, and none confirmed within one. The API
//     returns an object's history in one response and the SDK applies the
//     window to it, so slices would read every history again for each
//     slice: fanin reads the window once and sorts it, and so buffers every
//     Tanium event of the window (bounded by the window, not by anything
//     smaller). Nothing less is exact: the newest event may be the last
//     one of the last object.
//
// With the defaults (1000 events per fake, the week before -now, 1h
// slices), the run reproduced exactly by
//
//	go run ./examples/fanin -now 2026-01-01T00:00:00Z > merged.ndjson
//
// merges 6000 events, 0 out of order, and buffers (the test checks these
// lines):
//
//	fanin: automox   1000 events, buffered  340: oldest first; 7 slices of 24h, each sorted
//	fanin: cisco     1000 events, buffered    0: newest first as served
//	fanin: entrust   1000 events, buffered    0: newest first as served
//	fanin: instavm   1000 events, buffered    0: newest first as served
//	fanin: nprinting 1000 events, buffered   34: no known time order; 168 slices of 1h, each sorted
//	fanin: tanium    1000 events, buffered 1000: no known time order; the whole window, sorted
//
// "buffered" is the most events fanin held at once in a vendor's sort
// buffer, besides the one event per input the merge holds (the SDK's walks
// hold the pages they fetch besides). Here that is at most 1374 events
// (340 + 34 + 1000) of the 6000, where sorting the three vendors' windows
// whole would hold 3000; automox's 340 are its busiest UTC day, nprinting's
// 34 its busiest hour. The merge still checks every input: an event newer
// than the one its input gave before is counted "out of order" (it would
// mean a vendor's stated order is wrong, e.g. Cisco's or InstaVM's), and
// emitted at once rather than hidden.
//
// The window is [-now minus -since, -now), a week by default; it cannot be
// unbounded, since the slices need a start.
//
// Other runs:
//
//	go run ./examples/fanin -since 6h -faults | python3 ../shared/ocsf/validate.py
//	go run ./examples/fanin -slice 10m -events 3000
package main

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/examples/internal/exampleutil"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

func main() { exampleutil.Main("fanin", run) }

// Stream is what Merge reads: the Next, Event, Err and Close of a walk. An
// auditclient.Iterator is one, and so is a *Sorted.
type Stream interface {
	Next() bool
	Event() ocsf.Event
	Err() error
	Close() error
}

// Source is one input of Merge.
type Source struct {
	Vendor string
	Events Stream
}

// Stats counts what Merge did.
type Stats struct {
	Events     map[string]int // events emitted, by vendor
	OutOfOrder int            // events newer than the one their source gave before
}

// Merge emits the events of every source, newest first, until all are
// exhausted, one of them fails, or emit returns an error. It holds one
// event per source. Each source must list its events newest first; an
// event that does not is still emitted, at once, and counted in
// Stats.OutOfOrder. Merge closes the sources.
func Merge(srcs []Source, emit func(vendor string, ev ocsf.Event) error) (Stats, error) {
	st := Stats{Events: map[string]int{}}
	h := &heads{}
	defer func() {
		for _, s := range srcs {
			s.Events.Close()
		}
	}()
	// advance reads the next event of source i into the heap.
	advance := func(i int) error {
		it := srcs[i].Events
		if it.Next() {
			heap.Push(h, head{src: i, vendor: srcs[i].Vendor, ev: it.Event()})
			return nil
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("%s: %w", srcs[i].Vendor, err)
		}
		return nil
	}
	for i := range srcs {
		if err := advance(i); err != nil {
			return st, err
		}
	}
	for h.Len() > 0 {
		top := heap.Pop(h).(head)
		if err := emit(top.vendor, top.ev); err != nil {
			return st, err
		}
		st.Events[top.vendor]++
		if err := advance(top.src); err != nil {
			return st, err
		}
		if h.Len() > 0 {
			// The source's next event, if it is now the newest of all,
			// broke its own order: it is newer than the one just emitted.
			if n := (*h)[0]; n.src == top.src && n.ev.Time.After(top.ev.Time) {
				st.OutOfOrder++
			}
		}
	}
	return st, nil
}

// head is the next event of one source.
type head struct {
	src    int
	vendor string
	ev     ocsf.Event
}

// heads is a max-heap on event time; ties go to the vendor named first in
// alphabetical order, then to the event uid, so the merge is deterministic.
type heads []head

func (h heads) Len() int { return len(h) }
func (h heads) Less(i, j int) bool {
	if c := h[i].ev.Time.Compare(h[j].ev.Time); c != 0 {
		return c > 0
	}
	return cmp.Or(cmp.Compare(h[i].vendor, h[j].vendor), cmp.Compare(h[i].ev.Metadata.UID, h[j].ev.Metadata.UID)) < 0
}
func (h heads) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heads) Push(x any)   { *h = append(*h, x.(head)) }
func (h *heads) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Sorted is a Stream of one vendor's events newest first, made of walks
// that are not: it reads the window one slice at a time, the newest slice
// first, each slice's walk to its end, and sorts the slice (by time, newest
// first, then by uid). It opens a slice only when the one before is used
// up, so it holds one slice's events at most.
type Sorted struct {
	open  func(since, until time.Time) (Stream, error)
	edges []time.Time // slice bounds, newest first
	next  int         // the next slice is [edges[next+1], edges[next])
	buf   []ocsf.Event
	i     int // buf[i-1] is the current event
	err   error

	// Peak is the most events held at once: the largest slice read.
	Peak int
	// Slices is the number of slices read.
	Slices int
}

// NewSorted returns the Sorted stream of [since, until) in slices of
// length slice (see Slices), each read by a walk from open.
func NewSorted(since, until time.Time, slice time.Duration, open func(since, until time.Time) (Stream, error)) *Sorted {
	return &Sorted{open: open, edges: Slices(since, until, slice)}
}

// Next advances to the next event, reading the next slice when the current
// one is used up.
func (s *Sorted) Next() bool {
	for s.i >= len(s.buf) {
		if s.err != nil || s.next+1 >= len(s.edges) {
			return false
		}
		s.err = s.load(s.edges[s.next+1], s.edges[s.next])
		s.next++
	}
	s.i++
	return true
}

// load reads the walk of [since, until) into the buffer, sorted.
func (s *Sorted) load(since, until time.Time) error {
	s.buf, s.i = s.buf[:0], 0
	w, err := s.open(since, until)
	if err != nil {
		return err
	}
	defer w.Close()
	for w.Next() {
		s.buf = append(s.buf, w.Event())
	}
	if err := w.Err(); err != nil {
		s.buf = s.buf[:0]
		return err
	}
	slices.SortFunc(s.buf, func(a, b ocsf.Event) int {
		return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(a.Metadata.UID, b.Metadata.UID))
	})
	s.Peak = max(s.Peak, len(s.buf))
	s.Slices++
	return nil
}

// Event returns the event Next advanced to.
func (s *Sorted) Event() ocsf.Event { return s.buf[s.i-1] }

// Err returns the error of the walk that ended the stream, or nil.
func (s *Sorted) Err() error { return s.err }

// Close releases the buffer. No walk is open between calls to Next.
func (s *Sorted) Close() error {
	s.buf, s.i, s.next = nil, 0, len(s.edges)
	return nil
}

// Slices returns the bounds of the slices of [since, until), newest first:
// until, every multiple of d after since (counted from the zero time, so
// that slices of 24h are UTC days and slices of 1h whole hours), and since.
// A d of 0 (or less) makes the whole window one slice.
func Slices(since, until time.Time, d time.Duration) []time.Time {
	e := []time.Time{until}
	if d > 0 {
		for t := until.Add(-1).Truncate(d); t.After(since); t = t.Add(-d) {
			e = append(e, t)
		}
	}
	return append(e, since)
}

// Plan is how fanin reads one vendor newest first.
type Plan struct {
	// Order is the order asked of the vendor's walks.
	Order auditclient.Order
	// Sort means that the walks do not yield newest first: fanin reads
	// them into a Sorted stream.
	Sort bool
	// Slice is the length of the Sorted stream's slices; 0 for the whole
	// window at once.
	Slice time.Duration
	// Why says why, in a phrase.
	Why string
}

// windowGrain lists the vendors whose API applies a time window itself, so
// that reading a window slice by slice costs requests rather than reading
// the same records again: with the finest slice worth reading, or 0 for
// any. Automox reads one UTC day per request (a finer slice would read the
// day again); NPrinting takes start and end to the second. Tanium is not
// here: the SDK applies its window to each object's whole history, so every
// slice would read every history again.
var windowGrain = map[string]time.Duration{"automox": 24 * time.Hour, "nprinting": 0}

// PlanFor says how to read v newest first, buffering as little as its
// orders allow: as served when it can serve newest first, otherwise sorted
// in slices where its API takes a window (slice long, or its API's grain),
// otherwise sorted whole.
func PlanFor(v *vendors.Vendor, slice time.Duration) Plan {
	if v.Natural == auditclient.NewestFirst || slices.Contains(v.Orders, auditclient.NewestFirst) {
		return Plan{Order: auditclient.NewestFirst, Why: "newest first as served"}
	}
	p := Plan{Order: auditclient.NaturalOrder, Sort: true, Why: "no known time order"}
	if v.Natural == auditclient.OldestFirst {
		p.Why = "oldest first"
	}
	grain, ok := windowGrain[v.Name]
	switch {
	case !ok:
		p.Why += "; the whole window, sorted"
		return p
	case grain > 0:
		p.Slice = grain
	default:
		p.Slice = slice
	}
	return p
}

// Config is a run of fanin.
type Config struct {
	// Now ends the window (exclusive) and every fake's data set.
	Now time.Time
	// Window is the length of the window before Now.
	Window time.Duration
	// Events is the size of each fake's data set.
	Events int
	// Faults injects the test fault mix into every fake.
	Faults bool
	// Slice is the slice of the vendors whose API takes any window and
	// whose order is not newest first.
	Slice time.Duration
}

// Report is what fanin did with one vendor.
type Report struct {
	Vendor string
	Plan   Plan
	// Events is the number of events merged.
	Events int
	// Buffered is the most events held at once in the vendor's sort
	// buffer: 0 when streamed as served.
	Buffered int
	// Slices is the number of slices read and sorted.
	Slices int
	// Requests is the number of HTTP requests the vendor's walks sent.
	Requests int64
}

// StartDemo starts the fake of the i-th vendor of the registry for cfg: its
// data set ends at cfg.Now and is drawn from seed i+1, so that the vendors'
// data sets differ and a run with the same Now is the same run.
func StartDemo(i int, name string, cfg Config) (*audittest.Demo, error) {
	return audittest.StartDemo(name, audittest.DemoConfig{Now: cfg.Now, Events: cfg.Events, Seed: int64(i + 1), Faults: exampleutil.Faults(cfg.Faults)})
}

// Fanin merges every registered vendor's events of [cfg.Now-cfg.Window,
// cfg.Now), each from its own fake, into emit, newest first. It returns
// one Report per vendor, in the registry's order, and the merge's Stats.
func Fanin(ctx context.Context, cfg Config, emit func(ocsf.Event) error) ([]Report, Stats, error) {
	since, until := cfg.Now.Add(-cfg.Window), cfg.Now
	// One HTTP client for every walk, so that slices reuse connections.
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	opts := append(exampleutil.FakeOptions(""), auditclient.WithHTTPClient(hc))

	all := vendors.All()
	reps := make([]Report, len(all))
	srcs := make([]Source, 0, len(all))
	sorted := make([]*Sorted, len(all))
	clients := make([][]*auditclient.Client, len(all))
	fail := func(err error) ([]Report, Stats, error) {
		for _, s := range srcs {
			s.Events.Close()
		}
		return nil, Stats{}, err
	}
	for i, v := range all {
		d, err := StartDemo(i, v.Name, cfg)
		if err != nil {
			return fail(err)
		}
		defer d.Close()
		p := PlanFor(v, cfg.Slice)
		reps[i] = Report{Vendor: v.Name, Plan: p}
		// open starts the vendor's walk of [since, until) by name, as a
		// config-driven program would.
		open := func(since, until time.Time) (Stream, error) {
			src, err := vendors.Open(ctx, v.Name, vendors.Config{Settings: d.Settings, BaseURL: d.BaseURL, Since: since, Until: until, Order: p.Order, Options: opts})
			if err != nil {
				return nil, err
			}
			clients[i] = append(clients[i], src.Client)
			return src.Events, nil
		}
		var s Stream
		if p.Sort {
			sorted[i] = NewSorted(since, until, p.Slice, open)
			s = sorted[i]
		} else if s, err = open(since, until); err != nil {
			return fail(fmt.Errorf("%s: %w", v.Name, err))
		}
		srcs = append(srcs, Source{Vendor: v.Name, Events: s})
	}
	st, err := Merge(srcs, func(_ string, ev ocsf.Event) error { return emit(ev) })
	for i := range reps {
		reps[i].Events = st.Events[reps[i].Vendor]
		if s := sorted[i]; s != nil {
			reps[i].Buffered, reps[i].Slices = s.Peak, s.Slices
		}
		for _, c := range clients[i] {
			reps[i].Requests += c.Stats().Requests
		}
	}
	return reps, st, err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fanin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	since := fs.Duration("since", 7*24*time.Hour, "the window: events newer than this long before -now")
	nowFlag := fs.String("now", "", "end of the window and of every fake's data set, RFC 3339 (default: the current second)")
	events := fs.Int("events", 1000, "size of each fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix (429, 503, resets, short bodies) into every fake")
	slice := fs.Duration("slice", time.Hour, "the slices NPrinting (whose order is unknown) is read and sorted in: smaller buffers less and sends more requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := Config{Now: time.Now().UTC().Truncate(time.Second), Window: *since, Events: *events, Faults: *faults, Slice: *slice}
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return fmt.Errorf("-now %q: want an RFC 3339 time such as 2026-01-01T00:00:00Z", *nowFlag)
		}
		cfg.Now = t.UTC()
	}
	switch {
	case *since <= 0:
		return fmt.Errorf("-since %v: want a window longer than 0", *since)
	case *events < 1:
		return fmt.Errorf("-events %d: want 1 or more", *events)
	case *slice <= 0:
		return fmt.Errorf("-slice %v: want a slice longer than 0", *slice)
	}

	start := time.Now()
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	reps, st, err := Fanin(ctx, cfg, func(ev ocsf.Event) error { return enc.Encode(ev) })
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	total, reqs := 0, int64(0)
	for _, r := range reps {
		total += r.Events
		reqs += r.Requests
	}
	fmt.Fprintf(stderr, "fanin: %d events from %d vendors, newest first, %d out of order, %d requests in %s\n",
		total, len(reps), st.OutOfOrder, reqs, time.Since(start).Round(time.Millisecond))
	for _, r := range reps {
		fmt.Fprintf(stderr, "fanin: %s\n", r)
	}
	if errors.Is(err, context.Canceled) {
		return nil // Ctrl-C ends the run normally
	}
	return err
}

// String is the summary line of r, as in the package comment.
func (r Report) String() string {
	how := r.Plan.Why
	if r.Plan.Sort && r.Plan.Slice > 0 {
		how += fmt.Sprintf("; %d slices of %s, each sorted", r.Slices, shortDuration(r.Plan.Slice))
	}
	return fmt.Sprintf("%-9s %4d events, buffered %4d: %s", r.Vendor, r.Events, r.Buffered, how)
}

// shortDuration is d without the zero units of time.Duration.String
// ("24h", not "24h0m0s").
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
