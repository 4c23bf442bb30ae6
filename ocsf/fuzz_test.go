package ocsf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// FuzzAddObservables: whatever JSON the source's unmapped fields hold,
// AddObservables never panics, every observable it adds is valid (a known
// type id with its caption, a name under unmapped, a value), the event
// stays valid, and a second call adds nothing.
func FuzzAddObservables(f *testing.F) {
	for _, s := range []string{`{}`, `{"ip":"10.0.0.1"}`, `{"a":{"b":[{"host":"x.example.com"},"::1",1,null,true]}}`,
		`{"u":"https://h.example/p","e":"a@b.example","v":"1.2.3.4","version":"1.2.3.4"}`, `{"":[[[[["192.0.2.1:80"]]]]]}`,
		`{"src_endpoint":"x","h":"` + strings.Repeat("a.", 200) + `com"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var um map[string]any
		if json.Unmarshal(data, &um) != nil {
			return
		}
		ev := New(ClassEntityManagement, EntityManagementUpdate, time.UnixMilli(1718213009419))
		ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
		ev.Entity = &ManagedEntity{UID: "e"}
		ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.1"}
		ev.Unmapped = um
		AddObservables(&ev)
		n := len(ev.Observables)
		if n == 0 {
			t.Fatal("no observable for src_endpoint.ip")
		}
		for _, o := range ev.Observables {
			if o.Value == "" || o.Name == "" || ObservableCaption(o.TypeID) != o.Type || o.TypeID == ObservableUnknown {
				t.Fatalf("bad observable %+v", o)
			}
			if o.Name != "entity.uid" && !strings.HasPrefix(o.Name, "unmapped.") {
				t.Fatalf("observable %+v not under unmapped", o)
			}
		}
		AddObservables(&ev)
		if len(ev.Observables) != n {
			t.Fatalf("second call added %d", len(ev.Observables)-n)
		}
		out, err := ev.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if errs, _ := NewValidator(ValidatorOptions{}).Check(out); len(errs) > 0 {
			t.Fatalf("invalid: %v\n%s", errs, out)
		}
	})
}
