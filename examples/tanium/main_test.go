package main

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

func TestRunAgainstFakeWithFaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-events", "700", "-faults"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if n := countValid(t, &stdout); n != 700 {
		t.Errorf("%d events, want 700", n)
	}
	if !strings.HasPrefix(stderr.String(), "700 events from ") {
		t.Errorf("summary %q", stderr.String())
	}
}

// A few named objects, read 1 entry deep at most: one event each, and a
// warning for each object whose history goes further.
func TestRunNamedObjects(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-events", "300", "-objects", "user:1,sensor:211,package:140", "-page-size", "1", "-max-history-size", "1"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if n := countValid(t, &stdout); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
	if w := strings.Count(stderr.String(), "\nwarning: tanium: the audit history of "); w == 0 || !strings.Contains(stderr.String(), "user:1 is longer than 1 entries") {
		t.Errorf("no warning for the histories cut short: %s", stderr.String())
	}
	// Read as deep as needed, the same objects' whole histories come.
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), []string{"-events", "300", "-objects", "user:1,sensor:211,package:140", "-page-size", "1"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if n := countValid(t, &stdout); n <= 3 || strings.Contains(stderr.String(), "warning") {
		t.Errorf("%d events; stderr %s", n, stderr.String())
	}
	if err := run(context.Background(), []string{"-objects", "widget:1"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "objects") {
		t.Errorf("bad object: %v", err)
	}
}

func countValid(t *testing.T, out *bytes.Buffer) int {
	t.Helper()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
	}
	return n
}
