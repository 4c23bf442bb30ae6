package ocsf

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMarshalGolden(t *testing.T) {
	data, err := fullEvent().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	golden := filepath.Join("testdata", "full-event.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("marshal differs from %s:\n%s", golden, buf.String())
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	evs := append(validEvents(), authorizeSessionEvent(), otherActivityEvent(), fullEvent())
	for _, e := range evs {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back Event
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		// JSON numbers in Data/Unmapped come back as float64
		want := e
		normalize := func(v any) any {
			if v == nil {
				return nil
			}
			b, _ := json.Marshal(v)
			var x any
			_ = json.Unmarshal(b, &x)
			return x
		}
		want.Unmapped, _ = normalize(want.Unmapped).(map[string]any)
		if want.Entity != nil {
			ent := *want.Entity
			ent.Data = normalize(ent.Data)
			want.Entity = &ent
		}
		if !back.Time.Equal(want.Time) {
			t.Errorf("time %v != %v", back.Time, want.Time)
		}
		back.Time, want.Time = time.Time{}, time.Time{}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", data, back, want)
		}
	}
}

func TestUnmarshalIgnoresDerived(t *testing.T) {
	in := `{"class_uid": 3002, "class_name": "Wrong", "category_uid": 9, "activity_id": 1, "activity_name": "Bogus", "type_uid": 1, "type_name": "x",
		"severity_id": 3, "severity": "nope", "status_id": 1, "status": "odd", "time": 1718213009419, "metadata": {"version": "1.1.0", "product": {"vendor_name": "V"}}}`
	var e Event
	if err := json.Unmarshal([]byte(in), &e); err != nil {
		t.Fatal(err)
	}
	if e.Class != ClassAuthentication || e.Activity != AuthenticationLogon || e.ActivityLabel != "" ||
		e.Severity != SeverityMedium || e.Status != StatusSuccess || e.StatusLabel != "" ||
		!e.Time.Equal(testTime) || e.Metadata.Product.VendorName != "V" {
		t.Errorf("got %+v", e)
	}
	out, _ := json.Marshal(e)
	for _, want := range []string{`"activity_name":"Logon"`, `"type_uid":300201`, `"severity":"Medium"`, `"status":"Success"`, `"category_uid":3`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
	in = `{"class_uid": 3002, "activity_id": 99, "activity_name": "Impersonate", "status_id": 99, "status": "Partial", "severity_id": 1}`
	if err := json.Unmarshal([]byte(in), &e); err != nil {
		t.Fatal(err)
	}
	if e.ActivityLabel != "Impersonate" || e.StatusLabel != "Partial" || !e.Time.IsZero() || e.Metadata.Version != "" {
		t.Errorf("Other labels / reset: %+v", e)
	}
	if err := json.Unmarshal([]byte(`{"class_uid": "3002"}`), &e); err == nil {
		t.Error("string class_uid: no error")
	}
}

// TestDerivedFields checks type_uid, type_name, activity_name and the class
// fields for every activity constant, against the schema's type_uid enum.
func TestDerivedFields(t *testing.T) {
	s := mustSchema(t)
	tests := []struct {
		class    ClassUID
		activity ActivityID
		typeUID  int64
	}{
		{ClassAccountChange, AccountChangeCreate, 300101},
		{ClassAccountChange, AccountChangeEnable, 300102},
		{ClassAccountChange, AccountChangePasswordChange, 300103},
		{ClassAccountChange, AccountChangePasswordReset, 300104},
		{ClassAccountChange, AccountChangeDisable, 300105},
		{ClassAccountChange, AccountChangeDelete, 300106},
		{ClassAccountChange, AccountChangeAttachPolicy, 300107},
		{ClassAccountChange, AccountChangeDetachPolicy, 300108},
		{ClassAccountChange, AccountChangeLock, 300109},
		{ClassAccountChange, AccountChangeMFAFactorEnable, 300110},
		{ClassAccountChange, AccountChangeMFAFactorDisable, 300111},
		{ClassAuthentication, AuthenticationLogon, 300201},
		{ClassAuthentication, AuthenticationLogoff, 300202},
		{ClassAuthentication, AuthenticationAuthenticationTicket, 300203},
		{ClassAuthentication, AuthenticationServiceTicketRequest, 300204},
		{ClassAuthentication, AuthenticationServiceTicketRenew, 300205},
		{ClassAuthorizeSession, AuthorizeSessionAssignPrivileges, 300301},
		{ClassAuthorizeSession, AuthorizeSessionAssignGroups, 300302},
		{ClassEntityManagement, EntityManagementCreate, 300401},
		{ClassEntityManagement, EntityManagementRead, 300402},
		{ClassEntityManagement, EntityManagementUpdate, 300403},
		{ClassEntityManagement, EntityManagementDelete, 300404},
		{ClassUserAccess, UserAccessAssignPrivileges, 300501},
		{ClassUserAccess, UserAccessRevokePrivileges, 300502},
		{ClassGroupManagement, GroupManagementAssignPrivileges, 300601},
		{ClassGroupManagement, GroupManagementRevokePrivileges, 300602},
		{ClassGroupManagement, GroupManagementAddUser, 300603},
		{ClassGroupManagement, GroupManagementRemoveUser, 300604},
		{ClassGroupManagement, GroupManagementDelete, 300605},
		{ClassGroupManagement, GroupManagementCreate, 300606},
		{ClassWebResourcesActivity, WebResourcesCreate, 600101},
		{ClassWebResourcesActivity, WebResourcesRead, 600102},
		{ClassWebResourcesActivity, WebResourcesUpdate, 600103},
		{ClassWebResourcesActivity, WebResourcesDelete, 600104},
		{ClassWebResourcesActivity, WebResourcesSearch, 600105},
		{ClassWebResourcesActivity, WebResourcesImport, 600106},
		{ClassWebResourcesActivity, WebResourcesExport, 600107},
		{ClassWebResourcesActivity, WebResourcesShare, 600108},
		{ClassAPIActivity, APIActivityCreate, 600301},
		{ClassAPIActivity, APIActivityRead, 600302},
		{ClassAPIActivity, APIActivityUpdate, 600303},
		{ClassAPIActivity, APIActivityDelete, 600304},
	}
	for _, c := range tableClasses() {
		tests = append(tests,
			struct {
				class    ClassUID
				activity ActivityID
				typeUID  int64
			}{c, ActivityUnknown, int64(c) * 100},
			struct {
				class    ClassUID
				activity ActivityID
				typeUID  int64
			}{c, ActivityOther, int64(c)*100 + 99})
	}
	// every activity of every table class is covered
	perClass := map[ClassUID]int{}
	for _, tt := range tests {
		perClass[tt.class]++
	}
	for _, c := range tableClasses() {
		if want := len(s.classes[strconv.Itoa(int(c))].byName["activity_id"].enum); perClass[c] != want {
			t.Errorf("class %d: %d activities tested, schema has %d", c, perClass[c], want)
		}
	}
	for _, tt := range tests {
		e := New(tt.class, tt.activity, testTime)
		if tt.class == ClassGroupManagement {
			// else 1.1.0 writes a group's creation or deletion as 3004 (TestGroupCreated)
			e.User = &User{Name: "u"}
		}
		if e.TypeUID() != tt.typeUID {
			t.Errorf("%d/%d: TypeUID %d, want %d", tt.class, tt.activity, e.TypeUID(), tt.typeUID)
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		cls := s.classes[strconv.Itoa(int(tt.class))]
		typeName, ok := cls.byName["type_uid"].enumIdx[strconv.FormatInt(tt.typeUID, 10)]
		if !ok {
			t.Errorf("type_uid %d not in schema", tt.typeUID)
		}
		want := map[string]any{
			"class_uid": float64(tt.class), "class_name": cls.caption,
			"category_uid": float64(cls.categoryUID), "category_name": s.categories[cls.categoryUID].caption,
			"activity_id": float64(tt.activity), "type_uid": float64(tt.typeUID), "type_name": typeName,
			"severity_id": float64(1), "severity": "Informational", "time": float64(1718213009419),
		}
		if tt.activity != ActivityOther {
			want["activity_name"] = cls.byName["activity_id"].enumIdx[strconv.Itoa(int(tt.activity))]
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%d/%d: %s = %v, want %v", tt.class, tt.activity, k, m[k], v)
			}
		}
		if _, ok := m["status_id"]; ok {
			t.Errorf("%d/%d: status_id written for StatusUnknown", tt.class, tt.activity)
		}
	}
}

func TestOtherLabels(t *testing.T) {
	e := otherActivityEvent()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"activity_id":99`, `"activity_name":"Rename"`, `"type_uid":300199`,
		`"type_name":"Account Change: Other"`, `"status_id":99`, `"status":"Partial"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %s", data, want)
		}
	}
	if errs, warns := NewValidator(ValidatorOptions{}).Check(data); len(errs)+len(warns) != 0 {
		t.Errorf("Other event: %v %v", errs, warns)
	}
	// ActivityLabel is ignored unless the activity is Other
	e.Activity = AccountChangeLock
	e.Status = StatusFailure
	data, _ = json.Marshal(e)
	if !strings.Contains(string(data), `"activity_name":"Lock"`) || !strings.Contains(string(data), `"status":"Failure"`) {
		t.Errorf("labels leak: %s", data)
	}
	// Other without a label: no activity_name / status, no severity caption
	e = New(ClassAuthentication, ActivityOther, testTime)
	e.Status, e.Severity = StatusOther, SeverityOther
	data, _ = json.Marshal(e)
	for _, bad := range []string{`"activity_name"`, `"status"`, `"severity"`} {
		if strings.Contains(string(data), bad) {
			t.Errorf("%s has %s", data, bad)
		}
	}
}

