// Package kafka is the collector's Kafka output: every event of a batch is
// produced as one record, and Write returns only after the brokers
// acknowledged every record of the batch, so that a source's checkpoint
// moves only past events Kafka holds.
//
// # Records
//
//   - Topic: Config.Topic expanded per record, e.g. "auditkit.{source}" (a
//     topic per source) or "auditkit.{class}" (a topic per OCSF class).
//   - Key: "{source}/{metadata.uid}" (when an event has no uid:
//     "{source}/sha256:{hex of its JSON}"). Records of one key go to one
//     partition (kgo's default partitioner hashes the key), so a compacted
//     topic or a consumer keyed on it drops repeats.
//   - Value: the OCSF event's JSON (collector.Record.JSON), unchanged.
//   - Headers: "vendor" (e.g. "cisco"), "class" (the class_uid, "3002") and
//     "source" (the source's name).
//   - Timestamp: when the record was produced (not the event's time, which
//     is in the value: a topic's time-based retention would otherwise delete
//     a first run's old events at once).
//
// # Delivery
//
// With acks "all" (the default) the producer is idempotent (kgo's default;
// Kafka deduplicates the retries of one producer session) and every
// in-sync replica has a record before it is acknowledged. A broker that
// refuses writes (NOT_ENOUGH_REPLICAS, a leader election, a network cut)
// makes Write wait and retry, up to Config.DeliveryTimeout or until its
// context ends; it then returns an error and the collector retries the same
// batch later. A source therefore waits while Kafka refuses; it drops
// nothing.
//
// Kafka cannot take records back, so Recover has nothing to discard: a
// batch written again after a crash (or after a Write that failed half
// way) is produced again. The output delivers every event at least once;
// keyed by "{source}/{metadata.uid}" it delivers each exactly once.
//
// # Config
//
// Registered with the collector as the output kind "kafka":
//
//	output:
//	  kafka:
//	    brokers: [kafka-1:9092, kafka-2:9092]
//	    topic: "auditkit.{source}"
//	    tls: true
//	    sasl: {mechanism: scram-sha-512, username: env:KAFKA_USER, password: env:KAFKA_PASSWORD}
package kafka

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// Kind is the output's kind in a collector config file.
const Kind = "kafka"

func init() { collector.RegisterOutput(Kind, factory) }

