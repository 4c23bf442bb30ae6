package collector

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileConfig configures a FileOutput.
type FileConfig struct {
	// Path is the template of a source's file names. It must contain
	// {source} (each source has files of its own: a crash is cut back per
	// source) and may contain {vendor}, {date} (YYYY-MM-DD) and {hour}
	// (HH). {date} and {hour} are the UTC clock when a file is started,
	// not the events' times: a file holds what was collected that day (a
	// first run's lookback lands in today's file), so each source has one
	// file open and rotation only moves forward.
	// Example: "out/{source}/{date}.ndjson.gz".
	Path string
	// Rotate starts a new file when the UTC day ("daily", the default) or
	// hour ("hourly") changes; "none" rotates by size only.
	Rotate string
	// MaxSize starts a new file when a batch would take the current one
	// past this many bytes (compressed); 0 means no limit. A batch larger
	// than MaxSize on its own gets a file of its own. ParseSize reads
	// "256MiB".
	MaxSize int64
	// Dir is what a relative Path is relative to (the config file's
	// directory); empty means the working directory. Positions hold
	// absolute paths.
	Dir string
	// Logger receives warnings (a file left alone by Recover); nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock for {date}, {hour} and rotation; nil is time.Now.
	Now func() time.Time
}

// FileOutput writes each source's events as gzip-compressed NDJSON files,
// rotated by day (or hour) and size, and delivers every event exactly once
// across a crash.
//
// Each Write compresses its batch into one gzip member, appends it to the
// source's current file, fsyncs the file (and, when it created the file,
// its directory) and returns the Position {"file", "length", "seq",
// "period", "part"}: the file and its committed length. A file is a
// series of complete gzip members, which gzip -dc, zcat and Go's
// gzip.Reader read as one stream.
//
// A new file is started when the period changes or the batch would pass
// MaxSize. Its name is the template's, and when that name is taken (a
// second file of the same day) a part number goes before the extension:
// 2026-05-01.ndjson.gz, 2026-05-01.1.ndjson.gz, 2026-05-01.2.ndjson.gz...
// (the extension is what follows the first dot after the last
// placeholder). Numbers only go up, and an existing file is never
// reused, so names never collide.
//
// Before it creates a file, Write records its name, the batch's Seq and
// its first member's length in a marker, .auditkit/{source}.next.json in
// the template's first directory without placeholders (created with a
// synced rename). Recover(pos) then:
//
//   - cuts the file pos names back to pos's length: what is past it is a
//     batch whose Write was not committed. A file shorter than that is an
//     error (someone changed it); a file that is gone (moved away by an
//     operator) is fine: the next Write starts a new file.
//   - deletes the file the marker names when a Write created it for the
//     batch after pos (the marker's Seq is pos's plus one), pos does not
//     name it and it holds no more than that batch: a crash between
//     starting a new file and committing it. A file the marker names that
//     does not fit (the state was reset, or restored from a backup) is
//     kept, with a warning.
//
// Recover touches only files whose names the template gives the source (a
// position from before the path changed in the config is left alone, and
// the next batch starts a new file). So after a crash at any moment the
// batch written again is delivered exactly once. Operators may move or compress any file but the one the
// last Position names; while the collector runs, the current file is the
// newest of the source.
type FileOutput struct {
	cfg    FileConfig
	tmpl   string // Path joined with Dir
	ext    string // the names' extension: ".ndjson.gz"
	marker string // the markers' directory
	logger *slog.Logger

	mu      sync.Mutex
	sources map[string]*fileSource
	closed  bool

	// fault, in tests, is called at each step of a Write; an error stops
	// the Write there as a crash would.
	fault func(step string) error
	// skipSync, in tests that crash at each step (logically: a power
	// loss cannot be simulated), skips fsync, the slow part of a Write.
	skipSync bool
}

var _ Output = (*FileOutput)(nil)

// fileSource is a source's current file.
type fileSource struct {
	mu     sync.Mutex
	path   string // the current file; "" before the first
	part   int
	period string
	size   int64    // committed length of path
	gone   bool     // path was moved away: start a new file
	f      *os.File // open on path, or nil
	dirty  bool     // a failed Write may have left bytes past size
	lock   *os.File // the source's lock file, locked, or nil
	unlock func()
}

// Compressors are shared by the sources through a small free list: a
// gzip.Writer holds about a megabyte, too much to keep one per source,
// and too much to allocate per batch (a sync.Pool drops them at each
// garbage collection).
var gzipFree = make(chan *gzip.Writer, 8)

