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
	"os"
	"path/filepath"
	"testing"
)

// benchEvents returns n OCSF events as NDJSON lines: the vendors' golden
// events (every vendor's mapped records), each copy with its own uid and
// time so that gzip does not see exact repeats.
func benchEvents(b *testing.B, n int) []Record {
	b.Helper()
	files, _ := filepath.Glob("../*/testdata/golden/*.ocsf.golden.json")
	var templates []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		for {
			var ev map[string]any
			if err := dec.Decode(&ev); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				break // a golden file of another shape
			}
			if _, ok := ev["metadata"].(map[string]any); ok {
				templates = append(templates, ev)
			}
		}
	}
	if len(templates) == 0 {
		b.Fatal("no golden events found under ../*/testdata/golden")
	}
	recs := make([]Record, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range recs {
		ev := templates[i%len(templates)]
		x = mix64(x + uint64(i))
		md := ev["metadata"].(map[string]any)
		md["uid"] = fmt.Sprintf("%016x%016x", x, mix64(x))
		ev["time"] = 1767225600000 + int64(i)*1375 + int64(x%1000)
		js, err := json.Marshal(ev)
		if err != nil {
			b.Fatal(err)
		}
		recs[i] = Record{JSON: js, UID: md["uid"].(string)}
	}
	return recs
}

func dirBytes(b *testing.B, dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) != ".auditkit" {
			fi, _ := d.Info()
			total += fi.Size()
		}
		return nil
	})
	return total
}

// BenchmarkFileOutput measures the file output (one synced gzip member per
// batch) against a plain bufio+gzip writer of the same lines (one stream,
// never synced): events/s, compressed bytes/event, and the lines' raw
// bytes/event. An op is one batch.
//
//	go test -run '^$' -bench FileOutput -benchtime 200x ./collector/
func BenchmarkFileOutput(b *testing.B) {
	events := benchEvents(b, 20000)
	var raw int64
	for _, r := range events {
		raw += int64(len(r.JSON)) + 1
	}
	batchOf := func(i, size int) []Record {
		start := (i * size) % len(events)
		if start+size > len(events) {
			start = 0
		}
		return events[start : start+size]
	}
	report := func(b *testing.B, size int, compressed int64) {
		n := float64(b.N * size)
		b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(compressed)/n, "B/event")
		b.ReportMetric(float64(raw)/float64(len(events)), "raw-B/event")
	}
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprintf("file/batch=%d", size), func(b *testing.B) {
			dir := b.TempDir()
			o, err := NewFileOutput(FileConfig{Path: "{source}/{date}.ndjson.gz", Dir: dir, MaxSize: 256 << 20})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := o.Write(ctx, Batch{Source: "bench", Vendor: "cisco", Seq: int64(i + 1), Records: batchOf(i, size)}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			o.Close()
			report(b, size, dirBytes(b, dir))
		})
	}
	b.Run("baseline/bufio+gzip", func(b *testing.B) {
		const size = 1000
		dir := b.TempDir()
		f, err := os.Create(filepath.Join(dir, "bench.ndjson.gz"))
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		zw := gzip.NewWriter(bw)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for _, r := range batchOf(i, size) {
				zw.Write(r.JSON)
				zw.Write([]byte{'\n'})
			}
		}
		zw.Close()
		bw.Flush()
		f.Close()
		b.StopTimer()
		report(b, size, dirBytes(b, dir))
	})
}
