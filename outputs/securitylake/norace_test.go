//go:build !race

package securitylake

const (
	demoEvents   = 200  // per vendor
	killEvents   = 50   // per vendor, of the kill-and-restart runs
	boundsEvents = 3000 // in TestBounds's one file
	boundsRows   = 700  // its MaxRowsPerRowGroup
)
