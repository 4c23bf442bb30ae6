package ocsf

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openTestdata(t *testing.T) func(string) []byte {
	return func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", filepath.Base(name)))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

// TestSamples reproduces, line by line, the output recorded in
// testdata/expected-*.txt for validate.py run over the sample files.
func TestSamples(t *testing.T) {
	files, err := filepath.Glob("testdata/expected-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected files: %v", err)
	}
	for _, f := range files {
		for i, b := range readExpected(t, f) {
			t.Run(filepath.Base(f)+"/"+strings.Join(b.args, " "), func(t *testing.T) {
				got := cliRunFiles(t, b.args, openTestdata(t))
				compareLines(t, got, b.output)
				if i == 0 && len(b.output) < 1 {
					t.Fatal("empty expected output")
				}
			})
		}
	}
}

// TestSamplesWithPython checks that the recorded outputs are what
// validate.py prints today (so TestSamples compares with the real thing).
func TestSamplesWithPython(t *testing.T) {
	validatePy(t)
	t.Parallel()
	files, _ := filepath.Glob("testdata/expected-*.txt")
	type pending struct {
		block expectedBlock
		dir   string
		wait  func() []string
	}
	var runs []pending
	for _, f := range files {
		for _, b := range readExpected(t, f) {
			args := make([]string, len(b.args))
			for i, a := range b.args {
				if strings.HasSuffix(a, ".ndjson") {
					a, _ = filepath.Abs(filepath.Join("testdata", filepath.Base(a)))
				}
				args[i] = a
			}
			runs = append(runs, pending{b, filepath.Dir(args[len(args)-1]), startPython(t, args...)})
		}
	}
	for _, r := range runs {
		got := r.wait()
		for i := range got {
			got[i] = strings.ReplaceAll(got[i], r.dir+"/", "samples/")
		}
		compareLines(t, got, r.block.output)
	}
}

func codes(is []Issue) []string {
	var out []string
	for _, i := range is {
		out = append(out, i.String())
	}
	return out
}

// base3002 is a minimal valid Authentication event; tests edit copies of it.
const base3002 = `{"class_uid": 3002, "category_uid": 3, "activity_id": 1, "type_uid": 300201, "severity_id": 1, "time": 1718213009419, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}, "user": {"uid": "u"}, "service": {"name": "S"}}`

// with returns base3002 with key set to the raw JSON value (appended, or
// replaced in place when present), or removed when value is "".
func with(t *testing.T, base string, kv ...string) string {
	t.Helper()
	v, err := parseJSON([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	obj := v.(*jobject)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			for j, k := range obj.keys {
				if k == kv[i] {
					obj.keys = append(obj.keys[:j:j], obj.keys[j+1:]...)
					obj.vals = append(obj.vals[:j:j], obj.vals[j+1:]...)
					obj.index = nil
					break
				}
			}
			continue
		}
		val, err := parseJSON([]byte(kv[i+1]))
		if err != nil {
			t.Fatalf("%s: %v", kv[i+1], err)
		}
		obj.set(kv[i], val)
	}
	return pyDumps(obj, 0)
}

type ruleCase struct {
	name  string
	event string
	opts  ValidatorOptions
	errs  []string
	warns []string
}

