package instavm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/vendors"
)

func TestVendorIsRegistered(t *testing.T) {
	walktest.Registered(t, walktest.Registration{Vendor: instavm.Vendor, Name: instavm.Name, Endpoint: "GET /v1/audit/events",
		DefaultBaseURL: instavm.DefaultBaseURL, Natural: auditclient.NewestFirst,
		Settings: []vendors.Setting{{Name: "api_key", Env: "INSTAVM_API_KEY", Secret: true, Required: true}},
		Filters:  []string{"event_group", "event_type", "status", "user_id", "vm_id", "session_id"}})
}

// Open checks everything before it sends anything: a bad setting is a
// *auditclient.ConfigError, a bad filter, page size or window an
// *auditclient.OptionError naming the API's parameter. (What the registry
// refuses before the vendor's Open, settings unknown or missing, filters
// unknown or repeated and orders not served, is vendors/vendors_test.go's
// TestOpenChecksBeforeTheVendor, on the declaration TestVendorIsRegistered
// checks, and the conformance suite's BadOptions.)
func TestVendorOpenRefusesBeforeSending(t *testing.T) {
	fake := generated(t, 10, audittest.InstavmOptions{})
	key := map[string]string{"api_key": fake.APIKey()}
	setting := func(name string, settings map[string]string, option, env string) walktest.Refusal {
		return walktest.Refusal{Name: name, Cfg: vendors.Config{Settings: settings, BaseURL: fake.URL()}, Config: true, Option: option, Env: env}
	}
	option := func(name string, cfg vendors.Config, option string) walktest.Refusal {
		cfg.Settings, cfg.BaseURL = key, fake.URL()
		return walktest.Refusal{Name: name, Cfg: cfg, Option: option}
	}
	filter := func(nv ...string) []vendors.Param {
		var out []vendors.Param
		for i := 0; i < len(nv); i += 2 {
			out = append(out, vendors.Param{Name: nv[i], Value: nv[i+1]})
		}
		return out
	}
	walktest.OpenRefused(t, instavm.Vendor, []string{fake.APIKey()}, func() int { return fake.Stats().Requests },
		setting("key with a newline", map[string]string{"api_key": "instavm_sk_a\nb"}, "apiKey", "INSTAVM_API_KEY"),
		setting("key with a space", map[string]string{"api_key": "instavm_sk_a b"}, "apiKey", "INSTAVM_API_KEY"),
		option("user_id not a number", vendors.Config{Filters: filter("user_id", "alice")}, "user_id"),
		option("user_id negative", vendors.Config{Filters: filter("user_id", "-4")}, "user_id"),
		option("filter too long", vendors.Config{Filters: filter("vm_id", strings.Repeat("x", 2000))}, "vm_id"),
		option("page size", vendors.Config{PageSize: 500}, "limit"),
		option("since after until", vendors.Config{Since: dataEnd, Until: dataEnd.Add(-time.Hour)}, "since"),
	)
}

// A walk opened by name sends the key and every filter, and yields the
// events of the window; Source.Client is the client's HTTP.
func TestVendorOpenWalks(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(600, 4, dataEnd)})
	since, key := dataEnd.Add(-12*time.Hour), map[string]string{"api_key": fake.APIKey()}
	src := walktest.Must(vendors.Open(context.Background(), "instavm", vendors.Config{
		Settings: key, BaseURL: fake.URL(), Since: since, PageSize: 7, Order: auditclient.NewestFirst, Options: walktest.FastOptions(fake.URL()),
		Filters: []vendors.Param{{Name: "event_group", Value: "vm"}, {Name: "status", Value: "success"},
			{Name: "user_id", Value: "4821"}, {Name: "event_type", Value: "vm.create"}, {Name: "vm_id", Value: "v"}, {Name: "session_id", Value: "s"}},
	}))(t)
	defer src.Events.Close()
	walktest.All(t, src.Events, nil)
	reqs := fake.Requests()
	if len(reqs) == 0 || src.Client.Stats().Requests != int64(len(reqs)) {
		t.Fatalf("%d requests, client counted %+v", len(reqs), src.Client.Stats())
	}
	want := "event_group=vm&event_type=vm.create&limit=7&session_id=s&status=success&user_id=4821&vm_id=v"
	if r := reqs[0]; r.Header.Get("X-API-Key") != fake.APIKey() || r.Query.Encode() != want {
		t.Errorf("request %s, want query %s", r, want)
	}

	src = walktest.Must(vendors.Open(context.Background(), "instavm", vendors.Config{Settings: key, BaseURL: fake.URL(), Since: since, Options: walktest.FastOptions(fake.URL())}))(t)
	defer src.Events.Close()
	got, wantN := walktest.All(t, src.Events, nil), 0
	for _, raw := range fake.Events() {
		var e instavm.AuditEvent
		if err := e.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		wantN += map[bool]int{true: 1}[!e.CreatedAt.Before(since)]
	}
	if len(got) != wantN || wantN == 0 {
		t.Errorf("%d events, the window holds %d", len(got), wantN)
	}
}
