package jsonscan

import "fmt"

// errCompact is the error of AppendCompact for input that is not JSON.
var errCompact = fmt.Errorf("%w: not a single JSON value", ErrSyntax)

// maxCompactDepth is the deepest nesting AppendCompact accepts, as
// encoding/json's scanner.
const maxCompactDepth = 10000

// AppendCompact appends src to dst with its insignificant spaces elided,
// as encoding/json.Compact does, and returns the result. Unlike the rest
// of the package it is strict: src must be exactly one JSON value (with
// spaces around it), or the error wraps ErrSyntax and dst is returned
// unchanged. Its output and its verdict are encoding/json.Compact's (the
// fuzz test checks both); it is several times faster, which matters for
// the auditkit CLI, which compacts every record it writes.
func AppendCompact[S ~string | ~[]byte](dst []byte, src S) ([]byte, error) {
	c := compacter[S]{src: src, out: dst}
	c.space()
	if !c.value(0) {
		return dst, errCompact
	}
	c.space()
	if c.i != len(src) {
		return dst, errCompact
	}
	return c.out, nil
}

type compacter[S ~string | ~[]byte] struct {
	src S
	i   int
	out []byte
}

func (c *compacter[S]) space() {
	for c.i < len(c.src) && isSpace(c.src[c.i]) {
		c.i++
	}
}

// value copies one value; it reports false for input that is not one.
func (c *compacter[S]) value(depth int) bool {
	if c.i >= len(c.src) {
		return false
	}
	switch b := c.src[c.i]; {
	case b == '{':
		return c.object(depth + 1)
	case b == '[':
		return c.array(depth + 1)
	case b == '"':
		return c.str()
	case b == 't':
		return c.literal("true")
	case b == 'f':
		return c.literal("false")
	case b == 'n':
		return c.literal("null")
	case b == '-' || (b >= '0' && b <= '9'):
		return c.number()
	}
	return false
}

func (c *compacter[S]) object(depth int) bool {
	if depth > maxCompactDepth {
		return false
	}
	c.out = append(c.out, '{')
	c.i++
	c.space()
	if c.i < len(c.src) && c.src[c.i] == '}' {
		c.out = append(c.out, '}')
		c.i++
		return true
	}
	for {
		if c.i >= len(c.src) || c.src[c.i] != '"' || !c.str() {
			return false
		}
		c.space()
		if c.i >= len(c.src) || c.src[c.i] != ':' {
			return false
		}
		c.out = append(c.out, ':')
		c.i++
		c.space()
		if !c.value(depth) {
			return false
		}
		if end, ok := c.after('}'); end || !ok {
			return ok
		}
	}
}

func (c *compacter[S]) array(depth int) bool {
	if depth > maxCompactDepth {
		return false
	}
	c.out = append(c.out, '[')
	c.i++
	c.space()
	if c.i < len(c.src) && c.src[c.i] == ']' {
		c.out = append(c.out, ']')
		c.i++
		return true
	}
	for {
		if !c.value(depth) {
			return false
		}
		if end, ok := c.after(']'); end || !ok {
			return ok
		}
	}
}

// after reads what follows a member or element: a comma (more to come),
// or close, which ends the object or array (end); anything else is
// invalid (!ok).
func (c *compacter[S]) after(close byte) (end, ok bool) {
	c.space()
	if c.i >= len(c.src) {
		return false, false
	}
	switch c.src[c.i] {
	case ',':
		c.out = append(c.out, ',')
		c.i++
		c.space()
		return false, true
	case close:
		c.out = append(c.out, close)
		c.i++
		return true, true
	}
	return false, false
}

// str copies a string: no control characters, and only JSON's escapes.
func (c *compacter[S]) str() bool {
	start := c.i
	c.i++ // the opening quote
	for c.i < len(c.src) {
		switch b := c.src[c.i]; {
		case b == '"':
			c.i++
			c.out = append(c.out, c.src[start:c.i]...)
			return true
		case b < 0x20:
			return false
		case b == '\\':
			if c.i+1 >= len(c.src) {
				return false
			}
			switch c.src[c.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				c.i += 2
			case 'u':
				if c.i+6 > len(c.src) {
					return false
				}
				for k := c.i + 2; k < c.i+6; k++ {
					if !isHex(c.src[k]) {
						return false
					}
				}
				c.i += 6
			default:
				return false
			}
		default:
			c.i++
		}
	}
	return false
}

func isHex(b byte) bool {
	return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// number copies -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (c *compacter[S]) number() bool {
	s, i := c.src, c.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	c.out = append(c.out, s[c.i:i]...)
	c.i = i
	return true
}

func (c *compacter[S]) literal(lit string) bool {
	if len(c.src)-c.i < len(lit) || string(c.src[c.i:c.i+len(lit)]) != lit {
		return false
	}
	c.out = append(c.out, lit...)
	c.i += len(lit)
	return true
}
