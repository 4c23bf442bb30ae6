package collector_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// A record's JSON is the CLI's line (json.Encoder, HTML not escaped, no
// newline), and its class the one that JSON carries: a group created is
// Entity Management in OCSF 1.1.0, so a Security Lake output files it
// under 3004, not 3006.
func TestNewRecord(t *testing.T) {
	ev := ocsf.New(ocsf.ClassGroupManagement, ocsf.GroupManagementCreate, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	ev.Metadata.UID = "evt-1"
	ev.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "R&D <lab>"}
	ev.Group = &ocsf.Group{UID: "g-1", Name: "ops"}
	rec, err := collector.NewRecord(ev)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.JSON); got != strings.TrimSuffix(want.String(), "\n") {
		t.Errorf("JSON:\n got %s\nwant %s", got, want.String())
	}
	if rec.Class != ocsf.ClassEntityManagement || !strings.Contains(string(rec.JSON), `"class_uid":3004`) {
		t.Errorf("Class = %d, JSON %s; want 3004 in both", rec.Class, rec.JSON)
	}
	if rec.UID != "evt-1" || !rec.Time.Equal(ev.Time) {
		t.Errorf("UID %q, Time %v", rec.UID, rec.Time)
	}
	again, _ := collector.NewRecord(ev)
	again.JSON[0] = 'X'
	if rec.JSON[0] != '{' {
		t.Error("two records share one buffer")
	}
}
