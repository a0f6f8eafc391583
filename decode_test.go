package convoy

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveSample responds to every request with body.
func serveSample(t *testing.T, status int, body string) *Client {
	t.Helper()
	c, _ := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, status, body)
	}))
	return c
}

var (
	apple  = Manufacturer{ID: NumericID(1), Name: "Apple"}
	google = Manufacturer{ID: NumericID(2), Name: "Google"}
)

func iPhone() InventoryProduct {
	return InventoryProduct{SKU: "sku1234", Name: "iPhone 5s", Manufacturer: apple}
}

func TestDecodeReferenceManufacturers(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)

	list, err := serveSample(t, 200, refManufacturerList).Manufacturers.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, apple, *list[0])
	assert.Equal(t, google, *list[1])

	got, err := serveSample(t, 200, refManufacturerGet).Manufacturers.Get(ctx, NumericID(2))
	require.NoError(t, err)
	assert.Equal(t, google, *got)

	created, err := serveSample(t, 201, refManufacturerCreate).Manufacturers.Create(ctx, &ManufacturerCreateParams{ID: NumericID(3), Name: "Amazon"})
	require.NoError(t, err)
	assert.Equal(t, Manufacturer{ID: NumericID(3), Name: "Amazon"}, *created)
	assert.True(t, created.ID.IsNumeric())
}

func TestDecodeReferenceProducts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	iphone := Product{SKU: "sku1234", Barcode: "P4d119947-271f-4c59-95e9-dea70b84b6d1", Name: "iPhone 5s", Manufacturer: apple}
	ipad := Product{SKU: "sku2345", Barcode: "P104ec297-f258-4160-a6ff-567a125937b0", Name: "iPad Mini", Manufacturer: apple}

	list, err := serveSample(t, 200, refProductList).Products.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, iphone, *list[0])
	assert.Equal(t, ipad, *list[1])

	bySKU, err := serveSample(t, 200, refProductBySKU).Products.GetBySKU(ctx, "sku1234")
	require.NoError(t, err)
	assert.Equal(t, iphone, *bySKU)

	byBarcode, err := serveSample(t, 200, refProductByBarcode).Products.GetByBarcode(ctx, iphone.Barcode)
	require.NoError(t, err)
	assert.Equal(t, iphone, *byBarcode)

	created, err := serveSample(t, 201, refProductCreate).Products.Create(ctx, &ProductCreateParams{Name: "Nexus S", SKU: "sku3456", ManufacturerID: NumericID(2)})
	require.NoError(t, err)
	assert.Equal(t, Product{SKU: "sku3456", Barcode: "P39dcc365-f09f-4e1a-991c-990094806025", Name: "Nexus S", Manufacturer: google}, *created)
}

func TestDecodeReferenceInventory(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	first := InventoryItem{
		Barcode:      "I954d3fae-885e-4e46-b9fb-5de959acd7b5",
		State:        StateInventoried,
		DateCreated:  time.Date(2016, 8, 4, 5, 16, 10, 0, time.UTC),
		DateModified: time.Date(2016, 8, 4, 5, 16, 10, 0, time.UTC),
		Product:      iPhone(),
	}
	second := InventoryItem{
		Barcode:      "I3b8c1c7e-9301-4ca2-89c8-b389bb2bdd6e",
		State:        StatePacked,
		DateCreated:  time.Unix(1470201567, 0).UTC(),
		DateModified: time.Unix(1470203927, 0).UTC(),
		Product:      InventoryProduct{SKU: "sku2345", Name: "iPad Mini", Manufacturer: apple},
	}

	list, err := serveSample(t, 200, refInventoryList).Inventory.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, first, *list[0])
	assert.Equal(t, second, *list[1])
	assert.Equal(t, time.UTC, list[0].DateCreated.Location())

	got, err := serveSample(t, 200, refInventoryGet).Inventory.Get(ctx, first.Barcode)
	require.NoError(t, err)
	assert.Equal(t, first, *got)

	packed := first
	packed.State = StatePacked
	updated, err := serveSample(t, 200, refInventoryUpdate).Inventory.Update(ctx, first.Barcode, &InventoryUpdateParams{State: StatePacked})
	require.NoError(t, err)
	assert.Equal(t, packed, *updated)
}

func TestDecodeReferenceInventoryCreate(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	want := InventoryItem{
		Barcode:      "Ic3568f2c-a9e7-4f2e-b735-a351506c2897",
		State:        StateInventoried,
		DateCreated:  time.Unix(1470289468, 0).UTC(),
		DateModified: time.Unix(1470289468, 0).UTC(),
		Product:      iPhone(),
	}

	// As printed, the sample ends with "..." for further items and is not
	// JSON: the call fails with a readable error instead of panicking.
	_, err := serveSample(t, 201, refInventoryCreate).Inventory.Create(ctx, "sku1234", 20)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid response body")

	complete := strings.Replace(refInventoryCreate, ",\n    ...\n", "\n", 1)
	require.NotEqual(t, refInventoryCreate, complete)
	items, err := serveSample(t, 201, complete).Inventory.Create(ctx, "sku1234", 1)
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, want, *items[0])
}

