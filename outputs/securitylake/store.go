package securitylake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// store is where the lake's objects go: a local directory or an S3
// prefix. Keys are slash-separated, relative to the lake's root.
type store interface {
	// put stores data under key whole or not at all.
	put(ctx context.Context, key string, data []byte) error
	// list returns every key under prefix (a directory-like key ending in
	// "/").
	list(ctx context.Context, prefix string) ([]string, error)
	// remove deletes key; a missing key is not an error.
	remove(ctx context.Context, key string) error
	// String names the store for errors and logs.
	String() string
}

// localStore is a directory.
type localStore struct {
	dir string
	// noSync skips fsync, for tests whose crashes are simulated in the
	// process and would only wait on the disk.
	noSync bool
}

func (l localStore) String() string { return l.dir }

// tmpMark is in the name of a file being written; a crash may leave one
// behind, which Recover removes.
const tmpMark = ".tmp-"

// put writes data to a temporary file beside key's, syncs it, renames it
// to key's name and syncs the directory: after put returns, the file is
// there whole, and before, no file of that name is partial.
func (l localStore) put(_ context.Context, key string, data []byte) (err error) {
	name := filepath.Join(l.dir, filepath.FromSlash(key))
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, "."+filepath.Base(name)+tmpMark+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if !l.noSync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, name); err != nil {
		return err
	}
	if l.noSync {
		return nil
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

func (l localStore) list(_ context.Context, prefix string) ([]string, error) {
	root := filepath.Join(l.dir, filepath.FromSlash(prefix))
	var keys []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipAll
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(l.dir, p)
			if err != nil {
				return err
			}
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	return keys, err
}

func (l localStore) remove(_ context.Context, key string) error {
	err := os.Remove(filepath.Join(l.dir, filepath.FromSlash(key)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// S3API is the part of the S3 client the output uses; *s3.Client
// implements it. Config.S3 takes one to use instead of a client built from
// the standard AWS configuration chain.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// s3Store is a bucket and a key prefix ("" or ending in "/").
type s3Store struct {
	client S3API
	bucket string
	prefix string
}

func (s s3Store) String() string { return "s3://" + s.bucket + "/" + s.prefix }

// put uploads data with one PutObject: S3 stores an object whole or not at
// all, and a second put of the same key replaces the first.
func (s s3Store) put(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String("application/vnd.apache.parquet"),
	})
	return err
}

func (s s3Store) list(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix + prefix)}
	p := s3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if !strings.HasPrefix(k, s.prefix) {
				return nil, fmt.Errorf("listing returned key %q outside prefix %q", k, s.prefix)
			}
			keys = append(keys, strings.TrimPrefix(k, s.prefix))
		}
	}
	return keys, nil
}

func (s s3Store) remove(ctx context.Context, key string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	return err
}

// parseS3 splits "s3://bucket/prefix" into the bucket and the prefix
// ("" or ending in "/").
func parseS3(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", fmt.Errorf("not an s3:// URL")
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("s3 URL %q has no bucket", u)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if path.Clean(prefix) != prefix || strings.HasPrefix(prefix, "..") {
			return "", "", fmt.Errorf("s3 URL %q: prefix is not a clean path", u)
		}
		prefix += "/"
	}
	return bucket, prefix, nil
}
