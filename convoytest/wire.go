package convoytest

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// The wire types are the JSON shapes of the API. They are the server's own
// and share nothing with the SDK, so a JSON tag mistake on either side
// shows up in tests that join the two.

// wireID is a manufacturer ID as stored: the text the caller sent. It is
// written as a JSON number when it is a canonical decimal of at most 15
// digits, which every JSON reader keeps exact, and as a string otherwise.
// It reads both forms.
type wireID string

const maxNumericIDDigits = 15

// isNumericID reports whether id is written back as a JSON number.
func isNumericID(id string) bool {
	if len(id) == 0 || len(id) > maxNumericIDDigits || !isDigits(id) {
		return false
	}

	return id == "0" || id[0] != '0'
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}

	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}

	return true
}

// MarshalJSON writes the ID as a number or a string.
func (id wireID) MarshalJSON() ([]byte, error) {
	if isNumericID(string(id)) {
		return []byte(id), nil
	}

	return json.Marshal(string(id))
}

// UnmarshalJSON reads a JSON string, or a JSON number as its digits.
func (id *wireID) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*id = wireID(s)
		return nil
	}

	if !isDigits(string(data)) {
		return fmt.Errorf("manufacturer_id %s is neither a string nor a whole number of 0 or more", data)
	}
	*id = wireID(data)

	return nil
}

type wireManufacturer struct {
	ID   wireID `json:"manufacturer_id"`
	Name string `json:"name"`
}

type wireProduct struct {
	SKU          string           `json:"sku"`
	Barcode      string           `json:"barcode"`
	Name         string           `json:"name"`
	Manufacturer wireManufacturer `json:"manufacturer"`
}

// wireItemProduct is the product inside an inventory item, which carries
// no barcode.
type wireItemProduct struct {
	SKU          string           `json:"sku"`
	Name         string           `json:"name"`
	Manufacturer wireManufacturer `json:"manufacturer"`
}

type wireItem struct {
	State        string          `json:"state"`
	Barcode      string          `json:"barcode"`
	DateCreated  int64           `json:"date_created"`
	DateModified int64           `json:"date_modified"`
	Product      wireItemProduct `json:"product"`
}

// wireError is the body of every error response.
type wireError struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// The converters below read the account's slices; the caller holds a.mu.

func (s *Server) wireManufacturer(a *account, m int32) wireManufacturer {
	return wireManufacturer{ID: wireID(a.manufacturers[m].id), Name: a.manufacturers[m].name}
}

func (s *Server) wireProduct(a *account, p int32) wireProduct {
	prod := &a.products[p]

	return wireProduct{
		SKU:          prod.sku,
		Barcode:      prod.barcode.barcode(productPrefix),
		Name:         prod.name,
		Manufacturer: s.wireManufacturer(a, prod.manufacturer),
	}
}

func (s *Server) wireItem(a *account, pos int32) wireItem {
	it := &a.items[pos]
	prod := &a.products[it.product]

	return wireItem{
		State:        s.cfg.states[it.state],
		Barcode:      it.barcode.barcode(itemPrefix),
		DateCreated:  it.created,
		DateModified: it.modified,
		Product: wireItemProduct{
			SKU:          prod.sku,
			Name:         prod.name,
			Manufacturer: s.wireManufacturer(a, prod.manufacturer),
		},
	}
}

func (s *Server) wireItems(a *account, positions []int32) []wireItem {
	out := make([]wireItem, 0, len(positions))
	for _, pos := range positions {
		out = append(out, s.wireItem(a, pos))
	}

	return out
}

func errorCode(status int) string {
	switch status {
	case 400:
		return "invalid_request"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "not_found"
	case 405:
		return "method_not_allowed"
	case 406:
		return "not_acceptable"
	case 409:
		return "conflict"
	case 413:
		return "payload_too_large"
	case 415:
		return "unsupported_media_type"
	case 429:
		return "rate_limited"
	case 500:
		return "internal_error"
	case 502:
		return "bad_gateway"
	case 503:
		return "service_unavailable"
	case 504:
		return "gateway_timeout"
	default:
		return "http_" + strconv.Itoa(status)
	}
}
