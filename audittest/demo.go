package audittest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultDemoEvents is the size of a demo's data set when DemoConfig.Events
// is 0.
const DefaultDemoEvents = 3000

// DemoConfig is what StartDemo builds a vendor's fake from.
type DemoConfig struct {
	// Now is the end of the data set: its newest record is two seconds
	// before the start of Now's second, as a default data set's is, so
	// that a walk started at Now, of any vendor, reads all of it. Zero
	// means time.Now().
	Now time.Time
	// Events is the size of the data set; 0 means DefaultDemoEvents.
	Events int
	// Seed draws the data set; 0 means 1.
	Seed int64
	// Faults are the faults the fake injects.
	Faults Faults
}

// Demo is a vendor's fake, started by StartDemo, with everything a client
// of the vendors registry needs to reach it.
//
// A client walking a demo is best made with short retry waits, as the
// auditkit CLI's --demo does. It needs no rate option: no client has a
// fixed rate by default, and each paces itself by what the fake says (a
// quota, when Faults.Quota sets one).
type Demo struct {
	// Vendor is the vendor's registry name.
	Vendor string
	// BaseURL is the fake's base URL, for vendors.Config.BaseURL.
	BaseURL string
	// Settings holds the credentials and settings the fake accepts, keyed
	// by the vendors registry's setting names (e.g. "client_id"); a
	// vendor's server or tenant setting is BaseURL, so that the positional
	// settings of its NewClient can be taken from here as they are.
	Settings map[string]string
	// Secrets are the credential values among Settings (and any the fake
	// derives from them, such as an issued token): none of them may show
	// in a log, an error or an event.
	Secrets []string
	// Records is the number of records the data set holds.
	Records int
	// Add adds n generated records, all at the very instant at (on the
	// grid of the vendor's times: a whole second is), to the running fake,
	// as when events arrive between two walks, and returns how many it
	// added. Records is not changed. The records differ from every other
	// record of the data set.
	Add func(n int, at time.Time) int
	// Data returns the records the fake serves (its data set and the
	// records added since), as it serves them, in no particular order.
	Data func() []json.RawMessage
	// Stats reports the fake's counters.
	Stats func() Stats
	// Close stops the fake.
	Close func()
}

// demoAdder returns a Demo.Add that generates each record alone, with gen
// (a data set generator: one record is at exactly its end) and a seed of
// its own drawn from seed, and hands them to add.
func demoAdder[E any](seed int64, gen func(n int, seed int64, end time.Time) []E, add func(...E)) func(int, time.Time) int {
	var mu sync.Mutex
	next := seed << 32
	return func(n int, at time.Time) int {
		mu.Lock()
		defer mu.Unlock()
		var recs []E
		for range n {
			next++
			recs = append(recs, gen(1, next, at)...)
		}
		add(recs...)
		return len(recs)
	}
}

// demoStarter starts one vendor's demo fake from a complete DemoConfig.
type demoStarter func(cfg DemoConfig) *Demo

var (
	demosMu sync.RWMutex
	demos   = map[string]demoStarter{}
)

// registerDemo makes StartDemo(name) start a fake with start. Each fake's
// file calls it from an init function.
func registerDemo(name string, start demoStarter) {
	demosMu.Lock()
	defer demosMu.Unlock()
	if _, dup := demos[name]; dup {
		panic("audittest: demo registered twice: " + name)
	}
	demos[name] = start
}

// DemoVendors returns the names of the vendors StartDemo knows, sorted.
func DemoVendors() []string {
	demosMu.RLock()
	defer demosMu.RUnlock()
	return slices.Sorted(maps.Keys(demos))
}

// StartDemo starts the fake of the vendor called name (its vendors registry
// name) with a generated data set ending at cfg.Now. The caller closes it.
func StartDemo(name string, cfg DemoConfig) (*Demo, error) {
	demosMu.RLock()
	start, ok := demos[name]
	demosMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("audittest: no demo for %q (known: %s)", name, strings.Join(DemoVendors(), ", "))
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	if cfg.Events <= 0 {
		cfg.Events = DefaultDemoEvents
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	d := start(cfg)
	d.Vendor = name
	return d, nil
}