// ruleCases cover each rule of validate.py with the message it gives.
func ruleCases(t *testing.T) []ruleCase {
	return []ruleCase{
		{name: "valid", event: base3002},
		{name: "class_uid string", event: with(t, base3002, "class_uid", `"3002"`),
			errs: []string{"[wrong_type] class_uid: expected integer, got string"}},
		{name: "class_uid float", event: with(t, base3002, "class_uid", `3002.0`),
			errs: []string{"[wrong_type] class_uid: expected integer, got float"}},
		{name: "class_uid null", event: with(t, base3002, "class_uid", `null`),
			errs: []string{"[required_missing] class_uid: every OCSF event needs class_uid"}},
		{name: "class_uid huge", event: with(t, base3002, "class_uid", `123456789012345678901234567890`),
			errs: []string{"[class_uid_unknown] class_uid: no class 123456789012345678901234567890 in OCSF 1.1.0"}},
		{name: "deprecated class", event: `{"class_uid": 6004, "category_uid": 6, "activity_id": 1, "type_uid": 600401, "severity_id": 1, "time": 1, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}, "http_request": {}, "web_resources": [{"name": "w"}]}`,
			warns: []string{"[deprecated] class_uid: class web_resource_access_activity is deprecated"}},
		{name: "null is absent", event: with(t, base3002, "user", `null`),
			errs: []string{"[required_missing] user: required by class authentication (3002)"}},
		{name: "float accepted for float_t", event: with(t, base3002, "src_endpoint", `{"ip": "10.0.0.1", "location": {"coordinates": [1, 2.5]}}`)},
		{name: "float rejected for integer_t", event: with(t, base3002, "count", `1.0`),
			errs: []string{"[wrong_type] count: expected integer_t (integer), got float 1.0"}},
		{name: "bool is not an integer", event: with(t, base3002, "count", `true`),
			errs: []string{"[wrong_type] count: expected integer_t (integer), got boolean true"}},
		{name: "integer_t range", event: with(t, base3002, "count", `9223372036854775808`),
			errs: []string{"[wrong_type] count: expected integer_t (integer), got integer 9223372036854775808"}},
		{name: "long_t beyond int64", event: with(t, base3002, "time", `170141183460469231731687303715884105727`)},
		{name: "long_t beyond 2**127", event: with(t, base3002, "time", `170141183460469231731687303715884105728`),
			errs: []string{"[wrong_type] time: expected timestamp_t (integer), got integer 170141183460469231731687303715884105728"}},
		{name: "json_t takes anything", event: with(t, base3002, "unmapped", `{"a": [1, {"b": null}]}`)},
		{name: "wrong type message is cut at 60", event: with(t, base3002, "message", `{"a": "`+strings.Repeat("x", 100)+`"}`),
			errs: []string{`[wrong_type] message: expected string_t (string), got object {"a": "` + strings.Repeat("x", 53)}},
		{name: "max_len", event: with(t, base3002, "src_endpoint", `{"ip": "1111:2222:3333:4444:5555:6666:7777:8888:9999"}`),
			errs:  []string{"[max_len] src_endpoint.ip: length 44 exceeds ip_t max_len 40"},
			warns: []string{"[regex_mismatch] src_endpoint.ip: '1111:2222:3333:4444:5555:6666:7777:8888:9999' does not match ip_t pattern"}},
		{name: "max_len counts characters", event: with(t, base3002, "src_endpoint", `{"uid": "x", "mac": "`+strings.Repeat("é", 32)+`"}`),
			warns: []string{"[regex_mismatch] src_endpoint.mac: '" + strings.Repeat("é", 32) + "' does not match mac_t pattern"}},
		{name: "regex is a warning", event: with(t, base3002, "user", `{"uid": "u", "email_addr": "not-an-email"}`),
			warns: []string{"[regex_mismatch] user.email_addr: 'not-an-email' does not match email_t pattern"}},
		{name: "python \\d matches any decimal digit", event: with(t, base3002, "time_dt", `"２０２４-06-12T17:23:29Z"`, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["datetime"]}`)},
		{name: "python $ matches before a final newline", event: with(t, base3002, "src_endpoint", `{"uid": "e", "mac": "00:11:22:33:44:55\n"}`)},
		{name: "range", event: with(t, base3002, "dst_endpoint", `{"ip": "10.0.0.1", "port": -1}`),
			errs: []string{"[range] dst_endpoint.port: -1 outside port_t range 0..65535"}},
		{name: "enum unknown", event: with(t, base3002, "severity_id", `7`),
			errs: []string{"[enum_value_unknown] severity_id: 7 is not defined (allowed: 0=Unknown, 1=Informational, 2=Low, 3=Medium, 4=High, 5=Critical, 6=Fatal, 99=Other)"}},
		{name: "string enum", event: with(t, base3002, "http_request", `{"http_method": "get"}`),
			errs: []string{`[enum_value_unknown] http_request.http_method: "get" is not defined (allowed: CONNECT=Connect, DELETE=Delete, GET=Get, HEAD=Head, OPTIONS=Options, POST=Post, PUT=Put, TRACE=Trace)`}},
		{name: "enum with more than 12 values", event: with(t, base3002, "logon_type_id", `1`),
			errs: []string{"[enum_value_unknown] logon_type_id: 1 is not defined (allowed: 0=System, 2=Interactive, 3=Network, 4=Batch, 5=OS Service, 7=Unlock, 8=Network Cleartext, 9=New Credentials, 10=Remote Interactive, 11=Cached Interactive, 12=Cached Remote Interactive, 13=Cached Unlock, ...)"}},
		{name: "sibling mismatch", event: with(t, base3002, "status_id", `2`, "status", `"failed"`),
			warns: []string{"[enum_sibling_mismatch] status: 'failed' does not match caption 'Failure' of status_id=2"}},
		{name: "sibling of other type", event: with(t, base3002, "severity", `null`),
			warns: []string{"[enum_sibling_mismatch] severity: None does not match caption 'Informational' of severity_id=1"}},
		{name: "other carries the caption", event: with(t, base3002, "status_id", `99`, "status", `"Other"`),
			warns: []string{"[enum_sibling_other_suspicious] status: 'Other' equals the caption of status_id=99; for Other it should carry the source's own label"}},
		{name: "other with own label", event: with(t, base3002, "status_id", `99`, "status", `"Partial"`)},
		{name: "nested sibling", event: with(t, base3002, "user", `{"uid": "u", "type_id": 1, "type": "Human"}`),
			warns: []string{"[enum_sibling_mismatch] user.type: 'Human' does not match caption 'User' of type_id=1"}},
		{name: "array sibling", event: with(t, base3002, "http_request", `{"url": {"path": "/", "category_ids": [1, 31, 3], "categories": ["Adult/Mature Content", "x"]}}`),
			warns: []string{"[enum_sibling_mismatch] http_request.url.categories[1]: 'x' does not match caption 'Financial Services' of category_ids=31"}},
		{name: "type_uid", event: with(t, base3002, "type_uid", `300202`),
			errs: []string{"[type_uid_mismatch] type_uid: 300202 != class_uid*100+activity_id = 3002*100+1 = 300201"}},
		{name: "type_uid as warning", event: with(t, base3002, "type_uid", `300202`), opts: ValidatorOptions{TypeUIDWarning: true},
			warns: []string{"[type_uid_mismatch] type_uid: 300202 != class_uid*100+activity_id = 3002*100+1 = 300201"}},
		{name: "category_uid", event: with(t, base3002, "category_uid", `4`),
			errs: []string{"[category_uid_mismatch] category_uid: 4, but class 3002 belongs to category 3"}},
		{name: "just_one", event: `{"class_uid": 3003, "category_uid": 3, "activity_id": 1, "type_uid": 300301, "severity_id": 1, "time": 1, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}, "user": {"uid": "u"}, "privileges": ["a"], "group": {"name": "g"}}`,
			errs: []string{"[constraint_failed] <event>: class authorize_session (3003) needs exactly one of privileges, group (got 2)"}},
		{name: "profile attribute", event: with(t, base3002, "api", `{"operation": "x"}`),
			errs: []string{"[attribute_unknown] api: belongs to profile(s) cloud of class authentication (3002), which metadata.profiles does not list"}},
		{name: "profile listed makes its required attributes required", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["cloud"]}`),
			errs: []string{"[required_missing] cloud: required by class authentication (3002)"}},
		{name: "all profiles allows without requiring", event: with(t, base3002, "api", `{"operation": "x"}`), opts: ValidatorOptions{AllProfiles: true}},
		{name: "unknown profile", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["hots", 3]}`),
			errs: []string{"[profile_unknown] metadata.profiles[0]: no profile 'hots' in OCSF 1.1.0", "[wrong_type] metadata.profiles[1]: expected string_t (string), got integer 3"}},
		{name: "version mismatch", event: with(t, base3002, "metadata", `{"version": "1.8.0", "product": {"name": "P", "vendor_name": "V"}}`),
			warns: []string{"[version_mismatch] metadata.version: event says 1.8.0, validated against 1.1.0"}},
		{name: "deprecated attribute", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "extension": {"name": "e", "uid": "1", "version": "1"}}`),
			warns: []string{"[deprecated] metadata.extension: attribute is deprecated"}},
		{name: "error promotes", event: with(t, base3002, "user", `{"uid": "u", "email_addr": "nope"}`), opts: ValidatorOptions{Error: []string{"regex_mismatch"}},
			errs: []string{"[regex_mismatch] user.email_addr: 'nope' does not match email_t pattern"}},
		{name: "warn demotes", event: with(t, base3002, "bogus", `1`), opts: ValidatorOptions{Warn: []string{"attribute_unknown"}},
			warns: []string{"[attribute_unknown] bogus: not defined in class authentication (3002)"}},
		{name: "error wins over warn", event: with(t, base3002, "bogus", `1`), opts: ValidatorOptions{Warn: []string{"attribute_unknown"}, Error: []string{"attribute_unknown"}},
			errs: []string{"[attribute_unknown] bogus: not defined in class authentication (3002)"}},
		{name: "recommended", event: `{"class_uid": 3003, "category_uid": 3, "activity_id": 1, "type_uid": 300301, "severity_id": 1, "status_id": 1, "time": 1, "timezone_offset": 0, "metadata": {"version": "1.1.0", "uid": "1", "log_name": "l", "log_provider": "p", "original_time": "t", "tenant_uid": "t", "product": {"name": "P", "uid": "1", "version": "1", "vendor_name": "V"}}, "user": {"uid": "u", "name": "n", "type_id": 1}, "group": {"name": "g"}, "session": {"uid": "s", "created_time": 1, "is_remote": false}}`,
			opts:  ValidatorOptions{WarnRecommended: true},
			warns: []string{"[recommended_missing] group.uid: recommended by object group", "[recommended_missing] message: recommended by class authorize_session (3003)", "[recommended_missing] privileges: recommended by class authorize_session (3003)", "[recommended_missing] session.issuer: recommended by object session"}},
		{name: "repr quoting", event: with(t, base3002, "status_id", `1`, "status", `"it's \"x\"\n\u00e9\u0001"`),
			warns: []string{`[enum_sibling_mismatch] status: 'it\'s "x"\né\x01' does not match caption 'Success' of status_id=1`}},
		{name: "repr of objects and floats", event: with(t, base3002, "status_id", `1`, "status", `{"a": [1e16, 0.00001, true, null, "b"]}`),
			errs:  []string{`[wrong_type] status: expected string_t (string), got object {"a": [1e+16, 1e-05, true, null, "b"]}`},
			warns: []string{`[enum_sibling_mismatch] status: {'a': [1e+16, 1e-05, True, None, 'b']} does not match caption 'Success' of status_id=1`}},
		{name: "dumps escapes non-ASCII", event: with(t, base3002, "message", `["é😀", 1.5, -0.0, NaN]`),
			errs: []string{`[wrong_type] message: expected string_t (string), got array ["\u00e9\ud83d\ude00", 1.5, -0.0, NaN]`}},
		{name: "duplicate key keeps first position, last value", event: `{"class_uid": 3002, "bogus": 1, "class_uid": "x"}`,
			errs: []string{"[wrong_type] class_uid: expected integer, got string"}},
		{name: "not JSON", event: `{"class_uid": 3002,}`, errs: []string{"[json_invalid] <event>: Expecting property name enclosed in double quotes: line 1 column 20 (char 19)"}},
		{name: "not an object", event: `"x"`, errs: []string{"[json_invalid] <event>: top level is string, not an object"}},
		{name: "null event", event: `null`, errs: []string{"[json_invalid] <event>: top level is null, not an object"}},
		{name: "empty", event: ``, errs: []string{"[json_invalid] <event>: Expecting value: line 1 column 1 (char 0)"}},
	}
}

