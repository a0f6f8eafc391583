package reliability_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endlessBodySize is how much an endless-body server offers; far more
// than a client may read and than loopback socket buffers hold.
const endlessBodySize = 64 << 20

// maxBytesRead bounds what a client may have taken of an endless body,
// socket buffers included.
const maxBytesRead = 32 << 20

// endlessBodyServer responds with status and then writes open, followed
// by chunk repeated, until endlessBodySize bytes are written or the
// client closes the connection. It returns the bytes written so far.
func endlessBodyServer(t *testing.T, status int, open, chunk string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	written := &atomic.Int64{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		n, _ := w.Write([]byte(open))
		written.Add(int64(n))
		block := bytes.Repeat([]byte(chunk), 64<<10/len(chunk))
		for written.Load() < endlessBodySize {
			n, err := w.Write(block)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(server.Close)
	return server, written
}

// TestEndlessErrorBodyBounded checks that the SDK reads only a bounded
// part of an endless error body and still reports the status.
func TestEndlessErrorBodyBounded(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
		server, written := endlessBodyServer(t, status, `{"status":500,"error":"x","message":"`, "spam ")
		c, err := convoy.NewClient("sk_bounds", convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(0))
		require.NoError(t, err)

		_, err = c.Manufacturers.Get(testContext(t), convoy.NumericID(1))

		var apiErr *convoy.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, status, apiErr.StatusCode)
		assert.LessOrEqual(t, len(apiErr.Message), 64<<10+8, "message bytes")
		server.CloseClientConnections()
		assert.True(t, waitFor(5*time.Second, func() bool {
			before := written.Load()
			time.Sleep(20 * time.Millisecond)
			return written.Load() == before
		}))
		assert.Less(t, written.Load(), int64(maxBytesRead), "bytes the server could write for status %d", status)
	}
}

// TestEndlessSuccessBodyBounded sends a 200 whose JSON array never ends
// and checks that the SDK stops reading after a bounded size.
func TestEndlessSuccessBodyBounded(t *testing.T) {
	t.Parallel()
	server, written := endlessBodyServer(t, http.StatusOK, "[", `{"manufacturer_id":1,"name":"x"},`)
	c, err := convoy.NewClient("sk_bounds", convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(0))
	require.NoError(t, err)

	_, err = c.Manufacturers.List(testContext(t), nil)

	var apiErr *convoy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusOK, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "response body is larger than")
	server.CloseClientConnections()
	assert.Less(t, written.Load(), int64(maxBytesRead), "bytes the server could write")
}
