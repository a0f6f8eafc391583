package convoytest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []struct {
		name    string
		key     string
		message string
	}{
		{"missing", "-", "missing API key"},
		{"unknown", "wrong", "invalid API key"},
		{"bearer", "Bearer " + "test_key", "the Bearer scheme is not used"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "GET", path: "/inventory", key: tc.key})
			require.Equal(t, http.StatusUnauthorized, res.status)
			e := res.errorBody(t)
			assert.Equal(t, "unauthorized", e.Error)
			assert.Contains(t, e.Message, tc.message)
			assert.Contains(t, e.Message, `"Authorization: <API key>"`)
			assert.NotContains(t, e.Message, "wrong")
		})
	}
}

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []struct {
		method  string
		path    string
		closest string
	}{
		{"GET", "/inventories", "GET /inventory"},
		{"GET", "/product/sku/abc", "GET /products/sku/{sku}"},
		{"GET", "/products/skus/abc", "GET /products/sku/{sku}"},
		{"GET", "/manufacturer/2", "GET /manufacturers/{id}"},
		{"POST", "/inventorys", "POST /inventory"},
		{"GET", "/inventory/", "GET /inventory"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: tc.method, path: tc.path, key: "-"})
			require.Equal(t, http.StatusNotFound, res.status)
			e := res.errorBody(t)
			assert.Equal(t, "not_found", e.Error)
			assert.Contains(t, e.Message, "the closest route is "+tc.closest)
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := do(t, s, call{method: "DELETE", path: "/inventory/Iabc"})
	require.Equal(t, http.StatusMethodNotAllowed, res.status)
	assert.Equal(t, "GET, PUT", res.header.Get("Allow"))
	assert.Equal(t, "method_not_allowed", res.errorBody(t).Error)

	res = do(t, s, call{method: "PUT", path: "/products"})
	require.Equal(t, http.StatusMethodNotAllowed, res.status)
	assert.Equal(t, "GET, POST", res.header.Get("Allow"))
}

func TestAccept(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []struct {
		accept string
		status int
	}{
		{"application/json", 200},
		{"*/*", 200},
		{"application/*;q=0.5", 200},
		{"text/html, application/json;q=0.1", 200},
		{"text/html", 406},
		{"application/json;q=0", 406},
		{"application/xml, text/plain", 406},
	}
	for _, tc := range cases {
		t.Run(tc.accept, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "GET", path: "/inventory", header: http.Header{"Accept": {tc.accept}}})
			require.Equal(t, tc.status, res.status, "%s", res.body)
			if tc.status == 406 {
				assert.Equal(t, "not_acceptable", res.errorBody(t).Error)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	big := "sku=sku1234&quantity=1&pad=" + strings.Repeat("x", maxBodyBytes)

	// With a Content-Length the server responds before reading the body.
	req, err := http.NewRequest("POST", s.URL+"/inventory", strings.NewReader(big))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", s.APIKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// Chunked, with no length: the limited reader stops it.
	req, err = http.NewRequest("POST", s.URL+"/inventory", struct{ *strings.Reader }{strings.NewReader(big)})
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", s.APIKey)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	assert.Equal(t, 0, s.CountInventory("", ""))
}

func TestUnsupportedMediaType(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []string{"text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1", ";;"}
	for _, contentType := range cases {
		t.Run(contentType, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "POST", path: "/manufacturers", json: `{"name":"A"}`,
				header: http.Header{"Content-Type": {contentType}}})
			require.Equal(t, http.StatusUnsupportedMediaType, res.status)
			assert.Equal(t, "unsupported_media_type", res.errorBody(t).Error)
		})
	}
}

func TestJSONBodyErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []struct {
		body    string
		message string
	}{
		{`[1]`, "must be an object"},
		{`{"name":"A","name":"B"}`, `duplicate field "name"`},
		{`{"name":{"x":1}}`, `field "name" must be a JSON string or number`},
		{`{"name":null}`, `field "name" must be a JSON string or number`},
		{`{"name":"A"} {}`, "data after the object"},
		{`{"name":"A"`, "invalid JSON body"},
		{`{"name":"A","manufacturer_id":1.5}`, "JSON number 1.5"},
		{`{"name":"A","manufacturer_id":-2}`, "JSON number -2"},
		{"{\"name\":\"\xff\"}", "not valid UTF-8"},
		{`{"name":"A\u0000"}`, "control character U+0000"},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "POST", path: "/manufacturers", json: tc.body})
			require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
			assert.Contains(t, res.errorBody(t).Message, tc.message)
		})
	}
}

func TestEmptyBodyWithoutContentType(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := do(t, s, call{method: "POST", path: "/manufacturers"})
	require.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "missing required field name", res.errorBody(t).Message)
}

func TestPostTakesNoQuery(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := do(t, s, call{method: "POST", path: "/manufacturers?name=A", form: url.Values{"name": {"A"}}})
	require.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.errorBody(t).Message, `unknown query parameter "name"`)
}
