package ocsf

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestDiffAgainstPython is the differential test: the samples (ocsf/testdata
// and ../shared/ocsf/samples), the rule cases, and generated events
// (schema-guided random events and mutations of the samples) go through
// validate.py and the Go validator with several option sets, and each
// event's verdict and issues (severity, code and path) must agree.
// OCSF_DIFF_N and OCSF_DIFF_SEED change the number of generated events and
// the seed.
//
// The one difference allowed is input that is not JSON: NaN and Infinity,
// which Python's json reads, are json_invalid in Go. Rule cases validate.py
// cannot take are left out: a blank line (it skips it), invalid UTF-8 (it
// stops with a traceback), a bare null (it passes it unchecked; Go calls it
// json_invalid) and integers of more than 4300 digits (it calls them
// json_invalid; Go reads them, but reports type_uid_mismatch without adding
// them up).
func TestDiffAgainstPython(t *testing.T) {
	validatePy(t)
	t.Parallel()
	n, seed := 1500, uint64(1)
	if s := os.Getenv("OCSF_DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("OCSF_DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	var lines []corpusLine
	files, _ := filepath.Glob("testdata/*.ndjson")
	for _, f := range append(files, sharedSamples(t)...) {
		ls, _ := fileLines(t, f)
		for _, l := range ls {
			lines = append(lines, corpusLine{text: l})
		}
	}
	for _, c := range ruleCases(t) {
		if c.goOnly {
			continue
		}
		lines = append(lines, corpusLine{text: c.event, nonJSON: strings.Contains(c.event, "NaN") || strings.Contains(c.event, "Infinity")})
	}
	g := newGen(t, seed)
	nonJSON := 0
	for i := 0; i < n; i++ {
		l := g.event()
		if l.nonJSON {
			nonJSON++
		}
		lines = append(lines, l)
	}
	if nonJSON == 0 || nonJSON > n/4 {
		t.Errorf("%d of %d generated events hold NaN or Infinity", nonJSON, n)
	}
	for _, flags := range [][]string{
		{},
		{"--all-profiles", "--warn-recommended"},
		{"--type-uid-warning", "--warn", "attribute_unknown", "--error", "deprecated", "--error", "enum_sibling_mismatch"},
		{"--error", "regex_mismatch", "--warn", "wrong_type", "--warn", "required_missing", "--error", "required_missing"},
	} {
		t.Run(strings.Join(append([]string{"flags"}, flags...), " "), func(t *testing.T) {
			t.Parallel()
			failed := compareWithPython(t, flags, lines)
			// a corpus where (nearly) everything passes or fails tests little
			if failed < len(lines)/10 || len(lines)-failed < len(lines)/20 {
				t.Errorf("%d of %d events failed", failed, len(lines))
			}
		})
	}
	// OCSF 1.8.0: events generated from its schema, the samples and
	// the rule cases, and the 1.8.0 renderings of the model's events.
	lines18 := slices.Clone(lines[:len(lines)-n])
	for _, e := range append(validEvents(), authorizeSessionEvent(), otherActivityEvent(), fullEvent()) {
		if err := e.SetVersion(V1_8_0); err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines18 = append(lines18, corpusLine{text: string(data)})
	}
	g18 := newGenFor(t, seed, builtin180)
	for i := 0; i < n/2; i++ {
		lines18 = append(lines18, g18.event())
	}
	for _, flags := range [][]string{
		{"--version", "1.8.0"},
		{"--version", "1.8.0", "--all-profiles", "--warn-recommended", "--error", "deprecated"},
	} {
		t.Run(strings.Join(append([]string{"flags"}, flags...), " "), func(t *testing.T) {
			t.Parallel()
			failed := compareWithPython(t, flags, lines18)
			if failed < len(lines18)/10 || len(lines18)-failed < len(lines18)/20 {
				t.Errorf("%d of %d events failed", failed, len(lines18))
			}
		})
	}
}

// gen generates events for the differential test. Values are what
// decodeEvent gives (map[string]any, []any, json.Number, string, bool,
// nil), plus the strings nan and inf that stand for NaN and Infinity.
type gen struct {
	s     *schema
	r     *rand.Rand
	seeds []map[string]any
}

const (
	nan = "\x00NaN"
	inf = "\x00Infinity"
)

func newGen(t *testing.T, seed uint64) *gen { return newGenFor(t, seed, builtin) }

// newGenFor generates events of the classes and objects of schema ls.
func newGenFor(t *testing.T, seed uint64, ls *lazySchema) *gen {
	s, err := ls.get()
	if err != nil {
		t.Fatal(err)
	}
	return &gen{s: s, r: rand.New(rand.NewPCG(seed, seed*7+3)), seeds: seedEvents(t)}
}

// seedEvents are the samples and the hand-built events, decoded.
func seedEvents(t *testing.T) []map[string]any {
	var out []map[string]any
	add := func(data []byte) {
		if v, err := decodeEvent(data); err == nil {
			if o, ok := v.(map[string]any); ok {
				out = append(out, o)
			}
		}
	}
	files, _ := filepath.Glob("testdata/*.ndjson")
	for _, f := range files {
		lines, _ := fileLines(t, f)
		for _, l := range lines {
			add([]byte(l))
		}
	}
	for _, e := range append(validEvents(), authorizeSessionEvent(), otherActivityEvent(), fullEvent()) {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		add(data)
	}
	return out
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func nums(texts ...string) []any {
	out := make([]any, len(texts))
	for i, s := range texts {
		out[i] = json.Number(s)
	}
	return out
}

var (
	paletteStrings = []string{"", "x", "Other", "Success", "Failure", "Unknown", "Informational", "Low",
		"café", "it's", `say "hi"`, "tab\there", "new\nline", "\x01ctl", "\u00a0nbsp", "\u200bzw", "😀",
		"10.0.0.1", "10.0.0.256", "::1", "fe80::1%eth0", " 10.0.0.1 ", "2001:db8::1", "1111:2222:3333:4444:5555:6666:7777:8888:9999",
		"alice@example.com", "not-an-email", "host.example.com", "-bad-.host", "00:11:22:33:44:55", "00:11:22:33:44:55\n",
		"2024-06-12T17:23:29Z", "2024-06-12T17:23:29.123+02:00", "２０２４-06-12T17:23:29Z", "2024-06-12 17:23:29",
		"123e4567-e89b-12d3-a456-426614174000", "xx123e4567-e89b-12d3-a456-426614174000yy", "GET", "get", "POST",
		"Authentication: Logon", "Account Change: Other", "Logon", "host", "cloud", "SAML", "Network",
		strings.Repeat("a", 65), strings.Repeat("é", 41)}
	paletteNumbers = append(nums("0", "-0", "1", "2", "3", "5", "6", "99", "-1", "42",
		"65535", "65536", "3002", "300201", "1718213009419", "9223372036854775807", "-9223372036854775808",
		"1.0", "1.5", "-0.0", "1e+16", "1e-05", "2.5e+300", "1E400", "99.0", "9223372036854775808",
		"170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
		"-170141183460469231731687303715884105728", "-170141183460469231731687303715884105729"), inf, nan)
	profileNames = []any{"host", "cloud", "container", "datetime", "security_control", "network_proxy", "load_balancer", "bogus", json.Number("1"), nil}
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
		return map[string]any{"a": pick(g, paletteNumbers), "name": pick(g, paletteStrings)}
	}
}

// valueFor generates a value for attribute a, usually of the right type.
func (g *gen) valueFor(a *attrDef, depth int) any {
	if a.isArray && !g.chance(0.05) {
		lst := []any{}
		for i := g.r.IntN(3); i > 0; i-- {
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
			return map[string]any{}
		}
		return g.item(def, depth+1)
	}
	if a.hasEnum && !g.chance(0.1) {
		e := pick(g, a.enum)
		if _, err := strconv.ParseInt(e.key, 10, 64); err == nil && a.typ != "string_t" {
			return json.Number(e.key)
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
			return json.Number(strconv.Itoa(g.r.IntN(70000)))
		}
		return pick(g, paletteNumbers)
	case "float_t":
		return pick(g, paletteNumbers)
	case "string_t":
		return pick(g, paletteStrings)
	}
	return g.randomLeaf()
}

// enumKey is the enum key a generated value stands for.
func enumKey(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	k, _ := intKey(v)
	return k
}

// item generates an instance of a class or object.
func (g *gen) item(def *itemDef, depth int) map[string]any {
	o := map[string]any{}
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
		o[a.name] = v
		if a.sibling == "" || !a.hasEnum || !g.chance(0.7) {
			continue
		}
		if lst, ok := v.([]any); ok {
			caps := []any{}
			for _, el := range lst {
				caps = append(caps, a.enumIdx[enumKey(el)])
			}
			o[a.sibling] = caps
		} else if g.r.IntN(4) == 0 {
			o[a.sibling] = pick(g, paletteStrings)
		} else {
			o[a.sibling] = a.enumIdx[enumKey(v)]
		}
	}
	if g.chance(0.1) {
		o[pick(g, unknownKeys)] = g.randomLeaf()
	}
	return o
}

// event generates one event, as an NDJSON line.
func (g *gen) event() corpusLine {
	var ev map[string]any
	if g.chance(0.5) {
		// a random event of a random class, mostly the audit classes
		var key string
		if g.chance(0.3) {
			key = pick(g, slices.Sorted(maps.Keys(g.s.classes)))
		} else {
			key = strconv.Itoa(int(pick(g, tableClasses())))
		}
		def := g.s.classes[key]
		ev = g.item(def, 0)
		if g.chance(0.9) {
			ev["class_uid"] = json.Number(strconv.FormatInt(def.uid, 10))
		}
		if g.chance(0.8) {
			ev["category_uid"] = json.Number(strconv.FormatInt(def.categoryUID, 10))
		}
		if act, err := strconv.ParseInt(enumKey(ev["activity_id"]), 10, 64); err == nil && g.chance(0.8) {
			ev["type_uid"] = json.Number(strconv.FormatInt(def.uid*100+act, 10))
		}
		if md, ok := ev["metadata"].(map[string]any); ok && g.chance(0.8) {
			md["version"] = g.s.version
		}
	} else {
		ev = cloneValue(pick(g, g.seeds)).(map[string]any)
	}
	for n := g.r.IntN(4); n > 0; n-- {
		g.mutate(ev)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	text := string(data)
	for _, s := range []string{nan, inf} {
		q, _ := json.Marshal(s)
		text = strings.ReplaceAll(text, string(q), s[1:])
	}
	return corpusLine{text: text, nonJSON: text != string(data)}
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = cloneValue(x[i])
		}
		return out
	case map[string]any:
		o := make(map[string]any, len(x))
		for k, el := range x {
			o[k] = cloneValue(el)
		}
		return o
	}
	return v
}

