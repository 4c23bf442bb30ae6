package ocsf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/internal/testenv"
)

// This file runs the reference validator, ../shared/ocsf/validate.py, and
// reads its verdicts, so that tests can compare them with the Go
// validator's: pass or fail, and the issues by severity, code and path.
// Messages are not compared; each validator words its own.

// verdict is one event's result: whether it failed, and its issues as
// "E code path" (errors) or "W code path" (warnings), sorted.
type verdict struct {
	failed bool
	issues []string
}

func (v verdict) String() string {
	s := "pass"
	if v.failed {
		s = "FAIL"
	}
	return s + " " + strings.Join(v.issues, ", ")
}

func (v verdict) equal(w verdict) bool {
	return v.failed == w.failed && slices.Equal(v.issues, w.issues)
}

// goVerdict is the Go validator's verdict on one line.
func goVerdict(v *Validator, line []byte) verdict {
	errs, warns := v.Check(line)
	var out verdict
	out.failed = len(errs) > 0
	for _, is := range errs {
		out.issues = append(out.issues, "E "+is.Code+" "+is.Path)
	}
	for _, is := range warns {
		out.issues = append(out.issues, "W "+is.Code+" "+is.Path)
	}
	slices.Sort(out.issues)
	return out
}

// pyIssue matches one issue in validate.py's output: "[code] path: ".
var pyIssue = regexp.MustCompile(`(?:^|; )\[([a-z_]+)\] (\S+?): `)

// pyOutput is what validate.py printed for one file.
type pyOutput struct {
	verdicts       map[int]verdict // by line number; lines that passed without warnings are absent
	passed, failed int             // its closing line
}

// parsePyOutput reads validate.py's output (run with -v) for the file it
// names name. A line of output that does not start with "name:" continues
// the one before: a label or message may hold a newline.
func parsePyOutput(out []string, name string) (pyOutput, error) {
	res := pyOutput{verdicts: map[int]verdict{}}
	if len(out) == 0 {
		return res, fmt.Errorf("no output")
	}
	last := out[len(out)-1]
	if _, err := fmt.Sscanf(last, "%d passed, %d failed", &res.passed, &res.failed); err != nil {
		return res, fmt.Errorf("closing line %q: %v", last, err)
	}
	var records []string
	for _, l := range out[:len(out)-1] {
		if strings.HasPrefix(l, name+":") || len(records) == 0 {
			records = append(records, l)
		} else {
			records[len(records)-1] += "\n" + l
		}
	}
	fails := 0
	for _, rec := range records {
		rest, ok := strings.CutPrefix(rec, name+":")
		if !ok {
			return res, fmt.Errorf("unexpected line %q", rec)
		}
		digits := rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))]
		n, err := strconv.Atoi(digits)
		if err != nil {
			return res, fmt.Errorf("no line number in %q", rec)
		}
		var v verdict
		errPart, warnPart := "", ""
		if _, body, ok := strings.Cut(rest, ": FAIL: "); ok {
			v.failed = true
			fails++
			errPart, warnPart, _ = strings.Cut(body, " | warnings: ")
		} else if _, body, ok := strings.Cut(rest, ": ok, warnings: "); ok {
			warnPart = body
		} else {
			return res, fmt.Errorf("neither FAIL nor ok in %q", rec)
		}
		for _, part := range []struct{ sev, text string }{{"E", errPart}, {"W", warnPart}} {
			for _, m := range pyIssue.FindAllStringSubmatch(part.text, -1) {
				if !knownCodes[m[1]] {
					continue // a bracket in a message
				}
				path := m[2]
				if path == "<event>" {
					path = ""
				}
				v.issues = append(v.issues, part.sev+" "+m[1]+" "+path)
			}
		}
		if len(v.issues) == 0 {
			return res, fmt.Errorf("no issue found in %q", rec)
		}
		slices.Sort(v.issues)
		res.verdicts[n] = v
	}
	if fails != res.failed {
		return res, fmt.Errorf("%d FAIL lines, closing line says %d failed", fails, res.failed)
	}
	return res, nil
}

// corpusLine is one line of an NDJSON file given to both validators.
type corpusLine struct {
	text string
	// nonJSON marks a line with NaN or Infinity, which Python's json
	// accepts and RFC 8259 does not: the Go validator must call it
	// json_invalid, whatever validate.py says.
	nonJSON bool
}

