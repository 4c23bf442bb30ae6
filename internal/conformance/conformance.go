// Package conformance is the vendor-neutral test suite every vendor package
// runs, in the spirit of the pager tests of google.golang.org/api/iterator
// (iterator/testing): one body of checks, written against the vendors
// registry and the audittest demo fakes, instead of a copy per vendor.
//
// A vendor package runs it with one line:
//
//	func TestConformance(t *testing.T) { conformance.Run(t, "cisco") }
//
// Run starts the vendor's demo fake (audittest.StartDemo) with a fixed
// clock, so every run reads the same data set, and walks it through
// vendors.Vendor.Start only: the settings, filters, window, page size,
// order and checkpoint of vendors.Config. Its subtests, each a check that
// fails when the vendor breaks what it promises:
//
//   - Walk: a whole walk yields every record of the data set once (by
//     metadata.uid and raw_data; the data sets' identical twins are the
//     only repeats, side by side), raw_data being the records the fake
//     serves (Demo.Data), every event valid (ocsf.Validate), in
//     the order the vendor declares (Vendor.Natural and each of
//     Vendor.Orders), the same at the vendor's default page size, with the
//     requests expected (the demo's and the client's stats), and nothing
//     sent before the first Next.
//   - Resume: a walk stopped after N events (the start, the first page's
//     boundary and its neighbours, mid-page, the first change of UTC day,
//     the last record, the end) and resumed from its checkpoint, stored as
//     JSON, yields exactly the rest, in every declared order; after the
//     loop the checkpoint is complete (high water, boundary, count) and
//     resumes as an incremental walk that finds nothing new in the same
//     data. Then, in each declared order, records arrive (Demo.Add) at the
//     high-water instant, one grain of the vendor's times later (see
//     Resolution) and on the next UTC day: an
//     incremental walk from the complete checkpoint yields exactly them,
//     once, as a whole walk of the grown data orders them, also when
//     stopped after each and resumed; its checkpoint moves on to the
//     newest, and a third walk finds nothing.
//   - Faults: the walk under walktest.FaultMix, for several seeds, yields
//     the clean walk's sequence exactly, meets every fault of the mix's
//     script, retries, and is served each page once; a walk resumed
//     mid-page under faults yields the rest.
//   - Cancel: cancelling mid-walk ends it right there with
//     context.Canceled, leaves no goroutine behind, and neither logs nor
//     sends anything after Close returned.
//   - Checkpoints: a checkpoint of another vendor, of another query,
//     corrupted or of a newer format is refused with ErrCheckpointMismatch
//     or ErrCheckpointInvalid before any request; one of the same query at
//     another page size or with a later Until is accepted and yields the
//     rest.
//   - Secrets: through a fault-injected walk logged at Debug level and
//     walks with each credential made wrong (which must fail: unauthorized,
//     forbidden or a bad config), no credential (nor its HTTP Basic form)
//     shows in the logs, the errors (%v %+v %#v), the client, the stats,
//     the checkpoints or the events; and no walk logs after Close returned.
//   - Window: windows are half-open, [Since, Until): a record at exactly
//     Since is yielded, one at exactly Until is not, a window's events are
//     the clean walk's filtered to it, and an empty window yields nothing.
//   - BadOptions: a bad page size, Since after Until, an unknown filter, a
//     value outside a filter's closed set, an unsupported order, an unknown
//     or missing setting are the right typed error from Start, and the fake
//     receives nothing.
//
// Where a vendor truly differs (Tanium's histories are per object, Automox
// reads the window day by day), the knobs of Option say so; the vendors'
// own knobs are in this package (see knobs.go), so that every vendor runs
// the suite the same way from its own tests and from this package's.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// Now is the clock of every demo the suite starts: its data sets end just
// before it, so that every run reads the same records.
var Now = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// Option adjusts the suite for a vendor that truly differs from the rest.
type Option func(*suite)

// Records sets the size of the demo's data set (default 200).
func Records(n int) Option { return func(s *suite) { s.records = n } }

