package reliability_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getconvoy/convoy-go/convoytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	badKey         = "sk_bad_input_6b2e"
	seededBarcode  = "I8f14e45f-ceea-467f-a0e6-5bd12f0e4d7a"
	productBarcode = "P4d119947-271f-4c59-95e9-dea70b84b6d1"
	form           = "application/x-www-form-urlencoded"
	jsonType       = "application/json"
)

// badRequest is one malformed request and the error it must get.
type badRequest struct {
	name        string
	method      string
	target      string // path and query
	contentType string
	body        string
	header      http.Header // replaces the default Authorization when it sets one
	validBody   bool        // send the endpoint's valid body
	status      int
	message     string // a part of the message, naming the offending value
}

// errorCodes maps each status to the code of the error envelope.
var errorCodes = map[int]string{
	400: "invalid_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
	406: "not_acceptable", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
}

// protocolCases returns the malformed requests every endpoint rejects the
// same way: missing or malformed Authorization and an Accept without JSON.
func protocolCases() []badRequest {
	return []badRequest{
		{name: "no Authorization", header: http.Header{"Authorization": nil}, validBody: true, status: 401, message: `"Authorization: <API key>"`},
		{name: "Bearer scheme", header: http.Header{"Authorization": {"Bearer " + badKey}}, validBody: true, status: 401, message: "the Bearer scheme is not used"},
		{name: "unknown key", header: http.Header{"Authorization": {"sk_unknown"}}, validBody: true, status: 401, message: "invalid API key"},
		{name: "key with a suffix", header: http.Header{"Authorization": {badKey + "x"}}, validBody: true, status: 401, message: "invalid API key"},
		{name: "Accept HTML", header: http.Header{"Accept": {"text/html"}}, validBody: true, status: 406, message: `Accept "text/html"`},
	}
}

// bodyCases returns the malformed bodies every POST and PUT rejects.
func bodyCases(field string) []badRequest {
	return []badRequest{
		{name: "text body", contentType: "text/plain", body: field + "=x", status: 415, message: `"text/plain"`},
		{name: "Latin-1 charset", contentType: "application/x-www-form-urlencoded; charset=latin1", body: field + "=x", status: 415, message: `"latin1"`},
		{name: "body over 1 MiB", contentType: form, body: field + "=" + strings.Repeat("x", 1<<20), status: 413, message: "1048576 bytes"},
		{name: "JSON array", contentType: jsonType, body: `["x"]`, status: 400, message: "must be an object"},
		{name: "JSON bool", contentType: jsonType, body: `{"` + field + `":true}`, status: 400, message: `field "` + field + `" must be a JSON string or number`},
		{name: "unknown field", contentType: form, body: field + "=x&colour=red", status: 400, message: `unknown field "colour"`},
		{name: "duplicate field", contentType: form, body: field + "=x&" + field + "=y", status: 400, message: `duplicate field "` + field + `"`},
		{name: "duplicate JSON key", contentType: jsonType, body: `{"` + field + `":"x","` + field + `":"y"}`, status: 400, message: `duplicate field "` + field + `"`},
		{name: "query on a write", target: "?" + field + "=x", contentType: form, body: field + "=x", status: 400, message: `unknown query parameter "` + field + `"`},
		{name: "invalid form escape", contentType: form, body: field + "=%zz", status: 400, message: "invalid form body"},
	}
}

// pathCases returns the malformed path parameters every GET or PUT by ID
// rejects; prefix is the path up to the parameter.
func pathCases(prefix string) []badRequest {
	return []badRequest{
		{name: "control character", target: prefix + "a%01b", status: 400, message: `"a\x01b" contains the control character U+0001`},
		{name: "newline", target: prefix + "a%0Ab", status: 400, message: `"a\nb" contains the control character U+000A`},
		{name: "invalid UTF-8", target: prefix + "%FF%FE", status: 400, message: `"\xff\xfe" is not valid UTF-8`},
		{name: "leading space", target: prefix + "%20x", status: 400, message: `" x" has leading or trailing space`},
		{name: "trailing space", target: prefix + "x%20", status: 400, message: `"x " has leading or trailing space`},
		{name: "unknown query parameter", target: prefix + "x?page=2", status: 400, message: `unknown query parameter "page"; this endpoint takes none`},
	}
}

