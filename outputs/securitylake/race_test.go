//go:build race

package securitylake

// Under the race detector, where parquet-go runs many times slower, the
// tests use less data; a run without -race (and internal/lakecheck's
// DuckDB check) covers the full demo data sets.
const (
	demoEvents   = 40   // per vendor
	killEvents   = 20   // per vendor, of the kill-and-restart runs
	boundsEvents = 1000 // in TestBounds's one file
	boundsRows   = 250  // its MaxRowsPerRowGroup
)
