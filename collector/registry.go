package collector

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
)

// OutputSpec is what an OutputFactory gets to build an output from its
// section of the config file.
type OutputSpec struct {
	// Kind is the output's kind, the key of its section ("securitylake").
	Kind string
	// Decode decodes the output's section strictly into v (a pointer to a
	// struct with yaml tags): an unknown key or a wrong type is an error
	// that names its line in the config file.
	Decode func(v any) error
	// Dir is the directory that relative paths of the section are
	// relative to: the config file's directory.
	Dir string
	// Logger is the collector's logger.
	Logger *slog.Logger
}

// OutputFactory builds an Output from its config section. It validates the
// section without side effects when check is true (collect --check-config)
// and returns a nil Output then.
type OutputFactory func(ctx context.Context, spec OutputSpec, check bool) (Output, error)

// BatchSizer is implemented by an Output that wants batches of another
// size than the collector's default: the most events a Batch holds.
type BatchSizer interface {
	BatchSize() int
}

var (
	outputsMu sync.RWMutex
	outputs   = map[string]OutputFactory{}
)

// RegisterOutput makes an output kind available to config files under
// `output: {KIND: {...}}`. Output packages call it from init; a program
// imports them for their side effect. It panics when kind is registered
// twice.
func RegisterOutput(kind string, f OutputFactory) {
	outputsMu.Lock()
	defer outputsMu.Unlock()
	if _, dup := outputs[kind]; dup {
		panic(fmt.Sprintf("collector: output %q registered twice", kind))
	}
	outputs[kind] = f
}

// LookupOutput returns the factory of an output kind.
func LookupOutput(kind string) (OutputFactory, bool) {
	outputsMu.RLock()
	defer outputsMu.RUnlock()
	f, ok := outputs[kind]
	return f, ok
}

// OutputKinds lists the registered output kinds, sorted.
func OutputKinds() []string {
	outputsMu.RLock()
	defer outputsMu.RUnlock()
	kinds := make([]string, 0, len(outputs))
	for k := range outputs {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}
