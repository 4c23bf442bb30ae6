package collector

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/auditkit/auditkit/internal/testenv"
)

// testBatch is a batch of n events of the source with uids "<source>-<seq>-<i>".
func testBatch(source string, seq int64, n int) Batch {
	b := Batch{Source: source, Vendor: "cisco", Seq: seq}
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("%s-%d-%d", source, seq, i)
		js := fmt.Sprintf(`{"metadata":{"uid":%q},"message":"user %d changed policy %d on device %x","severity_id":%d}`, uid, i*7%13, seq*31%97, seq*1000+int64(i), i%5)
		b.Records = append(b.Records, Record{JSON: []byte(js), UID: uid})
	}
	return b
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// outputFiles lists the output files under dir (not the markers), sorted.
func outputFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".auditkit" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// readLines decompresses a file with Go's gzip reader (every member).
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return splitLines(data)
}

func splitLines(data []byte) []string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// uidCounts counts each event's uid across every output file under dir,
// read with Go's gzip reader, and checks that gzip -dc reads the same.
func uidCounts(t *testing.T, dir string, withGzip bool) map[string]int {
	t.Helper()
	counts := map[string]int{}
	var all []string
	files := outputFiles(t, dir)
	for _, f := range files {
		for _, line := range readLines(t, filepath.Join(dir, f)) {
			var ev struct {
				Metadata struct{ UID string } `json:"metadata"`
			}
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("%s: line %q: %v", f, line, err)
			}
			counts[ev.Metadata.UID]++
			all = append(all, line)
		}
	}
	if withGzip && len(files) > 0 {
		gz := gzipCmd(t)
		args := []string{"-dc"}
		for _, f := range files {
			args = append(args, filepath.Join(dir, f))
		}
		out, err := exec.Command(gz, args...).Output()
		if err != nil {
			t.Fatalf("gzip -dc: %v", err)
		}
		if got := splitLines(out); strings.Join(got, "\n") != strings.Join(all, "\n") {
			t.Fatalf("gzip -dc read %d lines, Go's gzip reader %d", len(got), len(all))
		}
	}
	return counts
}

func gzipCmd(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("gzip")
	if err != nil {
		testenv.Missing(t, "gzip is not installed: cannot check the files with gzip -dc")
	}
	return p
}

func mustFileOutput(t *testing.T, cfg FileConfig) *FileOutput {
	t.Helper()
	o, err := NewFileOutput(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func decodePos(t *testing.T, p Position) filePosition {
	t.Helper()
	var fp filePosition
	if err := json.Unmarshal(p, &fp); err != nil {
		t.Fatalf("position %s: %v", p, err)
	}
	return fp
}

func TestFileOutputWritesMembersAndRotates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 23, 0, 0, 0, time.FixedZone("x", 3600))} // 22:00 UTC
	member := int64(len(mustEncode(t, testBatch("a", 1, 4))))
	o := mustFileOutput(t, FileConfig{Path: "out/{vendor}/{source}/{date}.ndjson.gz", MaxSize: 2*member + member/2, Dir: dir, Now: clock.Now})
	defer o.Close()
	if err := o.Recover(ctx, "a", nil); err != nil {
		t.Fatal(err)
	}
	var files []string
	var lengths, want []int64
	for seq := int64(1); seq <= 5; seq++ {
		pos, err := o.Write(ctx, testBatch("a", seq, 4))
		if err != nil {
			t.Fatal(err)
		}
		p := decodePos(t, pos)
		if p.Seq != seq {
			t.Errorf("position %s: seq %d, want %d", pos, p.Seq, seq)
		}
		fi, err := os.Stat(p.File)
		if err != nil || fi.Size() != p.Length {
			t.Fatalf("position %s: file %v, %v", pos, fi, err)
		}
		rel, _ := filepath.Rel(dir, p.File)
		files, lengths = append(files, rel), append(lengths, p.Length)
		m := int64(len(mustEncode(t, testBatch("a", seq, 4))))
		if seq == 2 || seq == 5 {
			m += want[len(want)-1]
		}
		want = append(want, m)
		if seq == 3 {
			clock.Add(2 * time.Hour) // 2026-05-02 00:00 UTC
		}
	}
	wantFiles := []string{
		"out/cisco/a/2026-05-01.ndjson.gz", "out/cisco/a/2026-05-01.ndjson.gz", // two members fit
		"out/cisco/a/2026-05-01.1.ndjson.gz",                                   // the third would pass MaxSize
		"out/cisco/a/2026-05-02.ndjson.gz", "out/cisco/a/2026-05-02.ndjson.gz", // a new UTC day
	}
	if strings.Join(files, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("files:\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(wantFiles, "\n"))
	}
	if fmt.Sprint(lengths) != fmt.Sprint(want) {
		t.Errorf("lengths %v, want %v", lengths, want)
	}
	lines := readLines(t, filepath.Join(dir, "out/cisco/a/2026-05-01.ndjson.gz"))
	want1 := append(testBatch("a", 1, 4).Records, testBatch("a", 2, 4).Records...)
	if len(lines) != len(want1) {
		t.Fatalf("2026-05-01.ndjson.gz has %d lines, want %d", len(lines), len(want1))
	}
	for i, r := range want1 {
		if lines[i] != string(r.JSON) {
			t.Errorf("line %d = %s\nwant %s", i, lines[i], r.JSON)
		}
	}
	counts := uidCounts(t, dir, true)
	if len(counts) != 20 {
		t.Errorf("%d distinct events, want 20", len(counts))
	}
	for uid, n := range counts {
		if n != 1 {
			t.Errorf("%s: %d times", uid, n)
		}
	}
}

