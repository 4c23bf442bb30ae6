package kafka

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// partitions is the number of partitions of every test topic.
const partitions = 3

// startCluster starts an in-process Kafka cluster (kfake) with the topics,
// closed at the end of the test.
func startCluster(t testing.TB, topics ...string) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// newOutput is New with the cluster's brokers and topic, closed at the end
// of the test.
func newOutput(t testing.TB, c *kfake.Cluster, topic string, tweak ...func(*Config)) *Output {
	t.Helper()
	cfg := Config{Brokers: c.ListenAddrs(), Topic: topic}
	for _, f := range tweak {
		f(&cfg)
	}
	o, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// record is a collector.Record of an event of class c with uid and time.
func record(t testing.TB, c ocsf.ClassUID, uid string, at time.Time) collector.Record {
	t.Helper()
	ev := ocsf.New(c, 1, at)
	ev.Metadata.UID = uid
	ev.Metadata.Product = ocsf.Product{Name: "test", VendorName: "test"}
	ev.Message = "event " + uid
	js, err := ev.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return collector.Record{Event: ev, JSON: js, Time: at, Class: c, UID: uid}
}

// consumeAll reads every record the cluster holds in the topics, from the
// start to each partition's end offset as ListOffsets gives it.
func consumeAll(t testing.TB, c *kfake.Cluster, topics ...string) []*kgo.Record {
	t.Helper()
	return consumeWith(t, c, nil, topics...)
}

// consumeWith is consumeAll with further client options.
func consumeWith(t testing.TB, c *kfake.Cluster, opts []kgo.Opt, topics ...string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.MetadataMinAge(10 * time.Millisecond), kgo.FetchMaxWait(100 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	end := map[string]map[int32]int64{}
	req := kmsg.NewPtrListOffsetsRequest()
	for _, tp := range topics {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = tp
		for p := int32(0); p < partitions; p++ {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition, rp.Timestamp = p, -1 // latest
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("ListOffsets: %v", err)
	}
	want := 0
	for _, rt := range resp.Topics {
		end[rt.Topic] = map[int32]int64{}
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				t.Fatalf("ListOffsets %s/%d: %v", rt.Topic, rp.Partition, err)
			}
			end[rt.Topic][rp.Partition] = rp.Offset
			want += int(rp.Offset)
		}
	}
	var got []*kgo.Record
	for len(got) < want {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d of %d records: %v", len(got), want, err)
		}
		fs.EachError(func(tp string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", tp, p, err) })
		got = append(got, fs.Records()...)
	}
	return got
}

// refuser makes the cluster refuse every Produce request with a retriable
// error (NOT_ENOUGH_REPLICAS) while on, and counts the refusals.
type refuser struct {
	on      atomic.Bool
	refused atomic.Int64
}

// install adds the refuser to the cluster's Produce handling.
func (r *refuser) install(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.Produce), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if !r.on.Load() {
			return nil, nil, false
		}
		r.refused.Add(1)
		return refuse(kr.(*kmsg.ProduceRequest), kerr.NotEnoughReplicas.Code), nil, true
	})
}

// refuse is the response to req refusing every partition with code.
func refuse(req *kmsg.ProduceRequest, code int16) *kmsg.ProduceResponse {
	resp := req.ResponseKind().(*kmsg.ProduceResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewProduceResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewProduceResponseTopicPartition()
			sp.Partition, sp.ErrorCode = rp.Partition, code
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

// tally counts consumed records by key against the keys expected.
type tally struct {
	Events, Consumed, Distinct, Lost, Unexpected, Repeated int
}

// count tallies recs against want (every key expected once).
func count(recs []*kgo.Record, want map[string]bool) (tally, []string) {
	seen := map[string]int{}
	for _, r := range recs {
		seen[string(r.Key)]++
	}
	tl := tally{Events: len(want), Consumed: len(recs), Distinct: len(seen)}
	var lost []string
	for k := range want {
		if seen[k] == 0 {
			tl.Lost++
			lost = append(lost, k)
		}
	}
	for k, n := range seen {
		if !want[k] {
			tl.Unexpected++
		}
		tl.Repeated += n - 1
	}
	slices.Sort(lost)
	return tl, lost
}

func (tl tally) String() string {
	return fmt.Sprintf("events %d, consumed %d (distinct keys %d), lost %d, unexpected keys %d, repeated raw %d, repeated keyed 0",
		tl.Events, tl.Consumed, tl.Distinct, tl.Lost, tl.Unexpected, tl.Repeated)
}
