package reliability_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
)

// connCounter dials TCP connections to loopback only and counts the ones
// that are still open, so a test can see connections that a leaked
// response body keeps busy.
type connCounter struct {
	open   atomic.Int64
	dialed atomic.Int64
}

func (c *connCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("test dialer: %s is not a loopback address", addr)
	}

	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c.open.Add(1)
	c.dialed.Add(1)
	return &countedConn{Conn: conn, counter: c}, nil
}

type countedConn struct {
	net.Conn
	counter *connCounter
	once    sync.Once
}

func (cc *countedConn) Close() error {
	cc.once.Do(func() { cc.counter.open.Add(-1) })
	return cc.Conn.Close()
}

// newCountingTransport returns a pooled transport that dials through
// counter.
func newCountingTransport(counter *connCounter) *http.Transport {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = counter.dial
	transport.MaxIdleConnsPerHost = 16
	return transport
}

// callIDKey tags the context of one SDK call, so that the recorder can
// group the attempts of that call.
type callIDKey struct{}

func withCallID(ctx context.Context, id uint64) context.Context {
	return context.WithValue(ctx, callIDKey{}, id)
}

// attempt is one HTTP exchange as the client saw it.
type attempt struct {
	method     string
	path       string
	status     int  // 0 when no response arrived
	retryAfter bool // the response carried a Retry-After header
	err        error
}

// recorder is an http.RoundTripper that records every attempt the SDK
// sends, grouped by the call ID in the request's context.
type recorder struct {
	next http.RoundTripper

	mu       sync.Mutex
	attempts map[uint64][]attempt
}

func newRecorder(next http.RoundTripper) *recorder {
	return &recorder{next: next, attempts: make(map[uint64][]attempt)}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)

	a := attempt{method: req.Method, path: req.URL.EscapedPath(), err: err}
	if resp != nil {
		a.status = resp.StatusCode
		a.retryAfter = resp.Header.Get("Retry-After") != ""
	}
	id, _ := req.Context().Value(callIDKey{}).(uint64)

	r.mu.Lock()
	r.attempts[id] = append(r.attempts[id], a)
	r.mu.Unlock()

	return resp, err
}

func (r *recorder) of(id uint64) []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.attempts[id]...)
}

func (r *recorder) all() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []attempt
	for _, list := range r.attempts {
		out = append(out, list...)
	}
	return out
}

// transient reports whether err is one of the failures the soak injects
// (429, a 5xx or a lost connection), the only errors a valid call may get
// there.
func transient(err error) bool {
	var apiErr *convoy.Error
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case 0:
		return apiErr.Err != nil
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// waitFor polls cond every 10 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testContext returns a context that ends with the test or after a
// minute.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
