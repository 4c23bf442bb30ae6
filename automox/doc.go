// Package automox reads the audit trail of an Automox organization through
// GET /api/audit-service/v1/orgs/{orgUuid}/events (Audit Trail API,
// OpenAPI info.version 1.1.0), and repairs its OCSF-shaped events into
// valid OCSF 1.1.0.
//
//	client, err := automox.NewClient(os.Getenv("AUTOMOX_API_KEY"), os.Getenv("AUTOMOX_ORG_UUID"))
//	if err != nil {
//		log.Fatal(err) // *auditclient.ConfigError: nothing was sent
//	}
//	it := client.Events(ctx, &automox.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	for ev, err := range it.All() {
//		if err != nil {
//			log.Fatal(err)
//		}
//		fmt.Println(ev.Time, ev.Message)
//	}
//
// API reference: https://developer.automox.com/openapi/audit-trail/operation/getAuditEvents
//
// # Three ways to walk
//
//   - Events: the audit trail as OCSF events, with checkpoints to resume
//     from and to sync incrementally. What most programs want.
//   - Pages: the events as Automox sends them (AuditEvent, with Raw and
//     Extra), page by page over the same window; Pages(ctx, opts).All()
//     gives them one by one. For programs that want the vendor's own
//     records rather than OCSF.
//   - ListPage: one request exactly as given (one day, a cursor, a
//     limit). For reading or debugging a single page.
//
// The package registers itself in the vendors registry (Vendor), for
// programs that open walks by name: vendors.Open(ctx, "automox", cfg).
//
// # Order
//
// Walks yield events oldest first, day by day and by id within a day,
// which is the API's own order (ids grow with time; see Identity and
// order), so NaturalOrder and OldestFirst are the same here. NewestFirst
// is refused with an *auditclient.OptionError before any request: the API
// serves a day's events only ascending by id after a cursor and has no
// parameter to reverse them.
//
// # Base URL
//
// auditclient.WithBaseURL takes the origin, as for every vendor:
// "https://console.automox.com" (DefaultBaseURL), a fake's URL, or a
// proxy's origin with an optional path prefix. The documented path,
// EventsPath (/api/audit-service/v1/orgs/{orgUuid}/events), is appended. A
// base URL that already ends in "/api", as the document's server does, is
// accepted too and the "/api" is not doubled.
//
// # Authentication
//
// The API key goes in Authorization: Bearer; the organization is in the
// path and, as the document's code sample sends it, in the
// x-ax-organization-uuid header (the parameter table spells it
// ax-organization-uuid; which the server reads is UNCONFIRMED, so
// WithOrgHeader can change it). The key's scopes the call needs
// (organization:manage and users:read, per a community MCP server) are
// UNCONFIRMED.
//
// # Paging: days and cursors
//
// Every call reads one UTC day (date, required) and returns a bare JSON
// array of at most limit (≤ 500) events after cursor, the id of the last
// event of the page before, ascending by id. The end of a day is a page
// shorter than the limit (UNCONFIRMED: the document names no end marker).
//
// Pages and Events therefore walk a time window day by day: every UTC
// day from the window's start to its end is read, days without events too,
// several days at once (ListOptions.Concurrency, default 8, each day's
// cursor chain running ahead of the consumer by up to 1,000 events or two
// pages; every request goes through the client's pacer), and
// the pages come out strictly in day order. The window is half-open,
// [since, until): an event at exactly until is not yielded, and the day
// that starts at an until of midnight is not read. Only the events inside
// the window are kept. A page's token, and so a checkpoint's position, is
// "DAY|CURSOR" ("2024-06-18|6672200dd10935351f936399"): a resumed walk
// restarts in the right day at the right page.
//
// Events pins a zero end of the window at the walk's start. A zero start
// reaches DefaultLookback (30 days) back: the API has no "everything", and
// the retention of audit events is not documented (UNCONFIRMED).
//
// # Identity and order
//
// Events are identified by metadata.uid (a UUID), and paged by their id (a
// MongoDB ObjectId, sent as {"_id":{"$oid":...}}, a plain "_id" or "id":
// the decoder takes all three). Ids grow with time, so a day's pages come
// in time order (inferred; UNCONFIRMED). Checkpoints keep the time of the
// newest event yielded and the uids at that time; a completed checkpoint
// makes the next walk start there (incremental sync).
//
// # Repairing OCSF
//
// Automox's events say which OCSF class they are, but fail validation (six
// reasons for the document's own sample: activity instead of
// activity_name, status_details instead of status_detail, a numeric
// status_code, type_uid contradicting activity_id, no service or
// dst_endpoint on Authentication, metadata.product without a name). ToOCSF
// repairs them, keeps the class when the result is valid in it, and keeps
// the event as sent in raw_data. Times come as epoch milliseconds, numeric
// strings or float epoch seconds, and status codes as numbers or strings:
// AuditEvent takes them all.
//
// ToOCSF then gives the events the meanings every vendor's events share
// (ocsf/MAPPING.md in the module): an event without an actor gets the
// acting user Automox names in its own observables, those observables are
// kept as OCSF observables, and a zone role assigned or revoked is User
// Access Management rather than Account Change Attach/Detach Policy.
//
// # Rate limits and errors
//
// Automox documents 429 but no quota and no rate-limit headers; the client
// retries 429 and 503 with exponential backoff (honouring Retry-After when
// sent). The 5,000 requests an hour of an old Automox document is
// UNCONFIRMED, so there is no fixed rate (DefaultRateLimit is none). The
// client sets no fixed request rate of its own: it paces itself by what the
// server says (auditclient.Pacer): rate-limit headers in any common
// spelling (X-RateLimit-*, X-Rate-Limit-*, the IETF draft's RateLimit-*),
// spreading what remains of a quota over the time left; Retry-After and a
// spent quota pause every request; a bare 429 lowers the rate and the
// requests in flight, which recover as requests succeed.
// auditclient.WithRateLimit adds a fixed cap, auditclient.WithPacer shares
// one pacer (and so one quota) between several clients. A known quota is
// made a ceiling with auditclient.PacerConfig.Quota. Errors come as
// {"errors":["<message>"]} and are parsed into *auditclient.APIError.
//
// # Hostile responses
//
// A 2xx body that is not the documented array — an object, null, a
// string, an element that is not an event, an event without a readable
// time — is a permanent *auditclient.DecodeError whose Path names the JSON
// path ("$", "$[3]", "$[3].time"), never "no events" and never an event
// built from zero values. The empty array is the documented end of a day.
// A day whose pages stop moving forward (a full page that ends with an id
// the day already used as a cursor, or a page of events all on the page
// before) ends the walk with a *auditclient.DecodeError wrapping
// ErrStalledCursor rather than looping.
package automox
