//go:build race

package securitylake

// Under the race detector the kill-and-restart runs use fewer events.
const (
	demoEvents   = 200  // per vendor
	killEvents   = 30   // per vendor, of the kill-and-restart runs
	boundsEvents = 3000 // in TestBounds's one file
	boundsRows   = 700  // its MaxRowsPerRowGroup
)
