// Package audittest provides fakes of the vendors' audit-log APIs, served
// over real HTTP on a loopback port (net/http/httptest), for tests, for the
// auditkit CLI's --demo mode, and for users' own integration tests.
//
// Each fake is built from the vendor's own API document, not from auditkit's
// client types: records are kept as raw JSON, byte for byte as the API would
// send them, so a wrong JSON tag in a client cannot hide behind a fake that
// shares it. The package imports nothing of auditkit.
//
// # The fakes
//
// Every fake has a New<Vendor> constructor, which starts it (the caller
// closes it), and a Start<Vendor> for tests, which closes it when the test
// ends:
//
//	c := audittest.StartCisco(t, audittest.CiscoOptions{})
//	// Point the client under test at c.URL(), with c.ClientID() and
//	// c.APIKey() as its credentials.
//
// The zero options serve a default data set of 2000 records
// (Generate<Vendor>Events with seed 1) with default credentials, the newest
// two seconds before the start of the second the fake starts in (or at the
// options' Now), so that a walk of the last day finds records; the
// options' Events replaces the data set, and Add adds to it, for
// incremental syncs. StartDemo starts any vendor's fake by its registry
// name (package vendors), with the settings a client needs. <Vendor>DocExamples returns the examples of the
// vendor's documents, verbatim. Each type's documentation gives the fake's
// exact behaviour.
//
//   - Cisco (NewCisco, StartCisco): Cisco Secure Endpoint's
//     GET /v1/audit_logs with HTTP Basic credentials, filters, time window,
//     limit and offset paging with absolute next links, rate-limit headers
//     and ETags; and GET /v1/audit_log_types.
//   - Automox (NewAutomox, StartAutomox): Automox's Audit Trail,
//     GET /api/audit-service/v1/orgs/{orgUuid}/events under its origin
//     (URL() plus BasePath), with a bearer API key, one UTC day per request (date) and
//     cursor paging by event id; a bare JSON array.
//   - Entrust (NewEntrust, StartEntrust): Entrust Identity as a Service,
//     POST /api/web/v1/adminapi/authenticate for a token that expires by the
//     fake's clock, then POST /api/web/v2/reports/auditeventspaged (search
//     attributes, ordering, keyset cursors) and its /siem variant.
//   - InstaVM (NewInstavm, StartInstavm): InstaVM's GET /v1/audit/events with
//     an X-API-Key or a bearer token, exact-match filters and keyset cursors,
//     and FastAPI's error bodies (422 validation details).
//   - NPrinting (NewNPrinting, StartNPrinting): Qlik NPrinting's
//     GET /api/v1/audit/events with a JWT bearer token or the session cookie
//     of an NTLM login (GET or POST /api/v1/login/ntlm), filters, a time
//     window, and offset and limit paging.
//   - Tanium (NewTanium, StartTanium): the Tanium platform's audit history
//     route GET /api/v2/audit_logs/{type}s/{id}, with the session header
//     holding an API token and the history size in the tanium-options
//     header; the data set is history entries of objects (TaniumEntry).
//
// # Faults, recording and statistics
//
// Every fake shares the same machinery: URL, Close, Requests, Stats and
// SetFaults; an optional base path (so that a client's path-joining
// mistakes show); a record of every request (RecordedRequest); counters
// (Stats); and fault injection (Faults): rate limits, 5xx answers,
// connection resets, malformed bodies and bodies cut short, scripted per
// request or drawn at random from a seed, deterministically. A body is
// cut short in two ways, and a seed draws both: the connection closes
// mid-body (FaultTruncate), or the HTTP framing is complete and the JSON
// inside ends half way (FaultCutJSON with a Content-Length,
// FaultCutJSONChunked with chunks), as behind a crashing upstream or a
// proxy's buffer.
//
// Faults.Quota makes a fake enforce a real quota (Quota): N requests per
// fixed window, the first starting at the first request. Every response
// then carries rate-limit headers counting down: the vendor's (Cisco's and
// InstaVM's; for the other vendors, which document none, the common
// X-RateLimit-*, our assumption), the IETF draft's, or none at all
// (Quota.Headers). Once the window's quota is spent the fake refuses
// requests, unserved, with its 429, Retry-After (seconds until the window
// ends; not with QuotaHeadersNone) and a remaining quota of 0, until the
// next window starts; Stats.QuotaRefused counts those refusals, and
// Stats.First and Stats.Last time the walk by the fake's clock.
//
// Everything is safe for concurrent use.
package audittest
