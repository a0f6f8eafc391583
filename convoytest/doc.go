// Package convoytest provides an in-memory Convoy API server for tests.
//
// Start a server in a test (it closes when the test ends), seed it, and
// point a client at it:
//
//	srv := convoytest.NewServer(t, convoytest.WithSeed(1))
//	err := srv.Seed(&convoytest.Fixtures{
//		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
//		Products:      []convoytest.Product{{SKU: "sku1234", Name: "iPhone 5s", ManufacturerID: "1"}},
//	})
//	client := srv.Client() // or convoy.NewClient(srv.APIKey, convoy.WithBaseURL(srv.URL))
//
// Then check the results with srv.Snapshot, srv.InventoryItem,
// srv.CountInventory and srv.Journal.
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
// connections; WithRateLimit adds 429 responses.
//
// # Control routes
//
// The same controls are served over HTTP under /_convoy/, for programs
// that run the server as the convoy-mock command. They need no API key and
// serve loopback clients only, unless WithRemoteAdmin is given. Bodies are
// JSON, and so is every reply. Routes without a reply of their own return
// {"status": "ok"}, and errors come as the API's error envelope
// {"status", "error", "message"}.
//
//	GET    /_convoy/health       {"status": "ok"}
//	POST   /_convoy/reset        return every account to its seeded state (see Server.Reset)
//	GET    /_convoy/journal      the recorded requests, oldest first:
//	                             [{"time": 1470287770, "method": "POST", "path": "/inventory",
//	                               "query": {}, "form": {"sku": ["sku1234"]}, "status": 201}]
//	                             with "fault": "status", "latency", "drop_before" or "drop_after"
//	                             when a fault rule applied; status 0 means the connection was dropped
//	DELETE /_convoy/journal      clear the journal
//	POST   /_convoy/faults       add a fault rule, replying 201 {"id": 1}; every field is optional:
//	                             {"method": "POST", "path": "/inventory", "times": 1, "probability": 0.5,
//	                              "latency": "150ms", "status": 503, "retry_after": 2,
//	                              "body": "json" | "html" | "empty", "drop": "before" | "after"}
//	GET    /_convoy/faults       the active rules in the same form, each with its "id", and "left"
//	                             when "times" limits it
//	DELETE /_convoy/faults       remove every rule
//	DELETE /_convoy/faults/{id}  remove one rule
//	GET    /_convoy/clock        {"now": 1470287770}, in Unix seconds
//	POST   /_convoy/clock        {"advance": "90s"} or {"set": 1470287770}, replying {"now": ...};
//	                             only with a fake clock (convoy-mock -clock), otherwise 409
//	POST   /_convoy/fixtures     seed fixtures (the format below)
//	GET    /_convoy/snapshot     the account's data as fixtures
//
// In a fault rule, "latency" is a duration such as "150ms" or "2s",
// "retry_after" is whole seconds, "times" counts the next matching requests
// (0 or absent: until removed), and "probability" applies the rule to that
// share of them. "path" is a pattern of Go's path.Match matched against the
// escaped request path: "*" matches within one path segment only, so
// "/inventory/*" matches every "/inventory/{barcode}", but "/products/*"
// does not match "/products/sku/sku1234", which "/products/sku/*" matches.
// An absent method or path matches any.
//
// Fixtures are the JSON form of the Fixtures type:
//
//	{
//	  "manufacturers": [{"manufacturer_id": 1, "name": "Apple"}],
//	  "products": [{"sku": "sku1234", "name": "iPhone 5s", "manufacturer_id": 1}],
//	  "inventory": [{"sku": "sku1234", "state": "PACKED", "date_created": 1470287770, "quantity": 20}]
//	}
//
// fixtures and snapshot act on the account whose key is in the
// Authorization header, or on the default account when there is none.
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
//   - limit on GET /manufacturers is capped at 1000, and quantity on
//     POST /inventory at 1000 (WithMaxQuantity changes it); the real
//     service documents no maximum for either.
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