func getGzipWriter() *gzip.Writer {
	select {
	case zw := <-gzipFree:
		return zw
	default:
		return gzip.NewWriter(nil)
	}
}

func putGzipWriter(zw *gzip.Writer) {
	select {
	case gzipFree <- zw:
	default:
	}
}

var memberBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// filePosition is the FileOutput's Position.
type filePosition struct {
	File   string `json:"file"`
	Length int64  `json:"length"`
	Seq    int64  `json:"seq"`
	Period string `json:"period,omitempty"`
	Part   int    `json:"part,omitempty"`
}

// fileMarker is what Write records before it creates a file.
type fileMarker struct {
	File   string `json:"file"`
	Seq    int64  `json:"seq"`
	Length int64  `json:"length"`
}

// NewFileOutput checks cfg and returns the output. It creates nothing:
// directories and files are made by Write.
func NewFileOutput(cfg FileConfig) (*FileOutput, error) {
	if cfg.Path == "" {
		return nil, errors.New("file output: no path")
	}
	switch cfg.Rotate {
	case "":
		cfg.Rotate = "daily"
	case "daily", "hourly", "none":
	default:
		return nil, fmt.Errorf("file output: rotate %q: want daily, hourly or none", cfg.Rotate)
	}
	if cfg.MaxSize < 0 {
		return nil, fmt.Errorf("file output: max_size %d: want a size of at least 0 (0: no limit)", cfg.MaxSize)
	}
	if err := checkFileTemplate(cfg.Path); err != nil {
		return nil, err
	}
	tmpl := cfg.Path
	if !filepath.IsAbs(tmpl) && cfg.Dir != "" {
		tmpl = filepath.Join(cfg.Dir, tmpl)
	}
	// Positions name files by absolute path, so that a restart from
	// another working directory finds them.
	tmpl, err := filepath.Abs(tmpl)
	if err != nil {
		return nil, fmt.Errorf("file output: path %q: %w", cfg.Path, err)
	}
	base := filepath.Base(tmpl)
	rest := base[strings.LastIndexByte(base, '}')+1:]
	ext := ""
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		ext = rest[i:]
	}
	root := filepath.Dir(tmpl)
	for strings.Contains(root, "{") {
		root = filepath.Dir(root)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &FileOutput{cfg: cfg, tmpl: tmpl, ext: ext, marker: filepath.Join(root, ".auditkit"), logger: logger,
		sources: map[string]*fileSource{}}, nil
}

func checkFileTemplate(p string) error {
	if !strings.Contains(p, "{source}") {
		return fmt.Errorf("file output: path %q has no {source}: each source needs files of its own", p)
	}
	rest := p
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("file output: path %q: a { without its }", p)
		}
		switch name := rest[i : i+j+1]; name {
		case "{source}", "{vendor}", "{date}", "{hour}":
		default:
			return fmt.Errorf("file output: path %q: unknown placeholder %s; the placeholders are {source}, {vendor}, {date} and {hour}", p, name)
		}
		rest = rest[i+j+1:]
	}
	if strings.Contains(rest, "}") {
		return fmt.Errorf("file output: path %q: a } without its {", p)
	}
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) {
		return fmt.Errorf("file output: path %q names a directory; give a file name, such as {date}.ndjson.gz", p)
	}
	return nil
}

// ParseSize reads a size in bytes: a number with an optional unit, B,
// KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024), in
// any case, such as "256MiB", "1.5GB" or "1048576".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1,
		"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
		"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20, "gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40}[unit]
	f, err := strconv.ParseFloat(num, 64)
	if num == "" || err != nil || mult == 0 {
		return 0, fmt.Errorf("size %q: want a number of bytes with an optional unit, such as 256MiB, 1GB or 1048576", s)
	}
	v := f * mult
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return int64(v), nil
}

func (o *FileOutput) now() time.Time {
	if o.cfg.Now != nil {
		return o.cfg.Now().UTC()
	}
	return time.Now().UTC()
}

func (o *FileOutput) period(t time.Time) string {
	switch o.cfg.Rotate {
	case "hourly":
		return t.Format("2006-01-02T15")
	case "none":
		return ""
	}
	return t.Format("2006-01-02")
}

// name renders the template for a source at t: the part 0 name.
func (o *FileOutput) name(source, vendor string, t time.Time) string {
	return strings.NewReplacer("{source}", source, "{vendor}", vendor,
		"{date}", t.Format("2006-01-02"), "{hour}", t.Format("15")).Replace(o.tmpl)
}

