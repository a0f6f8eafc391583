package convoytest

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedInventory(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	created := startTime().Add(-48 * time.Hour)
	require.NoError(t, s.AddInventory(
		InventoryItem{SKU: "sku2345", State: "PACKED", DateCreated: created.Add(time.Hour), DateModified: created.Add(2 * time.Hour)},
		InventoryItem{SKU: "sku1234", DateCreated: created, Quantity: 3},
		InventoryItem{SKU: "sku1234", Barcode: "I954d3fae-885e-4e46-b9fb-5de959acd7b5"},
	))

	inv := s.Snapshot().Inventory
	require.Len(t, inv, 5)
	assert.Equal(t, created, inv[0].DateCreated, "seeded items are stored oldest first")
	assert.Equal(t, "INVENTORIED", inv[0].State)
	assert.Equal(t, created, inv[0].DateModified)
	assert.Equal(t, "PACKED", inv[3].State)
	assert.Equal(t, created.Add(2*time.Hour), inv[3].DateModified)
	assert.Equal(t, "I954d3fae-885e-4e46-b9fb-5de959acd7b5", inv[4].Barcode)
	assert.Equal(t, startTime(), inv[4].DateCreated, "a zero DateCreated is the clock's now")

	assert.Equal(t, 4, s.CountInventory("INVENTORIED", "sku1234"))
	assert.Equal(t, 1, s.CountInventory("PACKED", ""))
	assert.Equal(t, 4, s.CountInventory("", "sku1234"))
	assert.Equal(t, 0, s.CountInventory("LOST", ""))

	item, found := s.InventoryItem("I954d3fae-885e-4e46-b9fb-5de959acd7b5")
	require.True(t, found)
	assert.Equal(t, "sku1234", item.SKU)
}

func TestSeedErrors(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		f       Fixtures
		message string
	}{
		{"duplicate manufacturer", Fixtures{Manufacturers: []Manufacturer{{ID: "1", Name: "x"}}}, `manufacturers[0]: manufacturer_id "1" already exists`},
		{"empty name", Fixtures{Manufacturers: []Manufacturer{{ID: "5"}}}, "manufacturers[0]: name must not be empty"},
		{"unknown manufacturer", Fixtures{Products: []Product{{SKU: "n", Name: "n", ManufacturerID: "404"}}}, `products[0]: no manufacturer with manufacturer_id "404"`},
		{"duplicate sku", Fixtures{Products: []Product{{SKU: "sku1234", Name: "n", ManufacturerID: "1"}}}, `products[0]: a product with sku "sku1234" already exists`},
		{"bad product barcode", Fixtures{Products: []Product{{SKU: "n", Name: "n", ManufacturerID: "1", Barcode: "Pxyz"}}}, `products[0]: barcode "Pxyz" is not`},
		{"unknown sku", Fixtures{Inventory: []InventoryItem{{SKU: "nope"}}}, `inventory[0]: no product with sku "nope"`},
		{"unknown state", Fixtures{Inventory: []InventoryItem{{SKU: "sku1234", State: "LOST"}}}, `inventory[0]: unknown state "LOST"`},
		{"barcode with quantity", Fixtures{Inventory: []InventoryItem{{SKU: "sku1234", Quantity: 2, Barcode: "I954d3fae-885e-4e46-b9fb-5de959acd7b5"}}}, "leave it empty"},
		{"duplicate barcode", Fixtures{Inventory: []InventoryItem{
			{SKU: "sku1234", Barcode: "I954d3fae-885e-4e46-b9fb-5de959acd7b5"},
			{SKU: "sku1234", Barcode: "I954d3fae-885e-4e46-b9fb-5de959acd7b5"},
		}}, "inventory[1]: an inventory item with barcode"},
		{"modified before created", Fixtures{Inventory: []InventoryItem{{SKU: "sku1234", DateModified: startTime().Add(-time.Hour)}}}, "date_modified"},
		{"older than stored", Fixtures{Inventory: []InventoryItem{{SKU: "sku1234", DateCreated: startTime().Add(-time.Hour)}}}, "seed inventory oldest first"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t)
			seedCatalog(t, s)
			require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku2345"}))
			before := s.Snapshot()

			err := s.Seed(&tc.f)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.Equal(t, before, s.Snapshot(), "a failed seed changes nothing")
		})
	}
}

func TestSeedAtomic(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	err := s.Seed(&Fixtures{
		Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []Product{{SKU: "a", Name: "n", ManufacturerID: "1"}, {SKU: "a", Name: "n", ManufacturerID: "1"}},
	})
	require.Error(t, err)

	_, found := s.defaultAccount().Manufacturer("1")
	assert.False(t, found)
}

