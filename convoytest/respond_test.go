package convoytest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEncodeBodyItemsMatchEncoder(t *testing.T) {
	t.Parallel()

	item := func(state, sku, name, id, maker string) wireItem {
		return wireItem{
			State:        state,
			Barcode:      "I2f1c1a0e-8a6b-4c2d-9e0f-1a2b3c4d5e6f",
			DateCreated:  1700000000,
			DateModified: -1,
			Product: wireItemProduct{
				SKU:          sku,
				Name:         name,
				Manufacturer: wireManufacturer{ID: wireID(id), Name: maker},
			},
		}
	}

	tests := []struct {
		name  string
		items []wireItem
	}{
		{"empty", []wireItem{}},
		{"plain", []wireItem{item("INVENTORIED", "sku1", "iPhone 5s", "1", "Apple"), item("PACKED", "sku2", "Nexus", "2", "Google")}},
		{"string ID", []wireItem{item("PACKED", "sku1", "p", "M3f1c", "Apple")}},
		{"leading zero ID", []wireItem{item("PACKED", "sku1", "p", "007", "Apple")}},
		{"long numeric ID", []wireItem{item("PACKED", "sku1", "p", "1234567890123456", "Apple")}},
		{"quote and backslash", []wireItem{item("PACKED", `AB"1\2`, `say "hi"`, `M"\`, `a\b`)}},
		{"HTML characters", []wireItem{item("PACKED", "<a&b>", "x<y", "M<&>", "&")}},
		{"non-ASCII", []wireItem{item("ÉTAT", "sku-ü", "café\u2028\u2029", "M日本", "Ünïcode")}},
		{"invalid UTF-8", []wireItem{item("PACKED", "sku\xff", "n\xc3", "1", "m")}},
		{"control character and DEL", []wireItem{item("PACKED", "a\x01b", "tab\there", "M\x7f", "n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tt.items); err != nil {
				t.Fatal(err)
			}

			var got bytes.Buffer
			encodeBody(&got, tt.items)
			assert.Equal(t, want.String(), got.String())
		})
	}
}

func TestEncodeBodyOtherTypesUseEncoder(t *testing.T) {
	t.Parallel()

	var got bytes.Buffer
	encodeBody(&got, wireError{Status: 404, Error: "not_found", Message: `no product with sku "<a>"`})
	assert.Equal(t, `{"status":404,"error":"not_found","message":"no product with sku \"<a>\""}`+"\n", got.String())
}
