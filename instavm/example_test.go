package instavm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
)

// Read the last day's audit events as OCSF events: NewClient with the API
// key, then Events. Here the client talks to the built-in fake, whose data
// set ends at Now; against the real API, leave out WithBaseURL, pass the
// key from INSTAVM_API_KEY and Since time.Now().Add(-24 * time.Hour).
func Example() {
	now := time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewInstavm(audittest.InstavmOptions{Now: now})
	defer fake.Close()

	client, err := instavm.NewClient(fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &instavm.ListOptions{Since: now.Add(-24 * time.Hour)}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		if n == 0 {
			ev := it.Event()
			fmt.Println("newest:", ev.Time.UTC().Format(time.RFC3339), ev.Class, ev.Message)
		}
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "events in the last day")
	// Output:
	// newest: 2025-05-14T12:00:00Z 3004 vm.create success on vm vm_3106ed16 by api_key key_56f3
	// 549 events in the last day
}

// Walk the audit events as OCSF events. Here the client talks to the
// built-in fake; against the real API, leave out WithBaseURL and pass the
// key from INSTAVM_API_KEY.
func ExampleClient_Events() {
	fake := audittest.NewInstavm(audittest.InstavmOptions{
		Events: audittest.GenerateInstavmEvents(5, 1, time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := instavm.NewClient(fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &instavm.ListOptions{PageSize: 2}, nil)
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

// Sync incrementally: keep the checkpoint of a complete walk (plain JSON,
// no credential) and hand it to the next walk, which yields only the events
// that arrived since.
func ExampleClient_Events_incremental() {
	end := time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)
	fake := audittest.NewInstavm(audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(10, 1, end)})
	defer fake.Close()
	client, err := instavm.NewClient(fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}

	it := client.Events(context.Background(), nil, nil)
	for it.Next() {
	}
	saved, _ := json.Marshal(it.Checkpoint())
	it.Close()

	fake.Add(json.RawMessage(`{"id":"aud_new","created_at":"2025-05-14T12:05:00Z","user_id":4821,"actor_type":"user","actor_id":"4821",` +
		`"source":"dashboard","event_group":"auth","event_type":"auth.logout","status":"success"}`))

	cp, err := auditclient.ParseCheckpoint(saved)
	if err != nil {
		log.Fatal(err)
	}
	next := client.Events(context.Background(), nil, cp)
	defer next.Close()
	for ev, err := range next.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Metadata.UID, ev.Class, ev.Activity)
	}
	// Output: aud_new 3002 2
}

// Authenticate with an OAuth2 bearer token instead of an API key.
func ExampleNewBearerClient() {
	fake := audittest.NewInstavm(audittest.InstavmOptions{Events: []json.RawMessage{}})
	defer fake.Close()
	client, err := instavm.NewBearerClient(fake.BearerToken(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.ListPage(context.Background(), &instavm.ListOptions{PageSize: 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), "events; last page:", page.NextCursor == nil)
	// Output: 0 events; last page: true
}

// A 422 lists every parameter the API refused.
func ExampleValidationError() {
	fake := audittest.NewInstavm(audittest.InstavmOptions{})
	defer fake.Close()
	client, err := instavm.NewClient(fake.APIKey(), auditclient.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	// ListOptions.Validate stops a bad limit before it is sent; a raw call
	// shows the server's answer.
	_, err = client.HTTP().Get(context.Background(), "v1/audit/events?limit=0", nil, nil)
	var api *auditclient.APIError
	if errors.As(err, &api) {
		fmt.Println(api.StatusCode, api.Details)
	}
	_, err = client.ListPage(context.Background(), &instavm.ListOptions{PageSize: 0, UserID: -1})
	var oe *auditclient.OptionError
	if errors.As(err, &oe) {
		fmt.Println("refused before sending:", oe.Option)
	}
	// Output:
	// 422 [query.limit: Input should be greater than or equal to 1]
	// refused before sending: user_id
}

// Map one event, as the API sends it, to OCSF.
func ExampleToOCSF() {
	var e instavm.AuditEvent
	_ = json.Unmarshal([]byte(`{"id":"aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB","created_at":"2025-05-14T08:31:12.482Z",
		"user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c","source":"api","event_group":"vm",
		"event_type":"vm.create","status":"success","resource_type":"vm","resource_id":"vm_9a8b7c6d",
		"http_method":"POST","path":"/v1/vms","ip_address":"203.0.113.7"}`), &e)
	ev := instavm.ToOCSF(e)
	// A VM created is Entity Management, whatever the channel; the client's
	// address and request are kept (in OCSF 1.1.0 under unmapped) and
	// observed.
	fmt.Println(ev.Class, ev.TypeUID(), ev.Entity.UID, ev.HTTPRequest.HTTPMethod, ev.SrcEndpoint.IP, ev.Actor.User.UID)
	for _, o := range ev.Observables {
		fmt.Println(o.Name, o.Type, o.Value)
	}
	// Output:
	// 3004 300401 vm_9a8b7c6d POST 203.0.113.7 4821
	// unmapped.src_endpoint.ip IP Address 203.0.113.7
	// entity.uid Resource UID vm_9a8b7c6d
}
