package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

// lines checks that every line is a valid OCSF event and returns them.
func lines(t *testing.T, out *bytes.Buffer) []map[string]any {
	t.Helper()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var evs []map[string]any
	for sc.Scan() {
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", len(evs)+1, err)
		}
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestRunAgainstFakeWithFaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-events", "700", "-faults", "-page-size", "50"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if n := len(lines(t, &stdout)); n != 700 {
		t.Errorf("%d events, want 700", n)
	}
	if !strings.HasPrefix(stderr.String(), "700 events, ") {
		t.Errorf("summary %q", stderr.String())
	}
}

// With a checkpoint file, a second run over the same data finds nothing
// new, and a checkpoint of another filter is refused.
func TestRunWithCheckpoint(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "cp.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-events", "300", "-event-group", "auth", "-checkpoint", cp, "-end", "2025-05-14T12:00:00Z"}
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	evs := lines(t, &stdout)
	if len(evs) == 0 || len(evs) >= 300 {
		t.Fatalf("%d auth events of 300", len(evs))
	}
	for _, ev := range evs {
		if ev["class_uid"] != float64(3002) && ev["class_uid"] != float64(6003) {
			t.Errorf("an auth event mapped to %v", ev["class_uid"])
		}
	}
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("second run: %v\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), "0 events, ") {
		t.Errorf("second run: %q %q", stdout.String(), stderr.String())
	}
	// Another filter with the same checkpoint is refused.
	err := run(context.Background(), []string{"-events", "10", "-event-group", "vm", "-checkpoint", cp}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("other filter: %v", err)
	}
}
