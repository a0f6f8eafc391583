package convoy

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		key  string
		opts []Option
		want string
	}{
		{"empty key", "", nil, "API key is empty"},
		{"key with newline", "abc\ndef", nil, "control character"},
		{"key with tab", "abc\tdef", nil, "control character"},
		{"key with trailing newline", "abc\n", nil, "trailing newline"},
		{"key with leading space", " abc", nil, "space at either end"},
		{"base URL without scheme", testKey, []Option{WithBaseURL("127.0.0.1:12111")}, "absolute http or https URL such as"},
		{"empty base URL", testKey, []Option{WithBaseURL("")}, "leave out WithBaseURL"},
		{"relative base URL", testKey, []Option{WithBaseURL("/v1/")}, "absolute"},
		{"unparsable base URL", testKey, []Option{WithBaseURL("http://[::1")}, "invalid base URL"},
		{"ftp base URL", testKey, []Option{WithBaseURL("ftp://127.0.0.1/")}, "absolute http or https URL"},
		{"base URL with query", testKey, []Option{WithBaseURL("https://127.0.0.1/?a=1")}, "query or fragment"},
		{"base URL with fragment", testKey, []Option{WithBaseURL("https://127.0.0.1/#x")}, "query or fragment"},
		{"base URL with user", testKey, []Option{WithBaseURL("https://u:p@127.0.0.1/")}, "user information"},
		{"http to remote host", testKey, []Option{WithBaseURL("http://api.example.com/")}, "WithInsecureHTTP"},
		{"nil HTTP client", testKey, []Option{WithHTTPClient(nil)}, "HTTP client is nil"},
		{"negative retries", testKey, []Option{WithMaxRetries(-1)}, "0 or more"},
		{"inverted waits", testKey, []Option{WithRetryWait(2, 1)}, "min <= max"},
		{"negative wait", testKey, []Option{WithRetryWait(-1, 1)}, "min <= max"},
		{"user agent with newline", testKey, []Option{WithUserAgent("a\nb")}, "control character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.key, tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
			if tc.key != "" {
				assert.NotContains(t, err.Error(), tc.key)
			}
		})
	}
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"default", nil, "https://api.getconvoy.com/"},
		{"prefix gains slash", []Option{WithBaseURL("https://proxy.example/convoy/v1")}, "https://proxy.example/convoy/v1/"},
		{"http loopback IPv4", []Option{WithBaseURL("http://127.0.0.1:8080")}, "http://127.0.0.1:8080/"},
		{"http loopback IPv6", []Option{WithBaseURL("http://[::1]:8080/x/")}, "http://[::1]:8080/x/"},
		{"http localhost", []Option{WithBaseURL("http://localhost:8080/")}, "http://localhost:8080/"},
		{"http remote opted in", []Option{WithBaseURL("http://api.example.com"), WithInsecureHTTP()}, "http://api.example.com/"},
		{"escaped prefix kept", []Option{WithBaseURL("https://proxy.example/a%2Fb/")}, "https://proxy.example/a%2Fb/"},
		{"nil option skipped", []Option{nil}, "https://api.getconvoy.com/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(testKey, tc.opts...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.BaseURL())
		})
	}
}

// requestRecord is what the server saw of one request.
type requestRecord struct {
	method, requestURI, contentType string
	header                          http.Header
	query                           url.Values
	body                            string
}

// recordingServer records every request and responds with body.
func recordingServer(t *testing.T, status int, body string, opts ...Option) (*Client, func() []requestRecord) {
	t.Helper()
	var mu sync.Mutex
	var records []requestRecord
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		mu.Lock()
		records = append(records, requestRecord{
			method:      r.Method,
			requestURI:  r.RequestURI,
			contentType: r.Header.Get("Content-Type"),
			header:      r.Header.Clone(),
			query:       r.URL.Query(),
			body:        string(data),
		})
		mu.Unlock()
		writeJSON(w, status, body)
	})
	c, _ := newTestServer(t, h, opts...)
	return c, func() []requestRecord {
		mu.Lock()
		defer mu.Unlock()
		return append([]requestRecord(nil), records...)
	}
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	c, records := recordingServer(t, http.StatusOK, sampleManufacturer)

	_, err := c.Manufacturers.Get(testContext(t), NumericID(2))
	require.NoError(t, err)

	got := records()
	require.Len(t, got, 1)
	assert.Equal(t, testKey, got[0].header.Get("Authorization"))
	assert.Equal(t, "application/json", got[0].header.Get("Accept"))
	assert.Equal(t, "convoy-go/"+Version, got[0].header.Get("User-Agent"))
	assert.Empty(t, got[0].contentType)
	assert.Equal(t, "/manufacturers/2", got[0].requestURI)
}

