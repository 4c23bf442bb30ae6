package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	ServeIfChild()
	code := m.Run()
	closeServers()
	os.Exit(code)
}

// The vendors measured, and the rows of the table: the Automox window of
// five days is a row of its own.
var rows = []Spec{
	{Vendor: "automox"}, {Vendor: "automox", Days: 5}, {Vendor: "cisco"}, {Vendor: "entrust"},
	{Vendor: "instavm"}, {Vendor: "nprinting"}, {Vendor: "tanium"},
}

func rowName(s Spec) string {
	if s.Days > 0 {
		return s.Vendor + "-" + strconv.Itoa(s.Days) + "days"
	}
	return s.Vendor
}

// envInt returns the environment variable name as an int, or def.
func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		tb.Fatalf("%s=%q: want a count", name, v)
	}
	return n
}

// settings are the benchmarks' data set size and latency: 5,000 events and
// 20 ms, or with -short (CI's form) 500 events and 1 ms; the environment
// variables AUDITKIT_BENCH_EVENTS and AUDITKIT_BENCH_LATENCY_MS override
// them.
func settings(tb testing.TB) (events int, lat time.Duration) {
	events, ms := 5000, 20
	if testing.Short() {
		events, ms = 500, 1
	}
	return envInt(tb, "AUDITKIT_BENCH_EVENTS", events), time.Duration(envInt(tb, "AUDITKIT_BENCH_LATENCY_MS", ms)) * time.Millisecond
}

var (
	serversMu sync.Mutex
	servers   = map[Spec]*Server{}
)

// server returns the running fake of spec, starting it on first use; the
// fakes are stopped when the tests end.
func server(tb testing.TB, spec Spec) *Server {
	tb.Helper()
	serversMu.Lock()
	defer serversMu.Unlock()
	if s, ok := servers[spec]; ok {
		return s
	}
	s, err := Start(spec)
	if err != nil {
		tb.Fatal(err)
	}
	servers[spec] = s
	return s
}

func closeServers() {
	serversMu.Lock()
	defer serversMu.Unlock()
	for _, s := range servers {
		s.Close()
	}
}

// measure walks s once in mode m and fails unless it read every record.
func measure(tb testing.TB, s *Server, m Mode, lat time.Duration) Result {
	tb.Helper()
	r, err := Measure(context.Background(), func(ctx context.Context) (int, int, error) {
		return Run(ctx, s, m, lat, io.Discard)
	})
	if err != nil {
		tb.Fatalf("%s %s: %v", rowName(s.Spec), m, err)
	}
	if r.Events != s.Records {
		tb.Fatalf("%s %s: %d events, want %d", rowName(s.Spec), m, r.Events, s.Records)
	}
	return r
}

