//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package collector

import (
	"context"
	"os"
	"sync"
)

// Without flock, Save's lock holds between the goroutines of one process
// only (see DirStore).
var dirStoreLocks sync.Map // path → chan struct{} (a one-slot semaphore)

func lockFile(ctx context.Context, f *os.File) (func(), error) {
	v, _ := dirStoreLocks.LoadOrStore(f.Name(), make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func syncDirUnsupported(error) bool { return true }
