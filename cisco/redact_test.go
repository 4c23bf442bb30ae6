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

// A short credential is redacted where it stands as a value, never inside an
// ordinary word: with CISCO_CLIENT_ID=x the error of a failed lookup still
// names example.invalid (the issue saw "lookup eREDACTEDample.invalid").
func TestShortCredentialDoesNotCorruptErrors(t *testing.T) {
	fail := walktest.RoundTrip(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("dial tcp: lookup api.example.invalid: no such host")
	})
	for _, id := range []string{"x", "a", "e"} {
		c := walktest.Must(cisco.NewClient(id, "k", walktest.Mocked(fail, auditclient.WithBaseURL("https://api.example.invalid"))...))(t)
		_, err := c.ListPage(context.Background(), &cisco.ListOptions{PageSize: 5, AuditLogUser: "amp@example.com"})
		if msg := walktest.FmtAll(err); err == nil || strings.Contains(msg, "REDACTED") || !strings.Contains(msg, "lookup api.example.invalid: no such host") || !strings.Contains(msg, "amp%40example.com") {
			t.Errorf("client id %q: %v", id, err)
		}
	}
}
