package walktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

// ResumeFigures are the counts of a walk resumed by ResumeAt, for the
// test's log.
type ResumeFigures struct {
	// First counts the events of the walk that took the checkpoint, Rest
	// those of the walk resumed from it, Want those of the data set.
	First, Rest, Want int
	// Checkpoint is the checkpoint's JSON, as stored between the walks.
	Checkpoint string
}

// Total is First + Rest: the events of both walks together.
func (f ResumeFigures) Total() int { return f.First + f.Rest }

// String spells the counts as "first=… rest=… total=… want=…".
func (f ResumeFigures) String() string {
	return fmt.Sprintf("first=%d rest=%d total=%d want=%d", f.First, f.Rest, f.Total(), f.Want)
}

// ResumeAt walks (events with a nil checkpoint) to the at-th event, stores
// the walk's checkpoint as JSON and reads it back with
// auditclient.ParseCheckpoint, then resumes a walk from it (events with
// that checkpoint) to the end; collect (Collect, or the vendor's own
// spelling of records built on CollectFunc) reads both walks.
//
// It fails tb, fatally, when a walk fails or the checkpoint does not
// survive JSON; and, going on, when the checkpoint's JSON holds one of
// secrets (see NoSecrets), when the two walks together are not want,
// record for record (the message tells where they part), or when the
// resumed walk's final checkpoint is not complete. A test may so call it
// for many positions in a loop and learn of every position that fails.
//
// It returns the checkpoint read back, for the vendor's own checks of its
// position, and the figures for the test's log. events may make a client
// of its own for each walk, as a program resuming after a restart would.
func ResumeAt(tb testing.TB, events func(*auditclient.Checkpoint) auditclient.Iterator, at int, want, secrets []string,
	collect func(testing.TB, auditclient.Iterator, int) []string) (*auditclient.Checkpoint, ResumeFigures) {
	tb.Helper()
	it := events(nil)
	first := collect(tb, it, at)
	if err := it.Err(); err != nil {
		it.Close()
		tb.Fatalf("resume at %d: the first walk failed: %v", at, err)
	}
	cpJSON, err := json.Marshal(it.Checkpoint())
	it.Close()
	if err != nil {
		tb.Fatalf("resume at %d: checkpoint: %v", at, err)
	}
	NoSecrets(tb, secrets, map[string]string{"checkpoint": string(cpJSON)})
	cp, err := auditclient.ParseCheckpoint(cpJSON)
	if err != nil {
		tb.Fatalf("resume at %d: checkpoint %s: %v", at, cpJSON, err)
	}

	it2 := events(cp)
	defer it2.Close()
	rest := collect(tb, it2, -1)
	if err := it2.Err(); err != nil {
		tb.Fatalf("resume at %d: the resumed walk failed: %v", at, err)
	}
	fig := ResumeFigures{First: len(first), Rest: len(rest), Want: len(want), Checkpoint: string(cpJSON)}
	if i := part(slices.Concat(first, rest), want); i >= 0 {
		tb.Errorf("resume at %d: %d + %d events, want %d; they part at event %d: %s\nwant %s",
			at, fig.First, fig.Rest, fig.Want, i, record(slices.Concat(first, rest), i), record(want, i))
	}
	if !it2.Checkpoint().Complete() {
		tb.Errorf("resume at %d: checkpoint after the end is not complete", at)
	}
	return cp, fig
}

// part returns the index of the first record where got and want differ,
// or -1 when they are the same.
func part(got, want []string) int {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return i
		}
	}
	if len(got) != len(want) {
		return min(len(got), len(want))
	}
	return -1
}

// record is rs[i], or "(none)" past its end.
func record(rs []string, i int) string {
	if i < len(rs) {
		return rs[i]
	}
	return "(none)"
}
