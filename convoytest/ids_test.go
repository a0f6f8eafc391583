package convoytest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBarcode(t *testing.T) {
	t.Parallel()

	u, ok := parseBarcode('I', "I954d3fae-885e-4e46-b9fb-5de959acd7b5")
	require.True(t, ok)
	assert.Equal(t, "I954d3fae-885e-4e46-b9fb-5de959acd7b5", u.barcode('I'))

	for _, bad := range []string{
		"", "I", "P954d3fae-885e-4e46-b9fb-5de959acd7b5", "I954D3FAE-885e-4e46-b9fb-5de959acd7b5",
		"I954d3fae-885e-4e46-b9fb-5de959acd7b", "I954d3fae0885e-4e46-b9fb-5de959acd7b5", "I954d3fae-885e-4e46-b9fb-5de959acd7bg",
	} {
		_, ok := parseBarcode('I', bad)
		assert.False(t, ok, bad)
	}
}