func mustEncode(t testing.TB, b Batch) []byte {
	var buf bytes.Buffer
	if err := encodeMember(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFileOutputNames(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, path, rotate string
		maxSize            bool
		step               time.Duration
		want               []string
	}{
		{name: "hourly", path: "{source}/{date}T{hour}.log.gz", rotate: "hourly", step: 40 * time.Minute,
			want: []string{"s/2026-05-01T10.log.gz", "s/2026-05-01T10.log.gz", "s/2026-05-01T11.log.gz", "s/2026-05-01T12.log.gz"}},
		{name: "daily without date in the name", path: "{source}.ndjson.gz", step: 10 * time.Hour,
			want: []string{"s.ndjson.gz", "s.ndjson.gz", "s.1.ndjson.gz", "s.1.ndjson.gz"}},
		{name: "hourly without hour in the name", path: "x/{source}-{date}", rotate: "hourly", step: 40 * time.Minute,
			want: []string{"x/s-2026-05-01", "x/s-2026-05-01", "x/s-2026-05-01.1", "x/s-2026-05-01.2"}},
		{name: "none", path: "{source}.gz", rotate: "none", step: 24 * time.Hour,
			want: []string{"s.gz", "s.gz", "s.gz", "s.gz"}},
		{name: "none by size", path: "{source}.gz", rotate: "none", maxSize: true, step: time.Hour,
			want: []string{"s.gz", "s.1.gz", "s.2.gz", "s.3.gz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := &fakeClock{t: time.Date(2026, 5, 1, 10, 10, 0, 0, time.UTC)}
			cfg := FileConfig{Path: tc.path, Rotate: tc.rotate, Dir: dir, Now: clock.Now}
			if tc.maxSize {
				cfg.MaxSize = 1
			}
			o := mustFileOutput(t, cfg)
			defer o.Close()
			var got []string
			for seq := int64(1); seq <= 4; seq++ {
				pos, err := o.Write(ctx, testBatch("s", seq, 2))
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(dir, decodePos(t, pos).File)
				got = append(got, rel)
				clock.Add(tc.step)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("files %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFileOutputNeverReusesAName(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	// Someone's file has the name the next part would take.
	os.MkdirAll(filepath.Join(dir, "s"), 0o755)
	os.WriteFile(filepath.Join(dir, "s", "2026-05-01.ndjson.gz"), []byte("theirs"), 0o644)
	o := mustFileOutput(t, FileConfig{Path: "{source}/{date}.ndjson.gz", MaxSize: 1, Dir: dir, Now: clock.Now})
	var got []string
	for seq := int64(1); seq <= 2; seq++ {
		pos, err := o.Write(ctx, testBatch("s", seq, 2))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, filepath.Base(decodePos(t, pos).File))
	}
	if want := "2026-05-01.1.ndjson.gz 2026-05-01.2.ndjson.gz"; strings.Join(got, " ") != want {
		t.Errorf("files %v, want %s", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "s", "2026-05-01.ndjson.gz")); string(data) != "theirs" {
		t.Errorf("the existing file was changed: %q", data)
	}
	// A restart whose committed file was moved away goes on after its
	// part, not back to a free lower one.
	committed := decodePos(t, mustWrite(t, o, testBatch("s", 3, 2)))
	o.Close()
	os.Rename(committed.File, filepath.Join(dir, "archived.gz"))
	os.Remove(filepath.Join(dir, "s", "2026-05-01.1.ndjson.gz"))
	o = mustFileOutput(t, FileConfig{Path: "{source}/{date}.ndjson.gz", MaxSize: 1, Dir: dir, Now: clock.Now})
	defer o.Close()
	pj, _ := json.Marshal(committed)
	if err := o.Recover(ctx, "s", pj); err != nil {
		t.Fatalf("Recover with the committed file moved away: %v", err)
	}
	next := decodePos(t, mustWrite(t, o, testBatch("s", 4, 2)))
	if committed.Part != 3 || next.Part != 4 || filepath.Base(next.File) != "2026-05-01.4.ndjson.gz" {
		t.Errorf("committed part %d, next %s (part %d); want part 3 then 2026-05-01.4.ndjson.gz", committed.Part, next.File, next.Part)
	}
}

func mustWrite(t *testing.T, o *FileOutput, b Batch) Position {
	t.Helper()
	p, err := o.Write(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFileOutputRecover(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := FileConfig{Path: "{source}.ndjson.gz", Dir: dir, Now: (&fakeClock{t: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}).Now}
	o := mustFileOutput(t, cfg)
	p1 := mustWrite(t, o, testBatch("s", 1, 3))
	mustWrite(t, o, testBatch("s", 2, 3)) // never committed
	o.Close()
	file := filepath.Join(dir, "s.ndjson.gz")

	o = mustFileOutput(t, cfg)
	if err := o.Recover(ctx, "s", p1); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(file); fi.Size() != decodePos(t, p1).Length {
		t.Fatalf("after Recover the file is %d bytes, want %d", fi.Size(), decodePos(t, p1).Length)
	}
	p2 := mustWrite(t, o, testBatch("s", 2, 3))
	o.Close()
	if n := len(readLines(t, file)); n != 6 {
		t.Errorf("%d lines, want 6", n)
	}

	// A present file shorter than its committed length: an error.
	os.Truncate(file, 10)
	o = mustFileOutput(t, cfg)
	defer o.Close()
	err := o.Recover(ctx, "s", p2)
	if err == nil || !strings.Contains(err.Error(), "is 10 bytes, shorter than the") || !strings.Contains(err.Error(), "move it away") {
		t.Fatalf("Recover of a shortened file: %v", err)
	}
	// Moved away, as the message suggests: fine, the next batch starts a new file.
	os.Rename(file, file+".bad")
	if err := o.Recover(ctx, "s", p2); err != nil {
		t.Fatalf("Recover with the file moved away: %v", err)
	}
	if p := decodePos(t, mustWrite(t, o, testBatch("s", 3, 1))); filepath.Base(p.File) != "s.1.ndjson.gz" || p.Length == 0 {
		// Part 0's name is not reused: the moved file may come back.
		t.Errorf("after the move: %+v", p)
	}
	for _, bad := range []string{`{"file":""}`, `[1]`, `{"file":"x","length":-1}`} {
		if err := o.Recover(ctx, "s", Position(bad)); err == nil {
			t.Errorf("Recover(%s) accepted it", bad)
		}
	}
	// A position naming a file the template does not give the source (the
	// path changed in the config, or a bad state file) touches nothing.
	other := filepath.Join(dir, "other.ndjson.gz")
	os.WriteFile(other, []byte("0123456789"), 0o600)
	for _, name := range []string{other, filepath.Join(dir, "t.ndjson.gz"), filepath.Join(dir, "s.x.ndjson.gz"), filepath.Join(dir, "s.ndjson.gz.bad")} {
		os.WriteFile(name, []byte("0123456789"), 0o600)
		pj, _ := json.Marshal(filePosition{File: name, Length: 3, Seq: 9})
		if err := o.Recover(ctx, "s", pj); err != nil {
			t.Errorf("Recover naming %s: %v", name, err)
		}
		if data, _ := os.ReadFile(name); string(data) != "0123456789" {
			t.Errorf("Recover cut %s, which is not the source's", name)
		}
	}
	if err := o.Recover(ctx, "../s", nil); err == nil {
		t.Error("Recover of a bad source name accepted it")
	}
}

// errCrash stands for the process dying at a step of Write.
var errCrash = errors.New("crash")

// crashScenario writes 14 batches of a source through a FileOutput that
// rotates by day and size; the crashAt-th step of any Write (counting
// from 1; 0: none) fails as a crash. The test then does what a restart
// does: a new FileOutput, Recover with the last committed position, the
// same batch written again (later: the clock moved on an hour). It
// returns how many steps the run went through and where it crashed.
func crashScenario(t *testing.T, crashAt int, withGzip bool) (steps int, crashed string) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 20, 0, 0, 0, time.UTC)}
	member := int64(len(mustEncode(t, testBatch("s", 1, 5))))
	cfg := FileConfig{Path: "out/{source}/{date}.ndjson.gz", MaxSize: 2*member + member/2, Dir: dir, Now: clock.Now}
	o := mustFileOutput(t, cfg)
	o.skipSync = crashAt > 0 // the run without a crash syncs
	fault := func(step string) error {
		steps++
		if steps == crashAt {
			crashed = step
			return errCrash
		}
		return nil
	}
	o.fault = fault
	var committed Position
	const batches = 10
	for seq := int64(1); seq <= batches; seq++ {
		b := testBatch("s", seq, 5)
		pos, err := o.Write(ctx, b)
		if err != nil {
			if !errors.Is(err, errCrash) {
				t.Fatalf("seq %d: %v", seq, err)
			}
			o.Close()
			clock.Add(time.Hour)
			o = mustFileOutput(t, cfg)
			o.fault, o.skipSync = fault, true
			if err := o.Recover(ctx, "s", committed); err != nil {
				t.Fatalf("crash at step %d (%s) of seq %d: Recover: %v", crashAt, crashed, seq, err)
			}
			if pos, err = o.Write(ctx, b); err != nil {
				t.Fatalf("crash at step %d (%s) of seq %d: the write after Recover: %v", crashAt, crashed, seq, err)
			}
		}
		committed = pos
		clock.Add(3 * time.Hour)
	}
	o.Close()
	counts := uidCounts(t, dir, withGzip)
	for seq := int64(1); seq <= batches; seq++ {
		for _, r := range testBatch("s", seq, 5).Records {
			if counts[r.UID] != 1 {
				t.Errorf("crash at step %d (%s): event %s delivered %d times", crashAt, crashed, r.UID, counts[r.UID])
			}
		}
	}
	if len(counts) != batches*5 {
		t.Errorf("crash at step %d (%s): %d distinct events, want %d", crashAt, crashed, len(counts), batches*5)
	}
	return steps, crashed
}

func TestFileOutputExactlyOnceAcrossCrashes(t *testing.T) {
	total, _ := crashScenario(t, 0, true)
	seen := map[string]int{}
	for k := 1; k <= total; k++ {
		_, step := crashScenario(t, k, k%8 == 0)
		seen[step]++
	}
	// Every step of Write was crashed at, rotations included.
	for _, step := range []string{"marker", "create", "write", "sync", "syncdir", "return"} {
		if seen[step] == 0 {
			t.Errorf("no crash at step %q (crashes: %v)", step, seen)
		}
	}
	t.Logf("%d crash points: %v", total, seen)
}

func TestFileOutputCrashAfterRotationBeforeCommit(t *testing.T) {
	// The case spelled out: a Write starts a new file (size rotation), its
	// batch is durable there, and the process dies before the checkpoint
	// is saved. The restart happens the next day, so the batch goes to
	// another file: the first new file must go.
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC)}
	cfg := FileConfig{Path: "{source}/{date}.ndjson.gz", MaxSize: 1, Dir: dir, Now: clock.Now}
	o := mustFileOutput(t, cfg)
	committed := mustWrite(t, o, testBatch("s", 1, 2))
	lost := decodePos(t, mustWrite(t, o, testBatch("s", 2, 2))) // not committed
	o.Close()
	if filepath.Base(lost.File) != "2026-05-01.1.ndjson.gz" {
		t.Fatalf("the second batch went to %s", lost.File)
	}
	clock.Add(2 * time.Hour)
	o = mustFileOutput(t, cfg)
	defer o.Close()
	if err := o.Recover(ctx, "s", committed); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lost.File); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the uncommitted file %s is still there: %v", lost.File, err)
	}
	again := decodePos(t, mustWrite(t, o, testBatch("s", 2, 2)))
	if filepath.Base(again.File) != "2026-05-02.ndjson.gz" {
		t.Errorf("the batch written again went to %s", again.File)
	}
	if got := outputFiles(t, dir); strings.Join(got, " ") != "s/2026-05-01.ndjson.gz s/2026-05-02.ndjson.gz" {
		t.Errorf("files %v", got)
	}
}

