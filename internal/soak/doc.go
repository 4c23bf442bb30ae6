// Package soak runs each vendor's client against its audittest fake
// through a real fault-injecting TCP proxy, Shopify's toxiproxy, run in
// process on 127.0.0.1: the fakes inject HTTP-level faults (429, 503,
// resets, bodies cut in both forms) and toxiproxy's toxics the network's
// (latency with jitter, bandwidth, slicer, limit_data, reset_peer, timeout
// and slow_close). Every walk must yield every event exactly once and in
// order, compared as a sequence with a clean walk of the same fake.
//
// The package has only tests; toxiproxy is a test-only dependency that no
// SDK package imports. The short form runs in plain go test; the long form
// (10,000 events per vendor) runs with
//
//	go test ./internal/soak -run TestSoak -soak -v
//
// or with AUDITKIT_SOAK=1 in the environment, and prints per vendor the
// events, the faults by kind (the fake's counters and the connections each
// toxic got), the client's retries, the events lost and repeated, and the
// time.
package soak
