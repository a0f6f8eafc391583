package convoytest

import (
	"fmt"
	"runtime"
	"testing"
)

const scaleSKUs = 100

// seedScaleCatalog seeds the products of seedScale.
func seedScaleCatalog(b *testing.B, s *Server) {
	b.Helper()

	f := &Fixtures{Manufacturers: []Manufacturer{{ID: "1", Name: "Apple"}}}
	for i := range scaleSKUs {
		f.Products = append(f.Products, Product{SKU: fmt.Sprintf("sku%d", i), Name: "p", ManufacturerID: "1"})
	}
	if err := s.Seed(f); err != nil {
		b.Fatal(err)
	}
}

// scaleInventory returns entries for n items over the SKUs of
// seedScaleCatalog, a third of them PACKED.
func scaleInventory(n int) []InventoryItem {
	const skus = scaleSKUs
	items := make([]InventoryItem, 0, skus*2)
	per := n / (skus * 2)
	for i := range skus * 2 {
		state := "INVENTORIED"
		if i%3 == 0 {
			state = "PACKED"
		}
		items = append(items, InventoryItem{SKU: fmt.Sprintf("sku%d", i%skus), State: state, Quantity: per, DateCreated: startTime()})
	}

	return items
}

// seedScale seeds n items with seedScaleCatalog and scaleInventory, and
// returns the heap bytes the store took per item.
func seedScale(b *testing.B, s *Server, n int) float64 {
	b.Helper()
	seedScaleCatalog(b, s)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	if err := s.AddInventory(scaleInventory(n)...); err != nil {
		b.Fatal(err)
	}

	runtime.GC()
	runtime.ReadMemStats(&after)

	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// BenchmarkInventoryDeepPage reads one filtered page near the end of the
// list, at several store sizes. Compare the ns/op across sizes.
func BenchmarkInventoryDeepPage(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		for _, filter := range []struct{ name, state, sku string }{
			{"all", "", ""}, {"state", "PACKED", ""}, {"sku", "", "sku7"}, {"sku+state", "PACKED", "sku3"},
		} {
			b.Run(fmt.Sprintf("items=%d/%s", n, filter.name), func(b *testing.B) {
				s := New(WithSeed(1), WithClock(NewFakeClock(startTime())))
				bytesPerItem := seedScale(b, s, n)
				a := s.accounts[0]

				st, prod := noFilter, noFilter
				if filter.state != "" {
					st = int(s.states[filter.state])
				}
				if filter.sku != "" {
					prod = int(a.productBySKU[filter.sku])
				}
				total := a.countInventory(st, prod)
				offset := max(total-60, 0)

				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					a.mu.RLock()
					page := s.wireItems(a, a.inventoryPage(st, prod, offset, 50))
					a.mu.RUnlock()
					if len(page) == 0 {
						b.Fatal("empty page")
					}
				}
				b.ReportMetric(bytesPerItem, "bytes/item")
			})
		}
	}
}

// BenchmarkSeedInventory times bulk seeding alone and reports ns/item,
// which should stay flat as the item count grows.
func BenchmarkSeedInventory(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			items := scaleInventory(n)
			for range b.N {
				b.StopTimer()
				s := New(WithSeed(1), WithClock(NewFakeClock(startTime())))
				seedScaleCatalog(b, s)
				b.StartTimer()

				if err := s.AddInventory(items...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
}