// BenchmarkWalk walks every vendor's fake, in the baseline loop and in the
// SDK's two output formats, each request delayed (see settings). Besides
// the time per walk it reports events/s, CPU µs/event, allocs/event and
// the peak heap (MiB) of the last walk.
func BenchmarkWalk(b *testing.B) {
	events, lat := settings(b)
	for _, spec := range rows {
		spec.Events = events
		for _, m := range []Mode{ModePlain, ModeRaw, ModeOCSF} {
			b.Run(rowName(spec)+"/"+m.String(), func(b *testing.B) {
				s := server(b, spec)
				var r Result
				var cpu time.Duration
				var allocs uint64
				var n int
				for b.Loop() {
					r = measure(b, s, m, lat)
					cpu += r.CPU
					allocs += r.Allocs
					n += r.Events
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
				b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/event")
				b.ReportMetric(float64(allocs)/float64(n), "allocs/event")
				b.ReportMetric(float64(r.PeakHeap)/(1<<20), "peak-MiB")
				b.ReportMetric(float64(r.Requests), "requests")
			})
		}
	}
}

// median returns the median result of rs by f.
func median(rs []Result, f func(Result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// TestPerformanceTable prints the README's Performance tables when
// AUDITKIT_BENCH_TABLE=1: the walks at 20 ms a request (wall time), and
// the same without latency and with 20,000 events (CPU per event), medians
// of AUDITKIT_BENCH_ROUNDS rounds (default 3), the baseline and the SDK
// alternating.
func TestPerformanceTable(t *testing.T) {
	if os.Getenv("AUDITKIT_BENCH_TABLE") != "1" {
		t.Skip("set AUDITKIT_BENCH_TABLE=1 to print the README's Performance table (minutes)")
	}
	rounds := max(envInt(t, "AUDITKIT_BENCH_ROUNDS", 3), 1)
	events, lat := settings(t)
	cpuEvents := envInt(t, "AUDITKIT_BENCH_CPU_EVENTS", 20000)
	modes := []Mode{ModePlain, ModeRaw, ModeOCSF}

	var out strings.Builder
	fmt.Fprintf(&out, "\nWall time, %d events, page %d, %v a request (medians of %d):\n\n", events, plainPage, lat, rounds)
	fmt.Fprintln(&out, "| vendor | plain loop | auditkit raw | auditkit ocsf | plain ÷ ocsf | requests plain / auditkit | requests × latency |")
	fmt.Fprintln(&out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, spec := range rows {
		spec.Events = events
		s := server(t, spec)
		res := make([][]Result, len(modes))
		for range rounds {
			for i, m := range modes {
				res[i] = append(res[i], measure(t, s, m, lat))
			}
		}
		wall := func(i int) float64 { return median(res[i], func(r Result) float64 { return r.Wall.Seconds() }) }
		fmt.Fprintf(&out, "| %s | %.2f s | %.2f s | %.2f s | %.2f× | %d / %d | %.2f s |\n", rowName(spec), wall(0), wall(1), wall(2),
			wall(0)/wall(2), res[0][0].Requests, res[2][0].Requests, (time.Duration(res[0][0].Requests) * lat).Seconds())
	}

	fmt.Fprintf(&out, "\nCPU and memory, %d events, page %d, no latency (medians of %d); ratios to the plain loop's CPU:\n\n", cpuEvents, plainPage, rounds)
	fmt.Fprintln(&out, "| vendor | CPU µs/event plain / raw / ocsf | raw ÷ plain | ocsf ÷ plain | allocs/event plain / raw / ocsf | peak heap MiB plain / raw / ocsf |")
	fmt.Fprintln(&out, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, spec := range rows {
		if spec.Days > 0 {
			continue
		}
		spec.Events = cpuEvents
		s := server(t, spec)
		res := make([][]Result, len(modes))
		for range rounds {
			for i, m := range modes {
				res[i] = append(res[i], measure(t, s, m, 0))
			}
		}
		cpu := func(i int) float64 { return median(res[i], Result.CPUPerEvent) }
		al := func(i int) float64 { return median(res[i], Result.AllocsPerEvent) }
		heap := func(i int) float64 {
			return median(res[i], func(r Result) float64 { return float64(r.PeakHeap) / (1 << 20) })
		}
		fmt.Fprintf(&out, "| %s | %.1f / %.1f / %.1f | %.2f× | %.2f× | %.0f / %.0f / %.0f | %.1f / %.1f / %.1f |\n", spec.Vendor,
			cpu(0), cpu(1), cpu(2), cpu(1)/cpu(0), cpu(2)/cpu(0), al(0), al(1), al(2), heap(0), heap(1), heap(2))
	}
	t.Log(out.String())
}

// TestMemoryFlat walks 100,000 and then 1,000,000 InstaVM events (OCSF,
// no latency) when AUDITKIT_BENCH_MEMORY=1, and checks that the peak heap
// of the long walk is below 64 MiB and within 20% of the short one's.
func TestMemoryFlat(t *testing.T) {
	if os.Getenv("AUDITKIT_BENCH_MEMORY") != "1" {
		t.Skip("set AUDITKIT_BENCH_MEMORY=1 to walk 1,000,000 events (a minute or more)")
	}
	var peaks []float64
	for _, n := range []int{100_000, 1_000_000} {
		s := server(t, Spec{Vendor: "instavm", Events: n})
		r := measure(t, s, ModeOCSF, 0)
		peaks = append(peaks, float64(r.PeakHeap)/(1<<20))
		t.Logf("instavm, %d events: peak heap %.1f MiB (live after a GC at most %.1f MiB), %.1f CPU µs/event, %v",
			n, peaks[len(peaks)-1], float64(r.PeakLive)/(1<<20), r.CPUPerEvent(), r.Wall)
	}
	if peaks[1] >= 64 || peaks[1] > 1.2*peaks[0] {
		t.Errorf("peak heap %.1f MiB at 1,000,000 events, %.1f MiB at 100,000: want below 64 MiB and within 20%%", peaks[1], peaks[0])
	}
}
