package kafka_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/outputs/kafka"
)

// The Kafka output as the collector drives it, for one source: Recover with
// the position saved with the source's checkpoint, Write each batch, and
// save the Position Write returns with the checkpoint that covers the
// batch, only after Write returned nil (the brokers acknowledged every
// record). An in-process cluster (kfake) stands in for your brokers.
//
// In a config file the same output is
//
//	output:
//	  kafka: {brokers: [kafka-1:9092], topic: "auditkit.{source}"}
//
// and a program that runs the collector imports this package for its side
// effect (it registers the kind "kafka"):
//
//	import _ "github.com/auditkit/auditkit/outputs/kafka"
func Example() {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "auditkit.acme-cisco"))
	if err != nil {
		log.Fatal(err)
	}
	defer cluster.Close()

	ctx := context.Background()
	out, err := kafka.New(ctx, kafka.Config{
		Brokers: cluster.ListenAddrs(),
		Topic:   "auditkit.{source}",
		// SASL: &kafka.SASL{Mechanism: "scram-sha-512", Username: "env:KAFKA_USER", Password: "env:KAFKA_PASSWORD"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()

	var saved collector.Position // as loaded from the source's state; nil at first
	if err := out.Recover(ctx, "acme-cisco", saved); err != nil {
		log.Fatal(err)
	}

	ev := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ev.Metadata.UID = "evt-1"
	rec, err := collector.NewRecord(ev)
	if err != nil {
		log.Fatal(err)
	}
	batch := collector.Batch{Source: "acme-cisco", Vendor: "cisco", Seq: 1, Records: []collector.Record{rec}}

	pos, err := out.Write(ctx, batch)
	if err != nil {
		log.Fatal(err) // nothing counts as delivered: the collector retries the batch
	}
	saved = pos // save it with the checkpoint
	fmt.Println("key:", string(kafka.Key(batch.Source, rec)))
	fmt.Println("position:", string(saved))
	// Output:
	// key: acme-cisco/evt-1
	// position: {"seq":1,"offsets":[{"topic":"auditkit.acme-cisco","partition":0,"offset":0}]}
}
