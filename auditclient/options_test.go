package auditclient

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestConfigValidation(t *testing.T) {
	good := func() Config { return Config{Vendor: "cisco", BaseURL: "https://api.amp.cisco.com"} }
	tests := []struct {
		name   string
		mod    func(*Config)
		option string
		hint   string
	}{
		{"empty vendor", func(c *Config) { c.Vendor = " " }, "Vendor", "non-empty"},
		{"no base URL", func(c *Config) { c.BaseURL = "" }, "BaseURL (WithBaseURL)", "required"},
		{"relative base URL", func(c *Config) { c.BaseURL = "api.amp.cisco.com/v1" }, "BaseURL (WithBaseURL)", "absolute"},
		{"ftp scheme", func(c *Config) { c.BaseURL = "ftp://api.amp.cisco.com" }, "BaseURL (WithBaseURL)", "http or https"},
		{"no host", func(c *Config) { c.BaseURL = "https:///v1" }, "BaseURL (WithBaseURL)", "host"},
		{"credentials", func(c *Config) { c.BaseURL = "https://id:hunter2@api.amp.cisco.com" }, "BaseURL (WithBaseURL)", "credentials"},
		{"query", func(c *Config) { c.BaseURL = "https://api.amp.cisco.com/?limit=5" }, "BaseURL (WithBaseURL)", "query"},
		{"fragment", func(c *Config) { c.BaseURL = "https://api.amp.cisco.com/#x" }, "BaseURL (WithBaseURL)", "fragment"},
		{"bad port", func(c *Config) { c.BaseURL = "https://api.amp.cisco.com:99999" }, "BaseURL (WithBaseURL)", "port"},
		{"unparsable", func(c *Config) { c.BaseURL = "https://api\x7f.com" }, "BaseURL (WithBaseURL)", "URL"},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }, "RateLimit (WithRateLimit)", "rate.Inf"},
		{"NaN rate", func(c *Config) { c.RateLimit = rate.Limit(math.NaN()) }, "RateLimit (WithRateLimit)", "between 0.001 and 1e+06"},
		{"vanishing rate", func(c *Config) { c.RateLimit = 1e-300 }, "RateLimit (WithRateLimit)", "between 0.001 and 1e+06"},
		{"absurd rate", func(c *Config) { c.RateLimit = 1e12 }, "RateLimit (WithRateLimit)", "between"},
		{"negative header timeout", func(c *Config) { c.ResponseHeaderTimeout = -time.Second }, "ResponseHeaderTimeout (WithTimeouts)", "positive"},
		{"negative read timeout", func(c *Config) { c.ReadTimeout = -1 }, "ReadTimeout (WithTimeouts)", "positive"},
		{"credentials over plain http", func(c *Config) { c.BaseURL = "http://api.amp.cisco.com"; c.Auth = BasicAuth("id", "key") }, "BaseURL (WithBaseURL)", "WithInsecureHTTP"},
		{"negative burst", func(c *Config) { c.Burst = -2 }, "Burst (WithRateLimit)", "at least 1"},
		{"negative max bytes", func(c *Config) { c.MaxResponseBytes = -1 }, "MaxResponseBytes (WithMaxResponseBytes)", "positive"},
		{"negative attempts", func(c *Config) { c.Retry.MaxAttempts = -1 }, "RetryPolicy.MaxAttempts (WithRetryPolicy)", "at least 1"},
		{"negative base delay", func(c *Config) { c.Retry.BaseDelay = -time.Second }, "RetryPolicy.BaseDelay (WithRetryPolicy)", "negative"},
		{"negative max delay", func(c *Config) { c.Retry.MaxDelay = -time.Second }, "RetryPolicy.MaxDelay (WithRetryPolicy)", "negative"},
		{"max below base", func(c *Config) { c.Retry.BaseDelay, c.Retry.MaxDelay = time.Minute, time.Second }, "RetryPolicy.MaxDelay (WithRetryPolicy)", "BaseDelay"},
		{"user agent newline", func(c *Config) { c.UserAgent = "x\r\nX-Evil: 1" }, "UserAgent (WithUserAgent)", "control"},
		{"bad header name", func(c *Config) { c.Header = http.Header{"Bad Name": {"x"}} }, "Header", "header name"},
		{"bad header value", func(c *Config) { c.Header = http.Header{"Accept": {"a\nb"}} }, "Header", "control"},
		{"empty basic user", func(c *Config) { c.Auth = BasicAuth("", "key") }, "Auth", "user is empty"},
		{"empty basic password", func(c *Config) { c.Auth = BasicAuth("id", "") }, "Auth", "password is empty"},
		{"colon in user", func(c *Config) { c.Auth = BasicAuth("a:b", "key") }, "Auth", "colon"},
		{"empty api key", func(c *Config) { c.Auth = StaticHeader("X-API-Key", "") }, "Auth", "empty"},
		{"bad header auth", func(c *Config) { c.Auth = StaticHeader("X API Key", "k") }, "Auth", "header name"},
		{"empty bearer", func(c *Config) { c.Auth = BearerToken("") }, "Auth", "empty"},
		{"bearer newline", func(c *Config) { c.Auth = BearerToken("a\nb") }, "Auth", "control"},
		{"nil token source", func(c *Config) { c.Auth = RefreshingToken(nil, "Authorization", "Bearer ") }, "Auth", "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good()
			tt.mod(&cfg)
			c, err := New(cfg)
			var ce *ConfigError
			if c != nil || !errors.As(err, &ce) {
				t.Fatalf("New = %v, %v; want a *ConfigError", c, err)
			}
			if ce.Option != tt.option || !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("option %q, message %q; want option %q and %q", ce.Option, err, tt.option, tt.hint)
			}
			if !strings.Contains(err.Error(), tt.option) {
				t.Errorf("message %q does not name %q", err, tt.option)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("credential in %q", err)
			}
		})
	}
}

