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
	it := client.Events(context.Background(), &cisco.ListOptions{Limit: 2}, nil)
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

	it := client.Events(context.Background(), &cisco.ListOptions{Limit: 4}, nil)
	for i := 0; i < 6 && it.Next(); i++ {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	rest := client.Events(context.Background(), &cisco.ListOptions{Limit: 4}, cp)
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
