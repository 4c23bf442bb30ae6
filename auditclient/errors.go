package auditclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error a Client returns can be tested against them
// with errors.Is; the typed errors (*APIError, *RateLimitError, *DecodeError,
// *RequestError) carry the details and are found with errors.As.
var (
	// ErrUnauthorized matches a 401 response: the credentials are missing,
	// wrong or expired.
	ErrUnauthorized = errors.New("auditclient: unauthorized")
	// ErrForbidden matches a 403 response: the credentials lack a scope.
	ErrForbidden = errors.New("auditclient: forbidden")
	// ErrNotFound matches a 404 response.
	ErrNotFound = errors.New("auditclient: not found")
	// ErrRateLimited matches a 429 response and every *RateLimitError.
	ErrRateLimited = errors.New("auditclient: rate limited")
	// ErrForeignHost matches a refusal to send a request (or follow a
	// redirect or next link) to another scheme, host or port than the
	// client's base URL. Nothing is sent when it is returned.
	ErrForeignHost = errors.New("auditclient: refusing a URL on another origin (scheme, host or port) than the base URL")
	// ErrResponseTooLarge matches a response body over Config.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("auditclient: response body too large")
	// ErrMalformedResponse matches every *DecodeError: a 2xx response whose
	// body is not the JSON expected.
	ErrMalformedResponse = errors.New("auditclient: malformed response")
	// ErrRetryBudgetExhausted is wrapped, beside the last response's error,
	// when a call was not retried because the client's shared retry budget
	// was spent by recent failures.
	ErrRetryBudgetExhausted = errors.New("auditclient: retry budget exhausted (too many retries across this client recently)")
	// ErrBadRequest matches a 400 response: a parameter the server refused.
	ErrBadRequest = errors.New("auditclient: bad request")
	// ErrNoProgress is wrapped by the *DecodeError that ends a walk whose
	// pages stopped bringing new records (Source.MaxStalePages): a server
	// that hands out a new cursor or next link each time with the same
	// records, or empty pages forever.
	ErrNoProgress = errors.New("auditclient: the server's pages bring no new record")
	// ErrServer matches any 5xx response.
	ErrServer = errors.New("auditclient: server error")
)

// ErrorDetails is what an error body says, as read by Config.ErrorParser.
type ErrorDetails struct {
	// Code is the vendor's error code, if any ("401", "invalid_client").
	Code string
	// Message is the main human-readable message.
	Message string
	// Details are further messages (field errors, hints).
	Details []string
	// RequestID is a request id found in the body; a request-id header, when
	// present, takes precedence.
	RequestID string
}

// APIError is a response with a non-2xx status, after retries (if the status
// was retryable) ran out. Every string in it has been redacted: no credential
// of the client appears in it, even when the server echoes one back.
//
// errors.Is(err, ErrUnauthorized) and the like test its status; see Is.
type APIError struct {
	Vendor     string   // the vendor package ("cisco")
	StatusCode int      // HTTP status
	Code       string   // vendor's error code, if its body had one
	Message    string   // vendor's message, if its body had one
	Details    []string // further messages from the body
	RequestID  string   // from X-Request-Id and similar headers, else the body
	Method     string   // request method
	URL        string   // request URL, redacted (see RedactURL)
	Body       []byte   // at most the first 1 MiB of the body, redacted
	Attempts   int      // attempts made, including the first
	// RateLimit holds the rate-limit headers of the response.
	RateLimit RateLimitInfo
}

