package convoy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inventoryServer is a small in-memory GET /inventory and
// PUT /inventory/{barcode}, newest first, with the state and sku filters.
type inventoryServer struct {
	mu       sync.Mutex
	items    []*inventoryItemJSON // newest first
	next     int
	requests []string // query of every GET
	puts     map[string]int
	failPage int // respond to this page with 400
	// afterPage runs, under the lock, after a GET page is served.
	afterPage func(s *inventoryServer, page int)
}

func newInventoryServer(n int, state InventoryState) *inventoryServer {
	s := &inventoryServer{puts: map[string]int{}}
	for range n {
		s.add(state)
	}
	return s
}

// add creates one item in front of the others; call with the lock held or
// before serving.
func (s *inventoryServer) add(state InventoryState) {
	s.next++
	item := &inventoryItemJSON{State: state, Barcode: "I" + strconv.Itoa(s.next), DateCreated: int64(s.next), DateModified: int64(s.next),
		Product: InventoryProduct{SKU: "sku1", Name: "n", Manufacturer: apple}}
	s.items = append([]*inventoryItemJSON{item}, s.items...)
}

func (s *inventoryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodPut {
		s.update(w, r)
		return
	}

	s.requests = append(s.requests, r.URL.RawQuery)
	q := r.URL.Query()
	page, count := atoiOr(q.Get("page"), 1), atoiOr(q.Get("count"), 25)
	if page == s.failPage {
		writeJSON(w, http.StatusBadRequest, `{"status":400,"error":"invalid_request","message":"page refused by the test server"}`)
		return
	}
	var matching []*inventoryItemJSON
	for _, it := range s.items {
		if (q.Get("state") == "" || string(it.State) == q.Get("state")) && (q.Get("sku") == "" || it.Product.SKU == q.Get("sku")) {
			matching = append(matching, it)
		}
	}
	start := min((page-1)*count, len(matching))
	end := min(start+count, len(matching))
	body, _ := json.Marshal(matching[start:end])
	writeJSON(w, http.StatusOK, string(body))
	if s.afterPage != nil {
		s.afterPage(s, page)
	}
}

func (s *inventoryServer) update(w http.ResponseWriter, r *http.Request) {
	barcode := r.URL.Path[len("/inventory/"):]
	s.puts[barcode]++
	for _, it := range s.items {
		if it.Barcode == barcode {
			it.State = InventoryState(r.FormValue("state"))
			body, _ := json.Marshal([]*inventoryItemJSON{it})
			writeJSON(w, http.StatusOK, string(body))
			return
		}
	}
	writeJSON(w, http.StatusNotFound, `{"status":404,"error":"not_found","message":"no item"}`)
}

func (s *inventoryServer) stats() (requests []string, puts map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	puts = make(map[string]int, len(s.puts))
	for k, v := range s.puts {
		puts[k] = v
	}
	return append([]string(nil), s.requests...), puts
}

func (s *inventoryServer) countState(state InventoryState) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, it := range s.items {
		if it.State == state {
			n++
		}
	}
	return n
}

func atoiOr(s string, fallback int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return fallback
}

// collect ranges over seq and returns the barcodes and errors it yields.
func collect(seq func(func(*InventoryItem, error) bool)) (barcodes []string, errs []error) {
	for item, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		barcodes = append(barcodes, item.Barcode)
	}
	return barcodes, errs
}

func TestIteratorPages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		items    int
		opts     *InventoryListOptions
		requests []string
	}{
		{120, nil, []string{"count=50&page=1", "count=50&page=2", "count=50&page=3"}},
		{100, nil, []string{"count=50&page=1", "count=50&page=2", "count=50&page=3"}},
		{0, nil, []string{"count=50&page=1"}},
		{7, &InventoryListOptions{Count: 3}, []string{"count=3&page=1", "count=3&page=2", "count=3&page=3"}},
		{7, &InventoryListOptions{Count: 3, Page: 2}, []string{"count=3&page=2", "count=3&page=3"}},
		{7, &InventoryListOptions{State: StatePacked}, []string{"count=50&page=1&state=PACKED"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.items, tc.opts), func(t *testing.T) {
			t.Parallel()
			srv := newInventoryServer(tc.items, StateInventoried)
			c, _ := newTestServer(t, srv)

			barcodes, errs := collect(c.Inventory.All(testContext(t), tc.opts))

			assert.Empty(t, errs)
			requests, _ := srv.stats()
			assert.Equal(t, tc.requests, requests)
			assert.Len(t, unique(barcodes), len(barcodes))
			if tc.opts == nil {
				assert.Len(t, barcodes, tc.items)
			}
		})
	}
}

