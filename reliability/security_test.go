package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	keyA = "sk_isolation_alpha_0c7e"
	keyB = "sk_isolation_bravo_5d21"
)

// TestAccountIsolation tries every read and write of account B on the
// data of account A and checks that B gets none of it and changes none
// of it.
func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t, convoytest.WithAPIKeys(keyA, keyB), convoytest.WithSeed(7))
	require.NoError(t, server.Account(keyA).Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}, {ID: "Mshared", Name: "Shared"}},
		Products:      []convoytest.Product{{SKU: "sku-a", Name: "iPhone", ManufacturerID: "1"}},
		Inventory:     []convoytest.InventoryItem{{SKU: "sku-a", Quantity: 3}},
	}))
	before := server.Account(keyA).Snapshot()
	productA, ok := server.Account(keyA).Product("sku-a")
	require.True(t, ok)
	itemA := before.Inventory[0].Barcode

	b, err := convoy.NewClient(keyB, convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(0))
	require.NoError(t, err)
	ctx := testContext(t)

	notFound := []struct {
		name string
		run  func() error
	}{
		{"manufacturer get", func() error { _, err := b.Manufacturers.Get(ctx, convoy.NumericID(1)); return err }},
		{"manufacturer get by string ID", func() error { _, err := b.Manufacturers.Get(ctx, convoy.StringID("Mshared")); return err }},
		{"product get by SKU", func() error { _, err := b.Products.GetBySKU(ctx, "sku-a"); return err }},
		{"product get by barcode", func() error { _, err := b.Products.GetByBarcode(ctx, productA.Barcode); return err }},
		{"inventory get", func() error { _, err := b.Inventory.Get(ctx, itemA); return err }},
		{"inventory update", func() error {
			_, err := b.Inventory.Update(ctx, itemA, &convoy.InventoryUpdateParams{State: convoy.StateShipped})
			return err
		}},
	}
	for _, tc := range notFound {
		err := tc.run()
		assert.ErrorIs(t, err, convoy.ErrNotFound, tc.name)
	}

	_, err = b.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: "sku-b", ManufacturerID: convoy.NumericID(1)})
	assert.ErrorIs(t, err, convoy.ErrInvalidRequest, "product create with a manufacturer of another account")
	_, err = b.Inventory.Create(ctx, "sku-a", 2)
	assert.ErrorIs(t, err, convoy.ErrInvalidRequest, "inventory create with a SKU of another account")

	// IDs and SKUs are per account, so B may reuse A's without a conflict.
	m, err := b.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{ID: convoy.NumericID(1), Name: "Other"})
	require.NoError(t, err, "manufacturer create with an ID that exists in another account")
	assert.Equal(t, "Other", m.Name)
	p, err := b.Products.Create(ctx, &convoy.ProductCreateParams{Name: "Other", SKU: "sku-a", ManufacturerID: convoy.NumericID(1)})
	require.NoError(t, err, "product create with a SKU that exists in another account")
	assert.NotEqual(t, productA.Barcode, p.Barcode)
	items, err := b.Inventory.Create(ctx, "sku-a", 1)
	require.NoError(t, err)

	manufacturers, err := b.Manufacturers.List(ctx, &convoy.ManufacturerListOptions{Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, manufacturers, 1, "manufacturer list")
	products, err := b.Products.List(ctx, &convoy.ProductListOptions{ManufacturerID: convoy.StringID("Mshared")})
	require.NoError(t, err)
	assert.Empty(t, products, "product list filtered by another account's manufacturer")
	for _, opts := range []*convoy.InventoryListOptions{
		nil, {SKU: "sku-a"}, {State: convoy.StateInventoried}, {SKU: "sku-a", State: convoy.StateInventoried, Count: 50},
	} {
		list, err := b.Inventory.List(ctx, opts)
		require.NoError(t, err)
		require.Len(t, list, 1, "inventory list %+v", opts)
		assert.Equal(t, items[0].Barcode, list[0].Barcode, "inventory list %+v", opts)
	}
	var all []string
	for it, err := range b.Inventory.All(ctx, nil) {
		require.NoError(t, err)
		all = append(all, it.Barcode)
	}
	assert.Equal(t, []string{items[0].Barcode}, all)

	assert.Equal(t, before, server.Account(keyA).Snapshot(), "account A changed")
}

