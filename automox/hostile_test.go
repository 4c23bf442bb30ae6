package automox_test

import (
	"context"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/walktest"
)

// Against the fake, which serves the documented path under its origin, a
// walk reads every event whether the base URL is the origin or ends in
// /api, and under a proxy's path prefix too. (The exact URLs for each form
// of base URL are internal/hostile's TestBaseURL.)
func TestBaseURLAgainstTheFake(t *testing.T) {
	if automox.DefaultBaseURL != "https://console.automox.com" || automox.EventsPath != "/api/audit-service/v1/orgs/{orgUuid}/events" {
		t.Errorf("DefaultBaseURL %q, EventsPath %q", automox.DefaultBaseURL, automox.EventsPath)
	}
	for _, prefix := range []string{"", "/gateway"} {
		fake := audittest.StartAutomox(t, audittest.AutomoxOptions{BasePath: prefix, Events: audittest.GenerateAutomoxEvents(120, 4, dataEnd)})
		w := want(t, fake)
		for _, base := range []string{fake.URL(), fake.URL() + "/api", fake.URL() + "/api/"} {
			before := len(fake.Requests())
			c := fakeClient(t, fake, auditclient.WithBaseURL(base))
			it := c.Events(context.Background(), opts(50), nil)
			got := walktest.Collect(t, it, -1)
			if err := it.Err(); err != nil {
				t.Fatalf("base %s: %v", base, err)
			}
			it.Close()
			walktest.Diff(t, got, w)
			for _, r := range fake.Requests()[before:] {
				if r.Path != prefix+"/api/audit-service/v1/orgs/"+fake.OrgUUID()+"/events" {
					t.Errorf("base %s: request to %s", base, r.Path)
				}
			}
		}
	}
}

// Days without events are empty pages that move the walk forward: a window
// of 40 days whose first thirty have no event (the data set spans its last
// nine or so) is read whole, not taken for a server that stopped making
// progress.
func TestLongRunOfEmptyDays(t *testing.T) {
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(30, 6, dataEnd)})
	w := want(t, fake)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &automox.ListOptions{Since: dataEnd.AddDate(0, 0, -40), Until: dataEnd.Add(time.Millisecond), Concurrency: 1}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	walktest.Diff(t, got, w)
	if n := len(fake.Requests()); n != 41 {
		t.Errorf("%d requests, want one for each of the 41 days", n)
	}
}
