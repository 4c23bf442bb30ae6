package auditclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

func ExampleNew() {
	c, err := auditclient.New(auditclient.Config{
		Vendor:    "cisco",
		BaseURL:   "https://api.amp.cisco.com",
		Auth:      auditclient.BasicAuth("client-id", "api-key"),
		RateLimit: 5,
		Burst:     5,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // never prints a credential

	// A bad option is refused before anything is sent.
	_, err = auditclient.New(auditclient.Config{Vendor: "cisco", BaseURL: "ftp://api.amp.cisco.com"})
	fmt.Println(err)
	// Output:
	// auditclient.Client{vendor: cisco, base: https://api.amp.cisco.com}
	// cisco: invalid BaseURL (WithBaseURL) "ftp://api.amp.cisco.com": the scheme must be http or https
}

func ExampleClient_Get() {
	// A stand-in for the vendor's API.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/v1/audit_logs" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":[{"error_code":404,"description":"Not Found","details":["no such resource"]}]}`)
			return
		}
		fmt.Fprintf(w, `{"data":[{"event":"login","audit_log_user":"analyst@example.com"}],"metadata":{"links":{"self":%q}}}`, r.URL.RawQuery)
	}))
	defer srv.Close()

	c, err := auditclient.New(auditclient.Config{Vendor: "cisco", BaseURL: srv.URL, Auth: auditclient.BasicAuth("id", "key")})
	if err != nil {
		fmt.Println(err)
		return
	}
	type options struct {
		Limit int    `url:"limit"`
		Event string `url:"event,omitempty"`
	}
	var page struct {
		Data []struct {
			Event string `json:"event"`
			User  string `json:"audit_log_user"`
		} `json:"data"`
		Metadata struct {
			Links struct {
				Self string `json:"self"`
			} `json:"links"`
		} `json:"metadata"`
	}
	resp, err := c.Get(context.Background(), "v1/audit_logs", options{Limit: 2, Event: "login"}, &page)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, page.Data[0].Event, page.Data[0].User, page.Metadata.Links.Self)

	_, err = c.Get(context.Background(), "v1/nothing", nil, nil)
	var apiErr *auditclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(errors.Is(err, auditclient.ErrNotFound), apiErr.StatusCode, apiErr.Code, apiErr.Details)
	}

	// A next link to another host is refused; nothing is sent there.
	_, err = c.Get(context.Background(), "https://elsewhere.example.com/v1/audit_logs?offset=2", nil, nil)
	fmt.Println(errors.Is(err, auditclient.ErrForeignHost))
	// Output:
	// 200 login analyst@example.com event=login&limit=2
	// true 404 404 [no such resource]
	// true
}

func ExampleRetryAfter() {
	now := time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)

	d, ok := auditclient.RetryAfter(http.Header{"Retry-After": {"120"}}, now)
	fmt.Println(d, ok)

	d, ok = auditclient.RetryAfter(http.Header{"Retry-After": {"Wed, 19 Jun 2024 10:00:30 GMT"}}, now)
	fmt.Println(d, ok)

	// Cisco: the quota is spent and resets in 1200 seconds.
	h := http.Header{}
	h.Set("X-Rate-Limit-Remaining", "0")
	h.Set("X-Rate-Limit-Reset", "1200")
	d, ok = auditclient.RetryAfter(h, now)
	fmt.Println(d, ok)

	_, ok = auditclient.RetryAfter(http.Header{"Retry-After": {"soon"}}, now)
	fmt.Println(ok)
	// Output:
	// 2m0s true
	// 30s true
	// 20m0s true
	// false
}

func ExampleRedactURL() {
	u, _ := url.Parse("https://user:pass@api.example.com/v1/events?api_key=s3cr3t&limit=5")
	fmt.Println(auditclient.RedactURL(u))
	// Output:
	// https://api.example.com/v1/events?api_key=REDACTED&limit=5
}

func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"method":%q,"body":%q}`, r.Method, body)
	}))
	defer srv.Close()
	c, _ := auditclient.New(auditclient.Config{Vendor: "entrust", BaseURL: srv.URL + "/api/web"})

	var out struct{ Method, Body string }
	_, err := c.Do(context.Background(), &auditclient.Request{
		Method: http.MethodPost,
		URL:    "v2/reports/auditeventspaged",
		Body:   auditclient.JSONBody(map[string]any{"limit": 100}), // rebuilt for every attempt
	}, &out)
	fmt.Println(out.Method, out.Body, err)
	// Output:
	// POST {"limit":100} <nil>
}
