// Package restock is a small application that keeps a minimum number of
// items of a product in stock. Its tests, in restock_test.go, show how an
// application's own test suite runs against a convoytest server: seeding,
// a fault rule and the request journal.
//
//	go test ./examples/testing
package restock

import (
	"context"
	"errors"
	"fmt"

	convoy "github.com/getconvoy/convoy-go"
)

// maxRounds bounds how many create requests one TopUp call sends.
const maxRounds = 3

// TopUp receives enough items of sku to bring its INVENTORIED stock up to
// minimum, and returns the number of items it created. It creates nothing
// when the stock already reaches minimum.
//
// When the server may have applied the create request but the reply was
// lost (convoy.ErrOutcomeUnknown), TopUp counts the stock again instead of
// resending, so a lost reply never doubles the delivery. It gives up after
// maxRounds such rounds and returns the last error.
func TopUp(ctx context.Context, client *convoy.Client, sku string, minimum int) (int, error) {
	created := 0
	var lastErr error
	for range maxRounds {
		inStock, err := count(ctx, client, sku)
		if err != nil {
			return created, err
		}
		shortfall := minimum - inStock
		if shortfall <= 0 {
			return created, nil
		}

		items, err := client.Inventory.Create(ctx, sku, shortfall)
		if errors.Is(err, convoy.ErrOutcomeUnknown) {
			lastErr = err
			continue
		}
		if err != nil {
			return created, fmt.Errorf("top up %s: %w", sku, err)
		}
		created += len(items)
	}
	return created, fmt.Errorf("top up %s: stock still below %d after %d create requests: %w", sku, minimum, maxRounds, lastErr)
}

func count(ctx context.Context, client *convoy.Client, sku string) (int, error) {
	n := 0
	opts := &convoy.InventoryListOptions{SKU: sku, State: convoy.StateInventoried}
	for _, err := range client.Inventory.All(ctx, opts) {
		if err != nil {
			return 0, fmt.Errorf("count stock of %s: %w", sku, err)
		}
		n++
	}
	return n, nil
}
