package pagination

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"sync"
)

// Page is one page of records.
type Page[T any] struct {
	// Items are the records of the page, in the order the server sent them.
	Items []T
	// Token re-fetches this same page when passed as Options.Start to a
	// walker of the same kind: the cursor, offset, token or link that fetched
	// it ("" for the first page of NextToken, BodyCursor and Keyset walks).
	Token string
	// Number is the 0-based index of the page in this walk, counting from
	// the page Options.Start named.
	Number int
}

// ErrRepeatedToken is wrapped by the error that ends a walk when the server
// hands out a token, cursor or link that this walk already used. Without the
// check a buggy server would loop forever.
var ErrRepeatedToken = errors.New("pagination: server repeated a page token")

// ErrInconsistentPage is wrapped by the error that ends an Offset walk when
// a page contradicts what the first page announced: another total, or an
// empty page before the total is reached.
var ErrInconsistentPage = errors.New("pagination: a page contradicts the walk's announced total")

// ErrNoMorePages is returned by Pager.NextPage once the walk is over: the
// last page was returned, an error was returned, or the pager was closed.
var ErrNoMorePages = errors.New("pagination: no more pages")

// Options tune a walk. The zero value is a good default: start at the first
// page, fetch one page ahead of the consumer, fetch up to 4 Offset pages at
// once, no page limit.
type Options struct {
	// Start resumes a walk: the first page fetched is the one whose
	// Page.Token is Start. "" means the first page (for NextLink: the first
	// link given to the constructor).
	Start string
	// Prefetch is how many pages may be fetched ahead of the consumer while
	// it processes the current one. 0 means the default, 1; a negative value
	// turns prefetching off (a page is fetched only when NextPage asks).
	// With prefetching on, the first page is requested as soon as the
	// walker is created.
	Prefetch int
	// Concurrency applies to Offset only: how many pages may be in flight at
	// once after the first page has told the total. 0 means the default, 4;
	// 1 (or a negative value) fetches one page at a time. Unless Prefetch is
	// negative, up to max(Prefetch, Concurrency) pages are then fetched ahead
	// of the consumer.
	Concurrency int
	// MaxPages stops the walk after this many pages; no page beyond it is
	// fetched, not even ahead. 0 means no limit; a negative value is an error.
	MaxPages int
	// Wait, when set, is called by Close after the walk's fetches have
	// exited, once: a fetch that starts goroutines of its own (under the
	// context it was given, which Close cancels) waits for them there, so
	// that nothing of the walk outlives Close.
	Wait func()
}

const (
	defaultPrefetch    = 1
	defaultConcurrency = 4
	maxTokenInError    = 128
	maxPrefetch        = 1 << 16 // keeps window arithmetic far from overflow
)

// outcome is what a fetched page tells about the rest of the walk. It is the
// whole interface between a walker's strategy and the engine.
type outcome struct {
	next string // token of the following page; ignored when last
	last bool   // this page ends the walk
	fail error  // the walk ends with this error after this page is delivered
	// ahead, when set, switches the walk to known tokens: ahead(i) is the
	// token of the i-th page after this one (ahead(1) is next), ok false past
	// the end. Up to width such pages may be in flight at once.
	ahead func(i int) (token string, ok bool)
	width int
}

// strategy fetches one page and decides what follows it. It must be safe for
// concurrent use when it ever returns an outcome with ahead set.
type strategy[T any] interface {
	fetch(ctx context.Context, token string) ([]T, outcome, error)
}

// slot is one started page, from its fetch to its delivery.
type slot[T any] struct {
	number int
	token  string
	cancel context.CancelFunc
	ready  chan struct{} // closed once the fields below are set

	items []T
	err   error // from the fetch; a *fetchPanic if it panicked
	fail  error // ends the walk after this page
}

// fetchPanic carries a panic of a fetch to the consumer's goroutine.
type fetchPanic struct{ value any }

