package ocsf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// knownCodes are the issue codes of validate.py and the Go validator.
var knownCodes = map[string]bool{
	"required_missing": true, "recommended_missing": true, "attribute_unknown": true, "wrong_type": true,
	"max_len": true, "range": true, "value_not_allowed": true, "regex_mismatch": true,
	"enum_value_unknown": true, "enum_sibling_mismatch": true, "enum_sibling_other_suspicious": true,
	"type_uid_mismatch": true, "category_uid_mismatch": true, "constraint_failed": true,
	"constraint_unknown": true, "class_uid_unknown": true, "profile_unknown": true, "deprecated": true,
	"version_mismatch": true, "schema_bug": true, "json_invalid": true, "caption_mismatch": true,
}

// FuzzCheck: Check never panics, and its results are well formed. Under
// plain "go test" only the seed corpus (the sample lines) runs.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ndjson")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f.Add([]byte(line))
		}
	}
	for _, s := range []string{"", "null", "[]", "{}", `{"class_uid": 3002, "metadata": {"profiles": ["host", 1]}}`,
		`{"class_uid": 1e999}`, `{"class_uid": 3002, "type_uid": 99999999999999999999999, "activity_id": -5}`,
		`{"class_uid": 3002, "user": {"groups": [{"privileges": [1]}]}}`, `"\ud800"`, "\xff", `{"class_uid": 3002, "x": NaN}`, "{} {}",
		`{"class_uid": 3002, "activity_id": 1` + strings.Repeat("0", 5000) + `, "type_uid": 3` + strings.Repeat("0", 5000) + `}`} {
		f.Add([]byte(s))
	}
	plain := NewValidator(ValidatorOptions{})
	all := NewValidator(ValidatorOptions{TypeUIDWarning: true, AllProfiles: true, WarnRecommended: true,
		Warn: []string{"wrong_type"}, Error: []string{"deprecated"}})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []*Validator{plain, all} {
			errs, warns := v.Check(data)
			for _, is := range errs {
				if is.Warning || !knownCodes[is.Code] {
					t.Fatalf("bad error %+v", is)
				}
			}
			for _, is := range warns {
				if !is.Warning || !knownCodes[is.Code] {
					t.Fatalf("bad warning %+v", is)
				}
			}
			err := v.ValidateJSON(data)
			if (err == nil) != (len(errs) == 0) {
				t.Fatalf("ValidateJSON %v, Check errors %v", err, errs)
			}
		}
	})
}
