package ocsf

import (
	"encoding/json"
	"testing"
)

// benchEvent is the JSON of a typical valid audit event (3002 Authentication).
func benchEvent(b *testing.B) (Event, []byte) {
	e := validEvents()[1]
	data, err := json.Marshal(e)
	if err != nil {
		b.Fatal(err)
	}
	if err := ValidateJSON(data); err != nil {
		b.Fatal(err)
	}
	return e, data
}

// BenchmarkValidate checks the event's JSON ("json") and marshals and checks
// the Event ("event"); compare with BenchmarkUnmarshalBaseline.
func BenchmarkValidate(b *testing.B) {
	e, data := benchEvent(b)
	v := NewValidator(ValidatorOptions{})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if errs, _ := v.Check(data); len(errs) != 0 {
				b.Fatal(errs)
			}
		}
	})
	b.Run("event", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := v.Validate(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUnmarshalBaseline is plain json.Unmarshal of the same event into
// map[string]any: the floor any validator that reads JSON has to pay.
func BenchmarkUnmarshalBaseline(b *testing.B) {
	_, data := benchEvent(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadSchema is the one-time cost of parsing the embedded schema.
func BenchmarkLoadSchema(b *testing.B) {
	for b.Loop() {
		if _, err := loadSchema([]byte(schemaJSON)); err != nil {
			b.Fatal(err)
		}
	}
}
