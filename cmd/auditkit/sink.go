package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// sinkBuffer is how many bytes of whole lines a sink holds before writing
// them out between two checkpoints.
const sinkBuffer = 256 << 10

// sink buffers NDJSON lines and writes whole lines only: a write never ends
// in the middle of a line, so a reader (or a file cut back to a checkpoint's
// length) always sees whole events.
type sink struct {
	w    io.Writer
	file *os.File // the --output file, synced on flush; nil for stdout
	buf  []byte
	n    int64 // bytes written to w (for a file: its length)
}

// openOutput opens the --output file for appending, after cutting it back
// to length when keep is set (a resumed run: the bytes past the checkpoint's
// length hold events the checkpoint does not count). It fails when the file
// is shorter than length: someone else changed it.
func openOutput(path string, keep bool, length int64) (*sink, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size := fi.Size()
	if keep {
		switch {
		case size < length:
			f.Close()
			return nil, &outputChangedError{path: path, size: size, length: length}
		case size > length:
			if err := f.Truncate(length); err != nil {
				f.Close()
				return nil, err
			}
			if err := f.Sync(); err != nil {
				f.Close()
				return nil, err
			}
			size = length
		}
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &sink{w: f, file: f, n: size}, nil
}

// outputChangedError reports an output shorter than its checkpoint says.
type outputChangedError struct {
	path         string
	size, length int64
}

func (e *outputChangedError) Error() string {
	return fmt.Sprintf("output %s is %d bytes, shorter than the %d bytes its checkpoint counts: it was changed by something else; move it or the checkpoint away to start over", e.path, e.size, e.length)
}

// line adds one line (without its newline) to the buffer.
func (s *sink) line(b []byte) error {
	s.buf = append(s.buf, b...)
	s.buf = append(s.buf, '\n')
	if len(s.buf) >= sinkBuffer {
		return s.write()
	}
	return nil
}

// write writes the buffered lines out.
func (s *sink) write() error {
	for len(s.buf) > 0 {
		n, err := s.w.Write(s.buf)
		s.n += int64(n)
		s.buf = s.buf[n:]
		if err != nil {
			s.buf = s.buf[:0]
			return err
		}
		if n == 0 {
			s.buf = s.buf[:0]
			return io.ErrShortWrite
		}
	}
	s.buf = s.buf[:0]
	return nil
}

// flush writes the buffered lines out and, for a file, syncs it to disk:
// after flush, the first s.n bytes are durable.
func (s *sink) flush() error {
	if err := s.write(); err != nil {
		return err
	}
	if s.file != nil {
		return s.file.Sync()
	}
	return nil
}

// close closes the output file, if any.
func (s *sink) close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
