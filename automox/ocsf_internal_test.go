package automox

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
)

// knownValid, which spares the validator for the shapes Automox documents,
// never changes ToOCSF's result: with and without it, every event (the
// generated data set, the document's examples, and those with each member
// replaced by odd values) maps to the same, valid, event; ToOCSF never
// panics.
func TestKnownValidShortcutIsExact(t *testing.T) {
	end := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	raws := append(audittest.GenerateAutomoxEvents(60, 6, end), audittest.GenerateAutomoxEvents(6, 4, end)...)
	for _, name := range audittest.AutomoxDocEventNames() {
		var arr []json.RawMessage
		if err := json.Unmarshal(audittest.AutomoxDocExamples()[name], &arr); err != nil {
			t.Fatal(err)
		}
		raws = append(raws, arr...)
	}
	odd := []string{`null`, `""`, `7`, `"x"`, `{}`, `[{}]`, `{"uid":"u","type_id":9}`, `{"user":{"name":"n","type_id":2,"account":{"uid":"a","type_id":77}}}`,
		`{"user":{"uid":"u"},"session":{"uid":"s"}}`, `[{"uid":"w","labels":["l"]}]`, `{"uid":"e","data":{"k":[1]}}`, `12`, `1`, `99`,
		`{"product":{"vendor_name":"Automox","uid":"p"},"profiles":["host"]}`, `{"version":"1.1.0","product":{"name":"X","vendor_name":"V","lang":"en"},"labels":["a"]}`,
		`0`, `-1`, `99999999999`, `[]`, `{"uid":5}`, `{"type_id":77,"uid":"u"}`, `true`, `[1,"a",null]`, `{"user":{"type_id":3,"name":"n"}}`}
	var events []AuditEvent
	for i, raw := range raws {
		var e AuditEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
		if i%25 != 0 && i < 60 {
			continue // every 25th of the first set, all of the rest
		}
		var obj map[string]json.RawMessage
		_ = json.Unmarshal(raw, &obj)
		for k := range obj {
			for _, v := range odd {
				m := map[string]json.RawMessage{}
				for kk, vv := range obj {
					m[kk] = vv
				}
				m[k] = json.RawMessage(v)
				b, _ := json.Marshal(m)
				var e AuditEvent
				if json.Unmarshal(b, &e) == nil {
					events = append(events, e)
				}
			}
		}
	}
	known := 0
	for _, e := range events {
		fast, shortcut := toOCSF(e, true)
		slow, _ := toOCSF(e, false)
		if !reflect.DeepEqual(fast, slow) {
			f, _ := json.Marshal(fast)
			s, _ := json.Marshal(slow)
			t.Fatalf("the shortcut changed the result of %s:\n%s\n%s", e.Raw, f, s)
		}
		if err := ocsf.Validate(fast); err != nil {
			t.Fatalf("%s: %v", e.Raw, err)
		}
		if shortcut {
			known++
		}
	}
	t.Logf("%d events compared, %d of them known valid without the validator", len(events), known)
	if known < len(raws)*9/10 || known == len(events) {
		t.Errorf("the shortcut served %d of %d events; want most of the %d unmutated ones, not all", known, len(events), len(raws))
	}
}