// TestCheckRules checks each rule's issues and their wording.
func TestCheckRules(t *testing.T) {
	for _, tt := range ruleCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			errs, warns := NewValidator(tt.opts).Check([]byte(tt.event))
			if g, w := strings.Join(codes(errs), "\n"), strings.Join(tt.errs, "\n"); g != w {
				t.Errorf("errors:\n got: %s\nwant: %s", g, w)
			}
			if g, w := strings.Join(codes(warns), "\n"), strings.Join(tt.warns, "\n"); g != w {
				t.Errorf("warnings:\n got: %s\nwant: %s", g, w)
			}
			for _, i := range errs {
				if i.Warning {
					t.Errorf("error %v has Warning set", i)
				}
			}
			for _, i := range warns {
				if !i.Warning {
					t.Errorf("warning %v has Warning unset", i)
				}
			}
		})
	}
}

// cliArgs turns options into validate.py's flags.
func cliArgs(o ValidatorOptions) []string {
	args := []string{"-v"}
	if o.TypeUIDWarning {
		args = append(args, "--type-uid-warning")
	}
	if o.AllProfiles {
		args = append(args, "--all-profiles")
	}
	if o.WarnRecommended {
		args = append(args, "--warn-recommended")
	}
	for _, c := range o.Warn {
		args = append(args, "--warn", c)
	}
	for _, c := range o.Error {
		args = append(args, "--error", c)
	}
	return args
}

