// Package vendors is the registry of auditkit's vendor packages: what each
// reads (its endpoint), what it needs (settings, with the environment
// variables the CLI reads them from), which documented parameters it takes
// as filters (with their allowed values), which orders it can walk in, and
// how to start a walk from all of that by name.
//
// It is what a config-driven program needs: the auditkit CLI and its
// collector go through it, and so can yours. Each vendor package registers
// itself when it is imported; import vendors/all for all of them:
//
//	import (
//		"github.com/auditkit/auditkit/vendors"
//		_ "github.com/auditkit/auditkit/vendors/all"
//	)
//
//	src, err := vendors.Open(ctx, "cisco", vendors.Config{
//		Settings: map[string]string{"client_id": id, "api_key": key},
//		Filters:  []vendors.Param{{Name: "event", Value: "login"}},
//		Since:    time.Now().Add(-24 * time.Hour),
//	})
//	if err != nil { ... } // *auditclient.ConfigError or *auditclient.OptionError; nothing was sent
//	defer src.Events.Close()
//	for ev, err := range src.Events.All() { ... } // an error ends the walk
//
// Adding a vendor takes its own package (which declares a *Vendor and
// registers it from an init function) and one import line in vendors/all.
package vendors

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// Vendor describes one vendor package to the registry.
type Vendor struct {
	// Name is the vendor's name, as in "auditkit pull cisco": lower case
	// letters and digits.
	Name string
	// Title is the vendor and product, as in "Cisco Secure Endpoint".
	Title string
	// Endpoint is the method and path read, as in "GET /v1/audit_logs".
	Endpoint string
	// DefaultBaseURL is the API origin used when Config.BaseURL is empty;
	// "" when the vendor has no public host (the customer's own server,
	// given by a setting or by Config.BaseURL).
	DefaultBaseURL string
	// Settings are what the vendor needs or accepts besides filters:
	// credentials, servers, tenants, and the like.
	Settings []Setting
	// Filters are the documented parameters the walk accepts by name.
	Filters []Filter
	// Orders are the orders Open accepts in Config.Order besides
	// NaturalOrder; Natural is the order the API sends records in.
	Orders  []auditclient.Order
	Natural auditclient.Order
	// OrderNote says, in a sentence, how the API orders records (e.g.
	// "newest first; the API has no parameter to change it").
	OrderNote string
	// Open checks cfg (already checked against Settings and Filters by
	// the registry) and returns the walk of the vendor's events, resuming
	// from cfg.Resume. It sends no request: a bad setting is an
	// *auditclient.ConfigError, a bad filter or option an
	// *auditclient.OptionError.
	Open func(ctx context.Context, cfg Config) (*Source, error)
}

// Setting is one thing a vendor needs (or accepts) to make its client.
type Setting struct {
	// Name is the setting's key in Config.Settings, e.g. "api_key".
	Name string
	// Flag is the auditkit CLI's flag for it, without dashes, or "" when
	// the CLI reads it only from Env.
	Flag string
	// Env is the environment variable the CLI reads it from, or "".
	Env string
	// Help says what it holds, in a line.
	Help string
	// Secret marks a credential: never printed, logged or stored.
	Secret bool
	// Required settings must be given (Config.BaseURL stands in for a
	// required setting whose BaseURL field is true).
	Required bool
	// BaseURL marks the setting that names the server (a server or a
	// tenant): Config.BaseURL, when given, stands in for it.
	BaseURL bool
}

// Filter is one documented parameter a walk accepts by name.
type Filter struct {
	// Name is the parameter as the API spells it, e.g. "audit_log_type".
	Name string
	// Allowed says what values are allowed, e.g. "1..500" or "a UUID".
	Allowed string
	// Values lists the allowed values when they are a closed set; nil
	// when any value of the form Allowed describes is accepted.
	Values []string
	// Help says what it selects, in a line.
	Help string
	// Repeatable filters may be given more than once (all values sent).
	Repeatable bool
}

// Param is one filter value given by name.
type Param struct{ Name, Value string }

// Config is what a walk started by name needs.
type Config struct {
	// Settings holds the vendor's settings by Setting.Name.
	Settings map[string]string
	// Filters are the filter values given, in order.
	Filters []Param
	// BaseURL is the API origin (plus an optional proxy prefix) instead of
	// the vendor's default host or server setting; "" for those.
	BaseURL string
	// Since and Until bound the walk, half-open: [Since, Until). Zero for
	// the vendor's defaults (each package documents them).
	Since, Until time.Time
	// PageSize is the page size; 0 for the vendor's default.
	PageSize int
	// Order is the order to yield records in; NaturalOrder for the API's.
	Order auditclient.Order
	// Resume is the checkpoint to resume from, or nil.
	Resume *auditclient.Checkpoint
	// Options are passed to the vendor's NewClient (HTTP client, logger,
	// rate limit...). A WithBaseURL among them is overridden by BaseURL.
	Options []auditclient.Option
}

// Setting returns the value of the setting name, trimmed of spaces.
func (c Config) Setting(name string) string { return strings.TrimSpace(c.Settings[name]) }

// Filter returns the last value given for the filter name, or "".
func (c Config) Filter(name string) string {
	v := c.FilterValues(name)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// FilterValues returns every value given for the filter name, in order.
func (c Config) FilterValues(name string) []string {
	var out []string
	for _, f := range c.Filters {
		if f.Name == name {
			out = append(out, f.Value)
		}
	}
	return out
}

// ClientOptions returns cfg.Options followed by WithBaseURL(cfg.BaseURL)
// when BaseURL is set.
func (c Config) ClientOptions() []auditclient.Option {
	o := slices.Clone(c.Options)
	if c.BaseURL != "" {
		o = append(o, auditclient.WithBaseURL(c.BaseURL))
	}
	return o
}

// Server returns the value of the BaseURL setting name, or cfg.BaseURL
// when that is given instead.
func (c Config) Server(name string) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return c.Setting(name)
}

