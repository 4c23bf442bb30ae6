package golden

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

type rec struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

func (r *rec) UID() string { return r.ID }

func toOCSF(r rec) ocsf.Event {
	e := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC))
	e.Status = ocsf.StatusSuccess
	e.Metadata.UID = r.ID
	e.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	e.User = &ocsf.User{UID: "u-42", Name: "bob"}
	e.Service = &ocsf.Service{Name: "Console"}
	e.Message = r.Note
	return e
}

func TestDecode(t *testing.T) {
	if r := Decode[rec](t, `{"id":"a","note":"n"}`); r != (rec{"a", "n"}) {
		t.Errorf("Decode = %+v", r)
	}
}

func TestMapped(t *testing.T) {
	recs := []rec{{"a", "R&D <lab>"}, {"b", "plain"}}
	got := Mapped(t, recs, toOCSF)
	var want []byte
	for _, r := range recs {
		j, err := json.MarshalIndent(toOCSF(r), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(append(want, j...), '\n')
	}
	if string(got) != string(want) {
		t.Errorf("Mapped =\n%s\nwant json.MarshalIndent's\n%s", got, want)
	}
	if !strings.Contains(string(got), `R\u0026D \u003clab\u003e`) {
		t.Errorf("Mapped did not escape HTML: %s", got)
	}
	if u := MappedUnescaped(t, recs, toOCSF); !strings.Contains(string(u), `"R&D <lab>"`) || strings.Count(string(u), "\n}\n") != 2 {
		t.Errorf("MappedUnescaped =\n%s", u)
	}
}

func TestMappedFailsAnInvalidEvent(t *testing.T) {
	r := &recorder{TB: t}
	Mapped(r, []rec{{"a", "x"}}, func(x rec) ocsf.Event { e := toOCSF(x); e.Service = nil; return e })
	if len(r.errs) != 1 || !strings.HasPrefix(r.errs[0], "a: ") {
		t.Errorf("an invalid event: %q", r.errs)
	}
}

func TestCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "golden", "x.ocsf.golden.json")
	if err := compare(path, []byte("one\n"), false); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "-update") {
		t.Errorf("missing file: %v", err)
	}
	if err := compare(path, []byte("one\n"), true); err != nil {
		t.Fatalf("update: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "one\n" {
		t.Errorf("written %q, %v", b, err)
	}
	if err := compare(path, []byte("one\n"), false); err != nil {
		t.Errorf("same: %v", err)
	}
	if err := compare(path, []byte("two\n"), false); !errors.Is(err, errDiffers) || !strings.Contains(err.Error(), "two") {
		t.Errorf("different: %v", err)
	}
}

// recorder is a testing.TB that records errors instead of reporting them.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
