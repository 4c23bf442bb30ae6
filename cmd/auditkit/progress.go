package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auditkit/auditkit/auditclient"
)

// progressInterval is how often the live progress line is redrawn.
const progressInterval = 250 * time.Millisecond

// progress reports a pull on stderr: a live line while it runs (when stderr
// is a terminal) and a one-line summary at the end.
type progress struct {
	vendor string
	w      io.Writer
	live   bool
	start  time.Time
	stats  func() auditclient.Stats // nil: no retry count

	events atomic.Int64 // events written in this run
	pages  atomic.Int64 // pages fetched in this run

	mu    sync.Mutex // serializes writes to w
	drawn bool       // a live line is on screen
	stop  chan struct{}
	done  chan struct{}
}

func newProgress(vendor string, w io.Writer, live bool) *progress {
	return &progress{vendor: vendor, w: w, live: live, start: time.Now()}
}

// begin starts the clock and, when live, the live line; stats, when not nil,
// gives the retry count.
func (p *progress) begin(stats func() auditclient.Stats) {
	p.stats, p.start = stats, time.Now()
	if p.live {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go p.loop()
	}
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(false))
			p.drawn = true
			p.mu.Unlock()
		}
	}
}

func (p *progress) retries() int64 {
	if p.stats == nil {
		return 0
	}
	return p.stats().Retries
}

// line is the progress line: the live one, or the summary when final.
func (p *progress) line(final bool) string {
	n := p.events.Load()
	el := time.Since(p.start)
	rate := 0.0
	if el > 0 {
		rate = float64(n) / el.Seconds()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s, %s", p.vendor, plural(n, "event"), plural(p.pages.Load(), "page"), plural(p.retries(), "retry"))
	if final {
		fmt.Fprintf(&b, ", %s (%.0f events/s)", roundDuration(el), rate)
	} else {
		fmt.Fprintf(&b, ", %.0f events/s", rate)
	}
	return b.String()
}

// roundDuration rounds d for humans: 1.234s → 1.2s, 83ms → 83ms.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// finish stops the live line and, unless quiet, prints the summary with
// note appended (e.g. "stopped at --max-events 100").
func (p *progress) finish(quiet bool, note string) {
	if p.stop != nil {
		close(p.stop)
		<-p.done
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	if quiet {
		return
	}
	s := p.line(true)
	if note != "" {
		s += "; " + note
	}
	fmt.Fprintln(p.w, s)
}

// Write writes b to stderr after erasing the live line, so that log lines
// and messages do not mix with it.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	return p.w.Write(b)
}

// plural is "1 event", "2 events", "0 retries".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if s, ok := strings.CutSuffix(noun, "y"); ok {
		return fmt.Sprintf("%d %sies", n, s)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