// PageSize sets the page size of the walks (default 20): small, so that a
// walk has many pages.
func PageSize(n int) Option { return func(s *suite) { s.pageSize = n } }

// Span sets how far before Now the walks' window starts (default 7 days):
// the demo's whole data set must lie in [Now-span, Now).
func Span(d time.Duration) Option { return func(s *suite) { s.span = d } }

// Resolution is the grain of the vendor's record times (default a
// second): records arriving after a walk come at its high-water mark and
// one grain later.
func Resolution(d time.Duration) Option { return func(s *suite) { s.resolution = d } }

// OrderWithin says that the vendor's records come in order o within groups
// rather than across the walk (Tanium, whose natural order is none: each
// object's history newest first, object after object): group names an
// event's group. Records are then compared by group too.
func OrderWithin(o auditclient.Order, group func(ocsf.Event) string) Option {
	return func(s *suite) { s.groupOrder, s.group = o, group }
}

// OtherQuery makes cfg a walk of another query (other filters, another
// account) of the same vendor, for the checkpoint-refusal checks. Without
// it the suite tries each filter in turn (a closed set's values, else the
// value "conformance") and keeps the first that Start accepts.
func OtherQuery(change func(cfg *vendors.Config)) Option {
	return func(s *suite) { s.otherQuery = change }
}

// Requests bounds the fake's requests for a clean walk of records at page
// size pageSize, in groups groups (see OrderWithin; 1 without it), every
// request counted (pages, logins, days without events): the suite checks
// min <= requests <= max. The default is one request per page, plus one
// for a final empty page and one for a login.
func Requests(bounds func(records, pageSize, groups int) (min, max int)) Option {
	return func(s *suite) { s.requests = bounds }
}

// Filters gives every walk of the suite these filters (e.g. Entrust's
// siem=true, to run the suite against its SIEM endpoint too).
func Filters(params ...vendors.Param) Option { return func(s *suite) { s.filters = params } }

// Orders sets the orders the suite walks besides the natural one (default
// Vendor.Orders): fewer where a filter of Filters restricts them (Entrust's
// siem=true lists oldest first only). The others must be refused.
func Orders(orders ...auditclient.Order) Option {
	return func(s *suite) { s.orders, s.ordersSet = orders, true }
}

// Demo makes the suite start the demo fake of another vendor (the vendor
// under test being a wrapper of it, as the mutation tests' are).
func Demo(name string) Option { return func(s *suite) { s.demo = name } }

// Only runs only the subtests named (e.g. "Resume", "Window"); the default
// is all of them.
func Only(names ...string) Option { return func(s *suite) { s.only = names } }

// FaultSeeds sets the seeds of the Faults subtest's walks (default 1, 2).
func FaultSeeds(seeds ...int64) Option { return func(s *suite) { s.faultSeeds = seeds } }

// Run runs the conformance suite against the registered vendor called
// vendor, with its knobs (see knobs.go) followed by opts; and then, as a
// subtest each, the vendor's variants (the modes a filter selects, such as
// Entrust's SIEM endpoint), with opts too.
func Run(t *testing.T, vendor string, opts ...Option) {
	t.Helper()
	run(realT{t}, vendor, opts...)
	names := slices.Sorted(maps.Keys(variants[vendor]))
	for _, name := range names {
		t.Run(name, func(t *testing.T) { run(realT{t}, vendor, append(slices.Clone(variants[vendor][name]), opts...)...) })
	}
}

// tester is what the suite needs of a test: testing.TB, and subtests.
// *testing.T is one (realT); the mutation tests use a recorder.
type tester interface {
	testing.TB
	sub(name string, f func(t tester)) bool
}

// realT is a *testing.T as a tester.
type realT struct{ *testing.T }

func (r realT) sub(name string, f func(tester)) bool {
	return r.T.Run(name, func(t *testing.T) { f(realT{t}) })
}

