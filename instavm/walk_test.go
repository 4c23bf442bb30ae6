package instavm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/ocsf"
)

var dataEnd = time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)

// faultyFake is the fault mix the issue asks for: 20% 429, 10% 503, 5%
// connection resets and 5% truncated bodies, over 2,000 events. The first
// four requests get one fault of each kind, so every kind is exercised
// whatever the seed draws.
func faultyFake(t *testing.T, seed int64) *audittest.Instavm {
	t.Helper()
	return audittest.StartInstavm(t, audittest.InstavmOptions{
		Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd),
		Faults: audittest.Faults{
			RateLimit: 0.20, Unavailable: 0.10, Reset: 0.05, Truncate: 0.05, Seed: seed,
			Script: []audittest.Fault{audittest.FaultReset, audittest.FaultRateLimit, audittest.FaultTruncate, audittest.FaultUnavailable},
		},
	})
}

// fakeOptions make a client fit for a fake: fast retries and no
// client-side limit.
func fakeOptions(fake *audittest.Instavm) []auditclient.Option {
	return []auditclient.Option{
		auditclient.WithBaseURL(fake.URL()),
		auditclient.WithRateLimit(rate.Inf, 1),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{
			MaxAttempts: 25,
			BaseDelay:   time.Millisecond,
			MaxDelay:    20 * time.Millisecond,
			Budget:      auditclient.NewRetryBudget(100000, 5, 10),
		}),
	}
}

func fakeClient(t testing.TB, fake *audittest.Instavm, opts ...auditclient.Option) *instavm.Client {
	t.Helper()
	c, err := instavm.NewClient(fake.APIKey(), append(fakeOptions(fake), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// compact returns JSON without insignificant space, for comparing records.
func compact(t testing.TB, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("bad JSON %s: %v", raw, err)
	}
	return b.String()
}

// want is the fake's data set as the walk must yield it, event by event.
func want(t *testing.T, fake *audittest.Instavm) []string {
	var out []string
	for _, r := range fake.Events() {
		out = append(out, compact(t, r))
	}
	return out
}

// collect walks it to the end (or n events) and returns the raw records.
func collect(t *testing.T, it auditclient.Iterator, n int) []string {
	t.Helper()
	var out []string
	for (n < 0 || len(out) < n) && it.Next() {
		ev := it.Event()
		if err := ocsf.Validate(ev); err != nil {
			t.Fatalf("event %d does not validate: %v", len(out), err)
		}
		out = append(out, compact(t, []byte(ev.RawData)))
	}
	return out
}

// tally compares got and want as multisets: extra counts events yielded
// more often than the data holds them, lost those yielded less often.
func tally(got, want []string) (extra, lost int) {
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	for _, n := range count {
		if n > 0 {
			extra += n
		} else {
			lost -= n
		}
	}
	return extra, lost
}

// diff reports losses, duplicates and order changes of got against want.
func diff(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d events, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("event %d = %s\nwant %s", i, got[i], want[i])
		}
	}
}