func TestFileOutputKeepsAMarkedFileFromAnotherHistory(t *testing.T) {
	// The state was reset (pos nil) while the marker names a file that
	// later batches went to: Recover must not delete delivered events.
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	cfg := FileConfig{Path: "{source}/{date}.ndjson.gz", Dir: dir, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	o := mustFileOutput(t, cfg)
	mustWrite(t, o, testBatch("s", 1, 2))
	mustWrite(t, o, testBatch("s", 2, 2))
	o.Close()
	o = mustFileOutput(t, cfg)
	defer o.Close()
	if err := o.Recover(ctx, "s", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, filepath.Join(dir, "s/2026-05-01.ndjson.gz"))); n != 4 {
		t.Errorf("the file has %d lines after Recover(nil), want 4", n)
	}
	if !strings.Contains(logs.String(), "kept") {
		t.Errorf("no warning logged: %s", logs.String())
	}
	// A new history starts a new file rather than appending to it.
	if p := decodePos(t, mustWrite(t, o, testBatch("s", 1, 2))); filepath.Base(p.File) != "2026-05-01.1.ndjson.gz" {
		t.Errorf("the new history wrote to %s", p.File)
	}
}

func TestFileOutputRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cfg  FileConfig
		want string
	}{
		{FileConfig{}, "no path"},
		{FileConfig{Path: "out/{date}.ndjson.gz"}, "has no {source}"},
		{FileConfig{Path: "{source}/{day}.gz"}, "unknown placeholder {day}"},
		{FileConfig{Path: "{source}/{date.gz"}, "without its }"},
		{FileConfig{Path: "{source}/date}.gz"}, "without its {"},
		{FileConfig{Path: "{source}/"}, "names a directory"},
		{FileConfig{Path: "{source}.gz", Rotate: "weekly"}, "rotate \"weekly\""},
		{FileConfig{Path: "{source}.gz", MaxSize: -1}, "max_size -1"},
	} {
		if _, err := NewFileOutput(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewFileOutput(%+v): %v; want %q", tc.cfg, err, tc.want)
		}
	}
	dir := t.TempDir()
	o := mustFileOutput(t, FileConfig{Path: "{source}.gz", Dir: dir})
	bad := testBatch("s", 1, 2)
	bad.Records[1].JSON = []byte("{\"a\":\n1}")
	if _, err := o.Write(ctx, bad); err == nil || !strings.Contains(err.Error(), "not one line of JSON") {
		t.Errorf("a record with a newline: %v", err)
	}
	if _, err := o.Write(ctx, Batch{Source: "s", Seq: 1}); err == nil {
		t.Error("an empty batch was accepted")
	}
	if _, err := o.Write(ctx, testBatch("a/b", 1, 1)); err == nil {
		t.Error("a source name with a slash was accepted")
	}
	ov := mustFileOutput(t, FileConfig{Path: "{vendor}/{source}.gz", Dir: dir})
	defer ov.Close()
	evil := testBatch("s", 1, 1)
	evil.Vendor = "../../x"
	if _, err := ov.Write(ctx, evil); err == nil || !strings.Contains(err.Error(), "cannot name a file") {
		t.Errorf("a vendor with a path: %v", err)
	}
	if files := outputFiles(t, dir); len(files) != 0 {
		t.Errorf("refused writes left files: %v", files)
	}
	o.Close()
	if _, err := o.Write(ctx, testBatch("s", 1, 1)); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"256MiB": 256 << 20, "1GB": 1e9, "1.5GiB": 3 << 29, "1048576": 1 << 20, "10 kb": 10000, "0": 0, "7b": 7, "2TiB": 2 << 40} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "12 parsecs", "-1", "1e3", "1..2MB", "99999999999TiB"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

