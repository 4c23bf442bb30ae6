package auditclient

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// CheckpointVersion is the format version written into every Checkpoint.
const CheckpointVersion = 1

// ErrCheckpointMismatch is returned (wrapped) when a checkpoint was taken by
// another vendor or for a different query than the walk it is given to.
var ErrCheckpointMismatch = errors.New("auditclient: checkpoint does not match this walk")

// ErrCheckpointInvalid is returned (wrapped) when a checkpoint is malformed:
// an unknown format version, or fields that contradict each other.
var ErrCheckpointInvalid = errors.New("auditclient: invalid checkpoint")

// Window is a time window of a walk. A zero Since means "as far back as the
// API keeps"; a zero Until means "now", and is pinned to the time the walk
// starts so that events arriving meanwhile cannot shift the pages.
type Window struct {
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
}

// Empty reports whether the window can hold no event (Since after Until).
func (w Window) Empty() bool {
	return !w.Since.IsZero() && !w.Until.IsZero() && w.Since.After(w.Until)
}

// Position is where a walk in progress stands: the page to fetch again and
// how many of its records were already consumed.
type Position struct {
	// Token re-fetches the page (a cursor, offset, token or link; see
	// package pagination).
	Token string `json:"token"`
	// Skip is the number of records of that page already consumed.
	Skip int `json:"skip"`
	// LastUID is the uid of the last consumed record, checked on resume so a
	// page whose content moved is noticed.
	LastUID string `json:"last_uid,omitempty"`
}

// Floor is the lower edge of an incremental walk: events before Time were
// yielded by an earlier walk, and so were those at exactly Time whose uid is
// listed in UIDs (with repeats for identical records).
type Floor struct {
	Time time.Time `json:"time"`
	UIDs []string  `json:"uids,omitempty"`
}

// Checkpoint is the resumable state of an event walk: small, JSON-serializable,
// and safe to store anywhere (it holds no credential).
//
// A walk resumed from a checkpoint yields exactly the events the walk that
// took it had not yet yielded: none lost, none repeated. Two cases:
//
//   - In progress (Position set): the resumed walk refetches the page at
//     Position.Token within the same pinned Window, skips what was consumed,
//     and goes on. When it ends, it continues with an incremental walk up to
//     the window asked for now, if that reaches further.
//   - Complete (Position nil): the next walk starts at HighWater and drops the
//     events it already yielded there (Boundary), so events that share one
//     timestamp are neither lost nor repeated (incremental sync).
type Checkpoint struct {
	Version int `json:"version"`
	// Vendor is the vendor package that took the checkpoint ("cisco").
	Vendor string `json:"vendor"`
	// Query is a fingerprint of the walk's filters (not of its time window or
	// page size): a checkpoint is refused by a walk with other filters.
	Query string `json:"query"`
	// Window is the pinned time window of the walk in progress.
	Window Window `json:"window,omitzero"`
	// Position is set while a walk is in progress, nil once it completed.
	Position *Position `json:"position,omitempty"`
	// Floor is set while an incremental walk is in progress: the events at
	// or before Floor.Time that this walk must still drop.
	Floor *Floor `json:"floor,omitempty"`
	// HighWater is the latest event time yielded so far, across walks.
	HighWater time.Time `json:"high_water,omitzero"`
	// Boundary holds the uids of the events yielded at exactly HighWater,
	// with repeats when identical records were yielded more than once.
	Boundary []string `json:"boundary,omitempty"`
	// Events counts the events yielded under this checkpoint, across walks.
	Events int64 `json:"events"`
}

// Complete reports whether the walk that took the checkpoint ran to its end.
func (c *Checkpoint) Complete() bool { return c.Position == nil }

// Clone returns a deep copy.
func (c *Checkpoint) Clone() *Checkpoint {
	if c == nil {
		return nil
	}
	d := *c
	if c.Position != nil {
		p := *c.Position
		d.Position = &p
	}
	if c.Floor != nil {
		f := Floor{Time: c.Floor.Time, UIDs: slices.Clone(c.Floor.UIDs)}
		d.Floor = &f
	}
	d.Boundary = slices.Clone(c.Boundary)
	return &d
}

// Check reports whether the checkpoint can resume a walk of vendor with the
// query fingerprint query. Errors wrap ErrCheckpointMismatch or
// ErrCheckpointInvalid and say which field disagrees.
func (c *Checkpoint) Check(vendor, query string) error {
	if c.Version != CheckpointVersion {
		return fmt.Errorf("%w: format version %d, this SDK reads version %d", ErrCheckpointInvalid, c.Version, CheckpointVersion)
	}
	if c.Vendor != vendor {
		return fmt.Errorf("%w: it was taken for vendor %q, not %q", ErrCheckpointMismatch, c.Vendor, vendor)
	}
	if c.Query != query {
		return fmt.Errorf("%w: it was taken for %s with other filters (query %s, this walk is %s)", ErrCheckpointMismatch, vendor, c.Query, query)
	}
	if c.Position != nil && c.Position.Skip < 0 {
		return fmt.Errorf("%w: position.skip is %d", ErrCheckpointInvalid, c.Position.Skip)
	}
	if c.Window.Empty() {
		return fmt.Errorf("%w: window since %s is after until %s", ErrCheckpointInvalid, c.Window.Since.Format(time.RFC3339), c.Window.Until.Format(time.RFC3339))
	}
	if c.Floor != nil && c.Position == nil {
		return fmt.Errorf("%w: floor without a position", ErrCheckpointInvalid)
	}
	if len(c.Boundary) > 0 && c.HighWater.IsZero() {
		return fmt.Errorf("%w: boundary ids without a high_water time", ErrCheckpointInvalid)
	}
	return nil
}

// ParseCheckpoint decodes a checkpoint from JSON and checks its format.
func ParseCheckpoint(data []byte) (*Checkpoint, error) {
	var c Checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpointInvalid, err)
	}
	if c.Version != CheckpointVersion {
		return nil, fmt.Errorf("%w: format version %d, this SDK reads version %d", ErrCheckpointInvalid, c.Version, CheckpointVersion)
	}
	return &c, nil
}

// Fingerprint returns the query fingerprint of a walk: a short hex digest of
// the vendor and the canonical (sorted) form of its filters. Leave the time
// window, page size and paging parameters out of filters, so that a later
// window with the same filters can resume incrementally.
func Fingerprint(vendor string, filters url.Values) string {
	h := sha256.New()
	h.Write([]byte(vendor))
	h.Write([]byte{0})
	h.Write([]byte(filters.Encode())) // Encode sorts by key
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// boundary is a multiset of the uids yielded at the high-water time.
type boundary struct {
	at    time.Time
	count map[string]int
}

func newBoundary(at time.Time, uids []string) boundary {
	b := boundary{at: at, count: make(map[string]int, len(uids))}
	for _, u := range uids {
		b.count[u]++
	}
	return b
}

// remaining lists the uids not yet consumed, sorted, with repeats.
func (b *boundary) remaining() []string {
	var out []string
	for u, n := range b.count {
		for range n {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// take reports whether an event at t with uid was already yielded, and
// consumes one occurrence of it if so.
func (b *boundary) take(t time.Time, uid string) bool {
	if !t.Equal(b.at) || b.count[uid] == 0 {
		return false
	}
	b.count[uid]--
	return true
}
