package tanium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// errSyntax reports JSON that is not the object or array expected.
var errSyntax = errors.New("malformed JSON")

// members calls fn with the key and raw value of each member of the JSON
// object data, in one pass and without reflection. encoding/json has
// already checked the syntax of what it hands to an UnmarshalJSON method;
// members still never reads out of bounds on any input, and reports
// errSyntax instead.
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
			return errSyntax
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
		return "", errSyntax
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

func isNull(v []byte) bool { return string(bytes.TrimSpace(v)) == "null" }

func stringField(name string, v []byte) (string, error) {
	if len(v) == 0 || isNull(v) {
		return "", nil
	}
	s, err := unquote(v)
	if err != nil {
		return "", fmt.Errorf("tanium: field %s: %s is not a string", name, clip(v))
	}
	return s, nil
}

// intField reads an integer sent as a number or as a decimal string.
func intField(name string, v []byte) (int64, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || isNull(v) {
		return 0, nil
	}
	s := string(v)
	if v[0] == '"' {
		var err error
		if s, err = unquote(v); err != nil {
			return 0, fmt.Errorf("tanium: field %s: %s is not an integer", name, clip(v))
		}
		if s == "" {
			return 0, nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("tanium: field %s: %s is not an integer", name, clip(v))
	}
	return n, nil
}

func clip(raw []byte) string {
	if len(raw) > 60 {
		return string(raw[:60]) + "…"
	}
	return string(raw)
}
