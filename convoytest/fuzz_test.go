package convoytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"", "page=2&count=50", "page=0", "count=51", "page=%zz", "state=PACKED&sku=AB%2F1",
		"page=1&page=2", "limit=1000", "page=9223372036854775808", "sku=%20x", "a;b", "count=-1",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		fields, _, apiErr := parseQuery(raw, "page", "count", "state", "sku")
		if apiErr != nil {
			if apiErr.status != http.StatusBadRequest || apiErr.message == "" {
				t.Fatalf("parseQuery(%q) = %d %q", raw, apiErr.status, apiErr.message)
			}
			return
		}

		offset, count, apiErr := pageParams(fields, "count", maxCount)
		if apiErr != nil {
			return
		}
		if offset < 0 || count < 1 || count > maxCount {
			t.Fatalf("pageParams(%q) = %d, %d", raw, offset, count)
		}
	})
}

func FuzzBody(f *testing.F) {
	for _, seed := range []struct{ contentType, body string }{
		{"application/x-www-form-urlencoded", "sku=sku1234&quantity=20"},
		{"application/x-www-form-urlencoded", "name=a&name=b"},
		{"application/json", `{"name":"Amazon","manufacturer_id":3}`},
		{"application/json", `{"name":"A","name":"B"}`},
		{"application/json", `{"x":[1,{"y":null}]}`},
		{"application/json; charset=utf-8", `{"manufacturer_id":1e5}`},
		{"text/plain", "hello"},
		{"", ""},
	} {
		f.Add(seed.contentType, seed.body)
	}

	f.Fuzz(func(t *testing.T, contentType, body string) {
		values, apiErr := decodeBody(contentType, []byte(body))
		if apiErr != nil {
			if apiErr.status != http.StatusBadRequest && apiErr.status != http.StatusUnsupportedMediaType {
				t.Fatalf("decodeBody(%q, %q) status %d", contentType, body, apiErr.status)
			}
			return
		}

		if _, apiErr := newFields(values, "field", []string{"name", "sku", "manufacturer_id", "quantity", "state"}); apiErr != nil && apiErr.status != http.StatusBadRequest {
			t.Fatalf("newFields status %d", apiErr.status)
		}
	})
}

// FuzzHandler sends arbitrary requests through the whole handler: no
// input may panic or get a 5xx, and every response is JSON.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct{ method, target, contentType, body string }{
		{"GET", "/inventory?state=PACKED&page=2", "", ""},
		{"POST", "/inventory", "application/x-www-form-urlencoded", "sku=sku1234&quantity=3"},
		{"POST", "/products", "application/json", `{"name":"n","sku":"AB/1","manufacturer_id":1}`},
		{"POST", "/manufacturers", "application/json", `{"name":"A"}`},
		{"PUT", "/inventory/I00000000-0000-4000-8000-000000000000", "application/x-www-form-urlencoded", "state=PACKED"},
		{"GET", "/products/sku/AB%2F12%20x%25", "", ""},
		{"GET", "/products/barcode/Pzz", "", ""},
		{"DELETE", "/manufacturers/1", "", ""},
		{"GET", "/nowhere/%zz", "", ""},
	} {
		f.Add(seed.method, seed.target, seed.contentType, seed.body)
	}

	s := New(WithSeed(1), WithClock(NewFakeClock(startTime())), WithMaxQuantity(5))
	if err := s.Seed(&Fixtures{
		Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []Product{{SKU: "sku1234", Name: "iPhone", ManufacturerID: "1"}},
		Inventory:     []InventoryItem{{SKU: "sku1234", Quantity: 3}},
	}); err != nil {
		f.Fatal(err)
	}
	handler := s.Handler()

	f.Fuzz(func(t *testing.T, method, target, contentType, body string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, adminPrefix) {
			return
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			return
		}

		req := &http.Request{
			Method:     method,
			URL:        u,
			RequestURI: target,
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     http.Header{"Authorization": {s.APIKey}, "Content-Type": {contentType}},
			Body:       http.NoBody,
			RemoteAddr: "127.0.0.1:1234",
		}
		if body != "" {
			req.Body = httptestBody(body)
			req.ContentLength = int64(len(body))
		}

		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: body is not JSON: %q", method, target, rec.Body)
		}
	})
}
