package ocsf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/auditkit/auditkit/internal/testenv"
)

// This file emulates validate.py's command line on top of Validator, so that
// tests can compare its output line by line with validate.py's.

// cliOptions are validate.py's flags.
type cliOptions struct {
	opts    ValidatorOptions
	verbose bool
}

// parseCLIArgs reads validate.py's arguments (flags and files).
func parseCLIArgs(args []string) (cliOptions, []string, error) {
	var c cliOptions
	var files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-v", "--verbose":
			c.verbose = true
		case "--type-uid-warning":
			c.opts.TypeUIDWarning = true
		case "--all-profiles":
			c.opts.AllProfiles = true
		case "--warn-recommended":
			c.opts.WarnRecommended = true
		case "--warn", "--error":
			if i+1 >= len(args) {
				return c, nil, fmt.Errorf("%s needs a code", a)
			}
			i++
			if a == "--warn" {
				c.opts.Warn = append(c.opts.Warn, args[i])
			} else {
				c.opts.Error = append(c.opts.Error, args[i])
			}
		case "--version", "--schema":
			i++ // the Go validator always uses the embedded 1.1.0
		default:
			if strings.HasPrefix(a, "-") {
				return c, nil, fmt.Errorf("unknown flag %s", a)
			}
			files = append(files, a)
		}
	}
	return c, files, nil
}

// pyIsSpace is Python's str.isspace() for one character.
func pyIsSpace(r rune) bool {
	switch {
	case r >= '\t' && r <= '\r', r >= 0x1c && r <= ' ', r == 0x85, r == 0xa0, r == 0x1680,
		r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// pyLines splits data as Python's text mode does (universal newlines).
func pyLines(data []byte) []string {
	var lines []string
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			lines = append(lines, string(data[start:i]))
			start = i + 1
		case '\r':
			lines = append(lines, string(data[start:i]))
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(data) {
		lines = append(lines, string(data[start:]))
	}
	return lines
}

// eventLabel is validate.py's event_label().
func eventLabel(ev any) string {
	obj, ok := ev.(*jobject)
	if !ok {
		return ""
	}
	var bits []string
	if cu, ok := obj.get("class_uid"); ok {
		bits = append(bits, "class_uid="+pyStr(cu))
	}
	if md, ok := obj.value("metadata").(*jobject); ok {
		if uid := md.value("uid"); uid != nil {
			bits = append(bits, "uid="+pyStr(uid))
		}
	}
	return strings.Join(bits, " ")
}

func joinIssues(is []Issue) string {
	parts := make([]string, len(is))
	for i, x := range is {
		parts[i] = x.String()
	}
	return strings.Join(parts, "; ")
}

// cliRun returns what "python3 validate.py ARGS" prints for the named file
// whose content is data, and the counts of passed and failed events.
func cliRun(c cliOptions, name string, data []byte) (out []string, passed, failed int) {
	v := NewValidator(c.opts)
	for i, line := range pyLines(data) {
		if strings.TrimFunc(line, pyIsSpace) == "" {
			continue
		}
		if pv, err := parseJSON([]byte(line)); err == nil && pv == nil {
			passed++ // validate.py never checks a bare null: it passes there
			continue
		}
		ev, r := v.check([]byte(line))
		label := eventLabel(ev)
		where := fmt.Sprintf("%s:%d", name, i+1)
		if label != "" {
			where += " (" + label + ")"
		}
		ver := ""
		if _, isObj := ev.(*jobject); isObj {
			ver = " [OCSF " + Version + "]"
		}
		if len(r.errs) > 0 {
			failed++
			msg := joinIssues(r.errs)
			if len(r.warns) > 0 && c.verbose {
				msg += " | warnings: " + joinIssues(r.warns)
			}
			out = append(out, fmt.Sprintf("%s%s: FAIL: %s", where, ver, msg))
		} else {
			passed++
			if len(r.warns) > 0 && c.verbose {
				out = append(out, fmt.Sprintf("%s%s: ok, warnings: %s", where, ver, joinIssues(r.warns)))
			}
		}
	}
	return out, passed, failed
}

// cliRunFiles runs cliRun over several files and adds the closing line.
func cliRunFiles(t *testing.T, args []string, open func(name string) []byte) []string {
	t.Helper()
	c, files, err := parseCLIArgs(args)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	passed, failed := 0, 0
	for _, f := range files {
		o, p, fl := cliRun(c, f, open(f))
		out = append(out, o...)
		passed += p
		failed += fl
	}
	out = append(out, fmt.Sprintf("%d passed, %d failed", passed, failed))
	// a label or message may hold a newline: compare printed lines
	return strings.Split(strings.Join(out, "\n"), "\n")
}

// expectedBlock is one "$ python3 validate.py ..." block of an expected file.
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
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
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

// sameLine compares one output line; for json_invalid only the code is
// compared, since the rest is the wording of Python's JSON parser.
func sameLine(got, want string) bool {
	if got == want {
		return true
	}
	const marker = "[json_invalid] <event>: "
	gi, wi := strings.Index(got, marker), strings.Index(want, marker)
	return gi >= 0 && wi >= 0 && got[:gi] == want[:wi]
}

func compareLines(t *testing.T, got, want []string) {
	t.Helper()
	n := max(len(got), len(want))
	bad := 0
	for i := 0; i < n; i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !sameLine(g, w) {
			bad++
			if bad <= 10 {
				t.Errorf("line %d:\n got: %s\nwant: %s", i+1, g, w)
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d differing lines in all", bad)
	}
}

// validatePy returns the path of the reference validator beside the
// module, or skips the test.
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

// startPython starts validate.py with args; the returned function waits for
// it and returns its output lines.
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
		text := strings.TrimSuffix(stdout.String(), "\n")
		if !utf8.ValidString(text) {
			t.Fatalf("validate.py printed invalid UTF-8")
		}
		return strings.Split(text, "\n")
	}
}
