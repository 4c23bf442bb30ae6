package securitylake

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/parquet-go/parquet-go"

	"github.com/auditkit/auditkit/collector"
	"github.com/auditkit/auditkit/ocsf"
)

// Kind is the output's kind in a collector config file:
// output: {securitylake: {...}}.
const Kind = "securitylake"

// Defaults of Config.
const (
	// DefaultBatchSize is the most events of one collector batch, so one
	// delivery: fewer, bigger files, as Security Lake wants.
	DefaultBatchSize = 50_000
	// DefaultSourcePrefix starts the custom source names.
	DefaultSourcePrefix = "auditkit"
	// DefaultMaxRowsPerRowGroup bounds a row group's rows. Audit events
	// are a few KiB, so a row group stays far below the 256 MB Security
	// Lake allows; maxRowGroupBytes bounds it by size too.
	DefaultMaxRowsPerRowGroup = 50_000
)

const (
	// maxRowGroupBytes closes a row group once this much event JSON went
	// into it (the columns hold about as much before compression).
	maxRowGroupBytes = 128 << 20
	// pageBufferSize is the in-memory size of a page before encoding and
	// zstd, which bounds data pages well under Security Lake's 1 MB (a
	// single value longer than that, a huge raw_data, makes a page as long).
	pageBufferSize = 256 << 10
	// maxSourceName is Security Lake's limit for a custom source name, so
	// that its provider role name fits IAM's 64 characters.
	maxSourceName = 20
)

// Config configures an Output.
type Config struct {
	// Path is the lake's root: a local directory, or s3://bucket/prefix
	// (the Security Lake bucket, aws-security-data-lake-{region}-{id},
	// with an empty prefix). Objects go under ext/ below it.
	Path string
	// Region is the AWS region of the lake (region= of the layout).
	Region string
	// AccountID is the 12-digit AWS account that owns the data
	// (accountId= of the layout). Exactly one of AccountID and
	// ExternalID is set.
	AccountID string
	// ExternalID identifies a non-AWS account: the layout's accountId is
	// then external_{ExternalID}.
	ExternalID string
	// SourcePrefix starts the custom source names, {SourcePrefix}-{class
	// uid} ("auditkit-3002"): Security Lake takes one OCSF class per
	// custom source. Empty means DefaultSourcePrefix.
	SourcePrefix string
	// CustomSources names the custom source of a class, instead of
	// {SourcePrefix}-{class uid}.
	CustomSources map[ocsf.ClassUID]string
	// BatchSize is the most events per collector batch; 0 means
	// DefaultBatchSize.
	BatchSize int
	// MaxRowsPerRowGroup bounds a file's row groups; 0 means
	// DefaultMaxRowsPerRowGroup.
	MaxRowsPerRowGroup int
	// Endpoint is an S3 endpoint URL to use instead of AWS's (MinIO, a
	// test server). Empty means AWS.
	Endpoint string
	// PathStyle addresses the bucket in the path rather than the host
	// name (most S3-compatible servers need it).
	PathStyle bool
	// S3 is the client to use for an s3:// Path; nil means one built from
	// the standard AWS chain (environment, shared config and credentials
	// files, SSO, web identity, container and instance roles) with
	// Region, Endpoint and PathStyle.
	S3 S3API
	// Logger receives what the output did on recovery; nil discards.
	Logger *slog.Logger
}