// Source is a walk started by Open.
type Source struct {
	// Events is the walk of OCSF events.
	Events auditclient.Iterator
	// Client is the vendor client's HTTP client: its Stats and
	// CloseIdleConnections.
	Client *auditclient.Client
}

var (
	mu       sync.RWMutex
	registry []*Vendor
)

// Register adds v to the registry. It panics when v is incomplete or its
// name is taken: registration happens in init functions, where a mistake
// is a programming error.
func Register(v *Vendor) {
	if v == nil || v.Name == "" || v.Open == nil || v.Endpoint == "" {
		panic("vendors: Register of an incomplete Vendor")
	}
	mu.Lock()
	defer mu.Unlock()
	if slices.ContainsFunc(registry, func(o *Vendor) bool { return o.Name == v.Name }) {
		panic("vendors: Register called twice for " + v.Name)
	}
	registry = append(registry, v)
	slices.SortFunc(registry, func(a, b *Vendor) int { return cmp.Compare(a.Name, b.Name) })
}

// All returns every registered vendor, sorted by name.
func All() []*Vendor {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(registry)
}

// Names returns the names of every registered vendor, sorted.
func Names() []string {
	var out []string
	for _, v := range All() {
		out = append(out, v.Name)
	}
	return out
}

// Lookup returns the vendor called name.
func Lookup(name string) (*Vendor, bool) {
	for _, v := range All() {
		if v.Name == name {
			return v, true
		}
	}
	return nil, false
}

// Open starts the walk of the vendor called name. It checks cfg against
// the vendor's settings and filters first: an unknown vendor, setting or
// filter, a required setting missing, or a value outside a filter's
// closed set is an error before anything else; then the vendor's own Open
// checks the rest. Nothing is sent until the walk's first Next.
func Open(ctx context.Context, name string, cfg Config) (*Source, error) {
	v, ok := Lookup(name)
	if !ok {
		return nil, &auditclient.ConfigError{Option: "vendor", Value: strconv.Quote(name), Reason: "unknown; the vendors are " + strings.Join(Names(), ", ")}
	}
	return v.Start(ctx, cfg)
}

// Start is Open for v.
func (v *Vendor) Start(ctx context.Context, cfg Config) (*Source, error) {
	if err := v.Check(cfg); err != nil {
		return nil, err
	}
	return v.Open(ctx, cfg)
}

// Check checks cfg against v's settings, filters and orders, without the
// vendor's own checks (Start does both; so does Open followed by closing
// the walk, which sends nothing).
func (v *Vendor) Check(cfg Config) error {
	for name := range cfg.Settings {
		if v.Setting(name) == nil {
			return &auditclient.ConfigError{Vendor: v.Name, Option: "setting " + name, Reason: "unknown; " + v.Name + " takes " + v.settingNames()}
		}
	}
	for _, s := range v.Settings {
		if s.Required && cfg.Setting(s.Name) == "" && (!s.BaseURL || cfg.BaseURL == "") {
			return &auditclient.ConfigError{Vendor: v.Name, Option: "setting " + s.Name, Env: s.Env, Reason: "required: " + s.Help}
		}
	}
	for _, p := range cfg.Filters {
		f := v.filter(p.Name)
		if f == nil {
			return &auditclient.OptionError{Vendor: v.Name, Option: p.Name, Value: p.Value, Allowed: "no such filter; " + v.Name + " takes " + v.filterNames()}
		}
		if f.Values != nil && !slices.Contains(f.Values, p.Value) {
			return &auditclient.OptionError{Vendor: v.Name, Option: p.Name, Value: p.Value, Allowed: "one of " + strings.Join(f.Values, ", ")}
		}
		if !f.Repeatable && len(cfg.FilterValues(p.Name)) > 1 {
			return &auditclient.OptionError{Vendor: v.Name, Option: p.Name, Value: p.Value, Allowed: "one value (given more than once)"}
		}
	}
	if cfg.Order != auditclient.NaturalOrder && cfg.Order != v.Natural && !slices.Contains(v.Orders, cfg.Order) {
		return &auditclient.OptionError{Vendor: v.Name, Option: "order", Value: cfg.Order.String(), Allowed: v.OrderNote}
	}
	return nil
}

// Setting returns v's setting called name, or nil.
func (v *Vendor) Setting(name string) *Setting {
	for i := range v.Settings {
		if v.Settings[i].Name == name {
			return &v.Settings[i]
		}
	}
	return nil
}

func (v *Vendor) filter(name string) *Filter {
	for i := range v.Filters {
		if v.Filters[i].Name == name {
			return &v.Filters[i]
		}
	}
	return nil
}

func (v *Vendor) settingNames() string {
	var n []string
	for _, s := range v.Settings {
		n = append(n, s.Name)
	}
	return orNone(n)
}

func (v *Vendor) filterNames() string {
	var n []string
	for _, f := range v.Filters {
		n = append(n, f.Name)
	}
	return orNone(n)
}

func orNone(n []string) string {
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, ", ")
}

// SettingsFromEnv returns v's settings read from the environment variables
// they name (getenv is os.Getenv, or a map's lookup in tests); settings
// with no variable, or an empty one, are left out.
func (v *Vendor) SettingsFromEnv(getenv func(string) string) map[string]string {
	out := map[string]string{}
	for _, s := range v.Settings {
		if s.Env == "" {
			continue
		}
		if val := getenv(s.Env); val != "" {
			out[s.Name] = val
		}
	}
	return out
}
