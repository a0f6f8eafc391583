// Package convoytest provides an in-memory Convoy API server for tests.
//
// Quick start:
//
//  1. Start a server in a test; it closes when the test ends:
//     srv := convoytest.NewServer(t, convoytest.WithSeed(1))
//  2. Seed it from Go: srv.Seed(&convoytest.Fixtures{...}), or through the
//     API itself.
//  3. Point a client at srv.URL with the key srv.APIKey (or take one from
//     srv.Client()), then check the results with srv.Snapshot(),
//     srv.InventoryItem and srv.Journal().
//
// The server implements every endpoint of the API: manufacturers,
// products and inventory, with paging, filters, the JSON error envelope
// {"status", "error", "message"} and its status codes (400, 401, 404, 405,
// 406, 409, 413, 415, 429). Each API key is its own account. Request
// bodies may be form-encoded or JSON; responses are JSON.
//
// Lists and filters use indexes, so any page of a million inventory items,
// filtered by state, SKU or both, costs about what the first page costs.
// An inventory item takes about 45 bytes of heap at a million items, as
// measured by BenchmarkInventoryDeepPage on amd64.
//
// Fault rules (Server.AddFault) inject error statuses, latency and dropped
// connections; WithRateLimit adds 429 responses. The same controls are
// served over HTTP under /_convoy/ (health, reset, journal, faults, clock,
// fixtures, snapshot), without an API key and to loopback clients only
// unless WithRemoteAdmin is given.
//
// # Known differences from the real service
//
//   - The server rejects unknown query parameters and body fields with
//     400, so a misspelled parameter fails a test instead of being
//     ignored. The real service may ignore them.
//   - Inventory lists sort newest first by creation sequence. That matches
//     date_created order unless a fake clock is moved backward between
//     requests. For the same reason, seeding rejects inventory older than
//     the newest stored item.
//   - limit on GET /manufacturers is capped at 1000; the real service
//     documents no maximum.
//   - The state SHIPPED, the rule that any state may follow any other, and
//     the maximum quantity of 1000 are assumptions. The real service may
//     have other states and transitions.
//   - A manufacturer_id sent as a JSON number must be a whole number of 0
//     or more, and it is written back as a number only when it has at
//     most 15 digits and no leading zero.
//   - The rate limit counts requests per key in fixed windows; the real
//     service's algorithm is not documented.
//   - A generated inventory barcode is a version 4 UUID whose first 32
//     bits encode the item's position, scrambled with a per-account key,
//     so the server needs no barcode index. The other bits are random.
package convoytest
