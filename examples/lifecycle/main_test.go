package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLifecycleRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a rate limit for several seconds")
	}
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out))

	text := out.String()
	assert.Contains(t, text, "received 30 x sku3456")
	assert.Contains(t, text, "moved 30 items to PACKED")
	assert.Contains(t, text, "moved 30 items to SHIPPED")
	assert.Contains(t, text, "the server lists 30 shipped items of sku3456")
	assert.Regexp(t, `answered [1-9]\d* of \d+ requests with 429`, text)
}
