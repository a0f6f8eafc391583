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

	res, err := send(s, c)
	require.NoError(t, err)

	return res
}

// doNoT is do for goroutines, which must not call require; a transport
// error comes back as status 0 with the error text as the body.
func doNoT(s *Server, c call) result {
	res, err := send(s, c)
	if err != nil {
		return result{body: []byte(err.Error())}
	}

	return res
}

func send(s *Server, c call) (result, error) {
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
	if err != nil {
		return result{}, err
	}
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
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)

	return result{status: resp.StatusCode, header: resp.Header, body: data}, err
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

func httptestBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
