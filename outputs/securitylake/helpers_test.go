package securitylake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	return lakecheck.DemoRecords(context.Background(), demoEvents)
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

// readParquet reads a Parquet file with parquet-go: its rows by row
// group, each reconstructed as a map.
func readParquet(t testing.TB, key string, data []byte) lakeFile {
	return readParquetRows(t, key, data, true)
}

// readParquetRows reads a file's rows; without full, only metadata.uid
// and raw_data (all identity needs), straight from the row values.
func readParquetRows(t testing.TB, key string, data []byte, full bool) lakeFile {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	lf := lakeFile{key: key, meta: f.Metadata(), sch: f.Schema().String()}
	uidCol, ok1 := f.Schema().Lookup("metadata", "uid")
	rawCol, ok2 := f.Schema().Lookup("raw_data")
	if !ok1 || !ok2 {
		t.Fatalf("%s: no metadata.uid or raw_data column", key)
	}
	if !full {
		for _, rg := range f.RowGroups() {
			uids := columnValues(t, key, rg.ColumnChunks()[uidCol.ColumnIndex])
			raws := columnValues(t, key, rg.ColumnChunks()[rawCol.ColumnIndex])
			if len(uids) != int(rg.NumRows()) || len(raws) != len(uids) {
				t.Fatalf("%s: %d uids and %d raw_data for %d rows", key, len(uids), len(raws), rg.NumRows())
			}
			for i := range uids {
				m := map[string]any{"metadata": map[string]any{}}
				if !uids[i].IsNull() {
					m["metadata"].(map[string]any)["uid"] = string(uids[i].ByteArray())
				}
				if !raws[i].IsNull() {
					m["raw_data"] = string(raws[i].ByteArray())
				}
				lf.rows = append(lf.rows, m)
			}
		}
	}
	buf := make([]parquet.Row, 64)
	for _, rg := range f.RowGroups() {
		if !full {
			break
		}
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				m := map[string]any{}
				if err := f.Schema().Reconstruct(&m, row); err != nil {
					t.Fatalf("%s: row %d: %v", key, len(lf.rows), err)
				}
				lf.rows = append(lf.rows, m)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: reading row %d: %v", key, len(lf.rows), err)
			}
		}
		rows.Close()
	}
	if int64(len(lf.rows)) != f.NumRows() {
		t.Fatalf("%s: read %d rows, file has %d", key, len(lf.rows), f.NumRows())
	}
	return lf
}

// columnValues reads every value of a column chunk of a non-repeated
// column: one per row, nulls included.
func columnValues(t testing.TB, key string, cc parquet.ColumnChunk) []parquet.Value {
	t.Helper()
	pages := cc.Pages()
	defer pages.Close()
	var out []parquet.Value
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		vals := make([]parquet.Value, p.NumValues())
		n, err := p.Values().ReadValues(vals)
		if err != nil && err != io.EOF {
			t.Fatalf("%s: %v", key, err)
		}
		for _, v := range vals[:n] {
			out = append(out, v.Clone())
		}
		parquet.Release(p)
	}
}

// readLocal reads every file of a local lake, by key.
func readLocal(t testing.TB, dir string) map[string]lakeFile {
	return readLocalRows(t, dir, true)
}

// readLocalRows reads a local lake, in full or only the identities.
func readLocalRows(t testing.TB, dir string, full bool) map[string]lakeFile {
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
		out[key] = readParquetRows(t, key, data, full)
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
