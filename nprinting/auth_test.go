package nprinting_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/nprinting"
)

// tlsServer serves one document page over TLS with httptest's self-signed
// certificate, checking the bearer token.
func tlsServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.URL.Path != "/api/v1/audit/events" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"code":401,"message":"Authorization has been denied for this request."}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(docExample(t, "fixture"))
	}))
	t.Cleanup(ts.Close)
	return ts, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
}

func noRetry() auditclient.Option {
	return auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1})
}

func TestTLSTrustsOnlyTheGivenCA(t *testing.T) {
	ts, caPEM := tlsServer(t)
	ctx := context.Background()

	// Without the CA, the self-signed certificate is refused: verification
	// is on by default.
	_, err := walktest.Must(nprinting.NewClient(ts.URL, testToken, noRetry()))(t).ListPage(ctx, nil)
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if !errors.As(err, &unknown) && !errors.As(err, &verify) {
		t.Fatalf("self-signed server without the CA: err = %v, want a certificate verification error", err)
	}

	// With its certificate as the CA, the same server is trusted.
	opt := walktest.Must(nprinting.WithRootCAsPEM(caPEM))(t)
	if page := walktest.Must(walktest.Must(nprinting.NewClient(ts.URL, testToken, opt, noRetry()))(t).ListPage(ctx, nil))(t); len(page.Data.Items) != 2 {
		t.Fatalf("with the CA: %d items", len(page.Data.Items))
	}

	// A server with another self-signed certificate is refused by that
	// pool: the pool replaces the roots, it does not switch checks off.
	other := httptest.NewUnstartedServer(ts.Config.Handler)
	other.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	other.StartTLS()
	defer other.Close()
	if _, err := walktest.Must(nprinting.NewClient(other.URL, testToken, opt, noRetry()))(t).ListPage(ctx, nil); !errors.As(err, &unknown) && !errors.As(err, &verify) {
		t.Errorf("a server whose certificate is not in the pool: err = %v", err)
	}
}

// selfSigned makes a certificate for 127.0.0.1 that no pool trusts.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key := walktest.Must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4993),
		Subject:      pkix.Name{CommonName: "nprinting.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der := walktest.Must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key))(t)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLSClientKeepsTheCallersClient(t *testing.T) {
	ts, caPEM := tlsServer(t)
	pool := walktest.Must(nprinting.CertPoolFromPEM(caPEM))(t)
	base := &http.Transport{MaxIdleConnsPerHost: 7, TLSClientConfig: &tls.Config{ServerName: "example.com"}}
	hc := &http.Client{Transport: base, Timeout: 42 * time.Second}
	tc := walktest.Must(nprinting.TLSClient(hc, pool))(t)
	tr := tc.Transport.(*http.Transport)
	if tc.Timeout != 42*time.Second || tr == base || tr.MaxIdleConnsPerHost != 7 || tr.TLSClientConfig.RootCAs != pool ||
		tr.TLSClientConfig.ServerName != "example.com" || tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		t.Errorf("TLSClient = %+v, transport %+v", tc, tr.TLSClientConfig)
	}
	if base.TLSClientConfig.RootCAs != nil || hc.Transport != base {
		t.Error("TLSClient modified the caller's client")
	}
	if _, err := walktest.Must(nprinting.NewClient(ts.URL, testToken, auditclient.WithHTTPClient(tc), noRetry()))(t).ListPage(context.Background(), nil); err != nil {
		t.Errorf("through TLSClient: %v", err)
	}

	if _, err := nprinting.TLSClient(&http.Client{Transport: roundTripFunc(http.DefaultTransport.RoundTrip)}, pool); err == nil {
		t.Error("a transport TLSClient cannot configure was accepted")
	}
	if _, err := nprinting.TLSClient(nil, nil); err == nil {
		t.Error("nil pool accepted")
	}
}

func TestCertPoolFromPEMRefusesWrongFiles(t *testing.T) {
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	for name, in := range map[string][]byte{"empty": nil, "text": []byte("hello"), "key": key, "garbage certificate": bad} {
		if _, err := nprinting.CertPoolFromPEM(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := nprinting.WithRootCAsPEM(in); err == nil {
			t.Errorf("%s: WithRootCAsPEM accepted", name)
		}
	}
}

type roundTripFunc = walktest.RoundTrip

// fakeNTLM stands in for a real NTLM implementation: it answers the
// login's challenge with the fake's expected message, and counts the
// requests it sees.
type fakeNTLM struct {
	message string
	seen    atomic.Int64
	logins  atomic.Int64
}

func (f *fakeNTLM) hook(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		f.seen.Add(1)
		if !strings.HasSuffix(r.URL.Path, "/api/v1/login/ntlm") {
			return next.RoundTrip(r)
		}
		// As an NTLM negotiator does: try, and answer the challenge.
		resp, err := next.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || !strings.Contains(strings.Join(resp.Header.Values("WWW-Authenticate"), ","), "NTLM") {
			return resp, err
		}
		resp.Body.Close()
		f.logins.Add(1)
		r2 := r.Clone(r.Context())
		r2.Header.Set("Authorization", "NTLM "+f.message)
		return next.RoundTrip(r2)
	})
}

