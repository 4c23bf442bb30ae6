package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
)

// The whole program against the three fakes, with faults: every event of
// every fake, newest first, each one valid OCSF.
func TestRunMergesAllVendorsNewestFirst(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-events", "400", "-faults"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if want := "fanin: 1200 events (cisco 400, nprinting 400, instavm 400), 0 out of order\n"; errOut.String() != want {
		t.Errorf("summary %q, want %q", errOut.String(), want)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	var prev time.Time
	vendors := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		var ev ocsf.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if n > 1 && ev.Time.After(prev) {
			t.Fatalf("line %d at %v is newer than line %d at %v", n, ev.Time, n-1, prev)
		}
		prev = ev.Time
		vendors[ev.Metadata.Product.VendorName]++
	}
	// Each walk yields its fake's whole data set exactly once (the walks'
	// own tests compare record by record); here, every one is merged in.
	for v, c := range vendors {
		if c != 400 {
			t.Errorf("%d events of %s, want 400", c, v)
		}
	}
	if n != 1200 || len(vendors) != 3 {
		t.Errorf("%d lines from %v, want 1200 from 3 vendors", n, vendors)
	}
}

func TestRunWindow(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-events", "400", "-since", "6h"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(out.String(), "\n")
	if lines == 0 || lines >= 1200 {
		t.Errorf("-since 6h kept %d of 1200 events; want some but not all", lines)
	}
}

// sliceIter is an Iterator over fixed events, for testing Merge alone.
type sliceIter struct {
	evs []ocsf.Event
	i   int
	err error
}

func (s *sliceIter) Next() bool {
	if s.i >= len(s.evs) {
		return false
	}
	s.i++
	return true
}
func (s *sliceIter) Event() ocsf.Event                   { return s.evs[s.i-1] }
func (s *sliceIter) Err() error                          { return s.err }
func (s *sliceIter) Checkpoint() *auditclient.Checkpoint { return nil }
func (s *sliceIter) Close() error                        { return nil }
func (s *sliceIter) All() iter.Seq2[ocsf.Event, error] {
	return func(yield func(ocsf.Event, error) bool) {
		for s.Next() {
			if !yield(s.Event(), nil) {
				return
			}
		}
	}
}

func at(uid string, minute int) ocsf.Event {
	ev := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2026, 1, 1, 0, minute, 0, 0, time.UTC))
	ev.Metadata.UID = uid
	return ev
}

func TestMergeOrderTiesAndOutOfOrder(t *testing.T) {
	a := &sliceIter{evs: []ocsf.Event{at("a1", 9), at("a2", 5), at("a3", 7), at("a4", 1)}} // a3 breaks the order
	b := &sliceIter{evs: []ocsf.Event{at("b1", 8), at("b2", 5), at("b3", 2)}}
	var got []string
	st, err := Merge([]Source{{"b", b}, {"a", a}}, func(v string, ev ocsf.Event) error {
		got = append(got, ev.Metadata.UID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// a2 and b2 tie at minute 5: vendor "a" first. a3 (minute 7) comes
	// after a2 and is emitted at once, newest of what is left.
	want := "a1 b1 a2 a3 b2 b3 a4"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	if st.OutOfOrder != 1 || st.Events["a"] != 4 || st.Events["b"] != 3 {
		t.Errorf("stats %+v, want 1 out of order, a 4, b 3", st)
	}
}

func TestMergeStopsOnSourceError(t *testing.T) {
	boom := errors.New("boom")
	a := &sliceIter{evs: []ocsf.Event{at("a1", 9)}, err: boom}
	b := &sliceIter{evs: []ocsf.Event{at("b1", 8), at("b2", 1)}}
	n := 0
	_, err := Merge([]Source{{"a", a}, {"b", b}}, func(string, ocsf.Event) error { n++; return nil })
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "a: ") {
		t.Errorf("err %v, want boom named after source a", err)
	}
	if n != 1 {
		t.Errorf("%d events emitted before the error, want 1", n)
	}
}
