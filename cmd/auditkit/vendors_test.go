package main

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
)

// The CLI's per-vendor behaviour is one table (cliVendors, a row per
// registered vendor) driving vendor-neutral tests: usage errors, the vendor
// listing, demo pulls, settings from a flag or the environment, and
// --base-url as the origin. What only one vendor does has its own test in
// vendor_<vendor>_test.go.

// setting is one of a vendor's settings as the CLI reads it.
type setting struct {
	name, flag, env string
	// value is accepted (no request is sent with it): the environment of
	// the usage cases holds it; "" for an optional setting. Credentials
	// hold "s3cr3t", which no output may show.
	value string
	// bad are values refused from the flag and from the variable alike,
	// each with what the refusal names besides the setting and variable.
	bad map[string][]string
}

// origin is a vendor's fake under the proxy prefix /gw, for the forms of
// --base-url (and its server setting) that must reach it.
type origin struct {
	fake interface {
		URL() string
		Requests() []audittest.RecordedRequest
	}
	env   map[string]string
	n     int            // the records it serves
	path  *regexp.Regexp // what every request's path must match
	forms []string       // arguments, "{}" for the fake's URL; NAME=VALUE sets a variable
}

type cliVendor struct {
	settings []setting           // exactly the registry's, in order
	page     []string            // a --page-size over the limit, then what its refusal names
	orders   map[string][]string // oldest-first, newest-first: nil when pulled, else what the refusal names
	natural  string              // the time order of a pull without --order, if any
	unknown  string              // a filter name the vendor does not take
	product  string              // metadata.product.vendor_name of its events
	classes  int                 // the OCSF classes its demo data set covers at least
	listed   []string            // what "auditkit vendors" shows of it (besides the registry's fields)
	good     map[string]string   // an accepted value of a flag setting the demo fake has none for
	demo     [][]string          // more argument sets for its demo pull
	usage    []usageCase         // more usage errors; a nil env is the settings' values
	origin   func(t *testing.T) origin
}

