package convoy

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRedirectToHTTPRefused starts an https server that redirects to a
// plain HTTP one, and checks that the client does not follow, so the API
// key never travels in clear text.
func TestRedirectToHTTPRefused(t *testing.T) {
	t.Parallel()
	plain := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sampleManufacturer)
	}}
	plainSrv := httptest.NewServer(plain)
	t.Cleanup(plainSrv.Close)
	secure := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plainSrv.URL+r.URL.Path, http.StatusFound)
	}}
	secureSrv := httptest.NewTLSServer(secure)
	t.Cleanup(secureSrv.Close)

	c, err := NewClient(testKey, WithBaseURL(secureSrv.URL), WithHTTPClient(secureSrv.Client()))
	require.NoError(t, err)
	_, err = c.Manufacturers.Get(testContext(t), NumericID(2))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "redirected from https to http://127.0.0.1")
	assert.Equal(t, 1, secure.count(), "a refused redirect is not retried")
	assert.Equal(t, 0, plain.count(), "the plain HTTP server receives nothing")
	assert.Nil(t, secureSrv.Client().CheckRedirect, "the caller's HTTP client is not changed")
}

func TestRedirectFollowed(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/manufacturers/2" {
			http.Redirect(w, r, "/manufacturers/2", http.StatusMovedPermanently)
			return
		}
		assert.Equal(t, testKey, r.Header.Get("Authorization"))
		writeJSON(w, http.StatusOK, sampleManufacturer)
	}}
	_, srv := newTestServer(t, h)
	c, err := NewClient(testKey, WithBaseURL(srv.URL+"/old/"))
	require.NoError(t, err)

	m, err := c.Manufacturers.Get(testContext(t), NumericID(2))

	require.NoError(t, err)
	assert.Equal(t, "Google", m.Name)
	assert.Equal(t, 2, h.count())
}

func TestRedirectLoopStops(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}}
	c, _ := newTestServer(t, h)

	_, err := c.Manufacturers.Get(testContext(t), NumericID(2))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "stopped after 10 redirects")
	assert.Equal(t, 10, h.count())
}

// TestRedirectChangingMethodNotFollowed replies to a create with a 301, which
// Go would follow as a GET without the body, and checks that the caller
// gets the redirect as an error rather than the list the GET returns.
func TestRedirectChangingMethodNotFollowed(t *testing.T) {
	t.Parallel()
	var gets atomic.Int32
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
			writeJSON(w, http.StatusOK, "[]")
			return
		}
		http.Redirect(w, r, "/v2"+r.URL.Path, http.StatusMovedPermanently)
	}}
	c, _ := newTestServer(t, h)

	_, err := c.Inventory.Create(testContext(t), "sku1234", 1)

	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusMovedPermanently, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "redirected the request to /v2/inventory")
	assert.Equal(t, int32(0), gets.Load(), "no GET is sent in place of the POST")
	assert.Equal(t, 1, h.count())
}
