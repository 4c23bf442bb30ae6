package collector

import (
	"context"
	"encoding/json"
	"github.com/auditkit/auditkit/internal/collecttest"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditkit/auditkit/audittest"
)

// TestRunIntoFilesAndDirStore runs the collector over the six fakes into
// the file output and the DirStore as a config file builds them (faults
// are the run tests' business), one source with a wrong key: every event
// of the five others is in their rotated gzip files exactly once, each
// state's position is its file's length, and no credential (right or
// wrong) is in any file the collector wrote: states, locks, markers,
// output.
func TestRunIntoFilesAndDirStore(t *testing.T) {
	f := collecttest.Start(t, 120, false)
	var b strings.Builder
	b.WriteString(fastHeader)
	b.WriteString("sources:\n")
	for _, v := range audittest.DemoVendors() {
		b.WriteString(f.Source("src-"+v, v, ""))
	}
	b.WriteString("output: {path: \"out/{source}/{date}.ndjson.gz\", max_size: 6KiB}\n")
	cfg, dir := writeConfig(t, b.String())
	f.Env["SRC_CISCO_API_KEY"] = "wrong-key-4af1c2"
	cfg.Getenv = f.Getenv
	if err := RunOnce(context.Background(), cfg); err == nil {
		t.Fatal("RunOnce succeeded with a wrong key for src-cisco")
	}

	for _, v := range audittest.DemoVendors() {
		src := "src-" + v
		if v == "cisco" {
			if _, err := os.Stat(filepath.Join(dir, "out", src)); err == nil {
				t.Errorf("src-cisco, with a wrong key, has files: %v", outputFiles(t, filepath.Join(dir, "out", src)))
			}
			continue
		}
		counts := uidCounts(t, filepath.Join(dir, "out", src), v == "tanium")
		want := f.Expected(t, v)
		lost, repeated := 0, 0
		for uid, n := range want {
			if counts[uid] < n {
				lost += n - counts[uid]
			}
		}
		for uid, n := range counts {
			if n > want[uid] {
				repeated += n - want[uid]
			}
		}
		if lost+repeated > 0 {
			t.Errorf("%s: %d lost, %d repeated across %v", src, lost, repeated, outputFiles(t, filepath.Join(dir, "out", src)))
		}
		if files := outputFiles(t, filepath.Join(dir, "out", src)); len(files) < 2 {
			t.Errorf("%s: %v: want rotation by size", src, files)
		}
		data, err := os.ReadFile(filepath.Join(dir, "state", src+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var st State
		json.Unmarshal(data, &st)
		var pos filePosition
		if err := json.Unmarshal(st.Output, &pos); err != nil {
			t.Fatalf("%s: state output %s: %v", src, st.Output, err)
		}
		if fi, err := os.Stat(pos.File); err != nil || fi.Size() != pos.Length || pos.Seq != st.Seq {
			t.Errorf("%s: position %+v, seq %d; the file: %v, %v", src, pos, st.Seq, fi, err)
		}
	}

	secrets := []string{"wrong-key-4af1c2"}
	for _, v := range f.Env {
		if len(v) >= 6 {
			secrets = append(secrets, v)
		}
	}
	walked := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "collect.yaml") {
			return err
		}
		walked++
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".gz") {
			data = []byte(strings.Join(readLines(t, p), "\n"))
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds a credential", p)
			}
		}
		return nil
	})
	if walked < 12 {
		t.Errorf("walked only %d files", walked)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "state", "src-cisco.json"))
	if !strings.Contains(string(data), "401") {
		t.Errorf("src-cisco's state does not record its error: %s", data)
	}
}