func TestMarshalEdgeCases(t *testing.T) {
	var e Event // zero value: class 0, no time
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"time"`) {
		t.Errorf("zero time written: %s", data)
	}
	err = Validate(e)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero event: %v", err)
	}
	// an event of a class without Go constants takes captions from the schema
	e = New(4001, 6, testTime)
	data, _ = json.Marshal(e)
	if !strings.Contains(string(data), `"class_name":"Network Activity","category_uid":4,"category_name":"Network Activity","activity_id":6,"activity_name":"Traffic","type_uid":400106,"type_name":"Network Activity: Traffic"`) {
		t.Errorf("schema captions: %s", data)
	}
	// a value that cannot be marshalled is an error, not a panic
	e.Unmapped = map[string]any{"ch": make(chan int)}
	if _, err := json.Marshal(e); err == nil {
		t.Error("no error for a channel")
	}
	if err := Validate(e); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("Validate of unmarshalable event: %v", err)
	}
}

func TestAddProfile(t *testing.T) {
	e := New(ClassEntityManagement, EntityManagementCreate, testTime)
	e.AddProfile("host")
	e.AddProfile("host")
	e.AddProfile("datetime")
	if got := strings.Join(e.Metadata.Profiles, ","); got != "host,datetime" {
		t.Errorf("profiles %s", got)
	}
}

// TestValidEventsPass: one hand-built event per class passes Validate, and
// validate.py when it is available.
func TestValidEventsPass(t *testing.T) {
	evs := validEvents()
	var lines []string
	for _, e := range append(evs, authorizeSessionEvent(), otherActivityEvent()) {
		if err := Validate(e); err != nil {
			t.Errorf("class %d: %v", e.Class, err)
		}
		data, _ := json.Marshal(e)
		if _, warns := NewValidator(ValidatorOptions{}).Check(data); len(warns) != 0 {
			t.Errorf("class %d warnings: %v", e.Class, warns)
		}
	}
	classes := map[ClassUID]bool{}
	for _, e := range evs {
		classes[e.Class] = true
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(data))
	}
	for _, c := range []ClassUID{3001, 3002, 3004, 3005, 3006, 6001, 6003} {
		if !classes[c] {
			t.Errorf("no event of class %d", c)
		}
	}
	// profile rule: without "host", actor is not allowed in 3004
	e := evs[2]
	e.Metadata.Profiles = nil
	if err := Validate(e); err == nil || !strings.Contains(err.Error(), "actor: belongs to class entity_management (3004) only with profile host") {
		t.Errorf("3004 actor without host: %v", err)
	}

	_, _ = validatePy(t)
	path := filepath.Join(t.TempDir(), "valid.ndjson")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runPython(t, "-v", path)
	if got := out[len(out)-1]; got != "7 passed, 0 failed" || len(out) != 1 {
		t.Errorf("validate.py:\n%s", strings.Join(out, "\n"))
	}
}

func TestDurationRoundTrip(t *testing.T) {
	ev := New(ClassAPIActivity, APIActivityRead, time.UnixMilli(1718798400000).UTC())
	ev.Duration = 42
	ev.Metadata.Product.Name, ev.Metadata.Product.VendorName = "p", "v"
	ev.Actor = &Actor{User: &User{Name: "u"}}
	ev.API = &API{Operation: "GET /x"}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1"}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"duration":42`) {
		t.Fatalf("no duration in %s", b)
	}
	if err := ValidateJSON(b); err != nil {
		t.Fatal(err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Duration != 42 {
		t.Errorf("duration %d after a round trip, want 42", back.Duration)
	}
}
