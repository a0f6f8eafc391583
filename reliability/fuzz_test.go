package reliability_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	convoy "github.com/getconvoy/convoy-go"
)

const fuzzKey = "sk_fuzz_7c1d0e"

// cannedResponse is what the fuzz server sends next.
type cannedResponse struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
}

// cannedServer responds to the first request after set with the response
// set, and to later ones with an empty list, so that an iterator ends
// after its second page. Fuzz functions run one input at a time per process, so
// one server serves them all.
type cannedServer struct {
	mu     sync.Mutex
	next   cannedResponse
	served int
	srv    *httptest.Server
}

func newCannedServer(f *testing.F) *cannedServer {
	f.Helper()
	cs := &cannedServer{}
	cs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		cs.mu.Lock()
		resp := cs.next
		if cs.served > 0 {
			resp = cannedResponse{status: http.StatusOK, contentType: "application/json", body: []byte("[]")}
		}
		cs.served++
		cs.mu.Unlock()
		if resp.contentType != "" {
			w.Header().Set("Content-Type", resp.contentType)
		}
		if resp.retryAfter != "" {
			w.Header().Set("Retry-After", resp.retryAfter)
		}
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	}))
	f.Cleanup(cs.srv.Close)
	return cs
}

func (cs *cannedServer) set(resp cannedResponse) {
	cs.mu.Lock()
	cs.next, cs.served = resp, 0
	cs.mu.Unlock()
}

func (cs *cannedServer) client(f *testing.F) *convoy.Client {
	f.Helper()
	c, err := convoy.NewClient(fuzzKey, convoy.WithBaseURL(cs.srv.URL), convoy.WithMaxRetries(0))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// sdkCall is one SDK method with valid arguments; it reports whether the
// call returned a value on success.
type sdkCall struct {
	name   string
	method string
	run    func(ctx context.Context, c *convoy.Client) (bool, error)
}

// sdkCalls lists every SDK method that decodes a response.
var sdkCalls = []sdkCall{
	{"Manufacturers.List", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Manufacturers.List(ctx, nil)
		return v != nil, err
	}},
	{"Manufacturers.Get", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Manufacturers.Get(ctx, convoy.NumericID(1))
		return v != nil, err
	}},
	{"Manufacturers.Create", http.MethodPost, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Manufacturers.Create(ctx, &convoy.ManufacturerCreateParams{Name: "A"})
		return v != nil, err
	}},
	{"Products.List", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Products.List(ctx, nil)
		return v != nil, err
	}},
	{"Products.GetBySKU", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Products.GetBySKU(ctx, "s")
		return v != nil, err
	}},
	{"Products.GetByBarcode", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Products.GetByBarcode(ctx, "P1")
		return v != nil, err
	}},
	{"Products.Create", http.MethodPost, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Products.Create(ctx, &convoy.ProductCreateParams{Name: "n", SKU: "s", ManufacturerID: convoy.NumericID(1)})
		return v != nil, err
	}},
	{"Inventory.List", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Inventory.List(ctx, nil)
		return v != nil, err
	}},
	{"Inventory.Get", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Inventory.Get(ctx, "I1")
		return v != nil, err
	}},
	{"Inventory.Create", http.MethodPost, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Inventory.Create(ctx, "s", 2)
		return v != nil, err
	}},
	{"Inventory.Update", http.MethodPut, func(ctx context.Context, c *convoy.Client) (bool, error) {
		v, err := c.Inventory.Update(ctx, "I1", &convoy.InventoryUpdateParams{State: convoy.StatePacked})
		return v != nil, err
	}},
	{"Inventory.All", http.MethodGet, func(ctx context.Context, c *convoy.Client) (bool, error) {
		for it, err := range c.Inventory.All(ctx, &convoy.InventoryListOptions{Count: 2}) {
			if err != nil {
				return false, err
			}
			if it == nil {
				return false, errors.New("All yielded a nil item without an error")
			}
		}
		return true, nil
	}},
}

func pickCall(op uint8) sdkCall {
	return sdkCalls[int(op)%len(sdkCalls)]
}

// checkCallError checks the invariants every SDK error keeps, whatever the
// response was.
func checkCallError(t *testing.T, call sdkCall, err error) *convoy.Error {
	t.Helper()
	var apiErr *convoy.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("%s: error %T %v is not a *convoy.Error", call.name, err, err)
	}
	text := err.Error()
	if strings.Contains(text, fuzzKey) {
		t.Fatalf("%s: error contains the API key: %q", call.name, text)
	}
	if apiErr.Method != call.method {
		t.Fatalf("%s: Error.Method %q", call.name, apiErr.Method)
	}
	if apiErr.Attempts != 1 {
		t.Fatalf("%s: Error.Attempts %d with retries off", call.name, apiErr.Attempts)
	}
	if errors.Is(err, convoy.ErrOutcomeUnknown) && call.method != http.MethodPost {
		t.Fatalf("%s: a %s reported outcome unknown", call.name, call.method)
	}
	return apiErr
}

