package convoy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// InventoryState is the state of an inventory item. The server may use
// states this package has no constant for; they decode unchanged.
type InventoryState string

// Inventory states. New items start as StateInventoried, and any state may
// follow any other.
const (
	StateInventoried InventoryState = "INVENTORIED"
	StatePacked      InventoryState = "PACKED"
	StateShipped     InventoryState = "SHIPPED"
)

// InventoryItem is one physical unit of a product, identified by a barcode
// the server generates ("I" and a UUID).
type InventoryItem struct {
	Barcode string
	State   InventoryState
	// DateCreated and DateModified are in UTC, with whole seconds.
	DateCreated  time.Time
	DateModified time.Time
	Product      InventoryProduct
}

// InventoryProduct is the product of an inventory item. Unlike Product it
// has no barcode, because the API does not send one here.
type InventoryProduct struct {
	SKU          string       `json:"sku"`
	Name         string       `json:"name"`
	Manufacturer Manufacturer `json:"manufacturer"`
}

// inventoryItemJSON is the wire form of InventoryItem: timestamps are Unix
// seconds.
type inventoryItemJSON struct {
	State        InventoryState   `json:"state"`
	Barcode      string           `json:"barcode"`
	DateCreated  int64            `json:"date_created"`
	DateModified int64            `json:"date_modified"`
	Product      InventoryProduct `json:"product"`
}

func (w *inventoryItemJSON) item() InventoryItem {
	return InventoryItem{
		Barcode:      w.Barcode,
		State:        w.State,
		DateCreated:  time.Unix(w.DateCreated, 0).UTC(),
		DateModified: time.Unix(w.DateModified, 0).UTC(),
		Product:      w.Product,
	}
}

// MarshalJSON writes the item in the API's form, with the timestamps as
// Unix seconds.
func (it InventoryItem) MarshalJSON() ([]byte, error) {
	return json.Marshal(inventoryItemJSON{
		State:        it.State,
		Barcode:      it.Barcode,
		DateCreated:  it.DateCreated.Unix(),
		DateModified: it.DateModified.Unix(),
		Product:      it.Product,
	})
}

// UnmarshalJSON reads the item in the API's form.
func (it *InventoryItem) UnmarshalJSON(data []byte) error {
	var w inventoryItemJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*it = w.item()
	return nil
}

// inventoryItems converts a decoded page in one allocation.
func inventoryItems(wire []inventoryItemJSON) []InventoryItem {
	items := make([]InventoryItem, len(wire))
	for i := range wire {
		items[i] = wire[i].item()
	}
	return items
}

// InventoryService calls the /inventory endpoints. Get it from
// Client.Inventory.
type InventoryService struct {
	client *Client
}

// InventoryListOptions selects a page of GET /inventory.
type InventoryListOptions struct {
	// Page is the page number, from 1. Zero means the first page.
	Page int `url:"page,omitempty"`
	// Count is the page size, 1 to 50. Zero means the server's default,
	// 25, for List, and 50 for All.
	Count int `url:"count,omitempty"`
	// State, when set, returns only items in that state.
	State InventoryState `url:"state,omitempty"`
	// SKU, when set, returns only items of that product.
	SKU string `url:"sku,omitempty"`
}

// InventoryUpdateParams is the body of PUT /inventory/{barcode}.
type InventoryUpdateParams struct {
	// State is the new state. Setting the current state again changes
	// nothing.
	State InventoryState `url:"state"`
}

type inventoryCreateParams struct {
	SKU      string `url:"sku"`
	Quantity int    `url:"quantity"`
}

// List returns one page of inventory items, newest first, with
// GET /inventory. opts may be nil.
func (s *InventoryService) List(ctx context.Context, opts *InventoryListOptions) ([]*InventoryItem, error) {
	var wire []inventoryItemJSON
	page, err := s.list(ctx, opts, &wire)
	return pointers(page), err
}

// list returns one page of inventory items as values, for List and All. It
// decodes into *wire, reusing its capacity, so a walk with All decodes
// every page into one buffer.
func (s *InventoryService) list(ctx context.Context, opts *InventoryListOptions, wire *[]inventoryItemJSON) ([]InventoryItem, error) {
	const path = "inventory"
	if err := checkListOptions(http.MethodGet, path, opts, "count", maxCount); err != nil {
		return nil, err
	}
	if opts != nil {
		if err := checkText(http.MethodGet, path, "SKU filter", opts.SKU, 0); err != nil {
			return nil, err
		}
		if err := checkText(http.MethodGet, path, "state filter", string(opts.State), 0); err != nil {
			return nil, err
		}
	}

	// encoding/json decodes into reused elements without zeroing them, so
	// a field missing from this page would keep the previous page's value.
	clear((*wire)[:cap(*wire)])
	*wire = (*wire)[:0]
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path, query: opts}, wire); err != nil {
		return nil, err
	}
	return inventoryItems(*wire), nil
}