func unique(values []string) map[string]bool {
	set := map[string]bool{}
	for _, v := range values {
		set[v] = true
	}
	return set
}

func TestIteratorLazy(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(10, StateInventoried)
	c, _ := newTestServer(t, srv)

	seq := c.Inventory.All(testContext(t), nil)

	requests, _ := srv.stats()
	assert.Empty(t, requests)
	barcodes, _ := collect(seq)
	assert.Len(t, barcodes, 10)
}

func TestIteratorBreak(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(200, StateInventoried)
	c, _ := newTestServer(t, srv)

	n := 0
	for _, err := range c.Inventory.All(testContext(t), nil) {
		require.NoError(t, err)
		n++
		if n == 60 {
			break
		}
	}

	requests, _ := srv.stats()
	assert.Len(t, requests, 2)
	assert.Equal(t, 60, n)
}

func TestIteratorBreakAtPageEnd(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(200, StateInventoried)
	c, _ := newTestServer(t, srv)

	n := 0
	for range c.Inventory.All(testContext(t), nil) {
		n++
		if n == 50 {
			break
		}
	}

	requests, _ := srv.stats()
	assert.Len(t, requests, 1)
}

func TestIteratorErrorOnce(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(200, StateInventoried)
	srv.failPage = 2
	c, _ := newTestServer(t, srv)

	barcodes, errs := collect(c.Inventory.All(testContext(t), nil))

	assert.Len(t, barcodes, 50)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidRequest)
	requests, _ := srv.stats()
	assert.Len(t, requests, 2)
}

func TestIteratorInvalidOptions(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(10, StateInventoried)
	c, _ := newTestServer(t, srv)

	barcodes, errs := collect(c.Inventory.All(testContext(t), &InventoryListOptions{Count: 51}))

	assert.Empty(t, barcodes)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidRequest)
	requests, _ := srv.stats()
	assert.Empty(t, requests)
}

