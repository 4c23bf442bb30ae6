package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// wantRecord is a record as a consumer sees it.
type wantRecord struct {
	Topic, Key, Value string
	Headers           string
}

func seen(r *kgo.Record) wantRecord {
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Key+"="+string(h.Value))
	}
	return wantRecord{Topic: r.Topic, Key: string(r.Key), Value: string(r.Value), Headers: strings.Join(hs, ",")}
}

func sortRecords(rs []wantRecord) {
	slices.SortFunc(rs, func(a, b wantRecord) int { return strings.Compare(a.Topic+a.Key, b.Topic+b.Key) })
}

// TestWriteExactRecords: every record of a batch lands once, in the topic
// the template names, with its key, the event's JSON as value and the
// vendor, class and source headers; the Position names the batch and the
// last offset of each partition it went to.
func TestWriteExactRecords(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	batch := collector.Batch{Source: "acme-cisco", Vendor: "cisco", Seq: 7, Records: []collector.Record{
		record(t, ocsf.ClassAuthentication, "u1", at),
		record(t, ocsf.ClassAPIActivity, "u2", at.Add(time.Second)),
		record(t, ocsf.ClassAuthentication, "u3", at.Add(2*time.Second)),
		record(t, ocsf.ClassAccountChange, "", at.Add(3*time.Second)), // no uid: keyed by its digest
	}}
	noUIDKey := string(Key("acme-cisco", batch.Records[3]))
	if !strings.HasPrefix(noUIDKey, "acme-cisco/sha256:") || len(noUIDKey) != len("acme-cisco/sha256:")+64 {
		t.Fatalf("key of an event without uid = %q", noUIDKey)
	}
	hdr := func(c int) string { return fmt.Sprintf("vendor=cisco,class=%d,source=acme-cisco", c) }
	for _, tc := range []struct {
		name, template string
		topics         []string
		want           []wantRecord
	}{
		{"per source", "auditkit.{source}", []string{"auditkit.acme-cisco"}, []wantRecord{
			{"auditkit.acme-cisco", "acme-cisco/u1", string(batch.Records[0].JSON), hdr(3002)},
			{"auditkit.acme-cisco", "acme-cisco/u2", string(batch.Records[1].JSON), hdr(6003)},
			{"auditkit.acme-cisco", "acme-cisco/u3", string(batch.Records[2].JSON), hdr(3002)},
			{"auditkit.acme-cisco", noUIDKey, string(batch.Records[3].JSON), hdr(3001)},
		}},
		{"per class", "auditkit.{class}", []string{"auditkit.authentication", "auditkit.api_activity", "auditkit.account_change"}, []wantRecord{
			{"auditkit.authentication", "acme-cisco/u1", string(batch.Records[0].JSON), hdr(3002)},
			{"auditkit.api_activity", "acme-cisco/u2", string(batch.Records[1].JSON), hdr(6003)},
			{"auditkit.authentication", "acme-cisco/u3", string(batch.Records[2].JSON), hdr(3002)},
			{"auditkit.account_change", noUIDKey, string(batch.Records[3].JSON), hdr(3001)},
		}},
		{"vendor and class uid", "{vendor}-{class_uid}", []string{"cisco-3002", "cisco-6003", "cisco-3001"}, []wantRecord{
			{"cisco-3002", "acme-cisco/u1", string(batch.Records[0].JSON), hdr(3002)},
			{"cisco-6003", "acme-cisco/u2", string(batch.Records[1].JSON), hdr(6003)},
			{"cisco-3002", "acme-cisco/u3", string(batch.Records[2].JSON), hdr(3002)},
			{"cisco-3001", noUIDKey, string(batch.Records[3].JSON), hdr(3001)},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startCluster(t, tc.topics...)
			o := newOutput(t, c, tc.template)
			ctx := context.Background()
			if err := o.Recover(ctx, batch.Source, nil); err != nil {
				t.Fatal(err)
			}
			pos, err := o.Write(ctx, batch)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			recs := consumeAll(t, c, tc.topics...)
			var got []wantRecord
			for _, r := range recs {
				got = append(got, seen(r))
			}
			sortRecords(got)
			want := slices.Clone(tc.want)
			sortRecords(want)
			if !slices.Equal(got, want) {
				t.Fatalf("records:\n got %q\nwant %q", got, want)
			}

			// The position: the batch's Seq and, per partition, the offset
			// of the batch's last record there.
			var p Position
			if err := json.Unmarshal(pos, &p); err != nil {
				t.Fatalf("position %s: %v", pos, err)
			}
			var wantOffs []PartitionOffset
			for _, r := range recs {
				i := slices.IndexFunc(wantOffs, func(po PartitionOffset) bool { return po.Topic == r.Topic && po.Partition == r.Partition })
				if i < 0 {
					wantOffs = append(wantOffs, PartitionOffset{r.Topic, r.Partition, r.Offset})
				} else {
					wantOffs[i].Offset = max(wantOffs[i].Offset, r.Offset)
				}
			}
			slices.SortFunc(wantOffs, func(a, b PartitionOffset) int {
				return strings.Compare(fmt.Sprintf("%s/%d", a.Topic, a.Partition), fmt.Sprintf("%s/%d", b.Topic, b.Partition))
			})
			if p.Seq != 7 || !slices.Equal(p.Offsets, wantOffs) {
				t.Fatalf("position %s, want seq 7 and offsets %v", pos, wantOffs)
			}
		})
	}
}

