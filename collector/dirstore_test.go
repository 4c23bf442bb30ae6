package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDirStoreSaveLoad(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "state")
	st, err := NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(ctx, "acme-cisco")
	if err != nil || got.Version != 0 || got.Seq != 0 || got.Checkpoint != nil {
		t.Fatalf("Load of a new source = %+v, %v; want a zero State", got, err)
	}
	when := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s := State{Vendor: "cisco", Checkpoint: json.RawMessage(`{"t":"2026-05-01T11:59:00Z","ids":["a"]}`),
		Output: json.RawMessage(`{"file":"out/x.ndjson.gz","length":42,"seq":1}`), Seq: 1, Events: 7, LastSuccess: when, Newest: when.Add(-time.Minute)}
	v, err := st.Save(ctx, "acme-cisco", s)
	if err != nil || v != 1 {
		t.Fatalf("first Save = %d, %v; want 1", v, err)
	}
	got, err = st.Load(ctx, "acme-cisco")
	if err != nil {
		t.Fatal(err)
	}
	s.Version = 1
	gj, _ := json.Marshal(got)
	sj, _ := json.Marshal(s)
	if string(gj) != string(sj) {
		t.Fatalf("Load = %s\nwant   %s", gj, sj)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "acme-cisco.json"))

	// A stale writer (it loaded version 0) is refused and changes nothing.
	stale := s
	stale.Version = 0
	stale.Seq = 99
	if v, err := st.Save(ctx, "acme-cisco", stale); !errors.Is(err, ErrConflict) || v != 0 {
		t.Fatalf("stale Save = %d, %v; want ErrConflict", v, err)
	} else if !strings.Contains(err.Error(), "at version 1, this writer loaded version 0") {
		t.Errorf("conflict message %q does not say the versions", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "acme-cisco.json"))
	if string(before) != string(after) {
		t.Fatalf("a refused Save changed the file:\n%s\n→\n%s", before, after)
	}
	// A writer ahead of the store (a version never saved) is refused too.
	ahead := s
	ahead.Version = 5
	if _, err := st.Save(ctx, "acme-cisco", ahead); !errors.Is(err, ErrConflict) {
		t.Fatalf("Save at version 5 of a store at 1: %v; want ErrConflict", err)
	}
	s.Seq = 2
	if v, err := st.Save(ctx, "acme-cisco", s); err != nil || v != 2 {
		t.Fatalf("second Save = %d, %v; want 2", v, err)
	}
	// Only the state and lock files remain: no temporary file.
	names := dirNames(t, dir)
	if strings.Join(names, " ") != ".acme-cisco.lock acme-cisco.json" {
		t.Errorf("files in the state directory: %v", names)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestDirStoreRefusesBadNamesAndFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "../x", "a/b", `a\b`, ".hidden", "-x", "a b", "é", strings.Repeat("a", 129), "a\x00"} {
		if _, err := st.Load(ctx, name); err == nil {
			t.Errorf("Load(%q) accepted the name", name)
		}
		if _, err := st.Save(ctx, name, State{}); err == nil {
			t.Errorf("Save(%q) accepted the name", name)
		}
	}
	if len(dirNames(t, dir)) != 0 {
		t.Errorf("refused names left files: %v", dirNames(t, dir))
	}
	for _, tc := range []struct{ content, want string }{
		{"not json", "is not a state file"},
		{`{"version":0}`, "has version 0"},
		{`{"version":"x"}`, "is not a state file"},
	} {
		os.WriteFile(filepath.Join(dir, "bad.json"), []byte(tc.content), 0o600)
		if _, err := st.Load(ctx, "bad"); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Join(dir, "bad.json")) {
			t.Errorf("Load of %q: %v; want an error naming the file with %q", tc.content, err, tc.want)
		}
		if _, err := st.Save(ctx, "bad", State{Version: 1}); err == nil {
			t.Errorf("Save over %q succeeded", tc.content)
		}
	}
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o600)
	if _, err := NewDirStore(f); err == nil {
		t.Error("NewDirStore of a regular file succeeded")
	}
	if _, err := NewDirStore(""); err == nil {
		t.Error("NewDirStore(\"\") succeeded")
	}
}

func TestDirStoreSaveHonoursContextWhileLocked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("flock only")
	}
	dir := t.TempDir()
	st, _ := NewDirStore(dir)
	lock, err := os.OpenFile(filepath.Join(dir, ".s.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	unlock, err := lockFile(context.Background(), lock)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := st.Save(ctx, "s", State{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Save while another holds the lock: %v; want the context's error", err)
	}
}

