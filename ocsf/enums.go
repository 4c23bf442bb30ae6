package ocsf

import "strconv"

// ClassUID identifies an OCSF event class (class_uid).
type ClassUID int

// The OCSF 1.1.0 classes that audit logs map to.
const (
	ClassAccountChange        ClassUID = 3001 // Account Change
	ClassAuthentication       ClassUID = 3002 // Authentication
	ClassAuthorizeSession     ClassUID = 3003 // Authorize Session
	ClassEntityManagement     ClassUID = 3004 // Entity Management
	ClassUserAccess           ClassUID = 3005 // User Access Management
	ClassGroupManagement      ClassUID = 3006 // Group Management
	ClassWebResourcesActivity ClassUID = 6001 // Web Resources Activity
	ClassAPIActivity          ClassUID = 6003 // API Activity
)

// CategoryUID identifies an OCSF category (category_uid).
type CategoryUID int

// The categories of the classes above.
const (
	CategoryIAM         CategoryUID = 3 // Identity & Access Management
	CategoryApplication CategoryUID = 6 // Application Activity
)

// ActivityID is an activity_id. Its meaning depends on the class: use the
// constants named <Class><Activity>, or ActivityUnknown and ActivityOther,
// which every class has.
type ActivityID int

// Activities every class has.
const (
	ActivityUnknown ActivityID = 0  // Unknown
	ActivityOther   ActivityID = 99 // Other: set Event.ActivityLabel to the source's own label
)

// Account Change (3001) activities.
const (
	AccountChangeCreate           ActivityID = 1
	AccountChangeEnable           ActivityID = 2
	AccountChangePasswordChange   ActivityID = 3
	AccountChangePasswordReset    ActivityID = 4
	AccountChangeDisable          ActivityID = 5
	AccountChangeDelete           ActivityID = 6
	AccountChangeAttachPolicy     ActivityID = 7
	AccountChangeDetachPolicy     ActivityID = 8
	AccountChangeLock             ActivityID = 9
	AccountChangeMFAFactorEnable  ActivityID = 10
	AccountChangeMFAFactorDisable ActivityID = 11
	// AccountChangeUnlock is OCSF 1.8.0's; 1.1.0 writes it as Other
	// "Unlock" (see "Activities of 1.8.0" in the package documentation).
	AccountChangeUnlock ActivityID = 12
)

// Authentication (3002) activities.
const (
	AuthenticationLogon                ActivityID = 1
	AuthenticationLogoff               ActivityID = 2
	AuthenticationAuthenticationTicket ActivityID = 3
	AuthenticationServiceTicketRequest ActivityID = 4
	AuthenticationServiceTicketRenew   ActivityID = 5
	AuthenticationPreauth              ActivityID = 6 // OCSF 1.8.0's
	AuthenticationAccountSwitch        ActivityID = 7 // OCSF 1.8.0's
)

// Authorize Session (3003) activities.
const (
	AuthorizeSessionAssignPrivileges ActivityID = 1
	AuthorizeSessionAssignGroups     ActivityID = 2
)

// Entity Management (3004) activities.
const (
	EntityManagementCreate ActivityID = 1
	EntityManagementRead   ActivityID = 2
	EntityManagementUpdate ActivityID = 3
	EntityManagementDelete ActivityID = 4
	// OCSF 1.8.0's; 1.1.0 writes them as Other with their caption as label.
	EntityManagementMove       ActivityID = 5
	EntityManagementEnroll     ActivityID = 6
	EntityManagementUnenroll   ActivityID = 7
	EntityManagementEnable     ActivityID = 8
	EntityManagementDisable    ActivityID = 9
	EntityManagementActivate   ActivityID = 10
	EntityManagementDeactivate ActivityID = 11
	EntityManagementSuspend    ActivityID = 12
	EntityManagementResume     ActivityID = 13
)

