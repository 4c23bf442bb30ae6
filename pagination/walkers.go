package pagination

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
)

var errNilFetch = errors.New("pagination: fetch func is nil")

// Keyset walks an API paged by a key of the last record seen ("give me up
// to limit records after cursor"). The first page is fetched with cursor ""
// (or Options.Start); each later page with key(last item of the page
// before). A page shorter than limit, or empty, is the last. Page.Token is
// the cursor that fetched the page. The same cursor twice ends the walk with
// an error wrapping ErrRepeatedToken; a key of "" for the last item of a
// full page ends it with an error too, since "" would fetch the first page
// again.
//
// limit must be at least 1.
func Keyset[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) ([]T, error), key func(T) string, limit int, o Options) *Pager[T] {
	var err error
	switch {
	case fetch == nil:
		err = errNilFetch
	case key == nil:
		err = errors.New("pagination: Keyset key func is nil")
	case limit < 1:
		err = fmt.Errorf("pagination: Keyset limit is %d, want 1 or more", limit)
	}
	return newPager(ctx, &keysetStrategy[T]{fetchFn: fetch, key: key, limit: limit}, o.Start, o, err)
}

type keysetStrategy[T any] struct {
	fetchFn func(ctx context.Context, cursor string) ([]T, error)
	key     func(T) string
	limit   int
}

func (s *keysetStrategy[T]) fetch(ctx context.Context, cursor string) ([]T, outcome, error) {
	items, err := s.fetchFn(ctx, cursor)
	if err != nil {
		return nil, outcome{}, err
	}
	if len(items) < s.limit {
		return items, outcome{last: true}, nil
	}
	next := s.key(items[len(items)-1])
	if next == "" {
		return items, outcome{fail: fmt.Errorf("pagination: Keyset key of the last item of the page at cursor %q is empty", truncate(cursor))}, nil
	}
	return items, outcome{next: next}, nil
}

// Offset walks an API paged by offset and limit that tells the total number
// of records with every page. Page.Token is the page's offset in decimal
// ("0", "100", ...); Options.Start = "700" resumes at offset 700 (a Start
// that is not a non-negative decimal makes the first NextPage return an
// error, and nothing is fetched).
//
// The walk ends at a page with offset+len(items) >= total, or at an empty
// page. The total of the first page is the plan: a later page that says
// another total, or is empty before the total is reached, ends the walk
// with an error wrapping ErrInconsistentPage rather than cut it short in
// silence. Callers should pin the window (an end time in the past) so that
// the records do not shift under the offsets. A negative total means the server does not tell: the
// walk then goes one page at a time and ends at a page shorter than limit.
//
// Pages after the first are requested at offsets that step by the size of the
// first page: limit, or the server's own page size if it sends fewer (or
// more) records than limit on a page that is not the last. Once the first
// page has told the total, up to Options.Concurrency pages are fetched at
// once (default 4), and they are still returned strictly in order: fetch
// must then be safe to call from several goroutines at once.
//
// limit must be at least 1.
func Offset[T any](ctx context.Context, fetch func(ctx context.Context, offset, limit int) (items []T, total int, err error), limit int, o Options) *Pager[T] {
	var err error
	start := 0
	if o.Start != "" {
		n, perr := strconv.Atoi(o.Start)
		if perr != nil || n < 0 {
			err = fmt.Errorf("pagination: Offset Options.Start is %q, want a non-negative decimal offset", truncate(o.Start))
		}
		start = n
	}
	switch {
	case err != nil:
	case fetch == nil:
		err = errNilFetch
	case limit < 1:
		err = fmt.Errorf("pagination: Offset limit is %d, want 1 or more", limit)
	}
	conc := o.Concurrency
	switch {
	case conc == 0:
		conc = defaultConcurrency
	case conc < 0:
		conc = 1
	case conc > maxPrefetch:
		conc = maxPrefetch
	}
	s := &offsetStrategy[T]{fetchFn: fetch, limit: limit, conc: conc}
	return newPager(ctx, s, strconv.Itoa(start), o, err)
}

type offsetStrategy[T any] struct {
	fetchFn func(ctx context.Context, offset, limit int) ([]T, int, error)
	limit   int
	conc    int
	// plan is set by the first page of the walk, which is fetched alone.
	plan atomic.Pointer[offsetPlan]
}

type offsetPlan struct {
	total int // -1: unknown
	step  int // records per page
}

