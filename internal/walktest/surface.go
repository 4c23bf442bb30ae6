package walktest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// This file holds the test bodies that every vendor's client tests share,
// each driven by a small per-vendor table: the client's listing methods
// refusing bad options, error bodies becoming *auditclient.APIError,
// constructors refusing bad settings, the registry entry, vendors.Open
// refusing bad configs, and a whole walk through the reference validator.

// Must(v, err)(tb) is v, failing tb fatally on err: Must(f())(tb) for a
// call f that must not fail.
func Must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

// All walks it to the end with collect (Collect when nil) and fails tb
// fatally when the walk fails. It does not close it.
func All(tb testing.TB, it auditclient.Iterator, collect func(testing.TB, auditclient.Iterator, int) []string) []string {
	tb.Helper()
	if collect == nil {
		collect = Collect
	}
	out := collect(tb, it, -1)
	if err := it.Err(); err != nil {
		tb.Fatalf("the walk failed after %d events: %v", len(out), err)
	}
	return out
}

// RoundTrip is a func as an http.RoundTripper.
type RoundTrip func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Mocked are client options that send every request through rt, with no
// client-side rate limit and one attempt per call; opts follow.
func Mocked(rt http.RoundTripper, opts ...auditclient.Option) []auditclient.Option {
	return append([]auditclient.Option{
		auditclient.WithHTTPClient(&http.Client{Transport: rt}),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
	}, opts...)
}

// Sent is the one request list sends through a transport that answers
// it body (list makes a client with the transport and calls it); a call
// that fails or sends no request fails tb.
func Sent(tb testing.TB, body string, list func(http.RoundTripper) error) *http.Request {
	tb.Helper()
	var got *http.Request
	err := list(RoundTrip(func(r *http.Request) (*http.Response, error) {
		got = r
		h := http.Header{"Content-Type": {"application/json"}}
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}))
	if err != nil || got == nil {
		tb.Fatalf("%v; request %v", err, got)
	}
	return got
}

// Surface is a vendor client's listing methods: O is its ListOptions, E
// its record.
type Surface[O, E any] struct {
	Vendor   string
	Validate func(*O) error
	ListPage func(context.Context, *O) error
	Pages    func(context.Context, *O) iter.Seq2[E, error]
	Events   func(context.Context, *O, *auditclient.Checkpoint) auditclient.Iterator
}

// BadOption is options a client must refuse, naming Option.
type BadOption[O any] struct {
	Opts   O
	Option string
	Value  string // the OptionError's Value, when not ""
	Only   string // "Events" or "ListPage": the one method that refuses them, when not ""
}

// RefusesBadOptions fails tb unless Validate, ListPage, Events and Pages
// each refuse every case (only the method Only names, when set) with an
// *auditclient.OptionError of s.Vendor, matching ErrBadOption, naming the
// option (in its message too) and what is allowed; Pages yields that error
// alone. requests counts what the client sent: nothing, ever.
func RefusesBadOptions[O, E any](tb testing.TB, s Surface[O, E], requests func() int, cases ...BadOption[O]) {
	tb.Helper()
	for _, c := range cases {
		check := func(how string, err error) {
			tb.Helper()
			var oe *auditclient.OptionError
			if !errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Vendor != s.Vendor || oe.Option != c.Option ||
				oe.Allowed == "" || !strings.Contains(err.Error(), c.Option) || (c.Value != "" && oe.Value != c.Value) {
				tb.Errorf("%s(%+v): %v, want an OptionError of %s for %s", how, c.Opts, err, s.Vendor, c.Option)
			}
		}
		o := c.Opts
		if c.Only == "" || c.Only == "ListPage" {
			check("ListPage", s.ListPage(context.Background(), &o))
		}
		if c.Only == "" && s.Validate != nil {
			check("Validate", s.Validate(&o))
		}
		if c.Only == "" || c.Only == "Events" {
			it := s.Events(context.Background(), &o, nil)
			if it.Next() {
				tb.Errorf("Events(%+v) yielded an event", c.Opts)
			}
			check("Events", it.Err())
			it.Close()
		}
		if c.Only == "" {
			n := 0
			for _, err := range s.Pages(context.Background(), &o) {
				n++
				check("Pages", err)
			}
			if n != 1 {
				tb.Errorf("Pages(%+v) yielded %d times, want its error alone", c.Opts, n)
			}
		}
		if n := requests(); n != 0 {
			tb.Fatalf("%+v: %d requests sent", c.Opts, n)
		}
	}
}

// ErrorBody is an error response and the *auditclient.APIError it must
// become.
type ErrorBody struct {
	Status        int
	Body, Type    string // Type is the Content-Type; "" is application/json
	Message, Code string
	Details       []string
	Is            error
}

// APIErrors are what every ErrorBody's error must hold besides: the
// vendor, the end of the URL requested, no secret, and the vendor's own
// check (when not nil).
type APIErrors struct {
	Vendor, URLSuffix string
	Secrets           []string
	Check             func(testing.TB, ErrorBody, error)
}