func listCases(path, size string, maxSize string) []badRequest {
	return []badRequest{
		{name: "page 0", target: path + "?page=0", status: 400, message: `page "0" is out of range`},
		{name: "negative page", target: path + "?page=-1", status: 400, message: `page "-1" is out of range`},
		{name: "page not a number", target: path + "?page=two", status: 400, message: `page "two" is not a whole number`},
		{name: "page fraction", target: path + "?page=1.5", status: 400, message: `page "1.5" is not a whole number`},
		{name: "huge page", target: path + "?page=99999999999999999999", status: 400, message: `page "99999999999999999999" is out of range`},
		{name: size + " 0", target: path + "?" + size + "=0", status: 400, message: size + ` "0" is out of range`},
		{name: size + " over max", target: path + "?" + size + "=" + maxSize, status: 400, message: size + ` "` + maxSize + `" is out of range`},
		{name: size + " exponent", target: path + "?" + size + "=1e1", status: 400, message: size + ` "1e1" is not a whole number`},
		{name: "duplicate page", target: path + "?page=1&page=2", status: 400, message: `duplicate query parameter "page"`},
		{name: "invalid escape", target: path + "?page=%zz", status: 400, message: "invalid query string"},
		{name: "page with space", target: path + "?page=%201", status: 400, message: `page " 1" has leading or trailing space`},
	}
}

