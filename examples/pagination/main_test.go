package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaginationRuns(t *testing.T) {
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out))

	text := out.String()
	assert.Contains(t, text, "read  5000 items, newest first")
	assert.Contains(t, text, "done: 5000 items")
	assert.Contains(t, text, "stopped at 120 items after 3 page requests")
	assert.Contains(t, text, "read the last 500 items")
}