// TestCheckRulesWithPython runs the rule cases through validate.py too and
// compares its output with the Go port's.
func TestCheckRulesWithPython(t *testing.T) {
	validatePy(t)
	t.Parallel()
	schemaPath, _ := filepath.Abs(filepath.Join("schema", "ocsf-1.1.0.json"))
	// one validate.py run per set of options
	groups := map[string][]string{}
	var order []string
	for _, tt := range ruleCases(t) {
		if tt.event == "" || tt.event == "null" {
			continue // validate.py skips blank lines and passes a bare null
		}
		key := strings.Join(cliArgs(tt.opts), " ")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], tt.event)
	}
	dir := t.TempDir()
	type pending struct {
		key  string
		args []string
		data []byte
		wait func() []string
	}
	var runs []pending
	for i, key := range order {
		data := []byte(strings.Join(groups[key], "\n") + "\n")
		path := filepath.Join(dir, fmt.Sprintf("rules-%d.ndjson", i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		args := append(strings.Fields(key), "--schema", schemaPath, path)
		runs = append(runs, pending{key, args, data, startPython(t, args...)})
	}
	for _, r := range runs {
		want := r.wait()
		got := cliRunFiles(t, r.args, func(string) []byte { return r.data })
		t.Run(r.key, func(t *testing.T) { compareLines(t, got, want) })
	}
}

func TestValidateErrors(t *testing.T) {
	if err := ValidateJSON([]byte(base3002)); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	bad := with(t, base3002, "user", "", "metadata", `{"version": "1.1.0", "uid": "abc", "product": {"name": "P", "vendor_name": "V"}}`, "count", `"x"`)
	err := ValidateJSON([]byte(bad))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %T %v, want *ValidationError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Error("errors.Is(err, ErrInvalid) is false")
	}
	if ve.Class != ClassAuthentication || ve.UID != "abc" || len(ve.Issues) != 2 {
		t.Errorf("got %+v", ve)
	}
	want := `ocsf: invalid event (class_uid=3002 uid=abc): [wrong_type] count: expected integer_t (integer), got string "x"; [required_missing] user: required by class authentication (3002)`
	if err.Error() != want {
		t.Errorf("Error():\n got: %s\nwant: %s", err, want)
	}
	// warnings alone never fail
	if err := ValidateJSON([]byte(with(t, base3002, "severity", `"Low"`))); err != nil {
		t.Errorf("warning-only event: %v", err)
	}
	// options are copied
	opts := ValidatorOptions{Warn: []string{"attribute_unknown"}}
	v := NewValidator(opts)
	opts.Warn[0] = "nothing"
	if err := v.ValidateJSON([]byte(with(t, base3002, "bogus", "1"))); err != nil {
		t.Errorf("Validator changed with its options: %v", err)
	}
}