var cliVendors = map[string]cliVendor{
	"automox": {
		settings: []setting{
			{"api_key", "", "AUTOMOX_API_KEY", "ax-s3cr3t-key", nil},
			{"org_uuid", "org", "AUTOMOX_ORG_UUID", "123e4567-e89b-12d3-a456-426614174000", map[string][]string{"my-org": {`"my-org"`, "UUID"}, "acme": {`"acme"`}}},
		},
		page: []string{"501", "limit", "501", "500"}, unknown: "page", product: "Automox", classes: 3,
		orders: map[string][]string{"oldest-first": nil, "newest-first": {"oldest first"}}, natural: "oldest-first",
		listed: []string{"GET /api/audit-service/v1/orgs/{orgUuid}/events", "https://console.automox.com\n"},
		usage: []usageCase{
			{nil, []string{"--filter", "date=2024-13-01"}, []string{"date", "2024-13-01"}},
			{nil, []string{"--filter", "date=2024-06-18", "--since", "24h"}, []string{"date", "--since"}},
			{nil, []string{"--filter", "date=2024-06-18", "--filter", "date=2024-06-19"}, []string{"date"}},
			{nil, []string{"--filter", "cursor=6672200dd10935351f936399"}, []string{"cursor", "--checkpoint"}},
			{nil, []string{"--filter", "limit=10"}, []string{"limit", "--page-size"}},
		},
		// origin: TestAutomoxBaseURLAndUntil (the walk reads the days of a window).
	},
	"cisco": {
		settings: []setting{
			{"client_id", "", "CISCO_CLIENT_ID", "cs-s3cr3t-id", nil},
			{"api_key", "", "CISCO_API_KEY", "cs-s3cr3t-key", nil},
			{"region", "region", "CISCO_REGION", "", map[string][]string{"us": {"eu"}, "mars": {"mars"}}},
		},
		page: []string{"501", "limit", "500"}, unknown: "offset", product: "Cisco", classes: 3, good: map[string]string{"region": "eu"},
		orders:  map[string][]string{"newest-first": nil, "oldest-first": {"newest first", "oldest-first is not offered"}},
		natural: "newest-first",
		listed:  []string{"cisco — Cisco Secure Endpoint", "https://api.amp.cisco.com", "GUID"},
		usage: []usageCase{
			{nil, []string{"--filter", "audit_log_id=42"}, []string{"audit_log_id", "GUID"}},
			{nil, []string{"--filter", "event=login", "--filter", "event=logout"}, []string{"event"}},
			{nil, []string{"--page-size", "900"}, []string{"500"}},
		},
		origin: func(t *testing.T) origin {
			f := audittest.StartCisco(t, audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(40, 2, testEnd), BasePath: "/gw"})
			return origin{f, map[string]string{"CISCO_CLIENT_ID": f.ClientID(), "CISCO_API_KEY": f.APIKey()}, 40,
				regexp.MustCompile(`^/gw/v1/audit_logs$`), []string{"--base-url {}", "--base-url {}/"}}
		},
	},
	"entrust": {
		settings: []setting{
			{"tenant", "tenant", "ENTRUST_TENANT", "example.us.trustedauth.com", map[string][]string{"exa mple": {"exa mple"}}},
			{"application_id", "", "ENTRUST_APPLICATION_ID", "ent-app-s3cr3t-id", nil},
			{"shared_secret", "", "ENTRUST_SHARED_SECRET", "s3cr3t-entrust", nil},
		},
		page: []string{"500", "limit", "100"}, unknown: "colour", product: "Entrust", classes: 3,
		orders:  map[string][]string{"oldest-first": nil, "newest-first": nil},
		natural: "oldest-first",
		demo:    [][]string{{"--filter", "siem=true"}},
		usage: []usageCase{
			{nil, []string{"--filter", "outcome=MAYBE"}, []string{"outcome", "SUCCESS, FAIL"}},
			{nil, []string{"--filter", "sourceIp=CONTAINS:203."}, []string{"sourceIp", "EQUALS, STARTS_WITH"}},
			{nil, []string{"--filter", "entityType=" + strings.Repeat("X", 41)}, []string{"entityType", "40"}},
			{nil, []string{"--filter", "subject=jdoe"}, []string{"subject", "UUID"}},
			{nil, []string{"--filter", "eventTime=yesterday"}, []string{"eventTime"}},
			{nil, []string{"--filter", "order_by=eventType"}, []string{"order_by"}},
			{nil, []string{"--filter", "order_by=eventTime:up"}, []string{"order_by"}},
			{nil, []string{"--filter", "siem=yes"}, []string{"siem"}},
			{nil, []string{"--filter", "siem=true", "--filter", "entityType=USERS"}, []string{"entityType", "siem=true"}},
			{nil, []string{"--filter", "siem=true", "--filter", "order_by=outcome"}, []string{"order_by"}},
			{nil, []string{"--filter", "siem=true", "--order", "newest-first"}, []string{"order", "oldest first"}},
		},
		origin: func(t *testing.T) origin {
			f := audittest.StartEntrust(t, audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(40, 2, testEnd), BasePath: "/gw"})
			return origin{f, map[string]string{"ENTRUST_APPLICATION_ID": f.ApplicationID(), "ENTRUST_SHARED_SECRET": f.SharedSecret()}, 40,
				regexp.MustCompile(`^/gw/api/web/(v1/adminapi/authenticate|v2/reports/auditeventspaged)$`),
				[]string{"--tenant {}", "--tenant {}/api", "ENTRUST_TENANT={}/api/web/", "--base-url {}/", "--base-url {}/api/web", "--tenant unused.invalid --base-url {}/api/web/v2/"}}
		},
	},
	"instavm": {
		settings: []setting{{"api_key", "", "INSTAVM_API_KEY", "instavm_sk_s3cr3t", nil}},
		page:     []string{"500", "limit", "500", "200"}, unknown: "actor_type", product: "InstaVM", classes: 3,
		orders:  map[string][]string{"newest-first": nil, "oldest-first": {"oldest-first", "newest first"}},
		natural: "newest-first",
		// The demo's data set ends now: a pull of the last day finds events.
		demo: [][]string{{"--since", "24h", "--order", "natural"}, {"--since", "24h", "--order", "newest-first"}},
		usage: []usageCase{
			{nil, []string{"--filter", "user_id=alice"}, []string{"user_id", "alice", "positive integer"}},
			{nil, []string{"--filter", "user_id=-4"}, []string{"user_id", "-4"}},
			{nil, []string{"--filter", "vm_id=a", "--filter", "vm_id=b"}, []string{"vm_id"}},
			{nil, []string{"--filter", "vm_id=" + strings.Repeat("x", 2000)}, []string{"vm_id", "1024"}},
			{map[string]string{"INSTAVM_API_KEY": "instavm_sk_ s3cr3t"}, nil, []string{"apiKey", "INSTAVM_API_KEY", "space"}},
		},
		origin: func(t *testing.T) origin {
			f := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(40, 2, testEnd), BasePath: "/gw"})
			return origin{f, map[string]string{"INSTAVM_API_KEY": f.APIKey()}, 40, regexp.MustCompile(`^/gw/v1/audit/events$`),
				[]string{"--base-url {}", "--base-url {}/", "--base-url {}/v1", "--base-url {}/v1/"}}
		},
	},
	"nprinting": {
		settings: []setting{
			{"server", "server", "NPRINTING_SERVER", "nprinting.example.com", map[string][]string{"ftp://nprinting.example.com": {"scheme"}}},
			{"token", "", "NPRINTING_TOKEN", "jwt-s3cr3t", nil},
			{"ca_file", "ca-file", "NPRINTING_CA_FILE", "", map[string][]string{"/nonexistent/ca.pem": {"/nonexistent/ca.pem"}}},
		},
		page: []string{"5000", "limit", "5000", "1000"}, unknown: "action", product: "Qlik", classes: 3,
		orders: map[string][]string{"newest-first": {"newest-first", "server's own order"}, "oldest-first": {"oldest-first"}},
		usage: []usageCase{
			{nil, []string{"--filter", "appId=sales"}, []string{"appId", "sales", "UUID"}},
			{nil, []string{"--filter", "targetId=42"}, []string{"targetId"}},
			// Plain http to a host that is not loopback needs --allow-http.
			{nil, []string{"--server", "http://10.0.0.9:4993"}, []string{"--server", "--allow-http"}},
		},
		origin: func(t *testing.T) origin {
			f := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(40, 2, testEnd), BasePath: "/gw"})
			return origin{f, map[string]string{"NPRINTING_TOKEN": f.Token()}, 40, regexp.MustCompile(`^/gw/api/v1/audit/events$`),
				[]string{"--server {}", "--server {}/", "--server {}/api/v1", "--server {}/api", "--base-url {}/api/v1/"}}
		},
	},
	"tanium": {
		settings: []setting{
			{"server", "server", "TANIUM_SERVER", "https://tanium.example.com", map[string][]string{"ftp://tanium.example.com": nil}},
			{"token", "", "TANIUM_API_TOKEN", "t0ken-s3cr3t", nil},
			{"objects", "objects", "TANIUM_OBJECTS", "user:1,sensor:7", map[string][]string{"widget:1": {"widget:1"}, "user:x": {"user:x"}}},
		},
		page: []string{"10001", "audit_history_size", "10000"}, unknown: "count", product: "Tanium", classes: 2,
		orders: map[string][]string{"newest-first": {"no time order"}, "oldest-first": {"no time order"}},
		demo:   [][]string{{"--rate-limit", "1e6"}},
		usage: []usageCase{
			{nil, []string{"--filter", "audit_history_size=0"}, []string{"audit_history_size"}},
			{nil, []string{"--filter", "audit_history_size=many"}, []string{"audit_history_size"}},
			{nil, []string{"--filter", "audit_history_size=10001"}, []string{"audit_history_size"}},
			{nil, []string{"--filter", "max_history_size=0"}, []string{"max_history_size"}},
			{nil, []string{"--filter", "max_history_size=deep"}, []string{"max_history_size"}},
			{nil, []string{"--filter", "max_history_size=10001"}, []string{"max_history_size", "10000"}},
			{nil, []string{"--filter", "max_history_size=50", "--page-size", "100"}, []string{"audit_history_size", "50"}},
		},
		origin: func(t *testing.T) origin {
			f := audittest.StartTanium(t, audittest.TaniumOptions{Events: audittest.GenerateTaniumHistories(2, 5, 5, testEnd), BasePath: "/gw/tanium"})
			return origin{f, map[string]string{"TANIUM_API_TOKEN": f.APIToken(), "TANIUM_OBJECTS": f.ObjectList()}, 10,
				regexp.MustCompile(`^/gw/tanium/api/v2/audit_logs/`), []string{"--base-url {}", "--base-url {}/"}}
		},
	},
}

