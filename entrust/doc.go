// Package entrust reads the audit events of Entrust Identity as a Service
// (IDaaS) through its Administration API reports, and maps them to OCSF:
//
//	client, err := entrust.NewClient("example.us.trustedauth.com",
//		os.Getenv("ENTRUST_APPLICATION_ID"), os.Getenv("ENTRUST_SHARED_SECRET"))
//	if err != nil {
//		return err // *auditclient.ConfigError: nothing was sent
//	}
//	it := client.Events(ctx, &entrust.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	for it.Next() {
//		deliver(it.Event()) // an ocsf.Event; then save it.Checkpoint() to resume
//	}
//	if err := it.Err(); err != nil { ... }
//
// API reference:
// https://entrust.us.trustedauth.com/help/developer/apis/administration/openapi/audit-event-page-using-post
// (POST /api/web/v2/reports/auditeventspaged, "Lists a page of audit
// events", permission REPORTS:VIEW) and its SIEM variant
// https://entrust.us.trustedauth.com/help/developer/apis/administration/openapi/siem-audit-event-page-using-post
// (POST /api/web/v2/reports/auditeventspaged/siem).
//
// # Three ways to walk
//
//   - Events (above) yields OCSF events with checkpoints, resuming where an
//     earlier walk stopped and, from a complete checkpoint, walking only
//     what is new: what most programs want.
//   - Pages yields the API's own records (AuditEvent) page by page, for a
//     program that wants Entrust's fields rather than OCSF; Pages(...).All()
//     ranges over the records.
//   - ListPage sends exactly one request, as given (a cursor included), and
//     returns the Page: for a program that pages by itself.
//
// # Order
//
// Events yields oldest first by default (ListOptions.Order NaturalOrder or
// OldestFirst: orderByAttribute eventTime ascending), and newest first with
// NewestFirst (eventTime descending), since auditeventspaged sorts by
// eventTime either way; the SIEM variant always lists oldest first, so
// NewestFirst is an *auditclient.OptionError there. Either way the
// checkpoint's position is the server's cursor, which follows the order.
//
// # Tenant and authentication
//
// Every tenant has its own host (the "hostname" of the API credentials
// file, e.g. example.us.trustedauth.com); there is no default. NewClient
// takes it first, as a host (https://host is meant) or as a URL: the
// origin, optionally with a path prefix for a proxy. auditclient.WithBaseURL,
// when also given, wins over it (the CLI's --base-url over --tenant). The
// documented paths (/api/web/...) are appended, and a base URL that already
// ends with /api, /api/web, /api/web/v1 or /api/web/v2 is not doubled.
//
// NewClient then takes the API application's id and shared secret. The client
// calls POST /api/web/v1/adminapi/authenticate with
// {"applicationId","sharedSecret","enableWebSession":false} and sends the
// authToken it gets back, as is, in the Authorization header (the form both
// Entrust's examples and community collectors accept). It renews the token
// TokenMargin plus 30 seconds before the expirationTime the server states
// (about 15 minutes after creationTime), and once more, repeating the
// request, when a request is answered 401; a walk in progress goes on from
// the page it was at. The authenticate call goes through the same client:
// the same retries, rate limit and redaction, its body built afresh for
// every attempt. The shared secret and the tokens are redacted from every
// error and log line.
//
// # Searching
//
// ListOptions is the request body, SearchParms: limit (PageSize, 1..100),
// cursor, orderByAttribute (Order, or OrderBy for another attribute than
// time) and searchByAttributes. Filters are built with Where,
// EventTime, OutcomeIs, CategoryIs and SubjectIs, and checked before
// anything is sent against the document's table: which attributes, which
// operators each takes, string lengths (entityType 40, sourceIp 39, the
// others 100), the SUCCESS|FAIL and AUTHENTICATION|MANAGEMENT values, a UUID
// for subject, ISO-8601 UTC times. eventTime is mandatory on
// auditeventspaged: the window, half-open [Since, Until), is sent as
// eventTime GREATER_THAN_OR_EQUAL Since and LESS_THAN Until (at whole
// seconds, Since rounded down and Until up), and when nothing bounds it an
// upper bound of now is sent.
// Sort attributes are those the document lists; the server then returns
// only events that have a value for the attribute.
//
// ListOptions.SIEM reads the SIEM variant instead: always oldest first,
// filters startTime (mandatory, derived from Since, or the Unix epoch),
// endTime, outcome and category. endTime takes LESS_THAN_OR_EQUAL only, so
// the events at exactly Until come too, and Events drops them. It is the variant Entrust meant for
// incremental collection; Events reads auditeventspaged by eventTime
// ascending by default, which gives the same order.
//
// The vendors registry knows this package as "entrust" (Vendor): settings
// tenant, application_id and shared_secret, the search attributes as
// filters NAME=VALUE or NAME=OP:VALUE, order_by and siem.
//
// # Paging
//
// Pages are chained by paging.nextCursor: the next request sends only
// {"limit","cursor"}, since the server ignores search and order attributes
// when a cursor is present; a null (or absent) nextCursor ends the walk.
// The next page is fetched while the current one is consumed. An event a
// page repeats from the page before is dropped; a cursor handed out twice
// ends the walk with pagination.ErrRepeatedToken, and more than
// MaxStalledPages pages in a row that bring no new event under new cursors
// end it with a *auditclient.DecodeError at $.paging.nextCursor.
//
// Each page is decoded strictly: a body without its results array or its
// paging object ({}, null, [], results null or an object), a nextCursor
// that is not a string or null, or a record that is not an audit event (a
// documented field of another type, an eventTime missing or not a time) is
// a permanent *auditclient.DecodeError whose Path names the JSON path
// ("$.paging", "$.results[3].eventTime"), never a page without events. Events pins the window's
// end at the walk's start, and a checkpoint's position is the cursor of the
// page in progress plus the number of its events consumed.
//
// # Identity
//
// Every event carries an id (a UUID): AuditEvent.UID. eventTime has
// millisecond resolution, and checkpoints keep the ids seen at the newest
// eventTime, so events sharing it are neither lost nor repeated.
//
// # Rate limits and errors
//
// Entrust documents no rate limit for these endpoints (UNCONFIRMED), so
// there is no fixed rate (DefaultRateLimit is none). The client sets no
// fixed request rate of its own: it paces itself by what the server says
// (auditclient.Pacer): rate-limit headers in any common spelling
// (X-RateLimit-*, X-Rate-Limit-*, the IETF draft's RateLimit-*), spreading
// what remains of a quota over the time left; Retry-After and a spent quota
// pause every request; a bare 429 lowers the rate and the requests in
// flight, which recover as requests succeed. auditclient.WithRateLimit adds
// a fixed cap, auditclient.WithPacer shares one pacer (and so one quota)
// between several clients. 429 and 5xx answers are retried with backoff,
// honouring Retry-After. Error bodies carry errorCode (what community
// collectors read), read into *auditclient.APIError with errorMessage and
// errorParms when present (UNCONFIRMED members).
//
// # Unconfirmed
//
// The stored documents do not say: the members of Paging beyond
// nextCursor, the members of auditDetails, every field of
// AccountAuditEvent (the model page was cut short; unknown fields are kept
// in AuditEvent.Extra), the casing of eventOutcome, the type of
// eventVersion, the error body beyond errorCode, the order of
// auditeventspaged without orderByAttribute, how long a cursor stays valid,
// whether eventTime values with a "Z" or a fraction are accepted (this
// package sends the document's form, 2018-08-04T18:15:30, and the SIEM
// example's, 2024-06-01T00:00:00Z), the retention window, and rate limits.
package entrust
