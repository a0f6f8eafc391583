package convoy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
)

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the Convoy API endpoint a Client calls unless
// WithBaseURL sets another.
const DefaultBaseURL = "https://api.getconvoy.com/"

// Retry defaults: 3 retries after the first attempt, waits growing
// exponentially from 0.5 s and capped at 30 s.
const (
	defaultMaxRetries   = 3
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second
)

// Client calls the Convoy API. Create it with NewClient. A Client is safe
// for concurrent use by multiple goroutines, and it should be reused: it
// keeps a pool of connections.
//
// Formatting a Client with the fmt package prints its base URL and never
// its API key.
type Client struct {
	// Manufacturers calls the /manufacturers endpoints.
	Manufacturers *ManufacturersService
	// Products calls the /products endpoints.
	Products *ProductsService
	// Inventory calls the /inventory endpoints.
	Inventory *InventoryService

	baseURL      string // absolute, ends with "/"
	insecureHTTP bool
	httpClient   *http.Client
	userAgent    string
	logger       *slog.Logger
	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration

	// Header values built once and shared by every request; the transport
	// only reads them.
	authHeader      []string
	acceptHeader    []string
	userAgentHeader []string
	formHeader      []string

	retry *retryablehttp.Client
}

// An Option configures a Client in NewClient. An option given an invalid
// value makes NewClient return an error.
type Option func(*Client) error

// WithBaseURL sets the API endpoint, for example a proxy
// ("https://proxy.example/convoy/v1/") or a local test server. Request paths
// are joined to the URL's path, so a path prefix is kept. The URL must be
// absolute, use https (or http to a loopback host, see WithInsecureHTTP) and
// carry no query or fragment. The default is DefaultBaseURL.
func WithBaseURL(baseURL string) Option {
	return func(c *Client) error {
		c.baseURL = baseURL
		return nil
	}
}

// WithHTTPClient sets the HTTP client that sends requests, for example to
// set a per-attempt Timeout or a custom Transport. The default is a client
// with its own pooled transport and no timeout, so calls are bounded by
// their context only. go-retryablehttp closes the client's idle
// connections after a call that failed, so a client shared with other code
// loses its idle connections then. When hc has no CheckRedirect, the
// Client uses a copy of hc that refuses redirects sending the API key over
// plain HTTP; hc itself is not changed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("convoy: WithHTTPClient: HTTP client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent puts product (for example "inventory-sync/1.4") in front of
// the SDK's own token, so requests carry "inventory-sync/1.4 convoy-go/0.1.0".
func WithUserAgent(product string) Option {
	return func(c *Client) error {
		if hasControlChar(product) {
			return errors.New("convoy: WithUserAgent: user agent contains a control character")
		}
		c.userAgent = strings.TrimSpace(product)
		return nil
	}
}

// WithLogger turns on logging to logger: one Debug record per attempt
// (method, path, status, attempt, duration) and one Warn record per retry.
// Without it the Client logs nothing. The API key is never logged.
func WithLogger(logger *slog.Logger) Option {
	return func(c *Client) error {
		c.logger = logger
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried after the
// first attempt; 0 turns retries off. The default is 3.
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("convoy: WithMaxRetries: retries must be 0 or more, got %d", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the wait between attempts. The wait
// starts at minWait, doubles with each retry, gets up to 50% random jitter
// and never exceeds maxWait. A Retry-After header from the server replaces
// the computed wait. A Retry-After longer than maxWait is not waited for:
// the error is returned at once with Error.RetryAfter set. The defaults
// are 0.5 s and 30 s.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *Client) error {
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("convoy: WithRetryWait: need 0 <= min <= max, got min %s, max %s", minWait, maxWait)
		}
		c.retryWaitMin = minWait
		c.retryWaitMax = maxWait
		return nil
	}
}

// WithInsecureHTTP allows a base URL with the http scheme to a host that is
// not loopback. Without it such a URL is rejected, because the API key
// would travel in clear text.
func WithInsecureHTTP() Option {
	return func(c *Client) error {
		c.insecureHTTP = true
		return nil
	}
}

// NewClient returns a Client that authenticates with apiKey. It returns an
// error, and no Client, for an empty key, a key with control characters or
// space at either end, an option with an invalid value, or an invalid base
// URL. NewClient sends nothing.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if apiKey == "" {
		return nil, errors.New("convoy: API key is empty")
	}
	if hasControlChar(apiKey) {
		return nil, errors.New("convoy: API key contains a control character; check for a trailing newline where the key was read from a file or environment variable")
	}
	if strings.TrimSpace(apiKey) != apiKey {
		return nil, errors.New("convoy: API key has space at either end; remove it, because the server compares keys exactly")
	}

	c := &Client{
		baseURL:      DefaultBaseURL,
		maxRetries:   defaultMaxRetries,
		retryWaitMin: defaultRetryWaitMin,
		retryWaitMax: defaultRetryWaitMax,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}

	base, err := normalizeBaseURL(c.baseURL, c.insecureHTTP)
	if err != nil {
		return nil, err
	}
	c.baseURL = base

	userAgent := "convoy-go/" + Version
	if c.userAgent != "" {
		userAgent = c.userAgent + " " + userAgent
	}
	c.authHeader = []string{apiKey}
	c.acceptHeader = []string{"application/json"}
	c.userAgentHeader = []string{userAgent}
	c.formHeader = []string{"application/x-www-form-urlencoded"}

	c.retry = c.newRetryClient()
	c.Manufacturers = &ManufacturersService{client: c}
	c.Products = &ProductsService{client: c}
	c.Inventory = &InventoryService{client: c}
	return c, nil
}

