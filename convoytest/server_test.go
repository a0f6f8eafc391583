package convoytest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewInvalidOptions(t *testing.T) {
	t.Parallel()

	for name, opt := range map[string]Option{
		"no keys":        WithAPIKeys(),
		"empty key":      WithAPIKeys(""),
		"repeated key":   WithAPIKeys("a", "a"),
		"no states":      WithStates(),
		"repeated state": WithStates("A", "A"),
		"nil clock":      WithClock(nil),
		"zero quantity":  WithMaxQuantity(0),
		"zero journal":   WithJournalSize(0),
		"bad rate":       WithRateLimit(5, 0),
	} {
		assert.Panics(t, func() { New(opt) }, name)
	}
}

func TestCustomStates(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithStates("NEW", "DONE"))
	seedCatalog(t, s)
	require.NoError(t, s.AddInventory(InventoryItem{SKU: "sku1234", Quantity: 2}))

	assert.Equal(t, 2, s.CountInventory("NEW", ""))
	res := do(t, s, call{method: "GET", path: "/inventory?state=PACKED"})
	require.Equal(t, 400, res.status)
	assert.Contains(t, res.errorBody(t).Message, "known states: NEW, DONE")
}

func TestPathParamInvalid(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := do(t, s, call{method: "GET", path: "/products/sku/a%FFb"})
	require.Equal(t, 400, res.status)
	assert.Contains(t, res.errorBody(t).Message, "not valid UTF-8")

	res = do(t, s, call{method: "GET", path: "/products/sku/a%01b"})
	require.Equal(t, 400, res.status)
	assert.Contains(t, res.errorBody(t).Message, "control character")
}