// ours reports whether path is a name the template gives the source's
// files (any vendor, date, hour and part): Recover touches no other file.
func (o *FileOutput) ours(source, path string) bool {
	base := o.tmpl[:len(o.tmpl)-len(o.ext)]
	re := regexp.QuoteMeta(base)
	for ph, pat := range map[string]string{"{source}": regexp.QuoteMeta(source), "{vendor}": `[A-Za-z0-9][A-Za-z0-9._-]*`,
		"{date}": `[0-9]{4}-[0-9]{2}-[0-9]{2}`, "{hour}": `[0-9]{2}`} {
		re = strings.ReplaceAll(re, regexp.QuoteMeta(ph), pat)
	}
	ok, err := regexp.MatchString(`^`+re+`(\.[1-9][0-9]*)?`+regexp.QuoteMeta(o.ext)+`$`, filepath.Clean(path))
	return err == nil && ok
}

// partName is the name of part k of the file named base (part 0).
func (o *FileOutput) partName(base string, k int) string {
	if k == 0 {
		return base
	}
	return base[:len(base)-len(o.ext)] + "." + strconv.Itoa(k) + o.ext
}

func (o *FileOutput) markerPath(source string) string {
	return filepath.Join(o.marker, source+".next.json")
}

func (o *FileOutput) source(name string) (*fileSource, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, errors.New("file output: closed")
	}
	st := o.sources[name]
	if st == nil {
		st = &fileSource{}
		o.sources[name] = st
	}
	return st, nil
}

func (o *FileOutput) step(name string) error {
	if o.fault != nil {
		return o.fault(name)
	}
	return nil
}

