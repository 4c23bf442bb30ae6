package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

func TestRunAgainstFakeWithFaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-events", "700", "-faults", "-page-size", "50"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	classes := map[float64]int{}
	for sc.Scan() {
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		classes[ev["class_uid"].(float64)]++
		n++
	}
	if n != 700 {
		t.Errorf("%d events, want 700", n)
	}
	if len(classes) < 4 {
		t.Errorf("classes %v, want the four Automox sends", classes)
	}
	if !strings.HasPrefix(stderr.String(), "700 events, ") {
		t.Errorf("summary %q", stderr.String())
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-page-size", "501"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("page size 501: %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("output %q", stdout.String())
	}
}
