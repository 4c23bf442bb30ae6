package auditclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.example.com/v1/x?limit=5&offset=10", "https://api.example.com/v1/x?limit=5&offset=10"},
		{"https://user:pass@api.example.com/v1/x", "https://api.example.com/v1/x"},
		{"https://user@api.example.com/v1/x#frag", "https://api.example.com/v1/x"},
		{"https://h/x?token=abc&limit=5", "https://h/x?token=REDACTED&limit=5"},
		{"https://h/x?api_key=abc&apikey=d&key=e&secret=f&password=g", "https://h/x?api_key=REDACTED&apikey=REDACTED&key=REDACTED&secret=REDACTED&password=REDACTED"},
		{"https://h/x?X-Amz-Signature=abc&sig=d&access_token=e&auth=f&session=g&code=h&credential=i", "https://h/x?X-Amz-Signature=REDACTED&sig=REDACTED&access_token=REDACTED&auth=REDACTED&session=REDACTED&code=REDACTED&credential=REDACTED"},
		{"https://h/x?apiKey=a&sessionId=b&client_secret=c&X-Amz-Credential=d&Authorization=e", "https://h/x?apiKey=REDACTED&sessionId=REDACTED&client_secret=REDACTED&X-Amz-Credential=REDACTED&Authorization=REDACTED"},
		{"https://h/x?start_time=2024-06-19T00%3A00%3A00%2B00%3A00&audit_log_type=User&cursor=abc&event=login", "https://h/x?start_time=2024-06-19T00%3A00%3A00%2B00%3A00&audit_log_type=User&cursor=abc&event=login"},
		{"https://h/x?tok%65n=abc", "https://h/x?tok%65n=REDACTED"},
		{"https://h/x?token", "https://h/x?token=REDACTED"},
		{"https://h/x?", "https://h/x"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := RedactURL(u); got != tt.want {
			t.Errorf("RedactURL(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	if RedactURL(nil) != "" {
		t.Error("nil URL")
	}
}

func TestRedactorForms(t *testing.T) {
	r := newRedactor(BasicAuth("user-1", "p@ss word/+"))
	raw := "user-1:p@ss word/+"
	in := strings.Join([]string{
		"plain " + raw,
		"basic " + base64.StdEncoding.EncodeToString([]byte(raw)),
		"url64 " + base64.URLEncoding.EncodeToString([]byte(raw)),
		"query " + url.QueryEscape("p@ss word/+"),
		"path " + url.PathEscape("p@ss word/+"),
		"user user-1 alone",
	}, "\n")
	out := r.String(in)
	for _, s := range []string{"user-1", "p@ss", "word", base64.StdEncoding.EncodeToString([]byte(raw))[:10], "p%40ss"} {
		if strings.Contains(out, s) {
			t.Errorf("%q survived in\n%s", s, out)
		}
	}
	if strings.Count(out, Redacted) < 6 {
		t.Errorf("too few redactions:\n%s", out)
	}
	if got := newRedactor(nil).String("x"); got != "x" {
		t.Error(got)
	}
}

// TestSecretsNeverLeak drives every Auth through failures whose responses
// echo the credentials back, and checks every error string, %v form and
// log line.
func TestSecretsNeverLeak(t *testing.T) {
	const clientID = "3f9c2a7b1d4e5f60a1b2"
	const apiKey = "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"
	basic := base64.StdEncoding.EncodeToString([]byte(clientID + ":" + apiKey))
	tests := []struct {
		name    string
		auth    Auth
		secrets []string
	}{
		{"basic", BasicAuth(clientID, apiKey), []string{clientID, apiKey, basic}},
		{"api key header", StaticHeader("X-API-Key", apiKey), []string{apiKey}},
		{"bearer", BearerToken(apiKey), []string{apiKey}},
		{"refreshing", RefreshingToken(TokenSourceFunc(func(context.Context) (Token, error) {
			return Token{Value: apiKey, Expiry: time.Now().Add(time.Hour)}, nil
		}), "session", "token-"), []string{apiKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			echo := func(w http.ResponseWriter, r *http.Request, status int) {
				creds := []string{r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"), r.Header.Get("Session"), r.URL.RawQuery}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Request-Id", "req-"+apiKey)
				w.WriteHeader(status)
				json.NewEncoder(w).Encode(map[string]any{
					"message": "Unknown API key or Client ID: " + strings.Join(creds, " "),
					"code":    apiKey,
					"details": []string{clientID, basic, apiKey},
				})
			}
			srv := htScript(t,
				htStep{do: func(w http.ResponseWriter, r *http.Request) { echo(w, r, 503) }},
				htStep{do: func(w http.ResponseWriter, r *http.Request) { echo(w, r, 401) }},
			)
			logs := newHTLogs()
			cfg := htConfig(srv)
			cfg.Auth = tt.auth
			cfg.Logger = slog.New(logs)
			c := htNew(t, cfg)

			var texts []string
			collect := func(err error) {
				if err == nil {
					t.Fatal("no error")
				}
				texts = append(texts, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err))
				var ae *APIError
				if errors.As(err, &ae) {
					texts = append(texts, string(ae.Body), ae.Message, ae.Code, ae.RequestID, ae.URL, strings.Join(ae.Details, " "), fmt.Sprintf("%#v", *ae))
					if !strings.Contains(string(ae.Body), Redacted) {
						t.Errorf("echoed body not redacted but absent? %s", ae.Body)
					}
				}
			}
			resp, err := c.Get(context.Background(), "v1/audit_logs?api_key="+apiKey+"&limit=5", nil, nil)
			collect(err)
			if resp != nil {
				texts = append(texts, resp.URL)
			}
			if !strings.Contains(err.Error(), "api_key=REDACTED&limit=5") {
				t.Errorf("URL in error: %s", err)
			}
			// a transport failure, with the secret in the query
			srv.Close()
			_, err = c.Get(context.Background(), "v1/audit_logs?token="+apiKey+"&session="+clientID, nil, nil)
			collect(err)
			// a foreign link carrying the secret
			_, err = c.Get(context.Background(), "https://evil.example.com/x?api_key="+apiKey, nil, nil)
			collect(err)
			texts = append(texts, fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.String(),
				fmt.Sprintf("%v", tt.auth), fmt.Sprintf("%+v", tt.auth), fmt.Sprintf("%#v", tt.auth), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg))
			recs := logs.records()
			if len(recs) < 4 {
				t.Errorf("only %d log records", len(recs))
			}
			for _, r := range recs {
				texts = append(texts, r.Line)
			}
			for _, text := range texts {
				for _, s := range tt.secrets {
					if strings.Contains(text, s) {
						t.Errorf("secret %q leaked in:\n%s", s, text)
					}
				}
			}
		})
	}
}

