package ocsf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Issue is one finding of the validator.
type Issue struct {
	// Code names the kind of finding. Codes are stable, and the same as the
	// reference validate.py's: required_missing, attribute_unknown,
	// wrong_type, max_len, range, value_not_allowed, regex_mismatch,
	// enum_value_unknown, enum_sibling_mismatch,
	// enum_sibling_other_suspicious, type_uid_mismatch,
	// category_uid_mismatch, constraint_failed, constraint_unknown,
	// class_uid_unknown, profile_unknown, deprecated, version_mismatch,
	// recommended_missing, schema_bug or json_invalid; and caption_mismatch,
	// which validate.py does not check (see ValidatorOptions.SkipCaptions).
	Code string
	// Path is the JSON path of the value, dotted, with [i] for array
	// elements, e.g. "actor.user.org" or "metadata.profiles[0]". It is
	// empty for the event as a whole.
	Path string
	// Message says what is wrong in plain words; values are shown as Go
	// quotes them (strings with %q, numbers as their JSON text).
	Message string
	// Warning is true when the issue does not make the event invalid.
	Warning bool
}

// String formats the issue as "path: message [code]", or "message [code]"
// for the event as a whole.
func (i Issue) String() string {
	if i.Path == "" {
		return i.Message + " [" + i.Code + "]"
	}
	return i.Path + ": " + i.Message + " [" + i.Code + "]"
}

// ErrInvalid is matched (errors.Is) by every *ValidationError.
var ErrInvalid = errors.New("ocsf: invalid event")

// ValidationError reports an event that is not valid OCSF. It lists the
// errors only; warnings never make an event invalid.
type ValidationError struct {
	Class  ClassUID // the event's class_uid when it is a known integer, else 0
	UID    string   // the event's metadata.uid when it is a string
	Issues []Issue  // the errors, in the order Check gives them
}

