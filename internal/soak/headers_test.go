package soak

import (
	"context"
	"net/http"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
)

// TestConnectionCutInTheHeaders: a connection that closes in the middle of
// the status line or of a header line (toxiproxy's limit_data at 10 and 20
// bytes: "HTTP/1.1 2" and "HTTP/1.1 200 OK\r\nCon") is a reset, retried
// like one. net/http does not report it as io.ErrUnexpectedEOF but as
// "malformed HTTP response" or "malformed MIME header line", inside
// "net/http: HTTP/1.x transport connection broken".
func TestConnectionCutInTheHeaders(t *testing.T) {
	cut := func(n int) []toxic { return []toxic{{"limit_data", "downstream", map[string]any{"bytes": n}}} }
	rs := []route{{"latency", 0, nil}, {"status_line", 0, cut(10)}, {"header_line", 0, cut(20)}}
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			f := v.start(50)
			t.Cleanup(f.Close)
			clean := v.client(t, f, f.URL(), 1, clientOptions(http.DefaultClient, nil)...)
			it := clean.events(context.Background())
			want := walktest.Collect(t, it, -1)
			if err := it.Err(); err != nil || len(want) != 50 {
				t.Fatalf("clean walk: %d records, %v", len(want), err)
			}
			it.Close()
			f.SetFaults(audittest.Faults{Reset: 1e-9}) // every response with Connection: close
			net := newNetwork(t, upstream(t, f.URL()), 1, rs, "status_line", "header_line")
			w := v.client(t, f, net.baseURL(t, f.URL()), 1, clientOptions(net.client(), auditclient.NewRetryBudget(budgetTokens, 5, 10))...)
			it = w.events(context.Background())
			got := walktest.Collect(t, it, -1)
			err := it.Err()
			it.Close()
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			walktest.Diff(t, got, want)
			if cs := w.http.Stats(); cs.Retries < 2 {
				t.Errorf("%d retries, want at least the two cut connections'", cs.Retries)
			}
		})
	}
}
