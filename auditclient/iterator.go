package auditclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

// Iterator walks the normalized events of one vendor query. Every vendor
// package's Events method returns one. It is not safe for concurrent use.
//
// The usual loop:
//
//	it := client.Events(ctx, opts, checkpoint) // checkpoint: nil, or one saved before
//	defer it.Close()
//	for it.Next() {
//		ev := it.Event()
//		// deliver ev, then (every page or so) save it.Checkpoint()
//	}
//	if err := it.Err(); err != nil { ... }
//	// Save it.Checkpoint() once more here: only a checkpoint taken after
//	// Next returned false (without an error) is Complete, and resumes as
//	// an incremental walk from the newest event instead of the last page.
//	// auditclient.WarningsOf(it) tells what the walk could not cover.
//
// or, with range-over-func, for ev, err := range it.All() { ... }.
type Iterator interface {
	// Next advances to the next event. It returns false at the end of the
	// walk or on an error; Err tells which.
	Next() bool
	// Event returns the event Next advanced to.
	Event() ocsf.Event
	// Err returns the error that ended the walk, or nil at a normal end.
	Err() error
	// Checkpoint returns the state right after the event Next last
	// advanced to: resuming from it yields exactly the events after that
	// one. Take it after the event was delivered.
	Checkpoint() *Checkpoint
	// Close stops the walk, cancels fetches in flight and waits for them.
	// It is safe to call more than once.
	Close() error
	// All returns the walk as a range-over-func sequence. An error is
	// yielded once, as (zero Event, err), and ends the sequence; breaking
	// out of the loop closes the iterator.
	All() iter.Seq2[ocsf.Event, error]
}