func TestRequestUserAgentProduct(t *testing.T) {
	t.Parallel()
	c, records := recordingServer(t, http.StatusOK, sampleManufacturer, WithUserAgent("inventory-sync/1.4"))

	_, err := c.Manufacturers.Get(testContext(t), NumericID(2))
	require.NoError(t, err)

	require.Len(t, records(), 1)
	assert.Equal(t, "inventory-sync/1.4 convoy-go/"+Version, records()[0].header.Get("User-Agent"))
}

func TestRequestBaseURLPrefix(t *testing.T) {
	t.Parallel()
	var uri string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri = r.RequestURI
		writeJSON(w, http.StatusOK, sampleManufacturer)
	})
	_, srv := newTestServer(t, h)
	c, err := NewClient(testKey, WithBaseURL(srv.URL+"/convoy/v1"))
	require.NoError(t, err)

	_, err = c.Manufacturers.Get(testContext(t), StringID("M1"))
	require.NoError(t, err)
	assert.Equal(t, "/convoy/v1/manufacturers/M1", uri)
}

func TestRequestPathEscaping(t *testing.T) {
	t.Parallel()
	const product = `{"sku":"AB/12 x%","barcode":"P1","name":"n","manufacturer":{"manufacturer_id":1,"name":"m"}}`
	const item = `{"state":"PACKED","barcode":"I/1?","date_created":1,"date_modified":2,"product":{}}`
	ctx := testContext(t)

	cases := []struct {
		name string
		body string
		run  func(c *Client) error
		want string
	}{
		{"product by SKU", product, func(c *Client) error {
			_, err := c.Products.GetBySKU(ctx, "AB/12 x%")
			return err
		}, "/products/sku/AB%2F12%20x%25"},
		{"product by barcode", product, func(c *Client) error {
			_, err := c.Products.GetByBarcode(ctx, "P/../x?y")
			return err
		}, "/products/barcode/P%2F..%2Fx%3Fy"},
		{"manufacturer", sampleManufacturer, func(c *Client) error {
			_, err := c.Manufacturers.Get(ctx, StringID("a/b c"))
			return err
		}, "/manufacturers/a%2Fb%20c"},
		{"inventory get", item, func(c *Client) error {
			_, err := c.Inventory.Get(ctx, "I/1?")
			return err
		}, "/inventory/I%2F1%3F"},
		{"inventory update", "[" + item + "]", func(c *Client) error {
			_, err := c.Inventory.Update(ctx, "I/1?", &InventoryUpdateParams{State: StatePacked})
			return err
		}, "/inventory/I%2F1%3F"},
		{"non-ASCII SKU", product, func(c *Client) error {
			_, err := c.Products.GetBySKU(ctx, "Käse#1")
			return err
		}, "/products/sku/K%C3%A4se%231"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, records := recordingServer(t, http.StatusOK, tc.body)
			require.NoError(t, tc.run(c))
			require.Len(t, records(), 1)
			assert.Equal(t, tc.want, records()[0].requestURI)
		})
	}
}

