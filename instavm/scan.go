package instavm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// errSyntax reports JSON that is not the object expected.
var errSyntax = errors.New("malformed JSON object")

// members calls fn with each member of the JSON object data: its key and
// its value's raw bytes. It is a single pass with no reflection. The page
// decoder has already checked data's syntax, but members still never reads
// out of bounds on any input and reports errSyntax instead.
func members(data []byte, fn func(key string, val []byte) error) error {
	return rawMembers(data, func(key, val []byte) error { return fn(string(key), val) })
}

// rawMembers is members with the key as bytes (unescaped; a subslice of
// data when it has no escapes), so that callers that only compare it
// allocate nothing.
func rawMembers(data []byte, fn func(key, val []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errSyntax
		}
		end := stringEnd(data, i)
		if end < 0 {
			return errSyntax
		}
		key := data[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			k, err := unquote(data[i:end])
			if err != nil {
				return errSyntax
			}
			key = []byte(k)
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return errSyntax
		}
		i = skipSpace(data, i+1)
		vend := valueEnd(data, i)
		if vend < 0 {
			return errSyntax
		}
		if err := fn(key, data[i:vend]); err != nil {
			return err
		}
		i = skipSpace(data, vend)
		if i >= len(data) {
			return errSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return nil
		default:
			return errSyntax
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
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

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// unquote returns the string of a raw JSON string value.
func unquote(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", fmt.Errorf("%s is not a string", clip(raw))
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

func isNull(raw []byte) bool { return string(raw) == "null" }

func clip(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}

// decodeValue decodes a JSON value like encoding/json with UseNumber:
// objects to map[string]any, arrays to []any, numbers to json.Number. The
// value must be valid JSON (the page decoder checked it); anything else is
// an error, never a panic.
func decodeValue(val []byte) (any, error) {
	if len(val) == 0 {
		return nil, errSyntax
	}
	switch c := val[0]; {
	case c == '{':
		m := map[string]any{}
		err := members(val, func(k string, v []byte) error {
			x, err := decodeValue(v)
			m[k] = x
			return err
		})
		return m, err
	case c == '[':
		out := []any{}
		err := elements(val, func(v []byte) error {
			x, err := decodeValue(v)
			out = append(out, x)
			return err
		})
		return out, err
	case c == '"':
		return unquote(val)
	case string(val) == "true":
		return true, nil
	case string(val) == "false":
		return false, nil
	case string(val) == "null":
		return nil, nil
	case c == '-' || (c >= '0' && c <= '9'):
		n := json.Number(val)
		if _, err := n.Float64(); err != nil && !isBigInt(val) {
			return nil, fmt.Errorf("%s is not a number", clip(val))
		}
		return n, nil
	}
	return nil, errSyntax
}

// isBigInt reports whether val is an integer too large for a float64 (still
// a JSON number).
func isBigInt(val []byte) bool {
	if val[0] == '-' {
		val = val[1:]
	}
	if len(val) == 0 {
		return false
	}
	for _, c := range val {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// elements calls fn with the raw bytes of each element of the JSON array
// data.
func elements(data []byte, fn func(val []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return errSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil
	}
	for {
		end := valueEnd(data, i)
		if end < 0 {
			return errSyntax
		}
		if err := fn(data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return errSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return nil
		default:
			return errSyntax
		}
	}
}
