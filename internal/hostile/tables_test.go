package hostile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/walktest"
)

// The vendors' tables (vendors_test.go), one test body each: hostile
// bodies, scripted walks, base URLs, and the fakes serving hostile pages.

// body is a 200 answer of the data endpoint that is not the document's:
// the walk ends with a *auditclient.DecodeError at path.
type body struct{ name, body, path string }

// TestHostileBodies: a 200 whose body is not the vendor's document is a
// permanent DecodeError naming the JSON path, the vendor and the URL:
// never "no events", never a panic, no event made of it, not retried (one
// request), the checkpoint not complete; ListPage returns no page and the
// same error. The vendor's empty answer is no error: no event, one
// request, a complete checkpoint, a page. Every walk also passes
// checkCommon (no credential in the error or the debug log).
func TestHostileBodies(t *testing.T) {
	for _, v := range vendors() {
		// Every vendor's document is an object (Automox's an array, which
		// has its own row for []): a string, a number or an array is
		// refused whole.
		bodies := append(v.bodies, body{"the empty answer", v.empty, ""}, body{"a string", `"ok"`, "$"}, body{"a number", `42`, "$"})
		if v.empty != `[]` {
			bodies = append(bodies, body{"an array", `[]`, "$"})
		}
		for _, b := range bodies {
			t.Run(v.name+"/"+b.name, func(t *testing.T) {
				h := newServer(t, v, fixed(http.StatusOK, b.body)(v), false)
				o := walk(t, v, h, hostileCase{})
				checkCommon(t, v, hostileCase{}, o)
				wantData(t, o, 1)
				page, err := v.list(context.Background(), "", options(h))
				if h.data.Load() != 2 {
					t.Errorf("ListPage: %d requests, want 1", h.data.Load()-1)
				}
				if b.path == "" {
					if o.err != nil || len(o.events) != 0 || !o.complete || err != nil || !page {
						t.Errorf("Events: %d events, complete %v, %v; ListPage: a page %v, %v", len(o.events), o.complete, o.err, page, err)
					}
					return
				}
				if len(o.events) != 0 || o.complete {
					t.Errorf("%d events yielded from a wrong body; the checkpoint says complete: %v", len(o.events), o.complete)
				}
				walktest.WantDecodeError(t, o.err, v.name, v.urlPart, b.path, v.secrets...)
				if page {
					t.Error("ListPage returned a page")
				}
				walktest.WantDecodeError(t, err, v.name, v.urlPart, b.path, v.secrets...)
			})
		}
	}
}

// script is a server that answers by script: page gives the body of the
// walk's n-th data request (from 1), which asks for key (v.key: its cursor
// or offset); "" answers 400. "BASE" in a body stands for the server's URL.
// The walk with Events must end with a DecodeError at path (when path is
// set) matching is (when set), without error when neither is, having
// yielded events; so must the walk with Pages of a vendor that has one,
// yielding the records ids. requests is the exact number of data requests
// of the Events walk, max (when set) a bound on both walks', errHas text
// both errors hold. walk, when set, replaces the vendor's Events walk.
type script struct {
	name     string
	page     func(key string, n int) string
	path     string
	is       error
	events   int
	ids      string
	requests int64
	max      int64
	errHas   string
	walk     func(context.Context, []auditclient.Option) (auditclient.Iterator, error)
}

