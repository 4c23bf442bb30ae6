package vendors

import (
	"context"

	"github.com/auditkit/auditkit/auditclient"
)

// Walker is a vendor package's client as its Open uses it: the Events walk
// of the package's options O, and the HTTP client underneath.
type Walker[O any] interface {
	Events(ctx context.Context, opts O, resume *auditclient.Checkpoint) auditclient.Iterator
	HTTP() *auditclient.Client
}

// Walk is the end of a vendor's Open: the Source of c's Events walk of
// opts, resuming from cfg.Resume; or, when err (the error of making c, or
// of checking opts) is not nil, that error, and no walk. An Open ends with
//
//	c, err := NewClient(...)
//	return vendors.Walk(ctx, cfg, c, err, opts)
func Walk[O any](ctx context.Context, cfg Config, c Walker[O], err error, opts O) (*Source, error) {
	if err != nil {
		return nil, err
	}
	return &Source{Events: c.Events(ctx, opts, cfg.Resume), Client: c.HTTP()}, nil
}
