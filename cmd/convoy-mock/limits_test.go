package main

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHTTPServerLimits(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))

	assert.Equal(t, 64<<10, srv.MaxHeaderBytes)
	assert.Equal(t, 10*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, srv.ReadTimeout)
	assert.Equal(t, 2*time.Minute, srv.IdleTimeout)
	assert.NotNil(t, srv.ErrorLog)
}

func TestMockRejectsLargeHeader(t *testing.T) {
	t.Parallel()
	m := startMock(t)

	req, err := http.NewRequest(http.MethodGet, m.url+"/inventory", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "test_key")
	req.Header.Set("X-Padding", strings.Repeat("x", 80<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)

	status, _ := m.send(t, http.MethodGet, "/inventory", "test_key", nil)
	assert.Equal(t, http.StatusOK, status, "a normal request after the rejected one")
}

func TestMockRejectsLargeBody(t *testing.T) {
	t.Parallel()
	m := startMock(t)

	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader("name=" + strings.Repeat("x", 2<<20))
		if chunked {
			body = io.MultiReader(body) // hides the length, so the body is sent chunked
		}
		req, err := http.NewRequest(http.MethodPost, m.url+"/manufacturers", body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "test_key")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked %v: %s", chunked, raw)
		assert.Contains(t, string(raw), "payload_too_large", "chunked %v", chunked)
	}
}

// TestMockServesWhileSlowClientWaits opens a connection that never
// finishes its headers and checks that other clients are still served.
func TestMockServesWhileSlowClientWaits(t *testing.T) {
	t.Parallel()
	m := startMock(t)

	conn, err := net.Dial("tcp", strings.TrimPrefix(m.url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = conn.Write([]byte("GET /inventory HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)

	status, _ := m.send(t, http.MethodGet, "/inventory", "test_key", nil)
	assert.Equal(t, http.StatusOK, status)

	// The server sends nothing for a request whose headers never end.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
	_, err = bufio.NewReader(conn).ReadByte()
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
}