// TestKeyNotInErrors points the SDK at a server that echoes the
// Authorization header everywhere it can and checks that no error string
// or formatted error contains the key.
func TestKeyNotInErrors(t *testing.T) {
	t.Parallel()
	const key = "sk_echo_9a4f2b"
	bodies := []struct {
		name        string
		status      int
		contentType string
		body        string // %[1]s is the key
	}{
		{"JSON message", 400, "application/json", `{"status":400,"error":"invalid_request","message":"bad key %[1]s"}`},
		{"JSON code", 401, "application/json", `{"status":401,"error":"%[1]s","message":"no"}`},
		{"HTML title", 502, "text/html", `<html><head><title>Bad %[1]s</title></head></html>`},
		{"HTML body", 503, "text/html", `<html><body><p>%[1]s</p></body></html>`},
		{"plain text", 500, "text/plain", `error for %[1]s`},
		{"manufacturer ID", 200, "application/json", `{"manufacturer_id":["%[1]s"],"name":"x"}`},
		{"invalid JSON", 200, "application/json", `{"manufacturer_id": %[1]s}`},
	}
	for _, tc := range bodies {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				fmt.Fprintf(w, tc.body, r.Header.Get("Authorization"))
			}))
			t.Cleanup(server.Close)
			var logs bytes.Buffer
			c, err := convoy.NewClient(key, convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(1),
				convoy.WithRetryWait(0, time.Millisecond),
				convoy.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, err)

			_, err = c.Manufacturers.Get(testContext(t), convoy.NumericID(1))

			require.Error(t, err)
			var apiErr *convoy.Error
			require.True(t, errors.As(err, &apiErr))
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				assert.NotContains(t, fmt.Sprintf(verb, err), key, verb)
				assert.NotContains(t, fmt.Sprintf(verb, *apiErr), key, verb)
			}
			if apiErr.Err != nil {
				assert.NotContains(t, apiErr.Err.Error(), key, "wrapped error")
			}
			assert.NotContains(t, logs.String(), key, "logs")
		})
	}
}

// TestKeyNotInJournalOrLogs sends the key where it does not belong (path
// segments, query and form values, alone or inside longer text) and
// checks the server's journal and log.
func TestKeyNotInJournalOrLogs(t *testing.T) {
	t.Parallel()
	const key = "sk_journal_3e8d1c"
	logs := &syncWriter{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	server := convoytest.NewServer(t, convoytest.WithAPIKeys(key), convoytest.WithLogger(logger))
	c := server.Client(convoy.WithMaxRetries(0))
	ctx := testContext(t)

	_, _ = c.Inventory.List(ctx, &convoy.InventoryListOptions{SKU: key})
	_, _ = c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: key})
	_, _ = c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: key, ManufacturerID: convoy.NumericID(1)})
	_, _ = c.Products.GetBySKU(ctx, key)
	_, _ = c.Inventory.Get(ctx, key)
	_, _ = c.Manufacturers.Get(ctx, convoy.StringID(key))
	_, _ = c.Products.GetBySKU(ctx, "prefix/"+key)
	_, _ = c.Inventory.List(ctx, &convoy.InventoryListOptions{SKU: key + "-suffix"})
	_, _ = c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: "name " + key})

	journal := server.Journal()
	require.Len(t, journal, 9)
	for _, e := range journal {
		assert.NotContains(t, fmt.Sprintf("%+v", e), key, "journal entry %s %s", e.Method, e.Path)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		assert.NotContains(t, line, key, "server log")
	}
}

// TestKeyWithLineBreakRejected checks that NewClient rejects a key that
// could split the Authorization header, so no request is ever built.
func TestKeyWithLineBreakRejected(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	t.Cleanup(server.Close)

	for _, key := range []string{"sk\r\nX-Injected: 1", "sk\r", "sk\n", "\r\nsk", "sk\x00", "sk\u0085"} {
		c, err := convoy.NewClient(key, convoy.WithBaseURL(server.URL))
		require.Error(t, err, "%q", key)
		assert.Nil(t, c, "%q", key)
		assert.Contains(t, err.Error(), "control character", "%q", key)
		assert.NotContains(t, err.Error(), strings.TrimSpace(key), "%q", key)
	}
	assert.Zero(t, requests.Load(), "requests sent")
}

