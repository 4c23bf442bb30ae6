package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DirStore is the shipped Store: a directory holding one JSON file per
// source, {source}.json, with the source's State (its Version included).
//
// Save replaces the file atomically: it writes a temporary file in the
// directory, syncs it, renames it over {source}.json and syncs the
// directory, so a reader or a crash sees the old state or the new one,
// never a mix. The compare-and-swap on Version holds between goroutines
// and between processes sharing the directory (replicas on a
// ReadWriteMany volume): Save takes an exclusive flock(2) on the source's
// lock file, .{source}.lock, reads the stored version, and writes only if
// it still equals the State's Version; otherwise it returns an error
// matching ErrConflict and writes nothing. A lock held by a process that
// dies is released by the kernel, so a crash never leaves a source locked.
// flock is honoured by local file systems and by NFSv4 (Linux clients map
// it to NFS byte-range locks); on platforms without flock (Windows,
// Solaris) the lock is only taken between goroutines of one process, so
// there the directory must not be shared between processes.
//
// Load reads {source}.json without the lock: the rename makes it whole.
type DirStore struct {
	dir string
}

var _ Store = (*DirStore)(nil)

// NewDirStore opens (creating it if needed) the state directory dir.
func NewDirStore(dir string) (*DirStore, error) {
	if dir == "" {
		return nil, errors.New("collector: state directory: empty path")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("collector: state directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("collector: state directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("collector: state directory %s is not a directory", dir)
	}
	return &DirStore{dir: dir}, nil
}

// Dir returns the store's directory.
func (d *DirStore) Dir() string { return d.dir }

// CheckSourceName reports whether name can name a source's files (its
// state file, its output files): 1 to 128 ASCII letters, digits, '.', '_'
// and '-', starting with a letter or digit. It rules out path separators,
// "..", hidden names and names the shell or a URL would mangle.
func CheckSourceName(name string) error {
	if name == "" {
		return errors.New("collector: a source needs a name")
	}
	if len(name) > 128 {
		return fmt.Errorf("collector: source name %.20q...: longer than 128 characters", name)
	}
	for i, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			i > 0 && (c == '.' || c == '_' || c == '-')
		if !ok {
			return fmt.Errorf("collector: source name %q: use letters, digits, '.', '_' and '-', starting with a letter or digit", name)
		}
	}
	return nil
}

func (d *DirStore) path(source string) string {
	return filepath.Join(d.dir, source+".json")
}

// Load returns the source's saved state, or a zero State when none was
// saved. A file that is not a State is an error naming it.
func (d *DirStore) Load(ctx context.Context, source string) (State, error) {
	if err := CheckSourceName(source); err != nil {
		return State{}, err
	}
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	return d.read(source)
}

func (d *DirStore) read(source string) (State, error) {
	p := d.path(source)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	var s State
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&s); err != nil {
		return State{}, fmt.Errorf("collector: state of %s: %s is not a state file: %w", source, p, err)
	}
	if s.Version < 1 {
		return State{}, fmt.Errorf("collector: state of %s: %s has version %d, want at least 1", source, p, s.Version)
	}
	return s, nil
}

// Save stores s as the source's state if the stored version still equals
// s.Version, and returns the new version (s.Version+1). When another
// writer saved in between it returns an error matching ErrConflict and
// changes nothing.
func (d *DirStore) Save(ctx context.Context, source string, s State) (int64, error) {
	if err := CheckSourceName(source); err != nil {
		return 0, err
	}
	lock, err := os.OpenFile(filepath.Join(d.dir, "."+source+".lock"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	defer lock.Close()
	unlock, err := lockFile(ctx, lock)
	if err != nil {
		return 0, fmt.Errorf("collector: state of %s: lock: %w", source, err)
	}
	defer unlock()

	cur, err := d.read(source)
	if err != nil {
		return 0, err
	}
	if cur.Version != s.Version {
		return 0, fmt.Errorf("%w: source %s is at version %d, this writer loaded version %d (another replica saved it; check that each source has one shard)", ErrConflict, source, cur.Version, s.Version)
	}
	s.Version++
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	data = append(data, '\n')
	d.removeTemps(source)
	tmp, err := os.CreateTemp(d.dir, "."+source+".json.tmp-*")
	if err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	if err := tmp.Sync(); err != nil {
		return 0, fmt.Errorf("collector: state of %s: sync: %w", source, err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	if err := os.Rename(tmp.Name(), d.path(source)); err != nil {
		return 0, fmt.Errorf("collector: state of %s: %w", source, err)
	}
	ok = true
	if err := syncDir(d.dir); err != nil {
		return 0, fmt.Errorf("collector: state of %s: sync %s: %w", source, d.dir, err)
	}
	return s.Version, nil
}

// removeTemps removes the temporary files a Save of the source that
// crashed left behind; it runs under the source's lock, so no other Save
// of the source is writing one.
func (d *DirStore) removeTemps(source string) {
	names, _ := filepath.Glob(filepath.Join(d.dir, "."+globEscape(source)+".json.tmp-*"))
	for _, n := range names {
		os.Remove(n)
	}
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// syncDir fsyncs a directory, so that the names created, renamed or
// removed in it survive a crash. Platforms that cannot sync a directory
// (Windows) are not an error.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !syncDirUnsupported(err) {
		return err
	}
	return nil
}
