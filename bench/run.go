package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/eventline"
	"github.com/auditkit/auditkit/vendors"
	_ "github.com/auditkit/auditkit/vendors/all" // every vendor in the registry
)

// Mode is what a measured walk does.
type Mode int

const (
	// ModePlain is the baseline loop (Plain).
	ModePlain Mode = iota
	// ModeRaw is the SDK's walk written as the vendors' records, as
	// auditkit pull --format raw writes it.
	ModeRaw
	// ModeOCSF is the SDK's walk written as OCSF events, as auditkit pull
	// writes it by default.
	ModeOCSF
)

// String returns the mode's name in the table: "plain", "raw" or "ocsf".
func (m Mode) String() string {
	switch m {
	case ModePlain:
		return "plain"
	case ModeRaw:
		return "raw"
	case ModeOCSF:
		return "ocsf"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Run walks s once in mode m, each request delayed by lat, writing its
// lines to w, and returns how many it wrote and how many requests it sent. The baseline sends with
// net/http's default transport, the SDK with its own default (a pooled
// go-cleanhttp transport), both behind the same delay.
func Run(ctx context.Context, s *Server, m Mode, lat time.Duration, w io.Writer) (events, requests int, err error) {
	next := http.DefaultTransport
	if m != ModePlain {
		next = retryablehttp.NewClient().HTTPClient.Transport
	}
	hc, counter := withLatency(next, lat)
	if m == ModePlain {
		events, err = Plain(ctx, s, hc, w)
	} else {
		events, err = sdk(ctx, s, m, hc, w)
	}
	return events, int(counter.n.Load()), err
}

func sdk(ctx context.Context, s *Server, m Mode, hc *http.Client, w io.Writer) (int, error) {
	opts := []auditclient.Option{auditclient.WithHTTPClient(hc)}
	src, err := vendors.Open(ctx, s.Vendor, vendors.Config{
		Settings: s.Settings, BaseURL: s.BaseURL, Since: s.Since, Until: s.Until,
		PageSize: plainPage, Options: opts,
	})
	if err != nil {
		return 0, err
	}
	defer src.Events.Close()
	defer src.Client.CloseIdleConnections()
	enc := eventline.Encoder{Raw: m == ModeRaw}
	bw := bufio.NewWriterSize(w, 256<<10)
	n := 0
	for src.Events.Next() {
		ev := src.Events.Event()
		line, err := enc.Encode(&ev)
		if err != nil {
			return n, err
		}
		bw.Write(line)
		bw.WriteByte('\n')
		n++
	}
	if err := src.Events.Err(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}
