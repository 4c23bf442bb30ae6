package mapping_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// row is a line of ocsf/MAPPING.md's table: the class and activity of a
// meaning (label: the activity_name of Other).
type row struct {
	class ocsf.ClassUID
	act   ocsf.ActivityID
	label string
}

// table is ocsf/MAPPING.md's table. An "other action" (a vendor's own
// action no line names: a reboot requested, a task executed) keeps the
// class its vendor gives it, with activity Other or the verb OCSF names.
var table = map[string]row{
	"login":                {ocsf.ClassAuthentication, ocsf.AuthenticationLogon, ""},
	"failed login":         {ocsf.ClassAuthentication, ocsf.AuthenticationLogon, ""},
	"logout":               {ocsf.ClassAuthentication, ocsf.AuthenticationLogoff, ""},
	"user created":         {ocsf.ClassAccountChange, ocsf.AccountChangeCreate, ""},
	"user modified":        {ocsf.ClassAccountChange, ocsf.ActivityOther, mapping.UserUpdate},
	"user deleted":         {ocsf.ClassAccountChange, ocsf.AccountChangeDelete, ""},
	"user enabled":         {ocsf.ClassAccountChange, ocsf.AccountChangeEnable, ""},
	"user disabled":        {ocsf.ClassAccountChange, ocsf.AccountChangeDisable, ""},
	"password change":      {ocsf.ClassAccountChange, ocsf.AccountChangePasswordChange, ""},
	"password reset":       {ocsf.ClassAccountChange, ocsf.AccountChangePasswordReset, ""},
	"mfa enabled":          {ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorEnable, ""},
	"mfa disabled":         {ocsf.ClassAccountChange, ocsf.AccountChangeMFAFactorDisable, ""},
	"lock":                 {ocsf.ClassAccountChange, ocsf.AccountChangeLock, ""},
	"unlock":               {ocsf.ClassAccountChange, ocsf.ActivityOther, mapping.Unlock},
	"role granted":         {ocsf.ClassUserAccess, ocsf.UserAccessAssignPrivileges, ""},
	"role revoked":         {ocsf.ClassUserAccess, ocsf.UserAccessRevokePrivileges, ""},
	"roles set":            {ocsf.ClassUserAccess, ocsf.ActivityOther, mapping.RolesSet},
	"group member added":   {ocsf.ClassGroupManagement, ocsf.GroupManagementAddUser, ""},
	"group member removed": {ocsf.ClassGroupManagement, ocsf.GroupManagementRemoveUser, ""},
	"group created":        {ocsf.ClassGroupManagement, ocsf.GroupManagementCreate, ""},
	"group deleted":        {ocsf.ClassGroupManagement, ocsf.GroupManagementDelete, ""},
	"object created":       {ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, ""},
	"object read":          {ocsf.ClassEntityManagement, ocsf.EntityManagementRead, ""},
	"object updated":       {ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, ""},
	"object deleted":       {ocsf.ClassEntityManagement, ocsf.EntityManagementDelete, ""},
	"api call":             {ocsf.ClassAPIActivity, -1, ""}, // any activity: by the HTTP method or verb
	"other action":         {0, -1, ""},
}

// meaning is what a record says happened, read from the record (raw_data)
// by each vendor's own words, apart from the mapping: failed says the
// record names a failure or a denial.
type meaning struct {
	what   string
	failed bool
}

