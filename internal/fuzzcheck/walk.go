package fuzzcheck

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

// Page is the body of every FuzzDecodePage: body either fails to decode as
// a P, with an error that says something, or its records (what records
// returns of it) pass Records. It returns the page, nil when it failed.
func Page[P, R any](t *testing.T, body []byte, records func(*P) []R, how Record[R]) *P {
	t.Helper()
	var p P
	if err := Decode(body, &p); err != nil {
		if err.Error() == "" {
			t.Fatal("empty error text")
		}
		return nil
	}
	Records(t, records(&p), how)
	return &p
}

// Add adds each body to f's seeds.
func Add[B ~string | ~[]byte](f *testing.F, bodies ...B) {
	for _, b := range bodies {
		f.Add([]byte(b))
	}
}

// Transport answers every request in memory with the status and JSON body
// serve gives it.
type Transport func(r *http.Request) (status int, body string)

func (f Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	code, body := f(r)
	return &http.Response{StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
}

// Options are a fuzz target's client options: rt for transport, no rate
// limit, one attempt a request.
func Options(rt http.RoundTripper) []auditclient.Option {
	return []auditclient.Option{auditclient.WithHTTPClient(&http.Client{Transport: rt}), auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1})}
}

// Checkpoint is a checkpoint of vendor's walk with filters over w, at token
// and skip.
func Checkpoint(vendor string, filters map[string][]string, w auditclient.Window, token string, skip int) *auditclient.Checkpoint {
	return &auditclient.Checkpoint{Version: auditclient.CheckpointVersion, Vendor: vendor,
		Query: auditclient.Fingerprint(vendor, filters), Window: w, Position: &auditclient.Position{Token: token, Skip: skip}}
}

// Walk walks it until it ends or has yielded more than max events, closes
// it, and returns the uids it yielded, the first one yielded twice ("" for
// none) and its error, whose text must hold none of secrets.
func Walk(t *testing.T, it auditclient.Iterator, max int, secrets ...string) (uids []string, twice string, err error) {
	t.Helper()
	seen := map[string]bool{}
	for len(uids) <= max && it.Next() {
		uid := it.Event().Metadata.UID
		if seen[uid] && twice == "" {
			twice = uid
		}
		seen[uid] = true
		uids = append(uids, uid)
	}
	err = it.Err()
	it.Close()
	for _, s := range secrets {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Fatalf("the error names a secret: %v", err)
		}
	}
	return uids, twice, err
}

// Cursors is a hostile server of a cursor-paged endpoint: its request i
// reads two bytes of Script (cyclically): which of Pool's records its page
// holds (a bit mask) and its next cursor (null, a fixed cursor, a fresh
// one every time, or the cursor it was sent). It answers 500 from request
// MaxRequests on, so that a walk that would never end still stops, and the
// test can tell.
type Cursors struct {
	Script []byte
	Pool   []json.RawMessage
	// Cursor is the cursor a data request was sent with; Body the page of
	// items (a JSON array) and next cursor (JSON); Other, when set, answers
	// the requests that are not data requests (authentication) when ok.
	Cursor func(r *http.Request) string
	Body   func(items, next string) string
	Other  func(r *http.Request) (body string, ok bool)

	mu sync.Mutex
	n  int
	// replayed is set once a page held a record sent before but not on
	// the page just before it: the known weakness (see the notes of issue
	// 8) of a walk that compares each page with the one before only.
	replayed   bool
	sent, prev map[int]bool
	cursors    []string // the cursors sent, in order
}

// MaxRequests is the request from which Cursors answers 500.
const MaxRequests = 300

func (f *Cursors) RoundTrip(r *http.Request) (*http.Response, error) {
	return Transport(f.serve).RoundTrip(r)
}

func (f *Cursors) serve(r *http.Request) (int, string) {
	if f.Other != nil {
		if body, ok := f.Other(r); ok {
			return 200, body
		}
	}
	cursor := f.Cursor(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.n
	f.n++
	f.cursors = append(f.cursors, cursor)
	if i >= MaxRequests {
		return 500, `{"message":"enough"}`
	}
	var b0, b1 byte
	if len(f.Script) > 0 {
		b0, b1 = f.Script[(2*i)%len(f.Script)], f.Script[(2*i+1)%len(f.Script)]
	}
	items := []json.RawMessage{}
	page := map[int]bool{}
	for k := range f.Pool {
		if b0&(1<<k) != 0 {
			items = append(items, f.Pool[k])
			page[k] = true
			if f.sent[k] && !f.prev[k] {
				f.replayed = true
			}
		}
	}
	if f.sent == nil {
		f.sent = map[int]bool{}
	}
	for k := range page {
		f.sent[k] = true
	}
	f.prev = page
	next := "null"
	switch b1 % 4 {
	case 1:
		next = `"fixed"`
	case 2:
		next = `"c` + strconv.Itoa(i) + `"`
	case 3:
		next = `"first"`
		if cursor != "" {
			next = strconv.Quote(cursor)
		}
	}
	list, _ := json.Marshal(items)
	return 200, f.Body(string(list), next)
}

// Check walks it against f: the walk must yield no record twice and end by
// itself (with an error or not) before MaxRequests, its error naming none
// of secrets. A record yielded twice after a page replayed an older one
// (the known weakness) passes when SkipKnownVar is set. It returns the
// cursors the walk sent, in order.
func (f *Cursors) Check(t *testing.T, it auditclient.Iterator, secrets ...string) []string {
	t.Helper()
	_, twice, err := Walk(t, it, MaxRequests*len(f.Pool), secrets...)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.replayed && os.Getenv(SkipKnownVar) != "" {
		return f.cursors
	}
	if twice != "" {
		t.Fatalf("script %v: record %s yielded twice", f.Script, twice)
	}
	if f.n >= MaxRequests {
		t.Fatalf("script %v: the walk did not end by itself: %d requests (%v)", f.Script, f.n, err)
	}
	return f.cursors
}
