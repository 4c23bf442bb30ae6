// Package auditclient is the HTTP core shared by auditkit's vendor packages,
// and the Iterator and Checkpoint they return.
//
// A vendor package builds a Client with New from a Config holding its
// defaults (vendor name, base URL, credentials, error parser) and the
// caller's Options (WithBaseURL, WithHTTPClient, WithRetryPolicy,
// WithRateLimit, WithLogger, WithUserAgent, WithMaxResponseBytes). New
// validates everything before anything is sent.
//
// Client.Get and Client.Do then handle, for every call:
//
//   - URLs: references are joined under the base URL's path; an absolute URL
//     (a next link) or a redirect to another scheme, host or port is refused
//     with ErrForeignHost, and credentials are never sent there.
//   - Rate limits: a golang.org/x/time/rate limiter before every attempt, and
//     a pause while a successful response says the quota is spent
//     (Remaining: 0) until its reset.
//   - Retries (go-retryablehttp underneath): 429, 502, 503, 504, connection
//     resets and bodies cut short, honouring Retry-After and the rate-limit
//     reset, else exponential backoff with jitter, capped; a server-advised
//     wait over the cap fails fast with a *RateLimitError. A retry budget
//     shared by the client's calls stops retry storms. Waits respect the
//     context.
//   - Credentials: an Auth (StaticHeader, BearerToken, BasicAuth,
//     RefreshingToken) applied on every attempt; after a 401 a refreshing
//     credential is renewed and the call repeated once.
//   - Decoding: a 2xx JSON body is decoded straight from the response body
//     into the caller's value, bounded by MaxResponseBytes.
//   - Errors: *APIError (status, the vendor's own code and message, request
//     id), *RateLimitError, *DecodeError, *RequestError, all usable with
//     errors.Is against ErrUnauthorized, ErrForbidden, ErrNotFound,
//     ErrRateLimited and the other sentinels.
//   - Secrets: every credential, in plain, base64 and URL-escaped form, is
//     replaced by REDACTED in errors, log lines and %v output, and secret
//     query parameters are masked (RedactURL).
package auditclient
