package audittest

import "encoding/json"

// The example response of Qlik NPrinting's GET /audit/events document
// (https://help.qlik.com/en-US/nprinting/February2024/APIs/NP+API/index.html?page=10),
// verbatim: the JSON exactly as the document prints it. Do not reformat or
// "fix" it; tests decode it as the API's own words. Note what it shows: a
// totalItems of 0 beside two items, and data as the string "{}" although
// the model types it as an object.
const nprintingDocList = `{
"data" : {
"totalItems" : 0,
"offset" : 6,
"limit" : 1,
"items" : [ {
"targetName" : "targetName",
"targetId" : "00000000-0000-0000-0000-000000000000",
"data" : "{}",
"dataType" : "dataType",
"ipAddress" : "ipAddress",
"description" : "description",
"source" : "source",
"userName" : "userName",
"userId" : "00000000-0000-0000-0000-000000000000",
"target" : "target",
"appId" : "00000000-0000-0000-0000-000000000000",
"eventTime" : "2000-01-23T04:56:07.000+00:00",
"action" : "action",
"id" : "00000000-0000-0000-0000-000000000000"
}, {
"targetName" : "targetName",
"targetId" : "00000000-0000-0000-0000-000000000000",
"data" : "{}",
"dataType" : "dataType",
"ipAddress" : "ipAddress",
"description" : "description",
"source" : "source",
"userName" : "userName",
"userId" : "00000000-0000-0000-0000-000000000000",
"target" : "target",
"appId" : "00000000-0000-0000-0000-000000000000",
"eventTime" : "2000-01-23T04:56:07.000+00:00",
"action" : "action",
"id" : "00000000-0000-0000-0000-000000000000"
} ]
}
}`

// nprintingVendorsFixture is the sample fixture of the project's research
// notes (vendors.md §2), verbatim: invented values in the real shape, with
// data once as a string and once as an object, and a null appId.
const nprintingVendorsFixture = `{
  "data": {
    "totalItems": 2, "offset": 0, "limit": 50,
    "items": [
      {
        "id": "6f0e5c1a-8a9b-4c7d-9e21-0a1b2c3d4e5f",
        "eventTime": "2024-03-05T09:14:22.000+00:00",
        "userId": "2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d",
        "userName": "CORP\\jsmith",
        "ipAddress": "10.20.30.40",
        "source": "WebConsole",
        "target": "Task",
        "targetId": "91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e",
        "targetName": "Monthly sales publish",
        "appId": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "action": "Update",
        "description": "Task updated",
        "data": "{}",
        "dataType": "PublishTask"
      },
      {
        "id": "0b8c7d6e-5f4a-4321-9abc-def012345678",
        "eventTime": "2024-03-05T09:20:01.000+00:00",
        "userId": "2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d",
        "userName": "CORP\\jsmith",
        "ipAddress": "10.20.30.40",
        "source": "Api",
        "target": "User",
        "targetId": "2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d",
        "targetName": "jsmith",
        "appId": null,
        "action": "Login",
        "description": "Authentication succeeded",
        "data": {"method": "ntlm"},
        "dataType": "Authentication"
      }
    ]
  }
}`

// NPrintingDocExamples returns example responses of GET /api/v1/audit/events,
// verbatim, keyed by name:
//
//	list      the example of NPrinting's own document
//	fixture   the sample fixture of the project's research notes (vendors.md §2)
//
// NPrintingDocExampleRequests holds the request of each. Each call returns
// a new map.
func NPrintingDocExamples() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"list":    json.RawMessage(nprintingDocList),
		"fixture": json.RawMessage(nprintingVendorsFixture),
	}
}

// NPrintingDocExampleRequests returns a request path and query that gives
// each example of NPrintingDocExamples: the document shows none, so these
// match the examples' own offset and limit. Each call returns a new map.
func NPrintingDocExampleRequests() map[string]string {
	return map[string]string{
		"list":    "/api/v1/audit/events?offset=6&limit=1",
		"fixture": "/api/v1/audit/events?offset=0&limit=50",
	}
}