// yamlSpec decodes a section the way the collector's config does:
// strictly, with yaml v3.
func yamlSpec(t *testing.T, kind, section, dir string) OutputSpec {
	return OutputSpec{Kind: kind, Dir: dir, Logger: slog.New(slog.DiscardHandler), Decode: func(v any) error {
		dec := yaml.NewDecoder(strings.NewReader(section))
		dec.KnownFields(true)
		return dec.Decode(v)
	}}
}

func TestFileOutputFactory(t *testing.T) {
	ctx := context.Background()
	f, ok := LookupOutput("file")
	if !ok {
		t.Fatal("kind file is not registered")
	}
	dir := t.TempDir()
	out, err := f(ctx, yamlSpec(t, "file", "{path: \"out/{source}/{date}.ndjson.gz\", rotate: hourly, max_size: 1MiB}", dir), false)
	if err != nil {
		t.Fatal(err)
	}
	fo := out.(*FileOutput)
	if fo.cfg.Rotate != "hourly" || fo.cfg.MaxSize != 1<<20 || fo.tmpl != filepath.Join(dir, "out/{source}/{date}.ndjson.gz") {
		t.Errorf("config %+v, template %s", fo.cfg, fo.tmpl)
	}
	out, err = f(ctx, yamlSpec(t, "file", "{path: \"{source}.gz\", max_size: 4096}", dir), false)
	if err != nil || out.(*FileOutput).cfg.MaxSize != 4096 {
		t.Errorf("max_size as a number: %v", err)
	}
	// check: validated, nothing built, nothing created.
	out, err = f(ctx, yamlSpec(t, "file", "{path: \"new/{source}.gz\"}", dir), true)
	if err != nil || out != nil {
		t.Errorf("check: %v, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("check created a directory")
	}
	for section, want := range map[string]string{
		"{path: \"{source}.gz\", compress: true}": "compress",
		"{path: \"{source}.gz\", max_size: big}":  "max_size",
		"{path: \"x.gz\"}":                        "{source}",
		"{path: \"{source}.gz\", rotate: often}":  "rotate",
	} {
		if _, err := f(ctx, yamlSpec(t, "file", section, dir), true); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error about %s", section, err, want)
		}
	}
}

