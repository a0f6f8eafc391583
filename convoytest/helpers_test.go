package convoytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// call is one HTTP request for the test helpers.
type call struct {
	method string
	path   string
	form   url.Values // sent form-encoded when not nil
	json   string     // sent as application/json when not empty
	key    string     // Authorization; "-" sends none, "" sends the server's key
	header http.Header
}

// result is a response read whole.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// errorBody decodes the error envelope.
func (r result) errorBody(t *testing.T) wireError {
	t.Helper()

	var e wireError
	r.decode(t, &e)

	return e
}

func do(t *testing.T, s *Server, c call) result {
	t.Helper()

	var body io.Reader
	contentType := ""
	switch {
	case c.form != nil:
		body = strings.NewReader(c.form.Encode())
		contentType = "application/x-www-form-urlencoded"
	case c.json != "":
		body = strings.NewReader(c.json)
		contentType = "application/json"
	}

	req, err := http.NewRequest(c.method, s.URL+c.path, body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch c.key {
	case "":
		req.Header.Set("Authorization", s.APIKey)
	case "-":
	default:
		req.Header.Set("Authorization", c.key)
	}
	for name, values := range c.header {
		req.Header[name] = values
	}

	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// startTime returns the fake clock's start in tests.
func startTime() time.Time {
	return time.Date(2016, 8, 4, 5, 16, 10, 0, time.UTC)
}

// newTestServer starts a seeded server with a fake clock.
func newTestServer(t *testing.T, opts ...Option) (*Server, *FakeClock) {
	t.Helper()

	clock := NewFakeClock(startTime())
	s := NewServer(t, append([]Option{WithSeed(1), WithClock(clock)}, opts...)...)

	return s, clock
}

// seedCatalog seeds two manufacturers and three products.
func seedCatalog(t *testing.T, s *Server) {
	t.Helper()

	require.NoError(t, s.Seed(&Fixtures{
		Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}, {ID: "Mgoogle", Name: "Google"}},
		Products: []Product{
			{SKU: "sku1234", Name: "iPhone 5s", ManufacturerID: "1"},
			{SKU: "sku2345", Name: "iPad Mini", ManufacturerID: "1"},
			{SKU: "AB/12 x%", Name: "Nexus S", ManufacturerID: "Mgoogle"},
		},
	}))
}

func timeSeconds(n int) time.Duration { return time.Duration(n) * time.Second }
