package ocsf

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSamples compares the Go validator's verdicts on the samples with
// validate.py's, as recorded in testdata/expected-*.txt.
func TestSamples(t *testing.T) {
	files, err := filepath.Glob("testdata/expected-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected files: %v", err)
	}
	for _, f := range files {
		for _, b := range readExpected(t, f) {
			t.Run(filepath.Base(f)+"/"+strings.Join(b.args, " "), func(t *testing.T) {
				opts, names := optionsFromFlags(t, b.args)
				if len(names) != 1 {
					t.Fatalf("want one file, got %v", names)
				}
				py, err := parsePyOutput(b.output, names[0])
				if err != nil {
					t.Fatal(err)
				}
				lines, numbers := fileLines(t, filepath.Join("testdata", filepath.Base(names[0])))
				if py.passed+py.failed != len(lines) {
					t.Fatalf("recorded %d+%d events, file has %d", py.passed, py.failed, len(lines))
				}
				opts.SkipCaptions = true // validate.py does not check them
				v := NewValidator(opts)
				for i, l := range lines {
					if got, want := goVerdict(v, []byte(l)), py.verdicts[numbers[i]]; !got.equal(want) {
						t.Errorf("line %d:\n    go: %v\npython: %v", numbers[i], got, want)
					}
				}
			})
		}
	}
}

