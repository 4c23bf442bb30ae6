// Package depcheck holds the test that keeps the SDK's dependencies to the
// four chosen modules and the standard library.
package depcheck
