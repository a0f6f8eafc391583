// Command pagination reads thousands of inventory items page by page: it
// walks them all with a progress line, stops a second walk early, and
// resumes a third from a later page.
//
//	go run ./examples/pagination
//
// It starts an embedded convoytest server and stocks it with 5,000 items
// through the API, so it needs no configuration and no network.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
)

const (
	sku   = "sku1234"
	stock = 5000
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pagination:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	server := convoytest.New()
	server.Start()
	defer server.Close()

	client, err := convoy.NewClient(server.APIKey, convoy.WithBaseURL(server.URL))
	if err != nil {
		return err
	}
	if err := stockUp(ctx, client); err != nil {
		return err
	}
	fmt.Fprintf(out, "stocked %d items of %s on %s\n", stock, sku, server.URL)

	// Walk every item. All fetches pages of 50, the most the endpoint
	// allows, and stops after the first short page.
	fmt.Fprintln(out, "\nwalk all items:")
	read := 0
	for item, err := range client.Inventory.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("walk inventory: %w", err)
		}
		read++
		if read%1000 == 0 {
			fmt.Fprintf(out, "  read %5d items, newest first; now at %s\n", read, item.Barcode)
		}
	}
	fmt.Fprintf(out, "  done: %d items\n", read)

	// Stop early. Breaking out of the loop ends the walk: no further page is
	// requested.
	fmt.Fprintln(out, "\nstop after the first 120 items:")
	server.ClearJournal()
	read = 0
	for _, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: sku}) {
		if err != nil {
			return fmt.Errorf("walk inventory: %w", err)
		}
		read++
		if read == 120 {
			break
		}
	}
	fmt.Fprintf(out, "  stopped at %d items after %d page requests\n", read, len(server.Journal()))

	// Resume from a page. Page numbers start at 1, so page 91 of 50-item
	// pages starts at the 4,501st item.
	fmt.Fprintln(out, "\nresume from page 91, pages of 50 items:")
	read = 0
	for _, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{Page: 91, Count: 50}) {
		if err != nil {
			return fmt.Errorf("resume inventory walk: %w", err)
		}
		read++
	}
	fmt.Fprintf(out, "  read the last %d items\n", read)
	return nil
}

// stockUp creates the product and receives stock in batches of 1,000, the
// most one request may create.
func stockUp(ctx context.Context, client *convoy.Client) error {
	_, err := client.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{ID: convoy.NumericID(1), Name: "Apple"})
	if err != nil {
		return fmt.Errorf("create manufacturer: %w", err)
	}
	_, err = client.Products.Create(ctx, &convoy.ProductCreateParams{Name: "iPhone 5s", SKU: sku, ManufacturerID: convoy.NumericID(1)})
	if err != nil {
		return fmt.Errorf("create product: %w", err)
	}
	for created := 0; created < stock; created += 1000 {
		if _, err := client.Inventory.Create(ctx, sku, 1000); err != nil {
			return fmt.Errorf("receive stock: %w", err)
		}
	}
	return nil
}
