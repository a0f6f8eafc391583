package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getconvoy/convoy-go/convoytest"
)

func TestQuickstartEmbedded(t *testing.T) {
	t.Setenv("CONVOY_API_KEY", "")
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out))

	text := out.String()
	assert.Contains(t, text, "using an embedded convoytest server at http://127.0.0.1:")
	assert.Regexp(t, `(?m)^3\s+Amazon$`, text)
	assert.Regexp(t, `(?m)^sku3456\s+Nexus S\s+Google\s+P[0-9a-f-]{36}$`, text)
	assert.Contains(t, text, "created 20 inventory items")
	assert.Regexp(t, `(?m)^I[0-9a-f-]{36}\s+sku1234\s+PACKED\s`, text)
	assert.Contains(t, text, `GetBySKU("sku0000") failed as expected: convoy: GET /products/sku/sku0000: 404 not_found`)
}

// TestQuickstartConfiguredServer runs the quickstart twice against one
// server named by the environment: the second run reuses the manufacturers
// and products of the first.
func TestQuickstartConfiguredServer(t *testing.T) {
	server := convoytest.NewServer(t)
	t.Setenv("CONVOY_API_KEY", server.APIKey)
	t.Setenv("CONVOY_BASE_URL", server.URL)

	for range 2 {
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), &out))
		assert.Contains(t, out.String(), "Using the Convoy server at "+server.URL+"/ with CONVOY_API_KEY")
	}

	assert.Equal(t, 40, server.CountInventory("", "sku1234"))
	assert.Equal(t, 2, server.CountInventory("PACKED", "sku1234"))
}

func TestQuickstartBadKey(t *testing.T) {
	server := convoytest.NewServer(t)
	t.Setenv("CONVOY_API_KEY", "wrong_key")
	t.Setenv("CONVOY_BASE_URL", server.URL)

	err := run(context.Background(), &bytes.Buffer{})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "401")
}

func TestQuickstartReusesDifferentData(t *testing.T) {
	server := convoytest.NewServer(t)
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Bosch"}},
		Products:      []convoytest.Product{{SKU: "sku1234", Name: "Drill", ManufacturerID: "1"}},
	}))
	t.Setenv("CONVOY_API_KEY", server.APIKey)
	t.Setenv("CONVOY_BASE_URL", server.URL)
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out))

	assert.Contains(t, out.String(), `note: manufacturer 1 already exists as "Bosch"; using it instead of "Apple"`)
	assert.Contains(t, out.String(), `note: product sku1234 already exists as "Drill" of manufacturer 1; using it`)
}
