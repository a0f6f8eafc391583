package convoy

import (
	"context"
	"iter"
	"net/http"
)

// maxCount is the largest page size GET /products and GET /inventory
// accept.
const maxCount = 50

// Product is a product line, identified by its SKU and by a barcode the
// server generates ("P" and a UUID).
type Product struct {
	SKU          string       `json:"sku"`
	Barcode      string       `json:"barcode"`
	Name         string       `json:"name"`
	Manufacturer Manufacturer `json:"manufacturer"`
}

// ProductsService calls the /products endpoints. Get it from
// Client.Products.
type ProductsService struct {
	client *Client
}

// ProductListOptions selects a page of GET /products.
type ProductListOptions struct {
	// Page is the page number, from 1. Zero means the first page.
	Page int `url:"page,omitempty"`
	// Count is the page size, 1 to 50. Zero means the server's default,
	// 25, for List, and 50 for All.
	Count int `url:"count,omitempty"`
	// ManufacturerID, when set, returns only that manufacturer's products.
	ManufacturerID ManufacturerID `url:"manufacturer_id,omitempty"`
}

// ProductCreateParams is the body of POST /products. Every field is
// required.
type ProductCreateParams struct {
	// Name is 1 to 200 characters.
	Name string `url:"name"`
	// SKU is 1 to 64 printable characters, unique in the account.
	SKU string `url:"sku"`
	// ManufacturerID names an existing manufacturer.
	ManufacturerID ManufacturerID `url:"manufacturer_id"`
}

// List returns one page of products, oldest first, with GET /products.
// opts may be nil.
func (s *ProductsService) List(ctx context.Context, opts *ProductListOptions) ([]*Product, error) {
	page, err := s.list(ctx, opts)
	return pointers(page), err
}

// list returns one page of products as values, for List and All.
func (s *ProductsService) list(ctx context.Context, opts *ProductListOptions) ([]Product, error) {
	const path = "products"
	if err := checkListOptions(http.MethodGet, path, opts, "count", maxCount); err != nil {
		return nil, err
	}
	if opts != nil && !opts.ManufacturerID.IsZero() {
		if err := checkText(http.MethodGet, path, "manufacturer ID filter", opts.ManufacturerID.String(), 0); err != nil {
			return nil, err
		}
	}

	var page []Product
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path, query: opts}, &page); err != nil {
		return nil, err
	}
	return page, nil
}

// All iterates over every product matching opts from opts.Page on,
// fetching pages of opts.Count (default 50) as the loop needs them. See the
// package documentation under "Iterating" for how it handles a changing
// list.
func (s *ProductsService) All(ctx context.Context, opts *ProductListOptions) iter.Seq2[*Product, error] {
	o := ProductListOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Count == 0 {
		o.Count = defaultIteratorPageSize
	}
	return func(yield func(*Product, error) bool) {
		o := o // each loop over the sequence pages with its own options
		paginate(o.Page, o.Count, func(page int) ([]Product, error) {
			o.Page = page
			return s.list(ctx, &o)
		}, func(p *Product) string { return p.Barcode })(yield)
	}
}

// GetBySKU returns the product with the given SKU, with
// GET /products/sku/{sku}. A missing one is an error matching ErrNotFound.
func (s *ProductsService) GetBySKU(ctx context.Context, sku string) (*Product, error) {
	return s.get(ctx, "products/sku/", "SKU", sku)
}

// GetByBarcode returns the product with the given barcode, with
// GET /products/barcode/{barcode}. A missing one is an error matching
// ErrNotFound.
func (s *ProductsService) GetByBarcode(ctx context.Context, barcode string) (*Product, error) {
	return s.get(ctx, "products/barcode/", "barcode", barcode)
}

func (s *ProductsService) get(ctx context.Context, prefix, field, value string) (*Product, error) {
	path := prefix + escapeSegment(value)
	if value == "" {
		return nil, invalidRequest(http.MethodGet, path, "product %s is empty", field)
	}
	if err := checkText(http.MethodGet, path, "product "+field, value, 0); err != nil {
		return nil, err
	}

	p := new(Product)
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path}, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Create adds a product with POST /products and returns it with its
// barcode. A SKU that already exists is an error matching ErrConflict; an
// unknown manufacturer matches ErrInvalidRequest. A failure that may have
// left the product created matches ErrOutcomeUnknown.
func (s *ProductsService) Create(ctx context.Context, params *ProductCreateParams) (*Product, error) {
	const path = "products"
	switch {
	case params == nil || params.Name == "":
		return nil, invalidRequest(http.MethodPost, path, "product name is empty")
	case params.SKU == "":
		return nil, invalidRequest(http.MethodPost, path, "product SKU is empty")
	case params.ManufacturerID.IsZero():
		return nil, invalidRequest(http.MethodPost, path, "product manufacturer ID is empty")
	}
	for _, f := range []struct {
		name, value string
		maxLen      int
	}{
		{"product name", params.Name, maxNameLen},
		{"product SKU", params.SKU, maxIDLen},
		{"product manufacturer ID", params.ManufacturerID.String(), maxIDLen},
	} {
		if err := checkText(http.MethodPost, path, f.name, f.value, f.maxLen); err != nil {
			return nil, err
		}
	}

	p := new(Product)
	if err := s.client.do(ctx, call{method: http.MethodPost, path: path, form: params}, p); err != nil {
		return nil, err
	}
	return p, nil
}

func (o *ProductListOptions) pageAndSize() (page, size int) {
	if o == nil {
		return 0, 0
	}
	return o.Page, o.Count
}