func TestIteratorContext(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(200, StateInventoried)
	c, _ := newTestServer(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	n := 0
	var errs []error
	for _, err := range c.Inventory.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		if n == 10 {
			cancel()
		}
	}

	assert.Equal(t, 50, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	requests, _ := srv.stats()
	assert.Len(t, requests, 1)
}

// TestIteratorConcurrentCreates creates items while iterating over a
// newest-first list: they push the end of each page onto the next one.
func TestIteratorConcurrentCreates(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(130, StateInventoried)
	srv.afterPage = func(s *inventoryServer, _ int) {
		for range 3 {
			s.add(StateInventoried)
		}
	}
	c, _ := newTestServer(t, srv)

	barcodes, errs := collect(c.Inventory.All(testContext(t), nil))

	assert.Empty(t, errs)
	assert.Len(t, unique(barcodes), len(barcodes))
	for i := 1; i <= 130; i++ {
		assert.True(t, unique(barcodes)["I"+strconv.Itoa(i)], i)
	}
}

// TestIteratorShrinkingFilter shows the hazard the All documentation warns
// about and the safe pattern it recommends.
func TestIteratorShrinkingFilter(t *testing.T) {
	t.Parallel()
	filter := &InventoryListOptions{State: StateInventoried}
	pack := &InventoryUpdateParams{State: StatePacked}

	t.Run("updating inside All skips items", func(t *testing.T) {
		t.Parallel()
		srv := newInventoryServer(120, StateInventoried)
		c, _ := newTestServer(t, srv)
		ctx := testContext(t)

		for item, err := range c.Inventory.All(ctx, filter) {
			require.NoError(t, err)
			_, err = c.Inventory.Update(ctx, item.Barcode, pack)
			require.NoError(t, err)
		}

		assert.Positive(t, srv.countState(StateInventoried))
	})

	t.Run("re-fetching page 1 moves every item once", func(t *testing.T) {
		t.Parallel()
		srv := newInventoryServer(120, StateInventoried)
		c, _ := newTestServer(t, srv)
		ctx := testContext(t)

		for {
			items, err := c.Inventory.List(ctx, &InventoryListOptions{State: StateInventoried, Count: 50})
			require.NoError(t, err)
			if len(items) == 0 {
				break
			}
			for _, item := range items {
				_, err := c.Inventory.Update(ctx, item.Barcode, pack)
				require.NoError(t, err)
			}
		}

		assert.Equal(t, 0, srv.countState(StateInventoried))
		assert.Equal(t, 120, srv.countState(StatePacked))
		_, puts := srv.stats()
		assert.Len(t, puts, 120)
		for barcode, n := range puts {
			assert.Equal(t, 1, n, barcode)
		}
	})
}

func TestIteratorManufacturersAndProducts(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var queries []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		page := atoiOr(r.URL.Query().Get("page"), 1)
		switch {
		case r.URL.Path == "/manufacturers" && page == 1:
			writeJSON(w, 200, `[{"manufacturer_id":1,"name":"a"},{"manufacturer_id":"M2","name":"b"}]`)
		case r.URL.Path == "/products" && page == 1:
			writeJSON(w, 200, `[{"sku":"s1","barcode":"P1"},{"sku":"s2","barcode":"P2"}]`)
		case r.URL.Path == "/products" && page == 2:
			writeJSON(w, 200, `[{"sku":"s2","barcode":"P2"},{"sku":"s3","barcode":"P3"}]`)
		default:
			writeJSON(w, 200, `[]`)
		}
	})
	c, _ := newTestServer(t, h)
	ctx := testContext(t)

	var ids []ManufacturerID
	for m, err := range c.Manufacturers.All(ctx, nil) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	var skus []string
	for p, err := range c.Products.All(ctx, &ProductListOptions{Count: 2, ManufacturerID: NumericID(1)}) {
		require.NoError(t, err)
		skus = append(skus, p.SKU)
	}

	assert.Equal(t, []ManufacturerID{NumericID(1), StringID("M2")}, ids)
	assert.Equal(t, []string{"s1", "s2", "s3"}, skus)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{
		"/manufacturers?limit=50&page=1",
		"/products?count=2&manufacturer_id=1&page=1",
		"/products?count=2&manufacturer_id=1&page=2",
		"/products?count=2&manufacturer_id=1&page=3",
	}, queries)
}

// TestIteratorPagesDoNotShareFields serves a second page whose item lacks
// fields the first page's items had, and checks that the item does not
// inherit them from the buffer the iterator decodes pages into.
func TestIteratorPagesDoNotShareFields(t *testing.T) {
	t.Parallel()
	full := `{"state":"PACKED","barcode":"I%d","date_created":5,"date_modified":6,` +
		`"product":{"sku":"sku1","name":"n","manufacturer":{"manufacturer_id":1,"name":"Apple"}}}`
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			writeJSON(w, http.StatusOK, `[{"barcode":"Ilast"}]`)
			return
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf("[%s,%s]", fmt.Sprintf(full, 1), fmt.Sprintf(full, 2)))
	}}
	c, _ := newTestServer(t, h)

	var items []*InventoryItem
	for item, err := range c.Inventory.All(testContext(t), &InventoryListOptions{Count: 2}) {
		require.NoError(t, err)
		items = append(items, item)
	}

	require.Len(t, items, 3)
	last := items[2]
	assert.Equal(t, "Ilast", last.Barcode)
	assert.Empty(t, last.State)
	assert.Equal(t, int64(0), last.DateCreated.Unix())
	assert.Empty(t, last.Product.SKU)
	assert.True(t, last.Product.Manufacturer.ID.IsZero())
	assert.Equal(t, InventoryState("PACKED"), items[0].State, "items of earlier pages keep their values")
	assert.Equal(t, "I2", items[1].Barcode)
}

// TestIteratorSequenceReusable ranges over one sequence from several
// goroutines at once, and each loop must yield every item.
func TestIteratorSequenceReusable(t *testing.T) {
	t.Parallel()
	srv := newInventoryServer(120, StateInventoried)
	c, _ := newTestServer(t, srv)
	seq := c.Inventory.All(testContext(t), nil)

	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, err := range seq {
				if err != nil {
					return
				}
				counts[i]++
			}
		}()
	}
	wg.Wait()

	for i, n := range counts {
		assert.Equal(t, 120, n, "loop %d", i)
	}
}
