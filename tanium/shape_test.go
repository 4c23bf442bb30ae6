package tanium_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/tanium"
)

// shapeCases are well-formed bodies of the wrong shape, each with the JSON
// path its DecodeError must name.
var shapeCases = []struct {
	name, body, path string
}{
	{"object where the entries array belongs",
		`{"data":{"id":42,"entries":{"list":[{"object_id":42,"modification_time":"2024-01-01T00:00:00Z"}]}}}`, "$.data.entries"},
	{"string where the entries array belongs", `{"data":{"entries":"none"}}`, "$.data.entries"},
	{"string where a number belongs",
		`{"data":{"entries":[{"object_id":"forty-two","modification_time":"2024-01-01T00:00:00Z"}]}}`, "$.data.entries[0].object_id"},
	{"the second entry is wrong",
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z"},{"modification_time":"2024-01-01T00:00:00Z","type":"update"}]}}`, "$.data.entries[1].type"},
	{"an entry is not an object", `{"data":{"entries":[[]]}}`, "$.data.entries[0]"},
	{"an entry without a time", `{"data":{"entries":[{"object_id":1,"type":1}]}}`, "$.data.entries[0].modification_time"},
	{"a time that is not a time", `{"data":{"entries":[{"modification_time":"yesterday"}]}}`, "$.data.entries[0].modification_time"},
	{"a bad creation time", `{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","creation_time":7}]}}`, "$.data.entries[0].creation_time"},
	{"mod_user of the wrong shape",
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","mod_user":[1]}]}}`, "$.data.entries[0].mod_user"},
	{"a string where mod_user's id belongs",
		`{"data":{"entries":[{"modification_time":"2024-01-01T00:00:00Z","mod_user":{"id":"x"}}]}}`, "$.data.entries[0].mod_user.id"},
	{"the SOAP form's entry list, wrong",
		`{"data":{"entries":{"entry":[{"modification_time":"2024-01-01T00:00:00Z","modifier_user_id":true}]}}}`, "$.data.entries.entry[0].modifier_user_id"},
	{"the array form, second history wrong",
		`{"data":[{"entries":[]},{"entries":{"x":1}}]}`, "$.data[1].entries"},
	{"data of the wrong type", `{"data":"x"}`, "$.data"},
	{"a string where the history's id belongs", `{"data":{"id":"x","entries":[]}}`, "$.data.id"},
	{"an array for the body", `[{"data":{"entries":[]}}]`, "$"},
}

// A well-formed body of the wrong shape ends the walk with a DecodeError
// naming the JSON path of the problem (and a PathError with the same
// path), after one request: it is not retried, and no event is built.
func TestDecodeErrorPaths(t *testing.T) {
	for _, tc := range shapeCases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mocked(t, auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 3}))
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, tc.body))
			it := c.Events(context.Background(), &tanium.ListOptions{Objects: []tanium.Object{obj(tanium.SavedQuestion, "42")}}, nil)
			defer it.Close()
			if it.Next() {
				t.Fatalf("an event from %s: %+v", tc.body, it.Event())
			}
			var de *auditclient.DecodeError
			var pe *auditclient.PathError
			if !errors.As(it.Err(), &de) || !errors.As(it.Err(), &pe) {
				t.Fatalf("Err = %v, want a DecodeError with a PathError", it.Err())
			}
			if de.Path != tc.path || pe.Path != tc.path {
				t.Errorf("DecodeError.Path %q, PathError.Path %q, want %q (%v)", de.Path, pe.Path, tc.path, it.Err())
			}
			if n := mt.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1: a wrong shape is not retried", n)
			}
			if msg := it.Err().Error(); !strings.Contains(msg, "at "+tc.path+": ") || strings.Contains(msg, testToken) {
				t.Errorf("message %q: want the path, and no token", msg)
			}
		})
	}
}

// Page and Entry, decoded on their own, name paths from their own
// root.
func TestUnmarshalPaths(t *testing.T) {
	for _, tc := range []struct {
		body, path string
		v          interface{ UnmarshalJSON([]byte) error }
	}{
		{`{"entries":{"list":[]}}`, "$.entries", new(tanium.Page)},
		{`{"entries":[{"modification_time":"2024-01-01T00:00:00Z"},{"object_id":"x","modification_time":"2024-01-01T00:00:00Z"}]}`, "$.entries[1].object_id", new(tanium.Page)},
		{`[{"entries":[]},{"entries":[{"type":1}]}]`, "$[1].entries[0].modification_time", new(tanium.Page)},
		{`"x"`, "$", new(tanium.Page)},
		{`{"object_id":"x"}`, "$.object_id", new(tanium.Entry)},
		{`{"modification_time":"2024-01-01T00:00:00Z","mod_user":{"name":7}}`, "$.mod_user.name", new(tanium.Entry)},
		{`[]`, "$", new(tanium.Entry)},
		{`{"id":[]}`, "$.id", new(tanium.ModUser)},
	} {
		err := tc.v.UnmarshalJSON([]byte(tc.body))
		var pe *auditclient.PathError
		if !errors.As(err, &pe) || pe.Path != tc.path {
			t.Errorf("%T from %s: %v, want a PathError at %s", tc.v, tc.body, err, tc.path)
		}
	}
}
