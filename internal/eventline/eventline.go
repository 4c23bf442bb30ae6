// Package eventline renders OCSF events as the auditkit CLI writes them: one
// NDJSON line per event, the OCSF event (--format ocsf) or the vendor's
// record as sent, compacted (--format raw). The CLI and the benchmarks in
// package bench share it, so that the benchmarks measure the CLI's output
// path.
package eventline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/auditkit/auditkit/ocsf"
)

// Encoder renders events one at a time into a buffer it reuses: the line
// Encode returns is valid until the next call. The zero value renders OCSF
// events. An Encoder is not safe for concurrent use.
type Encoder struct {
	// Raw selects the vendor's record (the event's raw_data) instead of the
	// OCSF event.
	Raw bool

	buf bytes.Buffer
	enc *json.Encoder
}

// ErrNoRawData is returned by Encode in raw mode for an event without
// raw_data.
var ErrNoRawData = errors.New("an event has no raw_data: --format raw cannot write it")

// Encode renders ev as one line, without its newline.
func (e *Encoder) Encode(ev *ocsf.Event) ([]byte, error) {
	e.buf.Reset()
	if e.Raw {
		if ev.RawData == "" {
			return nil, ErrNoRawData
		}
		if err := compact(&e.buf, ev.RawData); err != nil {
			return nil, fmt.Errorf("an event's raw_data is not JSON: %v", err)
		}
		return e.buf.Bytes(), nil
	}
	if e.enc == nil {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
	}
	if err := e.enc.Encode(ev); err != nil {
		return nil, fmt.Errorf("encoding an event: %v", err)
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), nil
}

// compact appends raw, compacted, to buf.
func compact(buf *bytes.Buffer, raw string) error {
	return json.Compact(buf, []byte(raw))
}