func TestAuthFormatting(t *testing.T) {
	tests := []struct {
		auth Auth
		want string
	}{
		{BasicAuth("u", "p"), "BasicAuth{user:REDACTED, password:REDACTED}"},
		{StaticHeader("x-api-key", "k"), "StaticHeader{X-Api-Key:REDACTED}"},
		{BearerToken("t"), "BearerToken{REDACTED}"},
		{RefreshingToken(nil, "Authorization", "Bearer "), "RefreshingToken{Authorization:REDACTED}"},
	}
	for _, tt := range tests {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			if got := fmt.Sprintf(f, tt.auth); got != tt.want {
				t.Errorf("%s of %T: %q", f, tt.auth, got)
			}
		}
	}
	tok := Token{Value: "s3cr3t", Expiry: time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(f, tok); got != "Token{Value:REDACTED, Expiry:2024-06-19T10:00:00Z}" {
			t.Errorf("%s of Token: %q", f, got)
		}
	}
	if got := fmt.Sprintf("%v", struct{ T Token }{tok}); strings.Contains(got, "s3cr3t") {
		t.Errorf("nested token: %s", got)
	}
}

func TestRedactURLString(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@h.example.com/p?token=t&x=1#f": "https://h.example.com/p?token=REDACTED&x=1",
		"user:pw@h.example.com":                         "", // scheme "user", opaque "pw@h...": cannot be told apart
		"https://h/%zz":                                 "",
		"ftp://u:p@h":                                   "ftp://h",
		"https://h":                                     "https://h",
	} {
		if got := RedactURLString(in); got != want {
			t.Errorf("RedactURLString(%q) = %q, want %q", in, got, want)
		}
	}
}
