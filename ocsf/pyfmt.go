package ocsf

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file renders parsed JSON values the way validate.py's messages do:
// Python's repr() (%r), str() (%s) and json.dumps() with default settings.

// pyType is validate.py's jtype(): the Python name of a JSON value's kind.
func pyType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int64, *big.Int:
		return "integer"
	case float64:
		return "float"
	case string:
		return "string"
	case []any:
		return "array"
	case *jobject:
		return "object"
	}
	return "unknown"
}

// isInt is validate.py's is_int(): an integer that is not a boolean.
func isInt(v any) bool {
	switch v.(type) {
	case int64, *big.Int:
		return true
	}
	return false
}

// pyFloatRepr formats f as Python's repr(float) does.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// shortest round-trip digits, then Python's layout rules ('r' format)
	e := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	if decpt <= -4 || decpt > 16 {
		sb.WriteByte(digits[0])
		if len(digits) > 1 {
			sb.WriteByte('.')
			sb.WriteString(digits[1:])
		}
		sb.WriteByte('e')
		x := decpt - 1
		if x < 0 {
			sb.WriteByte('-')
			x = -x
		} else {
			sb.WriteByte('+')
		}
		if x < 10 {
			sb.WriteByte('0')
		}
		sb.WriteString(strconv.Itoa(x))
		return sb.String()
	}
	switch {
	case decpt <= 0:
		sb.WriteString("0.")
		sb.WriteString(strings.Repeat("0", -decpt))
		sb.WriteString(digits)
	case decpt >= len(digits):
		sb.WriteString(digits)
		sb.WriteString(strings.Repeat("0", decpt-len(digits)))
		sb.WriteString(".0")
	default:
		sb.WriteString(digits[:decpt])
		sb.WriteByte('.')
		sb.WriteString(digits[decpt:])
	}
	return sb.String()
}

// pyStrRepr is Python's repr() of a str.
func pyStrRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			sb.WriteString(`\x`)
			writeHex(&sb, r, 2)
		case r < 0x7f:
			sb.WriteByte(byte(r))
		case unicode.IsPrint(r):
			sb.WriteRune(r)
		case r <= 0xff:
			sb.WriteString(`\x`)
			writeHex(&sb, r, 2)
		case r <= 0xffff:
			sb.WriteString(`\u`)
			writeHex(&sb, r, 4)
		default:
			sb.WriteString(`\U`)
			writeHex(&sb, r, 8)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}

func writeHex(sb *strings.Builder, r rune, width int) {
	const hex = "0123456789abcdef"
	for i := width - 1; i >= 0; i-- {
		sb.WriteByte(hex[(r>>(4*i))&0xf])
	}
}

// pyRepr is Python's repr() of a parsed JSON value.
func pyRepr(v any) string {
	var sb strings.Builder
	writeRepr(&sb, v)
	return sb.String()
}

// pyStr is Python's str() of a parsed JSON value.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

func writeRepr(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		sb.WriteString("None")
	case bool:
		if x {
			sb.WriteString("True")
		} else {
			sb.WriteString("False")
		}
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		sb.WriteString(x.String())
	case float64:
		sb.WriteString(pyFloatRepr(x))
	case string:
		sb.WriteString(pyStrRepr(x))
	case []any:
		sb.WriteByte('[')
		for i, el := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, el)
		}
		sb.WriteByte(']')
	case *jobject:
		sb.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(pyStrRepr(k))
			sb.WriteString(": ")
			writeRepr(sb, x.vals[i])
		}
		sb.WriteByte('}')
	default:
		sb.WriteString("<?>")
	}
}

// pyDumps is Python's json.dumps(v) (ensure_ascii, ", " and ": " separators),
// cut to at most limit characters when limit > 0. The output is ASCII.
func pyDumps(v any, limit int) string {
	d := dumper{limit: limit}
	d.write(v)
	s := d.sb.String()
	if limit > 0 && len(s) > limit {
		s = s[:limit]
	}
	return s
}

type dumper struct {
	sb    strings.Builder
	limit int
}

func (d *dumper) full() bool { return d.limit > 0 && d.sb.Len() > d.limit }

func (d *dumper) write(v any) {
	if d.full() {
		return
	}
	sb := &d.sb
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		if x {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		sb.WriteString(x.String())
	case float64:
		switch {
		case math.IsNaN(x):
			sb.WriteString("NaN")
		case math.IsInf(x, 1):
			sb.WriteString("Infinity")
		case math.IsInf(x, -1):
			sb.WriteString("-Infinity")
		default:
			sb.WriteString(pyFloatRepr(x))
		}
	case string:
		d.str(x)
	case []any:
		sb.WriteByte('[')
		for i, el := range x {
			if d.full() {
				return
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			d.write(el)
		}
		sb.WriteByte(']')
	case *jobject:
		sb.WriteByte('{')
		for i, k := range x.keys {
			if d.full() {
				return
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			d.str(k)
			sb.WriteString(": ")
			d.write(x.vals[i])
		}
		sb.WriteByte('}')
	default:
		sb.WriteString("null")
	}
}

func (d *dumper) str(s string) {
	sb := &d.sb
	sb.WriteByte('"')
	for i := 0; i < len(s); {
		if d.full() {
			return
		}
		c := s[i]
		if c >= ' ' && c <= '~' && c != '"' && c != '\\' {
			sb.WriteByte(c)
			i++
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		switch r {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		default:
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				sb.WriteString(`\u`)
				writeHex(sb, r1, 4)
				sb.WriteString(`\u`)
				writeHex(sb, r2, 4)
			} else {
				sb.WriteString(`\u`)
				writeHex(sb, r, 4)
			}
		}
	}
	sb.WriteByte('"')
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// pyEqual is Python's == between two parsed JSON values: numbers compare by
// value across int, float and bool; containers compare element by element.
func pyEqual(a, b any) bool {
	if na, ok := pyNumber(a); ok {
		nb, ok := pyNumber(b)
		if !ok {
			return false
		}
		return numCmp(na, nb) == 0
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *jobject:
		y, ok := b.(*jobject)
		if !ok || len(x.keys) != len(y.keys) {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.get(k)
			if !ok || !pyEqual(x.vals[i], yv) {
				return false
			}
		}
		return true
	}
	return false
}

// pyNumber converts a numeric JSON value (bool counts, as in Python) to a
// comparable form: *big.Int for integers, float64 for floats.
func pyNumber(v any) (any, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1), true
		}
		return int64(0), true
	case int64, *big.Int, float64:
		return x, true
	}
	return nil, false
}

// numCmp compares two numbers exactly (as Python does across int and float).
// NaN compares unequal to everything: the result is then 2.
func numCmp(a, b any) int {
	if ai, ok := a.(int64); ok {
		if bi, ok := b.(int64); ok {
			switch {
			case ai < bi:
				return -1
			case ai > bi:
				return 1
			}
			return 0
		}
	}
	fa, oka := toBigFloat(a)
	fb, okb := toBigFloat(b)
	if !oka || !okb {
		return 2
	}
	return fa.Cmp(fb)
}

func toBigFloat(v any) (*big.Float, bool) {
	switch x := v.(type) {
	case int64:
		return new(big.Float).SetInt64(x), true
	case *big.Int:
		return new(big.Float).SetInt(x), true
	case float64:
		if math.IsNaN(x) {
			return nil, false
		}
		return new(big.Float).SetFloat64(x), true
	}
	return nil, false
}
