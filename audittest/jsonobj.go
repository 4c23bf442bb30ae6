package audittest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// member is one name/value pair of an object.
type member struct {
	name  string
	value any
}

// object is a JSON object that keeps its members in order, the way an API
// prints them (Go maps would sort the names). Values are strings, integers,
// booleans, nil, objects, slices of these, json.RawMessage, or anything else
// encoding/json encodes.
type object []member

// MarshalJSON encodes o with its members in order and without HTML escaping
// ("&", "<" and ">" stay as they are, as APIs send them).
func (o object) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, o)
}

// mustJSON encodes v like object.MarshalJSON. The callers build v from values
// that always encode; should encoding fail all the same, it returns the JSON
// null rather than panic.
func mustJSON(v any) []byte {
	b, err := appendJSON(nil, v)
	if err != nil {
		return []byte("null")
	}
	return b
}

// appendJSON appends the compact JSON encoding of v to b, without HTML
// escaping. It handles the types fakes build responses from directly (fast
// enough for data sets of many thousands of records) and leaves the rest to
// encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m.name)
			b = append(b, ':')
			if b, err = appendJSON(b, m.value); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']'), nil
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, &json.SyntaxError{}
		}
		return append(b, v...), nil
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
	}
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does with
// HTML escaping off: quotes, backslashes and control characters escaped,
// invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