func (f *fetchPanic) Error() string { return "pagination: fetch panicked" }

// Pager walks pages in order, fetching ahead of the consumer in the
// background. Use More and NextPage for a page-level walk, or All for an
// item-level one, and Close when done (All closes for you).
//
// A Pager is not safe for concurrent use, except that Close may be called
// from any goroutine to abort a walk (a blocked NextPage then returns).
// The zero Pager is an empty, finished walk.
type Pager[T any] struct {
	strat    strategy[T]
	ctx      context.Context // bounds every fetch of the walk
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	ahead    int // pages fetched ahead of the consumer
	maxPages int
	seed     maphash.Seed
	wait     func()
	waited   sync.Once

	mu        sync.Mutex
	queue     []*slot[T] // started, undelivered pages in order; queue[0] is page delivered
	delivered int        // pages handed to the consumer
	started   int        // pages started
	end       int        // no page with this number or above is started
	inflight  int
	waiting   bool // the consumer waits in NextPage

	// Chain mode: the token of page started, once the page before it is in.
	nextTok  string
	haveNext bool
	// seen holds a 64-bit hash of every token used so far (8 bytes a page,
	// not the tokens themselves); a false match would need a collision
	// among the pages of one walk, about n²/2⁶⁵ for n pages.
	seen map[uint64]struct{}

	// Known-token mode (Offset once the total is known).
	aheadFn   func(int) (string, bool)
	aheadBase int
	width     int

	pending error // returned by the next NextPage, then the walk is over
	done    bool
	err     error
}

// newPager starts a walk whose first page has token first. A non-nil initErr
// is returned by the first NextPage, and nothing is fetched.
func newPager[T any](ctx context.Context, s strategy[T], first string, o Options, initErr error) *Pager[T] {
	if ctx == nil {
		ctx = context.Background()
	}
	p := &Pager[T]{strat: s, maxPages: o.MaxPages, end: math.MaxInt, seed: maphash.MakeSeed(), wait: o.Wait}
	switch {
	case o.Prefetch == 0:
		p.ahead = defaultPrefetch
	case o.Prefetch > 0:
		p.ahead = min(o.Prefetch, maxPrefetch)
	}
	if initErr == nil && o.MaxPages < 0 {
		initErr = fmt.Errorf("pagination: Options.MaxPages is %d, want 0 (no limit) or more", o.MaxPages)
	}
	p.ctx, p.cancel = context.WithCancel(ctx)
	if initErr != nil {
		p.pending = initErr
		return p
	}
	p.nextTok, p.haveNext = first, true
	p.seen = map[uint64]struct{}{p.hash(first): {}}
	p.mu.Lock()
	p.schedule()
	p.mu.Unlock()
	return p
}

func (p *Pager[T]) hash(token string) uint64 { return maphash.String(p.seed, token) }

// window is how many pages past the delivered ones may be started now.
func (p *Pager[T]) window() int {
	w := p.ahead
	if p.waiting {
		w++
	}
	if p.aheadFn != nil && w > 0 && w < p.width {
		w = p.width
	}
	return w
}

// schedule starts every page the limits allow. Called with mu held.
func (p *Pager[T]) schedule() {
	for !p.done && p.pending == nil {
		i := p.started
		if i >= p.end || (p.maxPages > 0 && i >= p.maxPages) {
			return
		}
		var tok string
		if p.aheadFn != nil {
			t, ok := p.aheadFn(i - p.aheadBase)
			if !ok {
				p.end = i
				return
			}
			if p.inflight >= p.width || i >= p.delivered+p.window() {
				return
			}
			tok = t
		} else {
			if !p.haveNext || i >= p.delivered+p.window() {
				return
			}
			tok, p.haveNext = p.nextTok, false
		}
		// Known-token pages need their own cancel (a page before them may
		// end the walk); a chained page is alone in flight and ends with
		// the walk.
		ctx, cancel := p.ctx, context.CancelFunc(noop)
		if p.aheadFn != nil {
			ctx, cancel = context.WithCancel(p.ctx)
		}
		s := &slot[T]{number: i, token: tok, cancel: cancel, ready: make(chan struct{})}
		p.queue = append(p.queue, s)
		p.started++
		p.inflight++
		p.wg.Add(1)
		go p.run(ctx, s)
	}
}

