package ocsf

import (
	"encoding/json"

	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAgainstPython generates events (schema-guided random events and
// mutations of the samples), runs them through validate.py and the Go port
// with several option sets, and compares the outputs line by line.
// OCSF_DIFF_N and OCSF_DIFF_SEED change the number of events and the seed.
func TestAgainstPython(t *testing.T) {
	validatePy(t)
	t.Parallel()
	n, seed := 1500, uint64(1)
	if s := os.Getenv("OCSF_DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("OCSF_DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	s, err := builtin.get()
	if err != nil {
		t.Fatal(err)
	}
	g := &gen{s: s, r: rand.New(rand.NewPCG(seed, seed*7+3))}
	g.seeds = seedEvents(t)
	var lines []string
	for i := 0; i < n; i++ {
		lines = append(lines, g.event())
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	dir := t.TempDir()
	path := filepath.Join(dir, "generated.ndjson")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	schemaPath, _ := filepath.Abs(filepath.Join("schema", "ocsf-1.1.0.json"))
	for _, opts := range [][]string{
		{"-v"},
		{"-v", "--all-profiles", "--warn-recommended"},
		{"-v", "--type-uid-warning", "--warn", "attribute_unknown", "--error", "deprecated", "--error", "enum_sibling_mismatch"},
	} {
		args := append(append([]string{}, opts...), "--schema", schemaPath, path)
		t.Run(strings.Join(opts, " "), func(t *testing.T) {
			t.Parallel()
			wait := startPython(t, args...)
			got := cliRunFiles(t, args, func(string) []byte { return data })
			want := wait()
			if len(want) < 2 {
				t.Fatalf("validate.py printed too little: %v", want)
			}
			compareLines(t, got, want)
		})
	}
}

// seedEvents are the samples and the hand-built events, parsed.
func seedEvents(t *testing.T) []*jobject {
	var out []*jobject
	files, _ := filepath.Glob("testdata/*.ndjson")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range pyLines(data) {
			if v, err := parseJSON([]byte(line)); err == nil {
				if o, ok := v.(*jobject); ok {
					out = append(out, o)
				}
			}
		}
	}
	evs := append(validEvents(), authorizeSessionEvent(), otherActivityEvent(), fullEvent())
	for _, e := range evs {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		v, err := parseJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v.(*jobject))
	}
	return out
}

type gen struct {
	s     *schema
	r     *rand.Rand
	seeds []*jobject
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

var (
	paletteStrings = []string{"", "x", "Other", "Success", "Failure", "Unknown", "Informational", "Low",
		"café", "it's", `say "hi"`, "tab\there", "new\nline", "\x01ctl", "\u00a0nbsp", "\u200bzw", "😀",
		"10.0.0.1", "10.0.0.256", "::1", "fe80::1%eth0", " 10.0.0.1 ", "2001:db8::1", "1111:2222:3333:4444:5555:6666:7777:8888:9999",
		"alice@example.com", "not-an-email", "host.example.com", "-bad-.host", "00:11:22:33:44:55", "00:11:22:33:44:55\n",
		"2024-06-12T17:23:29Z", "2024-06-12T17:23:29.123+02:00", "２０２４-06-12T17:23:29Z", "2024-06-12 17:23:29",
		"123e4567-e89b-12d3-a456-426614174000", "xx123e4567-e89b-12d3-a456-426614174000yy", "GET", "get", "POST",
		"Authentication: Logon", "Account Change: Other", "Logon", "host", "cloud", "SAML", "Network",
		strings.Repeat("a", 65), strings.Repeat("é", 41)}
	paletteNumbers = []any{int64(0), int64(1), int64(2), int64(3), int64(5), int64(6), int64(99), int64(-1), int64(42),
		int64(65535), int64(65536), int64(3002), int64(300201), int64(1718213009419), int64(math.MaxInt64), int64(math.MinInt64),
		1.0, 1.5, -0.0, 1e16, 1e-5, 2.5e300, math.Inf(1), math.NaN(), 99.0,
		new(big.Int).Lsh(big.NewInt(1), 63), new(big.Int).Lsh(big.NewInt(1), 127), new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127)),
		new(big.Int).Neg(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1)))}
	profileNames = []any{"host", "cloud", "container", "datetime", "security_control", "network_proxy", "load_balancer", "bogus", int64(1), nil}
	unknownKeys  = []string{"bogus", "activity", "status_details", "nickname", "Class_uid", "device", "cloud", "api", "actor", "policy", "extension"}
)

func (g *gen) randomLeaf() any {
	switch g.r.IntN(8) {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2, 3:
		return pick(g, paletteStrings)
	case 4, 5:
		return pick(g, paletteNumbers)
	case 6:
		return []any{pick(g, paletteStrings), pick(g, paletteNumbers)}
	default:
		o := &jobject{}
		o.set("a", pick(g, paletteNumbers))
		o.set("name", pick(g, paletteStrings))
		return o
	}
}

// valueFor generates a value for attribute a, usually of the right type.
func (g *gen) valueFor(a *attrDef, depth int) any {
	if a.isArray && !g.chance(0.05) {
		n := g.r.IntN(3)
		lst := []any{}
		for i := 0; i < n; i++ {
			lst = append(lst, g.scalarFor(a, depth))
		}
		return lst
	}
	return g.scalarFor(a, depth)
}

