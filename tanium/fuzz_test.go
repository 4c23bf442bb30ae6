package tanium

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/fuzzcheck"
)

// FuzzDecodePage: a body of GET /api/v2/audit_logs/{type}s/{id} never
// panics the decoder (the {"data": ...} envelope history decodes); every
// entry it yields has a time, re-decodes alone from its own JSON with the
// same uid, and ToOCSF gives a valid event that marshals to JSON
// (fuzzcheck.Page). Seeds: the fixture of vendors.md, Connect's entry
// wrapped as a response, and generated entries.
func FuzzDecodePage(f *testing.F) {
	ex := audittest.TaniumDocExamples()
	var gen []json.RawMessage
	for _, e := range audittest.GenerateTaniumEvents(3, 7, time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC)) {
		gen = append(gen, e.Raw)
	}
	page, _ := json.Marshal(map[string]any{"data": map[string]any{"id": 42, "entries": gen}})
	fuzzcheck.Add(f, ex["vendors_md_fixture"], []byte(`{"data":{"id":1234,"type":"white_listed_url_audit","entries":[`+string(ex["connect_entry"])+`]}}`), page)
	fuzzcheck.Add(f, "{}", "null", "[]", `{"data":null}`, `{"data":[]}`, `{"data":{"entries":[{}]}}`,
		`{"data":[{"id":1,"entries":[{"modification_time":"2024-06-18T00:00:00Z","type":1,"details":"locked=1"}]},{"entries":[{"cache_info":{}}]}]}`,
		`{"data":{"entries":[{"creation_time":"2024-06-18 00:00:00","type":7,"mod_user":{"id":"x"}}]}}`)
	obj := Object{Type: "saved_question", ID: "42"}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Page(t, body, func(r *response) []Entry {
			if r.Data == nil {
				return nil // history reports it as a DecodeError
			}
			for i := range r.Data.Entries {
				r.Data.Entries[i].Object = obj
			}
			return r.Data.Entries
		}, fuzzcheck.Record[Entry]{
			Time: func(e Entry) time.Time { return e.Time() }, Raw: func(e Entry) []byte { return e.Raw }, UID: (*Entry).UID, ToOCSF: ToOCSF,
			Alone: func(e *Entry) { e.Object = obj },
		})
	})
}

// FuzzToken: a walk resumed from a checkpoint whose position holds any
// token (the index of an object, as Tanium's walk pages) and skip. It
// never panics, asks for no more histories than there are objects, yields
// no entry twice, and when the token is the canonical index of an object
// it yields exactly the entries of the objects from that one on, less the
// skipped ones.
func FuzzToken(f *testing.F) {
	for _, s := range []string{"", "0", "1", "2", "3", "-1", "01", "+1", "1e0", "9223372036854775807", "x", " 1"} {
		f.Add(s, uint8(0))
	}
	f.Add("1", uint8(1))
	f.Add("2", uint8(2))
	objs := []Object{{Type: User, ID: "1"}, {Type: Sensor, ID: "7"}, {Type: SavedQuestion, ID: "42"}}
	f.Fuzz(func(t *testing.T, tok string, skip uint8) {
		// Every object's history, in memory: two entries per object (their
		// uids differ by object).
		var mu sync.Mutex
		reqs := 0
		c, err := NewClient("http://127.0.0.1:8080", "fz-Key-7c1e5d9a0b", fuzzcheck.Options(fuzzcheck.Transport(func(r *http.Request) (int, string) {
			mu.Lock()
			reqs++
			mu.Unlock()
			return 200, `{"data":{"id":1,"type":"x","entries":[` +
				`{"object_id":1,"type":1,"creation_time":"2024-06-18T10:00:00Z","modification_time":"2024-06-18T11:00:00Z","last_modified_by":"a","modifier_user_id":3,"details":"name=b"},` +
				`{"object_id":1,"type":0,"creation_time":"2024-06-18T10:00:00Z","modification_time":"2024-06-18T10:00:00Z","last_modified_by":"a","modifier_user_id":3,"details":"name=a"}]}}`
		}))...)
		if err != nil {
			t.Fatal(err)
		}
		o := ListOptions{Objects: objs, Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), Concurrency: 1}
		sk := int(skip % 3)
		cp := fuzzcheck.Checkpoint(Name, o.filters(), auditclient.Window{Until: o.Until}, tok, sk)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		uids, twice, werr := fuzzcheck.Walk(t, c.Events(ctx, &o, cp), 2*len(objs), "fz-Key-7c1e5d9a0b")
		n := len(uids)
		if twice != "" {
			t.Fatalf("token %q: entry %s yielded twice", tok, twice)
		}
		if n > 2*len(objs) {
			t.Fatalf("token %q: more entries than the objects have", tok)
		}
		mu.Lock()
		defer mu.Unlock()
		if reqs > len(objs) {
			t.Fatalf("token %q: %d requests for %d objects", tok, reqs, len(objs))
		}
		k, perr := strconv.Atoi(tok)
		if tok == "" {
			k, perr = 0, nil
		}
		if perr != nil || k < 0 || k >= len(objs) || tok != "" && strconv.Itoa(k) != tok {
			return
		}
		if werr != nil {
			t.Fatalf("token %q skip %d: %v", tok, sk, werr)
		}
		if want := 2*(len(objs)-k) - sk; n != want {
			t.Fatalf("token %q skip %d: %d entries, want %d", tok, sk, n, want)
		}
	})
}

// FuzzParseObjects: the --objects list. Whatever the text, ParseObjects
// never panics; a list it accepts is non-empty, without duplicates, of
// valid objects, and written back as TYPE:ID joined by commas it parses to
// the same list.
func FuzzParseObjects(f *testing.F) {
	for _, s := range []string{"user:12,sensor:7", "saved_question:42", " user:1 , group:2 ", "", ",", "user:", ":1", "user:1,user:1",
		"bogus:1", "user:-1", "user:0", "user:1:2", "user:01", "white_listed_url:9999999999999999999", "user:1,,sensor:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		objs, err := ParseObjects(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if len(objs) == 0 {
			t.Fatalf("%q: no objects and no error", s)
		}
		parts := make([]string, len(objs))
		seen := map[Object]bool{}
		for i, o := range objs {
			if err := o.Validate(); err != nil {
				t.Fatalf("%q: accepted %v: %v", s, o, err)
			}
			if seen[o] {
				t.Fatalf("%q: %v twice", s, o)
			}
			seen[o] = true
			parts[i] = o.String()
		}
		again, err := ParseObjects(strings.Join(parts, ","))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(objs) {
			t.Fatalf("%q parses to %v; written back, %v (%v)", s, objs, again, err)
		}
	})
}
