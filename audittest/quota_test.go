package audittest

import (
	"cmp"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFakesEnforceQuota: with Faults.Quota, every response carries the
// vendor's rate-limit headers counting down (Cisco's and InstaVM's; the
// others, which document none, the common X-RateLimit-*), the request
// after the quota is the vendor's 429 with
// Retry-After, unserved, and the next window serves the quota again, the
// refusals not counting against it. Without a quota nothing changes.
func TestFakesEnforceQuota(t *testing.T) {
	const window = 300 * time.Millisecond
	// The prefix of each vendor's rate-limit headers (X-RateLimit where
	// the vendor documents none), and the limit they announce without a
	// quota (Cisco: on every success; InstaVM: only on its injected 429s).
	prefixes := map[string]string{"cisco": "X-Ratelimit"}
	plainLimit := map[string]string{"cisco": strconv.Itoa(CiscoDefaultRateLimit)}
	forKits(t, func(t *testing.T, k *kit) {
		t.Parallel()
		prefix := cmp.Or(prefixes[k.name], "X-RateLimit")
		f := k.start(t, kitOpts{events: k.gen(10, 1, testEnd)})
		auth, page := k.auth(t, f.conn), k.page(f.conn, 5) // Entrust logs in before the quota
		client := &http.Client{Transport: &http.Transport{}}
		get := func(i int) outcome {
			t.Helper()
			o := try(t, client, f.url, page, auth)
			if err := cmp.Or(o.connErr, o.readErr); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			return o
		}
		// headers checks the quota's headers of response i: the limit,
		// the remaining quota and the reset, or their absence.
		headers := func(i int, o outcome, limit, remaining, reset string) {
			t.Helper()
			for _, h := range [][2]string{{"-Limit", limit}, {"-Remaining", remaining}, {"-Reset", reset}} {
				name, want := prefix+h[0], h[1]
				if got := o.resp.Header.Get(name); got != want {
					t.Errorf("request %d (status %d): %s %q, want %q", i, o.status, name, got, want)
				}
			}
		}
		plain := func(i int) {
			t.Helper()
			o := get(i)
			if o.status != http.StatusOK {
				t.Fatalf("request %d without a quota: status %d %.200s", i, o.status, o.body)
			}
			if lim := plainLimit[k.name]; lim == "" {
				headers(i, o, "", "", "")
			} else if got := o.resp.Header.Get(prefix + "-Limit"); got != lim {
				t.Errorf("request %d without a quota: %s-Limit %q, want %q", i, prefix, got, lim)
			}
			if ra := o.resp.Header.Get("Retry-After"); ra != "" {
				t.Errorf("request %d without a quota: Retry-After %q", i, ra)
			}
		}
		plain(0)

		st0, n0 := f.srv.Stats(), len(f.srv.Requests())
		f.srv.SetFaults(Faults{Quota: &Quota{Requests: 3, Window: window}})
		var want []bool // refused, per request since SetFaults
		// served sends the window's three requests, refused n more.
		round := func(n int) {
			t.Helper()
			for r := range 3 {
				i := len(want)
				o := get(i)
				want = append(want, false)
				if o.status != http.StatusOK {
					t.Fatalf("request %d, %d of the window: status %d %.200s", i, r+1, o.status, o.body)
				}
				headers(i, o, "3", strconv.Itoa(2-r), "1")
			}
			for range n {
				i := len(want)
				o := get(i)
				want = append(want, true)
				if p, ok := k.faults[http.StatusTooManyRequests]; ok {
					// The probes are of a 2 s Retry-After; the quota's is 1 s.
					p.name, p.status, p.header = "quota 429", http.StatusTooManyRequests, nil
					p.want = strings.ReplaceAll(p.want, "after 2 seconds", "after 1 seconds")
					k.check(t, p, o.resp, o.body)
				} else if o.status != http.StatusTooManyRequests {
					t.Fatalf("request %d over the quota: status %d, want 429", i, o.status)
				}
				if ra := o.resp.Header.Get("Retry-After"); ra != "1" {
					t.Errorf("request %d over the quota: Retry-After %q, want \"1\"", i, ra)
				}
				headers(i, o, "3", "0", "1")
			}
		}
		round(2)
		time.Sleep(window + 50*time.Millisecond) // the window began before the first request
		round(1)

		rr := recorded(f.srv)[n0:]
		if len(rr) != len(want) {
			t.Fatalf("%d requests recorded, want %d: %v", len(rr), len(want), rr)
		}
		for i, r := range rr {
			if r.QuotaRefused != want[i] || r.Fault != FaultNone || (r.Status == http.StatusTooManyRequests) != want[i] {
				t.Errorf("recorded request %d: %v (quota refused %v), want refused %v", i, r, r.QuotaRefused, want[i])
			}
		}
		if st := f.srv.Stats(); st.Requests != st0.Requests+9 || st.Served != st0.Served+6 || st.QuotaRefused != 3 || !maps.Equal(st.Injected, map[Fault]int{}) {
			t.Errorf("stats %+v, want 9 more requests, 6 more served, 3 refused, no faults", st)
		}

		f.srv.SetFaults(Faults{})
		for i := range 4 {
			plain(len(want) + i)
		}
	})
}

// TestQuotaHeaderModes: Quota.Headers announces the quota in the IETF
// draft's headers instead of the vendor's, or not at all (nor Retry-After
// on the 429s), and Validate refuses a mode that names none.
func TestQuotaHeaderModes(t *testing.T) {
	vendorHeaders := []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Ratelimit-Resetdate"}
	for _, tt := range []struct {
		mode QuotaHeaders
		want [][2]string // after the first of two requests, then the refused third
	}{
		{QuotaHeadersIETF, [][2]string{{"Ratelimit-Limit", "2"}, {"Ratelimit-Remaining", "1"}, {"Ratelimit-Reset", "60"}, {"Ratelimit-Policy", "2;w=60"}}},
		{QuotaHeadersNone, nil},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			c := NewCisco(CiscoOptions{Faults: Faults{Quota: &Quota{Requests: 2, Window: time.Minute, Headers: tt.mode}}})
			defer c.Close()
			get := func() *http.Response {
				req, _ := http.NewRequest(http.MethodGet, c.URL()+"/v1/audit_log_types", nil)
				req.SetBasicAuth(c.ClientID(), c.APIKey())
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			check := func(resp *http.Response, want [][2]string) {
				t.Helper()
				for _, h := range want {
					if got := resp.Header.Get(h[0]); got != h[1] {
						t.Errorf("status %d: %s %q, want %q", resp.StatusCode, h[0], got, h[1])
					}
				}
				for _, h := range vendorHeaders {
					if v := resp.Header.Get(h); v != "" {
						t.Errorf("status %d: the vendor's %s %q is sent", resp.StatusCode, h, v)
					}
				}
				if len(want) == 0 {
					for k := range resp.Header {
						if strings.Contains(strings.ToLower(k), "ratelimit") {
							t.Errorf("status %d: %s sent", resp.StatusCode, k)
						}
					}
				}
			}
			first := get()
			if first.StatusCode != http.StatusOK {
				t.Fatalf("status %d", first.StatusCode)
			}
			check(first, tt.want)
			get()
			third := get()
			if third.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("status %d over the quota", third.StatusCode)
			}
			var want [][2]string
			for _, h := range tt.want {
				if h[0] == "Ratelimit-Remaining" {
					h[1] = "0"
				}
				want = append(want, h)
			}
			check(third, want)
			if ra := third.Header.Get("Retry-After"); (tt.mode == QuotaHeadersNone) != (ra == "") {
				t.Errorf("Retry-After %q", ra)
			}
		})
	}
	if err := (Faults{Quota: &Quota{Requests: 1, Window: time.Second, Headers: 7}}).Validate(); err == nil || !strings.Contains(err.Error(), "QuotaHeaders(7)") {
		t.Errorf("Validate of an unknown mode: %v", err)
	}
}
