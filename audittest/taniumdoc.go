package audittest

// The only example responses there are for Tanium's audit history route
// (vendors.md §6: no official reference documents it), verbatim.
const (
	// taniumDocVendorsFixture is the fixture of vendors.md §6 ("shape from
	// pytan3/Connect, invented values"): a whole response of
	// GET /api/v2/audit_logs/saved_questions/42, as the research gives it.
	taniumDocVendorsFixture = `{"data": {"id": 42, "type": "saved_question_audit", "start_time": "", "end_time": "",
  "entries": [{"object_id": 42, "details": "name=Installed Apps", "creation_time": "2023-01-01T22:45:02Z",
    "modification_time": "2023-02-11T09:00:10Z", "last_modified_by": "CORP\\admin",
    "modifier_user_id": 7, "mod_user": {"id": 7, "name": "admin", "domain": "CORP", "display_name": "Admin"},
    "type": 1}]}}`

	// taniumDocConnectEntry is the "Allowed URL log entry example" of Tanium
	// Connect's audit reference
	// (https://docs.tanium.com/connect/connect/audit_reference.html): one
	// entry as Connect exports it, with members the REST schema does not list
	// (audit_name, audit_row_id, type_name, object_name, object_type_name).
	// It is an entry, not a response. Verbatim except last_modified_by,
	// which the stored copy of the page shows obfuscated ("[email protected]");
	// it is restored as an address of the example domain.
	taniumDocConnectEntry = `{"object_id":1234,"audit_name":"https://example.url.com", "creation_time":"2023-01-01T22:45:02Z","modification_time":"2023-01-01T22:45:02Z", "last_modified_by":"user@example.url.com","modifier_user_id":1234, "mod_user":{"id":1234,"name":"user","domain":"example","display_name":""},"details":"", "audit_row_id":1234, "type":2,"type_name":"DeleteObject", "object_name":"https://example.url.com","object_type_name":"white_listed_url_audit"}`
)

// TaniumDocExamples returns the examples there are of Tanium's audit
// history data, verbatim, by name:
//
//   - "vendors_md_fixture": a whole response of
//     GET /api/v2/audit_logs/saved_questions/42 (vendors.md §6);
//   - "connect_entry": one entry as Tanium Connect exports it (Connect's
//     audit reference), not a response: wrap it in
//     {"data":{"entries":[...]}} to serve it.
//
// Each call returns fresh copies.
func TaniumDocExamples() map[string][]byte {
	return map[string][]byte{
		"vendors_md_fixture": []byte(taniumDocVendorsFixture),
		"connect_entry":      []byte(taniumDocConnectEntry),
	}
}
