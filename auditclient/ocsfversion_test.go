package auditclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/pagination"
)

type ipRecord struct {
	ID string `json:"id"`
	IP string `json:"ip"`
}

// walkVersions walks one page of two records through a Client made with
// opts, mapped to Entity Management events with the record's IP as
// src_endpoint, and returns the events as JSON.
func walkVersions(t *testing.T, opts ...auditclient.Option) []ocsf.Event {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"a","ip":"192.0.2.1"},{"id":"b","ip":"2001:db8::7"}]`))
	}))
	t.Cleanup(srv.Close)
	cfg := auditclient.Config{Vendor: "test", BaseURL: srv.URL}
	auditclient.ApplyOptions(&cfg, opts...)
	c, err := auditclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	src := auditclient.Source[ipRecord]{
		Vendor: "test", Query: "q",
		Window: auditclient.Window{Since: at.Add(-time.Hour), Until: at.Add(time.Hour)},
		Open: func(ctx context.Context, w auditclient.Window, token string) *pagination.Pager[ipRecord] {
			return pagination.NextToken(ctx, func(ctx context.Context, token string) ([]ipRecord, string, error) {
				var recs []ipRecord
				_, err := c.Get(ctx, "/events", nil, &recs)
				return recs, "", err
			}, pagination.Options{})
		},
		Key: func(r ipRecord) (time.Time, string) { return at, r.ID },
		Map: func(r ipRecord) (ocsf.Event, error) {
			ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, at)
			ev.Metadata.Product = ocsf.Product{Name: "P", VendorName: "V"}
			ev.Entity = &ocsf.ManagedEntity{Name: r.ID}
			ev.SrcEndpoint = &ocsf.NetworkEndpoint{IP: r.IP}
			ocsf.AddObservables(&ev)
			return ev, nil
		},
	}
	it := auditclient.NewIterator(context.Background(), src, nil)
	defer it.Close()
	var out []ocsf.Event
	for it.Next() {
		out = append(out, it.Event())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 {
		t.Fatalf("%d events", len(out))
	}
	return out
}

func TestWithOCSFVersion(t *testing.T) {
	for _, tt := range []struct {
		opts    []auditclient.Option
		version string
		obsName string
		json    string
	}{
		{nil, "1.1.0", "unmapped.src_endpoint.ip", `"unmapped":{"src_endpoint":{"ip":"192.0.2.1"}}`},
		{[]auditclient.Option{auditclient.WithOCSFVersion(ocsf.V1_1_0)}, "1.1.0", "unmapped.src_endpoint.ip", `"unmapped":{"src_endpoint":{"ip":"192.0.2.1"}}`},
		{[]auditclient.Option{auditclient.WithOCSFVersion(ocsf.V1_8_0)}, "1.8.0", "src_endpoint.ip", `"src_endpoint":{"ip":"192.0.2.1"}`},
	} {
		evs := walkVersions(t, tt.opts...)
		for i, ev := range evs {
			if ev.Metadata.Version != tt.version || len(ev.Observables) == 0 || ev.Observables[0].Name != tt.obsName {
				t.Errorf("%s: event %d: version %s, observables %+v", tt.version, i, ev.Metadata.Version, ev.Observables)
			}
			if err := ocsf.Validate(ev); err != nil {
				t.Errorf("%s: %v", tt.version, err)
			}
		}
		data, _ := evs[0].MarshalJSON()
		if !strings.Contains(string(data), tt.json) || !strings.Contains(string(data), `"version":"`+tt.version+`"`) {
			t.Errorf("%s: %s", tt.version, data)
		}
	}
}

func TestWithOCSFVersionInvalid(t *testing.T) {
	cfg := auditclient.Config{Vendor: "test", BaseURL: "http://127.0.0.1:1"}
	auditclient.ApplyOptions(&cfg, auditclient.WithOCSFVersion("1.2.0"))
	_, err := auditclient.New(cfg)
	var ce *auditclient.ConfigError
	if !errors.As(err, &ce) || ce.Option != "OCSFVersion (WithOCSFVersion)" ||
		err.Error() != `test: invalid OCSFVersion (WithOCSFVersion) "1.2.0": must be one of 1.1.0, 1.8.0` {
		t.Fatalf("got %v", err)
	}
	c, err := auditclient.New(auditclient.Config{Vendor: "test", BaseURL: "http://127.0.0.1:1"})
	if err != nil || c.OCSFVersion() != ocsf.V1_1_0 {
		t.Fatalf("default: %v, %v", c, err)
	}
}

// A vendor client made with WithOCSFVersion yields OCSF 1.8.0 events from
// its walks; a version the ocsf package does not write is refused before
// anything is sent.
func ExampleWithOCSFVersion() {
	cfg := auditclient.Config{Vendor: "example", BaseURL: "https://api.example.com"}
	auditclient.ApplyOptions(&cfg, auditclient.WithOCSFVersion(ocsf.V1_8_0))
	c, err := auditclient.New(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.OCSFVersion())

	cfg.OCSFVersion = "1.2.0"
	_, err = auditclient.New(cfg)
	fmt.Println(err)
	// Output:
	// 1.8.0
	// example: invalid OCSFVersion (WithOCSFVersion) "1.2.0": must be one of 1.1.0, 1.8.0
}