// ErrorBodies serves each case, with the request id req-1, to list (which
// makes a client sending through the transport and lists one page) and
// fails tb unless the error matches the case's sentinel and is an
// *auditclient.APIError of the case's status, message, code and details,
// with the request id and the URL, and none of the secrets in any of its
// formatted forms.
func ErrorBodies(tb testing.TB, want APIErrors, list func(http.RoundTripper) error, cases ...ErrorBody) {
	tb.Helper()
	for _, c := range cases {
		err := list(RoundTrip(func(r *http.Request) (*http.Response, error) {
			h := http.Header{"Content-Type": {cmp.Or(c.Type, "application/json")}, "X-Request-Id": {"req-1"}}
			return &http.Response{StatusCode: c.Status, Header: h, Body: io.NopCloser(strings.NewReader(c.Body)), Request: r}, nil
		}))
		var api *auditclient.APIError
		if !errors.Is(err, c.Is) || !errors.As(err, &api) {
			tb.Errorf("%d %s: %v (%T), want an *APIError matching %v", c.Status, c.Body, err, err, c.Is)
			continue
		}
		if api.StatusCode != c.Status || api.Message != c.Message || api.Code != c.Code || !slices.Equal(api.Details, c.Details) ||
			api.Vendor != want.Vendor || api.RequestID != "req-1" || !strings.HasSuffix(api.URL, want.URLSuffix) {
			tb.Errorf("%d %s: %+v, want message %q code %q details %q, request id req-1, URL …%s", c.Status, c.Body, api, c.Message, c.Code, c.Details, want.URLSuffix)
		}
		NoSecrets(tb, want.Secrets, map[string]string{fmt.Sprint(c.Status, " error"): FmtAll(err)})
		if want.Check != nil {
			want.Check(tb, c, err)
		}
	}
}

// BadConfig is a client its constructor must refuse: New makes it.
type BadConfig struct {
	Name               string
	New                func() error
	Option, Env, Value string
	Reason             string // in the error's Reason
}

// RefusesBadConfig fails tb unless each case's New fails with an
// *auditclient.ConfigError of vendor, matching ErrBadConfig, of the case's
// option (named in its message), environment variable and value, with a
// Reason holding the case's, and none of secrets in any of its formatted
// forms.
func RefusesBadConfig(tb testing.TB, vendor string, secrets []string, cases ...BadConfig) {
	tb.Helper()
	for _, c := range cases {
		err := c.New()
		var ce *auditclient.ConfigError
		if !errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Vendor != vendor || ce.Option != c.Option || ce.Env != c.Env ||
			ce.Value != c.Value || ce.Reason == "" || !strings.Contains(ce.Reason, c.Reason) || !strings.Contains(err.Error(), c.Option) {
			tb.Errorf("%s: %#v, want a ConfigError of %s for %s (%s) %s, a reason with %q", c.Name, err, vendor, c.Option, c.Env, c.Value, c.Reason)
			continue
		}
		NoSecrets(tb, secrets, map[string]string{c.Name: FmtAll(err)})
	}
}

// Registration is a vendor package's registry entry, Help and Allowed
// aside (they must not be empty).
type Registration struct {
	Vendor                         *vendors.Vendor // the package's own
	Name, Endpoint, DefaultBaseURL string
	Natural                        auditclient.Order
	Orders                         []auditclient.Order
	OrderNote                      string // in Vendor.OrderNote
	Settings                       []vendors.Setting
	Filters                        []string // the names, in order: one value each, no closed set
}

// Registered fails tb unless the registry holds want.Vendor under its
// name, as want describes it.
func Registered(tb testing.TB, want Registration) {
	tb.Helper()
	v, ok := vendors.Lookup(want.Name)
	if !ok || v != want.Vendor {
		tb.Fatalf("vendors.Lookup(%s) = %v, %v", want.Name, v, ok)
	}
	if v.Name != want.Name || v.Title == "" || v.Endpoint != want.Endpoint || v.DefaultBaseURL != want.DefaultBaseURL || v.Natural != want.Natural ||
		!slices.Equal(v.Orders, want.Orders) || v.OrderNote == "" || !strings.Contains(v.OrderNote, want.OrderNote) {
		tb.Errorf("vendor %+v", v)
	}
	var settings []vendors.Setting
	for _, s := range v.Settings {
		if s.Help == "" {
			tb.Errorf("setting %s has no help", s.Name)
		}
		s.Help = ""
		settings = append(settings, s)
	}
	if !slices.Equal(settings, want.Settings) {
		tb.Errorf("settings %+v\nwant %+v", settings, want.Settings)
	}
	var filters []string
	for _, f := range v.Filters {
		filters = append(filters, f.Name)
		if f.Allowed == "" || f.Help == "" || f.Repeatable || f.Values != nil {
			tb.Errorf("filter %+v", f)
		}
	}
	if !slices.Equal(filters, want.Filters) {
		tb.Errorf("filters %v, want %v", filters, want.Filters)
	}
}

