package securitylake

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// spec makes the OutputSpec the collector hands the factory for a YAML
// section, decoded strictly.
func spec(section, dir string) collector.OutputSpec {
	return collector.OutputSpec{
		Kind: Kind,
		Dir:  dir,
		Decode: func(v any) error {
			dec := yaml.NewDecoder(bytes.NewReader([]byte(section)))
			dec.KnownFields(true)
			return dec.Decode(v)
		},
	}
}

func TestFactory(t *testing.T) {
	f, ok := collector.LookupOutput(Kind)
	if !ok {
		t.Fatal("securitylake is not registered")
	}
	ctx := context.Background()
	out, err := f(ctx, spec(`
path: ./lake
region: us-east-1
external_id: acme
source_prefix: ak
custom_sources: {3002: okta-auth}
batch: 1000
max_rows_per_row_group: 500
`, "/etc/auditkit"), false)
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*Output)
	if o.cfg.Path != filepath.Join("/etc/auditkit", "lake") || o.BatchSize() != 1000 || o.cfg.MaxRowsPerRowGroup != 500 ||
		o.CustomSource(ocsf.ClassAuthentication) != "okta-auth" || o.CustomSource(ocsf.ClassAPIActivity) != "ak-6003" || o.account != "external_acme" {
		t.Errorf("config %+v, account %s", o.cfg, o.account)
	}
	out, err = f(ctx, spec("path: s3://bucket/p\nregion: eu-west-1\naccount_id: \"123456789012\"\nendpoint: http://127.0.0.1:1\npath_style: true\n", "/x"), true)
	if out != nil || err != nil {
		t.Errorf("check of a good section: %v, %v", out, err)
	}
	for section, want := range map[string]string{
		"path: x\nregion: us-east-1\naccount_id: \"123456789012\"\nbucket: y\n": "field bucket not found",
		"path: x\nregion: us-east-1\n":                                          "account_id (an AWS account) or external_id is required",
		"path: x\nregion: us-east-1\naccount_id: 12\n":                          "not a 12-digit AWS account",
	} {
		if _, err := f(ctx, spec(section, "/x"), true); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", section, err, want)
		}
	}
}

// TestExampleConfig decodes the output section of
// examples/collect/securitylake.yaml as the collector would, and checks it.
func TestExampleConfig(t *testing.T) {
	var doc struct {
		Output map[string]yaml.Node `yaml:"output"`
	}
	data, err := os.ReadFile("../../examples/collect/securitylake.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n, ok := doc.Output[Kind]
	if !ok || len(doc.Output) != 1 {
		t.Fatalf("output section %v: want only securitylake", doc.Output)
	}
	section, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	out, err := factory(context.Background(), spec(string(section), "../../examples/collect"), false)
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*Output)
	if o.cfg.Path != filepath.Join("../../examples/collect", "lake") || o.cfg.Region != "us-east-1" || o.account != "123456789012" || o.BatchSize() != 50000 {
		t.Errorf("config %+v", o.cfg)
	}
}
