package benchmarks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	convoy "github.com/getconvoy/convoy-go"
)

// These tests check that each baseline does the same work as the code it
// is compared with, so that a ratio compares like with like.

func TestCannedHandlerServesSDKCalls(t *testing.T) {
	t.Parallel()

	c := newCanned(t)
	srv := httptest.NewServer(cannedHandler(c))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	sdk := newSDKClient(t, srv.URL)

	m, err := sdk.Manufacturers.Get(ctx, convoy.NumericID(1))
	require.NoError(t, err)
	assert.Equal(t, "1", m.ID.String())
	assert.Equal(t, "Apple", m.Name)

	items, err := sdk.Inventory.List(ctx, &convoy.InventoryListOptions{Count: pageSize})
	require.NoError(t, err)
	assert.Len(t, items, pageSize)

	updated, err := sdk.Inventory.Update(ctx, items[0].Barcode, &convoy.InventoryUpdateParams{State: convoy.StatePacked})
	require.NoError(t, err)
	assert.NotEmpty(t, updated.Barcode)
}

func TestHandGetDecodesSamePage(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(cannedHandler(newCanned(t)))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	hc := &http.Client{Transport: newTransport()}
	t.Cleanup(hc.CloseIdleConnections)

	var raw []rawItem
	require.NoError(t, handGet(ctx, hc, "test_key", srv.URL+"/inventory?count="+strconv.Itoa(pageSize), &raw))
	items, err := newSDKClient(t, srv.URL).Inventory.List(ctx, &convoy.InventoryListOptions{Count: pageSize})
	require.NoError(t, err)
	require.Len(t, raw, len(items))

	for i := range items {
		assert.Equal(t, items[i].Barcode, raw[i].Barcode)
		assert.Equal(t, string(items[i].State), raw[i].State)
		assert.Equal(t, items[i].DateCreated.Unix(), raw[i].DateCreated)
		assert.Equal(t, items[i].Product.SKU, raw[i].Product.SKU)
		assert.JSONEq(t, items[i].Product.Manufacturer.ID.String(), string(raw[i].Product.Manufacturer.ID))
	}
}

func TestHandWalkMatchesAll(t *testing.T) {
	t.Parallel()

	const n = 4 * seedSKUs // eight full pages, so both loops end on an empty ninth page
	s := seededStore(t, n)
	s.Start()
	t.Cleanup(s.Close)
	ctx := context.Background()
	hc := &http.Client{Transport: newTransport()}
	t.Cleanup(hc.CloseIdleConnections)

	var hand []string
	require.NoError(t, handWalk(ctx, hc, s.APIKey, s.URL, func(it *rawItem) { hand = append(hand, it.Barcode) }))

	var sdk []string
	for it, err := range newSDKClient(t, s.URL).Inventory.All(ctx, nil) {
		require.NoError(t, err)
		sdk = append(sdk, it.Barcode)
	}

	assert.Len(t, hand, n)
	assert.Equal(t, sdk, hand)
}

func TestLoadTargetsServeMixedRequests(t *testing.T) {
	t.Parallel()

	const n = 2 * seedSKUs
	store := seededStore(t, n)
	store.Start()
	t.Cleanup(store.Close)
	minimal := httptest.NewServer(cannedHandler(newCanned(t)))
	t.Cleanup(minimal.Close)

	snapshot := store.Snapshot().Inventory
	barcodes := []string{snapshot[0].Barcode, snapshot[1].Barcode}
	ctx := context.Background()

	for _, baseURL := range []string{minimal.URL, store.URL} {
		hc := &http.Client{Transport: newTransport()}
		t.Cleanup(hc.CloseIdleConnections)
		target := &loadTarget{hc: hc, apiKey: store.APIKey, baseURL: baseURL, pages: n / pageSize, barcodes: barcodes}
		for i := range 2 * writeEvery {
			assert.NoError(t, target.send(ctx, i, true), "request %d to %s", i, baseURL)
		}
	}

	// The 20 mixed requests contain one create of one item and one update
	// that packs barcodes[1].
	assert.Equal(t, n+1, store.CountInventory("", ""))
	assert.Equal(t, "PACKED", mustItem(t, store.InventoryItem, barcodes[1]).State)
}

func mustItem[T any](t *testing.T, lookup func(string) (T, bool), key string) T {
	t.Helper()

	v, ok := lookup(key)
	require.True(t, ok, "no item %q", key)
	return v
}