func (g *gen) scalarFor(a *attrDef, depth int) any {
	if g.chance(0.04) {
		return g.randomLeaf()
	}
	if a.typ == "object_t" {
		def := g.s.objects[a.objectType]
		if def == nil || depth > 3 {
			return &jobject{}
		}
		return g.item(def, depth+1)
	}
	if a.hasEnum && !g.chance(0.1) {
		e := pick(g, a.enum)
		if n, err := strconv.ParseInt(e.key, 10, 64); err == nil && a.typ != "string_t" {
			return n
		}
		return e.key
	}
	td := g.s.types[a.typ]
	if td == nil {
		return nil
	}
	switch td.base {
	case "boolean_t":
		return g.chance(0.5)
	case "integer_t", "long_t":
		if g.chance(0.8) {
			return int64(g.r.IntN(70000))
		}
		return pick(g, paletteNumbers)
	case "float_t":
		return pick(g, paletteNumbers)
	case "string_t":
		return pick(g, paletteStrings)
	}
	return g.randomLeaf()
}

// item generates an instance of a class or object.
func (g *gen) item(def *itemDef, depth int) *jobject {
	o := &jobject{}
	for _, a := range def.attrs {
		p := 0.15
		if a.requirement == "required" {
			p = 0.9
		}
		if depth > 1 {
			p /= 2
		}
		if !g.chance(p) {
			continue
		}
		v := g.valueFor(a, depth)
		o.set(a.name, v)
		if a.sibling != "" && a.hasEnum && g.chance(0.7) {
			cap := ""
			key := pyStr(v)
			if lst, ok := v.([]any); ok {
				caps := []any{}
				for _, el := range lst {
					caps = append(caps, a.enumIdx[pyStr(el)])
				}
				o.set(a.sibling, caps)
				continue
			}
			cap = a.enumIdx[key]
			switch g.r.IntN(4) {
			case 0:
				o.set(a.sibling, pick(g, paletteStrings))
			default:
				o.set(a.sibling, cap)
			}
		}
	}
	if g.chance(0.1) {
		o.set(pick(g, unknownKeys), g.randomLeaf())
	}
	return o
}

func (g *gen) classKeys() []string {
	keys := make([]string, 0, len(g.s.classes))
	for k := range g.s.classes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (g *gen) event() string {
	var ev *jobject
	if g.chance(0.5) {
		// a random event of a random class, mostly the audit classes
		key := "3002"
		if g.chance(0.3) {
			key = pick(g, g.classKeys())
		} else {
			key = strconv.Itoa(int(pick(g, tableClasses())))
		}
		def := g.s.classes[key]
		ev = g.item(def, 0)
		if g.chance(0.9) {
			ev.set("class_uid", def.uid)
		}
		if g.chance(0.8) {
			ev.set("category_uid", def.categoryUID)
		}
		if act, ok := ev.value("activity_id").(int64); ok && g.chance(0.8) {
			ev.set("type_uid", def.uid*100+act)
		}
		if md, ok := ev.value("metadata").(*jobject); ok && g.chance(0.8) {
			md.set("version", "1.1.0")
		}
	} else {
		ev = cloneValue(pick(g, g.seeds)).(*jobject)
	}
	// then a few mutations
	for n := g.r.IntN(4); n > 0; n-- {
		g.mutate(ev)
	}
	return pyDumps(ev, 0)
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = cloneValue(x[i])
		}
		return out
	case *jobject:
		o := &jobject{}
		for i, k := range x.keys {
			o.set(k, cloneValue(x.vals[i]))
		}
		return o
	}
	return v
}

// containers lists every object in the tree.
func containers(v any, out *[]*jobject) {
	switch x := v.(type) {
	case []any:
		for _, el := range x {
			containers(el, out)
		}
	case *jobject:
		*out = append(*out, x)
		for _, el := range x.vals {
			containers(el, out)
		}
	}
}

func (g *gen) mutate(ev *jobject) {
	var objs []*jobject
	containers(ev, &objs)
	o := pick(g, objs)
	switch g.r.IntN(7) {
	case 0, 1: // replace a value
		if len(o.keys) > 0 {
			o.set(pick(g, o.keys), g.randomLeaf())
		}
	case 2: // delete a key
		if len(o.keys) > 0 {
			i := g.r.IntN(len(o.keys))
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			o.vals = append(o.vals[:i:i], o.vals[i+1:]...)
			o.index = nil
		}
	case 3: // add an unknown or profile-gated key
		o.set(pick(g, unknownKeys), g.randomLeaf())
	case 4: // change the class
		ev.set("class_uid", pick(g, []any{int64(3001), int64(3003), int64(3005), int64(6003), int64(2001), int64(4010), int64(0), "3002", 3002.0}))
	case 5: // profiles
		md, ok := ev.value("metadata").(*jobject)
		if !ok {
			return
		}
		var ps []any
		for n := g.r.IntN(3); n >= 0; n-- {
			ps = append(ps, pick(g, profileNames))
		}
		md.set("profiles", ps)
	case 6: // version
		if md, ok := ev.value("metadata").(*jobject); ok {
			md.set("version", pick(g, []any{"1.0.0", "1.1.0", nil, int64(1)}))
		}
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	s, _ := builtin.get()
	a := &gen{s: s, r: rand.New(rand.NewPCG(5, 6)), seeds: seedEvents(t)}
	b := &gen{s: s, r: rand.New(rand.NewPCG(5, 6)), seeds: seedEvents(t)}
	for i := 0; i < 50; i++ {
		if x, y := a.event(), b.event(); x != y {
			t.Fatalf("event %d differs:\n%s\n%s", i, x, y)
		}
	}

}