func TestFaultInjectedWalk(t *testing.T) {
	fake := faultyFake(t, 7)
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 100}, nil)
	defer it.Close()
	got := collect(t, it, -1)
	if err := it.Err(); err != nil {
		t.Fatalf("walk failed: %v", err)
	}
	w := want(t, fake)
	diff(t, got, w)
	st, cs := fake.Stats(), c.HTTP().Stats()
	extra, lost := tally(got, w)
	t.Logf("fault-injected walk: events=%d want=%d requests=%d served=%d injected=%v client requests=%d retries=%d rate-limited=%d duplicates=%d losses=%d",
		len(got), len(w), st.Requests, st.Served, st.Injected, cs.Requests, cs.Retries, cs.RateLimited, extra, lost)
	if extra != 0 || lost != 0 {
		t.Errorf("%d duplicates, %d losses", extra, lost)
	}
	if st.Served != 20 {
		t.Errorf("%d pages served, want 20 (2000 events, 100 a page)", st.Served)
	}
	if st.Injected[audittest.FaultRateLimit] == 0 || st.Injected[audittest.FaultUnavailable] == 0 ||
		st.Injected[audittest.FaultReset] == 0 || st.Injected[audittest.FaultTruncate] == 0 {
		t.Errorf("not every fault kind was injected: %v", st.Injected)
	}
	if cs.Retries == 0 {
		t.Error("client counted no retries")
	}
}

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := faultyFake(t, 11)
	w := want(t, fake)

	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 100}, nil)
	first := collect(t, it, 777)
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	cpJSON, err := json.Marshal(it.Checkpoint())
	if err != nil {
		t.Fatal(err)
	}
	it.Close()
	if bytes.Contains(cpJSON, []byte(fake.APIKey())) {
		t.Fatalf("checkpoint holds a credential: %s", cpJSON)
	}
	cp, err := auditclient.ParseCheckpoint(cpJSON)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Position == nil || cp.Position.Skip != 77 || cp.Position.Token == "" {
		t.Errorf("checkpoint position %+v, want the 78th event of the 8th page's cursor", cp.Position)
	}
	c2 := fakeClient(t, fake)
	it2 := c2.Events(context.Background(), &instavm.ListOptions{Limit: 100}, cp)
	defer it2.Close()
	rest := collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("resume at 777: first=%d rest=%d total=%d want=%d checkpoint=%s", len(first), len(rest), len(first)+len(rest), len(w), cpJSON)
	diff(t, append(first, rest...), w)
	if !it2.Checkpoint().Complete() {
		t.Error("checkpoint after the end is not complete")
	}
}

// Resuming from a checkpoint taken anywhere, page boundaries included,
// yields exactly the rest, even when events arrived in between: they are
// served at the front of the stream (the API has no time filter to pin
// the walk's end), pushing the first page's events onto the next, yet the
// resumed walk finds its place, and the arrivals come with its
// incremental part.
func TestResumeAtEveryBoundaryWithArrivals(t *testing.T) {
	for _, at := range []int{0, 1, 49, 50, 51, 99, 100, 150, 229, 230} {
		fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(230, 3, dataEnd)})
		w := want(t, fake)
		c := fakeClient(t, fake)
		it := c.Events(context.Background(), &instavm.ListOptions{Limit: 50}, nil)
		first := collect(t, it, at)
		cp := it.Checkpoint()
		it.Close()
		// Three events created after the walk began (its pinned end).
		var late []json.RawMessage
		for i := range 3 {
			late = append(late, newEvent(fmt.Sprint("aud_LATE_", i), time.Now(), "vm.list"))
		}
		fake.Add(late...)
		it2 := c.Events(context.Background(), &instavm.ListOptions{Limit: 50}, cp)
		rest := collect(t, it2, -1)
		if err := it2.Err(); err != nil {
			t.Fatal(err)
		}
		it2.Close()
		all := append(first, rest...)
		for _, l := range late {
			w = append(w, compact(t, l))
		}
		if extra, lost := tally(all, w); extra != 0 || lost != 0 {
			t.Errorf("resume at %d: %d duplicates, %d losses", at, extra, lost)
		}
	}
}

