package entrust_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/entrust"
)

// Walk the last day's audit events as OCSF events, here against the
// built-in fake of the API (whose data set ends when it starts). Against
// the real API, the tenant is the "hostname" of the API credentials file
// and the credentials come from the environment (ENTRUST_APPLICATION_ID,
// ENTRUST_SHARED_SECRET).
func Example() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{})
	defer fake.Close()

	client, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret())
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &entrust.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		_ = it.Event() // deliver it, then save it.Checkpoint()
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n > 0, "complete:", it.Checkpoint().Complete())
	// Output: true complete: true
}

// Create a client for a tenant, given by its host. Nothing is sent until
// the first walk.
func ExampleNewClient() {
	client, err := entrust.NewClient("example.us.trustedauth.com", "6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f", "the-shared-secret")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // no credential is printed

	_, err = entrust.NewClient("example.us.trustedauth.com", "6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f", "")
	fmt.Println(err)
	// Output:
	// entrust.Client(https://example.us.trustedauth.com)
	// entrust: invalid sharedSecret (ENTRUST_SHARED_SECRET): empty: give the sharedSecret of your API credentials file
}

// Walk newest first: auditeventspaged sorts by eventTime descending, and
// the checkpoint's cursor follows that order.
func ExampleClient_Events_newestFirst() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret())
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &entrust.ListOptions{PageSize: 2, Order: auditclient.NewestFirst}, nil)
	defer it.Close()
	for it.Next() {
		fmt.Println(it.Event().Time.UTC().Format(time.RFC3339))
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}

	// The SIEM variant always lists oldest first.
	bad := client.Events(context.Background(), &entrust.ListOptions{SIEM: true, Order: auditclient.NewestFirst}, nil)
	fmt.Println(bad.Next(), bad.Err())
	// Output:
	// 2024-06-19T12:00:00Z
	// 2024-06-17T14:18:21Z
	// 2024-06-16T05:10:24Z
	// 2024-06-13T06:24:25Z
	// 2024-06-12T20:05:02Z
	// false entrust: option order="newest-first" is not allowed: oldest first, by orderByAttribute eventTime ascending; newest first by eventTime descending, except on the SIEM variant (siem), which always lists oldest first
}

// Search with typed filters: every attribute, operator and value is
// checked against the document before anything is sent.
func ExampleClient_Events_filters() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(300, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret())
	if err != nil {
		log.Fatal(err)
	}
	opts := &entrust.ListOptions{
		Since: time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC),
		Filters: []entrust.Filter{
			entrust.CategoryIs(entrust.CategoryAuthentication),
			entrust.OutcomeIs(entrust.OutcomeFail),
			entrust.Where(entrust.AttrEventType, entrust.Equals, "AuthenticationDeniedEvent"),
		},
	}
	failed := 0
	for ev, err := range client.Events(context.Background(), opts, nil).All() {
		if err != nil {
			log.Fatal(err)
		}
		if ev.StatusDetail != "" {
			failed++
		}
	}
	fmt.Println(failed > 0)

	bad := &entrust.ListOptions{Filters: []entrust.Filter{entrust.Where(entrust.AttrSourceIP, entrust.Contains, "203.0.113.")}}
	_, err = client.ListPage(context.Background(), bad)
	fmt.Println(err)
	// Output:
	// true
	// entrust: option sourceIp.operator="CONTAINS" is not allowed: EQUALS, STARTS_WITH
}

// Resume a walk where an earlier one stopped: store the checkpoint (plain
// JSON, holding no credential) and hand it to the next walk.
func ExampleClient_Events_resume() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(10, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret())
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &entrust.ListOptions{PageSize: 4, SIEM: true}, nil)
	for i := 0; i < 6 && it.Next(); i++ {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	rest := client.Events(context.Background(), &entrust.ListOptions{PageSize: 4, SIEM: true}, cp)
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

// Read the API's own records, page by page, without OCSF.
func ExampleClient_Pages() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(7, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := entrust.NewClient(fake.URL(), fake.ApplicationID(), fake.SharedSecret())
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for rec, err := range client.Pages(context.Background(), &entrust.ListOptions{PageSize: 3, Order: auditclient.OldestFirst}).All() {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			fmt.Println("first:", rec.EventCategory, rec.EventTime.Format(time.RFC3339))
		}
		n++
	}
	fmt.Println(n, "records")
	// Output:
	// first: MANAGEMENT 2024-06-14T05:27:51Z
	// 7 records
}

// Map one record, as the API sends it, to OCSF.
func ExampleToOCSF() {
	var rec entrust.AuditEvent
	_ = json.Unmarshal([]byte(`{"id":"0f6b2b0e-7d7a-4a6e-9a55-2f3c1d0e9b71","eventTime":"2024-06-01T00:05:12.345Z",
		"eventCategory":"AUTHENTICATION","eventOutcome":"FAIL","eventType":"AuthenticationDeniedEvent",
		"message":"authentication.denied.invalid.password","subjectName":"jdoe","sourceIp":"203.0.113.17",
		"resourceName":"Corporate VPN"}`), &rec)
	ev := entrust.ToOCSF(rec)
	fmt.Println(ev.Class, ev.TypeUID(), ev.Status, ev.User.Name, ev.Service.Name)
	// Output: 3002 300201 2 jdoe Corporate VPN
}
