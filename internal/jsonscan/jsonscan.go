// Package jsonscan reads JSON objects and arrays member by member, in one
// pass and without reflection, for the vendor packages' UnmarshalJSON
// methods.
//
// The scanner is lax: it finds where each member or element ends but does
// not check the syntax of what lies inside, since encoding/json has already
// checked what it hands to an UnmarshalJSON method. It never reads out of
// bounds and never panics, whatever the input; what it cannot read is
// reported as ErrSyntax.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// ErrSyntax reports JSON that is not the object or array expected. The
// vendor packages test for it with errors.Is and replace it with a message
// of their own.
var ErrSyntax = errors.New("malformed JSON")

// ErrNotString reports a value that is not a JSON string where one is
// expected (see Unquote).
var ErrNotString = errors.New("not a string")

// maxDepth bounds the nesting DecodeValue follows, as encoding/json does,
// so that no input can exhaust the stack.
const maxDepth = 10000

// Members calls fn with the key and the raw value of each member of the
// JSON object data, in order. An error from fn stops the scan and is
// returned as is.
func Members(data []byte, fn func(key string, val []byte) error) error {
	return RawMembers(data, func(key, val []byte) error { return fn(string(key), val) })
}

// RawMembers is Members with the key as bytes, unescaped: a subslice of
// data when the key has no escapes, so that callers that only compare it
// allocate nothing. fn must not keep key beyond the call when it may be
// modified.
func RawMembers(data []byte, fn func(key, val []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ErrSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return ErrSyntax
		}
		end := stringEnd(data, i)
		if end < 0 {
			return ErrSyntax
		}
		key := data[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			k, err := Unquote(data[i:end])
			if err != nil {
				return ErrSyntax
			}
			key = []byte(k)
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return ErrSyntax
		}
		i = skipSpace(data, i+1)
		vend := valueEnd(data, i)
		if vend < 0 {
			return ErrSyntax
		}
		if err := fn(key, data[i:vend]); err != nil {
			return err
		}
		i = skipSpace(data, vend)
		if i >= len(data) {
			return ErrSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return nil
		default:
			return ErrSyntax
		}
	}
}

// Elements calls fn with the raw bytes of each element of the JSON array
// data, in order. An error from fn stops the scan and is returned as is.
func Elements(data []byte, fn func(val []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return ErrSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil
	}
	for {
		end := valueEnd(data, i)
		if end < 0 {
			return ErrSyntax
		}
		if err := fn(data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return ErrSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return nil
		default:
			return ErrSyntax
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// isDelim reports whether c ends a number or literal.
func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// stringEnd returns the index after the closing quote of the string that
// starts at data[i], or -1.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// valueEnd returns the index after the JSON value that starts at data[i],
// or -1.
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e := stringEnd(data, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(data) && !isDelim(data[j]) {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// Unquote returns the string a raw JSON string value holds. A value of
// another type is an error that wraps ErrNotString and quotes the value
// (clipped); a string with a bad escape is encoding/json's error.
func Unquote(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", fmt.Errorf("%s is %w", Clip(raw), ErrNotString)
	}
	if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 {
		if bytes.IndexByte(inner, '"') >= 0 { // two strings, not one
			return "", fmt.Errorf("%s is %w", Clip(raw), ErrNotString)
		}
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

// IsNull reports whether raw is the JSON literal null, around which
// whitespace is allowed.
func IsNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// Clip returns raw as a string for an error message: its first 40 bytes
// and an ellipsis when it is longer. See ClipN.
func Clip(raw []byte) string { return ClipN(raw, 40) }

// ClipN returns raw as a string for an error message: whole when it holds
// at most n bytes, else cut to at most n bytes, at the start of a UTF-8
// sequence, with an ellipsis appended. A negative n counts as 0.
func ClipN(raw []byte, n int) string {
	n = max(n, 0)
	if len(raw) <= n {
		return string(raw)
	}
	cut := n
	for k := 0; k < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(raw[cut]); k++ {
		cut--
	}
	return string(raw[:cut]) + "…"
}

// AppendCanonical appends a canonical form of a decoded JSON value (as
// DecodeValue or encoding/json with UseNumber give it) to dst and returns
// the extended slice: map keys sorted, numbers as sent, strings quoted.
// Two values that decode equal have the same form, whatever the order of
// their members or the spacing sent; it is meant for digests, not for
// output (it is not JSON: a comma follows every element).
func AppendCanonical(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case json.Number:
		return append(dst, x...)
	case float64:
		return strconv.AppendFloat(dst, x, 'g', -1, 64)
	case string:
		return strconv.AppendQuote(dst, x)
	case []any:
		dst = append(dst, '[')
		for _, e := range x {
			dst = append(AppendCanonical(dst, e), ',')
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for _, k := range keys {
			dst = append(strconv.AppendQuote(dst, k), ':')
			dst = append(AppendCanonical(dst, x[k]), ',')
		}
		return append(dst, '}')
	default:
		return fmt.Appendf(dst, "%v", x)
	}
}

// DecodeValue decodes a JSON value as encoding/json does with UseNumber:
// objects to map[string]any, arrays to []any, numbers to json.Number
// (exact, however large), strings to string. val must not have space
// around it. Input that is not JSON is an error (wrapping ErrSyntax where
// the structure is broken), never a panic.
func DecodeValue(val []byte) (any, error) { return decodeValue(val, 0) }

func decodeValue(val []byte, depth int) (any, error) {
	if len(val) == 0 {
		return nil, ErrSyntax
	}
	if depth >= maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrSyntax, maxDepth)
	}
	switch c := val[0]; {
	case c == '{':
		m := map[string]any{}
		err := Members(val, func(k string, v []byte) error {
			x, err := decodeValue(v, depth+1)
			m[k] = x
			return err
		})
		return m, err
	case c == '[':
		out := []any{}
		err := Elements(val, func(v []byte) error {
			x, err := decodeValue(v, depth+1)
			out = append(out, x)
			return err
		})
		return out, err
	case c == '"':
		return Unquote(val)
	case string(val) == "true":
		return true, nil
	case string(val) == "false":
		return false, nil
	case string(val) == "null":
		return nil, nil
	case c == '-' || (c >= '0' && c <= '9'):
		if !isNumber(val) {
			return nil, fmt.Errorf("%s is not a number", Clip(val))
		}
		return json.Number(val), nil
	}
	return nil, ErrSyntax
}

// isNumber reports whether b is a JSON number, by the grammar of RFC 8259
// section 6 (which has no bound on its size).
func isNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(b)
}

// digits returns the index after the run of decimal digits from b[i].
func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
