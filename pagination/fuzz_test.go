package pagination_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/auditkit/auditkit/pagination"
)

// fzServer is a scripted server for the walkers: script is read three
// bytes a page, cyclically, so that a server never runs out of answers
// (a walk must end by its own rules, not by the script's end). The bytes
// of a page are its number of items (b0%6), the next token or key it
// hands out (b1%9: 0 is "", the end, else one of eight tokens) and its
// total (b2, 255 standing for "unknown", -1; b2%32==31 is an error
// instead of a page).
type fzServer struct {
	script   []byte
	calls    atomic.Int64
	inflight atomic.Int64
	closed   atomic.Bool
	late     atomic.Int64 // fetches that started after Close returned
}

var errScripted = errors.New("scripted failure")

func (s *fzServer) page() (n int, next string, total int, err error) {
	i := int(s.calls.Add(1) - 1)
	if len(s.script) < 3 {
		return 0, "", 0, nil
	}
	b := s.script[(i*3)%(len(s.script)/3*3):]
	n = int(b[0] % 6)
	if k := b[1] % 9; k != 0 {
		next = "t" + strconv.Itoa(int(k))
	}
	total = int(b[2])
	if total == 255 {
		total = -1
	}
	if b[2]%32 == 31 {
		err = errScripted
	}
	return n, next, total, err
}

func (s *fzServer) enter() func() {
	if s.closed.Load() {
		s.late.Add(1)
	}
	s.inflight.Add(1)
	return func() { s.inflight.Add(-1) }
}

// FuzzWalkers: every walker fed by a server that hands out arbitrary
// tokens, keys, totals, page sizes and failures (cyclically: the server
// never stops answering) and started at an arbitrary Options.Start, with
// every prefetch and concurrency setting. The walk never panics, ends
// within a bounded number of pages (a token walk within the number of
// distinct tokens; Offset within its total, or its MaxPages when the
// server tells no total), hands out pages in order, ends with the
// scripted error when one ends it, and after Close no fetch is running or
// starts.
func FuzzWalkers(f *testing.F) {
	f.Add([]byte{3, 1, 10, 3, 2, 10, 1, 0, 10}, uint8(0), "")
	f.Add([]byte{3, 1, 10, 3, 1, 10}, uint8(1), "t1")
	f.Add([]byte{5, 0, 20, 5, 0, 20, 5, 0, 20, 5, 0, 20}, uint8(3), "0")
	f.Add([]byte{5, 0, 255, 5, 0, 255}, uint8(3), "")
	f.Add([]byte{2, 0, 7, 4, 0, 7}, uint8(3), "3")
	f.Add([]byte{5, 3, 0, 5, 4, 0, 5, 3, 0}, uint8(4), "")
	f.Add([]byte{1, 1, 31}, uint8(2), "")
	f.Add([]byte{0, 0, 0}, uint8(3), "-1")
	f.Add([]byte{0, 5, 0, 0, 6, 0, 0, 7, 0}, uint8(0), "t5")
	f.Add([]byte{5, 1, 200, 5, 2, 200}, uint8(3+5*8), "9223372036854775806")
	f.Fuzz(func(t *testing.T, script []byte, mode uint8, start string) {
		if len(script) > 300 {
			return
		}
		s := &fzServer{script: script}
		o := pagination.Options{Start: start}
		switch (mode >> 3) % 3 {
		case 1:
			o.Prefetch = -1
		case 2:
			o.Prefetch = 3
		}
		switch (mode >> 5) % 3 {
		case 1:
			o.Concurrency = 1
		case 2:
			o.Concurrency = 3
		}
		const limit = 5
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		tokenFetch := func(ctx context.Context, tok string) ([]int, string, error) {
			defer s.enter()()
			n, next, _, err := s.page()
			if err != nil {
				return nil, "", err
			}
			return make([]int, n), next, nil
		}
		var p *pagination.Pager[int]
		bound := 12 // 8 tokens, the start, the first, and slack
		kind := mode % 5
		switch kind {
		case 0:
			p = pagination.NextToken(ctx, tokenFetch, o)
		case 1:
			p = pagination.NextLink(ctx, "first", tokenFetch, o)
		case 2:
			p = pagination.BodyCursor(ctx, tokenFetch, o)
		case 3:
			o.MaxPages = 400
			bound = 400
			p = pagination.Offset(ctx, func(ctx context.Context, offset, lim int) ([]int, int, error) {
				defer s.enter()()
				if offset < 0 || lim < 1 {
					t.Errorf("Offset fetch at offset %d limit %d", offset, lim)
				}
				n, _, total, err := s.page()
				if err != nil {
					return nil, 0, err
				}
				items := make([]int, n)
				for i := range items {
					items[i] = offset + i
				}
				return items, total, nil
			}, limit, o)
		case 4:
			p = pagination.Keyset(ctx, func(ctx context.Context, cursor string) ([]int, error) {
				defer s.enter()()
				n, next, _, err := s.page()
				if err != nil {
					return nil, err
				}
				if n > 0 {
					n = limit // a full page, whose key is the next token
				}
				items := make([]int, n)
				if n > 0 {
					k, _ := strconv.Atoi(next[min(1, len(next)):])
					items[n-1] = k
				}
				return items, nil
			}, func(i int) string {
				if i == 0 {
					return ""
				}
				return "t" + strconv.Itoa(i)
			}, limit, o)
		}
		pages := 0
		var werr error
		lastOff := -1
		for {
			pg, err := p.NextPage(context.Background())
			if errors.Is(err, pagination.ErrNoMorePages) {
				break
			}
			if err != nil {
				werr = err
				break
			}
			if pg.Number != pages {
				t.Fatalf("page %d numbered %d", pages, pg.Number)
			}
			pages++
			if pages > bound {
				t.Fatalf("kind %d: the walk goes on past %d pages (script %v, start %q)", kind, bound, script, start)
			}
			if kind == 3 {
				off, err := strconv.Atoi(pg.Token)
				if err != nil || off <= lastOff {
					t.Fatalf("Offset page %d has token %q after offset %d", pages, pg.Token, lastOff)
				}
				for i, v := range pg.Items {
					if v != off+i {
						t.Fatalf("Offset page at %d holds item %d at %d", off, v, i)
					}
				}
				lastOff = off
			}
		}
		if p.More() {
			t.Fatalf("More after the end of the walk (%v)", werr)
		}
		if werr != nil && !errors.Is(werr, errScripted) && werr.Error() == "" {
			t.Fatalf("empty error")
		}
		p.Close()
		s.closed.Store(true)
		if n := s.inflight.Load(); n != 0 {
			t.Fatalf("%d fetches still running after Close", n)
		}
		if _, err := p.NextPage(context.Background()); !errors.Is(err, pagination.ErrNoMorePages) {
			t.Fatalf("NextPage after Close: %v", err)
		}
		if n := s.late.Load(); n != 0 {
			t.Fatalf("%d fetches started after Close", n)
		}
	})
}
