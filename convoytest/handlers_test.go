package convoytest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestManufacturersCreateAndGet(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"manufacturer_id": {"3"}, "name": {"Amazon"}}})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	assert.JSONEq(t, `{"manufacturer_id": 3, "name": "Amazon"}`, string(res.body))
	assert.Equal(t, "application/json; charset=utf-8", res.header.Get("Content-Type"))

	res = do(t, s, call{method: "GET", path: "/manufacturers/3"})
	require.Equal(t, http.StatusOK, res.status)
	assert.JSONEq(t, `{"manufacturer_id": 3, "name": "Amazon"}`, string(res.body))

	res = do(t, s, call{method: "POST", path: "/manufacturers", json: `{"name": "Google"}`})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var generated wireManufacturer
	res.decode(t, &generated)
	assert.Regexp(t, `^M[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, string(generated.ID))

	res = do(t, s, call{method: "GET", path: "/manufacturers/" + string(generated.ID)})
	assert.Equal(t, http.StatusOK, res.status)
}

func TestManufacturerIDForms(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name string
		sent string // JSON body
		want string // manufacturer JSON
	}{
		{"number", `{"name":"A","manufacturer_id":7}`, `{"manufacturer_id":7,"name":"A"}`},
		{"digit string", `{"name":"A","manufacturer_id":"7"}`, `{"manufacturer_id":7,"name":"A"}`},
		{"zero", `{"name":"A","manufacturer_id":0}`, `{"manufacturer_id":0,"name":"A"}`},
		{"leading zero", `{"name":"A","manufacturer_id":"07"}`, `{"manufacturer_id":"07","name":"A"}`},
		{"15 digits", `{"name":"A","manufacturer_id":123456789012345}`, `{"manufacturer_id":123456789012345,"name":"A"}`},
		{"16 digits", `{"name":"A","manufacturer_id":1234567890123456}`, `{"manufacturer_id":"1234567890123456","name":"A"}`},
		{"text", `{"name":"A","manufacturer_id":"M3f1c"}`, `{"manufacturer_id":"M3f1c","name":"A"}`},
		{"negative text", `{"name":"A","manufacturer_id":"-1"}`, `{"manufacturer_id":"-1","name":"A"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t)

			res := do(t, s, call{method: "POST", path: "/manufacturers", json: tc.sent})
			require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
			assert.JSONEq(t, tc.want, string(res.body))
		})
	}
}

func TestManufacturersList(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	var ms []Manufacturer
	for i := 1; i <= 30; i++ {
		ms = append(ms, Manufacturer{ID: fmt.Sprint(i), Name: fmt.Sprintf("M%d", i)})
	}
	require.NoError(t, s.AddManufacturers(ms...))

	var page []wireManufacturer
	do(t, s, call{method: "GET", path: "/manufacturers"}).decode(t, &page)
	require.Len(t, page, 25)
	assert.Equal(t, wireID("1"), page[0].ID)

	do(t, s, call{method: "GET", path: "/manufacturers?page=2&limit=20"}).decode(t, &page)
	require.Len(t, page, 10)
	assert.Equal(t, wireID("21"), page[0].ID)

	res := do(t, s, call{method: "GET", path: "/manufacturers?page=9"})
	assert.Equal(t, "[]\n", string(res.body))

	do(t, s, call{method: "GET", path: "/manufacturers?limit=1000"}).decode(t, &page)
	assert.Len(t, page, 30)
}

func TestManufacturerConflict(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	res := do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"manufacturer_id": {"1"}, "name": {"Other"}}})
	require.Equal(t, http.StatusConflict, res.status)
	e := res.errorBody(t)
	assert.Equal(t, "conflict", e.Error)
	assert.Equal(t, 409, e.Status)
	assert.Contains(t, e.Message, `"1"`)
}