// env is the environment of the vendor's usage cases: its settings' values.
func (c cliVendor) env() map[string]string {
	env := map[string]string{}
	for _, s := range c.settings {
		if s.value != "" {
			env[s.env] = s.value
		}
	}
	return env
}

// The table has a row for every registered vendor, with its settings.
func TestVendorTable(t *testing.T) {
	for _, v := range vendors.All() {
		var got, want []string
		for _, s := range v.Settings {
			got = append(got, s.Name+" --"+s.Flag+" "+s.Env)
		}
		for _, s := range cliVendors[v.Name].settings {
			want = append(want, s.name+" --"+s.flag+" "+s.env)
		}
		if !slices.Equal(got, want) || len(cliVendors) != len(vendors.All()) {
			t.Errorf("%s: settings %v, the table has %v (%d rows)", v.Name, got, want, len(cliVendors))
		}
	}
}

// "auditkit vendors" lists every vendor with its endpoint, filters, flags,
// variables and demo.
func TestVendorsList(t *testing.T) {
	r := mustRun(t, nil, "vendors")
	for _, v := range vendors.All() {
		want := append([]string{v.Name + " — " + v.Title, v.Endpoint, "auditkit pull " + v.Name + " --demo"}, cliVendors[v.Name].listed...)
		for _, s := range v.Settings {
			want = append(want, s.Env)
			if s.Flag != "" {
				want = append(want, "--"+s.Flag)
			}
		}
		for _, f := range v.Filters {
			want = append(want, f.Name+"=")
		}
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: the list lacks %q", v.Name, w)
			}
		}
	}
}

