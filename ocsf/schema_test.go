package ocsf

import (
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func mustSchema(t testing.TB) *schema {
	t.Helper()
	s, err := builtin.get()
	if err != nil {
		t.Fatalf("embedded schema: %v", err)
	}
	return s
}

func TestEmbeddedSchema(t *testing.T) {
	s := mustSchema(t)
	if s.version != V1_1_0 {
		t.Errorf("schema version %s, package V1_1_0 %s", s.version, V1_1_0)
	}
	if len(s.classes) != 44 || len(s.objects) != 103 {
		t.Errorf("got %d classes, %d objects", len(s.classes), len(s.objects))
	}
	if len(s.regexSkipped) != 0 {
		t.Errorf("regex checks skipped for %v", s.regexSkipped)
	}
	// attributes are in name order, which is the file's
	var names []string
	for _, a := range s.classes["3002"].attrs[:4] {
		names = append(names, a.name)
	}
	if got := strings.Join(names, ","); got != "activity_id,activity_name,actor,api" {
		t.Errorf("3002 attribute order: %s", got)
	}
	notice, err := os.ReadFile("schema/NOTICE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"8ea34523a316c4bad7e360e870a23a8e5cb29bd5", "Apache-2.0", "https://github.com/ocsf/ocsf-schema", "LF Projects"} {
		if !strings.Contains(string(notice), want) {
			t.Errorf("NOTICE.md lacks %q", want)
		}
	}
}

// TestTablesMatchSchema checks every entry of the Go caption tables against
// the embedded schema.
func TestTablesMatchSchema(t *testing.T) {
	s := mustSchema(t)
	base := s.classes["0"]
	for _, tt := range []struct {
		attr    string
		caption func(int) string
	}{
		{"severity_id", func(i int) string { return SeverityID(i).Caption() }},
		{"status_id", func(i int) string { return StatusID(i).Caption() }},
	} {
		a := base.byName[tt.attr]
		for _, e := range a.enum {
			n, _ := strconv.Atoi(e.key)
			if got := tt.caption(n); got != e.caption {
				t.Errorf("%s %d: Go %q, schema %q", tt.attr, n, got, e.caption)
			}
		}
		for i := -1; i < 120; i++ {
			if _, ok := a.enumIdx[strconv.Itoa(i)]; !ok && tt.caption(i) != "" {
				t.Errorf("%s %d: Go has caption %q, schema none", tt.attr, i, tt.caption(i))
			}
		}
	}
	for _, c := range tableClasses() {
		ci, _ := classTable(c)
		cl := s.classes[strconv.Itoa(int(c))]
		if cl == nil {
			t.Errorf("class %d not in schema", c)
			continue
		}
		if ci.caption != cl.caption || int64(ci.category) != cl.categoryUID {
			t.Errorf("class %d: Go %q/%d, schema %q/%d", c, ci.caption, ci.category, cl.caption, cl.categoryUID)
		}
		if got, want := ci.category.Caption(), s.categories[cl.categoryUID].caption; got != want {
			t.Errorf("category %d: Go %q, schema %q", ci.category, got, want)
		}
		act := cl.byName["activity_id"]
		for _, e := range act.enum {
			n, _ := strconv.Atoi(e.key)
			if got := ActivityCaption(c, ActivityID(n)); got != e.caption {
				t.Errorf("class %d activity %d: Go %q, schema %q", c, n, got, e.caption)
			}
		}
		for i, cap := range ci.activities {
			if cap != "" && act.enumIdx[strconv.Itoa(i)] != cap {
				t.Errorf("class %d activity %d: Go %q not in schema", c, i, cap)
			}
		}
		for i := -1; i < 120; i++ {
			if _, ok := act.enumIdx[strconv.Itoa(i)]; !ok && ActivityCaption(c, ActivityID(i)) != "" {
				t.Errorf("class %d activity %d: Go caption, schema none", c, i)
			}
		}
	}
}

func TestCaptionFallback(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{ClassUID(4001).Caption(), "Network Activity"},
		{ClassUID(4001).Category().Caption(), "Network Activity"},
		{CategoryUID(1).Caption(), "System Activity"},
		{ActivityCaption(4001, 6), "Traffic"},
		{ActivityCaption(4001, 99), "Other"},
		{ActivityCaption(9999, 1), ""},
		{ActivityCaption(9999, 0), ""},
		{ClassUID(9999).Caption(), ""},
		{CategoryUID(42).Caption(), ""},
		{ActivityCaption(ClassAuthentication, 42), ""},
		{SeverityID(7).Caption(), ""},
		{StatusID(3).Caption(), ""},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if ClassUID(4001).Category() != 4 || ClassUID(9999).Category() != 0 {
		t.Error("Category fallback")
	}
}

// TestStructTagsMatchSchema checks every json tag of the model against the
// schema object it stands for (or, for Event, the classes it serves), and
// that Go types fit the attribute types. The schema is 1.1.0's, and for the
// attributes and objects 1.1.0 lacks, 1.8.0's: only the fields listed in
// only18 may come from 1.8.0 alone.
func TestStructTagsMatchSchema(t *testing.T) {
	s110 := mustSchema(t)
	s18, err := builtin180.get()
	if err != nil {
		t.Fatal(err)
	}
	only18 := map[string]bool{"object user.programmatic_credentials": true, "object actor.app_name": true,
		"object actor.app_uid": true, "object location.lat": true, "object location.long": true,
		"object network_endpoint.isp": true, "object programmatic_credential.uid": true,
		"object programmatic_credential.type": true}
	// s is 1.1.0 with 1.8.0's attributes added where 1.1.0 has none
	s := &schema{types: s18.types, classes: map[string]*itemDef{}, objects: map[string]*itemDef{}}
	merge := func(a, b *itemDef) *itemDef {
		if a == nil {
			return b
		}
		m := &itemDef{byName: maps.Clone(a.byName), attrs: slices.Clone(a.attrs)}
		if b != nil {
			for n, ad := range b.byName {
				if m.byName[n] == nil {
					m.byName[n] = ad
					m.attrs = append(m.attrs, ad)
				}
			}
		}
		return m
	}
	for k, c := range s110.classes {
		s.classes[k] = merge(c, s18.classes[k])
	}
	for k, o := range s18.objects {
		s.objects[k] = merge(s110.objects[k], o)
	}
	from18 := func(where, name string) bool {
		obj := strings.TrimPrefix(where, "object ")
		if where == "Event" {
			for _, c := range tableClasses() {
				if s110.classes[strconv.Itoa(int(c))].byName[name] != nil {
					return false
				}
			}
			return true
		}
		return s110.objects[obj] == nil || s110.objects[obj].byName[name] == nil
	}
	objectOf := map[reflect.Type]string{
		reflect.TypeFor[Metadata]():               "metadata",
		reflect.TypeFor[Product]():                "product",
		reflect.TypeFor[Actor]():                  "actor",
		reflect.TypeFor[IDP]():                    "idp",
		reflect.TypeFor[User]():                   "user",
		reflect.TypeFor[Account]():                "account",
		reflect.TypeFor[Organization]():           "organization",
		reflect.TypeFor[NetworkEndpoint]():        "network_endpoint",
		reflect.TypeFor[Location]():               "location",
		reflect.TypeFor[Service]():                "service",
		reflect.TypeFor[Session]():                "session",
		reflect.TypeFor[ManagedEntity]():          "managed_entity",
		reflect.TypeFor[API]():                    "api",
		reflect.TypeFor[APIRequest]():             "request",
		reflect.TypeFor[APIResponse]():            "response",
		reflect.TypeFor[HTTPRequest]():            "http_request",
		reflect.TypeFor[URL]():                    "url",
		reflect.TypeFor[HTTPResponse]():           "http_response",
		reflect.TypeFor[HTTPHeader]():             "http_header",
		reflect.TypeFor[WebResource]():            "web_resource",
		reflect.TypeFor[Group]():                  "group",
		reflect.TypeFor[ResourceDetails]():        "resource_details",
		reflect.TypeFor[Observable]():             "observable",
		reflect.TypeFor[ProgrammaticCredential](): "programmatic_credential",
	}
	// Event: the union of the audit classes' attributes
	eventAttrs := map[string]*attrDef{}
	for _, c := range tableClasses() {
		for _, a := range s.classes[strconv.Itoa(int(c))].attrs {
			eventAttrs[a.name] = a
		}
	}
	seen := map[string]bool{}
	var check func(typ reflect.Type, attrs map[string]*attrDef, where string)
	check = func(typ reflect.Type, attrs map[string]*attrDef, where string) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if name == "" {
				t.Errorf("%s.%s has no json name", where, f.Name)
				continue
			}
			a := attrs[name]
			if a == nil {
				t.Errorf("%s.%s: %q is not an attribute of %s", where, f.Name, name, where)
				continue
			}
			if from18(where, name) && !only18[where+"."+name] {
				t.Errorf("%s.%s: %q is an attribute of OCSF 1.8.0 only", where, f.Name, name)
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice {
				if !a.isArray {
					t.Errorf("%s.%s: slice for a non-array attribute", where, f.Name)
				}
				ft = ft.Elem()
			} else if a.isArray {
				t.Errorf("%s.%s: %s is an array attribute", where, f.Name, name)
			}
			if a.typ == "object_t" {
				if obj, ok := objectOf[ft]; ok {
					if obj != a.objectType {
						t.Errorf("%s.%s: Go type %s is object %s, attribute wants %s", where, f.Name, ft, obj, a.objectType)
					}
					if !seen[obj] {
						seen[obj] = true
						check(ft, s.objects[obj].byName, "object "+obj)
					}
					continue
				}
				if a.objectType == "object" && ft.Kind() == reflect.Map {
					continue // unmapped
				}
				t.Errorf("%s.%s: Go type %s for object %s", where, f.Name, ft, a.objectType)
				continue
			}
			base := s.types[a.typ].base
			ok := false
			switch ft.Kind() {
			case reflect.String:
				ok = base == "string_t"
			case reflect.Int, reflect.Int64:
				ok = base == "integer_t" || base == "long_t"
			case reflect.Float64:
				ok = base == "float_t"
			case reflect.Bool:
				ok = base == "boolean_t"
			case reflect.Interface:
				ok = base == "json_t"
			}
			if !ok {
				t.Errorf("%s.%s: Go %s for %s (%s)", where, f.Name, ft, a.typ, base)
			}
		}
	}
	check(reflect.TypeFor[Event](), eventAttrs, "Event")
	for typ, obj := range objectOf {
		if !seen[obj] {
			check(typ, s.objects[obj].byName, "object "+obj)
		}
	}
}

