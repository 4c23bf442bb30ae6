package main

import (
	"bytes"
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

func TestNPrintingUsageErrors(t *testing.T) {
	env := map[string]string{"NPRINTING_TOKEN": "jwt-s3cr3t"}
	tests := []usageCase{
		{"bad filter value", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "appId=sales"}, []string{"appId"}},
		{"bad targetId", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "targetId=42"}, []string{"targetId"}},
		{"unknown filter", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "action=Login"}, []string{"action"}},
		{"missing token", nil, []string{"pull", "nprinting", "--server", "nprinting.example.com"}, []string{"NPRINTING_TOKEN"}},
		{"missing server", env, []string{"pull", "nprinting"}, []string{"--server"}},
		{"bad server", env, []string{"pull", "nprinting", "--server", "ftp://nprinting.example.com"}, []string{"--server"}},
		{"missing CA file", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--ca-file", "/nonexistent/ca.pem"}, []string{"--ca-file"}},
		{"page size", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--page-size", "5000"}, []string{"--page-size"}},
	}
	checkUsageErrors(t, "jwt-s3cr3t", tests)
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
	code, out, errOut := cli(t, env, "pull", "nprinting", "--server", proxy.URL, "--ca-file", ca, "--quiet", "--filter", "target=User")
	if code != 0 || out == "" {
		t.Fatalf("with --ca-file: exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if err := ocsf.ValidateJSON([]byte(l)); err != nil || !strings.Contains(l, `\"target\":\"User\"`) {
			t.Fatalf("line %s: %v", l, err)
		}
	}
	if code, _, errOut := cli(t, env, "pull", "nprinting", "--server", proxy.URL, "--quiet"); code != 1 || !strings.Contains(errOut, "certificate") {
		t.Errorf("self-signed without --ca-file: exit %d: %s", code, errOut)
	}
	if code, out, errOut := cli(t, env, "pull", "nprinting", "--server", "https://unused.invalid", "--base-url", fake.URL(), "--quiet", "--max-events", "5"); code != 0 || strings.Count(out, "\n") != 5 {
		t.Errorf("--base-url over --server: exit %d: %s", code, errOut)
	}
}

// --server and --base-url are the origin, with an optional proxy prefix;
// the documented path is appended, and a URL already ending with /api/v1 or
// /api is not doubled: each form pulls the whole data set from a fake
// under a proxy prefix, at exactly the documented path.
func TestNPrintingServerIsTheOrigin(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(40, 2, testEnd), BasePath: "/gw"})
	env := map[string]string{"NPRINTING_TOKEN": fake.Token()}
	for _, args := range [][]string{
		{"--server", fake.URL()},
		{"--server", fake.URL() + "/"},
		{"--server", fake.URL() + "/api/v1"},
		{"--server", fake.URL() + "/api"},
		{"--base-url", fake.URL() + "/api/v1/"},
	} {
		before := len(fake.Requests())
		code, out, errOut := cli(t, env, append([]string{"pull", "nprinting", "--quiet"}, args...)...)
		if code != 0 || strings.Count(out, "\n") != 40 {
			t.Errorf("%v: exit %d, %d lines: %s", args, code, strings.Count(out, "\n"), errOut)
		}
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/gw/api/v1/audit/events" {
				t.Errorf("%v: requested %s", args, r.Path)
			}
		}
	}
}
