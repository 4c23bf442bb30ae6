package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// DefaultBatch is the number of events per batch (and per checkpoint
// step) when the config file says none and the output asks for none.
const DefaultBatch = 1000

// Config is a collector's configuration: the parsed config file (see
// LoadConfig) plus what a Go program supplies in code.
type Config struct {
	// State is the directory of the state store (DirStore), relative to
	// the config file. Ignored when Store is set.
	State string `yaml:"state"`
	// Metrics is the address /metrics, /healthz, /readyz and /status are
	// served on ("127.0.0.1:9464"); "" serves nothing.
	Metrics string `yaml:"metrics"`
	// Batch is the number of events per batch, that is per checkpoint
	// step; 0 means DefaultBatch, or the output's BatchSize.
	Batch int `yaml:"batch"`
	// Defaults are the timing of sources that do not set their own.
	Defaults Timing `yaml:"defaults"`
	// Sources are the sources to collect.
	Sources []SourceConfig `yaml:"sources"`
	// OutputSection is the config file's output section, built into an
	// Output by the output kind's factory when Output is nil.
	OutputSection yaml.Node `yaml:"output"`

	// Path is the config file LoadConfig read ("" for a Config built in
	// code); relative paths are relative to its directory, and a reload
	// (Reload) reads it again.
	Path string `yaml:"-"`
	// Output receives the events. Nil: the output the config file's
	// output section describes.
	Output Output `yaml:"-"`
	// Store keeps the sources' states. Nil: a DirStore in State.
	Store Store `yaml:"-"`
	// Logger receives the collector's logs; nil discards them.
	Logger *slog.Logger `yaml:"-"`
	// Registerer receives the collector's metrics; nil: a registry of the
	// collector's own, served on Metrics. When it is also a
	// prometheus.Gatherer, Metrics serves what it gathers.
	Registerer prometheus.Registerer `yaml:"-"`
	// Shard limits the sources to those this replica owns; the zero Shard
	// owns them all.
	Shard Shard `yaml:"-"`
	// Now is the clock; nil means time.Now.
	Now func() time.Time `yaml:"-"`
	// Reload, when it receives, makes Run read Path again and apply the
	// sources added, removed or changed (the CLI sends on SIGHUP). A bad
	// new config is logged and the running one kept.
	Reload <-chan struct{} `yaml:"-"`
	// Getenv reads the environment for env: references; nil means
	// os.Getenv.
	Getenv func(string) string `yaml:"-"`

	raw     []byte     // the file's bytes, for strict decoding of sections
	root    *yaml.Node // the file's document, for lines
	topKeys []string   // the file's top-level keys
}

// Shard is one replica's share of the sources: the sources whose
// ShardOf(name, N) is I. The zero Shard (N 0) owns every source.
type Shard struct {
	I, N int
}

// Owns reports whether the shard owns the source called name.
func (s Shard) Owns(name string) bool {
	return s.N <= 1 || shardOf(name, s.N) == s.I
}

// String returns "I/N", or "all" for the zero Shard.
func (s Shard) String() string {
	if s.N <= 1 {
		return "all"
	}
	return strconv.Itoa(s.I) + "/" + strconv.Itoa(s.N)
}

// Timing is when and how far a source is collected.
type Timing struct {
	// Interval is the time between two cycles of a source.
	Interval Duration `yaml:"interval"`
	// Jitter spreads cycles: each wait is Interval plus up to Jitter of it.
	Jitter Percent `yaml:"jitter"`
	// Lag keeps walks away from the present: a cycle never asks for events
	// newer than now − Lag, which late-indexed events need.
	Lag Duration `yaml:"lag"`
	// Start is how far back the first cycle of a source reads.
	Start Duration `yaml:"start"`
	// Timeout bounds one cycle.
	Timeout Duration `yaml:"timeout"`
}

