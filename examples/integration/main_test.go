package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
)

var end = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// expected counts the failed logins per user straight from the fake's data
// set, the records as the API sends them: the test's independent answer.
func expected(t *testing.T, fake *audittest.Cisco) map[string]int {
	t.Helper()
	want := map[string]int{}
	for _, raw := range fake.Events() {
		var rec struct {
			Event string `json:"event"`
			User  string `json:"audit_log_user"`
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Event == "failed_login" {
			want[rec.User]++
		}
	}
	return want
}

func failedLogins(t *testing.T, fake *audittest.Cisco, opts *cisco.ListOptions) (map[string]int, *cisco.Client) {
	t.Helper()
	client, err := newClient(fake.ClientID(), fake.APIKey(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	got, err := FailedLogins(client.Events(context.Background(), opts, nil))
	if err != nil {
		t.Fatalf("FailedLogins: %v", err)
	}
	return got, client
}

func TestFailedLoginsGeneratedData(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(2000, 5, end)})
	want := expected(t, fake)
	if len(want) == 0 {
		t.Fatal("the generated data set has no failed login")
	}
	got, _ := failedLogins(t, fake, &cisco.ListOptions{PageSize: 100})
	if !maps.Equal(got, want) {
		t.Errorf("FailedLogins = %v, want %v", got, want)
	}
}

func TestFailedLoginsKnownEvents(t *testing.T) {
	// An empty data set, then records written by hand, as Cisco sends them:
	// the answer is known in advance.
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: []json.RawMessage{}})
	rec := func(event, user, at string) json.RawMessage {
		return json.RawMessage(`{"event":"` + event + `","audit_log_type":"User","audit_log_id":"54dbf61b-0925-4af9-9641-571123caac0b","audit_log_user":"` + user + `","created_at":"` + at + `"}`)
	}
	fake.Add(
		rec("failed_login", "mallory@example.com", "2024-06-19T10:00:00Z"),
		rec("failed_login", "mallory@example.com", "2024-06-19T10:00:00Z"), // the same second, twice
		rec("failed_login", "mallory@example.com", "2024-06-19T10:00:05Z"),
		rec("login", "mallory@example.com", "2024-06-19T10:00:09Z"), // a success: not counted
		rec("failed_login", "trudy@example.com", "2024-06-18T23:59:59Z"),
		rec("logout", "trudy@example.com", "2024-06-19T00:10:00Z"),
	)
	got, _ := failedLogins(t, fake, &cisco.ListOptions{PageSize: 2}) // several pages
	want := map[string]int{"mallory@example.com": 3, "trudy@example.com": 1}
	if !maps.Equal(got, want) {
		t.Errorf("FailedLogins = %v, want %v", got, want)
	}

	// The API's own filters work on the fake too.
	got, _ = failedLogins(t, fake, &cisco.ListOptions{AuditLogUser: "trudy@example.com"})
	if !maps.Equal(got, map[string]int{"trudy@example.com": 1}) {
		t.Errorf("with audit_log_user=trudy: %v", got)
	}
}

func TestFailedLoginsSurvivesFaults(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(1500, 9, end)})
	want := expected(t, fake)
	fake.SetFaults(audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 42})
	got, client := failedLogins(t, fake, &cisco.ListOptions{PageSize: 50})
	if !maps.Equal(got, want) {
		t.Errorf("with faults: FailedLogins = %v, want %v", got, want)
	}
	injected := 0
	for _, n := range fake.Stats().Injected {
		injected += n
	}
	retries := client.HTTP().Stats().Retries
	t.Logf("%d faults injected, %d retries, same counts", injected, retries)
	if injected == 0 || retries == 0 {
		t.Errorf("%d faults injected, %d retries: the test did not exercise retries", injected, retries)
	}
}

func TestFailedLoginsReportsErrors(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(100, 1, end)})
	client, err := newClient(fake.ClientID(), "not-the-key", fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	_, err = FailedLogins(client.Events(context.Background(), nil, nil))
	if !errors.Is(err, auditclient.ErrUnauthorized) {
		t.Errorf("wrong key: err = %v, want ErrUnauthorized", err)
	}

	// A fault that is not retried (500) reaches the caller as an *APIError.
	fake.SetFaults(audittest.Faults{Script: []audittest.Fault{audittest.FaultServerError}})
	_, err = FailedLogins(newClientT(t, fake).Events(context.Background(), nil, nil))
	var apiErr *auditclient.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Errorf("500: err = %v, want an *auditclient.APIError with status 500", err)
	}
}

func newClientT(t *testing.T, fake *audittest.Cisco) *cisco.Client {
	t.Helper()
	c, err := newClient(fake.ClientID(), fake.APIKey(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-faults"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "@example.com") || !strings.Contains(out.String(), "retries)") {
		t.Errorf("output:\n%s", out.String())
	}
}
