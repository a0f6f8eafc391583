package convoytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// Manufacturer is a manufacturer to seed or as stored.
type Manufacturer struct {
	// ID is the manufacturer_id as text, such as "1" or "Mabc". Empty
	// when seeding means the server generates "M" and a UUID. As for IDs
	// sent to the API, the server writes an ID of only decimal digits,
	// without a leading zero and at most 15 digits long, back as a JSON
	// number, and any other ID as a string.
	ID   string
	Name string
}

// Product is a product to seed or as stored.
type Product struct {
	SKU string
	// Barcode is "P" followed by a lowercase UUID. Empty when seeding
	// means the server generates one.
	Barcode        string
	Name           string
	ManufacturerID string
}

// InventoryItem is an inventory item to seed or as stored.
type InventoryItem struct {
	// Barcode is "I" followed by a lowercase UUID. Empty when seeding
	// means the server generates one.
	Barcode string
	SKU     string
	// State is one of the server's states. Empty when seeding means the
	// initial state.
	State string
	// DateCreated and DateModified have whole-second precision and are
	// returned in UTC. A zero DateCreated when seeding means the server
	// clock's now, and a zero DateModified means DateCreated.
	DateCreated  time.Time
	DateModified time.Time
	// Quantity, when seeding, adds that many items alike, each with a
	// generated barcode (Barcode must then be empty). 0 means 1. It is
	// always 0 in a Snapshot.
	Quantity int
}

// Fixtures is a set of data to seed into an account, and the form
// Snapshot returns it in. Its JSON form is what LoadFixtures reads:
//
//	{
//	  "manufacturers": [{"manufacturer_id": 1, "name": "Apple"}],
//	  "products": [{"sku": "sku1234", "name": "iPhone 5s", "manufacturer_id": 1}],
//	  "inventory": [
//	    {"sku": "sku1234", "state": "PACKED", "date_created": 1470287770, "quantity": 20},
//	    {"sku": "sku1234", "barcode": "I954d3fae-885e-4e46-b9fb-5de959acd7b5"}
//	  ]
//	}
//
// manufacturer_id is a JSON number or string; barcode, state, the Unix
// second timestamps and quantity are optional, as in the Go fields.
type Fixtures struct {
	Manufacturers []Manufacturer  `json:"manufacturers,omitempty"`
	Products      []Product       `json:"products,omitempty"`
	Inventory     []InventoryItem `json:"inventory,omitempty"`
}

// LoadFixtures reads fixtures JSON. Unknown fields and trailing data are
// errors, so a misspelled field does not go unnoticed.
func LoadFixtures(r io.Reader) (*Fixtures, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}

	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New(`fixtures are empty; want a JSON object such as {"manufacturers": [], "products": [], "inventory": []}`)
	}

	var f Fixtures
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&f)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object")
	}
	if err != nil {
		return nil, fmt.Errorf("invalid fixtures at %s: %w", position(data, jsonErrorOffset(err, dec)), err)
	}

	return &f, nil
}

// jsonErrorOffset returns the byte offset a decoding error refers to. For
// an unknown field that is the end of the object holding it.
func jsonErrorOffset(err error, dec *json.Decoder) int64 {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return syntax.Offset - 1 // Offset counts the invalid byte itself
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Offset
	}
	return dec.InputOffset()
}

// position returns "line L, column C", both from 1, of the byte at offset
// in data.
func position(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, column)
}

// LoadFixturesFile reads a fixtures JSON file; see LoadFixtures.
func LoadFixturesFile(path string) (*Fixtures, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open fixtures: %w", err)
	}
	defer file.Close()

	f, err := LoadFixtures(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}

	return f, nil
}

// strictUnmarshal decodes one JSON value, rejecting unknown fields and
// trailing data. Custom UnmarshalJSON methods call it too, because a
// decoder's DisallowUnknownFields does not reach into them.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}

	return nil
}

type fixtureManufacturer struct {
	ID   wireID `json:"manufacturer_id,omitempty"`
	Name string `json:"name"`
}

// MarshalJSON writes the fixtures form, with a numeric ID as a number.
func (m Manufacturer) MarshalJSON() ([]byte, error) {
	return json.Marshal(fixtureManufacturer{ID: wireID(m.ID), Name: m.Name})
}

