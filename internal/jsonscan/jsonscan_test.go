package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

type member struct{ key, val string }

func TestMembers(t *testing.T) {
	tests := []struct {
		in   string
		want []member
		err  error
	}{
		{`{}`, nil, nil},
		{` { } `, nil, nil},
		{`{"a":1}`, []member{{"a", "1"}}, nil},
		{"{ \"a\" :\t\"x\" ,\n\"b\":[1,{\"c\":\"]\"}] , \"c\":{\"d\":null},\"e\":true}",
			[]member{{"a", `"x"`}, {"b", `[1,{"c":"]"}]`}, {"c", `{"d":null}`}, {"e", "true"}}, nil},
		{`{"a\"b":"q\"}","\u00e9":-1.5e3}`, []member{{`a"b`, `"q\"}"`}, {"é", "-1.5e3"}}, nil},
		{``, nil, ErrSyntax},
		{`[]`, nil, ErrSyntax},
		{`{`, nil, ErrSyntax},
		{`{"a"}`, nil, ErrSyntax},
		{`{"a":}`, nil, ErrSyntax},
		{`{"a":1`, nil, ErrSyntax},
		{`{"a":1 "b":2}`, nil, ErrSyntax},
		{`{a:1}`, nil, ErrSyntax},
		{`{"a":"x}`, nil, ErrSyntax},
		{`{"a":{"b":1}`, nil, ErrSyntax},
		{`{"a\x":1}`, nil, ErrSyntax},
		{`{"a":1,}`, nil, ErrSyntax},
	}
	for _, tt := range tests {
		var got []member
		err := Members([]byte(tt.in), func(k string, v []byte) error {
			got = append(got, member{k, string(v)})
			return nil
		})
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("Members(%q) error = %v, want %v", tt.in, err, tt.err)
		}
		if tt.err == nil && fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Members(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMembersStopsAtCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Members([]byte(`{"a":1,"b":2,"c":3}`), func(k string, _ []byte) error {
		n++
		if k == "b" {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("err = %v after %d members, want stop after 2", err, n)
	}
}

// A key without escapes is a subslice of the input: no copy.
func TestRawMembersKeyAliasesInput(t *testing.T) {
	data := []byte(`{"plain":1,"esc\"aped":2}`)
	var keys []string
	err := RawMembers(data, func(k, _ []byte) error {
		keys = append(keys, string(k))
		if string(k) == "plain" && &k[0] != &data[2] {
			t.Error("unescaped key is a copy")
		}
		return nil
	})
	if err != nil || strings.Join(keys, ",") != `plain,esc"aped` {
		t.Errorf("keys %q, %v", keys, err)
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  error
	}{
		{`[]`, nil, nil},
		{` [ ] `, nil, nil},
		{`[1, "a,b" ,{"x":[2]},[],null]`, []string{"1", `"a,b"`, `{"x":[2]}`, `[]`, "null"}, nil},
		{``, nil, ErrSyntax},
		{`{}`, nil, ErrSyntax},
		{`[`, nil, ErrSyntax},
		{`[1`, nil, ErrSyntax},
		{`[1 2]`, nil, ErrSyntax},
		{`[1,]`, nil, ErrSyntax},
		{`[,]`, nil, ErrSyntax},
		{`["a]`, nil, ErrSyntax},
	}
	for _, tt := range tests {
		var got []string
		err := Elements([]byte(tt.in), func(v []byte) error {
			got = append(got, string(v))
			return nil
		})
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("Elements(%q) error = %v, want %v", tt.in, err, tt.err)
		}
		if tt.err == nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Elements(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	stop := errors.New("stop")
	if err := Elements([]byte(`[1,2]`), func([]byte) error { return stop }); err != stop {
		t.Errorf("callback error: %v", err)
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct {
		in, want string
		notStr   bool
		fail     bool
	}{
		{`""`, "", false, false},
		{`"abc"`, "abc", false, false},
		{`"a\"b\\c\u00e9\n"`, "a\"b\\cé\n", false, false},
		{`"\x"`, "", false, true},
		{`null`, "", true, true},
		{`12`, "", true, true},
		{`"`, "", true, true},
		{``, "", true, true},
		{`"abc`, "", true, true},
		{`"a"b"`, "", true, true},
	}
	for _, tt := range tests {
		got, err := Unquote([]byte(tt.in))
		if (err != nil) != tt.fail || errors.Is(err, ErrNotString) != tt.notStr || got != tt.want {
			t.Errorf("Unquote(%q) = %q, %v; want %q, fail %v, not a string %v", tt.in, got, err, tt.want, tt.fail, tt.notStr)
		}
	}
	if _, err := Unquote([]byte(`12345`)); err == nil || err.Error() != "12345 is not a string" {
		t.Errorf("message: %v", err)
	}
}

func TestIsNull(t *testing.T) {
	for in, want := range map[string]bool{
		"null": true, " null\n": true, "\tnull": true,
		"": false, "nul": false, `"null"`: false, "nullx": false, "Null": false,
	} {
		if got := IsNull([]byte(in)); got != want {
			t.Errorf("IsNull(%q) = %v", in, got)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("x", 50)
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 40, "short"},
		{strings.Repeat("y", 40), 40, strings.Repeat("y", 40)},
		{long, 40, strings.Repeat("x", 40) + "…"},
		{long, 60, long},
		{long, 0, "…"},
		{long, -3, "…"},
		{"", -1, ""},
		// Never cut inside a UTF-8 sequence: é is two bytes.
		{"aé" + long, 2, "a…"},
		{"aé" + long, 3, "aé…"},
	}
	for _, tt := range tests {
		if got := ClipN([]byte(tt.in), tt.n); got != tt.want {
			t.Errorf("ClipN(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if got := Clip([]byte(long)); got != strings.Repeat("x", 40)+"…" {
		t.Errorf("Clip = %q", got)
	}
}

func TestDecodeValue(t *testing.T) {
	big := "123456789012345678901234567890123456789012345678901234567890" + strings.Repeat("0", 300)
	tests := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{`true`, true},
		{`false`, false},
		{`"s\u00e9"`, "sé"},
		{`0`, json.Number("0")},
		{`-12.5e+3`, json.Number("-12.5e+3")},
		{big, json.Number(big)},
		{"-" + big, json.Number("-" + big)},
		{`1e400`, json.Number("1e400")},
		{`[]`, []any{}},
		{`{}`, map[string]any{}},
		{`{"a":[1,"x",{"b":null}],"c":{"d":true}}`, map[string]any{
			"a": []any{json.Number("1"), "x", map[string]any{"b": nil}},
			"c": map[string]any{"d": true},
		}},
	}
	for _, tt := range tests {
		got, err := DecodeValue([]byte(tt.in))
		if err != nil {
			t.Errorf("DecodeValue(%.30s): %v", tt.in, err)
			continue
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
			t.Errorf("DecodeValue(%.30s) = %#v, want %#v", tt.in, got, tt.want)
		}
		// The same as encoding/json with UseNumber.
		dec := json.NewDecoder(strings.NewReader(tt.in))
		dec.UseNumber()
		var std any
		if err := dec.Decode(&std); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", std) {
			t.Errorf("DecodeValue(%.30s) = %#v, encoding/json %#v", tt.in, got, std)
		}
	}
}

func TestDecodeValueErrors(t *testing.T) {
	for _, in := range []string{
		``, `nul`, `tru`, `x`, `"abc`, `{"a":1`, `[1,`, `{"a":01}`, `[1,-]`,
		`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `-Inf`, `0x10`, `1_000`, `+1`, `"\q"`,
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	} {
		if v, err := DecodeValue([]byte(in)); err == nil {
			t.Errorf("DecodeValue(%.30q) = %#v, want an error", in, v)
		}
	}
	_, err := DecodeValue([]byte(`{"a":[1,}`))
	if !errors.Is(err, ErrSyntax) {
		t.Errorf("broken structure: %v, want ErrSyntax", err)
	}
	_, err = DecodeValue([]byte(`{"a":-x}`))
	if err == nil || err.Error() != "-x is not a number" {
		t.Errorf("bad number: %v", err)
	}
}

func TestAppendCanonical(t *testing.T) {
	a, err := DecodeValue([]byte(`{"b":[1,2.50,"x"],"a":{"z":null,"y":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeValue([]byte(`{"a":{"y":true,"z":null},"b":[1,2.50,"x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := AppendCanonical([]byte("p:"), a), AppendCanonical(nil, b)
	const want = `{"a":{"y":true,"z":null,},"b":[1,2.50,"x",],}`
	if string(ca) != "p:"+want || string(cb) != want {
		t.Errorf("canonical forms %s and %s, want %s", ca, cb, want)
	}
	for _, tt := range []struct {
		v    any
		want string
	}{
		{nil, "null"}, {false, "false"}, {1.5, "1.5"}, {"q\"", `"q\""`}, {int64(7), "7"},
	} {
		if got := string(AppendCanonical(nil, tt.v)); got != tt.want {
			t.Errorf("AppendCanonical(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

// Malformed input of every kind is an error or a value, never a panic or
// an out-of-range read.
func TestMalformedNeverPanics(t *testing.T) {
	seeds := []string{`{"a":[1,{"b":"c\"d"}],"e":null}`, `[1,"x",{"y":[]}]`, `"\u00e9"`, `-12.5e3`}
	for _, s := range seeds {
		for i := 0; i <= len(s); i++ {
			for _, in := range []string{s[:i], s[i:], s[:i] + `"` + s[i:], s[:i] + `\` + s[i:], s[:i] + `}` + s[i:]} {
				exercise([]byte(in))
			}
		}
	}
}

func exercise(data []byte) {
	_ = Members(data, func(string, []byte) error { return nil })
	_ = Elements(data, func([]byte) error { return nil })
	_, _ = Unquote(data)
	_ = IsNull(data)
	_ = Clip(data)
	if v, err := DecodeValue(data); err == nil {
		_ = AppendCanonical(nil, v)
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,{"b":"c\"d"}],"e":null}`, `[1,"x",{"y":[]}]`, `"\u00e9"`, `-12.5e3`, `{"a`, `[[[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every member and element lies inside data, in order.
		end := 0
		_ = Members(data, func(k string, v []byte) error {
			if len(v) == 0 {
				t.Fatalf("empty value for key %q in %q", k, data)
			}
			i := bytes.Index(data[end:], v)
			if i < 0 {
				t.Fatalf("value %q is not in %q after %d", v, data, end)
			}
			end += i + len(v)
			return nil
		})
		_ = Elements(data, func(v []byte) error {
			if len(v) == 0 {
				t.Fatalf("empty element in %q", data)
			}
			return nil
		})
		if c := Clip(data); len(c) > 40+len("…") {
			t.Fatalf("Clip gave %d bytes", len(c))
		}
		if utf8.Valid(data) && !utf8.ValidString(Clip(data)) {
			t.Fatalf("Clip(%q) cut a rune", data)
		}
		v, err := DecodeValue(data)
		if err != nil {
			return
		}
		// What decodes, decodes as encoding/json does, when it accepts it.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var std any
		if dec.Decode(&std) == nil && !dec.More() && utf8.Valid(data) && !bytes.ContainsAny(data, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f") {
			if a, b := AppendCanonical(nil, v), AppendCanonical(nil, std); !bytes.Equal(a, b) {
				t.Fatalf("%q: DecodeValue %s, encoding/json %s", data, a, b)
			}
		}
	})
}
