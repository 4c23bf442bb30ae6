package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// StdoutOutput writes every source's events as NDJSON lines to standard
// output (or any io.Writer), for a pipeline that reads the collector's
// output: `auditkit collect --config c.yaml | vector ...`, or
// `output: {stdout: true}` in a config file.
//
// Delivery is at least once: Write returns once the batch's lines are
// written and flushed (and synced when the writer is a file that can be),
// but what was written cannot be taken back, so Recover does nothing and
// a batch whose checkpoint was not saved before a crash is written again
// after the restart. A reader that needs exactly once removes duplicates
// by metadata.uid. Lines of concurrent sources never interleave: each
// batch is written whole under a lock.
type StdoutOutput struct {
	mu     sync.Mutex
	w      io.Writer
	bw     *bufio.Writer
	closed bool
}

var _ Output = (*StdoutOutput)(nil)

// NewStdoutOutput returns an output writing to w; nil means os.Stdout.
func NewStdoutOutput(w io.Writer) *StdoutOutput {
	if w == nil {
		w = os.Stdout
	}
	return &StdoutOutput{w: w, bw: bufio.NewWriterSize(w, 64<<10)}
}

// Recover does nothing: what was written to a stream cannot be taken back
// (at-least-once delivery).
func (o *StdoutOutput) Recover(ctx context.Context, source string, pos Position) error {
	return nil
}

// Write writes the batch's lines, flushes them, and returns the Position
// {"seq": b.Seq}.
func (o *StdoutOutput) Write(ctx context.Context, b Batch) (Position, error) {
	if len(b.Records) == 0 {
		return nil, fmt.Errorf("stdout output: source %s: an empty batch", b.Source)
	}
	for i, r := range b.Records {
		if len(r.JSON) == 0 || bytes.IndexByte(r.JSON, '\n') >= 0 {
			return nil, fmt.Errorf("stdout output: source %s: record %d (uid %q) is not one line of JSON", b.Source, i, r.UID)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, errors.New("stdout output: closed")
	}
	for _, r := range b.Records {
		o.bw.Write(r.JSON)
		o.bw.WriteByte('\n')
	}
	if err := o.bw.Flush(); err != nil {
		// The writer is broken (a closed pipe): what was buffered is
		// dropped with it, and the batch is written again later.
		o.bw.Reset(o.w)
		return nil, fmt.Errorf("stdout output: source %s: %w", b.Source, err)
	}
	if f, ok := o.w.(*os.File); ok {
		if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
			return nil, fmt.Errorf("stdout output: source %s: sync: %w", b.Source, err)
		}
	}
	return json.Marshal(struct {
		Seq int64 `json:"seq"`
	}{b.Seq})
}

// Close flushes what is buffered (nothing, after a successful Write). It
// does not close the writer.
func (o *StdoutOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	return o.bw.Flush()
}

func init() {
	RegisterOutput("stdout", func(ctx context.Context, spec OutputSpec, check bool) (Output, error) {
		// output: {stdout: true}, or output: {stdout: {}}.
		var sec struct {
			Stdout *bool `yaml:"stdout"`
		}
		if err := spec.Decode(&sec); err != nil {
			return nil, err
		}
		if sec.Stdout != nil && !*sec.Stdout {
			return nil, errors.New("stdout: false writes nowhere: give stdout: true, or a path")
		}
		if check {
			return nil, nil
		}
		return NewStdoutOutput(nil), nil
	})
}
