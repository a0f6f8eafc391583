package convoytest

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBitIndexModel checks bitIndex against a plain bool slice through
// random sets and clears across many words.
func TestBitIndexModel(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))

	var b bitIndex
	var model []bool
	for step := range 20000 {
		pos := rng.IntN(3000)
		for len(model) <= pos {
			model = append(model, false)
		}
		if model[pos] {
			b.clear(pos)
		} else {
			b.set(pos)
		}
		model[pos] = !model[pos]

		if step%500 != 0 {
			continue
		}

		var members []int
		for i, in := range model {
			if in {
				members = append(members, i)
			}
		}
		require.Equal(t, len(members), b.total)
		for k, want := range members {
			assert.Equal(t, want, b.nth(k), "step %d, member %d", step, k)
		}
	}
}
