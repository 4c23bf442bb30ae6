package tanium_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/golden"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/tanium"
)

// decode reads an entry of object o.
func decode(t *testing.T, o tanium.Object, s string) tanium.Entry {
	t.Helper()
	e := tanium.Entry{Object: o}
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return e
}

const modUser = `"last_modified_by":"CORP\\alice.nguyen","modifier_user_id":3,"mod_user":{"id":3,"name":"alice.nguyen","domain":"CORP","display_name":"Alice Nguyen"}`

func TestToOCSFClassification(t *testing.T) {
	rec := func(typ string, details string) string {
		return `{"object_id":12,"details":"` + details + `","creation_time":"2024-06-01T10:00:00Z","modification_time":"2024-06-19T10:16:22Z",` + modUser + `,"type":` + typ + `}`
	}
	tests := []struct {
		object   tanium.ObjectType
		rec      string
		class    ocsf.ClassUID
		activity ocsf.ActivityID
		label    string
	}{
		{tanium.User, rec("0", `name=dev.patel\ndomain=CORP`), ocsf.ClassAccountChange, ocsf.AccountChangeCreate, ""},
		{tanium.User, rec("2", `name=dev.patel`), ocsf.ClassAccountChange, ocsf.AccountChangeDelete, ""},
		{tanium.User, rec("1", `name=dev.patel\npassword=********`), ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, ""},
		{tanium.User, rec("1", `name=dev.patel\nlocked_out=1`), ocsf.ClassAccountChange, ocsf.AccountChangeLock, ""},
		{tanium.User, rec("1", `name=dev.patel\nlocked_out=0`), ocsf.ClassAccountChange, ocsf.ActivityOther, "Unlock"},
		// Roles set, with no entry before it to tell what changed.
		{tanium.User, rec("1", `name=dev.patel\nroles=Administrator`), ocsf.ClassUserAccess, ocsf.ActivityOther, "Roles Set"},
		{tanium.User, rec("1", `name=dev.patel\ndisplay_name=Dev`), ocsf.ClassAccountChange, ocsf.ActivityOther, "Update"},
		{tanium.User, rec("1", `free text, not key=value pairs`), ocsf.ClassAccountChange, ocsf.ActivityOther, "Update"},
		{tanium.User, rec("7", ``), ocsf.ClassAccountChange, ocsf.ActivityOther, "Type(7)"},
		{tanium.UserGroup, rec("0", `name=SecOps`), ocsf.ClassGroupManagement, ocsf.GroupManagementCreate, ""},
		{tanium.UserGroup, rec("1", `name=SecOps\nusers=4`), ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, ""},
		{tanium.UserGroup, rec("2", `name=SecOps`), ocsf.ClassGroupManagement, ocsf.GroupManagementDelete, ""},
		{tanium.Sensor, rec("0", `name=Chrome Version`), ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, ""},
		{tanium.Sensor, rec("1", `name=Chrome Version\nmax_age_seconds=900`), ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, ""},
		{tanium.Package, rec("2", `name=Install Chrome`), ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, ""},
		{tanium.SystemSetting, rec("1", `name=session_expiration_seconds\nvalue=600`), ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, ""},
		{tanium.Group, rec("3", ``), ocsf.ClassEntityManagement, ocsf.ActivityOther, "Type(3)"},
		{tanium.Dashboard, `{"object_id":12,"modification_time":"2024-06-19T10:16:22Z"}`, ocsf.ClassEntityManagement, ocsf.ActivityOther, "Unknown"},
	}
	for _, tt := range tests {
		o := tanium.Object{Type: tt.object, ID: "12"}
		e := decode(t, o, tt.rec)
		ev := tanium.ToOCSF(e)
		if ev.Class != tt.class || ev.Activity != tt.activity {
			t.Errorf("%s %s: got class %d activity %d, want %d %d", tt.object, tt.rec, ev.Class, ev.Activity, tt.class, tt.activity)
		}
		if ev.ActivityLabel != tt.label {
			t.Errorf("%s %s: activity label %q, want %q", tt.object, tt.rec, ev.ActivityLabel, tt.label)
		}
		if err := ocsf.Validate(ev); err != nil {
			t.Errorf("%s %s: %v", tt.object, tt.rec, err)
		}
		if ev.RawData != tt.rec {
			t.Errorf("raw_data = %s, want the entry as sent", ev.RawData)
		}
		if ev.Metadata.UID != e.UID() || ev.Metadata.Product.Name != "Tanium" || ev.Metadata.Product.VendorName != "Tanium" ||
			ev.Metadata.OriginalTime != "2024-06-19T10:16:22Z" || ev.Time.UnixMilli() != 1718792182000 {
			t.Errorf("metadata %+v time %v", ev.Metadata, ev.Time)
		}
		if ev.Actor == nil || ev.Actor.User == nil || (strings.Contains(tt.rec, "mod_user") && (ev.Actor.User.UID != "3" || ev.Actor.User.Name != "alice.nguyen" ||
			ev.Actor.User.Domain != "CORP" || ev.Actor.User.FullName != "Alice Nguyen")) {
			t.Errorf("actor %+v", ev.Actor)
		}
		switch tt.class {
		case ocsf.ClassAccountChange:
			if ev.User == nil || ev.User.UID != "12" || (strings.HasPrefix(tt.rec[strings.Index(tt.rec, `"details":"`)+11:], "name=dev.patel") && ev.User.Name != "dev.patel") {
				t.Errorf("user %+v", ev.User)
			}
		case ocsf.ClassEntityManagement:
			if ev.Entity == nil || ev.Entity.UID != "12" || ev.Entity.Type != string(tt.object) {
				t.Errorf("entity %+v", ev.Entity)
			}
		}
	}
}

