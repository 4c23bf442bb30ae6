package cisco_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/internal/walktest"
)

type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// A short credential is redacted where it stands as a value, never inside an
// ordinary word: with CISCO_CLIENT_ID=x the error of a failed lookup still
// names example.invalid (the issue saw "lookup eREDACTEDample.invalid").
func TestShortCredentialDoesNotCorruptErrors(t *testing.T) {
	for _, id := range []string{"x", "a", "e"} {
		c, err := cisco.NewClient(id, "k", walktest.FastOptions("https://api.example.invalid",
			auditclient.WithHTTPClient(&http.Client{Transport: failingTransport{errors.New("dial tcp: lookup api.example.invalid: no such host")}}),
			auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}))...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListPage(context.Background(), &cisco.ListOptions{PageSize: 5, AuditLogUser: "amp@example.com"})
		if err == nil {
			t.Fatal("no error")
		}
		msg := walktest.FmtAll(err)
		if strings.Contains(msg, "REDACTED") || !strings.Contains(msg, "lookup api.example.invalid: no such host") || !strings.Contains(msg, "amp%40example.com") {
			t.Errorf("client id %q: %s", id, err)
		}
	}
}
