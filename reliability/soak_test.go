package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	soakDuration = flag.Duration("soak", 0, "how long TestFaultSoak sends requests; 0 means about 3 seconds")
	soakSeed     = flag.Uint64("soak-seed", 0, "seed of TestFaultSoak's operations and faults; 0 takes one from the clock")
)

const (
	soakWorkers      = 16
	soakShort        = 3 * time.Second
	soakJournalSize  = 1 << 20
	soakMaxRetries   = 3
	soakRetryWaitMax = time.Second // Retry-After faults send 1 s, which the client must be allowed to wait
)

var soakStates = []convoy.InventoryState{convoy.StateInventoried, convoy.StatePacked, convoy.StateShipped}

// soakFaults returns the fault rules of the soak. The server applies the
// first rule that matches and fires, so each probability is roughly the
// share of requests that get that fault.
func soakFaults() []convoytest.Fault {
	faults := []convoytest.Fault{
		{Latency: 5 * time.Millisecond, Probability: 0.04},
		{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Probability: 0.003},
		{Status: http.StatusTooManyRequests, Probability: 0.02},
		{Status: http.StatusServiceUnavailable, RetryAfter: time.Second, Probability: 0.003},
		{Drop: convoytest.DropBefore, Probability: 0.02},
		{Drop: convoytest.DropAfter, Probability: 0.02},
	}
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		for _, body := range []convoytest.FaultBody{convoytest.BodyJSON, convoytest.BodyHTML, convoytest.BodyEmpty} {
			faults = append(faults, convoytest.Fault{Status: status, Body: body, Probability: 0.008})
		}
	}
	return faults
}

// outcome is how a create call ended, as its caller saw it.
type outcome int

const (
	succeeded outcome = iota
	failed            // a definite error: the server applied nothing
	unknown           // ErrOutcomeUnknown: the server may have applied it
)

func (o outcome) String() string {
	return [...]string{"succeeded", "failed", "unknown"}[o]
}

// postCall is one create call and what it returned.
type postCall struct {
	id       uint64
	path     string // "/manufacturers", "/products" or "/inventory"
	marker   string // the unique manufacturer name or product SKU the call used
	outcome  outcome
	attempts int // from the *convoy.Error; 0 on success
	err      error

	manufacturerID convoy.ManufacturerID // manufacturers
	barcode        string                // products
	quantity       int                   // inventory
	barcodes       []string              // inventory, on success
}

// itemModel holds the states one of a worker's items may be in.
type itemModel struct {
	state   convoy.InventoryState   // set by the last successful update
	pending []convoy.InventoryState // set by updates that failed since then, any of which may have been applied
}

func (m *itemModel) allows(state convoy.InventoryState) bool {
	return state == m.state || slices.Contains(m.pending, state)
}

// soakWorker runs a random mix of every SDK operation on its own
// manufacturers, products and items, and records what each call returned.
type soakWorker struct {
	id      int
	account string // prefix of every name and SKU the worker creates
	key     string
	client  *convoy.Client
	server  *convoytest.Server
	rng     *rand.Rand
	callIDs *atomic.Uint64

	posts         []*postCall
	manufacturers []*postCall // created
	products      []*postCall // created
	inventory     []*postCall // created
	items         map[string]*itemModel
	itemOrder     []string
	freeSKUs      []string
	nextSKU       int

	ops        map[string]int
	violations []string
}

func (w *soakWorker) violate(format string, args ...any) {
	w.violations = append(w.violations, fmt.Sprintf("worker %d: ", w.id)+fmt.Sprintf(format, args...))
}

func (w *soakWorker) call() (context.Context, uint64) {
	id := w.callIDs.Add(1)
	return withCallID(context.Background(), id), id
}

// checkReadError records a violation unless err is an injected failure.
// GET and PUT never report ErrOutcomeUnknown.
func (w *soakWorker) checkReadError(op string, err error) {
	if err == nil {
		return
	}
	if !transient(err) || errors.Is(err, convoy.ErrOutcomeUnknown) {
		w.violate("%s: unexpected error %v", op, err)
	}
}

