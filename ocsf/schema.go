package ocsf

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// schemaJSON is the flattened OCSF 1.1.0 schema (see schema/NOTICE.md).
//
//go:embed schema/ocsf-1.1.0.json
var schemaJSON string

// schema180JSON is the flattened OCSF 1.8.0 schema (see schema/NOTICE.md).
//
//go:embed schema/ocsf-1.8.0.json
var schema180JSON string

// builtin is the embedded 1.1.0 schema, parsed on first use. It is
// unexported and never replaced; its sync.Once makes the lazy parse safe for
// concurrent use.
var builtin = &lazySchema{data: schemaJSON}

// builtin180 is the embedded 1.8.0 schema, parsed on first use.
var builtin180 = &lazySchema{data: schema180JSON}

// lazyFor returns the embedded schema of version v, or nil for a version
// the package does not embed.
func lazyFor(v Version) *lazySchema {
	switch v {
	case V1_1_0:
		return builtin
	case V1_8_0:
		return builtin180
	}
	return nil
}

// schemaFor returns the parsed embedded schema of version v, or nil for a
// version the package does not embed (or a schema that does not parse,
// which a test rules out).
func schemaFor(v Version) *schema {
	l := lazyFor(v)
	if l == nil {
		return nil
	}
	s, err := l.get()
	if err != nil {
		return nil
	}
	return s
}

type lazySchema struct {
	once sync.Once
	data string
	s    *schema
	err  error
}

func (l *lazySchema) get() (*schema, error) {
	l.once.Do(func() { l.s, l.err = loadSchema([]byte(l.data)) })
	return l.s, l.err
}

// schemaOrNil returns the embedded schema, or nil if it cannot be parsed
// (a test makes sure that it can).
func schemaOrNil() *schema {
	s, err := builtin.get()
	if err != nil {
		return nil
	}
	return s
}

type schema struct {
	version    string
	categories map[int64]categoryDef
	types      map[string]*typeDef
	profiles   map[string]string // name -> caption
	classes    map[string]*itemDef
	objects    map[string]*itemDef
	// regexSkipped names the types whose regex Go's regexp cannot run with
	// Python's meaning; their regex check (only ever a warning) is skipped.
	regexSkipped []string
}

type categoryDef struct {
	name, caption string
}

// itemDef is a class or an object, with its attributes in name order (the
// schema file's order).
type itemDef struct {
	name, caption string
	desc          string // "class authentication (3002)" or "object user"
	uid           int64  // classes only
	categoryUID   int64  // classes only
	category      string // classes only
	deprecated    bool
	attrs         []*attrDef
	byName        map[string]*attrDef
	constraints   []constraintDef
}

type constraintDef struct {
	kind  string
	names []string
}

type enumEntry struct {
	key, caption string
}

type attrDef struct {
	name        string
	typ         string
	objectType  string
	isArray     bool
	requirement string
	enum        []enumEntry
	enumIdx     map[string]string
	enumDepr    map[string]bool
	hasEnum     bool
	sibling     string
	profiles    []string
	deprecated  bool
}

type typeDef struct {
	name      string
	base      string
	json      string
	supertype string
	maxLen    *int // nil when absent
	hasRange  bool
	rangeLo   float64
	rangeHi   float64
	values    []any          // nil when absent
	regex     *regexp.Regexp // nil when absent or skipped
	chain     []*typeDef     // the type, then its supertypes
}

func (s *schema) enumCaption(class, attr, key string) (string, bool) {
	c := s.classes[class]
	if c == nil {
		return "", false
	}
	a := c.byName[attr]
	if a == nil || !a.hasEnum {
		return "", false
	}
	cap, ok := a.enumIdx[key]
	return cap, ok
}

