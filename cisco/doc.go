// Package cisco reads the audit log of Cisco Secure Endpoint (formerly AMP
// for Endpoints) through GET /v1/audit_logs, and maps its records to OCSF.
//
// API reference: https://api-docs.amp.cisco.com/api_actions/details?api_action=GET+%2Fv1%2Faudit_logs&api_host=api.amp.cisco.com&api_resource=AuditLog&api_version=v1
//
// # Authentication and regions
//
// The API takes HTTP Basic with the API client id as user and the API key as
// password. There is one host per region (RegionNorthAmerica, the default,
// RegionEurope, RegionAsiaPacific); pass another with
// auditclient.WithBaseURL.
//
// # Paging
//
// The API pages by offset and says where the next page is in
// metadata.links.next, an absolute URL that repeats the query. Pages and List
// follow it verbatim, fetching the next page while the current one is
// consumed; the walk ends when the link is absent or a page is empty. A link
// to another scheme or host is refused and nothing is sent there.
//
// The API lists the newest records first. So that records arriving during a
// walk cannot shift the offsets of the pages still to come, Events pins
// end_time at the walk's start when the caller gives none; what arrives
// meanwhile is collected by the next walk, resumed from the checkpoint.
//
// # Identity
//
// The API sends no event id: audit_log_id names the audited object (the
// document's own example returns 1,170 records for one), and created_at has
// one-second resolution. AuditLog.UID is therefore a digest of the record's
// content, and checkpoints keep, beside the time of the newest record seen,
// the uids seen in that very second, with repeats for identical twins.
//
// # Rate limits and errors
//
// Every response carries X-RateLimit-Limit, -Remaining and -Reset (seconds)
// (the overview page spells them X-Rate-Limit-*; both are read). A 429 is
// retried after the time the server asks for, within the retry policy's cap;
// a 2xx that reports Remaining 0 pauses the client until the reset. Errors
// come in Cisco's envelope {"errors":[{"error_code","description","details"}]},
// parsed into *auditclient.APIError.
//
// # Unconfirmed
//
// The document does not say: the largest limit (MaxLimit is 500, what public
// collectors use), that offset is a documented parameter (it is in every next
// link), the default order (newest first is what v1 lists do), nor the shape
// of GET /v1/audit_log_types (AuditLogTypes accepts strings or objects).
package cisco