// FuzzResponseDecoding sends arbitrary 2xx bodies to every SDK method: no
// panic, and each call returns either a value or a *convoy.Error.
func FuzzResponseDecoding(f *testing.F) {
	manufacturer := `{"manufacturer_id":1,"name":"Apple"}`
	product := `{"sku":"s","barcode":"P1","name":"n","manufacturer":` + manufacturer + `}`
	item := `{"state":"PACKED","barcode":"I1","date_created":1470287770,"date_modified":1470287770,"product":{"sku":"s","name":"n","manufacturer":` + manufacturer + `}}`
	seeds := []string{
		manufacturer, "[" + manufacturer + "]", product, "[" + product + "]", item, "[" + item + "]", "[" + item + "," + item + "]",
		`{"manufacturer_id":"M3f1c","name":"x"}`, `{"manufacturer_id":1e400}`, `{"manufacturer_id":-0.5e-3}`,
		`{"manufacturer_id":123456789012345678901234567890}`, `{"manufacturer_id":true}`, `{"manufacturer_id":"\ud800"}`,
		`{"date_created":-9223372036854775808,"date_modified":9223372036854775807}`, `{"date_created":1.5}`,
		`[]`, `null`, `{}`, ``, `[null]`, `[{}]`, `{"state":"LOST"}`, "\xff\xfe", `[` + strings.Repeat(`[`, 200),
	}
	for i, body := range seeds {
		f.Add(uint8(i), uint16(200), "application/json", body)
	}
	f.Add(uint8(2), uint16(201), "text/html", "<html>ok</html>")
	f.Add(uint8(10), uint16(204), "", "")

	cs := newCannedServer(f)
	c := cs.client(f)

	f.Fuzz(func(t *testing.T, op uint8, status uint16, contentType, body string) {
		call := pickCall(op)
		cs.set(cannedResponse{status: 200 + int(status)%100, contentType: headerSafe(contentType), body: []byte(body)})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		got, err := call.run(ctx, c)

		if err == nil {
			if !got {
				t.Fatalf("%s: no value and no error for %q", call.name, body)
			}
			return
		}
		apiErr := checkCallError(t, call, err)
		if apiErr.StatusCode < 200 || apiErr.StatusCode > 299 {
			t.Fatalf("%s: status %d for a 2xx response", call.name, apiErr.StatusCode)
		}
	})
}

// FuzzErrorDecoding sends arbitrary error responses (status, content
// type, Retry-After and body) to every SDK method: no panic, the status
// survives, the message is one bounded line, and only a POST may report
// an unknown outcome.
func FuzzErrorDecoding(f *testing.F) {
	seeds := []struct {
		status      uint16
		contentType string
		retryAfter  string
		body        string
	}{
		{404, "application/json", "", `{"status":404,"error":"not_found","message":"no product with sku \"AB/1\""}`},
		{429, "application/json", "3", `{"status":429,"error":"rate_limited","message":"slow down"}`},
		{503, "text/html", "Wed, 21 Oct 2015 07:28:00 GMT", "<html><head><title>503 Service Unavailable</title></head></html>"},
		{502, "text/html", "", "<html><body><h1>Bad <b>Gateway</b></h1>"},
		{500, "", "", ""},
		{504, "text/plain", "-1", "upstream timed out\r\n\tretry"},
		{400, "application/json", "99999999999999999999", `{"status":"400","error":1}`},
		{401, "application/json", "", `{"error":"unauthorized","message":"` + strings.Repeat("\\u0000", 300) + `"}`},
		{409, "application/json", "", `{"message":"` + strings.Repeat("é", 300) + `"}`},
		{418, "text/html", "1", "<title></title><title>x</title>"},
		{599, "application/json", "", "\xff\xfe\xfd"},
	}
	for i, s := range seeds {
		f.Add(uint8(i), s.status, s.contentType, s.retryAfter, s.body)
	}

	cs := newCannedServer(f)
	c := cs.client(f)

	f.Fuzz(func(t *testing.T, op uint8, status uint16, contentType, retryAfter, body string) {
		call := pickCall(op)
		code := 400 + int(status)%200
		cs.set(cannedResponse{status: code, contentType: headerSafe(contentType), retryAfter: headerSafe(retryAfter), body: []byte(body)})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		_, err := call.run(ctx, c)

		if err == nil {
			t.Fatalf("%s: no error for status %d", call.name, code)
		}
		apiErr := checkCallError(t, call, err)
		if apiErr.StatusCode != code {
			t.Fatalf("%s: Error.StatusCode %d, want %d", call.name, apiErr.StatusCode, code)
		}
		if len(apiErr.Message) > 64<<10+8 || len(apiErr.Code) > 512 {
			t.Fatalf("%s: message of %d bytes, code of %d bytes", call.name, len(apiErr.Message), len(apiErr.Code))
		}
		if strings.ContainsFunc(apiErr.Message, unicode.IsControl) || strings.ContainsFunc(apiErr.Code, unicode.IsControl) {
			t.Fatalf("%s: control character in message %q or code %q", call.name, apiErr.Message, apiErr.Code)
		}
		if apiErr.RetryAfter < 0 {
			t.Fatalf("%s: negative RetryAfter %v", call.name, apiErr.RetryAfter)
		}
		wantUnknown := call.method == http.MethodPost &&
			(code == 500 || code == 502 || code == 504 || (code == 503 && !retryAfterValid(headerSafe(retryAfter))))
		if errors.Is(err, convoy.ErrOutcomeUnknown) != wantUnknown {
			t.Fatalf("%s: status %d, Retry-After %q: outcome unknown %v, want %v", call.name, code, headerSafe(retryAfter), !wantUnknown, wantUnknown)
		}
	})
}

// retryAfterValid reports whether v is a Retry-After the SDK reads: whole
// seconds of 0 or more, or an HTTP date.
func retryAfterValid(v string) bool {
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return secs >= 0
	}
	_, err := http.ParseTime(v)
	return err == nil
}

// headerSafe drops a header value net/http would refuse to send.
func headerSafe(v string) string {
	for _, r := range v {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return ""
		}
	}
	return strings.TrimSpace(v)
}
