package securitylake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go/format"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// newLocal makes an output to a local directory without fsync (the
// crashes of these tests are simulated in the process; TestCrashRerun
// and the lakecheck test write with it).
func newLocal(t testing.TB, dir string) *Output {
	t.Helper()
	o := newLocalSynced(t, dir)
	o.store = localStore{dir: dir, noSync: true}
	return o
}

func newLocalSynced(t testing.TB, dir string) *Output {
	t.Helper()
	o, err := New(context.Background(), Config{Path: dir, Region: "eu-west-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestWriteEveryVendor writes every vendor's demo events and reads the lake
// back with parquet-go: each file sits in its class's custom source and
// its events' UTC day, is sorted by time, has the one schema, zstd and
// version 1 data pages, and each row re-encodes to the record's JSON.
func TestWriteEveryVendor(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := newLocal(t, dir)
	all := demo(t)
	want := map[string]map[string]string{} // key -> identity -> canonical JSON
	wantRows := map[string]int{}
	for i, vendor := range sortedKeys(all) {
		recs := all[vendor]
		source := "acme-" + vendor
		seq := int64(i + 1)
		if err := o.Recover(ctx, source, nil); err != nil {
			t.Fatal(err)
		}
		pos, err := o.Write(ctx, collector.Batch{Source: source, Vendor: vendor, Records: recs, Seq: seq})
		if err != nil {
			t.Fatalf("%s: %v", vendor, err)
		}
		if string(pos) != fmt.Sprintf(`{"seq":%d}`, seq) {
			t.Errorf("%s: position %s", vendor, pos)
		}
		for _, r := range recs {
			key := fmt.Sprintf("ext/auditkit-%d/region=eu-west-1/accountId=123456789012/eventDay=%s/%s-%012d.parquet",
				r.Class, r.Time.UTC().Format("20060102"), source, seq)
			if want[key] == nil {
				want[key] = map[string]string{}
			}
			want[key][recIdentity(r)] = canonicalJSON(t, r.JSON)
			wantRows[key]++
		}
	}
	files := readLocal(t, dir)
	if got, w := sortedKeys(files), sortedKeys(want); !slices.Equal(got, w) {
		t.Fatalf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	classes := map[string]bool{}
	var schema string
	total := 0
	for key, f := range files {
		if schema == "" {
			schema = f.sch
		} else if f.sch != schema {
			t.Errorf("%s: schema differs from the other files':\n%s", key, f.sch)
		}
		if len(f.rows) != wantRows[key] {
			t.Errorf("%s: %d rows, want %d", key, len(f.rows), wantRows[key])
		}
		total += len(f.rows)
		var last int64
		for i, row := range f.rows {
			tm := row["time"].(int64)
			if tm < last {
				t.Errorf("%s: row %d at %d before row %d's %d", key, i, tm, i-1, last)
			}
			last = tm
			if day := time.UnixMilli(tm).UTC().Format("20060102"); !strings.Contains(key, "eventDay="+day+"/") {
				t.Errorf("%s: row %d of day %s", key, i, day)
			}
			if cls := fmt.Sprint(row["class_uid"]); !strings.HasPrefix(key, "ext/auditkit-"+cls+"/") {
				t.Errorf("%s: row %d of class %s", key, i, cls)
			}
			exp, ok := want[key][identity(row)]
			if !ok {
				t.Errorf("%s: row %d (%s) was not written there", key, i, identity(row))
				continue
			}
			if got := canonical(t, o.schema, row); got != exp {
				t.Errorf("%s: row %d reads back as\n%s\nwant\n%s", key, i, got, exp)
			}
		}
		classes[strings.Split(key, "/")[1]] = true
		for _, rg := range f.meta.RowGroups {
			for _, c := range rg.Columns {
				if c.MetaData.Codec != format.Zstd {
					t.Errorf("%s: column %v codec %v", key, c.MetaData.PathInSchema, c.MetaData.Codec)
				}
				for _, st := range c.MetaData.EncodingStats {
					if st.PageType == format.DataPageV2 {
						t.Errorf("%s: column %v has v2 data pages", key, c.MetaData.PathInSchema)
					}
				}
			}
		}
	}
	n := 0
	for _, recs := range all {
		n += len(recs)
	}
	if total != n {
		t.Errorf("lake holds %d rows, wrote %d events", total, n)
	}
	if len(classes) < 4 {
		t.Errorf("custom sources %v: the demos should span more classes", classes)
	}
	t.Logf("%d events of 6 vendors in %d files, %d custom sources", n, len(files), len(classes))
}

// TestSchemaHasLists checks the Parquet schema's shape where readers care:
// lists in the three-level LIST layout, JSON text for any-typed values.
func TestSchemaHasLists(t *testing.T) {
	sc, err := newEventSchema()
	if err != nil {
		t.Fatal(err)
	}
	s := sc.schema.String()
	for _, want := range []string{
		"optional group profiles (LIST) {\n\t\t\trepeated group list {\n\t\t\t\toptional binary element (STRING);",
		"optional binary unmapped (STRING);",
		"optional binary raw_data (STRING);",
		"optional int64 time (INT(64,true));",
		"optional int32 class_uid (INT(32,true));",
		"optional int64 type_uid (INT(64,true));",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("schema lacks %q:\n%s", want, s)
		}
	}
}

// TestUnknownAttributeIsAnError: an attribute the schema has no column for
// fails the write instead of being dropped.
func TestUnknownAttributeIsAnError(t *testing.T) {
	o := newLocal(t, t.TempDir())
	ev := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.UnixMilli(1772449477000))
	js, _ := ev.MarshalJSON()
	for _, tc := range []struct{ json, want string }{
		{strings.Replace(string(js), `{`, `{"device":{"name":"x"},`, 1), "attribute device has no column"},
		{strings.Replace(string(js), `"metadata":{`, `"metadata":{"extension":1,`, 1), "attribute metadata.extension has no column"},
		{strings.Replace(string(js), `"severity_id":1`, `"severity_id":"1"`, 1), "attribute severity_id: wrong type"},
		{strings.Replace(string(js), `"type_uid":300201`, `"type_uid":1.5`, 1), "attribute type_uid: want a 64-bit integer, got 1.5"},
		{`[1]`, "event JSON"},
	} {
		r := collector.Record{Event: ev, JSON: []byte(tc.json), Time: ev.Time, Class: ev.Class, UID: "u1"}
		_, err := o.Write(context.Background(), collector.Batch{Source: "s", Records: []collector.Record{r}, Seq: 1})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.json, err, tc.want)
		}
	}
	files := readLocal(t, o.cfg.Path)
	if len(files) != 0 {
		t.Errorf("failed writes left files: %v", sortedKeys(files))
	}
}

