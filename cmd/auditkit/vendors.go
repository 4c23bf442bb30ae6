package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// listVendors is "auditkit vendors": each vendor, its endpoint, its filters
// with their allowed values, its setting flags and its environment variables.
func listVendors(args []string, e *env) int {
	fs := flag.NewFlagSet("auditkit vendors", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stdout, "Usage: auditkit vendors\n\nLists each vendor, its endpoint, the filters --filter takes with their allowed values,\nits setting flags and the environment variables it reads.")
			return exitOK
		}
		fmt.Fprintf(e.stderr, "auditkit: vendors: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "auditkit: vendors takes no argument (got %q)\n", fs.Arg(0))
		return exitUsage
	}
	writeVendors(e.stdout)
	return exitOK
}

func writeVendors(w io.Writer) {
	for i, v := range vendors {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s — %s\n", v.Name, v.Title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  endpoint\t%s\n", v.Endpoint)
		base := v.DefaultBaseURL
		if base == "" {
			base = "(none: give --base-url" + settingHint(v) + ")"
		}
		fmt.Fprintf(tw, "  base URL\t%s\n", base)
		for j, ev := range v.Env {
			label := ""
			if j == 0 {
				label = "env"
			}
			kind := "setting"
			if ev.Secret {
				kind = "credential"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\n", label, ev.Name, ev.Help, kind)
		}
		for j, s := range v.Settings {
			label := ""
			if j == 0 {
				label = "flags"
			}
			fmt.Fprintf(tw, "  %s\t--%s\t%s\n", label, s, settingUsage(s))
		}
		if len(v.Filters) == 0 {
			fmt.Fprintf(tw, "  filters\t(none)\n")
		}
		for j, f := range v.Filters {
			label := ""
			if j == 0 {
				label = "filters"
			}
			fmt.Fprintf(tw, "  %s\t%s=\t%s\t%s\n", label, f.Name, f.Allowed, f.Help)
		}
		fmt.Fprintf(tw, "  demo\tauditkit pull %s --demo\n", v.Name)
		tw.Flush()
	}
}

// settingHint names the setting flags that can stand in for --base-url.
func settingHint(v *vendor) string {
	for _, s := range v.Settings {
		if s == "server" || s == "tenant" {
			return " or --" + s
		}
	}
	return ""
}

func settingUsage(name string) string {
	for _, s := range settingFlags {
		if s.Name == name {
			return s.Usage
		}
	}
	return ""
}

// filterNames lists v's filter names, for error messages.
func filterNames(v *vendor) string {
	if len(v.Filters) == 0 {
		return "none: " + v.Name + " takes no filter"
	}
	names := make([]string, len(v.Filters))
	for i, f := range v.Filters {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// vendorNames lists the vendors, for error messages.
func vendorNames() string {
	names := make([]string, len(vendors))
	for i, v := range vendors {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}
