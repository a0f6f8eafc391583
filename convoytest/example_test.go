package convoytest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/getconvoy/convoy-go/convoytest"
)

// The usual start: a server per test, seeded from Go, driven by the SDK.
func ExampleNewServer() {
	t := &testing.T{} // in a test, its own t, which then closes the server
	srv := convoytest.NewServer(t, convoytest.WithSeed(1))
	defer srv.Close()

	err := srv.Seed(&convoytest.Fixtures{
		Manufacturers: []convoytest.Manufacturer{{ID: "1", Name: "Apple"}},
		Products:      []convoytest.Product{{SKU: "sku1234", Name: "iPhone 5s", ManufacturerID: "1"}},
		Inventory:     []convoytest.InventoryItem{{SKU: "sku1234", Quantity: 20}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	items, err := srv.Client().Inventory.List(context.Background(), &convoy.InventoryListOptions{SKU: "sku1234", Count: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(items), items[0].State)
	// Output: 5 INVENTORIED
}

// Without the SDK: plain HTTP with a form body, as any language sends it.
func ExampleNew() {
	srv := convoytest.New(convoytest.WithClock(convoytest.NewFakeClock(time.Unix(1470287768, 0))))
	srv.Start()
	defer srv.Close()

	body := url.Values{"manufacturer_id": {"3"}, "name": {"Amazon"}}.Encode()
	req, _ := http.NewRequest("POST", srv.URL+"/manufacturers", strings.NewReader(body))
	req.Header.Set("Authorization", srv.APIKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)

	fmt.Println(resp.StatusCode, strings.TrimSpace(string(data)))
	// Output: 201 {"manufacturer_id":3,"name":"Amazon"}
}

// A fault rule makes the next matching request fail with 503 and a
// Retry-After header, without applying it.
func ExampleServer_AddFault() {
	srv := convoytest.New()
	srv.Start()
	defer srv.Close()

	if _, err := srv.AddFault(convoytest.Fault{Method: "GET", Path: "/inventory", Times: 1, Status: 503, RetryAfter: time.Second}); err != nil {
		fmt.Println(err)
		return
	}

	req, _ := http.NewRequest("GET", srv.URL+"/inventory", nil)
	req.Header.Set("Authorization", srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), srv.Journal()[0].Fault)
	// Output: 503 1 status
}

// Fixtures in JSON, the format the convoy-mock binary reads with -fixtures.
func ExampleLoadFixtures() {
	f, err := convoytest.LoadFixtures(strings.NewReader(`{
	  "manufacturers": [{"manufacturer_id": 1, "name": "Apple"}],
	  "products": [{"sku": "sku1234", "name": "iPhone 5s", "manufacturer_id": 1}],
	  "inventory": [{"sku": "sku1234", "state": "PACKED", "date_created": 1470287770, "quantity": 3}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}

	srv := convoytest.New()
	if err := srv.Seed(f); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.CountInventory("PACKED", "sku1234"))
	// Output: 3
}