func TestProductsCreateAndGet(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	res := do(t, s, call{method: "POST", path: "/products", form: url.Values{"name": {"Nexus 5"}, "sku": {"sku3456"}, "manufacturer_id": {"Mgoogle"}}})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var p wireProduct
	res.decode(t, &p)
	assert.Equal(t, "sku3456", p.SKU)
	assert.Equal(t, "Nexus 5", p.Name)
	assert.Equal(t, wireManufacturer{ID: "Mgoogle", Name: "Google"}, p.Manufacturer)
	assert.Regexp(t, `^P[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, p.Barcode)

	res = do(t, s, call{method: "GET", path: "/products/barcode/" + p.Barcode})
	require.Equal(t, http.StatusOK, res.status)
	var byBarcode wireProduct
	res.decode(t, &byBarcode)
	assert.Equal(t, p, byBarcode)

	res = do(t, s, call{method: "GET", path: "/products/sku/" + url.PathEscape("AB/12 x%")})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var bySKU wireProduct
	res.decode(t, &bySKU)
	assert.Equal(t, "AB/12 x%", bySKU.SKU)

	res = do(t, s, call{method: "GET", path: "/products/sku/AB%2F1"})
	require.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, `no product with sku "AB/1"`, res.errorBody(t).Message)
}

func TestProductsCreateErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	cases := []struct {
		name    string
		form    url.Values
		status  int
		message string
	}{
		{"missing name", url.Values{"sku": {"x"}, "manufacturer_id": {"1"}}, 400, "missing required field name"},
		{"missing manufacturer", url.Values{"sku": {"x"}, "name": {"n"}}, 400, "missing required field manufacturer_id"},
		{"unknown manufacturer", url.Values{"sku": {"x"}, "name": {"n"}, "manufacturer_id": {"99"}}, 400, `"99"`},
		{"sku exists", url.Values{"sku": {"sku1234"}, "name": {"n"}, "manufacturer_id": {"1"}}, 409, `"sku1234"`},
		{"sku too long", url.Values{"sku": {strings.Repeat("s", 65)}, "name": {"n"}, "manufacturer_id": {"1"}}, 400, "65 characters"},
		{"name too long", url.Values{"sku": {"x"}, "name": {strings.Repeat("é", 201)}, "manufacturer_id": {"1"}}, 400, "201 characters"},
		{"empty name", url.Values{"sku": {"x"}, "name": {""}, "manufacturer_id": {"1"}}, 400, "name must not be empty"},
		{"leading space", url.Values{"sku": {" x"}, "name": {"n"}, "manufacturer_id": {"1"}}, 400, "leading or trailing space"},
		{"trailing space", url.Values{"sku": {"x"}, "name": {"n "}, "manufacturer_id": {"1"}}, 400, "leading or trailing space"},
		{"control character", url.Values{"sku": {"x\x01"}, "name": {"n"}, "manufacturer_id": {"1"}}, 400, "control character U+0001"},
		{"invalid UTF-8", url.Values{"sku": {"x\xff"}, "name": {"n"}, "manufacturer_id": {"1"}}, 400, "not valid UTF-8"},
		{"duplicate field", url.Values{"sku": {"x", "y"}, "name": {"n"}, "manufacturer_id": {"1"}}, 400, `duplicate field "sku"`},
		{"unknown field", url.Values{"sku": {"x"}, "name": {"n"}, "manufacturer_id": {"1"}, "color": {"red"}}, 400, `unknown field "color"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "POST", path: "/products", form: tc.form})
			require.Equal(t, tc.status, res.status, "%s", res.body)
			assert.Contains(t, res.errorBody(t).Message, tc.message)
		})
	}
}

func TestProductsList(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	var page []wireProduct
	do(t, s, call{method: "GET", path: "/products"}).decode(t, &page)
	require.Len(t, page, 3)
	assert.Equal(t, "sku1234", page[0].SKU)
	assert.Equal(t, "AB/12 x%", page[2].SKU)

	do(t, s, call{method: "GET", path: "/products?manufacturer_id=1&count=1&page=2"}).decode(t, &page)
	require.Len(t, page, 1)
	assert.Equal(t, "sku2345", page[0].SKU)

	res := do(t, s, call{method: "GET", path: "/products?manufacturer_id=404"})
	assert.Equal(t, "[]\n", string(res.body))

	res = do(t, s, call{method: "GET", path: "/products?count=51"})
	require.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, `count "51" is out of range; it must be 1 to 50`, res.errorBody(t).Message)
}

func TestProductBarcodeNotFound(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	p, found := s.defaultAccount().Product("sku1234")
	require.True(t, found)

	for _, barcode := range []string{"Pnot-a-uuid", strings.ToUpper(p.Barcode[:1]) + strings.ToUpper(p.Barcode[1:]), "I" + p.Barcode[1:]} {
		res := do(t, s, call{method: "GET", path: "/products/barcode/" + barcode})
		assert.Equal(t, http.StatusNotFound, res.status, barcode)
	}
}

