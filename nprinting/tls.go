package nprinting

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"

	"github.com/auditkit/auditkit/auditclient"
)

// CertPoolFromPEM returns a pool of the PEM-encoded certificates in
// pemCerts: the CA that issued the server's certificate or, for a
// self-signed server, its own certificate. It fails when pemCerts holds no
// certificate or one that does not parse; other PEM blocks (a private key
// by mistake) are refused too, so a wrong file is noticed.
func CertPoolFromPEM(pemCerts []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	rest := pemCerts
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("nprinting: CA PEM: block %d is a %q, not a CERTIFICATE", n+1, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("nprinting: CA PEM: certificate %d does not parse: %w", n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, errors.New("nprinting: CA PEM: no certificate found (expected -----BEGIN CERTIFICATE----- blocks)")
	}
	return pool, nil
}

// TLSClient returns a copy of hc (a new client with a pooled transport when
// hc is nil) whose transport trusts exactly the CAs in pool instead of the
// system's roots. Certificate and host name verification stay on: there is
// no way here to skip them. hc and its transport are not modified; the
// transport must be nil or an *http.Transport (it is cloned). Pass the
// result with auditclient.WithHTTPClient.
func TLSClient(hc *http.Client, pool *x509.CertPool) (*http.Client, error) {
	if pool == nil {
		return nil, errors.New("nprinting: TLSClient: the CA pool is nil")
	}
	var cp http.Client
	var t *http.Transport
	if hc != nil {
		cp = *hc
		switch rt := hc.Transport.(type) {
		case nil:
		case *http.Transport:
			t = rt.Clone()
		default:
			return nil, fmt.Errorf("nprinting: TLSClient: the client's transport is a %T, not an *http.Transport; set its TLS roots yourself", hc.Transport)
		}
	}
	if t == nil {
		t = http.DefaultTransport.(*http.Transport).Clone()
	}
	var tc *tls.Config
	if t.TLSClientConfig != nil {
		tc = t.TLSClientConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	tc.RootCAs = pool
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	t.TLSClientConfig = tc
	cp.Transport = t
	return &cp, nil
}

// WithRootCAsPEM returns an option that makes the client trust exactly the
// CAs (or self-signed server certificate) in pemCerts, for NPrinting
// servers with certificates no system root vouches for. It is
// auditclient.WithHTTPClient of a new client (see TLSClient), so it replaces
// a client set by an earlier option; use TLSClient to keep one.
func WithRootCAsPEM(pemCerts []byte) (auditclient.Option, error) {
	pool, err := CertPoolFromPEM(pemCerts)
	if err != nil {
		return nil, err
	}
	hc, err := TLSClient(nil, pool)
	if err != nil {
		return nil, err
	}
	return auditclient.WithHTTPClient(hc), nil
}
