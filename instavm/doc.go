// Package instavm reads the audit events of an InstaVM account through
// GET /v1/audit/events, and maps them to OCSF.
//
// API reference: https://instavm.io/docs/api/audit/get-v1-audit-events
//
//	client, err := instavm.NewClient(os.Getenv("INSTAVM_API_KEY"))
//	if err != nil {
//		return err // an *auditclient.ConfigError: the key is empty, or holds a space or a control character
//	}
//	it := client.Events(ctx, &instavm.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	for it.Next() {
//		ev := it.Event() // an OCSF event; it.Checkpoint() resumes after it
//	}
//	if err := it.Err(); err != nil { ... }
//
// # Three ways to walk
//
//   - Events: OCSF events, with checkpoints to resume from and incremental
//     syncs. What most programs want.
//   - Pages: the API's own records (AuditEvent, every field as sent), page
//     by page as a *pagination.Pager; its All gives them one by one. For
//     programs that want InstaVM's fields rather than OCSF.
//   - ListPage: one request, exactly as given (a Page, with its
//     next_cursor). For paging by hand.
//
// All three yield events newest first, the only order the API serves (see
// Paging and order). Each validates its ListOptions before anything is
// sent: a bad value is an *auditclient.OptionError (errors.Is(err,
// auditclient.ErrBadOption)).
// The package registers itself with the vendors registry as "instavm"
// (Vendor), for programs that start walks by name.
//
// # Authentication
//
// The document lists the OAuth2PasswordBearer scheme (Authorization: Bearer)
// and an optional X-API-Key header; InstaVM's guide sends API keys
// ("instavm_sk_...", full account access) in X-API-Key. NewClient does that;
// NewBearerClient sends a bearer token, NewClientWithAuth any
// auditclient.Auth (a refreshing token, say). The host is DefaultBaseURL.
//
// A base URL (auditclient.WithBaseURL, the CLI's --base-url) is the origin
// — scheme, host, port, and an optional path prefix for a proxy — and the
// documented path /v1/audit/events is appended; a base URL that already
// ends with /v1 is not doubled.
//
// # Paging and order
//
// The API pages by an opaque cursor: each response's next_cursor goes back
// as the cursor parameter, until it is null (limit 1..200, default 50;
// ListOptions.PageSize). Pages and Events follow it, fetching the next
// page while the current one is consumed. An empty page that still names a next cursor does not end the
// walk (ending there could cut it short in silence): the cursor is
// followed. A cursor handed out twice ends the walk with
// pagination.ErrRepeatedToken, and more than MaxStalledPages pages in a row
// that bring no new event (empty, or the page before again) under ever new
// cursors end it with a *auditclient.DecodeError at $.next_cursor.
//
// Each response is decoded strictly, as the document's schema says: a
// body without its items array ({}, null, [], items null or an object), a
// next_cursor that is not a string or null, or an item that is not an audit
// event (a field of the wrong type, no id, no created_at) is a permanent
// *auditclient.DecodeError whose Path names the JSON path ("$.items",
// "$.items[3].user_id"), never a page without events.
//
// Walks yield events newest first, the order the API sends them (the
// document does not say so; newest first is what vendors.md expects and
// what the audittest fake serves: UNCONFIRMED), and since the API has no
// parameter to sort by, ListOptions.Order takes NaturalOrder or
// NewestFirst only: OldestFirst is an *auditclient.OptionError, as a walk
// never buffers a whole window to reverse it. Nothing else here depends on
// the order.
//
// # No time filter: windows and incremental syncs
//
// The API cannot filter by time. ListOptions.Since and Until are applied by
// the client, so every walk reads every page of its query. Windows are
// half-open, [Since, Until): an event at exactly Until is left for the next
// window, one at exactly Since is yielded. Events pins a zero Until to the
// walk's start; a walk resumed from a checkpoint taken
// mid-walk refetches the page of its cursor and skips what was consumed;
// a walk from a complete checkpoint reads the stream again and yields only
// the events after the newest one yielded before (ties at that very instant
// resolved by id), so an incremental sync sends nothing twice, whatever the
// order of the stream.
//
// Events created after a walk began are left out of its pages (they are
// past its pinned end), and the first page is topped up to a full page
// from the next: a walk resumed from a checkpoint in its first page finds
// the same events there however many arrived in between. An event written
// late, with a created_at inside a window already walked (clock skew
// between InstaVM and this host, say), can make a resumed walk repeat
// part of a page, and is missed by incremental walks, which start at the
// newest event already yielded.
//
// # Identity
//
// Every event carries its own id (AuditEvent.UID), and created_at is a
// date-time with sub-second precision; several events may still share it
// (one request writing two events), which checkpoints handle.
//
// # Rate limits and errors
//
// InstaVM publishes no numbers nor headers for its rate limit (its SDK
// documents a "Rate limit exceeded" error and advises exponential backoff),
// so there is no fixed rate (DefaultRateLimit is none). The client sets no
// fixed request rate of its own: it paces itself by what the server says
// (auditclient.Pacer): rate-limit headers in any common spelling
// (X-RateLimit-*, X-Rate-Limit-*, the IETF draft's RateLimit-*), spreading
// what remains of a quota over the time left; Retry-After and a spent quota
// pause every request; a bare 429 lowers the rate and the requests in
// flight, which recover as requests succeed. auditclient.WithRateLimit adds
// a fixed cap, auditclient.WithPacer shares one pacer (and so one quota)
// between several clients. 429, 502, 503 and 504 are retried, honouring
// Retry-After. Errors are FastAPI's {"detail": ...}: a string ("Not
// authenticated", "Invalid API key or session expired") becomes the
// *auditclient.APIError's message; a 422's list of {loc, msg, type} becomes
// a *ValidationError, which also unwraps to the *auditclient.APIError and
// matches auditclient.ErrBadRequest.
//
// # Unconfirmed
//
// The vocabularies of event_group, event_type, status, source and
// actor_type (the document lists no values; ToOCSF matches words and keeps
// every value), the order of the stream, the rate limit, and the exact
// bodies of 401 and 429 responses. The 422 shape is the document's.
package instavm