// recordPost classifies the result of a create call.
func (w *soakWorker) recordPost(id uint64, path, marker string, err error) *postCall {
	call := &postCall{id: id, path: path, marker: marker, err: err}
	w.posts = append(w.posts, call)
	if err == nil {
		return call
	}

	var apiErr *convoy.Error
	if errors.As(err, &apiErr) {
		call.attempts = apiErr.Attempts
	}
	switch {
	case errors.Is(err, convoy.ErrOutcomeUnknown):
		call.outcome = unknown
	case transient(err):
		call.outcome = failed
	default:
		call.outcome = failed
		w.violate("POST %s %q: unexpected error %v", path, marker, err)
	}
	return call
}

func (w *soakWorker) ownName(name string) bool {
	return strings.HasPrefix(name, w.account+"-") || name == "Seed"
}

func (w *soakWorker) run(deadline time.Time) {
	ops := []struct {
		name string
		run  func()
	}{
		{"manufacturers.create", w.createManufacturer},
		{"manufacturers.get", w.getManufacturer},
		{"manufacturers.list", w.listManufacturers},
		{"manufacturers.all", w.allManufacturers},
		{"products.create", w.createProduct},
		{"products.get_by_sku", w.getProductBySKU},
		{"products.get_by_barcode", w.getProductByBarcode},
		{"products.list", w.listProducts},
		{"products.all", w.allProducts},
		{"inventory.create", w.createInventory},
		{"inventory.get", w.getItem},
		{"inventory.update", w.updateItem},
		{"inventory.update", w.updateItem},
		{"inventory.list", w.listInventory},
		{"inventory.all", w.allInventory},
	}
	for time.Now().Before(deadline) {
		op := ops[w.rng.IntN(len(ops))]
		w.ops[op.name]++
		op.run()
	}
}

func (w *soakWorker) createManufacturer() {
	ctx, id := w.call()
	name := fmt.Sprintf("%s-w%02d-m%05d", w.account, w.id, len(w.posts))
	params := &convoy.ManufacturerCreateParams{Name: name}
	if w.rng.IntN(4) == 0 {
		params.ID = convoy.StringID(name)
	}

	m, err := w.client.Manufacturers.Create(ctx, params)
	call := w.recordPost(id, "/manufacturers", name, err)
	if err != nil {
		return
	}
	if m.Name != name || (!params.ID.IsZero() && m.ID != params.ID) {
		w.violate("manufacturer create %q returned %+v", name, m)
	}
	call.manufacturerID = m.ID
	w.manufacturers = append(w.manufacturers, call)
}

func (w *soakWorker) getManufacturer() {
	if len(w.manufacturers) == 0 {
		return
	}
	want := w.manufacturers[w.rng.IntN(len(w.manufacturers))]
	ctx, _ := w.call()

	m, err := w.client.Manufacturers.Get(ctx, want.manufacturerID)
	w.checkReadError("manufacturer get", err)
	if err == nil && (m.ID != want.manufacturerID || m.Name != want.marker) {
		w.violate("manufacturer get %v returned %+v, want name %q", want.manufacturerID, m, want.marker)
	}
}

func (w *soakWorker) listManufacturers() {
	ctx, _ := w.call()
	page, err := w.client.Manufacturers.List(ctx, &convoy.ManufacturerListOptions{Page: 1 + w.rng.IntN(3), Limit: 1 + w.rng.IntN(100)})
	w.checkReadError("manufacturer list", err)
	for _, m := range page {
		if !w.ownName(m.Name) {
			w.violate("manufacturer list shows %q of another account", m.Name)
		}
	}
}

func (w *soakWorker) allManufacturers() {
	ctx, _ := w.call()
	stopAfter := 1 + w.rng.IntN(120)
	seen := make(map[convoy.ManufacturerID]bool)
	for m, err := range w.client.Manufacturers.All(ctx, &convoy.ManufacturerListOptions{Limit: 1 + w.rng.IntN(50)}) {
		if err != nil {
			w.checkReadError("manufacturer all", err)
			return
		}
		if seen[m.ID] {
			w.violate("manufacturer all yielded %v twice", m.ID)
		}
		seen[m.ID] = true
		if !w.ownName(m.Name) {
			w.violate("manufacturer all shows %q of another account", m.Name)
		}
		if len(seen) == stopAfter {
			return
		}
	}
}

