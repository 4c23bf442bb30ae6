package automox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/ocsf"
)

// Read the last day of an organization's audit trail as OCSF events. Here
// the client talks to the built-in fake, whose data set ends at a fixed
// time; against the real API, leave out WithBaseURL (and Until, which then
// means now).
func Example() {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Now: end})
	defer fake.Close()

	client, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &automox.ListOptions{Since: end.Add(-24 * time.Hour), Until: end.Add(time.Second)}, nil)
	defer it.Close()
	n := 0
	var last ocsf.Event
	for ev, err := range it.All() {
		if err != nil {
			log.Fatal(err)
		}
		n++
		last = ev
	}
	fmt.Println(n, "events; the newest:", last.Message, "at", last.Time.Format(time.RFC3339))
	// Output: 336 events; the newest: User Log In Success at 2024-06-19T12:00:00Z
}

// Walk a week of the audit trail as OCSF events. Here the client talks to
// the built-in fake; against the real API, leave out WithBaseURL.
func ExampleClient_Events() {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(50, 1, end)})
	defer fake.Close()

	client, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	// The window is half-open, [Since, Until): Until is just after the
	// newest event.
	it := client.Events(context.Background(), &automox.ListOptions{Since: end.AddDate(0, 0, -7), Until: end.Add(time.Second), PageSize: 20}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "events; complete:", it.Checkpoint().Complete())
	// Output: 50 events; complete: true
}

// Resume a walk where an earlier one stopped: the checkpoint is plain JSON,
// holds no credential, and names the day and cursor of the page in progress.
func ExampleClient_Events_resume() {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(10, 1, end)})
	defer fake.Close()
	client, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	opts := &automox.ListOptions{Since: end.AddDate(0, 0, -2), Until: end.Add(time.Second), PageSize: 4}

	it := client.Events(context.Background(), opts, nil)
	for i := 0; i < 6 && it.Next(); i++ {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	rest := client.Events(context.Background(), opts, cp)
	defer rest.Close()
	n := 0
	for _, err := range rest.All() {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println("resumed walk yielded", n, "more events")
	// Output: resumed walk yielded 4 more events
}

// Read one page of one day, as the API sends it.
func ExampleClient_ListPage() {
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Now: time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)})
	defer fake.Close()
	client, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.ListPage(context.Background(), &automox.ListOptions{Date: time.Date(2024, 6, 19, 0, 0, 0, 0, time.UTC), PageSize: 3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Date, len(page.Events), "events; next cursor is the last id:", page.Next == page.Events[2].ID)
	// Output: 2024-06-19 3 events; next cursor is the last id: true
}

// Repair one event, as the API sends it, into valid OCSF: the document's
// own sample says activity_id 99 and type_uid 300201; the repaired event is
// a Logon.
func ExampleToOCSF() {
	var e automox.AuditEvent
	_ = json.Unmarshal([]byte(`{"_id":{"$oid":"6669d991ba9a2536b8158f17"},"activity":"Logon","activity_id":99,
		"class_uid":3002,"type_uid":300201,"status_code":200,"status_details":"success","time":1718213009419,
		"metadata":{"uid":"9f8896c3-e042-42de-ae41-eaef8a2a667b","version":"1.1.0","product":{"vendor_name":"Automox"}},
		"user":{"uid":"115998","email_addr":"readonly@mailinator.com"}}`), &e)
	ev := automox.ToOCSF(e)
	fmt.Println(ev.Class, ev.Activity, ev.TypeUID(), ev.StatusCode, ev.StatusDetail, ev.Service.Name, ev.Metadata.Product.Name)
	// Output: 3002 1 300201 200 success Automox Console Automox Audit Trail
}

// NewClient checks the key and organization, and names the parameter and
// the environment variable of a missing or malformed one.
func ExampleNewClient() {
	_, err := automox.NewClient("", "123e4567-e89b-12d3-a456-426614174000")
	var ce *auditclient.ConfigError
	fmt.Println(errors.As(err, &ce), ce.Option, ce.Env)
	_, err = automox.NewClient("ax-key", "my-org")
	fmt.Println(err)
	// Output:
	// true apiKey AUTOMOX_API_KEY
	// automox: invalid orgUUID (AUTOMOX_ORG_UUID) "my-org": not a UUID such as 123e4567-e89b-12d3-a456-426614174000
}

// Walk the events as Automox sends them, one by one: Pages(...).All().
func ExampleClient_Pages() {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(30, 1, end)})
	defer fake.Close()
	client, err := automox.NewClient(fake.APIKey(), fake.OrgUUID(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for e, err := range client.Pages(context.Background(), &automox.ListOptions{Since: end.AddDate(0, 0, -7), Until: end.Add(time.Second)}).All() {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			fmt.Println("first:", e.Message)
		}
		n++
	}
	fmt.Println(n, "events")
	// Output:
	// first: User Log Out
	// 30 events
}
