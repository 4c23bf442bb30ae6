package fuzzcheck

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatalf(f string, args ...any) {
	if r.msg == "" {
		r.msg = f
	}
}

func TestMarshalAndDecode(t *testing.T) {
	b, err := Marshal(map[string]string{"a": "<b>"})
	if err != nil || string(b) != `{"a":"<b>"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var v map[string]any
	if err := Decode([]byte(`{"a":1} `), &v); err != nil {
		t.Errorf("Decode: %v", err)
	}
	if err := Decode([]byte(`{"a":1} {}`), &v); err == nil {
		t.Error("Decode accepted data after the value")
	}
}

func TestKnown(t *testing.T) {
	err := errors.New("api.operation: required by object api")
	t.Setenv(SkipKnownVar, "")
	if Known(err, "api.operation") {
		t.Error("Known without the variable")
	}
	t.Setenv(SkipKnownVar, "1")
	if !Known(err, "api.operation") || Known(err, "other") || Known(nil, "x") {
		t.Error("Known with the variable")
	}
}

func TestEvent(t *testing.T) {
	good := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC))
	good.Entity = &ocsf.ManagedEntity{Name: "x"}
	good.Metadata.Product = ocsf.Product{Name: "p", VendorName: "v"}
	r := &fatalRecorder{}
	Event(r, nil, good, good)
	if r.msg != "" {
		t.Errorf("a good event failed: %s", r.msg)
	}
	for name, tt := range map[string]struct{ ev, again ocsf.Event }{
		"zero time":    {ocsf.Event{}, ocsf.Event{}},
		"not pure":     {good, ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementCreate, good.Time)},
		"invalid OCSF": {ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, good.Time), ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, good.Time)},
	} {
		r := &fatalRecorder{}
		Event(r, []byte("{}"), tt.ev, tt.again)
		if r.msg == "" || !strings.Contains(r.msg, "%") {
			t.Errorf("%s: not reported", name)
		}
	}
}

type rec struct {
	T   time.Time `json:"t"`
	ID  string    `json:"id"`
	raw []byte
}

func TestRecords(t *testing.T) {
	at := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	how := Record[rec]{
		Time: func(r rec) time.Time { return r.T },
		Raw:  func(r rec) []byte { return r.raw },
		UID:  func(r *rec) string { return r.ID },
		ToOCSF: func(r rec) ocsf.Event {
			ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, r.T)
			ev.Entity = &ocsf.ManagedEntity{Name: r.ID}
			ev.Metadata.Product = ocsf.Product{Name: "p", VendorName: "v"}
			return ev
		},
	}
	r := &fatalRecorder{}
	Records(r, []rec{{T: at, ID: "a"}}, how)
	if r.msg != "" {
		t.Errorf("a good record failed: %s", r.msg)
	}
	r = &fatalRecorder{}
	Records(r, []rec{{ID: "a"}}, how)
	if !strings.Contains(r.msg, "zero time") {
		t.Errorf("a record with a zero time: %q", r.msg)
	}
	how.Alone = func(x *rec) { x.ID = "other" }
	r = &fatalRecorder{}
	Records(r, []rec{{T: at, ID: "a"}}, how)
	if !strings.Contains(r.msg, "alone") {
		t.Errorf("a uid that changes alone: %q", r.msg)
	}
}