// Error returns, for example,
// "cisco: GET https://host/v1/audit_logs?limit=5: 401 Unauthorized: Unknown API key or Client ID (code 401, request id X)".
func (e *APIError) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(errPrefix(e.Vendor, e.Method, e.URL))
	b.WriteString(strconv.Itoa(e.StatusCode))
	text := http.StatusText(e.StatusCode)
	if text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	var parts []string
	if m := strings.TrimSpace(e.Message); m != "" && !strings.EqualFold(m, text) {
		parts = append(parts, m)
	}
	for _, d := range e.Details {
		if d = strings.TrimSpace(d); d != "" && !strings.EqualFold(d, text) {
			parts = append(parts, d)
		}
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(truncateText(strings.Join(parts, "; "), 512))
	}
	var paren []string
	if e.Code != "" {
		paren = append(paren, "code "+truncateText(e.Code, 64))
	}
	if e.RequestID != "" {
		paren = append(paren, "request id "+truncateText(e.RequestID, 128))
	}
	if e.Attempts > 1 {
		paren = append(paren, "after "+strconv.Itoa(e.Attempts)+" attempts")
	}
	if len(paren) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(paren, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether the status matches target: 400 ErrBadRequest,
// 401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound, 429 ErrRateLimited,
// 5xx ErrServer.
func (e *APIError) Is(target error) bool {
	if e == nil {
		return false
	}
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// Format prints Error() for every verb, so that %v, %+v and %#v show nothing
// the message does not.
func (e *APIError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// RateLimitError reports that the server's quota is spent and the wait it
// asks for is longer than the retry policy's MaxDelay, or that the retries
// ran out on 429 responses. It matches ErrRateLimited; Unwrap returns the
// *APIError of the last response, if there was one.
type RateLimitError struct {
	// APIError is the 429 (or 503) response; nil when the client failed
	// fast on a quota pause without sending anything.
	APIError *APIError
	// Vendor is the vendor package ("cisco").
	Vendor string
	// RetryAfter is how long the server asked to wait (Retry-After or the
	// rate-limit reset); 0 if it did not say.
	RetryAfter time.Duration
	// Limit and Remaining are the rate-limit headers' values, -1 if absent.
	Limit, Remaining int
	// Reset is the rate-limit reset header's value (time until the window
	// resets), 0 if absent.
	Reset time.Duration
	// MaxDelay is the retry policy's longest wait, when RetryAfter exceeded
	// it; 0 otherwise.
	MaxDelay time.Duration
}

// Error describes the limit and what to do about it.
func (e *RateLimitError) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	if e.APIError != nil {
		b.WriteString(e.APIError.Error())
	} else {
		b.WriteString(e.Vendor)
		b.WriteString(": rate limited: the quota is spent")
		if e.Limit >= 0 && e.Remaining >= 0 {
			fmt.Fprintf(&b, " (%d of %d left)", e.Remaining, e.Limit)
		}
		b.WriteString("; nothing was sent")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
		if e.MaxDelay > 0 && e.RetryAfter > e.MaxDelay {
			fmt.Fprintf(&b, " (longer than the retry policy's MaxDelay %s, so the client did not wait: retry later or raise MaxDelay)", e.MaxDelay)
		}
	}
	return b.String()
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns the *APIError of the last response, or nil.
func (e *RateLimitError) Unwrap() error {
	if e == nil || e.APIError == nil {
		return nil
	}
	return e.APIError
}

// Format prints Error() for every verb.
func (e *RateLimitError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// DecodeError is a 2xx response whose body could not be read as the JSON
// expected: malformed JSON, wrong types, an empty body, trailing data, or a
// body over Config.MaxResponseBytes (then it wraps ErrResponseTooLarge). It
// is not retried. It matches ErrMalformedResponse; Unwrap returns Err.
type DecodeError struct {
	Vendor string // the vendor package ("cisco")
	Method string // request method
	URL    string // request URL, redacted
	// Path is the JSON path of the problem ("$.metadata.links.next",
	// "$.data[3].created_at") when it is known, else "".
	Path string
	Err  error // what was wrong; a *json.SyntaxError, *json.UnmarshalTypeError or *PathError where JSON was at fault
}

// PathError is what a vendor's decoder returns for JSON that is well formed
// but not of the shape the API documents: a missing envelope, an object
// where an array belongs, a string where a number belongs. Path is a JSON
// path from the document's root ("$", "$.data", "$.data[3].time"). The
// client turns it into a *DecodeError whose Path is Path; it is never
// retried.
type PathError struct {
	Path string
	Err  error
}

// Error returns, for example, "at $.data: want an array, got an object".
func (e *PathError) Error() string {
	if e == nil {
		return "<nil>"
	}
	msg := "unexpected JSON"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Path == "" {
		return msg
	}
	return "at " + e.Path + ": " + msg
}

// Unwrap returns Err.
func (e *PathError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Error returns, for example,
// "cisco: GET https://host/v1/audit_logs: decoding response: invalid character 'x' looking for beginning of value (at byte offset 12)".
func (e *DecodeError) Error() string {
	if e == nil {
		return "<nil>"
	}
	msg := "malformed response"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return errPrefix(e.Vendor, e.Method, e.URL) + "decoding response: " + msg
}

// Is reports whether target is ErrMalformedResponse.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformedResponse }

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Format prints Error() for every verb.
func (e *DecodeError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// RequestError is a call that got no usable response: a transport failure
// (connection refused or reset, TLS, DNS, a body cut short after the
// retries), a refused URL (ErrForeignHost), a cancelled context, or a request
// that could not be built. Unwrap returns the cause; the *url.Error of
// net/http is replaced by its cause, and the message is redacted.
type RequestError struct {
	Vendor   string // the vendor package ("cisco")
	Method   string // request method
	URL      string // request URL, redacted
	Err      error  // the cause
	Attempts int    // attempts made; 0 when nothing was sent

	msg string // Err's message, redacted when the error was made
}

// Error returns, for example,
// "cisco: GET https://host/v1/audit_logs: read tcp 127.0.0.1:1234->127.0.0.1:443: connection reset by peer (after 6 attempts)".
func (e *RequestError) Error() string {
	if e == nil {
		return "<nil>"
	}
	msg := e.msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	s := errPrefix(e.Vendor, e.Method, e.URL) + msg
	if e.Attempts > 1 {
		s += " (after " + strconv.Itoa(e.Attempts) + " attempts)"
	}
	return s
}

// Unwrap returns Err.
func (e *RequestError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Timeout reports whether the cause was a timeout.
func (e *RequestError) Timeout() bool {
	var t interface{ Timeout() bool }
	return e != nil && errors.As(e.Err, &t) && t.Timeout()
}

// Format prints Error() for every verb.
func (e *RequestError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// ConfigError is an invalid Config field or Option, reported by New before
// anything is sent. It names the option and what is allowed.
//
// A vendor's NewClient reports a missing or malformed positional setting
// (a server, a tenant, a credential) the same way, with Option naming the
// setting (e.g. "apiKey") and Env the environment variable the auditkit CLI
// reads it from. It matches ErrBadConfig.
type ConfigError struct {
	Vendor string // Config.Vendor, may be empty
	Option string // the field and its option, e.g. "BaseURL (WithBaseURL)", or a setting, e.g. "apiKey"
	Value  string // the value given, quoted; never a credential
	Reason string // what is allowed
	Env    string // the environment variable the CLI reads the setting from; may be empty
}

// Error returns, for example,
// `cisco: invalid BaseURL (WithBaseURL) "ftp://h": the scheme must be http or https`.
func (e *ConfigError) Error() string {
	if e == nil {
		return "<nil>"
	}
	// Named by its vendor, as every other error of a vendor's client is
	// (and an *OptionError); "auditclient" when there is none.
	s := "auditclient: "
	if e.Vendor != "" {
		s = e.Vendor + ": "
	}
	s += "invalid " + e.Option
	if e.Env != "" {
		s += " (" + e.Env + ")"
	}
	if e.Value != "" {
		s += " " + e.Value
	}
	return s + ": " + e.Reason
}

// Is reports whether target is ErrBadConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrBadConfig }

// ErrBadConfig matches every *ConfigError: a client that could not be made
// from its settings and options. Nothing was sent.
var ErrBadConfig = errors.New("auditclient: invalid client configuration")

// ErrBadOption matches every *OptionError: a walk's or a page's options
// that are not allowed. Nothing was sent.
var ErrBadOption = errors.New("auditclient: option not allowed")

// OptionError is a value of a vendor's ListOptions (or of a filter given by
// name through the vendors registry) that is not allowed. It is returned
// before any request is sent: by ListOptions.Validate, ListPage, Pages, or
// Events (from the iterator's Err). It matches ErrBadOption.
type OptionError struct {
	Vendor  string // the vendor, e.g. "cisco"
	Option  string // the parameter as the API spells it, e.g. "limit"
	Value   string // the value given
	Allowed string // what is allowed
}

// Error names the vendor, the option, the value and what is allowed, e.g.
// `cisco: option limit="900" is not allowed: an integer from 1 to 500`.
func (e *OptionError) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := ""
	if e.Vendor != "" {
		s = e.Vendor + ": "
	}
	return s + "option " + e.Option + "=" + strconv.Quote(e.Value) + " is not allowed: " + e.Allowed
}

// Is reports whether target is ErrBadOption.
func (e *OptionError) Is(target error) bool { return target == ErrBadOption }

// Format prints Error() for every verb.
func (e *OptionError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// Format prints Error() for every verb.
func (e *ConfigError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

func errPrefix(vendor, method, u string) string {
	var b strings.Builder
	if vendor != "" {
		b.WriteString(vendor)
		b.WriteString(": ")
	}
	if method != "" {
		b.WriteString(method)
		b.WriteString(" ")
	}
	if u != "" {
		b.WriteString(u)
	}
	if method != "" || u != "" {
		b.WriteString(": ")
	}
	return b.String()
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// do not cut a UTF-8 sequence in half
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// formatError writes err's message for every verb; %q quotes it.
func formatError(f fmt.State, verb rune, err error) {
	msg := err.Error()
	if verb == 'q' {
		msg = strconv.Quote(msg)
	}
	_, _ = f.Write([]byte(msg))
}

// wrapped is an error with a fixed (already redacted) message and causes for
// errors.Is/As. It prints only its message for every verb.
type wrapped struct {
	msg  string
	errs []error
}

func (w *wrapped) Error() string                 { return w.msg }
func (w *wrapped) Unwrap() []error               { return w.errs }
func (w *wrapped) Format(f fmt.State, verb rune) { formatError(f, verb, w) }

// parseGenericError reads the common shapes of JSON error bodies:
// {"errors":[{...}]} (Cisco, JSON:API, GitHub), {"message":...},
// {"error":"..."} and {"error":{...}} (OAuth, Google), {"detail":...}
// (RFC 7807, FastAPI). A non-JSON text body becomes the message; HTML is
// ignored.
func parseGenericError(_ int, body []byte) ErrorDetails {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ErrorDetails{}
	}
	switch body[0] {
	case '<':
		return ErrorDetails{}
	case '{', '[':
	default:
		line, _, _ := strings.Cut(string(body), "\n")
		return ErrorDetails{Message: truncateText(strings.TrimSpace(line), 256)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ErrorDetails{}
	}
	var d ErrorDetails
	switch t := v.(type) {
	case map[string]any:
		d = errorFromObject(t)
	case []any:
		d = errorFromList(t)
	}
	return d
}

func errorFromObject(m map[string]any) ErrorDetails {
	var d ErrorDetails
	d.RequestID = firstString(m, "request_id", "requestId", "requestID", "trace_id", "traceId", "correlation_id", "correlationId")
	d.Code = firstString(m, "error_code", "errorCode", "code", "status_code", "statusCode")
	d.Message = firstString(m, "message", "error_description", "description", "detail", "title", "msg", "error_message", "errorMessage")
	switch e := m["error"].(type) {
	case string:
		// OAuth: {"error":"invalid_client","error_description":"..."}
		if d.Message == "" {
			d.Message = e
		} else if d.Code == "" {
			d.Code = e
		}
	case map[string]any:
		inner := errorFromObject(e)
		d = mergeDetails(d, inner)
	}
	if list, ok := m["errors"].([]any); ok {
		d = mergeDetails(d, errorFromList(list))
	}
	if list, ok := m["detail"].([]any); ok { // FastAPI validation errors
		d.Details = append(d.Details, errorFromList(list).messages()...)
	}
	d.Details = append(d.Details, stringsOf(m["details"])...)
	return d
}

func errorFromList(list []any) ErrorDetails {
	var d ErrorDetails
	for i, item := range list {
		var e ErrorDetails
		switch t := item.(type) {
		case string:
			e.Message = t
		case map[string]any:
			e = errorFromObject(t)
		default:
			continue
		}
		if i == 0 {
			d = e
			continue
		}
		d.Details = append(d.Details, e.messages()...)
	}
	return d
}

// mergeDetails fills d's empty fields from o and appends o's details.
func mergeDetails(d, o ErrorDetails) ErrorDetails {
	if d.Code == "" {
		d.Code = o.Code
	}
	if d.RequestID == "" {
		d.RequestID = o.RequestID
	}
	if d.Message == "" {
		d.Message = o.Message
	} else if o.Message != "" && o.Message != d.Message {
		d.Details = append(d.Details, o.Message)
	}
	d.Details = append(d.Details, o.Details...)
	return d
}

func (d ErrorDetails) messages() []string {
	var out []string
	if d.Message != "" {
		out = append(out, d.Message)
	}
	return append(out, d.Details...)
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := scalar(m[k]); s != "" {
			return s
		}
	}
	return ""
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	}
	return ""
}

func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		if t != "" {
			return []string{t}
		}
	case []any:
		var out []string
		for _, x := range t {
			if s := scalar(x); s != "" {
				out = append(out, s)
			} else if m, ok := x.(map[string]any); ok {
				out = append(out, errorFromObject(m).messages()...)
			}
		}
		return out
	}
	return nil
}
