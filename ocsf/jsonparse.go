package ocsf

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small JSON parser that behaves like Python's json.loads,
// which the reference validator (validate.py) uses:
//
//   - objects keep their keys in input order (a duplicate key keeps its first
//     position and takes the last value, as a Python dict does);
//   - a number without fraction or exponent is an integer (int64, or *big.Int
//     when it does not fit), anything else is a float64: 1.0 is a float;
//   - NaN, Infinity and -Infinity are accepted;
//   - integers of more than 4300 digits are refused, as Python 3.11+ does.
//
// Values are nil, bool, string, int64, *big.Int, float64, []any and *jobject.
// A lone UTF-16 surrogate in a \u escape becomes U+FFFD (Python keeps it).

// maxDepth bounds nesting; Python stops at its recursion limit (about 1000).
const maxDepth = 1000

// maxIntDigits is Python's default int_max_str_digits.
const maxIntDigits = 4300

// jobject is a JSON object whose keys keep their input order.
type jobject struct {
	keys  []string
	vals  []any
	index map[string]int // built once the object grows past smallObject keys
}

const smallObject = 8

func (o *jobject) get(k string) (any, bool) {
	if o.index != nil {
		i, ok := o.index[k]
		if !ok {
			return nil, false
		}
		return o.vals[i], true
	}
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// value returns the value of k, nil when k is absent or null.
func (o *jobject) value(k string) any {
	v, _ := o.get(k)
	return v
}

func (o *jobject) set(k string, v any) {
	if o.index != nil {
		if i, ok := o.index[k]; ok {
			o.vals[i] = v
			return
		}
		o.index[k] = len(o.keys)
	} else {
		for i, key := range o.keys {
			if key == k {
				o.vals[i] = v
				return
			}
		}
		if len(o.keys) >= smallObject {
			o.index = make(map[string]int, 2*smallObject)
			for i, key := range o.keys {
				o.index[key] = i
			}
			o.index[k] = len(o.keys)
		}
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

// jsonError is a parse error, worded like Python's json.JSONDecodeError.
type jsonError struct {
	msg string
	doc []byte
	pos int // byte offset
}

func (e *jsonError) Error() string {
	if e.pos < 0 {
		return e.msg
	}
	// Python counts characters, lines from 1 and columns from 1.
	before := e.doc[:min(e.pos, len(e.doc))]
	char := utf8.RuneCount(before)
	line := 1 + strings.Count(string(before), "\n")
	col := char + 1
	if nl := strings.LastIndexByte(string(before), '\n'); nl >= 0 {
		col = utf8.RuneCount(before[nl+1:])
	}
	return fmt.Sprintf("%s: line %d column %d (char %d)", e.msg, line, col, char)
}

type jparser struct {
	data  []byte
	pos   int
	depth int
}

// parseJSON parses one JSON document the way Python's json.loads does.
func parseJSON(data []byte) (any, error) {
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, &jsonError{msg: fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", data[i], i), pos: -1}
	}
	p := &jparser{data: data}
	p.skipWS()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos != len(p.data) {
		return nil, p.errAt("Extra data", p.pos)
	}
	return v, nil
}

func (p *jparser) errAt(msg string, pos int) error {
	return &jsonError{msg: msg, doc: p.data, pos: pos}
}

func (p *jparser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) hasPrefix(s string) bool {
	return len(p.data)-p.pos >= len(s) && string(p.data[p.pos:p.pos+len(s)]) == s
}

func (p *jparser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.errAt("Expecting value", p.pos)
	}
	switch c := p.data[p.pos]; c {
	case '"':
		return p.str()
	case '{':
		return p.object()
	case '[':
		return p.array()
	case 'n':
		if p.hasPrefix("null") {
			p.pos += 4
			return nil, nil
		}
	case 't':
		if p.hasPrefix("true") {
			p.pos += 4
			return true, nil
		}
	case 'f':
		if p.hasPrefix("false") {
			p.pos += 5
			return false, nil
		}
	case 'N':
		if p.hasPrefix("NaN") {
			p.pos += 3
			return math.NaN(), nil
		}
	case 'I':
		if p.hasPrefix("Infinity") {
			p.pos += 8
			return math.Inf(1), nil
		}
	case '-':
		if p.hasPrefix("-Infinity") {
			p.pos += 9
			return math.Inf(-1), nil
		}
		return p.number()
	default:
		if c >= '0' && c <= '9' {
			return p.number()
		}
	}
	return nil, p.errAt("Expecting value", p.pos)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *jparser) number() (any, error) {
	start := p.pos
	i := p.pos
	d := p.data
	if d[i] == '-' {
		i++
	}
	if i >= len(d) || !isDigit(d[i]) {
		return nil, p.errAt("Expecting value", start)
	}
	if d[i] == '0' {
		i++
	} else {
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	isFloat := false
	if i+1 < len(d) && d[i] == '.' && isDigit(d[i+1]) {
		isFloat = true
		i += 2
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		j := i + 1
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if j < len(d) && isDigit(d[j]) {
			isFloat = true
			for j < len(d) && isDigit(d[j]) {
				j++
			}
			i = j
		}
	}
	p.pos = i
	text := string(d[start:i])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			// out of range: ParseFloat already gives ±Inf or 0, as Python does
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return nil, p.errAt("Expecting value", start)
			}
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	digits := len(text)
	if text[0] == '-' {
		digits--
	}
	if digits > maxIntDigits {
		return nil, &jsonError{msg: fmt.Sprintf("Exceeds the limit (%d digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", maxIntDigits, digits), pos: -1}
	}
	b, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, p.errAt("Expecting value", start)
	}
	return b, nil
}

func hexVal(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}

func (p *jparser) str() (string, error) {
	begin := p.pos // the opening quote
	p.pos++
	d := p.data
	// fast path: no escapes
	i := p.pos
	for i < len(d) {
		c := d[i]
		if c == '"' {
			s := string(d[p.pos:i])
			p.pos = i + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var sb strings.Builder
	sb.Write(d[p.pos:i])
	for {
		if i >= len(d) {
			return "", p.errAt("Unterminated string starting at", begin)
		}
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return sb.String(), nil
		case c < 0x20:
			return "", p.errAt("Invalid control character at", i)
		case c != '\\':
			sb.WriteByte(c)
			i++
			continue
		}
		// escape
		if i+1 >= len(d) {
			return "", p.errAt("Unterminated string starting at", begin)
		}
		e := d[i+1]
		switch e {
		case '"', '\\', '/':
			sb.WriteByte(e)
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			if i+6 > len(d) {
				return "", p.errAt("Invalid \\uXXXX escape", i+1)
			}
			r, ok := hexVal(d[i+2 : i+6])
			if !ok {
				return "", p.errAt("Invalid \\uXXXX escape", i+1)
			}
			i += 6
			if utf16.IsSurrogate(r) && r < 0xdc00 && i+6 <= len(d) && d[i] == '\\' && d[i+1] == 'u' {
				if r2, ok := hexVal(d[i+2 : i+6]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			sb.WriteRune(r) // a lone surrogate becomes U+FFFD
			continue
		default:
			return "", p.errAt("Invalid \\escape", i)
		}
		i += 2
	}
}

func (p *jparser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &jsonError{msg: fmt.Sprintf("maximum nesting depth %d exceeded", maxDepth), pos: -1}
	}
	return nil
}

func (p *jparser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	obj := &jobject{}
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errAt("Expecting property name enclosed in double quotes", p.pos)
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errAt("Expecting ':' delimiter", p.pos)
		}
		p.pos++
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		obj.set(key, v)
		p.skipWS()
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			return obj, nil
		}
		if p.pos >= len(p.data) || p.data[p.pos] != ',' {
			return nil, p.errAt("Expecting ',' delimiter", p.pos)
		}
		p.pos++
		p.skipWS()
	}
}

func (p *jparser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	arr := []any{}
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return arr, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.skipWS()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			return arr, nil
		}
		if p.pos >= len(p.data) || p.data[p.pos] != ',' {
			return nil, p.errAt("Expecting ',' delimiter", p.pos)
		}
		p.pos++
		p.skipWS()
	}
}
