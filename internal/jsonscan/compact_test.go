package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

var compactCases = []string{
	`{}`, `[]`, ` { "a" : [ 1 , -2.5e+10 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9" ] } `,
	`"<&>\u2028"`, "\"caf\xc3\xa9\"", `0`, `-0`, `1.0E-3`, `{"a":{"b":{"c":[]}}}`, "\t\n\r 7 \n",
	`{"a":1,}`, `[1,]`, `01`, `1.`, `.5`, `-`, `+1`, `1e`, `"\x"`, `"\u12g4"`, "\"a\x01\"", `tru`, `nul`, `{"a"}`,
	`{"a":1 "b":2}`, `[1 2]`, `{1:2}`, ``, ` `, `1 2`, `{"a":1}x`, `"abc`, `[`, `{"a":`, `"\`, "\"\x7f\xff\"",
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

// check compares AppendCompact with encoding/json.Compact: the same
// verdict, the same output, dst kept.
func check(t *testing.T, src []byte) {
	var want bytes.Buffer
	wantErr := json.Compact(&want, src)
	got, err := AppendCompact([]byte("prefix"), src)
	switch {
	case (err != nil) != (wantErr != nil):
		t.Fatalf("AppendCompact(%q) error %v, encoding/json's %v", src, err, wantErr)
	case err != nil && (!errors.Is(err, ErrSyntax) || string(got) != "prefix"):
		t.Fatalf("AppendCompact(%q) = %q, %v: want dst unchanged and an error wrapping ErrSyntax", src, got, err)
	case err == nil && string(got) != "prefix"+want.String():
		t.Fatalf("AppendCompact(%q) = %q, encoding/json's %q", src, got[len("prefix"):], want.String())
	}
	if fromString, err2 := AppendCompact([]byte("prefix"), string(src)); !bytes.Equal(fromString, got) || (err2 == nil) != (err == nil) {
		t.Fatalf("AppendCompact of the string %q = %q, %v; of the bytes %q, %v", src, fromString, err2, got, err)
	}
}

func TestAppendCompactAsEncodingJSON(t *testing.T) {
	for _, c := range compactCases {
		check(t, []byte(c))
	}
}

func FuzzAppendCompact(f *testing.F) {
	for _, c := range compactCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) { check(t, src) })
}

func BenchmarkAppendCompact(b *testing.B) {
	src := []byte(` {"id": "5f0c", "time": 1718798400000, "actor": {"name": "Zoë <admin> & co", "uid": 42},
		"tags": ["a", "b", "c"], "ok": true, "ratio": -1.5e3, "nested": {"x": [1, 2, {"y": null}]}} `)
	b.Run("jsonscan", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst, _ = AppendCompact(dst[:0], src)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = json.Compact(&buf, src)
		}
	})
}