// newEvent is a minimal event with every required field.
func newEvent(id string, at time.Time, typ string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"id":%q,"created_at":%q,"user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c","source":"api","event_group":%q,"event_type":%q,"status":"success","http_method":"GET","ip_address":"203.0.113.9"}`,
		id, at.UTC().Format(time.RFC3339Nano), strings.Split(typ, ".")[0], typ))
}

// A completed walk's checkpoint makes the next walk yield only the events
// that arrived since, including new ones at the very instant of the newest
// event seen (which must not be lost) while those already seen there are
// not repeated, although the API has no time filter and the whole stream
// is read again.
func TestIncrementalSync(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(300, 5, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 40}, nil)
	first := collect(t, it, -1)
	if it.Err() != nil || len(first) != 300 {
		t.Fatalf("first walk: %d events, %v", len(first), it.Err())
	}
	cp := it.Checkpoint()
	it.Close()
	if !cp.Complete() || !cp.HighWater.Equal(dataEnd) || len(cp.Boundary) == 0 {
		t.Fatalf("checkpoint after a full walk: %+v", cp)
	}
	hw := cp.HighWater
	newEvents := []json.RawMessage{
		newEvent("aud_00000000000000000000000000", hw, "vm.list"),   // same instant, sorts after the old one
		newEvent("aud_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", hw, "vm.create"), // same instant, sorts before it
		newEvent("aud_NEW_1", hw.Add(time.Microsecond), "vm.delete"),
		newEvent("aud_NEW_2", hw.Add(time.Hour), "auth.login"),
	}
	fake.Add(newEvents...)
	requests := len(fake.Requests())
	it2 := c.Events(context.Background(), &instavm.ListOptions{Limit: 40}, cp)
	second := collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	it2.Close()
	var wantNew []string
	for _, r := range fake.Events()[:5] { // the four new ones and the old newest, in the API's order
		if s := compact(t, r); !strings.Contains(strings.Join(first, "\n"), s) {
			wantNew = append(wantNew, s)
		}
	}
	if len(wantNew) != 4 {
		t.Fatalf("test setup: %d new events at the front", len(wantNew))
	}
	diff(t, second, wantNew)
	if n := len(fake.Requests()) - requests; n != 8 {
		t.Errorf("the incremental walk sent %d requests, want 8: the whole stream (304 events, 40 a page)", n)
	}
	// A third walk finds nothing new.
	it3 := c.Events(context.Background(), &instavm.ListOptions{Limit: 40}, it2.Checkpoint())
	if third := collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
	}
}

// Since and Until keep the events of the window (both inclusive), though
// every page is read; the checkpoint remembers the window's progress.
func TestEventsWindow(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(500, 9, dataEnd)})
	all := fake.Events()
	var e struct {
		CreatedAt time.Time `json:"created_at"`
	}
	at := func(i int) time.Time {
		if err := json.Unmarshal(all[i], &e); err != nil {
			t.Fatal(err)
		}
		return e.CreatedAt
	}
	until, since := at(100), at(300)
	var wantIn []string
	for i := range all {
		if t0 := at(i); !t0.Before(since) && !t0.After(until) {
			wantIn = append(wantIn, compact(t, all[i]))
		}
	}
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 200, Since: since, Until: until}, nil)
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	diff(t, got, wantIn)
	if len(wantIn) < 150 {
		t.Fatalf("test setup: %d events in the window", len(wantIn))
	}
	if s := fake.Stats(); s.Served != 3 {
		t.Errorf("%d pages read, want all 3 (the API has no time filter)", s.Served)
	}
}

func TestFiltersAreSent(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(600, 4, dataEnd)})
	c := fakeClient(t, fake)
	tests := []struct {
		opts  instavm.ListOptions
		field string
		value string
	}{
		{instavm.ListOptions{EventGroup: "auth"}, "event_group", `"auth"`},
		{instavm.ListOptions{EventType: "vm.create"}, "event_type", `"vm.create"`},
		{instavm.ListOptions{Status: "failure"}, "status", `"failure"`},
		{instavm.ListOptions{UserID: 4821}, "user_id", `4821`},
	}
	for _, tt := range tests {
		n := 0
		for e, err := range c.List(context.Background(), &tt.opts) {
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			_ = json.Unmarshal(e.Raw, &m)
			if string(m[tt.field]) != tt.value {
				t.Errorf("%s: event with %s", tt.field, m[tt.field])
			}
			n++
		}
		wantN := 0
		for _, r := range fake.Events() {
			var m map[string]json.RawMessage
			_ = json.Unmarshal(r, &m)
			if string(m[tt.field]) == tt.value {
				wantN++
			}
		}
		if n != wantN || n == 0 {
			t.Errorf("%s=%s: %d events, the data holds %d", tt.field, tt.value, n, wantN)
		}
	}
}

func TestCheckpointOfOtherQueryRefused(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(20, 1, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{EventGroup: "vm"}, nil)
	collect(t, it, 1)
	cp := it.Checkpoint()
	it.Close()
	before := len(fake.Requests())
	it2 := c.Events(context.Background(), &instavm.ListOptions{EventGroup: "auth"}, cp)
	if it2.Next() || !errors.Is(it2.Err(), auditclient.ErrCheckpointMismatch) {
		t.Errorf("other filters: Err = %v", it2.Err())
	}
	other := cp.Clone()
	other.Vendor = "cisco"
	it3 := c.Events(context.Background(), &instavm.ListOptions{EventGroup: "vm"}, other)
	if it3.Next() || !errors.Is(it3.Err(), auditclient.ErrCheckpointMismatch) {
		t.Errorf("other vendor: Err = %v", it3.Err())
	}
	if after := len(fake.Requests()); after != before {
		t.Errorf("%d requests sent with a refused checkpoint", after-before)
	}
	// Another page size or window is the same query: accepted.
	it4 := c.Events(context.Background(), &instavm.ListOptions{EventGroup: "vm", Limit: 7, Since: dataEnd.Add(-24 * time.Hour)}, cp)
	collect(t, it4, -1)
	if it4.Err() != nil {
		t.Errorf("same filters, other limit and window: %v", it4.Err())
	}
}

func TestCancelMidWalk(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(2000, 9, dataEnd)})
	c := fakeClient(t, fake)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	it := c.Events(ctx, &instavm.ListOptions{Limit: 100}, nil)
	n := 0
	for it.Next() {
		n++
		if n == 150 {
			cancel()
		}
	}
	if !errors.Is(it.Err(), context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", it.Err())
	}
	if n != 150 {
		t.Errorf("%d events after cancel at 150", n-150)
	}
	it.Close()
	c.HTTP().CloseIdleConnections()
	waitGoroutines(t, before)
}

// waitGoroutines fails when goroutines started by the test are still
// running.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	var now int
	for range 200 {
		now = runtime.NumGoroutine()
		if now <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	buf = buf[:runtime.Stack(buf, true)]
	t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf)
}

// The fake's 422 reaches the walk's error as a *ValidationError.
func TestValidationErrorFromFake(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(10, 1, dataEnd)})
	// Limit 300 is refused by Validate before sending; reach the server's
	// check through a client that does not know the limit: a raw cursor
	// the fake cannot read is a 400, and a limit past the maximum, sent by
	// hand, is a 422.
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), nil, nil)
	collect(t, it, -1)
	_, err := c.ListPage(context.Background(), &instavm.ListOptions{Cursor: "not-a-cursor"})
	if !errors.Is(err, auditclient.ErrBadRequest) {
		t.Errorf("bad cursor: %v", err)
	}
	var out json.RawMessage
	_, err = c.HTTP().Get(context.Background(), "v1/audit/events?limit=500&user_id=abc&colour=red", nil, &out)
	var api *auditclient.APIError
	if !errors.As(err, &api) || api.StatusCode != 422 || len(api.Details) != 3 {
		t.Fatalf("422 from the fake: %v", err)
	}
	for _, d := range []string{"query.colour: Extra inputs are not permitted", "query.user_id: Input should be a valid integer", "query.limit: Input should be less than or equal to 200"} {
		if !strings.Contains(err.Error(), d) {
			t.Errorf("%v lacks %q", err, d)
		}
	}
}

// The NDJSON of a whole walk passes the reference validator.
func TestWalkPassesReferenceValidator(t *testing.T) {
	validator := filepath.Join("..", "..", "shared", "ocsf", "validate.py")
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("reference validator not found at %s (it lives in ../shared beside the repository)", validator)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), nil, nil)
	defer it.Close()
	var ndjson bytes.Buffer
	classes := map[ocsf.ClassUID]int{}
	for ev, err := range it.All() {
		if err != nil {
			t.Fatal(err)
		}
		classes[ev.Class]++
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		ndjson.Write(b)
		ndjson.WriteByte('\n')
	}
	cmd := exec.Command(python, validator)
	cmd.Stdin = &ndjson
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	t.Logf("validate.py: %s; classes %v", last, classes)
	if err != nil || last != "2000 passed, 0 failed" {
		t.Errorf("validate.py: %v\n%s", err, out)
	}
	for _, cl := range []ocsf.ClassUID{ocsf.ClassAuthentication, ocsf.ClassAccountChange, ocsf.ClassEntityManagement,
		ocsf.ClassUserAccess, ocsf.ClassGroupManagement, ocsf.ClassAPIActivity} {
		if classes[cl] == 0 {
			t.Errorf("the generated data produced no %d events: %v", cl, classes)
		}
	}
}

// No credential reaches a log line (Debug level, every attempt and retry)
// or an error, through a fault-injected walk and a 401.
func TestNoCredentialInLogsOrErrors(t *testing.T) {
	fake := faultyFake(t, 3)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := fakeClient(t, fake, auditclient.WithLogger(logger))
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 200}, nil)
	if n := len(collect(t, it, -1)); n != 2000 || it.Err() != nil {
		t.Fatalf("%d events, %v", n, it.Err())
	}
	it.Close()

	const wrong = "instavm_sk_wrong_0d9e8f"
	fake.SetFaults(audittest.Faults{})
	var errs []error
	for _, mk := range []func() (*instavm.Client, error){
		func() (*instavm.Client, error) {
			return instavm.NewClient(wrong, auditclient.WithBaseURL(fake.URL()), auditclient.WithLogger(logger))
		},
		func() (*instavm.Client, error) {
			return instavm.NewBearerClient(wrong, auditclient.WithBaseURL(fake.URL()), auditclient.WithLogger(logger))
		},
	} {
		bad, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.ListPage(context.Background(), nil)
		var api *auditclient.APIError
		if !errors.Is(err, auditclient.ErrUnauthorized) || !errors.As(err, &api) || api.Message != "Invalid API key or session expired" {
			t.Fatalf("wrong credential: %v", err)
		}
		errs = append(errs, err)
	}
	if !strings.Contains(logs.String(), "retrying") || !strings.Contains(logs.String(), "attempt") {
		t.Fatalf("the logs hold no attempt or retry records:\n%.2000s", logs.String())
	}
	for _, s := range []string{fake.APIKey(), wrong} {
		texts := map[string]string{"logs": logs.String(), "client": fmtAll(c)}
		for i, err := range errs {
			texts[fmt.Sprint("error ", i)] = fmtAll(err)
		}
		for where, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the credential %q", where, s)
			}
		}
	}
}

// A bearer client walks the fake as an API key client does.
func TestBearerWalk(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(120, 2, dataEnd)})
	c, err := instavm.NewBearerClient(fake.BearerToken(), fakeOptions(fake)...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 50}, nil)
	diff(t, collect(t, it, -1), want(t, fake))
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	for _, r := range fake.Requests() {
		if r.Header.Get("Authorization") != "Bearer "+fake.BearerToken() || r.Header.Get("X-API-Key") != "" {
			t.Errorf("request headers: Authorization %q", r.Header.Get("Authorization"))
		}
	}
}

// A base URL with a path prefix (a gateway in front of the API) is kept on
// every request.
func TestWalkUnderBasePath(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{
		BasePath: "/gateway/instavm",
		Events:   audittest.GenerateInstavmEvents(250, 8, dataEnd),
	})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), &instavm.ListOptions{Limit: 100, EventGroup: "vm"}, nil)
	defer it.Close()
	got := collect(t, it, -1)
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	var vms int
	for _, raw := range fake.Events() {
		if strings.Contains(string(raw), `"event_group":"vm"`) {
			vms++
		}
	}
	if len(got) != vms || vms == 0 {
		t.Errorf("%d events, the data holds %d vm events", len(got), vms)
	}
	for _, r := range fake.Requests() {
		if r.Path != "/gateway/instavm/v1/audit/events" || r.Query.Get("event_group") != "vm" || r.Query.Get("limit") != "100" {
			t.Errorf("request %s", r)
		}
	}
}