// UnmarshalJSON reads the fixtures form.
func (m *Manufacturer) UnmarshalJSON(data []byte) error {
	var w fixtureManufacturer
	if err := strictUnmarshal(data, &w); err != nil {
		return err
	}
	*m = Manufacturer{ID: string(w.ID), Name: w.Name}

	return nil
}

type fixtureProduct struct {
	SKU            string `json:"sku"`
	Barcode        string `json:"barcode,omitempty"`
	Name           string `json:"name"`
	ManufacturerID wireID `json:"manufacturer_id"`
}

// MarshalJSON writes the fixtures form, with a numeric manufacturer ID
// as a number.
func (p Product) MarshalJSON() ([]byte, error) {
	return json.Marshal(fixtureProduct{SKU: p.SKU, Barcode: p.Barcode, Name: p.Name, ManufacturerID: wireID(p.ManufacturerID)})
}

// UnmarshalJSON reads the fixtures form.
func (p *Product) UnmarshalJSON(data []byte) error {
	var w fixtureProduct
	if err := strictUnmarshal(data, &w); err != nil {
		return err
	}
	*p = Product{SKU: w.SKU, Barcode: w.Barcode, Name: w.Name, ManufacturerID: string(w.ManufacturerID)}

	return nil
}

type fixtureItem struct {
	Barcode      string `json:"barcode,omitempty"`
	SKU          string `json:"sku"`
	State        string `json:"state,omitempty"`
	DateCreated  *int64 `json:"date_created,omitempty"`
	DateModified *int64 `json:"date_modified,omitempty"`
	Quantity     int    `json:"quantity,omitempty"`
}

// MarshalJSON writes the fixtures form, with times as Unix seconds.
func (it InventoryItem) MarshalJSON() ([]byte, error) {
	return json.Marshal(fixtureItem{
		Barcode:      it.Barcode,
		SKU:          it.SKU,
		State:        it.State,
		DateCreated:  unixOrNil(it.DateCreated),
		DateModified: unixOrNil(it.DateModified),
		Quantity:     it.Quantity,
	})
}

// UnmarshalJSON reads the fixtures form.
func (it *InventoryItem) UnmarshalJSON(data []byte) error {
	var w fixtureItem
	if err := strictUnmarshal(data, &w); err != nil {
		return err
	}
	*it = InventoryItem{
		Barcode:      w.Barcode,
		SKU:          w.SKU,
		State:        w.State,
		DateCreated:  timeOrZero(w.DateCreated),
		DateModified: timeOrZero(w.DateModified),
		Quantity:     w.Quantity,
	}

	return nil
}

func unixOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	sec := t.Unix()

	return &sec
}

func timeOrZero(sec *int64) time.Time {
	if sec == nil {
		return time.Time{}
	}

	return time.Unix(*sec, 0).UTC()
}

// Account is the data of one API key, for seeding and inspection from Go.
// Its methods are safe for concurrent use with requests.
type Account struct {
	s *Server
	a *account
}

// APIKey returns the account's key.
func (acc *Account) APIKey() string { return acc.a.key }

// Seed adds the fixtures' manufacturers, then products, then inventory.
// It returns an error and changes nothing when any entry is invalid. An
// entry is invalid when its text breaks the API's rules, its ID, SKU or
// barcode exists, it names a missing manufacturer or SKU, or its state is
// unknown. Inventory older than the newest stored item is invalid too,
// because items are stored oldest first so that lists stay sorted by
// date_created. After a successful call, Server.Reset returns the account
// to this data.
func (acc *Account) Seed(f *Fixtures) error {
	a := acc.a
	a.mu.Lock()
	defer a.mu.Unlock()

	plan, err := acc.s.planSeed(a, f)
	if err != nil {
		return err
	}
	acc.s.applySeed(a, plan)
	a.markBaseline()

	return nil
}

// AddManufacturers seeds manufacturers; see Seed.
func (acc *Account) AddManufacturers(ms ...Manufacturer) error {
	return acc.Seed(&Fixtures{Manufacturers: ms})
}

// AddProducts seeds products; see Seed.
func (acc *Account) AddProducts(ps ...Product) error {
	return acc.Seed(&Fixtures{Products: ps})
}

