package convoy

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorBodies(t *testing.T) {
	t.Parallel()
	huge := `{"status":400,"error":"invalid_request","message":"` + strings.Repeat("x", 80<<10) + `"}`
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		code        string
		message     string
	}{
		{"JSON", 404, "application/json", `{"status": 404, "error": "not_found", "message": "no product with sku \"AB/1\""}`, "not_found", `no product with sku "AB/1"`},
		{"JSON without message", 409, "application/json", `{"status":409,"error":"conflict"}`, "conflict", ""},
		{"HTML with title", 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", "", "502 Bad Gateway"},
		{"HTML without title", 503, "text/html", "<html>\n<body>\n<p>Service   is\n down</p></body></html>", "", "Service is down"},
		{"plain text", 500, "text/plain", "internal error\nat line 3\r\n", "", "internal error at line 3"},
		{"empty", 504, "", "", "", "Gateway Timeout"},
		{"empty unknown status", 599, "", "", "", "empty response body"},
		{"JSON of another shape", 400, "application/json", `{"detail":"bad"}`, "", `{"detail":"bad"}`},
		{"control characters", 500, "text/plain", "a\x1b[31mb\x00c", "", "a [31mb c"},
		{"invalid UTF-8", 500, "text/plain", "a\xffb", "", "a\uFFFDb"},
		{"larger than 64 KiB", 400, "application/json", huge, "", `{"status":400,"error":"invalid_request","message":"` + strings.Repeat("x", maxMessageLen-50) + "…"},
		{"huge text", 500, "text/plain", strings.Repeat("y", 1<<20), "", strings.Repeat("y", maxMessageLen) + "…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}), WithMaxRetries(0))

			_, err := c.Products.GetBySKU(testContext(t), "AB/1")

			var apiErr *Error
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			if tc.name == "larger than 64 KiB" {
				assert.True(t, strings.HasPrefix(apiErr.Message, tc.message[:60]))
				assert.LessOrEqual(t, len(apiErr.Message), maxMessageLen+len("…"))
			} else {
				assert.Equal(t, tc.message, apiErr.Message)
			}
			assert.True(t, utf8.ValidString(err.Error()))
			assert.NotContains(t, err.Error(), "\n")
			assert.Contains(t, err.Error(), "GET /products/sku/AB%2F1")
		})
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrInvalidRequest, ErrUnauthorized, ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ErrOutcomeUnknown}
	cases := []struct {
		name string
		err  *Error
		want []error
	}{
		{"400", &Error{StatusCode: 400}, []error{ErrInvalidRequest}},
		{"client-side", &Error{Code: codeInvalidRequest}, []error{ErrInvalidRequest}},
		{"401", &Error{StatusCode: 401}, []error{ErrUnauthorized}},
		{"404", &Error{StatusCode: 404}, []error{ErrNotFound}},
		{"409", &Error{StatusCode: 409}, []error{ErrConflict}},
		{"429", &Error{StatusCode: 429}, []error{ErrRateLimited}},
		{"500", &Error{StatusCode: 500}, []error{ErrServer}},
		{"599", &Error{StatusCode: 599}, []error{ErrServer}},
		{"502 POST", &Error{StatusCode: 502, outcomeUnknown: true}, []error{ErrServer, ErrOutcomeUnknown}},
		{"405", &Error{StatusCode: 405}, nil},
		{"connection", &Error{Err: errors.New("EOF")}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range sentinels {
				want := false
				for _, w := range tc.want {
					want = want || w == s
				}
				assert.Equal(t, want, errors.Is(tc.err, s), s.Error())
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	cause := errors.New("connection reset by peer")
	cases := []struct {
		name string
		err  *Error
		want string
	}{
		{"status", &Error{StatusCode: 404, Code: "not_found", Message: "no product", Method: "GET", Path: "/products/sku/x", Attempts: 1},
			"convoy: GET /products/sku/x: 404 not_found: no product"},
		{"retries", &Error{StatusCode: 503, Message: "down", Method: "GET", Path: "/inventory", Attempts: 4, RetryAfter: 90_000_000_000},
			"convoy: GET /inventory: 503 down; retry after 1m30s (4 attempts)"},
		{"outcome unknown", &Error{Method: "POST", Path: "/inventory", Attempts: 1, Err: cause, outcomeUnknown: true},
			"convoy: POST /inventory: connection reset by peer; outcome unknown, check whether the request took effect before sending it again"},
		{"message and cause", &Error{StatusCode: 200, Message: "invalid response body", Method: "GET", Path: "/inventory", Attempts: 1, Err: cause},
			"convoy: GET /inventory: 200 invalid response body: connection reset by peer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, tc.err.Error())
		})
	}
	assert.Equal(t, cause, (&Error{Err: cause}).Unwrap())
}

// TestErrorKeyCutByMessageLimit sends a plain-text error that quotes the
// API key right where the message is cut, and checks that the start of the
// key does not survive.
func TestErrorKeyCutByMessageLimit(t *testing.T) {
	t.Parallel()
	h := &countingHandler{h: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(strings.Repeat("x", maxMessageLen-len(testKey)) + " " + r.Header.Get("Authorization")))
	}}
	c, _ := newTestServer(t, h)

	_, err := c.Products.GetBySKU(testContext(t), "s")

	require.Error(t, err)
	assert.NotContains(t, err.Error(), testKey[:5])
}

func TestRedactBytesCutBody(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey)
	require.NoError(t, err)

	tests := []struct {
		name string
		body string
		cut  bool
		want string
	}{
		{"whole key", "a " + testKey + " b", false, "a [REDACTED] b"},
		{"key prefix at cut end", "body " + testKey[:6], true, "body "},
		{"key prefix, body not cut", "body " + testKey[:6], false, "body " + testKey[:6]},
		{"ordinary ending", "no product with sku abcs", false, "no product with sku abcs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(c.redactBytes([]byte(tt.body), tt.cut)))
		})
	}
}

func TestClientValueFormatRedactsKey(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey)
	require.NoError(t, err)

	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, *c), testKey, verb)
	}
}
