package securitylake

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// TestBounds writes one file big enough for several row groups and pages:
// row groups hold at most MaxRowsPerRowGroup rows, every page (its
// compressed size, from the offset index) is under Security Lake's 1 MB,
// and a column of long values has more than one page.
func TestBounds(t *testing.T) {
	var recs []collector.Record
	for _, r := range demo(t)["automox"] {
		if r.Class == ocsf.ClassAccountChange {
			recs = append(recs, r)
		}
	}
	base := len(recs)
	for i := 0; len(recs) < boundsEvents; i++ {
		r := recs[i%base]
		r.UID = fmt.Sprint(r.UID, "-", i)
		recs = append(recs, r)
	}
	o, err := New(context.Background(), Config{Path: t.TempDir(), Region: "us-east-1", AccountID: "123456789012", MaxRowsPerRowGroup: boundsRows})
	if err != nil {
		t.Fatal(err)
	}
	data, err := o.encode(recs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != int64(len(recs)) {
		t.Fatalf("%d rows, want %d", f.NumRows(), len(recs))
	}
	groups := f.RowGroups()
	if len(groups) != (len(recs)+boundsRows-1)/boundsRows {
		t.Errorf("%d row groups for %d rows at most %d each", len(groups), len(recs), boundsRows)
	}
	maxPages := 0
	for i, rg := range groups {
		if rg.NumRows() > boundsRows {
			t.Errorf("row group %d has %d rows", i, rg.NumRows())
		}
		for j, cc := range rg.ColumnChunks() {
			idx, err := cc.OffsetIndex()
			if err != nil {
				t.Fatalf("row group %d column %d: %v", i, j, err)
			}
			maxPages = max(maxPages, idx.NumPages())
			for p := range idx.NumPages() {
				if size := idx.CompressedPageSize(p); size > 1<<20 {
					t.Errorf("row group %d column %d page %d: %d bytes", i, j, p, size)
				}
			}
		}
	}
	if maxPages < 2 {
		t.Errorf("no column has more than one page: the page bound is not exercised")
	}
}