func TestFileOutputSourcesInParallel(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := mustFileOutput(t, FileConfig{Path: "{source}/{date}.ndjson.gz", MaxSize: 600, Dir: dir})
	var wg sync.WaitGroup
	for s := 0; s < 4; s++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			if err := o.Recover(ctx, name, nil); err != nil {
				t.Error(err)
			}
			for seq := int64(1); seq <= 10; seq++ {
				if _, err := o.Write(ctx, testBatch(name, seq, 3)); err != nil {
					t.Error(err)
				}
			}
		}(fmt.Sprint("src", s))
	}
	wg.Wait()
	o.Close()
	counts := uidCounts(t, dir, false)
	if len(counts) != 4*10*3 {
		t.Errorf("%d events, want 120", len(counts))
	}
	for uid, n := range counts {
		if n != 1 {
			t.Errorf("%s: %d times", uid, n)
		}
	}
}

func ExampleFileOutput() {
	dir, _ := os.MkdirTemp("", "out")
	defer os.RemoveAll(dir)
	out, err := NewFileOutput(FileConfig{Path: "{source}/{date}.ndjson.gz", MaxSize: 256 << 20, Dir: dir,
		Now: func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer out.Close()
	ctx := context.Background()
	_ = out.Recover(ctx, "acme-cisco", nil) // the position saved last time; nil at first
	pos, err := out.Write(ctx, Batch{Source: "acme-cisco", Vendor: "cisco", Seq: 1,
		Records: []Record{{JSON: []byte(`{"metadata":{"uid":"1"}}`), UID: "1"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var p struct {
		File   string
		Length int64
	}
	json.Unmarshal(pos, &p)
	rel, _ := filepath.Rel(dir, p.File)
	fmt.Println(rel, p.Length > 0)
	// Output: acme-cisco/2026-05-01.ndjson.gz true
}

func TestFileOutputOneWriterPerSource(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := FileConfig{Path: "{source}.ndjson.gz", Dir: dir}
	a := mustFileOutput(t, cfg)
	defer a.Close()
	pos := mustWrite(t, a, testBatch("s", 1, 2))
	if err := a.Recover(ctx, "s", pos); err != nil {
		t.Fatalf("Recover by the owner: %v", err)
	}
	b := mustFileOutput(t, cfg)
	defer b.Close()
	if err := b.Recover(ctx, "s", pos); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("Recover by a second output while the first is open: %v", err)
	}
	if _, err := b.Write(ctx, testBatch("s", 2, 2)); err == nil {
		t.Fatal("Write by a second output while the first is open succeeded")
	}
	if _, err := b.Write(ctx, testBatch("other", 1, 2)); err != nil {
		t.Fatalf("another source: %v", err)
	}
	a.Close()
	if err := b.Recover(ctx, "s", pos); err != nil {
		t.Fatalf("Recover once the first output is closed: %v", err)
	}
	mustWrite(t, b, testBatch("s", 2, 2))
	b.Close()
	if n := len(readLines(t, filepath.Join(dir, "s.ndjson.gz"))); n != 4 {
		t.Errorf("%d lines, want 4", n)
	}
}

func ExampleParseSize() {
	for _, s := range []string{"256MiB", "1GB", "4096", "big"} {
		n, err := ParseSize(s)
		fmt.Println(n, err)
	}
	// Output:
	// 268435456 <nil>
	// 1000000000 <nil>
	// 4096 <nil>
	// 0 size "big": want a number of bytes with an optional unit, such as 256MiB, 1GB or 1048576
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"256MiB", "1.5GB", "0", "", "1e9", "9999999999999TiB", ".5k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseSize(s); err == nil && n < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
	})
}

// FuzzFileOutputRecover hands Recover any saved position: an error or a
// recovery, never a panic, and never a change to a file the position does
// not name.
func FuzzFileOutputRecover(f *testing.F) {
	for _, s := range []string{`null`, `{}`, `{"file":"x","length":3,"seq":1}`, `{"file":"","length":-1}`, `[`, `{"file":"s.gz","length":99999}`, `"s"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pos string) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "keep.gz")
		os.WriteFile(keep, []byte("not ours"), 0o600)
		o := mustFileOutput(t, FileConfig{Path: "{source}.gz", Dir: dir})
		defer o.Close()
		_ = o.Recover(context.Background(), "s", Position(pos))
		if data, _ := os.ReadFile(keep); string(data) != "not ours" {
			t.Fatalf("Recover(%s) changed a file it does not name", pos)
		}
	})
}

func ExampleNewStdoutOutput() {
	out := NewStdoutOutput(os.Stdout)
	pos, err := out.Write(context.Background(), Batch{Source: "acme-cisco", Vendor: "cisco", Seq: 7,
		Records: []Record{{JSON: []byte(`{"metadata":{"uid":"a1"}}`), UID: "a1"}}})
	fmt.Println(string(pos), err)
	// Output:
	// {"metadata":{"uid":"a1"}}
	// {"seq":7} <nil>
}
