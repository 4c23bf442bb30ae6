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

// Create a client for a tenant. Against the real API, the host is the
// "hostname" of the API credentials file, and the credentials come from the
// environment (ENTRUST_APPLICATION_ID, ENTRUST_SHARED_SECRET).
func ExampleNewClient() {
	client, err := entrust.NewClient("6c2f8b1e-4d3a-4f5b-9e7c-1a2b3c4d5e6f", "the-shared-secret",
		auditclient.WithBaseURL(entrust.TenantURL("example.us.trustedauth.com")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // no credential is printed
	// Output: entrust.Client(https://example.us.trustedauth.com)
}

// Walk the audit events as OCSF events. Here the client talks to the
// built-in fake.
func ExampleClient_Events() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := entrust.NewClient(fake.ApplicationID(), fake.SharedSecret(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &entrust.ListOptions{Limit: 2}, nil)
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

// Search with typed filters: every attribute, operator and value is
// checked against the document before anything is sent.
func ExampleClient_Events_filters() {
	fake := audittest.NewEntrust(audittest.EntrustOptions{
		Events: audittest.GenerateEntrustEvents(300, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := entrust.NewClient(fake.ApplicationID(), fake.SharedSecret(), auditclient.WithBaseURL(fake.URL()))
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
	client, err := entrust.NewClient(fake.ApplicationID(), fake.SharedSecret(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &entrust.ListOptions{Limit: 4, SIEM: true}, nil)
	for i := 0; i < 6 && it.Next(); i++ {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	rest := client.Events(context.Background(), &entrust.ListOptions{Limit: 4, SIEM: true}, cp)
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
	var rec entrust.AuditEvent
	_ = json.Unmarshal([]byte(`{"id":"0f6b2b0e-7d7a-4a6e-9a55-2f3c1d0e9b71","eventTime":"2024-06-01T00:05:12.345Z",
		"eventCategory":"AUTHENTICATION","eventOutcome":"FAIL","eventType":"AuthenticationDeniedEvent",
		"message":"authentication.denied.invalid.password","subjectName":"jdoe","sourceIp":"203.0.113.17",
		"resourceName":"Corporate VPN"}`), &rec)
	ev := entrust.ToOCSF(rec)
	fmt.Println(ev.Class, ev.TypeUID(), ev.Status, ev.User.Name, ev.Service.Name)
	// Output: 3002 300201 2 jdoe Corporate VPN
}
