package auditclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/time/rate"
)

func TestVendorConfig(t *testing.T) {
	auth := BearerToken("k")
	parse := func(int, []byte) ErrorDetails { return ErrorDetails{Code: "x"} }
	cfg := VendorConfig("acme", "https://api.acme.example", auth, 5, parse,
		nil, WithBaseURL("https://proxy.example/acme"), WithRateLimit(0, 9))
	switch {
	case cfg.Vendor != "acme" || cfg.Auth != auth:
		t.Errorf("vendor %q, auth %v", cfg.Vendor, cfg.Auth)
	case cfg.BaseURL != "https://proxy.example/acme":
		t.Errorf("BaseURL %q: the option did not win over the default", cfg.BaseURL)
	case cfg.RateLimit != rate.Limit(5) || cfg.Burst != 9:
		t.Errorf("rate %v, burst %d; want 5 (the default) and 9 (the option)", cfg.RateLimit, cfg.Burst)
	case cfg.ErrorParser == nil || cfg.ErrorParser(400, nil).Code != "x":
		t.Error("ErrorParser is not parse")
	case cfg.Header.Get("Accept") != "application/json" || len(cfg.Header) != 1:
		t.Errorf("header %v, want Accept: application/json only", cfg.Header)
	}
	if cfg := VendorConfig("acme", "https://api.acme.example", nil, 3, nil); cfg.RateLimit != 3 || cfg.Burst != 3 {
		t.Errorf("rate %v, burst %d; want 3 and 3", cfg.RateLimit, cfg.Burst)
	}
}

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/missing" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"no"}`))
			return
		}
		_, _ = w.Write([]byte(`{"n":7}`))
	}))
	defer srv.Close()
	c, err := New(Config{Vendor: "acme", BaseURL: srv.URL + "/api", RateLimit: rate.Inf, Retry: RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ N int }
	u, err := c.Fetch(context.Background(), &Request{URL: "items", Query: map[string][]string{"token": {"s3cret"}, "a": {"1"}}}, &out)
	if err != nil || out.N != 7 {
		t.Fatalf("Fetch: %v, %+v", err, out)
	}
	if !strings.HasPrefix(u, srv.URL+"/api/items?") || !strings.Contains(u, "a=1") || strings.Contains(u, "s3cret") {
		t.Errorf("URL %q: want the URL that answered, redacted", u)
	}
	u, err = c.Fetch(context.Background(), &Request{URL: "missing"}, &out)
	if !errors.Is(err, ErrNotFound) || u != srv.URL+"/api/missing" {
		t.Errorf("a 404: %q, %v; want its URL and an error matching ErrNotFound", u, err)
	}
	u, err = c.Fetch(context.Background(), nil, nil)
	if err == nil || u != "" {
		t.Errorf("no response: %q, %v; want \"\" and an error", u, err)
	}
}

// opts is a ListOptions of the tests: Validate refuses a negative N.
type opts struct{ N int }

func (o *opts) Validate() error {
	if o != nil && o.N < 0 {
		return errors.New("negative")
	}
	return nil
}

func TestValidated(t *testing.T) {
	given := &opts{N: 3}
	o, err := Validated(given)
	if err != nil || o.N != 3 {
		t.Fatalf("Validated = %+v, %v", o, err)
	}
	o.N = 4
	if given.N != 3 {
		t.Error("the copy shares the caller's options")
	}
	if o, err := Validated[opts](nil); err != nil || o.N != 0 {
		t.Errorf("nil: %+v, %v; want the zero options", o, err)
	}
	if _, err := Validated(&opts{N: -1}); err == nil || err.Error() != "negative" {
		t.Errorf("bad options: %v, want Validate's error", err)
	}
}

func TestCheckCount(t *testing.T) {
	for _, n := range []int{0, 1, 250, 500} {
		if err := CheckCount("acme", "limit", n, 500, 100); err != nil {
			t.Errorf("CheckCount(%d): %v", n, err)
		}
	}
	for _, n := range []int{-1, 501} {
		err := CheckCount("acme", "limit", n, 500, 100)
		var oe *OptionError
		if !errors.As(err, &oe) || !errors.Is(err, ErrBadOption) {
			t.Fatalf("CheckCount(%d) = %v, want an *OptionError", n, err)
		}
		want := OptionError{Vendor: "acme", Option: "limit", Value: strconv.Itoa(n), Allowed: "an integer from 1 to 500 (0 for the default, 100)"}
		if *oe != want {
			t.Errorf("CheckCount(%d) = %+v, want %+v", n, *oe, want)
		}
	}
}
