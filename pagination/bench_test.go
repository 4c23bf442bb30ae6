package pagination

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// The benchmarks walk benchPages pages of benchItems items. Each fetch waits
// fetchLatency on a timer (a round trip); in the NextToken benchmarks the
// consumer spends consumeCost per page the same way (writing to a sink), so a
// walk that overlaps the two should take about half the time of the plain
// loop. Compare the ns/op of each case with its baseline in the same run:
//
//	go test -run '^$' -bench . -benchtime 5x ./pagination/
const (
	benchPages   = 1000
	benchItems   = 100
	fetchLatency = 200 * time.Microsecond
	consumeCost  = 200 * time.Microsecond
)

type benchRecord struct {
	ID   int
	Kind string
}

var benchPage = func() []benchRecord {
	p := make([]benchRecord, benchItems)
	for i := range p {
		p[i] = benchRecord{ID: i, Kind: "login"}
	}
	return p
}()

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func tokenBenchFetch(ctx context.Context, tok string) ([]benchRecord, string, error) {
	if err := wait(ctx, fetchLatency); err != nil {
		return nil, "", err
	}
	n := 0
	if tok != "" {
		n, _ = strconv.Atoi(tok)
	}
	next := ""
	if n+1 < benchPages {
		next = strconv.Itoa(n + 1)
	}
	return benchPage, next, nil
}

func offsetBenchFetch(ctx context.Context, off, limit int) ([]benchRecord, int, error) {
	if err := wait(ctx, fetchLatency); err != nil {
		return nil, 0, err
	}
	return benchPage[:min(limit, benchPages*benchItems-off)], benchPages * benchItems, nil
}

var sink int

// consume touches every item and then waits consumeCost (0: no wait).
func consume(ctx context.Context, items []benchRecord, cost time.Duration) {
	for i := range items {
		sink += items[i].ID + len(items[i].Kind)
	}
	if cost > 0 {
		_ = wait(ctx, cost)
	}
}

func BenchmarkNextToken(b *testing.B) {
	ctx := context.Background()
	b.Run("baseline-loop", func(b *testing.B) {
		for range b.N {
			pages, tok := 0, ""
			for {
				items, next, err := tokenBenchFetch(ctx, tok)
				if err != nil {
					b.Fatal(err)
				}
				consume(ctx, items, consumeCost)
				pages++
				if next == "" {
					break
				}
				tok = next
			}
			if pages != benchPages {
				b.Fatal(pages)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
	})
	for _, c := range []struct {
		name     string
		prefetch int
	}{{"pager-no-prefetch", -1}, {"pager-prefetch-1", 0}, {"pager-prefetch-4", 4}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				p := NextToken(ctx, tokenBenchFetch, Options{Prefetch: c.prefetch})
				pages := 0
				for p.More() {
					page, err := p.NextPage(ctx)
					if err != nil {
						b.Fatal(err)
					}
					consume(ctx, page.Items, consumeCost)
					pages++
				}
				p.Close()
				if pages != benchPages {
					b.Fatal(pages)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
		})
	}
}

func BenchmarkOffset(b *testing.B) {
	ctx := context.Background()
	b.Run("baseline-loop", func(b *testing.B) {
		for range b.N {
			pages := 0
			for off := 0; ; off += benchItems {
				items, total, err := offsetBenchFetch(ctx, off, benchItems)
				if err != nil {
					b.Fatal(err)
				}
				consume(ctx, items, 0)
				pages++
				if len(items) == 0 || off+len(items) >= total {
					break
				}
			}
			if pages != benchPages {
				b.Fatal(pages)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
	})
	for _, conc := range []int{1, 4, 8} {
		b.Run("concurrency-"+strconv.Itoa(conc), func(b *testing.B) {
			for range b.N {
				p := Offset(ctx, offsetBenchFetch, benchItems, Options{Concurrency: conc})
				pages := 0
				for p.More() {
					page, err := p.NextPage(ctx)
					if err != nil {
						b.Fatal(err)
					}
					consume(ctx, page.Items, 0)
					pages++
				}
				p.Close()
				if pages != benchPages {
					b.Fatal(pages)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
		})
	}
}

// BenchmarkEngineOverhead: fetches that return at once, to show what the
// engine itself costs per page.
func BenchmarkEngineOverhead(b *testing.B) {
	ctx := context.Background()
	instant := func(ctx context.Context, tok string) ([]benchRecord, string, error) {
		n, _ := strconv.Atoi(tok)
		if n+1 >= benchPages {
			return benchPage, "", nil
		}
		return benchPage, strconv.Itoa(n + 1), nil
	}
	b.Run("baseline-loop", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			tok := ""
			for {
				items, next, _ := instant(ctx, tok)
				consume(ctx, items, 0)
				if next == "" {
					break
				}
				tok = next
			}
		}
	})
	b.Run("pager", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			p := NextToken(ctx, instant, Options{})
			for p.More() {
				page, err := p.NextPage(ctx)
				if err != nil {
					b.Fatal(err)
				}
				consume(ctx, page.Items, 0)
			}
			p.Close()
		}
	})
}