// Every member of the entry lands somewhere: mapped, or in unmapped.
// Connect's entry maps to the golden file connect_entry's event
// (TestGolden); here the Go values of its unmapped members, which JSON
// does not show.
func TestToOCSFKeepsEveryMember(t *testing.T) {
	o := tanium.Object{Type: tanium.WhiteListedURL, ID: "1234"}
	e := decode(t, o, string(audittest.TaniumDocExamples()["connect_entry"]))
	walktest.Equal(t, "unmapped", tanium.ToOCSF(e).Unmapped, map[string]any{
		"audit_name": "https://example.url.com", "audit_row_id": float64(1234), "type_name": "DeleteObject",
		"object_name": "https://example.url.com", "object_type_name": "white_listed_url_audit",
		"last_modified_by": "user@example.url.com",
	})

	// Without mod_user, last_modified_by and modifier_user_id make the actor;
	// a creation time other than the event's and another object_id are kept.
	e2 := decode(t, tanium.Object{Type: tanium.Sensor, ID: "7"}, `{"object_id":8,"details":"name=Chrome Version\nmax_age_seconds=600","creation_time":"2024-01-01T00:00:00Z","modification_time":"2024-06-19T10:16:22Z","last_modified_by":"CORP\\bjorn.larsen","modifier_user_id":5,"type":1}`)
	ev2 := tanium.ToOCSF(e2)
	if u := ev2.Actor.User; u.Name != "bjorn.larsen" || u.Domain != "CORP" || u.UID != "5" {
		t.Errorf("actor %+v", u)
	}
	if ev2.Unmapped["creation_time"] != "2024-01-01T00:00:00Z" || ev2.Unmapped["object_id"] != int64(8) {
		t.Errorf("unmapped %v", ev2.Unmapped)
	}
	data, _ := ev2.EntityResult.Data.(map[string]any)
	if ev2.EntityResult.Name != "Chrome Version" || data["details"] != e2.Details ||
		!reflect.DeepEqual(data["attributes"], map[string]string{"name": "Chrome Version", "max_age_seconds": "600"}) {
		t.Errorf("entity_result %+v", ev2.EntityResult)
	}
	if ev2.Message != `CORP\bjorn.larsen updated sensor 7 (Chrome Version)` {
		t.Errorf("message %q", ev2.Message)
	}
	// An e-mail address as last_modified_by fills email_addr.
	e3 := decode(t, tanium.Object{Type: tanium.Sensor, ID: "7"}, `{"modification_time":"2024-06-19T10:16:22Z","last_modified_by":"ops@example.com","type":0}`)
	if u := tanium.ToOCSF(e3).Actor.User; u.EmailAddr != "ops@example.com" || u.Name != "ops@example.com" {
		t.Errorf("actor %+v", u)
	}
	// An entry built in code (no Raw) still has raw_data.
	typ := tanium.EntryCreate
	built := tanium.Entry{Object: o, ObjectID: 1234, Type: &typ, Details: "name=x"}
	built.ModificationTime = e.ModificationTime
	if ev := tanium.ToOCSF(built); !strings.Contains(ev.RawData, `"details":"name=x"`) || ocsf.Validate(ev) != nil {
		t.Errorf("built entry: raw_data %s, %v", ev.RawData, ocsf.Validate(ev))
	}
}