// TestDiffRecordedSamples checks that the verdicts recorded in
// testdata/expected-*.txt are what validate.py gives today.
// (TestDiffAgainstPython compares the Go validator with it on the samples
// here and beside it.)
func TestDiffRecordedSamples(t *testing.T) {
	validatePy(t)
	t.Parallel()
	type run struct {
		what     string
		recorded pyOutput
		path     string
		wait     func() []string
	}
	var runs []run
	files, _ := filepath.Glob("testdata/expected-*.txt")
	for _, f := range files {
		for _, b := range readExpected(t, f) {
			_, names := optionsFromFlags(t, b.args)
			recorded, err := parsePyOutput(b.output, names[0])
			if err != nil {
				t.Fatal(err)
			}
			path, _ := filepath.Abs(filepath.Join("testdata", filepath.Base(names[0])))
			args := append(slices.Clone(b.args[:len(b.args)-1]), path)
			runs = append(runs, run{fmt.Sprint(f, args), recorded, path, startPython(t, args...)})
		}
	}
	for _, r := range runs {
		live, err := parsePyOutput(r.wait(), r.path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(live, r.recorded) {
			t.Errorf("%s:\nlive:     %v\nrecorded: %v", r.what, live, r.recorded)
		}
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

// with returns base with each key set to the raw JSON value that follows
// it, or removed when that value is "".
func with(t *testing.T, base string, kv ...string) string {
	t.Helper()
	v, err := decodeEvent([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	obj := v.(map[string]any)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(obj, kv[i])
			continue
		}
		val, err := decodeEvent([]byte(kv[i+1]))
		if err != nil {
			t.Fatalf("%s: %v", kv[i+1], err)
		}
		obj[kv[i]] = val
	}
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

type ruleCase struct {
	name  string
	event string
	opts  ValidatorOptions
	errs  []string
	warns []string
	// goOnly keeps the event from validate.py, which cannot take it (see
	// TestDiffAgainstPython).
	goOnly bool
}

// ruleCases cover each rule with the issues it gives. TestDiffAgainstPython
// also runs their events through validate.py.
func ruleCases(t *testing.T) []ruleCase {
	return []ruleCase{
		{name: "valid", event: base3002},
		{name: "class_uid string", event: with(t, base3002, "class_uid", `"3002"`),
			errs: []string{`class_uid: want an integer, got string "3002" [wrong_type]`}},
		{name: "class_uid float", event: with(t, base3002, "class_uid", `3002.0`),
			errs: []string{`class_uid: want an integer, got number 3002.0 [wrong_type]`}},
		{name: "class_uid null", event: with(t, base3002, "class_uid", `null`),
			errs: []string{`class_uid: missing; every OCSF event needs one [required_missing]`}},
		{name: "class_uid huge", event: with(t, base3002, "class_uid", `123456789012345678901234567890`),
			errs: []string{`class_uid: no class 123456789012345678901234567890 in OCSF 1.1.0 [class_uid_unknown]`}},
		{name: "deprecated class", event: `{"class_uid": 6004, "category_uid": 6, "activity_id": 1, "type_uid": 600401, "severity_id": 1, "time": 1, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}, "http_request": {}, "web_resources": [{"name": "w"}]}`,
			warns: []string{`class_uid: class web_resource_access_activity is deprecated [deprecated]`}},
		{name: "null is absent", event: with(t, base3002, "user", `null`),
			errs: []string{`user: missing; required by class authentication (3002) [required_missing]`}},
		{name: "float accepted for float_t", event: with(t, base3002, "src_endpoint", `{"ip": "10.0.0.1", "location": {"coordinates": [1, 2.5]}}`)},
		{name: "float rejected for integer_t", event: with(t, base3002, "count", `1.0`),
			errs: []string{`count: want integer_t (integer), got number 1.0 [wrong_type]`}},
		{name: "bool is not an integer", event: with(t, base3002, "count", `true`),
			errs: []string{`count: want integer_t (integer), got boolean true [wrong_type]`}},
		{name: "integer_t range", event: with(t, base3002, "count", `9223372036854775808`),
			errs: []string{`count: want integer_t (integer), got integer 9223372036854775808 [wrong_type]`}},
		{name: "long_t beyond int64", event: with(t, base3002, "time", `170141183460469231731687303715884105727`)},
		{name: "long_t lowest", event: with(t, base3002, "time", `-170141183460469231731687303715884105728`)},
		{name: "long_t beyond 2**127", event: with(t, base3002, "time", `170141183460469231731687303715884105728`),
			errs: []string{`time: want timestamp_t (integer), got integer 170141183460469231731687303715884105728 [wrong_type]`}},
		{name: "long_t below -2**127", event: with(t, base3002, "time", `-170141183460469231731687303715884105729`),
			errs: []string{`time: want timestamp_t (integer), got integer -170141183460469231731687303715884105729 [wrong_type]`}},
		{name: "json_t takes anything", event: with(t, base3002, "unmapped", `{"a": [1, {"b": null}]}`)},
		{name: "long values are cut", event: with(t, base3002, "message", `{"a": "`+strings.Repeat("x", 100)+`"}`),
			errs: []string{`message: want string_t (string), got object {"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… [wrong_type]`}},
		{name: "max_len", event: with(t, base3002, "src_endpoint", `{"ip": "1111:2222:3333:4444:5555:6666:7777:8888:9999"}`),
			errs: []string{`src_endpoint.ip: 44 characters, over ip_t's max_len of 40 [max_len]`}, warns: []string{`src_endpoint.ip: "1111:2222:3333:4444:5555:6666:7777:8888:9999" does not match the ip_t pattern [regex_mismatch]`}},
		{name: "max_len counts characters", event: with(t, base3002, "src_endpoint", `{"uid": "x", "mac": "`+strings.Repeat("é", 32)+`"}`),
			warns: []string{`src_endpoint.mac: "éééééééééééééééééééééééééééééééé" does not match the mac_t pattern [regex_mismatch]`}},
		{name: "regex is a warning", event: with(t, base3002, "user", `{"uid": "u", "email_addr": "not-an-email"}`),
			warns: []string{`user.email_addr: "not-an-email" does not match the email_t pattern [regex_mismatch]`}},
		{name: "python \\d matches any decimal digit", event: with(t, base3002, "time_dt", `"２０２４-06-12T17:23:29Z"`, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["datetime"]}`)},
		{name: "python $ matches before a final newline", event: with(t, base3002, "src_endpoint", `{"uid": "e", "mac": "00:11:22:33:44:55\n"}`)},
		{name: "range", event: with(t, base3002, "dst_endpoint", `{"ip": "10.0.0.1", "port": -1}`),
			errs: []string{`dst_endpoint.port: -1 outside port_t's range 0..65535 [range]`}},
		{name: "enum unknown", event: with(t, base3002, "severity_id", `7`),
			errs: []string{`severity_id: 7 is not defined (defined: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other) [enum_value_unknown]`}},
		{name: "string enum", event: with(t, base3002, "http_request", `{"http_method": "get"}`),
			errs: []string{`http_request.http_method: "get" is not defined (defined: CONNECT Connect, DELETE Delete, GET Get, HEAD Head, OPTIONS Options, POST Post, PUT Put, TRACE Trace) [enum_value_unknown]`}},
		{name: "enum with more than 12 values", event: with(t, base3002, "logon_type_id", `1`),
			errs: []string{`logon_type_id: 1 is not defined (defined: 0 System, 2 Interactive, 3 Network, 4 Batch, 5 OS Service, 7 Unlock, 8 Network Cleartext, 9 New Credentials, 10 Remote Interactive, 11 Cached Interactive, 12 Cached Remote Interactive, 13 Cached Unlock, …) [enum_value_unknown]`}},
		{name: "sibling mismatch", event: with(t, base3002, "status_id", `2`, "status", `"failed"`),
			errs:  []string{`status: "failed", want "Failure", the caption of status_id=2 in OCSF 1.1.0 [caption_mismatch]`},
			warns: []string{`status: "failed", want "Failure", the caption of status_id=2 [enum_sibling_mismatch]`}},
		{name: "sibling of other type", event: with(t, base3002, "severity", `null`),
			errs:  []string{`severity: null, want "Informational", the caption of severity_id=1 in OCSF 1.1.0 [caption_mismatch]`},
			warns: []string{`severity: null, want "Informational", the caption of severity_id=1 [enum_sibling_mismatch]`}},
		{name: "other carries the caption", event: with(t, base3002, "status_id", `99`, "status", `"Other"`),
			warns: []string{`status: "Other" is the caption of status_id=99; for Other it should carry the source's own label [enum_sibling_other_suspicious]`}},
		{name: "other with own label", event: with(t, base3002, "status_id", `99`, "status", `"Partial"`)},
		{name: "nested sibling", event: with(t, base3002, "user", `{"uid": "u", "type_id": 1, "type": "Human"}`),
			warns: []string{`user.type: "Human", want "User", the caption of type_id=1 [enum_sibling_mismatch]`}},
		{name: "array sibling", event: with(t, base3002, "http_request", `{"url": {"path": "/", "category_ids": [1, 31, 3], "categories": ["Adult/Mature Content", "x"]}}`),
			warns: []string{`http_request.url.categories[1]: "x", want "Financial Services", the caption of category_ids=31 [enum_sibling_mismatch]`}},
		{name: "type_uid", event: with(t, base3002, "type_uid", `300202`),
			errs: []string{`type_uid: 300202, but class_uid*100+activity_id = 300201 [type_uid_mismatch]`}},
		{name: "type_uid as warning", event: with(t, base3002, "type_uid", `300202`), opts: ValidatorOptions{TypeUIDWarning: true},
			warns: []string{`type_uid: 300202, but class_uid*100+activity_id = 300201 [type_uid_mismatch]`}},
		{name: "type_uid of a huge activity_id", event: with(t, base3002, "activity_id", `12345678901234567890`, "type_uid", `12345678901234868090`),
			errs: []string{`activity_id: want integer_t (integer), got integer 12345678901234567890 [wrong_type]`, `type_uid: 12345678901234868090 is not defined (defined: 300200 Authentication: Unknown, 300201 Authentication: Logon, 300202 Authentication: Logoff, 300203 Authentication: Authentication Ticket, 300204 Authentication: Service Ticket Request, 300205 Authentication: Service Ticket Renew, 300299 Authentication: Other) [enum_value_unknown]`}},
		{name: "type_uid beyond the digits it adds up", event: with(t, base3002, "activity_id", "1"+strings.Repeat("0", 5000), "type_uid", "1"+strings.Repeat("0", 4994)+"300200"), goOnly: true,
			errs: []string{`activity_id: want integer_t (integer), got integer 100000000000000000000000000000000000000000000000000000000000… [wrong_type]`, `type_uid: want long_t (integer), got integer 100000000000000000000000000000000000000000000000000000000000… [wrong_type]`, `type_uid: 100000000000000000000000000000000000000000000000000000000000…, but class_uid*100+activity_id = 3002*100+100000000000000000000000000000000000000000000000000… [type_uid_mismatch]`}},
		{name: "category_uid", event: with(t, base3002, "category_uid", `4`),
			errs: []string{`category_uid: 4, but class 3002 is in category 3 [category_uid_mismatch]`}},
		{name: "class_uid -0 is 0", event: `{"class_uid": -0, "category_uid": 0, "activity_id": 0, "type_uid": 0, "severity_id": 1, "time": 1, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}}`},
		{name: "just_one", event: `{"class_uid": 3003, "category_uid": 3, "activity_id": 1, "type_uid": 300301, "severity_id": 1, "time": 1, "metadata": {"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}}, "user": {"uid": "u"}, "privileges": ["a"], "group": {"name": "g"}}`,
			errs: []string{`class authorize_session (3003) needs exactly one of privileges, group, has 2 [constraint_failed]`}},
		{name: "profile attribute", event: with(t, base3002, "api", `{"operation": "x"}`),
			errs: []string{`api: belongs to class authentication (3002) only with profile cloud, which metadata.profiles does not list [attribute_unknown]`}},
		{name: "profile listed makes its required attributes required", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["cloud"]}`),
			errs: []string{`cloud: missing; required by class authentication (3002) [required_missing]`}},
		{name: "all profiles allows without requiring", event: with(t, base3002, "api", `{"operation": "x"}`), opts: ValidatorOptions{AllProfiles: true}},
		{name: "unknown profile", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "profiles": ["hots", 3]}`),
			errs: []string{`metadata.profiles[0]: no profile "hots" in OCSF 1.1.0 [profile_unknown]`, `metadata.profiles[1]: want string_t (string), got integer 3 [wrong_type]`}},
		{name: "version mismatch", event: with(t, base3002, "metadata", `{"version": "1.8.0", "product": {"name": "P", "vendor_name": "V"}}`),
			opts:  ValidatorOptions{Version: V1_1_0},
			warns: []string{`metadata.version: event says "1.8.0", validated against 1.1.0 [version_mismatch]`}},
		{name: "deprecated attribute", event: with(t, base3002, "metadata", `{"version": "1.1.0", "product": {"name": "P", "vendor_name": "V"}, "extension": {"name": "e", "uid": "1", "version": "1"}}`),
			warns: []string{`metadata.extension: deprecated attribute [deprecated]`}},
		{name: "error promotes", event: with(t, base3002, "user", `{"uid": "u", "email_addr": "nope"}`), opts: ValidatorOptions{Error: []string{"regex_mismatch"}},
			errs: []string{`user.email_addr: "nope" does not match the email_t pattern [regex_mismatch]`}},
		{name: "warn demotes", event: with(t, base3002, "bogus", `1`), opts: ValidatorOptions{Warn: []string{"attribute_unknown"}},
			warns: []string{`bogus: not an attribute of class authentication (3002) [attribute_unknown]`}},
		{name: "error wins over warn", event: with(t, base3002, "bogus", `1`), opts: ValidatorOptions{Warn: []string{"attribute_unknown"}, Error: []string{"attribute_unknown"}},
			errs: []string{`bogus: not an attribute of class authentication (3002) [attribute_unknown]`}},
		{name: "unknown attributes in name order", event: with(t, base3002, "zz", `1`, "aa", `null`, "user", `{"uid": "u", "nick": "n"}`),
			errs: []string{`user.nick: not an attribute of object user [attribute_unknown]`, `aa: not an attribute of class authentication (3002) [attribute_unknown]`, `zz: not an attribute of class authentication (3002) [attribute_unknown]`}},
		{name: "recommended", event: `{"class_uid": 3003, "category_uid": 3, "activity_id": 1, "type_uid": 300301, "severity_id": 1, "status_id": 1, "time": 1, "timezone_offset": 0, "metadata": {"version": "1.1.0", "uid": "1", "log_name": "l", "log_provider": "p", "original_time": "t", "tenant_uid": "t", "product": {"name": "P", "uid": "1", "version": "1", "vendor_name": "V"}}, "user": {"uid": "u", "name": "n", "type_id": 1}, "group": {"name": "g"}, "session": {"uid": "s", "created_time": 1, "is_remote": false}}`,
			opts:  ValidatorOptions{WarnRecommended: true},
			warns: []string{`group.uid: missing; recommended by object group [recommended_missing]`, `message: missing; recommended by class authorize_session (3003) [recommended_missing]`, `privileges: missing; recommended by class authorize_session (3003) [recommended_missing]`, `session.issuer: missing; recommended by object session [recommended_missing]`}},
		{name: "class_name bogus", event: with(t, base3002, "class_name", `"Bogus"`),
			errs: []string{`class_name: "Bogus", want "Authentication", the caption of class_uid=3002 in OCSF 1.1.0 [caption_mismatch]`}},
		{name: "category_name bogus", event: with(t, base3002, "category_name", `"Bogus"`),
			errs: []string{`category_name: "Bogus", want "Identity & Access Management", the caption of category_uid=3 in OCSF 1.1.0 [caption_mismatch]`}},
		{name: "activity_name bogus", event: with(t, base3002, "activity_name", `"Bogus"`),
			errs:  []string{`activity_name: "Bogus", want "Logon", the caption of activity_id=1 in OCSF 1.1.0 [caption_mismatch]`},
			warns: []string{`activity_name: "Bogus", want "Logon", the caption of activity_id=1 [enum_sibling_mismatch]`}},
		{name: "type_name bogus", event: with(t, base3002, "type_name", `"Authentication: Logoff"`),
			errs:  []string{`type_name: "Authentication: Logoff", want "Authentication: Logon", the caption of type_uid=300201 in OCSF 1.1.0 [caption_mismatch]`},
			warns: []string{`type_name: "Authentication: Logoff", want "Authentication: Logon", the caption of type_uid=300201 [enum_sibling_mismatch]`}},
		{name: "captions right", event: with(t, base3002, "class_name", `"Authentication"`, "category_name", `"Identity & Access Management"`,
			"activity_name", `"Logon"`, "type_name", `"Authentication: Logon"`, "severity", `"Informational"`, "status_id", `1`, "status", `"Success"`)},
		{name: "captions of Other are the source's", event: with(t, base3002, "activity_id", `99`, "type_uid", `300299`, "activity_name", `"Sign in"`,
			"type_name", `"Authentication: Other"`, "severity_id", `99`, "severity", `"Sev 5"`, "status_id", `99`, "status", `"Partial"`)},
		{name: "captions skipped", event: with(t, base3002, "class_name", `"Bogus"`, "status_id", `1`, "status", `"Done"`), opts: ValidatorOptions{SkipCaptions: true},
			warns: []string{`status: "Done", want "Success", the caption of status_id=1 [enum_sibling_mismatch]`}},
		{name: "captions of 1.8.0", event: with(t, base3002, "metadata", `{"version": "1.8.0", "product": {"name": "P", "vendor_name": "V"}}`,
			"activity_id", `7`, "type_uid", `300207`, "activity_name", `"Account Switch"`, "type_name", `"Authentication: Account Switch"`)},
		{name: "1.8.0 activity against 1.1.0", event: with(t, base3002, "activity_id", `7`, "type_uid", `300207`),
			errs: []string{`activity_id: 7 is not defined (defined: 0 Unknown, 1 Logon, 2 Logoff, 3 Authentication Ticket, 4 Service Ticket Request, 5 Service Ticket Renew, 99 Other) [enum_value_unknown]`,
				`type_uid: 300207 is not defined (defined: 300200 Authentication: Unknown, 300201 Authentication: Logon, 300202 Authentication: Logoff, 300203 Authentication: Authentication Ticket, 300204 Authentication: Service Ticket Request, 300205 Authentication: Service Ticket Renew, 300299 Authentication: Other) [enum_value_unknown]`}},
		{name: "1.8.0 deprecated attribute", event: with(t, base3002, "metadata", `{"version": "1.8.0", "product": {"name": "P", "vendor_name": "V"}}`,
			"user", `{"uid": "u", "credential_uid": "k"}`),
			warns: []string{`user.credential_uid: deprecated attribute [deprecated]`}},
		{name: "quoting", event: with(t, base3002, "status_id", `1`, "status", `"it's \"x\"\n\u00e9\u0001"`),
			errs:  []string{`status: "it's \"x\"\né\x01", want "Success", the caption of status_id=1 in OCSF 1.1.0 [caption_mismatch]`},
			warns: []string{`status: "it's \"x\"\né\x01", want "Success", the caption of status_id=1 [enum_sibling_mismatch]`}},
		{name: "objects and numbers shown as JSON", event: with(t, base3002, "status_id", `1`, "status", `{"a": [1e16, 0.00001, true, null, "b"]}`),
			errs: []string{`status: want string_t (string), got object {"a":[1e16,0.00001,true,null,"b"]} [wrong_type]`,
				`status: {"a":[1e16,0.00001,true,null,"b"]}, want "Success", the caption of status_id=1 in OCSF 1.1.0 [caption_mismatch]`}, warns: []string{`status: {"a":[1e16,0.00001,true,null,"b"]}, want "Success", the caption of status_id=1 [enum_sibling_mismatch]`}},
		{name: "duplicate key: the last value counts", event: `{"class_uid": 3002, "bogus": 1, "class_uid": "x"}`,
			errs: []string{`class_uid: want an integer, got string "x" [wrong_type]`}},
		{name: "NaN is not JSON", event: strings.Replace(base3002, `"time"`, `"unmapped": {"x": NaN}, "time"`, 1),
			errs: []string{`not JSON: invalid character 'N' looking for beginning of value (at byte 114) [json_invalid]`}},
		{name: "Infinity is not JSON", event: `{"class_uid": 3002, "message": -Infinity}`,
			errs: []string{`not JSON: invalid character 'I' in numeric literal (at byte 33) [json_invalid]`}},
		{name: "not JSON", event: `{"class_uid": 3002,}`,
			errs: []string{`not JSON: invalid character '}' looking for beginning of object key string (at byte 20) [json_invalid]`}},
		{name: "data after the event", event: base3002 + ` {}`,
			errs: []string{`not JSON: data after the JSON value (at byte 245) [json_invalid]`}},
		{name: "not UTF-8", event: "{\"class_uid\": 3002, \"message\": \"\xff\"}", goOnly: true,
			errs: []string{`not JSON: not UTF-8 [json_invalid]`}},
		{name: "not an object", event: `"x"`,
			errs: []string{`the event is string, not a JSON object [json_invalid]`}},
		{name: "null event", event: `null`, goOnly: true,
			errs: []string{`the event is null, not a JSON object [json_invalid]`}},
		{name: "empty", event: ``, goOnly: true,
			errs: []string{`not JSON: no JSON value [json_invalid]`}},
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
	want := `ocsf: invalid event (class_uid 3002, uid "abc"): count: want integer_t (integer), got string "x" [wrong_type]; user: missing; required by class authentication (3002) [required_missing]`
	if err.Error() != want {
		t.Errorf("Error():\n got: %s\nwant: %s", err, want)
	}
	for _, tt := range []struct {
		event, want string
	}{
		{`{"class_uid": 9999}`, `ocsf: invalid event (class_uid 9999): class_uid: no class 9999 in OCSF 1.1.0 [class_uid_unknown]`},
		{`{"metadata": {"uid": "a\nb"}}`, `ocsf: invalid event (uid "a\nb"): class_uid: missing; every OCSF event needs one [required_missing]`},
		{`[]`, `ocsf: invalid event: the event is array, not a JSON object [json_invalid]`},
	} {
		if err := ValidateJSON([]byte(tt.event)); err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got: %v\nwant: %s", tt.event, err, tt.want)
		}
	}
	// warnings alone never fail
	if err := ValidateJSON([]byte(with(t, base3002, "service", `{"name": "S", "labels": ["x"], "uid": "1.2"}`, "metadata", `{"version": "1.0.0", "product": {"name": "P", "vendor_name": "V"}}`))); err != nil {
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
		{Issue{Code: "constraint_failed", Message: "m"}, "m [constraint_failed]"},
		{Issue{Code: "wrong_type", Path: "a.b[0]", Message: "m", Warning: true}, "a.b[0]: m [wrong_type]"},
	} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestShow(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{"it's \"x\"\n", `"it's \"x\"\n"`},
		{strings.Repeat("é", 61), `"` + strings.Repeat("é", 60) + `"…`},
		{strings.Repeat("é", 60), `"` + strings.Repeat("é", 60) + `"`},
		{json.Number("1.0"), "1.0"},
		{nil, "null"},
		{true, "true"},
		{[]any{"<&>", json.Number("1e400")}, `["<&>",1e400]`},
		{map[string]any{"a": strings.Repeat("é", 40)}, `{"a":"` + strings.Repeat("é", 27) + "…"}, // 60 bytes
	} {
		if got := show(tt.in); got != tt.want {
			t.Errorf("show(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestIntKey(t *testing.T) {
	for in, want := range map[any]string{json.Number("3002"): "3002", json.Number("-0"): "0", json.Number("-5"): "-5",
		json.Number("123456789012345678901234567890"): "123456789012345678901234567890"} {
		if got, ok := intKey(in); !ok || got != want {
			t.Errorf("intKey(%v) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []any{json.Number("1.0"), json.Number("1e2"), json.Number("1E2"), "1", true, nil} {
		if got, ok := intKey(in); ok {
			t.Errorf("intKey(%#v) = %q, true", in, got)
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
		if got := <-done; len(got) != 1 || !strings.HasPrefix(got[0], "count: want integer_t") {
			t.Errorf("got %v", got)
		}
	}
}
