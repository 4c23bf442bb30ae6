package hostile

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// behaviour is how the hostile server answers the n-th (1-based) data
// request of a walk. stop is closed when the test ends: a handler that
// stalls must return then (or when the client goes away, r.Context()).
type behaviour func(w http.ResponseWriter, r *http.Request, n int, h *server)

// server is a hostile HTTP server on 127.0.0.1: it answers a vendor's
// authentication request as the vendor would (Entrust) and every other
// request with the case's behaviour. It counts what it received, and its
// second listener, other, is a different origin (another port) that must
// never be reached.
type server struct {
	ts    *httptest.Server
	other *httptest.Server
	stop  chan struct{}

	data       atomic.Int64 // data requests received
	auths      atomic.Int64 // authentication requests received
	otherCount atomic.Int64 // requests the other origin received

	mu       sync.Mutex
	otherLog []string // what reached the other origin: method, URL, headers
}

// newServer starts the hostile server of v with behaviour b; it is closed
// when the test ends.
func newServer(t testing.TB, v *vendor, b behaviour, authToo bool) *server {
	t.Helper()
	h := &server{stop: make(chan struct{})}
	h.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.otherCount.Add(1)
		h.mu.Lock()
		h.otherLog = append(h.otherLog, r.Method+" "+r.URL.String()+" "+headerDump(r.Header))
		h.mu.Unlock()
		writeJSON(w, http.StatusOK, []byte(`{}`))
	}))
	h.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v.isAuth != nil && v.isAuth(r) {
			h.auths.Add(1)
			if !authToo {
				v.auth(w, r)
				return
			}
		} else {
			h.data.Add(1)
		}
		b(w, r, int(h.data.Load()), h)
	}))
	t.Cleanup(func() {
		close(h.stop)
		h.ts.CloseClientConnections()
		h.ts.Close()
		h.other.Close()
	})
	return h
}

// URL is the server's base URL.
func (h *server) URL() string { return h.ts.URL }

// otherRequests returns what reached the other origin.
func (h *server) otherRequests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.otherLog...)
}

// wait pauses for d, or until the test ends or the client goes away; it
// reports whether the whole d elapsed.
func (h *server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.stop:
	case <-r.Context().Done():
	}
	return false
}

func headerDump(hd http.Header) string {
	var s string
	for k, vs := range hd {
		for _, v := range vs {
			s += k + "=" + v + ";"
		}
	}
	return s
}

// writeJSON writes a complete JSON response with its Content-Length.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// echoCredentials is an error body that repeats every credential the
// request carried, as a careless server (or a proxy's error page) does.
func echoCredentials(r *http.Request, msg string) []byte {
	var creds string
	for _, k := range []string{"Authorization", "Session", "X-Api-Key", "Cookie"} {
		if v := r.Header.Get(k); v != "" {
			creds += " " + k + ": " + v
		}
	}
	return []byte(`{"errors":["` + msg + `; you sent` + creds + `"],"message":"` + msg + creds + `"}`)
}
