package convoy_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/getconvoy/convoy-go"
)

// demoServer serves part of the Convoy API on 127.0.0.1, responding as the
// API reference shows.
func demoServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /manufacturers", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusCreated, `{"manufacturer_id": `+r.FormValue("manufacturer_id")+`, "name": "`+r.FormValue("name")+`"}`)
	})
	mux.HandleFunc("GET /products/sku/{sku}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("sku") != "sku1234" {
			reply(w, http.StatusNotFound, `{"status": 404, "error": "not_found", "message": "no product with sku \"`+r.PathValue("sku")+`\""}`)
			return
		}
		reply(w, http.StatusOK, `{"sku": "sku1234", "barcode": "P4d119947-271f-4c59-95e9-dea70b84b6d1", "name": "iPhone 5s", "manufacturer": {"manufacturer_id": 1, "name": "Apple"}}`)
	})
	mux.HandleFunc("POST /inventory", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.FormValue("quantity"))
		body := "["
		for i := range n {
			if i > 0 {
				body += ","
			}
			body += fmt.Sprintf(`{"state": "INVENTORIED", "barcode": "Ic3568f2c-a9e7-4f2e-b735-a351506c289%d", "date_created": 1470289468, "date_modified": 1470289468, "product": {"sku": "sku1234", "name": "iPhone 5s", "manufacturer": {"manufacturer_id": 1, "name": "Apple"}}}`, i)
		}
		reply(w, http.StatusCreated, body+"]")
	})
	mux.HandleFunc("PUT /inventory/{barcode}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, `[{"state": "`+r.FormValue("state")+`", "barcode": "`+r.PathValue("barcode")+`", "date_created": 1470287770, "date_modified": 1470290000, "product": {"sku": "sku1234", "name": "iPhone 5s", "manufacturer": {"manufacturer_id": 1, "name": "Apple"}}}]`)
	})
	mux.HandleFunc("GET /inventory", func(w http.ResponseWriter, r *http.Request) {
		items := []struct{ state, json string }{
			{"INVENTORIED", `{"state": "INVENTORIED", "barcode": "I954d3fae-885e-4e46-b9fb-5de959acd7b5", "date_created": 1470287770, "date_modified": 1470287770, "product": {"sku": "sku1234", "name": "iPhone 5s", "manufacturer": {"manufacturer_id": 1, "name": "Apple"}}}`},
			{"PACKED", `{"state": "PACKED", "barcode": "I3b8c1c7e-9301-4ca2-89c8-b389bb2bdd6e", "date_created": 1470201567, "date_modified": 1470203927, "product": {"sku": "sku2345", "name": "iPad Mini", "manufacturer": {"manufacturer_id": 1, "name": "Apple"}}}`},
		}
		var page []string
		for _, it := range items {
			if r.FormValue("page") == "1" && (r.FormValue("state") == "" || r.FormValue("state") == it.state) {
				page = append(page, it.json)
			}
		}
		reply(w, http.StatusOK, "["+strings.Join(page, ",")+"]")
	})
	return httptest.NewServer(mux)
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func ExampleNewClient() {
	client, err := convoy.NewClient("API_KEY")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	// A plain-http URL to a host other than loopback would send the key in
	// clear text, so it needs an explicit opt-in.
	_, err = convoy.NewClient("API_KEY", convoy.WithBaseURL("http://proxy.internal/convoy"))
	fmt.Println(err != nil)
	// Output:
	// https://api.getconvoy.com/
	// true
}

func ExampleManufacturersService_Create() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	m, err := client.Manufacturers.Create(context.Background(), &convoy.ManufacturerCreateParams{
		ID:   convoy.NumericID(3),
		Name: "Amazon",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.Name, m.ID.IsNumeric())
	// Output: 3 Amazon true
}

func ExampleProductsService_GetBySKU() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	p, err := client.Products.GetBySKU(context.Background(), "sku1234")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name, p.Barcode, p.Manufacturer.Name)
	// Output: iPhone 5s P4d119947-271f-4c59-95e9-dea70b84b6d1 Apple
}

func ExampleInventoryService_Create() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	items, err := client.Inventory.Create(ctx, "sku1234", 2)
	if errors.Is(err, convoy.ErrOutcomeUnknown) {
		// The items may exist: list the SKU's newest items before creating
		// them again.
		log.Fatal(err)
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println(it.Barcode, it.State, it.DateCreated)
	}
	// Output:
	// Ic3568f2c-a9e7-4f2e-b735-a351506c2890 INVENTORIED 2016-08-04 05:44:28 +0000 UTC
	// Ic3568f2c-a9e7-4f2e-b735-a351506c2891 INVENTORIED 2016-08-04 05:44:28 +0000 UTC
}

func ExampleInventoryService_Update() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	it, err := client.Inventory.Update(context.Background(), "I954d3fae-885e-4e46-b9fb-5de959acd7b5",
		&convoy.InventoryUpdateParams{State: convoy.StatePacked})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(it.State, it.DateModified)
	// Output: PACKED 2016-08-04 05:53:20 +0000 UTC
}

func ExampleInventoryService_All() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	for it, err := range client.Inventory.All(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(it.Product.SKU, it.State)
	}
	// Output:
	// sku1234 INVENTORIED
	// sku2345 PACKED
}

// Moving items out of the filter being iterated skips some of them, so
// collect the barcodes first and update them after the loop.
func ExampleInventoryService_All_collectThenUpdate() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	var barcodes []string
	for it, err := range client.Inventory.All(ctx, &convoy.InventoryListOptions{State: convoy.StateInventoried}) {
		if err != nil {
			log.Fatal(err)
		}
		barcodes = append(barcodes, it.Barcode)
	}
	for _, barcode := range barcodes {
		it, err := client.Inventory.Update(ctx, barcode, &convoy.InventoryUpdateParams{State: convoy.StatePacked})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(it.Barcode, it.State)
	}
	// Output: I954d3fae-885e-4e46-b9fb-5de959acd7b5 PACKED
}

func ExampleError() {
	srv := demoServer()
	defer srv.Close()
	client, err := convoy.NewClient("API_KEY", convoy.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Products.GetBySKU(context.Background(), "AB/12 x%")
	if errors.Is(err, convoy.ErrNotFound) {
		fmt.Println("not found")
	}
	var apiErr *convoy.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message)
		fmt.Println(apiErr.Method, apiErr.Path, apiErr.Attempts)
	}
	fmt.Println(err)
	// Output:
	// not found
	// 404 not_found no product with sku "AB/12 x%"
	// GET /products/sku/AB%2F12%20x%25 1
	// convoy: GET /products/sku/AB%2F12%20x%25: 404 not_found: no product with sku "AB/12 x%"
}