// Each vendor's usage errors: each required setting missing, each bad
// value from its flag or its variable, a page size over the limit, an
// order it cannot serve, a filter or another vendor's setting it does not
// take, and the row's own cases.
func TestVendorUsageErrors(t *testing.T) {
	for _, v := range vendors.All() {
		c := cliVendors[v.Name]
		env := c.env()
		with := func(k, val string) map[string]string {
			m := maps.Clone(env)
			if delete(m, k); val != "" {
				m[k] = val
			}
			return m
		}
		pull := func(args ...string) []string { return append([]string{"pull", v.Name}, args...) }
		var filters []string
		for _, f := range v.Filters {
			filters = append(filters, f.Name)
		}
		cases := []usageCase{
			{env, pull("--page-size", c.page[0]), c.page[1:]},
			{env, pull("--filter", c.unknown+"=1"), []string{`unknown filter "` + c.unknown + `"`, strings.Join(filters, ", ")}},
		}
		for _, s := range c.settings {
			if s.value != "" {
				cases = append(cases, usageCase{with(s.env, ""), pull(), []string{s.name, s.env}})
			}
			for _, bad := range slices.Sorted(maps.Keys(s.bad)) {
				want := append([]string{s.name, s.env}, s.bad[bad]...)
				cases = append(cases, usageCase{with(s.env, bad), pull(), want}, usageCase{env, pull("--"+s.flag, bad), want})
			}
		}
		for _, o := range slices.Sorted(maps.Keys(c.orders)) {
			if c.orders[o] != nil {
				cases = append(cases, usageCase{env, pull("--order", o), append([]string{"order", o}, c.orders[o]...)})
			}
		}
		for _, f := range settingFlags() {
			if flagSetting(v, f.Name) == nil {
				cases = append(cases, usageCase{env, pull("--"+f.Name, "x"), []string{"--" + f.Name + " is not a setting of " + v.Name}})
			}
		}
		for _, u := range c.usage {
			if u.env == nil {
				u.env = env
			}
			cases = append(cases, usageCase{u.env, pull(u.args...), u.want})
		}
		t.Run(v.Name, func(t *testing.T) { checkUsage(t, cases) })
	}
}

// Every vendor's demo pulls 300 valid OCSF events of that vendor (or all of
// a --since window, within it): plain, with injected faults, at the largest
// page size, in each order it takes (in that order), and with the row's
// more arguments.
func TestVendorDemoPull(t *testing.T) {
	for _, v := range vendors.All() {
		c := cliVendors[v.Name]
		sets := append([][]string{nil, {"--demo-faults"}, {"--page-size", c.page[len(c.page)-1]}}, c.demo...)
		for _, o := range slices.Sorted(maps.Keys(c.orders)) {
			if c.orders[o] == nil {
				sets = append(sets, []string{"--order", o})
			}
		}
		t.Run(v.Name, func(t *testing.T) {
			for _, set := range sets {
				order, since, limit := c.natural, time.Time{}, []string{"--max-events", "300"}
				if i := slices.Index(set, "--order"); i >= 0 && set[i+1] != "natural" {
					order = set[i+1]
				}
				if i := slices.Index(set, "--since"); i >= 0 { // all of the window
					d, _ := time.ParseDuration(set[i+1])
					since, limit = time.Now().Add(-d-time.Minute), nil
				}
				r := mustRun(t, nil, slices.Concat([]string{"pull", v.Name, "--demo", "--quiet"}, limit, set)...)
				ls := someLines(t, r.stdout)
				if limit != nil && len(ls) != 300 {
					t.Fatalf("%v: %d lines, want 300", set, len(ls))
				}
				var prev time.Time
				for i, l := range ls {
					if ev := readEvent(t, l); ev.Metadata.Product.VendorName != c.product {
						t.Fatalf("%v: line %d is not an event of %s: %s", set, i, c.product, l)
					}
					at := time.UnixMilli(readEvent(t, l).Time)
					if i > 0 && (order == "newest-first" && at.After(prev) || order == "oldest-first" && at.Before(prev)) {
						t.Fatalf("%v: event %d at %v after one at %v: not %s", set, i, at, prev, order)
					}
					if at.Before(since) || at.After(time.Now()) {
						t.Fatalf("%v: event %d at %v, outside the window", set, i, at)
					}
					prev = at
				}
			}
		})
	}
}

