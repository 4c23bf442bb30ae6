// Package cisco reads the audit log of Cisco Secure Endpoint (formerly AMP
// for Endpoints) through GET /v1/audit_logs, and maps its records to OCSF.
//
// API reference: https://api-docs.amp.cisco.com/api_actions/details?api_action=GET+%2Fv1%2Faudit_logs&api_host=api.amp.cisco.com&api_resource=AuditLog&api_version=v1
//
//	client, err := cisco.NewClient(os.Getenv("CISCO_CLIENT_ID"), os.Getenv("CISCO_API_KEY"),
//		auditclient.WithBaseURL(cisco.RegionEurope)) // leave out for North America
//	if err != nil {
//		return err // *auditclient.ConfigError: a credential is missing
//	}
//	it := client.Events(ctx, &cisco.ListOptions{Since: time.Now().Add(-24 * time.Hour)}, nil)
//	defer it.Close()
//	enc := json.NewEncoder(os.Stdout)
//	for ev, err := range it.All() {
//		if err != nil {
//			return err
//		}
//		enc.Encode(ev) // one OCSF event
//	}
//	saved, _ := json.Marshal(it.Checkpoint()) // resume the next run from here
//
// # Three ways to walk
//
// Events is what most programs want: OCSF events, with the window pinned
// so that offsets hold still, records never yielded twice, and a
// checkpoint to resume from. Pages gives Cisco's own records (AuditLog),
// page by page, following the API's next links (its All method yields them
// one by one); use it to read fields OCSF does not keep, or to page from an
// Offset. ListPage sends exactly one request with the options as given and
// returns the Page as the API sent it, metadata included.
//
// # Order
//
// Records come newest first, as the API sends them (UNCONFIRMED by the
// document; it is what Cisco's v1 lists do): it has no parameter to sort
// by, so ListOptions.Order takes NaturalOrder or NewestFirst, and
// OldestFirst is an *auditclient.OptionError.
//
// # Registry
//
// Importing the package registers Vendor with package vendors, under the
// name "cisco", with the settings client_id, api_key (both required and
// secret) and region (na, eu or apjc), and the four documented filters.
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
// metadata.links.next, an absolute URL that repeats the query. Pages and
// Events follow it, fetching the next page while the current one is
// consumed; the walk ends when the link is absent or a page is empty. A link
// to another scheme or host is refused and nothing is sent there.
//
// The API lists the newest records first. So that records arriving during a
// walk cannot shift the offsets of the pages still to come, Events pins
// end_time when the caller gives none: Cisco's end_time is inclusive and to
// the second, so it is the last completed second before the walk started,
// and nothing created during the walk, even within the second it started
// in, is inside it. What arrives meanwhile is collected by the next walk,
// resumed from the checkpoint.
//
// Windows are half-open, [Since, Until), as for every vendor: ListPage,
// Pages and Events all send as end_time the last whole second before Until
// (EndTimeFor), so a record created at exactly Until is not read and one at
// exactly Since is.
//
// Should offsets shift nonetheless (Pages without an Until),
// the records a growing total pushed from one page into the next are
// dropped; byte-identical twins, which the API produces, are kept.
//
// # Hostile responses
//
// A 2xx body that is not the document's envelope — {}, null, an array, a
// missing metadata, links, results or data, an object where data's array
// belongs, a string where a count or created_at belongs — is a permanent
// *auditclient.DecodeError whose Path names the JSON path ("$.metadata.links",
// "$.data[3].created_at"), never "no records" and never a record built
// from zero values. So is a page that contradicts the walk: an empty page
// with a next link, an empty page before the total is reached, a next link
// whose offset does not move forward or lies past the total, and a page
// that repeats the page before record for record (a server that ignores
// offset).
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
// (the overview page spells them X-Rate-Limit-*; both are read). The
// often-quoted 3,000 requests an hour is UNCONFIRMED: the client trusts
// the headers, not a number of its own. While more than half of the
// window's quota remains, a walk goes at its own speed; below that, the
// requests left are spread evenly until the reset, so that a long walk
// neither bursts the quota away and stalls nor ever meets a 429. A 2xx
// that reports Remaining 0 pauses every request until the reset; a 429 is
// retried after the time the server asks for, within the retry policy's
// cap. DefaultRateLimit is none; auditclient.WithRateLimit adds a fixed
// cap, and auditclient.WithPacer shares one quota between the clients of
// one API client ID (the quota is per API client). Errors
// come in Cisco's envelope {"errors":[{"error_code","description","details"}]},
// parsed into *auditclient.APIError.
//
// # Unconfirmed
//
// The document does not say: the largest limit (MaxPageSize is 500, what public
// collectors use), that offset is a documented parameter (it is in every next
// link), the default order (newest first is what v1 lists do), nor the shape
// of GET /v1/audit_log_types (AuditLogTypes accepts strings or objects).
package cisco
