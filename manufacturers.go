package convoy

import (
	"context"
	"iter"
	"net/http"
)

// Manufacturer is a maker of products.
type Manufacturer struct {
	// ID is a JSON number or string; see ManufacturerID.
	ID   ManufacturerID `json:"manufacturer_id"`
	Name string         `json:"name"`
}

// ManufacturersService calls the /manufacturers endpoints. Get it from
// Client.Manufacturers.
type ManufacturersService struct {
	client *Client
}

// ManufacturerListOptions selects a page of GET /manufacturers.
type ManufacturerListOptions struct {
	// Page is the page number, from 1. Zero means the first page.
	Page int `url:"page,omitempty"`
	// Limit is the page size, 1 or more. Zero means the server's default,
	// 25, for List, and 50 for All. The API documents no maximum, so the
	// client sends any positive value (convoytest accepts up to 1000).
	Limit int `url:"limit,omitempty"`
}

// ManufacturerCreateParams is the body of POST /manufacturers.
type ManufacturerCreateParams struct {
	// ID is the manufacturer's ID in your own records. Leave it unset to
	// have the server generate one ("M" and a random UUID).
	ID ManufacturerID `url:"manufacturer_id,omitempty"`
	// Name is required, 1 to 200 characters.
	Name string `url:"name"`
}

// List returns one page of manufacturers, oldest first, with
// GET /manufacturers. opts may be nil.
func (s *ManufacturersService) List(ctx context.Context, opts *ManufacturerListOptions) ([]*Manufacturer, error) {
	page, err := s.list(ctx, opts)
	return pointers(page), err
}

// list returns one page of manufacturers as values, for List and All.
func (s *ManufacturersService) list(ctx context.Context, opts *ManufacturerListOptions) ([]Manufacturer, error) {
	const path = "manufacturers"
	if err := checkListOptions(http.MethodGet, path, opts, "limit", noMaxSize); err != nil {
		return nil, err
	}

	var page []Manufacturer
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path, query: opts}, &page); err != nil {
		return nil, err
	}
	return page, nil
}

// All iterates over every manufacturer from opts.Page on, fetching pages of
// opts.Limit (default 50) as the loop needs them. See the package
// documentation under "Iterating" for how it handles a changing list.
func (s *ManufacturersService) All(ctx context.Context, opts *ManufacturerListOptions) iter.Seq2[*Manufacturer, error] {
	o := ManufacturerListOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = defaultIteratorPageSize
	}
	return func(yield func(*Manufacturer, error) bool) {
		o := o // each loop over the sequence pages with its own options
		paginate(o.Page, o.Limit, func(page int) ([]Manufacturer, error) {
			o.Page = page
			return s.list(ctx, &o)
		}, func(m *Manufacturer) ManufacturerID { return m.ID })(yield)
	}
}

// Get returns the manufacturer with the given ID, with
// GET /manufacturers/{id}. A missing one is an error matching ErrNotFound.
func (s *ManufacturersService) Get(ctx context.Context, id ManufacturerID) (*Manufacturer, error) {
	path := "manufacturers/" + escapeSegment(id.String())
	if id.IsZero() {
		return nil, invalidRequest(http.MethodGet, path, "manufacturer ID is empty")
	}
	if err := checkText(http.MethodGet, path, "manufacturer ID", id.String(), 0); err != nil {
		return nil, err
	}

	m := new(Manufacturer)
	if err := s.client.do(ctx, call{method: http.MethodGet, path: path}, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Create adds a manufacturer with POST /manufacturers and returns it as
// stored, with its ID. An ID that already exists is an error matching
// ErrConflict. A failure that may have left the manufacturer created
// matches ErrOutcomeUnknown.
func (s *ManufacturersService) Create(ctx context.Context, params *ManufacturerCreateParams) (*Manufacturer, error) {
	const path = "manufacturers"
	if params == nil || params.Name == "" {
		return nil, invalidRequest(http.MethodPost, path, "manufacturer name is empty")
	}
	if err := checkText(http.MethodPost, path, "manufacturer name", params.Name, maxNameLen); err != nil {
		return nil, err
	}
	if !params.ID.IsZero() {
		if err := checkText(http.MethodPost, path, "manufacturer ID", params.ID.String(), maxIDLen); err != nil {
			return nil, err
		}
	}

	m := new(Manufacturer)
	if err := s.client.do(ctx, call{method: http.MethodPost, path: path, form: params}, m); err != nil {
		return nil, err
	}
	return m, nil
}

func (o *ManufacturerListOptions) pageAndSize() (page, size int) {
	if o == nil {
		return 0, 0
	}
	return o.Page, o.Limit
}
