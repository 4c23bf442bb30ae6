package automox_test

import (
	"context"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
)

// Each day's cursor chain runs ahead of the consumer, deeper than the two
// pages it once stopped at, in several days at once: while the consumer
// holds the walk's first page, the fake sees five pages or more of one day
// and requests for three days or more. Then the walk yields every event of
// the window.
func TestDayChainsRunAhead(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(1200, 5, dataEnd)})
	c := fakeClient(t, fake)
	o := &automox.ListOptions{Since: dataEnd.Add(-3 * 24 * time.Hour).Truncate(24 * time.Hour), Until: dataEnd.Add(time.Millisecond), PageSize: 20, Concurrency: 3}
	p := c.Pages(context.Background(), o)
	defer p.Close()
	first, err := p.NextPage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]int{} // requests per day
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		clear(days)
		for _, r := range fake.Requests() {
			days[r.Query.Get("date")]++
		}
		if len(days) >= 3 && deepest(days) >= 5 {
			break
		}
	}
	if len(days) < 3 || deepest(days) < 5 {
		t.Fatalf("with the walk's first page held, requests per day %v: want 3 days or more, one with 5 pages or more", days)
	}
	n := len(first.Items)
	for ev, err := range p.All() {
		if err != nil {
			t.Fatal(err)
		}
		_ = ev
		n++
	}
	var inWindow int
	for _, raw := range fake.Events() {
		var ev automox.AuditEvent
		if err := ev.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		if !ev.Time.Before(o.Since) && ev.Time.Before(o.Until) {
			inWindow++
		}
	}
	if n != inWindow {
		t.Errorf("the walk yielded %d events, want the %d of the window", n, inWindow)
	}
}

// deepest is the largest count of days.
func deepest(days map[string]int) int {
	n := 0
	for _, k := range days {
		n = max(n, k)
	}
	return n
}
