package audittest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestAppendJSONMatchesEncodingJSON: the fast encoder writes what
// encoding/json writes with HTML escaping off.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	strs := []string{
		"", "plain", `quote " and \ backslash`, "R&D <Lab> > x", "tab\tnew\nline\rret",
		"ctl \x00\x01\x1f\x7f", "Zürich Büro ✓ 😀", "bad utf8 \xff\xfe end", "\u2028\u2029",
		`C:\Program Files\x\*.exe`,
	}
	for _, s := range strs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := appendString(nil, s)
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%q: got %s, want %s", s, got, want.Bytes())
		}
	}
	o := object{
		{"s", "a&b"}, {"n", 42}, {"i64", int64(-7)}, {"b", true}, {"null", nil},
		{"obj", object{{"z", 1}, {"a", 2}}}, {"empty", object{}},
		{"arr", []any{"x", 1, nil, object{{"k", "v"}}}}, {"strs", []string{"p", "q"}},
		{"raw", json.RawMessage(`{"r":[1,2]}`)}, {"float", 1.5}, {"map", map[string]int{"m": 1}},
	}
	got, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"s":"a&b","n":42,"i64":-7,"b":true,"null":null,"obj":{"z":1,"a":2},"empty":{},"arr":["x",1,null,{"k":"v"}],"strs":["p","q"],"raw":{"r":[1,2]},"float":1.5,"map":{"m":1}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := (object{{"bad", json.RawMessage(`{`)}}).MarshalJSON(); err == nil {
		t.Error("invalid raw JSON encoded without error")
	}
	if got := mustJSON(object{{"bad", json.RawMessage(`{`)}}); string(got) != "null" {
		t.Errorf("mustJSON of an unencodable value: %s", got)
	}
	if got := mustJSON(object{{"ch", make(chan int)}}); string(got) != "null" {
		t.Errorf("mustJSON of a channel: %s", got)
	}
}
