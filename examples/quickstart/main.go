// Command quickstart walks the Convoy API reference's own story: it creates
// the manufacturers, products and inventory the reference shows, lists and
// updates them, and shows what a missing product looks like.
//
// With no configuration it starts an embedded convoytest server, so it runs
// offline:
//
//	go run ./examples/quickstart
//
// With CONVOY_API_KEY set it talks to the server at CONVOY_BASE_URL instead
// (default https://api.getconvoy.com/), and it writes to that account. It
// creates the manufacturers with IDs 1, 2 and 3 and the products sku1234,
// sku2345 and sku3456, or reuses those that exist and prints a note when
// they differ. Each run receives 20 more items and packs one.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	client, stop, err := connect(out)
	if err != nil {
		return err
	}
	defer stop()

	manufacturers := []convoy.ManufacturerCreateParams{
		{ID: convoy.NumericID(1), Name: "Apple"},
		{ID: convoy.NumericID(2), Name: "Google"},
		{ID: convoy.NumericID(3), Name: "Amazon"},
	}
	products := []convoy.ProductCreateParams{
		{Name: "iPhone 5s", SKU: "sku1234", ManufacturerID: convoy.NumericID(1)},
		{Name: "iPad Mini", SKU: "sku2345", ManufacturerID: convoy.NumericID(1)},
		{Name: "Nexus S", SKU: "sku3456", ManufacturerID: convoy.NumericID(2)},
	}

	section(out, "Manufacturers")
	table := newTable(out, "ID", "NAME")
	for i := range manufacturers {
		m, err := createManufacturer(ctx, out, client, &manufacturers[i])
		if err != nil {
			return err
		}
		table.row(m.ID, m.Name)
	}
	table.flush()

	section(out, "Products")
	table = newTable(out, "SKU", "NAME", "MANUFACTURER", "BARCODE")
	for i := range products {
		p, err := createProduct(ctx, out, client, &products[i])
		if err != nil {
			return err
		}
		table.row(p.SKU, p.Name, p.Manufacturer.Name, p.Barcode)
	}
	table.flush()

	section(out, "Receive 20 units of sku1234")
	received, err := client.Inventory.Create(ctx, "sku1234", 20)
	if err != nil {
		return fmt.Errorf("receive stock: %w", err)
	}
	fmt.Fprintf(out, "created %d inventory items, first %s, last %s\n",
		len(received), received[0].Barcode, received[len(received)-1].Barcode)

	section(out, "Inventory of sku1234, newest first (first page of 5)")
	bySKU, err := client.Inventory.List(ctx, &convoy.InventoryListOptions{SKU: "sku1234", Count: 5})
	if err != nil {
		return fmt.Errorf("list inventory by SKU: %w", err)
	}
	printItems(out, bySKU)

	packed := received[0]
	section(out, "Pack "+packed.Barcode)
	packed, err = client.Inventory.Update(ctx, packed.Barcode, &convoy.InventoryUpdateParams{State: convoy.StatePacked})
	if err != nil {
		return fmt.Errorf("pack item: %w", err)
	}
	printItems(out, []*convoy.InventoryItem{packed})

	section(out, "Inventory in state PACKED")
	byState, err := client.Inventory.List(ctx, &convoy.InventoryListOptions{State: convoy.StatePacked})
	if err != nil {
		return fmt.Errorf("list inventory by state: %w", err)
	}
	printItems(out, byState)

	section(out, "Look-ups")
	item, err := client.Inventory.Get(ctx, packed.Barcode)
	if err != nil {
		return fmt.Errorf("get inventory item: %w", err)
	}
	bySKUProduct, err := client.Products.GetBySKU(ctx, item.Product.SKU)
	if err != nil {
		return fmt.Errorf("get product by SKU: %w", err)
	}
	byBarcode, err := client.Products.GetByBarcode(ctx, bySKUProduct.Barcode)
	if err != nil {
		return fmt.Errorf("get product by barcode: %w", err)
	}
	table = newTable(out, "LOOK-UP", "RESULT")
	table.row("inventory item "+item.Barcode, fmt.Sprintf("%s, %s", item.Product.Name, item.State))
	table.row("product by SKU "+bySKUProduct.SKU, bySKUProduct.Name+", barcode "+bySKUProduct.Barcode)
	table.row("product by barcode "+byBarcode.Barcode, byBarcode.Name+", SKU "+byBarcode.SKU)
	table.flush()

	section(out, "A product that does not exist")
	_, err = client.Products.GetBySKU(ctx, "sku0000")
	if !errors.Is(err, convoy.ErrNotFound) {
		return fmt.Errorf("get missing product: expected a not-found error, got %v", err)
	}
	fmt.Fprintf(out, "GetBySKU(%q) failed as expected: %v\n", "sku0000", err)
	return nil
}

