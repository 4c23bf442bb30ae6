package pagination

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fake is an in-memory API over data, paged by limit, that every walker
// kind can read. Each fetch resolves its token to an offset into data and
// calls hook (if set) with it, so tests can block, order and fail fetches.
type fake struct {
	data  []int
	limit int
	hook  func(ctx context.Context, off int) error

	calls     atomic.Int64
	active    atomic.Int64
	maxActive atomic.Int64

	mu   sync.Mutex
	offs []int // offsets fetched, in call order
}

func newFake(n, limit int) *fake {
	data := make([]int, n)
	for i := range data {
		data[i] = i
	}
	return &fake{data: data, limit: limit}
}

// enter records a fetch at off and runs the hook; the caller defers leave.
func (f *fake) enter(ctx context.Context, off int) error {
	f.calls.Add(1)
	n := f.active.Add(1)
	for {
		m := f.maxActive.Load()
		if n <= m || f.maxActive.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.offs = append(f.offs, off)
	f.mu.Unlock()
	if f.hook != nil {
		return f.hook(ctx, off)
	}
	return nil
}

func (f *fake) leave() { f.active.Add(-1) }

func (f *fake) fetched() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.offs)
}

func (f *fake) window(off, limit int) []int {
	if off >= len(f.data) {
		return []int{}
	}
	return slices.Clone(f.data[off:min(off+limit, len(f.data))])
}

// nextOff is the offset of the page after the one at off, or -1 at the end.
func (f *fake) nextOff(off int) int {
	if off+f.limit >= len(f.data) {
		return -1
	}
	return off + f.limit
}

func (f *fake) offsetFetch(ctx context.Context, off, limit int) ([]int, int, error) {
	defer f.leave()
	if err := f.enter(ctx, off); err != nil {
		return nil, 0, err
	}
	return f.window(off, limit), len(f.data), nil
}

func keyOf(v int) string { return fmt.Sprintf("k%06d", v) }

func (f *fake) keysetFetch(ctx context.Context, cursor string) ([]int, error) {
	off := 0
	if cursor != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(cursor, "k"))
		if err != nil {
			return nil, fmt.Errorf("fake: bad cursor %q", cursor)
		}
		off = v + 1 // data[i] == i
	}
	defer f.leave()
	if err := f.enter(ctx, off); err != nil {
		return nil, err
	}
	return f.window(off, f.limit), nil
}

func (f *fake) tokenFetch(ctx context.Context, tok string) ([]int, string, error) {
	off := 0
	if tok != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(tok, "t"))
		if err != nil {
			return nil, "", fmt.Errorf("fake: bad token %q", tok)
		}
		off = v
	}
	defer f.leave()
	if err := f.enter(ctx, off); err != nil {
		return nil, "", err
	}
	next := ""
	if n := f.nextOff(off); n >= 0 {
		next = "t" + strconv.Itoa(n)
	}
	return f.window(off, f.limit), next, nil
}

const firstLink = "https://api.example.test/v1/items?offset=0"

func linkFor(off int) string { return "https://api.example.test/v1/items?offset=" + strconv.Itoa(off) }

func (f *fake) linkFetch(ctx context.Context, link string) ([]int, string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, "", err
	}
	off, err := strconv.Atoi(u.Query().Get("offset"))
	if err != nil {
		return nil, "", fmt.Errorf("fake: bad link %q", link)
	}
	defer f.leave()
	if err := f.enter(ctx, off); err != nil {
		return nil, "", err
	}
	next := ""
	if n := f.nextOff(off); n >= 0 {
		next = linkFor(n)
	}
	return f.window(off, f.limit), next, nil
}

func cursorFor(off int) string {
	return base64.StdEncoding.EncodeToString([]byte(`{"after":` + strconv.Itoa(off) + `}`))
}

