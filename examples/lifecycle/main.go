// Command lifecycle receives, packs and ships stock against a Convoy server
// that limits its request rate, and shows how the SDK's error sentinels tell
// a caller what to do next.
//
//	go run ./examples/lifecycle
//
// It starts an embedded convoytest server that allows 20 requests per second
// per API key, so some requests get 429 Too Many Requests. The client retries
// those on its own, honouring Retry-After; the loop below shows what is left
// for the caller to handle.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
)

const sku = "sku3456"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	server := convoytest.New(convoytest.WithRateLimit(20, time.Second))
	server.Start()
	defer server.Close()

	client, err := convoy.NewClient(server.APIKey,
		convoy.WithBaseURL(server.URL),
		convoy.WithMaxRetries(5),
		convoy.WithRetryWait(50*time.Millisecond, 2*time.Second),
	)
	if err != nil {
		return err
	}

	if _, err := client.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{ID: convoy.NumericID(2), Name: "Google"}); err != nil {
		return fmt.Errorf("create manufacturer: %w", err)
	}
	if _, err := client.Products.Create(ctx, &convoy.ProductCreateParams{Name: "Nexus S", SKU: sku, ManufacturerID: convoy.NumericID(2)}); err != nil {
		return fmt.Errorf("create product: %w", err)
	}

	received, err := receive(ctx, client, sku, 30)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "received %d x %s\n", len(received), sku)

	for _, state := range []convoy.InventoryState{convoy.StatePacked, convoy.StateShipped} {
		for _, item := range received {
			if err := moveTo(ctx, client, item.Barcode, state); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "moved %d items to %s\n", len(received), state)
	}

	shipped := 0
	for _, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: sku, State: convoy.StateShipped}) {
		if err != nil {
			return fmt.Errorf("count shipped items: %w", err)
		}
		shipped++
	}
	fmt.Fprintf(out, "the server lists %d shipped items of %s\n", shipped, sku)

	limited := 0
	journal := server.Journal()
	for _, entry := range journal {
		if entry.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	fmt.Fprintf(out, "the server answered %d of %d requests with 429 Too Many Requests; the client waited and retried each\n",
		limited, len(journal))
	return nil
}

// receive adds quantity items of sku to inventory exactly once, assuming no
// other program receives the same SKU meanwhile. Creating inventory is not
// idempotent, so the client never resends a POST that may have reached the
// server. When the outcome of the request is unknown, receive counts the
// items the server holds before it decides whether to send it again.
func receive(ctx context.Context, client *convoy.Client, sku string, quantity int) ([]*convoy.InventoryItem, error) {
	before, err := countItems(ctx, client, sku)
	if err != nil {
		return nil, err
	}
	for {
		items, err := client.Inventory.Create(ctx, sku, quantity)
		switch {
		case err == nil:
			return items, nil
		case errors.Is(err, convoy.ErrOutcomeUnknown):
			after, countErr := countItems(ctx, client, sku)
			if countErr != nil {
				return nil, countErr
			}
			if after-before >= quantity {
				// The server applied the request but its reply was lost.
				// With no other writer for this SKU, the newest items are
				// the ones it created.
				return newestItems(ctx, client, sku, quantity)
			}
		case errors.Is(err, convoy.ErrRateLimited):
			if waitErr := wait(ctx, err); waitErr != nil {
				return nil, waitErr
			}
		default:
			return nil, fmt.Errorf("receive %s: %w", sku, err)
		}
	}
}

// moveTo sets an item's state. An update is idempotent, so the client
// retries it after any transient failure; the caller only waits out rate
// limits that outlast the client's retries.
func moveTo(ctx context.Context, client *convoy.Client, barcode string, state convoy.InventoryState) error {
	for {
		_, err := client.Inventory.Update(ctx, barcode, &convoy.InventoryUpdateParams{State: state})
		if !errors.Is(err, convoy.ErrRateLimited) {
			if err != nil {
				return fmt.Errorf("move %s to %s: %w", barcode, state, err)
			}
			return nil
		}
		if waitErr := wait(ctx, err); waitErr != nil {
			return waitErr
		}
	}
}

// wait sleeps for the Retry-After the server sent with a 429, or one second
// when it sent none.
func wait(ctx context.Context, err error) error {
	delay := time.Second
	var apiErr *convoy.Error
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		delay = apiErr.RetryAfter
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func countItems(ctx context.Context, client *convoy.Client, sku string) (int, error) {
	n := 0
	for _, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: sku}) {
		if err != nil {
			return 0, fmt.Errorf("count items of %s: %w", sku, err)
		}
		n++
	}
	return n, nil
}

// newestItems returns the n most recently created items of sku.
func newestItems(ctx context.Context, client *convoy.Client, sku string, n int) ([]*convoy.InventoryItem, error) {
	items := make([]*convoy.InventoryItem, 0, n)
	for item, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: sku}) {
		if err != nil {
			return nil, fmt.Errorf("list newest items of %s: %w", sku, err)
		}
		items = append(items, item)
		if len(items) == n {
			break
		}
	}
	return items, nil
}
