package pagination

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWalkers walks every walker over 0, 1, exactly-full and many pages with
// several prefetch and concurrency settings, and resumes from every page.
func TestWalkers(t *testing.T) {
	const limit = 10
	sizes := []struct {
		name string
		n    int
	}{{"empty", 0}, {"one", 1}, {"full", limit}, {"many", 7*limit + 3}, {"manyFull", 5 * limit}}
	opts := []struct {
		name string
		o    Options
	}{
		{"default", Options{}},
		{"noPrefetch", Options{Prefetch: -1, Concurrency: 1}},
		{"prefetch3", Options{Prefetch: 3, Concurrency: 2}},
		{"huge", Options{Prefetch: math.MaxInt, Concurrency: math.MaxInt}},
		{"noPrefetchConc4", Options{Prefetch: -1, Concurrency: 4}},
	}
	for _, k := range kinds {
		for _, sz := range sizes {
			for _, oc := range opts {
				t.Run(k.name+"/"+sz.name+"/"+oc.name, func(t *testing.T) {
					f := newFake(sz.n, limit)
					p := k.new(context.Background(), f, oc.o)
					pages := walk(t, p)
					p.Close()

					if got := itemsOf(pages); !slices.Equal(got, f.data) {
						t.Fatalf("items = %v, want %v", got, f.data)
					}
					if want := k.pages(sz.n, limit); len(pages) != want {
						t.Fatalf("pages = %d, want %d", len(pages), want)
					}
					if got := f.calls.Load(); got != int64(len(pages)) {
						t.Errorf("fetches = %d, want one per page (%d)", got, len(pages))
					}
					if a := f.active.Load(); a != 0 {
						t.Errorf("fetches still running after Close: %d", a)
					}
					for i, pg := range pages {
						if pg.Number != i {
							t.Errorf("page %d has Number %d", i, pg.Number)
						}
					}

					// Resume from every page's token: exactly the rest.
					for i, pg := range pages {
						o := oc.o
						o.Start = pg.Token
						f2 := newFake(sz.n, limit)
						rp := k.new(context.Background(), f2, o)
						rest := walk(t, rp)
						rp.Close()
						if got, want := itemsOf(rest), itemsOf(pages[i:]); !slices.Equal(got, want) {
							t.Fatalf("resume from page %d (%q): items %v, want %v", i, pg.Token, got, want)
						}
						if len(rest) != len(pages)-i {
							t.Fatalf("resume from page %d: %d pages, want %d", i, len(rest), len(pages)-i)
						}
						for j, r := range rest {
							if r.Token != pages[i+j].Token || r.Number != j {
								t.Fatalf("resume from page %d: page %d is (%q, #%d), want (%q, #%d)",
									i, j, r.Token, r.Number, pages[i+j].Token, j)
							}
						}
					}

					// Item level.
					f3 := newFake(sz.n, limit)
					ap := k.new(context.Background(), f3, oc.o)
					got := []int{}
					for v, err := range ap.All() {
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, v)
					}
					if !slices.Equal(got, f.data) {
						t.Fatalf("All = %v, want %v", got, f.data)
					}
					if ap.More() || f3.active.Load() != 0 {
						t.Fatal("All did not close the pager")
					}
				})
			}
		}
	}
}

func TestTokens(t *testing.T) {
	f := newFake(25, 10)
	want := map[string][]string{
		"Keyset":     {"", keyOf(9), keyOf(19)},
		"Offset":     {"0", "10", "20"},
		"NextToken":  {"", "t10", "t20"},
		"NextLink":   {firstLink, linkFor(10), linkFor(20)},
		"BodyCursor": {"", cursorFor(10), cursorFor(20)},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			p := k.new(context.Background(), f, Options{})
			defer p.Close()
			var got []string
			for _, pg := range walk(t, p) {
				got = append(got, pg.Token)
			}
			if !slices.Equal(got, want[k.name]) {
				t.Fatalf("tokens = %q, want %q", got, want[k.name])
			}
		})
	}
}