func TestSeedDeterministic(t *testing.T) {
	t.Parallel()

	snapshot := func() *Fixtures {
		s, _ := newTestServer(t, WithSeed(7))
		require.NoError(t, s.Seed(&Fixtures{
			Manufacturers: []Manufacturer{{Name: "Generated"}},
		}))
		id := s.Snapshot().Manufacturers[0].ID
		require.NoError(t, s.AddProducts(Product{SKU: "s", Name: "n", ManufacturerID: id}))
		do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"s"}, "quantity": {"3"}}})
		return s.Snapshot()
	}

	assert.Equal(t, snapshot(), snapshot())
}

func TestReset(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	seedCatalog(t, s)
	require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku1234", Quantity: 3}))
	seeded := s.Snapshot()
	barcode := seeded.Inventory[1].Barcode

	clock.Advance(time.Hour)
	do(t, s, call{method: "PUT", path: "/inventory/" + barcode, form: url.Values{"state": {"SHIPPED"}}})
	do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"name": {"New"}, "manufacturer_id": {"9"}}})
	do(t, s, call{method: "POST", path: "/products", form: url.Values{"name": {"New"}, "sku": {"new"}, "manufacturer_id": {"9"}}})
	do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"sku2345"}, "quantity": {"4"}}})
	do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"new"}, "quantity": {"2"}}})
	_, err := s.AddFault(Fault{Status: 500})
	require.NoError(t, err)
	require.NotEqual(t, seeded, s.Snapshot())

	s.Reset()

	assert.Equal(t, seeded, s.Snapshot())
	assert.Empty(t, s.Journal())
	assert.Empty(t, s.Faults())
	assert.Equal(t, 3, s.CountInventory("INVENTORIED", ""))
	assert.Equal(t, 0, s.CountInventory("SHIPPED", ""))

	// The indexes are whole again: filters find the restored item.
	var items []wireItem
	do(t, s, call{method: "GET", path: "/inventory?state=INVENTORIED&sku=sku1234"}).decode(t, &items)
	assert.Len(t, items, 3)
	assert.Equal(t, 201, do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"name": {"New"}, "manufacturer_id": {"9"}}}).status)
}

func TestFixturesJSON(t *testing.T) {
	t.Parallel()

	const text = `{
	  "manufacturers": [{"manufacturer_id": 1, "name": "Apple"}, {"manufacturer_id": "Mx", "name": "Google"}],
	  "products": [{"sku": "sku1234", "name": "iPhone 5s", "manufacturer_id": 1},
	               {"sku": "sku9", "name": "Pixel", "manufacturer_id": "Mx", "barcode": "P4d119947-271f-4c59-95e9-dea70b84b6d1"}],
	  "inventory": [
	    {"sku": "sku1234", "state": "PACKED", "date_created": 1470201567, "date_modified": 1470203927},
	    {"sku": "sku9", "date_created": 1470287770, "quantity": 20}
	  ]
	}`
	f, err := LoadFixtures(strings.NewReader(text))
	require.NoError(t, err)

	s, _ := newTestServer(t)
	require.NoError(t, s.Seed(f))
	assert.Equal(t, 21, s.CountInventory("", ""))
	p, found := s.defaultAccount().Product("sku9")
	require.True(t, found)
	assert.Equal(t, "P4d119947-271f-4c59-95e9-dea70b84b6d1", p.Barcode)

	// A snapshot written as JSON loads into a fresh server as the same data.
	path := filepath.Join(t.TempDir(), "fixtures.json")
	data, err := json.Marshal(s.Snapshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	assert.Contains(t, string(data), `"manufacturer_id":1,`)

	loaded, err := LoadFixturesFile(path)
	require.NoError(t, err)
	other, _ := newTestServer(t)
	require.NoError(t, other.Seed(loaded))
	assert.Equal(t, s.Snapshot(), other.Snapshot())
}

func TestFixturesJSONErrors(t *testing.T) {
	t.Parallel()

	for _, text := range []string{
		`{"manufacturers": [{"id": 1, "name": "A"}]}`,
		`{"products": [{"sku": "a", "name": "n", "manufacturer_id": 1.5}]}`,
		`{"inventory": [{"sku": "a", "date_created": "yesterday"}]}`,
		`{"extra": []}`,
		`{} {}`,
	} {
		_, err := LoadFixtures(strings.NewReader(text))
		assert.Error(t, err, text)
	}

	_, err := LoadFixturesFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestFixturesErrorMessages(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want string
	}{
		{"empty", "  \n", "fixtures are empty; want a JSON object"},
		{"trailing comma", "{\n  \"manufacturers\": [],\n}", "line 3, column 1"},
		{"unknown field", "{\"manufacturers\": [\n  {\"id\": 1, \"name\": \"A\"}]}", `line 2, column 27: json: unknown field "id"`},
		{"array", `[]`, "line 1, column 2"},
		{"date as string", "{\"inventory\": [\n{\"sku\": \"a\", \"date_created\": \"yesterday\"}]}", "line 2"},
		{"two objects", `{} {}`, "data after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadFixtures(strings.NewReader(tt.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