// AddInventory seeds inventory items; see Seed. One entry with a large
// Quantity seeds a million items without building a million entries.
func (acc *Account) AddInventory(items ...InventoryItem) error {
	return acc.Seed(&Fixtures{Inventory: items})
}

// Snapshot returns a copy of the account's data: manufacturers and
// products oldest first, inventory oldest first (the reverse of the API's
// list order). Seeding it into an empty account recreates the data.
func (acc *Account) Snapshot() *Fixtures {
	a := acc.a
	a.mu.RLock()
	defer a.mu.RUnlock()

	f := &Fixtures{
		Manufacturers: make([]Manufacturer, 0, len(a.manufacturers)),
		Products:      make([]Product, 0, len(a.products)),
		Inventory:     make([]InventoryItem, 0, len(a.items)),
	}
	for i := range a.manufacturers {
		f.Manufacturers = append(f.Manufacturers, a.manufacturerAt(int32(i)))
	}
	for i := range a.products {
		f.Products = append(f.Products, a.productAt(int32(i)))
	}
	for i := range a.items {
		f.Inventory = append(f.Inventory, acc.s.itemAt(a, int32(i)))
	}

	return f
}

// Manufacturer returns the manufacturer with the given ID.
func (acc *Account) Manufacturer(id string) (Manufacturer, bool) {
	a := acc.a
	a.mu.RLock()
	defer a.mu.RUnlock()

	m, found := a.manufacturerByID[id]
	if !found {
		return Manufacturer{}, false
	}

	return a.manufacturerAt(m), true
}

// Product returns the product with the given SKU.
func (acc *Account) Product(sku string) (Product, bool) {
	a := acc.a
	a.mu.RLock()
	defer a.mu.RUnlock()

	p, found := a.productBySKU[sku]
	if !found {
		return Product{}, false
	}

	return a.productAt(p), true
}

// InventoryItem returns the inventory item with the given barcode.
func (acc *Account) InventoryItem(barcode string) (InventoryItem, bool) {
	a := acc.a
	a.mu.RLock()
	defer a.mu.RUnlock()

	pos, apiErr := findItem(a, barcode)
	if apiErr != nil {
		return InventoryItem{}, false
	}

	return acc.s.itemAt(a, pos), true
}

// CountInventory returns the number of items in state with sku; an empty
// state or sku matches any. An unknown state or sku counts 0. It takes
// O(1) time.
func (acc *Account) CountInventory(state, sku string) int {
	a := acc.a
	a.mu.RLock()
	defer a.mu.RUnlock()

	st := noFilter
	if state != "" {
		s, known := acc.s.states[state]
		if !known {
			return 0
		}
		st = int(s)
	}

	prod := noFilter
	if sku != "" {
		p, found := a.productBySKU[sku]
		if !found {
			return 0
		}
		prod = int(p)
	}

	return a.countInventory(st, prod)
}

func (a *account) manufacturerAt(m int32) Manufacturer {
	return Manufacturer{ID: a.manufacturers[m].id, Name: a.manufacturers[m].name}
}

func (a *account) productAt(p int32) Product {
	prod := &a.products[p]

	return Product{
		SKU:            prod.sku,
		Barcode:        prod.barcode.barcode(productPrefix),
		Name:           prod.name,
		ManufacturerID: a.manufacturers[prod.manufacturer].id,
	}
}

func (s *Server) itemAt(a *account, pos int32) InventoryItem {
	it := &a.items[pos]

	return InventoryItem{
		Barcode:      it.barcode.barcode(itemPrefix),
		SKU:          a.products[it.product].sku,
		State:        s.cfg.states[it.state],
		DateCreated:  time.Unix(it.created, 0).UTC(),
		DateModified: time.Unix(it.modified, 0).UTC(),
	}
}

// seedPlan is a validated Fixtures with every reference resolved to a
// position, ready to apply without further checks.
type seedPlan struct {
	manufacturers []manufacturer
	products      []product
	items         []plannedItems
	itemCount     int
}

// plannedItems is quantity alike items, with generated barcodes unless
// explicit is set.
type plannedItems struct {
	barcode  uuid
	explicit bool // barcode came from the caller
	created  int64
	modified int64
	product  int32
	state    uint8
	quantity int
}

