package convoytest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultStatus(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name        string
		body        FaultBody
		contentType string
		contains    string
	}{
		{"json", BodyJSON, "application/json; charset=utf-8", `"error":"service_unavailable"`},
		{"html", BodyHTML, "text/html; charset=utf-8", "<h1>503 Service Unavailable</h1>"},
		{"empty", BodyEmpty, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t)
			seedCatalog(t, s)

			_, err := s.AddFault(Fault{Method: "POST", Path: "/inventory", Times: 2, Status: 503, RetryAfter: 1500 * time.Millisecond, Body: tc.body})
			require.NoError(t, err)

			create := call{method: "POST", path: "/inventory", form: url.Values{"sku": {"sku1234"}, "quantity": {"1"}}}
			for range 2 {
				res := do(t, s, create)
				require.Equal(t, 503, res.status)
				assert.Equal(t, "2", res.header.Get("Retry-After"))
				assert.Equal(t, tc.contentType, res.header.Get("Content-Type"))
				assert.Contains(t, string(res.body), tc.contains)
				if tc.body == BodyEmpty {
					assert.Empty(t, res.body)
				}
			}

			assert.Equal(t, 0, s.CountInventory("", ""), "a status fault does not apply the request")
			assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/inventory"}).status, "other methods are not matched")
			assert.Equal(t, 201, do(t, s, create).status, "the rule ends after Times requests")
			assert.Empty(t, s.Faults())
		})
	}
}

func TestFaultPathPattern(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	id, err := s.AddFault(Fault{Path: "/products/sku/*", Status: 500})
	require.NoError(t, err)

	assert.Equal(t, 500, do(t, s, call{method: "GET", path: "/products/sku/sku1234"}).status)
	assert.Equal(t, 500, do(t, s, call{method: "GET", path: "/products/sku/AB%2F12%20x%25"}).status, "an escaped slash stays in one segment")
	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/products"}).status)

	assert.True(t, s.RemoveFault(id))
	assert.False(t, s.RemoveFault(id))
	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/products/sku/sku1234"}).status)
}

func TestFaultProbabilitySeeded(t *testing.T) {
	t.Parallel()

	statuses := func() []int {
		s, _ := newTestServer(t, WithSeed(42))
		_, err := s.AddFault(Fault{Probability: 0.5, Status: 502})
		require.NoError(t, err)

		var out []int
		for range 40 {
			out = append(out, do(t, s, call{method: "GET", path: "/inventory"}).status)
		}
		return out
	}

	first := statuses()
	assert.Equal(t, first, statuses(), "the same seed gives the same faults")
	assert.Contains(t, first, 502)
	assert.Contains(t, first, 200)
}

func TestFaultInvalid(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	for _, f := range []Fault{
		{Status: 200},
		{Status: 500, Drop: DropAfter},
		{Probability: 1.5, Status: 500},
		{Times: -1, Status: 500},
		{Path: "[", Status: 500},
		{},
	} {
		_, err := s.AddFault(f)
		assert.Error(t, err, "%+v", f)
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	_, err := s.AddFault(Fault{Latency: 50 * time.Millisecond, Times: 1})
	require.NoError(t, err)

	start := time.Now()
	res := do(t, s, call{method: "GET", path: "/inventory"})
	assert.Equal(t, 200, res.status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	assert.Equal(t, "latency", s.Journal()[0].Fault)
}

func TestFaultLatencyHonoursContext(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	_, err := s.AddFault(Fault{Latency: time.Hour})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/inventory", nil)
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.Eventually(t, func() bool { return len(s.Journal()) == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 0, s.Journal()[0].Status)
}

func TestFaultLatencyEndsOnClose(t *testing.T) {
	t.Parallel()
	s := New()
	require.NoError(t, s.StartAt("127.0.0.1:0"))

	_, err := s.AddFault(Fault{Latency: time.Hour, Times: 1})
	require.NoError(t, err)

	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("GET", s.URL+"/inventory", nil)
		req.Header.Set("Authorization", s.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()

	// The rule is used up once the request has matched it and started to
	// wait; Close ends the wait even if it has not quite begun.
	require.Eventually(t, func() bool { return len(s.Faults()) == 0 }, 5*time.Second, 5*time.Millisecond)
	s.Close()

	select {
	case status := <-done:
		assert.Equal(t, http.StatusServiceUnavailable, status)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end the latency wait")
	}
}

func TestFaultDropBefore(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	_, err := s.AddFault(Fault{Method: "POST", Drop: DropBefore, Times: 1})
	require.NoError(t, err)

	err = postInventory(s)
	require.Error(t, err)
	assert.Equal(t, 0, s.CountInventory("", ""))

	entry := s.Journal()[0]
	assert.Equal(t, 0, entry.Status)
	assert.Equal(t, "drop_before", entry.Fault)
}

func TestFaultDropAfter(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	_, err := s.AddFault(Fault{Method: "POST", Drop: DropAfter, Times: 1})
	require.NoError(t, err)

	err = postInventory(s)
	require.Error(t, err)
	assert.Equal(t, 1, s.CountInventory("", ""), "the request was applied before the drop")

	entry := s.Journal()[0]
	assert.Equal(t, 201, entry.Status)
	assert.Equal(t, "drop_after", entry.Fault)
}

// postInventory creates one item of sku1234 on a fresh connection and
// returns the transport error, if any.
func postInventory(s *Server) error {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest("POST", s.URL+"/inventory", strings.NewReader("sku=sku1234&quantity=1"))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", s.APIKey)

	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)

	return errors.New("got a response: " + resp.Status)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t, WithAPIKeys("a", "b"), WithRateLimit(2, time.Minute))

	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/inventory", key: "a"}).status)
	clock.Advance(20 * time.Second)
	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/inventory", key: "a"}).status)

	res := do(t, s, call{method: "GET", path: "/inventory", key: "a"})
	require.Equal(t, 429, res.status)
	assert.Equal(t, "40", res.header.Get("Retry-After"))
	assert.Equal(t, "rate_limited", res.errorBody(t).Error)

	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/inventory", key: "b"}).status, "each key has its own window")

	clock.Advance(40 * time.Second)
	assert.Equal(t, 200, do(t, s, call{method: "GET", path: "/inventory", key: "a"}).status)
}
