package audittest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RecordedRequest is one request a fake server received, as it arrived, and
// what the server did with it.
type RecordedRequest struct {
	// Method is the HTTP method, such as "GET".
	Method string
	// Path is the request path as received, including the server's base
	// path.
	Path string
	// RawQuery is the query string as received, without the "?".
	RawQuery string
	// Query is RawQuery parsed; nil when RawQuery does not parse.
	Query url.Values
	// Header holds the request headers, including Authorization: tests can
	// check credentials, so do not log a RecordedRequest's Header.
	Header http.Header
	// Body is the request body (at most 32 MiB of it).
	Body []byte
	// Fault is the fault the server injected, FaultNone if none.
	Fault Fault
	// QuotaRefused reports that the server refused the request with a 429
	// because the quota was spent (see Quota), without serving it.
	QuotaRefused bool
	// Status is the HTTP status the server sent; 0 when the connection was
	// reset, or while the request is still being served.
	Status int
	// Time is when the request arrived, by the server's clock.
	Time time.Time
}

// String returns the method, path and query, status and fault of r. It
// leaves out headers and body, so that printing a RecordedRequest (%v) never
// shows credentials.
func (r RecordedRequest) String() string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.Path)
	if r.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(r.RawQuery)
	}
	b.WriteString(" -> ")
	if r.Status == 0 {
		b.WriteString("no status")
	} else {
		b.WriteString(strconv.Itoa(r.Status))
	}
	if r.QuotaRefused {
		b.WriteString(" (quota spent)")
	}
	if r.Fault != FaultNone {
		b.WriteString(" (fault ")
		b.WriteString(r.Fault.String())
		b.WriteByte(')')
	}
	return b.String()
}

func (r RecordedRequest) clone() RecordedRequest {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.Body = slices.Clone(r.Body)
	return r
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Stats counts what a fake server has done so far.
type Stats struct {
	// Requests is the number of requests received.
	Requests int
	// Served is the number of requests answered normally (no fault) with a
	// 2xx status.
	Served int
	// Injected counts the injected faults by kind; FaultNone is not counted.
	// Each form of a cut body is its own kind (see Fault.CutBody).
	Injected map[Fault]int
	// QuotaRefused is the number of requests refused with a 429 because
	// the quota was spent (see Quota). They are not in Injected.
	QuotaRefused int
	// First and Last are when the first and the latest request arrived,
	// by the server's clock; zero before any. Last - First is how long a
	// client took, measured where a quota is enforced.
	First, Last time.Time
}

// CutBodies returns the number of bodies cut short in any of the three
// forms: Injected[FaultTruncate] + Injected[FaultCutJSON] +
// Injected[FaultCutJSONChunked].
func (s Stats) CutBodies() int {
	n := 0
	for f, c := range s.Injected {
		if f.CutBody() {
			n += c
		}
	}
	return n
}

// recorder keeps the requests and counters of a server. It is not safe for
// concurrent use; the server serializes access.
type recorder struct {
	reqs  []RecordedRequest
	stats Stats
}

// add records a request that has just arrived and returns its index.
func (rc *recorder) add(rr RecordedRequest) int {
	rc.reqs = append(rc.reqs, rr)
	rc.stats.Requests++
	if rc.stats.First.IsZero() {
		rc.stats.First = rr.Time
	}
	rc.stats.Last = rr.Time
	if rr.QuotaRefused {
		rc.stats.QuotaRefused++
	}
	if rr.Fault != FaultNone {
		if rc.stats.Injected == nil {
			rc.stats.Injected = make(map[Fault]int)
		}
		rc.stats.Injected[rr.Fault]++
	}
	return len(rc.reqs) - 1
}

// done records the status sent for request i.
func (rc *recorder) done(i, status int) {
	if i < 0 || i >= len(rc.reqs) {
		return
	}
	rc.reqs[i].Status = status
	if rc.reqs[i].Fault == FaultNone && status >= 200 && status <= 299 {
		rc.stats.Served++
	}
}

func (rc *recorder) requests() []RecordedRequest {
	out := make([]RecordedRequest, len(rc.reqs))
	for i, r := range rc.reqs {
		out[i] = r.clone()
	}
	return out
}

func (rc *recorder) snapshot() Stats {
	s := rc.stats
	s.Injected = maps.Clone(rc.stats.Injected)
	if s.Injected == nil {
		s.Injected = map[Fault]int{}
	}
	return s
}
