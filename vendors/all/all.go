// Package all registers every vendor package of auditkit with the vendors
// registry. Import it for its side effect:
//
//	import _ "github.com/auditkit/auditkit/vendors/all"
//
// A program that needs only some vendors imports those packages instead:
// each registers itself.
package all

import (
	// One line per vendor: importing the package registers it.
	_ "github.com/auditkit/auditkit/automox"
	_ "github.com/auditkit/auditkit/cisco"
	_ "github.com/auditkit/auditkit/entrust"
	_ "github.com/auditkit/auditkit/instavm"
	_ "github.com/auditkit/auditkit/nprinting"
	_ "github.com/auditkit/auditkit/tanium"
)