func TestUIDIsStable(t *testing.T) {
	o := tanium.Object{Type: tanium.Sensor, ID: "7"}
	base := `"object_id":7,"details":"name=a","creation_time":"2024-01-01T00:00:00Z","modification_time":"2024-06-19T10:16:22Z","last_modified_by":"x","modifier_user_id":3,"type":1`
	a := decode(t, o, `{`+base+`,"mod_user":{"id":3,"name":"x","domain":"","display_name":"Old Name"}}`)
	b := decode(t, o, `{"mod_user":{"id":3,"name":"x","domain":"","display_name":"New Name"}, `+base+`}`)
	c := decode(t, o, `{`+strings.Replace(base, "name=a", "name=b", 1)+`}`)
	d := decode(t, tanium.Object{Type: tanium.Package, ID: "7"}, `{`+base+`}`)
	r1 := decode(t, o, `{`+base+`,"audit_row_id":1}`)
	r2 := decode(t, o, `{`+base+`,"audit_row_id":2}`)
	if a.UID() != b.UID() {
		t.Error("the same entry in another member order, with its user renamed since, must keep its uid")
	}
	for name, other := range map[string]tanium.Entry{"other details": c, "other object type": d, "audit_row_id": r1} {
		if other.UID() == a.UID() {
			t.Errorf("%s: same uid", name)
		}
	}
	if r1.UID() == r2.UID() {
		t.Error("entries with different audit_row_ids share a uid")
	}
	if len(a.UID()) != 32 {
		t.Errorf("uid %q", a.UID())
	}
}

func TestEntryTypeNames(t *testing.T) {
	for typ, name := range map[tanium.EntryType]string{0: "CreateObject", 1: "UpdateObject", 2: "DeleteObject", 9: "Type(9)", -1: "Type(-1)"} {
		if typ.String() != name {
			t.Errorf("%d: %q", typ, typ.String())
		}
	}
}

// Golden files: the examples there are (audittest keeps them verbatim),
// mapped. Regenerate with: go test ./tanium -run TestGolden -update
func TestGolden(t *testing.T) {
	docs := audittest.TaniumDocExamples()
	inputs := map[string]struct {
		object tanium.Object
		body   []byte
	}{
		"vendors_md_fixture": {tanium.Object{Type: tanium.SavedQuestion, ID: "42"}, docs["vendors_md_fixture"]},
		"connect_entry": {tanium.Object{Type: tanium.WhiteListedURL, ID: "1234"},
			[]byte(`{"data":{"id":1234,"type":"white_listed_url_audit","entries":[` + string(docs["connect_entry"]) + `]}}`)},
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var resp struct{ Data tanium.Page }
			if err := json.Unmarshal(in.body, &resp); err != nil {
				t.Fatal(err)
			}
			entries := resp.Data.Entries
			for i := range entries {
				entries[i].Object = in.object
			}
			out := golden.Mapped(t, entries, tanium.ToOCSF)
			golden.Check(t, name, out)
		})
	}
	// A user's history from the fake's demo data, read through the client
	// (which sets each entry's Before): issue 10 found its role changes
	// and unlocks mapped as Account Change, Other "Update".
	t.Run("issue10_user_history", func(t *testing.T) {
		body, err := os.ReadFile("testdata/issue10_user_history.json")
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			Data struct{ Entries []json.RawMessage }
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		var events []audittest.TaniumEntry
		for _, raw := range resp.Data.Entries {
			events = append(events, audittest.TaniumEntry{Type: "user", ID: "1", Raw: raw})
		}
		fake := audittest.StartTanium(t, audittest.TaniumOptions{Events: events})
		c, err := tanium.NewClient(fake.URL(), fake.APIToken())
		if err != nil {
			t.Fatal(err)
		}
		var entries []tanium.Entry
		for e, err := range c.Pages(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{{Type: tanium.User, ID: "1"}}}).All() {
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		golden.Check(t, "issue10_user_history", golden.Mapped(t, entries, tanium.ToOCSF))
	})
}

