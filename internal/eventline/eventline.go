// Package eventline renders OCSF events as the auditkit CLI writes them: one
// NDJSON line per event, the OCSF event (--format ocsf) or the vendor's
// record as sent, compacted (--format raw). The CLI and the benchmarks in
// package bench share it, so that the benchmarks measure the CLI's output
// path.
package eventline

import (
	"errors"
	"fmt"

	"github.com/auditkit/auditkit/internal/jsonscan"
	"github.com/auditkit/auditkit/ocsf"
)

// Encoder renders events one at a time into a buffer it reuses: the line
// Encode returns is valid until the next call. The zero value renders OCSF
// events. An Encoder is not safe for concurrent use.
//
// The lines are byte for byte those of a json.Encoder with SetEscapeHTML
// (false) (OCSF) and of json.Compact (raw), which the tests check, at a
// fraction of the cost: encoding/json validates and compacts a Marshaler's
// output with its general scanner, which cost about as much as the
// marshalling itself; jsonscan.AppendCompact does the same work faster.
type Encoder struct {
	// Raw selects the vendor's record (the event's raw_data) instead of the
	// OCSF event.
	Raw bool

	buf []byte
}

// ErrNoRawData is returned by Encode in raw mode for an event without
// raw_data.
var ErrNoRawData = errors.New("an event has no raw_data: --format raw cannot write it")

// Encode renders ev as one line, without its newline.
func (e *Encoder) Encode(ev *ocsf.Event) ([]byte, error) {
	if e.Raw {
		if ev.RawData == "" {
			return nil, ErrNoRawData
		}
		out, err := jsonscan.AppendCompact(e.buf[:0], ev.RawData)
		if err != nil {
			return nil, fmt.Errorf("an event's raw_data is not JSON: %v", err)
		}
		e.buf = out
		return out, nil
	}
	b, err := ev.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encoding an event: %v", err)
	}
	out, err := jsonscan.AppendCompact(e.buf[:0], b)
	if err != nil {
		return nil, fmt.Errorf("encoding an event: MarshalJSON gave invalid JSON: %v", err)
	}
	e.buf = out
	return out, nil
}
