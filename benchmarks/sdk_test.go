package benchmarks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	convoy "github.com/getconvoy/convoy-go"
)

// newSDKClient returns an SDK client for baseURL with default settings.
func newSDKClient(tb testing.TB, baseURL string) *convoy.Client {
	tb.Helper()

	c, err := convoy.NewClient("test_key", convoy.WithBaseURL(baseURL))
	if err != nil {
		tb.Fatalf("new client: %v", err)
	}
	return c
}

// BenchmarkRequestOverhead compares one call through the SDK with the same
// call written with net/http and encoding/json, both against a loopback
// handler that writes canned JSON. Compare impl=sdk with impl=handwritten
// for ns/op and allocs/op, and read the time ratio of impl=paired.
func BenchmarkRequestOverhead(b *testing.B) {
	srv := httptest.NewServer(cannedHandler(newCanned(b)))
	defer srv.Close()

	ctx := context.Background()
	sdk := newSDKClient(b, srv.URL)
	hand := &http.Client{Transport: newTransport()}
	defer hand.CloseIdleConnections()

	calls := []struct {
		name string
		sdk  func() error
		hand func() error
	}{
		{
			name: "ManufacturersGet",
			sdk: func() error {
				_, err := sdk.Manufacturers.Get(ctx, convoy.NumericID(1))
				return err
			},
			hand: func() error {
				var m rawManufacturer
				return handGet(ctx, hand, "test_key", srv.URL+"/manufacturers/1", &m)
			},
		},
		{
			name: "InventoryList",
			sdk: func() error {
				_, err := sdk.Inventory.List(ctx, &convoy.InventoryListOptions{Count: pageSize})
				return err
			},
			hand: func() error {
				var items []rawItem
				return handGet(ctx, hand, "test_key", srv.URL+"/inventory?count="+strconv.Itoa(pageSize), &items)
			},
		},
	}

	for _, c := range calls {
		for _, impl := range []struct {
			name string
			run  func() error
		}{{"handwritten", c.hand}, {"sdk", c.sdk}} {
			b.Run("call="+c.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if err := impl.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run("call="+c.name+"/impl=paired", func(b *testing.B) {
			alternate(b, "sdk/handwritten", 1, 1, timed(c.hand), timed(c.sdk))
		})
	}
}

// BenchmarkIterateInventory walks every inventory item of a convoytest
// server on loopback, pages of 50, with Inventory.All and with a
// hand-written page loop. One op is one full walk.
func BenchmarkIterateInventory(b *testing.B) {
	n := scale(10_000, 1_000)
	s := seededStore(b, n)
	s.Start()
	defer s.Close()

	ctx := context.Background()
	sdk := newSDKClient(b, s.URL)
	hand := &http.Client{Transport: newTransport()}
	defer hand.CloseIdleConnections()

	walkHand := func() error {
		seen := 0
		if err := handWalk(ctx, hand, s.APIKey, s.URL, func(*rawItem) { seen++ }); err != nil {
			return err
		}
		if seen != n {
			return fmt.Errorf("hand-written loop walked %d items, want %d", seen, n)
		}
		return nil
	}
	walkSDK := func() error {
		seen := 0
		for _, err := range sdk.Inventory.All(ctx, nil) {
			if err != nil {
				return err
			}
			seen++
		}
		if seen != n {
			return fmt.Errorf("Inventory.All walked %d items, want %d", seen, n)
		}
		return nil
	}

	for _, impl := range []struct {
		name string
		walk func() error
	}{{"handwritten", walkHand}, {"sdk", walkSDK}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := impl.walk(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=paired", func(b *testing.B) {
		alternate(b, "sdk/handwritten", 1, 1, timed(walkHand), timed(walkSDK))
	})
}