// compareWithPython runs validate.py with flags over lines and compares its
// verdict on every line with the Go validator's under the same options.
// It returns the number of lines that failed (by Go's verdict).
func compareWithPython(t *testing.T, flags []string, lines []corpusLine) int {
	t.Helper()
	opts, _ := optionsFromFlags(t, flags)
	var buf bytes.Buffer
	for _, l := range lines {
		if strings.TrimSpace(l.text) == "" || strings.ContainsAny(l.text, "\r\n") {
			t.Fatalf("corpus line %q: blank, or more than one line", l.text)
		}
		buf.WriteString(l.text + "\n")
	}
	path := filepath.Join(t.TempDir(), "corpus.ndjson")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if opts.Version == "" {
		opts.Version = V1_1_0
	}
	schemaPath, _ := filepath.Abs(filepath.Join("schema", "ocsf-"+opts.Version+".json"))
	pyFlags := slices.Clone(flags)
	for i := 0; i < len(pyFlags); i++ { // the schema is given by path
		if pyFlags[i] == "--version" {
			pyFlags = slices.Delete(pyFlags, i, i+2)
			i--
		}
	}
	py, err := parsePyOutput(runPython(t, append(pyFlags, "-v", "--schema", schemaPath, path)...), path)
	if err != nil {
		t.Fatalf("validate.py output: %v", err)
	}
	if py.passed+py.failed != len(lines) {
		t.Fatalf("validate.py judged %d+%d events, given %d", py.passed, py.failed, len(lines))
	}
	v := NewValidator(opts)
	bad, failed := 0, 0
	for i, l := range lines {
		got, want := goVerdict(v, []byte(l.text)), py.verdicts[i+1]
		if got.failed {
			failed++
		}
		if l.nonJSON {
			want = verdict{failed: true, issues: []string{"E json_invalid "}}
		} else {
			want = withCaptions(t, want, opts.Version, []byte(l.text))
		}
		if !got.equal(want) {
			bad++
			if bad <= 10 {
				t.Errorf("line %d: %.300s\n    go: %v\npython: %v", i+1, l.text, got, want)
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d of %d lines differ", bad, len(lines))
	}
	return failed
}

// withCaptions adds to validate.py's verdict on line the caption_mismatch
// errors the Go validator adds: activity_name, type_name, severity and
// status where validate.py finds an enum_sibling_mismatch on them, and
// class_name and category_name (which validate.py does not check) where they
// are not the captions of class_uid and category_uid in the schema of
// version.
func withCaptions(t *testing.T, want verdict, version Version, line []byte) verdict {
	t.Helper()
	out := verdict{failed: want.failed, issues: slices.Clone(want.issues)}
	add := func(path string) {
		out.failed = true
		out.issues = append(out.issues, "E caption_mismatch "+path)
	}
	for _, is := range want.issues {
		for _, p := range []string{"activity_name", "type_name", "severity", "status"} {
			if is == "W enum_sibling_mismatch "+p || is == "E enum_sibling_mismatch "+p {
				add(p)
			}
		}
	}
	s := schemaFor(version)
	val, err := decodeEvent(line)
	if s == nil || err != nil {
		return out
	}
	ev, _ := val.(map[string]any)
	key, ok := intKey(ev["class_uid"])
	cls := s.classes[key]
	if !ok || cls == nil {
		return out
	}
	if got, present := ev["class_name"]; present && got != any(cls.caption) {
		add("class_name")
	}
	if got, present := ev["category_name"]; present {
		if ck, ok := intKey(ev["category_uid"]); ok {
			if want, ok := cls.byName["category_uid"].enumIdx[ck]; ok && got != any(want) {
				add("category_name")
			}
		}
	}
	slices.Sort(out.issues)
	return out
}

// optionsFromFlags reads validate.py's flags into ValidatorOptions; the
// other arguments are returned as files (--version sets Version; --schema
// is skipped: the Go validator uses its embedded schemas).
func optionsFromFlags(t *testing.T, args []string) (ValidatorOptions, []string) {
	t.Helper()
	var o ValidatorOptions
	var files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-v", "--verbose":
		case "--type-uid-warning":
			o.TypeUIDWarning = true
		case "--all-profiles":
			o.AllProfiles = true
		case "--warn-recommended":
			o.WarnRecommended = true
		case "--warn", "--error", "--version", "--schema":
			if i+1 >= len(args) {
				t.Fatalf("%s needs a value", a)
			}
			i++
			switch a {
			case "--warn":
				o.Warn = append(o.Warn, args[i])
			case "--error":
				o.Error = append(o.Error, args[i])
			case "--version":
				o.Version = args[i]
			}
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("unknown flag %s", a)
			}
			files = append(files, a)
		}
	}
	return o, files
}

