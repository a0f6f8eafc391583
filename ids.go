package convoy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// ManufacturerID identifies a manufacturer. The API sends it either as a
// JSON number (1) or as a JSON string ("M3f1c..."). A ManufacturerID keeps
// its form and its exact text, so numbers of any size survive decoding and
// re-encoding unchanged.
//
// The server identifies a manufacturer by the ID's text alone and picks
// the form it writes back. An ID made only of decimal digits, without a
// leading zero and at most 15 digits long, comes back as a number, so
// creating StringID("42") returns NumericID(42). Compare IDs with Equal,
// or key maps by String, because == and map keys also compare the form.
type ManufacturerID struct {
	text    string
	numeric bool
}

// NumericID returns the ID the API writes as the JSON number n.
func NumericID(n int64) ManufacturerID {
	return ManufacturerID{text: strconv.FormatInt(n, 10), numeric: true}
}

// StringID returns the ID the API writes as the JSON string s.
func StringID(s string) ManufacturerID {
	return ManufacturerID{text: s}
}

// String returns the ID's text, such as "1" or "M3f1c...", as it appears in
// URLs and form fields.
func (id ManufacturerID) String() string {
	return id.text
}

// IsNumeric reports whether the ID is a JSON number.
func (id ManufacturerID) IsNumeric() bool {
	return id.numeric
}

// Equal reports whether id and other name the same manufacturer: whether
// their text is the same, whatever their form.
func (id ManufacturerID) Equal(other ManufacturerID) bool {
	return id.text == other.text
}

// IsZero reports whether the ID is unset.
func (id ManufacturerID) IsZero() bool {
	return id == ManufacturerID{}
}

// MarshalJSON writes a numeric ID as the number it was decoded from and any
// other ID as a JSON string. An unset ID is written as null.
func (id ManufacturerID) MarshalJSON() ([]byte, error) {
	if id.IsZero() {
		return []byte("null"), nil
	}
	if id.numeric {
		if !isJSONNumber(id.text) {
			return nil, fmt.Errorf("convoy: manufacturer ID %q is not a JSON number", id.text)
		}
		return []byte(id.text), nil
	}
	return json.Marshal(id.text)
}

// UnmarshalJSON reads a JSON number or string; null leaves the ID unset.
func (id *ManufacturerID) UnmarshalJSON(data []byte) error {
	switch {
	case string(data) == "null":
		*id = ManufacturerID{}
		return nil
	case isPlainJSONString(data):
		// Most IDs need no unescaping; skipping json.Unmarshal saves its
		// allocations on every product and inventory item decoded.
		*id = ManufacturerID{text: string(data[1 : len(data)-1])}
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("convoy: decode manufacturer ID: %w", err)
		}
		*id = ManufacturerID{text: s}
		return nil
	case isJSONNumber(string(data)):
		*id = ManufacturerID{text: string(data), numeric: true}
		return nil
	}
	return fmt.Errorf("convoy: decode manufacturer ID: want a JSON number or string, got %.40q", data)
}

// EncodeValues adds the ID's text to a query or form under key, and
// nothing for an unset ID. It implements go-querystring's Encoder.
func (id ManufacturerID) EncodeValues(key string, v *url.Values) error {
	if !id.IsZero() {
		v.Set(key, id.text)
	}
	return nil
}

// isJSONNumber reports whether s is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// isPlainJSONString reports whether data is a quoted JSON string without
// escapes, control characters or invalid UTF-8, so its text is the bytes
// between the quotes.
func isPlainJSONString(data []byte) bool {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return false
	}
	inner := data[1 : len(data)-1]
	for _, b := range inner {
		if b < 0x20 || b == '"' || b == '\\' {
			return false
		}
	}
	return utf8.Valid(inner)
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