// planSeed checks f against the account and itself; the caller holds
// a.mu.
func (s *Server) planSeed(a *account, f *Fixtures) (*seedPlan, error) {
	plan := &seedPlan{}
	manufacturerIDs := map[string]int32{}
	for i, m := range f.Manufacturers {
		id := m.ID
		if id == "" {
			id = s.newManufacturerID(a)
		} else if e := checkField("manufacturer_id", id, 1, maxIDLen); e != nil {
			return nil, fmt.Errorf("manufacturers[%d]: %s", i, e.message)
		}
		if e := checkField("name", m.Name, 1, maxNameLen); e != nil {
			return nil, fmt.Errorf("manufacturers[%d]: %s", i, e.message)
		}

		_, stored := a.manufacturerByID[id]
		if _, dup := manufacturerIDs[id]; dup || stored {
			return nil, fmt.Errorf("manufacturers[%d]: manufacturer_id %s already exists", i, quote(id))
		}
		manufacturerIDs[id] = int32(len(a.manufacturers) + i)
		plan.manufacturers = append(plan.manufacturers, manufacturer{id: id, name: m.Name})
	}

	skus := map[string]int32{}
	barcodes := map[uuid]bool{}
	for i, p := range f.Products {
		prod, err := s.planProduct(a, p, manufacturerIDs, skus, barcodes)
		if err != nil {
			return nil, fmt.Errorf("products[%d]: %w", i, err)
		}
		skus[p.SKU] = int32(len(a.products) + i)
		barcodes[prod.barcode] = true
		plan.products = append(plan.products, prod)
	}

	itemBarcodes := map[uuid]bool{}
	for i, it := range f.Inventory {
		planned, err := s.planItems(a, it, skus, itemBarcodes)
		if err != nil {
			return nil, fmt.Errorf("inventory[%d]: %w", i, err)
		}
		plan.items = append(plan.items, planned)
		plan.itemCount += planned.quantity
	}

	slices.SortStableFunc(plan.items, func(x, y plannedItems) int {
		return cmpInt64(x.created, y.created)
	})
	if len(plan.items) > 0 && plan.items[0].created < a.newestCreated() {
		return nil, fmt.Errorf("inventory created at %s is older than the newest stored item (%s); seed inventory oldest first",
			time.Unix(plan.items[0].created, 0).UTC().Format(time.RFC3339), time.Unix(a.newestCreated(), 0).UTC().Format(time.RFC3339))
	}

	return plan, nil
}

func cmpInt64(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	default:
		return 0
	}
}

func (s *Server) planProduct(a *account, p Product, manufacturerIDs, skus map[string]int32, barcodes map[uuid]bool) (product, error) {
	for _, field := range []struct {
		name, value string
		maxLen      int
	}{{"sku", p.SKU, maxIDLen}, {"name", p.Name, maxNameLen}, {"manufacturer_id", p.ManufacturerID, maxIDLen}} {
		if e := checkField(field.name, field.value, 1, field.maxLen); e != nil {
			return product{}, errors.New(e.message)
		}
	}

	_, stored := a.productBySKU[p.SKU]
	if _, dup := skus[p.SKU]; dup || stored {
		return product{}, fmt.Errorf("a product with sku %s already exists", quote(p.SKU))
	}

	m, found := a.manufacturerByID[p.ManufacturerID]
	if !found {
		m, found = manufacturerIDs[p.ManufacturerID]
	}
	if !found {
		return product{}, fmt.Errorf("no manufacturer with manufacturer_id %s", quote(p.ManufacturerID))
	}

	prod := product{sku: p.SKU, name: p.Name, manufacturer: m}
	if p.Barcode == "" {
		prod.barcode = s.unusedUUID(func(u uuid) bool { return barcodes[u] || a.hasProductBarcode(u) })
		return prod, nil
	}

	barcode, valid := parseBarcode(productPrefix, p.Barcode)
	if !valid {
		return product{}, fmt.Errorf("barcode %s is not \"P\" followed by a lowercase UUID", quote(p.Barcode))
	}
	if barcodes[barcode] || a.hasProductBarcode(barcode) {
		return product{}, fmt.Errorf("a product with barcode %s already exists", quote(p.Barcode))
	}
	prod.barcode = barcode

	return prod, nil
}

