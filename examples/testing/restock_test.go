package restock_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
	restock "github.com/getconvoy/convoy-go/examples/testing"
)

// newServer starts a convoytest server holding one manufacturer and one
// product, and closes it when the test ends.
func newServer(t *testing.T) *convoytest.Server {
	t.Helper()
	server := convoytest.NewServer(t)
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "sku1234", Name: "iPhone 5s", ManufacturerID: "1"}},
	}))
	return server
}

func TestTopUpFillsShortfall(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	require.NoError(t, server.AddInventory(convoytest.InventoryItem{SKU: "sku1234", Quantity: 7}))

	created, err := restock.TopUp(context.Background(), server.Client(), "sku1234", 10)

	require.NoError(t, err)
	assert.Equal(t, 3, created)
	assert.Equal(t, 10, server.CountInventory("INVENTORIED", "sku1234"))
}

func TestTopUpFullStock(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	require.NoError(t, server.AddInventory(convoytest.InventoryItem{SKU: "sku1234", Quantity: 10}))

	created, err := restock.TopUp(context.Background(), server.Client(), "sku1234", 10)

	require.NoError(t, err)
	assert.Equal(t, 0, created)
	for _, entry := range server.Journal() {
		assert.NotEqual(t, http.MethodPost, entry.Method, "a full stock needs no create request")
	}
}

// TestTopUpLostReply makes the server apply the create request and then drop
// the connection, so the client cannot know whether it succeeded. TopUp must
// count again rather than resend, and the stock must not be doubled.
func TestTopUpLostReply(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	_, err := server.AddFault(convoytest.Fault{
		Method: http.MethodPost,
		Path:   "/inventory",
		Times:  1,
		Drop:   convoytest.DropAfter,
	})
	require.NoError(t, err)

	_, err = restock.TopUp(context.Background(), server.Client(), "sku1234", 5)

	require.NoError(t, err)
	assert.Equal(t, 5, server.CountInventory("INVENTORIED", "sku1234"))
	posts := 0
	for _, entry := range server.Journal() {
		if entry.Method == http.MethodPost {
			posts++
		}
	}
	assert.Equal(t, 1, posts, "the create request is sent once")
}

// TestTopUpGivesUp makes every create request fail with a 500, whose
// outcome the client cannot know, and expects TopUp to stop after a bounded
// number of requests.
func TestTopUpGivesUp(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	_, err := server.AddFault(convoytest.Fault{
		Method: http.MethodPost,
		Path:   "/inventory",
		Status: http.StatusInternalServerError,
	})
	require.NoError(t, err)

	_, err = restock.TopUp(context.Background(), server.Client(), "sku1234", 5)

	require.ErrorIs(t, err, convoy.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "stock still below 5 after 3 create requests")
	posts := 0
	for _, entry := range server.Journal() {
		if entry.Method == http.MethodPost {
			posts++
		}
	}
	assert.Equal(t, 3, posts)
}