// A roles= change is told apart from the roles before it (Entry.Before,
// which the client sets from the history it read): issue 10 found all 335
// of the demo's role changes mapped as Account Change, Other.
func TestToOCSFRoleChanges(t *testing.T) {
	o := tanium.Object{Type: tanium.User, ID: "5"}
	rec := `{"object_id":5,"details":"name=dev.patel\nroles=%s","modification_time":"2026-12-03T10:58:20Z",` + modUser + `,"type":1}`
	for _, tt := range []struct {
		before, now string
		activity    ocsf.ActivityID
		privileges  []string
	}{
		{"Read Only User", "Administrator", ocsf.UserAccessAssignPrivileges, []string{"Administrator"}},
		{"Administrator", "Read Only User", ocsf.UserAccessRevokePrivileges, []string{"Administrator"}},
		{"Read Only User", "Patch Operator,Question Author", ocsf.UserAccessAssignPrivileges, []string{"Patch Operator", "Question Author"}},
		{"Patch Operator,Question Author", "Patch Operator", ocsf.UserAccessRevokePrivileges, []string{"Question Author"}},
		{"Content Administrator", "Administrator", ocsf.UserAccessAssignPrivileges, []string{"Administrator"}},
	} {
		e := decode(t, o, fmt.Sprintf(rec, tt.now))
		e.Before = map[string]string{"roles": tt.before, "name": "dev.patel"}
		ev := tanium.ToOCSF(e)
		if ev.Class != ocsf.ClassUserAccess || ev.Activity != tt.activity || !slices.Equal(ev.Privileges, tt.privileges) {
			t.Errorf("%s -> %s: %d/%d %q, want 3005/%d %q", tt.before, tt.now, ev.Class, ev.Activity, ev.Privileges, tt.activity, tt.privileges)
		}
		if ev.User == nil || ev.User.UID != "5" || ev.User.Name != "dev.patel" || ev.Unmapped["previous_roles"] != tt.before || ev.Status != ocsf.StatusSuccess {
			t.Errorf("%s -> %s: user %+v unmapped %v status %d", tt.before, tt.now, ev.User, ev.Unmapped, ev.Status)
		}
		if err := ocsf.Validate(ev); err != nil {
			t.Error(err)
		}
	}
}

// The client sets Before from the history it reads: a walk of the fake's
// default data set finds role changes, and each is an Assign or a Revoke
// of roles that differ from the ones before.
func TestWalkTellsRoleChanges(t *testing.T) {
	fake := audittest.StartTanium(t, audittest.TaniumOptions{})
	c, err := tanium.NewClient(fake.URL(), fake.APIToken())
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, o := range fake.Objects() {
		if strings.HasPrefix(o, "user:") {
			users = append(users, o)
		}
	}
	objs, err := tanium.ParseObjects(strings.Join(users, ","))
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &tanium.ListOptions{Objects: objs, MaxHistorySize: tanium.MaxHistorySize}, nil)
	var assign, revoke, set int
	for it.Next() {
		ev := it.Event()
		if ev.Class != ocsf.ClassUserAccess {
			continue
		}
		switch ev.Activity {
		case ocsf.UserAccessAssignPrivileges:
			assign++
		case ocsf.UserAccessRevokePrivileges:
			revoke++
		default:
			set++
		}
		if prev, ok := ev.Unmapped["previous_roles"].(string); ok && ev.Activity != ocsf.ActivityOther {
			for _, p := range ev.Privileges {
				had := slices.Contains(strings.Split(prev, ","), p)
				if ev.Activity == ocsf.UserAccessAssignPrivileges && had || ev.Activity == ocsf.UserAccessRevokePrivileges && !had {
					t.Errorf("%s: %d of %q, the user had %s", ev.Message, ev.Activity, p, prev)
				}
			}
		} else if ev.Activity != ocsf.ActivityOther {
			t.Errorf("%s: %d without previous roles", ev.Message, ev.Activity)
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if assign == 0 || revoke == 0 {
		t.Errorf("assign %d revoke %d (roles set %d): the walk should find both", assign, revoke, set)
	}
}
