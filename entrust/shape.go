package entrust

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonscan"
)

// The helpers below check the shape of a response against the document and
// report a mismatch as an *auditclient.PathError, which the client turns
// into a permanent *auditclient.DecodeError naming the JSON path: a wrong
// body is an error, never "no events".

// jsonKind names the JSON type of a raw value, for error messages.
func jsonKind(val []byte) string {
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

// pathError returns a *auditclient.PathError at path.
func pathError(path, format string, args ...any) error {
	return &auditclient.PathError{Path: path, Err: fmt.Errorf(format, args...)}
}

// rebase puts an error of a value decoded on its own (whose paths start at
// "$") under path: a *auditclient.PathError at "$.eventTime" becomes one at
// path+".eventTime"; any other error is put at path.
func rebase(err error, path string) error {
	var pe *auditclient.PathError
	if errors.As(err, &pe) {
		return &auditclient.PathError{Path: path + strings.TrimPrefix(pe.Path, "$"), Err: pe.Err}
	}
	return &auditclient.PathError{Path: path, Err: err}
}

// members calls fn for each member of the JSON object val, which lies at
// path; anything but an object is a *auditclient.PathError there.
func members(val []byte, path string, fn func(key string, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '{' {
		return pathError(path, "want an object, got %s", jsonKind(val))
	}
	err := jsonscan.Members(val, fn)
	if errors.Is(err, jsonscan.ErrSyntax) {
		return pathError(path, "not a JSON object: %s", jsonscan.Clip(val))
	}
	return err
}

// elements calls fn with the index and value of each element of the JSON
// array val, which lies at path; anything but an array (null included) is
// a *auditclient.PathError there.
func elements(val []byte, path string, fn func(i int, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '[' {
		return pathError(path, "want an array, got %s", jsonKind(val))
	}
	i := 0
	err := jsonscan.Elements(val, func(el []byte) error {
		err := fn(i, el)
		i++
		return err
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return pathError(path, "not a JSON array: %s", jsonscan.Clip(val))
	}
	return err
}

// count reads a non-negative integer (a count or an offset) at path.
func count(val []byte, path string) (int, error) {
	t := bytes.TrimSpace(val)
	n, err := strconv.Atoi(string(t))
	if err != nil || n < 0 {
		if len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
			return 0, pathError(path, "want a non-negative integer, got %s", jsonscan.Clip(t))
		}
		return 0, pathError(path, "want a non-negative integer, got %s", jsonKind(t))
	}
	return n, nil
}
