package kafka

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkWrite measures records/s produced to an in-process cluster
// (kfake) by Write, in batches of 500 authentication events, against the
// baseline of a plain kgo client's ProduceSync of the same records (same
// keys, values and headers) in the same iterations, interleaved so that
// both meet the same machine: the output's own cost is the gap (building
// records, expanding topics, the position). It reports both rates and
// their ratio (output / kgo).
//
//	go test -run '^$' -bench Write -benchtime 40x ./outputs/kafka/
func BenchmarkWrite(b *testing.B) {
	const topic, size = "auditkit.bench", 500
	c := startCluster(b, topic)
	batch := batchOf(b, "bench", 1, size)
	o := newOutput(b, c, "auditkit.{source}")
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	// One round of each first, so that both have their connections.
	if _, err := o.Write(ctx, batch); err != nil {
		b.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic}).FirstErr(); err != nil {
		b.Fatal(err)
	}

	write := func(seq int64) time.Duration {
		start := time.Now()
		batch.Seq = seq
		if _, err := o.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	produce := func() time.Duration {
		start := time.Now()
		recs := make([]*kgo.Record, len(batch.Records))
		for i, r := range batch.Records {
			recs[i] = &kgo.Record{Topic: topic, Key: Key(batch.Source, r), Value: r.JSON, Headers: []kgo.RecordHeader{
				{Key: "vendor", Value: []byte(batch.Vendor)},
				{Key: "class", Value: []byte(strconv.Itoa(int(r.Class)))},
				{Key: "source", Value: []byte(batch.Source)},
			}}
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var out, base time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 { // each goes first in every other round
			out += write(int64(i + 2))
			base += produce()
		} else {
			base += produce()
			out += write(int64(i + 2))
		}
	}
	n := float64(b.N * size)
	b.ReportMetric(n/out.Seconds(), "output-records/s")
	b.ReportMetric(n/base.Seconds(), "kgo-records/s")
	b.ReportMetric(base.Seconds()/out.Seconds(), "ratio")
}
