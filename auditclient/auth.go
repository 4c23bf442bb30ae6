package auditclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Auth puts credentials on a request. The Client calls Apply on every
// attempt, after its rate limiter and only for URLs on the base URL's origin;
// Secrets lists the strings to redact from every error, log line and %v
// output. Implementations must be safe for concurrent use and should print
// no secret with %v (the ones here print REDACTED).
type Auth interface {
	// Apply sets the credentials on req (a clone the Auth may modify).
	Apply(ctx context.Context, req *http.Request) error
	// Secrets returns the strings to redact everywhere.
	Secrets() []string
}

// Invalidator is implemented by an Auth that caches a credential which the
// server may reject before it expires. On a 401 response the Client calls
// Invalidate and repeats the call once with a fresh credential.
type Invalidator interface {
	Invalidate()
}

// validator is implemented by the Auths of this package so that New can
// refuse an unusable one before anything is sent.
type validator interface{ validate() error }

// StaticHeader returns an Auth that sets header name to value on every
// request, e.g. StaticHeader("X-API-Key", key). The value is secret.
func StaticHeader(name, value string) Auth { return &staticHeader{name: name, value: value} }

type staticHeader struct{ name, value string }

func (a *staticHeader) validate() error {
	switch {
	case !validHeaderName(a.name):
		return fmt.Errorf("StaticHeader: header name %q is not a valid HTTP header name", a.name)
	case a.value == "":
		return errors.New("StaticHeader: the value (the credential) is empty")
	case !validHeaderValue(a.value):
		return errors.New("StaticHeader: the value contains a control character")
	}
	return nil
}

func (a *staticHeader) Apply(_ context.Context, req *http.Request) error {
	if err := a.validate(); err != nil {
		return err
	}
	req.Header.Set(a.name, a.value)
	return nil
}

func (a *staticHeader) Secrets() []string { return []string{a.value} }

// String prints the header name only.
func (a *staticHeader) String() string {
	return "StaticHeader{" + http.CanonicalHeaderKey(a.name) + ":" + Redacted + "}"
}
func (a *staticHeader) GoString() string              { return a.String() }
func (a *staticHeader) Format(f fmt.State, verb rune) { formatStringer(f, verb, a) }

// BearerToken returns an Auth that sends "Authorization: Bearer <token>".
func BearerToken(token string) Auth { return &bearerToken{token: token} }

type bearerToken struct{ token string }

func (a *bearerToken) validate() error {
	switch {
	case a.token == "":
		return errors.New("BearerToken: the token is empty")
	case !validHeaderValue(a.token):
		return errors.New("BearerToken: the token contains a control character")
	}
	return nil
}

func (a *bearerToken) Apply(_ context.Context, req *http.Request) error {
	if err := a.validate(); err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	return nil
}

func (a *bearerToken) Secrets() []string { return []string{a.token} }

// String prints no secret.
func (a *bearerToken) String() string                { return "BearerToken{" + Redacted + "}" }
func (a *bearerToken) GoString() string              { return a.String() }
func (a *bearerToken) Format(f fmt.State, verb rune) { formatStringer(f, verb, a) }

// BasicAuth returns an Auth that sends HTTP Basic credentials. Both the
// user and the password are secret (Cisco's user is its API client id).
func BasicAuth(user, password string) Auth { return &basicAuth{user: user, password: password} }

type basicAuth struct{ user, password string }

func (a *basicAuth) validate() error {
	switch {
	case a.user == "":
		return errors.New("BasicAuth: the user is empty")
	case strings.Contains(a.user, ":"):
		return errors.New("BasicAuth: the user contains a colon, which HTTP Basic cannot carry")
	case a.password == "":
		return errors.New("BasicAuth: the password is empty")
	}
	return nil
}

func (a *basicAuth) Apply(_ context.Context, req *http.Request) error {
	if err := a.validate(); err != nil {
		return err
	}
	req.SetBasicAuth(a.user, a.password)
	return nil
}

func (a *basicAuth) Secrets() []string {
	return []string{a.user, a.password, a.user + ":" + a.password}
}

// String prints no secret.
func (a *basicAuth) String() string {
	return "BasicAuth{user:" + Redacted + ", password:" + Redacted + "}"
}
func (a *basicAuth) GoString() string              { return a.String() }
func (a *basicAuth) Format(f fmt.State, verb rune) { formatStringer(f, verb, a) }

// Token is a credential with an expiry, as a TokenSource returns it.
type Token struct {
	Value  string    // the secret
	Expiry time.Time // zero: valid until the server rejects it
}

