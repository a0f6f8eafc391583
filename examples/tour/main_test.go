package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTourRuns(t *testing.T) {
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out))

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 1+19+1, "one packed line, 19 inventoried items, one not-found line")
	assert.Contains(t, lines[0], " is PACKED since ")
	assert.Contains(t, lines[1], "iPhone 5s INVENTORIED")
	assert.Contains(t, lines[20], `no such product: convoy: GET /products/sku/sku0000: 404 not_found`)
}
