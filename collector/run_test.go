package collector

import (
	"context"
	"errors"
	"fmt"
	"github.com/auditkit/auditkit/internal/collecttest"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/auditkit/auditkit/audittest"
)

// sixSources is a config of one source per vendor's fake.
func sixSources(f *collecttest.Fakes, header string, extra map[string]string) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("sources:\n")
	for _, v := range audittest.DemoVendors() {
		b.WriteString(f.Source("src-"+v, v, extra[v]))
	}
	b.WriteString("output: {stdout: true}\n")
	return b.String()
}

const fastHeader = "state: ./state\nbatch: 40\ndefaults: {interval: 150ms, jitter: 10%, lag: 1s, start: 40d, timeout: 30s}\n"

func TestRunOnceSixVendorsExactlyOnceThenIncremental(t *testing.T) {
	f := collecttest.Start(t, 250, true)
	cfg, _ := writeConfig(t, sixSources(f, fastHeader, nil))
	out, store := newMemOutput(), newMemStore()
	cfg.Output, cfg.Store, cfg.Getenv = out, store, f.Getenv
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	if err := RunOnce(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	// The faults were met and retried, and counted.
	retries, faulted := 0.0, 0.0
	for v := range f.Demos {
		retries += counterValue(t, reg, "auditkit_retries_total", map[string]string{"source": "src-" + v})
		for _, status := range []string{"429", "503", "error"} {
			faulted += counterValue(t, reg, "auditkit_requests_total", map[string]string{"source": "src-" + v, "status": status})
		}
	}
	if retries == 0 || faulted == 0 {
		t.Errorf("%v retries and %v requests answered 429, 503 or not at all, over six fakes with faults", retries, faulted)
	}
	for v, d := range f.Demos {
		exactlyOnce(t, "src-"+v, out.records("src-"+v), f.Expected(t, v))
		st := store.state("src-" + v)
		if st.Events != int64(len(d.Data())) || st.LastSuccess.IsZero() || st.LastError != "" || st.Vendor != v {
			t.Errorf("%s: state %+v", v, st)
		}
		if st.Seq != int64((len(d.Data())+39)/40) {
			t.Errorf("%s: %d batches, want %d of 40", v, st.Seq, (len(d.Data())+39)/40)
		}
	}
	// New events arrive; the next cycle reads only them.
	at := time.Now().Add(-3 * time.Second).Truncate(time.Second)
	for _, d := range f.Demos {
		d.Add(7, at)
	}
	cfg2, _ := writeConfig(t, sixSources(f, fastHeader, nil))
	cfg2.Output, cfg2.Store, cfg2.Getenv = out, store, f.Getenv
	if err := RunOnce(context.Background(), cfg2); err != nil {
		t.Fatal(err)
	}
	for v, d := range f.Demos {
		if len(d.Data()) != 257 {
			t.Fatalf("%s: the fake holds %d records, want 257", v, len(d.Data()))
		}
		exactlyOnce(t, "src-"+v, out.records("src-"+v), f.Expected(t, v))
	}
}

func TestFailedWriteIsDeliveredAgainOnce(t *testing.T) {
	f := collecttest.Start(t, 200, false)
	cfg, _ := writeConfig(t, "state: ./s\nbatch: 30\ndefaults: {lag: 1s, start: 40d}\nsources:\n"+f.Source("c", "cisco", "")+"output: {stdout: true}\n")
	out, store := newMemOutput(), newMemStore()
	cfg.Output, cfg.Store, cfg.Getenv = out, store, f.Getenv
	var failed atomic.Bool
	out.fail = func(b Batch) error {
		if b.Seq == 3 && !failed.Swap(true) {
			return errors.New("disk full")
		}
		return nil
	}
	err := RunOnce(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "writing batch 3: disk full") || errorKind(err) != "output" {
		t.Fatalf("err = %v (kind %s), want the failed write of batch 3", err, errorKind(err))
	}
	if st := store.state("c"); st.Seq != 2 || st.Events != 60 || !strings.Contains(st.LastError, "disk full") {
		t.Fatalf("state after the failure: %+v", st)
	}
	if got := len(out.records("c")); got != 75 { // 60 committed + half a batch
		t.Fatalf("%d records before recovery, want 75", got)
	}
	if err := RunOnce(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, "c", out.records("c"), f.Expected(t, "cisco"))
	if st := store.state("c"); st.LastError != "" || st.Events != 200 {
		t.Fatalf("state after recovery: %+v", st)
	}
}

// conflictStore fails every Save with ErrConflict, as when another replica
// saved the source's state.
type conflictStore struct{ *memStore }

func (s conflictStore) Save(ctx context.Context, source string, st State) (int64, error) {
	return 0, fmt.Errorf("dirstore: %s: %w", source, ErrConflict)
}

func TestSaveConflictStopsTheSource(t *testing.T) {
	f := collecttest.Start(t, 100, false)
	cfg, _ := writeConfig(t, "state: ./s\ndefaults: {interval: 50ms, lag: 1s, start: 40d}\nsources:\n"+f.Source("c", "cisco", "")+"output: {stdout: true}\n")
	cfg.Output, cfg.Store, cfg.Getenv = newMemOutput(), conflictStore{newMemStore()}, f.Getenv
	err := RunOnce(context.Background(), cfg)
	if !errors.Is(err, ErrConflict) || errorKind(err) != "conflict" {
		t.Fatalf("RunOnce: %v, want ErrConflict", err)
	}
	// Run stops the source instead of retrying it.
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, cfg) }()
	time.Sleep(600 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := counterValue(t, reg, "auditkit_errors_total", map[string]string{"source": "c", "kind": "conflict"}); n != 1 {
		t.Fatalf("conflict errors: %v, want 1 (the source stops after the first)", n)
	}
}

