package ocsf

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, v := range []string{"1.1.0", "1.8.0"} {
		if got, err := ParseVersion(v); err != nil || got != v {
			t.Errorf("ParseVersion(%q) = %q, %v", v, got, err)
		}
	}
	for _, v := range []string{"", "1.8", "v1.8.0", "1.2.0"} {
		_, err := ParseVersion(v)
		if !errors.Is(err, ErrUnknownVersion) || !strings.Contains(err.Error(), "allowed: 1.1.0, 1.8.0") {
			t.Errorf("ParseVersion(%q): %v", v, err)
		}
	}
	ev := New(ClassAuthentication, AuthenticationLogon, obsTime)
	if err := ev.SetVersion("2.0.0"); !errors.Is(err, ErrUnknownVersion) || ev.Metadata.Version != V1_1_0 {
		t.Errorf("SetVersion(2.0.0): %v, version %s", err, ev.Metadata.Version)
	}
}

// issuesOf returns the errors and warnings of ev as "code path".
func issuesOf(t *testing.T, ev Event) []string {
	t.Helper()
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	errs, warns := NewValidator(ValidatorOptions{}).Check(data)
	var out []string
	for _, is := range append(errs, warns...) {
		out = append(out, is.Code+" "+is.Path)
	}
	return out
}

// Every event of the model's tests is valid in both versions, and in 1.8.0
// without a deprecated attribute.
func TestModelEventsInBothVersions(t *testing.T) {
	for i, ev := range append(validEvents(), authorizeSessionEvent(), otherActivityEvent()) {
		for _, v := range Versions() {
			if err := ev.SetVersion(v); err != nil {
				t.Fatal(err)
			}
			if got := issuesOf(t, ev); len(got) != 0 {
				t.Errorf("event %d (class %d) in %s: %v", i, ev.Class, v, got)
			}
		}
	}
}

// The deprecated attributes of 1.8.0 are written as their replacements, and
// back again in 1.1.0; the Event itself does not change.
func TestDeprecatedAttributes(t *testing.T) {
	ev := New(ClassAPIActivity, APIActivityRead, obsTime)
	ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
	ev.API = &API{Operation: "get"}
	ev.Actor = &Actor{InvokedBy: "scheduler", User: &User{UID: "u-1", CredentialUID: "key-1"}}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1", Location: &Location{City: "Berlin", Coordinates: []float64{13.4, 52.5}, ISP: "Example ISP"}}
	ev.Resources = []ResourceDetails{{UID: "r-1", Owner: &User{UID: "u-2", CredentialUID: "key-2"}}}
	before, _ := json.Marshal(ev)

	if err := ev.SetVersion(V1_8_0); err != nil {
		t.Fatal(err)
	}
	if got := issuesOf(t, ev); len(got) != 0 {
		t.Errorf("1.8.0: %v", got)
	}
	data, _ := json.Marshal(ev)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	get := func(path ...any) any {
		var cur any = m
		for _, p := range path {
			switch k := p.(type) {
			case string:
				cur = cur.(map[string]any)[k]
			case int:
				cur = cur.([]any)[k]
			}
		}
		return cur
	}
	for _, tt := range []struct {
		got, want any
	}{
		{get("actor", "app_name"), "scheduler"},
		{get("actor", "invoked_by"), nil},
		{get("actor", "user", "programmatic_credentials"), []any{map[string]any{"uid": "key-1"}}},
		{get("actor", "user", "credential_uid"), nil},
		{get("resources", 0, "owner", "programmatic_credentials"), []any{map[string]any{"uid": "key-2"}}},
		{get("src_endpoint", "isp"), "Example ISP"},
		{get("src_endpoint", "location"), map[string]any{"city": "Berlin", "lat": 52.5, "long": 13.4}},
	} {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("got %v, want %v in %s", tt.got, tt.want, data)
		}
	}
	if ev.Actor.InvokedBy != "scheduler" || ev.Actor.User.CredentialUID != "key-1" || ev.SrcEndpoint.ISP != "" {
		t.Errorf("MarshalJSON changed the event: %+v", ev.Actor)
	}

	// 1.1.0 writes the model as it is, and reads back the 1.8.0 form
	if err := ev.SetVersion(V1_1_0); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(ev); string(got) != string(before) {
		t.Errorf("1.1.0:\n got %s\nwant %s", got, before)
	}
	var back Event
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.SetVersion(V1_1_0); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(back); string(got) != string(before) {
		t.Errorf("1.8.0 read back, written in 1.1.0:\n got %s\nwant %s", got, before)
	}
}

