package auditclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// Two clients of one vendor account share a Pacer, so that the account's
// quota is a ceiling for both; the pacer's State is what a collector
// exports as metrics. Here the server announces a quota of 100 requests
// a minute, of which 90 are spent already.
func ExampleNewPacer() {
	var left atomic.Int64
	left.Store(10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Limit", "100")
		w.Header().Set("RateLimit-Remaining", strconv.FormatInt(left.Add(-1), 10))
		w.Header().Set("RateLimit-Reset", "60")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()

	p := auditclient.NewPacer(auditclient.PacerConfig{})
	var clients []*auditclient.Client
	for range 2 {
		cfg := auditclient.Config{Vendor: "acme", BaseURL: srv.URL}
		auditclient.ApplyOptions(&cfg, auditclient.WithPacer(p))
		c, err := auditclient.New(cfg)
		if err != nil {
			fmt.Println(err)
			return
		}
		clients = append(clients, c)
	}
	if _, err := clients[0].Get(context.Background(), "audit", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	st := clients[1].Pacer().State()
	fmt.Printf("quota %d, remaining %d, resets in about %v\n", st.Limit, st.Remaining, time.Until(st.Reset).Round(time.Minute))
	// 9 requests left for the minute: one every 6 to 7 seconds at most.
	fmt.Printf("rate at most %.2f requests/s, %d 429s\n", float64(st.Rate), st.RateLimited)
	// Output:
	// quota 100, remaining 9, resets in about 1m0s
	// rate at most 0.15 requests/s, 0 429s
}