// String prints the expiry but not the value.
func (t Token) String() string {
	exp := "none"
	if !t.Expiry.IsZero() {
		exp = t.Expiry.UTC().Format(time.RFC3339)
	}
	return "Token{Value:" + Redacted + ", Expiry:" + exp + "}"
}

// GoString prints the expiry but not the value.
func (t Token) GoString() string { return t.String() }

// Format prints String() for every verb.
func (t Token) Format(f fmt.State, verb rune) { formatStringer(f, verb, t) }

// TokenSource fetches a new token, e.g. by calling a login endpoint (with
// Request.NoAuth set).
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// refreshLeeway is how long before its expiry a token is refreshed.
const refreshLeeway = 30 * time.Second

// RefreshingToken returns an Auth that sets header to prefix+token, where
// the token comes from src and is cached until 30 seconds before its
// expiry. prefix is prepended verbatim: pass "Bearer " (with the space) for
// an Authorization header, "" for a bare token. One refresh runs at a time;
// concurrent requests wait for it (or for their context). The Auth
// implements Invalidator, so a 401 response drops the cached token and the
// Client repeats the call once with a new one.
func RefreshingToken(src TokenSource, header, prefix string) Auth {
	return &refreshingToken{src: src, header: header, prefix: prefix, sem: make(chan struct{}, 1), now: time.Now}
}

type refreshingToken struct {
	src            TokenSource
	header, prefix string
	sem            chan struct{} // held by the one refresh in flight
	now            func() time.Time

	mu    sync.Mutex
	tok   Token
	valid bool
	seen  []string // recent token values, for redaction
}

func (a *refreshingToken) validate() error {
	switch {
	case a.src == nil:
		return errors.New("RefreshingToken: the token source is nil")
	case !validHeaderName(a.header):
		return fmt.Errorf("RefreshingToken: header name %q is not a valid HTTP header name", a.header)
	case !validHeaderValue(a.prefix):
		return errors.New("RefreshingToken: the prefix contains a control character")
	}
	return nil
}

func (a *refreshingToken) cached() (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.valid {
		return "", false
	}
	if !a.tok.Expiry.IsZero() && !a.now().Before(a.tok.Expiry.Add(-refreshLeeway)) {
		return "", false
	}
	return a.tok.Value, true
}

func (a *refreshingToken) token(ctx context.Context) (string, error) {
	if v, ok := a.cached(); ok {
		return v, nil
	}
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-a.sem }()
	if v, ok := a.cached(); ok { // refreshed while we waited
		return v, nil
	}
	t, err := a.src.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("refreshing the token: %w", err)
	}
	if t.Value == "" {
		return "", errors.New("refreshing the token: the token source returned an empty token")
	}
	if !validHeaderValue(t.Value) {
		return "", errors.New("refreshing the token: the token contains a control character")
	}
	a.mu.Lock()
	a.tok, a.valid = t, true
	if !containsString(a.seen, t.Value) {
		a.seen = append(a.seen, t.Value)
		if len(a.seen) > 4 {
			a.seen = a.seen[len(a.seen)-4:]
		}
	}
	a.mu.Unlock()
	return t.Value, nil
}

func (a *refreshingToken) Apply(ctx context.Context, req *http.Request) error {
	if err := a.validate(); err != nil {
		return err
	}
	v, err := a.token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set(a.header, a.prefix+v)
	return nil
}

// Secrets returns the current token and the last few before it, so that an
// error quoting a just-replaced token is still redacted.
func (a *refreshingToken) Secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// Invalidate drops the cached token; the next request fetches a new one.
func (a *refreshingToken) Invalidate() {
	a.mu.Lock()
	a.valid = false
	a.mu.Unlock()
}

// String prints no secret.
func (a *refreshingToken) String() string {
	return "RefreshingToken{" + http.CanonicalHeaderKey(a.header) + ":" + Redacted + "}"
}
func (a *refreshingToken) GoString() string              { return a.String() }
func (a *refreshingToken) Format(f fmt.State, verb rune) { formatStringer(f, verb, a) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formatStringer writes s.String() for every verb; %q quotes it.
func formatStringer(f fmt.State, verb rune, s fmt.Stringer) {
	msg := s.String()
	if verb == 'q' {
		msg = strconv.Quote(msg)
	}
	_, _ = f.Write([]byte(msg))
}

// validHeaderName reports whether s is an HTTP token (RFC 9110 §5.1).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s has no control character but tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
