// Command fanin merges the audit logs of several vendors into one stream of
// OCSF events, newest first, as a SIEM forwarder would: one walk per vendor,
// all running at once (each prefetches its next page while the merge works),
// and a k-way merge on event time that holds one event per vendor, so memory
// stays flat however long the window.
//
// The merge needs every input in the same order. Cisco Secure Endpoint,
// Qlik NPrinting and InstaVM list their newest events first (Cisco says so;
// for the other two it is what the fakes do, UNCONFIRMED against the real
// APIs), so fanin merges newest first and counts any event that arrives out
// of that order rather than hiding it. Automox (day by day) and Entrust's
// SIEM variant come oldest first: merging them with these would take a
// windowed merge (pull the same hour of every vendor, sort it, emit it), at
// the price of memory for one window.
//
// It runs against the built-in fakes of the three APIs (package audittest),
// each with its own generated data set ending now:
//
//	go run ./examples/fanin > merged.ndjson
//	go run ./examples/fanin -since 6h -faults | python3 ../shared/ocsf/validate.py
package main

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/ocsf"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fanin:", err)
		os.Exit(1)
	}
}

// Source is one vendor's walk.
type Source struct {
	Vendor string
	Events auditclient.Iterator
}

// Stats counts what Merge did.
type Stats struct {
	Events     map[string]int // events emitted, by vendor
	OutOfOrder int            // events newer than the one their source gave before
}

// Merge emits the events of every source, newest first, until all are
// exhausted, one of them fails, or emit returns an error. Each source must
// list its events newest first; an event that does not is still emitted,
// at once, and counted in Stats.OutOfOrder. Merge closes the sources.
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

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fanin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	since := fs.Duration("since", 0, "only events newer than this long ago (0: all)")
	events := fs.Int("events", 1000, "size of each fake's data set")
	faults := fs.Bool("faults", false, "inject the test fault mix (429, 503, resets, short bodies) into every fake")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *events < 0 {
		return fmt.Errorf("-events %d: want 0 or more", *events)
	}

	now := time.Now().UTC().Truncate(time.Second)
	var f audittest.Faults
	if *faults {
		f = audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
	}
	fast := func(url string) []auditclient.Option {
		return []auditclient.Option{
			auditclient.WithBaseURL(url),
			auditclient.WithRateLimit(rate.Inf, 1),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}),
		}
	}
	var from time.Time
	if *since > 0 {
		from = now.Add(-*since)
	}

	cf := audittest.NewCisco(audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(*events, 1, now), Faults: f})
	defer cf.Close()
	cc, err := cisco.NewClient(cf.ClientID(), cf.APIKey(), fast(cf.URL())...)
	if err != nil {
		return err
	}
	nf := audittest.NewNPrinting(audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(*events, 2, now), Faults: f})
	defer nf.Close()
	nc, err := nprinting.NewClient(nf.URL(), nf.Token(), fast(nf.URL())...)
	if err != nil {
		return err
	}
	vf := audittest.NewInstavm(audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(*events, 3, now), Faults: f})
	defer vf.Close()
	vc, err := instavm.NewClient(vf.APIKey(), fast(vf.URL())...)
	if err != nil {
		return err
	}

	// Windows are half-open, [from, until): until is the second after the
	// newest generated event, so that it is in.
	until := now.Add(time.Second)
	srcs := []Source{
		{cisco.Name, cc.Events(ctx, &cisco.ListOptions{Since: from, Until: until}, nil)},
		{nprinting.Name, nc.Events(ctx, &nprinting.ListOptions{Since: from, Until: until}, nil)},
		{instavm.Name, vc.Events(ctx, &instavm.ListOptions{Since: from, Until: until}, nil)},
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	st, err := Merge(srcs, func(_ string, ev ocsf.Event) error { return enc.Encode(ev) })
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	total := 0
	for _, n := range st.Events {
		total += n
	}
	fmt.Fprintf(stderr, "fanin: %d events (cisco %d, nprinting %d, instavm %d), %d out of order\n",
		total, st.Events[cisco.Name], st.Events[nprinting.Name], st.Events[instavm.Name], st.OutOfOrder)
	return err
}
