package audittest

import "encoding/json"

// InstaVM's document of GET /v1/audit/events
// (https://instavm.io/docs/api/audit/get-v1-audit-events) prints schemas
// only, no example response. The examples here are therefore: the sample
// fixture of vendors.md §3, verbatim (its items stop at http_method, as the
// stored copy of the reference did), and responses written from the
// document's schemas with every field, invented values. Do not reformat
// them; tests decode them as given.
const (
	// instavmDocVendorsSample is vendors.md §3's "Sample fixture record",
	// verbatim.
	instavmDocVendorsSample = `{
  "items": [
    {
      "id": "aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB",
      "created_at": "2025-05-14T08:31:12.482Z",
      "user_id": 4821,
      "actor_type": "api_key",
      "actor_id": "key_7f3c",
      "source": "api",
      "event_group": "vm",
      "event_type": "vm.create",
      "status": "success",
      "resource_type": "vm",
      "resource_id": "vm_9a8b7c6d",
      "session_id": null,
      "vm_id": "vm_9a8b7c6d",
      "task_id": null,
      "request_id": "req_5e4d3c2b1a",
      "correlation_id": null,
      "http_method": "POST"
    },
    {
      "id": "aud_01HZX3M1A4B5C6D7E8F9G0H1JK",
      "created_at": "2025-05-14T08:33:40.019Z",
      "user_id": 4821,
      "actor_type": "user",
      "actor_id": "4821",
      "source": "dashboard",
      "event_group": "auth",
      "event_type": "auth.login",
      "status": "failure",
      "resource_type": null, "resource_id": null,
      "session_id": "sess_1b2c3d", "vm_id": null, "task_id": null,
      "request_id": "req_0f9e8d7c6b", "correlation_id": "corr_aa11", "http_method": "POST"
    }
  ],
  "next_cursor": "eyJpZCI6ImF1ZF8wMUhaWDNNMUE0In0"
}`

	// instavmDocSchemaFull has every field of AuditEventResponse: one item
	// with a value in each (event_payload an object), one with every
	// nullable field null, and next_cursor null (the last page).
	instavmDocSchemaFull = `{
  "items": [
    {
      "id": "aud_01HZX4B7K3C9D2E5F8G1H4J6KM",
      "created_at": "2025-05-14T09:02:17.305118Z",
      "user_id": 4821,
      "actor_type": "api_key",
      "actor_id": "key_7f3c",
      "source": "api",
      "event_group": "execution",
      "event_type": "execution.run",
      "status": "failure",
      "resource_type": "task",
      "resource_id": "88123",
      "session_id": "sess_1b2c3d",
      "vm_id": "vm_9a8b7c6d",
      "task_id": 88123,
      "request_id": "req_7a6b5c4d3e",
      "correlation_id": "corr_bb22",
      "http_method": "POST",
      "path": "/v1/execute",
      "http_status": 200,
      "latency_ms": 300012.57,
      "ip_address": "203.0.113.41",
      "user_agent": "instavm-python/0.9.2 (CPython 3.12.3; Linux)",
      "node_ip": "10.0.2.17",
      "worker_id": "worker-4",
      "event_payload": {"language": "python", "exit_code": 124, "timed_out": true},
      "error_message": "Execution timed out after 300 seconds"
    },
    {
      "id": "aud_01HZX4A0Z9Y8X7W6V5T4S3R2QP",
      "created_at": "2025-05-14T09:00:00Z",
      "user_id": null,
      "actor_type": "system",
      "actor_id": null,
      "source": "system",
      "event_group": "vm",
      "event_type": "vm.auto_stop",
      "status": "success",
      "resource_type": null,
      "resource_id": null,
      "session_id": null,
      "vm_id": null,
      "task_id": null,
      "request_id": null,
      "correlation_id": null,
      "http_method": null,
      "path": null,
      "http_status": null,
      "latency_ms": null,
      "ip_address": null,
      "user_agent": null,
      "node_ip": null,
      "worker_id": null,
      "event_payload": null,
      "error_message": null
    }
  ],
  "next_cursor": null
}`

	// instavmDocValidationError is a 422 body in the document's
	// HTTPValidationError shape ({"detail":[{"loc","msg","type"}]}), as
	// FastAPI writes it for limit=500&user_id=abc (pydantic v2 adds input
	// and ctx, which the document does not list).
	instavmDocValidationError = `{
  "detail": [
    {
      "type": "int_parsing",
      "loc": ["query", "user_id"],
      "msg": "Input should be a valid integer, unable to parse string as an integer",
      "input": "abc"
    },
    {
      "type": "less_than_equal",
      "loc": ["query", "limit"],
      "msg": "Input should be less than or equal to 200",
      "input": "500",
      "ctx": {"le": 200}
    }
  ]
}`
)

// InstavmDocExamples returns the example bodies of InstaVM's
// GET /v1/audit/events, by name, as given (a fresh copy each call):
//
//   - "vendors_md_sample": vendors.md §3's sample response, verbatim;
//   - "schema_full": a response with every field of the document's schema,
//     one item fully set and one with every nullable field null;
//   - "validation_error": a 422 body in the document's HTTPValidationError
//     shape.
//
// The document itself prints schemas, not examples: the last two are
// written from those schemas, with invented values.
func InstavmDocExamples() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"vendors_md_sample": json.RawMessage(instavmDocVendorsSample),
		"schema_full":       json.RawMessage(instavmDocSchemaFull),
		"validation_error":  json.RawMessage(instavmDocValidationError),
	}
}