func TestRequestListQuery(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	cases := []struct {
		name string
		run  func(c *Client) error
		want url.Values
	}{
		{"manufacturers limit", func(c *Client) error {
			_, err := c.Manufacturers.List(ctx, &ManufacturerListOptions{Page: 2, Limit: 1000})
			return err
		}, url.Values{"page": {"2"}, "limit": {"1000"}}},
		{"manufacturers nil options", func(c *Client) error {
			_, err := c.Manufacturers.List(ctx, nil)
			return err
		}, url.Values{}},
		{"products count and filter", func(c *Client) error {
			_, err := c.Products.List(ctx, &ProductListOptions{Page: 3, Count: 50, ManufacturerID: StringID("M a/b")})
			return err
		}, url.Values{"page": {"3"}, "count": {"50"}, "manufacturer_id": {"M a/b"}}},
		{"products numeric filter", func(c *Client) error {
			_, err := c.Products.List(ctx, &ProductListOptions{ManufacturerID: NumericID(7)})
			return err
		}, url.Values{"manufacturer_id": {"7"}}},
		{"inventory filters", func(c *Client) error {
			_, err := c.Inventory.List(ctx, &InventoryListOptions{Count: 10, State: StatePacked, SKU: "AB/12 x%"})
			return err
		}, url.Values{"count": {"10"}, "state": {"PACKED"}, "sku": {"AB/12 x%"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, records := recordingServer(t, http.StatusOK, "[]")
			require.NoError(t, tc.run(c))
			require.Len(t, records(), 1)
			assert.Equal(t, tc.want, records()[0].query)
		})
	}
}

func TestRequestFormBody(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	const item = `{"state":"INVENTORIED","barcode":"I1","date_created":1,"date_modified":1,"product":{}}`
	cases := []struct {
		name   string
		body   string
		run    func(c *Client) error
		method string
		want   url.Values
	}{
		{"manufacturer with ID", sampleManufacturer, func(c *Client) error {
			_, err := c.Manufacturers.Create(ctx, &ManufacturerCreateParams{ID: NumericID(3), Name: "Amazon"})
			return err
		}, http.MethodPost, url.Values{"manufacturer_id": {"3"}, "name": {"Amazon"}}},
		{"manufacturer without ID", sampleManufacturer, func(c *Client) error {
			_, err := c.Manufacturers.Create(ctx, &ManufacturerCreateParams{Name: "Amazon & Co"})
			return err
		}, http.MethodPost, url.Values{"name": {"Amazon & Co"}}},
		{"product", `{"sku":"s"}`, func(c *Client) error {
			_, err := c.Products.Create(ctx, &ProductCreateParams{Name: "Nexus S", SKU: "sku 3456/x", ManufacturerID: StringID("M2")})
			return err
		}, http.MethodPost, url.Values{"name": {"Nexus S"}, "sku": {"sku 3456/x"}, "manufacturer_id": {"M2"}}},
		{"inventory create", "[" + item + "]", func(c *Client) error {
			_, err := c.Inventory.Create(ctx, "sku1234", 20)
			return err
		}, http.MethodPost, url.Values{"sku": {"sku1234"}, "quantity": {"20"}}},
		{"inventory update", "[" + item + "]", func(c *Client) error {
			_, err := c.Inventory.Update(ctx, "I1", &InventoryUpdateParams{State: StatePacked})
			return err
		}, http.MethodPut, url.Values{"state": {"PACKED"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, records := recordingServer(t, http.StatusCreated, tc.body)
			require.NoError(t, tc.run(c))
			got := records()
			require.Len(t, got, 1)
			assert.Equal(t, tc.method, got[0].method)
			assert.Equal(t, "application/x-www-form-urlencoded", got[0].contentType)
			form, err := url.ParseQuery(got[0].body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, form)
		})
	}
}

func TestValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	cases := []struct {
		name string
		run  func(c *Client) error
		want string
	}{
		{"empty SKU", func(c *Client) error { _, err := c.Products.GetBySKU(ctx, ""); return err }, "SKU is empty"},
		{"empty product barcode", func(c *Client) error { _, err := c.Products.GetByBarcode(ctx, ""); return err }, "barcode is empty"},
		{"empty manufacturer ID", func(c *Client) error { _, err := c.Manufacturers.Get(ctx, ManufacturerID{}); return err }, "manufacturer ID is empty"},
		{"nil manufacturer params", func(c *Client) error { _, err := c.Manufacturers.Create(ctx, nil); return err }, "name is empty"},
		{"nil product params", func(c *Client) error { _, err := c.Products.Create(ctx, nil); return err }, "name is empty"},
		{"product without SKU", func(c *Client) error {
			_, err := c.Products.Create(ctx, &ProductCreateParams{Name: "n", ManufacturerID: NumericID(1)})
			return err
		}, "SKU is empty"},
		{"product without manufacturer", func(c *Client) error {
			_, err := c.Products.Create(ctx, &ProductCreateParams{Name: "n", SKU: "s"})
			return err
		}, "manufacturer ID is empty"},
		{"quantity zero", func(c *Client) error { _, err := c.Inventory.Create(ctx, "s", 0); return err }, "quantity must be 1 or more, got 0"},
		{"inventory without SKU", func(c *Client) error { _, err := c.Inventory.Create(ctx, "", 1); return err }, "SKU is empty"},
		{"empty inventory barcode", func(c *Client) error { _, err := c.Inventory.Get(ctx, ""); return err }, "barcode is empty"},
		{"update without barcode", func(c *Client) error {
			_, err := c.Inventory.Update(ctx, "", &InventoryUpdateParams{State: StatePacked})
			return err
		}, "barcode is empty"},
		{"update without state", func(c *Client) error { _, err := c.Inventory.Update(ctx, "I1", nil); return err }, "state is empty"},
		{"count above 50", func(c *Client) error {
			_, err := c.Products.List(ctx, &ProductListOptions{Count: 51})
			return err
		}, "count must be 1 to 50, got 51"},
		{"inventory count above 50", func(c *Client) error {
			_, err := c.Inventory.List(ctx, &InventoryListOptions{Count: 51})
			return err
		}, "count must be 1 to 50"},
		{"negative count", func(c *Client) error {
			_, err := c.Inventory.List(ctx, &InventoryListOptions{Count: -1})
			return err
		}, "count must be 1 or more, got -1"},
		{"negative limit", func(c *Client) error {
			_, err := c.Manufacturers.List(ctx, &ManufacturerListOptions{Limit: -5})
			return err
		}, "limit must be 1 or more, got -5"},
		{"negative page", func(c *Client) error {
			_, err := c.Manufacturers.List(ctx, &ManufacturerListOptions{Page: -1})
			return err
		}, "page must be 1 or more"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := &countingHandler{h: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, "[]") }}
			c, _ := newTestServer(t, h)

			err := tc.run(c)

			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidRequest)
			assert.Contains(t, err.Error(), tc.want)
			var apiErr *Error
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, 0, apiErr.Attempts)
			assert.Equal(t, 0, apiErr.StatusCode)
			assert.Equal(t, 0, h.count())
		})
	}
}