func (w *soakWorker) createProduct() {
	ctx, id := w.call()
	sku := fmt.Sprintf("%s-w%02d-p%05d", w.account, w.id, len(w.posts))
	manufacturer := convoy.NumericID(1)
	if len(w.manufacturers) > 0 && w.rng.IntN(2) == 0 {
		manufacturer = w.manufacturers[w.rng.IntN(len(w.manufacturers))].manufacturerID
	}

	p, err := w.client.Products.Create(ctx, &convoy.ProductCreateParams{Name: "soak product", SKU: sku, ManufacturerID: manufacturer})
	call := w.recordPost(id, "/products", sku, err)
	if err != nil {
		return
	}
	if p.SKU != sku || p.Manufacturer.ID != manufacturer || p.Barcode == "" {
		w.violate("product create %q returned %+v", sku, p)
	}
	call.manufacturerID = manufacturer
	call.barcode = p.Barcode
	w.products = append(w.products, call)
}

func (w *soakWorker) getProductBySKU() {
	if len(w.products) == 0 {
		return
	}
	want := w.products[w.rng.IntN(len(w.products))]
	ctx, _ := w.call()

	p, err := w.client.Products.GetBySKU(ctx, want.marker)
	w.checkReadError("product get by SKU", err)
	if err == nil && (p.SKU != want.marker || p.Barcode != want.barcode) {
		w.violate("product get by SKU %q returned %+v, want barcode %q", want.marker, p, want.barcode)
	}
}

func (w *soakWorker) getProductByBarcode() {
	if len(w.products) == 0 {
		return
	}
	want := w.products[w.rng.IntN(len(w.products))]
	ctx, _ := w.call()

	p, err := w.client.Products.GetByBarcode(ctx, want.barcode)
	w.checkReadError("product get by barcode", err)
	if err == nil && (p.SKU != want.marker || p.Barcode != want.barcode) {
		w.violate("product get by barcode %q returned %+v, want SKU %q", want.barcode, p, want.marker)
	}
}

func (w *soakWorker) listProducts() {
	opts := &convoy.ProductListOptions{Page: 1 + w.rng.IntN(3), Count: 1 + w.rng.IntN(50)}
	if len(w.products) > 0 && w.rng.IntN(2) == 0 {
		opts.ManufacturerID = w.products[w.rng.IntN(len(w.products))].manufacturerID
	}
	ctx, _ := w.call()

	page, err := w.client.Products.List(ctx, opts)
	w.checkReadError("product list", err)
	for _, p := range page {
		if !w.ownName(p.SKU) {
			w.violate("product list shows %q of another account", p.SKU)
		}
		if !opts.ManufacturerID.IsZero() && p.Manufacturer.ID != opts.ManufacturerID {
			w.violate("product list for manufacturer %v shows %q of manufacturer %v", opts.ManufacturerID, p.SKU, p.Manufacturer.ID)
		}
	}
}

func (w *soakWorker) allProducts() {
	ctx, _ := w.call()
	stopAfter := 1 + w.rng.IntN(120)
	seen := make(map[string]bool)
	for p, err := range w.client.Products.All(ctx, &convoy.ProductListOptions{Count: 1 + w.rng.IntN(50)}) {
		if err != nil {
			w.checkReadError("product all", err)
			return
		}
		if seen[p.Barcode] {
			w.violate("product all yielded %q twice", p.Barcode)
		}
		seen[p.Barcode] = true
		if !w.ownName(p.SKU) {
			w.violate("product all shows %q of another account", p.SKU)
		}
		if len(seen) == stopAfter {
			return
		}
	}
}

// freeSKU returns a product SKU that no inventory call has used, seeding a
// batch of new products when the worker has none left. Each inventory
// create gets its own SKU, so the items of one call can be identified.
func (w *soakWorker) freeSKU() (string, error) {
	if len(w.freeSKUs) == 0 {
		batch := make([]convoytest.Product, 32)
		for i := range batch {
			w.nextSKU++
			batch[i] = convoytest.Product{SKU: fmt.Sprintf("%s-w%02d-i%05d", w.account, w.id, w.nextSKU), Name: "soak item", ManufacturerID: "1"}
			w.freeSKUs = append(w.freeSKUs, batch[i].SKU)
		}
		if err := w.server.Account(w.key).AddProducts(batch...); err != nil {
			return "", err
		}
	}
	sku := w.freeSKUs[0]
	w.freeSKUs = w.freeSKUs[1:]
	return sku, nil
}

