package instavm_test

import (
	"context"
	"errors"
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
	v, ok := vendors.Lookup("instavm")
	if !ok || v != instavm.Vendor || v.Name != instavm.Name || v.DefaultBaseURL != instavm.DefaultBaseURL ||
		v.Endpoint != "GET /v1/audit/events" || v.Natural != auditclient.NewestFirst || len(v.Orders) != 0 || v.OrderNote == "" {
		t.Fatalf("registry entry %+v", v)
	}
	if len(v.Settings) != 1 || v.Settings[0] != (vendors.Setting{Name: "api_key", Env: "INSTAVM_API_KEY", Help: v.Settings[0].Help, Secret: true, Required: true}) {
		t.Errorf("settings %+v", v.Settings)
	}
	var names []string
	for _, f := range v.Filters {
		names = append(names, f.Name)
		if f.Allowed == "" || f.Help == "" || f.Repeatable || f.Values != nil {
			t.Errorf("filter %+v", f)
		}
	}
	if got := strings.Join(names, ","); got != "event_group,event_type,status,user_id,vm_id,session_id" {
		t.Errorf("filters %s", got)
	}
}

// Open checks everything before it sends anything: a bad setting is a
// *auditclient.ConfigError, a bad filter, page size or order an
// *auditclient.OptionError naming the API's parameter.
func TestVendorOpenRefusesBeforeSending(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(10, 1, dataEnd)})
	key := map[string]string{"api_key": fake.APIKey()}
	for _, tt := range []struct {
		name   string
		cfg    vendors.Config
		option string
		config bool
	}{
		{"no key", vendors.Config{}, "setting api_key", true},
		{"blank key", vendors.Config{Settings: map[string]string{"api_key": " "}}, "setting api_key", true},
		{"key with a newline", vendors.Config{Settings: map[string]string{"api_key": "instavm_sk_a\nb"}}, "apiKey", true},
		{"key with a space", vendors.Config{Settings: map[string]string{"api_key": "instavm_sk_a b"}}, "apiKey", true},
		{"unknown setting", vendors.Config{Settings: map[string]string{"api_key": "k", "org_uuid": "x"}}, "setting org_uuid", true},
		{"user_id not a number", vendors.Config{Settings: key, Filters: []vendors.Param{{Name: "user_id", Value: "alice"}}}, "user_id", false},
		{"user_id negative", vendors.Config{Settings: key, Filters: []vendors.Param{{Name: "user_id", Value: "-4"}}}, "user_id", false},
		{"unknown filter", vendors.Config{Settings: key, Filters: []vendors.Param{{Name: "actor_type", Value: "user"}}}, "actor_type", false},
		{"filter twice", vendors.Config{Settings: key, Filters: []vendors.Param{{Name: "vm_id", Value: "a"}, {Name: "vm_id", Value: "b"}}}, "vm_id", false},
		{"filter too long", vendors.Config{Settings: key, Filters: []vendors.Param{{Name: "vm_id", Value: strings.Repeat("x", 2000)}}}, "vm_id", false},
		{"page size", vendors.Config{Settings: key, PageSize: 500}, "limit", false},
		{"oldest first", vendors.Config{Settings: key, Order: auditclient.OldestFirst}, "order", false},
		{"since after until", vendors.Config{Settings: key, Since: dataEnd, Until: dataEnd.Add(-time.Hour)}, "since", false},
	} {
		tt.cfg.BaseURL = fake.URL()
		src, err := vendors.Open(context.Background(), "instavm", tt.cfg)
		var ce *auditclient.ConfigError
		var oe *auditclient.OptionError
		switch {
		case src != nil:
			t.Errorf("%s: opened", tt.name)
		case tt.config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != tt.option || ce.Vendor != "instavm"):
			t.Errorf("%s: %v, want a ConfigError for %s", tt.name, err, tt.option)
		case !tt.config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != tt.option || oe.Vendor != "instavm"):
			t.Errorf("%s: %v, want an OptionError for %s", tt.name, err, tt.option)
		}
		if ce != nil && ce.Option != "setting org_uuid" && (ce.Env != "INSTAVM_API_KEY" || ce.Value != "") {
			t.Errorf("%s: %v: want the environment variable named and no value", tt.name, err)
		}
	}
	if n := fake.Stats().Requests; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// A walk opened by name sends the key and every filter, and yields the
// events of the window; Source.Client is the client's HTTP.
func TestVendorOpenWalks(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(600, 4, dataEnd)})
	since := dataEnd.Add(-12 * time.Hour)
	src, err := vendors.Open(context.Background(), "instavm", vendors.Config{
		Settings: map[string]string{"api_key": fake.APIKey()},
		Filters: []vendors.Param{{Name: "event_group", Value: "vm"}, {Name: "status", Value: "success"},
			{Name: "user_id", Value: "4821"}, {Name: "event_type", Value: "vm.create"}, {Name: "vm_id", Value: "v"}, {Name: "session_id", Value: "s"}},
		BaseURL:  fake.URL(),
		Since:    since,
		PageSize: 7,
		Order:    auditclient.NewestFirst,
		Options:  walktest.FastOptions(fake.URL()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	walktest.Collect(t, src.Events, -1)
	if err := src.Events.Err(); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) == 0 || src.Client.Stats().Requests != int64(len(reqs)) {
		t.Fatalf("%d requests, client counted %+v", len(reqs), src.Client.Stats())
	}
	want := "event_group=vm&event_type=vm.create&limit=7&session_id=s&status=success&user_id=4821&vm_id=v"
	if r := reqs[0]; r.Header.Get("X-API-Key") != fake.APIKey() || r.Query.Encode() != want {
		t.Errorf("request %s, want query %s", r, want)
	}

	src, err = vendors.Open(context.Background(), "instavm", vendors.Config{
		Settings: map[string]string{"api_key": fake.APIKey()}, BaseURL: fake.URL(), Since: since, Options: walktest.FastOptions(fake.URL()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Events.Close()
	got := walktest.Collect(t, src.Events, -1)
	wantN := 0
	for _, raw := range fake.Events() {
		var e instavm.AuditEvent
		if err := e.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		if !e.CreatedAt.Before(since) {
			wantN++
		}
	}
	if err := src.Events.Err(); err != nil || len(got) != wantN || wantN == 0 {
		t.Errorf("%d events (%v), the window holds %d", len(got), err, wantN)
	}
}
