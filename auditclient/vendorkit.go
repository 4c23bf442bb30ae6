package auditclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/go-querystring/query"
	"golang.org/x/time/rate"
)

// What every vendor package built on this one does alike: the Config its
// NewClient starts from, a call that needs only the URL that answered, and
// the encoding and checks of its ListOptions.

// VendorConfig returns the Config of a vendor's JSON API as its NewClient
// starts from it, with the caller's options applied: Vendor vendor,
// BaseURL baseURL (the vendor's default host, or the server the caller
// named), Auth auth, ErrorParser parse, a client-side rate limit of
// perSecond requests a second with a burst of as many, and the header
// Accept: application/json; then opts, in order (see ApplyOptions). The
// vendor may change the result (normalize the base URL, say) before New.
func VendorConfig(vendor, baseURL string, auth Auth, perSecond int, parse func(status int, body []byte) ErrorDetails, opts ...Option) Config {
	cfg := Config{
		Vendor:      vendor,
		BaseURL:     baseURL,
		Auth:        auth,
		RateLimit:   rate.Limit(perSecond),
		Burst:       perSecond,
		ErrorParser: parse,
		Header:      http.Header{"Accept": {"application/json"}},
	}
	ApplyOptions(&cfg, opts...)
	return cfg
}

// Fetch is Do for a caller that needs of the Response only the URL that
// answered, redacted (Response.URL; "" when no response came), as a walk
// does to name it in an error of a page it finds inconsistent.
func (c *Client) Fetch(ctx context.Context, req *Request, out any) (string, error) {
	resp, err := c.Do(ctx, req, out)
	if resp == nil {
		return "", err
	}
	return resp.URL, err
}

// EncodeOptions encodes a vendor's options as its API's query string:
// opts is a struct, or a pointer to one (nil encodes nothing), with
// `url:"name,omitempty"` tags, encoded by go-querystring as Get encodes a
// struct query. An error names the vendor ("cisco: encoding options: ...").
func EncodeOptions(vendor string, opts any) (url.Values, error) {
	v, err := query.Values(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding options: %w", vendor, err)
	}
	return v, nil
}

// Validated returns a copy of *opts (the zero T when opts is nil) and the
// error of its Validate method: how a walk takes the caller's options,
// which it may then complete (a default page size, say) without changing
// the caller's.
func Validated[T any, P interface {
	*T
	Validate() error
}](opts P) (T, error) {
	var o T
	if opts != nil {
		o = *opts
	}
	return o, P(&o).Validate()
}

// CheckCount checks a count option of vendor's (a page size, a
// concurrency): n must be 0, for the default def, or 1..hi. Any other
// value is an *OptionError naming option, "an integer from 1 to hi (0 for
// the default, def)".
func CheckCount(vendor, option string, n, hi, def int) error {
	if n == 0 || n >= 1 && n <= hi {
		return nil
	}
	return &OptionError{Vendor: vendor, Option: option, Value: strconv.Itoa(n),
		Allowed: fmt.Sprintf("an integer from 1 to %d (0 for the default, %d)", hi, def)}
}
