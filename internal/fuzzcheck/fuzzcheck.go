// Package fuzzcheck holds what every vendor's fuzz targets check of a body
// and of the events mapped from it, so that each target says only what is
// its vendor's own: how to decode a page and how to map a record.
package fuzzcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

// Marshal is json.Marshal without HTML escaping, which would change the
// bytes of a record's Raw (and so the digest some uids are).
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Decode decodes a response body the way auditclient does: one JSON value
// through a json.Decoder, and nothing after it.
func Decode(body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value: %v", err)
	}
	return nil
}

// SkipKnownVar, when set, makes Known true for the failures a target lists
// as found and reported but not fixed yet, so that a fuzzing run passes
// over them to look for others. By default they fail like any other.
const SkipKnownVar = "AUDITKIT_FUZZ_SKIP_KNOWN"

// Known reports whether err is one of the known failures and SkipKnownVar
// is set.
func Known(err error, known ...string) bool {
	if err == nil || os.Getenv(SkipKnownVar) == "" {
		return false
	}
	for _, s := range known {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// Event holds for every event of a record that decoded: it has a time (no
// event built from zero values), it marshals to JSON, mapping the same
// record again gives the same event (again), and it passes ocsf.Validate
// (for times OCSF's epoch milliseconds can hold comfortably). known lists
// Validate failures reported but not fixed yet (see Known).
func Event(t testing.TB, raw []byte, ev, again ocsf.Event, known ...string) {
	t.Helper()
	if ev.Time.IsZero() {
		t.Fatalf("event with a zero time from %s", raw)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal event of %s: %v", raw, err)
	}
	if !json.Valid(b) {
		t.Fatalf("event of %s marshals to invalid JSON: %s", raw, b)
	}
	b2, err := json.Marshal(again)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("ToOCSF is not pure for %s:\n%s\n%s", raw, b, b2)
	}
	if y := ev.Time.Year(); y >= 1971 && y <= 9000 {
		if err := ocsf.Validate(ev); err != nil && !Known(err, known...) {
			t.Fatalf("invalid event from %s: %v\n%s", raw, err, b)
		}
	}
}

// Record says how Records reads a vendor's record type R.
type Record[R any] struct {
	Time   func(R) time.Time  // the event time
	Raw    func(R) []byte     // the record as sent
	UID    func(*R) string    // the uid the walk keys it by
	ToOCSF func(R) ocsf.Event // the vendor's mapping
	// Alone, when set, gives a record decoded on its own what its page
	// gave it (Tanium's object) before its uid is compared.
	Alone func(*R)
}

// Records holds for every record of a page that decoded: it has a time (a
// record is never built from zero values), it marshals and decodes alone
// from its own JSON with the same uid, and its event passes Event.
func Records[R any](t testing.TB, recs []R, how Record[R]) {
	t.Helper()
	for i, r := range recs {
		if how.Time(r).IsZero() {
			t.Fatalf("record %d decoded with a zero time: %s", i, how.Raw(r))
		}
		b, err := Marshal(r)
		if err != nil {
			t.Fatalf("marshal record %d: %v", i, err)
		}
		var alone R
		if err := json.Unmarshal(b, &alone); err != nil {
			t.Fatalf("record %d does not decode alone from %s: %v", i, b, err)
		}
		if how.Alone != nil {
			how.Alone(&alone)
		}
		if u, ua := how.UID(&r), how.UID(&alone); u != ua {
			t.Fatalf("record %d: uid %q, alone %q", i, u, ua)
		}
		Event(t, how.Raw(r), how.ToOCSF(r), how.ToOCSF(r))
	}
}
