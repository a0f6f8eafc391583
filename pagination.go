package convoy

import (
	"iter"
	"slices"
)

// defaultIteratorPageSize is the page size of the All iterators: the
// largest count that GET /products and GET /inventory accept, so iterating
// needs as few requests as the API allows.
const defaultIteratorPageSize = maxCount

// listOptions is implemented by the list options types; nil receivers
// return zeros.
type listOptions interface {
	pageAndSize() (page, size int)
}

// checkListOptions rejects a negative page or a page size outside
// 0..maxSize before anything is sent.
func checkListOptions(method, path string, opts listOptions, sizeName string, maxSize int) error {
	page, size := opts.pageAndSize()
	if page < 0 {
		return invalidRequest(method, path, "page must be 1 or more, got %d", page)
	}
	if size < 0 {
		return invalidRequest(method, path, "%s must be 1 or more, got %d", sizeName, size)
	}
	if maxSize != noMaxSize && size > maxSize {
		return invalidRequest(method, path, "%s must be 1 to %d, got %d", sizeName, maxSize, size)
	}
	return nil
}

// noMaxSize is the maxSize argument of checkListOptions for an endpoint
// that documents no maximum page size.
const noMaxSize = 0

// pointers returns pointers to the elements of items, so a page costs two
// allocations instead of one per item.
func pointers[T any](items []T) []*T {
	ptrs := make([]*T, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	return ptrs
}

// paginate iterates over the pages fetch returns, from firstPage (0 means
// 1) on, each of pageSize items. It fetches a page only when the loop
// reaches it. It stops after a page shorter than pageSize, at the first
// error (yielded once, with a nil item), or when the loop breaks.
//
// Lists are paged by offset, so an item created during the iteration of a
// newest-first list pushes the rest down: the last items of one page are
// then the first of the next. Items at the start of a page whose key was
// on the previous page are therefore skipped, up to the first new one.
// This holds while fewer than pageSize items are created between two page
// fetches.
func paginate[T any, K comparable](firstPage, pageSize int, fetch func(page int) ([]T, error), key func(*T) K) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		page := max(firstPage, 1)
		// Two key buffers, swapped after each page, so a walk allocates
		// them once.
		previous := make([]K, 0, pageSize)
		current := make([]K, 0, pageSize)
		for {
			items, err := fetch(page)
			if err != nil {
				yield(nil, err)
				return
			}

			current = current[:0]
			skipping := len(previous) > 0
			for i := range items {
				item := &items[i]
				k := key(item)
				current = append(current, k)
				if skipping && slices.Contains(previous, k) {
					continue
				}
				skipping = false
				if !yield(item, nil) {
					return
				}
			}

			if len(items) < pageSize {
				return
			}
			previous, current = current, previous
			page++
		}
	}
}
