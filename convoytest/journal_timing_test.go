package convoytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getconvoy/convoy-go/convoytest"
)

// TestJournalHasRequestOnceAnswered checks that a request is in the journal
// as soon as its client has the response, so a test can inspect the journal
// right after a call returns.
func TestJournalHasRequestOnceAnswered(t *testing.T) {
	t.Parallel()
	server := convoytest.NewServer(t)

	for i := 1; i <= 200; i++ {
		req, err := http.NewRequest(http.MethodGet, server.URL+"/manufacturers", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", server.APIKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())

		if !assert.Len(t, server.Journal(), i, "journal after request %d", i) {
			return
		}
	}
}
