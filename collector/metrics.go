package collector

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the collector's Prometheus series, all labelled by source.
type metrics struct {
	events      *prometheus.CounterVec
	batches     *prometheus.CounterVec
	pages       *prometheus.CounterVec
	requests    *prometheus.CounterVec
	retries     *prometheus.CounterVec
	errors      *prometheus.CounterVec
	cycles      *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	cursorLag   *prometheus.GaugeVec
	nextRun     *prometheus.GaugeVec
	up          *prometheus.GaugeVec
}

// newMetrics makes the series and registers them with reg.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	src := []string{"source", "vendor"}
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_events_total", Help: "Events delivered to the output and checkpointed, per source.",
		}, src),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_batches_total", Help: "Batches delivered to the output and checkpointed, per source.",
		}, src),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_pages_total", Help: "Pages of records read from the vendor's API, per source.",
		}, src),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_requests_total", Help: "HTTP requests sent to the vendor's API, per source and response status (\"error\" when no response came).",
		}, []string{"source", "vendor", "status"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_retries_total", Help: "HTTP attempts repeated after a retryable failure, per source.",
		}, src),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_errors_total", Help: "Cycles of a source ended by an error, per source and kind (config, auth, rate_limit, api, network, decode, timeout, walk, output, state, conflict).",
		}, []string{"source", "vendor", "kind"}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditkit_cycles_total", Help: "Cycles of a source, per source and result (ok, error).",
		}, []string{"source", "vendor", "result"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "auditkit_last_success_timestamp_seconds", Help: "When a cycle of the source last ended without error (Unix seconds).",
		}, src),
		cursorLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "auditkit_cursor_lag_seconds", Help: "Now minus the time of the newest event delivered for the source.",
		}, src),
		nextRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "auditkit_next_run_timestamp_seconds", Help: "When the source's next cycle starts (Unix seconds).",
		}, src),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "auditkit_source_up", Help: "1 when the source's last cycle ended without error, else 0.",
		}, src),
	}
	for _, c := range []prometheus.Collector{m.events, m.batches, m.pages, m.requests, m.retries, m.errors, m.cycles, m.lastSuccess, m.cursorLag, m.nextRun, m.up} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// forget removes a source's series (a source removed by a reload).
func (m *metrics) forget(source string) {
	l := prometheus.Labels{"source": source}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.events, m.batches, m.pages, m.requests, m.retries, m.errors, m.cycles, m.lastSuccess, m.cursorLag, m.nextRun, m.up} {
		v.DeletePartialMatch(l)
	}
}

// countingTransport counts a source's requests by response status.
type countingTransport struct {
	next    http.RoundTripper
	counter *prometheus.CounterVec
	source  string
	vendor  string
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	status := "error"
	if err == nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	t.counter.WithLabelValues(t.source, t.vendor, status).Inc()
	return resp, err
}

// CloseIdleConnections closes the idle connections of the transport below.
func (t *countingTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
