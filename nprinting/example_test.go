package nprinting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/nprinting"
)

// Walk the last day's audit events of an NPrinting server as OCSF events.
// Against a real server, pass its URL ("https://nprinting.example.com:4993")
// and os.Getenv("NPRINTING_TOKEN"); here a fake serves 12 events of the
// last hour.
func Example() {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(12, 1, time.Now().Add(-time.Minute)),
	})
	defer fake.Close()

	client, err := nprinting.NewClient(fake.URL(), fake.Token())
	if err != nil {
		log.Fatal(err)
	}
	it := client.Events(context.Background(), &nprinting.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		ev := it.Event() // deliver it, then keep it.Checkpoint()
		if n == 0 {
			fmt.Println("newest:", ev.TypeUID(), ev.User.Domain, ev.User.Name)
		}
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "events; the walk is complete:", it.Checkpoint().Complete())
	// Output:
	// newest: 300201 CORP carmen.diaz
	// 12 events; the walk is complete: true
}

// Connect to an NPrinting server with a JWT. Against a real server, pass its
// URL ("https://nprinting.example.com:4993") and os.Getenv("NPRINTING_TOKEN").
func ExampleNewClient() {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(3, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	client, err := nprinting.NewClient(fake.URL(), fake.Token())
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.ListPage(context.Background(), &nprinting.ListOptions{PageSize: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("total", page.Data.TotalItems, "on this page", len(page.Data.Items))
	// Output: total 3 on this page 2
}

// Walk the audit events as OCSF events, then keep the checkpoint for the
// next, incremental walk.
func ExampleClient_Events() {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(25, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := nprinting.NewClient(fake.URL(), fake.Token())
	if err != nil {
		log.Fatal(err)
	}

	it := client.Events(context.Background(), &nprinting.ListOptions{PageSize: 10}, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		n++ // deliver it.Event(), then store it.Checkpoint()
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	saved, _ := json.Marshal(it.Checkpoint())

	cp, _ := auditclient.ParseCheckpoint(saved)
	next := client.Events(context.Background(), &nprinting.ListOptions{PageSize: 10}, cp)
	defer next.Close()
	m := 0
	for _, err := range next.All() {
		if err != nil {
			log.Fatal(err)
		}
		m++
	}
	fmt.Println(n, "events, then", m, "new ones")
	// Output: 25 events, then 0 new ones
}

// Read the vendor's own records page by page, from an offset: for members
// ToOCSF does not map, or a pipeline of your own.
func ExampleClient_Pages() {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(7, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()
	client, err := nprinting.NewClient(fake.URL(), fake.Token())
	if err != nil {
		log.Fatal(err)
	}

	pager := client.Pages(context.Background(), &nprinting.ListOptions{
		PageSize: 3,
		Until:    time.Date(2024, 6, 19, 12, 0, 1, 0, time.UTC), // a fixed end: offsets hold
	})
	defer pager.Close()
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("offset", page.Token, "records", len(page.Items))
	}
	// Output:
	// offset 0 records 3
	// offset 3 records 3
	// offset 6 records 1
}

// Trust a self-signed server certificate (or the CA that issued it): read
// its PEM file and pass the option. Verification stays on.
func ExampleWithRootCAsPEM() {
	caPEM := []byte("-----BEGIN CERTIFICATE-----\n...") // os.ReadFile("nprinting-ca.pem")

	opt, err := nprinting.WithRootCAsPEM(caPEM)
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	if _, err := nprinting.NewClient("nprinting.example.com", "token", opt); err != nil {
		log.Fatal(err)
	}
	// Output: refused: nprinting: CA PEM: no certificate found (expected -----BEGIN CERTIFICATE----- blocks)
}

// Log in with Windows authentication. The hook wraps a third-party NTLM
// implementation (auditkit ships none); here a stand-in answers the fake's
// challenge.
func ExampleNewNTLMClient() {
	fake := audittest.NewNPrinting(audittest.NPrintingOptions{
		Events: audittest.GenerateNPrintingEvents(5, 1, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	defer fake.Close()

	hook := func(next http.RoundTripper) http.RoundTripper {
		// With github.com/Azure/go-ntlmssp this would be, with the Windows
		// credentials set as the request's basic auth:
		//	return ntlmssp.Negotiator{RoundTripper: next}
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/api/v1/login/ntlm" {
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", "NTLM "+fake.NTLMToken())
			}
			return next.RoundTrip(r)
		})
	}
	client, err := nprinting.NewNTLMClient(fake.URL(), hook)
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range client.Pages(context.Background(), nil).All() {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "events after", fake.Logins(), "login")
	// Output: 5 events after 1 login
}

// Map one record, as the API sends it, to OCSF.
func ExampleToOCSF() {
	var rec nprinting.AuditEvent
	_ = json.Unmarshal([]byte(`{"id":"0b8c7d6e-5f4a-4321-9abc-def012345678",
		"eventTime":"2024-03-05T09:20:01.000+00:00","userName":"CORP\\jsmith",
		"ipAddress":"10.20.30.40","source":"Api","target":"User","action":"Login",
		"description":"Authentication succeeded","data":{"method":"ntlm"}}`), &rec)
	ev := nprinting.ToOCSF(rec)
	// CORP\jsmith is split into its domain and name.
	fmt.Println(ev.TypeUID(), ev.User.Domain, ev.User.Name, ev.Status.Caption(), ev.Unmapped["data"])
	// Output: 300201 CORP jsmith Success map[method:ntlm]
}
