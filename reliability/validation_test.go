package reliability_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientValidationMatchesServer checks values that the server rejects
// with 400: sent by hand, the server rejects each one, and the SDK rejects
// it before sending anything.
func TestClientValidationMatchesServer(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t)
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "s", Name: "n", ManufacturerID: "1"}},
		Inventory:     []convoytest.InventoryItem{{SKU: "s"}},
	}))
	barcode := server.Snapshot().Inventory[0].Barcode
	c := server.Client(convoy.WithMaxRetries(0))
	ctx := testContext(t)
	long65 := strings.Repeat("s", 65)
	long201 := strings.Repeat("é", 201)
	id := convoy.NumericID(1)

	cases := []struct {
		name    string
		method  string
		target  string
		form    url.Values
		sdk     func() error
		message string
	}{
		{"product SKU of 65 characters", "POST", "/products", url.Values{"name": {"n"}, "sku": {long65}, "manufacturer_id": {"1"}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: long65, ManufacturerID: id})
			return err
		}, "is 65 characters long; the limit is 64"},
		{"product name of 201 characters", "POST", "/products", url.Values{"name": {long201}, "sku": {"s2"}, "manufacturer_id": {"1"}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: long201, SKU: "s2", ManufacturerID: id})
			return err
		}, "is 201 characters long; the limit is 200"},
		{"product SKU with newline", "POST", "/products", url.Values{"name": {"n"}, "sku": {"a\nb"}, "manufacturer_id": {"1"}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: "a\nb", ManufacturerID: id})
			return err
		}, `product SKU "a\nb" contains the control character U+000A`},
		{"product name with leading space", "POST", "/products", url.Values{"name": {" n"}, "sku": {"s2"}, "manufacturer_id": {"1"}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: " n", SKU: "s2", ManufacturerID: id})
			return err
		}, `product name " n" has leading or trailing space`},
		{"product SKU invalid UTF-8", "POST", "/products", url.Values{"name": {"n"}, "sku": {"\xff"}, "manufacturer_id": {"1"}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: "\xff", ManufacturerID: id})
			return err
		}, `product SKU "\xff" is not valid UTF-8`},
		{"product manufacturer ID of 65 characters", "POST", "/products", url.Values{"name": {"n"}, "sku": {"s2"}, "manufacturer_id": {long65}}, func() error {
			_, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: "s2", ManufacturerID: convoy.StringID(long65)})
			return err
		}, "is 65 characters long"},
		{"manufacturer name of 201 characters", "POST", "/manufacturers", url.Values{"name": {long201}}, func() error {
			_, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: long201})
			return err
		}, "is 201 characters long"},
		{"manufacturer ID of 65 characters", "POST", "/manufacturers", url.Values{"name": {"n"}, "manufacturer_id": {long65}}, func() error {
			_, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: "n", ID: convoy.StringID(long65)})
			return err
		}, "is 65 characters long"},
		{"manufacturer name with tab", "POST", "/manufacturers", url.Values{"name": {"a\tb"}}, func() error {
			_, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: "a\tb"})
			return err
		}, `manufacturer name "a\tb" contains the control character U+0009`},
		{"manufacturer ID with trailing space", "POST", "/manufacturers", url.Values{"name": {"n"}, "manufacturer_id": {"M1 "}}, func() error {
			_, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: "n", ID: convoy.StringID("M1 ")})
			return err
		}, "has leading or trailing space"},
		{"inventory SKU with NUL", "POST", "/inventory", url.Values{"sku": {"a\x00"}, "quantity": {"1"}}, func() error {
			_, err := c.Inventory.Create(ctx, "a\x00", 1)
			return err
		}, "contains the control character U+0000"},
		{"inventory SKU of 65 characters", "POST", "/inventory", url.Values{"sku": {long65}, "quantity": {"1"}}, func() error {
			_, err := c.Inventory.Create(ctx, long65, 1)
			return err
		}, "is 65 characters long"},
		{"update state with CR", "PUT", "/inventory/" + barcode, url.Values{"state": {"PACKED\r"}}, func() error {
			_, err := c.Inventory.Update(ctx, barcode, &convoy.InventoryUpdateParams{State: "PACKED\r"})
			return err
		}, `inventory state "PACKED\r" contains the control character U+000D`},
		{"update barcode with DEL", "PUT", "/inventory/I%7F", url.Values{"state": {"PACKED"}}, func() error {
			_, err := c.Inventory.Update(ctx, "I\x7f", &convoy.InventoryUpdateParams{State: convoy.StatePacked})
			return err
		}, "contains the control character U+007F"},
		{"get item barcode with space", "GET", "/inventory/%20" + barcode, nil, func() error {
			_, err := c.Inventory.Get(ctx, " "+barcode)
			return err
		}, "has leading or trailing space"},
		{"get SKU with newline", "GET", "/products/sku/a%0Ab", nil, func() error {
			_, err := c.Products.GetBySKU(ctx, "a\nb")
			return err
		}, `product SKU "a\nb" contains the control character`},
		{"get barcode invalid UTF-8", "GET", "/products/barcode/%FF", nil, func() error {
			_, err := c.Products.GetByBarcode(ctx, "\xff")
			return err
		}, "is not valid UTF-8"},
		{"get manufacturer with space", "GET", "/manufacturers/%201", nil, func() error {
			_, err := c.Manufacturers.Get(ctx, convoy.StringID(" 1"))
			return err
		}, "has leading or trailing space"},
		{"list SKU with control", "GET", "/inventory?sku=a%01", nil, func() error {
			_, err := c.Inventory.List(ctx, &convoy.InventoryListOptions{SKU: "a\x01"})
			return err
		}, `SKU filter "a\x01" contains the control character U+0001`},
		{"list state with space", "GET", "/inventory?state=PACKED%20", nil, func() error {
			_, err := c.Inventory.List(ctx, &convoy.InventoryListOptions{State: "PACKED "})
			return err
		}, "has leading or trailing space"},
		{"list manufacturer with tab", "GET", "/products?manufacturer_id=1%09", nil, func() error {
			_, err := c.Products.List(ctx, &convoy.ProductListOptions{ManufacturerID: convoy.StringID("1\t")})
			return err
		}, "contains the control character U+0009"},
	}
	for _, tc := range cases {
		status := sendRaw(t, server, tc.method, tc.target, tc.form)
		assert.Equal(t, http.StatusBadRequest, status, "%s: server status", tc.name)

		server.ClearJournal()
		err := tc.sdk()

		var apiErr *convoy.Error
		if !assert.True(t, errors.As(err, &apiErr), "%s: %v", tc.name, err) {
			continue
		}
		assert.ErrorIs(t, err, convoy.ErrInvalidRequest, tc.name)
		assert.Zero(t, apiErr.Attempts, "%s: attempts", tc.name)
		assert.Contains(t, apiErr.Message, tc.message, tc.name)
		assert.Empty(t, server.Journal(), "%s: requests that reached the server", tc.name)
	}
}

