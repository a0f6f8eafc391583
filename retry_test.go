package convoy

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const itemJSON = `{"state":"PACKED","barcode":"I1","date_created":1470287770,"date_modified":1470287770,"product":{"sku":"s","name":"n","manufacturer":{"manufacturer_id":1,"name":"Apple"}}}`

// callMethod sends one request with the given method through a service.
func callMethod(ctx context.Context, c *Client, method string) error {
	var err error
	switch method {
	case http.MethodGet:
		_, err = c.Inventory.Get(ctx, "I1")
	case http.MethodPut:
		_, err = c.Inventory.Update(ctx, "I1", &InventoryUpdateParams{State: StatePacked})
	case http.MethodPost:
		_, err = c.Inventory.Create(ctx, "s", 1)
	}
	return err
}

func statusHandler(status int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeJSON(w, status, `{"status":`+strconv.Itoa(status)+`,"error":"failed","message":"status `+strconv.Itoa(status)+` from the test server"}`)
	}
}

// resetHandler closes the connection after reading the whole request, as a
// server that crashed while processing it would.
func resetHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// slowHandler responds only after the client has given up. It reads the
// body first because only then does the server notice a closed connection.
func slowHandler(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// closedAddress returns a 127.0.0.1 address where nothing listens.
func closedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestRetryMatrix(t *testing.T) {
	t.Parallel()
	type want struct {
		attempts int
		unknown  bool
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc // nil: connection refused
		status  int
		timeout time.Duration
		get     want
		put     want
		post    want
	}{
		{name: "refused", get: want{4, false}, put: want{4, false}, post: want{4, false}},
		{name: "reset after sending", handler: resetHandler, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "timeout", handler: slowHandler, timeout: 200 * time.Millisecond, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "429", handler: statusHandler(429, ""), status: 429, get: want{4, false}, put: want{4, false}, post: want{4, false}},
		{name: "429 with Retry-After", handler: statusHandler(429, "0"), status: 429, get: want{4, false}, put: want{4, false}, post: want{4, false}},
		{name: "500", handler: statusHandler(500, ""), status: 500, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "502", handler: statusHandler(502, ""), status: 502, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "503 with Retry-After", handler: statusHandler(503, "0"), status: 503, get: want{4, false}, put: want{4, false}, post: want{4, false}},
		{name: "503 without Retry-After", handler: statusHandler(503, ""), status: 503, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "504", handler: statusHandler(504, ""), status: 504, get: want{4, false}, put: want{4, false}, post: want{1, true}},
		{name: "400", handler: statusHandler(400, ""), status: 400, get: want{1, false}, put: want{1, false}, post: want{1, false}},
		{name: "501", handler: statusHandler(501, ""), status: 501, get: want{1, false}, put: want{1, false}, post: want{1, false}},
	}
	for _, tc := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPost} {
			expected := map[string]want{http.MethodGet: tc.get, http.MethodPut: tc.put, http.MethodPost: tc.post}[method]
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				t.Parallel()
				opts := []Option{WithRetryWait(time.Millisecond, 5*time.Millisecond)}
				if tc.timeout > 0 {
					opts = append(opts, WithHTTPClient(&http.Client{Timeout: tc.timeout}))
				}
				counter := &countingHandler{h: tc.handler}
				var c *Client
				if tc.handler == nil {
					var err error
					c, err = NewClient(testKey, append(opts, WithBaseURL("http://"+closedAddress(t)))...)
					require.NoError(t, err)
				} else {
					c, _ = newTestServer(t, counter, opts...)
				}

				err := callMethod(testContext(t), c, method)

				require.Error(t, err)
				var apiErr *Error
				require.True(t, errors.As(err, &apiErr))
				assert.Equal(t, expected.attempts, apiErr.Attempts)
				switch {
				case tc.timeout > 0:
					// An attempt can time out before the server reads it.
					assert.LessOrEqual(t, counter.count(), expected.attempts)
					assert.Positive(t, counter.count())
				case tc.handler != nil:
					assert.Equal(t, expected.attempts, counter.count())
				}
				assert.Equal(t, expected.unknown, errors.Is(err, ErrOutcomeUnknown))
				assert.Equal(t, tc.status, apiErr.StatusCode)
				assert.Equal(t, method, apiErr.Method)
				assert.Equal(t, "/inventory", apiErr.Path[:len("/inventory")])
				assert.NotContains(t, err.Error(), "giving up")
				if tc.status != 0 {
					assert.Equal(t, "status "+strconv.Itoa(tc.status)+" from the test server", apiErr.Message)
					assert.Equal(t, tc.status >= 500, errors.Is(err, ErrServer))
				} else {
					assert.NotNil(t, apiErr.Err)
				}
			})
		}
	}
}

