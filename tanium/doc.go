// Package tanium reads the audit histories of Tanium Server objects through
// the platform REST API, GET /api/v2/audit_logs/{type}s/{id}, and maps their
// entries to OCSF.
//
//	client, err := tanium.NewClient("https://tanium.example.com", os.Getenv("TANIUM_API_TOKEN"))
//	if err != nil {
//		return err // an *auditclient.ConfigError: nothing was sent
//	}
//	objects, err := tanium.ParseObjects("user:12,sensor:7,saved_question:42")
//	if err != nil {
//		return err // an *auditclient.OptionError
//	}
//	it := client.Events(ctx, &tanium.ListOptions{Objects: objects, Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	for ev, err := range it.All() {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Time, ev.Message)
//	}
//
// # Three ways to walk
//
//   - Client.Events yields OCSF events, with a checkpoint after each one to
//     resume from or to sync incrementally from (only newer entries next
//     time): what most programs want.
//   - Client.Pages walks the entries as the API sends them (Entry), one
//     page per object; Pages(ctx, opts).All() ranges over the entries one
//     by one. Use it to read the records themselves rather than OCSF.
//   - Client.ListPage sends exactly one request, the history of one object
//     opts.PageSize entries deep, and returns the response (Page) as sent.
//
// All three take the same ListOptions and check them before any request:
// a bad value is an *auditclient.OptionError (errors.Is
// auditclient.ErrBadOption). The package registers itself with the
// vendors registry as "tanium" (see Vendor).
//
// # Order
//
// A walk yields entries object after object, in the order of
// ListOptions.Objects, and each object's entries in the order the server
// sends them (the fake sends them newest first; the real order is
// UNCONFIRMED): only auditclient.NaturalOrder is accepted, since entries
// are in no time order across objects and sorting them would mean holding
// every history of the window.
//
// # What this endpoint can and cannot do
//
// Tanium publishes no paged audit-event endpoint: there is no "give me every
// audit event since T" call. What the platform REST API has is a per-object
// audit history: for one object (a user, a sensor, a package, ...) the last
// N changes made to it, N being set by the request header
// tanium-options: {"audit_history_size": N} (the server's default is 1).
// This package wraps that: a walk over a list of objects you name
// (ListOptions.Objects, TYPE:ID pairs, see ParseObjects), one request per
// object, yielding each history entry once. It follows that:
//
//   - It sees only the objects you list. Objects created since you made the
//     list, and changes to objects you did not list, are not seen; logins
//     and other events that change no object are not in these histories.
//   - The server returns only the last N entries of each object. So the
//     walk asks for PageSize entries and, when all of them come back
//     and the oldest is not older than the window's start (Since; in an
//     incremental walk, the newest entry already yielded; with neither,
//     any full answer), asks that object again with twice the depth, up to
//     MaxHistorySize (10,000 unless lowered), until the history reaches
//     back before the window's start or comes back short (the whole
//     history). Only the last answer is yielded: nothing twice.
//   - A history still full at MaxHistorySize that does not reach back to
//     the window's start is not passed over in silence: the walk yields
//     what it read and reports the object and the oldest time it reached
//     as a *TruncatedError (matching ErrHistoryTruncated), through
//     auditclient.WarningsOf for Events and as the last error of Pages.
//     The same holds for incremental walks (from a completed checkpoint):
//     more than PageSize entries arrived since the last walk make it read
//     deeper, not drop them.
//   - A server that caps the depth below what is asked (its
//     max_soap_audit_entries_per_cache setting; value UNCONFIRMED) and says
//     nothing answers short, which cannot be told from a history that ends
//     there: keep MaxHistorySize at or below your server's cap.
//   - The time window [Since, Until) is applied by this package to the
//     entries received: the endpoint takes no time filter, so a narrow
//     window costs as many requests as a wide one, and a wide one more
//     (deeper histories).
//
// For a complete audit trail, Tanium's documented route is Tanium Connect's
// "Tanium Audit Source" export to a SIEM; this package is for reading the
// history of known objects from Go.
//
// # Authentication
//
// Every request carries the API token in the header
// session: token-<API token> (a token that already begins with "token-"
// is sent as it is). The token never appears in errors, logs or %v output.
// Tanium rejects a token used from an IP address outside its trusted list
// with 401.
//
// # Paging and resuming
//
// There is no paging: one object's history is one response, one page of
// the walk. The walk goes through the objects in the order given (see
// Order). Up to ListOptions.Concurrency histories are fetched at once,
// ahead of the consumer, as the client's pacer allows, and still yielded
// in order.
// A checkpoint's position is the index of the object being read and the
// number of its entries consumed, so a resumed walk continues at the right
// object; a checkpoint taken with another list of objects is refused.
//
// # Identity
//
// History entries carry no id of their own (Tanium Connect's export adds
// audit_row_id; the REST schema has none). Entry.UID is therefore a digest
// of the object and the entry's stable members (see Entry.UID), and
// checkpoints keep, beside the time of the newest entry seen, the uids seen
// at that very time.
//
// # Rate limits and errors
//
// Tanium documents no rate limit for this API (UNCONFIRMED), so there is no
// fixed rate (DefaultRateLimit is none). The client sets no fixed request
// rate of its own: it paces itself by what the server says
// (auditclient.Pacer): rate-limit headers in any common spelling
// (X-RateLimit-*, X-Rate-Limit-*, the IETF draft's RateLimit-*), spreading
// what remains of a quota over the time left; Retry-After and a spent quota
// pause every request; a bare 429 lowers the rate and the requests in
// flight, which recover as requests succeed. auditclient.WithRateLimit adds
// a fixed cap, auditclient.WithPacer shares one pacer (and so one quota)
// between several clients. On a customer's own server, a cap of
// auditclient.WithRateLimit is the way to keep a walk gentle. 429 and 503
// answers are retried after the time the server asks for. Errors come back
// as JSON with a text member, {"text":"..."}, parsed into
// *auditclient.APIError; an object that does not exist is a 404 (see
// ListOptions.SkipNotFound).
//
// # Unconfirmed
//
// No official Tanium reference documents this route (vendors.md §6). The
// route, the header, the object types and the response shape
// {"data":{"id","type","start_time","end_time","entries":[...]}} come from
// Tanium's own open-source Python client pytan3 (Rest.api_get_audit_logs)
// and its SOAP schema; the entry members from that schema and Tanium
// Connect's audit reference; the error body from the Cortex XSOAR Tanium
// integration. Not confirmed: the order of entries, the largest history
// size the server honours (MaxHistorySize is a client-side bound), rate
// limits, and the type names CreateObject and UpdateObject (DeleteObject is
// Connect's). Validate against your own server before relying on it.
package tanium