// Error lists the issues, joined by "; ".
func (e *ValidationError) Error() string {
	var sb strings.Builder
	sb.WriteString("ocsf: invalid event")
	switch {
	case e.Class != 0 && e.UID != "":
		fmt.Fprintf(&sb, " (class_uid %d, uid %q)", e.Class, e.UID)
	case e.Class != 0:
		fmt.Fprintf(&sb, " (class_uid %d)", e.Class)
	case e.UID != "":
		fmt.Fprintf(&sb, " (uid %q)", e.UID)
	}
	sb.WriteString(": ")
	for i, is := range e.Issues {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(is.String())
	}
	return sb.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidatorOptions change how strict a Validator is. The reference
// validate.py has the same options as flags (named in parentheses).
type ValidatorOptions struct {
	// TypeUIDWarning reports type_uid != class_uid*100+activity_id as a
	// warning (--type-uid-warning).
	TypeUIDWarning bool
	// AllProfiles accepts, without requiring them, the attributes of every
	// profile whatever metadata.profiles says (--all-profiles).
	AllProfiles bool
	// WarnRecommended warns about missing recommended attributes
	// (--warn-recommended).
	WarnRecommended bool
	// Warn demotes issue codes to warnings (--warn CODE).
	Warn []string
	// Error promotes issue codes to errors (--error CODE); it wins over Warn.
	Error []string
	// Version is the OCSF version to check against (--version): one of
	// Versions. Empty picks each event's metadata.version when the package
	// embeds that version's schema, else 1.1.0, as validate.py does. An
	// unknown Version makes every event fail with schema_bug.
	Version Version
	// SkipCaptions leaves out the caption checks (code caption_mismatch),
	// which validate.py does not make: class_name, category_name,
	// activity_name, type_name, severity and status must be the captions
	// of class_uid, category_uid, activity_id, type_uid, severity_id and
	// status_id in the schema used (activity_name, severity and status are
	// free for Other, 99). A caption that is absent is not checked.
	SkipCaptions bool
}

// Validator checks events against the embedded OCSF schemas (1.1.0 and
// 1.8.0). It is safe for concurrent use. The zero Validator (and a nil
// *Validator) checks with the default options.
type Validator struct {
	opts  ValidatorOptions
	warn  map[string]bool
	error map[string]bool
	// schema is the fixed schema (opts.Version), or nil to pick each
	// event's by its metadata.version.
	schema *lazySchema
}

// NewValidator returns a Validator with options opts.
func NewValidator(opts ValidatorOptions) *Validator {
	v := &Validator{opts: opts, warn: map[string]bool{}, error: map[string]bool{}}
	if opts.Version != "" {
		v.schema = lazyFor(opts.Version)
		if v.schema == nil {
			v.schema = &lazySchema{data: "{}"}
			v.schema.once.Do(func() {
				v.schema.err = fmt.Errorf("%w %q (allowed: %s)", ErrUnknownVersion, opts.Version, strings.Join(Versions(), ", "))
			})
		}
	}
	v.opts.Warn = slices.Clone(opts.Warn)
	v.opts.Error = slices.Clone(opts.Error)
	for _, c := range opts.Warn {
		v.warn[c] = true
	}
	for _, c := range opts.Error {
		v.error[c] = true
	}
	if opts.TypeUIDWarning {
		v.warn["type_uid_mismatch"] = true
	}
	return v
}

// isWarningCode lists the codes that are warnings unless promoted.
func isWarningCode(code string) bool {
	switch code {
	case "recommended_missing", "enum_sibling_mismatch", "enum_sibling_other_suspicious",
		"regex_mismatch", "deprecated", "version_mismatch":
		return true
	}
	return false
}

// Check validates one JSON-encoded event and returns its errors and
// warnings: first the class, then the attributes in name order (each
// object's before its siblings'), unknown attributes in name order,
// constraints, and the class-wide checks of category_uid, type_uid and
// metadata.version. Input that is not one JSON object (RFC 8259, in UTF-8)
// gives one json_invalid error. Check never panics.
func (v *Validator) Check(data []byte) (errs, warnings []Issue) {
	_, r := v.check(data)
	return r.errs, r.warns
}

// Validate marshals e and checks it with v's options; it returns a
// *ValidationError when the event has errors.
func (v *Validator) Validate(e Event) error {
	data, err := e.MarshalJSON()
	if err != nil {
		return fmt.Errorf("ocsf: marshal event: %w", err)
	}
	return v.ValidateJSON(data)
}

// ValidateJSON checks one JSON-encoded event with v's options; it returns a
// *ValidationError when the event has errors.
func (v *Validator) ValidateJSON(data []byte) error {
	ev, r := v.check(data)
	if len(r.errs) == 0 {
		return nil
	}
	ve := &ValidationError{Issues: r.errs}
	if cu, ok := ev["class_uid"].(json.Number); ok {
		if n, err := strconv.ParseInt(string(cu), 10, 32); err == nil && n >= 0 {
			ve.Class = ClassUID(n)
		}
	}
	if md, ok := ev["metadata"].(map[string]any); ok {
		ve.UID, _ = md["uid"].(string)
	}
	return ve
}

// Validate marshals e and checks it against the embedded schema of its
// metadata.version (1.1.0 or 1.8.0; 1.1.0 for any other) with the default
// options. It returns nil or a *ValidationError, which matches ErrInvalid.
func Validate(e Event) error {
	return NewValidator(ValidatorOptions{}).Validate(e)
}

// ValidateJSON checks one JSON-encoded event against the embedded schema of
// its metadata.version (1.1.0 or 1.8.0; 1.1.0 for any other) with the
// default options. It returns nil or a *ValidationError.
func ValidateJSON(data []byte) error {
	return NewValidator(ValidatorOptions{}).ValidateJSON(data)
}

// decodeEvent reads one JSON value with numbers kept as their text, so that
// 1 and 1.0 stay apart and integers of any size stay exact. A duplicate key
// keeps its last value. Invalid UTF-8 is refused (encoding/json would
// replace it silently), and so is anything after the value.
func decodeEvent(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			return nil, errors.New("no JSON value")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%v (at byte %d)", err, se.Offset)
		}
		return nil, err
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value (at byte %d)", end)
	}
	return v, nil
}