// Source describes one vendor walk to NewIterator: how to fetch pages of
// records for a time window, how to tell a record's time and uid, and how to
// map it to OCSF.
type Source[T any] struct {
	// Vendor names the vendor package ("cisco").
	Vendor string
	// Query is the walk's fingerprint (see Fingerprint).
	Query string
	// Window is the time window the caller asked for. A zero Until is
	// pinned to Now() when the walk starts.
	Window Window
	// Open starts a page walk over window w at token ("" = first page).
	Open func(ctx context.Context, w Window, token string) *pagination.Pager[T]
	// Key returns a record's event time and a uid stable across walks.
	Key func(T) (time.Time, string)
	// Map converts a record to an OCSF event.
	Map func(T) (ocsf.Event, error)
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives warnings (for example a resume position whose page
	// changed); nil discards them.
	Logger *slog.Logger
	// EmptyPagesAdvance says that an empty page still moves the walk
	// forward (Automox's pages are days, Tanium's objects), so that empty
	// pages in a row are not taken for a server that stopped making
	// progress.
	EmptyPagesAdvance bool
	// MaxStalePages is how many pages in a row may bring no new record
	// (empty pages that announce more, or pages holding only records of the
	// page before) before the walk ends with an error matching
	// ErrNoProgress; 0 means DefaultMaxStalePages. Records of such a page
	// are never yielded twice.
	MaxStalePages int
	// Warnings, when set, reports what the walk could not cover although
	// it ended without an error (for example a history cut short by the
	// server's depth limit). WarningsOf returns it.
	Warnings func() []error
}

// NewIterator returns an Iterator over src, resuming from `from` when it is
// not nil. A checkpoint of another vendor or query is refused: the iterator
// then yields nothing and Err returns an error wrapping ErrCheckpointMismatch
// or ErrCheckpointInvalid, before any request is sent.
func NewIterator[T any](ctx context.Context, src Source[T], from *Checkpoint) Iterator {
	ctx, cancel := context.WithCancel(withVersionSlot(ctx)) // WithOCSFVersion
	it := &stream[T]{src: src, ctx: ctx, cancel: cancel}
	if it.src.Now == nil {
		it.src.Now = time.Now
	}
	if it.src.Logger == nil {
		it.src.Logger = slog.New(slog.DiscardHandler)
	}
	if from != nil {
		if err := from.Check(src.Vendor, src.Query); err != nil {
			it.err = err
			return it
		}
		from = from.Clone()
		it.hw, it.bound, it.events = from.HighWater, from.Boundary, from.Events
	}
	it.plan(from)
	return it
}

// Emptied is a ready-made Iterator that yields nothing and reports err (which
// may be nil). Vendor packages return it when options fail validation, so
// that nothing is sent.
func Emptied(err error) Iterator {
	_, cancel := context.WithCancel(context.Background())
	return &stream[struct{}]{err: err, cancel: cancel, closed: true}
}

// segment is one page walk of an iteration.
type segment struct {
	window Window
	token  string
	resume *Position // in-progress resume: skip up to this position
	// filter drops the events an earlier walk yielded: all before
	// filter.at, and those at filter.at that it lists.
	filter *boundary
}

type stream[T any] struct {
	src    Source[T]
	ctx    context.Context
	cancel context.CancelFunc

	segs  []segment // segments still to walk; segs[0] is the current one
	pager *pagination.Pager[T]
	page  pagination.Page[T]
	idx   int // records of page consumed
	last  string

	ev     ocsf.Event
	err    error
	done   bool
	closed bool

	hw     time.Time
	bound  []string
	events int64
	pages  int64

	prev  map[string]int // uids of the last page that brought a new record
	stale int            // pages in a row that brought no new record
}

// DefaultMaxStalePages is Source.MaxStalePages's default.
const DefaultMaxStalePages = 10

// plan lays out the segments of the walk.
func (s *stream[T]) plan(from *Checkpoint) {
	req := s.src.Window
	pin := func(w Window) Window {
		if w.Until.IsZero() {
			w.Until = s.src.Now().UTC()
		}
		return w
	}
	switch {
	case from == nil:
		s.segs = []segment{{window: pin(req)}}
	case from.Position != nil:
		first := segment{window: from.Window, token: from.Position.Token, resume: from.Position}
		if from.Floor != nil {
			b := newBoundary(from.Floor.Time, from.Floor.UIDs)
			first.filter = &b
		}
		s.segs = []segment{first}
		if req.Until.IsZero() || req.Until.After(from.Window.Until) {
			// An incremental walk follows, planned when the first ends.
			s.segs = append(s.segs, segment{window: Window{Since: req.Since, Until: req.Until}})
		}
	default:
		s.segs = []segment{{window: Window{Since: req.Since, Until: req.Until}}}
		s.incremental(&s.segs[0])
	}
}

// incremental starts seg after what was yielded so far: at the high-water
// mark, dropping the events already yielded there.
func (s *stream[T]) incremental(seg *segment) {
	if seg.window.Until.IsZero() {
		seg.window.Until = s.src.Now().UTC()
	}
	if !s.hw.IsZero() {
		if seg.window.Since.IsZero() || s.hw.After(seg.window.Since) {
			seg.window.Since = s.hw
		}
		b := newBoundary(s.hw, s.bound)
		seg.filter = &b
	}
}

func (s *stream[T]) Next() bool {
	if s.err != nil || s.done || s.closed {
		return false
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return s.fail(err)
		}
		if s.idx < len(s.page.Items) {
			rec := s.page.Items[s.idx]
			t, uid := s.src.Key(rec)
			if s.drop(t, uid) {
				s.idx, s.last = s.idx+1, uid
				continue
			}
			ev, err := s.src.Map(rec)
			if err != nil {
				// Not consumed: a walk resumed from the checkpoint retries it.
				return s.fail(fmt.Errorf("%s: record %s at %s: %w", s.src.Vendor, uid, t.Format(time.RFC3339), err))
			}
			applyOCSFVersion(s.ctx, &ev) // WithOCSFVersion
			s.idx, s.last = s.idx+1, uid
			s.ev = ev
			s.advance(t, uid)
			return true
		}
		if !s.nextPage() {
			return false
		}
	}
}

