// Package bench measures auditkit against the loop a user writes in an
// afternoon, in the same run, against the vendors' fakes of package
// audittest.
//
// The baseline (Plain) reads pages one after the other with net/http,
// decodes them into map[string]any and writes one JSON line per record.
// The SDK runs are what the auditkit CLI does: a walk of vendors.Open
// written out as NDJSON by package internal/eventline, as OCSF events
// (Mode OCSF) or as the vendors' records (Mode Raw).
//
// Two things keep the figures honest. The fake runs in a child process
// (the running binary, started again with AUDITKIT_BENCH_SERVE set; see
// ServeIfChild), so that the CPU time and allocations measured are the
// client's alone. And every request pays the same latency on the client
// side, before it is sent (Latency, default 20 ms), for the baseline and
// the SDK alike.
//
// The SDK runs use the vendors' default settings, as a user gets them: no
// option but the HTTP client that adds the latency (the client paces
// itself by what the fake says; the fakes of a benchmark set no quota).
//
// Run the benchmarks with
//
//	go test -run '^$' -bench . ./bench/
//
// and print the README's table with
//
//	AUDITKIT_BENCH_TABLE=1 go test -run TestPerformanceTable -v -timeout 30m ./bench/
package bench