// schemaFile is the layout of the schema file (see ../shared/ocsf/README.md).
type schemaFile struct {
	Version    string `json:"ocsf_version"`
	Categories map[int64]struct{ Name, Caption string }
	Types      map[string]struct {
		Base, JSON, Supertype, Regex string
		MaxLen                       *int `json:"max_len"`
		Range                        []float64
		Values                       []any
	}
	Profiles map[string]struct{ Caption string }
	Classes  map[string]itemFile
	Objects  map[string]itemFile
}

type itemFile struct {
	UID                     *int64
	Name, Caption, Category string
	CategoryUID             int64 `json:"category_uid"`
	Deprecated              bool
	Constraints             map[string][]string
	Attributes              map[string]struct {
		Type, Requirement, Sibling string
		ObjectType                 string `json:"object_type"`
		IsArray                    bool   `json:"is_array"`
		Deprecated                 bool
		Profiles                   []string
		Enum                       map[string]string
		EnumDeprecated             []string `json:"enum_deprecated"`
	}
}

// byKey orders enum keys numerically when both are integers, else as
// strings: the schema file's own order.
func byKey(a, b string) int {
	x, errX := strconv.ParseInt(a, 10, 64)
	y, errY := strconv.ParseInt(b, 10, 64)
	if errX == nil && errY == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}

func loadSchema(data []byte) (_ *schema, err error) {
	var f schemaFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // type values keep their JSON text
	if err = dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("ocsf: parse embedded schema: %w", err)
	}
	if f.Version == "" {
		return nil, errors.New("ocsf: embedded schema has no ocsf_version")
	}
	if f.Types == nil || f.Classes == nil || f.Objects == nil {
		return nil, errors.New("ocsf: embedded schema lacks types, classes or objects")
	}
	s := &schema{
		version:    f.Version,
		categories: map[int64]categoryDef{},
		types:      map[string]*typeDef{},
		profiles:   map[string]string{},
		classes:    map[string]*itemDef{},
		objects:    map[string]*itemDef{},
	}
	for n, c := range f.Categories {
		s.categories[n] = categoryDef{name: c.Name, caption: c.Caption}
	}
	for n, p := range f.Profiles {
		s.profiles[n] = p.Caption
	}
	for k, t := range f.Types {
		td := &typeDef{name: k, base: t.Base, json: t.JSON, supertype: t.Supertype, maxLen: t.MaxLen, values: t.Values}
		if t.Range != nil {
			if len(t.Range) != 2 {
				return nil, fmt.Errorf("ocsf: type %s: bad range", k)
			}
			td.hasRange, td.rangeLo, td.rangeHi = true, t.Range[0], t.Range[1]
		}
		if t.Regex != "" {
			goRx, err := translatePyRegex(t.Regex)
			if err == nil {
				td.regex, err = regexp.Compile(goRx)
			}
			if err != nil {
				td.regex = nil
				s.regexSkipped = append(s.regexSkipped, k)
			}
		}
		s.types[k] = td
	}
	for _, td := range s.types {
		seen := map[string]bool{}
		for cur := td.name; cur != "" && !seen[cur]; {
			seen[cur] = true
			c := s.types[cur]
			if c == nil {
				return nil, fmt.Errorf("ocsf: type %s: supertype %s missing", td.name, cur)
			}
			td.chain = append(td.chain, c)
			cur = c.supertype
		}
	}
	for k, it := range f.Classes {
		if it.UID == nil {
			return nil, fmt.Errorf("ocsf: class %s has no uid", k)
		}
		if s.classes[k], err = loadItem(it, fmt.Sprintf("class %s (%d)", it.Name, *it.UID)); err != nil {
			return nil, fmt.Errorf("ocsf: class %s: %w", k, err)
		}
	}
	for k, it := range f.Objects {
		if s.objects[k], err = loadItem(it, "object "+it.Name); err != nil {
			return nil, fmt.Errorf("ocsf: object %s: %w", k, err)
		}
	}
	return s, nil
}

