package securitylake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/auditkit/auditkit/ocsf"
)

// The Parquet schema is derived from the ocsf.Event Go model, the type
// every event the SDK emits is, so that every attribute an event can carry
// has its column: the derived attributes MarshalJSON writes (class_uid,
// time, ...) and then every field of Event, its nested objects as
// optional groups and its arrays as standard three-level LISTs. Go int
// fields are INT32 (OCSF integer_t), int64 fields INT64 (long_t and
// timestamp_t, epoch milliseconds), attributes typed any (json_t: the
// data of entity, request, response, resources) and unmapped are their
// JSON text in a string column, raw_data a string. Every column is
// optional (nullable). The schema is the same for every class and every
// file, so each custom source's Glue table stays one schema.

// kind is the type of a column or group of the derived schema.
type kind int

const (
	kString kind = iota
	kInt32
	kInt64
	kBool
	kDouble
	kJSON // any value, stored as its JSON text
	kGroup
	kList
)

// field is one node of the derived schema.
type field struct {
	name   string
	kind   kind
	fields []*field // kGroup: sorted by name, as parquet.Group orders them
	elem   *field   // kList: the element
	column int      // leaves: the column index
	leaves []int    // every column index under the node
}

// derived are the attributes Event.MarshalJSON computes rather than
// stores (see ocsf.Event).
var derived = []*field{
	{name: "class_uid", kind: kInt32},
	{name: "class_name", kind: kString},
	{name: "category_uid", kind: kInt32},
	{name: "category_name", kind: kString},
	{name: "activity_id", kind: kInt32},
	{name: "activity_name", kind: kString},
	{name: "type_uid", kind: kInt64},
	{name: "type_name", kind: kString},
	{name: "severity_id", kind: kInt32},
	{name: "severity", kind: kString},
	{name: "status_id", kind: kInt32},
	{name: "status", kind: kString},
	{name: "time", kind: kInt64},
}

// eventSchema is the derived schema: its root group and its Parquet form.
type eventSchema struct {
	root   *field
	schema *parquet.Schema
	leaves []*field // by column index
}

// newEventSchema derives the schema from ocsf.Event.
func newEventSchema() (*eventSchema, error) {
	root, err := structFields(reflect.TypeFor[ocsf.Event](), 0)
	if err != nil {
		return nil, err
	}
	for _, d := range derived {
		if slices.ContainsFunc(root.fields, func(f *field) bool { return f.name == d.name }) {
			return nil, fmt.Errorf("securitylake: attribute %s is both derived and a field of ocsf.Event", d.name)
		}
		c := *d
		root.fields = append(root.fields, &c)
	}
	sortFields(root)
	s := &eventSchema{root: root}
	s.index(root)
	s.schema = parquet.NewSchema("ocsf_event", groupNode(root))
	// The column order of parquet-go must be the order of our leaves.
	cols := s.schema.Columns()
	if len(cols) != len(s.leaves) {
		return nil, fmt.Errorf("securitylake: schema has %d columns, derived %d", len(cols), len(s.leaves))
	}
	for i, path := range cols {
		if want := s.path(i); strings.Join(path, ".") != want {
			return nil, fmt.Errorf("securitylake: column %d is %s, derived %s", i, strings.Join(path, "."), want)
		}
	}
	return s, nil
}

// maxDepth bounds the nesting of the model, against a type cycle.
const maxDepth = 12

// structFields makes the group of a struct type's JSON fields.
func structFields(t reflect.Type, depth int) (*field, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("securitylake: %s nests deeper than %d", t, maxDepth)
	}
	g := &field{kind: kGroup}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f, err := typeField(name, sf.Type, depth)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), sf.Name, err)
		}
		g.fields = append(g.fields, f)
	}
	return g, nil
}

// typeField makes the node of a Go type.
func typeField(name string, t reflect.Type, depth int) (*field, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return &field{name: name, kind: kString}, nil
	case reflect.Int, reflect.Int32, reflect.Int16, reflect.Int8:
		return &field{name: name, kind: kInt32}, nil
	case reflect.Int64:
		return &field{name: name, kind: kInt64}, nil
	case reflect.Bool:
		return &field{name: name, kind: kBool}, nil
	case reflect.Float64, reflect.Float32:
		return &field{name: name, kind: kDouble}, nil
	case reflect.Interface, reflect.Map:
		return &field{name: name, kind: kJSON}, nil
	case reflect.Slice:
		el, err := typeField("element", t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return &field{name: name, kind: kList, elem: el}, nil
	case reflect.Struct:
		g, err := structFields(t, depth+1)
		if err != nil {
			return nil, err
		}
		g.name = name
		return g, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

// sortFields sorts every group's fields by name, recursively.
func sortFields(f *field) {
	switch f.kind {
	case kGroup:
		slices.SortFunc(f.fields, func(a, b *field) int { return strings.Compare(a.name, b.name) })
		for _, c := range f.fields {
			sortFields(c)
		}
	case kList:
		sortFields(f.elem)
	}
}

// index numbers the leaves depth first and records each node's leaves.
func (s *eventSchema) index(f *field) []int {
	switch f.kind {
	case kGroup:
		for _, c := range f.fields {
			f.leaves = append(f.leaves, s.index(c)...)
		}
	case kList:
		f.leaves = s.index(f.elem)
	default:
		f.column = len(s.leaves)
		s.leaves = append(s.leaves, f)
		f.leaves = []int{f.column}
	}
	return f.leaves
}

// path returns column i's dotted path as parquet-go names it.
func (s *eventSchema) path(i int) string {
	var walk func(f *field, prefix []string) []string
	walk = func(f *field, prefix []string) []string {
		if !slices.Contains(f.leaves, i) {
			return nil
		}
		switch f.kind {
		case kGroup:
			for _, c := range f.fields {
				if p := walk(c, append(prefix, c.name)); p != nil {
					return p
				}
			}
			return nil
		case kList:
			return walk(f.elem, append(prefix, "list", "element"))
		}
		return prefix
	}
	var p []string
	for _, c := range s.root.fields {
		if p = walk(c, []string{c.name}); p != nil {
			break
		}
	}
	return strings.Join(p, ".")
}

// groupNode is the Parquet node of a group's fields.
func groupNode(f *field) parquet.Group {
	g := parquet.Group{}
	for _, c := range f.fields {
		g[c.name] = node(c)
	}
	return g
}

// node is a field's Parquet node: optional, lists in the standard LIST
// layout (optional group (LIST) { repeated group list { optional element } }).
func node(f *field) parquet.Node {
	switch f.kind {
	case kString, kJSON:
		return parquet.Optional(parquet.String())
	case kInt32:
		return parquet.Optional(parquet.Int(32))
	case kInt64:
		return parquet.Optional(parquet.Int(64))
	case kBool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType))
	case kDouble:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case kGroup:
		return parquet.Optional(groupNode(f))
	case kList:
		return parquet.Optional(parquet.List(node(f.elem)))
	}
	panic("securitylake: unknown kind")
}

