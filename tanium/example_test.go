package tanium_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/tanium"
)

// The last day of a few objects' audit histories, as OCSF events: the
// package's main path. Here the client talks to the built-in fake, whose
// default data set ends now; against a real Tanium Server, pass its URL
// and the API token (TANIUM_SERVER and TANIUM_API_TOKEN for the CLI).
func Example() {
	fake := audittest.NewTanium(audittest.TaniumOptions{})
	defer fake.Close()

	client, err := tanium.NewClient(fake.URL(), fake.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	objects, err := tanium.ParseObjects("user:1,sensor:211,package:140")
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &tanium.ListOptions{Objects: objects, Since: time.Now().Add(-24 * time.Hour)}, nil)
	defer it.Close()
	n := 0
	for ev, err := range it.All() {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Time.Before(time.Now().Add(-24 * time.Hour)) {
			log.Fatal("an event before the window")
		}
		n++
	}
	fmt.Println("events in the last day:", n > 0, "- histories cut short:", len(auditclient.WarningsOf(it)))
	// Output: events in the last day: true - histories cut short: 0
}

// Read the audit histories of a few objects as OCSF events.
func ExampleClient_Events() {
	fake := audittest.NewTanium(audittest.TaniumOptions{
		Events: audittest.GenerateTaniumEvents(40, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := tanium.NewClient(fake.URL(), fake.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	objects, err := tanium.ParseObjects("user:1,sensor:211,package:140")
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &tanium.ListOptions{Objects: objects, PageSize: 50}, nil)
	defer it.Close()
	for it.Next() {
		ev := it.Event()
		fmt.Println(ev.TypeUID(), ev.Message)
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 300501 CORP\alice.nguyen updated user 1 (tanium)
	// 300599 tanium updated user 1 (tanium)
	// 300109 CORP\emma.oconnor updated user 1 (tanium)
	// 300101 tanium created user 1 (tanium)
	// 300403 CORP\bjorn.larsen updated sensor 211 (Installed Applications)
	// 300403 tanium updated sensor 211 (Installed Applications)
	// 300403 tanium updated sensor 211 (Installed Applications)
	// 300401 tanium created sensor 211 (Installed Applications)
	// 300401 tanium created package 140 (Install Chrome)
}

// Resume where an earlier walk stopped, or sync incrementally after a
// completed one: store the checkpoint (plain JSON, no credential) and hand
// it to the next walk over the same objects.
func ExampleClient_Events_checkpoint() {
	fake := audittest.NewTanium(audittest.TaniumOptions{
		Events: audittest.GenerateTaniumEvents(40, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := tanium.NewClient(fake.URL(), fake.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	objects, _ := tanium.ParseObjects("user:1,sensor:211,package:140")
	opts := &tanium.ListOptions{Objects: objects, PageSize: 100}

	it := client.Events(context.Background(), opts, nil)
	for i := 0; i < 5 && it.Next(); i++ {
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

// Map one history entry, as the API sends it, to OCSF.
func ExampleToOCSF() {
	e := tanium.Entry{Object: tanium.Object{Type: tanium.User, ID: "12"}}
	_ = json.Unmarshal([]byte(`{"object_id":12,"details":"name=dev.patel\nlocked_out=1",
		"creation_time":"2024-05-01T08:00:00Z","modification_time":"2024-06-19T10:16:22Z",
		"last_modified_by":"CORP\\alice.nguyen","modifier_user_id":3,
		"mod_user":{"id":3,"name":"alice.nguyen","domain":"CORP","display_name":"Alice Nguyen"},"type":1}`), &e)
	ev := tanium.ToOCSF(e)
	fmt.Println(ev.Class, ev.Activity, ev.User.Name, ev.Actor.User.Name)
	// Output: 3001 9 dev.patel alice.nguyen
}

// Read one object's history as the server sends it.
func ExampleClient_ListPage() {
	fake := audittest.NewTanium(audittest.TaniumOptions{
		Events: audittest.GenerateTaniumEvents(40, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := tanium.NewClient(fake.URL(), fake.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	history, err := client.ListPage(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{{Type: tanium.Sensor, ID: "211"}}, PageSize: 1})
	if err != nil {
		log.Fatal(err)
	}
	e := history.Entries[0]
	fmt.Println(history.Type, len(history.Entries), e.Type, e.ModificationTime.Format(time.RFC3339))
	// Output: sensor_audit 1 UpdateObject 2024-06-19T11:26:28Z
}
