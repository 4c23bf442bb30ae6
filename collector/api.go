package collector

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/auditkit/auditkit/internal/eventline"
	"github.com/auditkit/auditkit/ocsf"
)

// Record is one event of a source, as handed to an Output: the OCSF event,
// its JSON encoding (one NDJSON line, without the newline) and what an
// output needs to place it without decoding it again.
type Record struct {
	// Event is the OCSF event.
	Event ocsf.Event
	// JSON is Event encoded as one JSON object, without a trailing newline.
	// Outputs write these bytes as they are; they must not modify them.
	JSON []byte
	// Time is the event's time (Event.Time).
	Time time.Time
	// Class is the OCSF class the event is written as (Event.WrittenClass:
	// a group created or deleted is Entity Management in OCSF 1.1.0).
	Class ocsf.ClassUID
	// UID is the event's metadata.uid.
	UID string
}

// Batch is the events of one source that one checkpoint covers: once the
// output has delivered every record of a batch, the source's checkpoint
// moves past them. A batch is never empty.
type Batch struct {
	// Source is the source's name from the config ("acme-cisco").
	Source string
	// Vendor is the source's vendor ("cisco").
	Vendor string
	// Records are the batch's events in the order the walk yielded them.
	Records []Record
	// Seq numbers the batches of a source, counting from 1 across runs (it
	// is saved with the checkpoint). A batch written again after a crash
	// has the same Seq as the one whose delivery was not committed, so an
	// output can name what it writes deterministically and overwrite
	// instead of adding a duplicate.
	Seq int64
}

// Position is what an output says about a source after a write: opaque
// bytes (JSON) saved in the source's state together with its checkpoint,
// and handed back to Recover after a restart. The file output, for
// example, records the file and its committed length.
type Position = json.RawMessage

// Output delivers batches of events. The collector calls Write for one
// source at a time (never concurrently for the same source; concurrently
// for different sources), and saves the returned Position with the
// checkpoint only after Write returned nil.
type Output interface {
	// Recover is called for a source before its first Write after the
	// collector (or the source) started, with the Position last saved for
	// the source (nil if none). The output discards what it wrote for the
	// source past that position, so that the batch written again after a
	// crash is not delivered twice (the file output cuts the file back to
	// its committed length). An output that cannot discard (stdout, Kafka)
	// documents that it delivers at least once.
	Recover(ctx context.Context, source string, pos Position) error
	// Write delivers b durably (written, flushed, synced, acknowledged) and
	// returns the Position to save with the checkpoint that covers b. On
	// error nothing of b counts as delivered; the collector retries the
	// same batch later, after calling Recover again.
	Write(ctx context.Context, b Batch) (Position, error)
	// Close flushes and releases everything. Write is not called after it.
	Close() error
}

// State is what the collector saves for a source after each delivered
// batch: the vendor checkpoint, the output's position, and a few figures
// for status. It never holds a credential.
type State struct {
	// Version is the store's version of this state: 0 when none was
	// saved yet. Save succeeds only when it still matches the stored one.
	Version int64 `json:"version"`
	// Vendor and Query identify the walk the checkpoint belongs to.
	Vendor string `json:"vendor"`
	// Checkpoint is the vendor walk's checkpoint (auditclient.Checkpoint
	// as JSON), nil before the first delivered batch.
	Checkpoint json.RawMessage `json:"checkpoint,omitempty"`
	// Output is the output's Position after the last delivered batch.
	Output Position `json:"output,omitempty"`
	// Seq is the Seq of the last delivered batch.
	Seq int64 `json:"seq"`
	// Events counts the events delivered for the source, across runs.
	Events int64 `json:"events"`
	// LastSuccess is when a cycle of the source last ended without error.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastRun is when a cycle of the source last ended, with or without
	// error.
	LastRun time.Time `json:"last_run,omitzero"`
	// LastError is the error that ended the last cycle, "" when it ended
	// without one (never holding a credential: the collector redacts the
	// source's secrets from it).
	LastError string `json:"last_error,omitempty"`
	// Newest is the time of the newest event delivered.
	Newest time.Time `json:"newest,omitzero"`
}

// Store keeps each source's State. The shipped store is a directory
// (DirStore); a shared volume between replicas is safe because Save
// compares and swaps on State.Version.
type Store interface {
	// Load returns the source's state, or a zero State (Version 0) when
	// none was saved.
	Load(ctx context.Context, source string) (State, error)
	// Save stores s for the source if the stored version still equals
	// s.Version (0: nothing stored yet), and returns the new version. When
	// another writer saved in between it returns an error matching
	// ErrConflict and stores nothing.
	Save(ctx context.Context, source string, s State) (int64, error)
}

// ErrConflict is matched (errors.Is) by a Store's Save when the stored
// state changed since it was loaded: another replica owns the source.
var ErrConflict = errors.New("collector: state changed by another writer")

// NewRecord makes the Record of an event: its JSON exactly as the CLI
// writes it (auditkit pull: one compact object, HTML not escaped), the
// class that JSON carries (Event.WrittenClass), its time and uid.
func NewRecord(ev ocsf.Event) (Record, error) {
	var enc eventline.Encoder // a fresh buffer: the Record keeps it
	line, err := enc.Encode(&ev)
	if err != nil {
		return Record{}, err
	}
	return Record{Event: ev, JSON: line, Time: ev.Time, Class: ev.WrittenClass(), UID: ev.Metadata.UID}, nil
}