// User Access Management (3005) activities.
const (
	UserAccessAssignPrivileges ActivityID = 1
	UserAccessRevokePrivileges ActivityID = 2
)

// Group Management (3006) activities.
const (
	GroupManagementAssignPrivileges ActivityID = 1
	GroupManagementRevokePrivileges ActivityID = 2
	GroupManagementAddUser          ActivityID = 3
	GroupManagementRemoveUser       ActivityID = 4
	GroupManagementDelete           ActivityID = 5
	GroupManagementCreate           ActivityID = 6
	GroupManagementAddSubgroup      ActivityID = 7 // OCSF 1.8.0's
	GroupManagementRemoveSubgroup   ActivityID = 8 // OCSF 1.8.0's
)

// Web Resources Activity (6001) activities.
const (
	WebResourcesCreate ActivityID = 1
	WebResourcesRead   ActivityID = 2
	WebResourcesUpdate ActivityID = 3
	WebResourcesDelete ActivityID = 4
	WebResourcesSearch ActivityID = 5
	WebResourcesImport ActivityID = 6
	WebResourcesExport ActivityID = 7
	WebResourcesShare  ActivityID = 8
)

// API Activity (6003) activities.
const (
	APIActivityCreate ActivityID = 1
	APIActivityRead   ActivityID = 2
	APIActivityUpdate ActivityID = 3
	APIActivityDelete ActivityID = 4
)

// SeverityID is the event's severity_id.
type SeverityID int

// Severities.
const (
	SeverityUnknown       SeverityID = 0
	SeverityInformational SeverityID = 1
	SeverityLow           SeverityID = 2
	SeverityMedium        SeverityID = 3
	SeverityHigh          SeverityID = 4
	SeverityCritical      SeverityID = 5
	SeverityFatal         SeverityID = 6
	SeverityOther         SeverityID = 99
)

// StatusID is the event's status_id.
type StatusID int

// Statuses.
const (
	StatusUnknown StatusID = 0
	StatusSuccess StatusID = 1
	StatusFailure StatusID = 2
	StatusOther   StatusID = 99 // set Event.StatusLabel to the source's own label
)

// classInfo is what the Go tables know of a class; a test checks every
// entry against the embedded schema.
type classInfo struct {
	caption    string
	category   CategoryUID
	activities [12]string // indexed by activity_id; 0 Unknown and 99 Other are implied
}

func classTable(c ClassUID) (classInfo, bool) {
	switch c {
	case ClassAccountChange:
		return classInfo{"Account Change", CategoryIAM, [12]string{
			1: "Create", 2: "Enable", 3: "Password Change", 4: "Password Reset", 5: "Disable",
			6: "Delete", 7: "Attach Policy", 8: "Detach Policy", 9: "Lock",
			10: "MFA Factor Enable", 11: "MFA Factor Disable"}}, true
	case ClassAuthentication:
		return classInfo{"Authentication", CategoryIAM, [12]string{
			1: "Logon", 2: "Logoff", 3: "Authentication Ticket", 4: "Service Ticket Request",
			5: "Service Ticket Renew"}}, true
	case ClassAuthorizeSession:
		return classInfo{"Authorize Session", CategoryIAM, [12]string{
			1: "Assign Privileges", 2: "Assign Groups"}}, true
	case ClassEntityManagement:
		return classInfo{"Entity Management", CategoryIAM, [12]string{
			1: "Create", 2: "Read", 3: "Update", 4: "Delete"}}, true
	case ClassUserAccess:
		return classInfo{"User Access Management", CategoryIAM, [12]string{
			1: "Assign Privileges", 2: "Revoke Privileges"}}, true
	case ClassGroupManagement:
		return classInfo{"Group Management", CategoryIAM, [12]string{
			1: "Assign Privileges", 2: "Revoke Privileges", 3: "Add User", 4: "Remove User",
			5: "Delete", 6: "Create"}}, true
	case ClassWebResourcesActivity:
		return classInfo{"Web Resources Activity", CategoryApplication, [12]string{
			1: "Create", 2: "Read", 3: "Update", 4: "Delete", 5: "Search", 6: "Import",
			7: "Export", 8: "Share"}}, true
	case ClassAPIActivity:
		return classInfo{"API Activity", CategoryApplication, [12]string{
			1: "Create", 2: "Read", 3: "Update", 4: "Delete"}}, true
	}
	return classInfo{}, false
}

