package stall

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

type rec struct{ id string }

func newGuard(max int) *Guard[rec] {
	return &Guard[rec]{UID: func(r *rec) string { return r.id }, Max: max,
		Vendor: "v", Method: "GET", Path: "$.paging.nextCursor"}
}

func recs(ids ...string) []rec {
	out := make([]rec, len(ids))
	for i, id := range ids {
		out[i] = rec{id}
	}
	return out
}

func TestCheckDropsRepeats(t *testing.T) {
	g := newGuard(2)
	got, err := g.Check(recs("a", "b", "a"), false, "u")
	if err != nil || !reflect.DeepEqual(got, recs("a", "b")) {
		t.Fatalf("page 1: %v, %v; want a, b", got, err)
	}
	// Only the page before counts: "a" comes back on page 3 as new.
	got, err = g.Check(recs("b", "c"), false, "u")
	if err != nil || !reflect.DeepEqual(got, recs("c")) {
		t.Fatalf("page 2: %v, %v; want c", got, err)
	}
	got, err = g.Check(recs("a", "c", "d"), true, "u")
	if err != nil || !reflect.DeepEqual(got, recs("a", "d")) {
		t.Fatalf("page 3: %v, %v; want a, d", got, err)
	}
}

func TestCheckEndsStalledWalk(t *testing.T) {
	for _, tc := range []struct {
		name string
		page func(i int) []rec
		what string
	}{
		{"empty pages", func(int) []rec { return nil }, "brought no event"},
		{"the same page", func(int) []rec { return recs("a", "b") }, "brought only the events of the page before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGuard(3)
			if tc.name == "the same page" {
				if _, err := g.Check(recs("a", "b"), false, "u0"); err != nil {
					t.Fatal(err)
				}
			}
			for i := 1; i <= 3; i++ {
				got, err := g.Check(tc.page(i), false, "u")
				if err != nil || len(got) != 0 {
					t.Fatalf("stalled page %d: %v, %v; want no record and no error (Max is 3)", i, got, err)
				}
			}
			got, err := g.Check(tc.page(4), false, "https://h/x?cursor=4")
			var de *auditclient.DecodeError
			if !errors.As(err, &de) || got != nil {
				t.Fatalf("stalled page 4: %v, %v; want a *auditclient.DecodeError", got, err)
			}
			if !errors.Is(err, auditclient.ErrNoProgress) {
				t.Errorf("%v does not match auditclient.ErrNoProgress", err)
			}
			if de.Vendor != "v" || de.Method != "GET" || de.URL != "https://h/x?cursor=4" || de.Path != "$.paging.nextCursor" {
				t.Errorf("DecodeError %+v: want vendor v, GET, the page's URL, path $.paging.nextCursor", de)
			}
			if msg := err.Error(); !strings.Contains(msg, "4 pages in a row "+tc.what+", yet each named a new paging.nextCursor") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestCheckNewRecordOrLastPageResets(t *testing.T) {
	g := newGuard(1)
	steps := []struct {
		page    []rec
		last    bool
		wantErr bool
	}{
		{nil, false, false},       // stall 1
		{recs("a"), false, false}, // new record: reset
		{recs("a"), false, false}, // stall 1
		{nil, true, false},        // the last page: reset, never held against the walk
		{nil, false, false},       // stall 1
		{nil, false, true},        // stall 2 > Max
	}
	for i, s := range steps {
		_, err := g.Check(s.page, s.last, "u")
		if (err != nil) != s.wantErr {
			t.Fatalf("step %d: error %v, want error %v", i, err, s.wantErr)
		}
	}
}