// defaultTiming is the timing of a config that sets none.
var defaultTiming = Timing{
	Interval: Duration(5 * time.Minute),
	Jitter:   10,
	Lag:      Duration(2 * time.Minute),
	Start:    Duration(7 * 24 * time.Hour),
	Timeout:  Duration(10 * time.Minute),
}

// SourceConfig is one source of a config file: a vendor account (or a
// vendor's built-in fake) and the walk to collect from it.
type SourceConfig struct {
	// Name names the source: unique, [a-z0-9][a-z0-9._-]*. It keys the
	// source's state, metrics and output files.
	Name string `yaml:"name"`
	// Vendor is a vendors registry name ("cisco").
	Vendor string `yaml:"vendor"`
	// Settings are the vendor's settings that are not secret.
	Settings map[string]string `yaml:"settings"`
	// Credentials are references to settings kept elsewhere: "env:NAME"
	// (an environment variable) or "file:PATH" (a file's content, trimmed;
	// relative to the config file), read again at each cycle. A secret setting must be given here.
	Credentials map[string]string `yaml:"credentials"`
	// Filters are the vendor's filters by name: one value or a list.
	Filters map[string]StringList `yaml:"filters"`
	// Timing overrides the config's defaults, field by field (in code, a
	// zero field takes the default).
	Timing `yaml:",inline"`
	// PageSize is the page size; 0 for the vendor's default.
	PageSize int `yaml:"page_size"`
	// Order is the order to walk in ("", "oldest-first", "newest-first").
	Order string `yaml:"order"`
	// BaseURL is the API origin instead of the vendor's default host (or
	// its server or tenant setting).
	BaseURL string `yaml:"base_url"`
	// RateLimit is the client-side limit in requests per second; 0 for
	// the vendor's default.
	RateLimit float64 `yaml:"rate_limit"`
	// Retry overrides the client's retry policy.
	Retry *RetryConfig `yaml:"retry"`
	// Demo collects from the vendor's built-in fake (package audittest),
	// started in-process with live inserts: no account needed.
	Demo bool `yaml:"demo"`
	// DemoFaults makes a Demo fake inject 429s, 503s, resets and cut
	// bodies.
	DemoFaults bool `yaml:"demo_faults"`

	line int // the source's line in the config file; 0 when built in code
	node *yaml.Node
}

// RetryConfig is a source's retry policy (auditclient.RetryPolicy).
type RetryConfig struct {
	MaxAttempts int      `yaml:"max_attempts"`
	BaseDelay   Duration `yaml:"base_delay"`
	MaxDelay    Duration `yaml:"max_delay"`
}

// Duration is a time.Duration written as Go writes it ("90s", "5m") or in
// days ("7d").
type Duration time.Duration

// UnmarshalYAML reads "5m", "36h" or "7d".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads a duration as Go writes it ("90s", "5m") or in days
// ("7d"); it must not be negative.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("duration %q: want a number of days such as 7d, or a duration such as 90s or 5m", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want a duration such as 90s, 5m or 7d", s)
	}
	return d, nil
}

// Percent is a share written "10%".
type Percent float64

// UnmarshalYAML reads "10%".
func (p *Percent) UnmarshalYAML(n *yaml.Node) error {
	s, ok := strings.CutSuffix(strings.TrimSpace(n.Value), "%")
	v, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil || math.IsNaN(v) || v < 0 || v > 100 {
		return fmt.Errorf("line %d: %q: want a percentage from 0%% to 100%%, such as 10%%", n.Line, n.Value)
	}
	*p = Percent(v)
	return nil
}

// StringList is a filter's values: one string or a list of them.
type StringList []string

// UnmarshalYAML reads a scalar or a sequence of scalars.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a filter value must be a string", c.Line)
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: a filter's value must be a string or a list of strings", n.Line)
}

// ConfigError is a mistake in a config file: it names the file and line.
type ConfigError struct {
	File string // the config file, or "" for a Config built in code
	Line int    // 0 when unknown
	Msg  string
}

// Error returns "FILE:LINE: MSG".
func (e *ConfigError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return e.File + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return "config: " + e.Msg
}

