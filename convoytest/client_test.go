package convoytest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests join the SDK and the server, each with its own wire types,
// so a JSON tag mistake on either side fails here.

func TestClientRoundTrip(t *testing.T) {
	t.Parallel()
	clock := convoytest.NewFakeClock(time.Unix(1470287770, 0))
	srv := convoytest.NewServer(t, convoytest.WithSeed(1), convoytest.WithClock(clock))
	client := srv.Client()
	ctx := context.Background()

	m, err := client.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{ID: convoy.NumericID(3), Name: "Amazon"})
	require.NoError(t, err)
	assert.Equal(t, convoy.NumericID(3), m.ID)

	p, err := client.Products.Create(ctx, &convoy.ProductCreateParams{Name: "Kindle", SKU: "AB/12 x%", ManufacturerID: m.ID})
	require.NoError(t, err)
	assert.Equal(t, "AB/12 x%", p.SKU)

	got, err := client.Products.GetBySKU(ctx, "AB/12 x%")
	require.NoError(t, err)
	assert.Equal(t, p, got)

	items, err := client.Inventory.Create(ctx, "AB/12 x%", 2)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, time.Unix(1470287770, 0).UTC(), items[0].DateCreated)
	assert.Equal(t, "Amazon", items[0].Product.Manufacturer.Name)

	clock.Advance(time.Minute)
	updated, err := client.Inventory.Update(ctx, items[0].Barcode, &convoy.InventoryUpdateParams{State: convoy.StatePacked})
	require.NoError(t, err)
	assert.Equal(t, convoy.StatePacked, updated.State)
	assert.Equal(t, time.Unix(1470287830, 0).UTC(), updated.DateModified)

	packed, err := client.Inventory.List(ctx, &convoy.InventoryListOptions{State: convoy.StatePacked})
	require.NoError(t, err)
	require.Len(t, packed, 1)
	assert.Equal(t, items[0].Barcode, packed[0].Barcode)

	_, err = client.Inventory.Get(ctx, "I00000000-0000-4000-8000-000000000000")
	assert.True(t, errors.Is(err, convoy.ErrNotFound), "%v", err)
}

func TestClientSeesFaults(t *testing.T) {
	t.Parallel()
	srv := convoytest.NewServer(t)
	require.NoError(t, srv.AddManufacturers(convoytest.Manufacturer{ID: "1", Name: "Apple"}))

	_, err := srv.AddFault(convoytest.Fault{Method: "GET", Path: "/manufacturers/*", Times: 1, Status: 503})
	require.NoError(t, err)

	m, err := srv.Client().Manufacturers.Get(context.Background(), convoy.NumericID(1))
	require.NoError(t, err, "the client retries the 503")
	assert.Equal(t, "Apple", m.Name)
	assert.Len(t, srv.Journal(), 2)
}
