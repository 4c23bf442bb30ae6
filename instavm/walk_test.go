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
)

var dataEnd = time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)

// generated starts a fake serving n generated events.
func generated(t *testing.T, n int, opts audittest.InstavmOptions) *audittest.Instavm {
	opts.Events = audittest.GenerateInstavmEvents(n, 42, dataEnd)
	return audittest.StartInstavm(t, opts)
}

func fakeClient(t testing.TB, fake *audittest.Instavm, opts ...auditclient.Option) *instavm.Client {
	t.Helper()
	return walktest.Must(instavm.NewClient(fake.APIKey(), walktest.FastOptions(fake.URL(), opts...)...))(t)
}

// newEvent is a minimal event with every required field.
func newEvent(id string, at time.Time, typ string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"id":%q,"created_at":%q,"user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c","source":"api","event_group":%q,"event_type":%q,"status":"success","http_method":"GET","ip_address":"203.0.113.9"}`,
		id, at.UTC().Format(time.RFC3339Nano), strings.Split(typ, ".")[0], typ))
}

// The walk, resuming, faults, cancelling, refused checkpoints, credentials,
// incremental syncs and options, as every vendor's: see
// internal/conformance (and its COVERAGE.md for the tests of this file it
// replaced).
func TestConformance(t *testing.T) { conformance.Run(t, instavm.Name) }

// The position of a walk resumed under faults is the 78th event of the
// 8th page's cursor.
func TestResumeFromCheckpointAt777(t *testing.T) {
	fake := generated(t, 2000, audittest.InstavmOptions{Faults: walktest.FaultMix(11)})
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
		w, c := walktest.CompactAll(t, fake.Events()), fakeClient(t, fake)
		it := c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, nil)
		first := walktest.Collect(t, it, at)
		cp := it.Checkpoint()
		it.Close()
		for i := range 3 { // created after the walk began (its pinned end)
			late := newEvent(fmt.Sprint("aud_LATE_", i), time.Now(), "vm.list")
			fake.Add(late)
			w = append(w, walktest.Compact(t, late))
		}
		rest := walktest.All(t, c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, cp), nil)
		if extra, lost := walktest.Tally(append(first, rest...), w); extra != 0 || lost != 0 {
			t.Errorf("resume at %d: %d duplicates, %d losses", at, extra, lost)
		}
	}
}

// An incremental walk reads the whole stream again: the API has no time
// filter (what it yields, records at the high-water instant among them, is
// the conformance suite's Resume).
func TestIncrementalSyncReadsTheWholeStream(t *testing.T) {
	fake, opts := generated(t, 300, audittest.InstavmOptions{}), &instavm.ListOptions{PageSize: 40}
	c := fakeClient(t, fake)
	it := c.Events(context.Background(), opts, nil)
	walktest.All(t, it, nil)
	hw := it.Checkpoint().HighWater
	fake.Add(newEvent("aud_00000000000000000000000000", hw, "vm.list"), newEvent("aud_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", hw, "vm.create"),
		newEvent("aud_NEW_1", hw.Add(time.Microsecond), "vm.delete"), newEvent("aud_NEW_2", hw.Add(time.Hour), "auth.login"))
	requests := len(fake.Requests())
	if n := len(walktest.All(t, c.Events(context.Background(), opts, it.Checkpoint()), nil)); n != 4 || len(fake.Requests())-requests != 8 {
		t.Errorf("the incremental walk yielded %d events with %d requests, want 4 with 8: the whole stream (304 events, 40 a page)", n, len(fake.Requests())-requests)
	}
}

// Each filter, through the client and the fake, selects exactly the events
// that match it.
func TestFiltersAreSent(t *testing.T) {
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(600, 4, dataEnd)})
	c := fakeClient(t, fake)
	field := func(raw json.RawMessage, name string) string {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		return string(m[name])
	}
	for _, tt := range []struct {
		opts         instavm.ListOptions
		field, value string
	}{
		{instavm.ListOptions{EventGroup: "auth"}, "event_group", `"auth"`},
		{instavm.ListOptions{EventType: "vm.create"}, "event_type", `"vm.create"`},
		{instavm.ListOptions{Status: "failure"}, "status", `"failure"`},
		{instavm.ListOptions{UserID: 4821}, "user_id", `4821`},
	} {
		n, want := 0, 0
		for e, err := range c.Pages(context.Background(), &tt.opts).All() {
			if n++; err != nil || field(e.Raw, tt.field) != tt.value {
				t.Fatalf("%s: event with %s, %v", tt.field, field(e.Raw, tt.field), err)
			}
		}
		for _, r := range fake.Events() {
			want += map[bool]int{true: 1}[field(r, tt.field) == tt.value]
		}
		if n != want || n == 0 {
			t.Errorf("%s=%s: %d events, the data holds %d", tt.field, tt.value, n, want)
		}
	}
}

// The fake's refusals reach the caller: a raw cursor the fake cannot read
// is a 400; a limit past the maximum, sent by hand (Validate refuses it
// before sending), is a 422 listing every refused parameter.
func TestValidationErrorFromFake(t *testing.T) {
	c := fakeClient(t, generated(t, 10, audittest.InstavmOptions{}))
	if _, err := c.ListPage(context.Background(), &instavm.ListOptions{Cursor: "not-a-cursor"}); !errors.Is(err, auditclient.ErrBadRequest) {
		t.Errorf("bad cursor: %v", err)
	}
	var out json.RawMessage
	_, err := c.HTTP().Get(context.Background(), "v1/audit/events?limit=500&user_id=abc&colour=red", nil, &out)
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

// The NDJSON of a whole walk passes the reference validator, with events of
// every class.
func TestWalkPassesReferenceValidator(t *testing.T) {
	walktest.ValidatedWalk(t, func() auditclient.Iterator {
		return fakeClient(t, generated(t, 2000, audittest.InstavmOptions{})).Events(context.Background(), nil, nil)
	}, 2000, "3002", "3001", "3004", "3005", "3006", "6003")
}

// A wrong API key or bearer token is refused with the fake's message, and
// neither it nor the right one reaches an error or a log line at Debug
// level. (A fault-injected walk's logs are the conformance suite's
// Secrets.)
func TestNoCredentialInLogsOrErrors(t *testing.T) {
	fake := generated(t, 20, audittest.InstavmOptions{})
	logger, logs := walktest.DebugLogger()
	const wrong = "instavm_sk_wrong_0d9e8f"
	texts := map[string]string{}
	for name, mk := range map[string]func(string, ...auditclient.Option) (*instavm.Client, error){"key": instavm.NewClient, "bearer": instavm.NewBearerClient} {
		bad := walktest.Must(mk(wrong, auditclient.WithBaseURL(fake.URL()), auditclient.WithLogger(logger)))(t)
		_, err := bad.ListPage(context.Background(), nil)
		var api *auditclient.APIError
		if !errors.Is(err, auditclient.ErrUnauthorized) || !errors.As(err, &api) || api.Message != "Invalid API key or session expired" {
			t.Errorf("wrong %s: %v", name, err)
		}
		texts[name+" error"], texts[name+" client"] = walktest.FmtAll(err), walktest.FmtAll(bad)
	}
	if texts["logs"] = logs.String(); !strings.Contains(texts["logs"], "attempt") {
		t.Errorf("the logs hold no attempt:\n%.2000s", texts["logs"])
	}
	walktest.NoSecrets(t, []string{fake.APIKey(), fake.BearerToken(), wrong}, texts)
}

// A bearer client walks the fake as an API key client does; a base URL
// with a path prefix (a gateway in front of the API) is kept on every
// request.
func TestBearerWalkUnderBasePath(t *testing.T) {
	fake := generated(t, 250, audittest.InstavmOptions{BasePath: "/gateway/instavm"})
	c := walktest.Must(instavm.NewBearerClient(fake.BearerToken(), walktest.FastOptions(fake.URL())...))(t)
	walktest.Diff(t, walktest.All(t, c.Events(context.Background(), &instavm.ListOptions{PageSize: 50}, nil), nil), walktest.CompactAll(t, fake.Events()))
	got, vms := walktest.All(t, fakeClient(t, fake).Events(context.Background(), &instavm.ListOptions{PageSize: 100, EventGroup: "vm"}, nil), nil), 0
	for _, raw := range fake.Events() {
		vms += map[bool]int{true: 1}[strings.Contains(string(raw), `"event_group":"vm"`)]
	}
	if len(got) != vms || vms == 0 {
		t.Errorf("%d events, the data holds %d vm events", len(got), vms)
	}
	for _, r := range fake.Requests() {
		limit, group := "50", ""
		if r.Header.Get("X-API-Key") != "" {
			limit, group = "100", "vm"
		} else if r.Header.Get("Authorization") != "Bearer "+fake.BearerToken() {
			t.Errorf("request headers: Authorization %q", r.Header.Get("Authorization"))
		}
		if r.Path != "/gateway/instavm/v1/audit/events" || r.Query.Get("event_group") != group || r.Query.Get("limit") != limit {
			t.Errorf("request %s", r)
		}
	}
}