func (s *offsetStrategy[T]) fetch(ctx context.Context, tok string) ([]T, outcome, error) {
	off, err := strconv.Atoi(tok)
	if err != nil || off < 0 {
		return nil, outcome{}, fmt.Errorf("pagination: bad offset token %q", truncate(tok)) // unreachable: tokens are ours
	}
	plan := s.plan.Load()
	step := s.limit
	if plan != nil {
		step = plan.step
	}
	items, total, err := s.fetchFn(ctx, off, step)
	if err != nil {
		return nil, outcome{}, err
	}
	n := len(items)
	first := plan == nil
	if first {
		plan = &offsetPlan{total: max(total, -1), step: s.limit}
	} else if plan.total >= 0 {
		// A page that contradicts the plan would end the walk short (or
		// stretch it) in silence: an error instead.
		switch {
		case total != plan.total:
			return nil, outcome{}, fmt.Errorf("%w: the page at offset %d says the total is %d, the first page said %d", ErrInconsistentPage, off, total, plan.total)
		case n == 0 && off < plan.total:
			return nil, outcome{}, fmt.Errorf("%w: the page at offset %d is empty, but the total is %d", ErrInconsistentPage, off, plan.total)
		}
	}
	last := n == 0 ||
		(plan.total >= 0 && n >= plan.total-off) ||
		(plan.total < 0 && n < plan.step) ||
		off > math.MaxInt-max(n, plan.step)
	if first {
		if !last {
			plan.step = n // the server's page size
		}
		s.plan.Store(plan)
	}
	if last {
		return items, outcome{last: true}, nil
	}
	out := outcome{next: strconv.Itoa(off + plan.step)}
	if first && plan.total >= 0 && s.conc > 1 {
		total, step := plan.total, plan.step
		out.width = s.conc
		out.ahead = func(i int) (string, bool) {
			// Page i after the first starts at off+i*step, if below total.
			if i < 1 || i > (total-off-1)/step {
				return "", false
			}
			return strconv.Itoa(off + i*step), true
		}
	}
	return items, out, nil
}

// NextToken walks an API whose every page carries the token of the next one
// (nextPageToken, next_cursor, continuation...), passed back as a query
// parameter. The first page is fetched with token "" (or Options.Start);
// a next token of "" ends the walk. Page.Token is the token that fetched the
// page. A token this walk already used ends it with an error wrapping
// ErrRepeatedToken. An empty page with a next token does not end the walk.
func NextToken[T any](ctx context.Context, fetch func(ctx context.Context, token string) (items []T, next string, err error), o Options) *Pager[T] {
	var err error
	if fetch == nil {
		err = errNilFetch
	}
	return newPager(ctx, tokenStrategy[T](fetch), o.Start, o, err)
}

// NextLink walks an API whose every page carries the URL of the next one (a
// "next" link in the body, or a Link header). first is the first page's URL;
// Options.Start, when set, replaces it. fetch is called with each link in
// turn; a next link of "" ends the walk. Page.Token is the link that fetched
// the page. A link this walk already used ends it with an error wrapping
// ErrRepeatedToken. Relative links are fetch's to resolve.
func NextLink[T any](ctx context.Context, first string, fetch func(ctx context.Context, link string) (items []T, next string, err error), o Options) *Pager[T] {
	var err error
	if o.Start != "" {
		first = o.Start
	}
	switch {
	case fetch == nil:
		err = errNilFetch
	case first == "":
		err = errors.New("pagination: NextLink needs a first link")
	}
	return newPager(ctx, tokenStrategy[T](fetch), first, o, err)
}

// BodyCursor walks an API that takes its cursor in the body of a POST
// request (GraphQL-style "after", search APIs) and returns the next cursor in
// the response. It behaves as NextToken: the first page is fetched with
// cursor "" (or Options.Start), a next cursor of "" ends the walk,
// Page.Token is the cursor that fetched the page, and a repeated cursor ends
// the walk with an error wrapping ErrRepeatedToken.
func BodyCursor[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) (items []T, next string, err error), o Options) *Pager[T] {
	return NextToken(ctx, fetch, o)
}

// tokenStrategy serves NextToken, NextLink and BodyCursor.
type tokenStrategy[T any] func(ctx context.Context, token string) ([]T, string, error)

func (f tokenStrategy[T]) fetch(ctx context.Context, tok string) ([]T, outcome, error) {
	items, next, err := f(ctx, tok)
	if err != nil {
		return nil, outcome{}, err
	}
	return items, outcome{next: next, last: next == ""}, nil
}
