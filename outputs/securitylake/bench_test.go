package securitylake

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"testing"

	"github.com/auditkit/auditkit/collector"
)

// BenchmarkParquetVsGzipNDJSON encodes every vendor's demo events as the
// output's Parquet files and as gzip NDJSON (compress/gzip, default
// level, as the collector's file output writes): throughput in MB/s of
// event JSON, and the bytes of each per event; the parquet run also
// reports parquet/gzip, the size ratio.
//
//	go test -run '^$' -bench ParquetVsGzipNDJSON -benchtime 20x ./outputs/securitylake
func BenchmarkParquetVsGzipNDJSON(b *testing.B) {
	var demoRecs []collector.Record
	for _, v := range sortedKeys(demo(b)) {
		demoRecs = append(demoRecs, demo(b)[v]...)
	}
	// demo: 1,200 events in one batch, so ~50 small files (one per class
	// and day); x20: each event 20 times under another metadata.uid,
	// 24,000 events in files 20 times longer, nearer a real delivery.
	x20 := make([]collector.Record, 0, 20*len(demoRecs))
	for k := range 20 {
		for _, r := range demoRecs {
			r.UID = fmt.Sprintf("%s-%d", r.UID, k)
			r.JSON = bytes.Replace(r.JSON, []byte(`"uid":"`), []byte(fmt.Sprintf(`"uid":"%d-`, k)), 1)
			x20 = append(x20, r)
		}
	}
	b.Run("demo", func(b *testing.B) { benchParquetVsGzip(b, demoRecs) })
	b.Run("x20", func(b *testing.B) { benchParquetVsGzip(b, x20) })
}

func benchParquetVsGzip(b *testing.B, recs []collector.Record) {
	var jsonBytes int64
	for _, r := range recs {
		jsonBytes += int64(len(r.JSON)) + 1
	}
	o := newLocal(b, b.TempDir())
	batch := collector.Batch{Source: "bench", Records: recs, Seq: 1}
	parquetSize := func() int {
		files, err := o.files(batch)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, f := range files {
			n += len(f.data)
		}
		return n
	}
	gzipSize := func() int {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		for _, r := range recs {
			zw.Write(r.JSON)
			zw.Write([]byte{'\n'})
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		return buf.Len()
	}
	pq, gz := parquetSize(), gzipSize()
	b.Run("parquet", func(b *testing.B) {
		b.SetBytes(jsonBytes)
		for b.Loop() {
			parquetSize()
		}
		b.ReportMetric(float64(pq)/float64(len(recs)), "bytes/event")
		b.ReportMetric(float64(pq)/float64(gz), "parquet/gzip")
	})
	b.Run("ndjson.gz", func(b *testing.B) {
		b.SetBytes(jsonBytes)
		for b.Loop() {
			gzipSize()
		}
		b.ReportMetric(float64(gz)/float64(len(recs)), "bytes/event")
	})
	b.Logf("%d events, %d bytes of NDJSON: parquet %d bytes, ndjson.gz %d bytes", len(recs), jsonBytes, pq, gz)
}