func TestBadBatch(t *testing.T) {
	o := newLocal(t, t.TempDir())
	rec := demo(t)["cisco"][0]
	for _, tc := range []struct {
		b    collector.Batch
		want string
	}{
		{collector.Batch{Source: "../etc", Records: []collector.Record{rec}, Seq: 1}, `source name "../etc" cannot name a file`},
		{collector.Batch{Source: "a/b", Records: []collector.Record{rec}, Seq: 1}, `source name "a/b"`},
		{collector.Batch{Source: "ok", Records: []collector.Record{rec}, Seq: 0}, "Seq 0"},
		{collector.Batch{Source: "ok", Records: []collector.Record{{JSON: rec.JSON, UID: "x"}}, Seq: 1}, "event x of ok has no time"},
	} {
		if _, err := o.Write(context.Background(), tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.b.Source, err, tc.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{Path: "lake", Region: "us-east-1", AccountID: "123456789012"}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Path = "" }, "path is required"},
		{func(c *Config) { c.Path = "s3://" }, "has no bucket"},
		{func(c *Config) { c.Path = "s3://b/a/../x" }, "not a clean path"},
		{func(c *Config) { c.Endpoint = "http://127.0.0.1:9000" }, "apply to an s3:// path only"},
		{func(c *Config) { c.Region = "mars" }, `region "mars"`},
		{func(c *Config) { c.AccountID = "12345" }, "not a 12-digit AWS account"},
		{func(c *Config) { c.AccountID = "" }, "account_id (an AWS account) or external_id is required"},
		{func(c *Config) { c.ExternalID = "x" }, "not both"},
		{func(c *Config) { c.AccountID, c.ExternalID = "", "a/b" }, `external_id "a/b"`},
		{func(c *Config) { c.SourcePrefix = "much-too-long-prefix" }, "source_prefix"},
		{func(c *Config) { c.SourcePrefix = "a b" }, "source_prefix"},
		{func(c *Config) { c.CustomSources = map[ocsf.ClassUID]string{3002: "x/y"} }, "custom source of class 3002"},
		{func(c *Config) { c.CustomSources = map[ocsf.ClassUID]string{3002: strings.Repeat("a", 21)} }, "custom source of class 3002"},
		{func(c *Config) { c.BatchSize = -1 }, "negative"},
	} {
		c := ok
		tc.edit(&c)
		_, err := New(context.Background(), c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", c, err, tc.want)
		}
	}
	o, err := New(context.Background(), Config{Path: "lake", Region: "us-east-1", ExternalID: "tenant-7",
		CustomSources: map[ocsf.ClassUID]string{ocsf.ClassAuthentication: "okta-auth"}})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 23, 59, 59, 0, time.UTC)
	if got, want := o.Key("acme", 7, ocsf.ClassAuthentication, day), "ext/okta-auth/region=us-east-1/accountId=external_tenant-7/eventDay=20260302/acme-000000000007.parquet"; got != want {
		t.Errorf("key %s, want %s", got, want)
	}
	if got := o.CustomSource(ocsf.ClassAPIActivity); got != "auditkit-6003" {
		t.Errorf("custom source of 6003: %s", got)
	}
	if o.BatchSize() != DefaultBatchSize {
		t.Errorf("batch size %d", o.BatchSize())
	}
}