func TestClientFormatRedactsKey(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, WithBaseURL("http://127.0.0.1:1/"))
	require.NoError(t, err)

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, testKey, verb)
		assert.Contains(t, out, "127.0.0.1:1", verb)
	}
	for _, v := range []any{c.Manufacturers, c.Products, c.Inventory, *c.Inventory} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(verb, v), testKey)
		}
	}
	assert.True(t, strings.HasPrefix(fmt.Sprintf("%#v", c), "&convoy.Client{"))
}

// TestSizesWithoutDocumentedMaximum checks that a quantity or limit above
// convoytest's defaults reaches the server, because the API reference sets
// no maximum for either.
func TestSizesWithoutDocumentedMaximum(t *testing.T) {
	t.Parallel()
	var queries, bodies []string
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		queries = append(queries, r.URL.RawQuery)
		bodies = append(bodies, string(body))
		writeJSON(w, http.StatusOK, "[]")
	}}
	c, _ := newTestServer(t, h)
	ctx := testContext(t)

	_, err := c.Manufacturers.List(ctx, &ManufacturerListOptions{Limit: 5000})
	require.NoError(t, err)
	_, err = c.Inventory.Create(ctx, "sku1234", 2000)
	require.NoError(t, err)

	require.Equal(t, 2, h.count())
	assert.Equal(t, "limit=5000", queries[0])
	assert.Equal(t, "quantity=2000&sku=sku1234", bodies[1])
}