// TestPrefetchOverlaps proves that page 1 is fetched before the consumer asks
// for it: its fetch starts (and is held there) while the consumer has only
// taken page 0.
func TestPrefetchOverlaps(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			f := newFake(50, 10)
			g := newGates()
			g.open(0)
			f.hook = g.hook
			p := k.new(context.Background(), f, Options{})
			defer p.Close()

			if off := recv(t, g.started, "page 0"); off != 0 {
				t.Fatalf("first fetch at %d", off)
			}
			pg, err := p.NextPage(context.Background())
			if err != nil || pg.Number != 0 {
				t.Fatalf("page 0: %v %v", pg, err)
			}
			// The consumer holds page 0 and has not asked for page 1.
			// Offset may start pages 1-4 in any order; chained walkers only page 1.
			for off := recv(t, g.started, "prefetch of page 1"); off != 10; off = recv(t, g.started, "prefetch of page 1") {
				if k.name != "Offset" {
					t.Fatalf("prefetched offset %d, want 10", off)
				}
				g.open(off)
			}
			g.open(10)
			pg, err = p.NextPage(context.Background())
			if err != nil || pg.Number != 1 || !slices.Equal(pg.Items, f.data[10:20]) {
				t.Fatalf("page 1: %v %v", pg, err)
			}
		})
	}
}

// TestPrefetchBound checks how far ahead a chained walk fetches: with the
// consumer holding page 0, exactly Prefetch more pages are fetched.
func TestPrefetchBound(t *testing.T) {
	for _, prefetch := range []int{-1, 0, 1, 3} {
		for _, k := range kinds {
			t.Run(k.name+"/"+itoa(prefetch), func(t *testing.T) {
				f := newFake(200, 10)
				p := k.new(context.Background(), f, Options{Prefetch: prefetch, Concurrency: 1})
				if _, err := p.NextPage(context.Background()); err != nil {
					t.Fatal(err)
				}
				ahead := max(prefetch, 0)
				if prefetch == 0 {
					ahead = 1
				}
				if ahead > 0 {
					// Wait until the last allowed page was fetched: it is
					// the one after the ahead pages' chain.
					deadline := time.Now().Add(10 * time.Second)
					for f.calls.Load() < int64(1+ahead) && time.Now().Before(deadline) {
						runtime.Gosched()
					}
				}
				p.Close()
				if got := f.calls.Load(); got != int64(1+ahead) {
					t.Fatalf("fetches with the consumer on page 0 = %d, want %d", got, 1+ahead)
				}
			})
		}
	}
}

func itoa(i int) string {
	if i < 0 {
		return "m" + itoa(-i)
	}
	return string(rune('0' + i))
}

// TestOffsetConcurrentOrder holds 4 Offset fetches in flight and completes
// them last-first; pages still come out in order.
func TestOffsetConcurrentOrder(t *testing.T) {
	const pages, limit, conc = 9, 10, 4
	f := newFake(pages*limit, limit)
	g := newGates()
	f.hook = g.hook
	p := Offset(context.Background(), f.offsetFetch, limit, Options{Concurrency: conc})
	defer p.Close()

	driverErr := make(chan string, 1)
	go func() {
		if off := <-g.started; off != 0 {
			driverErr <- "first fetch not at 0"
			return
		}
		g.open(0)
		released := 1
		var pending []int
		for released < pages {
			want := min(conc, pages-released)
			for len(pending) < want {
				pending = append(pending, <-g.started)
			}
			sort.Sort(sort.Reverse(sort.IntSlice(pending)))
			for _, off := range pending {
				g.open(off) // latest page first
				for <-g.done != off {
				}
			}
			released += len(pending)
			pending = pending[:0]
		}
		driverErr <- ""
	}()

	var got []Page[int]
	for p.More() {
		pg, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pg)
	}
	if msg := recv(t, driverErr, "driver"); msg != "" {
		t.Fatal(msg)
	}
	if len(got) != pages {
		t.Fatalf("pages = %d, want %d", len(got), pages)
	}
	for i, pg := range got {
		if pg.Number != i || pg.Token != itoa10(i*limit) || !slices.Equal(pg.Items, f.data[i*limit:(i+1)*limit]) {
			t.Fatalf("page %d = #%d %q %v", i, pg.Number, pg.Token, pg.Items)
		}
	}
	if m := f.maxActive.Load(); m != conc {
		t.Fatalf("max fetches in flight = %d, want %d", m, conc)
	}
}

