package automox

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonshape"
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
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '[' {
		return jsonshape.Errorf("$", "want an array of events (the endpoint's documented body), got %s", jsonshape.Kind(t))
	}
	out := eventList{}
	err := jsonshape.Elements(data, "$", func(i int, val []byte) error {
		path := "$[" + strconv.Itoa(i) + "]"
		if v := bytes.TrimSpace(val); len(v) == 0 || v[0] != '{' {
			return jsonshape.Errorf(path, "want an event (an object), got %s", jsonshape.Kind(v))
		}
		var e AuditEvent
		if err := e.UnmarshalJSON(val); err != nil {
			return jsonshape.Rebase(err, path)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return err
	}
	*l = out
	return nil
}

// stalled returns the permanent error of a page (fetched from u, redacted)
// that does not move its day forward.
func stalled(u, path, format string, args ...any) error {
	return &auditclient.DecodeError{Vendor: Name, Method: http.MethodGet, URL: u, Path: path,
		Err: &auditclient.PathError{Path: path, Err: fmt.Errorf("%w: "+format, append([]any{ErrStalledCursor}, args...)...)}}
}
