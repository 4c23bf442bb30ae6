package securitylake

import (
	"context"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/auditkit/auditkit/collector"
)

// startS3 starts an in-process S3 (gofakes3 on an s3mem backend) on
// loopback with one bucket, and returns its URL and a client for the
// test's own reads.
func startS3(t testing.TB, bucket string) (string, *s3.Client) {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "test-secret"}, nil
		}),
	})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return srv.URL, client
}

// awsEnv makes the standard AWS chain find test credentials in the
// environment and nothing else (no files, no instance metadata).
func awsEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/auditkit-test")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/auditkit-test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// readS3 reads every object under prefix, by key relative to it.
func readS3(t testing.TB, client *s3.Client, bucket, prefix string) map[string]lakeFile {
	return readS3Rows(t, client, bucket, prefix, true)
}

// readS3Rows reads every object under prefix, in full or only the
// identities.
func readS3Rows(t testing.TB, client *s3.Client, bucket, prefix string, full bool) map[string]lakeFile {
	t.Helper()
	ctx := context.Background()
	out := map[string]lakeFile{}
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range list.Contents {
		key := aws.ToString(obj.Key)
		rel, ok := strings.CutPrefix(key, prefix)
		if !ok {
			t.Errorf("object %s outside prefix %s", key, prefix)
			continue
		}
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = readParquetRows(t, rel, data, full)
	}
	return out
}

// TestS3 writes to s3://bucket/prefix through a client made from the
// standard AWS chain (endpoint and path style from the config), crashes
// after a write whose checkpoint is not saved, recovers and writes again:
// the bucket holds every event once, under the expected keys.
func TestS3(t *testing.T) {
	awsEnv(t)
	ctx := context.Background()
	url, client := startS3(t, "aws-security-data-lake-us-east-1-test")
	cfg := Config{Path: "s3://aws-security-data-lake-us-east-1-test/lake/", Region: "us-east-1", AccountID: "123456789012", Endpoint: url, PathStyle: true}
	o, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := demo(t)["entrust"]
	r3, q3 := len(recs)*3/5, len(recs)*3/4
	if err := o.Recover(ctx, "acme", nil); err != nil {
		t.Fatal(err)
	}
	pos, err := o.Write(ctx, collector.Batch{Source: "acme", Records: recs[:r3], Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write(ctx, collector.Batch{Source: "acme", Records: recs[r3:], Seq: 2}); err != nil {
		t.Fatal(err)
	}
	// Restart at batch 1: batch 2's objects go; the re-run splits the
	// rest in two.
	if o, err = New(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := o.Recover(ctx, "acme", pos); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write(ctx, collector.Batch{Source: "acme", Records: recs[r3:q3], Seq: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write(ctx, collector.Batch{Source: "acme", Records: recs[q3:], Seq: 3}); err != nil {
		t.Fatal(err)
	}
	files := readS3(t, client, "aws-security-data-lake-us-east-1-test", "lake/")
	wantKeys := map[string]bool{}
	for i, r := range recs {
		seq := int64(1)
		if i >= q3 {
			seq = 3
		} else if i >= r3 {
			seq = 2
		}
		wantKeys[o.Key("acme", seq, r.Class, r.Time)] = true
	}
	if got, want := sortedKeys(files), sortedKeys(wantKeys); !slices.Equal(got, want) {
		t.Fatalf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	counts := map[string]int{}
	for _, f := range files {
		for _, row := range f.rows {
			counts[identity(row)]++
		}
	}
	want := map[string]int{}
	for _, r := range recs {
		want[recIdentity(r)]++
	}
	if !mapsEqual(counts, want) {
		t.Errorf("bucket holds %d rows of %d events, want %d of %d", sum(counts), len(counts), len(recs), len(want))
	}
}