func TestRetryRecovers(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) < 3 {
					statusHandler(429, "")(w, r)
					return
				}
				if r.Method == http.MethodGet {
					writeJSON(w, http.StatusOK, itemJSON)
					return
				}
				writeJSON(w, http.StatusOK, "["+itemJSON+"]")
			})
			c, _ := newTestServer(t, h)

			require.NoError(t, callMethod(testContext(t), c, method))
			assert.Equal(t, int32(3), n.Load())
		})
	}
}

func TestRetryDisabled(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: statusHandler(503, "")}
	c, _ := newTestServer(t, h, WithMaxRetries(0))

	err := callMethod(testContext(t), c, http.MethodGet)

	require.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, h.count())
}

func TestRetryAfterTooLong(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		retryAfter string
		min, max   time.Duration
	}{
		{"seconds", "60", time.Minute, time.Minute},
		{"HTTP date", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), time.Hour, 2 * time.Hour},
	}
	for _, tc := range cases {
		for _, status := range []int{429, 503} {
			t.Run(tc.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				h := &countingHandler{h: statusHandler(status, tc.retryAfter)}
				c, _ := newTestServer(t, h, WithRetryWait(time.Millisecond, 30*time.Second))

				err := callMethod(testContext(t), c, http.MethodPost)

				var apiErr *Error
				require.True(t, errors.As(err, &apiErr))
				assert.Equal(t, 1, h.count())
				assert.Equal(t, 1, apiErr.Attempts)
				assert.Equal(t, status, apiErr.StatusCode)
				assert.GreaterOrEqual(t, apiErr.RetryAfter, tc.min)
				assert.LessOrEqual(t, apiErr.RetryAfter, tc.max)
				assert.Contains(t, err.Error(), "retry after")
				assert.False(t, errors.Is(err, ErrOutcomeUnknown))
			})
		}
	}
}

// TestRetryAfterHonoured sets waits of an hour, so the test only finishes
// in time if Retry-After replaces them.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		retryAfter string
	}{
		{"zero seconds", "0"},
		{"HTTP date in the past", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					statusHandler(503, tc.retryAfter)(w, r)
					return
				}
				writeJSON(w, http.StatusCreated, "["+itemJSON+"]")
			})
			c, _ := newTestServer(t, h, WithRetryWait(time.Hour, 2*time.Hour))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			require.NoError(t, callMethod(ctx, c, http.MethodPost))
			assert.Equal(t, int32(2), n.Load())
		})
	}
}

// cancelOnWarn cancels a context when the client logs a retry, which it
// does right before waiting.
type cancelOnWarn struct {
	cancel context.CancelFunc
}

func (h cancelOnWarn) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOnWarn) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h cancelOnWarn) WithGroup(string) slog.Handler            { return h }
func (h cancelOnWarn) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		h.cancel()
	}
	return nil
}

func TestRetryWaitCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := &countingHandler{h: statusHandler(503, "")}
	c, _ := newTestServer(t, h, WithRetryWait(time.Hour, 2*time.Hour), WithLogger(slog.New(cancelOnWarn{cancel})))

	done := make(chan error, 1)
	go func() { done <- callMethod(ctx, c, http.MethodGet) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the retry wait ignored the cancelled context")
	}

	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, h.count())
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "status 503 from the test server", apiErr.Message)
}

func TestRetryContextDoneBeforeSend(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: statusHandler(200, "")}
	c, _ := newTestServer(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := callMethod(ctx, c, http.MethodPost)

	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown))
	assert.Equal(t, 0, h.count())
}

func TestRetryCertificateError(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: statusHandler(200, "")}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	err = callMethod(testContext(t), c, http.MethodPost)

	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, 1, apiErr.Attempts)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown))
	assert.Equal(t, 0, h.count())
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	const minWait, maxWait = 500 * time.Millisecond, 30 * time.Second
	for attempt, base := range []time.Duration{minWait, 2 * minWait, 4 * minWait, 8 * minWait} {
		for range 20 {
			wait := backoff(minWait, maxWait, attempt, nil)
			assert.GreaterOrEqual(t, wait, base)
			assert.LessOrEqual(t, wait, base+base/2)
		}
	}
	assert.Equal(t, maxWait, backoff(minWait, maxWait, 100, nil))
	assert.Equal(t, time.Duration(0), backoff(0, 0, 3, nil))

	resp := &http.Response{Header: http.Header{"Retry-After": {"7"}}}
	assert.Equal(t, 7*time.Second, backoff(minWait, maxWait, 0, resp))
	resp.Header.Set("Retry-After", "3600")
	assert.Equal(t, maxWait, backoff(minWait, maxWait, 0, resp))
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999", maxRetryAfter, true},
		{"Wed, 01 May 2024 12:00:30 GMT", 30 * time.Second, true},
		{"Wed, 01 May 2024 11:00:00 GMT", 0, true},
		{"Wednesday, 01-May-24 12:01:00 GMT", time.Minute, true},
	}
	for _, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			got, ok := parseRetryAfter(http.Header{"Retry-After": {tc.value}}, now)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}