func itoa10(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestOffsetConcurrencyBound never lets more than Concurrency fetches run.
func TestOffsetConcurrencyBound(t *testing.T) {
	for _, conc := range []int{1, 2, 3, 8} {
		for _, prefetch := range []int{-1, 0, 16} {
			t.Run(itoa(conc)+"/"+itoa(prefetch%10), func(t *testing.T) {
				f := newFake(500, 10)
				f.hook = func(context.Context, int) error {
					for range 3 {
						runtime.Gosched()
					}
					return nil
				}
				p := Offset(context.Background(), f.offsetFetch, 10, Options{Concurrency: conc, Prefetch: prefetch})
				pages := walk(t, p)
				p.Close()
				if !slices.Equal(itemsOf(pages), f.data) {
					t.Fatal("items out of order")
				}
				if m := f.maxActive.Load(); m > int64(conc) {
					t.Fatalf("max fetches in flight = %d, bound %d", m, conc)
				}
				if c := f.calls.Load(); c != 50 {
					t.Fatalf("fetches = %d, want 50", c)
				}
			})
		}
	}
}

var errBoom = errors.New("boom")

func TestFetchErrorMidWalk(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			f := newFake(100, 10)
			f.hook = func(_ context.Context, off int) error {
				if off == 30 {
					return errBoom
				}
				return nil
			}
			p := k.new(context.Background(), f, Options{Prefetch: 2})
			defer p.Close()
			for i := range 3 {
				pg, err := p.NextPage(context.Background())
				if err != nil || pg.Number != i {
					t.Fatalf("page %d: %v", i, err)
				}
			}
			if !p.More() {
				t.Fatal("More is false before the failing page")
			}
			if _, err := p.NextPage(context.Background()); !errors.Is(err, errBoom) {
				t.Fatalf("NextPage = %v, want errBoom", err)
			}
			if p.More() {
				t.Fatal("More after an error")
			}
			if !errors.Is(p.Err(), errBoom) {
				t.Fatalf("Err = %v", p.Err())
			}
			if _, err := p.NextPage(context.Background()); err != ErrNoMorePages {
				t.Fatalf("NextPage after the error = %v", err)
			}
			p.Close()
			if f.active.Load() != 0 {
				t.Fatal("fetches running after Close")
			}
			if k.name != "Offset" && f.calls.Load() != 4 {
				t.Fatalf("chained walk fetched %d pages, want 4", f.calls.Load())
			}
		})
	}
}

