package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getconvoy/convoy-go/convoytest"
)

// barcodePattern is the format of generated barcodes: P for products or I for
// inventory items, then a lowercase version 4 UUID.
var barcodePattern = regexp.MustCompile(`^[PI][0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// sample returns the reference's JSON sample stored in testdata/name.json,
// decoded with json.Number so that numbers compare by their exact text. The
// reference elides the remaining items of one array with "...": that marker
// is removed, leaving the items it shows.
func sample(t *testing.T, name string) any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	require.NoError(t, err)
	raw = regexp.MustCompile(`,\s*\.\.\.\s*\]`).ReplaceAll(raw, []byte("\n]"))
	return decode(t, raw)
}

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "body: %s", raw)
	return v
}

// replayer sends requests the way the reference's Python samples do: the
// bare key in Authorization and form-encoded bodies.
type replayer struct {
	t      *testing.T
	server *convoytest.Server
}

func (r replayer) send(method, path string, form url.Values) (int, any) {
	r.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, r.server.URL+path, body)
	require.NoError(r.t, err)
	req.Header.Set("Authorization", r.server.APIKey)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(r.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(r.t, err)
	assert.Equal(r.t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), "%s %s", method, path)
	return resp.StatusCode, decode(r.t, raw)
}

// expect replays one request and compares its response with a sample.
func (r replayer) expect(method, path string, form url.Values, status int, want any) any {
	r.t.Helper()
	gotStatus, got := r.send(method, path, form)
	require.Equal(r.t, status, gotStatus, "%s %s returned %v", method, path, got)
	matchJSON(r.t, method+" "+path, want, got)
	return got
}

// matchJSON compares got with want key by key and type by type. Barcodes,
// which the server generates, are compared by format.
func matchJSON(t *testing.T, where string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !assert.Truef(t, ok, "%s: want an object, got %T (%v)", where, got, got) {
			return
		}
		assert.ElementsMatch(t, keys(w), keys(g), "%s: object keys", where)
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				matchValue(t, where+"."+k, k, wv, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !assert.Truef(t, ok, "%s: want an array, got %T (%v)", where, got, got) {
			return
		}
		if !assert.Lenf(t, g, len(w), "%s: array length", where) {
			return
		}
		for i := range w {
			matchJSON(t, fmt.Sprintf("%s[%d]", where, i), w[i], g[i])
		}
	default:
		assert.Equal(t, want, got, where)
	}
}

func matchValue(t *testing.T, where, key string, want, got any) {
	t.Helper()
	switch want.(type) {
	case map[string]any, []any:
		matchJSON(t, where, want, got)
		return
	}
	assert.IsTypef(t, want, got, "%s: JSON type", where)
	if key == "barcode" {
		w, _ := want.(string)
		g, _ := got.(string)
		assert.Regexp(t, barcodePattern, w, "%s: sample barcode format", where)
		assert.Regexp(t, barcodePattern, g, "%s: barcode format", where)
		assert.Equal(t, w[:1], g[:1], "%s: barcode prefix", where)
		return
	}
	assert.Equal(t, want, got, where)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func field(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.Truef(t, ok, "want an object at %q, got %T", p, v)
			v = m[p]
		case int:
			a, ok := v.([]any)
			require.Truef(t, ok, "want an array at %d, got %T", p, v)
			require.Greater(t, len(a), p)
			v = a[p]
		}
	}
	return v
}

func unix(seconds int64) time.Time { return time.Unix(seconds, 0).UTC() }

// TestReferenceReplay replays, in the reference's order, every request the
// reference shows. A fake clock set to the reference's timestamps makes the
// dates match exactly.
func TestReferenceReplay(t *testing.T) {
	clock := convoytest.NewFakeClock(unix(1470201567))
	server := convoytest.NewServer(t, convoytest.WithClock(clock))
	r := replayer{t: t, server: server}

	t.Run("authentication", func(t *testing.T) {
		r := replayer{t: t, server: server}
		status, _ := r.send(http.MethodGet, "/manufacturers", nil)
		assert.Equal(t, http.StatusOK, status)

		req, err := http.NewRequest(http.MethodGet, server.URL+"/manufacturers", nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})

	// Manufacturers: Apple and Google exist before the list is read; Amazon
	// is the reference's create sample.
	r.expect(http.MethodPost, "/manufacturers", url.Values{"manufacturer_id": {"1"}, "name": {"Apple"}}, http.StatusCreated,
		field(t, sample(t, "manufacturers_list"), 0))
	r.expect(http.MethodPost, "/manufacturers", url.Values{"manufacturer_id": {"2"}, "name": {"Google"}}, http.StatusCreated,
		field(t, sample(t, "manufacturers_list"), 1))
	r.expect(http.MethodGet, "/manufacturers", nil, http.StatusOK, sample(t, "manufacturers_list"))
	r.expect(http.MethodGet, "/manufacturers/2", nil, http.StatusOK, sample(t, "manufacturer_get"))
	r.expect(http.MethodPost, "/manufacturers", url.Values{"manufacturer_id": {"3"}, "name": {"Amazon"}}, http.StatusCreated,
		sample(t, "manufacturer_create"))

	// Products: iPhone 5s and iPad Mini make up the list; Nexus S is the
	// create sample.
	products := sample(t, "products_list")
	iphone := r.expect(http.MethodPost, "/products", url.Values{"name": {"iPhone 5s"}, "sku": {"sku1234"}, "manufacturer_id": {"1"}},
		http.StatusCreated, field(t, products, 0))
	r.expect(http.MethodPost, "/products", url.Values{"name": {"iPad Mini"}, "sku": {"sku2345"}, "manufacturer_id": {"1"}},
		http.StatusCreated, field(t, products, 1))
	r.expect(http.MethodGet, "/products", nil, http.StatusOK, products)
	got := r.expect(http.MethodGet, "/products/sku/sku1234", nil, http.StatusOK, sample(t, "product_get_by_sku"))
	iphoneBarcode, ok := field(t, iphone, "barcode").(string)
	require.True(t, ok)
	assert.Equal(t, iphoneBarcode, field(t, got, "barcode"))
	got = r.expect(http.MethodGet, "/products/barcode/"+iphoneBarcode, nil, http.StatusOK, sample(t, "product_get_by_barcode"))
	assert.Equal(t, iphoneBarcode, field(t, got, "barcode"))
	r.expect(http.MethodPost, "/products", url.Values{"name": {"Nexus S"}, "sku": {"sku3456"}, "manufacturer_id": {"2"}},
		http.StatusCreated, sample(t, "product_create"))

	// Inventory: the list sample's older item is an iPad Mini created at
	// 1470201567 and packed at 1470203927; its newer item is an iPhone 5s
	// created at 1470287770.
	items := sample(t, "inventory_list")
	ipad := r.expect(http.MethodPost, "/inventory", url.Values{"sku": {"sku2345"}, "quantity": {"1"}}, http.StatusCreated,
		[]any{map[string]any{
			"state": "INVENTORIED", "barcode": field(t, items, 1, "barcode"),
			"date_created": json.Number("1470201567"), "date_modified": json.Number("1470201567"),
			"product": field(t, items, 1, "product"),
		}})
	clock.Set(unix(1470203927))
	ipadBarcode, ok := field(t, ipad, 0, "barcode").(string)
	require.True(t, ok)
	r.expect(http.MethodPut, "/inventory/"+ipadBarcode, url.Values{"state": {"PACKED"}}, http.StatusOK,
		[]any{field(t, items, 1)})

	clock.Set(unix(1470287770))
	phone := r.expect(http.MethodPost, "/inventory", url.Values{"sku": {"sku1234"}, "quantity": {"1"}}, http.StatusCreated,
		[]any{field(t, items, 0)})
	phoneBarcode, ok := field(t, phone, 0, "barcode").(string)
	require.True(t, ok)

	got = r.expect(http.MethodGet, "/inventory", nil, http.StatusOK, items)
	assert.Equal(t, phoneBarcode, field(t, got, 0, "barcode"))
	assert.Equal(t, ipadBarcode, field(t, got, 1, "barcode"))
	got = r.expect(http.MethodGet, "/inventory/"+phoneBarcode, nil, http.StatusOK, sample(t, "inventory_get"))
	assert.Equal(t, phoneBarcode, field(t, got, "barcode"))

	// The update sample packs the iPhone 5s at the second it was created.
	got = r.expect(http.MethodPut, "/inventory/"+phoneBarcode, url.Values{"state": {"PACKED"}}, http.StatusOK,
		sample(t, "inventory_update"))
	assert.Equal(t, phoneBarcode, field(t, got, 0, "barcode"))

	// The create sample receives 20 iPhone 5s and shows the first of them.
	clock.Set(unix(1470289468))
	created := sample(t, "inventory_create")
	first := field(t, created, 0)
	want := make([]any, 20)
	for i := range want {
		want[i] = first
	}
	got = r.expect(http.MethodPost, "/inventory", url.Values{"sku": {"sku1234"}, "quantity": {"20"}}, http.StatusCreated, want)
	seen := map[any]bool{}
	for i := range want {
		seen[field(t, got, i, "barcode")] = true
	}
	assert.Len(t, seen, 20, "each created item has its own barcode")
}
