package automox

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonscan"
)

// ErrStalledCursor is wrapped by the *auditclient.DecodeError that ends a
// walk over a day whose pages stop moving forward: a full page whose last
// event's id is a cursor the day already used (the server ignores the
// cursor, or sends ids out of order), or a full page of events that were
// all on the page before. Following such a server would never end.
var ErrStalledCursor = errors.New("automox: the day's pages do not move forward")

// eventList is the body of the events endpoint: a bare JSON array of
// events. Anything else (an object, null, a string) is an
// *auditclient.PathError at "$", and an element that is not an event one at
// "$[i]" or "$[i].field": a wrong body is an error, never "no events". The
// empty array is the documented answer of a day without (more) events.
type eventList []AuditEvent

// UnmarshalJSON decodes the array element by element, naming the element
// (and its field) of any problem.
func (l *eventList) UnmarshalJSON(data []byte) error {
	*l = nil
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '[' {
		return &auditclient.PathError{Path: "$", Err: fmt.Errorf("want an array of events (the endpoint's documented body), got %s", jsonKind(t))}
	}
	out := eventList{}
	i := 0
	err := jsonscan.Elements(t, func(val []byte) error {
		path := "$[" + strconv.Itoa(i) + "]"
		i++
		if v := bytes.TrimSpace(val); len(v) == 0 || v[0] != '{' {
			return &auditclient.PathError{Path: path, Err: fmt.Errorf("want an event (an object), got %s", jsonKind(v))}
		}
		var e AuditEvent
		if err := e.UnmarshalJSON(val); err != nil {
			return rebase(err, path)
		}
		out = append(out, e)
		return nil
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return &auditclient.PathError{Path: "$", Err: fmt.Errorf("not a JSON array: %s", jsonscan.Clip(t))}
	}
	if err != nil {
		return err
	}
	*l = out
	return nil
}

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

// rebase puts the error of a value decoded on its own (whose paths start at
// "$") under path; any other error is put at path.
func rebase(err error, path string) error {
	var pe *auditclient.PathError
	if errors.As(err, &pe) {
		return &auditclient.PathError{Path: path + strings.TrimPrefix(pe.Path, "$"), Err: pe.Err}
	}
	return &auditclient.PathError{Path: path, Err: err}
}

// stalled returns the permanent error of a page (fetched from u, redacted)
// that does not move its day forward.
func stalled(u, path, format string, args ...any) error {
	return &auditclient.DecodeError{Vendor: Vendor, Method: http.MethodGet, URL: u, Path: path,
		Err: &auditclient.PathError{Path: path, Err: fmt.Errorf("%w: "+format, append([]any{ErrStalledCursor}, args...)...)}}
}
