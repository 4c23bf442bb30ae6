// Package stall follows the pages of one cursor walk to drop the records
// a page repeats from the page before and to end a walk whose pages stop
// bringing new records while each still names a further page: a server
// that hands out a new cursor with the same records, or with none, for
// ever would otherwise hold the walk for ever.
package stall

import (
	"fmt"
	"strings"
	"sync"

	"github.com/auditkit/auditkit/auditclient"
)

// Guard checks the pages of one walk, in order. Set its fields before the
// first Check; the zero value of the rest is ready to use. A Guard is safe
// for concurrent use, but a walk's pages must come to it in walk order.
type Guard[T any] struct {
	// UID names a record; a cursor walk never legitimately shows a
	// record twice.
	UID func(*T) string
	// Max is how many pages in a row may bring no new record while they
	// name a further page; the next such page is an error.
	Max int
	// Vendor and Method go into the error; Path is the JSON path of the
	// cursor that names the further page ("$.next_cursor").
	Vendor, Method, Path string

	mu     sync.Mutex
	prev   map[string]struct{} // ids of the page before
	stalls int                 // pages in a row that brought no new record
}

// Check records a page (fetched from u, redacted; last when it names no
// further page) and returns its records without those of the page before
// and without repeats within it, or, when pages brought nothing new Max+1
// times in a row, a permanent *auditclient.DecodeError at Path matching
// auditclient.ErrNoProgress. The last page is never held against the walk.
// The records returned share no memory with page.
func (g *Guard[T]) Check(page []T, last bool, u string) ([]T, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := make(map[string]struct{}, len(page))
	items := page[:0:0]
	for i := range page {
		id := g.UID(&page[i])
		_, before := g.prev[id]
		_, again := ids[id]
		ids[id] = struct{}{}
		if !before && !again {
			items = append(items, page[i])
		}
	}
	g.prev = ids
	if len(items) > 0 || last {
		g.stalls = 0
		return items, nil
	}
	g.stalls++
	if g.stalls <= g.Max {
		return items, nil
	}
	what := "no event"
	if len(page) > 0 {
		what = "only the events of the page before"
	}
	return nil, &auditclient.DecodeError{Vendor: g.Vendor, Method: g.Method, URL: u, Path: g.Path,
		Err: fmt.Errorf("%w: %d pages in a row brought %s, yet each named a new %s: the walk would never end",
			auditclient.ErrNoProgress, g.stalls, what, strings.TrimPrefix(g.Path, "$."))}
}
