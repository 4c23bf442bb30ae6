package mapping_test

import (
	"slices"
	"testing"
	"time"

	"github.com/auditkit/auditkit/internal/mapping"
	"github.com/auditkit/auditkit/ocsf"
)

func TestRoleChange(t *testing.T) {
	for _, tt := range []struct {
		old, new   []string
		act        ocsf.ActivityID
		privileges []string
		ok         bool
	}{
		{[]string{"user"}, []string{"administrator"}, ocsf.UserAccessAssignPrivileges, []string{"administrator"}, true},
		{[]string{"administrator"}, []string{"user"}, ocsf.UserAccessRevokePrivileges, []string{"administrator"}, true},
		{[]string{"admin"}, []string{"member"}, ocsf.UserAccessRevokePrivileges, []string{"admin"}, true},
		{[]string{"owner"}, []string{"admin"}, ocsf.UserAccessRevokePrivileges, []string{"owner"}, true},
		{[]string{"Read Only User"}, []string{"Patch Operator", "Question Author"}, ocsf.UserAccessAssignPrivileges, []string{"Patch Operator", "Question Author"}, true},
		{[]string{"Patch Operator", "Question Author"}, []string{"Patch Operator"}, ocsf.UserAccessRevokePrivileges, []string{"Question Author"}, true},
		{[]string{"Content Administrator"}, []string{"Administrator"}, ocsf.UserAccessAssignPrivileges, []string{"Administrator"}, true}, // same rank: the new role
		{[]string{""}, []string{"viewer"}, ocsf.UserAccessAssignPrivileges, []string{"viewer"}, true},
		{[]string{"viewer"}, nil, ocsf.UserAccessRevokePrivileges, []string{"viewer"}, true},
		{[]string{"Admin"}, []string{" admin "}, 0, nil, false},
		{nil, nil, 0, nil, false},
	} {
		act, p, ok := mapping.RoleChange(tt.old, tt.new)
		if act != tt.act || !slices.Equal(p, tt.privileges) || ok != tt.ok {
			t.Errorf("RoleChange(%q, %q) = %d %q %v, want %d %q %v", tt.old, tt.new, act, p, ok, tt.act, tt.privileges, tt.ok)
		}
	}
}

func TestSplitDomain(t *testing.T) {
	for _, tt := range []struct{ in, domain, name string }{
		{`CORP\jdoe`, "CORP", "jdoe"},
		{`jdoe`, "", "jdoe"},
		{`\jdoe`, "", `\jdoe`},
		{`CORP\`, "", `CORP\`},
		{`A\B\c`, "", `A\B\c`},
		{`jdoe@corp.example`, "", `jdoe@corp.example`},
	} {
		if d, n := mapping.SplitDomain(tt.in); d != tt.domain || n != tt.name {
			t.Errorf("SplitDomain(%q) = %q, %q, want %q, %q", tt.in, d, n, tt.domain, tt.name)
		}
	}
}

func TestFinish(t *testing.T) {
	at := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	done := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, at)
	done.Entity = &ocsf.ManagedEntity{UID: "e1"}
	mapping.Finish(&done)
	if done.Status != ocsf.StatusSuccess || done.Severity != ocsf.SeverityInformational || len(done.Observables) != 1 || done.Observables[0].Name != "entity.uid" {
		t.Errorf("a change without status: status %d severity %d observables %+v", done.Status, done.Severity, done.Observables)
	}
	logon := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, at)
	mapping.Finish(&logon)
	if logon.Status != ocsf.StatusUnknown {
		t.Errorf("a logon's outcome was guessed: %d", logon.Status)
	}
	failed := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, at)
	failed.Status, failed.Message = ocsf.StatusFailure, "bad password"
	mapping.Finish(&failed)
	if failed.StatusDetail != "bad password" || failed.Severity != ocsf.SeverityLow {
		t.Errorf("failure: detail %q severity %d", failed.StatusDetail, failed.Severity)
	}
	high := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, at)
	high.Status, high.StatusDetail, high.Severity = ocsf.StatusFailure, "locked out", ocsf.SeverityHigh
	mapping.Finish(&high)
	if high.StatusDetail != "locked out" || high.Severity != ocsf.SeverityHigh {
		t.Errorf("a failure's own detail and higher severity are kept: %q %d", high.StatusDetail, high.Severity)
	}
}
