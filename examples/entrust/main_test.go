package main

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

func TestRunAgainstFakeWithFaultsAndExpiry(t *testing.T) {
	for _, args := range [][]string{
		{"-events", "700", "-faults", "-page-size", "50", "-expire-at", "300"},
		{"-events", "700", "-siem", "-page-size", "100"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("run %v: %v\n%s", args, err, stderr.String())
		}
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			if err := ocsf.ValidateJSON(sc.Bytes()); err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			n++
		}
		if n != 700 {
			t.Errorf("%v: %d events, want 700", args, n)
		}
		if !strings.HasPrefix(stderr.String(), "700 events, ") {
			t.Errorf("summary %q", stderr.String())
		}
		if args[len(args)-1] == "300" && !strings.Contains(stderr.String(), " 1 re-authentications") {
			t.Errorf("no re-authentication after the tokens were revoked: %q", stderr.String())
		}
	}
}

func TestLiveNeedsTenant(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-live"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "-tenant") {
		t.Errorf("err = %v", err)
	}
}
