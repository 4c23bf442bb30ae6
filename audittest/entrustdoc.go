package audittest

import "encoding/json"

// Entrust's document of POST /api/web/v2/reports/auditeventspaged (the seed
// document 003) prints no example request or response. The examples below
// are the research notes' (vendors.md §4), verbatim: a page of two records
// ("Sample fixture records": real field names and shapes, invented values)
// and the SIEM variant's example request with its follow-up page. Do not
// reformat or "fix" them.
const (
	// entrustSamplePage is vendors.md §4 "Sample fixture records".
	entrustSamplePage = `{
  "results": [
    {
      "id": "0f6b2b0e-7d7a-4a6e-9a55-2f3c1d0e9b71",
      "eventTime": "2024-06-01T00:05:12.345Z",
      "eventCategory": "AUTHENTICATION",
      "eventOutcome": "FAIL",
      "eventType": "AuthenticationDeniedEvent",
      "eventVersion": "1",
      "message": "authentication.denied.invalid.password",
      "accountId": "a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
      "subject": "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c",
      "subjectName": "jdoe",
      "sourceIp": "203.0.113.17",
      "resourceId": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
      "resourceName": "Corporate VPN",
      "entityType": null, "entityName": null, "entityAction": null, "entityId": null,
      "requiredPermission": null,
      "auditDetails": null
    },
    {
      "id": "7e2a4c6d-8f0b-4d1e-a3c5-e7f9a1b3c5d7",
      "eventTime": "2024-06-01T00:07:40.001Z",
      "eventCategory": "MANAGEMENT",
      "eventOutcome": "SUCCESS",
      "eventType": "UserModifiedEvent",
      "message": "user.edit",
      "accountId": "a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
      "subject": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
      "subjectName": "SIEM Collector API App",
      "sourceIp": "198.51.100.4",
      "entityId": "5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c",
      "entityName": "jdoe", "entityType": "USERS", "entityAction": "EDIT",
      "requiredPermission": "USERS:EDIT"
    }
  ],
  "paging": {"nextCursor": "eyJsYXN0IjoiN2UyYTRjNmQifQ=="}
}`

	// entrustSIEMRequest is vendors.md §4 "Example SIEM request".
	entrustSIEMRequest = `{
  "limit": 100,
  "searchByAttributes": [
    {"name": "startTime", "operator": "GREATER_THAN_OR_EQUAL", "value": "2024-06-01T00:00:00Z"},
    {"name": "endTime",   "operator": "LESS_THAN_OR_EQUAL",    "value": "2024-06-01T01:00:00Z"}
  ]
}`

	// entrustSIEMFollowUp is the follow-up page request of vendors.md §4;
	// the cursor is a placeholder for paging.nextCursor.
	entrustSIEMFollowUp = `{"limit": 100, "cursor": "<paging.nextCursor>"}`
)

// EntrustDocExamples returns the example responses of the Entrust
// material, verbatim, by name. Entrust's document shows none; "sample_page"
// is the page of the research notes (vendors.md §4): an AUTHENTICATION
// record with null entity members and a MANAGEMENT record (user.edit of a
// USERS entity), and paging.nextCursor set.
func EntrustDocExamples() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"sample_page": json.RawMessage(entrustSamplePage),
	}
}

// EntrustDocExampleRequests returns the example request bodies of the
// Entrust material, verbatim, by name: "siem_first_page" (startTime and
// endTime, limit 100) and "siem_next_page" (limit and cursor, the cursor a
// placeholder).
func EntrustDocExampleRequests() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"siem_first_page": json.RawMessage(entrustSIEMRequest),
		"siem_next_page":  json.RawMessage(entrustSIEMFollowUp),
	}
}