// run fetches one page in the background.
func (p *Pager[T]) run(ctx context.Context, s *slot[T]) {
	defer p.wg.Done()
	var (
		items []T
		out   outcome
		err   error = errGoexit
	)
	// settle in a deferred call, so that even a fetch that calls
	// runtime.Goexit leaves the consumer a result instead of a hang.
	defer func() { p.settle(s, items, out, err) }()
	items, out, err = p.call(ctx, s.token)
}

var errGoexit = errors.New("pagination: fetch called runtime.Goexit")

// call runs the strategy, turning a panic into a *fetchPanic so that it can
// be raised again on the consumer's goroutine, where the caller can see it.
func (p *Pager[T]) call(ctx context.Context, tok string) (items []T, out outcome, err error) {
	ok := false
	defer func() {
		if !ok {
			items, out, err = nil, outcome{}, errGoexit
			if v := recover(); v != nil {
				err = &fetchPanic{value: v}
			}
		}
	}()
	items, out, err = p.strat.fetch(ctx, tok)
	ok = true
	return items, out, err
}

// settle records the result of page s and decides what follows it.
func (p *Pager[T]) settle(s *slot[T], items []T, out outcome, err error) {
	s.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	defer close(s.ready)
	p.inflight--
	if p.done || s.number >= p.end {
		return // cut off: nobody will read this page
	}
	if err != nil {
		s.err = err
		p.cut(s.number + 1)
		return
	}
	s.items = items
	switch {
	case out.last:
		p.cut(s.number + 1)
	case out.fail != nil:
		s.fail = out.fail
		p.cut(s.number + 1)
	case p.aheadFn != nil:
		// Tokens are already known; nothing to learn from this page.
	case out.ahead != nil:
		p.aheadFn, p.aheadBase, p.width = out.ahead, s.number, max(out.width, 1)
	default:
		h := p.hash(out.next)
		if _, dup := p.seen[h]; dup {
			s.fail = fmt.Errorf("%w: %q came again after page %d", ErrRepeatedToken, truncate(out.next), s.number)
			p.cut(s.number + 1)
			break
		}
		p.seen[h] = struct{}{}
		p.nextTok, p.haveNext = out.next, true
	}
	p.schedule()
}

// cut ends the walk before page k: later pages are cancelled and dropped.
// Called with mu held.
func (p *Pager[T]) cut(k int) {
	if k >= p.end {
		return
	}
	p.end = k
	for j, s := range p.queue {
		if s.number >= k {
			for _, t := range p.queue[j:] {
				t.cancel()
			}
			clear(p.queue[j:])
			p.queue = p.queue[:j]
			break
		}
	}
}

// finish ends the walk with err (nil for a normal end) and cancels every
// fetch still in flight. Called with mu held.
func (p *Pager[T]) finish(err error) {
	if p.done {
		return
	}
	p.done, p.err, p.pending = true, err, nil
	for _, s := range p.queue {
		s.cancel()
	}
	clear(p.queue)
	p.queue = nil
	p.cancel()
}

// More reports whether NextPage has another page (or the error that ends the
// walk) to return. It is false once the last page was returned, an error was
// returned, or the pager was closed. More never blocks.
func (p *Pager[T]) More() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.strat != nil && !p.done
}

