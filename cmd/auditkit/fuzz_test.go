package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/vendors"
)

// fzEnv is an environment with every vendor's settings: those of its usage
// cases (TestVendorUsageErrors), whose credentials hold "s3cr3t".
var fzEnv = func() map[string]string {
	env := map[string]string{}
	for _, c := range cliVendors {
		maps.Copy(env, c.env())
	}
	return env
}()

// fzRefuse fails every request, in memory, and counts them.
type fzRefuse struct{ n atomic.Int64 }

func (f *fzRefuse) RoundTrip(*http.Request) (*http.Response, error) {
	f.n.Add(1)
	return nil, errors.New("fuzz: no network")
}

// fzOpen runs "auditkit pull VENDOR ARGS..." up to the vendor's Open (no
// event is read), with the walk's context already cancelled, and returns
// the flags parsed and the first error.
func fzOpen(t *testing.T, vendor string, args []string) (*pullFlags, *vendors.Config, error) {
	t.Helper()
	var f pullFlags
	pos, err := parseArgs(pullFlagSet(&f), append([]string{vendor, "--base-url", "http://127.0.0.1:1"}, args...))
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != 1 || pos[0] != vendor {
		t.Fatalf("positional arguments %q from %q", pos, args)
	}
	v, ok := lookupVendor(vendor)
	if !ok {
		t.Fatalf("no vendor %s", vendor)
	}
	p := &puller{v: v, f: &f, e: &env{getenv: func(k string) string { return fzEnv[k] }}}
	now := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	cfg, err := p.config(now)
	if err != nil {
		return &f, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg.Options = append(cfg.Options, auditclient.WithHTTPClient(&http.Client{Transport: &fzRefuse{}}))
	src, err := v.Start(ctx, *cfg)
	if err != nil {
		return &f, cfg, err
	}
	src.Events.Close()
	return &f, cfg, nil
}

// fzCheckErr: an error says something and names no secret.
func fzCheckErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if err.Error() == "" || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("an empty error, or one naming a credential: %q", err)
	}
}

// FuzzFilterFlag: --filter NAME=VALUE, given once or twice, to each
// vendor's pull up to its Open. It never panics; a --filter without "=" or
// without a name is refused by the flags; one that parses is exactly
// NAME=VALUE split at the first "="; a name the vendor does not document
// is a usage error; what the vendor's Open makes of the value (valid or
// not) ends in a walk or an error that names no secret.
func FuzzFilterFlag(f *testing.F) {
	for i, v := range vendors.All() {
		for _, fl := range v.Filters {
			f.Add(uint8(i), fl.Name+"=x", "")
			f.Add(uint8(i), fl.Name+"=", fl.Name+"=1")
		}
	}
	for _, s := range []string{"", "=", "=x", "x", "audit_log_type=User", "limit=0", "limit=501", "limit=1e3", "date=2024-06-18",
		"date=2024-13-01", "cursor=6672200dd10935351f936399", "status=SUCCESS", "status=FAIL|SUCCESS", "audit_history_size=-1",
		"max_history_size=99999999999999999999", "event_type=a=b", "userId=\x00", "appId=%zz", "vm_id=\xff"} {
		f.Add(uint8(0), s, "")
		f.Add(uint8(4), s, s)
	}
	f.Fuzz(func(t *testing.T, vi uint8, a, b string) {
		all := vendors.All()
		v := all[int(vi)%len(all)]
		args := []string{"--filter", a}
		if b != "" {
			args = append(args, "--filter="+b)
		}
		fl, _, err := fzOpen(t, v.Name, args)
		fzCheckErr(t, err)
		given := []string{a}
		if b != "" {
			given = append(given, b)
		}
		var want []vendors.Param
		for _, s := range given {
			name, value, ok := strings.Cut(s, "=")
			if (!ok || name == "") && err == nil {
				t.Fatalf("%s: --filter %q accepted", v.Name, s)
			}
			want = append(want, vendors.Param{Name: name, Value: value})
		}
		if fl == nil {
			return
		}
		if len(fl.filters) != len(given) {
			t.Fatalf("%s: args %q give filters %q", v.Name, args, fl.filters)
		}
		for i, nv := range fl.filters {
			if nv != want[i] {
				t.Fatalf("%s: args %q give filters %q", v.Name, args, fl.filters)
			}
			if err == nil && !hasFilter(v, nv.Name) {
				t.Fatalf("%s: unknown filter %q accepted", v.Name, nv.Name)
			}
		}
	})
}