func TestScriptedWalks(t *testing.T) {
	for _, v := range vendors() {
		for _, s := range v.scripts {
			t.Run(v.name+"/"+s.name, func(t *testing.T) {
				var before atomic.Int64 // the data requests of the walks before
				h := newServer(t, v, func(w http.ResponseWriter, r *http.Request, n int, h *server) {
					key := ""
					if v.key != nil {
						key = v.key(r)
					}
					if body := s.page(key, n-int(before.Load())); body != "" && n <= hardStop {
						writeJSON(w, http.StatusOK, []byte(strings.ReplaceAll(body, "BASE", h.URL())))
						return
					}
					writeJSON(w, http.StatusBadRequest, []byte(`{"message":"not in the script"}`))
				}, false)
				check := func(what string, err error) {
					t.Helper()
					if s.path != "" {
						walktest.WantDecodeError(t, err, v.name, v.urlPart, s.path, v.secrets...)
					}
					if s.is != nil && !errors.Is(err, s.is) || s.path == "" && s.is == nil && err != nil {
						t.Errorf("%s: error %v, want %v", what, err, s.is)
					}
					if !strings.Contains(fmt.Sprint(err), s.errHas) {
						t.Errorf("%s: error %v, want one that names %q", what, err, s.errHas)
					}
				}
				w := *v
				if s.walk != nil {
					w.events = s.walk
				}
				o := walk(t, &w, h, hostileCase{})
				checkCommon(t, v, hostileCase{}, o)
				check("Events", o.err)
				if len(o.events) != s.events || s.requests > 0 && o.data != s.requests {
					t.Errorf("Events: %d events, %d requests; want %d, %d", len(o.events), o.data, s.events, s.requests)
				}
				if v.pages != nil {
					before.Store(h.data.Load())
					ids, err := v.pages(context.Background(), options(h))
					check("Pages", err)
					if got := strings.Join(ids, ","); got != s.ids {
						t.Errorf("Pages yielded %s, want %s", got, s.ids)
					}
				}
				if n := h.data.Load(); s.max > 0 && n > s.max {
					t.Errorf("%d requests for the walks, want at most %d", n, s.max)
				}
			})
		}
	}
}

// TestBaseURL: a base URL (v.bases) is the API's origin, with an optional
// proxy prefix, the documented paths (v.paths) appended; one that already
// ends in the API's own prefix is not doubled. A vendor's tenant or server
// given to its constructor (argToo) is read the same way as WithBaseURL.
// Exact requests (with the query when the path has one), through a
// transport in memory.
func TestBaseURL(t *testing.T) {
	for _, v := range vendors() {
		for origin, bases := range v.bases {
			for _, b := range bases {
				for _, viaArg := range []bool{false, true} {
					if viaArg && !v.argToo || !viaArg && v.urlOnly && !strings.Contains(b, "://") {
						continue // WithBaseURL takes URLs only
					}
					var mu sync.Mutex
					var got []string
					opts := []auditclient.Option{auditclient.WithRetryPolicy(auditclient.RetryPolicy{MaxAttempts: 1}),
						auditclient.WithHTTPClient(&http.Client{Transport: roundTrip(func(r *http.Request) *http.Response {
							u := *r.URL
							if !strings.Contains(strings.Join(v.paths, ""), "?") {
								u.RawQuery = ""
							}
							mu.Lock()
							got = append(got, r.Method+" "+u.String())
							mu.Unlock()
							rec := httptest.NewRecorder()
							if v.isAuth != nil && v.isAuth(r) {
								v.auth(rec, r)
							} else {
								writeJSON(rec, http.StatusOK, []byte(v.empty))
							}
							resp := rec.Result()
							resp.Request = r
							return resp
						})})}
					arg := ""
					if viaArg {
						arg = b
					} else if b != "" {
						opts = append(opts, auditclient.WithBaseURL(b))
					}
					if _, err := v.list(context.Background(), arg, opts); err != nil {
						t.Errorf("%s %q (as the argument: %v): %v", v.name, b, viaArg, err)
					}
					var want []string
					for _, p := range v.paths {
						method, path, _ := strings.Cut(p, " ")
						want = append(want, method+" "+origin+path)
					}
					if strings.Join(got, " | ") != strings.Join(want, " | ") {
						t.Errorf("%s %q (as the argument: %v): requested %q, want %q", v.name, b, viaArg, got, want)
					}
				}
			}
		}
	}
}

type roundTrip func(*http.Request) *http.Response

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r), nil }

// fakeBody rewrites the second page of a walk of the vendor's fake.
type fakeBody struct {
	name, path string
	body       func([]byte) []byte
}

// TestFakeServesHostilePages: the fakes serve hostile forms on request:
// the second page of a walk rewritten ends it with the DecodeError, after
// exactly the first page's events, with every fault of the fault mix
// around it.
func TestFakeServesHostilePages(t *testing.T) {
	for _, v := range vendors() {
		for _, f := range v.fakeBodies {
			t.Run(v.name+"/"+f.name, func(t *testing.T) {
				it, want, secrets := v.fake(t, f.body)
				defer it.Close()
				walktest.Diff(t, walktest.Collect(t, it, -1), want)
				walktest.WantDecodeError(t, it.Err(), v.name, v.urlPart, f.path, secrets...)
			})
		}
	}
}
