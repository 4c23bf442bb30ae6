package audittest

import "encoding/json"

// The example responses of Automox's Audit Trail API document, verbatim in
// content: the seed page's response sample (authentication) as JSON with its
// keys in the order the page prints them, and the three further examples of
// the same operation's OpenAPI document (AutomoxCommunity/openapi-defs,
// openapi/audit-trail/audit-trailAIO.yaml, info.version 1.1.0), converted
// from YAML to JSON with their keys in order and their scalar types as the
// YAML has them (quoted numbers stay strings). The API answers with a bare
// JSON array, so each example is a one-element array. Do not "fix" them:
// they are the vendor's own words, inconsistencies included (activity_id 99
// with type_uid 300201; activity_id 7 "Attach Policy" with type_uid 300108
// "Detach Policy"; status "Other" with status_id 1; `id` instead of `_id`;
// time and status_code as strings).
const (
	// automoxDocAuthentication is the response sample of the seed page
	// (authentication_event_output).
	automoxDocAuthentication = `[
  {
    "_id": {
      "$oid": "6669d991ba9a2536b8158f17"
    },
    "activity": "Logon",
    "activity_id": 99,
    "category_uid": 3,
    "class_uid": 3002,
    "count": 1,
    "message": "User Log In Success",
    "metadata": {
      "tenant_uid": "7ee9f975-6cb7-44e9-afc3-3adbece95d74",
      "uid": "9f8896c3-e042-42de-ae41-eaef8a2a667b",
      "correlation_uid": "e92ae537-ea35-42d9-b6d4-92335f91a3db",
      "product": {
        "version": "1.0.0-dev",
        "vendor_name": "Automox"
      },
      "version": "1.1.0"
    },
    "severity": "Informational",
    "severity_id": 1,
    "status": "Other",
    "status_code": 200,
    "status_id": 1,
    "time": 1718213009419,
    "timezone_offset": 0,
    "type_name": "Authentication: Logon",
    "type_uid": 300201,
    "actor": {
      "user": {
        "email_addr": "readonly@mailinator.com",
        "org": {
          "uid": "e92ae537-ea35-42d9-b6d4-92335f91a3db",
          "name": "Automation Testing Zone"
        },
        "uid": "21968d73-38b9-4c55-8b10-a854a5fa6a36"
      }
    },
    "user": {
      "uid": "115998",
      "email_addr": "readonly@mailinator.com"
    },
    "auth_protocol_id": 99,
    "logon_type_id": 99,
    "status_details": "success"
  }
]`

	// automoxDocAccountChange is the example of account_change_event_output.
	automoxDocAccountChange = `[
  {
    "_id": {
      "$oid": "6669ead0690594387a72eb69"
    },
    "activity": "Attach Policy",
    "activity_id": 7,
    "category_uid": 3,
    "class_uid": 3001,
    "count": 1,
    "message": "User Zone Role Revocation",
    "metadata": {
      "tenant_uid": "6eeff83e-8d07-4013-be6a-d5d5e6cfc1e2",
      "uid": "1a898074-74d8-47ef-8871-e0092106951a",
      "correlation_uid": null,
      "version": "1.1.0",
      "product": {
        "vendor_name": "Automox",
        "version": "1.0.0-dev"
      }
    },
    "raw_data": "{account_rbac_role=no-global-access, zone_assignments=[{action=change, zone_id=12ab356b-46c8-4fc1-bf17-5a1638cc31c3, rbac_role=zone-admin}]}",
    "severity": "Informational",
    "severity_id": 1,
    "status_code": "204",
    "status_id": 1,
    "time": "1718217424504",
    "timezone_offset": 0,
    "type_name": "Account Change: Detach Policy",
    "type_uid": 300108,
    "actor": {
      "user": {
        "email_addr": "5904334a-a96d-4c21-9fb7-8d6e175a7a2b@automox.com",
        "org": {
          "uid": null,
          "name": null
        },
        "uid": "3a136316-f5f1-44d1-a0ae-ae929866cd7f"
      }
    },
    "user": {
      "uid": "324db1cd-4011-4d7a-8400-3bc5eb60c375",
      "email_addr": "c1bb5bb5-b131-41b1-aae7-8c86b60019ad@automox.com",
      "groups": [
        {
          "type": "organization",
          "privileges": [
            "Zone Operator"
          ],
          "uid": "12ab356b-46c8-4fc1-bf17-5a1638cc31c3",
          "name": "Test Zone 1"
        }
      ]
    },
    "user_result": {
      "uid": "324db1cd-4011-4d7a-8400-3bc5eb60c375",
      "email_addr": "c1bb5bb5-b131-41b1-aae7-8c86b60019ad@automox.com"
    }
  }
]`

	// automoxDocEntityManagement is the example of
	// entity_management_event_output.
	automoxDocEntityManagement = `[
  {
    "id": "666b3fc4690594387a72efcf",
    "activity": "Delete",
    "activity_id": 4,
    "category_uid": 3,
    "class_uid": 3004,
    "count": 1,
    "entity": {
      "uid": "1150151",
      "name": "test2",
      "type": "Group"
    },
    "message": "Group Deleted",
    "metadata": {
      "tenant_uid": "7ee9f975-6cb7-44e9-afc3-3adbece95d74",
      "uid": "62706a83-db64-4fd6-90ec-8c8c571c5790",
      "correlation_uid": "5b45a549-a058-4cce-b194-cbab74ce5476",
      "version": "1.1.0",
      "product": {
        "version": "1.0.0-dev",
        "vendor_name": "Automox"
      }
    },
    "observables": [
      {
        "value": "john.doe@automox.com",
        "type_id": 5,
        "type": "Email Address",
        "name": "email"
      },
      {
        "value": "5b45a549-a058-4cce-b194-cbab74ce5476",
        "type": "Organization ID",
        "name": "organization.id",
        "type_id": 99
      },
      {
        "value": "Super Cool Zone",
        "type": "Organization Name",
        "name": "organization.name",
        "type_id": 99
      }
    ],
    "severity": "Informational",
    "severity_id": 1,
    "status": "Other",
    "status_code": 204,
    "status_id": 1,
    "time": 1718304708686,
    "timezone_offset": 0,
    "type_name": "Entity Management: Delete",
    "type_uid": 300404
  }
]`

	// automoxDocWebResourceActivity is the example of
	// web_resource_activity_output.
	automoxDocWebResourceActivity = `[
  {
    "id": "666b43ee690594387a72f058",
    "activity": "Other",
    "activity_id": 99,
    "category_uid": 6,
    "class_uid": 6001,
    "count": 1,
    "message": "Manual Device Scan Request",
    "metadata": {
      "tenant_uid": "7ee9f975-6cb7-44e9-afc3-3adbece95d74",
      "uid": "b4b222d9-0d71-453d-88ba-f4032f786775",
      "correlation_uid": "5b45a549-a058-4cce-b194-cbab74ce5476",
      "product": {
        "vendor_name": "Automox",
        "version": "1.0.0-dev"
      },
      "version": "1.1.0"
    },
    "observables": [
      {
        "value": "john.doe@automox.com",
        "name": "email",
        "type_id": 5,
        "type": "Email Address"
      },
      {
        "value": "5b45a549-a058-4cce-b194-cbab74ce5476",
        "type": "Organization ID",
        "type_id": 99,
        "name": "organization.id"
      },
      {
        "value": "Super Cool Zone",
        "type_id": 99,
        "name": "organization.name",
        "type": "Organization Name"
      }
    ],
    "raw_data": "{command_type_name=GetOS, server_id=4423039}",
    "severity": "Informational",
    "severity_id": 1,
    "status_code": 201,
    "status_id": 1,
    "time": 1718305774191,
    "timezone_offset": 0,
    "type_name": "Web Resources Activity: Other",
    "type_uid": 600199,
    "web_resources": [
      {
        "uid": "4423039",
        "name": "Doe-Big-Sur-VM.local custom",
        "url_string": "https://console.automox.com/api/servers/4423039",
        "desc": "Automox Device",
        "type": "Device"
      }
    ]
  }
]`

	// automoxDocBadRequest is the document's one error example (the
	// BadRequest response).
	automoxDocBadRequest = `{
  "errors": [
    "Bad Request"
  ]
}`
)

// AutomoxDocExamples returns the example responses of Automox's Audit Trail
// document, by name: "authentication" (the seed page's response sample),
// "account_change", "entity_management" and "web_resource_activity" (the
// OpenAPI document's examples of the other three event schemas), each a
// JSON array as the API answers, and "bad_request", the one error body the
// document shows. The map is new on every call.
func AutomoxDocExamples() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"authentication":        json.RawMessage(automoxDocAuthentication),
		"account_change":        json.RawMessage(automoxDocAccountChange),
		"entity_management":     json.RawMessage(automoxDocEntityManagement),
		"web_resource_activity": json.RawMessage(automoxDocWebResourceActivity),
		"bad_request":           json.RawMessage(automoxDocBadRequest),
	}
}

// AutomoxDocEventNames lists the names of AutomoxDocExamples that are event
// responses (not errors), in a stable order.
func AutomoxDocEventNames() []string {
	return []string{"authentication", "account_change", "entity_management", "web_resource_activity"}
}
