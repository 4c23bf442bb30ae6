package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"github.com/auditkit/auditkit/internal/collecttest"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// The tests in this file run "auditkit collect" against the six vendors'
// fakes started in the test process (so that they outlive the collector
// when it is killed), through a config file whose sources point at them.
//
//	go test -v -run TestCollect ./cmd/auditkit/
//	AUDITKIT_SOAK=1 go test -v -run TestCollectKill ./cmd/auditkit/   # 5 minutes

// collectConfig writes the config file of f's six sources into dir.
func collectConfig(t *testing.T, f *collecttest.Fakes, dir, header string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("sources:\n")
	for _, v := range audittest.DemoVendors() {
		b.WriteString(f.Source("src-"+v, v, ""))
	}
	b.WriteString("output: {path: \"out/{source}/{date}.ndjson.gz\", rotate: daily, max_size: 16KiB}\n")
	path := filepath.Join(dir, "collect.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readOutput reads every file of a source's output directory (each a
// series of gzip members) and counts its events by metadata.uid.
func readOutput(t *testing.T, dir string) (map[string]int, int) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.gz"))
	m := map[string]int{}
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			var ev struct {
				Metadata struct {
					UID string `json:"uid"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Metadata.UID == "" {
				t.Fatalf("%s: a line that is not an event with a uid (%v): %.200s", name, err, sc.Bytes())
			}
			m[ev.Metadata.UID]++
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: not a whole gzip stream: %v", name, err)
		}
		fh.Close()
	}
	return m, len(files)
}

// compare returns the events of want lost and repeated in got.
func compare(got, want map[string]int) (lost, repeated int) {
	for uid, n := range want {
		if got[uid] < n {
			lost += n - got[uid]
		}
	}
	for uid, n := range got {
		if n > want[uid] {
			repeated += n - want[uid]
		}
	}
	return lost, repeated
}

// collectCmd runs the binary with args in dir.
func collectCmd(t *testing.T, f *collecttest.Fakes, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(auditkitBin(t), append([]string{"collect"}, args...)...)
	cmd.Dir = dir
	cmd.Env = f.Environ()
	return cmd
}

func TestCollectKillRestartExactlyOnce(t *testing.T) {
	soak := os.Getenv("AUDITKIT_SOAK") == "1"
	dur := 20 * time.Second
	if soak {
		dur = 5 * time.Minute
	}
	auditkitBin(t)
	f := collecttest.Start(t, 400, true)
	dir := t.TempDir()
	cfg := collectConfig(t, f, dir, "state: ./state\nbatch: 25\ndefaults: {interval: 200ms, lag: 1s, start: 40d, timeout: 1m}\n")

	// Live inserts, into every fake, for as long as the collector is
	// being killed.
	stopInserts := make(chan struct{})
	var inserts sync.WaitGroup
	inserts.Add(1)
	go func() {
		defer inserts.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopInserts:
				return
			case <-tick.C:
				for _, d := range f.Demos {
					d.Add(1, time.Now().Truncate(time.Second))
				}
			}
		}
	}()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 0
	var stderr bytes.Buffer
	for end := time.Now().Add(dur); time.Now().Before(end); {
		cmd := collectCmd(t, f, dir, "--config", cfg, "--log-level", "warn")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.IntN(2400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
	}
	close(stopInserts)
	inserts.Wait()
	time.Sleep(1100 * time.Millisecond) // past the lag of the last insert

	// One last cycle collects what is left.
	cmd := collectCmd(t, f, dir, "--config", cfg, "--once", "--log-level", "warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the last --once: %v\n%s", err, out)
	}
	for _, v := range audittest.DemoVendors() {
		want := f.Expected(t, v)
		got, files := readOutput(t, filepath.Join(dir, "out", "src-"+v))
		lost, repeated := compare(got, want)
		t.Logf("%-9s events %5d  files %2d  kills %3d  lost %d  repeated %d", v, collecttest.Sum(want), files, kills, lost, repeated)
		if lost != 0 || repeated != 0 {
			t.Errorf("%s: %d lost, %d repeated of %d events", v, lost, repeated, collecttest.Sum(want))
		}
		if collecttest.Sum(want) <= 400 {
			t.Errorf("%s: no live insert arrived", v)
		}
	}
	if kills < 5 {
		t.Errorf("only %d kills", kills)
	}
	if t.Failed() {
		t.Logf("stderr of the killed runs:\n%s", stderr.String())
	}
}

func TestCollectTwoShardsSplitTheSources(t *testing.T) {
	auditkitBin(t)
	f := collecttest.Start(t, 150, false)
	dir := t.TempDir()
	cfg := collectConfig(t, f, dir, "state: ./state\nbatch: 50\ndefaults: {lag: 1s, start: 40d}\n")
	var wg sync.WaitGroup
	logs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := collectCmd(t, f, dir, "--config", cfg, "--once", "--shard", fmt.Sprintf("%d/2", i), "--log-format", "json")
			cmd.Stderr = &logs[i]
			errs[i] = cmd.Run()
		}()
	}
	wg.Wait()
	owner := map[string][]int{}
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("shard %d/2: %v\n%s", i, errs[i], logs[i].String())
		}
		for _, line := range strings.Split(logs[i].String(), "\n") {
			var rec struct{ Msg, Source string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "cycle done" {
				owner[rec.Source] = append(owner[rec.Source], i)
			}
		}
	}
	perShard := [2]int{}
	for _, v := range audittest.DemoVendors() {
		name := "src-" + v
		if len(owner[name]) != 1 {
			t.Errorf("%s was collected by shards %v, want exactly one", name, owner[name])
			continue
		}
		perShard[owner[name][0]]++
		got, _ := readOutput(t, filepath.Join(dir, "out", name))
		if lost, repeated := compare(got, f.Expected(t, v)); lost != 0 || repeated != 0 {
			t.Errorf("%s: %d lost, %d repeated", name, lost, repeated)
		}
	}
	if perShard[0] == 0 || perShard[1] == 0 {
		t.Errorf("sources per shard %v: one shard collected nothing", perShard)
	}
	t.Logf("sources per shard: %v", perShard)
}

func TestCollectConfigErrorsSendNothing(t *testing.T) {
	f := collecttest.Start(t, 50, false)
	good := f.Source("a", "cisco", "")
	for _, c := range []struct{ name, text, want string }{
		{"unknown key", "state: s\nsources:\n" + good + "    colour: red\noutput: {stdout: true}\n", `collect.yaml:10: unknown key "colour"`},
		{"unknown vendor", "state: s\nsources:\n" + good + "  - {name: b, vendor: cisko}\noutput: {stdout: true}\n", `collect.yaml:10: source b: unknown vendor "cisko"`},
		{"bad filter value", "state: s\nsources:\n" + good + "  - name: e\n    vendor: entrust\n    demo: true\n    filters: {siem: yes-please}\noutput: {stdout: true}\n", `collect.yaml:13: source e: entrust: option siem="yes-please" is not allowed: one of true, false`},
		{"missing env reference", "state: s\nsources:\n" + strings.Replace(good, "env:A_API_KEY", "env:A_API_KEY_UNSET", 1) + "output: {stdout: true}\n", `collect.yaml:7: source a: credential api_key: environment variable A_API_KEY_UNSET is not set`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "collect.yaml")
			os.WriteFile(path, []byte(c.text), 0o600)
			for _, args := range [][]string{{"--once"}, {"--check-config"}, {}} {
				var stdout, stderr bytes.Buffer
				before := f.Demos["cisco"].Stats().Requests
				code := run(context.Background(), append([]string{"collect", "--config", path}, args...), func(k string) string { return f.Env[k] }, &stdout, &stderr)
				if code != exitUsage {
					t.Errorf("%v: exit %d, want 2; stderr %s", args, code, stderr.String())
				}
				if !strings.Contains(stderr.String(), c.want) {
					t.Errorf("%v: stderr\n%s\nwant it to contain\n%s", args, stderr.String(), c.want)
				}
				if n := f.Demos["cisco"].Stats().Requests - before; n != 0 {
					t.Errorf("%v: %d requests sent", args, n)
				}
			}
		})
	}
}

func TestCollectCheckConfigAndStatus(t *testing.T) {
	f := collecttest.Start(t, 60, false)
	dir := t.TempDir()
	path := filepath.Join(dir, "collect.yaml")
	os.WriteFile(path, []byte("state: ./state\ndefaults: {lag: 1s, start: 40d}\nsources:\n"+f.Source("a", "cisco", "")+f.Source("b", "instavm", "")+
		"output: {path: \"out/{source}.ndjson.gz\"}\n"), 0o600)
	getenv := func(k string) string { return f.Env[k] }
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"collect", "--config", path, "--check-config"}, getenv, &stdout, &stderr); code != 0 {
		t.Fatalf("--check-config: exit %d: %s", code, stderr.String())
	}
	if want := path + ": ok: 2 sources (a, b)\n"; stdout.String() != want {
		t.Errorf("--check-config: %q, want %q", stdout.String(), want)
	}
	if n := f.Demos["cisco"].Stats().Requests; n != 0 {
		t.Errorf("--check-config sent %d requests", n)
	}
	stdout.Reset()
	run(context.Background(), []string{"collect", "--config", path, "--status"}, getenv, &stdout, &stderr)
	if !strings.Contains(stdout.String(), "never run") {
		t.Errorf("--status before a run:\n%s", stdout.String())
	}
	if code := run(context.Background(), []string{"collect", "--config", path, "--once", "--log-level", "error"}, getenv, &stdout, &stderr); code != 0 {
		t.Fatalf("--once: exit %d: %s", code, stderr.String())
	}
	stdout.Reset()
	run(context.Background(), []string{"collect", "--config", path, "--status"}, getenv, &stdout, &stderr)
	for _, name := range []string{"a ", "b "} {
		line := ""
		for _, l := range strings.Split(stdout.String(), "\n") {
			if strings.HasPrefix(l, name) {
				line = l
			}
		}
		if !strings.Contains(line, " ok ") || !strings.Contains(line, " 60 ") {
			t.Errorf("--status line of %s: %q", name, line)
		}
	}
	got, _ := readOutput(t, filepath.Join(dir, "out"))
	if collecttest.Sum(got) != 120 {
		t.Errorf("%d events in the output files, want 120", collecttest.Sum(got))
	}
}

func TestCollectSIGTERMCommitsAndExits0(t *testing.T) {
	f := collecttest.Start(t, 600, false)
	dir := t.TempDir()
	cfg := collectConfig(t, f, dir, "state: ./state\nbatch: 100\ndefaults: {interval: 100ms, lag: 1s, start: 40d}\n")
	cmd := collectCmd(t, f, dir, "--config", cfg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, stderr.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("stopping took %s", d)
	}
	// What was delivered is committed: a --once run goes on from there,
	// and every event is there once.
	out, err := collectCmd(t, f, dir, "--config", cfg, "--once", "--log-level", "error").CombinedOutput()
	if err != nil {
		t.Fatalf("--once: %v\n%s", err, out)
	}
	for _, v := range audittest.DemoVendors() {
		got, _ := readOutput(t, filepath.Join(dir, "out", "src-"+v))
		if lost, repeated := compare(got, f.Expected(t, v)); lost != 0 || repeated != 0 {
			t.Errorf("%s: %d lost, %d repeated", v, lost, repeated)
		}
	}
}

func TestCollectSIGHUPReloadsSources(t *testing.T) {
	f := collecttest.Start(t, 100, false)
	dir := t.TempDir()
	path := filepath.Join(dir, "collect.yaml")
	header := "state: ./state\ndefaults: {interval: 200ms, lag: 1s, start: 40d}\nsources:\n"
	footer := "output: {path: \"out/{source}/{date}.ndjson.gz\"}\n"
	srcA, srcB := f.Source("a", "cisco", ""), f.Source("b", "instavm", "") // both credentials in the environment
	os.WriteFile(path, []byte(header+srcA+footer), 0o600)
	cmd := collectCmd(t, f, dir, "--config", path, "--log-format", "json")
	var stderr collecttest.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitLog := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !strings.Contains(stderr.String(), what); {
			if time.Now().After(deadline) {
				t.Fatalf("no %s in the log within 20s:\n%s", what, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitLog(`"msg":"cycle done","source":"a"`)
	// A bad file is refused and the running config kept.
	os.WriteFile(path, []byte(header+srcA+"  - {name: b, vendor: nope}\n"+footer), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog(`the new config is refused`)
	os.WriteFile(path, []byte(header+srcB+footer), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog(`"msg":"config reloaded"`)
	waitLog(`"msg":"cycle done","source":"b"`)
	waitLog(`"msg":"source removed","source":"a"`)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	for _, c := range []struct{ src, vendor string }{{"a", "cisco"}, {"b", "instavm"}} {
		got, _ := readOutput(t, filepath.Join(dir, "out", c.src))
		if lost, repeated := compare(got, f.Expected(t, c.vendor)); lost != 0 || repeated != 0 {
			t.Errorf("%s: %d lost, %d repeated", c.src, lost, repeated)
		}
	}
}