// User Access Management's resource is deprecated in 1.8.0: it is written
// as resources there, observables included, and back again.
func TestUserAccessResource(t *testing.T) {
	ev := New(ClassUserAccess, UserAccessAssignPrivileges, obsTime)
	ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
	ev.User = &User{Name: "bob"}
	ev.Privileges = []string{"admin"}
	ev.Resource = &ResourceDetails{UID: "db-1", Name: "orders"}
	AddObservables(&ev)
	want110 := []Observable{
		{Name: "user.name", Type: "User Name", TypeID: 4, Value: "bob"},
		{Name: "resource.uid", Type: "Resource UID", TypeID: 10, Value: "db-1"},
	}
	if !reflect.DeepEqual(ev.Observables, want110) {
		t.Fatalf("1.1.0: %+v", ev.Observables)
	}
	before, _ := json.Marshal(ev)
	if err := ev.SetVersion(V1_8_0); err != nil {
		t.Fatal(err)
	}
	if got := issuesOf(t, ev); len(got) != 0 {
		t.Errorf("1.8.0: %v", got)
	}
	data, _ := json.Marshal(ev)
	if !strings.Contains(string(data), `"resources":[{"uid":"db-1","name":"orders"}]`) || strings.Contains(string(data), `"resource":`) {
		t.Errorf("1.8.0: %s", data)
	}
	if ev.Observables[1].Name != "resources.uid" {
		t.Errorf("1.8.0 observables: %+v", ev.Observables)
	}
	var back Event
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.SetVersion(V1_1_0); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(back); string(got) != string(before) {
		t.Errorf("back in 1.1.0:\n got %s\nwant %s", got, before)
	}
}

// A group created is Group Management Create in 1.8.0; 1.1.0's Group
// Management needs a user or privileges, so 1.1.0 writes it as Entity
// Management Create of the group.
func TestGroupCreated(t *testing.T) {
	for _, tt := range []struct {
		act  ActivityID
		want string // 1.1.0
	}{
		{GroupManagementCreate, `"class_uid":3004,"class_name":"Entity Management","category_uid":3,"category_name":"Identity & Access Management","activity_id":1,"activity_name":"Create","type_uid":300401,"type_name":"Entity Management: Create"`},
		{GroupManagementDelete, `"class_uid":3004,"class_name":"Entity Management","category_uid":3,"category_name":"Identity & Access Management","activity_id":4,"activity_name":"Delete","type_uid":300404,"type_name":"Entity Management: Delete"`},
	} {
		ev := New(ClassGroupManagement, tt.act, obsTime)
		ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
		ev.Group = &Group{UID: "g-1", Name: "ops", Desc: "operators"}
		ev.Actor = &Actor{User: &User{Name: "alice"}}
		ev.AddProfile("host")
		ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1"}
		AddObservables(&ev)
		data, _ := ev.MarshalJSON()
		if !strings.Contains(string(data), tt.want) || !strings.Contains(string(data), `"entity":{"uid":"g-1","name":"ops","type":"Group","data":{"desc":"operators"}}`) ||
			strings.Contains(string(data), `"group"`) {
			t.Errorf("1.1.0: %s", data)
		}
		if got := issuesOf(t, ev); len(got) != 0 {
			t.Errorf("1.1.0: %v", got)
		}
		if got := ev.WrittenClass(); got != ClassEntityManagement {
			t.Errorf("1.1.0: WrittenClass() = %d, want %d", got, ClassEntityManagement)
		}
		if err := ev.SetVersion(V1_8_0); err != nil {
			t.Fatal(err)
		}
		if got := ev.WrittenClass(); got != ClassGroupManagement {
			t.Errorf("1.8.0: WrittenClass() = %d, want %d", got, ClassGroupManagement)
		}
		data, _ = ev.MarshalJSON()
		want := fmt.Sprintf(`"class_uid":3006,"class_name":"Group Management","category_uid":3,"category_name":"Identity & Access Management","activity_id":%d`, tt.act)
		if !strings.Contains(string(data), want) || !strings.Contains(string(data), `"group":{"uid":"g-1","name":"ops","desc":"operators"}`) ||
			!strings.Contains(string(data), `"src_endpoint":{"ip":"192.0.2.1"}`) {
			t.Errorf("1.8.0: %s", data)
		}
		if got := issuesOf(t, ev); len(got) != 0 {
			t.Errorf("1.8.0: %v", got)
		}
		// with a user, 1.1.0 keeps Group Management
		ev.User = &User{Name: "bob"}
		if err := ev.SetVersion(V1_1_0); err != nil {
			t.Fatal(err)
		}
		if data, _ = ev.MarshalJSON(); !strings.Contains(string(data), `"class_uid":3006`) {
			t.Errorf("1.1.0 with a user: %s", data)
		}
	}
}