// TestTableHolds walks every vendor's fake (its default data set)
// through the vendor's client and checks ocsf/MAPPING.md's table on every
// event: the class and activity of its meaning, whatever the vendor and
// the channel; status Success, or Failure with a status_detail and a
// severity of at least Low when the record names a failure; observables on
// every event. A record of a kind the table does not place fails the test,
// so that a new kind is placed on purpose.
func TestTableHolds(t *testing.T) {
	now := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	for _, name := range vendors.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			classify := classifiers[name]
			if classify == nil {
				t.Fatalf("no meanings for vendor %s", name)
			}
			// The fakes' default data set: 2000 records of seed 1.
			d, err := audittest.StartDemo(name, audittest.DemoConfig{Now: now, Events: 2000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			src, err := vendors.Open(context.Background(), name, vendors.Config{
				Settings: d.Settings, BaseURL: d.BaseURL, Since: now.Add(-30 * 24 * time.Hour), Until: now,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Events.Close()
			seen := map[string]int{}
			n := 0
			for ev, err := range src.Events.All() {
				if err != nil {
					t.Fatal(err)
				}
				n++
				var raw map[string]any
				if err := json.Unmarshal([]byte(ev.RawData), &raw); err != nil {
					t.Fatalf("raw_data: %v", err)
				}
				m := classify(raw, ev)
				seen[m.what]++
				msg := check(m, ev)
				if msg == "" {
					msg = checkSource(raw, ev)
				}
				if msg != "" && seen[m.what+msg] == 0 {
					seen[m.what+msg]++ // one report per meaning and fault
					t.Errorf("%s (%s): %s\n  record %s", m.what, ev.Metadata.EventCode, msg, ev.RawData)
				}
			}
			if n != d.Records {
				t.Errorf("walked %d events of %d records", n, d.Records)
			}
			t.Logf("%d events: %v", n, seen)
		})
	}
}

// check returns what of the table ev breaks, or "".
func check(m meaning, ev ocsf.Event) string {
	r, ok := table[m.what]
	if !ok {
		return "a kind of record the table does not place"
	}
	got := fmt.Sprintf("%d/%d %q", ev.Class, ev.Activity, ev.ActivityLabel)
	switch {
	case r.class != 0 && ev.Class != r.class:
		return fmt.Sprintf("class %s, want %d", got, r.class)
	case r.act >= 0 && ev.Activity != r.act:
		return fmt.Sprintf("activity %s, want %d", got, r.act)
	case r.act == ocsf.ActivityOther && ev.ActivityLabel != r.label:
		return fmt.Sprintf("activity_name %s, want %q", got, r.label)
	case m.what == "other action" && slices.Contains([]ocsf.ClassUID{ocsf.ClassAccountChange, ocsf.ClassAuthentication, ocsf.ClassUserAccess, ocsf.ClassGroupManagement}, ev.Class):
		return fmt.Sprintf("a vendor's own action in %s, a class of the table's meanings", got)
	}
	if m.failed || m.what == "failed login" {
		if ev.Status != ocsf.StatusFailure || ev.StatusDetail == "" || ev.Severity < ocsf.SeverityLow {
			return fmt.Sprintf("a failure with status %d, status_detail %q, severity %d: want 2, a detail, at least Low", ev.Status, ev.StatusDetail, ev.Severity)
		}
	} else if ev.Status != ocsf.StatusSuccess {
		return fmt.Sprintf("status %d, want Success", ev.Status)
	}
	if len(ev.Observables) == 0 {
		return "no observables"
	}
	users := []*ocsf.User{ev.User, ev.UserResult}
	if ev.Actor != nil {
		users = append(users, ev.Actor.User)
	}
	for _, u := range users {
		if u != nil && strings.Contains(u.Name, `\`) {
			return fmt.Sprintf("user name %q: DOMAIN\\name is split into domain and name", u.Name)
		}
	}
	return ""
}

// checkSource checks that the client IP a record names (Entrust's
// sourceIp, InstaVM's ip_address, NPrinting's ipAddress) is the event's
// src_endpoint, whatever the class.
func checkSource(raw map[string]any, ev ocsf.Event) string {
	for _, k := range []string{"sourceIp", "ip_address", "ipAddress"} {
		ip, err := netip.ParseAddr(str(raw, k))
		if err != nil {
			continue
		}
		if ev.SrcEndpoint == nil || ev.SrcEndpoint.IP != ip.String() && ev.SrcEndpoint.IP != str(raw, k) {
			return fmt.Sprintf("%s %s is not src_endpoint (%+v)", k, ip, ev.SrcEndpoint)
		}
	}
	return ""
}

// classifiers read each vendor's records in its own words.
var classifiers = map[string]func(raw map[string]any, ev ocsf.Event) meaning{
	"automox":   automoxMeaning,
	"cisco":     ciscoMeaning,
	"entrust":   entrustMeaning,
	"instavm":   instavmMeaning,
	"nprinting": nprintingMeaning,
	"tanium":    taniumMeaning,
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func obj(v any) map[string]any {
	if s, ok := v.(string); ok { // NPrinting's data may be JSON in a string
		var m map[string]any
		_ = json.Unmarshal([]byte(s), &m)
		return m
	}
	m, _ := v.(map[string]any)
	return m
}

func automoxMeaning(raw map[string]any, _ ocsf.Event) meaning {
	failed := fmt.Sprint(raw["status_id"]) == "2"
	what := map[string]string{
		"User Log In Success": "login", "User Log In Failure": "failed login", "User Log Out": "logout",
		"User Zone Role Assignment": "role granted", "User Zone Role Revocation": "role revoked",
		"User Invited to Organization": "user created", "User Removed from Organization": "user deleted",
		"User Password Reset": "password reset", "User Password Changed": "password change",
		"User Account 2FA Enabled": "mfa enabled", "User Account 2FA Disabled": "mfa disabled",
		// Automox's groups are groups of devices, not of users.
		"Policy Created": "object created", "Group Created": "object created", "API Key Created": "object created",
		"Organization Role Creation": "object created", "Policy Updated": "object updated", "Group Updated": "object updated",
		"Organization Role Update": "object updated", "Policy Deleted": "object deleted", "Group Deleted": "object deleted",
		"API Key Revoked": "object deleted", "Organization Role Deletion": "object deleted",
		"Device Reboot Request": "other action", "Manual Device Scan Request": "other action",
		"Policy Run on Device Request": "other action", "Device Report Export": "other action",
	}[str(raw, "message")]
	return meaning{what, failed}
}

// roleMove is a role change by the table's rule: a demotion (the best role
// added ranks below the best role removed) revokes; else it grants.
func roleMove(old, new []string) string {
	rank := func(rs []string) int {
		best := -1
		for _, r := range rs {
			best = max(best, mapping.Rank(r))
		}
		return best
	}
	var added, removed []string
	for _, r := range new {
		if !slices.Contains(old, r) {
			added = append(added, r)
		}
	}
	for _, r := range old {
		if !slices.Contains(new, r) {
			removed = append(removed, r)
		}
	}
	switch {
	case len(added) == 0 && len(removed) == 0:
		return "roles set"
	case len(added) == 0, len(removed) > 0 && rank(added) < rank(removed):
		return "role revoked"
	}
	return "role granted"
}

func ciscoMeaning(raw map[string]any, _ ocsf.Event) meaning {
	event, typ := str(raw, "event"), str(raw, "audit_log_type")
	oldA, newA := obj(raw["old_attributes"]), obj(raw["new_attributes"])
	switch event {
	case "login", "sso_login":
		return meaning{"login", false}
	case "failed_login":
		return meaning{"failed login", true}
	case "logout":
		return meaning{"logout", false}
	}
	if typ == "User" {
		switch event {
		case "create":
			return meaning{"user created", false}
		case "delete":
			return meaning{"user deleted", false}
		}
		switch {
		case newA["encrypted_password"] != nil:
			return meaning{"password change", false}
		case newA["two_factor_enabled"] == true:
			return meaning{"mfa enabled", false}
		case newA["two_factor_enabled"] == false:
			return meaning{"mfa disabled", false}
		case newA["role"] != nil:
			return meaning{roleMove([]string{str(oldA, "role")}, []string{str(newA, "role")}), false}
		}
		return meaning{"user modified", false}
	}
	return meaning{map[string]string{"create": "object created", "update": "object updated", "delete": "object deleted"}[event], false}
}

func entrustMeaning(raw map[string]any, _ ocsf.Event) meaning {
	failed := str(raw, "eventOutcome") == "FAIL"
	what := map[string]string{
		"AuthenticationSuccessEvent": "login", "AuthenticationDeniedEvent": "failed login", "UserLogoutEvent": "logout",
		"UserCreatedEvent": "user created", "UserModifiedEvent": "user modified", "UserDeletedEvent": "user deleted",
		"UserEnabledEvent": "user enabled", "UserDisabledEvent": "user disabled",
		"UserPasswordChangedEvent": "password change", "UserPasswordResetEvent": "password reset",
		"UserRoleAssignedEvent": "role granted", "RoleAssignedEvent": "role granted",
		"UserRoleUnassignedEvent": "role revoked", "RoleUnassignedEvent": "role revoked",
		"GroupMemberAddedEvent": "group member added", "UserGroupAssignedEvent": "group member added",
		"GroupMemberRemovedEvent": "group member removed",
		"GroupCreatedEvent":       "group created", "GroupDeletedEvent": "group deleted", "GroupModifiedEvent": "object updated",
		"TokenAssignedEvent": "object updated", "ReportGeneratedEvent": "other action",
		"RoleCreatedEvent": "object created", "RoleModifiedEvent": "object updated", "RoleDeletedEvent": "object deleted",
		"QuestionCreatedEvent": "object created", "QuestionModifiedEvent": "object updated", "QuestionDeletedEvent": "object deleted",
		"ApplicationCreatedEvent": "object created", "ApplicationModifiedEvent": "object updated", "ApplicationDeletedEvent": "object deleted",
	}[str(raw, "eventType")]
	if str(raw, "eventType") == "AdminActionDeniedEvent" {
		// A denied administrator action: what was tried.
		verb := map[string]string{"ADD": "created", "EDIT": "updated", "REMOVE": "deleted"}[str(raw, "entityAction")]
		what = "object " + verb
		switch str(raw, "entityType") {
		case "USERS":
			what = map[string]string{"created": "user created", "updated": "user modified", "deleted": "user deleted"}[verb]
		case "GROUPS":
			what = map[string]string{"created": "group created", "updated": "object updated", "deleted": "group deleted"}[verb]
		}
	}
	return meaning{what, failed}
}

func instavmMeaning(raw map[string]any, _ ocsf.Event) meaning {
	typ := str(raw, "event_type")
	failed := slices.Contains([]string{"failure", "failed", "error", "denied"}, str(raw, "status"))
	if typ == "user.role_grant" || typ == "user.role_revoke" {
		p := obj(raw["event_payload"])
		return meaning{roleMove([]string{str(p, "old_role")}, []string{str(p, "new_role")}), failed}
	}
	what := map[string]string{
		"auth.login": "login", "auth.logout": "logout", "auth.api_key_invalid": "failed login",
		"user.create": "user created", "user.delete": "user deleted", "user.password_change": "password change",
		"user.mfa_enable": "mfa enabled", "user.mfa_disable": "mfa disabled",
		"team.member_add": "group member added", "team.member_remove": "group member removed",
		"api_key.create": "object created", "snapshot.create": "object created", "vm.create": "object created",
		"session.create": "object created", "file.upload": "object created",
		"api_key.revoke": "object deleted", "vm.delete": "object deleted",
		"vm.resize": "object updated", "billing.plan_change": "object updated",
		"vm.list": "api call", "audit.list": "api call", "execution.run": "api call",
		"vm.auto_stop": "other action",
	}[typ]
	if what == "login" && failed {
		what = "failed login"
	}
	return meaning{what, failed}
}

func nprintingMeaning(raw map[string]any, _ ocsf.Event) meaning {
	action, target, source := str(raw, "action"), str(raw, "target"), str(raw, "source")
	data := obj(raw["data"])
	desc := strings.ToLower(str(raw, "description"))
	failed := strings.Contains(strings.ToLower(action), "fail") || strings.Contains(desc, "fail") || strings.Contains(desc, "denied") ||
		strings.EqualFold(str(data, "result"), "failed")
	switch action {
	case "Login":
		return meaning{"login", failed}
	case "LoginFailed":
		return meaning{"failed login", true}
	case "Logout":
		return meaning{"logout", failed}
	}
	crud := map[string]string{"Create": "created", "Update": "updated", "Delete": "deleted"}[action]
	switch {
	case target == "User" && crud != "":
		if crud != "updated" {
			return meaning{"user " + crud, failed}
		}
		switch {
		case data["password"] != nil:
			return meaning{"password change", failed}
		case data["enabled"] == true:
			return meaning{"user enabled", failed}
		case data["enabled"] == false:
			return meaning{"user disabled", failed}
		case data["locked"] == true:
			return meaning{"lock", failed}
		case data["locked"] == false:
			return meaning{"unlock", failed}
		case obj(data["roles"])["added"] != nil:
			return meaning{"role granted", failed}
		case obj(data["roles"])["removed"] != nil:
			return meaning{"role revoked", failed}
		}
		return meaning{"user modified", failed}
	case target == "Group" && crud == "updated" && obj(data["users"])["added"] != nil:
		return meaning{"group member added", failed}
	case target == "Group" && crud == "updated" && obj(data["users"])["removed"] != nil:
		return meaning{"group member removed", failed}
	case target == "Group" && crud != "" && crud != "updated":
		return meaning{"group " + crud, failed}
	case crud != "": // whatever the source: the web console or the API
		return meaning{"object " + crud, failed}
	case action == "View" || action == "Download":
		return meaning{"object read", failed}
	case source == "Api":
		return meaning{"api call", failed}
	}
	return meaning{"other action", failed}
}

// taniumObject reads the object type from the event's message ("... user
// 12 (name)"), which the mapping writes from the object the history was
// read for (the entry itself does not name its type).
var taniumObject = regexp.MustCompile(`(\S+) \d+(?: \(.*\))?$`)

func taniumMeaning(raw map[string]any, ev ocsf.Event) meaning {
	typ := fmt.Sprint(raw["type"])
	object := ""
	if m := taniumObject.FindStringSubmatch(ev.Message); m != nil {
		object = m[1]
	}
	attrs := map[string]string{}
	for line := range strings.SplitSeq(str(raw, "details"), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			attrs[k] = v
		}
	}
	verb := map[string]string{"0": "created", "1": "updated", "2": "deleted"}[typ]
	switch object {
	case "user":
		if verb != "updated" {
			return meaning{"user " + verb, false}
		}
		if _, ok := attrs["password"]; ok {
			return meaning{"password change", false}
		}
		if v, ok := attrs["locked_out"]; ok {
			return meaning{map[string]string{"1": "lock", "0": "unlock"}[v], false}
		}
		if v, ok := attrs["roles"]; ok {
			prev, ok := ev.Unmapped["previous_roles"].(string) // the roles of the entry before, in the same history
			if !ok {
				return meaning{"roles set", false}
			}
			return meaning{roleMove(strings.Split(prev, ","), strings.Split(v, ",")), false}
		}
		return meaning{"user modified", false}
	case "user_group":
		if verb != "updated" {
			return meaning{"group " + verb, false} // its update counts users, it names none
		}
	}
	return meaning{"object " + verb, false}
}
