// Package hostile holds the cross-vendor hostile-response suite: every one
// of the six vendor clients (automox, cisco, entrust, instavm, nprinting,
// tanium) is run through Events against a hand-written server on
// 127.0.0.1 that misbehaves in one way per case — a 2 GiB streamed body,
// 100,000-deep nested arrays, a 429 asking for a 27-hour wait or for a
// garbled one, a redirect to another origin, a server that stalls its
// headers or drips its body, a body whose JSON ends early behind complete
// framing (TestHostileResponses) — and through the vendors' own tables
// (vendors_test.go, one test body each in tables_test.go): bodies of the
// wrong shape, each with the JSON path it must be refused at
// (TestHostileBodies); servers answering by script, whose pages never end,
// stall, repeat, contradict the walk or come back shifted
// (TestScriptedWalks); the base URLs a client is given and the exact
// requests it sends under each (TestBaseURL); and the fakes' pages
// rewritten into hostile forms (TestFakeServesHostilePages).
//
// Each walk must end in bounded time and memory with a clear, typed error
// (or, for the cut body, with every event exactly once), yield no event
// built from zero values and none twice, and show no credential in the
// error (in any fmt verb) or in the client's debug log.
//
// The package has no API: it is the test suite alone. Run it with
//
//	go test -race ./internal/hostile/
//
// and add -v for the table of outcomes and times, vendor by case.
package hostile
