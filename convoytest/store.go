package convoytest

import (
	"sort"
	"sync"
)

// noFilter marks an unused state or product filter.
const noFilter = -1

type manufacturer struct {
	id   string
	name string
}

type product struct {
	sku          string
	name         string
	barcode      uuid
	manufacturer int32
}

// item is one inventory item: 40 bytes without pointers, so the garbage
// collector does not scan the item slice.
type item struct {
	barcode  uuid
	created  int64 // Unix seconds
	modified int64 // Unix seconds
	product  int32
	state    uint8
}

// savedItem is the part of an item that a PUT can change, kept so that
// Reset can undo the change.
type savedItem struct {
	modified int64
	state    uint8
}

// baseline marks the state that Reset returns to: the lengths of the
// append-only slices and the first saved value of every older item that
// changed since.
type baseline struct {
	manufacturers int
	products      int
	items         int
	changed       map[int32]savedItem
}

// account is the data of one API key. Manufacturers, products and items
// are append-only slices in creation sequence; every map and index stores
// positions in them. Inventory lists run newest first, which is the
// reverse of the item sequence.
type account struct {
	key    string
	states int // number of configured states

	mu sync.RWMutex

	manufacturers          []manufacturer
	manufacturerByID       map[string]int32
	productsByManufacturer [][]int32 // product positions, per manufacturer

	products         []product
	productBySKU     map[string]int32
	productByBarcode map[uuid]int32

	items          []item
	barcodeKey     uint32         // hides positions in generated barcodes
	explicitItems  map[uuid]int32 // positions of items with caller-chosen barcodes
	itemsByProduct [][]int32      // item positions, per product
	stateIndex     []bitIndex     // item positions, per state
	productStates  [][]bitIndex   // positions in itemsByProduct[p], per product and state

	base baseline
}

func newAccount(key string, states int, barcodeKey uint32) *account {
	return &account{
		key:              key,
		states:           states,
		barcodeKey:       barcodeKey,
		manufacturerByID: make(map[string]int32),
		productBySKU:     make(map[string]int32),
		productByBarcode: make(map[uuid]int32),
		explicitItems:    make(map[uuid]int32),
		stateIndex:       make([]bitIndex, states),
		base:             baseline{changed: make(map[int32]savedItem)},
	}
}

func (a *account) addManufacturer(id, name string) int32 {
	m := int32(len(a.manufacturers))
	a.manufacturers = append(a.manufacturers, manufacturer{id: id, name: name})
	a.manufacturerByID[id] = m
	a.productsByManufacturer = append(a.productsByManufacturer, nil)

	return m
}

func (a *account) addProduct(p product) int32 {
	i := int32(len(a.products))
	a.products = append(a.products, p)
	a.productBySKU[p.sku] = i
	a.productByBarcode[p.barcode] = i
	a.productsByManufacturer[p.manufacturer] = append(a.productsByManufacturer[p.manufacturer], i)
	a.itemsByProduct = append(a.itemsByProduct, nil)
	a.productStates = append(a.productStates, nil)

	return i
}

// reserveItems makes room for n more items, so that bulk seeding grows
// the item slice once instead of many times.
func (a *account) reserveItems(n int) {
	if free := cap(a.items) - len(a.items); free < n {
		grown := make([]item, len(a.items), len(a.items)+n)
		copy(grown, a.items)
		a.items = grown
	}
}

// addItem stores it at the next position. A barcode that does not encode
// that position is recorded in explicitItems.
func (a *account) addItem(it item) int32 {
	pos := int32(len(a.items))
	a.items = append(a.items, it)
	if a.encodedPosition(it.barcode) != uint32(pos) {
		a.explicitItems[it.barcode] = pos
	}

	list := append(a.itemsByProduct[it.product], pos)
	a.itemsByProduct[it.product] = list

	a.stateIndex[it.state].set(int(pos))
	a.productStateSet(it.product, it.state).set(len(list) - 1)

	return pos
}

func (a *account) productStateSet(p int32, state uint8) *bitIndex {
	if a.productStates[p] == nil {
		a.productStates[p] = make([]bitIndex, a.states)
	}

	return &a.productStates[p][state]
}

// localPosition returns where item pos sits in its product's item list.
func (a *account) localPosition(pos int32) int {
	list := a.itemsByProduct[a.items[pos].product]

	return sort.Search(len(list), func(i int) bool { return list[i] >= pos })
}

// setState moves item pos to state and records modified as its
// date_modified. It saves the item's old values first when the item
// belongs to the baseline, so that Reset can restore them.
func (a *account) setState(pos int32, state uint8, modified int64) {
	it := &a.items[pos]
	if int(pos) < a.base.items {
		if _, saved := a.base.changed[pos]; !saved {
			a.base.changed[pos] = savedItem{modified: it.modified, state: it.state}
		}
	}

	a.moveState(pos, state)
	it.modified = modified
}

func (a *account) moveState(pos int32, state uint8) {
	it := &a.items[pos]
	if it.state == state {
		return
	}

	local := a.localPosition(pos)
	a.stateIndex[it.state].clear(int(pos))
	a.productStateSet(it.product, it.state).clear(local)
	a.stateIndex[state].set(int(pos))
	a.productStateSet(it.product, state).set(local)
	it.state = state
}