func (w *soakWorker) createInventory() {
	sku, err := w.freeSKU()
	if err != nil {
		w.violate("seeding products: %v", err)
		return
	}
	ctx, id := w.call()
	quantity := 1 + w.rng.IntN(4)

	items, err := w.client.Inventory.Create(ctx, sku, quantity)
	call := w.recordPost(id, "/inventory", sku, err)
	call.quantity = quantity
	if err != nil {
		return
	}
	if len(items) != quantity {
		w.violate("inventory create %q x%d returned %d items", sku, quantity, len(items))
	}
	for _, it := range items {
		if it.Product.SKU != sku || it.State != convoy.StateInventoried {
			w.violate("inventory create %q returned %+v", sku, it)
		}
		call.barcodes = append(call.barcodes, it.Barcode)
		w.items[it.Barcode] = &itemModel{state: it.State}
		w.itemOrder = append(w.itemOrder, it.Barcode)
	}
	w.inventory = append(w.inventory, call)
}

func (w *soakWorker) randomItem() (string, *itemModel) {
	if len(w.itemOrder) == 0 {
		return "", nil
	}
	barcode := w.itemOrder[w.rng.IntN(len(w.itemOrder))]
	return barcode, w.items[barcode]
}

func (w *soakWorker) getItem() {
	barcode, model := w.randomItem()
	if model == nil {
		return
	}
	ctx, _ := w.call()

	it, err := w.client.Inventory.Get(ctx, barcode)
	w.checkReadError("inventory get", err)
	if err == nil && (it.Barcode != barcode || !model.allows(it.State)) {
		w.violate("inventory get %q returned state %q, want %q or one of %v", barcode, it.State, model.state, model.pending)
	}
}

func (w *soakWorker) updateItem() {
	barcode, model := w.randomItem()
	if model == nil {
		return
	}
	state := soakStates[w.rng.IntN(len(soakStates))]
	ctx, _ := w.call()

	it, err := w.client.Inventory.Update(ctx, barcode, &convoy.InventoryUpdateParams{State: state})
	w.checkReadError("inventory update", err)
	if err != nil {
		model.pending = append(model.pending, state)
		return
	}
	if it.Barcode != barcode || it.State != state {
		w.violate("inventory update %q to %q returned %+v", barcode, state, it)
	}
	model.state, model.pending = state, nil
}

func (w *soakWorker) listInventory() {
	opts := &convoy.InventoryListOptions{Count: 1 + w.rng.IntN(50)}
	if w.rng.IntN(2) == 0 {
		opts.State = soakStates[w.rng.IntN(len(soakStates))]
	}
	ctx, _ := w.call()

	page, err := w.client.Inventory.List(ctx, opts)
	w.checkReadError("inventory list", err)
	for _, it := range page {
		if !w.ownName(it.Product.SKU) {
			w.violate("inventory list shows %q of another account", it.Product.SKU)
		}
		if opts.State != "" && it.State != opts.State {
			w.violate("inventory list for state %q shows %q in state %q", opts.State, it.Barcode, it.State)
		}
	}
}

// allInventory iterates over the items of one of the worker's inventory
// creates, which no one else touches, and expects exactly those items.
func (w *soakWorker) allInventory() {
	if len(w.inventory) == 0 {
		return
	}
	want := w.inventory[w.rng.IntN(len(w.inventory))]
	ctx, _ := w.call()

	var got []string
	for it, err := range w.client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: want.marker, Count: 1 + w.rng.IntN(5)}) {
		if err != nil {
			w.checkReadError("inventory all", err)
			return
		}
		got = append(got, it.Barcode)
	}
	if !sameSet(got, want.barcodes) {
		w.violate("inventory all for %q yielded %v, want %v", want.marker, got, want.barcodes)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// keyScanner is a log destination that counts records and the ones that
// contain any of the keys.
type keyScanner struct {
	keys    [][]byte
	mu      sync.Mutex
	records int
	leaks   int
}

func (s *keyScanner) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records++
	for _, key := range s.keys {
		if bytes.Contains(p, key) {
			s.leaks++
		}
	}
	return len(p), nil
}

