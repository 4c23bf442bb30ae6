package ocsf

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var obsTime = time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC)

func obsOf(ev Event) []Observable {
	AddObservables(&ev)
	return ev.Observables
}

func TestAddObservablesMapped(t *testing.T) {
	ev := New(ClassAuthentication, AuthenticationLogon, obsTime)
	ev.Actor = &Actor{User: &User{Name: "alice", EmailAddr: "alice@example.com"}}
	ev.User = &User{UID: "u-2", Name: "bob"}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1", Hostname: "laptop.example.com"}
	ev.HTTPRequest = &HTTPRequest{URL: &URL{URLString: "https://h.example.com/p", Hostname: "h.example.com"}, XForwardedFor: []string{"198.51.100.7"}}
	got := obsOf(ev)
	want := []Observable{
		{Name: "src_endpoint.ip", Type: "IP Address", TypeID: 2, Value: "192.0.2.1"},
		{Name: "src_endpoint.hostname", Type: "Hostname", TypeID: 1, Value: "laptop.example.com"},
		{Name: "http_request.url.url_string", Type: "URL String", TypeID: 6, Value: "https://h.example.com/p"},
		{Name: "http_request.url.hostname", Type: "Hostname", TypeID: 1, Value: "h.example.com"},
		{Name: "http_request.x_forwarded_for", Type: "IP Address", TypeID: 2, Value: "198.51.100.7"},
		{Name: "actor.user.name", Type: "User Name", TypeID: 4, Value: "alice"},
		{Name: "actor.user.email_addr", Type: "Email Address", TypeID: 5, Value: "alice@example.com"},
		{Name: "user.name", Type: "User Name", TypeID: 4, Value: "bob"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// In 1.1.0, Entity Management has no src_endpoint: the endpoint is written
// under unmapped, and its observable is named so; 1.8.0 writes it in place.
func TestSrcEndpointByVersion(t *testing.T) {
	ev := New(ClassEntityManagement, EntityManagementUpdate, obsTime)
	ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
	ev.Entity = &ManagedEntity{UID: "e-1", Name: "policy"}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1"}
	ev.Unmapped = map[string]any{"note": "x"}
	AddObservables(&ev)
	want := []Observable{
		{Name: "unmapped.src_endpoint.ip", Type: "IP Address", TypeID: 2, Value: "192.0.2.1"},
		{Name: "entity.uid", Type: "Resource UID", TypeID: 10, Value: "e-1"},
	}
	if !reflect.DeepEqual(ev.Observables, want) {
		t.Fatalf("1.1.0 observables %+v, want %+v", ev.Observables, want)
	}
	b, err := ev.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["src_endpoint"]; ok {
		t.Errorf("1.1.0 3004 writes src_endpoint: %s", b)
	}
	um := m["unmapped"].(map[string]any)
	if got := um["src_endpoint"]; !reflect.DeepEqual(got, map[string]any{"ip": "192.0.2.1"}) || um["note"] != "x" {
		t.Errorf("unmapped = %v", um)
	}
	if len(ev.Unmapped) != 1 {
		t.Errorf("MarshalJSON changed the event's Unmapped: %v", ev.Unmapped)
	}
	if err := Validate(ev); err != nil {
		t.Errorf("1.1.0: %v", err)
	}

	if err := ev.SetVersion(V1_8_0); err != nil {
		t.Fatal(err)
	}
	if ev.Observables[0].Name != "src_endpoint.ip" {
		t.Errorf("1.8.0 observable %+v", ev.Observables[0])
	}
	b, _ = ev.MarshalJSON()
	m = nil
	_ = json.Unmarshal(b, &m)
	if got := m["src_endpoint"]; !reflect.DeepEqual(got, map[string]any{"ip": "192.0.2.1"}) {
		t.Errorf("1.8.0 src_endpoint = %v in %s", got, b)
	}
	if err := ev.SetVersion(V1_1_0); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ev.Observables, want) {
		t.Errorf("back to 1.1.0: %+v", ev.Observables)
	}
}