// FuzzTimeFlags: --since and --until, to each vendor's pull up to its
// Open. parseTime never panics; a value it accepts is an RFC 3339 time
// (read as time.Parse reads it) or a positive duration back from now (so
// before now); the pull refuses since after until; and each vendor's Open
// takes any window that passed (times far in the past or future too)
// without panic, ending in a walk or an error that names no secret.
func FuzzTimeFlags(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"2024-06-18T00:00:00Z", "2024-06-19T00:00:00Z"}, {"24h", ""}, {"7d", "1h"},
		{"2024-06-19T12:00:00.123456789+05:30", ""}, {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}, {"90m", "2024-06-19T11:00:00Z"},
		{"100000d", ""}, {"100001d", ""}, {"0d", ""}, {"-1h", ""}, {"2562047h", ""}, {"2024-06-19T12:00:00Z", "2024-06-19T12:00:00Z"},
		{"2024-06-20T00:00:00Z", "2024-06-19T00:00:00Z"}, {"1e3h", ""}, {"1.5h", ""}, {"2024-02-30T00:00:00Z", ""}, {"0000-01-01T00:00:00+01:00", ""}} {
		for i := range vendors.All() {
			f.Add(uint8(i), s[0], s[1])
		}
	}
	now := time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, vi uint8, since, until string) {
		var ts [2]time.Time
		var errs [2]error
		for i, s := range []string{since, until} {
			ts[i], errs[i] = parseTime("since", s, now)
			var ue *usageError
			switch {
			case errs[i] != nil && !errors.As(errs[i], &ue):
				t.Fatalf("%q: %T %v, want a usage error", s, errs[i], errs[i])
			case errs[i] != nil:
			case s == "":
				if !ts[i].IsZero() {
					t.Fatalf("%q gives %v", s, ts[i])
				}
			default:
				if want, err := time.Parse(time.RFC3339Nano, s); err == nil {
					if !ts[i].Equal(want) {
						t.Fatalf("%q gives %v, time.Parse %v", s, ts[i], want)
					}
				} else if !ts[i].Before(now) {
					t.Fatalf("duration %q gives %v, not before now %v", s, ts[i], now)
				}
			}
		}
		all := vendors.All()
		v := all[int(vi)%len(all)]
		var args []string
		if since != "" {
			args = append(args, "--since="+since)
		}
		if until != "" {
			args = append(args, "--until="+until)
		}
		_, cfg, err := fzOpen(t, v.Name, args)
		fzCheckErr(t, err)
		if errs[0] == nil && errs[1] == nil && cfg == nil {
			if ts[0].IsZero() || ts[1].IsZero() || !ts[0].After(ts[1]) {
				t.Fatalf("%s: --since %q --until %q refused: %v", v.Name, since, until, err)
			}
		}
		if cfg != nil {
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("%s: --since %q --until %q accepted", v.Name, since, until)
			}
			if !cfg.Since.Equal(ts[0]) || !cfg.Until.Equal(ts[1]) {
				t.Fatalf("%s: window %v..%v, flags give %v..%v", v.Name, cfg.Since, cfg.Until, ts[0], ts[1])
			}
			if !cfg.Since.IsZero() && !cfg.Until.IsZero() && cfg.Since.After(cfg.Until) {
				t.Fatalf("%s: since %v after until %v accepted", v.Name, cfg.Since, cfg.Until)
			}
		}
	})
}

// FuzzStateFile: the --checkpoint file. readState never panics on any
// content; a file it accepts has the format version, a checkpoint and no
// negative output length, and written back as JSON it reads back to the
// same state; its checkpoint's Check answers without panic.
func FuzzStateFile(f *testing.F) {
	cp := &auditclient.Checkpoint{Version: 1, Vendor: "cisco", Query: "0123456789abcdef01234567",
		Window:    auditclient.Window{Since: time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 19, 0, 0, 0, 0, time.UTC)},
		Position:  &auditclient.Position{Token: "v1/audit_logs?offset=500", Skip: 3, LastUID: "abc"},
		Floor:     &auditclient.Floor{Time: time.Date(2024, 6, 18, 1, 0, 0, 0, time.UTC), UIDs: []string{"a", "a"}},
		HighWater: time.Date(2024, 6, 18, 12, 0, 0, 0, time.UTC), Boundary: []string{"x"}, Events: 42}
	for _, st := range []state{
		{Auditkit: 1, Vendor: "cisco", Format: "ocsf", Checkpoint: cp},
		{Auditkit: 1, Vendor: "tanium", Format: "raw", Output: &outputState{Path: "/tmp/out.ndjson", Length: 1234}, Demo: true,
			Checkpoint: &auditclient.Checkpoint{Version: 1, Vendor: "tanium", Query: "q", HighWater: time.Date(2024, 6, 18, 12, 0, 0, 5, time.FixedZone("", 3600))}},
	} {
		b, err := json.Marshal(st)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"auditkit":1}`, `{"auditkit":1,"checkpoint":null}`, `{"auditkit":1,"checkpoint":{}}`,
		`{"auditkit":1,"checkpoint":{"version":1},"output":{"length":-1}}`, `{"auditkit":2,"checkpoint":{"version":1}}`,
		`{"auditkit":1,"checkpoint":{"version":1,"high_water":"0000-01-01T00:00:00+01:00"}}`,
		`{"auditkit":1,"checkpoint":{"version":1,"position":{"token":"x","skip":-1}}}`, `{"auditkit":1.5}`} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "state.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := readState(path)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if st == nil || st.Auditkit != stateVersion || st.Checkpoint == nil || st.Output != nil && st.Output.Length < 0 {
			t.Fatalf("accepted %+v", st)
		}
		_ = st.Checkpoint.Check(st.Vendor, st.Checkpoint.Query)
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatalf("accepted state does not marshal back: %v (%s)", err, data)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := readState(path)
		if err != nil {
			t.Fatalf("state written back does not read back: %v\n%s", err, b)
		}
		b2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("state changes on a round trip:\n%s\n%s (%v)", b, b2, err)
		}
	})
}