// TestFaultSoak runs 16 workers doing a seeded random mix of every SDK
// operation against a convoytest server that injects 429s, 5xx statuses
// with JSON, HTML and empty bodies, latency and dropped connections. Then
// it compares the server's data and journal with what each call reported.
func TestFaultSoak(t *testing.T) {
	duration := soakShort
	if *soakDuration > 0 {
		duration = *soakDuration
	}
	seed := *soakSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("soak: %d workers for %v, seed %d (repeat with -soak-seed %d)", soakWorkers, duration, seed, seed)

	goroutinesBefore := runtime.NumGoroutine()
	keys := []string{"soak_key_alpha_7f3a", "soak_key_bravo_91c4"}
	accounts := []string{"a", "b"}
	server := convoytest.New(convoytest.WithAPIKeys(keys...), convoytest.WithSeed(seed), convoytest.WithJournalSize(soakJournalSize))
	require.NoError(t, server.StartAt("127.0.0.1:0"))
	t.Cleanup(server.Close)
	for _, key := range keys {
		require.NoError(t, server.Account(key).Seed(&convoytest.Fixtures{
			Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Seed"}},
		}))
	}
	for _, f := range soakFaults() {
		_, err := server.AddFault(f)
		require.NoError(t, err)
	}

	counter := &connCounter{}
	transport := newCountingTransport(counter)
	rec := newRecorder(transport)
	logs := &keyScanner{keys: [][]byte{[]byte(keys[0]), []byte(keys[1])}}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clients := make([]*convoy.Client, len(keys))
	for i, key := range keys {
		c, err := convoy.NewClient(key,
			convoy.WithBaseURL(server.URL),
			convoy.WithHTTPClient(&http.Client{Transport: rec}),
			convoy.WithRetryWait(time.Millisecond, soakRetryWaitMax),
			convoy.WithMaxRetries(soakMaxRetries),
			convoy.WithLogger(logger))
		require.NoError(t, err)
		clients[i] = c
	}

	callIDs := &atomic.Uint64{}
	workers := make([]*soakWorker, soakWorkers)
	for i := range workers {
		workers[i] = &soakWorker{
			id:      i,
			account: accounts[i%2],
			key:     keys[i%2],
			client:  clients[i%2],
			server:  server,
			rng:     rand.New(rand.NewPCG(seed, uint64(i))),
			callIDs: callIDs,
			items:   make(map[string]*itemModel),
			ops:     make(map[string]int),
		}
	}

	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(deadline)
		}()
	}
	wg.Wait()
	server.ClearFaults()

	for _, w := range workers {
		for _, v := range w.violations {
			t.Error(v)
		}
	}

	journal := server.Journal()
	require.Less(t, len(journal), soakJournalSize, "the journal wrapped around; shorten the soak")
	checkSoakCoverage(t, workers, journal)
	checkCreates(t, server, workers)
	checkRetryPolicy(t, rec, workers)
	checkJournalMatchesAttempts(t, journal, rec)
	checkAppliedErrors(t, server, journal, workers)
	checkStates(t, server, workers)
	checkIsolation(t, server, keys, accounts)
	assert.Positive(t, logs.records, "the debug logger got no records")
	assert.Zero(t, logs.leaks, "log records containing an API key")

	// Every call has returned, so no connection may be in use: closing the
	// idle ones must close them all, and every goroutine must end.
	transport.CloseIdleConnections()
	assert.True(t, waitFor(5*time.Second, func() bool { return counter.open.Load() == 0 }),
		"%d of %d connections still open after closing idle ones; a response body was not closed", counter.open.Load(), counter.dialed.Load())
	server.Close()
	if !waitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= goroutinesBefore }) {
		var dump bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("%d goroutines left, %d before the soak:\n%s", runtime.NumGoroutine(), goroutinesBefore, dump.String())
	}
	t.Logf("soak: %d connections dialed, %d requests journaled", counter.dialed.Load(), len(journal))
}

// checkSoakCoverage fails the soak when an operation or a fault never
// happened, because then the run proved nothing about it.
func checkSoakCoverage(t *testing.T, workers []*soakWorker, journal []convoytest.JournalEntry) {
	t.Helper()
	ops := make(map[string]int)
	outcomes := make(map[string]int)
	for _, w := range workers {
		for name, n := range w.ops {
			ops[name] += n
		}
		for _, call := range w.posts {
			outcomes[call.path+" "+call.outcome.String()]++
		}
	}
	faults := make(map[string]int)
	for _, e := range journal {
		if e.Fault == "status" {
			faults[fmt.Sprintf("status %d", e.Status)]++
		} else if e.Fault != "" {
			faults[e.Fault]++
		}
	}
	t.Logf("soak operations: %v", ops)
	t.Logf("soak create outcomes: %v", outcomes)
	t.Logf("soak faults: %v", faults)

	for _, name := range []string{
		"manufacturers.create", "manufacturers.get", "manufacturers.list", "manufacturers.all",
		"products.create", "products.get_by_sku", "products.get_by_barcode", "products.list", "products.all",
		"inventory.create", "inventory.get", "inventory.update", "inventory.list", "inventory.all",
	} {
		assert.Positive(t, ops[name], "operation %s never ran", name)
	}
	for _, kind := range []string{"latency", "drop_before", "drop_after", "status 429", "status 500", "status 502", "status 503", "status 504"} {
		assert.Positive(t, faults[kind], "fault %s never fired", kind)
	}
	for _, path := range []string{"/manufacturers", "/products", "/inventory"} {
		assert.Positive(t, outcomes[path+" succeeded"], "no POST %s succeeded", path)
	}
}

