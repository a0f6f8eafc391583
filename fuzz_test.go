package convoy

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func FuzzDecodeManufacturerID(f *testing.F) {
	for _, seed := range []string{`1`, `-0.5e+10`, `123456789012345678901234567890`, `"M3f1c"`, `"a\"b\\u00fc"`, `null`, `"`, `01`, `true`, "\"\x00\""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var id ManufacturerID
		if id.UnmarshalJSON(data) != nil {
			return
		}
		out, err := json.Marshal(id)
		require.NoError(t, err)
		var again ManufacturerID
		require.NoError(t, json.Unmarshal(out, &again))
		assert.Equal(t, id, again)
	})
}

func FuzzDecodeInventoryItem(f *testing.F) {
	for _, seed := range []string{refInventoryGet, itemJSON, `{}`, `{"date_created":-1e3}`, `{"product":{"manufacturer":{"manufacturer_id":"x"}}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var item InventoryItem
		if json.Unmarshal(data, &item) != nil {
			return
		}
		assert.Equal(t, "UTC", item.DateCreated.Location().String())
		out, err := json.Marshal(item)
		if err != nil {
			return // a manufacturer ID decoded from a string may not re-encode as a number
		}
		var again InventoryItem
		require.NoError(t, json.Unmarshal(out, &again))
		assert.Equal(t, item, again)
	})
}

func FuzzDecodeUpdateResponse(f *testing.F) {
	for _, seed := range []string{refInventoryUpdate, refInventoryGet, `[]`, `[{},{}]`, ` [`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(_ *testing.T, data []byte) {
		var one oneInventoryItem
		_ = json.Unmarshal(data, &one)
	})
}

func FuzzDecodeLists(f *testing.F) {
	for _, seed := range []string{refManufacturerList, refProductList, refInventoryList, refInventoryCreate, `[]`, `[null]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(_ *testing.T, data []byte) {
		var manufacturers []Manufacturer
		_ = json.Unmarshal(data, &manufacturers)
		var products []Product
		_ = json.Unmarshal(data, &products)
		var items []inventoryItemJSON
		if json.Unmarshal(data, &items) == nil {
			_ = inventoryItems(items)
		}
	})
}

func FuzzErrorBody(f *testing.F) {
	seeds := []string{
		`{"status": 404, "error": "not_found", "message": "no product with sku \"AB/1\""}`,
		"<html><title>502 Bad Gateway</title></html>",
		"<html><body>down<",
		"<title>",
		"plain\x00text\xff",
		"",
		strings.Repeat("x", 1000),
	}
	for _, seed := range seeds {
		f.Add(500, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, data []byte) {
		code, message := parseErrorBody(status, data)
		for _, s := range []string{code, message} {
			assert.True(t, utf8.ValidString(s))
			assert.False(t, strings.ContainsFunc(s, unicode.IsControl), "%q", s)
		}
		assert.NotEmpty(t, message+code)
	})
}
