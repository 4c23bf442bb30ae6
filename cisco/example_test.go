package cisco_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
)

// Read the last quarter of an hour of the audit log as OCSF events, newest
// first. Here the client
// talks to the built-in fake, whose data set ends at 12:00; against the real
// API, leave out WithBaseURL (or pass a Region*) and use time.Now.
func Example() {
	now := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewCisco(audittest.CiscoOptions{Now: now})
	defer fake.Close()

	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &cisco.ListOptions{Since: now.Add(-15 * time.Minute), Until: now}, nil)
	defer it.Close()
	for ev, err := range it.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Time.Format(time.TimeOnly), ev.TypeUID(), ev.Message)
	}
	// Output:
	// 11:54:30 300401 44baaf10175068e288b9 create Agent 7cd0a336-e073-4341-bd24-87468b460fa0
	// 11:54:30 300401 44baaf10175068e288b9 create Computer 44baaf10175068e288b9
	// 11:46:24 300202 nadia.cobalt@example.com logout User 36e4dc49-c758-412b-8396-b979b974a183
	// 11:46:11 300403 633ed9a217caa06c12c3 update ApplicationBlockingList 69de1233-6a94-4861-8233-092661b57f64
}

// Walk the audit log as OCSF events. Here the client talks to the built-in
// fake; against the real API, leave out WithBaseURL (or pass a Region*).
func ExampleClient_Events() {
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &cisco.ListOptions{PageSize: 2}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "events; complete:", it.Checkpoint().Complete())
	// Output: 5 events; complete: true
}

// Resume a walk where an earlier one stopped: store the checkpoint (it is
// plain JSON, holding no credential) and hand it to the next walk.
func ExampleClient_Events_resume() {
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(10, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}

	it := client.Events(context.Background(), &cisco.ListOptions{PageSize: 4}, nil)
	for i := 0; i < 6 && it.Next(); i++ {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	rest := client.Events(context.Background(), &cisco.ListOptions{PageSize: 4}, cp)
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

// Map one record, as the API sends it, to OCSF.
func ExampleToOCSF() {
	var rec cisco.AuditLog
	_ = json.Unmarshal([]byte(`{"event":"login","audit_log_type":"User",
		"audit_log_id":"373031bf-6e67-40e5-9fc2-ffea680a2ebd",
		"audit_log_user":"kmarasin+qa1_apidocs@cisco.com","created_at":"2022-02-23T20:43:09Z"}`), &rec)
	ev := cisco.ToOCSF(rec)
	fmt.Println(ev.Class, ev.Activity, ev.TypeUID(), ev.User.Name)
	// Output: 3002 1 300201 kmarasin+qa1_apidocs@cisco.com
}

// Read Cisco's own records, page by page, with the fields OCSF does not
// keep; All yields them one by one.
func ExampleClient_Pages() {
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	for rec, err := range client.Pages(context.Background(), &cisco.ListOptions{PageSize: 2}).All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.CreatedAt.Format(time.RFC3339), rec.AuditLogType, rec.Event)
	}
	// Output:
	// 2024-06-19T12:00:00Z FetchedFile update
	// 2024-06-19T11:57:28Z User sso_login
	// 2024-06-19T11:57:28Z Computer update
	// 2024-06-19T11:57:08Z Agent update
	// 2024-06-19T11:50:52Z FetchedFile create
}

// Send one request exactly as given, and read the page's metadata.
func ExampleClient_ListPage() {
	fake := audittest.NewCisco(audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.ListPage(context.Background(), &cisco.ListOptions{PageSize: 2, Offset: 2})
	if err != nil {
		log.Fatal(err)
	}
	r := page.Metadata.Results
	fmt.Println(len(page.Data), "records from index", r.Index, "of", r.Total)
	// Output: 2 records from index 2 of 5
}
