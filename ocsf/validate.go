package ocsf

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Issue is one finding of the validator, as validate.py reports it.
type Issue struct {
	// Code names the kind of issue: required_missing, attribute_unknown,
	// wrong_type, max_len, range, value_not_allowed, regex_mismatch,
	// enum_value_unknown, enum_sibling_mismatch, enum_sibling_other_suspicious,
	// type_uid_mismatch, category_uid_mismatch, constraint_failed,
	// constraint_unknown, class_uid_unknown, profile_unknown, deprecated,
	// version_mismatch, recommended_missing, schema_bug or json_invalid.
	Code string
	// Path is the dotted path of the attribute, with [i] for array
	// elements, e.g. "actor.user.org". It is empty for the event itself.
	Path string
	// Message says what is wrong, worded as validate.py words it.
	Message string
	// Warning is true when the issue does not make the event invalid.
	Warning bool
}

// String formats the issue as validate.py prints it: "[code] path: message",
// with "<event>" for an empty path.
func (i Issue) String() string {
	p := i.Path
	if p == "" {
		p = "<event>"
	}
	return "[" + i.Code + "] " + p + ": " + i.Message
}

// ErrInvalid is matched (errors.Is) by every *ValidationError.
var ErrInvalid = errors.New("ocsf: invalid event")

// ValidationError reports an event that is not valid OCSF. It lists the
// errors only; warnings never make an event invalid.
type ValidationError struct {
	Class  ClassUID // the event's class_uid when it is a known integer, else 0
	UID    string   // the event's metadata.uid when it is a string
	Issues []Issue  // errors, in validate.py's order
}

