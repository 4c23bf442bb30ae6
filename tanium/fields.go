package tanium

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/auditkit/auditkit/internal/jsonscan"
)

// stringField reads a string member; null or absent is "".
func stringField(name string, v []byte) (string, error) {
	if len(v) == 0 || jsonscan.IsNull(v) {
		return "", nil
	}
	s, err := jsonscan.Unquote(v)
	if err != nil {
		return "", fmt.Errorf("tanium: field %s: %s is not a string", name, clip(v))
	}
	return s, nil
}

// intField reads an integer sent as a number or as a decimal string.
func intField(name string, v []byte) (int64, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || jsonscan.IsNull(v) {
		return 0, nil
	}
	s := string(v)
	if v[0] == '"' {
		var err error
		if s, err = jsonscan.Unquote(v); err != nil {
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

// clip returns raw for an error message, cut after 60 bytes.
func clip(raw []byte) string { return jsonscan.ClipN(raw, 60) }