// expectedBlock is one "$ python3 validate.py ..." block of a
// testdata/expected-*.txt file: validate.py's output, recorded.
type expectedBlock struct {
	args   []string
	output []string
}

func readExpected(t *testing.T, path string) []expectedBlock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []expectedBlock
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "$ python3 validate.py"):
			blocks = append(blocks, expectedBlock{args: strings.Fields(strings.TrimPrefix(line, "$ python3 validate.py"))})
		case strings.HasPrefix(line, "(exit "):
		case len(blocks) > 0:
			blocks[len(blocks)-1].output = append(blocks[len(blocks)-1].output, line)
		}
	}
	if len(blocks) == 0 {
		t.Fatalf("%s: no validate.py blocks", path)
	}
	return blocks
}

// validatePy returns python3 and the reference validator beside the
// module, or skips the test (fails it under AUDITKIT_REQUIRE_EXTERNAL).
func validatePy(t *testing.T) (python, script string) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(t, "python3 not found on PATH: no comparison with validate.py")
	}
	root, err := moduleRoot()
	if err != nil {
		testenv.Missing(t, "module root not found: %v", err)
	}
	script = filepath.Join(root, "..", "shared", "ocsf", "validate.py")
	if _, err := os.Stat(script); err != nil {
		testenv.Missing(t, "reference validator %s not found", script)
	}
	return python, script
}

// sharedSamples returns the NDJSON samples beside validate.py.
func sharedSamples(t *testing.T) []string {
	_, script := validatePy(t)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(script), "samples", "*.ndjson"))
	if len(files) == 0 {
		t.Fatalf("no samples beside %s", script)
	}
	return files
}

// moduleRoot finds the directory holding go.mod, from the package directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// runPython runs validate.py with args and returns its output lines.
func runPython(t *testing.T, args ...string) []string {
	t.Helper()
	return startPython(t, args...)()
}

// startPython starts validate.py with args; the function it returns waits
// for it and returns its output lines. Exit status 1 (some event failed) is
// not an error.
func startPython(t *testing.T, args ...string) func() []string {
	t.Helper()
	python, script := validatePy(t)
	cmd := exec.Command(python, append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start validate.py: %v", err)
	}
	return func() []string {
		t.Helper()
		if err := cmd.Wait(); err != nil {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("validate.py %v: %v\n%s", args, err, stderr.String())
			}
		}
		return strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	}
}

// fileLines returns the non-blank lines of an NDJSON file, as validate.py
// reads them, with their line numbers.
func fileLines(t *testing.T, path string) (lines []string, numbers []int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
			numbers = append(numbers, i+1)
		}
	}
	return lines, numbers
}

func TestParsePyOutput(t *testing.T) {
	out := []string{
		`f.ndjson:1 (class_uid=3002 uid=a` /* a uid with a newline */, `b) [OCSF 1.1.0]: FAIL: [required_missing] user: required by class authentication (3002); [constraint_failed] <event>: needs one | warnings: [enum_sibling_mismatch] status: 'x; [y] z: ' does not match caption 'Success' of status_id=1`,
		`f.ndjson:3 [OCSF 1.1.0]: ok, warnings: [deprecated] metadata.extension: attribute is deprecated`,
		`f.ndjson:4: FAIL: [json_invalid] <event>: Expecting value: line 1 column 1 (char 0)`,
		`2 passed, 2 failed`,
	}
	got, err := parsePyOutput(out, "f.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	want := pyOutput{passed: 2, failed: 2, verdicts: map[int]verdict{
		1: {true, []string{"E constraint_failed ", "E required_missing user", "W enum_sibling_mismatch status"}},
		3: {false, []string{"W deprecated metadata.extension"}},
		4: {true, []string{"E json_invalid "}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	for _, bad := range [][]string{
		{"f.ndjson:1: FAIL: [range] a: b", "0 passed, 0 failed"},  // counts disagree
		{"f.ndjson:1: FAIL: [y] a: b", "0 passed, 1 failed"},      // no issue found
		{"f.ndjson:x: FAIL: [range] a: b", "0 passed, 1 failed"},  // no line number
		{"g.ndjson:1: FAIL: [range] a: b", "0 passed, 1 failed"},  // another file
		{"f.ndjson:1: maybe: [range] a: b", "1 passed, 0 failed"}, // neither FAIL nor ok
		{"f.ndjson:1: FAIL: [range] a: b"},                        // no closing line
	} {
		if _, err := parsePyOutput(bad, "f.ndjson"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
