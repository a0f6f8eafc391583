package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixturesJSON = `{
  "manufacturers": [{"manufacturer_id": 1, "name": "Apple"}],
  "products": [{"sku": "sku1234", "name": "iPhone 5s", "manufacturer_id": 1}],
  "inventory": [{"sku": "sku1234", "quantity": 3}]
}`

// syncBuffer is a bytes.Buffer that the process writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mock is a running convoy-mock process.
type mock struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

// buildMock compiles the command once per test binary run.
var buildMock = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "convoy-mock-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "convoy-mock")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{err: err, output: string(out)}
	}
	return bin, nil
})

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.output }

// startMock starts the binary with args on a free loopback port and waits for
// its "listening on" line.
func startMock(t *testing.T, args ...string) *mock {
	t.Helper()
	bin, err := buildMock()
	require.NoError(t, err)

	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	m := &mock{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = m.stderr
	require.NoError(t, cmd.Start())

	lines := bufio.NewScanner(stdout)
	require.True(t, lines.Scan(), "no output; stderr: %s", m.stderr.String())
	first := lines.Text()
	require.True(t, strings.HasPrefix(first, "listening on http://127.0.0.1:"), "first line %q", first)
	m.url = strings.TrimPrefix(first, "listening on ")
	go func() {
		_, _ = io.Copy(io.Discard, stdout)
		m.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	return m
}

// stop sends SIGTERM and returns the process's exit error.
func (m *mock) stop(t *testing.T) error {
	t.Helper()
	require.NoError(t, m.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-m.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("convoy-mock did not stop within 20s of SIGTERM")
		return nil
	}
}

func (m *mock) send(t *testing.T, method, path, key string, form url.Values) (int, []byte) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, m.url+path, body)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", key)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, raw
}