// All iterates over every inventory item matching opts from opts.Page on,
// newest first, fetching pages of opts.Count (default 50) as the loop needs
// them.
//
// Do not change items so that they leave the filter while iterating over
// it, such as packing every INVENTORIED item inside a loop over
// All(ctx, &InventoryListOptions{State: StateInventoried}). Pages are
// offsets, so each item leaving the filter moves a later one onto a page
// already read, and that item is skipped; updating every item skips every
// second page. Instead, fetch page 1 of the filter with List, update what
// it returns, and repeat until it comes back empty. Or collect the items
// with All first and update them after the loop. See the package
// documentation under "Iterating".
func (s *InventoryService) All(ctx context.Context, opts *InventoryListOptions) iter.Seq2[*InventoryItem, error] {
	o := InventoryListOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Count == 0 {
		o.Count = defaultIteratorPageSize
	}
	return func(yield func(*InventoryItem, error) bool) {
		// Each loop over the sequence pages with its own copy of the
		// options and its own buffer, so loops may run concurrently.
		o := o
		var wire []inventoryItemJSON
		paginate(o.Page, o.Count, func(page int) ([]InventoryItem, error) {
			o.Page = page
			return s.list(ctx, &o, &wire)
		}, func(it *InventoryItem) string { return it.Barcode })(yield)
	}
}

// Get returns the inventory item with the given barcode, with
// GET /inventory/{barcode}. A missing one is an error matching ErrNotFound.
func (s *InventoryService) Get(ctx context.Context, barcode string) (*InventoryItem, error) {
	path := "inventory/" + escapeSegment(barcode)
	if barcode == "" {
		return nil, invalidRequest(http.MethodGet, path, "inventory barcode is empty")
	}
	if err := checkText(http.MethodGet, path, "inventory barcode", barcode, 0); err != nil {
		return nil, err
	}

	var w inventoryItemJSON
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path}, &w); err != nil {
		return nil, err
	}
	it := w.item()
	return &it, nil
}

// Create adds quantity (1 or more) items of the product sku, all
// INVENTORIED, with POST /inventory, and returns them in creation order. A
// failure that may have left items created matches ErrOutcomeUnknown:
// list the SKU's newest items to see whether they exist before calling
// Create again, because every call creates new items.
func (s *InventoryService) Create(ctx context.Context, sku string, quantity int) ([]*InventoryItem, error) {
	const path = "inventory"
	switch {
	case sku == "":
		return nil, invalidRequest(http.MethodPost, path, "product SKU is empty")
	case quantity < 1:
		// The API reference gives no maximum, so a larger quantity is
		// left to the server to accept or reject.
		return nil, invalidRequest(http.MethodPost, path, "quantity must be 1 or more, got %d", quantity)
	}
	if err := checkText(http.MethodPost, path, "product SKU", sku, maxIDLen); err != nil {
		return nil, err
	}

	var items []inventoryItemJSON
	params := &inventoryCreateParams{SKU: sku, Quantity: quantity}
	if err := s.client.do(ctx, call{method: http.MethodPost, path: path, form: params}, &items); err != nil {
		return nil, err
	}
	return pointers(inventoryItems(items)), nil
}

// Update sets the state of the inventory item with the given barcode, with
// PUT /inventory/{barcode}, and returns the updated item. Setting the state
// it already has changes nothing, so Update is safe to retry.
func (s *InventoryService) Update(ctx context.Context, barcode string, params *InventoryUpdateParams) (*InventoryItem, error) {
	path := "inventory/" + escapeSegment(barcode)
	switch {
	case barcode == "":
		return nil, invalidRequest(http.MethodPut, path, "inventory barcode is empty")
	case params == nil || params.State == "":
		return nil, invalidRequest(http.MethodPut, path, "inventory state is empty")
	}
	if err := checkText(http.MethodPut, path, "inventory barcode", barcode, 0); err != nil {
		return nil, err
	}
	if err := checkText(http.MethodPut, path, "inventory state", string(params.State), 0); err != nil {
		return nil, err
	}

	var one oneInventoryItem
	if err := s.client.do(ctx, call{method: http.MethodPut, path: path, form: params}, &one); err != nil {
		return nil, err
	}
	it := one.item()
	return &it, nil
}

// oneInventoryItem decodes the PUT response, which the API documents as an
// array holding the updated item; a bare object is accepted too.
type oneInventoryItem struct {
	inventoryItemJSON
}

func (o *oneInventoryItem) UnmarshalJSON(data []byte) error {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '[' {
		return json.Unmarshal(data, &o.inventoryItemJSON)
	}

	var items []inventoryItemJSON
	if err := json.Unmarshal(data, &items); err != nil {
		return err
	}
	if len(items) != 1 {
		return fmt.Errorf("want an array of one inventory item, got %d items", len(items))
	}
	o.inventoryItemJSON = items[0]
	return nil
}

func (o *InventoryListOptions) pageAndSize() (page, size int) {
	if o == nil {
		return 0, 0
	}
	return o.Page, o.Count
}