var (
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountRE    = regexp.MustCompile(`^[0-9]{12}$`)
	externalRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	sourceNameRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)
	// batchSourceRE is what a collector source name must look like to
	// start a file name.
	batchSourceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@+=-]*$`)
)

// check validates c and returns it with its defaults.
func (c Config) check() (Config, error) {
	if c.Path == "" {
		return c, errors.New("securitylake: path is required (a directory or s3://bucket/prefix)")
	}
	if strings.HasPrefix(c.Path, "s3://") {
		if _, _, err := parseS3(c.Path); err != nil {
			return c, fmt.Errorf("securitylake: path: %w", err)
		}
	} else if c.Endpoint != "" || c.PathStyle {
		return c, errors.New("securitylake: endpoint and path_style apply to an s3:// path only")
	}
	if !regionRE.MatchString(c.Region) {
		return c, fmt.Errorf("securitylake: region %q is not an AWS region such as us-east-1", c.Region)
	}
	switch {
	case c.AccountID != "" && c.ExternalID != "":
		return c, errors.New("securitylake: set account_id or external_id, not both")
	case c.AccountID != "":
		if !accountRE.MatchString(c.AccountID) {
			return c, fmt.Errorf("securitylake: account_id %q is not a 12-digit AWS account (use external_id for another account)", c.AccountID)
		}
	case c.ExternalID != "":
		if !externalRE.MatchString(c.ExternalID) {
			return c, fmt.Errorf("securitylake: external_id %q: use 1 to 64 letters, digits, _ and -", c.ExternalID)
		}
	default:
		return c, errors.New("securitylake: account_id (an AWS account) or external_id is required")
	}
	c.SourcePrefix = cmp.Or(c.SourcePrefix, DefaultSourcePrefix)
	// The longest default name is the prefix, "-" and a 4-digit class.
	if len(c.SourcePrefix)+5 > maxSourceName || !sourceNameRE.MatchString(c.SourcePrefix) {
		return c, fmt.Errorf("securitylake: source_prefix %q: use at most %d letters, digits, _ - . and : (custom source names have at most %d)", c.SourcePrefix, maxSourceName-5, maxSourceName)
	}
	for class, name := range c.CustomSources {
		if len(name) > maxSourceName || !sourceNameRE.MatchString(name) {
			return c, fmt.Errorf("securitylake: custom source of class %d, %q: use 1 to %d letters, digits, _ - . and :", class, name, maxSourceName)
		}
	}
	if c.BatchSize < 0 || c.MaxRowsPerRowGroup < 0 {
		return c, errors.New("securitylake: batch and max rows per row group cannot be negative")
	}
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.MaxRowsPerRowGroup = cmp.Or(c.MaxRowsPerRowGroup, DefaultMaxRowsPerRowGroup)
	return c, nil
}

// Output writes batches of OCSF events as Parquet files in the Amazon
// Security Lake custom-source layout. Make one with New.
type Output struct {
	cfg     Config
	store   store
	schema  *eventSchema
	account string // accountId= value
	logger  *slog.Logger

	mu      sync.Mutex
	listed  bool
	found   map[string][]object // a source's objects listed at the first Recover
	written map[string][]object // a source's objects written since
}

// object is one file of a source: its key and its batch's Seq.
type object struct {
	key string
	seq int64
}

var _ collector.Output = (*Output)(nil)
var _ collector.BatchSizer = (*Output)(nil)

// New validates cfg and returns the output. For an s3:// path without
// cfg.S3 it loads the standard AWS configuration; nothing is sent until
// the first Recover.
func New(ctx context.Context, cfg Config) (*Output, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	sc, err := newEventSchema()
	if err != nil {
		return nil, err
	}
	o := &Output{
		cfg:     cfg,
		schema:  sc,
		account: cfg.AccountID,
		logger:  cfg.Logger,
		found:   map[string][]object{},
		written: map[string][]object{},
	}
	if o.account == "" {
		o.account = "external_" + cfg.ExternalID
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if bucket, prefix, err := parseS3(cfg.Path); err == nil {
		client := cfg.S3
		if client == nil {
			awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
			if err != nil {
				return nil, fmt.Errorf("securitylake: loading the AWS configuration: %w", err)
			}
			client = s3.NewFromConfig(awsCfg, func(opt *s3.Options) {
				if cfg.Endpoint != "" {
					opt.BaseEndpoint = aws.String(cfg.Endpoint)
				}
				opt.UsePathStyle = cfg.PathStyle
			})
		}
		o.store = s3Store{client: client, bucket: bucket, prefix: prefix}
	} else {
		o.store = localStore{dir: cfg.Path}
	}
	return o, nil
}

// BatchSize implements collector.BatchSizer.
func (o *Output) BatchSize() int { return o.cfg.BatchSize }

// CustomSource returns the Security Lake custom source name of an OCSF
// class: Config.CustomSources's, or {SourcePrefix}-{class uid}.
func (o *Output) CustomSource(class ocsf.ClassUID) string {
	if name := o.cfg.CustomSources[class]; name != "" {
		return name
	}
	return o.cfg.SourcePrefix + "-" + strconv.Itoa(int(class))
}

// position is the Position the output returns: the Seq of the batch.
type position struct {
	Seq int64 `json:"seq"`
}

// Recover deletes the files of source written by batches after pos (a
// batch whose checkpoint was not saved): the batch is written again, and
// its events may then fall into other files. The first call lists the
// lake's ext/ once (one LIST request per 1,000 objects on S3); the files
// written since are known without listing.
func (o *Output) Recover(ctx context.Context, source string, pos collector.Position) error {
	var committed position
	if len(pos) > 0 {
		if err := json.Unmarshal(pos, &committed); err != nil {
			return fmt.Errorf("securitylake: position of %s: %w", source, err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.listed {
		keys, err := o.store.list(ctx, "ext/")
		if err != nil {
			return fmt.Errorf("securitylake: listing %s: %w", o.store, err)
		}
		for _, k := range keys {
			if src, seq, ok := o.parseKey(k); ok {
				o.found[src] = append(o.found[src], object{key: k, seq: seq})
			} else if src, ok := o.tempOf(k); ok {
				// A crash while writing left it: it is no file yet.
				o.found[src] = append(o.found[src], object{key: k, seq: -1})
			}
		}
		o.listed = true
	}
	for _, m := range []map[string][]object{o.found, o.written} {
		var keep []object
		for _, obj := range m[source] {
			if obj.seq >= 0 && obj.seq <= committed.Seq {
				keep = append(keep, obj)
				continue
			}
			if err := o.store.remove(ctx, obj.key); err != nil {
				return fmt.Errorf("securitylake: removing %s of an undelivered batch: %w", obj.key, err)
			}
			o.logger.Info("removed the file of an undelivered batch", "source", source, "key", obj.key, "seq", obj.seq, "committed_seq", committed.Seq)
		}
		m[source] = keep
	}
	return nil
}

// parseKey returns the collector source and Seq of a file of this lake
// (this region and account), named {source}-{seq:012d}.parquet.
func (o *Output) parseKey(key string) (string, int64, bool) {
	dir, base := splitKey(key)
	if !o.ours(dir) {
		return "", 0, false
	}
	stem, ok := strings.CutSuffix(base, ".parquet")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 || len(stem)-i-1 < 12 {
		return "", 0, false
	}
	seq, err := strconv.ParseInt(stem[i+1:], 10, 64)
	if err != nil || seq < 0 {
		return "", 0, false
	}
	return stem[:i], seq, true
}

// tempOf returns the collector source of a temporary file a local write
// left behind: .{source}-{seq}.parquet.tmp-{random}.
func (o *Output) tempOf(key string) (string, bool) {
	dir, base := splitKey(key)
	if !o.ours(dir) || !strings.HasPrefix(base, ".") {
		return "", false
	}
	name, _, ok := strings.Cut(base[1:], tmpMark)
	if !ok {
		return "", false
	}
	src, _, ok := o.parseKey(dir + "/" + name)
	return src, ok
}

// splitKey splits a key at its last slash.
func splitKey(key string) (dir, base string) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}

// ours reports whether dir is a partition of this output's region and
// account: ext/{custom source}/region=R/accountId=A/eventDay=D.
func (o *Output) ours(dir string) bool {
	parts := strings.Split(dir, "/")
	return len(parts) == 5 && parts[0] == "ext" &&
		parts[2] == "region="+o.cfg.Region && parts[3] == "accountId="+o.account &&
		strings.HasPrefix(parts[4], "eventDay=")
}

// Key returns the object key, relative to Config.Path, of the file of
// batch seq of a collector source holding events of class on day:
// ext/{custom source}/region={region}/accountId={account}/eventDay={YYYYMMDD}/{source}-{seq:012d}.parquet.
func (o *Output) Key(source string, seq int64, class ocsf.ClassUID, day time.Time) string {
	return fmt.Sprintf("ext/%s/region=%s/accountId=%s/eventDay=%s/%s-%012d.parquet",
		o.CustomSource(class), o.cfg.Region, o.account, day.UTC().Format("20060102"), source, seq)
}

// group is the records of one file: one class, one UTC day.
type group struct {
	class ocsf.ClassUID
	day   string
	recs  []collector.Record
}

// Write writes b as one Parquet file per (class, UTC day) of its events,
// each sorted by time, under its deterministic key: a batch written again
// after a crash replaces its files. It returns after every file is
// durable (renamed and synced, or uploaded).
func (o *Output) Write(ctx context.Context, b collector.Batch) (collector.Position, error) {
	if !batchSourceRE.MatchString(b.Source) {
		return nil, fmt.Errorf("securitylake: source name %q cannot name a file: use letters, digits and _ . @ + = -", b.Source)
	}
	if b.Seq <= 0 {
		return nil, fmt.Errorf("securitylake: batch of %s has Seq %d; want 1 or more", b.Source, b.Seq)
	}
	files, err := o.files(b)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		o.mu.Lock()
		if !slices.ContainsFunc(o.written[b.Source], func(x object) bool { return x.key == f.key }) {
			o.written[b.Source] = append(o.written[b.Source], object{key: f.key, seq: b.Seq})
		}
		o.mu.Unlock()
		if err := o.store.put(ctx, f.key, f.data); err != nil {
			return nil, fmt.Errorf("securitylake: writing %s to %s: %w", f.key, o.store, err)
		}
	}
	pos, err := json.Marshal(position{Seq: b.Seq})
	return pos, err
}

// file is one Parquet file of a batch.
type file struct {
	key  string
	data []byte
}

// files encodes b as its files: one per (class, UTC day) of its events,
// each sorted by time, in the order of their keys.
func (o *Output) files(b collector.Batch) ([]file, error) {
	groups := map[string]*group{}
	for _, r := range b.Records {
		if r.Time.IsZero() {
			return nil, fmt.Errorf("securitylake: event %s of %s has no time: it has no eventDay", r.UID, b.Source)
		}
		day := r.Time.UTC().Format("20060102")
		k := strconv.Itoa(int(r.Class)) + "/" + day
		g := groups[k]
		if g == nil {
			g = &group{class: r.Class, day: day}
			groups[k] = g
		}
		g.recs = append(g.recs, r)
	}
	var out []file
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := groups[k]
		slices.SortStableFunc(g.recs, func(a, b collector.Record) int { return a.Time.Compare(b.Time) })
		data, err := o.encode(g.recs)
		if err != nil {
			return nil, fmt.Errorf("securitylake: batch %d of %s: %w", b.Seq, b.Source, err)
		}
		out = append(out, file{key: o.Key(b.Source, b.Seq, g.class, g.recs[0].Time), data: data})
	}
	return out, nil
}

// encode writes records as one Parquet file: zstd, data pages of version
// 1, row groups bounded in rows and bytes.
func (o *Output) encode(recs []collector.Record) ([]byte, error) {
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, append(o.writerOptions(), o.schema.schema)...)
	rows := make([]parquet.Row, 0, 256)
	var groupBytes int
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := w.WriteRows(rows)
		rows = rows[:0]
		return err
	}
	for _, r := range recs {
		row, err := o.schema.row(r.JSON, nil)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", r.UID, err)
		}
		rows = append(rows, row)
		groupBytes += len(r.JSON)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if groupBytes >= maxRowGroupBytes {
			if err := flush(); err != nil {
				return nil, err
			}
			if err := w.Flush(); err != nil {
				return nil, err
			}
			groupBytes = 0
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writerOptions override parquet-go's defaults where Security Lake's
// readers need it.
func (o *Output) writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.DataPageVersion(1), // v2 pages are refused by some readers
		parquet.Compression(zstdCodec{}),
		parquet.MaxRowsPerRowGroup(int64(o.cfg.MaxRowsPerRowGroup)),
		parquet.PageBufferSize(pageBufferSize),
		parquet.KeyValueMetadata("ocsf_version", ocsf.DefaultVersion),
		parquet.CreatedBy("auditkit", "", ""),
	}
}

// Close releases nothing: every Write is complete when it returns.
func (o *Output) Close() error { return nil }

// yamlConfig is the output's section of a collector config file.
type yamlConfig struct {
	Path          string         `yaml:"path"`
	Region        string         `yaml:"region"`
	AccountID     string         `yaml:"account_id"`
	ExternalID    string         `yaml:"external_id"`
	SourcePrefix  string         `yaml:"source_prefix"`
	CustomSources map[int]string `yaml:"custom_sources"`
	Batch         int            `yaml:"batch"`
	MaxRows       int            `yaml:"max_rows_per_row_group"`
	Endpoint      string         `yaml:"endpoint"`
	PathStyle     bool           `yaml:"path_style"`
}

func init() {
	collector.RegisterOutput(Kind, factory)
}

// factory builds the output from its config section.
func factory(ctx context.Context, spec collector.OutputSpec, check bool) (collector.Output, error) {
	var y yamlConfig
	if err := spec.Decode(&y); err != nil {
		return nil, err
	}
	cfg := Config{
		Path: y.Path, Region: y.Region, AccountID: y.AccountID, ExternalID: y.ExternalID,
		SourcePrefix: y.SourcePrefix, BatchSize: y.Batch, MaxRowsPerRowGroup: y.MaxRows,
		Endpoint: y.Endpoint, PathStyle: y.PathStyle, Logger: spec.Logger,
	}
	if len(y.CustomSources) > 0 {
		cfg.CustomSources = map[ocsf.ClassUID]string{}
		for k, v := range y.CustomSources {
			cfg.CustomSources[ocsf.ClassUID(k)] = v
		}
	}
	if cfg.Path != "" && !strings.HasPrefix(cfg.Path, "s3://") && !filepath.IsAbs(cfg.Path) && spec.Dir != "" {
		cfg.Path = filepath.Join(spec.Dir, cfg.Path)
	}
	if check {
		_, err := cfg.check()
		return nil, err
	}
	return New(ctx, cfg)
}
