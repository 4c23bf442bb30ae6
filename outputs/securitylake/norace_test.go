//go:build !race

package securitylake

// killEvents is the events per vendor of the kill-and-restart runs.
const killEvents = 50
