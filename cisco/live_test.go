package cisco_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
)

// stepClock is a clock that moves forward by step at every reading, shared
// by a client and a fake so that "records arriving while the client pages"
// is exact, not a matter of timing.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *stepClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// 1,000 records arrive while a walk pages through 2,000 (pages of 25 to
// 50), the first ones within the very second the walk starts in: the walk
// yields each of the 2,000 exactly once (no duplicate, no loss), because
// its end_time is the last completed second before it started; the next,
// incremental walk from its checkpoint yields the 1,000 that arrived, each
// exactly once; a third yields nothing.
func TestLiveInsertsDuringAWalk(t *testing.T) {
	t0 := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		limit  int
		faults bool
	}{{25, false}, {37, false}, {50, false}, {25, true}} {
		limit := tc.limit
		name := "page " + strconv.Itoa(limit)
		if tc.faults {
			name += " with faults"
		}
		t.Run(name, func(t *testing.T) {
			// The walk starts at 12:00:00.4; every record the fake adds
			// reads the clock, 10ms apart, so the first 59 arrive within
			// 12:00:00 and the rest over the next ten seconds.
			clock := &stepClock{t: t0.Add(400 * time.Millisecond), step: 10 * time.Millisecond}
			pages := (2000 + limit - 1) / limit
			var faults audittest.Faults
			if tc.faults {
				// 429, 503, resets and cut bodies as in the other walk
				// tests; a cut body is served (and inserts) before it is cut.
				faults = walktest.FaultMix(int64(limit))
			}
			fake := audittest.StartCisco(t, audittest.CiscoOptions{
				Events:      audittest.GenerateCiscoEvents(2000, 42, t0.Add(-time.Second)),
				LiveInserts: (1000 + pages - 2) / (pages - 1), // 1,000 in all before the last page
				LiveMax:     1000,
				Clock:       clock.Now,
				Faults:      faults,
			})
			want1 := walktest.CompactAll(t, fake.Events())
			c := fakeClient(t, fake)
			cisco.SetNow(c, clock.Now)
			opts := &cisco.ListOptions{Since: t0.AddDate(0, -1, 0), PageSize: limit}

			it := c.Events(context.Background(), opts, nil)
			got1 := walktest.Collect(t, it, -1)
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			cp := it.Checkpoint()
			it.Close()
			inserted := fake.Inserted()
			extra, lost := walktest.Tally(got1, want1)
			t.Logf("%s: first walk %d events, %d requests (%v injected), %d records inserted during it, %d duplicates, %d losses",
				name, len(got1), len(fake.Requests()), fake.Stats().Injected, len(inserted), extra, lost)
			if extra != 0 || lost != 0 {
				t.Errorf("first walk: %d duplicates, %d losses", extra, lost)
			}
			walktest.Diff(t, got1, want1)
			if len(inserted) != 1000 {
				t.Fatalf("%d records inserted during the walk, want 1,000", len(inserted))
			}
			inFirstSecond := 0
			for _, r := range inserted {
				if strings.Contains(string(r), `"created_at":"2024-06-19T12:00:00Z"`) {
					inFirstSecond++
				}
			}
			if inFirstSecond == 0 {
				t.Error("no record arrived within the second the walk started in: the test does not test the issue")
			}
			for _, r := range fake.Requests() {
				if e := r.Query.Get("end_time"); e != "2024-06-19T11:59:59+00:00" {
					t.Fatalf("request %v: end_time %q, want the last completed second before the walk, 2024-06-19T11:59:59+00:00", r, e)
				}
			}

			// The next walk, an hour later, from the checkpoint.
			clock.Set(t0.Add(time.Hour))
			all := walktest.CompactAll(t, fake.Events())
			want2 := all[:1000] // newest first: the inserted records, all newer
			walktest.Diff(t, all[1000:], want1)
			it2 := c.Events(context.Background(), opts, cp)
			got2 := walktest.Collect(t, it2, -1)
			if err := it2.Err(); err != nil {
				t.Fatal(err)
			}
			extra, lost = walktest.Tally(got2, want2)
			if extra != 0 || lost != 0 {
				t.Errorf("incremental walk: %d duplicates, %d losses", extra, lost)
			}
			walktest.Diff(t, got2, want2)
			it3 := c.Events(context.Background(), opts, it2.Checkpoint())
			it2.Close()
			if got3 := walktest.Collect(t, it3, -1); len(got3) != 0 || it3.Err() != nil {
				t.Errorf("third walk: %d events, %v", len(got3), it3.Err())
			}
			it3.Close()
		})
	}
}