// TestPlainHTTPRejected checks that NewClient rejects an http base URL to a
// host that is not loopback. The client's dialer fails the test if
// it is ever called, so nothing leaves the machine even if a check is
// missing.
func TestPlainHTTPRejected(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	noDial := &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, errors.New("test dialer: dialing is not allowed in this test")
		},
	}}

	rejected := []string{
		"http://api.getconvoy.com/",
		"http://api.example.invalid:8080/v1/",
		"HTTP://api.example.invalid/",
		"http://localhost.example.invalid/",
		"http://127.0.0.1.example.invalid/",
		"http://10.0.0.1/",
		"http://192.168.1.10:12111/",
		"http://0.0.0.0/",
		"http://[fe80::1]/",
		"http://0x7f000001/",
	}
	for _, base := range rejected {
		c, err := convoy.NewClient("sk_plain_http", convoy.WithBaseURL(base), convoy.WithHTTPClient(noDial))
		require.Error(t, err, base)
		assert.Nil(t, c, base)
		assert.Contains(t, err.Error(), "WithInsecureHTTP", base)

		c, err = convoy.NewClient("sk_plain_http", convoy.WithBaseURL(base), convoy.WithHTTPClient(noDial), convoy.WithInsecureHTTP())
		require.NoError(t, err, "%s with WithInsecureHTTP", base)
		assert.NotNil(t, c, base)
	}

	for _, base := range []string{"http://127.0.0.1:1/", "http://127.9.9.9:1/", "http://[::1]:1/", "http://localhost:1/", "http://LOCALHOST:1/"} {
		_, err := convoy.NewClient("sk_plain_http", convoy.WithBaseURL(base), convoy.WithHTTPClient(noDial))
		assert.NoError(t, err, base)
	}
	assert.Zero(t, dials.Load(), "dials")
}

// TestPathSegmentsStayInResource creates records whose SKU or ID looks
// like a path. Each request must reach the record it names, never another
// route, and send no dot segment, which a proxy normalizing the URL would
// resolve.
func TestPathSegmentsStayInResource(t *testing.T) {
	t.Parallel()
	values := []string{"..", ".", "../manufacturers", "%2e%2e", "%2E%2E/", "sku/..", "a/../../manufacturers", "..%2F", "?page=2", "#top", "%", "..;x", "./."}
	server := convoytest.NewServer(t, convoytest.WithSeed(3))
	c := server.Client(convoy.WithMaxRetries(0))
	ctx := testContext(t)

	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			m, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{ID: convoy.StringID(v), Name: "maker " + v})
			require.NoError(t, err)
			p, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "product " + v, SKU: v, ManufacturerID: m.ID})
			require.NoError(t, err)
			server.ClearJournal()

			gotM, err := c.Manufacturers.Get(ctx, convoy.StringID(v))
			require.NoError(t, err)
			assert.Equal(t, "maker "+v, gotM.Name)
			gotP, err := c.Products.GetBySKU(ctx, v)
			require.NoError(t, err)
			assert.Equal(t, p.Barcode, gotP.Barcode)
			_, err = c.Inventory.Get(ctx, v)
			assert.ErrorIs(t, err, convoy.ErrNotFound, "inventory get")
			_, err = c.Inventory.Update(ctx, v, &convoy.InventoryUpdateParams{State: convoy.StatePacked})
			assert.ErrorIs(t, err, convoy.ErrNotFound, "inventory update")
			_, err = c.Products.GetByBarcode(ctx, v)
			assert.ErrorIs(t, err, convoy.ErrNotFound, "product get by barcode")

			prefixes := []string{"/manufacturers/", "/products/sku/", "/inventory/", "/inventory/", "/products/barcode/"}
			journal := server.Journal()
			require.Len(t, journal, len(prefixes))
			for i, e := range journal {
				require.True(t, strings.HasPrefix(e.Path, prefixes[i]), "path %q", e.Path)
				segment := strings.TrimPrefix(e.Path, prefixes[i])
				assert.NotContains(t, segment, "/", "path %q", e.Path)
				assert.NotContains(t, []string{".", ".."}, segment, "path %q has a dot segment", e.Path)
			}
		})
	}
}

// TestRawDotSegments sends dot segments as raw paths, as a client other
// than the SDK may, and checks that none reaches another route.
func TestRawDotSegments(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t)
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "s", Name: "n", ManufacturerID: "1"}},
	}))

	cases := []struct {
		path   string
		status int
	}{
		{"/products/sku/..", 404},
		{"/products/sku/%2e%2e", 404},
		{"/products/sku/%2E%2E%2Fmanufacturers", 404},
		{"/products/sku/../../manufacturers", 404},
		{"/products/sku/s/..", 404},
		{"/inventory/..", 404},
		{"/inventory/%2e%2e", 404},
		{"/manufacturers/..", 404},
		{"/manufacturers/.", 404},
		{"/manufacturers/%2e", 404},
		{"/products/./sku/s", 404},
		{"/products/barcode/..%2f..%2fmanufacturers", 404},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(http.MethodGet, server.URL+tc.path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", server.APIKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()

		assert.Equal(t, tc.status, resp.StatusCode, "%s: %s", tc.path, body.String())
		assert.True(t, strings.HasPrefix(body.String(), "{"), "%s answered with a list: %s", tc.path, body.String())
		assert.NotContains(t, body.String(), "Apple", tc.path)
	}
}

// syncWriter serializes writes from the server's handler goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