func TestMockServesAndStops(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	require.NoError(t, os.WriteFile(fixtures, []byte(fixturesJSON), 0o600))
	m := startMock(t, "-api-key", "key_one", "-api-key", "key_two", "-fixtures", fixtures, "-seed", "7")

	status, body := m.send(t, http.MethodGet, "/_convoy/health", "", nil)
	assert.Equal(t, http.StatusOK, status, "health: %s", body)

	status, body = m.send(t, http.MethodGet, "/products/sku/sku1234", "key_one", nil)
	assert.Equal(t, http.StatusOK, status, "fixture product: %s", body)
	assert.Contains(t, string(body), `"name":"iPhone 5s"`)

	status, body = m.send(t, http.MethodGet, "/inventory", "key_one", nil)
	require.Equal(t, http.StatusOK, status, "inventory: %s", body)
	var items []map[string]any
	require.NoError(t, json.Unmarshal(body, &items))
	assert.Len(t, items, 3)

	status, body = m.send(t, http.MethodPost, "/manufacturers", "key_two",
		url.Values{"manufacturer_id": {"3"}, "name": {"Amazon"}})
	assert.Equal(t, http.StatusCreated, status, "create: %s", body)
	assert.JSONEq(t, `{"manufacturer_id": 3, "name": "Amazon"}`, string(body))

	status, body = m.send(t, http.MethodGet, "/manufacturers", "key_two", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"manufacturer_id": 3, "name": "Amazon"}]`, string(body), "the second account holds only its own data")

	status, _ = m.send(t, http.MethodGet, "/manufacturers", "", nil)
	assert.Equal(t, http.StatusUnauthorized, status)

	require.NoError(t, m.stop(t))
	logs := m.stderr.String()
	assert.Contains(t, logs, "starting")
	assert.Contains(t, logs, "/manufacturers")
	assert.Contains(t, logs, "stopped")
	assert.NotContains(t, logs, "key_one")
	assert.NotContains(t, logs, "key_two")
}

// TestMockFinishesInFlight holds a request in the server with a latency
// fault of a minute, sends SIGTERM while it waits, and expects the request
// to get a 503 reply, not a dropped connection, before the process exits.
func TestMockFinishesInFlight(t *testing.T) {
	m := startMock(t)

	fault := `{"method": "GET", "path": "/manufacturers", "times": 1, "latency": "1m"}`
	resp, err := http.Post(m.url+"/_convoy/faults", "application/json", strings.NewReader(fault))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, m.url+"/manufacturers", nil)
		req.Header.Set("Authorization", "test_key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- 0
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	time.Sleep(500 * time.Millisecond)

	start := time.Now()
	require.NoError(t, m.stop(t))
	assert.Equal(t, http.StatusServiceUnavailable, <-result)
	assert.Less(t, time.Since(start), 10*time.Second, "the latency fault does not hold up the shutdown")
}

func TestRunRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"seed", []string{"-seed", "abc"}, `invalid -seed "abc"`},
		{"log level", []string{"-log-level", "loud"}, `invalid -log-level "loud"`},
		{"argument", []string{"extra"}, `unexpected argument "extra"`},
		{"fixtures", []string{"-fixtures", filepath.Join(t.TempDir(), "missing.json")}, "missing.json"},
		{"address", []string{"-addr", "127.0.0.1:-1"}, "listen on 127.0.0.1:-1"},
		{"clock", []string{"-clock", "yesterday"}, `invalid -clock "yesterday"`},
		{"empty key", []string{"-api-key", "k1", "-api-key", ""}, "invalid -api-key number 2"},
		{"key with space", []string{"-api-key", " k1"}, "invalid -api-key number 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "1"}, &stdout, io.Discard) }()

	require.Eventually(t, func() bool { return strings.HasPrefix(stdout.String(), "listening on http://127.0.0.1:") },
		10*time.Second, 10*time.Millisecond)
	cancel()
	assert.NoError(t, <-done)
}

// TestMockUsageError checks that a command-line mistake is reported once,
// with the usage, and exits with status 2.
func TestMockUsageError(t *testing.T) {
	bin, err := buildMock()
	require.NoError(t, err)

	for _, args := range [][]string{{"-bogus"}, {"-seed", "x"}} {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stderr = &stderr
		err := cmd.Run()

		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "args %q", args)
		assert.Equal(t, 2, exit.ExitCode(), "args %q", args)
		firstLine, _, _ := strings.Cut(stderr.String(), "\n")
		assert.Equal(t, 1, strings.Count(stderr.String(), firstLine), "args %q: error printed once:\n%s", args, stderr.String())
	}
}

// TestMockFakeClock starts the mock with -clock and moves the clock through
// the control route: new items carry the clock's time, and an update after
// an advance carries the later time.
func TestMockFakeClock(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	require.NoError(t, os.WriteFile(fixtures, []byte(fixturesJSON), 0o600))
	m := startMock(t, "-clock", "2016-08-04T05:16:10Z", "-fixtures", fixtures)

	status, body := m.send(t, http.MethodPost, "/inventory", "test_key", url.Values{"sku": {"sku1234"}, "quantity": {"1"}})
	require.Equal(t, http.StatusCreated, status, "create: %s", body)
	var created []struct {
		Barcode      string `json:"barcode"`
		DateCreated  int64  `json:"date_created"`
		DateModified int64  `json:"date_modified"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	require.Len(t, created, 1)
	assert.Equal(t, int64(1470287770), created[0].DateCreated)

	resp, err := http.Post(m.url+"/_convoy/clock", "application/json", strings.NewReader(`{"advance": "1h"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	status, body = m.send(t, http.MethodPut, "/inventory/"+created[0].Barcode, "test_key", url.Values{"state": {"PACKED"}})
	require.Equal(t, http.StatusOK, status, "update: %s", body)
	require.NoError(t, json.Unmarshal(body, &created))
	assert.Equal(t, int64(1470287770+3600), created[0].DateModified)

	require.NoError(t, m.stop(t))
}
