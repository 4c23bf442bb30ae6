// Package readme holds the test that runs every Go snippet of the
// repository's README.md against the vendors' fakes, exactly as written:
// each snippet is a complete program (package main) or test file
// (package main_test), built as it stands and run with the credentials
// and settings of the vendors' demo fakes in the environment variables the
// README names. The programs call the vendors' real host names; an HTTPS
// proxy on loopback (HTTPS_PROXY), trusted through SSL_CERT_FILE, routes
// every host to its fake, so nothing leaves the machine and no name is
// looked up.
//
// It has no code of its own outside its test.
package readme
