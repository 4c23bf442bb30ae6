package tanium_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/tanium"
)

// The walk benchmarks (see internal/walktest/bench_vendors.go): 2,000
// entries of about 170 objects, one request an object, the baseline
// reading the objects one after the other. The SDK's walks fetch
// ListOptions.Concurrency histories at once (default 4); the Sequential
// variants fetch one at a time, like the baselines.
func benchFake(b *testing.B) (*audittest.Tanium, *tanium.ListOptions) {
	fake := audittest.NewTanium(audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(2000, 42, testEnd)})
	b.Cleanup(fake.Close)
	return fake, &tanium.ListOptions{Objects: parse(b, fake.ObjectList()), PageSize: 1000}
}

func BenchmarkWalkPlainHTTP(b *testing.B)      { plainWalk[json.RawMessage](b) }
func BenchmarkWalkPlainHTTPTyped(b *testing.B) { plainWalk[plainEntry](b) }

type plainEntry struct {
	ObjectID         int64  `json:"object_id"`
	Details          string `json:"details"`
	CreationTime     string `json:"creation_time"`
	ModificationTime string `json:"modification_time"`
	LastModifiedBy   string `json:"last_modified_by"`
	ModifierUserID   int64  `json:"modifier_user_id"`
	ModUser          *struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Domain      string `json:"domain"`
		DisplayName string `json:"display_name"`
	} `json:"mod_user"`
	Type *int `json:"type"`
}

// BenchmarkWalkLatency* put 5 ms of latency in front of every request (a
// proxy that waits before forwarding), as a Tanium Server across a network
// has: there the concurrency pays, where on loopback the walk is bound by
// the CPU it shares with the fake.
func BenchmarkWalkLatencyPlainHTTP(b *testing.B) {
	_, opts, base := latencyFake(b)
	plainObjects[json.RawMessage](b, base, audittest.TaniumDefaultAPIToken, opts.Objects)
}

func BenchmarkWalkLatencyEventsSequential(b *testing.B) { latencyEvents(b, 1) }
func BenchmarkWalkLatencyEvents(b *testing.B)           { latencyEvents(b, 0) }
func BenchmarkWalkLatencyEvents16(b *testing.B)         { latencyEvents(b, 16) }

// latencyFake is benchFake behind a proxy that delays every request.
func latencyFake(b *testing.B) (*audittest.Tanium, *tanium.ListOptions, string) {
	fake, opts := benchFake(b)
	target, _ := url.Parse(fake.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		proxy.ServeHTTP(w, r)
	}))
	b.Cleanup(srv.Close)
	return fake, opts, srv.URL
}

func latencyEvents(b *testing.B, conc int) {
	fake, opts, base := latencyFake(b)
	opts.Concurrency = conc
	c, err := tanium.NewClient(base, fake.APIToken())
	if err != nil {
		b.Fatal(err)
	}
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator { return c.Events(context.Background(), opts, nil) })
}

// plainWalk reads every object's history, decoding entries as R.
func plainWalk[R any](b *testing.B) {
	fake, opts := benchFake(b)
	plainObjects[R](b, fake.URL(), fake.APIToken(), opts.Objects)
}

// plainObjects reads the history of each object from base, one after the
// other, decoding entries as R.
func plainObjects[R any](b *testing.B, base, token string, objs []tanium.Object) {
	i := 0
	walktest.PlainWalk(b, 2000, func(p *struct{ Data struct{ Entries []R } }) *http.Request {
		if i++; p == nil {
			i = 0
		}
		if i == len(objs) {
			return nil
		}
		return walktest.Request("GET", base+"/api/v2/audit_logs/"+string(objs[i].Type)+"s/"+objs[i].ID, nil,
			"session", "token-"+token, "tanium-options", `{"audit_history_size":1000}`)
	}, func(p *struct{ Data struct{ Entries []R } }) int { return len(p.Data.Entries) })
}

func benchPages(b *testing.B, conc int) {
	fake, opts := benchFake(b)
	opts.Concurrency = conc
	c := fakeClient(b, fake)
	walktest.BenchList(b, 2000, func() iter.Seq2[tanium.Entry, error] { return c.Pages(context.Background(), opts).All() })
}

func benchEvents(b *testing.B, conc int) {
	fake, opts := benchFake(b)
	opts.Concurrency = conc
	c := fakeClient(b, fake)
	walktest.BenchEvents(b, 2000, func() auditclient.Iterator { return c.Events(context.Background(), opts, nil) })
}

func BenchmarkWalkPagesSequential(b *testing.B)  { benchPages(b, 1) }
func BenchmarkWalkPages(b *testing.B)            { benchPages(b, 0) }
func BenchmarkWalkEventsSequential(b *testing.B) { benchEvents(b, 1) }
func BenchmarkWalkEvents(b *testing.B)           { benchEvents(b, 0) }
