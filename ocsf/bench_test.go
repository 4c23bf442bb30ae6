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

// BenchmarkLoadSchema180 is the one-time cost of parsing the embedded 1.8.0
// schema (parsed only when a 1.8.0 event is written or validated).
func BenchmarkLoadSchema180(b *testing.B) {
	for b.Loop() {
		if _, err := loadSchema([]byte(schema180JSON)); err != nil {
			b.Fatal(err)
		}
	}
}

// obsBenchEvent is an Entity Management event with an endpoint, an actor,
// an entity and a few unmapped fields, as the vendors map them.
func obsBenchEvent() Event {
	ev := New(ClassEntityManagement, EntityManagementUpdate, obsTime)
	ev.Metadata.Product = Product{Name: "P", VendorName: "V"}
	ev.Actor = &Actor{User: &User{UID: "u-1", Name: "alice", EmailAddr: "alice@example.com"}}
	ev.AddProfile("host")
	ev.Entity = &ManagedEntity{UID: "policy-7", Name: "Patch policy"}
	ev.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.10"}
	ev.Unmapped = map[string]any{"request_id": "9f8896c3-e042-42de-ae41-eaef8a2a667b", "target": map[string]any{
		"hostname": "db01.example.com", "ip": "10.1.2.3", "os": "Ubuntu 22.04", "tags": []any{"prod", "db"}}}
	return ev
}

// BenchmarkAddObservables is the cost AddObservables adds to each mapping.
func BenchmarkAddObservables(b *testing.B) {
	ev := obsBenchEvent()
	b.ReportAllocs()
	for b.Loop() {
		e := ev
		e.Observables = nil
		AddObservables(&e)
		if len(e.Observables) != 6 {
			b.Fatal(e.Observables)
		}
	}
}

// BenchmarkMarshalVersions writes the same event in 1.1.0 (src_endpoint
// moved under unmapped) and 1.8.0.
func BenchmarkMarshalVersions(b *testing.B) {
	for _, v := range Versions() {
		ev := obsBenchEvent()
		AddObservables(&ev)
		if err := ev.SetVersion(v); err != nil {
			b.Fatal(err)
		}
		b.Run(v, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ev.MarshalJSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
