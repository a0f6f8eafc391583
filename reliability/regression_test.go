package reliability_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	convoy "github.com/getconvoy/convoy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorPageTitleNoPanic sends error pages whose <title> takes more
// bytes in lower case than as sent: invalid UTF-8, which lowercasing
// replaces with the 3-byte U+FFFD, and "Ⱥ", whose lowercase "ⱥ" is one
// byte longer. The SDK must return the status, not panic.
func TestErrorPageTitleNoPanic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body  string
		title string
	}{
		{"000000000000<title>\xa800\xf1\x8f\xe4000000000000000000000000</title", "\uFFFD00\uFFFD000000000000000000000000"},
		{"<html><head><title>" + strings.Repeat("Ⱥ", 8) + "</title", strings.Repeat("Ⱥ", 8)},
		{"<HTML><TITLE>502 Bad Gateway</TITLE></HTML>", "502 Bad Gateway"},
	}
	for _, tc := range cases {
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(tc.body))
		}))
		t.Cleanup(server.Close)
		c, err := convoy.NewClient("sk_title", convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(0))
		require.NoError(t, err)

		var apiErr *convoy.Error
		if !assert.NotPanics(t, func() {
			_, err = c.Manufacturers.Get(testContext(t), convoy.NumericID(1))
		}, "%q", tc.body) {
			continue
		}
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode, "%q", tc.body)
		assert.Equal(t, tc.title, apiErr.Message, "%q", tc.body)
	}
}

// TestErrorBodyBlankMessage sends JSON errors whose code and message hold
// only control characters or space, which the SDK removes. The message
// must then be the status text, never empty.
func TestErrorBodyBlankMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status  int
		body    string
		message string
	}{
		{661, `{"messAge":"\b"}`, "response body has no readable message"},
		{500, `{"error":"\t","message":" "}`, "Internal Server Error"},
		{404, `{"message":"\u0000\u0085"}`, "Not Found"},
	}
	for _, tc := range cases {
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		t.Cleanup(server.Close)
		c, err := convoy.NewClient("sk_blank", convoy.WithBaseURL(server.URL), convoy.WithMaxRetries(0))
		require.NoError(t, err)

		_, err = c.Inventory.Get(testContext(t), "I1")

		var apiErr *convoy.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tc.status, apiErr.StatusCode, tc.body)
		assert.Empty(t, apiErr.Code, tc.body)
		assert.Equal(t, tc.message, apiErr.Message, tc.body)
	}
}