func (c *Config) errorf(line int, format string, a ...any) *ConfigError {
	return &ConfigError{File: c.Path, Line: line, Msg: fmt.Sprintf(format, a...)}
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?(?:unmarshal errors:\s*)?line (\d+): (.*)$`)

// yamlErrors turns a YAML decoding error into ConfigErrors, one per line.
func (c *Config) yamlError(err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		m = regexp.MustCompile(`field (\S+) not found in type .*`).ReplaceAllString(m, `unknown key "$1"`)
		m = regexp.MustCompile(` into (collector\.|struct ).*$`).ReplaceAllString(m, "")
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			// A nested "line N:" of our own unmarshalers is the better one.
			rest := sm[2]
			if in := yamlLine.FindStringSubmatch(rest); in != nil {
				line, _ = strconv.Atoi(in[1])
				rest = in[2]
			}
			errs = append(errs, c.errorf(line, "%s", rest))
			continue
		}
		errs = append(errs, c.errorf(0, "%s", strings.TrimPrefix(m, "yaml: ")))
	}
	return errors.Join(errs...)
}

// LoadConfig reads and checks the config file at path: strict YAML (an
// unknown key is an error naming its line), each source's name, vendor,
// settings, filters and order against the vendors registry. It reads no
// credential and sends nothing; Check does the rest.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Msg: err.Error()}
	}
	return ParseConfig(path, data)
}

// ParseConfig is LoadConfig of data read from path.
func ParseConfig(path string, data []byte) (*Config, error) {
	c := &Config{Path: path, raw: data}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, c.yamlError(err)
	}
	if len(root.Content) == 0 {
		return nil, c.errorf(0, "empty config file")
	}
	c.root = root.Content[0]
	if c.root.Kind != yaml.MappingNode {
		return nil, c.errorf(c.root.Line, "the config must be a mapping (state:, sources:, output:...)")
	}
	for i := 0; i+1 < len(c.root.Content); i += 2 {
		c.topKeys = append(c.topKeys, c.root.Content[i].Value)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, c.yamlError(err)
	}
	if seq := mapValue(c.root, "sources"); seq != nil && seq.Kind == yaml.SequenceNode {
		for i := range c.Sources {
			if i < len(seq.Content) {
				c.Sources[i].node = seq.Content[i]
				c.Sources[i].line = seq.Content[i].Line
			}
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// mapValue returns the value of key in the mapping node n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// mapKey returns the key node of key in the mapping node n, or nil.
func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// lineOf returns the line of the key at path in the source (as deep as it
// is found), or the source's line.
func (s *SourceConfig) lineOf(path ...string) int {
	line, n := s.line, s.node
	for _, k := range path {
		kn := mapKey(n, k)
		if kn == nil {
			break
		}
		line = kn.Line
		n = mapValue(n, k)
	}
	return line
}

// Line returns the source's line in its config file (0 if built in code).
func (s *SourceConfig) Line() int { return s.line }

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// validate checks what needs neither the environment nor a request.
func (c *Config) validate() error {
	if c.Batch < 0 {
		return c.errorf(lineOfKey(c.root, "batch"), "batch %d: want a positive number of events", c.Batch)
	}
	c.Defaults = c.Defaults.or(defaultTiming, keyIn(mapValue(c.root, "defaults")))
	if err := c.checkTiming(c.Defaults, lineOfKey(c.root, "defaults")); err != nil {
		return err
	}
	if len(c.Sources) == 0 {
		return c.errorf(lineOfKey(c.root, "sources"), "no sources: the config needs a sources: list")
	}
	seen := map[string]int{}
	for i := range c.Sources {
		s := &c.Sources[i]
		s.Timing = s.Timing.or(c.Defaults, keyIn(s.node))
		if err := c.checkSource(s); err != nil {
			return err
		}
		if prev, dup := seen[s.Name]; dup {
			return c.errorf(s.lineOf("name"), "source %q is named twice (first on line %d)", s.Name, prev)
		}
		seen[s.Name] = s.lineOf("name")
	}
	if c.OutputSection.Kind == 0 && c.Output == nil {
		return c.errorf(0, "no output: the config needs an output: section (a file path, stdout: true, or a registered kind: %s)", strings.Join(OutputKinds(), ", "))
	}
	return nil
}

func lineOfKey(n *yaml.Node, key string) int {
	if k := mapKey(n, key); k != nil {
		return k.Line
	}
	return 0
}

// or fills t's fields that given does not report as given (in a config
// file: the keys written, so that "lag: 0s" and "jitter: 0%" hold; in
// code, where given is nil: the zero fields) from d.
func (t Timing) or(d Timing, given func(key string) bool) Timing {
	if given == nil {
		given = func(string) bool { return false }
	}
	if t.Interval == 0 && !given("interval") {
		t.Interval = d.Interval
	}
	if t.Jitter == 0 && !given("jitter") {
		t.Jitter = d.Jitter
	}
	if t.Lag == 0 && !given("lag") {
		t.Lag = d.Lag
	}
	if t.Start == 0 && !given("start") {
		t.Start = d.Start
	}
	if t.Timeout == 0 && !given("timeout") {
		t.Timeout = d.Timeout
	}
	return t
}

// keyIn reports whether the mapping node n has key.
func keyIn(n *yaml.Node) func(string) bool {
	return func(key string) bool { return mapKey(n, key) != nil }
}

func (c *Config) checkTiming(t Timing, line int) error {
	if t.Interval <= 0 {
		return c.errorf(line, "interval must be positive")
	}
	if t.Start <= 0 {
		return c.errorf(line, "start must be positive")
	}
	if t.Timeout <= 0 {
		return c.errorf(line, "timeout must be positive")
	}
	return nil
}

// checkSource checks one source against the registry, with placeholders
// for its credentials: nothing is read and nothing sent.
func (c *Config) checkSource(s *SourceConfig) error {
	if !sourceName.MatchString(s.Name) || len(s.Name) > 128 {
		return c.errorf(s.lineOf("name"), "source name %q: want lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", s.Name)
	}
	v, ok := vendors.Lookup(s.Vendor)
	if !ok {
		return c.errorf(s.lineOf("vendor"), "source %s: unknown vendor %q; the vendors are %s", s.Name, s.Vendor, strings.Join(vendors.Names(), ", "))
	}
	if err := c.checkTiming(s.Timing, s.line); err != nil {
		return err
	}
	for _, name := range sortedKeys(s.Settings) {
		set := v.Setting(name)
		if set == nil {
			return c.errorf(s.lineOf("settings", name), "source %s: %s has no setting %q; its settings are %s", s.Name, v.Name, name, settingNames(v))
		}
		if set.Secret {
			return c.errorf(s.lineOf("settings", name), "source %s: setting %s is a credential: give it under credentials: as env:NAME or file:PATH, not in the config file", s.Name, name)
		}
	}
	for _, name := range sortedKeys(s.Credentials) {
		if v.Setting(name) == nil {
			return c.errorf(s.lineOf("credentials", name), "source %s: %s has no setting %q; its settings are %s", s.Name, v.Name, name, settingNames(v))
		}
		if _, dup := s.Settings[name]; dup {
			return c.errorf(s.lineOf("credentials", name), "source %s: %s is given both under settings: and credentials:", s.Name, name)
		}
		if _, _, err := parseRef(s.Credentials[name]); err != nil {
			return c.errorf(s.lineOf("credentials", name), "source %s: credential %s: %v", s.Name, name, err)
		}
	}
	if s.PageSize < 0 {
		return c.errorf(s.lineOf("page_size"), "source %s: page_size %d: want a positive number (or none for the vendor's default)", s.Name, s.PageSize)
	}
	if s.RateLimit < 0 || math.IsNaN(s.RateLimit) || math.IsInf(s.RateLimit, 0) {
		return c.errorf(s.lineOf("rate_limit"), "source %s: rate_limit %v: want requests per second", s.Name, s.RateLimit)
	}
	if _, err := auditclient.ParseOrder(s.Order); err != nil {
		return c.errorf(s.lineOf("order"), "source %s: %v", s.Name, err)
	}
	if s.DemoFaults && !s.Demo {
		return c.errorf(s.lineOf("demo_faults"), "source %s: demo_faults needs demo: true", s.Name)
	}
	if s.Demo && s.BaseURL != "" {
		return c.errorf(s.lineOf("base_url"), "source %s: demo: true and base_url exclude each other", s.Name)
	}
	// The registry's checks, and the vendor's own, with placeholders for
	// what is read at run time.
	vc, err := s.vendorConfig(v, func(string) string { return "placeholder" }, func(string) ([]byte, error) { return []byte("placeholder"), nil })
	if err != nil {
		return c.errorf(s.line, "source %s: %v", s.Name, err)
	}
	if s.Demo || vc.BaseURL == "" && v.DefaultBaseURL == "" {
		for _, set := range v.Settings {
			if set.BaseURL && vc.Setting(set.Name) == "" {
				vc.BaseURL = "http://127.0.0.1:1"
			}
		}
	}
	if s.Demo {
		for _, set := range v.Settings {
			if set.Required && vc.Setting(set.Name) == "" {
				vc.Settings[set.Name] = "placeholder"
			}
		}
	}
	if err := v.Check(vc); err != nil {
		return c.errorf(c.errLine(s, err), "source %s: %s", s.Name, strings.TrimPrefix(err.Error(), "auditclient: "))
	}
	return nil
}

// openCheck opens (and closes) the source's walk with its credentials
// read, which runs the vendor's own checks of every setting; it sends
// nothing. A demo source's settings are the fake's, right by construction.
func (c *Config) openCheck(s *SourceConfig) error {
	if s.Demo {
		return nil
	}
	v, _ := vendors.Lookup(s.Vendor)
	vc, err := s.vendorConfig(v, c.getenv(), c.readFile)
	if err != nil {
		return c.errorf(s.line, "source %s: %v", s.Name, err)
	}
	src, err := v.Start(context.Background(), vc)
	if err == nil {
		err = src.Events.Err()
		src.Events.Close()
	}
	if err != nil {
		return c.errorf(c.errLine(s, err), "source %s: %s", s.Name, redact(strings.TrimPrefix(err.Error(), "auditclient: "), secretValues(v, vc)))
	}
	return nil
}

// secretValues are the values of vc's secret settings.
func secretValues(v *vendors.Vendor, vc vendors.Config) []string {
	var out []string
	for _, s := range v.Settings {
		if val := vc.Settings[s.Name]; s.Secret && val != "" {
			out = append(out, val)
		}
	}
	return out
}

// errLine finds the line a registry error is about.
func (c *Config) errLine(s *SourceConfig, err error) int {
	var oe *auditclient.OptionError
	if errors.As(err, &oe) {
		switch {
		case oe.Option == "order":
			return s.lineOf("order")
		case oe.Option == "page_size" || oe.Option == "limit" || oe.Option == "pageSize":
			return s.lineOf("page_size")
		}
		if _, ok := s.Filters[oe.Option]; ok {
			return s.lineOf("filters", oe.Option)
		}
	}
	var ce *auditclient.ConfigError
	if errors.As(err, &ce) {
		name := strings.TrimPrefix(ce.Option, "setting ")
		if _, ok := s.Settings[name]; ok {
			return s.lineOf("settings", name)
		}
		if _, ok := s.Credentials[name]; ok {
			return s.lineOf("credentials", name)
		}
	}
	return s.line
}

func settingNames(v *vendors.Vendor) string {
	var n []string
	for _, s := range v.Settings {
		n = append(n, s.Name)
	}
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseRef reads a credential reference: "env:NAME" or "file:PATH".
func parseRef(ref string) (kind, name string, err error) {
	kind, name, ok := strings.Cut(strings.TrimSpace(ref), ":")
	if !ok || (kind != "env" && kind != "file") || strings.TrimSpace(name) == "" {
		// Never echo the value: it may be a credential given literally.
		return "", "", errors.New("want a reference, env:NAME or file:PATH (a credential is never written in the config file itself)")
	}
	return kind, strings.TrimSpace(name), nil
}

// vendorConfig builds the walk's vendors.Config without time window,
// resume or client options, resolving credential references with getenv
// and readFile.
func (s *SourceConfig) vendorConfig(v *vendors.Vendor, getenv func(string) string, readFile func(string) ([]byte, error)) (vendors.Config, error) {
	vc := vendors.Config{Settings: map[string]string{}, BaseURL: s.BaseURL, PageSize: s.PageSize}
	for k, val := range s.Settings {
		vc.Settings[k] = val
	}
	for _, k := range sortedKeys(s.Credentials) {
		val, err := resolveRef(s.Credentials[k], getenv, readFile)
		if err != nil {
			return vc, fmt.Errorf("credential %s: %w", k, err)
		}
		vc.Settings[k] = val
	}
	for _, k := range sortedKeys(s.Filters) {
		for _, val := range s.Filters[k] {
			vc.Filters = append(vc.Filters, vendors.Param{Name: k, Value: val})
		}
	}
	order, err := auditclient.ParseOrder(s.Order)
	if err != nil {
		return vc, err
	}
	vc.Order = order
	return vc, nil
}

// resolveRef reads a credential reference's value. Errors name the
// reference, never a value.
func resolveRef(ref string, getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	kind, name, err := parseRef(ref)
	if err != nil {
		return "", err
	}
	switch kind {
	case "env":
		val := strings.TrimSpace(getenv(name))
		if val == "" {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		return val, nil
	default:
		data, err := readFile(name)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("file %s: %v", name, err)
		}
		val := strings.TrimSpace(string(data))
		if val == "" {
			return "", fmt.Errorf("file %s is empty", name)
		}
		return val, nil
	}
}

// Check checks everything a run needs before it sends anything: the
// sources (as LoadConfig does), every credential reference (the variable
// is set, the file readable) and the output section, through its kind's
// factory with check true. Errors are *ConfigError naming their line.
func (c *Config) Check() error {
	if c.root == nil {
		// Built in code: the checks LoadConfig makes.
		if err := c.validate(); err != nil {
			return err
		}
	}
	getenv := c.getenv()
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Demo {
			continue
		}
		for _, k := range sortedKeys(s.Credentials) {
			if _, err := resolveRef(s.Credentials[k], getenv, c.readFile); err != nil {
				return c.errorf(s.lineOf("credentials", k), "source %s: credential %s: %v", s.Name, k, err)
			}
		}
		if err := c.openCheck(s); err != nil {
			return err
		}
	}
	if c.Output == nil {
		if _, err := c.buildOutput(context.Background(), true); err != nil {
			return err
		}
	}
	return nil
}

// readFile reads a file: reference, relative to the config file's
// directory.
func (c *Config) readFile(name string) ([]byte, error) {
	if !filepath.IsAbs(name) {
		name = filepath.Join(c.dir(), name)
	}
	return os.ReadFile(name)
}

func (c *Config) getenv() func(string) string {
	if c.Getenv != nil {
		return c.Getenv
	}
	return os.Getenv
}

// dir is the directory relative paths are relative to.
func (c *Config) dir() string {
	if c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// statePath is the state directory, resolved.
func (c *Config) statePath() string {
	if c.State == "" || filepath.IsAbs(c.State) {
		return c.State
	}
	return filepath.Join(c.dir(), c.State)
}

// outputKind tells which output kind the output section describes, and
// the path of the part its factory decodes.
func (c *Config) outputKind() (kind string, path []string, err error) {
	n := &c.OutputSection
	line := n.Line
	if n.Kind != yaml.MappingNode {
		return "", nil, c.errorf(line, "output: want a mapping: {path: ...}, {stdout: true} or {KIND: {...}} with KIND one of %s", strings.Join(OutputKinds(), ", "))
	}
	if len(n.Content) == 2 && n.Content[1].Kind == yaml.MappingNode {
		k := n.Content[0].Value
		if _, ok := LookupOutput(k); !ok {
			return "", nil, c.errorf(n.Content[0].Line, "output kind %q is not built into this program; the kinds are %s", k, strings.Join(OutputKinds(), ", "))
		}
		if k == "stdout" {
			return k, []string{"output"}, nil // {stdout: {}}: the stdout kind reads the whole section
		}
		return k, []string{"output", k}, nil
	}
	if mapKey(n, "stdout") != nil {
		return "stdout", []string{"output"}, nil
	}
	return "file", []string{"output"}, nil
}

// buildOutput builds (or, with check, only checks) the output section.
func (c *Config) buildOutput(ctx context.Context, check bool) (Output, error) {
	kind, path, err := c.outputKind()
	if err != nil {
		return nil, err
	}
	f, ok := LookupOutput(kind)
	if !ok {
		return nil, c.errorf(c.OutputSection.Line, "output kind %q is not built into this program; the kinds are %s", kind, strings.Join(OutputKinds(), ", "))
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	spec := OutputSpec{
		Kind:   kind,
		Decode: func(v any) error { return c.decodeSection(path, v) },
		Dir:    c.dir(),
		Logger: logger,
	}
	out, err := f(ctx, spec, check)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, c.errorf(c.OutputSection.Line, "output (%s): %v", kind, err)
	}
	return out, nil
}

// decodeSection decodes the part of the config file at path into v
// strictly, so that an unknown key or a wrong type names its line in the
// file: the whole file is decoded again into a type made for it, whose
// other top-level keys take anything.
func (c *Config) decodeSection(path []string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || len(path) == 0 {
		return errors.New("collector: decodeSection needs a non-nil pointer and a path")
	}
	if c.raw == nil {
		return errors.New("collector: the config was not read from a file")
	}
	t := rv.Type().Elem()
	for i := len(path) - 1; i >= 1; i-- {
		t = reflect.StructOf([]reflect.StructField{{Name: "F", Type: t, Tag: reflect.StructTag(`yaml:"` + path[i] + `"`)}})
	}
	var fields []reflect.StructField
	idx := -1
	for i, k := range c.topKeys {
		ft := reflect.TypeOf(yaml.Node{})
		if k == path[0] {
			ft, idx = t, i
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: ft, Tag: reflect.StructTag(`yaml:"` + strings.ReplaceAll(k, `"`, "") + `"`)})
	}
	if idx < 0 {
		return c.errorf(0, "no %s section", path[0])
	}
	ptr := reflect.New(reflect.StructOf(fields))
	dec := yaml.NewDecoder(bytes.NewReader(c.raw))
	dec.KnownFields(true)
	if err := dec.Decode(ptr.Interface()); err != nil {
		return c.yamlError(err)
	}
	val := ptr.Elem().Field(idx)
	for i := 1; i < len(path); i++ {
		val = val.Field(0)
	}
	rv.Elem().Set(val)
	return nil
}

// fingerprint identifies a source's configuration, to tell a changed
// source on reload.
func (s *SourceConfig) fingerprint() string {
	data, _ := json.Marshal(struct {
		S SourceConfig
		T Timing
	}{*s, s.Timing})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// sourcesOf returns the sources sh owns, by name.
func (c *Config) sourcesOf(sh Shard) map[string]SourceConfig {
	out := map[string]SourceConfig{}
	for _, s := range c.Sources {
		if sh.Owns(s.Name) {
			out[s.Name] = s
		}
	}
	return out
}

// SourceNames returns the names of the sources, in config order.
func (c *Config) SourceNames() []string {
	var n []string
	for _, s := range c.Sources {
		n = append(n, s.Name)
	}
	return slices.Clip(n)
}