// suite is one run of the suite: the vendor, its knobs, and what the
// reference walk found.
type suite struct {
	v          *vendors.Vendor
	demo       string
	records    int
	pageSize   int
	span       time.Duration
	resolution time.Duration
	group      func(ocsf.Event) string
	groupOrder auditclient.Order
	otherQuery func(*vendors.Config)
	filters    []vendors.Param
	orders     []auditclient.Order
	ordersSet  bool
	requests   func(records, pageSize, groups int) (int, int)
	only       []string
	faultSeeds []int64

	// d is the clean demo the read-only subtests share; ref is the clean
	// walk of it in the natural order, refDemo the demo's stats after it
	// (refRequests its requests) and refStats the client's.
	d           *audittest.Demo
	ref         []rec
	refDemo     audittest.Stats
	refRequests int
	refStats    auditclient.Stats
}

// subtests are the suite's subtests, in the order they run.
var subtests = []struct {
	name string
	f    func(*suite, tester)
}{
	{"Walk", (*suite).testWalk},
	{"Resume", (*suite).testResume},
	{"Faults", (*suite).testFaults},
	{"Cancel", (*suite).testCancel},
	{"Checkpoints", (*suite).testCheckpoints},
	{"Secrets", (*suite).testSecrets},
	{"Window", (*suite).testWindow},
	{"BadOptions", (*suite).testBadOptions},
}

func run(t tester, vendor string, opts ...Option) {
	t.Helper()
	v, ok := vendors.Lookup(vendor)
	if !ok {
		t.Fatalf("vendor %q is not registered (registered: %s)", vendor, strings.Join(vendors.Names(), ", "))
	}
	s := &suite{v: v, demo: vendor, records: 200, pageSize: 20, span: 7 * 24 * time.Hour, resolution: time.Second, faultSeeds: []int64{1, 2}}
	for _, o := range append(slices.Clone(knobs[vendor]), opts...) {
		o(s)
	}
	if !s.ordersSet {
		s.orders = v.Orders
	}
	if s.requests == nil {
		s.requests = func(records, pageSize, _ int) (int, int) {
			pages := (records + pageSize - 1) / pageSize
			return pages, pages + 2
		}
	}
	s.d = s.startDemo(t, audittest.Faults{})
	defer s.d.Close()
	if s.d.Records < 4*s.pageSize {
		t.Fatalf("the %s demo holds %d records, too few for pages of %d", s.demo, s.d.Records, s.pageSize)
	}
	it, src := s.start(t, s.config(s.d))
	s.ref = s.collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatalf("the reference walk failed: %v", err)
	}
	s.refStats = src.Client.Stats()
	it.Close()
	s.refDemo = quiet(s.d)
	s.refRequests = s.refDemo.Requests
	t.Logf("%s: %d records, %d requests at page size %d", vendor, len(s.ref), s.refRequests, s.pageSize)
	for _, st := range subtests {
		if len(s.only) > 0 && !slices.Contains(s.only, st.name) {
			continue
		}
		t.sub(st.name, func(t tester) { st.f(s, t) })
	}
}

// startDemo starts the suite's demo with faults.
func (s *suite) startDemo(t testing.TB, faults audittest.Faults) *audittest.Demo {
	t.Helper()
	d, err := audittest.StartDemo(s.demo, audittest.DemoConfig{Now: Now, Events: s.records, Seed: 7, Faults: faults})
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	return d
}

// config is the reference walk's Config against d: the whole data set,
// small pages, fast retries.
func (s *suite) config(d *audittest.Demo, opts ...auditclient.Option) vendors.Config {
	return vendors.Config{
		Settings: d.Settings,
		Filters:  slices.Clone(s.filters),
		BaseURL:  d.BaseURL,
		Since:    Now.Add(-s.span),
		Until:    Now,
		PageSize: s.pageSize,
		Options:  walktest.FastOptions("", opts...),
	}
}

// start starts the walk cfg describes, failing t when Start refuses it.
func (s *suite) start(t testing.TB, cfg vendors.Config) (auditclient.Iterator, *vendors.Source) {
	t.Helper()
	src, err := s.v.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return src.Events, src
}

// rec is one event of a walk, as the suite compares them.
type rec struct {
	uid, raw, group string
	time            time.Time
}