// The embedded schemas are those beside validate.py, byte for byte, and
// parse; each says its version.
func TestEmbeddedSchemasMatchShared(t *testing.T) {
	_, script := validatePy(t)
	for _, v := range Versions() {
		s := schemaFor(v)
		if s == nil || s.version != v || len(s.classes) < 40 {
			t.Fatalf("embedded %s schema: %v", v, s)
		}
		shared, err := os.ReadFile(filepath.Join(filepath.Dir(script), "ocsf-"+v+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if string(shared) != lazyFor(v).data {
			t.Errorf("schema/ocsf-%s.json differs from %s's", v, filepath.Dir(script))
		}
	}
	if lazyFor("1.2.0") != nil || schemaFor("") != nil {
		t.Error("a schema for an unknown version")
	}
}

// A Validator fixed to an unknown version fails every event with
// schema_bug; one fixed to 1.8.0 checks 1.1.0 events against 1.8.0.
func TestValidatorVersion(t *testing.T) {
	ev := validEvents()[0]
	data, _ := json.Marshal(ev)
	errs, _ := NewValidator(ValidatorOptions{Version: "9.9.9"}).Check(data)
	if len(errs) != 1 || errs[0].Code != "schema_bug" || !strings.Contains(errs[0].Message, `unknown OCSF version "9.9.9" (allowed: 1.1.0, 1.8.0)`) {
		t.Errorf("9.9.9: %v", errs)
	}
	errs, warns := NewValidator(ValidatorOptions{Version: V1_8_0}).Check(data)
	if len(errs) != 0 || len(warns) != 1 || warns[0].Code != "version_mismatch" || warns[0].Message != `event says "1.1.0", validated against 1.8.0` {
		t.Errorf("1.8.0: %v %v", errs, warns)
	}
}

// The activities 1.8.0 added are written as Other with their caption as
// label in 1.1.0; in 1.8.0, Other with such a label is the activity.
func TestActivitiesOf180(t *testing.T) {
	for _, tt := range []struct {
		class    ClassUID
		act      ActivityID
		label    string
		out110   string // activity_id, activity_name, type_uid, type_name in 1.1.0
		out180   string
		needUser bool
	}{
		{ClassAccountChange, AccountChangeUnlock, "", `"activity_id":99,"activity_name":"Unlock","type_uid":300199,"type_name":"Account Change: Other"`,
			`"activity_id":12,"activity_name":"Unlock","type_uid":300112,"type_name":"Account Change: Unlock"`, true},
		{ClassAccountChange, ActivityOther, "unlock", `"activity_id":99,"activity_name":"unlock","type_uid":300199,"type_name":"Account Change: Other"`,
			`"activity_id":12,"activity_name":"Unlock","type_uid":300112,"type_name":"Account Change: Unlock"`, true},
		{ClassAccountChange, ActivityOther, "Update", `"activity_id":99,"activity_name":"Update","type_uid":300199,"type_name":"Account Change: Other"`,
			`"activity_id":99,"activity_name":"Update","type_uid":300199,"type_name":"Account Change: Other"`, true},
		{ClassEntityManagement, EntityManagementDisable, "Policy disabled", `"activity_id":99,"activity_name":"Policy disabled","type_uid":300499,"type_name":"Entity Management: Other"`,
			`"activity_id":9,"activity_name":"Disable","type_uid":300409,"type_name":"Entity Management: Disable"`, false},
		{ClassEntityManagement, EntityManagementUpdate, "", `"activity_id":3,"activity_name":"Update","type_uid":300403`,
			`"activity_id":3,"activity_name":"Update","type_uid":300403`, false},
	} {
		ev := New(tt.class, tt.act, obsTime)
		ev.ActivityLabel = tt.label
		ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
		if tt.needUser {
			ev.User = &User{Name: "bob"}
		} else {
			ev.Entity = &ManagedEntity{Name: "policy"}
		}
		for _, v := range []struct{ version, want string }{{V1_1_0, tt.out110}, {V1_8_0, tt.out180}} {
			if err := ev.SetVersion(v.version); err != nil {
				t.Fatal(err)
			}
			data, _ := ev.MarshalJSON()
			if !strings.Contains(string(data), v.want) {
				t.Errorf("%d/%d %q in %s: %s", tt.class, tt.act, tt.label, v.version, data)
			}
			if got := issuesOf(t, ev); len(got) != 0 {
				t.Errorf("%d/%d in %s: %v", tt.class, tt.act, v.version, got)
			}
		}
	}
}
