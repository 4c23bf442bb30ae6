// Package ocsf is the OCSF (Open Cybersecurity Schema Framework) event
// model of auditkit (OCSF 1.1.0 and 1.8.0), and a validator for OCSF events.
//
// # The model
//
// An [Event] is one OCSF event. Build it with [New], which sets the class,
// the activity, the time, severity Informational and metadata.version
// ([DefaultVersion]), then fill in the attributes the class needs:
//
//	e := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, when)
//	e.Status = ocsf.StatusSuccess
//	e.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
//	e.User = &ocsf.User{UID: "u-42", Name: "bob"}
//	e.Service = &ocsf.Service{Name: "Console"}
//
// The classes audit logs map to have constants ([ClassAccountChange] 3001,
// [ClassAuthentication] 3002, [ClassAuthorizeSession] 3003,
// [ClassEntityManagement] 3004, [ClassUserAccess] 3005,
// [ClassGroupManagement] 3006, [ClassWebResourcesActivity] 6001,
// [ClassAPIActivity] 6003), and so do their activities, named
// <Class><Activity> ([AccountChangePasswordReset], [APIActivityRead], ...).
// Every class also has [ActivityUnknown] (0) and [ActivityOther] (99).
// Captions of other classes come from the embedded schema.
//
// The nested objects ([User], [Actor], [NetworkEndpoint], [API], ...) carry
// the OCSF 1.1.0 attribute names as JSON names; a test checks each against
// the schema. Empty fields are left out. Source fields without an OCSF home go
// into Event.Unmapped, and the original record into Event.RawData.
//
// # Versions
//
// Events are written in OCSF 1.1.0 ([V1_1_0], the default, which Amazon
// Security Lake accepts) or 1.8.0 ([V1_8_0]), as Metadata.Version says.
// [New] sets [DefaultVersion]; [Event.SetVersion] switches an event to
// another version. A mapping builds one Event for both: [Event.MarshalJSON]
// writes it as its version allows.
//
// # Attributes a version lacks
//
// Set Event.SrcEndpoint whenever the record has a client IP, and
// Event.HTTPRequest whenever it has the request, in every class. Where the
// event's version lacks the attribute in its class (1.1.0 has neither
// src_endpoint nor http_request in classes 3003–3006; 1.8.0 has both),
// MarshalJSON writes it under unmapped instead — unmapped.src_endpoint,
// unmapped.http_request — so nothing is lost, and [AddObservables] names
// the observables accordingly ("unmapped.src_endpoint.ip"). Should the
// source's own unmapped fields already use that key, the key is
// "ocsf_src_endpoint" ("ocsf_http_request").
//
// # Deprecated attributes and other differences
//
// 1.8.0 output has no deprecated attribute. The model keeps the attributes
// both versions know, and the 1.8.0 encoding writes their replacements:
//
//   - user.credential_uid as user.programmatic_credentials [{"uid": ...}];
//   - actor.invoked_by as actor.app_name;
//   - location.coordinates as location.lat and location.long, and
//     location.isp as the endpoint's isp;
//   - User Access Management's (3005) resource as the first of resources.
//
// The 1.1.0 encoding reads these back into the 1.1.0 attributes (so an
// event read from 1.8.0 JSON can be written in 1.1.0).
//
// A group created or deleted is Group Management (3006) Create (6) or
// Delete (5) with Event.Group: build it so. 1.8.0 writes it as that. In
// 1.1.0, Group Management needs a user or privileges (at_least_one), so a
// group's creation or deletion without either is written as Entity
// Management (3004) Create (1) or Delete (4) of the entity {uid, name,
// type "Group"}, the group's other fields in entity.data.
//
// # Activities of 1.8.0
//
// OCSF 1.8.0 adds activities: Account Change Unlock (12), Authentication
// Preauth (6) and Account Switch (7), Entity Management Move, Enroll,
// Unenroll, Enable, Disable, Activate, Deactivate, Suspend and Resume (5–13),
// Group Management Add Subgroup (7) and Remove Subgroup (8); each has a
// constant. 1.1.0 writes them as Other (99) with the 1.8.0 caption as
// activity_name (or Event.ActivityLabel when set). Conversely, 1.8.0 writes
// Other whose label is, case aside, the caption of one of these activities
// of its class (Account Change Other "Unlock") as that activity.
//
// # Observables
//
// [AddObservables] fills Event.Observables from the attributes that carry
// IP addresses, host names, user names, email addresses, URLs and resource
// uids, and from what looks like one in Event.Unmapped. Call it last, after
// every attribute is set; observables already there are kept.
//
// # Derived fields
//
// An Event never stores what follows from other fields. [Event.MarshalJSON]
// writes, from Class, Activity, Severity, Status and Time:
//
//   - class_uid, class_name, category_uid, category_name;
//   - activity_id and activity_name (the caption; for ActivityOther it is
//     Event.ActivityLabel, the source's own label);
//   - type_uid = class_uid*100 + activity_id, and type_name
//     "<class caption>: <activity caption>" (e.g. "Authentication: Other");
//   - severity_id and severity (no caption for SeverityOther);
//   - status_id and status when Status is set (for StatusOther, status is
//     Event.StatusLabel);
//   - time, in epoch milliseconds (left out for a zero Time).
//
// [Event.UnmarshalJSON] reads such JSON back; it ignores the derived captions
// except activity_name and status for Other, which become the labels.
//
// # Profiles
//
// Some attributes belong to a class only with a profile listed in
// metadata.profiles. In OCSF 1.1.0 this matters for audit logs:
//
//   - actor in classes 3003, 3004, 3005, 3006 and 6001 exists only with the
//     "host" profile (so does device, in every class that has it). Call
//     e.AddProfile("host") when you set Actor on those classes. 3001, 3002
//     and 6003 have actor without a profile.
//   - api in the IAM classes (3001–3006) exists only with the "cloud"
//     profile, and that profile makes the cloud object required, which this
//     model does not have: put API details of IAM events in Unmapped instead,
//     or use class 6003 API Activity.
//
// [Event.AddProfile] adds a profile once.
//
// # Validation
//
// [Validate] and [ValidateJSON] check an event against the embedded OCSF
// schema of its metadata.version (1.1.0 or 1.8.0; 1.1.0 for any other, as
// validate.py does) and return a [*ValidationError] (which matches [ErrInvalid])
// listing the errors. [Validator.Check] returns every [Issue], errors and
// warnings, for one JSON event. An Issue has a stable code (wrong_type,
// required_missing, ...), the JSON path of the value ("actor.user.org",
// "metadata.profiles[0]") and a message in plain words:
//
//	count: want integer_t (integer), got string "x" [wrong_type]
//
// The checks are those of the reference validate.py of this project, and a
// differential test holds the two to the same verdict and the same codes
// and paths on every event: class_uid known; required attributes present
// (null counts as absent); no unknown attributes (profile attributes only
// with their profile); types, max_len, range and allowed values; enum values
// and their sibling captions; type_uid and category_uid consistency;
// at_least_one and just_one constraints; nested objects and arrays. Regex
// mismatches, sibling caption mismatches, deprecated items and a
// metadata.version other than the schema's are warnings. [ValidatorOptions]
// mirror validate.py's flags (--version, --type-uid-warning,
// --all-profiles, --warn-recommended, --warn CODE, --error CODE).
//
// One check goes further than validate.py: the captions class_name,
// category_name, activity_name, type_name, severity and status must be
// those of their ids in the schema used (for activity_id, severity_id and
// status_id 99, Other, any label goes); a caption that disagrees is the
// error caption_mismatch ("class_name": "Bogus" fails).
// ValidatorOptions.SkipCaptions leaves it out.
//
// Other differences from validate.py: the Go validator uses its embedded
// schemas (validate.py reads schema files beside it, or --schema); it reads
// JSON as RFC 8259 defines it, so NaN and Infinity, invalid UTF-8 and a
// bare null are json_invalid; and it reads integers of any length (Python
// refuses more than 4300 digits), but does not add up an activity_id that
// long to compare it with type_uid: it reports type_uid_mismatch.
//
// Each schema is parsed once, on first use; everything in the package is
// safe for concurrent use. The schemas' source and licence are in
// schema/NOTICE.md.
package ocsf
