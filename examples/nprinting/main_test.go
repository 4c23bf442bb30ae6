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
	ids := map[string]bool{}
	for sc.Scan() {
		if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		var ev struct {
			Metadata struct{ UID string } `json:"metadata"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ids[ev.Metadata.UID] {
			t.Fatalf("event %s twice", ev.Metadata.UID)
		}
		ids[ev.Metadata.UID] = true
		n++
	}
	if n != 700 {
		t.Errorf("%d events, want 700", n)
	}
	if !strings.HasPrefix(stderr.String(), "700 events, ") {
		t.Errorf("summary %q", stderr.String())
	}
}

func TestRunFilterAndLiveErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-events", "300", "-target", "User"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if !strings.Contains(l, `\"target\":\"User\"`) {
			t.Fatalf("an event of another target: %s", l)
		}
	}
	t.Setenv("NPRINTING_TOKEN", "")
	if err := run(context.Background(), []string{"-live", "-server", "nprinting.example.com"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "NPRINTING_TOKEN") {
		t.Errorf("-live without a token: %v", err)
	}
}
