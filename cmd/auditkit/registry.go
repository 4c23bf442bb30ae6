package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
)

// vendor is what the CLI knows of one vendor package. Each vendor registers
// one in its own file (vendor_<name>.go) by adding it to vendors.
type vendor struct {
	// Name is the CLI's name of the vendor, as in "auditkit pull cisco".
	Name string
	// Title is the vendor and product, as in "Cisco Secure Endpoint".
	Title string
	// Endpoint is the method and path read, as in "GET /v1/audit_logs".
	Endpoint string
	// DefaultBaseURL is the API base used without --base-url; "" when the
	// vendor has no public host (a customer's own server), in which case
	// --base-url or the vendor's setting flag is required.
	DefaultBaseURL string
	// Env lists the environment variables the vendor reads: credentials
	// (Secret) and settings that may also come from a flag.
	Env []envVar
	// Settings lists the vendor-specific setting flags it accepts, by flag
	// name without dashes (see settingFlags). Any other setting flag given
	// for this vendor is a usage error.
	Settings []string
	// Filters lists the documented parameters --filter accepts.
	Filters []filter
	// Open checks cfg and returns the walk of the vendor's events, resuming
	// from cfg.Resume. It sends no request: every error it returns is the
	// user's (exit status 2) and names what to fix.
	Open func(ctx context.Context, cfg *pullConfig) (*opened, error)
	// Demo starts the vendor's audittest fake with a realistic generated
	// data set (a few thousand events over several days ending at
	// cfg.Now) and returns how to reach it.
	Demo func(cfg demoConfig) (*demo, error)
}

// envVar is one environment variable a vendor reads.
type envVar struct {
	Name   string // e.g. "CISCO_API_KEY"
	Help   string // what it holds
	Secret bool   // a credential: never printed
}

// filter is one documented parameter --filter NAME=VALUE accepts.
type filter struct {
	Name    string // the parameter as the API spells it, e.g. "audit_log_type"
	Allowed string // the values allowed, e.g. "1..500" or "SUCCESS|FAIL"
	Help    string // one line
}

// settingFlags are the vendor-specific setting flags of "auditkit pull",
// by name, with their usage. A vendor lists the ones it takes in
// vendor.Settings.
var settingFlags = []struct{ Name, Usage string }{
	{"org", "Automox: organization UUID (or AUTOMOX_ORG_UUID)"},
	{"objects", "Tanium: the objects whose history to read, TYPE:ID,..."},
	{"server", "Qlik NPrinting: the server's base URL, e.g. https://nprinting.example.com:4993"},
	{"tenant", "Entrust IDaaS: the tenant host, e.g. example.us.trustedauth.com"},
	{"ca-file", "Qlik NPrinting: PEM file of CAs to trust (self-signed servers)"},
}

// pullConfig is what "auditkit pull" hands a vendor's Open.
type pullConfig struct {
	// BaseURL is --base-url; "" for the vendor's default (or its setting).
	BaseURL string
	// Since and Until bound the walk; zero for unbounded.
	Since, Until time.Time
	// PageSize is --page-size; 0 for the vendor's default.
	PageSize int
	// Filters are the --filter values in the order given. Names are
	// already checked against vendor.Filters.
	Filters []nameValue
	// Settings holds the setting flags given, by name (see settingFlags).
	Settings map[string]string
	// Getenv reads the environment (os.Getenv, or a map in tests).
	Getenv func(string) string
	// HTTPClient, Logger and UserAgent are for the vendor's client options.
	HTTPClient *http.Client
	Logger     *slog.Logger
	UserAgent  string
	// ClientOptions are extra options for the vendor's NewClient (the demo
	// uses them to retry fast against the fake).
	ClientOptions []auditclient.Option
	// Resume is the checkpoint to resume from, or nil.
	Resume *auditclient.Checkpoint
}

// nameValue is one --filter NAME=VALUE.
type nameValue struct{ Name, Value string }

// options returns the auditclient options every vendor passes to NewClient.
func (c *pullConfig) options() []auditclient.Option {
	var o []auditclient.Option
	if c.BaseURL != "" {
		o = append(o, auditclient.WithBaseURL(c.BaseURL))
	}
	if c.HTTPClient != nil {
		o = append(o, auditclient.WithHTTPClient(c.HTTPClient))
	}
	if c.Logger != nil {
		o = append(o, auditclient.WithLogger(c.Logger))
	}
	if c.UserAgent != "" {
		o = append(o, auditclient.WithUserAgent(c.UserAgent))
	}
	return append(o, c.ClientOptions...)
}

// env returns the value of the environment variable name, or an error that
// names it when it is empty.
func (c *pullConfig) env(name string) (string, error) {
	if v := c.Getenv(name); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s is not set", name)
}

// filterValues returns the values given for the filter name, in order.
func (c *pullConfig) filterValues(name string) []string {
	var out []string
	for _, f := range c.Filters {
		if f.Name == name {
			out = append(out, f.Value)
		}
	}
	return out
}

// filter returns the last value given for the filter name, or "".
func (c *pullConfig) filter(name string) string {
	v := c.filterValues(name)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// opened is a walk a vendor's Open started.
type opened struct {
	// Events is the walk.
	Events auditclient.Iterator
	// Stats reports the HTTP client's counters (requests, retries...).
	Stats func() auditclient.Stats
	// Close releases the client's idle connections; may be nil.
	Close func()
}

// demoConfig is what --demo hands a vendor's Demo.
type demoConfig struct {
	// Now is the end of the generated data set.
	Now time.Time
	// Faults is what the fake injects: none, or with --demo-faults the
	// test fault mix (see demoFaults).
	Faults audittest.Faults
}

// demoEvents is the size of the data sets --demo serves.
const demoEvents = 3000

// demoFaults is the fault mix of --demo-faults: the one the SDK's own
// fault-injected walks use (429, 503, resets, bodies cut short).
func demoFaults() audittest.Faults {
	return audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
}

// demoClientOptions make any vendor's client fit for its fake: no
// client-side rate limit and short retry waits.
func demoClientOptions() []auditclient.Option {
	return []auditclient.Option{
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}),
	}
}

// demo is a running fake.
type demo struct {
	// BaseURL is the fake's base URL, for pullConfig.BaseURL.
	BaseURL string
	// Env holds the credentials and settings the fake accepts, by
	// environment variable name; they override the real environment.
	Env map[string]string
	// Settings holds setting flags the demo needs (e.g. Tanium's objects)
	// unless the user gave them.
	Settings map[string]string
	// Close stops the fake.
	Close func()
}

// vendors is every vendor the CLI knows, filled by the vendor_*.go files'
// init functions and sorted by name.
var vendors []*vendor

// register adds v to vendors.
func register(v *vendor) {
	vendors = append(vendors, v)
	slices.SortFunc(vendors, func(a, b *vendor) int { return strings.Compare(a.Name, b.Name) })
}

// lookupVendor returns the vendor called name.
func lookupVendor(name string) (*vendor, bool) {
	for _, v := range vendors {
		if v.Name == name {
			return v, true
		}
	}
	return nil, false
}
