package main

import (
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// ocsfVersionOption adds the client option of --ocsf-version to cfg; a
// version the ocsf package does not write is a usage error (exit 2) listing
// the allowed ones. An empty flag leaves the default, 1.1.0.
func ocsfVersionOption(cfg *vendors.Config, given string) error {
	if given == "" {
		return nil
	}
	v, err := ocsf.ParseVersion(given)
	if err != nil {
		return usagef("--ocsf-version %q: want one of %s", given, strings.Join(ocsf.Versions(), ", "))
	}
	cfg.Options = append(cfg.Options, auditclient.WithOCSFVersion(v))
	return nil
}
