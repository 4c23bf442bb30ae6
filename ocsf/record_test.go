package ocsf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

func TestHeaderApply(t *testing.T) {
	ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, time.Unix(1700000000, 0))
	ev.Metadata.TenantUID = "tenant"
	ev.Metadata.LogProvider = "provider"
	ev.AddProfile("host")
	h := ocsf.Header{
		Product: ocsf.Product{Name: "Console", VendorName: "Example"},
		UID:     "r-1", EventCode: "update", LogName: "audit",
		OriginalTime: "2023-11-14T22:13:20Z", Raw: []byte(`{"id":"r-1"}`),
	}
	h.Apply(&ev)
	want := ocsf.Metadata{
		Version: ocsf.DefaultVersion, UID: "r-1", EventCode: "update", LogName: "audit",
		LogProvider: "provider", OriginalTime: "2023-11-14T22:13:20Z", TenantUID: "tenant",
		Product: ocsf.Product{Name: "Console", VendorName: "Example"}, Profiles: []string{"host"},
	}
	if !reflect.DeepEqual(ev.Metadata, want) {
		t.Errorf("metadata = %+v, want %+v", ev.Metadata, want)
	}
	if ev.RawData != `{"id":"r-1"}` {
		t.Errorf("raw_data = %q", ev.RawData)
	}
	if ev.Class != ocsf.ClassEntityManagement || ev.Activity != ocsf.EntityManagementUpdate || ev.Severity != ocsf.SeverityInformational {
		t.Errorf("Apply changed more than the header: %+v", ev)
	}

	// An empty field of the header empties the event's.
	ocsf.Header{Product: h.Product}.Apply(&ev)
	if m := ev.Metadata; m.UID != "" || m.EventCode != "" || m.LogName != "" || m.OriginalTime != "" || ev.RawData != "" {
		t.Errorf("empty header left %+v, raw_data %q", m, ev.RawData)
	}
	if ev.Metadata.TenantUID != "tenant" || ev.Metadata.Version != ocsf.DefaultVersion {
		t.Errorf("empty header cleared the rest of the metadata: %+v", ev.Metadata)
	}
}

func TestHeaderNew(t *testing.T) {
	at := time.Unix(1700000000, 0)
	h := ocsf.Header{
		Product: ocsf.Product{Name: "Console", VendorName: "Example"},
		UID:     "r-1", EventCode: "Execute", LogName: "audit",
		OriginalTime: "2023-11-14T22:13:20Z", Raw: []byte(`{"id":"r-1"}`),
	}
	for _, c := range []struct {
		activity ocsf.ActivityID
		label    string
	}{{ocsf.ActivityOther, "Execute"}, {ocsf.EntityManagementCreate, ""}} {
		want := ocsf.New(ocsf.ClassEntityManagement, c.activity, at)
		want.ActivityLabel = c.label
		h.Apply(&want)
		got := h.New(ocsf.ClassEntityManagement, c.activity, "Execute", at)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("activity %d: New = %+v, want %+v", c.activity, got, want)
		}
	}
}

func TestRawRecord(t *testing.T) {
	calls := 0
	marshal := func(b []byte, err error) func() ([]byte, error) {
		return func() ([]byte, error) { calls++; return b, err }
	}
	for _, c := range []struct {
		name      string
		raw       []byte
		marshaled []byte
		err       error
		want      string
		calls     int
	}{
		{"as sent", []byte(`{"a":1}`), []byte(`{"b":2}`), nil, `{"a":1}`, 0},
		{"built in code", nil, []byte(`{"b":2}`), nil, `{"b":2}`, 1},
		{"empty raw", []byte{}, []byte(`{"b":2}`), nil, `{"b":2}`, 1},
		{"marshal fails", nil, []byte(`{"partial`), errors.New("no"), "", 1},
	} {
		calls = 0
		got := ocsf.RawRecord(c.raw, marshal(c.marshaled, c.err))
		if string(got) != c.want || calls != c.calls {
			t.Errorf("%s: RawRecord = %q after %d marshal calls, want %q after %d", c.name, got, calls, c.want, c.calls)
		}
		if c.err != nil && got != nil {
			t.Errorf("%s: RawRecord = %q, want nil", c.name, got)
		}
	}
}