func TestIssueString(t *testing.T) {
	for _, tt := range []struct {
		in   Issue
		want string
	}{
		{Issue{Code: "constraint_failed", Message: "m"}, "[constraint_failed] <event>: m"},
		{Issue{Code: "wrong_type", Path: "a.b[0]", Message: "m", Warning: true}, "[wrong_type] a.b[0]: m"},
	} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestPyFormat(t *testing.T) {
	floats := map[float64]string{
		1: "1.0", 1.5: "1.5", 1e16: "1e+16", 1234567890123456: "1234567890123456.0", 0.0001: "0.0001",
		0.00001: "1e-05", 1.5e-7: "1.5e-07", 123456789012345678: "1.2345678901234568e+17", 1e100: "1e+100",
		0.1: "0.1", 100: "100.0", -2.5: "-2.5", 5e-324: "5e-324",
	}
	for f, want := range floats {
		if got := pyFloatRepr(f); got != want {
			t.Errorf("pyFloatRepr(%v) = %s, want %s", f, got, want)
		}
	}
	strs := map[string]string{
		"":           "''",
		"a'b":        `"a'b"`,
		`a'"b`:       `'a\'"b'`,
		"\\":         `'\\'`,
		"\x7f":       `'\x7f'`,
		"\u00a0":     `'\xa0'`,
		"\u200b":     `'\u200b'`,
		"😀":          "'😀'",
		"\U000e0001": `'\U000e0001'`,
	}
	for s, want := range strs {
		if got := pyStrRepr(s); got != want {
			t.Errorf("pyStrRepr(%q) = %s, want %s", s, got, want)
		}
	}
	v, _ := parseJSON([]byte(`{"k": ["\u007f", 12345678901234567890123, 2.0, false]}`))
	if got, want := pyDumps(v, 0), `{"k": ["\u007f", 12345678901234567890123, 2.0, false]}`; got != want {
		t.Errorf("pyDumps = %s, want %s", got, want)
	}
	if got := pyDumps(v, 10); got != `{"k": ["\u` {
		t.Errorf("pyDumps cut = %s", got)
	}
}

func TestParseJSON(t *testing.T) {
	for _, tt := range []struct{ in, repr string }{
		{`{"b": 1, "a": 2, "b": 3}`, `{'b': 3, 'a': 2}`},
		{`[1, 1.0, 1e2, -0, -0.0, 1E+2]`, `[1, 1.0, 100.0, 0, -0.0, 100.0]`},
		{`[NaN, Infinity, -Infinity, 1e400]`, `[nan, inf, -inf, inf]`},
		{`"\ud83d\ude00\u00e9\/"`, `'😀é/'`},
		{` {"a" : [ ] , "b":{}}  `, `{'a': [], 'b': {}}`},
	} {
		v, err := parseJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := pyRepr(v); got != tt.repr {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.repr)
		}
	}
	big := `{` + strings.Repeat(`"k": 1, `, 20) + `"z": 2}`
	v, err := parseJSON([]byte(big))
	if err != nil || len(v.(*jobject).keys) != 2 {
		t.Errorf("many duplicate keys: %v %v", v, err)
	}
	for _, in := range []string{`01`, `1.`, `-`, `[1,]`, `{"a":1,}`, `"a`, "\"\x01\"", `"\x"`, `"\u12"`, `nul`, `{"a" 1}`,
		`[1 2]`, "\xff", "\ufeff{}", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), "1" + strings.Repeat("0", 4300)} {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := parseJSON([]byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000))); err != nil {
		t.Errorf("depth 1000: %v", err)
	}
}

