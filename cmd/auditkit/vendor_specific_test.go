package main

import (
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// What only one vendor does, through the CLI (what every vendor does is in
// vendors_test.go; Tanium's partial pulls in vendor_tanium_test.go).

// --org wins over AUTOMOX_ORG_UUID (the demo's key may not read another
// organization), and --filter date pulls that one UTC day.
func TestAutomoxDemoOrgAndDate(t *testing.T) {
	r := runCLI(t, nil, "pull", "automox", "--demo", "--quiet", "--org", "00000000-0000-4000-8000-000000000000", "--max-events", "5")
	if r.code == 0 || !strings.Contains(r.stderr, "403") {
		t.Errorf("another organization than the demo's: exit %d: %s", r.code, r.stderr)
	}
	day := time.Now().UTC().Add(-2 * time.Hour).Format(time.DateOnly)
	r = mustRun(t, nil, "pull", "automox", "--demo", "--quiet", "--filter", "date="+day)
	for _, l := range someLines(t, r.stdout) {
		var ev struct{ Time int64 }
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		if d := time.UnixMilli(ev.Time).UTC().Format(time.DateOnly); d != day {
			t.Fatalf("an event of %s in the pull of %s", d, day)
		}
	}
}

// --base-url is the origin, as for every vendor; one ending in /api works
// too. --until is exclusive: --until 2025-06-02T00:00:00Z never asks for
// date=2025-06-02, and the event at exactly --until is not pulled.
// --order oldest-first is the API's own order.
func TestAutomoxBaseURLAndUntil(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	ev := func(id, ts string) json.RawMessage {
		return json.RawMessage(`{"_id":{"$oid":"` + id + `"},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,"type_uid":300201,` +
			`"message":"User Log In Success","time":` + strconv.FormatInt(at(ts).UnixMilli(), 10) + `,"severity_id":1,"status_id":1,"status_code":200,` +
			`"metadata":{"uid":"9f8896c3-e042-42de-ae41-eaef8a2a` + id[20:] + `","version":"1.1.0","product":{"vendor_name":"Automox"}},"user":{"uid":"1","email_addr":"a@example.com"}}`)
	}
	fake := audittest.StartAutomox(t, audittest.AutomoxOptions{Events: []json.RawMessage{
		ev("683a00000000000000000001", "2025-05-31T00:00:00Z"),     // at --since: in
		ev("683c00000000000000000002", "2025-06-01T23:59:59.999Z"), // in
		ev("683d00000000000000000003", "2025-06-02T00:00:00Z"),     // at --until: out
	}})
	env := map[string]string{"AUTOMOX_API_KEY": fake.APIKey(), "AUTOMOX_ORG_UUID": fake.OrgUUID()}
	for _, base := range []string{fake.URL(), fake.URL() + "/api"} {
		before := len(fake.Requests())
		out := mustRun(t, env, "pull", "automox", "--base-url", base, "--quiet", "--format", "raw", "--order", "oldest-first",
			"--since", "2025-05-31T00:00:00Z", "--until", "2025-06-02T00:00:00Z").stdout
		if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, "683a00000000000000000001") || strings.Index(out, "683c00000000000000000002") < strings.Index(out, "683a00000000000000000001") {
			t.Errorf("--base-url %s: pulled %d events: %s", base, n, out)
		}
		var days []string
		for _, r := range fake.Requests()[before:] {
			if r.Path != "/api/audit-service/v1/orgs/"+fake.OrgUUID()+"/events" {
				t.Errorf("--base-url %s: request to %s", base, r.Path)
			}
			days = append(days, r.Query.Get("date"))
		}
		if slices.Sort(days); strings.Join(days, " ") != "2025-05-31 2025-06-01" {
			t.Errorf("--base-url %s: days read %v, want 2025-05-31 and 2025-06-01 only", base, days)
		}
	}
}

// Entrust's filters reach the API, OP:VALUE operators included: every event
// of a filtered demo pull matches them, in the order order_by asks.
func TestEntrustDemoPullFiltered(t *testing.T) {
	r := mustRun(t, nil, "pull", "entrust", "--demo", "--quiet", "--format", "raw",
		"--filter", "category=MANAGEMENT", "--filter", "entityType=USERS", "--filter", "entityAction=NOT_EQUALS:REMOVE",
		"--filter", "subjectName=STARTS_WITH:admin.", "--filter", "order_by=entityAction:desc")
	prev := "\uffff"
	for _, l := range someLines(t, r.stdout) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		action, _ := m["entityAction"].(string)
		if subject, _ := m["subjectName"].(string); m["eventCategory"] != "MANAGEMENT" || m["entityType"] != "USERS" || action == "REMOVE" || !strings.HasPrefix(subject, "admin.") {
			t.Fatalf("event outside the filters: %s", l)
		}
		if action > prev {
			t.Fatalf("not ordered by entityAction descending: %q after %q", action, prev)
		}
		prev = action
	}
}

// InstaVM's filters reach the API: every event of a filtered demo pull
// matches; so does a pull of a fake given by --base-url, which also sends
// the key and the page size.
func TestInstavmFilters(t *testing.T) {
	r := mustRun(t, nil, "pull", "instavm", "--demo", "--quiet", "--filter", "event_group=auth", "--filter", "status=failure", "--filter", "user_id=4821")
	for _, l := range someLines(t, r.stdout) {
		if !strings.Contains(l, `\"event_group\":\"auth\"`) || !strings.Contains(l, `\"status\":\"failure\"`) || !strings.Contains(l, `\"user_id\":4821`) {
			t.Fatalf("event outside the filters: %q", l)
		}
	}
	fake := audittest.StartInstavm(t, audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(120, 2, testEnd)})
	out := mustRun(t, map[string]string{"INSTAVM_API_KEY": fake.APIKey()}, "pull", "instavm", "--base-url", fake.URL(), "--quiet", "--page-size", "50", "--filter", "event_group=vm").stdout
	want := 0
	for _, r := range fake.Events() {
		if strings.Contains(string(r), `"event_group":"vm"`) {
			want++
		}
	}
	if n := strings.Count(out, "\n"); n != want || want == 0 {
		t.Errorf("%d lines, the data holds %d vm events", n, want)
	}
	for _, r := range fake.Requests() {
		if r.Header.Get("X-API-Key") != fake.APIKey() || r.Query.Get("event_group") != "vm" || r.Query.Get("limit") != "50" {
			t.Errorf("request %s", r)
		}
	}
}

// --server reaches a self-signed server with --ca-file, and not without.
func TestNPrintingServerAndCAFile(t *testing.T) {
	fake := audittest.StartNPrinting(t, audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(30, 2, testEnd)})
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(u))
	defer proxy.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NPRINTING_TOKEN": fake.Token()}
	r := mustRun(t, env, "pull", "nprinting", "--server", proxy.URL, "--ca-file", ca, "--quiet", "--filter", "target=User")
	for _, l := range someLines(t, r.stdout) {
		if !strings.Contains(readEvent(t, l).RawData, `"target":"User"`) {
			t.Fatalf("an event outside the filter: %s", l)
		}
	}
	if r := runCLI(t, env, "pull", "nprinting", "--server", proxy.URL, "--quiet"); r.code != 1 || !strings.Contains(r.stderr, "certificate") {
		t.Errorf("self-signed without --ca-file: exit %d: %s", r.code, r.stderr)
	}
}
