package convoytest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBarcode(t *testing.T) {
	t.Parallel()

	u, ok := parseBarcode('I', "I954d3fae-885e-4e46-b9fb-5de959acd7b5")
	require.True(t, ok)
	assert.Equal(t, "I954d3fae-885e-4e46-b9fb-5de959acd7b5", u.barcode('I'))

	for _, bad := range []string{
		"", "I", "P954d3fae-885e-4e46-b9fb-5de959acd7b5", "I954D3FAE-885e-4e46-b9fb-5de959acd7b5",
		"I954d3fae-885e-4e46-b9fb-5de959acd7b", "I954d3fae0885e-4e46-b9fb-5de959acd7b5", "I954d3fae-885e-4e46-b9fb-5de959acd7bg",
	} {
		_, ok := parseBarcode('I', bad)
		assert.False(t, ok, bad)
	}
}

func TestMixPositionInverts(t *testing.T) {
	t.Parallel()

	for _, x := range []uint32{0, 1, 2, 63, 64, 1 << 20, 1<<31 - 1, 1 << 31, 0xffffffff, 0x12345678} {
		assert.Equal(t, x, unmixPosition(mixPosition(x)), "%#x", x)
	}
	for x := uint32(0); x < 100000; x++ {
		if unmixPosition(mixPosition(x)) != x {
			t.Fatalf("unmixPosition(mixPosition(%d)) != %d", x, x)
		}
	}
}

func TestExplicitBarcodeLookup(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	// A barcode from another account encodes a position that exists here
	// too, but it is not this account's item.
	other := New(WithSeed(99))
	require.NoError(t, other.AddManufacturers(Manufacturer{ID: "1", Name: "A"}))
	require.NoError(t, other.AddProducts(Product{SKU: "s", Name: "n", ManufacturerID: "1"}))
	require.NoError(t, other.AddInventory(InventoryItem{SKU: "s", Quantity: 3}))
	foreign := other.Snapshot().Inventory[1].Barcode

	require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku1234", Quantity: 3}))
	_, found := s.InventoryItem(foreign)
	assert.False(t, found)

	// Seeded as an explicit barcode, it is found, and so are the others.
	require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku1234", Barcode: foreign}))
	item, found := s.InventoryItem(foreign)
	require.True(t, found)
	assert.Equal(t, foreign, item.Barcode)
	for _, it := range s.Snapshot().Inventory {
		got, found := s.InventoryItem(it.Barcode)
		require.True(t, found, it.Barcode)
		assert.Equal(t, it, got)
	}

	err := s.AddInventory(InventoryItem{SKU: "sku1234", Barcode: foreign})
	assert.ErrorContains(t, err, "already exists")
}
