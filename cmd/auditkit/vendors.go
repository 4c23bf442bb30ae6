package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/auditkit/auditkit/vendors"
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
	for i, v := range vendors.All() {
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
		for j, s := range v.Settings {
			label := ""
			if j == 0 {
				label = "settings"
			}
			var from []string
			if s.Flag != "" {
				from = append(from, "--"+s.Flag)
			}
			if s.Env != "" {
				from = append(from, s.Env)
			}
			kind := "setting"
			if s.Secret {
				kind = "credential, environment only"
			}
			if s.Required {
				kind += ", required"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\n", label, strings.Join(from, " or "), s.Help, kind)
		}
		if len(v.Filters) == 0 {
			fmt.Fprintf(tw, "  filters\t(none)\n")
		}
		for j, f := range v.Filters {
			label := ""
			if j == 0 {
				label = "filters"
			}
			allowed := f.Allowed
			if allowed == "" && f.Values != nil {
				allowed = strings.Join(f.Values, "|")
			}
			fmt.Fprintf(tw, "  %s\t%s=\t%s\t%s\n", label, f.Name, allowed, f.Help)
		}
		fmt.Fprintf(tw, "  order\t%s\n", orderLine(v))
		fmt.Fprintf(tw, "  demo\tauditkit pull %s --demo\n", v.Name)
		tw.Flush()
	}
}

// orderLine says which --order values v takes, and its note.
func orderLine(v *vendors.Vendor) string {
	s := v.Natural.String() + " (the API's)"
	for _, o := range v.Orders {
		if o != v.Natural {
			s += ", " + o.String()
		}
	}
	if v.OrderNote != "" {
		s += ": " + v.OrderNote
	}
	return s
}

// settingHint names the setting flags that can stand in for --base-url.
func settingHint(v *vendors.Vendor) string {
	for _, s := range v.Settings {
		if s.BaseURL && s.Flag != "" {
			return " or --" + s.Flag
		}
	}
	return ""
}
