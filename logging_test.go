package convoy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingHandler keeps every record and renders it as text, attributes
// included, into out.
type recordingHandler struct {
	mu      *sync.Mutex
	records *[]slog.Record
	out     *bytes.Buffer
	textOut slog.Handler
}

func newRecordingHandler() *recordingHandler {
	out := &bytes.Buffer{}
	return &recordingHandler{
		mu:      &sync.Mutex{},
		records: &[]slog.Record{},
		out:     out,
		textOut: slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}),
	}
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }

func (h *recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.records = append(*h.records, r.Clone())
	return h.textOut.Handle(ctx, r)
}

func (h *recordingHandler) byLevel(level slog.Level) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, r := range *h.records {
		if r.Level != level {
			continue
		}
		attrs := map[string]any{"msg": r.Message}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.Any()
			return true
		})
		out = append(out, attrs)
	}
	return out
}

func (h *recordingHandler) text() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.out.String()
}

func TestLoggingPerAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			statusHandler(503, "")(w, r)
			return
		}
		writeJSON(w, http.StatusOK, itemJSON)
	})
	logs := newRecordingHandler()
	c, _ := newTestServer(t, h, WithLogger(slog.New(logs)))

	_, err := c.Inventory.Get(testContext(t), "I/1")
	require.NoError(t, err)

	debug := logs.byLevel(slog.LevelDebug)
	require.Len(t, debug, 3)
	for i, rec := range debug {
		assert.Equal(t, "GET", rec["method"])
		assert.Equal(t, "/inventory/I%2F1", rec["path"])
		assert.Equal(t, int64(i+1), rec["attempt"])
		assert.Contains(t, rec, "duration")
	}
	assert.Equal(t, int64(503), debug[0]["status"])
	assert.Equal(t, int64(200), debug[2]["status"])

	warn := logs.byLevel(slog.LevelWarn)
	require.Len(t, warn, 2)
	assert.Equal(t, int64(503), warn[0]["status"])
	assert.Equal(t, "status 503 from the test server", warn[0]["message"])
	assert.Equal(t, int64(2), warn[1]["attempt"])
}

func TestLoggingConnectionError(t *testing.T) {
	t.Parallel()
	logs := newRecordingHandler()
	c, err := NewClient(testKey, WithBaseURL("http://"+closedAddress(t)), WithMaxRetries(1),
		WithRetryWait(0, 0), WithLogger(slog.New(logs)))
	require.NoError(t, err)

	_, err = c.Inventory.Get(testContext(t), "I1")

	require.Error(t, err)
	require.Len(t, logs.byLevel(slog.LevelDebug), 2)
	warn := logs.byLevel(slog.LevelWarn)
	require.Len(t, warn, 1)
	assert.Contains(t, warn[0]["error"], "refused")
}

func TestLoggingSilentByDefault(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey)
	require.NoError(t, err)

	assert.Nil(t, c.retry.Logger)
	assert.Nil(t, c.retry.RequestLogHook)
	assert.Nil(t, c.retry.ResponseLogHook)
	assert.Nil(t, c.logger)
}

// TestKeyNeverShown makes the server echo the key in its error messages
// and checks every place the key could leak to.
func TestKeyNeverShown(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Authorization")
		if n.Add(1) == 1 {
			writeJSON(w, http.StatusServiceUnavailable, `{"status":503,"error":"x`+key+`","message":"overloaded for key `+key+`"}`)
			return
		}
		writeJSON(w, http.StatusUnauthorized, `{"status":401,"error":"unauthorized","message":"unknown API key `+key+`; send it as Authorization: <key>"}`)
	})
	logs := newRecordingHandler()
	c, _ := newTestServer(t, h, WithLogger(slog.New(logs)))

	_, err := c.Products.GetBySKU(testContext(t), "s")

	require.ErrorIs(t, err, ErrUnauthorized)
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.Contains(t, apiErr.Message, "unknown API key [REDACTED]")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assert.NotContains(t, fmt.Sprintf(verb, err), testKey, verb)
		assert.NotContains(t, fmt.Sprintf(verb, c), testKey, verb)
		assert.NotContains(t, fmt.Sprintf(verb, *apiErr), testKey, verb)
	}
	require.NotEmpty(t, logs.text())
	assert.Contains(t, logs.text(), "[REDACTED]")
	assert.NotContains(t, logs.text(), testKey)
}

func TestKeyNeverShownTransportError(t *testing.T) {
	t.Parallel()
	logs := newRecordingHandler()
	c, err := NewClient(testKey, WithBaseURL("http://"+closedAddress(t)+"/v1"), WithRetryWait(0, 0), WithLogger(slog.New(logs)))
	require.NoError(t, err)

	_, err = c.Inventory.Create(testContext(t), "s", 1)

	require.Error(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(verb, err), testKey, verb)
	}
	assert.NotContains(t, logs.text(), testKey)
}
