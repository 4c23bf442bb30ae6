package auditclient

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestStaticAuths(t *testing.T) {
	tests := []struct {
		auth       Auth
		header, v  string
		secretsLen int
	}{
		{StaticHeader("X-API-Key", "k1"), "X-Api-Key", "k1", 1},
		{BearerToken("t1"), "Authorization", "Bearer t1", 1},
		{BasicAuth("id", "key"), "Authorization", "Basic aWQ6a2V5", 3},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", "https://h/x", nil)
		if err := tt.auth.Apply(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get(tt.header); got != tt.v {
			t.Errorf("%v: %s = %q", tt.auth, tt.header, got)
		}
		if len(tt.auth.Secrets()) != tt.secretsLen {
			t.Errorf("%v: secrets %d", tt.auth, len(tt.auth.Secrets()))
		}
	}
	req, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := BearerToken("").Apply(context.Background(), req); err == nil {
		t.Error("empty bearer token applied")
	}
}

func TestRefreshingTokenCachesAndRefreshes(t *testing.T) {
	now := time.Date(2024, 6, 19, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var calls int
	src := TokenSourceFunc(func(ctx context.Context) (Token, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return Token{Value: "tok-" + string(rune('0'+calls)), Expiry: now.Add(5 * time.Minute)}, nil
	})
	a := RefreshingToken(src, "Authorization", "Bearer ").(*refreshingToken)
	a.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	apply := func() string {
		req, _ := http.NewRequest("GET", "https://h/x", nil)
		if err := a.Apply(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization")
	}
	if got := apply(); got != "Bearer tok-1" {
		t.Fatalf("first: %q", got)
	}
	if got := apply(); got != "Bearer tok-1" || calls != 1 {
		t.Fatalf("cached: %q after %d calls", got, calls)
	}
	mu.Lock()
	now = now.Add(4*time.Minute + 31*time.Second) // within 30s of expiry
	mu.Unlock()
	if got := apply(); got != "Bearer tok-2" {
		t.Fatalf("near expiry: %q", got)
	}
	a.Invalidate()
	if got := apply(); got != "Bearer tok-3" {
		t.Fatalf("after Invalidate: %q", got)
	}
	if s := a.Secrets(); len(s) != 3 {
		t.Errorf("secrets %v", s)
	}
}

func TestRefreshingTokenOneRefreshAtATime(t *testing.T) {
	var calls, inFlight, maxInFlight atomic.Int32
	release := make(chan struct{})
	src := TokenSourceFunc(func(ctx context.Context) (Token, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > maxInFlight.Load() {
			maxInFlight.Store(n)
		}
		calls.Add(1)
		<-release
		return Token{Value: "shared"}, nil
	})
	a := RefreshingToken(src, "session", "")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", "https://h/x", nil)
			if err := a.Apply(context.Background(), req); err != nil {
				errs <- err
				return
			}
			if req.Header.Get("Session") != "shared" {
				errs <- errors.New("wrong token " + req.Header.Get("Session"))
			}
		}()
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if calls.Load() != 1 || maxInFlight.Load() != 1 {
		t.Errorf("%d refreshes, %d at once; want 1", calls.Load(), maxInFlight.Load())
	}
}

func TestRefreshingTokenWaitRespectsContext(t *testing.T) {
	started := make(chan struct{})
	block := make(chan struct{})
	defer close(block)
	a := RefreshingToken(TokenSourceFunc(func(ctx context.Context) (Token, error) {
		close(started)
		<-block
		return Token{Value: "late"}, nil
	}), "Authorization", "Bearer ")
	go func() {
		req, _ := http.NewRequest("GET", "https://h/x", nil)
		a.Apply(context.Background(), req)
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := a.Apply(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting behind a refresh: %v", err)
	}
	empty := RefreshingToken(TokenSourceFunc(func(context.Context) (Token, error) { return Token{}, nil }), "session", "")
	if err := empty.Apply(context.Background(), req); err == nil {
		t.Error("empty token accepted")
	}
}
