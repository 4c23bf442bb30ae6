package walktest

import (
	"iter"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

// BenchList times whole walks, one a round of b.Loop: list starts a walk
// (its setup, such as a login, is timed with it), which must yield want
// records and no error.
func BenchList[R any](b *testing.B, want int, list func() iter.Seq2[R, error]) {
	b.Helper()
	for b.Loop() {
		n := 0
		for _, err := range list() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != want {
			b.Fatalf("%d records, want %d", n, want)
		}
	}
}

// BenchEvents is BenchList for walks of events: each iterator events
// returns must yield want events and end without error; it is closed after.
func BenchEvents(b *testing.B, want int, events func() auditclient.Iterator) {
	b.Helper()
	for b.Loop() {
		it := events()
		n := 0
		for it.Next() {
			n++
		}
		err := it.Err()
		it.Close()
		if err != nil || n != want {
			b.Fatalf("%d events, want %d: %v", n, want, err)
		}
	}
}
