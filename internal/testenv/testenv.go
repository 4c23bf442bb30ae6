// Package testenv decides what a test does when something outside the
// module is missing (the reference validator in ../shared, python3): on a
// developer's machine it skips, saying what is missing; where
// AUDITKIT_REQUIRE_EXTERNAL is set (CI sets it, in .ci/run) it fails, so
// that a run without them cannot pass.
package testenv

import (
	"os"
	"testing"
)

// RequireVar is the environment variable that turns skips into failures.
const RequireVar = "AUDITKIT_REQUIRE_EXTERNAL"

// Required reports whether external test dependencies are required.
func Required() bool { return os.Getenv(RequireVar) != "" }

// Missing skips tb, or fails it when Required, with the message.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if Required() {
		tb.Fatalf(format+" ("+RequireVar+" is set: this test must run)", args...)
		return
	}
	tb.Skipf(format+" (set "+RequireVar+"=1 to make this a failure)", args...)
}
