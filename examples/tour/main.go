// Command tour is the code of the README's tour, runnable as a whole:
//
//	go run ./examples/tour
//
// It starts an embedded convoytest server, so it needs no configuration.
// Each step of the tour is one function below, and the README copies them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	server := convoytest.New()
	server.Start()
	defer server.Close()

	client, err := newClient(server.APIKey, server.URL)
	if err != nil {
		return err
	}
	if err := stock(ctx, client, out); err != nil {
		return err
	}
	if err := walk(ctx, client, out); err != nil {
		return err
	}
	return classify(ctx, client, out)
}

func newClient(apiKey, baseURL string) (*convoy.Client, error) {
	client, err := convoy.NewClient(apiKey,
		convoy.WithBaseURL(baseURL), // leave out for https://api.getconvoy.com/
		convoy.WithMaxRetries(3),
		convoy.WithRetryWait(500*time.Millisecond, 30*time.Second),
		convoy.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	)
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	return client, nil
}

func stock(ctx context.Context, client *convoy.Client, out io.Writer) error {
	apple, err := client.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{
		ID:   convoy.NumericID(1),
		Name: "Apple",
	})
	if err != nil {
		return err
	}
	iphone, err := client.Products.Create(ctx, &convoy.ProductCreateParams{
		Name:           "iPhone 5s",
		SKU:            "sku1234",
		ManufacturerID: apple.ID,
	})
	if err != nil {
		return err
	}
	items, err := client.Inventory.Create(ctx, iphone.SKU, 20)
	if err != nil {
		return err
	}
	packed, err := client.Inventory.Update(ctx, items[0].Barcode, &convoy.InventoryUpdateParams{
		State: convoy.StatePacked,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s is %s since %s\n", packed.Barcode, packed.State, packed.DateModified.Format(time.RFC3339))
	return nil
}

func walk(ctx context.Context, client *convoy.Client, out io.Writer) error {
	opts := &convoy.InventoryListOptions{SKU: "sku1234", State: convoy.StateInventoried}
	for item, err := range client.Inventory.All(ctx, opts) {
		if err != nil {
			return err
		}
		fmt.Fprintln(out, item.Barcode, item.Product.Name, item.State)
	}
	return nil
}

func classify(ctx context.Context, client *convoy.Client, out io.Writer) error {
	_, err := client.Products.GetBySKU(ctx, "sku0000")

	var apiErr *convoy.Error
	switch {
	case errors.Is(err, convoy.ErrNotFound):
		fmt.Fprintln(out, "no such product:", err)
	case errors.Is(err, convoy.ErrOutcomeUnknown):
		// A create may have been applied: look before trying again.
		return err
	case errors.As(err, &apiErr):
		return fmt.Errorf("status %d, code %s: %w", apiErr.StatusCode, apiErr.Code, err)
	case err != nil:
		return err
	}
	return nil
}
