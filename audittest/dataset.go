package audittest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"
)

// record is a parsed record of a data set: it keeps the record's raw JSON,
// which the fake serves byte for byte.
type record interface {
	rawJSON() json.RawMessage
}

// eventSet is the data set of a fake: records as given, parsed into E with
// the members the API filters and sorts on, and kept in the order the API
// lists them. Its methods lock mu; a fake that reads events directly holds
// mu.RLock.
type eventSet[E record] struct {
	mu      sync.RWMutex
	events  []E // sorted by compare
	nextSeq int // the sequence number of the next record added

	// parse reads a record; seq numbers the records in the order given or
	// added, for ties.
	parse func(raw json.RawMessage, seq int) E
	// compare orders the records as the API lists them. It must be a total
	// order (break ties by seq).
	compare func(a, b E) int
	// sorted, if not nil, is called with mu held after every change, to
	// keep an index of events up to date.
	sorted func(events []E)
}

// add parses raws (which it copies, by parse's contract) into the set.
func (s *eventSet[E]) add(raws []json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, raw := range raws {
		s.events = append(s.events, s.parse(raw, s.nextSeq))
		s.nextSeq++
	}
	slices.SortFunc(s.events, s.compare)
	if s.sorted != nil {
		s.sorted(s.events)
	}
}

// all returns a copy of every record, in the set's order.
func (s *eventSet[E]) all() []json.RawMessage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]json.RawMessage, len(s.events))
	for i, e := range s.events {
		out[i] = slices.Clone(e.rawJSON())
	}
	return out
}

// eventsOr returns events, or, when it is nil, the default data set of n
// generated events (seed 1) whose newest is at now, or, when now is zero,
// newestBefore(time.Now()): a walk started at once reads all of it.
func eventsOr[E any](events []E, generate func(n int, seed int64, end time.Time) []E, n int, now time.Time) []E {
	if events != nil {
		return events
	}
	if now.IsZero() {
		now = newestBefore(time.Now())
	}
	return generate(n, 1, now)
}

// newestBefore is the time of the newest record of a data set that ends at
// now (a default data set, a demo's): two seconds before the start of
// now's second, so that a walk started at now reads all of it, whichever
// vendor's: Cisco's reads up to the start of the current second, NPrinting's
// up to the start of the last completed one (its server may read end as a
// whole second), both exclusive.
func newestBefore(now time.Time) time.Time { return now.Truncate(time.Second).Add(-2 * time.Second) }

// positiveOr returns v, or def when v is 0 or less: an option left unset.
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// pageLimits returns a fake's default and largest page sizes from its
// options: each option or, when 0 or less, its default; the default page no
// larger than the largest.
func pageLimits(defaultLimit, maxLimit, defaultDefault, defaultMax int) (int, int) {
	maxLimit = positiveOr(maxLimit, defaultMax)
	return min(positiveOr(defaultLimit, defaultDefault), maxLimit), maxLimit
}

// newestFirstRange returns the range [lo, hi) of a list of n records sorted
// newest first, at(i) the time of record i, whose times lie within [start,
// end], both inclusive; hasStart and hasEnd false leave that side open.
func newestFirstRange(n int, at func(i int) time.Time, start, end time.Time, hasStart, hasEnd bool) (lo, hi int) {
	lo, hi = 0, n
	if hasEnd {
		lo = sort.Search(n, func(i int) bool { return !at(i).After(end) })
	}
	if hasStart {
		hi = sort.Search(n, func(i int) bool { return at(i).Before(start) })
	}
	return lo, hi
}

// rawListSize returns the bytes raws take in a JSON array.
func rawListSize(raws []json.RawMessage) int {
	n := 0
	for _, raw := range raws {
		n += len(raw) + 1
	}
	return n
}

// writeRawList writes raws to b separated by commas: the elements of a JSON
// array, without its brackets.
func writeRawList(b *bytes.Buffer, raws []json.RawMessage) {
	for i, raw := range raws {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
}

// rawString returns the string a JSON value holds, or "" if it is not a
// string.
func rawString(v json.RawMessage) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// uuidPattern matches a UUID in its canonical text form, in either case.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