// markBaseline makes the current data the state that reset returns to.
func (a *account) markBaseline() {
	a.base = baseline{
		manufacturers: len(a.manufacturers),
		products:      len(a.products),
		items:         len(a.items),
		changed:       make(map[int32]savedItem),
	}
}

// reset undoes every change made since the baseline, in O(changes).
func (a *account) reset() {
	for pos, saved := range a.base.changed {
		a.moveState(pos, saved.state)
		a.items[pos].modified = saved.modified
	}
	clear(a.base.changed)

	for len(a.items) > a.base.items {
		a.popItem()
	}

	for len(a.products) > a.base.products {
		a.popProduct()
	}

	for len(a.manufacturers) > a.base.manufacturers {
		a.popManufacturer()
	}
}

// popItem removes the newest item. It is also the newest of its product,
// so it sits at the end of every list that holds it.
func (a *account) popItem() {
	pos := int32(len(a.items) - 1)
	it := a.items[pos]
	list := a.itemsByProduct[it.product]

	a.stateIndex[it.state].clear(int(pos))
	a.productStateSet(it.product, it.state).clear(len(list) - 1)
	a.itemsByProduct[it.product] = list[:len(list)-1]
	delete(a.explicitItems, it.barcode)
	a.items = a.items[:pos]
}

func (a *account) popProduct() {
	i := len(a.products) - 1
	p := a.products[i]
	list := a.productsByManufacturer[p.manufacturer]

	a.productsByManufacturer[p.manufacturer] = list[:len(list)-1]
	delete(a.productBySKU, p.sku)
	delete(a.productByBarcode, p.barcode)
	a.itemsByProduct = a.itemsByProduct[:i]
	a.productStates = a.productStates[:i]
	a.products = a.products[:i]
}

func (a *account) popManufacturer() {
	i := len(a.manufacturers) - 1
	delete(a.manufacturerByID, a.manufacturers[i].id)
	a.productsByManufacturer = a.productsByManufacturer[:i]
	a.manufacturers = a.manufacturers[:i]
}

func (a *account) hasProductBarcode(u uuid) bool {
	_, found := a.productByBarcode[u]
	return found
}

// findItem returns the position of the item with barcode u.
func (a *account) findItem(u uuid) (int32, bool) {
	if pos := a.encodedPosition(u); pos < uint32(len(a.items)) && a.items[pos].barcode == u {
		return int32(pos), true
	}

	pos, found := a.explicitItems[u]

	return pos, found
}

func (a *account) hasItemBarcode(u uuid) bool {
	_, found := a.findItem(u)
	return found
}

// newestCreated returns the date_created of the newest item, or the
// smallest int64 when the account has none.
func (a *account) newestCreated() int64 {
	if len(a.items) == 0 {
		return minUnix
	}

	return a.items[len(a.items)-1].created
}

const minUnix = -1 << 63

// inventoryPage returns the positions of one page of items, newest first,
// filtered by state and product unless they are noFilter. Every step is a
// slice index or a bitIndex lookup, so the cost does not grow with depth.
func (a *account) inventoryPage(state, prod int, offset, count int) []int32 {
	var (
		total int
		at    func(k int) int32 // k-th member, oldest first
	)

	switch {
	case prod != noFilter && state != noFilter:
		list := a.itemsByProduct[prod]
		set := a.productStates[prod]
		if set == nil {
			return nil
		}
		total = set[state].total
		at = func(k int) int32 { return list[set[state].nth(k)] }
	case prod != noFilter:
		list := a.itemsByProduct[prod]
		total = len(list)
		at = func(k int) int32 { return list[k] }
	case state != noFilter:
		set := &a.stateIndex[state]
		total = set.total
		at = func(k int) int32 { return int32(set.nth(k)) }
	default:
		total = len(a.items)
		at = func(k int) int32 { return int32(k) }
	}

	first, n := pageBounds(total, offset, count)
	page := make([]int32, 0, n)
	for k := total - 1 - first; k > total-1-first-n; k-- {
		page = append(page, at(k))
	}

	return page
}

// productPage returns the positions of one page of products, oldest
// first, of one manufacturer unless it is noFilter.
func (a *account) productPage(manufacturer, offset, count int) []int32 {
	if manufacturer != noFilter {
		list := a.productsByManufacturer[manufacturer]
		start, n := pageBounds(len(list), offset, count)
		return list[start : start+n]
	}

	start, n := pageBounds(len(a.products), offset, count)
	page := make([]int32, 0, n)
	for p := start; p < start+n; p++ {
		page = append(page, int32(p))
	}

	return page
}

// pageBounds clips the page [offset, offset+count) to a list of total
// members and returns its start and length.
func pageBounds(total, offset, count int) (start, n int) {
	if offset >= total {
		return total, 0
	}

	return offset, min(count, total-offset)
}

// pageOffset returns the offset of page (counting from 1) of size count,
// saturating instead of overflowing for huge page numbers.
func pageOffset(page, count int) int {
	const maxInt = int(^uint(0) >> 1)
	if page-1 > maxInt/count {
		return maxInt
	}

	return (page - 1) * count
}

// countInventory returns the number of items matching the filters.
func (a *account) countInventory(state, prod int) int {
	switch {
	case prod != noFilter && state != noFilter:
		if a.productStates[prod] == nil {
			return 0
		}
		return a.productStates[prod][state].total
	case prod != noFilter:
		return len(a.itemsByProduct[prod])
	case state != noFilter:
		return a.stateIndex[state].total
	default:
		return len(a.items)
	}
}
