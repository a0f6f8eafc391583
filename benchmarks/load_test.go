package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadGoroutines is the number of concurrent clients in the load
// benchmarks.
const loadGoroutines = 32

// writeEvery makes every writeEvery-th request of the mixed load a write:
// alternately a POST /inventory of one item and a PUT /inventory/{barcode}.
const writeEvery = 10

// loadTarget sends requests of one kind to one server.
type loadTarget struct {
	hc       *http.Client
	apiKey   string
	baseURL  string
	pages    int      // pages of reads cycle through 1..pages
	barcodes []string // items that updates change
}

// send issues request i of the load: a read of a page of 50, or, when
// mixed and i is a multiple of writeEvery, a create or an update. It reads
// the whole response body so the connection is kept alive.
func (t *loadTarget) send(ctx context.Context, i int, mixed bool) error {
	method, target, form := http.MethodGet, t.baseURL+"/inventory?count="+strconv.Itoa(pageSize)+"&page="+strconv.Itoa(1+i%t.pages), ""
	if mixed && i%writeEvery == writeEvery-1 {
		if (i/writeEvery)%2 == 0 {
			method, target = http.MethodPost, t.baseURL+"/inventory"
			form = url.Values{"sku": {skuName(i % seedSKUs)}, "quantity": {"1"}}.Encode()
		} else {
			state := "PACKED"
			if (i/writeEvery)%4 == 3 {
				state = "INVENTORIED"
			}
			method, target = http.MethodPut, t.baseURL+"/inventory/"+t.barcodes[(i/writeEvery)%len(t.barcodes)]
			form = url.Values{"state": {state}}.Encode()
		}
	}

	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", t.apiKey)
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	resp, err := t.hc.Do(req)
	if err != nil {
		return err
	}
	_, copyErr := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %d", method, target, resp.StatusCode)
	}
	return copyErr
}

// sendAll sends requests first to first+count-1 of the load from
// loadGoroutines goroutines, each with its own keep-alive connection, and
// returns the errors.
func sendAll(t *loadTarget, first, count int, mixed bool) error {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, loadGoroutines)

	for range loadGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				if err := t.send(ctx, first+i, mixed); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()

	close(errs)
	return errors.Join(collect(errs)...)
}

// runLoad sends b.N requests to t and reports requests per second (req/s).
func runLoad(b *testing.B, t *loadTarget, mixed bool) {
	b.Helper()

	b.ReportAllocs()
	b.ResetTimer()
	err := sendAll(t, 0, b.N, mixed)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// loadPhase is the number of requests sent to one server before the
// paired load benchmark switches to the other.
const loadPhase = 256

// runPairedLoad sends b.N requests in phases of loadPhase to base and
// candidate in turn, alternating which of the two goes first. It reports
// the median, over pairs of phases, of the candidate's requests per second
// over the base's. Phases a few milliseconds apart expose both servers to
// the same load on a shared machine, and the median drops pairs that a
// stall of the machine hit.
func runPairedLoad(b *testing.B, unit string, base, candidate *loadTarget, mixed bool) {
	b.Helper()

	var ratios []float64
	var sent [2]int
	phase := func(t *loadTarget, side, count int) time.Duration {
		start := time.Now()
		if err := sendAll(t, sent[side], count, mixed); err != nil {
			b.Fatal(err)
		}
		sent[side] += count
		return time.Since(start)
	}

	for pair, left := 0, b.N; left > 0; pair++ {
		count := max(1, min(loadPhase, left/2))
		var baseTime, candidateTime time.Duration
		if pair%2 == 0 {
			baseTime = phase(base, 0, count)
			candidateTime = phase(candidate, 1, count)
		} else {
			candidateTime = phase(candidate, 1, count)
			baseTime = phase(base, 0, count)
		}
		left -= 2 * count

		// Equal counts make the ratio of rates the inverse ratio of times.
		ratios = append(ratios, float64(baseTime)/float64(candidateTime))
	}

	b.ReportMetric(median(ratios), unit)
}

func collect(errs <-chan error) []error {
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return all
}

// BenchmarkConcurrentLoad sends requests from 32 goroutines over
// keep-alive loopback connections to a convoytest server and to a minimal
// net/http handler that writes a prebuilt 50-item page. mix=read reads
// pages of 50, and mix=mixed makes one request in ten a create or an
// update. Compare req/s of server=convoytest with server=minimal, or read
// the ratio of server=paired.
func BenchmarkConcurrentLoad(b *testing.B) {
	n := scale(10_000, 1_000)
	store := seededStore(b, n)
	store.Start()
	defer store.Close()

	barcodes := make([]string, 0, 100)
	for _, it := range store.Snapshot().Inventory[:100] {
		barcodes = append(barcodes, it.Barcode)
	}

	minimal := httptest.NewServer(cannedHandler(newCanned(b)))
	defer minimal.Close()

	target := func(b *testing.B, baseURL string) *loadTarget {
		hc := &http.Client{Transport: newTransport()}
		b.Cleanup(hc.CloseIdleConnections)
		return &loadTarget{hc: hc, apiKey: store.APIKey, baseURL: baseURL, pages: n / pageSize, barcodes: barcodes}
	}

	servers := []struct{ name, url string }{{"minimal", minimal.URL}, {"convoytest", store.URL}}
	for _, mix := range []string{"read", "mixed"} {
		for _, srv := range servers {
			b.Run("mix="+mix+"/server="+srv.name, func(b *testing.B) {
				runLoad(b, target(b, srv.url), mix == "mixed")
			})
		}
		b.Run("mix="+mix+"/server=paired", func(b *testing.B) {
			runPairedLoad(b, "convoytest/minimal", target(b, minimal.URL), target(b, store.URL), mix == "mixed")
		})
	}
}