// loadItem turns a class or object of the file into an itemDef, with its
// attributes in name order.
func loadItem(f itemFile, desc string) (*itemDef, error) {
	it := &itemDef{name: f.Name, caption: f.Caption, desc: desc, category: f.Category,
		categoryUID: f.CategoryUID, deprecated: f.Deprecated, byName: map[string]*attrDef{}}
	if f.UID != nil {
		it.uid = *f.UID
	}
	for _, kind := range slices.Sorted(maps.Keys(f.Constraints)) {
		it.constraints = append(it.constraints, constraintDef{kind: kind, names: f.Constraints[kind]})
	}
	for _, name := range slices.Sorted(maps.Keys(f.Attributes)) {
		a := f.Attributes[name]
		if a.Type == "" {
			return nil, fmt.Errorf("attribute %s has no type", name)
		}
		ad := &attrDef{name: name, typ: a.Type, objectType: a.ObjectType, isArray: a.IsArray,
			requirement: a.Requirement, sibling: a.Sibling, profiles: a.Profiles, deprecated: a.Deprecated}
		if a.Enum != nil {
			ad.hasEnum, ad.enumIdx = true, a.Enum
			for _, k := range slices.SortedFunc(maps.Keys(a.Enum), byKey) {
				ad.enum = append(ad.enum, enumEntry{key: k, caption: a.Enum[k]})
			}
		}
		if a.EnumDeprecated != nil {
			ad.enumDepr = map[string]bool{}
			for _, k := range a.EnumDeprecated {
				ad.enumDepr[k] = true
			}
		}
		it.attrs = append(it.attrs, ad)
		it.byName[name] = ad
	}
	return it, nil
}

// pySpaces is the set of characters Python's re \s matches in a str pattern
// (str.isspace), written for a Go character class.
const pySpaces = `\t-\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// translatePyRegex rewrites a Python re pattern (as OCSF's schema uses them)
// into Go regexp syntax with the same meaning for re.search: \d, \s and \w
// are Unicode-aware in Python, and $ also matches before a final newline.
// Constructs without a faithful translation return an error.
func translatePyRegex(src string) (string, error) {
	var sb strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' {
			if i+1 >= len(src) {
				return "", errors.New("trailing backslash")
			}
			i++
			e := src[i]
			switch e {
			case 'd':
				sb.WriteString(`\p{Nd}`)
			case 'D':
				sb.WriteString(`\P{Nd}`)
			case 's':
				if inClass {
					sb.WriteString(pySpaces)
				} else {
					sb.WriteString("[" + pySpaces + "]")
				}
			case 'w':
				if inClass {
					sb.WriteString(`\p{L}\p{N}_`)
				} else {
					sb.WriteString(`[\p{L}\p{N}_]`)
				}
			case 'S', 'W':
				if inClass {
					return "", fmt.Errorf(`\%c inside a character class`, e)
				}
				if e == 'S' {
					sb.WriteString("[^" + pySpaces + "]")
				} else {
					sb.WriteString(`[^\p{L}\p{N}_]`)
				}
			case 'Z':
				sb.WriteString(`\z`)
			case 'b', 'B':
				return "", errors.New(`\b and \B are ASCII-only in Go`)
			default:
				if e >= '0' && e <= '9' {
					return "", errors.New("backreferences and octal escapes are not supported")
				}
				sb.WriteByte('\\')
				sb.WriteByte(e)
			}
			continue
		}
		if inClass {
			if c == ']' {
				inClass = false
			}
			sb.WriteByte(c)
			continue
		}
		switch c {
		case '[':
			inClass = true
			sb.WriteByte(c)
			// a leading ^ and then a leading ] are part of the class syntax
			if i+1 < len(src) && src[i+1] == '^' {
				sb.WriteByte('^')
				i++
			}
			if i+1 < len(src) && src[i+1] == ']' {
				sb.WriteString(`\]`)
				i++
			}
		case '$':
			sb.WriteString(`(?:\n?\z)`)
		default:
			sb.WriteByte(c)
		}
	}
	if inClass {
		return "", errors.New("unterminated character class")
	}
	return sb.String(), nil
}
