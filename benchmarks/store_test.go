package benchmarks

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDeepPage serves GET /inventory through the convoytest handler
// with 1,000,000 stored items (10,000 under -short), for page 1 and for
// the last page, unfiltered and filtered. Compare page=last with
// page=first for each filter.
func BenchmarkDeepPage(b *testing.B) {
	n := scale(1_000_000, 10_000)
	s := seededStore(b, n)
	h := s.Handler()

	filters := []struct{ name, query, state, sku string }{
		{name: "none"},
		{name: "state", query: "&state=PACKED", state: "PACKED"},
		{name: "sku", query: "&sku=sku7", sku: "sku7"},
		{name: "state+sku", query: "&state=PACKED&sku=sku3", state: "PACKED", sku: "sku3"},
	}
	for _, f := range filters {
		// A short last page would encode fewer items than page 1 and
		// flatter the comparison, so every filter must match whole pages.
		total := s.CountInventory(f.state, f.sku)
		if total == 0 || total%pageSize != 0 {
			b.Fatalf("filter %s matches %d items, want a positive multiple of %d", f.name, total, pageSize)
		}
		lastPage := total / pageSize

		first := servePage(h, s.APIKey, 1, f.query)
		last := servePage(h, s.APIKey, lastPage, f.query)
		for _, page := range []struct {
			name  string
			serve func() error
		}{{"first", first}, {"last", last}} {
			b.Run("filter="+f.name+"/page="+page.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if err := page.serve(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run("filter="+f.name+"/page=paired", func(b *testing.B) {
			alternate(b, "last/first", 1, 1, timed(first), timed(last))
		})
	}
}

// servePage returns a function that serves GET /inventory for one page of
// pageSize items, with extra query parameters, through h.
func servePage(h http.Handler, apiKey string, page int, query string) func() error {
	target := "/inventory?count=" + strconv.Itoa(pageSize) + "&page=" + strconv.Itoa(page) + query
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", apiKey)
	return func() error {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", target, rec.Code)
		}
		return nil
	}
}

// heapAlloc returns the live heap bytes after a full collection.
func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkInventoryMemory seeds 1,000,000 items (10,000 under -short)
// into an empty convoytest store and reports the live heap it grew by,
// per item (bytes/item), after a garbage collection.
func BenchmarkInventoryMemory(b *testing.B) {
	n := scale(1_000_000, 10_000)
	b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
		var perItem float64
		for range b.N {
			b.StopTimer()
			s := newStore(b)
			batch := inventoryBatch(n)
			before := heapAlloc()
			b.StartTimer()

			if err := s.AddInventory(batch...); err != nil {
				b.Fatal(err)
			}

			b.StopTimer()
			batch = nil
			perItem = float64(int64(heapAlloc())-int64(before)) / float64(n)
			runtime.KeepAlive(s)
			b.StartTimer()
		}
		b.ReportMetric(perItem, "bytes/item")
	})
}

// BenchmarkSeedInventory seeds 10,000 and 1,000,000 items (1,000 and
// 10,000 under -short) into an empty convoytest store and reports the
// time per item (ns/item). Compare the two sizes.
func BenchmarkSeedInventory(b *testing.B) {
	small, large := scale(10_000, 1_000), scale(1_000_000, 10_000)
	for _, n := range []int{small, large} {
		b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
			batch := inventoryBatch(n)
			for range b.N {
				b.StopTimer()
				s := newStore(b)
				b.StartTimer()

				if err := s.AddInventory(batch...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
		})
	}

	// Each paired run seeds the small size repeatedly, up to as many items
	// as one large seeding, so both sides do the same work.
	repeats := large / small
	b.Run("items=paired", func(b *testing.B) {
		alternate(b, "large/small", float64(small*repeats), float64(large),
			seedTimed(b, small, repeats), seedTimed(b, large, 1))
	})
}

// seedTimed returns a function that seeds n items into repeats fresh
// stores and returns the time AddInventory took in total, without the
// time spent building the stores.
func seedTimed(b *testing.B, n, repeats int) func() (time.Duration, error) {
	batch := inventoryBatch(n)
	return func() (time.Duration, error) {
		var total time.Duration
		for range repeats {
			s := newStore(b)
			start := time.Now()
			if err := s.AddInventory(batch...); err != nil {
				return 0, err
			}
			total += time.Since(start)
		}
		return total, nil
	}
}