// Each setting that has a flag comes from the flag or from its variable,
// and the flag wins; --base-url wins over the server setting. Each pull
// reads the whole of the vendor's demo fake.
func TestVendorSettingsFromFlagsOrEnvironment(t *testing.T) {
	for _, v := range vendors.All() {
		c := cliVendors[v.Name]
		t.Run(v.Name, func(t *testing.T) {
			d, err := audittest.StartDemo(v.Name, audittest.DemoConfig{Events: 40})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(d.Close)
			env := map[string]string{}
			for k, val := range d.Settings {
				env[v.Setting(k).Env] = val
			}
			for _, s := range c.settings {
				server := v.Setting(s.name).BaseURL
				good := cmp.Or(d.Settings[s.name], c.good[s.name])
				if server {
					good = d.BaseURL
				}
				if s.flag == "" || good == "" {
					continue // --ca-file: TestNPrintingServerAndCAFile
				}
				bad := slices.Sorted(maps.Keys(s.bad))[0]
				type form struct{ env, flag, base string }
				forms := []form{{good, "", d.BaseURL}, {"", good, d.BaseURL}, {bad, good, d.BaseURL}}
				if server {
					forms = []form{{good, "", ""}, {"", good, ""}, {bad, good, ""}, {"https://unused.invalid", "", d.BaseURL}, {"", "https://unused.invalid", d.BaseURL}}
				}
				for _, f := range forms {
					e, args := maps.Clone(env), []string{"pull", v.Name, "--quiet", "--format", "raw", "--rate-limit", "1000"}
					if delete(e, s.env); f.env != "" {
						e[s.env] = f.env
					}
					if f.flag != "" {
						args = append(args, "--"+s.flag, f.flag)
					}
					if f.base != "" {
						args = append(args, "--base-url", f.base)
					}
					if r := runCLI(t, e, args...); r.code != 0 || len(lines(t, r.stdout)) != d.Records {
						t.Errorf("%s %+v: exit %d, %d lines, want %d: %s", s.name, f, r.code, len(lines(t, r.stdout)), d.Records, r.stderr)
					}
				}
			}
		})
	}
}

// --base-url (and the server setting) is the origin, with an optional proxy
// prefix: the documented path is appended, and one already given is not
// doubled. Each form pulls the whole data set at exactly the vendor's paths.
func TestVendorBaseURLIsTheOrigin(t *testing.T) {
	for _, v := range vendors.All() {
		if cliVendors[v.Name].origin == nil {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			o := cliVendors[v.Name].origin(t)
			for _, form := range o.forms {
				env, args := maps.Clone(o.env), []string{"pull", v.Name, "--quiet"}
				for _, a := range strings.Fields(strings.ReplaceAll(form, "{}", o.fake.URL())) {
					if k, val, ok := strings.Cut(a, "="); ok && !strings.HasPrefix(a, "-") {
						env[k] = val
					} else {
						args = append(args, a)
					}
				}
				before := len(o.fake.Requests())
				if r := runCLI(t, env, args...); r.code != 0 || len(lines(t, r.stdout)) != o.n {
					t.Errorf("%s: exit %d, %d lines, want %d: %s", form, r.code, len(lines(t, r.stdout)), o.n, r.stderr)
				}
				for _, req := range o.fake.Requests()[before:] {
					if !o.path.MatchString(req.Path) {
						t.Errorf("%s: requested %s", form, req.Path)
					}
				}
			}
		})
	}
}
