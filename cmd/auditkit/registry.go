package main

import (
	"slices"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all" // every vendor package registers itself
)

// The CLI knows the vendors through the public registry (package vendors):
// their settings (flags and environment variables), filters, orders and
// how to open a walk; and their demo fakes through audittest.StartDemo.

// settingFlag is one vendor-setting flag of "auditkit pull": the union of
// the registered vendors' Setting.Flag values.
type settingFlag struct {
	Name  string // without dashes, e.g. "server"
	Usage string // the vendors that take it and what it holds
}

// settingFlags lists every vendor-setting flag, sorted by name. Several
// vendors may share one (--server for NPrinting and Tanium).
func settingFlags() []settingFlag {
	var out []settingFlag
	for _, v := range vendors.All() {
		for _, s := range v.Settings {
			if s.Flag == "" {
				continue
			}
			use := v.Title + ": " + s.Help
			if s.Env != "" {
				use += " (or " + s.Env + ")"
			}
			i := slices.IndexFunc(out, func(f settingFlag) bool { return f.Name == s.Flag })
			if i < 0 {
				out = append(out, settingFlag{Name: s.Flag, Usage: use})
				continue
			}
			out[i].Usage += "; " + use
		}
	}
	slices.SortFunc(out, func(a, b settingFlag) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// flagSetting returns v's setting read from the flag name, or nil.
func flagSetting(v *vendors.Vendor, flag string) *vendors.Setting {
	for i := range v.Settings {
		if v.Settings[i].Flag == flag {
			return &v.Settings[i]
		}
	}
	return nil
}

// vendorFlags lists v's setting flags, for error messages.
func vendorFlags(v *vendors.Vendor) []string {
	var out []string
	for _, s := range v.Settings {
		if s.Flag != "" {
			out = append(out, s.Flag)
		}
	}
	return out
}

// demoFaults is the fault mix of --demo-faults: the one the SDK's own
// fault-injected walks use (429, 503, resets, bodies cut short).
func demoFaults() audittest.Faults {
	return audittest.Faults{RateLimit: 0.2, Unavailable: 0.1, Reset: 0.05, Truncate: 0.05, Seed: 1}
}

// demoClientOptions make any vendor's client fit for its fake: short retry
// waits. (No rate option: no client has a fixed rate by default.)
func demoClientOptions() []auditclient.Option {
	return []auditclient.Option{
		auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}),
	}
}

// demoNow is the end of a --demo data set: the start of the current hour,
// so that a pull resumed from its checkpoint within the hour meets the same
// data set again.
func demoNow() time.Time { return time.Now().UTC().Truncate(time.Hour) }

// lookupVendor returns the vendor called name.
func lookupVendor(name string) (*vendors.Vendor, bool) { return vendors.Lookup(name) }

// vendorNames lists the vendors, for error messages.
func vendorNames() string { return strings.Join(vendors.Names(), ", ") }

// filterNames lists v's filter names, for error messages.
func filterNames(v *vendors.Vendor) string {
	if len(v.Filters) == 0 {
		return "none: " + v.Name + " takes no filter"
	}
	names := make([]string, len(v.Filters))
	for i, f := range v.Filters {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func hasFilter(v *vendors.Vendor, name string) bool {
	return slices.ContainsFunc(v.Filters, func(f vendors.Filter) bool { return f.Name == name })
}
