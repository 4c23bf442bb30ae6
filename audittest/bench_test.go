package audittest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCiscoPage500 fetches a full page of 500 records from the fake;
// BenchmarkBaselineStaticPage500 fetches the same bytes from a bare
// httptest server. The difference is the fake's own cost per page.
func BenchmarkCiscoPage500(b *testing.B) {
	c := NewCisco(CiscoOptions{})
	defer c.Close()
	req, _ := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_logs?limit=500&offset=500", nil)
	req.SetBasicAuth(c.ClientID(), c.APIKey())
	benchGet(b, req)
}

func BenchmarkBaselineStaticPage500(b *testing.B) {
	c := NewCisco(CiscoOptions{})
	_, body := fetch(b, c, c.URL()+"/v1/audit_logs?limit=500&offset=500")
	c.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/audit_logs?limit=500&offset=500", nil)
	benchGet(b, req)
}

func benchGet(b *testing.B, req *http.Request) {
	client := &http.Client{Transport: &http.Transport{}}
	var n int64
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.SetBytes(n)
}
