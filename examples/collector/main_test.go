package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/ocsf"
)

// rawLines returns the raw_data of every event in the output file, checking
// that each line is a valid OCSF event.
func rawLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if l == "" {
			continue
		}
		if err := ocsf.ValidateJSON([]byte(l)); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var ev struct {
			RawData string `json:"raw_data"`
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, compact(t, []byte(ev.RawData)))
	}
	return out
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func records(t *testing.T, raws []json.RawMessage) []string {
	out := make([]string, len(raws))
	for i, r := range raws {
		out[i] = compact(t, r)
	}
	return out
}

func TestCollectorResumesExactlyOnce(t *testing.T) {
	end := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	fake := audittest.StartCisco(t, audittest.CiscoOptions{
		Events: audittest.GenerateCiscoEvents(1200, 3, end),
		Faults: audittest.Faults{RateLimit: 0.1, Unavailable: 0.05, Seed: 2},
	})
	client, err := cisco.NewClient(fake.ClientID(), fake.APIKey(), auditclient.WithBaseURL(fake.URL()),
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := &Collector{Client: client, Options: cisco.ListOptions{PageSize: 100},
		Output: filepath.Join(dir, "events.ndjson"), StateFile: filepath.Join(dir, "state.json"), MaxEvents: 450}
	ctx := context.Background()

	// A first run stops after 450 events...
	if n, err := c.Collect(ctx); err != nil || n != 450 {
		t.Fatalf("first run: %d events, %v", n, err)
	}
	// ... then a crash leaves events past the checkpoint (a torn line too).
	f, _ := os.OpenFile(c.Output, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"class_uid":3002}` + "\n" + `{"torn`)
	f.Close()

	c.MaxEvents = 0
	if n, err := c.Collect(ctx); err != nil || n != 750 {
		t.Fatalf("second run: %d events, %v; want the other 750", n, err)
	}
	want := records(t, fake.Events())
	if got := rawLines(t, c.Output); !slices.Equal(got, want) {
		t.Fatalf("output: %d events, want the fake's %d in order, once each", len(got), len(want))
	}

	// Nothing new: nothing written.
	if n, err := c.Collect(ctx); err != nil || n != 0 {
		t.Fatalf("third run: %d events, %v; want none", n, err)
	}

	// New events, some in the very second of the newest one collected.
	var newest struct {
		CreatedAt time.Time `json:"created_at"`
	}
	json.Unmarshal(fake.Events()[0], &newest)
	added := audittest.GenerateCiscoEvents(30, 99, newest.CreatedAt.Add(10*time.Second))
	var fresh []json.RawMessage
	for _, r := range added {
		var rec struct {
			CreatedAt time.Time `json:"created_at"`
		}
		json.Unmarshal(r, &rec)
		if rec.CreatedAt.Before(newest.CreatedAt) {
			r = bytes.Replace(r, []byte(rec.CreatedAt.Format(time.RFC3339)), []byte(newest.CreatedAt.Format(time.RFC3339)), 1)
		}
		fresh = append(fresh, r)
	}
	fake.Add(fresh...)
	if n, err := c.Collect(ctx); err != nil || n != len(fresh) {
		t.Fatalf("incremental run: %d events, %v; want the %d added", n, err, len(fresh))
	}
	got := rawLines(t, c.Output)
	gotNew, wantNew := slices.Clone(got[len(want):]), records(t, fresh)
	slices.Sort(gotNew)
	slices.Sort(wantNew)
	if !slices.Equal(gotNew, wantNew) {
		t.Errorf("the incremental run appended %d events, want exactly the %d added", len(gotNew), len(wantNew))
	}
}

func TestRunAgainstFakeAcrossProcesses(t *testing.T) {
	hour := time.Now().UTC().Truncate(time.Hour)
	dir := t.TempDir()
	args := []string{"-out", filepath.Join(dir, "events.ndjson"), "-state", filepath.Join(dir, "state.json"), "-faults"}
	var log bytes.Buffer
	// Each run starts its own fake, as separate processes would.
	if err := run(context.Background(), append(args, "-max-events", "1000"), os.Getenv, &log); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), args, os.Getenv, &log); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), args, os.Getenv, &log); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", log.String())
	if !strings.Contains(log.String(), "collected 1000 events") || !strings.Contains(log.String(), "collected 2000 events") || !strings.Contains(log.String(), "collected 0 events") {
		t.Errorf("runs:\n%s", log.String())
	}
	got := rawLines(t, filepath.Join(dir, "events.ndjson"))
	if !time.Now().UTC().Truncate(time.Hour).Equal(hour) {
		t.Skip("the hour turned during the test: the fakes served different data sets")
	}
	want := records(t, audittest.GenerateCiscoEvents(3000, 1, hour))
	if !slices.Equal(got, want) {
		t.Errorf("%d events, want the fake's %d in order, once each", len(got), len(want))
	}
}