func endpointCases() map[string][]badRequest {
	long65 := strings.Repeat("s", 65)
	long201 := strings.Repeat("n", 201)
	return map[string][]badRequest{
		"GET /manufacturers": append(listCases("/manufacturers", "limit", "1001"),
			badRequest{name: "count instead of limit", target: "/manufacturers?count=5", status: 400, message: `unknown query parameter "count"; this endpoint takes page, limit`},
			badRequest{name: "DELETE", method: "DELETE", target: "/manufacturers", status: 405, message: "method DELETE is not allowed"},
		),
		"GET /manufacturers/{id}": append(pathCases("/manufacturers/"),
			badRequest{name: "missing", target: "/manufacturers/404", status: 404, message: `no manufacturer with id "404"`},
			badRequest{name: "65 characters", target: "/manufacturers/" + long65, status: 404, message: `no manufacturer with id "` + long65 + `"`},
			badRequest{name: "PUT", method: "PUT", target: "/manufacturers/1", status: 405, message: "method PUT is not allowed"},
		),
		"POST /manufacturers": append(bodyCases("name"),
			badRequest{name: "missing name", contentType: form, body: "manufacturer_id=9", status: 400, message: "missing required field name"},
			badRequest{name: "empty name", contentType: form, body: "name=", status: 400, message: "name must not be empty"},
			badRequest{name: "201-character name", contentType: form, body: "name=" + long201, status: 400, message: "is 201 characters long; the limit is 1 to 200"},
			badRequest{name: "name with tab", contentType: form, body: "name=a%09b", status: 400, message: `name "a\tb" contains the control character U+0009`},
			badRequest{name: "name invalid UTF-8", contentType: form, body: "name=%C3%28", status: 400, message: `name "\xc3(" is not valid UTF-8`},
			badRequest{name: "JSON invalid UTF-8", contentType: jsonType, body: "{\"name\":\"\xc3\x28\"}", status: 400, message: "JSON body is not valid UTF-8"},
			badRequest{name: "65-character ID", contentType: form, body: "name=A&manufacturer_id=" + long65, status: 400, message: `manufacturer_id "` + long65 + `" is 65 characters long; the limit is 1 to 64`},
			badRequest{name: "negative JSON ID", contentType: jsonType, body: `{"name":"A","manufacturer_id":-1}`, status: 400, message: `field "manufacturer_id": JSON number -1`},
			badRequest{name: "existing ID", contentType: form, body: "name=A&manufacturer_id=1", status: 409, message: `manufacturer_id "1" already exists`},
			badRequest{name: "ID with space", contentType: form, body: "name=A&manufacturer_id=1+", status: 400, message: `manufacturer_id "1 " has leading or trailing space`},
		),
		"GET /products": append(listCases("/products", "count", "51"),
			badRequest{name: "limit instead of count", target: "/products?limit=5", status: 400, message: `unknown query parameter "limit"; this endpoint takes page, count, manufacturer_id`},
			badRequest{name: "manufacturer with newline", target: "/products?manufacturer_id=1%0A", status: 400, message: `manufacturer_id "1\n" contains the control character U+000A`},
		),
		"GET /products/sku/{sku}": append(pathCases("/products/sku/"),
			badRequest{name: "missing", target: "/products/sku/AB%2F1", status: 404, message: `no product with sku "AB/1"`},
			badRequest{name: "65 characters", target: "/products/sku/" + long65, status: 404, message: `no product with sku "` + long65 + `"`},
			badRequest{name: "POST", method: "POST", target: "/products/sku/sku1234", status: 405, message: "method POST is not allowed"},
		),
		"GET /products/barcode/{barcode}": append(pathCases("/products/barcode/"),
			badRequest{name: "not a barcode", target: "/products/barcode/12345", status: 404, message: `no product with barcode "12345"`},
			badRequest{name: "item barcode", target: "/products/barcode/" + seededBarcode, status: 404, message: `no product with barcode "` + seededBarcode + `"`},
			badRequest{name: "missing", target: "/products/barcode/P00000000-0000-4000-8000-000000000000", status: 404, message: `no product with barcode "P00000000-0000-4000-8000-000000000000"`},
		),
		"POST /products": append(bodyCases("name"),
			badRequest{name: "missing SKU", contentType: form, body: "name=n&manufacturer_id=1", status: 400, message: "missing required field sku"},
			badRequest{name: "missing manufacturer", contentType: form, body: "name=n&sku=s", status: 400, message: "missing required field manufacturer_id"},
			badRequest{name: "65-character SKU", contentType: form, body: "name=n&manufacturer_id=1&sku=" + long65, status: 400, message: `sku "` + long65 + `" is 65 characters long; the limit is 1 to 64`},
			badRequest{name: "SKU with NUL", contentType: jsonType, body: `{"name":"n","manufacturer_id":1,"sku":"a\u0000"}`, status: 400, message: `sku "a\x00" contains the control character U+0000`},
			badRequest{name: "SKU with DEL", contentType: form, body: "name=n&manufacturer_id=1&sku=a%7F", status: 400, message: `sku "a\x7f" contains the control character U+007F`},
			badRequest{name: "unknown manufacturer", contentType: form, body: "name=n&manufacturer_id=M404&sku=s", status: 400, message: `no manufacturer with manufacturer_id "M404"`},
			badRequest{name: "existing SKU", contentType: form, body: "name=n&manufacturer_id=1&sku=sku1234", status: 409, message: `a product with sku "sku1234" already exists`},
			badRequest{name: "201-character name", contentType: form, body: "manufacturer_id=1&sku=s&name=" + long201, status: 400, message: "is 201 characters long"},
		),
		"GET /inventory": append(listCases("/inventory", "count", "51"),
			badRequest{name: "unknown state", target: "/inventory?state=LOST", status: 400, message: `unknown state "LOST"; known states: INVENTORIED, PACKED, SHIPPED`},
			badRequest{name: "lowercase state", target: "/inventory?state=packed", status: 400, message: `unknown state "packed"`},
			badRequest{name: "duplicate state", target: "/inventory?state=PACKED&state=SHIPPED", status: 400, message: `duplicate query parameter "state"`},
			badRequest{name: "SKU with newline", target: "/inventory?sku=a%0Ab", status: 400, message: `sku "a\nb" contains the control character U+000A`},
		),
		"GET /inventory/{barcode}": append(pathCases("/inventory/"),
			badRequest{name: "not a barcode", target: "/inventory/xyz", status: 404, message: `no inventory item with barcode "xyz"`},
			badRequest{name: "product barcode", target: "/inventory/" + productBarcode, status: 404, message: `no inventory item with barcode "` + productBarcode + `"`},
			badRequest{name: "uppercase UUID", target: "/inventory/" + strings.ToUpper(seededBarcode), status: 404, message: `no inventory item with barcode "` + strings.ToUpper(seededBarcode) + `"`},
		),
		"POST /inventory": append(bodyCases("sku"),
			badRequest{name: "missing quantity", contentType: form, body: "sku=sku1234", status: 400, message: "missing required field quantity"},
			badRequest{name: "missing SKU", contentType: form, body: "quantity=1", status: 400, message: "missing required field sku"},
			badRequest{name: "quantity 0", contentType: form, body: "sku=sku1234&quantity=0", status: 400, message: `quantity "0" is out of range; it must be 1 to 1000`},
			badRequest{name: "quantity 1001", contentType: form, body: "sku=sku1234&quantity=1001", status: 400, message: `quantity "1001" is out of range; it must be 1 to 1000`},
			badRequest{name: "negative quantity", contentType: form, body: "sku=sku1234&quantity=-5", status: 400, message: `quantity "-5" is out of range`},
			badRequest{name: "quantity not a number", contentType: form, body: "sku=sku1234&quantity=abc", status: 400, message: `quantity "abc" is not a whole number`},
			badRequest{name: "huge quantity", contentType: form, body: "sku=sku1234&quantity=99999999999999999999", status: 400, message: `quantity "99999999999999999999" is out of range`},
			badRequest{name: "JSON fraction", contentType: jsonType, body: `{"sku":"sku1234","quantity":1.5}`, status: 400, message: `field "quantity": JSON number 1.5`},
			badRequest{name: "unknown SKU", contentType: form, body: "sku=nope&quantity=1", status: 400, message: `no product with sku "nope"`},
			badRequest{name: "65-character SKU", contentType: form, body: "quantity=1&sku=" + long65, status: 400, message: `sku "` + long65 + `" is 65 characters long`},
		),
		"PUT /inventory/{barcode}": append(bodyCases("state"),
			badRequest{name: "missing state", contentType: form, body: "", status: 400, message: "missing required field state"},
			badRequest{name: "unknown state", contentType: form, body: "state=LOST", status: 400, message: `unknown state "LOST"`},
			badRequest{name: "lowercase state", contentType: jsonType, body: `{"state":"packed"}`, status: 400, message: `unknown state "packed"`},
			badRequest{name: "state with CR", contentType: form, body: "state=PACKED%0D", status: 400, message: `state "PACKED\r" contains the control character U+000D`},
			badRequest{name: "missing item", target: "/inventory/I00000000-0000-4000-8000-000000000000", contentType: form, body: "state=PACKED", status: 404, message: `no inventory item with barcode "I00000000-0000-4000-8000-000000000000"`},
			badRequest{name: "barcode with control character", target: "/inventory/I%01", contentType: form, body: "state=PACKED", status: 400, message: `"I\x01" contains the control character U+0001`},
		),
	}
}

