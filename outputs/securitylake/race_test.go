//go:build race

package securitylake

// killEvents is the events per vendor of the kill-and-restart runs: fewer
// under the race detector, where parquet-go is many times slower.
const killEvents = 20