// TestOffsetEarliestErrorWins: pages 1-4 in flight; 4 fails first, then 2;
// the consumer gets pages 0 and 1, then page 2's error.
func TestOffsetEarliestErrorWins(t *testing.T) {
	errTwo, errFour := errors.New("page 2"), errors.New("page 4")
	f := newFake(100, 10)
	g := newGates()
	g.fail[20], g.fail[40] = errTwo, errFour
	f.hook = g.hook
	g.open(0)
	p := Offset(context.Background(), f.offsetFetch, 10, Options{Concurrency: 4})
	defer p.Close()
	if pg, err := p.NextPage(context.Background()); err != nil || pg.Number != 0 {
		t.Fatal(pg, err)
	}
	seen := map[int]bool{}
	for len(seen) < 5 {
		seen[recv(t, g.started, "fetch start")] = true
	}
	for _, off := range []int{0, 10, 20, 30, 40} {
		if !seen[off] {
			t.Fatalf("offset %d not in flight: %v", off, seen)
		}
	}
	for _, off := range []int{40, 20} {
		g.open(off)
		for recv(t, g.done, "fetch end") != off {
		}
	}
	// Page 2 failed: page 3, still at its gate, is cancelled at once,
	// before the consumer gets that far.
	for recv(t, g.done, "cancel of page 3") != 30 {
	}
	g.open(10)
	if pg, err := p.NextPage(context.Background()); err != nil || pg.Number != 1 {
		t.Fatalf("page 1: %v %v", pg, err)
	}
	if _, err := p.NextPage(context.Background()); !errors.Is(err, errTwo) {
		t.Fatalf("NextPage = %v, want page 2's error", err)
	}
	if p.More() {
		t.Fatal("More after error")
	}
	p.Close() // page 3 is still held at its gate: Close must cancel it
	if f.active.Load() != 0 {
		t.Fatal("fetch left running")
	}
	if slices.Contains(f.fetched(), 50) {
		t.Fatalf("fetched page 5 after page 2 failed: %v", f.fetched())
	}
}

func TestRepeatedToken(t *testing.T) {
	seq := func(m map[string]string) func(context.Context, string) ([]int, string, error) {
		return func(_ context.Context, tok string) ([]int, string, error) {
			return []int{len(tok)}, m[tok], nil
		}
	}
	tests := []struct {
		name      string
		new       func(o Options) *Pager[int]
		pages     int    // pages delivered before the error
		token     string // named in the error
		maxPages  int
		wantClean bool
	}{
		{"NextToken/twiceInARow", func(o Options) *Pager[int] {
			return NextToken(context.Background(), seq(map[string]string{"": "a", "a": "a"}), o)
		}, 2, "a", 0, false},
		{"NextToken/cycle", func(o Options) *Pager[int] {
			return NextToken(context.Background(), seq(map[string]string{"": "a", "a": "b", "b": "a"}), o)
		}, 3, "a", 0, false},
		{"NextToken/backToStart", func(o Options) *Pager[int] {
			o.Start = "s"
			return NextToken(context.Background(), seq(map[string]string{"s": "s"}), o)
		}, 1, "s", 0, false},
		{"NextToken/stopsBeforeUsingIt", func(o Options) *Pager[int] {
			return NextToken(context.Background(), seq(map[string]string{"": "a", "a": "a"}), o)
		}, 2, "", 2, true},
		{"BodyCursor/cycle", func(o Options) *Pager[int] {
			return BodyCursor(context.Background(), seq(map[string]string{"": "c1", "c1": "c2", "c2": "c1"}), o)
		}, 3, "c1", 0, false},
		{"NextLink/toFirst", func(o Options) *Pager[int] {
			return NextLink(context.Background(), "https://x.test/1", seq(map[string]string{
				"https://x.test/1": "https://x.test/2", "https://x.test/2": "https://x.test/1"}), o)
		}, 2, "https://x.test/1", 0, false},
		{"Keyset/sameCursor", func(o Options) *Pager[int] {
			// The server ignores the cursor: the same full page each time.
			return Keyset(context.Background(), func(context.Context, string) ([]int, error) {
				return []int{1, 2, 3}, nil
			}, keyOf, 3, o)
		}, 2, keyOf(3), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.new(Options{MaxPages: tt.maxPages, Prefetch: 2})
			defer p.Close()
			for i := range tt.pages {
				if _, err := p.NextPage(context.Background()); err != nil {
					t.Fatalf("page %d: %v", i, err)
				}
			}
			_, err := p.NextPage(context.Background())
			if tt.wantClean {
				if err != ErrNoMorePages {
					t.Fatalf("NextPage = %v, want ErrNoMorePages", err)
				}
				return
			}
			if !errors.Is(err, ErrRepeatedToken) {
				t.Fatalf("NextPage = %v, want ErrRepeatedToken", err)
			}
			if !strings.Contains(err.Error(), `"`+tt.token+`"`) {
				t.Fatalf("error %q does not name token %q", err, tt.token)
			}
			if p.More() {
				t.Fatal("More after repeated token")
			}
		})
	}
}

