// Package pagination walks paged APIs: it turns a function that fetches one
// page into an ordered stream of pages or items, fetches ahead of the
// consumer in the background, and lets a walk be resumed from any page. It is
// vendor-neutral, generic over the record type, and uses the standard library
// only.
//
// # Walkers
//
// Each constructor takes a fetch function for one paging style and returns a
// *Pager:
//
//   - Keyset: "records after cursor", where the cursor is a key of the last
//     record of the previous page; a short page ends the walk.
//   - Offset: offset and limit, with the server's total on every page; pages
//     are independent once the total is known, so several are fetched at once.
//   - NextToken: every page carries the next page's token; "" ends the walk.
//   - NextLink: every page carries the next page's URL; "" ends the walk.
//   - BodyCursor: NextToken for APIs that take the cursor in a POST body.
//
// All five run on one engine; a walker only decides the next token and the
// end of the walk.
//
// # Two levels
//
// Page level, with a resume token per page:
//
//	p := pagination.NextToken(ctx, fetch, pagination.Options{})
//	defer p.Close()
//	for p.More() {
//		page, err := p.NextPage(ctx)
//		if err != nil {
//			return err
//		}
//		// use page.Items; save page.Token to resume from this page
//	}
//
// Item level, with range over func:
//
//	for item, err := range p.All() {
//		if err != nil {
//			return err
//		}
//		// use item
//	}
//
// # Tokens and resume
//
// Page.Token is the token that fetched the page: the cursor (Keyset,
// BodyCursor), the decimal offset (Offset), the server's token (NextToken) or
// the link (NextLink). Passing it as Options.Start to a walker of the same
// kind, with the same fetch and limit, fetches that page first and then the
// rest of the walk: a consumer that saves the Token of the page it is
// working on can restart after a crash without losing a page. Page.Number
// counts pages from the page Start named.
//
// A server that hands out a token this walk already used would make the walk
// loop forever; the walk ends instead with an error wrapping
// ErrRepeatedToken that names the token.
//
// # Prefetch and ordering
//
// While the consumer works on page N, page N+1 is already being fetched
// (Options.Prefetch pages ahead, default 1; negative turns it off). Chained
// walkers (every one but Offset) can have only one fetch in flight, since each
// token comes from the page before. Offset fetches up to
// Options.Concurrency pages at once (default 4) once the first page has told
// the total. Either way, pages are returned strictly in order, each exactly
// once, and no more than Options.MaxPages are fetched.
//
// Each fetch runs on its own goroutine under the context given to the
// constructor, which bounds all background work; fetch (and Keyset's key)
// are therefore called from goroutines other than the consumer's, and
// Offset's fetch from several at once. A panic in fetch is raised again
// from NextPage, on the consumer's goroutine. A fetch error ends the walk:
// pages before the failing one are still returned, then the error, and pages
// after it are dropped. Pages are handed over as they come and never
// collected, so memory stays flat however long the walk.
//
// Close cancels the fetches in flight and waits until every goroutine the
// pager started has exited; All closes the pager when its loop ends, early or
// not. A walk that ends normally or with an error cancels what is left by
// itself, but only Close waits for it.
package pagination