// containers lists every object in the tree, in a fixed order.
func containers(v any, out *[]map[string]any) {
	switch x := v.(type) {
	case []any:
		for _, el := range x {
			containers(el, out)
		}
	case map[string]any:
		*out = append(*out, x)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			containers(x[k], out)
		}
	}
}

func (g *gen) mutate(ev map[string]any) {
	var objs []map[string]any
	containers(ev, &objs)
	o := pick(g, objs)
	keys := slices.Sorted(maps.Keys(o))
	switch g.r.IntN(7) {
	case 0, 1: // replace a value
		if len(keys) > 0 {
			o[pick(g, keys)] = g.randomLeaf()
		}
	case 2: // delete a key
		if len(keys) > 0 {
			delete(o, pick(g, keys))
		}
	case 3: // add an unknown or profile-gated key
		o[pick(g, unknownKeys)] = g.randomLeaf()
	case 4: // change the class
		ev["class_uid"] = pick(g, append(nums("3001", "3003", "3005", "6003", "2001", "4010", "0", "-0", "3002.0"), "3002"))
	case 5: // profiles
		md, ok := ev["metadata"].(map[string]any)
		if !ok {
			return
		}
		var ps []any
		for n := g.r.IntN(3); n >= 0; n-- {
			ps = append(ps, pick(g, profileNames))
		}
		md["profiles"] = ps
	case 6: // version
		if md, ok := ev["metadata"].(map[string]any); ok {
			md["version"] = pick(g, []any{"1.0.0", "1.1.0", "1.8.0", nil, json.Number("1")})
		}
	}
}

func TestDiffGeneratorIsDeterministic(t *testing.T) {
	a, b := newGen(t, 5), newGen(t, 5)
	for i := 0; i < 50; i++ {
		if x, y := a.event(), b.event(); x != y {
			t.Fatalf("event %d differs:\n%v\n%v", i, x, y)
		}
	}
}