func TestKeysetEmptyKey(t *testing.T) {
	p := Keyset(context.Background(), func(context.Context, string) ([]int, error) {
		return []int{1, 2}, nil
	}, func(int) string { return "" }, 2, Options{})
	defer p.Close()
	if _, err := p.NextPage(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.NextPage(context.Background()); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("NextPage = %v, want an empty-key error", err)
	}
}

// TestContextCancelMidWalk cancels the constructor's context while the
// consumer waits for a page: context.Canceled, and nothing left running.
func TestContextCancelMidWalk(t *testing.T) {
	for _, honours := range []bool{true, false} {
		for _, k := range kinds {
			name := k.name + "/fetchHonoursCtx"
			if !honours {
				name = k.name + "/fetchIgnoresCtx"
			}
			t.Run(name, func(t *testing.T) {
				base := runtime.NumGoroutine()
				f := newFake(100, 10)
				release := make(chan struct{})
				started := make(chan struct{}, 10)
				f.hook = func(ctx context.Context, off int) error {
					if off < 20 {
						return nil
					}
					started <- struct{}{}
					if honours {
						<-ctx.Done()
						return ctx.Err()
					}
					<-release
					return nil
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				p := k.new(ctx, f, Options{Prefetch: -1})
				for range 2 {
					if _, err := p.NextPage(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				go func() {
					<-started // NextPage is waiting for page 2
					cancel()
				}()
				if _, err := p.NextPage(context.Background()); !errors.Is(err, context.Canceled) {
					t.Fatalf("NextPage = %v, want context.Canceled", err)
				}
				if p.More() {
					t.Fatal("More after cancel")
				}
				close(release)
				p.Close()
				if f.active.Load() != 0 {
					t.Fatal("fetch left running after Close")
				}
				settleGoroutines(t, base)
			})
		}
	}
}

// TestCallContext: the context of one NextPage call bounds only that wait.
func TestCallContext(t *testing.T) {
	f := newFake(30, 10)
	g := newGates()
	g.open(0)
	g.open(20)
	f.hook = g.hook
	p := NextToken(context.Background(), f.tokenFetch, Options{Prefetch: -1})
	defer p.Close()
	if _, err := p.NextPage(context.Background()); err != nil {
		t.Fatal(err)
	}
	recv(t, g.started, "page 0")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-g.started // page 1 is held at its gate: NextPage waits for it
		cancel()
	}()
	if _, err := p.NextPage(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("NextPage(cancelled) = %v", err)
	}
	if !p.More() {
		t.Fatal("a cancelled call ended the walk")
	}
	g.open(10)
	pg, err := p.NextPage(context.Background())
	if err != nil || pg.Number != 1 || !slices.Equal(pg.Items, f.data[10:20]) {
		t.Fatalf("page 1 after the cancelled call: %v %v", pg, err)
	}
}

// TestCloseWhileWaiting: Close from another goroutine unblocks NextPage.
func TestCloseWhileWaiting(t *testing.T) {
	f := newFake(30, 10)
	g := newGates()
	f.hook = g.hook
	p := Offset(context.Background(), f.offsetFetch, 10, Options{})
	go func() {
		<-g.started // NextPage waits for page 0
		p.Close()
	}()
	if _, err := p.NextPage(context.Background()); err != ErrNoMorePages {
		t.Fatalf("NextPage = %v, want ErrNoMorePages", err)
	}
	p.Close()
	if f.active.Load() != 0 {
		t.Fatal("fetch left running")
	}
}

func TestAllEarlyBreak(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			f := newFake(200, 10)
			// Pages after the second block until cancelled, so they are in
			// flight when the loop breaks.
			f.hook = func(ctx context.Context, off int) error {
				if off >= 20 {
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			}
			p := k.new(context.Background(), f, Options{Prefetch: 4})
			n := 0
			for v, err := range p.All() {
				if err != nil {
					t.Fatal(err)
				}
				if v != n {
					t.Fatalf("item %d = %d", n, v)
				}
				n++
				if n == 15 {
					break
				}
			}
			if p.More() {
				t.Fatal("More after the loop broke")
			}
			if a := f.active.Load(); a != 0 {
				t.Fatalf("%d fetches running after the loop", a)
			}
			settleGoroutines(t, base)
		})
	}
}

