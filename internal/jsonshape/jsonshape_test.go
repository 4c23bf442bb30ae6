package jsonshape

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

// pathOf returns the path of err's *auditclient.PathError, or fails.
func pathOf(t *testing.T, err error) string {
	t.Helper()
	var pe *auditclient.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not an *auditclient.PathError", err, err)
	}
	return pe.Path
}

func TestKind(t *testing.T) {
	for in, want := range map[string]string{
		"": "nothing", "  ": "nothing", `{}`: "an object", ` [1]`: "an array", `"x"`: "a string",
		`null`: "null", `true`: "a boolean", `false`: "a boolean", `-1.5`: "a number", `7`: "a number",
	} {
		if got := Kind([]byte(in)); got != want {
			t.Errorf("Kind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRebase(t *testing.T) {
	inner := errors.New("bad")
	err := Rebase(&auditclient.PathError{Path: "$.eventTime", Err: inner}, "$.items[3]")
	if p := pathOf(t, err); p != "$.items[3].eventTime" {
		t.Errorf("path %q, want $.items[3].eventTime", p)
	}
	if !errors.Is(err, inner) {
		t.Errorf("%v does not wrap the inner error", err)
	}
	err = Rebase(fmt.Errorf("wrapped: %w", &auditclient.PathError{Path: "$", Err: inner}), "$.data")
	if p := pathOf(t, err); p != "$.data" {
		t.Errorf("path %q, want $.data", p)
	}
	err = Rebase(inner, "$.x")
	if p := pathOf(t, err); p != "$.x" || !errors.Is(err, inner) {
		t.Errorf("path %q (wraps: %v), want $.x wrapping the error", p, errors.Is(err, inner))
	}
}

func TestMembers(t *testing.T) {
	var keys []string
	err := Members([]byte(` {"a":1,"b":[2]} `), "$.m", func(k string, v []byte) error {
		keys = append(keys, k+"="+string(v))
		return nil
	})
	if err != nil || strings.Join(keys, ",") != "a=1,b=[2]" {
		t.Fatalf("Members: %v, %q", err, keys)
	}
	for in, want := range map[string]string{
		`[]`: "want an object, got an array", `null`: "want an object, got null", ``: "want an object, got nothing",
		`{"a":`: "not a JSON object",
	} {
		err := Members([]byte(in), "$.m", func(string, []byte) error { return nil })
		if p := pathOf(t, err); p != "$.m" || !strings.Contains(err.Error(), want) {
			t.Errorf("Members(%q) = %v at %q, want %q at $.m", in, err, p, want)
		}
	}
	stop := errors.New("stop")
	if err := Members([]byte(`{"a":1}`), "$", func(string, []byte) error { return stop }); err != stop {
		t.Errorf("fn's error came back as %v, want it as it is", err)
	}
}

func TestElements(t *testing.T) {
	var got []string
	err := Elements([]byte(`[1, "x", {}]`), "$.e", func(i int, v []byte) error {
		got = append(got, fmt.Sprintf("%d:%s", i, v))
		return nil
	})
	if err != nil || strings.Join(got, ",") != `0:1,1:"x",2:{}` {
		t.Fatalf("Elements: %v, %q", err, got)
	}
	for in, want := range map[string]string{
		`{}`: "want an array, got an object", `null`: "want an array, got null", `"a"`: "want an array, got a string",
		`[1,`: "not a JSON array",
	} {
		err := Elements([]byte(in), "$.e", func(int, []byte) error { return nil })
		if p := pathOf(t, err); p != "$.e" || !strings.Contains(err.Error(), want) {
			t.Errorf("Elements(%q) = %v at %q, want %q at $.e", in, err, p, want)
		}
	}
}

// rec is a record that decodes itself and names its own field's path.
type rec struct{ N string }

func (r *rec) UnmarshalJSON(b []byte) error {
	return Members(b, "$", func(k string, v []byte) error {
		if k != "n" {
			return nil
		}
		var err error
		r.N, err = OptString(v, "$.n")
		return err
	})
}

func TestRecords(t *testing.T) {
	got, err := Records[rec]([]byte(`[{"n":"a"},{"n":null},{}]`), "$.data.items")
	if err != nil || len(got) != 3 || got[0].N != "a" || got[1].N != "" || got[2].N != "" {
		t.Fatalf("Records = %+v, %v", got, err)
	}
	got, err = Records[rec]([]byte(`[]`), "$.items")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Records of [] = %#v, %v; want an empty, non-nil slice", got, err)
	}
	for in, want := range map[string]string{
		`{}`:                    "$.items",
		`null`:                  "$.items",
		`[{"n":"a"},{"n":7}]`:   "$.items[1].n",
		`[{"n":"a"},3]`:         "$.items[1]",
		`[{"n":"a"},{"n":"b"},`: "$.items",
	} {
		_, err := Records[rec]([]byte(in), "$.items")
		if p := pathOf(t, err); p != want {
			t.Errorf("Records(%s): %v at %q, want the path %q", in, err, p, want)
		}
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[string]int{`0`: 0, ` 42 `: 42} {
		if n, err := Count([]byte(in), "$.total"); err != nil || n != want {
			t.Errorf("Count(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for in, want := range map[string]string{
		`-1`: "got -1", `1.5`: "got 1.5", `"12"`: "got a string", `null`: "got null", `{}`: "got an object",
		`99999999999999999999999`: "got 9999",
	} {
		_, err := Count([]byte(in), "$.total")
		if p := pathOf(t, err); p != "$.total" || !strings.Contains(err.Error(), "want a non-negative integer, "+want) {
			t.Errorf("Count(%q) = %v at %q, want %q", in, err, p, want)
		}
	}
}

func TestOptString(t *testing.T) {
	for in, want := range map[string]string{`"a\"b"`: `a"b`, `null`: "", ` null `: "", `""`: ""} {
		if s, err := OptString([]byte(in), "$.next"); err != nil || s != want {
			t.Errorf("OptString(%q) = %q, %v; want %q", in, s, err, want)
		}
	}
	for _, in := range []string{`1`, `{}`, `[]`, `true`} {
		_, err := OptString([]byte(in), "$.next")
		if p := pathOf(t, err); p != "$.next" || !strings.Contains(err.Error(), "want a string or null") {
			t.Errorf("OptString(%q) = %v at %q", in, err, p)
		}
	}
}