// row converts one event's JSON into a Parquet row of s. Every member of
// the JSON must have its column: one that has none is an error, not a
// silently dropped attribute.
func (s *eventSchema) row(js []byte, buf parquet.Row) (parquet.Row, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("event JSON: %w", err)
	}
	if obj == nil {
		return nil, fmt.Errorf("event JSON is not an object")
	}
	cols := make([][]parquet.Value, len(s.leaves))
	if err := s.group(cols, s.root, obj, 0, 0, 0, ""); err != nil {
		return nil, err
	}
	row := buf[:0]
	for _, c := range cols {
		row = append(row, c...)
	}
	return row, nil
}

// nulls writes a null at (rep, def) into every column under f.
func nulls(cols [][]parquet.Value, f *field, rep, def int) {
	for _, c := range f.leaves {
		cols[c] = append(cols[c], parquet.NullValue().Level(rep, def, c))
	}
}

// group writes obj's members into the columns of group g, whose members
// are at repetition level rep for their first value, definition level def
// (g itself defined), inside d repeated levels.
func (s *eventSchema) group(cols [][]parquet.Value, g *field, obj map[string]any, rep, def, d int, path string) error {
	for k := range obj {
		if !slices.ContainsFunc(g.fields, func(f *field) bool { return f.name == k }) {
			return fmt.Errorf("attribute %s%s has no column in the Parquet schema", path, k)
		}
	}
	for _, f := range g.fields {
		if err := s.value(cols, f, obj[f.name], rep, def, d, path+f.name); err != nil {
			return err
		}
	}
	return nil
}

// value writes v (nil: absent or null) as field f.
func (s *eventSchema) value(cols [][]parquet.Value, f *field, v any, rep, def, d int, path string) error {
	if v == nil {
		nulls(cols, f, rep, def)
		return nil
	}
	switch f.kind {
	case kGroup:
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("attribute %s: want an object, got %T", path, v)
		}
		return s.group(cols, f, obj, rep, def+1, d, path+".")
	case kList:
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("attribute %s: want an array, got %T", path, v)
		}
		if len(arr) == 0 {
			nulls(cols, f, rep, def+1)
			return nil
		}
		for i, el := range arr {
			r := rep
			if i > 0 {
				r = d + 1
			}
			if err := s.value(cols, f.elem, el, r, def+2, d+1, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	}
	pv, err := leafValue(f.kind, v)
	if err != nil {
		return fmt.Errorf("attribute %s: %w", path, err)
	}
	cols[f.column] = append(cols[f.column], pv.Level(rep, def+1, f.column))
	return nil
}

// leafValue converts a decoded JSON value to a leaf's Parquet value.
func leafValue(k kind, v any) (parquet.Value, error) {
	switch k {
	case kString:
		if s, ok := v.(string); ok {
			return parquet.ByteArrayValue([]byte(s)), nil
		}
	case kJSON:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return parquet.Value{}, err
		}
		return parquet.ByteArrayValue(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
	case kInt32:
		if n, ok := v.(json.Number); ok {
			i, err := strconv.ParseInt(string(n), 10, 32)
			if err != nil {
				return parquet.Value{}, fmt.Errorf("want a 32-bit integer, got %s", n)
			}
			return parquet.Int32Value(int32(i)), nil
		}
	case kInt64:
		if n, ok := v.(json.Number); ok {
			i, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil {
				return parquet.Value{}, fmt.Errorf("want a 64-bit integer, got %s", n)
			}
			return parquet.Int64Value(i), nil
		}
	case kDouble:
		if n, ok := v.(json.Number); ok {
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil {
				return parquet.Value{}, fmt.Errorf("want a number, got %s", n)
			}
			return parquet.DoubleValue(f), nil
		}
	case kBool:
		if b, ok := v.(bool); ok {
			return parquet.BooleanValue(b), nil
		}
	}
	return parquet.Value{}, fmt.Errorf("wrong type %T", v)
}
