package convoy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchPage is a full inventory page of 50 items.
var benchPage = "[" + strings.TrimSuffix(strings.Repeat(itemJSON+",", 50), ",") + "]"

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/inventory/I1" {
			writeJSON(w, http.StatusOK, itemJSON)
			return
		}
		writeJSON(w, http.StatusOK, benchPage)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// handWritten is the baseline: the same call written with net/http and
// encoding/json alone.
func handWritten(ctx context.Context, hc *http.Client, target string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", testKey)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// handItem is how a hand-written client would declare an inventory item.
type handItem struct {
	State        string `json:"state"`
	Barcode      string `json:"barcode"`
	DateCreated  int64  `json:"date_created"`
	DateModified int64  `json:"date_modified"`
	Product      struct {
		SKU          string `json:"sku"`
		Name         string `json:"name"`
		Manufacturer struct {
			ID   json.Number `json:"manufacturer_id"`
			Name string      `json:"name"`
		} `json:"manufacturer"`
	} `json:"product"`
}

func BenchmarkInventoryList(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		c, err := NewClient(testKey, WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for range b.N {
			if _, err := c.Inventory.List(ctx, &InventoryListOptions{Count: 50, State: StatePacked}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net/http", func(b *testing.B) {
		hc := &http.Client{Transport: newTransport()}
		b.ReportAllocs()
		for range b.N {
			var page []handItem
			if err := handWritten(ctx, hc, srv.URL+"/inventory?count=50&state=PACKED", &page); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkInventoryGet(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		c, err := NewClient(testKey, WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for range b.N {
			if _, err := c.Inventory.Get(ctx, "I1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net/http", func(b *testing.B) {
		hc := &http.Client{Transport: newTransport()}
		b.ReportAllocs()
		for range b.N {
			var item handItem
			if err := handWritten(ctx, hc, srv.URL+"/inventory/I1", &item); err != nil {
				b.Fatal(err)
			}
		}
	})
}
