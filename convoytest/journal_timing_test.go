package convoytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getconvoy/convoy-go/convoytest"
)

// TestJournalHasRequestOnceAnswered checks that a request is in the journal
// as soon as its client has the response, so a test can inspect the journal
// right after a call returns. The pages are larger than net/http's write
// buffer, so the response reaches the client before the handler returns.
func TestJournalHasRequestOnceAnswered(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t)
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "sku1234", Name: "iPhone 5s", ManufacturerID: "1"}},
		Inventory:     []convoytest.InventoryItem{{SKU: "sku1234", Quantity: 50}},
	}))

	for i := 1; i <= 200; i++ {
		req, err := http.NewRequest(http.MethodGet, server.URL+"/inventory?count=50", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", server.APIKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())

		if !assert.Len(t, server.Journal(), i, "journal after request %d", i) {
			return
		}
	}
}
