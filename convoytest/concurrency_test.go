package convoytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentRequests runs creates, updates and lists from many
// goroutines at once, then checks that the indexes agree with the data.
func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithAPIKeys("a", "b"))
	for _, key := range []string{"a", "b"} {
		require.NoError(t, s.Account(key).Seed(&Fixtures{
			Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}},
			Products:      []Product{{SKU: "s1", Name: "n", ManufacturerID: "1"}, {SKU: "s2", Name: "n", ManufacturerID: "1"}},
		}))
	}

	const (
		workers = 16
		rounds  = 20
	)
	states := []string{"INVENTORIED", "PACKED", "SHIPPED"}

	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b"}[w%2]
			sku := fmt.Sprintf("s%d", w%2+1)
			for r := range rounds {
				var items []wireItem
				res := doNoT(s, call{method: "POST", path: "/inventory", key: key, form: url.Values{"sku": {sku}, "quantity": {"3"}}})
				if res.status != http.StatusCreated {
					errs <- fmt.Errorf("create: %d %s", res.status, res.body)
					continue
				}
				if err := json.Unmarshal(res.body, &items); err != nil {
					errs <- err
					continue
				}
				for i, it := range items {
					state := states[(r+i)%len(states)]
					res := doNoT(s, call{method: "PUT", path: "/inventory/" + it.Barcode, key: key, form: url.Values{"state": {state}}})
					if res.status != http.StatusOK {
						errs <- fmt.Errorf("update: %d %s", res.status, res.body)
					}
				}
				res = doNoT(s, call{method: "GET", path: "/inventory?state=PACKED&count=50&page=2", key: key})
				if res.status != http.StatusOK {
					errs <- fmt.Errorf("list: %d %s", res.status, res.body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	for _, key := range []string{"a", "b"} {
		acc := s.Account(key)
		inv := acc.Snapshot().Inventory
		assert.Len(t, inv, workers/2*rounds*3, key)

		counts := map[[2]string]int{}
		seen := map[string]bool{}
		for _, it := range inv {
			counts[[2]string{it.State, it.SKU}]++
			assert.False(t, seen[it.Barcode], "barcode %s appears twice", it.Barcode)
			seen[it.Barcode] = true
		}
		for _, state := range states {
			for _, sku := range []string{"s1", "s2"} {
				assert.Equal(t, counts[[2]string{state, sku}], acc.CountInventory(state, sku), "%s %s %s", key, state, sku)
			}
		}
		assertListMatchesSnapshot(t, s, key, "PACKED", "s1", inv)
	}
}

// assertListMatchesSnapshot pages through a filtered list and compares it
// with the snapshot, newest first.
func assertListMatchesSnapshot(t *testing.T, s *Server, key, state, sku string, inv []InventoryItem) {
	t.Helper()

	var want []string
	for i := len(inv) - 1; i >= 0; i-- {
		if inv[i].State == state && inv[i].SKU == sku {
			want = append(want, inv[i].Barcode)
		}
	}

	var got []string
	for page := 1; ; page++ {
		var items []wireItem
		do(t, s, call{method: "GET", path: fmt.Sprintf("/inventory?state=%s&sku=%s&count=50&page=%d", state, sku, page), key: key}).decode(t, &items)
		for _, it := range items {
			got = append(got, it.Barcode)
		}
		if len(items) < 50 {
			break
		}
	}

	assert.Equal(t, want, got)
}