// checkCreates compares the server's data with every create call: a
// success exists exactly once, a definite failure not at all, an unknown
// outcome at most once.
func checkCreates(t *testing.T, server *convoytest.Server, workers []*soakWorker) {
	t.Helper()
	names := make(map[string][]convoytest.Manufacturer)
	products := make(map[string]convoytest.Product)
	items := make(map[string][]string) // by SKU
	for _, key := range []string{workers[0].key, workers[1].key} {
		snapshot := server.Account(key).Snapshot()
		for _, m := range snapshot.Manufacturers {
			names[m.Name] = append(names[m.Name], m)
		}
		for _, p := range snapshot.Products {
			products[p.SKU] = p
		}
		for _, it := range snapshot.Inventory {
			items[it.SKU] = append(items[it.SKU], it.Barcode)
		}
	}

	for _, w := range workers {
		for _, call := range w.posts {
			var count int
			switch call.path {
			case "/manufacturers":
				count = len(names[call.marker])
				if call.outcome == succeeded && count == 1 {
					assert.Equal(t, call.manufacturerID.String(), names[call.marker][0].ID, "manufacturer %q", call.marker)
				}
			case "/products":
				p, ok := products[call.marker]
				if ok {
					count = 1
				}
				if call.outcome == succeeded && ok {
					assert.Equal(t, call.barcode, p.Barcode, "product %q", call.marker)
				}
			case "/inventory":
				count = len(items[call.marker])
				if call.outcome == succeeded {
					assert.True(t, sameSet(items[call.marker], call.barcodes), "items of %q: server %v, call %v", call.marker, items[call.marker], call.barcodes)
				}
				if count%call.quantity != 0 {
					t.Errorf("POST /inventory %q x%d: the server has %d items", call.marker, call.quantity, count)
					continue
				}
				count /= call.quantity
			}

			switch call.outcome {
			case succeeded:
				assert.Equal(t, 1, count, "POST %s %q succeeded: times it exists", call.path, call.marker)
			case failed:
				assert.Equal(t, 0, count, "POST %s %q failed with %v: times it exists", call.path, call.marker, call.err)
			case unknown:
				assert.LessOrEqual(t, count, 1, "POST %s %q outcome unknown: times it exists", call.path, call.marker)
			}
		}
	}
}

// checkRetryPolicy checks every POST's attempts as the client sent them: a
// POST is sent again only after 429 or a 503 with Retry-After, never after
// it may have reached the server, and the error counts its attempts.
func checkRetryPolicy(t *testing.T, rec *recorder, workers []*soakWorker) {
	t.Helper()
	for _, w := range workers {
		for _, call := range w.posts {
			attempts := rec.of(call.id)
			if !assert.NotEmpty(t, attempts, "POST %s %q: no attempt recorded", call.path, call.marker) {
				continue
			}
			assert.LessOrEqual(t, len(attempts), soakMaxRetries+1, "POST %s %q: attempts", call.path, call.marker)
			for i, a := range attempts[:len(attempts)-1] {
				retryable := a.status == http.StatusTooManyRequests || (a.status == http.StatusServiceUnavailable && a.retryAfter) || dialFailed(a.err)
				assert.True(t, retryable, "POST %s %q: attempt %d of %d was retried after status %d, error %v",
					call.path, call.marker, i+1, len(attempts), a.status, a.err)
			}

			last := attempts[len(attempts)-1]
			switch call.outcome {
			case succeeded:
				assert.Equal(t, http.StatusCreated, last.status, "POST %s %q", call.path, call.marker)
			case unknown:
				mayHaveActed := (last.status == 0 && !dialFailed(last.err)) || last.status == http.StatusInternalServerError ||
					last.status == http.StatusBadGateway || last.status == http.StatusGatewayTimeout ||
					(last.status == http.StatusServiceUnavailable && !last.retryAfter)
				assert.True(t, mayHaveActed, "POST %s %q reported outcome unknown after status %d", call.path, call.marker, last.status)
				assert.Equal(t, len(attempts), call.attempts, "POST %s %q: Error.Attempts", call.path, call.marker)
			case failed:
				assert.Equal(t, len(attempts), call.attempts, "POST %s %q: Error.Attempts", call.path, call.marker)
			}
		}
	}
}

