package testenv

import (
	"strings"
	"testing"
)

type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Fatalf(f string, args ...any) { r.fatal = f }
func (r *recorder) Skipf(f string, args ...any)  { r.skip = f }

func TestMissing(t *testing.T) {
	t.Setenv(RequireVar, "")
	r := &recorder{}
	Missing(r, "validate.py not found")
	if r.skip == "" || r.fatal != "" {
		t.Errorf("without %s: skip %q, fatal %q", RequireVar, r.skip, r.fatal)
	}
	t.Setenv(RequireVar, "1")
	r = &recorder{}
	Missing(r, "validate.py not found")
	if r.fatal == "" || r.skip != "" || !strings.Contains(r.fatal, "must run") {
		t.Errorf("with %s: skip %q, fatal %q", RequireVar, r.skip, r.fatal)
	}
}
