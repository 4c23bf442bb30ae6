package collector

import (
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// Sources of one account share one pacer; another account, or the same
// account's other credential, gets its own.
func TestAccountsSharePacers(t *testing.T) {
	v, ok := vendors.Lookup("cisco")
	if !ok {
		t.Fatal("cisco is not registered")
	}
	c := &collector{}
	pacer := func(vc vendors.Config) *auditclient.Pacer {
		t.Helper()
		opts := c.accountOptions(v, vc)
		var cfg auditclient.Config
		auditclient.ApplyOptions(&cfg, opts...)
		if cfg.Pacer == nil {
			t.Fatalf("accountOptions(%v) set no pacer", vc.Settings["client_id"])
		}
		return cfg.Pacer
	}
	acme := vendors.Config{Settings: map[string]string{"client_id": "acme", "api_key": "k1", "region": "eu"}}
	acmeAgain := vendors.Config{Settings: map[string]string{"client_id": "acme", "api_key": "k1", "region": "eu"},
		Filters: []vendors.Param{{Name: "audit_log_type", Value: "User"}}}
	other := vendors.Config{Settings: map[string]string{"client_id": "globex", "api_key": "k2", "region": "eu"}}
	rotated := vendors.Config{Settings: map[string]string{"client_id": "acme", "api_key": "k9", "region": "eu"}}
	p := pacer(acme)
	if pacer(acmeAgain) != p {
		t.Error("two sources of one account got two pacers")
	}
	if pacer(other) == p {
		t.Error("another account shares the first account's pacer")
	}
	if pacer(rotated) == p {
		t.Error("another credential of the account shares its pacer")
	}
	if len(c.pacers) != 3 {
		t.Errorf("%d pacers, want 3", len(c.pacers))
	}
	for key := range c.pacers {
		for _, secret := range []string{"k1", "k2", "k9", "acme", "globex"} {
			if strings.Contains(key, secret) {
				t.Errorf("account key %q holds a credential", key)
			}
		}
	}
}
