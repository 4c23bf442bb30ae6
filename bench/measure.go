package bench

import (
	"context"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one measured walk cost the client.
type Result struct {
	// Events is how many events (records) the walk wrote.
	Events int
	// Requests is how many requests it sent.
	Requests int
	// Wall is the walk's elapsed time.
	Wall time.Duration
	// CPU is the process's CPU time (user and system) during the walk.
	CPU time.Duration
	// Allocs is how many heap objects the walk allocated.
	Allocs uint64
	// PeakHeap is the largest heap (live and not yet collected objects)
	// seen during the walk, sampled every 2 ms, in bytes.
	PeakHeap uint64
	// PeakLive is the largest heap marked live by a garbage collection
	// during the walk, in bytes: what the walk keeps, without the garbage
	// PeakHeap also counts.
	PeakLive uint64
}

// EventsPerSecond is Events over Wall.
func (r Result) EventsPerSecond() float64 { return float64(r.Events) / r.Wall.Seconds() }

// CPUPerEvent is the CPU time per event, in microseconds.
func (r Result) CPUPerEvent() float64 {
	return float64(r.CPU.Microseconds()) / float64(max(r.Events, 1))
}

// AllocsPerEvent is Allocs per event.
func (r Result) AllocsPerEvent() float64 { return float64(r.Allocs) / float64(max(r.Events, 1)) }

const (
	heapMetric   = "/memory/classes/heap/objects:bytes"
	liveMetric   = "/gc/heap/live:bytes"
	allocsMetric = "/gc/heap/allocs:objects"
)

// Measure runs walk once, after a garbage collection, and measures it.
func Measure(ctx context.Context, walk func(ctx context.Context) (events, requests int, err error)) (Result, error) {
	runtime.GC()
	samples := []metrics.Sample{{Name: heapMetric}, {Name: allocsMetric}}
	metrics.Read(samples)
	allocs0 := samples[1].Value.Uint64()
	peak := samples[0].Value.Uint64()

	var live uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: heapMetric}, {Name: liveMetric}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			live = max(live, s[1].Value.Uint64())
			mu.Unlock()
		}
	}()
	cpu0, start := cpuTime(), time.Now()
	n, reqs, err := walk(ctx)
	wall, cpu := time.Since(start), cpuTime()-cpu0
	close(stop)
	wg.Wait()
	metrics.Read(samples)
	peak = max(peak, samples[0].Value.Uint64())
	return Result{Events: n, Requests: reqs, Wall: wall, CPU: cpu, Allocs: samples[1].Value.Uint64() - allocs0, PeakHeap: peak, PeakLive: live}, err
}

// latency delays every request by d before sending it, as a network
// round trip of d would.
type latency struct {
	next http.RoundTripper
	d    time.Duration
	n    atomic.Int64 // requests sent
}

func (l *latency) RoundTrip(r *http.Request) (*http.Response, error) {
	l.n.Add(1)
	if l.d > 0 {
		t := time.NewTimer(l.d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return nil, r.Context().Err()
		}
	}
	return l.next.RoundTrip(r)
}

// withLatency returns an HTTP client that sends through next after d per
// request, and its transport, which counts the requests.
func withLatency(next http.RoundTripper, d time.Duration) (*http.Client, *latency) {
	l := &latency{next: next, d: d}
	return &http.Client{Transport: l}, l
}