// connect returns a client for the server named by CONVOY_API_KEY and
// CONVOY_BASE_URL, or for an embedded convoytest server when no key is set.
// The returned function releases what connect started.
func connect(out io.Writer) (*convoy.Client, func(), error) {
	if key := os.Getenv("CONVOY_API_KEY"); key != "" {
		var opts []convoy.Option
		if baseURL := os.Getenv("CONVOY_BASE_URL"); baseURL != "" {
			opts = append(opts, convoy.WithBaseURL(baseURL))
		}
		client, err := convoy.NewClient(key, opts...)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(out, "Using the Convoy server at %s with CONVOY_API_KEY; this run writes to that account.\n", client.BaseURL())
		return client, func() {}, nil
	}

	if os.Getenv("CONVOY_BASE_URL") != "" {
		fmt.Fprintln(out, "CONVOY_BASE_URL is set but CONVOY_API_KEY is not, so the base URL is ignored.")
	}
	server := convoytest.New()
	server.Start()
	client, err := convoy.NewClient(server.APIKey, convoy.WithBaseURL(server.URL))
	if err != nil {
		server.Close()
		return nil, nil, err
	}
	fmt.Fprintf(out, "CONVOY_API_KEY is not set: using an embedded convoytest server at %s.\n", server.URL)
	return client, server.Close, nil
}

// createManufacturer creates the manufacturer, or fetches it when the
// account already has one with that ID.
func createManufacturer(ctx context.Context, out io.Writer, client *convoy.Client, params *convoy.ManufacturerCreateParams) (*convoy.Manufacturer, error) {
	m, err := client.Manufacturers.Create(ctx, params)
	if errors.Is(err, convoy.ErrConflict) {
		m, err = client.Manufacturers.Get(ctx, params.ID)
		if err == nil && m.Name != params.Name {
			fmt.Fprintf(out, "note: manufacturer %s already exists as %q; using it instead of %q\n", m.ID, m.Name, params.Name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create manufacturer %s: %w", params.Name, err)
	}
	return m, nil
}

// createProduct creates the product, or fetches it when the account
// already has one with that SKU.
func createProduct(ctx context.Context, out io.Writer, client *convoy.Client, params *convoy.ProductCreateParams) (*convoy.Product, error) {
	p, err := client.Products.Create(ctx, params)
	if errors.Is(err, convoy.ErrConflict) {
		p, err = client.Products.GetBySKU(ctx, params.SKU)
		if err == nil && (p.Name != params.Name || !p.Manufacturer.ID.Equal(params.ManufacturerID)) {
			fmt.Fprintf(out, "note: product %s already exists as %q of manufacturer %s; using it\n", p.SKU, p.Name, p.Manufacturer.ID)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create product %s: %w", params.SKU, err)
	}
	return p, nil
}

func section(out io.Writer, title string) {
	fmt.Fprintf(out, "\n%s\n", title)
}

func printItems(out io.Writer, items []*convoy.InventoryItem) {
	table := newTable(out, "BARCODE", "SKU", "STATE", "CREATED", "MODIFIED")
	for _, item := range items {
		table.row(item.Barcode, item.Product.SKU, item.State,
			item.DateCreated.Format(time.DateTime), item.DateModified.Format(time.DateTime))
	}
	table.flush()
}

// table writes rows of tab-separated cells as aligned columns.
type table struct{ w *tabwriter.Writer }

func newTable(out io.Writer, header ...any) table {
	t := table{w: tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t table) row(cells ...any) {
	for i, cell := range cells {
		if i > 0 {
			fmt.Fprint(t.w, "\t")
		}
		fmt.Fprint(t.w, cell)
	}
	fmt.Fprintln(t.w)
}

func (t table) flush() { _ = t.w.Flush() }
