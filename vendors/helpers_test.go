package vendors

import (
	"context"
	"errors"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
)

// walker is a vendor client of the tests: it records the walk asked of it.
type walker struct {
	api    *auditclient.Client
	opts   *int
	resume *auditclient.Checkpoint
	calls  int
}

func (w *walker) Events(_ context.Context, opts *int, resume *auditclient.Checkpoint) auditclient.Iterator {
	w.calls++
	w.opts, w.resume = opts, resume
	return auditclient.Emptied(errors.New("the walk"))
}

func (w *walker) HTTP() *auditclient.Client { return w.api }

func TestWalk(t *testing.T) {
	api, err := auditclient.New(auditclient.Config{Vendor: "acme", BaseURL: "https://api.acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{api: api}
	opts, resume := new(int), &auditclient.Checkpoint{}
	src, err := Walk(context.Background(), Config{Resume: resume}, w, nil, opts)
	switch {
	case err != nil || src == nil:
		t.Fatalf("Walk = %v, %v", src, err)
	case w.calls != 1 || w.opts != opts || w.resume != resume:
		t.Errorf("Events called %d times with %p, %p; want once with the options and cfg.Resume", w.calls, w.opts, w.resume)
	case src.Client != api:
		t.Errorf("Source.Client %p, want the client's HTTP %p", src.Client, api)
	case src.Events == nil || src.Events.Next() || src.Events.Err() == nil || src.Events.Err().Error() != "the walk":
		t.Errorf("Source.Events is not the client's walk")
	}

	made := errors.New("bad credential")
	w = &walker{api: api}
	src, err = Walk(context.Background(), Config{}, w, made, opts)
	if src != nil || err != made || w.calls != 0 {
		t.Errorf("Walk with the client's error = %v, %v (Events called %d times); want nil, the error, no walk", src, err, w.calls)
	}
}
