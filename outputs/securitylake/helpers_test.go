package securitylake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/internal/lakecheck"
)

// demoRecs is every vendor's demo events, walked once per test binary.
var demoRecs = sync.OnceValues(func() (map[string][]collector.Record, error) {
	return lakecheck.DemoRecords(context.Background(), 200)
})

func demo(t testing.TB) map[string][]collector.Record {
	t.Helper()
	recs, err := demoRecs()
	if err != nil {
		t.Fatalf("demo records: %v", err)
	}
	if len(recs) != 6 {
		t.Fatalf("demo records of %d vendors, want 6", len(recs))
	}
	return recs
}

// lakeFile is one Parquet file read back.
type lakeFile struct {
	key  string
	rows []map[string]any // as parquet-go reconstructs them
	meta *format.FileMetaData
	sch  string
}

// readParquet reads a Parquet file with parquet-go.
func readParquet(t testing.TB, key string, data []byte) lakeFile {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	r := parquet.NewReader(f)
	defer r.Close()
	lf := lakeFile{key: key, meta: f.Metadata(), sch: f.Schema().String()}
	for {
		m := map[string]any{}
		if err := r.Read(&m); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: reading row %d: %v", key, len(lf.rows), err)
		}
		lf.rows = append(lf.rows, m)
	}
	if int64(len(lf.rows)) != f.NumRows() {
		t.Fatalf("%s: read %d rows, file has %d", key, len(lf.rows), f.NumRows())
	}
	return lf
}

// readLocal reads every file of a local lake, by key.
func readLocal(t testing.TB, dir string) map[string]lakeFile {
	t.Helper()
	out := map[string]lakeFile{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		key := filepath.ToSlash(rel)
		if !strings.HasSuffix(key, ".parquet") {
			t.Errorf("file %s in the lake is not a Parquet file", key)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[key] = readParquet(t, key, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// canonical re-encodes a row read back as the JSON of the event: nulls and
// empty lists dropped, JSON-text columns decoded, keys sorted.
func canonical(t testing.TB, sc *eventSchema, row map[string]any) string {
	t.Helper()
	v, err := normalize(sc.root, row)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(dropNulls(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func normalize(f *field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.kind {
	case kGroup:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: got %T, want a group", f.name, v)
		}
		out := map[string]any{}
		for _, c := range f.fields {
			cv, err := normalize(c, m[c.name])
			if err != nil {
				return nil, err
			}
			if cv != nil {
				out[c.name] = cv
			}
		}
		if len(out) == 0 && f.name != "" {
			return map[string]any{}, nil
		}
		return out, nil
	case kList:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: got %T, want a list", f.name, v)
		}
		if len(arr) == 0 {
			return nil, nil
		}
		out := make([]any, len(arr))
		for i, el := range arr {
			ev, err := normalize(f.elem, el)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case kJSON:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: got %T, want JSON text", f.name, v)
		}
		return decodeJSON([]byte(s))
	}
	return v, nil
}

// decodeJSON decodes with numbers kept as written.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// canonicalJSON is an event's JSON with nulls dropped and keys sorted.
func canonicalJSON(t testing.TB, js []byte) string {
	t.Helper()
	v, err := decodeJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(dropNulls(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNulls(e)
			}
		}
	case []any:
		for i := range x {
			x[i] = dropNulls(x[i])
		}
	}
	return v
}

// uidCounts counts (metadata.uid, raw_data) pairs: the demo data sets
// hold identical twins, so an event is known by both.
func identity(row map[string]any) string {
	md, _ := row["metadata"].(map[string]any)
	return fmt.Sprint(md["uid"], "\x00", row["raw_data"])
}

func recIdentity(r collector.Record) string {
	return fmt.Sprint(r.UID, "\x00", r.Event.RawData)
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
