package audittest

import "encoding/json"

// The seven example responses of Cisco's GET /v1/audit_logs document
// (https://api-docs.amp.cisco.com/api_actions/details?api_action=GET+%2Fv1%2Faudit_logs&api_host=api.amp.cisco.com&api_resource=AuditLog&api_version=v1),
// verbatim: the JSON exactly as the document prints it, one token per line.
// Do not reformat or "fix" them; tests decode them as the API's own words.
const (
	// ciscoDocList: "Fetch list of audit logs".
	ciscoDocList = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs",
"next": "https://api.amp.cisco.com/v1/audit_logs?offset=500"
},
"results": {
"total": 5598,
"current_item_count": 500,
"index": 0,
"items_per_page": 500
}
},
"data": [
{
"event": "create",
"audit_log_type": "Agent",
"audit_log_id": "538738f5-3a14-4449-933b-86142553de06",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T11:40:03Z",
"old_attributes": {
"policy_id": null,
"product_version_id": null
},
"new_attributes": {
"policy_id": 915608,
"product_version_id": 19606
}
},
{
"event": "create",
"audit_log_type": "Computer",
"audit_log_id": "16db5cf986eec6f44422",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T11:40:03Z",
"old_attributes": {
"name": null,
"desc": null,
"hostname": null,
"ip_external": null,
"group_id": null,
"operating_system_id": null
},
"new_attributes": {
"name": "Demo_Upatre",
"desc": "Computer populated with demo data",
"hostname": "Demo_Upatre",
"ip_external": "167.151.184.100",
"group_id": 431790,
"operating_system_id": 35743
}
}
]
}`

	// ciscoDocByAuditLogType: "Fetch list of audit logs filtered by audit_log_type".
	ciscoDocByAuditLogType = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?audit_log_type=User&limit=5",
"next": "https://api.amp.cisco.com/v1/audit_logs?audit_log_type=User&limit=5&offset=5"
},
"results": {
"total": 131,
"current_item_count": 5,
"index": 0,
"items_per_page": 5
}
},
"data": [
{
"event": "login",
"audit_log_type": "User",
"audit_log_id": "373031bf-6e67-40e5-9fc2-ffea680a2ebd",
"audit_log_user": "kmarasin+qa1_apidocs@cisco.com",
"created_at": "2022-02-23T20:43:09Z"
},
{
"event": "login",
"audit_log_type": "User",
"audit_log_id": "385501d4-017e-477c-8af6-8d096f95545d",
"audit_log_user": "marlin2+sdc_api_docs@cisco.com",
"created_at": "2021-04-09T19:15:54Z"
}
]
}`

	// ciscoDocByAuditLogID: "Fetch list of audit logs filtered by audit_log_id".
	ciscoDocByAuditLogID = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5",
"next": "https://api.amp.cisco.com/v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5&offset=5"
},
"results": {
"total": 1170,
"current_item_count": 5,
"index": 0,
"items_per_page": 5
}
},
"data": [
{
"event": "update",
"audit_log_type": "ApplicationBlockingList",
"audit_log_id": "e773a9eb-296c-40df-98d8-bed46322589d",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T10:55:36Z",
"old_attributes": {
"sha": "273d33fd0a8b205e4af47bbc8ba2f314e68ca5da5ecd6d41dad8f287d6a305ae"
},
"new_attributes": {
"sha": null
}
},
{
"event": "update",
"audit_log_type": "ApplicationBlockingList",
"audit_log_id": "e773a9eb-296c-40df-98d8-bed46322589d",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T10:55:35Z",
"old_attributes": {
"sha": ""
},
"new_attributes": {
"sha": "273d33fd0a8b205e4af47bbc8ba2f314e68ca5da5ecd6d41dad8f287d6a305ae"
}
}
]
}`

	// ciscoDocByEvent: "Fetch list of audit logs filtered by event".
	ciscoDocByEvent = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?event=login&limit=5",
"next": "https://api.amp.cisco.com/v1/audit_logs?event=login&limit=5&offset=5"
},
"results": {
"total": 62,
"current_item_count": 5,
"index": 0,
"items_per_page": 5
}
},
"data": [
{
"event": "login",
"audit_log_type": "User",
"audit_log_id": "373031bf-6e67-40e5-9fc2-ffea680a2ebd",
"audit_log_user": "kmarasin+qa1_apidocs@cisco.com",
"created_at": "2022-02-23T20:43:09Z"
},
{
"event": "login",
"audit_log_type": "User",
"audit_log_id": "385501d4-017e-477c-8af6-8d096f95545d",
"audit_log_user": "marlin2+sdc_api_docs@cisco.com",
"created_at": "2021-04-09T19:15:54Z"
}
]
}`

	// ciscoDocByStartTime: "Fetch list of audit logs filtered by start_time".
	ciscoDocByStartTime = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5",