// Refusal is a Config vendors.Open must refuse before sending anything.
type Refusal struct {
	Name   string
	Cfg    vendors.Config
	Config bool   // an *auditclient.ConfigError, else an *auditclient.OptionError
	Option string // the error's Option
	Env    string // a ConfigError's Env
	Says   string // in its message, when not ""
	// Own is the Option of the vendor's own Open's refusal (of the same
	// kind and Env), called alone; "-" when it accepts the Config (only
	// the registry checks that); "" when it is not called alone, except
	// as always where the registry lets the Config through: there it must
	// fail as vendors.Open does.
	Own string
}

// OpenRefused fails tb unless vendors.Open refuses each case with the
// error it names, of v and holding none of secrets (nor any secret
// setting's value of the case, nor, for a secret setting's environment
// variable, any value at all); requests counts what was sent: nothing.
func OpenRefused(tb testing.TB, v *vendors.Vendor, secrets []string, requests func() int, cases ...Refusal) {
	tb.Helper()
	for _, c := range cases {
		texts := map[string]string{}
		check := func(by, option string, src *vendors.Source, err error) {
			tb.Helper()
			var ce *auditclient.ConfigError
			var oe *auditclient.OptionError
			switch {
			case src != nil:
				tb.Errorf("%s: %s opened it", c.Name, by)
				src.Events.Close()
			case c.Config && (!errors.Is(err, auditclient.ErrBadConfig) || !errors.As(err, &ce) || ce.Option != option || ce.Vendor != v.Name || ce.Env != c.Env):
				tb.Errorf("%s: %s: %#v, want a ConfigError of %s for %s (%s)", c.Name, by, err, v.Name, option, c.Env)
			case !c.Config && (!errors.Is(err, auditclient.ErrBadOption) || !errors.As(err, &oe) || oe.Option != option || oe.Vendor != v.Name):
				tb.Errorf("%s: %s: %#v, want an OptionError of %s for %s", c.Name, by, err, v.Name, option)
			case !strings.Contains(err.Error(), c.Says):
				tb.Errorf("%s: %s: %q does not say %q", c.Name, by, err, c.Says)
			}
			for _, s := range v.Settings {
				if s.Secret && ce != nil && ce.Env == s.Env && ce.Value != "" {
					tb.Errorf("%s: %s: the error about %s holds a value: %v", c.Name, by, s.Name, err)
				}
			}
			texts[c.Name+" from "+by] = FmtAll(err)
		}
		src, err := vendors.Open(context.Background(), v.Name, c.Cfg)
		check("vendors.Open", c.Option, src, err)
		if v.Check(c.Cfg) == nil {
			own, oerr := v.Open(context.Background(), c.Cfg)
			if own != nil || oerr == nil || err == nil || oerr.Error() != err.Error() {
				tb.Errorf("%s: Vendor.Open: %v; vendors.Open: %v", c.Name, oerr, err)
			}
		}
		switch c.Own {
		case "":
		case "-":
			if own, err := v.Open(context.Background(), c.Cfg); err != nil {
				tb.Errorf("%s: Vendor.Open alone: %v", c.Name, err)
			} else {
				own.Events.Close()
			}
		default:
			own, err := v.Open(context.Background(), c.Cfg)
			check("Vendor.Open alone", c.Own, own, err)
		}
		all := slices.Clone(secrets)
		for _, s := range v.Settings {
			if val := strings.TrimSpace(c.Cfg.Settings[s.Name]); s.Secret && val != "" {
				all = append(all, val)
			}
		}
		NoSecrets(tb, all, texts)
	}
	if n := requests(); n != 0 {
		tb.Errorf("%d requests sent", n)
	}
}

// ValidatedWalk walks it (which start makes, once the reference validator
// is known to be there) through the validator, and fails tb unless the
// walk holds n events, all passing, with a type_uid starting with each of
// kinds.
func ValidatedWalk(tb testing.TB, start func() auditclient.Iterator, n int, kinds ...string) {
	tb.Helper()
	v := NeedValidator(tb)
	it := start()
	defer it.Close()
	seen := map[string]int{}
	ndjson := NDJSON(tb, it, func(ev ocsf.Event) { seen[fmt.Sprint(ev.TypeUID())]++ })
	last := v.Check(tb, ndjson, n)
	tb.Logf("validate.py: %s; type_uids %v", last, seen)
	if total := strings.Count(string(ndjson), "\n"); total != n {
		tb.Errorf("%d events, want %d", total, n)
	}
	for _, k := range kinds {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(seen)), func(s string) bool { return strings.HasPrefix(s, k) }) {
			tb.Errorf("the walk held no %s events: %v", k, seen)
		}
	}
}

// Equal fails tb unless got deeply equals want, naming what.
func Equal(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("%s = %+v\nwant %+v", what, got, want)
	}
}