// failingStore fails put after n successful ones, as a crash in the middle
// of a batch would stop it.
type failingStore struct {
	store
	n int
}

var errCrash = errors.New("crash")

func (f *failingStore) put(ctx context.Context, key string, data []byte) error {
	if f.n <= 0 {
		return errCrash
	}
	f.n--
	return f.store.put(ctx, key, data)
}

// TestCrashRerun: a batch written but not committed, then written again
// with other boundaries after Recover, leaves every event once.
func TestCrashRerun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	recs := demo(t)["automox"]
	q1, q3, r3 := len(recs)/4, len(recs)*3/4, len(recs)*3/5
	o := newLocalSynced(t, dir)
	if err := o.Recover(ctx, "s", nil); err != nil {
		t.Fatal(err)
	}
	pos1, err := o.Write(ctx, collector.Batch{Source: "s", Records: recs[:q1], Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Batch 2 written, its checkpoint never saved; a leftover temp file.
	if _, err := o.Write(ctx, collector.Batch{Source: "s", Records: recs[q1:q3], Seq: 2}); err != nil {
		t.Fatal(err)
	}
	k := o.Key("s", 3, ocsf.ClassAccountChange, recs[0].Time)
	tmp := filepath.Join(dir, filepath.Dir(k), "."+filepath.Base(k)+tmpMark+"abc")
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Another source's files and a file of another account stay.
	if _, err := o.Write(ctx, collector.Batch{Source: "s-2", Records: recs[:10], Seq: 9}); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "ext/auditkit-3001/region=eu-west-1/accountId=999999999999/eventDay=20260302/s-000000000002.parquet")
	if err := os.MkdirAll(filepath.Dir(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(foreign, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	// Restart: a new output, recovered at batch 1.
	o = newLocalSynced(t, dir)
	if err := o.Recover(ctx, "s", pos1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temp file left: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("another account's file: %v", err)
	}
	_ = os.Remove(foreign)
	// The re-run batches differently: 2 is q1..r3, and fails half-way
	// once; then 3 is r3..
	o.store = &failingStore{store: o.store, n: 1}
	if _, err := o.Write(ctx, collector.Batch{Source: "s", Records: recs[q1:r3], Seq: 2}); !errors.Is(err, errCrash) {
		t.Fatalf("write: %v, want the injected crash", err)
	}
	o.store = o.store.(*failingStore).store
	if err := o.Recover(ctx, "s", pos1); err != nil {
		t.Fatal(err)
	}
	pos2, err := o.Write(ctx, collector.Batch{Source: "s", Records: recs[q1:r3], Seq: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write(ctx, collector.Batch{Source: "s", Records: recs[r3:], Seq: 3}); err != nil {
		t.Fatal(err)
	}
	_ = pos2
	counts := map[string]int{}
	for key, f := range readLocal(t, dir) {
		if strings.Contains(key, "/s-2-") {
			continue
		}
		for _, row := range f.rows {
			counts[identity(row)]++
		}
	}
	want := map[string]int{}
	for _, r := range recs {
		want[recIdentity(r)]++
	}
	if !mapsEqual(counts, want) {
		t.Errorf("lake holds %d distinct events (%d rows), want %d distinct (%d)", len(counts), sum(counts), len(want), len(recs))
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestPositionErrors(t *testing.T) {
	o := newLocal(t, t.TempDir())
	if err := o.Recover(context.Background(), "s", json.RawMessage(`{"seq":"x"}`)); err == nil || !strings.Contains(err.Error(), "position of s") {
		t.Errorf("bad position: %v", err)
	}
}

// TestConcurrentSources: the collector writes different sources at the
// same time; each gets its own files, and Recover of one leaves the
// other's.
func TestConcurrentSources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := newLocal(t, dir)
	all := demo(t)
	vendors := []string{"cisco", "instavm", "nprinting"}
	errs := make(chan error, len(vendors))
	for _, v := range vendors {
		go func() {
			if err := o.Recover(ctx, v, nil); err != nil {
				errs <- err
				return
			}
			recs := all[v][:40]
			for seq := int64(1); seq <= 2; seq++ {
				if _, err := o.Write(ctx, collector.Batch{Source: v, Records: recs[(seq-1)*20 : seq*20], Seq: seq}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range vendors {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// cisco's batch 2 was not committed.
	if err := o.Recover(ctx, "cisco", json.RawMessage(`{"seq":1}`)); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for key, f := range readLocalRows(t, dir, false) {
		src := key[strings.LastIndexByte(key, '/')+1 : strings.LastIndexByte(key, '-')]
		counts[src] += len(f.rows)
	}
	if counts["cisco"] != 20 || counts["instavm"] != 40 || counts["nprinting"] != 40 {
		t.Errorf("rows per source %v, want cisco 20, instavm 40, nprinting 40", counts)
	}
}