func TestAllYieldsErrorOnce(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			f := newFake(100, 10)
			f.hook = func(_ context.Context, off int) error {
				if off == 20 {
					return errBoom
				}
				return nil
			}
			p := k.new(context.Background(), f, Options{})
			var items []int
			errs := 0
			for v, err := range p.All() {
				if err != nil {
					errs++
					if !errors.Is(err, errBoom) || v != 0 {
						t.Fatalf("yielded (%d, %v)", v, err)
					}
					continue
				}
				if errs > 0 {
					t.Fatal("item after the error")
				}
				items = append(items, v)
			}
			if errs != 1 || !slices.Equal(items, f.data[:20]) {
				t.Fatalf("errors %d, items %v", errs, items)
			}
			if !errors.Is(p.Err(), errBoom) {
				t.Fatalf("Err = %v", p.Err())
			}
		})
	}
}

func TestMaxPages(t *testing.T) {
	for _, k := range kinds {
		for _, o := range []Options{{MaxPages: 3, Prefetch: 5}, {MaxPages: 1}, {MaxPages: 3, Concurrency: 8, Prefetch: -1}} {
			t.Run(k.name, func(t *testing.T) {
				f := newFake(200, 10)
				p := k.new(context.Background(), f, o)
				pages := walk(t, p)
				p.Close()
				if len(pages) != o.MaxPages {
					t.Fatalf("pages = %d, want %d", len(pages), o.MaxPages)
				}
				if !slices.Equal(itemsOf(pages), f.data[:10*o.MaxPages]) {
					t.Fatal("wrong items")
				}
				if c := f.calls.Load(); c != int64(o.MaxPages) {
					t.Fatalf("fetches = %d, want %d (%v)", c, o.MaxPages, f.fetched())
				}
			})
		}
	}
}

func TestInvalidArguments(t *testing.T) {
	f := newFake(10, 10)
	ctx := context.Background()
	tests := []struct {
		name string
		p    *Pager[int]
		want string
	}{
		{"Offset/startNotNumber", Offset(ctx, f.offsetFetch, 10, Options{Start: "abc"}), `"abc"`},
		{"Offset/startNegative", Offset(ctx, f.offsetFetch, 10, Options{Start: "-5"}), `"-5"`},
		{"Offset/limit0", Offset(ctx, f.offsetFetch, 0, Options{}), "limit"},
		{"Offset/nilFetch", Offset[int](ctx, nil, 10, Options{}), "nil"},
		{"Keyset/limit0", Keyset(ctx, f.keysetFetch, keyOf, 0, Options{}), "limit"},
		{"Keyset/nilKey", Keyset(ctx, f.keysetFetch, nil, 10, Options{}), "key"},
		{"Keyset/nilFetch", Keyset(ctx, nil, keyOf, 10, Options{}), "nil"},
		{"NextToken/nilFetch", NextToken[int](ctx, nil, Options{}), "nil"},
		{"NextLink/noFirst", NextLink(ctx, "", f.linkFetch, Options{}), "first link"},
		{"BodyCursor/negativeMaxPages", BodyCursor(ctx, f.bodyFetch, Options{MaxPages: -1}), "MaxPages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer tt.p.Close()
			if !tt.p.More() {
				t.Fatal("More is false before the error was returned")
			}
			_, err := tt.p.NextPage(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "pagination: ") {
				t.Fatalf("NextPage = %v, want an error mentioning %s", err, tt.want)
			}
			if tt.p.More() {
				t.Fatal("More after the error")
			}
		})
	}
	if c := f.calls.Load(); c != 0 {
		t.Fatalf("invalid walkers fetched %d pages", c)
	}
}