// TestRefusingBrokerMakesTheSourceWait: while the broker refuses every
// write, Write waits (retrying) instead of failing or dropping; once the
// broker takes writes again it returns, and every record is there once.
func TestRefusingBrokerMakesTheSourceWait(t *testing.T) {
	const topic = "auditkit.s"
	c := startCluster(t, topic)
	var r refuser
	r.install(c)
	o := newOutput(t, c, "auditkit.{source}", func(c *Config) {
		c.Options = []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return 5 * time.Millisecond }), kgo.MetadataMinAge(10 * time.Millisecond)}
	})
	b := batchOf(t, "s", 1, 50)
	r.on.Store(true)
	refusal := 300 * time.Millisecond
	done := make(chan error, 1)
	start := time.Now()
	go func() { _, err := o.Write(context.Background(), b); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("Write returned %v while the broker refused every write", err)
	case <-time.After(refusal):
	}
	r.on.Store(false)
	if err := <-done; err != nil {
		t.Fatalf("Write after the broker recovered: %v", err)
	}
	if r.refused.Load() < 2 || time.Since(start) < refusal {
		t.Fatalf("refused %d produce requests in %v: the refusal was not exercised", r.refused.Load(), time.Since(start))
	}
	tl, lost := count(consumeAll(t, c, topic), keysOf(b))
	t.Logf("refused %d produce requests for %v: %v", r.refused.Load(), refusal, tl)
	if tl.Lost != 0 || tl.Unexpected != 0 || tl.Repeated != 0 {
		t.Fatalf("%v; lost %q", tl, lost)
	}
}

// TestRefusalPastTheDeadline: a Write whose context ends (or whose
// delivery timeout passes) while the broker refuses returns an error in
// time and counts nothing as delivered; the same batch written again after
// the broker recovered is all there, each key once.
func TestRefusalPastTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration // Config.DeliveryTimeout
		ctx     time.Duration // Write's context deadline
		want    error
	}{
		{"context", 0, 200 * time.Millisecond, context.DeadlineExceeded},
		{"delivery timeout", time.Second, 0, kgo.ErrRecordTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const topic = "auditkit.s"
			c := startCluster(t, topic)
			var r refuser
			r.install(c)
			o := newOutput(t, c, "auditkit.{source}", func(c *Config) {
				c.DeliveryTimeout = tc.timeout
				c.Options = []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return 5 * time.Millisecond }), kgo.MetadataMinAge(10 * time.Millisecond)}
			})
			b := batchOf(t, "s", 3, 40)
			r.on.Store(true)
			ctx := context.Background()
			if tc.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctx)
				defer cancel()
			}
			start := time.Now()
			pos, err := o.Write(ctx, b)
			if !errors.Is(err, tc.want) || pos != nil {
				t.Fatalf("Write = %s, %v; want an error matching %v", pos, err, tc.want)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Fatalf("Write took %v to give up", el)
			}
			if !strings.Contains(err.Error(), `source "s": batch 3`) {
				t.Errorf("error %q does not name the source and batch", err)
			}
			r.on.Store(false)
			if _, err := o.Write(context.Background(), b); err != nil {
				t.Fatalf("Write again after the broker recovered: %v", err)
			}
			tl, lost := count(consumeAll(t, c, topic), keysOf(b))
			t.Logf("%v", tl)
			if tl.Lost != 0 || tl.Unexpected != 0 {
				t.Fatalf("%v; lost %q", tl, lost)
			}
		})
	}
}

// TestTopicNotFound: a topic that does not exist fails the Write (after
// kgo's unknown-topic retries) instead of hanging, and names the topic.
func TestTopicNotFound(t *testing.T) {
	c := startCluster(t, "other")
	o := newOutput(t, c, "auditkit.{source}", func(c *Config) {
		c.Options = []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return time.Millisecond }), kgo.MetadataMinAge(10 * time.Millisecond)}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := o.Write(ctx, batchOf(t, "missing", 1, 2))
	if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "UNKNOWN_TOPIC_OR_PARTITION") {
		t.Fatalf("Write to a missing topic = %v", err)
	}
}