// tableClasses lists the classes classTable knows.
func tableClasses() []ClassUID {
	return []ClassUID{ClassAccountChange, ClassAuthentication, ClassAuthorizeSession,
		ClassEntityManagement, ClassUserAccess, ClassGroupManagement,
		ClassWebResourcesActivity, ClassAPIActivity}
}

// Caption returns the class's caption, e.g. "Account Change", or "" for a
// class OCSF 1.1.0 does not define. Classes without a constant are looked up
// in the embedded schema.
func (c ClassUID) Caption() string {
	if ci, ok := classTable(c); ok {
		return ci.caption
	}
	if s := schemaOrNil(); s != nil {
		if cl := s.classes[strconv.Itoa(int(c))]; cl != nil {
			return cl.caption
		}
	}
	return ""
}

// Category returns the category the class belongs to, or 0 for a class
// OCSF 1.1.0 does not define.
func (c ClassUID) Category() CategoryUID {
	if ci, ok := classTable(c); ok {
		return ci.category
	}
	if s := schemaOrNil(); s != nil {
		if cl := s.classes[strconv.Itoa(int(c))]; cl != nil {
			return CategoryUID(cl.categoryUID)
		}
	}
	return 0
}

// Caption returns the category's caption, e.g. "Identity & Access
// Management", or "" for a category OCSF 1.1.0 does not define.
func (c CategoryUID) Caption() string {
	switch c {
	case CategoryIAM:
		return "Identity & Access Management"
	case CategoryApplication:
		return "Application Activity"
	}
	if s := schemaOrNil(); s != nil {
		if cd, ok := s.categories[int64(c)]; ok {
			return cd.caption
		}
	}
	return ""
}

// ActivityCaption returns the caption of activity a in class c, e.g.
// "Password Reset" for (ClassAccountChange, AccountChangePasswordReset), or
// "" when the class does not define the activity.
func ActivityCaption(c ClassUID, a ActivityID) string {
	switch a {
	case ActivityUnknown:
		if c.Caption() != "" {
			return "Unknown"
		}
	case ActivityOther:
		if c.Caption() != "" {
			return "Other"
		}
	}
	if ci, ok := classTable(c); ok {
		if a > 0 && int(a) < len(ci.activities) {
			return ci.activities[a]
		}
		return ""
	}
	if s := schemaOrNil(); s != nil {
		cap, _ := s.enumCaption(strconv.Itoa(int(c)), "activity_id", strconv.Itoa(int(a)))
		return cap
	}
	return ""
}

// Caption returns the severity's caption, e.g. "Informational", or "" for a
// value OCSF does not define.
func (s SeverityID) Caption() string {
	switch s {
	case SeverityUnknown:
		return "Unknown"
	case SeverityInformational:
		return "Informational"
	case SeverityLow:
		return "Low"
	case SeverityMedium:
		return "Medium"
	case SeverityHigh:
		return "High"
	case SeverityCritical:
		return "Critical"
	case SeverityFatal:
		return "Fatal"
	case SeverityOther:
		return "Other"
	}
	return ""
}

// Caption returns the status's caption, e.g. "Success", or "" for a value
// OCSF does not define.
func (s StatusID) Caption() string {
	switch s {
	case StatusUnknown:
		return "Unknown"
	case StatusSuccess:
		return "Success"
	case StatusFailure:
		return "Failure"
	case StatusOther:
		return "Other"
	}
	return ""
}
