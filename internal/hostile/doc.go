// Package hostile holds the cross-vendor hostile-response suite: every one
// of the six vendor clients (automox, cisco, entrust, instavm, nprinting,
// tanium) is run through Events against a hand-written server on
// 127.0.0.1 that misbehaves in one way per case — a 2 GiB streamed body,
// 100,000-deep nested arrays, a body of the wrong shape, a walk whose
// pages never end, a 429 asking for a 27-hour wait or for a garbled one, a
// redirect to another origin, a server that stalls its headers or drips
// its body, a body whose JSON ends early behind complete framing.
//
// Each case asserts that the walk ends in bounded time and memory with a
// clear, typed error (or, for the cut body, with every event exactly
// once), that no event built from zero values is yielded, and that no
// credential appears in the error (in any fmt verb) or in the client's
// debug log.
//
// The package has no API: it is the test suite alone. Run it with
//
//	go test -race ./internal/hostile/
//
// and add -v for the table of outcomes and times, vendor by case.
package hostile