// key spells r for comparisons: a record is its group, uid and raw data.
func (r rec) key() string { return r.group + " " + r.uid + " " + r.raw }

// collect walks it to the end, or to n events when n >= 0. An event that
// does not validate or has no uid fails t. It neither closes it nor checks
// its Err.
func (s *suite) collect(t testing.TB, it auditclient.Iterator, n int) []rec {
	t.Helper()
	var out []rec
	for (n < 0 || len(out) < n) && it.Next() {
		out = append(out, s.record(t, it.Event(), len(out)))
	}
	return out
}

// record is ev as a rec; i is its index in the walk, for messages.
func (s *suite) record(t testing.TB, ev ocsf.Event, i int) rec {
	t.Helper()
	if err := ocsf.Validate(ev); err != nil {
		t.Fatalf("event %d does not validate: %v", i, err)
	}
	if ev.Metadata.UID == "" {
		t.Fatalf("event %d has no metadata.uid: %s", i, ev.RawData)
	}
	r := rec{uid: ev.Metadata.UID, raw: compact(ev.RawData), time: ev.Time}
	if s.group != nil {
		r.group = s.group(ev)
	}
	return r
}

// compact is raw compacted, or raw when it is not JSON.
func compact(raw string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(raw)) != nil {
		return raw
	}
	return b.String()
}

// keys spells recs for comparisons.
func keys(recs []rec) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.key()
	}
	return out
}

// same fails t unless got is want, record for record, saying where they
// part.
func same(t testing.TB, what string, got, want []rec) {
	t.Helper()
	g, w := keys(got), keys(want)
	for i := range max(len(g), len(w)) {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			t.Errorf("%s: %d events, want %d; they part at event %d:\n got %s\nwant %s", what, len(g), len(w), i, at(g, i), at(w, i))
			return
		}
	}
}

// at is ks[i], or "(none)" past its end.
func at(ks []string, i int) string {
	if i < len(ks) {
		return ks[i]
	}
	return "(none)"
}

// ordered fails t unless recs are in order o by time (within each group,
// in the group order, when o is NaturalOrder and OrderWithin was given).
// Times are compared as OCSF writes them, to the millisecond: an API's
// order is no finer than its key's (Automox sorts by id within a
// millisecond, and its records carry microseconds or not).
func (s *suite) ordered(t testing.TB, what string, recs []rec, o auditclient.Order) {
	t.Helper()
	if o == auditclient.NaturalOrder {
		o = s.groupOrder
	}
	last := map[string]time.Time{}
	for i, r := range recs {
		prev, ok := last[r.group]
		last[r.group] = r.time
		if !ok {
			continue
		}
		prev, now := prev.Truncate(time.Millisecond), r.time.Truncate(time.Millisecond)
		if (o == auditclient.OldestFirst && now.Before(prev)) || (o == auditclient.NewestFirst && now.After(prev)) {
			t.Errorf("%s: event %d at %s comes after one at %s, out of %s order", what, i, r.time.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano), o)
			return
		}
	}
}

// sent is the demo's request count once the demo is quiet (see quiet).
func sent(d *audittest.Demo) int { return quiet(d).Requests }

// quiet returns the demo's stats once they have not changed for 30ms (at
// most about two seconds): a request already on the wire when a walk was
// closed may still arrive, and the demo counts a request served only
// after the client may have read the answer.
func quiet(d *audittest.Demo) audittest.Stats {
	st, still := d.Stats(), 0
	for i := 0; i < 200 && still < 3; i++ {
		time.Sleep(10 * time.Millisecond)
		if now := d.Stats(); now.Requests != st.Requests || now.Served != st.Served {
			st, still = now, 0
		} else {
			still++
		}
	}
	return st
}

// describe spells cfg's walk-shaping fields for messages.
func describe(cfg vendors.Config) string {
	return fmt.Sprintf("filters %v, since %s, until %s, page size %d, order %s", cfg.Filters,
		cfg.Since.Format(time.RFC3339Nano), cfg.Until.Format(time.RFC3339Nano), cfg.PageSize, cfg.Order)
}