func (s *Server) planItems(a *account, it InventoryItem, skus map[string]int32, barcodes map[uuid]bool) (plannedItems, error) {
	p, found := a.productBySKU[it.SKU]
	if !found {
		p, found = skus[it.SKU]
	}
	if !found {
		return plannedItems{}, fmt.Errorf("no product with sku %s", quote(it.SKU))
	}

	planned := plannedItems{product: p, quantity: max(it.Quantity, 1)}
	if it.State != "" {
		state, apiErr := s.parseState(it.State)
		if apiErr != nil {
			return plannedItems{}, errors.New(apiErr.message)
		}
		planned.state = state
	}

	created, modified := it.DateCreated, it.DateModified
	if created.IsZero() {
		created = s.clock.Now()
	}
	if modified.IsZero() {
		modified = created
	}
	planned.created, planned.modified = created.Unix(), modified.Unix()
	if planned.modified < planned.created {
		return plannedItems{}, fmt.Errorf("date_modified %s is before date_created %s",
			modified.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339))
	}

	switch {
	case it.Quantity < 0:
		return plannedItems{}, fmt.Errorf("quantity %d is negative", it.Quantity)
	case it.Barcode == "":
		return planned, nil
	case it.Quantity > 1:
		return plannedItems{}, fmt.Errorf("barcode %s is given for quantity %d; leave it empty to generate barcodes", quote(it.Barcode), it.Quantity)
	}

	barcode, valid := parseBarcode(itemPrefix, it.Barcode)
	if !valid {
		return plannedItems{}, fmt.Errorf("barcode %s is not \"I\" followed by a lowercase UUID", quote(it.Barcode))
	}
	if barcodes[barcode] || a.hasItemBarcode(barcode) {
		return plannedItems{}, fmt.Errorf("an inventory item with barcode %s already exists", quote(it.Barcode))
	}
	barcodes[barcode] = true
	planned.barcode, planned.explicit = barcode, true

	return planned, nil
}

// applySeed stores a checked plan; the caller holds a.mu.
func (s *Server) applySeed(a *account, plan *seedPlan) {
	for _, m := range plan.manufacturers {
		a.addManufacturer(m.id, m.name)
	}
	for _, p := range plan.products {
		a.addProduct(p)
	}

	a.reserveItems(plan.itemCount)
	for _, planned := range plan.items {
		for range planned.quantity {
			barcode := planned.barcode
			if !planned.explicit {
				barcode = s.itemBarcode(a, int32(len(a.items)))
			}
			a.addItem(item{barcode: barcode, created: planned.created, modified: planned.modified, product: planned.product, state: planned.state})
		}
	}
}

// Seed seeds the default account; see Account.Seed.
func (s *Server) Seed(f *Fixtures) error { return s.defaultAccount().Seed(f) }

// AddManufacturers seeds the default account; see Account.Seed.
func (s *Server) AddManufacturers(ms ...Manufacturer) error {
	return s.defaultAccount().AddManufacturers(ms...)
}

// AddProducts seeds the default account; see Account.Seed.
func (s *Server) AddProducts(ps ...Product) error { return s.defaultAccount().AddProducts(ps...) }

// AddInventory seeds the default account; see Account.AddInventory.
func (s *Server) AddInventory(items ...InventoryItem) error {
	return s.defaultAccount().AddInventory(items...)
}

// Snapshot returns the default account's data; see Account.Snapshot.
func (s *Server) Snapshot() *Fixtures { return s.defaultAccount().Snapshot() }

// InventoryItem returns an item of the default account; see
// Account.InventoryItem.
func (s *Server) InventoryItem(barcode string) (InventoryItem, bool) {
	return s.defaultAccount().InventoryItem(barcode)
}

// CountInventory counts items of the default account; see
// Account.CountInventory.
func (s *Server) CountInventory(state, sku string) int {
	return s.defaultAccount().CountInventory(state, sku)
}

// Manufacturer returns a manufacturer of the default account; see
// Account.Manufacturer.
func (s *Server) Manufacturer(id string) (Manufacturer, bool) {
	return s.defaultAccount().Manufacturer(id)
}

// Product returns a product of the default account; see Account.Product.
func (s *Server) Product(sku string) (Product, bool) {
	return s.defaultAccount().Product(sku)
}