func TestLabelOther(t *testing.T) {
	other := ocsf.New(ocsf.ClassEntityManagement, ocsf.ActivityOther, time.Time{})
	other.LabelOther("Execute")
	if other.ActivityLabel != "Execute" {
		t.Errorf("Other: ActivityLabel = %q, want Execute", other.ActivityLabel)
	}
	b, err := json.Marshal(other)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		ActivityName string `json:"activity_name"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ActivityName != "Execute" {
		t.Errorf("Other: activity_name = %q (%v), want Execute", out.ActivityName, err)
	}

	create := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, time.Time{})
	create.LabelOther("CreateObject")
	if create.ActivityLabel != "" {
		t.Errorf("Create: ActivityLabel = %q, want none", create.ActivityLabel)
	}
}

func TestUnmapped(t *testing.T) {
	un := ocsf.Unmapped{}
	un.Put("n", 7)
	un.PutNonEmpty("kept", "x")
	un.PutNonEmpty("dropped", "")
	un.PutExtra(map[string]json.RawMessage{
		"num":     json.RawMessage(`12`),
		"obj":     json.RawMessage(`{"a":[true,null,"s"]}`),
		"null":    json.RawMessage(`null`),
		"notjson": json.RawMessage(`{oops`),
	})
	want := map[string]any{
		"n": 7, "kept": "x", "num": float64(12),
		"obj":  map[string]any{"a": []any{true, nil, "s"}},
		"null": nil, "notjson": "{oops",
	}
	if !reflect.DeepEqual(map[string]any(un), want) {
		t.Errorf("unmapped = %#v, want %#v", un, want)
	}

	var ev ocsf.Event
	un.Apply(&ev)
	if !reflect.DeepEqual(ev.Unmapped, want) {
		t.Errorf("Apply: ev.Unmapped = %#v, want %#v", ev.Unmapped, want)
	}
	ocsf.Unmapped{}.Apply(&ev)
	if ev.Unmapped != nil {
		t.Errorf("Apply of an empty Unmapped: ev.Unmapped = %#v, want nil", ev.Unmapped)
	}
	var none ocsf.Unmapped
	none.PutExtra(nil) // nothing to put: no write to the nil map
	none.Apply(&ev)
	if ev.Unmapped != nil {
		t.Errorf("Apply of a nil Unmapped: ev.Unmapped = %#v, want nil", ev.Unmapped)
	}
}

// A mapping of a record of a made-up source: the header says where the
// record came from, and what has no OCSF attribute goes to unmapped.
func ExampleHeader() {
	type record struct {
		ID, Action, When string
		Team             string
		Extra            map[string]json.RawMessage
		Raw              json.RawMessage
	}
	rec := record{
		ID: "r-1", Action: "Rotate", When: "2024-05-01T10:00:00Z", Team: "ops",
		Extra: map[string]json.RawMessage{"shard": json.RawMessage(`3`)},
		Raw:   json.RawMessage(`{"id":"r-1","action":"Rotate"}`),
	}
	t, _ := time.Parse(time.RFC3339, rec.When)
	ev := ocsf.Header{
		Product: ocsf.Product{Name: "Console", VendorName: "Example"},
		UID:     rec.ID, EventCode: rec.Action, LogName: "audit", OriginalTime: rec.When,
		Raw: ocsf.RawRecord(rec.Raw, func() ([]byte, error) { return json.Marshal(rec) }),
	}.New(ocsf.ClassEntityManagement, ocsf.ActivityOther, rec.Action, t)
	ev.Entity = &ocsf.ManagedEntity{Name: "api key"}
	un := ocsf.Unmapped{}
	un.PutNonEmpty("team", rec.Team)
	un.PutExtra(rec.Extra)
	un.Apply(&ev)

	fmt.Println(ev.ActivityLabel, ev.Metadata.UID, ev.Metadata.EventCode, ev.Metadata.LogName)
	fmt.Println(ev.RawData)
	fmt.Println(ev.Unmapped["team"], ev.Unmapped["shard"])
	// Output:
	// Rotate r-1 Rotate audit
	// {"id":"r-1","action":"Rotate"}
	// ops 3
}
