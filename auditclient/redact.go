package auditclient

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces every secret the client redacts.
const Redacted = "REDACTED"

// RedactURL returns u as a string that is safe to log: the userinfo (user and
// password) is dropped, the fragment too, and the value of every query
// parameter whose name looks secret (token, key, api_key, apikey, secret,
// password, signature, sig, access_token, auth, session, code, credential and
// names built on them, such as X-Amz-Signature or sessionId) becomes
// REDACTED. Other parameters are kept as they were encoded. A nil u gives "".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := *u
	r.User = nil
	r.Fragment, r.RawFragment = "", ""
	r.RawQuery = redactQuery(r.RawQuery)
	r.ForceQuery = false
	return r.String()
}

// RedactURLString is RedactURL for a URL given as text, such as a setting
// in an error message: user info, fragment and secret-looking query values
// are taken out. Text that does not parse as a URL, or that parses with an
// opaque part (as "user:password@host" does, read as scheme "user"), gives
// "": it may hold a credential that cannot be told apart.
func RedactURLString(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" {
		return ""
	}
	return RedactURL(u)
}

// redactQuery masks the values of secret-looking parameters in an encoded
// query, keeping the order and encoding of the others.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if secretParam(name) {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// secretWords are parameter-name words whose values are secret.
var secretWords = []string{
	"token", "key", "apikey", "secret", "password", "passwd", "pwd",
	"signature", "sig", "auth", "session", "code", "credential",
	"credentials", "accesstoken", "jwt", "otp", "cookie",
}

// secretParam reports whether a query parameter name looks secret. The name
// is split into words at every non-alphanumeric character; a word that is,
// starts with or ends with a secret word (apiKey, sessionId,
// X-Amz-Signature) makes the name secret. It errs on the side of redacting.
func secretParam(name string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		for _, s := range secretWords {
			if w == s {
				return true
			}
			if len(s) >= 4 && (strings.HasPrefix(w, s) || strings.HasSuffix(w, s)) {
				return true
			}
		}
		if strings.HasSuffix(w, "key") {
			return true
		}
	}
	return false
}

// redactor replaces the secrets of a client's Auth, and their encoded forms,
// with REDACTED. The secrets are asked for each time, since a refreshing
// token changes; the replacer is rebuilt only when they do.
type redactor struct {
	auth   Auth
	static bool // the secrets never change: build the replacer once

	once sync.Once
	mu   sync.Mutex
	key  string
	repl *valueReplacer
}

func newRedactor(a Auth) *redactor {
	r := &redactor{auth: a}
	switch a.(type) {
	case *basicAuth, *staticHeader, *bearerToken:
		r.static = true
	}
	return r
}

// replacer returns the replacer for the current secrets, or nil if there
// are none.
func (r *redactor) replacer() *valueReplacer {
	if r == nil || r.auth == nil {
		return nil
	}
	if r.static {
		r.once.Do(func() { r.repl = buildReplacer(r.auth.Secrets()) })
		return r.repl
	}
	secrets := r.auth.Secrets()
	key := strings.Join(secrets, "\x00")
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.repl == nil || key != r.key {
		r.key, r.repl = key, buildReplacer(secrets)
	}
	return r.repl
}

// buildReplacer replaces every form of every secret, longest first so that
// "user:password" goes before "user"; nil if there is nothing to replace.
func buildReplacer(secrets []string) *valueReplacer {
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		forms = append(forms, secretForms(s)...)
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	forms = slices.Compact(forms)
	if len(forms) == 0 {
		return nil
	}
	return &valueReplacer{forms: forms}
}

// valueReplacer replaces a secret where it stands as a value: a header
// value, a query value, userinfo, a JSON string, a word of a message. An
// occurrence inside a longer word is left alone, so that a short client id
// "x" does not turn "example.invalid" into "eREDACTEDample.invalid": the
// characters on each side of a match must not be letters or digits. A
// secret glued to punctuation ("token-SECRET", "key=SECRET", "user:SECRET@")
// is still redacted.
type valueReplacer struct{ forms []string }

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// Replace returns s with every secret that stands as a value replaced.
func (v *valueReplacer) Replace(s string) string {
	for _, f := range v.forms {
		if !strings.Contains(s, f) {
			continue
		}
		var b strings.Builder
		last := 0 // s[last:] is not written yet
		for from := 0; ; {
			i := strings.Index(s[from:], f)
			if i < 0 {
				break
			}
			i += from
			end := i + len(f)
			// A secret that itself begins or ends with a non-word
			// character carries its own boundary on that side.
			inWord := (i > 0 && wordByte(f[0]) && wordByte(s[i-1])) ||
				(end < len(s) && wordByte(f[len(f)-1]) && wordByte(s[end]))
			if inWord {
				from = i + 1
				continue
			}
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			last, from = end, end
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
		}
	}
	return s
}

// secretForms are the ways s can appear in a message: as is, base64 encoded
// (as in an Authorization: Basic header), and URL escaped.
func secretForms(s string) []string {
	b := []byte(s)
	forms := []string{
		s,
		base64.StdEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b),
		url.QueryEscape(s),
		url.PathEscape(s),
	}
	out := forms[:0]
	for _, f := range forms {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// String returns s with every secret replaced.
func (r *redactor) String(s string) string {
	if rp := r.replacer(); rp != nil {
		return rp.Replace(s)
	}
	return s
}

// Bytes returns b with every secret replaced.
func (r *redactor) Bytes(b []byte) []byte {
	rp := r.replacer()
	if rp == nil {
		return b
	}
	return []byte(rp.Replace(string(b)))
}

// URL returns the redacted form of u: RedactURL, then the secrets.
func (r *redactor) URL(u *url.URL) string { return r.String(RedactURL(u)) }
