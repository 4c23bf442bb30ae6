package instavm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/internal/conformance"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
)

var dataEnd = time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)

// faultyFake serves 2,000 events with the fault mix of walktest.FaultMix.
func faultyFake(t *testing.T, seed int64) *audittest.Instavm {
	t.Helper()
	return audittest.StartInstavm(t, audittest.InstavmOptions{
		Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd),
		Faults: walktest.FaultMix(seed),
	})
}

func fakeClient(t testing.TB, fake *audittest.Instavm, opts ...auditclient.Option) *instavm.Client {
	t.Helper()
	c, err := instavm.NewClient(fake.APIKey(), walktest.FastOptions(fake.URL(), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials
// and options, as every vendor's: see internal/conformance (and its
// COVERAGE.md for the tests of this file it replaced).
func TestConformance(t *testing.T) { conformance.Run(t, instavm.Name) }

func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := faultyFake(t, 11)
	events := func(cp *auditclient.Checkpoint) auditclient.Iterator {
		return fakeClient(t, fake).Events(context.Background(), &instavm.ListOptions{PageSize: 100}, cp)
	}
	cp, fig := walktest.ResumeAt(t, events, 777, walktest.CompactAll(t, fake.Events()), []string{fake.APIKey()}, walktest.Collect)
	t.Logf("resume at 777: %v checkpoint=%s", fig, fig.Checkpoint)
	if cp.Position == nil || cp.Position.Skip != 77 || cp.Position.Token == "" {
		t.Errorf("checkpoint position %+v, want the 78th event of the 8th page's cursor", cp.Position)
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
		w := walktest.CompactAll(t, fake.Events())
		c := fakeClient(t, fake)
		it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, nil)
		first := walktest.Collect(t, it, at)
		cp := it.Checkpoint()
		it.Close()
		// Three events created after the walk began (its pinned end).
		var late []json.RawMessage
		for i := range 3 {
			late = append(late, newEvent(fmt.Sprint("aud_LATE_", i), time.Now(), "vm.list"))
		}
		fake.Add(late...)
		it2 := c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, cp)
		rest := walktest.Collect(t, it2, -1)
		if err := it2.Err(); err != nil {
			t.Fatal(err)
		}
		it2.Close()
		all := append(first, rest...)
		for _, l := range late {
			w = append(w, walktest.Compact(t, l))
		}
		if extra, lost := walktest.Tally(all, w); extra != 0 || lost != 0 {
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
	it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 40}, nil)
	first := walktest.Collect(t, it, -1)
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
	it2 := c.Events(context.Background(), &instavm.ListOptions{PageSize: 40}, cp)
	second := walktest.Collect(t, it2, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	it2.Close()
	var wantNew []string
	for _, r := range fake.Events()[:5] { // the four new ones and the old newest, in the API's order
		if s := walktest.Compact(t, r); !strings.Contains(strings.Join(first, "\n"), s) {
			wantNew = append(wantNew, s)
		}
	}
	if len(wantNew) != 4 {
		t.Fatalf("test setup: %d new events at the front", len(wantNew))
	}
	walktest.Diff(t, second, wantNew)
	if n := len(fake.Requests()) - requests; n != 8 {
		t.Errorf("the incremental walk sent %d requests, want 8: the whole stream (304 events, 40 a page)", n)
	}
	// A third walk finds nothing new.
	it3 := c.Events(context.Background(), &instavm.ListOptions{PageSize: 40}, it2.Checkpoint())
	if third := walktest.Collect(t, it3, -1); len(third) != 0 || it3.Err() != nil {
		t.Errorf("third walk: %d events, %v", len(third), it3.Err())
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
		for e, err := range c.Pages(context.Background(), &tt.opts).All() {
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

// The fake's 422 reaches the walk's error as a *ValidationError.
func TestValidationErrorFromFake(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(10, 1, dataEnd)})
	// Limit 300 is refused by Validate before sending; reach the server's
	// check through a client that does not know the limit: a raw cursor
	// the fake cannot read is a 400, and a limit past the maximum, sent by
	// hand, is a 422.
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), nil, nil)
	walktest.Collect(t, it, -1)
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
	v := walktest.NeedValidator(t)
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(2000, 42, dataEnd)})
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), nil, nil)
	defer it.Close()
	classes := map[ocsf.ClassUID]int{}
	ndjson := walktest.NDJSON(t, it, func(ev ocsf.Event) {
		classes[ev.Class]++
	})
	last := v.Check(t, ndjson, 2000)
	t.Logf("validate.py: %s; classes %v", last, classes)
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
	logger, logs := walktest.DebugLogger()
	c := fakeClient(t, fake, auditclient.WithLogger(logger))
	it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 200}, nil)
	if n := len(walktest.Collect(t, it, -1)); n != 2000 || it.Err() != nil {
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
	texts := map[string]string{"logs": logs.String(), "client": walktest.FmtAll(c)}
	for i, err := range errs {
		texts[fmt.Sprint("error ", i)] = walktest.FmtAll(err)
	}
	walktest.NoSecrets(t, []string{fake.APIKey(), wrong}, texts)
}

// A bearer client walks the fake as an API key client does.
func TestBearerWalk(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(120, 2, dataEnd)})
	c, err := instavm.NewBearerClient(fake.BearerToken(), walktest.FastOptions(fake.URL())...)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, nil)
	walktest.Diff(t, walktest.Collect(t, it, -1), walktest.CompactAll(t, fake.Events()))
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
	it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 100, EventGroup: "vm"}, nil)
	defer it.Close()
	got := walktest.Collect(t, it, -1)
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