func (f *fake) bodyFetch(ctx context.Context, cursor string) ([]int, string, error) {
	off := 0
	if cursor != "" {
		b, err := base64.StdEncoding.DecodeString(cursor)
		if err != nil {
			return nil, "", err
		}
		if _, err := fmt.Sscanf(string(b), `{"after":%d}`, &off); err != nil {
			return nil, "", fmt.Errorf("fake: bad cursor %q", cursor)
		}
	}
	defer f.leave()
	if err := f.enter(ctx, off); err != nil {
		return nil, "", err
	}
	next := ""
	if n := f.nextOff(off); n >= 0 {
		next = cursorFor(n)
	}
	return f.window(off, f.limit), next, nil
}

// kind is one walker over a fake.
type kind struct {
	name string
	new  func(ctx context.Context, f *fake, o Options) *Pager[int]
	// pages is how many pages a full walk over n records has.
	pages func(n, limit int) int
}

func ceilPages(n, limit int) int { return max(1, (n+limit-1)/limit) }

var kinds = []kind{
	{"Keyset", func(ctx context.Context, f *fake, o Options) *Pager[int] {
		return Keyset(ctx, f.keysetFetch, keyOf, f.limit, o)
	}, func(n, limit int) int { return n/limit + 1 }},
	{"Offset", func(ctx context.Context, f *fake, o Options) *Pager[int] {
		return Offset(ctx, f.offsetFetch, f.limit, o)
	}, ceilPages},
	{"NextToken", func(ctx context.Context, f *fake, o Options) *Pager[int] {
		return NextToken(ctx, f.tokenFetch, o)
	}, ceilPages},
	{"NextLink", func(ctx context.Context, f *fake, o Options) *Pager[int] {
		return NextLink(ctx, firstLink, f.linkFetch, o)
	}, ceilPages},
	{"BodyCursor", func(ctx context.Context, f *fake, o Options) *Pager[int] {
		return BodyCursor(ctx, f.bodyFetch, o)
	}, ceilPages},
}

// walk reads every page, checking that NextPage ends with ErrNoMorePages.
func walk(t *testing.T, p *Pager[int]) []Page[int] {
	t.Helper()
	var pages []Page[int]
	for p.More() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("NextPage after %d pages: %v", len(pages), err)
		}
		pages = append(pages, page)
		if len(pages) > 10000 {
			t.Fatal("walk does not end")
		}
	}
	if _, err := p.NextPage(context.Background()); err != ErrNoMorePages {
		t.Fatalf("NextPage after the end: %v, want ErrNoMorePages", err)
	}
	if err := p.Err(); err != nil {
		t.Fatalf("Err after a clean walk: %v", err)
	}
	return pages
}

func itemsOf(pages []Page[int]) []int {
	out := []int{}
	for _, p := range pages {
		out = append(out, p.Items...)
	}
	return out
}

// recv receives from ch; a broken pager would hang, so give up after a
// generous time instead of blocking the whole test binary. This is a guard
// against deadlock, not a timing assertion.
func recv[V any](t *testing.T, ch <-chan V, what string) V {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
		panic("unreachable")
	}
}

// settleGoroutines waits (polling) until the goroutine count is back to base.
func settleGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d, want <= %d\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// gates makes fetches block until the test opens their gate, and reports
// each start.
type gates struct {
	mu      sync.Mutex
	gate    map[int]chan struct{}
	fail    map[int]error
	started chan int
	done    chan int
}

func newGates() *gates {
	return &gates{gate: map[int]chan struct{}{}, fail: map[int]error{}, started: make(chan int, 1000), done: make(chan int, 1000)}
}

func (g *gates) ch(off int) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.gate[off]
	if !ok {
		c = make(chan struct{})
		g.gate[off] = c
	}
	return c
}

func (g *gates) open(off int) { close(g.ch(off)) }

// hook blocks the fetch at off until its gate opens or ctx is done.
func (g *gates) hook(ctx context.Context, off int) error {
	g.started <- off
	defer func() { g.done <- off }()
	select {
	case <-g.ch(off):
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.fail[off]
	case <-ctx.Done():
		return ctx.Err()
	}
}