"next": "https://api.amp.cisco.com/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5&offset=5"
},
"results": {
"total": 5598,
"current_item_count": 5,
"index": 0,
"items_per_page": 5
}
},
"data": [
{
"event": "create",
"audit_log_type": "Agent",
"audit_log_id": "538738f5-3a14-4449-933b-86142553de06",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T11:40:03Z",
"old_attributes": {
"policy_id": null,
"product_version_id": null
},
"new_attributes": {
"policy_id": 915608,
"product_version_id": 19606
}
},
{
"event": "create",
"audit_log_type": "Computer",
"audit_log_id": "16db5cf986eec6f44422",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2022-03-18T11:40:03Z",
"old_attributes": {
"name": null,
"desc": null,
"hostname": null,
"ip_external": null,
"group_id": null,
"operating_system_id": null
},
"new_attributes": {
"name": "Demo_Upatre",
"desc": "Computer populated with demo data",
"hostname": "Demo_Upatre",
"ip_external": "167.151.184.100",
"group_id": 431790,
"operating_system_id": 35743
}
}
]
}`

	// ciscoDocByEndTime: "Fetch list of audit logs filtered by end_time".
	ciscoDocByEndTime = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5",
"next": "https://api.amp.cisco.com/v1/audit_logs?end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5&offset=5"
},
"results": {
"total": 863,
"current_item_count": 5,
"index": 0,
"items_per_page": 5
}
},
"data": [
{
"event": "create",
"audit_log_type": "Group",
"audit_log_id": "eeaaea2b-7bcb-4263-8fb2-84a519c12940",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2018-09-18T22:06:25Z",
"old_attributes": {
"name": null
},
"new_attributes": {
"name": "jRwlALSr"
}
},
{
"event": "update",
"audit_log_type": "Group",
"audit_log_id": "7fe7a1d5-f2e5-4348-a0d8-6dcc7b40fe66",
"audit_log_user": "16db5cf986eec6f44422",
"created_at": "2018-09-18T22:06:23Z",
"old_attributes": {
"ancestry": "577010"
},
"new_attributes": {
"ancestry": null
}
}
]
}`

	// ciscoDocByAuditLogUser: "Fetch list of audit logs filtered by audit_log_user".
	ciscoDocByAuditLogUser = `{
"version": "v1.2.0",
"metadata": {
"links": {
"self": "https://api.amp.cisco.com/v1/audit_logs?audit_log_user=amp%40cisco.com&limit=5"
},
"results": {
"total": 0,
"current_item_count": 0,
"index": 0,
"items_per_page": 5
}
},
"data": [
]
}`
)

// CiscoDocExamples returns the seven example responses of Cisco's
// GET /v1/audit_logs document, verbatim (the JSON exactly as the document
// prints it), keyed by example:
//
//	list               Fetch list of audit logs
//	by_audit_log_type  ... filtered by audit_log_type
//	by_audit_log_id    ... filtered by audit_log_id
//	by_event           ... filtered by event
//	by_start_time      ... filtered by start_time
//	by_end_time        ... filtered by end_time
//	by_audit_log_user  ... filtered by audit_log_user (an empty page)
//
// CiscoDocExampleRequests holds the request of each. The document shortens
// the responses "for readability": each page holds two records (none for
// by_audit_log_user) although its metadata counts more. Each call returns a
// new map.
func CiscoDocExamples() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"list":              json.RawMessage(ciscoDocList),
		"by_audit_log_type": json.RawMessage(ciscoDocByAuditLogType),
		"by_audit_log_id":   json.RawMessage(ciscoDocByAuditLogID),
		"by_event":          json.RawMessage(ciscoDocByEvent),
		"by_start_time":     json.RawMessage(ciscoDocByStartTime),
		"by_end_time":       json.RawMessage(ciscoDocByEndTime),
		"by_audit_log_user": json.RawMessage(ciscoDocByAuditLogUser),
	}
}

// CiscoDocExampleRequests returns the request path and query of each example
// of CiscoDocExamples, exactly as the document sends it (for example
// "/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5"),
// keyed like CiscoDocExamples. Each call returns a new map.
func CiscoDocExampleRequests() map[string]string {
	return map[string]string{
		"list":              "/v1/audit_logs",
		"by_audit_log_type": "/v1/audit_logs?audit_log_type=User&limit=5",
		"by_audit_log_id":   "/v1/audit_logs?audit_log_id=e773a9eb-296c-40df-98d8-bed46322589d&limit=5",
		"by_event":          "/v1/audit_logs?event=login&limit=5",
		"by_start_time":     "/v1/audit_logs?start_time=2015-10-01T00%3A00%3A00%2B00%3A00&limit=5",
		"by_end_time":       "/v1/audit_logs?end_time=2018-10-01T00%3A00%3A00%2B00%3A00&limit=5",
		"by_audit_log_user": "/v1/audit_logs?audit_log_user=amp%40cisco.com&limit=5",
	}
}
