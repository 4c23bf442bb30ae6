package automox_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/internal/golden"
	"github.com/auditkit/auditkit/ocsf"
)

func decode(t *testing.T, s string) automox.AuditEvent {
	return golden.Decode[automox.AuditEvent](t, s)
}

// docEvent is the event of one of the document's examples.
func docEvent(t *testing.T, name string) automox.AuditEvent {
	t.Helper()
	var arr []json.RawMessage
	if err := json.Unmarshal(docExample(t, name), &arr); err != nil || len(arr) != 1 {
		t.Fatalf("%s: %v", name, err)
	}
	return decode(t, string(arr[0]))
}

// The document's samples map to events the validator passes without an
// error or a warning: the six reasons ../shared/ocsf/README.md gives for
// the authentication sample failing validation as sent are repaired. (What
// each repair makes of the fields, raw_data and unmapped is in the golden
// files, TestGolden's.)
func TestToOCSFRepairsTheDocumentSamples(t *testing.T) {
	for _, name := range audittest.AutomoxDocEventNames() {
		b, err := json.Marshal(automox.ToOCSF(docEvent(t, name)))
		if errs, warns := ocsf.NewValidator(ocsf.ValidatorOptions{}).Check(b); err != nil || len(errs) != 0 || len(warns) != 0 {
			t.Errorf("%s: %v, errors %v, warnings %v", name, err, errs, warns)
		}
	}
}

