package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
)

// nprintingRun runs the command with the environment vars only.
func nprintingRun(vars map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestNPrintingDemoPull(t *testing.T) {
	for _, faults := range []bool{false, true} {
		args := []string{"pull", "nprinting", "--demo", "--max-events", "200", "--quiet"}
		if faults {
			args = append(args, "--demo-faults")
		}
		code, out, errOut := nprintingRun(nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(ls) != 200 {
			t.Fatalf("%v: %d lines, want 200", args, len(ls))
		}
		for i, l := range ls {
			if err := ocsf.ValidateJSON([]byte(l)); err != nil {
				t.Fatalf("line %d: %v\n%s", i, err, l)
			}
			if !strings.Contains(l, `"vendor_name":"Qlik"`) {
				t.Fatalf("line %d is not an NPrinting event: %s", i, l)
			}
		}
	}
}

func TestNPrintingUsageErrors(t *testing.T) {
	env := map[string]string{"NPRINTING_TOKEN": "jwt-s3cr3t"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad filter value", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "appId=sales"}, []string{"appId"}},
		{"bad targetId", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "targetId=42"}, []string{"targetId"}},
		{"unknown filter", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "action=Login"}, []string{"action"}},
		{"missing token", nil, []string{"pull", "nprinting", "--server", "nprinting.example.com"}, []string{"NPRINTING_TOKEN"}},
		{"missing server", env, []string{"pull", "nprinting"}, []string{"--server"}},
		{"bad server", env, []string{"pull", "nprinting", "--server", "ftp://nprinting.example.com"}, []string{"--server"}},
		{"missing CA file", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--ca-file", "/nonexistent/ca.pem"}, []string{"--ca-file"}},
		{"page size", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--page-size", "5000"}, []string{"--page-size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := nprintingRun(tt.env, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %s: %s", w, errOut)
				}
			}
			if strings.Contains(errOut, "jwt-s3cr3t") {
				t.Errorf("stderr holds the token: %s", errOut)
			}
		})
	}
}

// --server reaches a self-signed server with --ca-file, and --base-url wins
// over --server.
func TestNPrintingServerAndCAFile(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(30, 2, testEnd)})
	proxy := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, fake.URL()+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		w.Write(b.Bytes())
	}))
	defer proxy.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NPRINTING_TOKEN": fake.Token()}
	code, out, errOut := nprintingRun(env, "pull", "nprinting", "--server", proxy.URL, "--ca-file", ca, "--quiet", "--filter", "target=User")
	if code != 0 || out == "" {
		t.Fatalf("with --ca-file: exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil || !strings.Contains(l, `\"target\":\"User\"`) {
			t.Fatalf("line %s: %v", l, err)
		}
	}
	if code, _, errOut := nprintingRun(env, "pull", "nprinting", "--server", proxy.URL, "--quiet"); code != 1 || !strings.Contains(errOut, "certificate") {
		t.Errorf("self-signed without --ca-file: exit %d: %s", code, errOut)
	}
	if code, out, errOut := nprintingRun(env, "pull", "nprinting", "--server", "https://unused.invalid", "--base-url", fake.URL(), "--quiet", "--max-events", "5"); code != 0 || strings.Count(out, "\n") != 5 {
		t.Errorf("--base-url over --server: exit %d: %s", code, errOut)
	}
}
