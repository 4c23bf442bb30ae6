package securitylake_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/outputs/securitylake"
)

// A Go program hands batches to the output as the collector does: Recover
// once with the position saved last, then Write, saving each returned
// position with the checkpoint.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "lake")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	out, err := securitylake.New(ctx, securitylake.Config{
		Path:      dir, // or "s3://aws-security-data-lake-us-east-1-xxxx"
		Region:    "us-east-1",
		AccountID: "123456789012",
	})
	if err != nil {
		panic(err)
	}
	defer out.Close()

	ev := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	ev.Metadata.UID = "evt-1"
	ev.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	ev.User = &ocsf.User{UID: "u-42", Name: "bob"}
	rec, err := collector.NewRecord(ev)
	if err != nil {
		panic(err)
	}

	if err := out.Recover(ctx, "acme-console", nil); err != nil {
		panic(err)
	}
	pos, err := out.Write(ctx, collector.Batch{Source: "acme-console", Vendor: "example", Records: []collector.Record{rec}, Seq: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("position:", string(pos))
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			fmt.Println(filepath.ToSlash(rel))
		}
		return err
	})
	// Output:
	// position: {"seq":1}
	// ext/auditkit-3002/region=us-east-1/accountId=123456789012/eventDay=20260302/acme-console-000000000001.parquet
}
