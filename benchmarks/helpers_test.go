package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/getconvoy/convoy-go/convoytest"
)

// pageSize is the largest count GET /inventory accepts.
const pageSize = 50

// seedSKUs is the number of products the seeded inventory is spread over.
const seedSKUs = 100

// startTime is the fixed clock of every seeded server, so runs are
// repeatable.
var startTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// scale returns full, or small when the benchmarks run with -short.
func scale(full, small int) int {
	if testing.Short() {
		return small
	}
	return full
}

// newStore returns a server that is not listening, with a fixed seed and
// clock, one manufacturer and seedSKUs products ("sku0" to "sku99").
func newStore(tb testing.TB) *convoytest.Server {
	tb.Helper()

	s := convoytest.New(convoytest.WithSeed(1), convoytest.WithClock(convoytest.NewFakeClock(startTime)))
	f := &convoytest.Fixtures{Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}}}
	for i := range seedSKUs {
		f.Products = append(f.Products, convoytest.Product{SKU: skuName(i), Name: "Widget " + strconv.Itoa(i), ManufacturerID: "1"})
	}
	if err := s.Seed(f); err != nil {
		tb.Fatalf("seed products: %v", err)
	}
	return s
}

func skuName(i int) string {
	return "sku" + strconv.Itoa(i)
}

// inventoryBatch returns seeding entries for n items spread evenly over
// the seedSKUs products in 2*seedSKUs entries, a third of the entries
// PACKED and the rest INVENTORIED. n must be a multiple of 2*seedSKUs.
func inventoryBatch(n int) []convoytest.InventoryItem {
	const groups = 2 * seedSKUs
	if n%groups != 0 {
		panic(fmt.Sprintf("inventoryBatch: %d items is not a multiple of %d", n, groups))
	}

	items := make([]convoytest.InventoryItem, 0, groups)
	for i := range groups {
		state := "INVENTORIED"
		if i%3 == 0 {
			state = "PACKED"
		}
		items = append(items, convoytest.InventoryItem{
			SKU:         skuName(i % seedSKUs),
			State:       state,
			Quantity:    n / groups,
			DateCreated: startTime,
		})
	}
	return items
}

// seededStore returns newStore with n inventory items from inventoryBatch.
func seededStore(tb testing.TB, n int) *convoytest.Server {
	tb.Helper()

	s := newStore(tb)
	if err := s.AddInventory(inventoryBatch(n)...); err != nil {
		tb.Fatalf("seed %d items: %v", n, err)
	}
	return s
}

// capture serves one GET through h and returns the response body, so the
// canned baselines send exactly the bytes the real server sends.
func capture(tb testing.TB, h http.Handler, apiKey, target string) []byte {
	tb.Helper()

	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", apiKey)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// canned holds response bodies captured from a convoytest server.
type canned struct {
	manufacturer []byte // GET /manufacturers/1
	page         []byte // GET /inventory?count=50, 50 items
	item         []byte // GET /inventory?count=1, the shape of a PUT /inventory/{barcode} response
}

func newCanned(tb testing.TB) canned {
	tb.Helper()

	s := seededStore(tb, 2*seedSKUs)
	h := s.Handler()
	page := capture(tb, h, s.APIKey, "/inventory?count="+strconv.Itoa(pageSize))
	one := capture(tb, h, s.APIKey, "/inventory?count=1")
	return canned{
		manufacturer: capture(tb, h, s.APIKey, "/manufacturers/1"),
		page:         page,
		item:         one,
	}
}

// cannedHandler is the minimal net/http handler of the baselines. It
// writes the canned manufacturer for GET /manufacturers/{id}, the canned
// 50-item page for any other GET, and the canned one-item array for a POST
// or PUT after reading the form.
func cannedHandler(c canned) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := c.page
		switch {
		case r.Method != http.MethodGet:
			_ = r.ParseForm()
			body = c.item
		case len(r.URL.Path) > len("/manufacturers/") && r.URL.Path[:len("/manufacturers/")] == "/manufacturers/":
			body = c.manufacturer
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		_, _ = w.Write(body)
	})
}

// newTransport returns the transport of the hand-written clients: the
// defaults, with enough idle connections per host for every goroutine of
// the load benchmarks to keep its own.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = loadGoroutines
	return t
}

// Hand-written wire types: what a caller decoding the API's JSON without
// the SDK would declare.
type rawManufacturer struct {
	ID   json.RawMessage `json:"manufacturer_id"`
	Name string          `json:"name"`
}

type rawItem struct {
	State        string `json:"state"`
	Barcode      string `json:"barcode"`
	DateCreated  int64  `json:"date_created"`
	DateModified int64  `json:"date_modified"`
	Product      struct {
		SKU          string          `json:"sku"`
		Name         string          `json:"name"`
		Manufacturer rawManufacturer `json:"manufacturer"`
	} `json:"product"`
}

// handGet is the hand-written call: GET url with the API key, then decode
// the JSON body into out.
func handGet(ctx context.Context, hc *http.Client, apiKey, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", apiKey)
	req.Header.Set("Accept", "application/json")

	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("GET %s: decode: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

// handWalk is the hand-written page loop: it reads GET /inventory page by
// page, pages of pageSize, until a short page, and calls visit for each
// item.
func handWalk(ctx context.Context, hc *http.Client, apiKey, baseURL string, visit func(*rawItem)) error {
	for page := 1; ; page++ {
		var items []rawItem
		url := baseURL + "/inventory?count=" + strconv.Itoa(pageSize) + "&page=" + strconv.Itoa(page)
		if err := handGet(ctx, hc, apiKey, url, &items); err != nil {
			return err
		}
		for i := range items {
			visit(&items[i])
		}
		if len(items) < pageSize {
			return nil
		}
	}
}

// timed returns a function that runs f and returns how long it took.
func timed(f func() error) func() (time.Duration, error) {
	return func() (time.Duration, error) {
		start := time.Now()
		err := f()
		return time.Since(start), err
	}
}

// alternate runs base and candidate b.N times each, alternating which of
// the two goes first. For each pair of runs it computes the candidate's
// time per unit of work over the base's, where baseWork and candidateWork
// are the work one run does (items, or 1), and reports the median of these
// ratios as the metric unit. Runs milliseconds apart see the same load on
// a shared machine, and the median drops pairs that a stall of the
// machine hit, so the ratio varies far less between benchmark runs than
// two ns/op figures measured seconds apart.
func alternate(b *testing.B, unit string, baseWork, candidateWork float64, base, candidate func() (time.Duration, error)) {
	b.Helper()

	measure := func(f func() (time.Duration, error), work float64) float64 {
		d, err := f()
		if err != nil {
			b.Fatal(err)
		}
		return float64(d) / work
	}

	ratios := make([]float64, 0, b.N)
	for i := range b.N {
		var baseCost, candidateCost float64
		if i%2 == 0 {
			baseCost = measure(base, baseWork)
			candidateCost = measure(candidate, candidateWork)
		} else {
			candidateCost = measure(candidate, candidateWork)
			baseCost = measure(base, baseWork)
		}
		ratios = append(ratios, candidateCost/baseCost)
	}

	b.ReportMetric(median(ratios), unit)
}

// median returns the median of values, which must not be empty. It sorts
// values.
func median(values []float64) float64 {
	sort.Float64s(values)
	mid := len(values) / 2
	if len(values)%2 == 1 {
		return values[mid]
	}
	return (values[mid-1] + values[mid]) / 2
}
