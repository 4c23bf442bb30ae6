package entrust_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/internal/walktest"
)

// Windows are half-open, [Since, Until): an event at exactly Since is
// yielded, one at exactly Until is not, on both endpoints. auditeventspaged
// is asked for eventTime LESS_THAN Until; the SIEM variant's endTime has
// LESS_THAN_OR_EQUAL only, so the fake sends the event at Until and the
// client drops it.
func TestWindowIsHalfOpen(t *testing.T) {
	at := func(n int, d time.Time) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","eventTime":"%s","eventCategory":"MANAGEMENT","eventOutcome":"SUCCESS","eventType":"UserModifiedEvent"}`,
			n, d.UTC().Format("2006-01-02T15:04:05.000Z")))
	}
	events := []json.RawMessage{
		at(1, since.Add(-time.Millisecond)), // before
		at(2, since),                        // at Since: in
		at(3, since.Add(30*time.Minute)),    // in
		at(4, until.Add(-time.Millisecond)), // in
		at(5, until),                        // at Until: out
		at(6, until.Add(time.Millisecond)),  // after
	}
	want := []string{string(events[1]), string(events[2]), string(events[3])}
	fake := audittest.StartEntrust(t, audittest.EntrustOptions{Events: events})
	c := fakeClient(t, fake)
	for _, siem := range []bool{false, true} {
		before := len(fake.Requests())
		it := c.Events(context.Background(), &entrust.ListOptions{SIEM: siem, Since: since, Until: until, PageSize: 2}, nil)
		got := walktest.Collect(t, it, -1)
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		it.Close()
		walktest.Diff(t, got, want)
		var bodies []string
		for _, r := range fake.Requests()[before:] {
			if strings.Contains(r.Path, "/reports/") && !strings.Contains(string(r.Body), "cursor") {
				bodies = append(bodies, string(r.Body))
			}
		}
		wantBody := `{"name":"eventTime","operator":"LESS_THAN","value":"2024-06-01T01:00:00"}`
		if siem {
			wantBody = `{"name":"endTime","operator":"LESS_THAN_OR_EQUAL","value":"2024-06-01T01:00:00Z"}`
		}
		if len(bodies) != 1 || !strings.Contains(bodies[0], wantBody) {
			t.Errorf("siem=%v: first-page bodies %q, want one with %s", siem, bodies, wantBody)
		}
	}
}