// TestClientValidationAcceptsValid checks values at the limits, which the
// SDK must send and the server must accept, and a state the SDK does not
// know, which it must send because servers may define more states.
func TestClientValidationAcceptsValid(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t, convoytest.WithStates("INVENTORIED", "PACKED", "ON HOLD"))
	c := server.Client(convoy.WithMaxRetries(0))
	ctx := testContext(t)
	name := strings.Repeat("é", 199) + "𝄞"
	sku := "AB/12 x%" + strings.Repeat("ü", 56)

	m, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: name, ID: convoy.StringID(strings.Repeat("M", 64))})
	require.NoError(t, err)
	p, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "Kindle Paperwhite", SKU: sku, ManufacturerID: m.ID})
	require.NoError(t, err)
	assert.Equal(t, sku, p.SKU)
	items, err := c.Inventory.Create(ctx, sku, 1)
	require.NoError(t, err)

	updated, err := c.Inventory.Update(ctx, items[0].Barcode, &convoy.InventoryUpdateParams{State: "ON HOLD"})
	require.NoError(t, err, "a state with an inner space that the SDK has no constant for")
	assert.Equal(t, convoy.InventoryState("ON HOLD"), updated.State)

	_, err = c.Inventory.Update(ctx, items[0].Barcode, &convoy.InventoryUpdateParams{State: "LOST"})
	var apiErr *convoy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts, "an unknown state is sent")
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
}

// sendRaw sends one form request with the server's key and returns the
// status.
func sendRaw(t *testing.T, server *convoytest.Server, method, target string, fields url.Values) int {
	t.Helper()
	var body io.Reader
	if fields != nil {
		body = strings.NewReader(fields.Encode())
	}
	req, err := http.NewRequest(method, server.URL+target, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", server.APIKey)
	if fields != nil {
		req.Header.Set("Content-Type", form)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