// TestCheckedEventsAreJSON makes sure validation agrees with
// encoding/json on what is valid JSON for ordinary input.
func TestCheckedEventsAreJSON(t *testing.T) {
	for _, e := range validEvents() {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseJSON(data); err != nil {
			t.Errorf("%s: %v", data, err)
		}
	}
}

func TestZeroValidator(t *testing.T) {
	var zero Validator
	var nilV *Validator
	bad := []byte(with(t, base3002, "user", ""))
	for _, v := range []*Validator{&zero, nilV} {
		if errs, _ := v.Check([]byte(base3002)); len(errs) != 0 {
			t.Errorf("valid event: %v", errs)
		}
		if err := v.ValidateJSON(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("invalid event: %v", err)
		}
	}
}

// TestConcurrentUse checks, under -race, the lazy schema load and shared
// validators from many goroutines.
func TestConcurrentUse(t *testing.T) {
	ls := &lazySchema{data: schemaJSON}
	v := NewValidator(ValidatorOptions{})
	v.schema = ls // a fresh, not yet parsed schema
	event := []byte(with(t, base3002, "count", `"x"`))
	done := make(chan []string)
	for i := 0; i < 8; i++ {
		go func() {
			errs, _ := v.Check(event)
			done <- codes(errs)
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; len(got) != 1 || !strings.HasPrefix(got[0], "[wrong_type] count") {
			t.Errorf("got %v", got)
		}
	}
}
