package ocsf

import (
	"encoding/json"
	"reflect"
	"strings"
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

// The unmapped walk: IPs (also with a port), emails and URLs anywhere, host
// names only under a key naming a host, nothing under a version key; names
// are the dotted keys (no array indices); sorted; deduplicated; observables
// already there are kept first.
func TestAddObservablesUnmapped(t *testing.T) {
	ev := New(ClassAPIActivity, APIActivityRead, obsTime)
	ev.Observables = []Observable{{Name: "actor.user.email_addr", Type: "Email Address", TypeID: 5, Value: "alice@example.com"}}
	ev.Actor = &Actor{User: &User{EmailAddr: "alice@example.com"}}
	ev.Unmapped = map[string]any{
		"client":      map[string]any{"ip": "10.0.0.1", "addr": "[2001:db8::1]:443", "port": 443.0},
		"ips":         []any{"192.0.2.1", "192.0.2.2", "192.0.2.1", "not an ip"},
		"contact":     "Bob@Example.org",
		"link":        "https://console.example.com/a?b=c",
		"hostname":    "db01.corp.example.com",
		"server_host": "db01",            // one label will do under a host key
		"hosted_zone": "example.com",     // not a host key
		"hostname2":   "a..b",            // not a host name
		"name":        "www.example.com", // not a host key
		"file":        "report.pdf",
		"app_version": "1.2.3.4",
		"emails":      []any{"a@b", "x@y.example", "<c@d.example>"},
		"ftp":         "ftp://files.example.com/x",
		"mailto":      "mailto:a@b.example",
		"nested":      []any{map[string]any{"host": "h.example.net", "n": nil, "b": true}},
		"empty":       "",
		"typed":       []string{"198.51.100.1"},
	}
	AddObservables(&ev)
	want := []Observable{
		{Name: "actor.user.email_addr", Type: "Email Address", TypeID: 5, Value: "alice@example.com"},
		{Name: "unmapped.client.addr", Type: "IP Address", TypeID: 2, Value: "2001:db8::1"},
		{Name: "unmapped.client.ip", Type: "IP Address", TypeID: 2, Value: "10.0.0.1"},
		{Name: "unmapped.contact", Type: "Email Address", TypeID: 5, Value: "Bob@Example.org"},
		{Name: "unmapped.emails", Type: "Email Address", TypeID: 5, Value: "x@y.example"},
		{Name: "unmapped.ftp", Type: "URL String", TypeID: 6, Value: "ftp://files.example.com/x"},
		{Name: "unmapped.hostname", Type: "Hostname", TypeID: 1, Value: "db01.corp.example.com"},
		{Name: "unmapped.ips", Type: "IP Address", TypeID: 2, Value: "192.0.2.1"},
		{Name: "unmapped.ips", Type: "IP Address", TypeID: 2, Value: "192.0.2.2"},
		{Name: "unmapped.link", Type: "URL String", TypeID: 6, Value: "https://console.example.com/a?b=c"},
		{Name: "unmapped.nested.host", Type: "Hostname", TypeID: 1, Value: "h.example.net"},
		{Name: "unmapped.server_host", Type: "Hostname", TypeID: 1, Value: "db01"},
		{Name: "unmapped.typed", Type: "IP Address", TypeID: 2, Value: "198.51.100.1"},
	}
	if !reflect.DeepEqual(ev.Observables, want) {
		t.Errorf("got:")
		for _, o := range ev.Observables {
			t.Errorf("  %+v", o)
		}
	}
	// idempotent
	n := len(ev.Observables)
	AddObservables(&ev)
	if len(ev.Observables) != n {
		t.Errorf("second AddObservables added %d", len(ev.Observables)-n)
	}
	AddObservables(nil) // no panic
	// the event lacks api and more; its observables must be valid
	for _, is := range issuesOf(t, ev) {
		if strings.Contains(is, "observables") {
			t.Errorf("observables: %s", is)
		}
	}
}

// When the source's own unmapped fields use "src_endpoint", the model's
// endpoint goes to "ocsf_src_endpoint", and its observable says so.
func TestSrcEndpointKeyTaken(t *testing.T) {
	ev := New(ClassUserAccess, UserAccessAssignPrivileges, obsTime)
	ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
	ev.User = &User{UID: "u"}
	ev.Privileges = []string{"p"}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.9"}
	ev.Unmapped = map[string]any{"src_endpoint": "the source's own"}
	AddObservables(&ev)
	if ev.Observables[0].Name != "unmapped.ocsf_src_endpoint.ip" {
		t.Errorf("observables %+v", ev.Observables)
	}
	data, _ := ev.MarshalJSON()
	if !strings.Contains(string(data), `"unmapped":{"ocsf_src_endpoint":{"ip":"192.0.2.9"},"src_endpoint":"the source's own"}`) {
		t.Errorf("%s", data)
	}
	if err := Validate(ev); err != nil {
		t.Error(err)
	}
}

// The free-form data of entities and resources is walked like unmapped.
func TestAddObservablesData(t *testing.T) {
	ev := New(ClassEntityManagement, EntityManagementUpdate, obsTime)
	ev.Entity = &ManagedEntity{Name: "pc", Data: map[string]any{"hostname": "WIN-7F3K", "ip_external": "203.0.113.5", "os": "Windows"}}
	ev.EntityResult = &ManagedEntity{Name: "pc", Data: map[string]any{"hostName": "WIN-7F3K.corp.example", "ip_external": "203.0.113.6"}}
	ev.Resources = []ResourceDetails{{Name: "r", Data: []any{"admin@example.com"}}, {Name: "s", Data: struct{ IP string }{"192.0.2.1"}}}
	got := obsOf(ev)
	want := []Observable{
		{Name: "entity.data.hostname", Type: "Hostname", TypeID: 1, Value: "WIN-7F3K"},
		{Name: "entity.data.ip_external", Type: "IP Address", TypeID: 2, Value: "203.0.113.5"},
		{Name: "entity_result.data.hostName", Type: "Hostname", TypeID: 1, Value: "WIN-7F3K.corp.example"},
		{Name: "entity_result.data.ip_external", Type: "IP Address", TypeID: 2, Value: "203.0.113.6"},
		{Name: "resources.data", Type: "Email Address", TypeID: 5, Value: "admin@example.com"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}
