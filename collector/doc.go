// Package collector is auditkit's long-running collector: many sources of
// many vendors, each pulled on its own interval into an Output, with each
// source's checkpoint saved in a Store only after the events it covers were
// delivered. The CLI's "auditkit collect" is a thin shell over Run.
package collector
