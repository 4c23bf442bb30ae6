// Package mapping holds the rules that every vendor's OCSF mapping shares,
// so that one meaning has one class, activity, status and severity across
// vendors: the table in ocsf/MAPPING.md. Its tests walk every vendor's fake
// data and check that the table holds.
package mapping

import (
	"slices"
	"strings"

	"github.com/auditkit/auditkit/ocsf"
)

// Unlock is the activity_name of an account unlock: OCSF 1.1.0's Account
// Change has no Unlock activity (1.8.0 adds 12 Unlock), so an unlock is
// Account Change, Other, with this label.
const Unlock = "Unlock"

// UserUpdate is the activity_name of a change of a user account that none
// of Account Change's activities names (a new e-mail address, a new
// display name...): Account Change, Other, with this label.
const UserUpdate = "Update"

// RolesSet is the activity_name of a change of a user's roles that does
// not tell the roles before it (User Access Management, Other; the
// privileges are the roles set).
const RolesSet = "Roles Set"

// Finish is the last step of every vendor's mapping. It applies the rules
// of status and severity to the event the mapping built, then adds its
// observables (ocsf.AddObservables):
//
//   - an event without a status is Success, but for an Authentication
//     event (whose outcome is never guessed): the vendors log a change
//     once it is made, and name a failure when there is one;
//   - a failure has a status_detail (the event's message when the record
//     gives no reason) and a severity of at least Low.
func Finish(ev *ocsf.Event) {
	switch ev.Status {
	case ocsf.StatusUnknown:
		if ev.Class != ocsf.ClassAuthentication {
			ev.Status = ocsf.StatusSuccess
		}
	case ocsf.StatusFailure:
		if ev.StatusDetail == "" {
			ev.StatusDetail = ev.Message
		}
		if ev.StatusDetail == "" {
			ev.StatusDetail = "failure"
		}
		if ev.Severity < ocsf.SeverityLow || ev.Severity == ocsf.SeverityOther {
			ev.Severity = ocsf.SeverityLow
		}
	}
	ocsf.AddObservables(ev)
}

// RoleChange is what a change of a user's roles from old to new means:
// User Access Management Assign Privileges naming the roles added, or
// Revoke Privileges naming the roles removed. When roles are both added and
// removed (a role replaced by another), it is a Revoke of the removed roles
// when the best role added ranks below the best role removed (a demotion:
// administrator to user), else an Assign of the roles added. ok is false
// when the roles did not change. Roles compare without regard to case and
// surrounding space; empty roles are ignored.
func RoleChange(old, new []string) (act ocsf.ActivityID, privileges []string, ok bool) {
	added, removed := diff(new, old), diff(old, new)
	switch {
	case len(added) == 0 && len(removed) == 0:
		return 0, nil, false
	case len(added) == 0, len(removed) > 0 && maxRank(added) < maxRank(removed):
		return ocsf.UserAccessRevokePrivileges, removed, true
	}
	return ocsf.UserAccessAssignPrivileges, added, true
}

// diff lists the roles of a that b lacks, trimmed, in a's order, once each.
func diff(a, b []string) []string {
	var out []string
	for _, r := range a {
		r = strings.TrimSpace(r)
		if r == "" || slices.ContainsFunc(b, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), r) }) ||
			slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, r) }) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Rank orders roles by the power their names suggest: 4 owner, 3
// administrator, 1 read-only (viewer, guest, read only), 0 no access, 2
// anything else.
func Rank(role string) int {
	r := strings.ToLower(role)
	switch {
	case strings.Contains(r, "owner"):
		return 4
	case strings.Contains(r, "admin"):
		return 3
	case strings.Contains(r, "no-") || strings.Contains(r, "no access") || strings.Contains(r, "none"):
		return 0
	case strings.Contains(r, "read") || strings.Contains(r, "view") || strings.Contains(r, "guest"):
		return 1
	}
	return 2
}

func maxRank(roles []string) int {
	m := -1
	for _, r := range roles {
		m = max(m, Rank(r))
	}
	return m
}

// SplitRoles splits a list of roles sent as one string ("Patch
// Operator,Question Author").
func SplitRoles(s string) []string {
	var out []string
	for r := range strings.SplitSeq(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// SplitDomain splits a Windows account name "DOMAIN\name" into its domain
// and name; any other name is returned as it is, with no domain.
func SplitDomain(s string) (domain, name string) {
	d, n, ok := strings.Cut(s, `\`)
	if !ok || d == "" || n == "" || strings.Contains(n, `\`) {
		return "", s
	}
	return d, n
}
