// Package convoy is a client for the Convoy inventory API: manufacturers,
// the products they make, and inventory items, the physical units of a
// product, each in a state such as INVENTORIED, PACKED or SHIPPED.
//
// # Quick start
//
//	client, err := convoy.NewClient(os.Getenv("CONVOY_API_KEY"))
//	if err != nil {
//		log.Fatal(err)
//	}
//	items, err := client.Inventory.Create(ctx, "sku1234", 20)
//	if err != nil {
//		log.Fatal(err)
//	}
//	_, err = client.Inventory.Update(ctx, items[0].Barcode,
//		&convoy.InventoryUpdateParams{State: convoy.StatePacked})
//
// To test code that uses a Client, start the in-memory fake server of
// package github.com/getconvoy/convoy-go/convoytest and take a Client
// from it: convoytest.NewServer(t).Client().
//
// # Requests
//
// Every call takes a context first and sends the API key, unchanged, in
// the Authorization header. Query parameters come from the Options types,
// request bodies from the Params types, sent form-encoded. Path parameters
// (SKUs, barcodes, manufacturer IDs) are escaped as one path segment, so a
// SKU may contain "/", "%", "?" or spaces. A SKU of "." or ".." is sent as
// %2E or %2E%2E, which no proxy resolves as a dot segment.
//
// Input the API always rejects fails with ErrInvalidRequest before
// anything is sent. That is an empty SKU, a count above 50, a quantity or
// page size below 1, and text with invalid UTF-8, a control character or
// space at either end. So is a name over 200 characters, or a SKU or
// manufacturer ID over 64. States the SDK has no constant for are sent,
// because a server may define more.
//
// # Errors
//
// Every error a call returns is an *Error: the HTTP status, the server's code and
// message, a Retry-After wait, the request's method and path, and the
// number of attempts. Classify it with errors.Is and the sentinel errors
// (ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ...), or read its
// fields with errors.As.
//
// # Retries
//
// Failed GET and PUT requests are retried up to 3 times on connection
// errors, timeouts and 429, 500, 502, 503 and 504 responses, with
// exponential backoff and jitter between 0.5 s and 30 s. A Retry-After
// header replaces the computed wait. A POST creates records, so it is
// retried only when the server cannot have acted on it: the connection was
// never established, or the response was 429, or 503 with Retry-After.
// Otherwise a failed POST returns an error matching ErrOutcomeUnknown, and
// the caller should check whether the records exist before sending it
// again. WithMaxRetries and WithRetryWait change the defaults; the context
// ends any wait at once.
//
// # Iterating
//
// The All methods return an iter.Seq2 over every item of a list. They
// fetch pages of 50 (or the size the options set) only as the loop reaches
// them, stop after a short page or when the loop breaks, and yield the
// first error once, with a nil item, before stopping:
//
//	for item, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{SKU: "sku1234"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(item.Barcode, item.State)
//	}
//
// The API pages by offset. An item created during the iteration of the
// newest-first inventory list pushes older items onto the next page. The
// iterator skips items it yielded on the previous page, which covers up to
// a page of new items between two page fetches.
//
// A filtered list that shrinks during the iteration skips items instead:
// packing every INVENTORIED item inside a loop over
// All(ctx, &convoy.InventoryListOptions{State: convoy.StateInventoried})
// moves later items onto pages already read. To change items so that they
// leave the filter, fetch page 1 of the filter with List, update what it
// returns, and repeat until it returns no items, or collect the items with
// All first and update them after the loop.
//
// # Logging and secrets
//
// The client logs nothing unless WithLogger is given. The API key never
// appears in logs, errors, or the fmt output of a Client; a server message
// that echoes the key has it replaced by "[REDACTED]". A base URL with the
// http scheme is rejected unless its host is loopback or WithInsecureHTTP
// is given.
package convoy