// TestBadSourceName: a source whose name cannot be part of a topic is
// refused by Recover (before anything is produced) and by Write.
func TestBadSourceName(t *testing.T) {
	c := startCluster(t, "x")
	for _, tc := range []struct{ template, topic string }{
		{"auditkit.{source}", `"auditkit.acme cisco"`},
		{"{source}.{class}", `"acme cisco.authentication"`},
	} {
		o := newOutput(t, c, tc.template)
		if err := o.Recover(context.Background(), "acme cisco", nil); err == nil || !strings.Contains(err.Error(), tc.topic) {
			t.Fatalf("%s: Recover = %v, want an error naming %s", tc.template, err, tc.topic)
		}
		if _, err := o.Write(context.Background(), batchOf(t, "acme cisco", 1, 1)); err == nil || !strings.Contains(err.Error(), tc.topic) {
			t.Fatalf("%s: Write = %v, want an error naming %s", tc.template, err, tc.topic)
		}
		if _, err := o.Write(context.Background(), collector.Batch{Source: "x", Seq: 1}); err == nil || !strings.Contains(err.Error(), "batch 1 is empty") {
			t.Fatalf("Write of an empty batch = %v", err)
		}
	}
}

// batchOf is a batch of n authentication events of source.
func batchOf(t testing.TB, source string, seq int64, n int) collector.Batch {
	b := collector.Batch{Source: source, Vendor: "cisco", Seq: seq}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		b.Records = append(b.Records, record(t, ocsf.ClassAuthentication, fmt.Sprintf("%s-%d-%d", source, seq, i), at.Add(time.Duration(i)*time.Second)))
	}
	return b
}

// keysOf is the set of keys of b's records.
func keysOf(bs ...collector.Batch) map[string]bool {
	m := map[string]bool{}
	for _, b := range bs {
		for _, r := range b.Records {
			m[string(Key(b.Source, r))] = true
		}
	}
	return m
}

// TestRecoverAndRepeats: Recover takes nothing back and accepts a position
// of its own, none, or another output's (logged); a batch written again
// is produced again and logged as such; a record without JSON (a
// tombstone) is refused before anything is produced.
func TestRecoverAndRepeats(t *testing.T) {
	const topic = "auditkit.s"
	c := startCluster(t, topic)
	var logs strings.Builder
	var mu sync.Mutex
	o := newOutput(t, c, "auditkit.{source}", func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	})
	ctx := context.Background()
	for _, pos := range []string{"", `{"seq":4,"offsets":[{"topic":"auditkit.s","partition":0,"offset":9}]}`, `{"file":"out/s.ndjson.gz","length":12}`, `not json`} {
		if err := o.Recover(ctx, "s", collector.Position(pos)); err != nil {
			t.Fatalf("Recover(%s): %v", pos, err)
		}
	}
	b := batchOf(t, "s", 5, 3)
	for range 2 {
		if _, err := o.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	bad := batchOf(t, "s", 6, 2)
	bad.Records[1].JSON = nil
	if _, err := o.Write(ctx, bad); err == nil || !strings.Contains(err.Error(), `record 1 (uid "s-6-1") has no JSON`) {
		t.Fatalf("Write of a record without JSON = %v", err)
	}
	tl, _ := count(consumeAll(t, c, topic), keysOf(b))
	if tl.Consumed != 6 || tl.Distinct != 3 || tl.Lost != 0 || tl.Unexpected != 0 {
		t.Fatalf("%v; want the batch twice and nothing of the refused one", tl)
	}
	mu.Lock()
	got := logs.String()
	mu.Unlock()
	for _, want := range []string{
		`msg="kafka: resuming after the last acknowledged batch`, `source=s seq=4`,
		`msg="kafka: the source's saved position is not the Kafka output's`,
		`msg="kafka: producing a batch again (at least once; keyed by uid exactly once)" source=s seq=5`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("logs lack %q:\n%s", want, got)
		}
	}
}

// TestLeaderAcks: acks "leader" turns the idempotent producer off (Kafka
// requires it) and still delivers.
func TestLeaderAcks(t *testing.T) {
	const topic = "auditkit.s"
	c := startCluster(t, topic)
	o := newOutput(t, c, "auditkit.{source}", func(c *Config) { c.Acks = "leader" })
	b := batchOf(t, "s", 1, 5)
	if _, err := o.Write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if tl, _ := count(consumeAll(t, c, topic), keysOf(b)); tl.Consumed != 5 || tl.Lost != 0 {
		t.Fatalf("%v", tl)
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