func TestInventoryCreate(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	res := do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"sku1234"}, "quantity": {"3"}}})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)

	var items []wireItem
	res.decode(t, &items)
	require.Len(t, items, 3)
	for _, it := range items {
		assert.Equal(t, "INVENTORIED", it.State)
		assert.Equal(t, startTime().Unix(), it.DateCreated)
		assert.Equal(t, startTime().Unix(), it.DateModified)
		assert.Equal(t, wireItemProduct{SKU: "sku1234", Name: "iPhone 5s", Manufacturer: wireManufacturer{ID: "1", Name: "Apple"}}, it.Product)
		assert.Regexp(t, `^I[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, it.Barcode)
	}

	// Listing runs newest first, so the three come back reversed.
	var listed []wireItem
	do(t, s, call{method: "GET", path: "/inventory"}).decode(t, &listed)
	require.Len(t, listed, 3)
	assert.Equal(t, items[2].Barcode, listed[0].Barcode)
	assert.Equal(t, items[0].Barcode, listed[2].Barcode)

	assert.NotContains(t, string(res.body), `"barcode":"P`, "nested product carries no barcode")
}

func TestInventoryCreateErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithMaxQuantity(10))
	seedCatalog(t, s)

	cases := []struct {
		name    string
		form    url.Values
		message string
	}{
		{"quantity not a number", url.Values{"sku": {"sku1234"}, "quantity": {"abc"}}, `quantity "abc" is not a whole number`},
		{"quantity zero", url.Values{"sku": {"sku1234"}, "quantity": {"0"}}, `quantity "0" is out of range; it must be 1 to 10`},
		{"quantity over maximum", url.Values{"sku": {"sku1234"}, "quantity": {"11"}}, `quantity "11" is out of range`},
		{"quantity huge", url.Values{"sku": {"sku1234"}, "quantity": {"99999999999999999999"}}, `out of range`},
		{"quantity missing", url.Values{"sku": {"sku1234"}}, "missing required field quantity"},
		{"sku missing", url.Values{"quantity": {"1"}}, "missing required field sku"},
		{"sku unknown", url.Values{"sku": {"nope"}, "quantity": {"1"}}, `no product with sku "nope"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "POST", path: "/inventory", form: tc.form})
			require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
			e := res.errorBody(t)
			assert.Equal(t, "invalid_request", e.Error)
			assert.Contains(t, e.Message, tc.message)
		})
	}
}

func TestInventoryUpdate(t *testing.T) {
	t.Parallel()
	s, clock := newTestServer(t)
	seedCatalog(t, s)
	require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku1234"}))
	barcode := s.Snapshot().Inventory[0].Barcode

	clock.Advance(time.Hour)
	res := do(t, s, call{method: "PUT", path: "/inventory/" + barcode, form: url.Values{"state": {"PACKED"}}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var updated []wireItem
	res.decode(t, &updated)
	require.Len(t, updated, 1)
	assert.Equal(t, "PACKED", updated[0].State)
	assert.Equal(t, startTime().Unix(), updated[0].DateCreated)
	assert.Equal(t, startTime().Unix()+3600, updated[0].DateModified)

	// Setting the same state again changes nothing.
	clock.Advance(time.Hour)
	do(t, s, call{method: "PUT", path: "/inventory/" + barcode, json: `{"state":"PACKED"}`}).decode(t, &updated)
	assert.Equal(t, startTime().Unix()+3600, updated[0].DateModified)

	res = do(t, s, call{method: "PUT", path: "/inventory/" + barcode, form: url.Values{"state": {"LOST"}}})
	require.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, `unknown state "LOST"; known states: INVENTORIED, PACKED, SHIPPED`, res.errorBody(t).Message)

	res = do(t, s, call{method: "PUT", path: "/inventory/I00000000-0000-4000-8000-000000000000", form: url.Values{"state": {"PACKED"}}})
	require.Equal(t, http.StatusNotFound, res.status)
	assert.Contains(t, res.errorBody(t).Message, "I00000000-0000-4000-8000-000000000000")

	res = do(t, s, call{method: "GET", path: "/inventory/" + barcode})
	require.Equal(t, http.StatusOK, res.status)
	var got wireItem
	res.decode(t, &got)
	assert.Equal(t, "PACKED", got.State)
}

func TestInventoryListFilters(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	// 60 items alternating SKUs, every third PACKED.
	var items []InventoryItem
	for i := range 60 {
		it := InventoryItem{SKU: "sku1234", DateCreated: startTime().Add(timeSeconds(i))}
		if i%2 == 1 {
			it.SKU = "sku2345"
		}
		if i%3 == 0 {
			it.State = "PACKED"
		}
		items = append(items, it)
	}
	require.NoError(t, s.AddInventory(items...))
	snapshot := s.Snapshot().Inventory

	cases := []struct {
		query string
		match func(i int) bool
	}{
		{"", func(int) bool { return true }},
		{"state=PACKED", func(i int) bool { return i%3 == 0 }},
		{"sku=sku2345", func(i int) bool { return i%2 == 1 }},
		{"sku=sku2345&state=PACKED", func(i int) bool { return i%2 == 1 && i%3 == 0 }},
		{"state=SHIPPED", func(int) bool { return false }},
		{"sku=unknown", func(int) bool { return false }},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()

			var want []string
			for i := len(snapshot) - 1; i >= 0; i-- {
				if tc.match(i) {
					want = append(want, snapshot[i].Barcode)
				}
			}

			var got []string
			for page := 1; ; page++ {
				var items []wireItem
				res := do(t, s, call{method: "GET", path: fmt.Sprintf("/inventory?count=7&page=%d&%s", page, tc.query)})
				require.Equal(t, http.StatusOK, res.status, "%s", res.body)
				res.decode(t, &items)
				for _, it := range items {
					got = append(got, it.Barcode)
				}
				if len(items) < 7 {
					break
				}
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	cases := []struct {
		path    string
		message string
	}{
		{"/inventory?page=0", `page "0" is out of range`},
		{"/inventory?page=abc", `page "abc" is not a whole number`},
		{"/inventory?count=51", `count "51" is out of range; it must be 1 to 50`},
		{"/inventory?count=0", `count "0" is out of range`},
		{"/inventory?state=LOST", `unknown state "LOST"`},
		{"/inventory?limit=5", `unknown query parameter "limit"; this endpoint takes state, sku, page, count`},
		{"/manufacturers?count=5", `unknown query parameter "count"; this endpoint takes page, limit`},
		{"/manufacturers?limit=1001", `limit "1001" is out of range; it must be 1 to 1000`},
		{"/inventory?page=1&page=2", `duplicate query parameter "page"`},
		{"/inventory?page=%zz", "invalid query string"},
		{"/inventory?sku=%20x", "leading or trailing space"},
		{"/inventory?sku=", `sku must not be empty`},
		{"/products?manufacturer_id=", `manufacturer_id must not be empty`},
		{"/inventory/Iabc?x=1", `unknown query parameter "x"; this endpoint takes none`},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()

			res := do(t, s, call{method: "GET", path: tc.path})
			require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
			assert.Contains(t, res.errorBody(t).Message, tc.message)
		})
	}
}

func TestHugePage(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	res := do(t, s, call{method: "GET", path: "/products?page=9223372036854775807&count=50"})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Equal(t, "[]\n", string(res.body))
}

func TestAccountsIsolated(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithAPIKeys("key_a", "key_b"))
	require.NoError(t, s.Account("key_a").Seed(&Fixtures{
		Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []Product{{SKU: "s", Name: "n", ManufacturerID: "1"}},
		Inventory:     []InventoryItem{{SKU: "s"}},
	}))
	barcode := s.Account("key_a").Snapshot().Inventory[0].Barcode

	assert.Equal(t, http.StatusOK, do(t, s, call{method: "GET", path: "/inventory/" + barcode, key: "key_a"}).status)
	assert.Equal(t, http.StatusNotFound, do(t, s, call{method: "GET", path: "/inventory/" + barcode, key: "key_b"}).status)
	assert.Equal(t, http.StatusNotFound, do(t, s, call{method: "GET", path: "/manufacturers/1", key: "key_b"}).status)
	assert.Equal(t, "[]\n", string(do(t, s, call{method: "GET", path: "/products", key: "key_b"}).body))
	assert.Equal(t, "key_a", s.APIKey)
	assert.Panics(t, func() { s.Account("key_c") })
}