func TestConfigDefaultsAndOptions(t *testing.T) {
	cfg := Config{Vendor: "cisco", BaseURL: "https://api.amp.cisco.com"}
	logger := slog.New(slog.DiscardHandler)
	hc := &http.Client{}
	p := RetryPolicy{MaxAttempts: 2}
	ApplyOptions(&cfg, WithBaseURL("https://api.eu.amp.cisco.com/prefix"), nil, WithHTTPClient(hc),
		WithRetryPolicy(p), WithRateLimit(rate.Inf, 3), WithLogger(logger), WithUserAgent("me/1"), WithMaxResponseBytes(1024))
	ApplyOptions(nil, WithUserAgent("x"))
	keep := Config{RateLimit: 5, Burst: 2}
	ApplyOptions(&keep, WithRateLimit(0, 0))
	if keep.RateLimit != 5 || keep.Burst != 2 {
		t.Errorf("WithRateLimit(0, 0) replaced the vendor's defaults: %+v", keep)
	}
	if cfg.BaseURL != "https://api.eu.amp.cisco.com/prefix" || cfg.HTTPClient != hc || cfg.Retry.MaxAttempts != 2 ||
		cfg.RateLimit != rate.Inf || cfg.Burst != 3 || cfg.Logger != logger || cfg.UserAgent != "me/1" || cfg.MaxResponseBytes != 1024 {
		t.Errorf("options not applied: %+v", cfg)
	}
	s, err := Config{Vendor: "cisco", BaseURL: "HTTPS://API.AMP.CISCO.COM"}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if s.RateLimit != rate.Inf || s.Burst != 1 || s.Pacer != nil || s.MaxResponseBytes != 64<<20 || s.UserAgent != DefaultUserAgent ||
		s.Retry.MaxAttempts != 6 || s.Retry.BaseDelay != 500*time.Millisecond || s.Retry.MaxDelay != time.Minute ||
		s.Retry.Budget.Available() != 500 || s.Logger == nil || s.ErrorParser == nil || s.base.String() != "https://api.amp.cisco.com" {
		t.Errorf("defaults: %+v", s)
	}
	// each client gets its own budget and pacer, unless one is shared
	c1 := htNew(t, Config{Vendor: "a", BaseURL: "https://h"})
	c2 := htNew(t, Config{Vendor: "a", BaseURL: "https://h"})
	if c1.Pacer() == nil || c1.Pacer() == c2.Pacer() || c1.lim != nil {
		t.Error("clients share a default pacer, or have a fixed cap by default")
	}
	shared := NewPacer(PacerConfig{})
	c3 := htNew(t, Config{Vendor: "a", BaseURL: "https://h", Pacer: shared})
	cfg4 := Config{Vendor: "a", BaseURL: "https://h"}
	ApplyOptions(&cfg4, WithPacer(shared))
	if c4 := htNew(t, cfg4); c3.Pacer() != shared || c4.Pacer() != shared {
		t.Error("WithPacer: the pacer is not shared")
	}
	if c1.policy.Budget == c2.policy.Budget {
		t.Error("clients share a default budget")
	}
}

// Plain http is refused only where credentials would leave the machine in
// clear: loopback is fine (fakes, local proxies), WithInsecureHTTP opts in,
// and a client without credentials may use any http URL.
func TestInsecureHTTP(t *testing.T) {
	basic := BasicAuth("id", "key")
	tests := []struct {
		base string
		auth Auth
		opts []Option
		ok   bool
	}{
		{"http://api.amp.cisco.com", basic, nil, false},
		{"http://10.1.2.3:8080/prefix", basic, nil, false},
		{"http://api.amp.cisco.com", basic, []Option{WithInsecureHTTP()}, true},
		{"http://api.amp.cisco.com", nil, nil, true},
		{"https://api.amp.cisco.com", basic, nil, true},
		{"http://127.0.0.1:9999", basic, nil, true},
		{"http://127.0.0.2:9999", basic, nil, true},
		{"http://[::1]:9999", basic, nil, true},
		{"http://localhost:9999", basic, nil, true},
	}
	for _, tt := range tests {
		cfg := Config{Vendor: "cisco", BaseURL: tt.base, Auth: tt.auth}
		ApplyOptions(&cfg, tt.opts...)
		_, err := New(cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s (auth %v, %d options): err = %v, want ok=%v", tt.base, tt.auth != nil, len(tt.opts), err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), "key") && !strings.Contains(err.Error(), "WithInsecureHTTP") {
			t.Errorf("message: %v", err)
		}
	}
}
