// Package nprinting reads the audit events of a Qlik NPrinting server
// through GET /api/v1/audit/events, and maps them to OCSF.
//
//	client, err := nprinting.NewClient("https://nprinting.example.com:4993", os.Getenv("NPRINTING_TOKEN"))
//	if err != nil {
//		return err // *auditclient.ConfigError: no server, no token
//	}
//	it := client.Events(ctx, &nprinting.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	for it.Next() {
//		ev := it.Event() // an ocsf.Event; deliver it, then keep it.Checkpoint()
//	}
//	if err := it.Err(); err != nil { ... }
//
// API reference: https://help.qlik.com/en-US/nprinting/February2024/APIs/NP+API/index.html?page=10
// (marked "under development. Do not rely on it"; treat schema drift as
// likely: unknown members are kept, and members of an unexpected type do
// not fail a walk).
//
// # Three ways to walk
//
//   - Events yields OCSF events with checkpoints: resume after a crash, or
//     walk incrementally from the last run, without losing or repeating an
//     event. It is what most programs want.
//   - Pages yields the vendor's own records (AuditEvent), page by page, from
//     an offset; Pages(ctx, opts).All() ranges over every record. Use it to
//     read members ToOCSF does not map, or to feed your own pipeline.
//   - ListPage sends one request exactly as given and returns the response
//     (Page): for tools and tests.
//
// Bad options are an *auditclient.OptionError before any request, from all
// three. The package also registers itself with the vendors registry
// (Vendor), for programs that start walks by name from configuration.
//
// # Order
//
// The walk yields events in the server's own order (ListOptions.Order is
// auditclient.NaturalOrder): the document neither states the order of
// items nor offers a parameter to sort them, so OldestFirst and
// NewestFirst are an *auditclient.OptionError (nothing is buffered to
// reorder a window). The audittest fake sends newest first.
//
// # Server, authentication and TLS
//
// NPrinting is installed on the customer's own server; its API listens on
// port 4993 (DefaultPort), so there is no default host: NewClient takes the
// server's base URL ("https://nprinting.example.com:4993"). NewClient
// authenticates with a JWT ("Authorization: Bearer <token>"; JWT
// authentication is enabled under Admin › Settings › Authentication).
// NewNTLMClient logs in with Windows authentication through
// GET /api/v1/login/ntlm and then sends the session cookies; it takes the
// NTLM handshake as a hook (NTLM), since auditkit ships no NTLM
// implementation. The calling user needs a role with audit rights.
//
// These servers often use self-signed certificates. WithRootCAsPEM (or
// CertPoolFromPEM and TLSClient) makes the client trust exactly the given
// CAs or certificate; verification is never skipped.
//
// # Paging and identity
//
// The API pages by offset and limit and tells data.totalItems with every
// page. Events pins the window's end (end, to the last whole second
// completed) at the walk's start, so the total holds; once the first page
// has told it, up to ListOptions.Concurrency (default 8) further pages are
// fetched at once, and they are
// yielded in order. Offsets over a live log can still show a record twice,
// so every walk drops the records whose id was on the page before. The end
// of data is the page that reaches totalItems.
//
// Every page is checked against the document and against what the walk
// already knows. A body of the wrong shape ({}, null, [], items that are not
// an array, a totalItems that is not a number, a missing data, items or
// totalItems) is a permanent *auditclient.DecodeError whose Path names the
// member ("$.data", "$.data.items[3].eventTime"), never a page without
// events. So is a page that contradicts the walk: a totalItems other than
// the first page's, an empty or short page before totalItems is reached,
// records past totalItems, a page repeating the page before, or a walk that
// ends with fewer distinct records than announced. Such a walk is retried
// from its checkpoint rather than taken as complete.
//
// Every event carries an id (a UUID), its uid; checkpoints keep, beside the
// latest eventTime seen, the ids seen at that very time, so a resumed or
// incremental walk neither loses nor repeats events that share a timestamp.
//
// Windows are half-open, [Since, Until): an event at exactly Until is left
// for the next walk. start and end have one-second resolution while eventTime
// has milliseconds, and the document does not say whether either bound is
// inclusive, so Events asks for a little more than the window — start one
// second before Since, rounded down; end rounded up — and drops the events
// outside it on this side.
//
// # Base URL
//
// The server URL (NewClient's server, auditclient.WithBaseURL, the
// registry's server setting and vendors.Config.BaseURL, the CLI's --server
// and --base-url) is the origin, optionally with a path prefix for
// a proxy; the documented path /api/v1/audit/events is appended. A URL that
// already ends with /api/v1 or /api is not doubled.
//
// # Errors and rate limits
//
// Errors are parsed from NPrinting's {"code":403,"message":"..."} body into
// *auditclient.APIError (the shape NPrinting's web engine sends; for this
// endpoint UNCONFIRMED). The document names 400 for a malformed query; 401
// means the token or session was refused. No rate limit is documented (an
// on-premises product), so there is no fixed rate (DefaultRateLimit is
// none). The client sets no fixed request rate of its own: it paces itself
// by what the server says (auditclient.Pacer): rate-limit headers in any
// common spelling (X-RateLimit-*, X-Rate-Limit-*, the IETF draft's
// RateLimit-*), spreading what remains of a quota over the time left;
// Retry-After and a spent quota pause every request; a bare 429 lowers the
// rate and the requests in flight, which recover as requests succeed.
// auditclient.WithRateLimit adds a fixed cap, auditclient.WithPacer shares
// one pacer (and so one quota) between several clients. On a customer's own
// server, a cap of auditclient.WithRateLimit is the way to keep a walk
// gentle.
//
// # Unconfirmed
//
// The document does not say: the largest limit (MaxLimit is 1000), the sort
// order (the audittest fake sends newest first), whether end is inclusive,
// whether target matches the record's target or targetName, the values of
// source, target, action and dataType (ToOCSF classifies by words in
// them), the error body, or the login's cookie names (those of Qlik's own
// NPrinting CLI are used).
package nprinting