func TestTranslatePyRegex(t *testing.T) {
	for _, tt := range []struct {
		py, in string
		match  bool
	}{
		{`^\d+$`, "١٢٣", true},
		{`^\d+$`, "12\n", true},
		{`^\d+$`, "12\n\n", false},
		{`^a\sb$`, "a\u2003b", true},
		{`^a\sb$`, "a\x1cb", true},
		{`^a[\s,]b$`, "a\vb", true},
		{`^\w+$`, "héllo_1", true},
		{`^\S+$`, "ab", true},
		{`^[^$]+$`, "a$", false},
		{`^[]a]+$`, "]a", true},
		{`^x\Z`, "x\n", false},
		{`[\-+]`, "-", true},
	} {
		g, err := translatePyRegex(tt.py)
		if err != nil {
			t.Errorf("%s: %v", tt.py, err)
			continue
		}
		re, err := regexp.Compile(g)
		if err != nil {
			t.Errorf("%s -> %s: %v", tt.py, g, err)
			continue
		}
		if got := re.MatchString(tt.in); got != tt.match {
			t.Errorf("%s (%s) on %q: got %v", tt.py, g, tt.in, got)
		}
	}
	for _, bad := range []string{`\bword`, `(a)\1`, `[\S]`, `[abc`, `a\`} {
		if _, err := translatePyRegex(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
