package automox

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/auditkit/auditkit/pagination"
)

// maxAheadEvents bounds what a day may hold fetched ahead of the
// consumer: as many pages as make this many events, and at least two. With
// Concurrency days at once, a walk holds at most Concurrency times that in
// memory however long it is.
const maxAheadEvents = 1000

// maxBuffered is how many fetched pages a day of a walk with pages of limit
// events may hold ahead of the consumer.
func maxBuffered(limit int) int { return max(2, maxAheadEvents/max(limit, 1)) }

const day = 24 * time.Hour

// Page tokens of a walk over days join the day and the cursor:
// "2024-06-18|6672200dd10935351f936399", and "2024-06-18|" for the first page
// of a day. A checkpoint holds one, so that a resumed walk restarts in the
// right day at the right page.
func dayToken(d time.Time, cursor string) string { return d.Format(time.DateOnly) + "|" + cursor }

// parseDayToken splits a page token into its day (UTC midnight) and cursor.
func parseDayToken(tok string) (time.Time, string, error) {
	ds, cursor, ok := strings.Cut(tok, "|")
	d, err := time.Parse(time.DateOnly, ds)
	if !ok || err != nil {
		return time.Time{}, "", fmt.Errorf("automox: page token %q is not DAY|CURSOR (such as 2024-06-18|6672200dd10935351f936399)", clipString(tok))
	}
	return d, cursor, nil
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func clipString(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// dayWalk fetches the pages of a walk over days: within a day by keyset
// cursor (the id of the last event of the page before), several days at
// once, each day's chain running ahead of the consumer, and hands them out
// strictly in order (day, then page). Its fetch is the fetch function of a
// pagination.NextToken walk, whose tokens are day tokens. The requests run
// in goroutines of their own under the pager's context; the pager's Close
// cancels it and waits for them (wait, as pagination.Options.Wait).
type dayWalk struct {
	c     *Client
	limit int
	conc  int
	// since and until filter the events; first and last are the UTC days
	// of the walk.
	since, until time.Time
	first, last  time.Time

	mu      sync.Mutex
	days    []*dayState   // days[0] is the day of the page asked for next
	changed chan struct{} // closed (and replaced) whenever a fetch ends
	waiting bool          // the consumer waits for the head's next page
	running sync.WaitGroup
}

// dayState is what a walk knows of one day.
type dayState struct {
	day      time.Time
	cursor   string // cursor of the next page to fetch
	done     bool   // the day's last page is fetched
	inflight bool   // a page of the day is being fetched
	pages    []dayPage
	// err is the error of the day's last fetch, until the day is fetched
	// again; asked tells that the consumer was waiting for that fetch. A
	// fetch ahead that failed is done again once the consumer waits for
	// the day; the error of a fetch it waited for ends the walk.
	err   error
	asked bool
	// used holds the cursors the day's walk sent or will send; prev the
	// uids of its last page fetched. A page that would send a used cursor
	// again, or brings only events of the page before, stalls the day.
	used map[string]bool
	prev map[string]struct{}
}

// dayPage is a fetched page, or the error that ends the day's walk.
type dayPage struct {
	cursor string // the cursor that fetched it
	events []AuditEvent
	err    error
}

// pager returns the walk over the days of w, starting at the page token
// start ("" for the first page of the first day).
func (c *Client) dayPager(ctx context.Context, w windowSpec, limit, conc int, start string, err error) *pagination.Pager[AuditEvent] {
	// The window is half-open, [since, until): its last day is the one
	// before until's when until is a midnight, and a window without time
	// reads no day at all.
	dw := &dayWalk{c: c, limit: limit, conc: conc, since: w.since, until: w.until, first: utcDay(w.since), last: utcDay(w.until.Add(-time.Nanosecond)),
		changed: make(chan struct{})}
	empty := err == nil && !w.until.After(w.since)
	if start == "" {
		start = dayToken(dw.first, w.cursor)
	}
	return pagination.NextToken(ctx, func(ctx context.Context, tok string) ([]AuditEvent, string, error) {
		if err != nil {
			return nil, "", err
		}
		if empty {
			return nil, "", nil
		}
		return dw.fetch(ctx, tok)
	}, pagination.Options{Start: start, Wait: dw.running.Wait})
}

// fetch returns the page of token tok and the token of the page after it
// ("" after the last day). The pages of up to conc days from tok's are
// fetched ahead meanwhile, each day's one after the other.
func (w *dayWalk) fetch(ctx context.Context, tok string) ([]AuditEvent, string, error) {
	d, cursor, err := parseDayToken(tok)
	if err != nil {
		return nil, "", err
	}
	if d.Before(w.first) || d.After(w.last) {
		return nil, "", fmt.Errorf("automox: page token %q is outside the walk's days, %s to %s", clipString(tok), w.first.Format(time.DateOnly), w.last.Format(time.DateOnly))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.position(d, cursor)
	head := w.days[0]
	for len(head.pages) == 0 {
		if head.err != nil && !head.inflight {
			if head.asked {
				err := head.err
				head.err = nil
				return nil, "", err
			}
			head.err = nil // failed ahead: try again, now that it is wanted
		}
		w.waiting = true
		w.pump(ctx)
		w.waiting = false
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
		}
		w.mu.Lock()
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
	}
	pg := head.pages[0]
	head.pages = head.pages[1:]
	if pg.err != nil {
		return nil, "", pg.err
	}
	events, next := w.keep(pg.events), w.next()
	w.pump(ctx)
	return events, next, nil
}

// position makes the head of the walk the page of day d at cursor: a walk
// that goes on keeps what it fetched ahead; any other token starts afresh
// (the fetches in flight for the days dropped end unheeded).
func (w *dayWalk) position(d time.Time, cursor string) {
	if len(w.days) > 0 && w.days[0].day.Equal(d) {
		h := w.days[0]
		if (len(h.pages) > 0 && h.pages[0].cursor == cursor) || (len(h.pages) == 0 && !h.done && h.cursor == cursor) {
			return
		}
	}
	w.days = []*dayState{{day: d, cursor: cursor}}
}

type dayJob struct {
	st     *dayState
	cursor string
	events []AuditEvent
	url    string // the URL that answered, redacted
	err    error
}

// pump starts the next page of every day from the head's on (up to conc
// days) that has none in flight, room for one more and no failed fetch
// pending. Called with mu held.
func (w *dayWalk) pump(ctx context.Context) {
	if ctx.Err() != nil || len(w.days) == 0 {
		return
	}
	for len(w.days) < w.conc {
		next := w.days[len(w.days)-1].day.Add(day)
		if next.After(w.last) {
			break
		}
		w.days = append(w.days, &dayState{day: next})
	}
	room := maxBuffered(w.limit)
	for i, st := range w.days[:min(len(w.days), w.conc)] {
		if st.done || st.inflight || st.err != nil || len(st.pages) >= room {
			continue
		}
		st.inflight = true
		st.asked = i == 0 && w.waiting && len(st.pages) == 0
		j := &dayJob{st: st, cursor: st.cursor}
		w.running.Add(1)
		go func() {
			defer w.running.Done()
			j.events, j.url, j.err = w.c.fetchDay(ctx, j.st.day, j.cursor, w.limit)
			w.mu.Lock()
			defer w.mu.Unlock()
			j.st.inflight = false
			w.settle(j)
			w.pump(ctx)
			close(w.changed)
			w.changed = make(chan struct{})
		}()
	}
}

// settle records the outcome of the fetch j. Called with mu held.
func (w *dayWalk) settle(j *dayJob) {
	st := j.st
	if j.err != nil {
		st.err = j.err
		return
	}
	pg := dayPage{cursor: j.cursor}
	pg.events, pg.err = st.fresh(j)
	switch {
	case pg.err != nil:
		st.done = true
	case len(j.events) < w.limit:
		st.done = true
	default:
		n := len(j.events) - 1
		last := &j.events[n]
		k := last.cursor()
		switch {
		case k == "":
			st.done = true
			pg.err = fmt.Errorf("automox: the last event of the full page of %s at cursor %q has no id (neither _id, id nor metadata.uid): the next page cannot be asked for", st.day.Format(time.DateOnly), j.cursor)
		case st.used[k]:
			st.done = true
			pg.err = stalled(j.url, "$["+strconv.Itoa(n)+"]."+cmp.Or(last.idKey, "metadata.uid"),
				"the full page of %s at cursor %q ends with the id %q, a cursor the day already sent: the next page would repeat one already read", st.day.Format(time.DateOnly), clipString(j.cursor), clipString(k))
		default:
			st.cursor = k
			st.used[k] = true
		}
	}
	st.pages = append(st.pages, pg)
}

// next returns the token of the page after the one just taken from the
// head, dropping the head day when it is exhausted.
func (w *dayWalk) next() string {
	h := w.days[0]
	switch {
	case len(h.pages) > 0:
		return dayToken(h.day, h.pages[0].cursor)
	case !h.done:
		return dayToken(h.day, h.cursor)
	}
	w.days = w.days[1:]
	nd := h.day.Add(day)
	if nd.After(w.last) {
		return ""
	}
	if len(w.days) == 0 {
		return dayToken(nd, "")
	}
	n := w.days[0]
	if len(n.pages) > 0 {
		return dayToken(n.day, n.pages[0].cursor)
	}
	return dayToken(n.day, n.cursor)
}

// keep returns the events inside the walk's window, [since, until), in
// place.
func (w *dayWalk) keep(events []AuditEvent) []AuditEvent {
	out := events[:0]
	for _, e := range events {
		if !e.Time.Before(w.since) && e.Time.Before(w.until) {
			out = append(out, e)
		}
	}
	return out
}

// fresh returns the events of j's page that were not on the day's page
// before (a server that does not honour the cursor exactly), and records
// the page's uids for the next. A page whose every event was on the page
// before brings nothing new: following it would never end, so it is an
// error wrapping ErrStalledCursor.
func (st *dayState) fresh(j *dayJob) ([]AuditEvent, error) {
	if st.used == nil {
		st.used = map[string]bool{j.cursor: true}
	}
	prev := st.prev
	st.prev = make(map[string]struct{}, len(j.events))
	out := j.events[:0:0]
	for i := range j.events {
		uid := j.events[i].UID()
		st.prev[uid] = struct{}{}
		if _, before := prev[uid]; !before {
			out = append(out, j.events[i])
		}
	}
	if len(out) == 0 && len(j.events) > 0 {
		return nil, stalled(j.url, "$", "every event of the page of %s at cursor %q was on the day's page before it: the server does not move past the cursor", st.day.Format(time.DateOnly), clipString(j.cursor))
	}
	return out, nil
}
