package lakecheck_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/internal/lakecheck"
	"github.com/auditkit/auditkit/internal/testenv"
	"github.com/auditkit/auditkit/outputs/securitylake"
)

// TestDuckDB writes every vendor's demo events to a Security Lake layout
// and to NDJSON, then has DuckDB (check/check.mjs, npm @duckdb/node-api)
// read every Parquet file and compare it with the NDJSON. It needs node
// and npm; the npm install is kept in check/node_modules.
func TestDuckDB(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		testenv.Missing(t, "node and npm are needed for the DuckDB check (node: %v, npm: %v)", errNode, errNpm)
		return
	}
	checkDir, err := filepath.Abs("check")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(checkDir, "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = checkDir
		if out, err := cmd.CombinedOutput(); err != nil {
			testenv.Missing(t, "npm ci in %s failed: %v\n%s", checkDir, err, out)
			return
		}
	}

	ctx := context.Background()
	all, err := lakecheck.DemoRecords(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	o, err := securitylake.New(ctx, securitylake.Config{Path: lake, Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	var ndjson bytes.Buffer
	for _, vendor := range []string{"automox", "cisco", "entrust", "instavm", "nprinting", "tanium"} {
		recs := all[vendor]
		source := "demo-" + vendor
		if err := o.Recover(ctx, source, nil); err != nil {
			t.Fatal(err)
		}
		// Batches of 100: files of two batches share a partition.
		for seq, i := int64(1), 0; i < len(recs); seq, i = seq+1, i+100 {
			b := collector.Batch{Source: source, Vendor: vendor, Records: recs[i:min(i+100, len(recs))], Seq: seq}
			if _, err := o.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range recs {
			ndjson.Write(r.JSON)
			ndjson.WriteByte('\n')
		}
	}
	events := filepath.Join(dir, "events.ndjson")
	if err := os.WriteFile(events, ndjson.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(checkDir, "check.mjs"), lake, events)
	cmd.Dir = checkDir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s(check.mjs took %v)", out, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("check.mjs: %v", err)
	}
	if !strings.Contains(string(out), "1200 rows") || !strings.Contains(string(out), " 0 failures") {
		t.Errorf("check.mjs did not read the 1200 events: %s", out)
	}
}

// TestDuckDBFindsAMissingRow: the check fails when the lake lacks an
// event of the NDJSON, so a passing check means something.
func TestDuckDBFindsAMissingRow(t *testing.T) {
	node, errNode := exec.LookPath("node")
	if errNode != nil {
		testenv.Missing(t, "node is needed for the DuckDB check: %v", errNode)
		return
	}
	checkDir, _ := filepath.Abs("check")
	if _, err := os.Stat(filepath.Join(checkDir, "node_modules", "@duckdb", "node-api")); err != nil {
		testenv.Missing(t, "the DuckDB check's npm install is missing (TestDuckDB makes it): %v", err)
		return
	}
	ctx := context.Background()
	all, err := lakecheck.DemoRecords(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	o, err := securitylake.New(ctx, securitylake.Config{Path: lake, Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	recs := all["cisco"]
	if _, err := o.Write(ctx, collector.Batch{Source: "c", Records: recs[1:], Seq: 1}); err != nil {
		t.Fatal(err)
	}
	var ndjson bytes.Buffer
	for _, r := range recs {
		ndjson.Write(r.JSON)
		ndjson.WriteByte('\n')
	}
	events := filepath.Join(dir, "events.ndjson")
	if err := os.WriteFile(events, ndjson.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(checkDir, "check.mjs"), lake, events)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "1 time(s) in the NDJSON, 0 in the lake") {
		t.Errorf("check.mjs on a lake missing one event: %v\n%s", err, out)
	}
}
