package convoytest

import "math/bits"

// bitIndex is a set of positions in a sequence, kept as a bitmap plus a
// Fenwick tree over the population counts of its 64-bit words. Setting or
// clearing a position and finding the k-th member both take O(log n), so a
// page deep inside a filtered list costs about what the first page costs.
// It uses about 0.19 bytes per position covered.
type bitIndex struct {
	words []uint64
	tree  []int32 // tree[i-1] is Fenwick node i over word population counts
	total int
}

// grow extends the bitmap with empty words until it covers word w.
func (b *bitIndex) grow(w int) {
	for len(b.words) <= w {
		b.words = append(b.words, 0)

		// Node i sums words (i-lowbit(i), i]. The new word is empty, so the
		// node is the sum of the nodes that cover the rest of that range.
		i := len(b.words)
		sum := int32(0)
		for j := i - 1; j > i-(i&-i); j -= j & -j {
			sum += b.tree[j-1]
		}
		b.tree = append(b.tree, sum)
	}
}

func (b *bitIndex) add(w int, delta int32) {
	for i := w + 1; i <= len(b.tree); i += i & -i {
		b.tree[i-1] += delta
	}
}

// set adds pos to the set; pos must not be a member.
func (b *bitIndex) set(pos int) {
	w := pos / 64
	b.grow(w)
	b.words[w] |= 1 << (pos % 64)
	b.add(w, 1)
	b.total++
}

// clear removes pos from the set; pos must be a member.
func (b *bitIndex) clear(pos int) {
	w := pos / 64
	b.words[w] &^= 1 << (pos % 64)
	b.add(w, -1)
	b.total--
}

// nth returns the k-th smallest member, counting from 0; k must be below
// b.total.
func (b *bitIndex) nth(k int) int {
	rest := int32(k)
	w := 0
	for step := 1 << (bits.Len(uint(len(b.tree))) - 1); step > 0; step >>= 1 {
		if next := w + step; next <= len(b.tree) && b.tree[next-1] <= rest {
			w = next
			rest -= b.tree[next-1]
		}
	}

	word := b.words[w]
	for ; rest > 0; rest-- {
		word &= word - 1
	}

	return w*64 + bits.TrailingZeros64(word)
}