func TestWrongCredentialsIsolatedAndReported(t *testing.T) {
	f := collecttest.Start(t, 300, false) // faults: the other run tests
	text := sixSources(f, fastHeader, nil)
	addr := freeAddr(t)
	cfg, _ := writeConfig(t, "metrics: "+addr+"\n"+text)
	f.Env["SRC_CISCO_API_KEY"] = "wrong-key-123"
	out, store := newMemOutput(), newMemStore()
	var logs collecttest.SyncBuffer
	cfg.Output, cfg.Store, cfg.Getenv = out, store, f.Getenv
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, cfg) }()
	deadline := time.Now().Add(40 * time.Second)
	for {
		complete := 0
		for v, d := range f.Demos {
			if v != "cisco" && len(out.records("src-"+v)) >= len(d.Data()) {
				complete++
			}
		}
		if complete == 5 && store.state("src-cisco").LastError != "" {
			break
		}
		if time.Now().After(deadline) {
			for v, d := range f.Demos {
				t.Logf("%s: %d of %d; state %+v", v, len(out.records("src-"+v)), len(d.Data()), store.state("src-"+v))
			}
			t.Fatalf("after 40s only %d of the five good sources delivered everything", complete)
		}
		time.Sleep(50 * time.Millisecond)
	}
	metrics := httpGet(t, "http://"+addr+"/metrics")
	status := httpGet(t, "http://"+addr+"/status")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for v := range f.Demos {
		if v == "cisco" {
			if n := len(out.records("src-cisco")); n != 0 {
				t.Errorf("the source with wrong credentials delivered %d events", n)
			}
			continue
		}
		exactlyOnce(t, "src-"+v, out.records("src-"+v), f.Expected(t, v))
	}
	if !regexp.MustCompile(`auditkit_errors_total\{kind="auth",source="src-cisco",vendor="cisco"\} [1-9]`).MatchString(metrics) {
		t.Errorf("metrics lack the auth errors of src-cisco:\n%s", grepLines(metrics, "errors_total"))
	}
	if !strings.Contains(metrics, `auditkit_source_up{source="src-cisco",vendor="cisco"} 0`) ||
		!strings.Contains(metrics, `auditkit_source_up{source="src-automox",vendor="automox"} 1`) {
		t.Errorf("auditkit_source_up:\n%s", grepLines(metrics, "source_up"))
	}
	line := grepLines(status, "src-cisco")
	if !(strings.Contains(line, " backoff ") || strings.Contains(line, " running ")) || !strings.Contains(line, "401 Unauthorized") || !strings.Contains(line, " never ") {
		t.Errorf("/status line of src-cisco: %q", line)
	}
	if strings.Contains(metrics+status+store.state("src-cisco").LastError+logs.String(), "wrong-key-123") {
		t.Error("the wrong key shows in metrics, status, state or logs")
	}
	if !strings.Contains(logs.String(), "cycle failed; backing off") {
		t.Error("no log of the failing source")
	}
	for _, d := range f.Demos {
		for _, sec := range d.Secrets {
			if strings.Contains(metrics+status+logs.String(), sec) {
				t.Errorf("a %s credential shows in metrics, status or logs", d.Vendor)
			}
		}
	}
	// collect --status reads the same from the store.
	st, err := Status(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteStatus(&b, st, time.Now())
	if l := grepLines(b.String(), "src-cisco"); !strings.Contains(l, "failing") || !strings.Contains(l, "401") {
		t.Errorf("Status of src-cisco: %q", l)
	}
	if l := grepLines(b.String(), "src-tanium"); !strings.Contains(l, " ok ") {
		t.Errorf("Status of src-tanium: %q", l)
	}
}