// factory builds the output from its config section.
func factory(ctx context.Context, spec collector.OutputSpec, check bool) (collector.Output, error) {
	var c Config
	if err := spec.Decode(&c); err != nil {
		return nil, err
	}
	c.Dir, c.Logger = spec.Dir, spec.Logger
	if check {
		return nil, c.Check()
	}
	o, err := New(ctx, c)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Output is the Kafka output. It implements collector.Output and is safe
// for concurrent use (the collector writes several sources at once).
type Output struct {
	client *kgo.Client
	topic  topicTemplate
	log    *slog.Logger
	kl     *kgoLogger

	mu   sync.Mutex
	seqs map[string]int64 // per source: the highest Seq Write was called with
}

var _ collector.Output = (*Output)(nil)

// New returns the output c describes. It checks c but does not contact the
// brokers: the first Write does (so a Kafka down when the collector starts
// makes its sources wait instead of stopping the collector). The SASL
// references are read each time the client authenticates to a broker, so a
// rotated password is picked up on the next connection. ctx is not kept.
func New(ctx context.Context, c Config) (*Output, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	tt, _ := parseTopic(c.Topic) // checked above
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := c.DeliveryTimeout
	if timeout == 0 {
		timeout = defaultDeliveryTimeout
	}
	kl := &kgoLogger{l: log}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(cmp.Or(c.ClientID, "auditkit")),
		kgo.RecordDeliveryTimeout(timeout),
		kgo.WithLogger(kl),
	}
	if c.Acks == "leader" {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	} else {
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks())) // kgo's default, idempotent
	}
	switch {
	case c.TLSConfig != nil:
		opts = append(opts, kgo.DialTLSConfig(c.TLSConfig.Clone()))
	case c.TLS:
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if c.SASL != nil {
		opts = append(opts, kgo.SASL(mechanism(c)))
		if strings.EqualFold(c.SASL.Mechanism, "plain") && !c.TLS && c.TLSConfig == nil {
			log.Warn("kafka: sasl plain without tls sends the password in clear text to the brokers")
		}
	}
	if c.AutoCreateTopics {
		opts = append(opts, kgo.AllowAutoTopicCreation())
	}
	opts = append(opts, c.Options...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return &Output{client: cl, topic: tt, log: log, kl: kl, seqs: map[string]int64{}}, nil
}

// mechanism is c's SASL mechanism, reading the credentials at each
// authentication.
func mechanism(c Config) sasl.Mechanism {
	switch strings.ToLower(c.SASL.Mechanism) {
	case "plain":
		return plain.Plain(func(context.Context) (plain.Auth, error) {
			u, p, err := c.credentials()
			return plain.Auth{User: u, Pass: p}, err
		})
	case "scram-sha-256":
		return scram.Sha256(func(context.Context) (scram.Auth, error) {
			u, p, err := c.credentials()
			return scram.Auth{User: u, Pass: p}, err
		})
	default: // scram-sha-512, as checked
		return scram.Sha512(func(context.Context) (scram.Auth, error) {
			u, p, err := c.credentials()
			return scram.Auth{User: u, Pass: p}, err
		})
	}
}

// Position is what the output saves with a source's checkpoint (as JSON,
// collector.Position).
type Position struct {
	// Seq is the Seq of the batch last acknowledged.
	Seq int64 `json:"seq"`
	// Offsets are, per partition the batch went to, the offset of its last
	// record there, ordered by topic and partition.
	Offsets []PartitionOffset `json:"offsets,omitempty"`
}

// PartitionOffset is a record's place in Kafka.
type PartitionOffset struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// Recover is called before a source's first Write. Kafka cannot take back
// what was produced after pos, so Recover discards nothing: the batch the
// collector writes again is produced again (at least once; exactly once
// keyed by uid). It logs where the source resumes. A pos that is not the
// Kafka output's (another output's, after the config changed) is only
// logged. It refuses a source whose name cannot be part of a topic name.
func (o *Output) Recover(ctx context.Context, source string, pos collector.Position) error {
	if _, err := o.topic.expand(source, "vendor", ocsf.ClassAuthentication); err != nil {
		return err // the source's name cannot be part of a topic
	}
	var p Position
	if len(pos) > 0 {
		if err := json.Unmarshal(pos, &p); err != nil {
			o.log.Warn("kafka: the source's saved position is not the Kafka output's; resuming from its checkpoint", "source", source)
		}
	}
	if len(pos) > 0 {
		o.log.Info("kafka: resuming after the last acknowledged batch; records of a batch not committed before a stop are produced again (at least once, keyed by uid exactly once)",
			"source", source, "seq", p.Seq)
	}
	return nil
}

// Write produces every record of b and returns once the brokers
// acknowledged all of them, with the Position to save. When any record
// fails, or ctx ends first, it returns an error, and nothing of b counts as
// delivered (some records may have been; they are produced again with the
// batch). Records still in flight when ctx ends may yet be delivered.
func (o *Output) Write(ctx context.Context, b collector.Batch) (collector.Position, error) {
	if len(b.Records) == 0 {
		return nil, fmt.Errorf("kafka: source %q: batch %d is empty", b.Source, b.Seq)
	}
	o.mu.Lock()
	last, known := o.seqs[b.Source]
	o.seqs[b.Source] = max(last, b.Seq)
	o.mu.Unlock()
	if known && b.Seq <= last {
		o.log.Info("kafka: producing a batch again (at least once; keyed by uid exactly once)", "source", b.Source, "seq", b.Seq)
	}

	recs := make([]*kgo.Record, len(b.Records))
	batchTopic := ""
	for i, r := range b.Records {
		if len(r.JSON) == 0 {
			// A record without a value is a tombstone: on a compacted
			// topic it would delete the event's key.
			return nil, fmt.Errorf("kafka: source %q: batch %d: record %d (uid %q) has no JSON", b.Source, b.Seq, i, r.UID)
		}
		topic := batchTopic
		if topic == "" {
			t, err := o.topic.expand(b.Source, b.Vendor, r.Class)
			if err != nil {
				return nil, err
			}
			topic = t
			if !o.topic.perRecord {
				batchTopic = t
			}
		}
		recs[i] = &kgo.Record{
			Topic: topic,
			Key:   Key(b.Source, r),
			Value: r.JSON,
			Headers: []kgo.RecordHeader{
				{Key: "vendor", Value: []byte(b.Vendor)},
				{Key: "class", Value: []byte(strconv.Itoa(int(r.Class)))},
				{Key: "source", Value: []byte(b.Source)},
			},
		}
	}

	start := time.Now()
	// ProduceSync sends the batch's partitions at once (without kgo's
	// linger) and returns when every record is acknowledged or failed;
	// Write returns early when ctx ends first.
	done := make(chan kgo.ProduceResults, 1)
	go func() { done <- o.client.ProduceSync(ctx, recs...) }()
	var results kgo.ProduceResults
	select {
	case results = <-done:
	case <-ctx.Done():
		// kgo fails the records not yet sent, or sent and answered, at
		// once; one awaiting a broker's answer only with the answer. Wait
		// a little for them, so that they do not fail the next batch's
		// records buffered with them, then leave them to Close.
		t := time.NewTimer(settleWait)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
		}
		return nil, fmt.Errorf("kafka: source %q: batch %d not acknowledged%s: %w", b.Source, b.Seq, o.kl.since(start), context.Cause(ctx))
	}
	failed := 0
	var first error
	for _, r := range results {
		if r.Err != nil {
			failed++
			first = cmp.Or(first, r.Err)
		}
	}
	if failed > 0 {
		return nil, fmt.Errorf("kafka: source %q: batch %d: %d of %d records not acknowledged%s: %w", b.Source, b.Seq, failed, len(recs), o.kl.since(start), first)
	}

	pos := Position{Seq: b.Seq}
	lastOff := map[PartitionOffset]int64{}
	for _, r := range recs {
		k := PartitionOffset{Topic: r.Topic, Partition: r.Partition}
		lastOff[k] = max(lastOff[k], r.Offset)
	}
	for k, off := range lastOff {
		k.Offset = off
		pos.Offsets = append(pos.Offsets, k)
	}
	slices.SortFunc(pos.Offsets, func(a, b PartitionOffset) int {
		return cmp.Or(strings.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	out, err := json.Marshal(pos)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return out, nil
}

// settleWait is how long a Write whose context ended waits for its records
// to settle.
const settleWait = 5 * time.Second

// Key is the record key of r from source: "{source}/{metadata.uid}", or,
// for an event without a uid, "{source}/sha256:{hex digest of its JSON}".
func Key(source string, r collector.Record) []byte {
	if r.UID != "" {
		return []byte(source + "/" + r.UID)
	}
	sum := sha256.Sum256(r.JSON)
	return []byte(source + "/sha256:" + hex.EncodeToString(sum[:]))
}

// Close closes the client: records still buffered (a Write whose context
// ended may leave some) fail, which loses nothing, as their batch was not
// acknowledged. Write is not called after it.
func (o *Output) Close() error {
	o.client.Close()
	return nil
}

// kgoLogger passes kgo's warnings and errors to a slog.Logger (its
// informational messages at debug level), and keeps the last error kgo
// reported, so that a Write that gives up can say why (a refused SASL
// login, a broker out of reach) rather than only that its time ran out.
type kgoLogger struct {
	l *slog.Logger

	mu      sync.Mutex
	lastErr string
	lastAt  time.Time
}

// Level implements kgo.Logger.
func (k *kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelInfo }

// Log implements kgo.Logger.
func (k *kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	lv := slog.LevelDebug
	switch level {
	case kgo.LogLevelError:
		lv = slog.LevelError
	case kgo.LogLevelWarn:
		lv = slog.LevelWarn
	}
	for i := 0; i+1 < len(keyvals); i += 2 {
		key, _ := keyvals[i].(string)
		err, _ := keyvals[i+1].(error)
		if key == "err" && err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			k.mu.Lock()
			k.lastErr, k.lastAt = fmt.Sprintf("%s: %v", msg, err), time.Now()
			k.mu.Unlock()
		}
	}
	k.l.Log(context.Background(), lv, "kafka: "+msg, keyvals...)
}

// since returns " (last client error: ...)" when kgo reported an error
// after t, or "".
func (k *kgoLogger) since(t time.Time) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.lastErr == "" || k.lastAt.Before(t) {
		return ""
	}
	return " (last client error: " + k.lastErr + ")"
}
