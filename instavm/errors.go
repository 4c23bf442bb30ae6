package instavm

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
)

// FieldError is one entry of a FastAPI validation error's detail list: where
// the problem is and what it is.
type FieldError struct {
	// Loc is where the problem is, e.g. ["query", "limit"]. Integer
	// elements (array indexes) are written in decimal.
	Loc []string
	// Msg is the API's message, e.g. "Input should be less than or equal
	// to 200".
	Msg string
	// Type is the API's error type, e.g. "less_than_equal".
	Type string
	// Input is the value refused, as the API echoed it (newer FastAPI
	// versions do; not in the document), nil if absent.
	Input json.RawMessage
}

// Path returns Loc joined with dots, e.g. "query.limit".
func (f FieldError) Path() string { return strings.Join(f.Loc, ".") }

// String returns "query.limit: Input should be less than or equal to 200".
func (f FieldError) String() string {
	if len(f.Loc) == 0 {
		return f.Msg
	}
	return f.Path() + ": " + f.Msg
}

// ValidationError is a 422 response: the API refused the request's
// parameters and listed why (FastAPI's HTTPValidationError). It wraps the
// *auditclient.APIError of the response, so errors.As finds both, and it
// matches auditclient.ErrBadRequest with errors.Is.
type ValidationError struct {
	// Errors are the entries of the response's detail list, in order.
	Errors []FieldError
	// Err is the response as an *auditclient.APIError.
	Err *auditclient.APIError
}

// Error lists every entry: "instavm: the API refused the request (422):
// query.limit: Input should be less than or equal to 200".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("instavm: the API refused the request (422)")
	if e.Err != nil && e.Err.URL != "" {
		b.WriteString(" ")
		b.WriteString(e.Err.Method)
		b.WriteString(" ")
		b.WriteString(e.Err.URL)
	}
	for i, f := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the *auditclient.APIError.
func (e *ValidationError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// Is reports whether target is auditclient.ErrBadRequest: a 422 is a
// request the server refused, like a 400.
func (e *ValidationError) Is(target error) bool { return target == auditclient.ErrBadRequest }

// fastAPIError is FastAPI's error body: detail is a string
// (HTTPException) or a list of field errors (HTTPValidationError).
type fastAPIError struct {
	Detail json.RawMessage `json:"detail"`
}

type fastAPIFieldError struct {
	Loc   []json.RawMessage `json:"loc"`
	Msg   string            `json:"msg"`
	Type  string            `json:"type"`
	Input json.RawMessage   `json:"input"`
}

// fieldErrors reads a detail list; ok is false when detail is not a list.
func fieldErrors(detail json.RawMessage) ([]FieldError, bool) {
	var list []fastAPIFieldError
	if len(detail) == 0 || detail[0] != '[' || json.Unmarshal(detail, &list) != nil {
		return nil, false
	}
	out := make([]FieldError, 0, len(list))
	for _, f := range list {
		fe := FieldError{Msg: f.Msg, Type: f.Type, Input: f.Input}
		for _, l := range f.Loc {
			var s string
			if json.Unmarshal(l, &s) == nil {
				fe.Loc = append(fe.Loc, s)
			} else {
				fe.Loc = append(fe.Loc, string(l)) // an integer, as sent
			}
		}
		out = append(out, fe)
	}
	return out, true
}

// parseError reads FastAPI's error bodies: {"detail":"Not authenticated"}
// and {"detail":[{"loc":["query","limit"],"msg":"...","type":"..."}]}.
// Other JSON shapes ({"message"}, {"error"}) are read too; a body that is
// not JSON (Starlette's plain-text "Internal Server Error") gives its first
// line as the message.
func parseError(status int, body []byte) auditclient.ErrorDetails {
	var d auditclient.ErrorDetails
	var env struct {
		fastAPIError
		Message   string `json:"message"`
		Error     string `json:"error"`
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(body, &env) != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
		if len(line) > 200 {
			line = line[:200] + "…"
		}
		d.Message = line
		return d
	}
	d.RequestID = env.RequestID
	if list, ok := fieldErrors(env.Detail); ok {
		d.Message = "validation error"
		if status != http.StatusUnprocessableEntity {
			d.Message = http.StatusText(status)
		}
		for _, f := range list {
			d.Details = append(d.Details, f.String())
			if d.Code == "" {
				d.Code = f.Type
			}
		}
		return d
	}
	var s string
	if json.Unmarshal(env.Detail, &s) == nil {
		d.Message = s
	} else if len(env.Detail) > 0 && string(env.Detail) != "null" {
		d.Message = string(env.Detail) // an object: keep it as sent
	}
	if d.Message == "" {
		d.Message = env.Message
	}
	if d.Message == "" {
		d.Message = env.Error
	}
	return d
}

// asValidationError turns the *APIError of a 422 into a *ValidationError;
// other errors are returned as they are.
func asValidationError(err error) error {
	var api *auditclient.APIError
	if !errors.As(err, &api) || api.StatusCode != http.StatusUnprocessableEntity {
		return err
	}
	var env fastAPIError
	ve := &ValidationError{Err: api}
	if json.Unmarshal(api.Body, &env) == nil {
		ve.Errors, _ = fieldErrors(env.Detail)
	}
	if len(ve.Errors) == 0 && api.Message != "" {
		ve.Errors = []FieldError{{Msg: api.Message}}
	}
	return ve
}
