package main

import (
	"bytes"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
)

func TestNPrintingUsageErrors(t *testing.T) {
	env := map[string]string{"NPRINTING_TOKEN": "jwt-s3cr3t"}
	tests := []usageCase{
		{"bad filter value", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "appId=sales"}, []string{"appId", "sales", "UUID"}},
		{"bad targetId", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "targetId=42"}, []string{"targetId"}},
		{"unknown filter", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--filter", "action=Login"}, []string{"action", "appId"}},
		{"missing token", nil, []string{"pull", "nprinting", "--server", "nprinting.example.com"}, []string{"NPRINTING_TOKEN"}},
		{"missing server", env, []string{"pull", "nprinting"}, []string{"server", "NPRINTING_SERVER"}},
		{"bad server", env, []string{"pull", "nprinting", "--server", "ftp://nprinting.example.com"}, []string{"server", "NPRINTING_SERVER", "scheme"}},
		{"bad server from the environment", map[string]string{"NPRINTING_TOKEN": "jwt-s3cr3t", "NPRINTING_SERVER": "ftp://nprinting.example.com"}, []string{"pull", "nprinting"}, []string{"server", "NPRINTING_SERVER"}},
		{"missing CA file", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--ca-file", "/nonexistent/ca.pem"}, []string{"ca_file", "NPRINTING_CA_FILE", "/nonexistent/ca.pem"}},
		{"page size", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--page-size", "5000"}, []string{"limit", "5000", "1000"}},
		{"newest first", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--order", "newest-first"}, []string{"order", "newest-first", "server's own order"}},
		{"oldest first", env, []string{"pull", "nprinting", "--server", "nprinting.example.com", "--order", "oldest-first"}, []string{"order", "oldest-first"}},
	}
	checkUsageErrors(t, "jwt-s3cr3t", tests)
}

// The server and the CA file come from their flags (--server, --ca-file)
// or from NPRINTING_SERVER and NPRINTING_CA_FILE; a flag wins over its
// variable.
func TestNPrintingSettingsFromFlagsOrEnvironment(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(12, 2, testEnd)})
	quiet := []string{"pull", "nprinting", "--rate-limit", "1000", "--quiet"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", map[string]string{"NPRINTING_TOKEN": fake.Token()}, []string{"--server", fake.URL()}},
		{"environment", map[string]string{"NPRINTING_TOKEN": fake.Token(), "NPRINTING_SERVER": fake.URL()}, nil},
		{"flag over environment", map[string]string{"NPRINTING_TOKEN": fake.Token(), "NPRINTING_SERVER": "https://nprinting.invalid"}, []string{"--server", fake.URL()}},
		{"base URL over environment", map[string]string{"NPRINTING_TOKEN": fake.Token(), "NPRINTING_SERVER": "https://nprinting.invalid"}, []string{"--base-url", fake.URL()}},
	} {
		code, out, errOut := cli(t, tc.env, append(slices.Clone(quiet), tc.args...)...)
		if code != 0 || strings.Count(out, "\n") != 12 {
			t.Errorf("%s: exit %d, %d lines: %s", tc.name, code, strings.Count(out, "\n"), errOut)
		}
	}
	// NPRINTING_CA_FILE is read like --ca-file: a missing file names it.
	env := map[string]string{"NPRINTING_TOKEN": fake.Token(), "NPRINTING_CA_FILE": "/nonexistent/np-ca.pem"}
	if code, _, errOut := cli(t, env, append(slices.Clone(quiet), "--server", fake.URL())...); code != 2 || !strings.Contains(errOut, "NPRINTING_CA_FILE") || !strings.Contains(errOut, "/nonexistent/np-ca.pem") {
		t.Errorf("NPRINTING_CA_FILE of a missing file: exit %d: %s", code, errOut)
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
