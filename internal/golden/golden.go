// Package golden holds the helpers the vendor packages' mapping tests
// share: decoding a record from its JSON, mapping records to OCSF as
// indented JSON, and comparing that with a golden file under
// testdata/golden, which the -update flag rewrites.
//
// It is for tests only; the SDK itself never imports it.
package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditkit/auditkit/ocsf"
)

// update is the -update flag of every test binary that imports the
// package: Check rewrites the golden files instead of only reading them.
var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// Record is a pointer to a vendor record, R: UID names the record in
// failures.
type Record[R any] interface {
	*R
	UID() string
}

// Decode reads the JSON text s into a T, failing tb when it does not
// decode.
func Decode[T any](tb testing.TB, s string) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		tb.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// Mapped maps each of recs with toOCSF and returns the events as indented
// JSON, each followed by a newline (json.MarshalIndent's text, "<", ">"
// and "&" escaped). An event that does not validate (ocsf.Validate) fails
// tb, naming its record.
func Mapped[R any, P Record[R]](tb testing.TB, recs []R, toOCSF func(R) ocsf.Event) []byte {
	tb.Helper()
	return mapped[R, P](tb, recs, toOCSF, true)
}

// MappedUnescaped is Mapped with "<", ">" and "&" written as they are.
func MappedUnescaped[R any, P Record[R]](tb testing.TB, recs []R, toOCSF func(R) ocsf.Event) []byte {
	tb.Helper()
	return mapped[R, P](tb, recs, toOCSF, false)
}

func mapped[R any, P Record[R]](tb testing.TB, recs []R, toOCSF func(R) ocsf.Event, escapeHTML bool) []byte {
	tb.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(escapeHTML)
	enc.SetIndent("", "  ")
	for i := range recs {
		ev := toOCSF(recs[i])
		if err := ocsf.Validate(ev); err != nil {
			tb.Errorf("%s: %v", P(&recs[i]).UID(), err)
		}
		if err := enc.Encode(ev); err != nil {
			tb.Fatalf("%s: %v", P(&recs[i]).UID(), err)
		}
	}
	return out.Bytes()
}

// Check fails tb unless got is the golden file
// testdata/golden/<name>.ocsf.golden.json. With -update it first writes
// got there (creating the folder), so the comparison passes.
func Check(tb testing.TB, name string, got []byte) {
	tb.Helper()
	if err := compare(filepath.Join("testdata", "golden", name+".ocsf.golden.json"), got, *update); err != nil {
		tb.Error(err)
	}
}

// errDiffers is the error of a golden file that does not hold got.
var errDiffers = errors.New("differs from the golden file; diff it, and run with -update if the change is right")

// compare writes got to the file path when update is set, then reports
// whether the file holds got.
func compare(path string, got []byte, update bool) error {
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			return err
		}
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (run with -update to create it)", err)
	}
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s %w\ngot:\n%s", path, errDiffers, got)
	}
	return nil
}