func TestDecodeUpdateObject(t *testing.T) {
	t.Parallel()
	object := strings.TrimSpace(refInventoryUpdate)
	object = strings.TrimSuffix(strings.TrimPrefix(object, "["), "]")

	got, err := serveSample(t, 200, object).Inventory.Update(testContext(t), "I954d3fae-885e-4e46-b9fb-5de959acd7b5", &InventoryUpdateParams{State: StatePacked})

	require.NoError(t, err)
	assert.Equal(t, StatePacked, got.State)
	assert.Equal(t, "I954d3fae-885e-4e46-b9fb-5de959acd7b5", got.Barcode)
}

func TestDecodeUpdateArrayLength(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"[]", "[" + itemJSON + "," + itemJSON + "]", "[1]", "7"} {
		t.Run(body[:min(len(body), 8)], func(t *testing.T) {
			t.Parallel()
			_, err := serveSample(t, 200, body).Inventory.Update(testContext(t), "I1", &InventoryUpdateParams{State: StatePacked})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid response body")
		})
	}
}

func TestDecodeUnknownFieldsAndStates(t *testing.T) {
	t.Parallel()
	const body = `[{"state":"RETURNED","barcode":"I1","date_created":1,"date_modified":2,"weight_grams":170,
		"product":{"sku":"s","name":"n","color":"red","manufacturer":{"manufacturer_id":"M9","name":"m","country":"US"}}}]`

	items, err := serveSample(t, 200, body).Inventory.List(testContext(t), nil)

	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, InventoryState("RETURNED"), items[0].State)
	assert.Equal(t, StringID("M9"), items[0].Product.Manufacturer.ID)
}

func TestManufacturerIDRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		json    string
		text    string
		numeric bool
	}{
		{`1`, "1", true},
		{`0`, "0", true},
		{`-7`, "-7", true},
		{`123456789012345678901234567890`, "123456789012345678901234567890", true},
		{`9007199254740993`, "9007199254740993", true},
		{`1.5e3`, "1.5e3", true},
		{`"M3f1c2d4e-0000-4000-8000-000000000000"`, "M3f1c2d4e-0000-4000-8000-000000000000", false},
		{`"1"`, "1", false},
		{`"007"`, "007", false},
		{`"a/b %?ü"`, "a/b %?ü", false},
		{`"tab\tquote\"\u00fc"`, "tab\tquote\"ü", false},
		{`""`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.json, func(t *testing.T) {
			t.Parallel()
			var m Manufacturer
			require.NoError(t, json.Unmarshal([]byte(`{"manufacturer_id":`+tc.json+`,"name":"x"}`), &m))
			assert.Equal(t, tc.text, m.ID.String())
			assert.Equal(t, tc.numeric, m.ID.IsNumeric())

			out, err := json.Marshal(m)
			require.NoError(t, err)
			var again Manufacturer
			require.NoError(t, json.Unmarshal(out, &again))
			assert.Equal(t, m, again)
			if tc.numeric {
				assert.Contains(t, string(out), `"manufacturer_id":`+tc.json+`,`)
			}
		})
	}
}

func TestManufacturerIDInvalid(t *testing.T) {
	t.Parallel()
	for _, data := range []string{`true`, `{}`, `[1]`, `01`, `1.`, `-`, `1e`, `"unterminated`, `.5`} {
		var id ManufacturerID
		assert.Error(t, id.UnmarshalJSON([]byte(data)), data)
	}
	_, err := ManufacturerID{text: "12abc", numeric: true}.MarshalJSON()
	assert.Error(t, err)
}

func TestManufacturerIDValues(t *testing.T) {
	t.Parallel()
	assert.True(t, ManufacturerID{}.IsZero())
	assert.False(t, NumericID(0).IsZero())
	assert.False(t, StringID("").IsNumeric())
	assert.NotEqual(t, NumericID(1), StringID("1"))
	assert.Equal(t, NumericID(42), NumericID(42))
	assert.Equal(t, "-3", NumericID(-3).String())

	var id ManufacturerID
	require.NoError(t, json.Unmarshal([]byte(`null`), &id))
	assert.True(t, id.IsZero())
	out, err := json.Marshal(id)
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}

func TestInventoryItemJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var item InventoryItem
	require.NoError(t, json.Unmarshal([]byte(refInventoryGet), &item))

	out, err := json.Marshal(item)
	require.NoError(t, err)
	assert.JSONEq(t, refInventoryGet, string(out))

	assert.Error(t, json.Unmarshal([]byte(`{"date_created":"yesterday"}`), &item))
}

func TestManufacturerIDEqual(t *testing.T) {
	t.Parallel()

	assert.True(t, NumericID(42).Equal(StringID("42")))
	assert.True(t, StringID("Mabc").Equal(StringID("Mabc")))
	assert.False(t, NumericID(42).Equal(StringID("042")))
	assert.False(t, StringID("Mabc").Equal(ManufacturerID{}))
	assert.NotEqual(t, NumericID(42), StringID("42"), "== also compares the form")
}
