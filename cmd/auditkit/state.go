package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/auditkit/auditkit/auditclient"
)

// stateVersion is the format version of the CLI's checkpoint file.
const stateVersion = 1

// state is the content of a --checkpoint file: the SDK's checkpoint plus
// what the CLI needs to keep its output in step with it.
type state struct {
	// Auditkit is the format version of this file (stateVersion).
	Auditkit int `json:"auditkit"`
	// Vendor is the vendor pulled, as in "auditkit pull cisco".
	Vendor string `json:"vendor"`
	// Format is --format: "ocsf" or "raw".
	Format string `json:"format"`
	// Output is the --output file and its length when the checkpoint was
	// written: every byte up to Length holds events the checkpoint counts.
	// Nil when the events went to stdout.
	Output *outputState `json:"output,omitempty"`
	// Demo tells a checkpoint of a --demo pull, which only a --demo pull
	// may resume (the fake's data set differs from the real API's).
	Demo bool `json:"demo,omitempty"`
	// Checkpoint is the SDK's checkpoint: resuming from it yields exactly
	// the events after the last one written.
	Checkpoint *auditclient.Checkpoint `json:"checkpoint"`
}

type outputState struct {
	Path   string `json:"path"`
	Length int64  `json:"length"`
}

// readState reads the checkpoint file at path; (nil, nil) when it does not
// exist.
func readState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("checkpoint %s is not an auditkit checkpoint file: %v", path, err)
	}
	if st.Auditkit != stateVersion {
		return nil, fmt.Errorf("checkpoint %s is not an auditkit checkpoint file (format version %d, this auditkit reads %d)", path, st.Auditkit, stateVersion)
	}
	if st.Checkpoint == nil {
		return nil, fmt.Errorf("checkpoint %s holds no checkpoint", path)
	}
	if st.Output != nil && st.Output.Length < 0 {
		return nil, fmt.Errorf("checkpoint %s: output length %d", path, st.Output.Length)
	}
	return &st, nil
}

// pendingFile is the new content of a file, written and synced beside it
// but not yet in place: prepareFile then commit replace a file atomically
// (temporary file in the same directory, fsync, rename, fsync of the
// directory), so that it holds either the old content or the new, whatever
// happens.
type pendingFile struct{ tmp, path string }

// prepareFile writes data to a synced temporary file in path's directory.
func prepareFile(path string, data []byte) (*pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &pendingFile{tmp: f.Name(), path: path}, nil
}

// commit renames the temporary file over the file and syncs the directory.
func (p *pendingFile) commit() error {
	if err := os.Rename(p.tmp, p.path); err != nil {
		os.Remove(p.tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(p.path)); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// removeStaleTemps removes the temporary files a killed run may have left
// beside path.
func removeStaleTemps(path string) {
	olds, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, o := range olds {
		os.Remove(o)
	}
}

// discard removes the temporary file.
func (p *pendingFile) discard() { os.Remove(p.tmp) }