// BaseURL returns the API endpoint the Client calls, ending with "/".
func (c *Client) BaseURL() string {
	return c.baseURL
}

// Format prints the Client for every fmt verb without its API key, so a
// Client in a log line or error message leaks no secret. It has a value
// receiver so that printing a Client value, not only a pointer, uses it.
func (c Client) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprintf(f, "&convoy.Client{BaseURL:%q, APIKey:%q}", c.baseURL, redacted)
		return
	}
	fmt.Fprintf(f, "convoy.Client{BaseURL: %s, APIKey: %s}", c.baseURL, redacted)
}

const redacted = "[REDACTED]"

// normalizeBaseURL checks raw and returns it with a trailing slash, so
// relative request paths are appended to its path instead of replacing the
// last segment.
func normalizeBaseURL(raw string, insecureHTTP bool) (string, error) {
	const want = "need an absolute http or https URL such as https://api.getconvoy.com/ or http://127.0.0.1:12111/, or leave out WithBaseURL for the default"
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("convoy: invalid base URL %q (%s): %w", raw, want, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("convoy: invalid base URL %q: %s", raw, want)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("convoy: invalid base URL %q: a query or fragment is not allowed", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("convoy: invalid base URL %q: user information is not allowed", u.Redacted())
	}
	if u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("convoy: base URL %q uses http to a host that is not loopback, which would send the API key in clear text; use https or pass WithInsecureHTTP", raw)
	}

	path := u.EscapedPath()
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return u.Scheme + "://" + u.Host + path, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
// It resolves no names.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hasControlChar(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// escapeSegment escapes s as one path segment. url.PathEscape leaves "."
// and ".." as they are, and a proxy that normalizes the URL would resolve
// them as dot segments (GET /products/sku/.. becomes GET /products/), so
// their dots are escaped as %2E.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}

// call is one API call: the pipeline's input.
type call struct {
	method string
	path   string // relative to the base URL, every segment already escaped
	query  any    // go-querystring struct for the URL query, or nil
	form   any    // go-querystring struct for the form body, or nil
}

// do runs the one request pipeline every service method uses: encode the
// query and form body, send with retries, and decode a 2xx JSON body into
// out (which may be nil). Every failure is returned as an *Error.
func (c *Client) do(ctx context.Context, in call, out any) error {
	st := &requestState{Context: ctx, method: in.method, path: in.path}
	if err := ctx.Err(); err != nil {
		return st.transportError(err)
	}

	target := c.baseURL + in.path
	if in.query != nil {
		values, err := query.Values(in.query)
		if err != nil {
			return st.invalid(fmt.Sprintf("encode query: %v", err))
		}
		if len(values) > 0 {
			target = c.baseURL + in.path + "?" + values.Encode()
		}
	}
	var body any // stays a nil interface without a form, so no body is sent
	if in.form != nil {
		values, err := query.Values(in.form)
		if err != nil {
			return st.invalid(fmt.Sprintf("encode form: %v", err))
		}
		body = []byte(values.Encode())
	}

	req, err := retryablehttp.NewRequestWithContext(st, in.method, target, body)
	if err != nil {
		return st.invalid(fmt.Sprintf("build request: %v", err))
	}
	req.Header["Authorization"] = c.authHeader
	req.Header["Accept"] = c.acceptHeader
	req.Header["User-Agent"] = c.userAgentHeader
	if body != nil {
		req.Header["Content-Type"] = c.formHeader
	}

	resp, err := c.retry.Do(req)
	if err != nil {
		return st.transportError(err)
	}
	defer drainAndClose(resp.Body)

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.responseError(st, resp)
	}
	if out == nil {
		return nil
	}
	limited := &io.LimitedReader{R: resp.Body, N: maxResponseBody + 1}
	if err := json.NewDecoder(limited).Decode(out); err != nil {
		if limited.N <= 0 {
			err = fmt.Errorf("response body is larger than %d bytes: %w", maxResponseBody, err)
		}
		return st.decodeError(resp.StatusCode, c.redactError(err))
	}
	return nil
}

// maxResponseBody bounds how much of a success response is decoded, so a
// server that never ends its body cannot exhaust memory. The largest valid
// response is an estimated 7.3 MB: 1000 items from one POST /inventory,
// every text field at its maximum length, and every character outside the
// Basic Multilingual Plane, escaped as a 12-byte \uXXXX\uXXXX pair.
const maxResponseBody = 16 << 20

// drainAndClose reads a little of what is left of body so the connection
// can be reused, then closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}