// Error lists the issues, joined by "; " as validate.py does.
func (e *ValidationError) Error() string {
	var sb strings.Builder
	sb.WriteString("ocsf: invalid event")
	if e.Class != 0 || e.UID != "" {
		sb.WriteString(" (")
		if e.Class != 0 {
			sb.WriteString("class_uid=" + strconv.Itoa(int(e.Class)))
			if e.UID != "" {
				sb.WriteByte(' ')
			}
		}
		if e.UID != "" {
			sb.WriteString("uid=" + e.UID)
		}
		sb.WriteByte(')')
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

// ValidatorOptions are validate.py's command-line options.
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
}

// Validator checks events against the embedded OCSF 1.1.0 schema, exactly as
// validate.py does. It is safe for concurrent use. The zero Validator (and a
// nil *Validator) checks with the default options.
type Validator struct {
	opts   ValidatorOptions
	warn   map[string]bool
	error  map[string]bool
	schema *lazySchema
}

// NewValidator returns a Validator for the embedded OCSF 1.1.0 schema.
func NewValidator(opts ValidatorOptions) *Validator {
	v := &Validator{opts: opts, schema: builtin, warn: map[string]bool{}, error: map[string]bool{}}
	v.opts.Warn = append([]string(nil), opts.Warn...)
	v.opts.Error = append([]string(nil), opts.Error...)
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
// warnings in the order validate.py reports them. Input that is not a JSON
// object gives one json_invalid error. Check never panics.
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
	if obj, ok := ev.(*jobject); ok {
		if cu, ok := obj.value("class_uid").(int64); ok && cu >= 0 && cu <= 1<<31-1 {
			ve.Class = ClassUID(cu)
		}
		if md, ok := obj.value("metadata").(*jobject); ok {
			ve.UID, _ = md.value("uid").(string)
		}
	}
	return ve
}

// Validate marshals e and checks it against OCSF 1.1.0 with the default
// options (those of a plain "python3 validate.py"). It returns nil or a
// *ValidationError, which matches ErrInvalid.
func Validate(e Event) error {
	return NewValidator(ValidatorOptions{}).Validate(e)
}

// ValidateJSON checks one JSON-encoded event against OCSF 1.1.0 with the
// default options. It returns nil or a *ValidationError.
func ValidateJSON(data []byte) error {
	return NewValidator(ValidatorOptions{}).ValidateJSON(data)
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
	warn := isWarningCode(code)
	if r.v.warn[code] {
		warn = true
	}
	if r.v.error[code] {
		warn = false
	}
	is := Issue{Code: code, Path: path, Message: msg, Warning: warn}
	if warn {
		r.warns = append(r.warns, is)
	} else {
		r.errs = append(r.errs, is)
	}
}

// check parses and validates one event; it also returns the parsed value.
func (v *Validator) check(data []byte) (ev any, r *run) {
	if v == nil {
		v = &Validator{}
	}
	ls := v.schema
	if ls == nil {
		ls = builtin
	}
	r = &run{v: v}
	s, err := ls.get()
	if err != nil {
		r.errs = append(r.errs, Issue{Code: "schema_bug", Message: err.Error()})
		return nil, r
	}
	r.s = s
	ev, err = parseJSON(data)
	if err != nil {
		r.errs = append(r.errs, Issue{Code: "json_invalid", Message: err.Error()})
		return nil, r
	}
	obj, ok := ev.(*jobject)
	if !ok {
		// validate.py lets a bare null pass (it never validates it); an
		// event that is null is no event, so it is reported here.
		r.errs = append(r.errs, Issue{Code: "json_invalid", Message: "top level is " + pyType(ev) + ", not an object"})
		return ev, r
	}
	if md, ok := obj.value("metadata").(*jobject); ok {
		if ps, ok := md.value("profiles").([]any); ok {
			for _, p := range ps {
				if s, ok := p.(string); ok {
					r.active = append(r.active, s)
				}
			}
		}
	}
	r.validate(obj)
	return ev, r
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (r *run) inForce(a *attrDef) bool {
	if len(a.profiles) == 0 {
		return true
	}
	for _, p := range a.profiles {
		for _, q := range r.active {
			if p == q {
				return true
			}
		}
	}
	return false
}

func (r *run) allowed(a *attrDef) bool {
	return r.v.opts.AllProfiles || r.inForce(a)
}

func (r *run) validate(ev *jobject) {
	cu := ev.value("class_uid")
	if cu == nil {
		r.add("required_missing", "class_uid", "every OCSF event needs class_uid")
		return
	}
	if !isInt(cu) {
		r.add("wrong_type", "class_uid", "expected integer, got "+pyType(cu))
		return
	}
	cls := r.s.classes[pyStr(cu)]
	if cls == nil {
		r.add("class_uid_unknown", "class_uid", fmt.Sprintf("no class %s in OCSF %s", pyStr(cu), r.s.version))
		return
	}
	if cls.deprecated {
		r.add("deprecated", "class_uid", "class "+cls.name+" is deprecated")
	}
	md, _ := ev.value("metadata").(*jobject)
	if md != nil {
		if ps, ok := md.value("profiles").([]any); ok {
			for i, p := range ps {
				if ps, ok := p.(string); ok {
					if _, known := r.s.profiles[ps]; !known {
						r.add("profile_unknown", fmt.Sprintf("metadata.profiles[%d]", i),
							fmt.Sprintf("no profile %s in OCSF %s", pyStrRepr(ps), r.s.version))
					}
				}
			}
		}
	}
	r.checkItem("", ev, cls)
	if cat := ev.value("category_uid"); isInt(cat) && numCmp(cat, cls.categoryUID) != 0 {
		r.add("category_uid_mismatch", "category_uid", fmt.Sprintf("%s, but class %s belongs to category %d",
			pyStr(cat), pyStr(cu), cls.categoryUID))
	}
	act, tu := ev.value("activity_id"), ev.value("type_uid")
	if isInt(act) && isInt(tu) {
		want := new(big.Int).Mul(bigOf(cu), big.NewInt(100))
		want.Add(want, bigOf(act))
		if bigOf(tu).Cmp(want) != 0 {
			r.add("type_uid_mismatch", "type_uid", fmt.Sprintf("%s != class_uid*100+activity_id = %s*100+%s = %s",
				pyStr(tu), pyStr(cu), pyStr(act), want.String()))
		}
	}
	if md != nil {
		if ver, ok := md.value("version").(string); ok && ver != r.s.version {
			r.add("version_mismatch", "metadata.version", fmt.Sprintf("event says %s, validated against %s", ver, r.s.version))
		}
	}
}

func bigOf(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return x
	}
	return new(big.Int)
}

func (r *run) checkItem(path string, item *jobject, def *itemDef) {
	for _, a := range def.attrs {
		if !r.allowed(a) {
			continue
		}
		val := item.value(a.name)
		if val == nil {
			if !r.inForce(a) {
				continue
			}
			switch {
			case a.requirement == "required":
				r.add("required_missing", join(path, a.name), "required by "+def.desc)
			case a.requirement == "recommended" && r.v.opts.WarnRecommended:
				r.add("recommended_missing", join(path, a.name), "recommended by "+def.desc)
			}
			continue
		}
		r.checkAttribute(item, a, join(path, a.name), val)
	}
	if len(def.attrs) > 0 { // an object without attributes (e.g. "object") is open
		for _, k := range item.keys {
			a := def.byName[k]
			if a != nil && r.allowed(a) {
				continue
			}
			if a != nil {
				r.add("attribute_unknown", join(path, k), fmt.Sprintf(
					"belongs to profile(s) %s of %s, which metadata.profiles does not list",
					strings.Join(a.profiles, "/"), def.desc))
			} else {
				r.add("attribute_unknown", join(path, k), "not defined in "+def.desc)
			}
		}
	}
	for _, c := range def.constraints {
		present := 0
		for _, n := range c.names {
			if item.value(n) != nil {
				present++
			}
		}
		switch c.kind {
		case "at_least_one":
			if present == 0 {
				r.add("constraint_failed", path, fmt.Sprintf("%s needs at least one of %s", def.desc, strings.Join(c.names, ", ")))
			}
		case "just_one":
			if present != 1 {
				r.add("constraint_failed", path, fmt.Sprintf("%s needs exactly one of %s (got %d)",
					def.desc, strings.Join(c.names, ", "), present))
			}
		default:
			r.add("constraint_unknown", path, fmt.Sprintf("unknown constraint %s in %s", c.kind, def.desc))
		}
	}
}

func (r *run) checkAttribute(item *jobject, a *attrDef, path string, v any) {
	if a.deprecated {
		r.add("deprecated", path, "attribute is deprecated")
	}
	if a.isArray {
		lst, ok := v.([]any)
		if !ok {
			what := a.objectType
			if what == "" {
				what = a.typ
			}
			r.add("wrong_type", path, fmt.Sprintf("expected array of %s, got %s", what, pyType(v)))
			return
		}
		for i, el := range lst {
			p := path + "[" + strconv.Itoa(i) + "]"
			if r.checkScalar(p, a, el) && a.hasEnum {
				r.checkEnum(p, a, el, item, i)
			}
		}
		return
	}
	if r.checkScalar(path, a, v) && a.hasEnum {
		if path == "category_uid" || path == "class_uid" {
			return // reported by the class-level consistency checks
		}
		r.checkEnum(path, a, v, item, -1)
	}
}

// inLongRange reports whether x is within the OCSF server's long_t range,
// -(2**127) .. 2**127-1.
func inLongRange(x *big.Int) bool {
	if x.BitLen() <= 127 {
		return true
	}
	return x.Sign() < 0 && x.BitLen() == 128 && x.TrailingZeroBits() == 127
}

func (r *run) checkScalar(path string, a *attrDef, v any) bool {
	if a.typ == "object_t" {
		obj, ok := v.(*jobject)
		if !ok {
			r.add("wrong_type", path, fmt.Sprintf("expected object %s, got %s", a.objectType, pyType(v)))
			return false
		}
		def := r.s.objects[a.objectType]
		if def == nil {
			r.add("schema_bug", path, fmt.Sprintf("object %s missing from schema file", a.objectType))
			return false
		}
		if def.deprecated {
			r.add("deprecated", path, "object "+def.name+" is deprecated")
		}
		r.checkItem(path, obj, def)
		return true
	}
	td := r.s.types[a.typ]
	if td == nil {
		r.add("schema_bug", path, fmt.Sprintf("type %s missing from schema file", a.typ))
		return false
	}
	ok := true
	switch td.base {
	case "boolean_t":
		_, ok = v.(bool)
	case "integer_t":
		_, ok = v.(int64) // int64 is exactly the integer_t range
	case "long_t":
		switch x := v.(type) {
		case int64:
		case *big.Int:
			ok = inLongRange(x)
		default:
			ok = false
		}
	case "float_t":
		ok = isInt(v)
		if _, f := v.(float64); f {
			ok = true
		}
	case "string_t":
		_, ok = v.(string)
	}
	if !ok {
		r.add("wrong_type", path, fmt.Sprintf("expected %s (%s), got %s %s", a.typ, td.json, pyType(v), pyDumps(v, 60)))
		return false
	}
	str, isStr := v.(string)
	for _, t := range td.chain {
		if t.maxLen != nil && isStr {
			if n := int64(utf8.RuneCountInString(str)); numCmp(n, t.maxLen) == 1 {
				r.add("max_len", path, fmt.Sprintf("length %d exceeds %s max_len %s", n, t.name, pyStr(t.maxLen)))
			}
		}
		if t.hasRange && !isStr {
			if nv, ok := pyNumber(v); ok {
				lo, _ := pyNumber(t.rangeLo)
				hi, _ := pyNumber(t.rangeHi)
				if numCmp(nv, lo) == -1 || numCmp(nv, hi) == 1 {
					r.add("range", path, fmt.Sprintf("%s outside %s range %s..%s", pyStr(v), t.name, pyStr(t.rangeLo), pyStr(t.rangeHi)))
				}
			}
		}
		if t.hasValues {
			found := false
			for _, x := range t.values {
				if pyEqual(v, x) {
					found = true
					break
				}
			}
			if !found {
				r.add("value_not_allowed", path, fmt.Sprintf("%s not in %s values %s", pyRepr(v), t.name, pyRepr(t.values)))
			}
		}
		if isStr && t.regex != nil && !t.regex.MatchString(str) {
			r.add("regex_mismatch", path, fmt.Sprintf("%s does not match %s pattern", pyStrRepr(firstRunes(str, 60)), t.name))
		}
	}
	return true
}

// firstRunes is Python's s[:n].
func firstRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// parentPath is validate.py's path.rsplit(".", 1)[0] if "." in path else "".
func parentPath(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func (r *run) checkEnum(path string, a *attrDef, v any, item *jobject, index int) {
	key := pyStr(v)
	caption, ok := a.enumIdx[key]
	if !ok {
		var sb strings.Builder
		for i, e := range a.enum {
			if i == 12 {
				break
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(e.key + "=" + e.caption)
		}
		if len(a.enum) > 12 {
			sb.WriteString(", ...")
		}
		r.add("enum_value_unknown", path, fmt.Sprintf("%s is not defined (allowed: %s)", pyDumps(v, 0), sb.String()))
		return
	}
	if a.enumDepr[key] {
		r.add("deprecated", path, fmt.Sprintf("enum value %s (%s) is deprecated", key, caption))
	}
	if a.sibling == "" {
		return
	}
	sv, present := item.get(a.sibling)
	if !present {
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
	if pyEqual(v, int64(99)) {
		if pyEqual(sv, caption) {
			r.add("enum_sibling_other_suspicious", spath, fmt.Sprintf(
				"%s equals the caption of %s=99; for Other it should carry the source's own label", pyRepr(sv), a.name))
		}
	} else if !pyEqual(sv, caption) {
		r.add("enum_sibling_mismatch", spath, fmt.Sprintf("%s does not match caption %s of %s=%s",
			pyRepr(sv), pyStrRepr(caption), a.name, key))
	}
}