func TestToOCSFClassification(t *testing.T) {
	const md = `"metadata":{"uid":"11111111-2222-4333-8444-555555555555","version":"1.1.0","product":{"vendor_name":"Automox"}},"time":1718213009419`
	const actor = `"actor":{"user":{"uid":"a1","email_addr":"admin@example.com","org":{"uid":null,"name":null}}}`
	tests := []struct {
		name     string
		rec      string
		class    ocsf.ClassUID
		activity ocsf.ActivityID
		label    string
		status   ocsf.StatusID
		profiles string
	}{
		{"logon, activity_id 99 with type_uid 300201", `{"activity":"Logon","activity_id":99,"class_uid":3002,"type_uid":300201,` + md + `,` + actor + `,"user":{"uid":"1"},"status_id":1}`,
			ocsf.ClassAuthentication, ocsf.AuthenticationLogon, "", ocsf.StatusSuccess, ""},
		{"failed logon", `{"activity":"Logon","activity_id":1,"class_uid":3002,"type_uid":300201,` + md + `,"user":{"uid":"1"},"status":"Failure","status_id":2,"status_code":401}`,
			ocsf.ClassAuthentication, ocsf.AuthenticationLogon, "", ocsf.StatusFailure, ""},
		{"logoff, no user: the actor's", `{"activity":"Logoff","activity_id":2,"class_uid":3002,"type_uid":300202,` + md + `,` + actor + `}`,
			ocsf.ClassAuthentication, ocsf.AuthenticationLogoff, "", 0, ""},
		{"attach 7 vs detach 300108: type_uid breaks the tie", `{"activity":"Attach Policy","activity_id":7,"class_uid":3001,"type_uid":300108,"type_name":"Account Change: Detach Policy",` + md + `,` + actor + `,"user":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.AccountChangeDetachPolicy, "", ocsf.StatusSuccess, ""},
		{"three against type_uid", `{"activity":"Attach Policy","activity_id":7,"class_uid":3001,"type_uid":300108,"type_name":"Account Change: Attach Policy",` + md + `,"user":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.AccountChangeAttachPolicy, "", ocsf.StatusSuccess, ""},
		{"2FA disabled", `{"activity":"MFA Factor Disable","activity_id":11,"class_uid":3001,"type_uid":300111,` + md + `,"user":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorDisable, "", ocsf.StatusSuccess, ""},
		{"account change without user: user_result", `{"activity":"Create","activity_id":1,"class_uid":3001,"type_uid":300101,` + md + `,"user_result":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.AccountChangeCreate, "", ocsf.StatusSuccess, ""},
		{"entity delete, status from status_code", `{"activity":"Delete","activity_id":4,"class_uid":3004,"type_uid":300404,` + md + `,"entity":{"uid":"1150151","name":"test2","type":"Group"},"status_code":"204"}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, "", ocsf.StatusSuccess, ""},
		{"entity with actor: host profile", `{"activity":"Update","activity_id":3,"class_uid":3004,"type_uid":300403,` + md + `,` + actor + `,"entity":{"uid":"r1","name":"Role","type":"Role","data":{"permissions":["a"]}}}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, "", ocsf.StatusSuccess, "host"},
		{"web resources Other: the message is the label", `{"activity":"Other","activity_id":99,"class_uid":6001,"type_uid":600199,"message":"Manual Device Scan Request",` + md + `,"web_resources":[{"uid":"4423039","name":"vm"}]}`,
			ocsf.ClassWebResourcesActivity, ocsf.ActivityOther, "Manual Device Scan Request", ocsf.StatusSuccess, ""},
		{"web resources export", `{"activity":"Export","activity_id":7,"class_uid":6001,"type_uid":600107,` + md + `,` + actor + `,"web_resources":[{"uid":"4423039"}]}`,
			ocsf.ClassWebResourcesActivity, ocsf.WebResourcesExport, "", ocsf.StatusSuccess, "host"},
		{"activity named only", `{"activity":"Password Reset","class_uid":3001,` + md + `,"user":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.AccountChangePasswordReset, "", ocsf.StatusSuccess, ""},
		{"unknown activity: Other with its name", `{"activity":"Frobnicate","activity_id":55,"class_uid":3001,` + md + `,"user":{"uid":"u"}}`,
			ocsf.ClassAccountChange, ocsf.ActivityOther, "Frobnicate", ocsf.StatusSuccess, ""},
		{"status Other keeps its label", `{"activity":"Logon","activity_id":1,"class_uid":3002,` + md + `,"user":{"uid":"1"},"status":"Pending","status_id":99}`,
			ocsf.ClassAuthentication, ocsf.AuthenticationLogon, "", ocsf.StatusOther, ""},
		// Events that cannot be valid in their class become Entity Management.
		{"3004 without entity", `{"activity":"Delete","activity_id":4,"class_uid":3004,"type_uid":300404,"message":"Policy Deleted",` + md + `}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, "", ocsf.StatusSuccess, ""},
		{"3001 without any user", `{"activity":"Delete","activity_id":6,"class_uid":3001,"message":"User Removed",` + md + `}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, "", ocsf.StatusSuccess, ""},
		{"no class at all", `{"activity":"Create","message":"Something Created",` + md + `}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, "", ocsf.StatusSuccess, ""},
		{"a class this SDK does not model", `{"activity":"Create","activity_id":1,"class_uid":1001,"message":"File Created",` + md + `}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, "", ocsf.StatusSuccess, ""},
		{"6003 without api or src_endpoint", `{"activity":"Read","activity_id":2,"class_uid":6003,"message":"API Read",` + md + `,` + actor + `}`,
			ocsf.ClassEntityManagement, ocsf.EntityManagementRead, "", ocsf.StatusSuccess, "host"},
		{"6001 with entity, no web resources", `{"activity":"Other","activity_id":99,"class_uid":6001,"message":"Reboot",` + md + `,"entity":{"uid":"9","name":"vm","type":"Device"}}`,
			ocsf.ClassWebResourcesActivity, ocsf.ActivityOther, "Reboot", ocsf.StatusSuccess, ""},
		{"3005 with user and privileges", `{"activity":"Assign Privileges","activity_id":1,"class_uid":3005,"type_uid":300501,` + md + `,` + actor + `,"user":{"uid":"u"},"privileges":["Zone Administrator"]}`,
			ocsf.ClassUserAccess, ocsf.UserAccessAssignPrivileges, "", ocsf.StatusSuccess, "host"},
		{"6003 complete", `{"activity":"Read","activity_id":2,"class_uid":6003,` + md + `,` + actor + `,"api":{"operation":"GET /servers"},"src_endpoint":{"ip":"192.0.2.7"}}`,
			ocsf.ClassAPIActivity, ocsf.APIActivityRead, "", ocsf.StatusSuccess, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decode(t, tt.rec)
			ev := automox.ToOCSF(e)
			if ev.Class != tt.class || ev.Activity != tt.activity || ev.ActivityLabel != tt.label || ev.Status != tt.status {
				t.Errorf("class %d activity %d %q status %d, want %d %d %q %d", ev.Class, ev.Activity, ev.ActivityLabel, ev.Status, tt.class, tt.activity, tt.label, tt.status)
			}
			if got := strings.Join(ev.Metadata.Profiles, ","); got != tt.profiles {
				t.Errorf("profiles %q, want %q", got, tt.profiles)
			}
			if err := ocsf.Validate(ev); err != nil {
				t.Error(err)
			}
			if ev.RawData != tt.rec {
				t.Errorf("raw_data = %s, want the event as sent", ev.RawData)
			}
			if ev.Class != ocsf.ClassUID(e.ClassUID) && e.ClassUID != 0 {
				if v, ok := ev.Unmapped["class_uid"]; !ok || fmt.Sprint(v) != fmt.Sprint(e.ClassUID) {
					t.Errorf("class changed from %d without unmapped.class_uid: %v", e.ClassUID, ev.Unmapped)
				}
			}
		})
	}
}

// What the model cannot hold is kept in unmapped; what makes the event
// invalid in its class is moved there.
func TestToOCSFLosesNothing(t *testing.T) {
	e := decode(t, `{"_id":"6669d991ba9a2536b8158f17","activity":"Logon","activity_id":1,"class_uid":3002,"time":"1718213009419",`+
		`"metadata":{"uid":"m1","version":"1.1.0","product":{"vendor_name":"Automox","channel":"beta"}},`+
		`"user":{"uid":"1","email_addr":"a@example.com","nickname":"al"},"actor":{"user":{"uid":"2","type_id":42}},`+
		`"observables":[{"name":"email","type_id":5,"value":"a@example.com"}],"raw_data":"{x=1}","extra_field":{"k":[1,2]},`+
		`"entity":{"uid":"e"},"service":{"name":"Console"},"status_detail":"ok","message":7}`)
	ev := automox.ToOCSF(e)
	if err := ocsf.Validate(ev); err != nil {
		t.Fatal(err)
	}
	u := ev.Unmapped
	for _, k := range []string{"_id", "raw_data", "extra_field", "metadata", "user", "actor", "entity", "message"} {
		if _, ok := u[k]; !ok {
			t.Errorf("unmapped.%s missing: %v", k, u)
		}
	}
	if ev.Service == nil || ev.Service.Name != "Console" {
		t.Errorf("a service sent is carried: %+v", ev.Service)
	}
	if ev.User == nil || ev.User.UID != "1" || ev.User.EmailAddr != "a@example.com" {
		t.Errorf("user %+v", ev.User)
	}
	if ev.Actor != nil {
		t.Errorf("an actor with an invalid type_id must move to unmapped: %+v", ev.Actor)
	}
	// Automox's own observable is an OCSF observable, named by the
	// attribute that holds its value.
	if _, ok := u["observables"]; ok || len(ev.Observables) == 0 ||
		ev.Observables[0] != (ocsf.Observable{Name: "user.email_addr", Type: "Email Address", TypeID: ocsf.ObservableEmail, Value: "a@example.com"}) {
		t.Errorf("observables %+v, unmapped.observables %v", ev.Observables, u["observables"])
	}
	if ev.StatusDetail != "ok" || ev.Metadata.UID != "m1" || ev.Unmapped["raw_data"] != "{x=1}" {
		t.Errorf("status_detail %q uid %q", ev.StatusDetail, ev.Metadata.UID)
	}
}

// Strings longer than OCSF allows are cut, and kept whole in unmapped; the
// event, longer than raw_data allows, is in unmapped.raw_event. (That
// ToOCSF gives a valid event whatever the members hold is
// TestKnownValidShortcutIsExact's.)
func TestToOCSFCutsLongStrings(t *testing.T) {
	var arr []map[string]any
	long := strings.Repeat("z", 70000)
	for _, k := range []string{"message", "activity", "status_details", "status_code", "metadata"} {
		if err := json.Unmarshal(docExample(t, "authentication"), &arr); err != nil {
			t.Fatal(err)
		}
		obj := arr[0]
		if k == "metadata" {
			obj[k].(map[string]any)["uid"] = long
		} else {
			obj[k] = long
		}
		b, _ := json.Marshal(obj)
		ev := automox.ToOCSF(decode(t, string(b)))
		if err := ocsf.Validate(ev); err != nil {
			t.Fatalf("long %s: %v", k, err)
		}
		if ev.RawData != "" || ev.Unmapped["raw_event"] != string(b) {
			t.Errorf("long %s: an event longer than raw_data allows is not in unmapped.raw_event", k)
		}
		found := false
		for _, v := range ev.Unmapped {
			found = found || v == long
		}
		if !found && k != "metadata" && k != "activity" {
			t.Errorf("long %s: the whole value is not in unmapped: %v", k, len(ev.Unmapped))
		}
	}
}

func TestUID(t *testing.T) {
	withMeta := decode(t, `{"_id":{"$oid":"a"},"metadata":{"uid":"m"},"time":1718213009419}`)
	withID := decode(t, `{"id":"b","time":1718213009419}`)
	bare1 := decode(t, `{"time":1718213009419,"message":"x","count":1}`)
	bare2 := decode(t, `{ "count":1, "message":"x","time":1718213009419}`)
	bare3 := decode(t, `{"time":1718213009419,"message":"y"}`)
	if withMeta.UID() != "m" || withID.UID() != "b" {
		t.Errorf("uids %q %q", withMeta.UID(), withID.UID())
	}
	if bare1.UID() != bare2.UID() || bare1.UID() == bare3.UID() || len(bare1.UID()) != 32 {
		t.Errorf("digests %q %q %q", bare1.UID(), bare2.UID(), bare3.UID())
	}
	if ev := automox.ToOCSF(withMeta); ev.Metadata.UID != "m" {
		t.Errorf("metadata.uid %q", ev.Metadata.UID)
	}
}

// An event built in code, not decoded, maps too, and marshals under the
// API's names.
func TestEventBuiltInCode(t *testing.T) {
	id := 1
	e := automox.AuditEvent{ID: "6669d991ba9a2536b8158f17", ClassUID: 3002, ActivityID: &id, Activity: "Logon", Time: dataEnd,
		User: &automox.User{UID: "1"}, StatusCode: "200", Message: "User Log In Success"}
	ev := automox.ToOCSF(e)
	if err := ocsf.Validate(ev); err != nil {
		t.Fatal(err)
	}
	var back automox.AuditEvent
	if err := json.Unmarshal([]byte(ev.RawData), &back); err != nil || back.ID != e.ID || !back.Time.Equal(e.Time) || back.User.UID != "1" {
		t.Errorf("raw_data %s decodes to %+v (%v)", ev.RawData, back, err)
	}
}

// Golden files: every event of the document's examples and of vendors.md's
// fixture, repaired. Regenerate with: go test ./automox -run TestGolden -update
func TestGolden(t *testing.T) {
	inputs := map[string][]byte{}
	for _, name := range audittest.AutomoxDocEventNames() {
		inputs[name] = docExample(t, name)
	}
	fixture, err := os.ReadFile("testdata/fixture_vendors_md.json")
	if err != nil {
		t.Fatal(err)
	}
	inputs["fixture_vendors_md"] = fixture
	for name, b := range inputs {
		t.Run(name, func(t *testing.T) {
			var events []automox.AuditEvent
			if err := json.Unmarshal(b, &events); err != nil {
				t.Fatal(err)
			}
			out := golden.MappedUnescaped(t, events, automox.ToOCSF)
			golden.Check(t, name, out)
		})
	}
}