func TestDirStoreRaceGoroutines(t *testing.T) {
	ctx := context.Background()
	st, _ := NewDirStore(t.TempDir())
	for round := 0; round < 20; round++ {
		cur, err := st.Load(ctx, "s")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := 0, 0
		start := make(chan struct{})
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				s := cur
				s.Seq = int64(round*10 + w)
				<-start
				_, err := st.Save(ctx, "s", s)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Errorf("Save: %v", err)
				}
			}(w)
		}
		close(start)
		wg.Wait()
		if wins != 1 || conflicts != 3 {
			t.Fatalf("round %d: %d wins, %d conflicts; want 1 and 3", round, wins, conflicts)
		}
		after, _ := st.Load(ctx, "s")
		if after.Version != cur.Version+1 || after.Seq/10 != int64(round) {
			t.Fatalf("round %d: stored %+v", round, after)
		}
	}
}

const dirStoreChildEnv = "AUDITKIT_TEST_DIRSTORE_CHILD"

// TestDirStoreHelperProcess is one of the racing processes of
// TestDirStoreRaceProcesses; it does nothing when run on its own.
func TestDirStoreHelperProcess(t *testing.T) {
	arg := os.Getenv(dirStoreChildEnv)
	if arg == "" {
		return
	}
	// arg: DIR|ID
	dir, id, _ := strings.Cut(arg, "|")
	ctx := context.Background()
	st, err := NewDirStore(dir)
	if err != nil {
		fmt.Println("RESULT error", err)
		return
	}
	cur, err := st.Load(ctx, "shared")
	if err != nil {
		fmt.Println("RESULT error", err)
		return
	}
	os.WriteFile(filepath.Join(dir, "ready-"+id), nil, 0o600)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cur.Vendor = "writer-" + id
	_, err = st.Save(ctx, "shared", cur)
	switch {
	case err == nil:
		fmt.Println("RESULT win")
	case errors.Is(err, ErrConflict):
		fmt.Println("RESULT conflict")
	default:
		fmt.Println("RESULT error", err)
	}
}

func TestDirStoreRaceProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	for round := 0; round < 2; round++ {
		dir := t.TempDir()
		st, _ := NewDirStore(dir)
		if _, err := st.Save(context.Background(), "shared", State{Vendor: "first"}); err != nil {
			t.Fatal(err)
		}
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for id := 0; id < 2; id++ {
			cmd := exec.Command(exe, "-test.run=^TestDirStoreHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", dirStoreChildEnv, dir, id))
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		deadline := time.Now().Add(30 * time.Second)
		for id := 0; id < 2; id++ {
			for {
				if _, err := os.Stat(filepath.Join(dir, fmt.Sprint("ready-", id))); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("child %d not ready", id)
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		os.WriteFile(filepath.Join(dir, "go"), nil, 0o600)
		results := map[string]int{}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("child %d: %v\n%s", i, err, outs[i])
			}
			_, res, ok := strings.Cut(outs[i].String(), "RESULT ")
			if !ok {
				t.Fatalf("child %d said:\n%s", i, outs[i])
			}
			res, _, _ = strings.Cut(res, "\n")
			results[res]++
		}
		if results["win"] != 1 || results["conflict"] != 1 {
			t.Fatalf("round %d: results %v; want one win and one conflict", round, results)
		}
		s, err := st.Load(context.Background(), "shared")
		if err != nil || s.Version != 2 || !strings.HasPrefix(s.Vendor, "writer-") {
			t.Fatalf("after the race: %+v, %v", s, err)
		}
	}
}

func ExampleDirStore() {
	dir, _ := os.MkdirTemp("", "state")
	defer os.RemoveAll(dir)
	st, _ := NewDirStore(dir)
	ctx := context.Background()
	s, _ := st.Load(ctx, "acme-cisco") // Version 0: nothing saved yet
	s.Vendor, s.Seq = "cisco", 1
	v, err := st.Save(ctx, "acme-cisco", s)
	fmt.Println(v, err)
	_, err = st.Save(ctx, "acme-cisco", s) // s.Version is still 0: stale
	fmt.Println(errors.Is(err, ErrConflict))
	// Output:
	// 1 <nil>
	// true
}