// Recover cuts the source's file back to its committed length and removes
// a file started after it by a Write that was not committed (see
// FileOutput).
func (o *FileOutput) Recover(ctx context.Context, source string, pos Position) error {
	if err := CheckSourceName(source); err != nil {
		return fmt.Errorf("file output: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var p filePosition
	if len(pos) > 0 && string(pos) != "null" {
		if err := json.Unmarshal(pos, &p); err != nil {
			return fmt.Errorf("file output: source %s: the saved position is not the file output's: %w", source, err)
		}
		if p.File == "" || p.Length < 0 {
			return fmt.Errorf("file output: source %s: the saved position %s names no file", source, pos)
		}
	}
	st, err := o.source(source)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := o.own(ctx, source, st); err != nil {
		return err
	}
	if st.f != nil {
		st.f.Close()
		st.f = nil
	}
	st.path, st.part, st.period, st.size, st.gone, st.dirty = "", 0, "", 0, false, false

	if err := o.removeUncommitted(source, p); err != nil {
		return err
	}
	if p.File == "" {
		return nil
	}
	st.path, st.part, st.period, st.size = p.File, p.Part, p.Period, p.Length
	if !o.ours(source, p.File) {
		// The path changed in the config, or the state is not this
		// output's: never cut a file the template does not name.
		st.gone = true
		o.logger.Warn("file output: the committed file is not one the path template names for the source (the path changed?); left alone, the next batch starts a new file", "source", source, "file", p.File)
		return nil
	}
	fi, err := os.Lstat(p.File)
	if errors.Is(err, fs.ErrNotExist) {
		st.gone = true
		o.logger.Info("file output: the committed file is gone (moved away); the next batch starts a new file", "source", source, "file", p.File)
		return nil
	}
	if err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("file output: source %s: %s is not a regular file", source, p.File)
	}
	if fi.Size() < p.Length {
		return fmt.Errorf("file output: source %s: %s is %d bytes, shorter than the %d bytes committed to it: it was changed outside the collector; move it away (the next batch starts a new file) to go on", source, p.File, fi.Size(), p.Length)
	}
	if fi.Size() > p.Length {
		f, err := os.OpenFile(p.File, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("file output: source %s: %w", source, err)
		}
		defer f.Close()
		if err := f.Truncate(p.Length); err != nil {
			return fmt.Errorf("file output: source %s: cut %s back to %d bytes: %w", source, p.File, p.Length, err)
		}
		if err := o.syncFile(f); err != nil {
			return fmt.Errorf("file output: source %s: sync %s: %w", source, p.File, err)
		}
		o.logger.Info("file output: cut back an uncommitted batch", "source", source, "file", p.File, "bytes", fi.Size()-p.Length)
	}
	return nil
}

// own takes the source's lock file, .auditkit/{source}.lock, for as long
// as the output is open, so that two processes sharing the output
// directory (an old and a new replica during a rollout that changes the
// number of shards) never write the same source's files: the second gets
// an error, backs off and retries, and takes over once the first is gone.
func (o *FileOutput) own(ctx context.Context, source string, st *fileSource) error {
	if st.lock != nil {
		return nil
	}
	if err := o.mkdirAll(o.marker); err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	name := filepath.Join(o.marker, source+".lock")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	lctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	unlock, err := lockFile(lctx, f)
	if err != nil {
		f.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("file output: source %s: its files are in use by another process (%s is locked): another replica is collecting it", source, name)
	}
	st.lock, st.unlock = f, unlock
	return nil
}

// removeUncommitted removes the file the source's marker names if a Write
// created it for the batch after p and did not commit it.
func (o *FileOutput) removeUncommitted(source string, p filePosition) error {
	data, err := os.ReadFile(o.markerPath(source))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	var m fileMarker
	if err := json.Unmarshal(data, &m); err != nil || m.File == "" {
		return fmt.Errorf("file output: source %s: %s is not a marker of the file output (remove it if nothing else wrote it)", source, o.markerPath(source))
	}
	if m.File == p.File || m.Seq != p.Seq+1 || !o.ours(source, m.File) {
		return nil // the marked file is committed, or is from another history
	}
	fi, err := os.Lstat(m.File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > m.Length {
		o.logger.Warn("file output: a file started after the committed position holds more than its uncommitted batch; kept (events in it may be delivered again)",
			"source", source, "file", m.File, "bytes", fi.Size())
		return nil
	}
	if err := os.Remove(m.File); err != nil {
		return fmt.Errorf("file output: source %s: remove the uncommitted %s: %w", source, m.File, err)
	}
	if err := o.syncDir(filepath.Dir(m.File)); err != nil {
		return fmt.Errorf("file output: source %s: %w", source, err)
	}
	o.logger.Info("file output: removed a file started by a batch that was not committed", "source", source, "file", m.File)
	return nil
}

// Write appends b to the source's current file as one gzip member, synced,
// and returns the Position that covers it.
func (o *FileOutput) Write(ctx context.Context, b Batch) (Position, error) {
	if err := CheckSourceName(b.Source); err != nil {
		return nil, fmt.Errorf("file output: %w", err)
	}
	if len(b.Records) == 0 {
		return nil, fmt.Errorf("file output: source %s: an empty batch", b.Source)
	}
	if strings.Contains(o.tmpl, "{vendor}") {
		if err := CheckSourceName(b.Vendor); err != nil {
			return nil, fmt.Errorf("file output: source %s: vendor %q cannot name a file", b.Source, b.Vendor)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := o.source(b.Source)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := o.own(ctx, b.Source, st); err != nil {
		return nil, err
	}
	buf := memberBufs.Get().(*bytes.Buffer)
	defer memberBufs.Put(buf)
	if err := encodeMember(buf, b); err != nil {
		return nil, err
	}
	pos, err := o.write(st, b, buf.Bytes())
	if err != nil {
		st.dirty = true
		return nil, fmt.Errorf("file output: source %s: %w", b.Source, err)
	}
	return pos, nil
}

// encodeMember compresses the batch's lines into buf as one gzip member.
func encodeMember(buf *bytes.Buffer, b Batch) error {
	buf.Reset()
	for i, r := range b.Records {
		if len(r.JSON) == 0 || bytes.IndexByte(r.JSON, '\n') >= 0 {
			return fmt.Errorf("file output: source %s: record %d (uid %q) is not one line of JSON", b.Source, i, r.UID)
		}
	}
	zw := getGzipWriter()
	defer putGzipWriter(zw)
	zw.Reset(buf)
	for _, r := range b.Records {
		zw.Write(r.JSON)
		zw.Write([]byte{'\n'})
	}
	return zw.Close()
}

func (o *FileOutput) write(st *fileSource, b Batch, member []byte) (Position, error) {
	now := o.now()
	period := o.period(now)
	created := false
	if st.path == "" || st.gone || period != st.period ||
		o.cfg.MaxSize > 0 && st.size > 0 && st.size+int64(len(member)) > o.cfg.MaxSize {
		if err := o.startFile(st, b, now, period, int64(len(member))); err != nil {
			return nil, err
		}
		created = true
	} else if st.f == nil || st.dirty {
		if st.f == nil {
			f, err := os.OpenFile(st.path, os.O_WRONLY, 0)
			if err != nil {
				return nil, err
			}
			st.f = f
		}
		if err := st.f.Truncate(st.size); err != nil {
			return nil, err
		}
		st.dirty = false
	}
	if err := o.step("write"); err != nil {
		st.f.WriteAt(member[:len(member)/2], st.size)
		return nil, err
	}
	if _, err := st.f.WriteAt(member, st.size); err != nil {
		return nil, err
	}
	if err := o.step("sync"); err != nil {
		return nil, err
	}
	if err := o.syncFile(st.f); err != nil {
		return nil, err
	}
	if created {
		if err := o.step("syncdir"); err != nil {
			return nil, err
		}
		if err := o.syncDir(filepath.Dir(st.path)); err != nil {
			return nil, err
		}
	}
	if err := o.step("return"); err != nil {
		return nil, err
	}
	st.size += int64(len(member))
	return json.Marshal(filePosition{File: st.path, Length: st.size, Seq: b.Seq, Period: st.period, Part: st.part})
}

// startFile makes a new current file for the source: the first free part
// of the template's name at now, after the current part when the name is
// the same.
func (o *FileOutput) startFile(st *fileSource, b Batch, now time.Time, period string, first int64) error {
	base := o.name(b.Source, b.Vendor, now)
	k := 0
	if st.path != "" && o.partName(base, st.part) == st.path {
		k = st.part + 1
	}
	for ; ; k++ {
		if _, err := os.Lstat(o.partName(base, k)); errors.Is(err, fs.ErrNotExist) {
			break
		} else if err != nil {
			return err
		}
	}
	name := o.partName(base, k)
	if err := o.step("marker"); err != nil {
		return err
	}
	if err := o.writeMarker(b.Source, fileMarker{File: name, Seq: b.Seq, Length: first}); err != nil {
		return err
	}
	if err := o.step("create"); err != nil {
		return err
	}
	if err := o.mkdirAll(filepath.Dir(name)); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if st.f != nil {
		st.f.Close()
	}
	st.f, st.path, st.part, st.period, st.size, st.gone, st.dirty = f, name, k, period, 0, false, false
	return nil
}

// writeMarker replaces the source's marker atomically and durably.
func (o *FileOutput) writeMarker(source string, m fileMarker) error {
	if err := o.mkdirAll(o.marker); err != nil {
		return err
	}
	data, _ := json.Marshal(m)
	tmp, err := os.CreateTemp(o.marker, "."+source+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = o.syncFile(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), o.markerPath(source))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return o.syncDir(o.marker)
}

func (o *FileOutput) syncFile(f *os.File) error {
	if o.skipSync {
		return nil
	}
	return f.Sync()
}

func (o *FileOutput) syncDir(dir string) error {
	if o.skipSync {
		return nil
	}
	return syncDir(dir)
}

func (o *FileOutput) mkdirAll(dir string) error {
	if o.skipSync {
		return os.MkdirAll(dir, 0o750)
	}
	return mkdirAllSync(dir)
}

// mkdirAllSync creates dir and its missing parents, syncing the parent of
// each directory it creates.
func mkdirAllSync(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAllSync(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// Close closes the sources' files. Every Write was already synced.
func (o *FileOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	var errs []error
	for _, st := range o.sources {
		st.mu.Lock()
		if st.f != nil {
			errs = append(errs, st.f.Close())
			st.f = nil
		}
		if st.lock != nil {
			st.unlock()
			st.lock.Close()
			st.lock, st.unlock = nil, nil
		}
		st.mu.Unlock()
	}
	return errors.Join(errs...)
}

// fileSection is the file output's config section:
// output: {path: ..., rotate: daily, max_size: 256MiB}.
type fileSection struct {
	Path    string `yaml:"path"`
	Rotate  string `yaml:"rotate"`
	MaxSize string `yaml:"max_size"`
}

func init() {
	RegisterOutput("file", func(ctx context.Context, spec OutputSpec, check bool) (Output, error) {
		var sec fileSection
		if err := spec.Decode(&sec); err != nil {
			return nil, err
		}
		cfg := FileConfig{Path: sec.Path, Rotate: sec.Rotate, Dir: spec.Dir, Logger: spec.Logger}
		if sec.MaxSize != "" {
			n, err := ParseSize(sec.MaxSize)
			if err != nil {
				return nil, fmt.Errorf("file output: max_size: %w", err)
			}
			cfg.MaxSize = n
		}
		out, err := NewFileOutput(cfg)
		if err != nil || check {
			return nil, err
		}
		return out, nil
	})
}