func dialFailed(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// checkJournalMatchesAttempts compares the POSTs the server journaled with
// the attempts the client sent, so the per-call checks above hold for
// what reached the server: no attempt went unrecorded.
func checkJournalMatchesAttempts(t *testing.T, journal []convoytest.JournalEntry, rec *recorder) {
	t.Helper()
	server := make(map[string]int)
	for _, e := range journal {
		if e.Method != http.MethodPost {
			continue
		}
		if e.Fault == "drop_before" || e.Fault == "drop_after" {
			server[e.Path+" dropped"]++
		} else {
			server[fmt.Sprintf("%s %d", e.Path, e.Status)]++
		}
	}
	client := make(map[string]int)
	for _, a := range rec.all() {
		if a.method != http.MethodPost {
			continue
		}
		if a.status == 0 {
			client[a.path+" dropped"]++
		} else {
			client[fmt.Sprintf("%s %d", a.path, a.status)]++
		}
	}
	assert.Equal(t, client, server, "POST attempts by path and status: client (expected) and server journal (actual)")
}

// checkAppliedErrors checks that every POST the server applied before
// dropping the connection reached its caller as ErrOutcomeUnknown, by
// comparing their numbers.
func checkAppliedErrors(t *testing.T, server *convoytest.Server, journal []convoytest.JournalEntry, workers []*soakWorker) {
	t.Helper()
	appliedDrops := 0
	for _, e := range journal {
		if e.Method == http.MethodPost && e.Fault == "drop_after" && e.Status == http.StatusCreated {
			appliedDrops++
		}
	}

	names := make(map[string]int)
	for _, key := range []string{workers[0].key, workers[1].key} {
		for _, m := range server.Account(key).Snapshot().Manufacturers {
			names[m.Name]++
		}
	}

	appliedUnknown := 0
	for _, w := range workers {
		account := server.Account(w.key)
		for _, call := range w.posts {
			if call.outcome != unknown {
				continue
			}
			switch call.path {
			case "/manufacturers":
				appliedUnknown += names[call.marker]
			case "/products":
				if _, ok := account.Product(call.marker); ok {
					appliedUnknown++
				}
			case "/inventory":
				if account.CountInventory("", call.marker) > 0 {
					appliedUnknown++
				}
			}
		}
	}
	assert.Equal(t, appliedDrops, appliedUnknown, "POSTs applied then dropped (journal) and applied POSTs reported as outcome unknown")
}

// checkStates checks that no update was lost: each item is in the state
// of its last successful update, or in one of the states of updates that
// failed after it.
func checkStates(t *testing.T, server *convoytest.Server, workers []*soakWorker) {
	t.Helper()
	for _, w := range workers {
		account := server.Account(w.key)
		for barcode, model := range w.items {
			it, ok := account.InventoryItem(barcode)
			if !assert.True(t, ok, "item %q is gone", barcode) {
				continue
			}
			assert.True(t, model.allows(convoy.InventoryState(it.State)), "item %q is %q, want %q or one of %v", barcode, it.State, model.state, model.pending)
		}
	}
}

// checkIsolation checks that each account holds only what its own workers
// created.
func checkIsolation(t *testing.T, server *convoytest.Server, keys, accounts []string) {
	t.Helper()
	for i, key := range keys {
		prefix := accounts[i] + "-"
		snapshot := server.Account(key).Snapshot()
		for _, m := range snapshot.Manufacturers {
			assert.True(t, m.Name == "Seed" || strings.HasPrefix(m.Name, prefix), "account %s holds manufacturer %q", accounts[i], m.Name)
		}
		for _, p := range snapshot.Products {
			assert.True(t, strings.HasPrefix(p.SKU, prefix), "account %s holds product %q", accounts[i], p.SKU)
		}
		for _, it := range snapshot.Inventory {
			assert.True(t, strings.HasPrefix(it.SKU, prefix), "account %s holds an item of %q", accounts[i], it.SKU)
		}
	}
}
