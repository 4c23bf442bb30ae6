// Package audittest provides fakes of the vendors' audit-log APIs, served
// over real HTTP on a loopback port (net/http/httptest), for tests, for the
// auditkit CLI's --demo mode, and for users' own integration tests.
//
// Each fake is built from the vendor's own API document, not from auditkit's
// client types: records are kept as raw JSON, byte for byte as the API would
// send them, so a wrong JSON tag in a client cannot hide behind a fake that
// shares it. The package imports nothing of auditkit.
//
// # Cisco Secure Endpoint
//
// NewCisco starts a fake of GET /v1/audit_logs (see Cisco for its exact
// behaviour). StartCisco does the same in a test and closes it at the end:
//
//	c := audittest.StartCisco(t, audittest.CiscoOptions{})
//	// Point the client under test at c.URL(), with c.ClientID() and
//	// c.APIKey() as its credentials.
//
// The default data set is GenerateCiscoEvents(DefaultCiscoEvents, 1,
// 2024-06-19T12:00:00Z); CiscoOptions.Events replaces it and Cisco.Add adds
// to it, for incremental syncs. CiscoDocExamples holds the example responses
// of Cisco's document, verbatim.
//
// # Faults, recording and statistics
//
// Every fake shares the same machinery: an optional base path (so that a
// client's path-joining mistakes show), a record of every request
// (RecordedRequest), counters (Stats), and fault injection (Faults): rate
// limits, 5xx answers, connection resets, truncated and malformed bodies,
// scripted per request or drawn at random from a seed, deterministically.
//
// Everything is safe for concurrent use.
package audittest
