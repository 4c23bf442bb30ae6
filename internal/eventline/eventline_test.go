package eventline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/internal/eventline"
	"github.com/auditkit/auditkit/internal/walktest"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all"
)

// encodingJSON is what the CLI wrote before package eventline: a
// json.Encoder without HTML escaping (OCSF), json.Compact (raw).
func encodingJSON(t *testing.T, ev ocsf.Event, raw bool) string {
	t.Helper()
	var b bytes.Buffer
	if raw {
		if err := json.Compact(&b, []byte(ev.RawData)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Every event of every vendor's demo data set is written byte for byte as
// encoding/json writes it, in both formats, the encoders' buffers reused.
func TestLinesAsEncodingJSON(t *testing.T) {
	for _, name := range audittest.DemoVendors() {
		t.Run(name, func(t *testing.T) {
			demo, err := audittest.StartDemo(name, audittest.DemoConfig{Events: 400})
			if err != nil {
				t.Fatal(err)
			}
			defer demo.Close()
			src, err := vendors.Open(context.Background(), name, vendors.Config{
				Settings: demo.Settings, BaseURL: demo.BaseURL, Since: time.Now().AddDate(0, 0, -90),
				Options: walktest.FastOptions(""),
			})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Events.Close()
			raw, oc := eventline.Encoder{Raw: true}, eventline.Encoder{}
			n := 0
			for ev, err := range src.Events.All() {
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					enc *eventline.Encoder
					raw bool
				}{{&raw, true}, {&oc, false}} {
					line, err := c.enc.Encode(&ev)
					if err != nil {
						t.Fatal(err)
					}
					if want := encodingJSON(t, ev, c.raw); string(line) != want {
						t.Fatalf("event %d (raw %v):\n got %s\nwant %s", n, c.raw, line, want)
					}
				}
				n++
			}
			if n == 0 {
				t.Fatal("the walk yielded no event")
			}
		})
	}
}

func TestRawErrors(t *testing.T) {
	enc := eventline.Encoder{Raw: true}
	if _, err := enc.Encode(&ocsf.Event{}); !errors.Is(err, eventline.ErrNoRawData) {
		t.Errorf("an event without raw_data: %v, want ErrNoRawData", err)
	}
	for _, bad := range []string{`{"a":`, `{"a":1}{`, `nope`} {
		if line, err := enc.Encode(&ocsf.Event{RawData: bad}); err == nil || !strings.Contains(err.Error(), "raw_data is not JSON") {
			t.Errorf("raw_data %q: %q, %v; want an error", bad, line, err)
		}
	}
	line, err := enc.Encode(&ocsf.Event{RawData: " { \"a\" : [1, 2] } "})
	if err != nil || string(line) != `{"a":[1,2]}` {
		t.Errorf("raw_data with spaces: %q, %v", line, err)
	}
}