// TestBadInput sends at least ten malformed requests to every endpoint
// and checks the status, the error envelope, a message naming the
// offending value, and that nothing changed.
func TestBadInput(t *testing.T) {
	t.Parallel()
	defaults := map[string]struct{ method, target, contentType, body string }{
		"GET /manufacturers":              {"GET", "/manufacturers", "", ""},
		"GET /manufacturers/{id}":         {"GET", "/manufacturers/1", "", ""},
		"POST /manufacturers":             {"POST", "/manufacturers", form, "name=A"},
		"GET /products":                   {"GET", "/products", "", ""},
		"GET /products/sku/{sku}":         {"GET", "/products/sku/sku1234", "", ""},
		"GET /products/barcode/{barcode}": {"GET", "/products/barcode/" + productBarcode, "", ""},
		"POST /products":                  {"POST", "/products", form, "name=n&sku=s&manufacturer_id=1"},
		"GET /inventory":                  {"GET", "/inventory", "", ""},
		"GET /inventory/{barcode}":        {"GET", "/inventory/" + seededBarcode, "", ""},
		"POST /inventory":                 {"POST", "/inventory", form, "sku=sku1234&quantity=1"},
		"PUT /inventory/{barcode}":        {"PUT", "/inventory/" + seededBarcode, form, "state=PACKED"},
	}
	cases := endpointCases()
	require.Len(t, cases, len(defaults))

	for endpoint, list := range cases {
		d := defaults[endpoint]
		list = append(list, protocolCases()...)
		t.Run(endpoint, func(t *testing.T) {
			t.Parallel()
			assert.GreaterOrEqual(t, len(list), 10, "cases")
			server := newBadInputServer(t)
			before := server.Snapshot()

			for _, tc := range list {
				req := tc
				if req.method == "" {
					req.method = d.method
				}
				switch {
				case req.target == "":
					req.target = d.target
				case strings.HasPrefix(req.target, "?"):
					req.target = d.target + req.target
				}
				if req.validBody {
					req.contentType, req.body = d.contentType, d.body
				}
				checkBadRequest(t, server, req)
			}
			assert.Equal(t, before, server.Snapshot(), "a rejected request changed the data")
		})
	}
}

func newBadInputServer(t *testing.T) *convoytest.Server {
	t.Helper()
	server := convoytest.NewServer(t, convoytest.WithAPIKeys(badKey), convoytest.WithSeed(11))
	require.NoError(t, server.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "sku1234", Barcode: productBarcode, Name: "iPhone", ManufacturerID: "1"}},
		Inventory:     []convoytest.InventoryItem{{SKU: "sku1234", Barcode: seededBarcode}},
	}))
	return server
}

func checkBadRequest(t *testing.T, server *convoytest.Server, tc badRequest) {
	t.Helper()
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(tc.method, server.URL+tc.target, body)
	require.NoError(t, err, tc.name)
	req.Header.Set("Authorization", badKey)
	if tc.contentType != "" {
		req.Header.Set("Content-Type", tc.contentType)
	}
	for name, values := range tc.header {
		req.Header[name] = values
	}

	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, tc.name)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err, tc.name)

	var envelope struct {
		Status  int    `json:"status"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal(raw, &envelope), "%s: body %q", tc.name, raw)
	assert.Equal(t, tc.status, resp.StatusCode, "%s: %s", tc.name, raw)
	assert.Equal(t, resp.StatusCode, envelope.Status, "%s: envelope status", tc.name)
	assert.Equal(t, errorCodes[resp.StatusCode], envelope.Error, "%s: envelope code", tc.name)
	assert.Contains(t, envelope.Message, tc.message, tc.name)
	assert.NotContains(t, envelope.Message, badKey, "%s: message repeats the key", tc.name)
	if resp.StatusCode == http.StatusMethodNotAllowed {
		assert.NotEmpty(t, resp.Header.Get("Allow"), "%s: Allow header", tc.name)
	}
}
