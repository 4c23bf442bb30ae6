package automox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

var errSyntax = errors.New("malformed JSON object")

// members calls fn with each member of the JSON object data: its key and its
// value's raw bytes. It is a single pass with no reflection; the page decoder
// has already checked data's syntax, but members still never reads out of
// bounds on any input and reports errSyntax instead.
func members(data []byte, fn func(key string, val []byte) error) error {
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
		key, err := unquote(data[i:end])
		if err != nil {
			return err
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

// valueEnd returns the index after the JSON value that starts at data[i], or -1.
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
		for j < len(data) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(data[j])) {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
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

// appendCanonical appends a canonical form of a decoded JSON value (as
// decoded with UseNumber) to dst: map keys sorted, numbers as sent, strings
// quoted.
func appendCanonical(dst []byte, v any) []byte {
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
			dst = append(appendCanonical(dst, e), ',')
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
			dst = append(appendCanonical(dst, x[k]), ',')
		}
		return append(dst, '}')
	default:
		return fmt.Appendf(dst, "%v", x)
	}
}

// decodeValue decodes a JSON value like encoding/json with UseNumber:
// objects to map[string]any, arrays to []any, numbers to json.Number.
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
		var out []any
		err := elements(val, func(v []byte) error {
			x, err := decodeValue(v)
			out = append(out, x)
			return err
		})
		if out == nil && err == nil {
			out = []any{}
		}
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
		if _, err := n.Float64(); err != nil {
			return nil, fmt.Errorf("%s is not a number", clip(val))
		}
		return n, nil
	}
	return nil, errSyntax
}

// elements calls fn with the raw bytes of each element of the JSON array data.
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
