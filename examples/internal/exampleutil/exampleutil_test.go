package exampleutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/ocsf"
)

func TestFaults(t *testing.T) {
	if f := Faults(false); !reflect.DeepEqual(f, audittest.Faults{}) {
		t.Errorf("Faults(false) = %+v", f)
	}
	if f := Faults(true); f.RateLimit != 0.2 || f.Unavailable != 0.1 || f.Reset != 0.05 || f.Truncate != 0.05 {
		t.Errorf("Faults(true) = %+v", f)
	}
}

// A walk through a faulty fake with FakeOptions comes through whole, as
// NDJSON.
func TestWriteNDJSONThroughFaults(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{
		// Ending two seconds ago: a walk reads up to the last completed
		// second, never the one in progress.
		Events: audittest.GenerateCiscoEvents(300, 1, time.Now().UTC().Add(-2*time.Second)),
		Faults: Faults(true),
	})
	if n := len(FakeOptions("")); n != 1 { // the retry policy
		t.Errorf("FakeOptions without URL: %d options", n)
	}
	c, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), FakeOptions(fake.URL())...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &cisco.ListOptions{PageSize: 50}, nil)
	defer it.Close()
	var out bytes.Buffer
	calls := 0
	n, err := WriteNDJSON(&out, it, func(k int) {
		calls++
		if k != calls {
			t.Errorf("each(%d) at call %d", k, calls)
		}
	})
	if err != nil || it.Err() != nil || n != 300 || calls != 300 {
		t.Fatalf("%d events, %d calls, %v, %v", n, calls, err, it.Err())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 300 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	if c.HTTP().Stats().Retries == 0 {
		t.Error("no retries through the fault mix")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteNDJSONWriteError(t *testing.T) {
	fake := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(3, 1, time.Now().UTC())})
	c, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), FakeOptions(fake.URL())...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), nil, nil)
	defer it.Close()
	if _, err := WriteNDJSON(failWriter{}, it, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}

func TestSummary(t *testing.T) {
	var w bytes.Buffer
	st := auditclient.Stats{Requests: 12, Retries: 3}
	boom := errors.New("boom")
	for _, tt := range []struct {
		walkErr, want error
	}{
		{nil, nil},
		{boom, boom},
		{fmt.Errorf("walk: %w", context.Canceled), nil},
	} {
		if err := Summary(&w, "7 events", st, ", 1 re-authentication", time.Now(), tt.walkErr); err != tt.want {
			t.Errorf("Summary(%v) = %v, want %v", tt.walkErr, err, tt.want)
		}
	}
	re := regexp.MustCompile(`^7 events, 12 requests, 3 retries, 1 re-authentication in \S+\n$`)
	if line, _, _ := strings.Cut(w.String(), "\n"); !re.MatchString(line + "\n") {
		t.Errorf("summary %q", line)
	}
}