// NextPage returns the next page in order, waiting for its fetch if needed.
// After the end of the walk it returns ErrNoMorePages.
//
// An error from the fetch, a repeated token, or the end of the constructor's
// context ends the walk: NextPage returns that error once and More reports
// false. If ctx (this call's context) is done first, NextPage returns
// ctx.Err() and the walk is left as it was: a later call gets the page.
// Fetches run under the constructor's context, not ctx.
func (p *Pager[T]) NextPage(ctx context.Context) (Page[T], error) {
	if ctx == nil {
		ctx = context.Background()
	}
	p.mu.Lock()
	if p.strat == nil || p.done {
		p.mu.Unlock()
		return Page[T]{}, ErrNoMorePages
	}
	if err := p.pending; err != nil {
		p.finish(err)
		p.mu.Unlock()
		return Page[T]{}, err
	}
	if err := p.ctx.Err(); err != nil {
		p.finish(err)
		p.mu.Unlock()
		return Page[T]{}, err
	}
	if err := ctx.Err(); err != nil {
		p.mu.Unlock()
		return Page[T]{}, err
	}
	p.waiting = true
	p.schedule()
	if len(p.queue) == 0 {
		p.waiting = false
		p.finish(nil)
		p.mu.Unlock()
		return Page[T]{}, ErrNoMorePages
	}
	s := p.queue[0]
	p.mu.Unlock()

	select {
	case <-s.ready:
	case <-p.ctx.Done():
	case <-ctx.Done():
		p.mu.Lock()
		p.waiting = false
		p.mu.Unlock()
		return Page[T]{}, ctx.Err()
	}

	p.mu.Lock()
	page, err := p.deliver(s)
	p.mu.Unlock()
	if fp, ok := err.(*fetchPanic); ok {
		panic(fp.value)
	}
	return page, err
}

// deliver hands page s (queue[0], now ready) to the consumer. Called with mu
// held.
func (p *Pager[T]) deliver(s *slot[T]) (Page[T], error) {
	p.waiting = false
	if p.done {
		return Page[T]{}, ErrNoMorePages // closed meanwhile
	}
	if err := p.ctx.Err(); err != nil {
		p.finish(err)
		return Page[T]{}, err
	}
	p.queue[0] = nil
	p.queue = p.queue[1:]
	p.delivered++
	if s.err != nil {
		p.finish(s.err)
		return Page[T]{}, s.err
	}
	page := Page[T]{Items: s.items, Token: s.token, Number: s.number}
	s.items = nil
	limitHit := p.maxPages > 0 && p.delivered >= p.maxPages
	if s.fail != nil && !limitHit {
		p.pending = s.fail
	}
	p.schedule()
	if p.pending == nil && (limitHit || p.delivered >= p.end) {
		p.finish(nil)
	}
	return page, nil
}

// Err returns the error that ended the walk, or nil while the walk goes on
// and after a normal end or Close. It is the same error NextPage (or All)
// returned.
func (p *Pager[T]) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Close ends the walk, cancels the fetches in flight and waits until every
// goroutine the pager started has exited. It is idempotent, and safe to call
// from another goroutine while NextPage waits. A fetch that ignores its
// context delays Close until it returns.
func (p *Pager[T]) Close() {
	if p.cancel == nil {
		return // zero Pager
	}
	p.mu.Lock()
	p.finish(nil)
	p.mu.Unlock()
	p.wg.Wait()
	if p.wait != nil {
		p.waited.Do(p.wait)
	}
}

// All returns the items of the remaining pages, in order, for use with range.
// An error ends the sequence: it is yielded once as (zero, err). The pager is
// closed when the loop ends, early or not, so nothing keeps running. The
// sequence can be ranged over once; Err reports the error afterwards too.
func (p *Pager[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		defer p.Close()
		for p.More() {
			page, err := p.NextPage(context.Background())
			if err == ErrNoMorePages {
				return // closed meanwhile
			}
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

func noop() {}

func truncate(s string) string {
	if len(s) <= maxTokenInError {
		return s
	}
	return s[:maxTokenInError] + "..."
}
