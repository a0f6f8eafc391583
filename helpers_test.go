package convoy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testKey = "sk_test_4f9a1c"

// newTestServer starts h on 127.0.0.1 and returns a client for it with
// waits short enough for tests.
func newTestServer(t *testing.T, h http.Handler, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	all := append([]Option{WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := NewClient(testKey, all...)
	require.NoError(t, err)
	return c, srv
}

// countingHandler counts requests and serves each with h.
type countingHandler struct {
	n atomic.Int32
	h http.HandlerFunc
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.h(w, r)
}

func (c *countingHandler) count() int {
	return int(c.n.Load())
}

// writeJSON writes body with the given status as Convoy does.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

const sampleManufacturer = `{"manufacturer_id": 2, "name": "Google"}`