// drop reports whether a record is outside the window or was already
// yielded by an earlier walk.
func (s *stream[T]) drop(t time.Time, uid string) bool {
	seg := &s.segs[0]
	w := seg.window
	// The window is half-open: [Since, Until).
	if (!w.Since.IsZero() && t.Before(w.Since)) || (!w.Until.IsZero() && !t.Before(w.Until)) {
		return true
	}
	if f := seg.filter; f != nil && (t.Before(f.at) || f.take(t, uid)) {
		return true
	}
	return false
}

// advance records that the event at t with uid was yielded.
func (s *stream[T]) advance(t time.Time, uid string) {
	s.events++
	switch {
	case s.hw.IsZero() || t.After(s.hw):
		s.hw = t
		s.bound = append(s.bound[:0:0], uid)
	case t.Equal(s.hw):
		s.bound = append(s.bound, uid)
	}
}

// nextPage loads the next page, moving to the next segment when the current
// one is exhausted. It returns false when the walk ended or failed.
func (s *stream[T]) nextPage() bool {
	for {
		if s.pager == nil {
			seg := &s.segs[0]
			if seg.window.Empty() {
				if !s.nextSegment() {
					return false
				}
				continue
			}
			s.pager = s.src.Open(s.ctx, seg.window, seg.token)
		}
		if !s.pager.More() {
			if !s.nextSegment() {
				return false
			}
			continue
		}
		page, err := s.pager.NextPage(s.ctx)
		if errors.Is(err, pagination.ErrNoMorePages) {
			if !s.nextSegment() {
				return false
			}
			continue
		}
		if err != nil {
			if ctxErr := s.ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				return s.fail(ctxErr)
			}
			if (errors.Is(err, pagination.ErrRepeatedToken) || errors.Is(err, pagination.ErrInconsistentPage)) && !errors.Is(err, ErrMalformedResponse) {
				err = &DecodeError{Vendor: s.src.Vendor, Err: err}
			}
			return s.fail(err)
		}
		s.pages++
		s.page, s.idx = page, 0
		if seg := &s.segs[0]; seg.resume != nil {
			s.idx = s.resumeIndex(page, *seg.resume)
			seg.resume = nil
		}
		if s.staleCheck() {
			s.idx = len(page.Items) // a repeat: yield none of it again
			limit := cmp.Or(s.src.MaxStalePages, DefaultMaxStalePages)
			if s.stale >= limit {
				return s.fail(&DecodeError{Vendor: s.src.Vendor, Err: fmt.Errorf(
					"%w: %d pages in a row brought no new record (the last fetched with token %q)", ErrNoProgress, s.stale, truncateText(page.Token, 80))})
			}
		}
		return true
	}
}

// staleCheck reports whether the page just loaded brings no new record: it
// is empty although the walk goes on, or it holds only records of the last
// page that did. It counts such pages in a row.
func (s *stream[T]) staleCheck() bool {
	items := s.page.Items
	stale := false
	switch {
	case len(items) == 0:
		stale = !s.src.EmptyPagesAdvance && s.pager != nil && s.pager.More()
	case s.prev != nil:
		seen := make(map[string]int, len(items))
		stale = true
		for _, r := range items {
			_, uid := s.src.Key(r)
			seen[uid]++
			if seen[uid] > s.prev[uid] {
				stale = false
				break
			}
		}
	}
	if stale {
		s.stale++
		return true
	}
	s.stale = 0
	if len(items) > 0 {
		s.prev = make(map[string]int, len(items))
		for _, r := range items {
			_, uid := s.src.Key(r)
			s.prev[uid]++
		}
	}
	return false
}

