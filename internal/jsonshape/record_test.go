package jsonshape

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
)

func TestObjectErr(t *testing.T) {
	if err := ObjectErr(nil, "v: record", []byte(`{}`), 40); err != nil {
		t.Errorf("nil: %v", err)
	}
	other := errors.New("from fn")
	if err := ObjectErr(other, "v: record", []byte(`{}`), 40); err != other {
		t.Errorf("another error: %v, want it as it is", err)
	}
	data := []byte(`["` + strings.Repeat("x", 70) + `"]`)
	err := jsonscan.Members(data, func(string, []byte) error { return nil })
	err = ObjectErr(err, "v: audit event", data, 10)
	if p := pathOf(t, err); p != "$" {
		t.Errorf("path %q, want $", p)
	}
	if want := `v: audit event is not a JSON object: ["xxxxxxxx…`; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q, want it to end in %q", err, want)
	}
}

func TestRequiredTime(t *testing.T) {
	r := RequiredTime{Path: "$.at", Parse: func(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) },
		Missing: "v: record %s has no at", Bad: "v: record %s: at %q is not a time"}
	got, err := r.Read("2024-06-18T10:00:00Z", "r1")
	if err != nil || !got.Equal(time.Date(2024, 6, 18, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("Read: %v, %v", got, err)
	}
	for s, want := range map[string]string{
		"":      "v: record r1 has no at",
		"never": `v: record r1: at "never" is not a time`,
	} {
		got, err := r.Read(s, "r1")
		if err == nil || !got.IsZero() {
			t.Errorf("Read(%q) = %v, %v; want an error", s, got, err)
			continue
		}
		if p := pathOf(t, err); p != "$.at" || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("Read(%q): %q at %s, want %q at $.at", s, err, p, want)
		}
	}
}

func TestKeepExtra(t *testing.T) {
	var extra map[string]json.RawMessage
	KeepExtra(&extra, "a", []byte(`1`))
	KeepExtra(&extra, "b", []byte(`{"x":null}`))
	KeepExtra(&extra, "a", []byte(`[2]`))
	if len(extra) != 2 || string(extra["a"]) != `[2]` || string(extra["b"]) != `{"x":null}` {
		t.Errorf("extra = %s, want a=[2] (the last value) and b", extra)
	}
}

func TestMarshalObject(t *testing.T) {
	b, err := MarshalObject(map[string]any{"a": 1, "b": "x"}, map[string]json.RawMessage{"b": json.RawMessage(`[2]`), "c": json.RawMessage(`null`)})
	if want := `{"a":1,"b":[2],"c":null}`; err != nil || string(b) != want {
		t.Errorf("MarshalObject = %s, %v; want %s", b, err, want)
	}
	if b, err := MarshalObject(map[string]any{}, nil); err != nil || string(b) != `{}` {
		t.Errorf("MarshalObject of nothing = %s, %v", b, err)
	}
}

func TestDigest(t *testing.T) {
	sum := sha256.Sum256([]byte("abc"))
	if got, want := Digest([]byte("abc")), hex.EncodeToString(sum[:16]); got != want || len(got) != 32 {
		t.Errorf("Digest = %q, want %q", got, want)
	}
	if Digest([]byte("abc")) == Digest([]byte("abd")) {
		t.Error("Digest does not tell contents apart")
	}
}

func TestDigestJSON(t *testing.T) {
	compact := DigestJSON([]byte(`{"a":1,"b":[1,2]}`))
	if want := "sha256:" + Digest([]byte(`{"a":1,"b":[1,2]}`)); compact != want {
		t.Errorf("DigestJSON = %q, want %q", compact, want)
	}
	if got := DigestJSON([]byte(" {\n \"a\": 1, \"b\": [1, 2]\n}\n")); got != compact {
		t.Errorf("indented JSON: %q, want %q (insignificant space removed)", got, compact)
	}
	if got, want := DigestJSON([]byte(`{"a":`)), "sha256:"+Digest([]byte(`{"a":`)); got != want {
		t.Errorf("invalid JSON: %q, want the digest of it as it is, %q", got, want)
	}
}