func TestMetricsOfASmallRun(t *testing.T) {
	f := collecttest.Start(t, 120, false)
	addr := freeAddr(t)
	cfg, _ := writeConfig(t, "metrics: "+addr+"\nstate: ./s\nbatch: 50\ndefaults: {interval: 1h, lag: 1s, start: 40d}\nsources:\n"+
		f.Source("acme", "cisco", "    page_size: 25\n")+"output: {stdout: true}\n")
	out := newMemOutput()
	cfg.Output, cfg.Store, cfg.Getenv = out, newMemStore(), f.Getenv
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, cfg) }()
	var metrics string
	for deadline := time.Now().Add(10 * time.Second); ; {
		if strings.Contains(httpGetOK(addr+"/metrics"), "auditkit_next_run_timestamp_seconds{") {
			metrics = httpGet(t, "http://"+addr+"/metrics")
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no cycle ended within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := httpGet(t, "http://"+addr+"/healthz"); got != "ok\n" {
		t.Errorf("/healthz: %q", got)
	}
	if got := httpGet(t, "http://"+addr+"/readyz"); got != "ready\n" {
		t.Errorf("/readyz: %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d := f.Demos["cisco"]
	requests := d.Stats().Requests
	want := map[string]float64{
		`auditkit_events_total{source="acme",vendor="cisco"}`:                120,
		`auditkit_batches_total{source="acme",vendor="cisco"}`:               3,
		`auditkit_pages_total{source="acme",vendor="cisco"}`:                 5, // 120 records in pages of 25
		`auditkit_requests_total{source="acme",status="200",vendor="cisco"}`: float64(requests),
		`auditkit_cycles_total{result="ok",source="acme",vendor="cisco"}`:    1,
		`auditkit_source_up{source="acme",vendor="cisco"}`:                   1,
	}
	for series, v := range want {
		got, ok := seriesValue(metrics, series)
		if !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, v)
		}
	}
	now := float64(time.Now().Unix())
	if v, _ := seriesValue(metrics, `auditkit_last_success_timestamp_seconds{source="acme",vendor="cisco"}`); v < now-10 || v > now+1 {
		t.Errorf("last success %v, now %v", v, now)
	}
	if v, _ := seriesValue(metrics, `auditkit_next_run_timestamp_seconds{source="acme",vendor="cisco"}`); v < now+3500 || v > now+3600*1.1+1 {
		t.Errorf("next run %v, want an hour (plus jitter) after %v", v, now)
	}
	// The fake's newest record is two seconds before the start of the
	// second a minute ago.
	newest := out.records("acme")[0].Time
	for _, r := range out.records("acme") {
		if r.Time.After(newest) {
			newest = r.Time
		}
	}
	if v, _ := seriesValue(metrics, `auditkit_cursor_lag_seconds{source="acme",vendor="cisco"}`); v < time.Since(newest).Seconds()-10 || v > time.Since(newest).Seconds() {
		t.Errorf("cursor lag %v, newest event %v ago", v, time.Since(newest))
	}
	if _, ok := seriesValue(metrics, `auditkit_retries_total{source="acme",vendor="cisco"}`); ok {
		t.Error("retries counted without a fault")
	}
}

func TestReloadAddsAndRemovesSources(t *testing.T) {
	f := collecttest.Start(t, 80, false)
	cfgText := func(srcs ...string) string {
		s := "state: ./s\ndefaults: {interval: 100ms, lag: 1s, start: 40d}\nsources:\n"
		for _, v := range srcs {
			s += f.Source("src-"+v, v, "")
		}
		return s + "output: {stdout: true}\n"
	}
	cfg, dir := writeConfig(t, cfgText("cisco"))
	out := newMemOutput()
	reload := make(chan struct{})
	cfg.Output, cfg.Store, cfg.Getenv, cfg.Reload = out, newMemStore(), f.Getenv, reload
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- Run(ctx, cfg) }()
	waitFor(t, "src-cisco", func() bool { return len(out.records("src-cisco")) == 80 })

	// A bad config is refused and the running one kept.
	os.WriteFile(filepath.Join(dir, "collect.yaml"), []byte(cfgText("cisco")+"bogus: 1\n"), 0o600)
	reload <- struct{}{}
	// Then automox is added and cisco removed.
	os.WriteFile(filepath.Join(dir, "collect.yaml"), []byte(cfgText("automox")), 0o600)
	reload <- struct{}{}
	waitFor(t, "src-automox", func() bool { return len(out.records("src-automox")) == 80 })
	f.Demos["cisco"].Add(3, time.Now().Add(-3*time.Second).Truncate(time.Second))
	time.Sleep(400 * time.Millisecond)
	if n := len(out.records("src-cisco")); n != 80 {
		t.Errorf("the removed source went on: %d events", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStopCommitsTheBatchInHand(t *testing.T) {
	f := collecttest.Start(t, 300, false)
	cfg, _ := writeConfig(t, "state: ./s\nbatch: 1000\ndefaults: {lag: 1s, start: 40d}\nsources:\n"+
		f.Source("c", "cisco", "    page_size: 100\n")+"output: {stdout: true}\n")
	out, store := newMemOutput(), newMemStore()
	cfg.Output, cfg.Store, cfg.Getenv = out, store, f.Getenv
	// Stop once the second page was read: the batch in hand (up to 1000
	// events) is delivered and committed, and the next run goes on.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for f.Demos["cisco"].Stats().Requests < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := RunOnce(ctx, cfg); err != nil {
		t.Fatalf("a stopped cycle: %v, want nil", err)
	}
	first := len(out.records("c"))
	if st := store.state("c"); st.Events != int64(first) || first == 0 {
		t.Fatalf("after the stop: %d delivered, state counts %d", first, st.Events)
	}
	if err := RunOnce(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, "c", out.records("c"), f.Expected(t, "cisco"))
	t.Logf("stopped after %d events, resumed to 300", first)
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n        int
		interval time.Duration
		lo, hi   time.Duration
	}{
		{1, 5 * time.Minute, 8 * time.Second, 12 * time.Second},
		{2, 5 * time.Minute, 16 * time.Second, 24 * time.Second},
		{30, 5 * time.Minute, 16 * time.Minute, 24 * time.Minute},
		{1, 100 * time.Millisecond, 80 * time.Millisecond, 120 * time.Millisecond},
		{9, 100 * time.Millisecond, 320 * time.Millisecond, 480 * time.Millisecond},
		{40, 24 * time.Hour, 48 * time.Minute, 72 * time.Minute},
	} {
		for range 20 {
			if d := backoff(c.n, c.interval); d < c.lo || d > c.hi {
				t.Errorf("backoff(%d, %s) = %s, want within [%s, %s]", c.n, c.interval, d, c.lo, c.hi)
			}
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done within 15s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGetOK(url string) string {
	resp, err := http.Get("http://" + url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// seriesValue finds a series of the Prometheus text format.
func seriesValue(text, series string) (float64, bool) {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

func counterValue(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, labels) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := labels[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(labels)
}

func TestSlowOutputHoldsTheWalkBack(t *testing.T) {
	f := collecttest.Start(t, 200, false)
	cfg, _ := writeConfig(t, "state: ./s\nbatch: 10\ndefaults: {lag: 1s, start: 40d}\nsources:\n"+
		f.Source("c", "cisco", "    page_size: 10\n")+"output: {stdout: true}\n")
	out := newMemOutput()
	out.block = make(chan struct{})
	cfg.Output, cfg.Store, cfg.Getenv = out, newMemStore(), f.Getenv
	done := make(chan error)
	go func() { done <- RunOnce(context.Background(), cfg) }()
	time.Sleep(700 * time.Millisecond)
	// The first batch waits in Write: the walk waits with it, a page read
	// and none further.
	if n := f.Demos["cisco"].Stats().Requests; n > 2 {
		t.Errorf("%d requests while the output blocks; want the walk held at its first page", n)
	}
	close(out.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, "c", out.records("c"), f.Expected(t, "cisco"))
	if n := f.Demos["cisco"].Stats().Requests; n < 20 {
		t.Errorf("%d requests for 200 events in pages of 10", n)
	}
}

func TestFailingSourceRecoversWhenItsCredentialIsFixed(t *testing.T) {
	f := collecttest.Start(t, 90, false)
	cfg, _ := writeConfig(t, "state: ./s\ndefaults: {interval: 50ms, lag: 1s, start: 40d}\nsources:\n"+f.Source("c", "cisco", "")+"output: {stdout: true}\n")
	var mu sync.Mutex
	key := "not-the-key"
	cfg.Getenv = func(k string) string {
		mu.Lock()
		defer mu.Unlock()
		if k == "C_API_KEY" {
			return key // read again at every cycle
		}
		return f.Getenv(k)
	}
	out, store := newMemOutput(), newMemStore()
	reg := prometheus.NewRegistry()
	cfg.Output, cfg.Store, cfg.Registerer = out, store, reg
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, cfg) }()
	waitFor(t, "three failed cycles", func() bool {
		return counterValue(t, reg, "auditkit_errors_total", map[string]string{"source": "c", "kind": "auth"}) >= 3
	})
	mu.Lock()
	key = f.Env["C_API_KEY"]
	mu.Unlock()
	waitFor(t, "recovery", func() bool { return len(out.records("c")) == 90 && store.state("c").LastError == "" })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, "c", out.records("c"), f.Expected(t, "cisco"))
}
