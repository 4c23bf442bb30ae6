package readme

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// snippet is one ```go block of the README.
type snippet struct {
	line int    // where it starts in README.md
	src  string // its text
}

// snippets returns the README's Go blocks.
func snippets(t *testing.T) []snippet {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []snippet
	var cur *snippet
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.TrimSpace(l) == "```go":
			cur = &snippet{line: i + 1}
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.src += l + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: a ```go block is not closed", cur.line)
	}
	return out
}

var importRE = regexp.MustCompile(`"github\.com/auditkit/auditkit/([a-z]+)"`)

// Fake host names for the vendors whose server the user names (the README
// uses these): the proxy routes them to the fakes.
var serverHosts = map[string]string{
	"nprinting": "https://nprinting.example.com:4993",
	"tanium":    "https://tanium.example.com",
	"entrust":   "example.us.trustedauth.com",
}

// Extra hosts that reach a vendor's fake (Cisco's other regions).
var extraHosts = map[string][]string{
	"cisco": {"api.eu.amp.cisco.com", "api.apjc.amp.cisco.com"},
}

// TestREADMESnippets builds every Go snippet of the README and runs it
// against the fakes of the vendors it imports (all of them for a snippet
// of the vendors registry): it must exit 0, and every line it prints that
// is a JSON object must be a valid OCSF event; a program snippet must
// print at least one, and the fakes must have been asked.
func TestREADMESnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds each README snippet")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to build the README's snippets:", err)
	}
	sn := snippets(t)
	if len(sn) < 6 {
		t.Fatalf("README.md has %d Go snippets; the quick starts alone are six", len(sn))
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := newCA(t, dir)
	for _, s := range sn {
		t.Run(fmt.Sprintf("README.md:%d", s.line), func(t *testing.T) {
			runSnippet(t, goBin, root, dir, ca, s)
		})
	}
}

func runSnippet(t *testing.T, goBin, root, dir string, ca *authority, s snippet) {
	isTest := strings.HasPrefix(s.src, "package main_test")
	if !isTest && !strings.HasPrefix(s.src, "package main\n") {
		t.Fatalf("the snippet is not a complete program (package main) or test file (package main_test):\n%s", s.src)
	}
	name := fmt.Sprintf("snippet%d", s.line)
	src := filepath.Join(dir, name+".go")
	if isTest {
		src = filepath.Join(dir, name+"_test.go")
	}
	if err := os.WriteFile(src, []byte(s.src), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	build := exec.Command(goBin, "build", "-o", bin, src)
	if isTest {
		build = exec.Command(goBin, "test", "-c", "-o", bin, src)
	}
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the snippet does not build: %v\n%s\n%s", err, out, s.src)
	}
	if isTest {
		// A test file brings its own fakes: run it as it is.
		cmd := exec.Command(bin, "-test.v")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the snippet's test fails: %v\n%s", err, out)
		}
		return
	}

	// The vendors it imports, each with its fake behind the proxy.
	var names []string
	for _, m := range importRE.FindAllStringSubmatch(s.src, -1) {
		if _, ok := vendors.Lookup(m[1]); ok {
			names = append(names, m[1])
		}
	}
	if strings.Contains(s.src, `"github.com/auditkit/auditkit/vendors"`) {
		names = vendors.Names()
	}
	if len(names) == 0 {
		t.Fatalf("the snippet imports no vendor package: which fake would it run against?\n%s", s.src)
	}
	routes := map[string]string{}
	env := []string{"HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH"), "SSL_CERT_FILE=" + ca.file}
	var demos []*audittest.Demo
	for _, n := range names {
		v, _ := vendors.Lookup(n)
		d, err := audittest.StartDemo(n, audittest.DemoConfig{Now: time.Now(), Events: 300})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		demos = append(demos, d)
		var hosts []string
		if u, err := url.Parse(v.DefaultBaseURL); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
		hosts = append(hosts, extraHosts[n]...)
		for _, st := range v.Settings {
			val := d.Settings[st.Name]
			if st.BaseURL {
				val = serverHosts[n]
				hosts = append(hosts, hostOf(val))
			}
			if st.Env != "" && val != "" {
				env = append(env, st.Env+"="+val)
			}
		}
		for _, h := range hosts {
			if !strings.Contains(h, ":") {
				h += ":443"
			}
			routes[h] = d.BaseURL
		}
	}
	px := startProxy(t, ca, routes)
	env = append(env, "HTTPS_PROXY="+px, "NO_PROXY=")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = t.TempDir()
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the snippet fails: %v\nstderr:\n%s\nstdout:\n%.2000s", err, stderr.String(), out)
	}
	events := 0
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("the snippet printed an invalid event: %v\n%s", err, l)
		}
		events++
	}
	if events == 0 {
		t.Errorf("the snippet printed no event; stdout:\n%.2000s\nstderr:\n%s", out, stderr.String())
	}
	for _, d := range demos {
		if d.Stats().Requests == 0 {
			t.Errorf("the %s fake was never asked", d.Vendor)
		}
	}
}

func hostOf(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Host
}

// authority is a throwaway CA whose certificate file the snippets trust.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string

	mu    sync.Mutex
	cache map[string]*tls.Certificate
}

func newCA(t *testing.T, dir string) *authority {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "auditkit README test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &authority{cert: cert, key: key, file: file, cache: map[string]*tls.Certificate{}}
}

// leaf returns a certificate for host, signed by the CA.
func (a *authority) leaf(host string) (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.cache[host]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	a.cache[host] = c
	return c, nil
}

// startProxy serves an HTTPS proxy on loopback: a CONNECT to a host of
// routes is answered with TLS (a certificate of ca for that host), and the
// requests inside it are sent on to the host's fake. Any other host is
// refused: nothing leaves the machine.
func startProxy(t *testing.T, ca *authority, routes map[string]string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target, ok := routes[r.Host]
		if r.Method != http.MethodConnect || !ok {
			t.Errorf("the snippet asked the proxy for %s %s, which is no fake's host", r.Method, r.Host)
			http.Error(w, "no such fake", http.StatusBadGateway)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "no hijack", http.StatusInternalServerError)
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
			return
		}
		tc := tls.Server(conn, &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			return ca.leaf(h.ServerName)
		}})
		forward(tc, target)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// forward reads requests from conn and answers each with the fake's
// response to it, until conn closes.
func forward(conn net.Conn, target string) {
	base, err := url.Parse(target)
	if err != nil {
		return
	}
	br := bufio.NewReader(conn)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		req.RequestURI = ""
		req.URL.Scheme, req.URL.Host = base.Scheme, base.Host
		req.URL.Path = strings.TrimSuffix(base.Path, "/") + req.URL.Path
		req.URL.RawPath = ""
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			resp = &http.Response{StatusCode: http.StatusBadGateway, ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Body: http.NoBody}
		}
		err = resp.Write(conn)
		resp.Body.Close()
		if err != nil {
			return
		}
	}
}
