package tanium

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// histories fetches the histories of a list of objects for a NextToken
// pager: the token of a page is the index of its object ("" for 0), and the
// next token the index of the next object. Since the objects are known in
// advance, fetch starts the requests of the next width-1 objects while it
// waits for the one asked for, so up to width requests are in flight (each
// still waits for the client's rate limiter). Pages are still returned in
// order, each once: the pager asks for them one after the other.
//
// Each object's history is read deep enough to cover the window (see
// deepHistory); a history that stays short of it at the largest depth is
// recorded in trunc when its page is taken. With report set, the last
// object's next token is len(objs), whose page is empty and ends the walk
// with trunc's errors (Pages); without it, the last object ends the walk
// (Events, whose checkpoints hold the index of an object).
type histories struct {
	c            *Client
	objs         []Object
	size         int
	maxSize      int
	since        time.Time
	width        int
	skipNotFound bool
	trunc        *truncations
	report       bool

	mu      sync.Mutex
	started map[int]*historySlot // started and not yet taken
	next    int                  // lowest index never started
	running sync.WaitGroup       // the fetches launched
}

// wait returns when every fetch launched has returned: the pager's Close
// calls it (pagination.Options.Wait) after cancelling their context, so
// that no request, log line or goroutine of a walk outlives Close.
func (h *histories) wait() { h.running.Wait() }

// historySlot is one object's fetch.
type historySlot struct {
	done chan struct{}
	page *Page
	cut  *TruncatedError // the history does not reach the window's start
	err  error
}

// fetch returns the entries of the object at token and the token of the
// next object ("" after the last).
func (h *histories) fetch(ctx context.Context, token string) ([]Entry, string, error) {
	i := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if h.report && err == nil && n == len(h.objs) && strconv.Itoa(n) == token {
			return []Entry{}, "", errors.Join(h.trunc.list()...)
		}
		if err != nil || n < 0 || n >= len(h.objs) || strconv.Itoa(n) != token {
			return nil, "", fmt.Errorf("tanium: page token %q is not the index of one of the %d objects", token, len(h.objs))
		}
		i = n
	}
	slot := h.start(ctx, i)
	select {
	case <-slot.done:
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
	next := ""
	if i+1 < len(h.objs) || h.report {
		next = strconv.Itoa(i + 1)
	}
	if slot.err != nil {
		if h.skipNotFound && errors.Is(slot.err, auditclient.ErrNotFound) {
			return []Entry{}, next, nil
		}
		return nil, "", fmt.Errorf("tanium: audit history of %s: %w", h.objs[i], slot.err)
	}
	if slot.cut != nil {
		h.trunc.add(slot.cut)
	}
	return slot.page.Entries, next, nil
}

// start returns the fetch of object i, starting it if need be, and starts
// those of the objects after it up to the width. The fetches run under ctx,
// the pager's context, which ends with the walk.
func (h *histories) start(ctx context.Context, i int) *historySlot {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started == nil {
		h.started = make(map[int]*historySlot, h.width)
	}
	if h.next < i {
		h.next = i // a walk resumed at i: nothing before it is wanted
	}
	slot, ok := h.started[i]
	if !ok {
		slot = h.launch(ctx, i)
	}
	delete(h.started, i)
	h.next = max(h.next, i+1)
	for ; h.next < len(h.objs) && h.next < i+h.width; h.next++ {
		h.started[h.next] = h.launch(ctx, h.next)
	}
	return slot
}

// launch starts the fetch of object i. Called with mu held.
func (h *histories) launch(ctx context.Context, i int) *historySlot {
	s := &historySlot{done: make(chan struct{})}
	obj := h.objs[i]
	h.running.Add(1)
	go func() {
		defer h.running.Done()
		defer close(s.done)
		s.page, s.cut, s.err = h.c.deepHistory(ctx, obj, h.size, h.maxSize, h.since)
	}()
	return s
}

// deepHistory reads obj's history size entries deep and, while the answer
// is full (as many entries as asked, or more) and its oldest entry is not
// older than since (any answer when since is zero: the history may go
// further), asks again with twice the depth, up to maxSize. It stops at the
// first answer that is short (the whole history) or that reaches back
// before since; an answer still full at maxSize that does not is returned
// with a *TruncatedError. Only the last answer is kept, so an entry is
// never returned twice.
//
// A server that caps the depth below what is asked without saying so
// answers short, which cannot be told from a history that ends there: the
// package documentation says so.
func (c *Client) deepHistory(ctx context.Context, obj Object, size, maxSize int, since time.Time) (*Page, *TruncatedError, error) {
	size = max(1, min(size, maxSize))
	for {
		page, err := c.history(ctx, obj, size)
		if err != nil {
			return nil, nil, err
		}
		if len(page.Entries) < size {
			return page, nil, nil // the whole history
		}
		oldest := oldestEntry(page.Entries)
		if !since.IsZero() && oldest.Before(since) {
			return page, nil, nil // the window is covered
		}
		if size >= maxSize {
			return page, &TruncatedError{Object: obj, Oldest: oldest, Size: size, Since: since}, nil
		}
		next := min(2*size, maxSize)
		c.api.Logger().Debug("audit history full and short of the window: reading deeper",
			"object", obj.String(), "size", size, "next", next, "oldest", oldest)
		size = next
	}
}

// oldestEntry returns the earliest time of entries, whatever their order
// (the order a server sends them in is not documented). entries is not
// empty.
func oldestEntry(entries []Entry) time.Time {
	t := entries[0].Time()
	for i := 1; i < len(entries); i++ {
		if et := entries[i].Time(); et.Before(t) {
			t = et
		}
	}
	return t
}