func TestOffsetResume(t *testing.T) {
	f := newFake(1000, 100)
	p := Offset(context.Background(), f.offsetFetch, 100, Options{Start: "700"})
	pages := walk(t, p)
	p.Close()
	if !slices.Equal(itemsOf(pages), f.data[700:]) {
		t.Fatal("wrong items")
	}
	var toks []string
	for _, pg := range pages {
		toks = append(toks, pg.Token)
	}
	if !slices.Equal(toks, []string{"700", "800", "900"}) {
		t.Fatalf("tokens %q", toks)
	}
	if f.fetched()[0] != 700 {
		t.Fatalf("first fetch at %d", f.fetched()[0])
	}
}

// TestOffsetServerPageSize: the server sends pages of its own size, not
// limit; the walk steps by what it sends and loses nothing.
func TestOffsetServerPageSize(t *testing.T) {
	for _, tc := range []struct{ limit, server, n int }{{100, 30, 95}, {10, 25, 101}, {10, 10, 100}} {
		for _, conc := range []int{1, 4} {
			t.Run(itoa10(tc.server)+"/"+itoa(conc), func(t *testing.T) {
				f := newFake(tc.n, tc.limit)
				fetch := func(ctx context.Context, off, limit int) ([]int, int, error) {
					items, total, err := f.offsetFetch(ctx, off, tc.server)
					return items, total, err
				}
				p := Offset(context.Background(), fetch, tc.limit, Options{Concurrency: conc})
				pages := walk(t, p)
				p.Close()
				if !slices.Equal(itemsOf(pages), f.data) {
					t.Fatalf("items = %v", itemsOf(pages))
				}
				for i, pg := range pages {
					if pg.Token != itoa10(i*tc.server) {
						t.Fatalf("page %d token %q", i, pg.Token)
					}
				}
			})
		}
	}
}

// TestOffsetTotalChanges: the first page's total is the plan; a page that
// contradicts it (another total, or empty before the total) ends the walk
// with ErrInconsistentPage after the pages that agreed, never in silence.
func TestOffsetTotalChanges(t *testing.T) {
	tests := []struct {
		name      string
		realN     int  // records the server has after the first page
		sameTotal bool // later pages still say 100
		wantItems int  // before the error
	}{
		{"shrinks", 55, false, 10},
		{"grows", 300, false, 10},
		{"empty before the total", 60, true, 60},
	}
	for _, tt := range tests {
		for _, conc := range []int{1, 4} {
			t.Run(tt.name+"/"+itoa(conc), func(t *testing.T) {
				f := newFake(tt.realN, 10)
				fetch := func(ctx context.Context, off, limit int) ([]int, int, error) {
					items, total, err := f.offsetFetch(ctx, off, limit)
					if off == 0 || tt.sameTotal {
						total = 100
					}
					return items, total, err
				}
				p := Offset(context.Background(), fetch, 10, Options{Concurrency: conc})
				defer p.Close()
				var got []int
				var err error
				for {
					var pg Page[int]
					pg, err = p.NextPage(context.Background())
					if err != nil {
						break
					}
					got = append(got, pg.Items...)
				}
				if !errors.Is(err, ErrInconsistentPage) {
					t.Fatalf("walk ended with %v, want ErrInconsistentPage", err)
				}
				if !slices.Equal(got, f.data[:tt.wantItems]) {
					t.Fatalf("items = %v, want the first %d", got, tt.wantItems)
				}
			})
		}
	}
}