func TestNTLMLoginAndSessionCookies(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{
		BasePath: "/np",
		Events:   audittest.GenerateNPrintingEvents(300, 4, time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)),
	})
	var logs bytes.Buffer
	ntlm := &fakeNTLM{message: fake.NTLMToken()}
	c := walktest.Must(nprinting.NewNTLMClient(fake.URL(), ntlm.hook, walktest.FastOptions("", auditclient.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))...))(t)
	walkAll := func() int {
		it := c.Events(context.Background(), &nprinting.ListOptions{PageSize: 50}, nil)
		defer it.Close()
		return len(walktest.All(t, it, nil))
	}
	if n := walkAll(); n != 300 {
		t.Fatalf("%d events, want 300", n)
	}
	if fake.Logins() != 1 || ntlm.logins.Load() != 1 {
		t.Errorf("logins: fake %d, hook %d; want one login for the whole walk", fake.Logins(), ntlm.logins.Load())
	}
	var audit int
	var cookies []string
	for _, r := range fake.Requests() {
		if r.Path != "/np/api/v1/audit/events" {
			continue
		}
		audit++
		ck := r.Header.Get("Cookie")
		cookies = append(cookies, ck)
		if !strings.Contains(ck, audittest.NPrintingSessionCookie+"=") || r.Header.Get("X-XSRF-TOKEN") == "" ||
			!strings.Contains(ck, audittest.NPrintingXSRFCookie+"="+r.Header.Get("X-XSRF-TOKEN")) || r.Header.Get("Authorization") != "" {
			t.Errorf("audit request headers: Cookie %q, X-XSRF-TOKEN %q, Authorization %q", ck, r.Header.Get("X-XSRF-TOKEN"), r.Header.Get("Authorization"))
		}
	}
	if audit != 6 || ntlm.seen.Load() < int64(audit) {
		t.Errorf("%d audit requests, %d through the hook", audit, ntlm.seen.Load())
	}

	// The session expires: the next walk logs in again by itself.
	fake.ExpireSessions()
	if n := walkAll(); n != 300 {
		t.Fatalf("after expiry: %d events", n)
	}
	if fake.Logins() < 2 || c.HTTP().Stats().Reauthenticated == 0 {
		t.Errorf("after expiry: %d logins, %d reauthentications", fake.Logins(), c.HTTP().Stats().Reauthenticated)
	}

	// No session cookie reaches the logs.
	for _, ck := range cookies[:1] {
		for _, part := range strings.Split(ck, ";") {
			_, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.Contains(logs.String(), v) || strings.Contains(walktest.FmtAll(c), v) {
				t.Errorf("a session cookie value reached the logs or %%v")
			}
		}
	}
}

func TestNTLMLoginRefused(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(10, 4, time.Now())})
	ntlm := &fakeNTLM{message: "wrong-message"}
	_, err := walktest.Must(nprinting.NewNTLMClient(fake.URL(), ntlm.hook, walktest.FastOptions("")...))(t).ListPage(context.Background(), nil)
	var api *auditclient.APIError
	if !errors.Is(err, auditclient.ErrUnauthorized) || !errors.As(err, &api) || api.Message != "Windows authentication failed." || !strings.Contains(api.URL, "/api/v1/login/ntlm") {
		t.Errorf("refused login: %v", err)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/api/v1/audit/events" {
			t.Errorf("the audit endpoint was called without a session: %v", r)
		}
	}
}

// A login that answers 200 without a session cookie is an error, not a
// walk without credentials.
func TestNTLMLoginWithoutCookie(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer ts.Close()
	_, err := walktest.Must(nprinting.NewNTLMClient(ts.URL, func(next http.RoundTripper) http.RoundTripper { return next }, noRetry()))(t).ListPage(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "NPWEBCONSOLE_SESSION") {
		t.Errorf("err = %v", err)
	}
	if fmt.Sprint(paths) != "[/api/v1/login/ntlm]" {
		t.Errorf("requests %v", paths)
	}
	if _, err := nprinting.NewNTLMClient(ts.URL, func(http.RoundTripper) http.RoundTripper { return nil }); err == nil {
		t.Error("a hook returning nil was accepted")
	}
}
