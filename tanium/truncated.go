package tanium

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrHistoryTruncated is matched (errors.Is) by every *TruncatedError: an
// object's history, read as deep as ListOptions.MaxHistorySize allows, still
// does not reach back to the start of the window, so older entries of the
// window are out of reach.
var ErrHistoryTruncated = errors.New("tanium: audit history truncated before the start of the window")

// TruncatedError reports one object whose history, read at the largest depth
// allowed (Size entries, ListOptions.MaxHistorySize), came back full with
// its oldest entry (Oldest) not older than the start of the window (Since):
// entries of the window older than Oldest, if any, were not read. It
// matches ErrHistoryTruncated.
//
// A walk does not fail for it: Client.Events yields every entry it could
// read and reports these through auditclient.WarningsOf; Client.Pages
// delivers them too and ends with these, joined, as its last error.
type TruncatedError struct {
	// Object is the object whose history was cut short.
	Object Object
	// Oldest is the time of the oldest entry read, the furthest back the
	// walk reached for this object.
	Oldest time.Time
	// Size is the depth of the deepest request, the number of entries it
	// returned.
	Size int
	// Since is the start of the window the history had to reach: the
	// walk's Since, or in an incremental walk the time of the newest entry
	// already yielded; zero when the window is unbounded (the history then
	// goes on beyond Size entries).
	Since time.Time
}

// Error names the object, the depth and the oldest time reached.
func (e *TruncatedError) Error() string {
	oldest := e.Oldest.UTC().Format(time.RFC3339Nano)
	if e.Since.IsZero() {
		return fmt.Sprintf("tanium: the audit history of %s is longer than %d entries (the most asked): read back to %s only",
			e.Object, e.Size, oldest)
	}
	return fmt.Sprintf("tanium: the audit history of %s, %d entries deep (the most asked), reaches back to %s only, not to the window's start %s",
		e.Object, e.Size, oldest, e.Since.UTC().Format(time.RFC3339Nano))
}

// Is reports whether target is ErrHistoryTruncated.
func (e *TruncatedError) Is(target error) bool { return target == ErrHistoryTruncated }

// truncations collects the TruncatedErrors of a walk, at most one per object
// (the first), in the order of the walk's objects. It is safe for
// concurrent use.
type truncations struct {
	mu    sync.Mutex
	index map[Object]int // the walk's objects, by position
	got   map[Object]*TruncatedError
}

func newTruncations(objs []Object) *truncations {
	t := &truncations{index: make(map[Object]int, len(objs)), got: map[Object]*TruncatedError{}}
	for i, o := range objs {
		t.index[o] = i
	}
	return t
}

// add records e unless its object already has one.
func (t *truncations) add(e *TruncatedError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.got[e.Object]; !ok {
		t.got[e.Object] = e
	}
}

// list returns copies of the errors, in the order of the objects; nil when
// there are none.
func (t *truncations) list() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.got) == 0 {
		return nil
	}
	objs := make([]Object, 0, len(t.got))
	for o := range t.got {
		objs = append(objs, o)
	}
	slices.SortFunc(objs, func(a, b Object) int { return t.index[a] - t.index[b] })
	out := make([]error, len(objs))
	for i, o := range objs {
		e := *t.got[o]
		out[i] = &e
	}
	return out
}