func TestOffsetUnknownTotal(t *testing.T) {
	for _, n := range []int{0, 5, 10, 95, 100} {
		t.Run(itoa10(n), func(t *testing.T) {
			f := newFake(n, 10)
			fetch := func(ctx context.Context, off, limit int) ([]int, int, error) {
				items, _, err := f.offsetFetch(ctx, off, limit)
				return items, -1, err
			}
			p := Offset(context.Background(), fetch, 10, Options{Concurrency: 4})
			pages := walk(t, p)
			p.Close()
			if !slices.Equal(itemsOf(pages), f.data) {
				t.Fatal("wrong items")
			}
			if want := n/10 + 1; len(pages) != want {
				t.Fatalf("pages = %d, want %d", len(pages), want)
			}
			if m := f.maxActive.Load(); m != 1 {
				t.Fatalf("max in flight = %d, want 1 without a total", m)
			}
		})
	}
}

func TestFetchPanicReachesConsumer(t *testing.T) {
	f := newFake(100, 10)
	f.hook = func(_ context.Context, off int) error {
		if off == 10 {
			panic("fetch bug")
		}
		return nil
	}
	p := NextToken(context.Background(), f.tokenFetch, Options{})
	defer p.Close()
	if _, err := p.NextPage(context.Background()); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != "fetch bug" {
				t.Fatalf("recovered %v, want the fetch's panic", r)
			}
		}()
		p.NextPage(context.Background())
		t.Fatal("NextPage did not panic")
	}()
	if p.More() {
		t.Fatal("More after a panic")
	}
}

func TestFetchGoexit(t *testing.T) {
	p := NextToken(context.Background(), func(context.Context, string) ([]int, string, error) {
		runtime.Goexit()
		return nil, "", nil
	}, Options{})
	defer p.Close()
	if _, err := p.NextPage(context.Background()); err == nil {
		t.Fatal("no error from a fetch that called Goexit")
	}
}

func TestZeroPager(t *testing.T) {
	var p Pager[int]
	if p.More() {
		t.Fatal("zero Pager has more")
	}
	if _, err := p.NextPage(context.Background()); err != ErrNoMorePages {
		t.Fatal(err)
	}
	for range p.All() {
		t.Fatal("zero Pager yielded")
	}
	p.Close()
}

func TestNilContexts(t *testing.T) {
	f := newFake(15, 10)
	//lint:ignore SA1012 checking that a nil context does not panic
	p := NextToken(nil, f.tokenFetch, Options{}) //nolint:staticcheck
	defer p.Close()
	var n int
	for p.More() {
		//lint:ignore SA1012 as above
		pg, err := p.NextPage(nil) //nolint:staticcheck
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Items)
	}
	if n != 15 {
		t.Fatalf("items = %d", n)
	}
}

// TestCloseIdempotent and Close after the end.
func TestCloseIdempotent(t *testing.T) {
	f := newFake(50, 10)
	p := Offset(context.Background(), f.offsetFetch, 10, Options{})
	p.Close()
	p.Close()
	if p.More() {
		t.Fatal("More after Close")
	}
	if _, err := p.NextPage(context.Background()); err != ErrNoMorePages {
		t.Fatal(err)
	}
}

// Close calls Options.Wait once, after the fetch in flight has returned:
// goroutines a fetch starts under its context are waited for there.
func TestCloseWaitsForTheFetchesGoroutines(t *testing.T) {
	var bg sync.WaitGroup
	var done atomic.Bool
	var waits atomic.Int32
	fetch := func(ctx context.Context, token string) ([]int, string, error) {
		bg.Add(1)
		go func() { // a fetch's own goroutine, ending with the walk's context
			defer bg.Done()
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond)
			done.Store(true)
		}()
		return []int{1}, token + "x", nil
	}
	p := NextToken(context.Background(), fetch, Options{Wait: func() { waits.Add(1); bg.Wait() }})
	if !p.More() {
		t.Fatal(p.Err())
	}
	p.NextPage(context.Background())
	p.Close()
	if !done.Load() {
		t.Error("Close returned before the fetch's goroutine")
	}
	p.Close()
	if n := waits.Load(); n != 1 {
		t.Errorf("Wait called %d times, want 1", n)
	}
}