// run holds the state of one event's check.
type run struct {
	v      *Validator
	s      *schema
	active []string // metadata.profiles (strings only)
	errs   []Issue
	warns  []Issue
}

func (r *run) add(code, path, msg string) {
	warn := (isWarningCode(code) || r.v.warn[code]) && !r.v.error[code]
	is := Issue{Code: code, Path: path, Message: msg, Warning: warn}
	if warn {
		r.warns = append(r.warns, is)
	} else {
		r.errs = append(r.errs, is)
	}
}

func (r *run) addf(code, path, format string, args ...any) {
	r.add(code, path, fmt.Sprintf(format, args...))
}

// check decodes and validates one event; it also returns the event when it
// is an object.
func (v *Validator) check(data []byte) (map[string]any, *run) {
	if v == nil {
		v = &Validator{}
	}
	r := &run{v: v}
	// these are errors whatever the options
	val, err := decodeEvent(data)
	if err != nil {
		r.errs = append(r.errs, Issue{Code: "json_invalid", Message: "not JSON: " + err.Error()})
		return nil, r
	}
	ev, ok := val.(map[string]any)
	if !ok {
		r.errs = append(r.errs, Issue{Code: "json_invalid", Message: "the event is " + kind(val) + ", not a JSON object"})
		return nil, r
	}
	ls := v.schema
	if ls == nil {
		ls = builtin
		if md, ok := ev["metadata"].(map[string]any); ok {
			if ver, ok := md["version"].(string); ok && lazyFor(ver) != nil {
				ls = lazyFor(ver)
			}
		}
	}
	s, err := ls.get()
	if err != nil {
		r.errs = append(r.errs, Issue{Code: "schema_bug", Message: err.Error()})
		return nil, r
	}
	r.s = s
	if md, ok := ev["metadata"].(map[string]any); ok {
		ps, _ := md["profiles"].([]any)
		for _, p := range ps {
			if s, ok := p.(string); ok {
				r.active = append(r.active, s)
			}
		}
	}
	r.validate(ev)
	return ev, r
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// inForce reports whether a belongs to its class or object as the event
// declares it: it has no profile, or metadata.profiles lists one of its.
func (r *run) inForce(a *attrDef) bool {
	if len(a.profiles) == 0 {
		return true
	}
	for _, p := range a.profiles {
		if slices.Contains(r.active, p) {
			return true
		}
	}
	return false
}

func (r *run) allowed(a *attrDef) bool {
	return r.v.opts.AllProfiles || r.inForce(a)
}

func (r *run) validate(ev map[string]any) {
	cu := ev["class_uid"]
	if cu == nil {
		r.add("required_missing", "class_uid", "missing; every OCSF event needs one")
		return
	}
	key, ok := intKey(cu)
	if !ok {
		r.add("wrong_type", "class_uid", "want an integer, got "+describe(cu))
		return
	}
	cls := r.s.classes[key]
	if cls == nil {
		r.addf("class_uid_unknown", "class_uid", "no class %s in OCSF %s", show(cu), r.s.version)
		return
	}
	if cls.deprecated {
		r.addf("deprecated", "class_uid", "class %s is deprecated", cls.name)
	}
	md, _ := ev["metadata"].(map[string]any)
	ps, _ := md["profiles"].([]any)
	for i, p := range ps {
		if p, ok := p.(string); ok {
			if _, known := r.s.profiles[p]; !known {
				r.addf("profile_unknown", fmt.Sprintf("metadata.profiles[%d]", i), "no profile %q in OCSF %s", p, r.s.version)
			}
		}
	}
	r.checkItem("", ev, cls)
	if cat, ok := intKey(ev["category_uid"]); ok && cat != strconv.FormatInt(cls.categoryUID, 10) {
		r.addf("category_uid_mismatch", "category_uid", "%s, but class %d is in category %d", clip(cat), cls.uid, cls.categoryUID)
	}
	act, okA := intKey(ev["activity_id"])
	tu, okT := intKey(ev["type_uid"])
	if okA && okT {
		want := "" // class_uid*100+activity_id
		if a, err := strconv.ParseInt(act, 10, 32); err == nil {
			want = strconv.FormatInt(cls.uid*100+a, 10)
		} else if a, ok := bigInt(act); ok {
			want = a.Add(a, big.NewInt(cls.uid*100)).String()
		}
		if tu != want {
			if want == "" { // activity_id too long to add up (and no integer_t: invalid anyway)
				want = fmt.Sprintf("%d*100+%s", cls.uid, act)
			}
			r.addf("type_uid_mismatch", "type_uid", "%s, but class_uid*100+activity_id = %s", clip(tu), clip(want))
		}
	}
	if ver, ok := md["version"].(string); ok && ver != r.s.version {
		r.addf("version_mismatch", "metadata.version", "event says %q, validated against %s", ver, r.s.version)
	}
	if !r.v.opts.SkipCaptions {
		r.checkCaptions(ev, cls)
	}
}

// checkCaptions checks that the captions of the event's classification
// (class_name, category_name, activity_name, type_name, severity, status)
// are those of their ids in the schema (see ValidatorOptions.SkipCaptions).
func (r *run) checkCaptions(ev map[string]any, cls *itemDef) {
	// otherFree: the id 99 (Other) takes any caption; validate.py's
	// sibling check makes the same exception (type_uid 99 is class 0's
	// Other).
	check := func(capAttr, idAttr string, otherFree bool) {
		got, present := ev[capAttr]
		if !present {
			return
		}
		var want string
		if idAttr == "class_uid" {
			want = cls.caption
		} else {
			a := cls.byName[idAttr]
			if a == nil || !a.hasEnum {
				return
			}
			key, ok := intKey(ev[idAttr])
			if !ok {
				return
			}
			if otherFree && key == "99" {
				return // Other: the source's own label
			}
			if want, ok = a.enumIdx[key]; !ok {
				return // enum_value_unknown
			}
		}
		if got != any(want) {
			r.addf("caption_mismatch", capAttr, "%s, want %q, the caption of %s=%s in OCSF %s",
				show(got), want, idAttr, clip(show(ev[idAttr])), r.s.version)
		}
	}
	check("class_name", "class_uid", false)
	check("category_name", "category_uid", false)
	check("activity_name", "activity_id", true)
	check("type_name", "type_uid", true)
	check("severity", "severity_id", true)
	check("status", "status_id", true)
}

// intKey returns the decimal text of an integer JSON value ("-0" as "0"):
// its key in the schema's maps. It is false for anything else, 1.0
// included.
func intKey(v any) (string, bool) {
	n, ok := v.(json.Number)
	if !ok || strings.ContainsAny(string(n), ".eE") {
		return "", false
	}
	if n == "-0" {
		return "0", true
	}
	return string(n), true
}

// maxIntDigits bounds the integers bigInt converts, whose cost grows with
// the square of their length. No OCSF integer has more than 39 digits.
const maxIntDigits = 4300

// bigInt converts the decimal text of an integer; it is false when the text
// is longer than maxIntDigits.
func bigInt(text string) (*big.Int, bool) {
	if len(text) > maxIntDigits {
		return nil, false
	}
	return new(big.Int).SetString(text, 10)
}

func (r *run) checkItem(path string, item map[string]any, def *itemDef) {
	for _, a := range def.attrs {
		if !r.allowed(a) {
			continue
		}
		val := item[a.name]
		if val != nil {
			r.checkAttribute(item, a, join(path, a.name), val)
			continue
		}
		if !r.inForce(a) {
			continue
		}
		switch {
		case a.requirement == "required":
			r.add("required_missing", join(path, a.name), "missing; required by "+def.desc)
		case a.requirement == "recommended" && r.v.opts.WarnRecommended:
			r.add("recommended_missing", join(path, a.name), "missing; recommended by "+def.desc)
		}
	}
	if len(def.attrs) > 0 { // an object without attributes (e.g. "object") is open
		var unknown []string
		for k := range item {
			if a := def.byName[k]; a == nil || !r.allowed(a) {
				unknown = append(unknown, k)
			}
		}
		slices.Sort(unknown)
		for _, k := range unknown {
			if a := def.byName[k]; a != nil {
				r.addf("attribute_unknown", join(path, k), "belongs to %s only with profile %s, which metadata.profiles does not list",
					def.desc, strings.Join(a.profiles, " or "))
			} else {
				r.add("attribute_unknown", join(path, k), "not an attribute of "+def.desc)
			}
		}
	}
	for _, c := range def.constraints {
		present := 0
		for _, n := range c.names {
			if item[n] != nil {
				present++
			}
		}
		switch c.kind {
		case "at_least_one":
			if present == 0 {
				r.addf("constraint_failed", path, "%s needs at least one of %s", def.desc, strings.Join(c.names, ", "))
			}
		case "just_one":
			if present != 1 {
				r.addf("constraint_failed", path, "%s needs exactly one of %s, has %d", def.desc, strings.Join(c.names, ", "), present)
			}
		default:
			r.addf("constraint_unknown", path, "unknown constraint %q in %s", c.kind, def.desc)
		}
	}
}

func (r *run) checkAttribute(item map[string]any, a *attrDef, path string, v any) {
	if a.deprecated {
		r.add("deprecated", path, "deprecated attribute")
	}
	if !a.isArray {
		if r.checkScalar(path, a, v) && a.hasEnum && path != "category_uid" && path != "class_uid" {
			// (class_uid and category_uid have their own checks)
			r.checkEnum(path, a, v, item, -1)
		}
		return
	}
	lst, ok := v.([]any)
	if !ok {
		what := a.objectType
		if what == "" {
			what = a.typ
		}
		r.addf("wrong_type", path, "want an array of %s, got %s", what, describe(v))
		return
	}
	for i, el := range lst {
		p := path + "[" + strconv.Itoa(i) + "]"
		if r.checkScalar(p, a, el) && a.hasEnum {
			r.checkEnum(p, a, el, item, i)
		}
	}
}

// checkScalar checks one value (or array element) of attribute a; it
// reports whether the value has the right type.
func (r *run) checkScalar(path string, a *attrDef, v any) bool {
	if a.typ == "object_t" {
		obj, ok := v.(map[string]any)
		if !ok {
			r.addf("wrong_type", path, "want object %s, got %s", a.objectType, describe(v))
			return false
		}
		def := r.s.objects[a.objectType]
		if def == nil {
			r.addf("schema_bug", path, "object %s missing from the schema", a.objectType)
			return false
		}
		if def.deprecated {
			r.addf("deprecated", path, "object %s is deprecated", def.name)
		}
		r.checkItem(path, obj, def)
		return true
	}
	td := r.s.types[a.typ]
	if td == nil {
		r.addf("schema_bug", path, "type %s missing from the schema", a.typ)
		return false
	}
	if !hasBase(td.base, v) {
		r.addf("wrong_type", path, "want %s (%s), got %s", a.typ, td.json, describe(v))
		return false
	}
	str, isStr := v.(string)
	num, isNum := v.(json.Number)
	for _, t := range td.chain {
		if t.maxLen != nil && isStr {
			if n := utf8.RuneCountInString(str); n > *t.maxLen {
				r.addf("max_len", path, "%d characters, over %s's max_len of %d", n, t.name, *t.maxLen)
			}
		}
		if t.hasRange && isNum {
			if f, _ := strconv.ParseFloat(string(num), 64); f < t.rangeLo || f > t.rangeHi {
				r.addf("range", path, "%s outside %s's range %v..%v", num, t.name, t.rangeLo, t.rangeHi)
			}
		}
		if t.values != nil && !slices.ContainsFunc(t.values, func(x any) bool { return sameScalar(v, x) }) {
			r.addf("value_not_allowed", path, "%s is none of %s's values %s", show(v), t.name, show(t.values))
		}
		if isStr && t.regex != nil && !t.regex.MatchString(str) {
			r.addf("regex_mismatch", path, "%s does not match the %s pattern", show(str), t.name)
		}
	}
	return true
}

// hasBase reports whether v is of the base type. An integer is a float_t
// too, as JSON has one number type.
func hasBase(base string, v any) bool {
	switch base {
	case "boolean_t":
		_, ok := v.(bool)
		return ok
	case "integer_t": // -2**63 .. 2**63-1
		key, ok := intKey(v)
		if ok {
			_, err := strconv.ParseInt(key, 10, 64)
			ok = err == nil
		}
		return ok
	case "long_t": // -2**127 .. 2**127-1
		key, ok := intKey(v)
		if !ok || len(key) > 40 {
			return false
		}
		if _, err := strconv.ParseInt(key, 10, 64); err == nil {
			return true
		}
		n, _ := bigInt(key)
		return n.BitLen() <= 127 || n.Sign() < 0 && n.BitLen() == 128 && n.TrailingZeroBits() == 127
	case "float_t":
		_, ok := v.(json.Number)
		return ok
	case "string_t":
		_, ok := v.(string)
		return ok
	}
	return true // json_t
}

// sameScalar reports whether v equals x, a value from the schema (numbers by
// value).
func sameScalar(v, x any) bool {
	switch x := x.(type) {
	case json.Number:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, _ := strconv.ParseFloat(string(n), 64)
		g, _ := strconv.ParseFloat(string(x), 64)
		return f == g
	case string, bool, nil:
		switch v.(type) {
		case string, bool, nil:
			return v == x
		}
	}
	return false
}

// parentPath is path without its last dotted segment.
func parentPath(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// checkEnum checks that v, the value of enum attribute a in item (element
// index of it, for an array, else -1), is defined, and that its sibling
// (e.g. activity_name for activity_id) is its caption.
func (r *run) checkEnum(path string, a *attrDef, v any, item map[string]any, index int) {
	key, ok := v.(string)
	if !ok {
		key, _ = intKey(v)
	}
	caption, ok := a.enumIdx[key]
	if !ok {
		var sb strings.Builder
		for i, e := range a.enum {
			if i == 12 {
				sb.WriteString(", …")
				break
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(e.key + " " + e.caption)
		}
		r.addf("enum_value_unknown", path, "%s is not defined (defined: %s)", show(v), sb.String())
		return
	}
	if a.enumDepr[key] {
		r.addf("deprecated", path, "value %s (%s) is deprecated", clip(key), caption)
	}
	sv, present := item[a.sibling]
	if a.sibling == "" || !present {
		return
	}
	spath := join(parentPath(path), a.sibling)
	if index >= 0 {
		lst, ok := sv.([]any)
		if !ok || index >= len(lst) {
			return
		}
		sv = lst[index]
		spath += "[" + strconv.Itoa(index) + "]"
	}
	matches := sv == any(caption)
	if _, isNum := v.(json.Number); isNum && key == "99" {
		if matches {
			r.addf("enum_sibling_other_suspicious", spath,
				"%s is the caption of %s=99; for Other it should carry the source's own label", show(sv), a.name)
		}
	} else if !matches {
		r.addf("enum_sibling_mismatch", spath, "%s, want %q, the caption of %s=%s", show(sv), caption, a.name, clip(key))
	}
}

// kind names the JSON type of a decoded value.
func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, ok := intKey(v); ok {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// describe is the kind and the value: `string "x"`, `integer 3`.
func describe(v any) string { return kind(v) + " " + show(v) }

// maxShown is how much of a value a message shows: runes of a string, bytes
// of the JSON text of an array or object.
const maxShown = 60

// show formats a decoded value for a message: a string quoted as %q does,
// anything else as JSON; either is cut at maxShown, marked by "…".
func show(v any) string {
	if s, ok := v.(string); ok {
		i, n := 0, 0
		for i = range s {
			if n == maxShown {
				return strconv.Quote(s[:i]) + "…"
			}
			n++
		}
		return strconv.Quote(s)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // decoded JSON always encodes
	return clip(strings.TrimSuffix(b.String(), "\n"))
}

// clip cuts s to at most maxShown bytes (whole runes), marked by "…".
func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
