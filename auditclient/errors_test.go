package auditclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func slogNew(h slog.Handler) *slog.Logger { return slog.New(h) }

const ciscoEnvelope = `{"version":"v0.1.0","data":{},"errors":[{"error_code":401,"description":"Unauthorized","details":["Unknown API key or Client ID"]}]}`

// ciscoParser reads Cisco's envelope the way the cisco package does.
func ciscoParser(status int, body []byte) ErrorDetails {
	var env struct {
		Errors []struct {
			ErrorCode   json.Number `json:"error_code"`
			Description string      `json:"description"`
			Details     []string    `json:"details"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Errors) == 0 {
		return ErrorDetails{}
	}
	e := env.Errors[0]
	return ErrorDetails{Code: e.ErrorCode.String(), Message: e.Description, Details: e.Details}
}

func TestAPIErrorFromCiscoEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parser func(int, []byte) ErrorDetails
	}{{"custom parser", ciscoParser}, {"generic parser", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := htScript(t, htStep{status: 401, body: ciscoEnvelope, header: map[string]string{"X-Request-ID": "req-123"}})
			cfg := htConfig(srv)
			cfg.ErrorParser = tc.parser
			c := htNew(t, cfg)
			resp, err := c.Get(context.Background(), "v1/audit_logs", map[string][]string{"limit": {"5"}}, nil)
			var ae *APIError
			if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("err = %v", err)
			}
			want := "cisco: GET " + srv.URL + htPrefix + "/v1/audit_logs?limit=5: 401 Unauthorized: Unknown API key or Client ID (code 401, request id req-123)"
			if err.Error() != want {
				t.Errorf("Error()\n got %s\nwant %s", err, want)
			}
			if ae.Code != "401" || ae.Message != "Unauthorized" || !reflect.DeepEqual(ae.Details, []string{"Unknown API key or Client ID"}) ||
				ae.RequestID != "req-123" || ae.StatusCode != 401 || ae.Vendor != "cisco" || ae.Method != "GET" || string(ae.Body) != ciscoEnvelope {
				t.Errorf("APIError %+v", ae)
			}
			if resp == nil || resp.StatusCode != 401 || resp.RequestID != "req-123" {
				t.Errorf("response %+v", resp)
			}
			for _, s := range []error{ErrForbidden, ErrNotFound, ErrRateLimited, ErrServer, ErrBadRequest, ErrMalformedResponse} {
				if errors.Is(err, s) {
					t.Errorf("matches %v", s)
				}
			}
		})
	}
}

func TestErrorBodyCapped(t *testing.T) {
	huge := `{"message":"` + strings.Repeat("x", 2<<20) + `"}`
	srv := htScript(t, htStep{status: 500, body: huge, header: map[string]string{"X-Correlation-Id": "corr-9"}})
	c := htNew(t, htConfig(srv))
	_, err := c.Get(context.Background(), "x", nil, nil)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if len(ae.Body) != 1<<20 {
		t.Errorf("body %d bytes, want 1 MiB", len(ae.Body))
	}
	if ae.RequestID != "corr-9" || len(err.Error()) > 2048 {
		t.Errorf("request id %q, message %d bytes", ae.RequestID, len(err.Error()))
	}
}

func TestErrorParserPanicIsContained(t *testing.T) {
	srv := htScript(t, htStep{status: 418, body: `teapot`})
	cfg := htConfig(srv)
	cfg.ErrorParser = func(int, []byte) ErrorDetails { panic("vendor bug") }
	c := htNew(t, cfg)
	_, err := c.Get(context.Background(), "x", nil, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 418 || ae.Message != "" {
		t.Errorf("err = %v", err)
	}
}

func TestGenericErrorParser(t *testing.T) {
	tests := []struct {
		name, body string
		want       ErrorDetails
	}{
		{"empty", ``, ErrorDetails{}},
		{"html", `<html><body>Bad Gateway</body></html>`, ErrorDetails{}},
		{"text", "upstream timed out\nmore", ErrorDetails{Message: "upstream timed out"}},
		{"not json", `{oops`, ErrorDetails{}},
		{"cisco", ciscoEnvelope, ErrorDetails{Code: "401", Message: "Unauthorized", Details: []string{"Unknown API key or Client ID"}}},
		{"message", `{"message":"Validation Failed","code":"invalid","request_id":"r1"}`, ErrorDetails{Code: "invalid", Message: "Validation Failed", RequestID: "r1"}},
		{"github", `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title","message":"title is missing"}]}`,
			ErrorDetails{Code: "missing_field", Message: "Validation Failed", Details: []string{"title is missing"}}},
		{"oauth", `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			ErrorDetails{Code: "invalid_client", Message: "Client authentication failed"}},
		{"error string", `{"error":"Unauthorized"}`, ErrorDetails{Message: "Unauthorized"}},
		{"google", `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`,
			ErrorDetails{Code: "403", Message: "The caller does not have permission"}},
		{"problem", `{"type":"about:blank","title":"Not Found","status":404,"detail":"No audit log 7"}`,
			ErrorDetails{Message: "No audit log 7"}},
		{"fastapi", `{"detail":[{"loc":["query","limit"],"msg":"ensure this value is less than or equal to 200","type":"value_error"}]}`,
			ErrorDetails{Details: []string{"ensure this value is less than or equal to 200"}}},
		{"errors of strings", `{"errors":["limit is too large","cursor is invalid"]}`,
			ErrorDetails{Message: "limit is too large", Details: []string{"cursor is invalid"}}},
		{"entrust", `{"errorCode":"AUTH_FAILED","errorMessage":"Invalid credentials","parameters":[]}`,
			ErrorDetails{Code: "AUTH_FAILED", Message: "Invalid credentials"}},
		{"top-level array", `[{"message":"first"},{"message":"second"}]`, ErrorDetails{Message: "first", Details: []string{"second"}}},
		{"nulls", `{"message":null,"errors":null,"error":null}`, ErrorDetails{}},
	}
	for _, tt := range tests {
		got := parseGenericError(400, []byte(tt.body))
		if len(got.Details) == 0 {
			got.Details = nil
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		e    *APIError
		want string
	}{
		{&APIError{Vendor: "cisco", Method: "GET", URL: "https://h/x", StatusCode: 404},
			"cisco: GET https://h/x: 404 Not Found"},
		{&APIError{Vendor: "cisco", Method: "GET", URL: "https://h/x", StatusCode: 503, Message: "down for maintenance", Attempts: 6},
			"cisco: GET https://h/x: 503 Service Unavailable: down for maintenance (after 6 attempts)"},
		{&APIError{Vendor: "instavm", Method: "GET", URL: "https://h/x", StatusCode: 400, Message: "bad limit", Details: []string{"limit must be 1..200"}, Code: "E42"},
			"instavm: GET https://h/x: 400 Bad Request: bad limit; limit must be 1..200 (code E42)"},
		{&APIError{Vendor: "v", StatusCode: 599}, "v: 599"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	var nilErr *APIError
	if nilErr.Error() != "<nil>" || nilErr.Is(ErrServer) {
		t.Error("nil *APIError")
	}
	for code, target := range map[int]error{400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 429: ErrRateLimited, 500: ErrServer, 502: ErrServer, 599: ErrServer} {
		if !errors.Is(&APIError{StatusCode: code}, target) {
			t.Errorf("%d is not %v", code, target)
		}
	}
}

func TestRateLimitErrorMessage(t *testing.T) {
	e := &RateLimitError{Vendor: "cisco", RetryAfter: 20 * time.Minute, Limit: 3000, Remaining: 0, MaxDelay: time.Minute}
	want := "cisco: rate limited: the quota is spent (0 of 3000 left); nothing was sent; retry after 20m0s (longer than the retry policy's MaxDelay 1m0s, so the client did not wait: retry later or raise MaxDelay)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e, want)
	}
	if e.Unwrap() != nil || !errors.Is(e, ErrRateLimited) {
		t.Error("Unwrap/Is")
	}
	var ae *APIError
	if errors.As(e, &ae) {
		t.Error("As found an APIError in a RateLimitError without one")
	}
}

func TestErrorFormatting(t *testing.T) {
	errs := []error{
		&APIError{Vendor: "cisco", StatusCode: 401, Body: []byte("raw body")},
		&RateLimitError{Vendor: "cisco"},
		&DecodeError{Vendor: "cisco", Err: errors.New("bad")},
		&RequestError{Vendor: "cisco", Err: errors.New("reset")},
		&ConfigError{Option: "BaseURL (WithBaseURL)", Reason: "required"},
	}
	for _, err := range errs {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			if got := fmt.Sprintf(f, err); got != err.Error() {
				t.Errorf("%T %s: %q", err, f, got)
			}
		}
		if got := fmt.Sprintf("%q", err); got != fmt.Sprintf("%q", err.Error()) {
			t.Errorf("%T %%q: %s", err, got)
		}
	}
	// and through fmt.Errorf wrapping
	w := fmt.Errorf("page 3: %w", errs[0])
	if got := fmt.Sprintf("%+v", w); !strings.HasPrefix(got, "page 3: cisco:") || bytes.Contains([]byte(got), []byte("raw body")) {
		t.Errorf("wrapped: %q", got)
	}
}