// resumeIndex finds where to continue within the first page of a resumed
// walk: after the record named by the position.
func (s *stream[T]) resumeIndex(page pagination.Page[T], p Position) int {
	if p.Skip == 0 {
		return 0
	}
	uidAt := func(i int) string { _, u := s.src.Key(page.Items[i]); return u }
	if p.Skip <= len(page.Items) && (p.LastUID == "" || uidAt(p.Skip-1) == p.LastUID) {
		return p.Skip
	}
	// The page changed since the checkpoint was taken: look for the last
	// consumed record nearby, else replay the page (at-least-once).
	for i := range page.Items {
		if uidAt(i) == p.LastUID {
			s.src.Logger.Warn("resume position moved within its page", "vendor", s.src.Vendor, "from", p.Skip, "to", i+1)
			return i + 1
		}
	}
	s.src.Logger.Warn("resume position not found in its page; replaying the page", "vendor", s.src.Vendor, "skip", p.Skip)
	return 0
}

// nextSegment closes the current page walk and starts the next segment.
func (s *stream[T]) nextSegment() bool {
	if s.pager != nil {
		s.pager.Close()
		s.pager = nil
	}
	s.page, s.idx = pagination.Page[T]{}, 0
	s.prev, s.stale = nil, 0
	s.segs = s.segs[1:]
	if len(s.segs) == 0 {
		s.done = true
		return false
	}
	s.incremental(&s.segs[0])
	return true
}

func (s *stream[T]) fail(err error) bool {
	s.err = err
	if s.pager != nil {
		s.pager.Close()
		s.pager = nil
	}
	return false
}

func (s *stream[T]) Event() ocsf.Event { return s.ev }

func (s *stream[T]) Err() error { return s.err }

func (s *stream[T]) Checkpoint() *Checkpoint {
	cp := &Checkpoint{
		Version:   CheckpointVersion,
		Vendor:    s.src.Vendor,
		Query:     s.src.Query,
		HighWater: s.hw,
		Boundary:  append([]string(nil), s.bound...),
		Events:    s.events,
	}
	if !s.done && len(s.segs) > 0 {
		seg := s.segs[0]
		cp.Window = seg.window
		if seg.filter != nil {
			cp.Floor = &Floor{Time: seg.filter.at, UIDs: seg.filter.remaining()}
		}
		switch {
		case s.idx > 0:
			cp.Position = &Position{Token: s.page.Token, Skip: s.idx, LastUID: s.last}
		case seg.resume != nil:
			p := *seg.resume
			cp.Position = &p
		default:
			// Nothing consumed of this segment yet: resume at its start.
			cp.Position = &Position{Token: seg.token}
		}
	}
	return cp
}

func (s *stream[T]) Close() error {
	if !s.closed {
		s.closed = true
		if s.pager != nil {
			s.pager.Close()
			s.pager = nil
		}
	}
	s.cancel()
	return nil
}

func (s *stream[T]) All() iter.Seq2[ocsf.Event, error] {
	return func(yield func(ocsf.Event, error) bool) {
		defer s.Close()
		for s.Next() {
			if !yield(s.Event(), nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(ocsf.Event{}, err)
		}
	}
}

// Progress reports how far a walk has come.
type Progress struct {
	Events int64 // events yielded under the checkpoint, across walks
	Pages  int64 // pages fetched by this iterator
}

// ProgressOf returns the progress of an Iterator made by NewIterator, and
// false for any other Iterator.
func ProgressOf(it Iterator) (Progress, bool) {
	type progresser interface{ progress() Progress }
	if p, ok := it.(progresser); ok {
		return p.progress(), true
	}
	return Progress{}, false
}

func (s *stream[T]) progress() Progress { return Progress{Events: s.events, Pages: s.pages} }

// WarningsOf returns what a walk made by NewIterator reports it could not
// cover although it did not fail (see Source.Warnings): each warning is an
// error, matched with errors.Is and errors.As like any other (for example
// tanium's ErrHistoryTruncated). It returns nil for a walk that covered its
// whole window and for any other Iterator. Read it after Next returned false.
func WarningsOf(it Iterator) []error {
	type warner interface{ warnings() []error }
	if w, ok := it.(warner); ok {
		return w.warnings()
	}
	return nil
}

func (s *stream[T]) warnings() []error {
	if s.src.Warnings == nil {
		return nil
	}
	return s.src.Warnings()
}
