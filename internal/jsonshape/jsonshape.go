// Package jsonshape checks the shape of a vendor's response against its
// document and reports a mismatch as an *auditclient.PathError naming the
// JSON path of the problem ("$", "$.data", "$.data[3].created_at"). The
// client turns such an error into a permanent *auditclient.DecodeError: a
// body of the wrong shape is an error, never a page without events.
//
// The vendors' page decoders share these helpers, and their record types
// those of record.go (the error of a record that is not an object, a
// required time member, MarshalJSON of a record built in code, the digest
// uid of a record without an id); what a page or a record must hold (which
// members are required, what each is called) stays with each vendor.
package jsonshape

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonscan"
)

// Kind names the JSON type of a raw value, for error messages: "an
// object", "an array", "a string", "null", "a boolean", "a number", or
// "nothing" for an empty value.
func Kind(val []byte) string {
	val = bytes.TrimSpace(val)
	if len(val) == 0 {
		return "nothing"
	}
	switch val[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// Errorf returns a *auditclient.PathError at path whose Err is
// fmt.Errorf(format, args...) (so %w wraps).
func Errorf(path, format string, args ...any) error {
	return &auditclient.PathError{Path: path, Err: fmt.Errorf(format, args...)}
}

// Rebase puts an error of a value decoded on its own (whose paths start at
// "$") under path: a *auditclient.PathError at "$.eventTime" becomes one at
// path+".eventTime"; any other error is put at path.
func Rebase(err error, path string) error {
	var pe *auditclient.PathError
	if errors.As(err, &pe) {
		return &auditclient.PathError{Path: path + strings.TrimPrefix(pe.Path, "$"), Err: pe.Err}
	}
	return &auditclient.PathError{Path: path, Err: err}
}

// Members calls fn for each member of the JSON object val, which lies at
// path; anything but an object is a *auditclient.PathError there. An error
// from fn stops the scan and is returned as it is.
func Members(val []byte, path string, fn func(key string, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '{' {
		return Errorf(path, "want an object, got %s", Kind(val))
	}
	err := jsonscan.Members(val, fn)
	if errors.Is(err, jsonscan.ErrSyntax) {
		return Errorf(path, "not a JSON object: %s", jsonscan.Clip(val))
	}
	return err
}

// Elements calls fn with the index and value of each element of the JSON
// array val, which lies at path; anything but an array (null included) is
// a *auditclient.PathError there. An error from fn stops the scan and is
// returned as it is.
func Elements(val []byte, path string, fn func(i int, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '[' {
		return Errorf(path, "want an array, got %s", Kind(val))
	}
	i := 0
	err := jsonscan.Elements(val, func(el []byte) error {
		err := fn(i, el)
		i++
		return err
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return Errorf(path, "not a JSON array: %s", jsonscan.Clip(val))
	}
	return err
}

// Unmarshaler is a pointer to a record type T that decodes itself, with
// the paths of its errors starting at "$".
type Unmarshaler[T any] interface {
	*T
	UnmarshalJSON([]byte) error
}

// Records decodes the JSON array val, which lies at path, as records of
// type T, each by its own UnmarshalJSON; the error of element i is put
// under path+"[i]" (see Rebase). Anything but an array is a
// *auditclient.PathError at path. The records decoded before an error are
// returned with it; the slice is never nil.
func Records[T any, P Unmarshaler[T]](val []byte, path string) ([]T, error) {
	out := make([]T, 0, 16)
	err := Elements(val, path, func(i int, el []byte) error {
		out = append(out, *new(T))
		if err := P(&out[len(out)-1]).UnmarshalJSON(el); err != nil {
			return Rebase(err, path+"["+strconv.Itoa(i)+"]")
		}
		return nil
	})
	return out, err
}

// Count reads a non-negative integer (a count or an offset) at path.
func Count(val []byte, path string) (int, error) {
	t := bytes.TrimSpace(val)
	n, err := strconv.Atoi(string(t))
	if err != nil || n < 0 {
		if len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
			return 0, Errorf(path, "want a non-negative integer, got %s", jsonscan.Clip(t))
		}
		return 0, Errorf(path, "want a non-negative integer, got %s", Kind(t))
	}
	return n, nil
}

// OptString reads a string, or null (""), at path; any other value is a
// *auditclient.PathError "want a string or null".
func OptString(val []byte, path string) (string, error) {
	if jsonscan.IsNull(val) {
		return "", nil
	}
	s, err := jsonscan.Unquote(val)
	if err != nil {
		return "", Errorf(path, "want a string or null, got %s", Kind(val))
	}
	return s, nil
}
