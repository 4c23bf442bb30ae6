package ocsf

import (
	_ "embed"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// schemaJSON is the flattened OCSF 1.1.0 schema (see schema/NOTICE.md).
//
//go:embed schema/ocsf-1.1.0.json
var schemaJSON string

// builtin is the embedded schema, parsed on first use. It is unexported and
// never replaced; its sync.Once makes the lazy parse safe for concurrent use.
var builtin = &lazySchema{data: schemaJSON}

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

// itemDef is a class or an object, with its attributes in file order.
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
	maxLen    any // nil when absent
	rangeLo   any
	rangeHi   any
	hasRange  bool
	values    []any
	hasValues bool
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

// pyTruthy is Python's bool() of a parsed JSON value.
func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case *jobject:
		return len(x.keys) > 0
	}
	return false
}

func loadSchema(data []byte) (*schema, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("ocsf: parse embedded schema: %w", err)
	}
	root, ok := v.(*jobject)
	if !ok {
		return nil, errors.New("ocsf: embedded schema is not an object")
	}
	s := &schema{
		categories: map[int64]categoryDef{},
		types:      map[string]*typeDef{},
		profiles:   map[string]string{},
		classes:    map[string]*itemDef{},
		objects:    map[string]*itemDef{},
	}
	s.version, _ = root.value("ocsf_version").(string)
	if s.version == "" {
		return nil, errors.New("ocsf: embedded schema has no ocsf_version")
	}
	if cats, ok := root.value("categories").(*jobject); ok {
		for i, k := range cats.keys {
			n, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				continue
			}
			c, _ := cats.vals[i].(*jobject)
			if c == nil {
				continue
			}
			name, _ := c.value("name").(string)
			caption, _ := c.value("caption").(string)
			s.categories[n] = categoryDef{name: name, caption: caption}
		}
	}
	if profs, ok := root.value("profiles").(*jobject); ok {
		for i, k := range profs.keys {
			caption := ""
			if p, ok := profs.vals[i].(*jobject); ok {
				caption, _ = p.value("caption").(string)
			}
			s.profiles[k] = caption
		}
	}
	types, ok := root.value("types").(*jobject)
	if !ok {
		return nil, errors.New("ocsf: embedded schema has no types")
	}
	for i, k := range types.keys {
		t, ok := types.vals[i].(*jobject)
		if !ok {
			return nil, fmt.Errorf("ocsf: type %s is not an object", k)
		}
		td := &typeDef{name: k}
		td.base, _ = t.value("base").(string)
		td.json, _ = t.value("json").(string)
		td.supertype, _ = t.value("supertype").(string)
		if ml, ok := t.get("max_len"); ok {
			td.maxLen = ml
		}
		if r, ok := t.get("range"); ok {
			lst, ok := r.([]any)
			if !ok || len(lst) != 2 {
				return nil, fmt.Errorf("ocsf: type %s: bad range", k)
			}
			td.hasRange, td.rangeLo, td.rangeHi = true, lst[0], lst[1]
		}
		if vals, ok := t.get("values"); ok {
			lst, ok := vals.([]any)
			if !ok {
				return nil, fmt.Errorf("ocsf: type %s: bad values", k)
			}
			td.hasValues, td.values = true, lst
		}
		if rx, ok := t.value("regex").(string); ok && rx != "" {
			goRx, err := translatePyRegex(rx)
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
	for _, kind := range []string{"classes", "objects"} {
		items, ok := root.value(kind).(*jobject)
		if !ok {
			return nil, fmt.Errorf("ocsf: embedded schema has no %s", kind)
		}
		for i, k := range items.keys {
			o, ok := items.vals[i].(*jobject)
			if !ok {
				return nil, fmt.Errorf("ocsf: %s %s is not an object", kind, k)
			}
			it, err := loadItem(o, kind == "classes")
			if err != nil {
				return nil, fmt.Errorf("ocsf: %s %s: %w", kind, k, err)
			}
			if kind == "classes" {
				s.classes[k] = it
			} else {
				s.objects[k] = it
			}
		}
	}
	return s, nil
}

func loadItem(o *jobject, isClass bool) (*itemDef, error) {
	it := &itemDef{byName: map[string]*attrDef{}}
	it.name, _ = o.value("name").(string)
	it.caption, _ = o.value("caption").(string)
	it.deprecated = pyTruthy(o.value("deprecated"))
	if isClass {
		uid, ok := o.value("uid").(int64)
		if !ok {
			return nil, errors.New("no integer uid")
		}
		it.uid = uid
		it.categoryUID, _ = o.value("category_uid").(int64)
		it.category, _ = o.value("category").(string)
		it.desc = fmt.Sprintf("class %s (%d)", it.name, it.uid)
	} else {
		it.desc = "object " + it.name
	}
	if cons, ok := o.value("constraints").(*jobject); ok {
		for i, kind := range cons.keys {
			lst, _ := cons.vals[i].([]any)
			c := constraintDef{kind: kind}
			for _, n := range lst {
				s, ok := n.(string)
				if !ok {
					return nil, fmt.Errorf("constraint %s: non-string name", kind)
				}
				c.names = append(c.names, s)
			}
			it.constraints = append(it.constraints, c)
		}
	}
	attrs, ok := o.value("attributes").(*jobject)
	if !ok {
		return nil, errors.New("no attributes")
	}
	for i, name := range attrs.keys {
		a, ok := attrs.vals[i].(*jobject)
		if !ok {
			return nil, fmt.Errorf("attribute %s is not an object", name)
		}
		ad := &attrDef{name: name}
		ad.typ, _ = a.value("type").(string)
		ad.objectType, _ = a.value("object_type").(string)
		ad.isArray = pyTruthy(a.value("is_array"))
		ad.requirement, _ = a.value("requirement").(string)
		ad.sibling, _ = a.value("sibling").(string)
		ad.deprecated = pyTruthy(a.value("deprecated"))
		if ps, ok := a.value("profiles").([]any); ok {
			for _, p := range ps {
				if s, ok := p.(string); ok {
					ad.profiles = append(ad.profiles, s)
				}
			}
		}
		if en, ok := a.value("enum").(*jobject); ok {
			ad.hasEnum = true
			ad.enumIdx = make(map[string]string, len(en.keys))
			for j, k := range en.keys {
				cap := pyStr(en.vals[j])
				ad.enum = append(ad.enum, enumEntry{key: k, caption: cap})
				ad.enumIdx[k] = cap
			}
		}
		if ed, ok := a.value("enum_deprecated").([]any); ok {
			ad.enumDepr = map[string]bool{}
			for _, k := range ed {
				if s, ok := k.(string); ok {
					ad.enumDepr[s] = true
				}
			}
		}
		if ad.typ == "" {
			return nil, fmt.Errorf("attribute %s has no type", name)
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
