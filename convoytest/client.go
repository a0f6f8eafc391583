package convoytest

import (
	"time"

	convoy "github.com/getconvoy/convoy-go"
)

// Retry waits of the client from Server.Client, short so that tests of
// retries run fast.
const (
	clientRetryWaitMin = time.Millisecond
	clientRetryWaitMax = 20 * time.Millisecond
)

// Client returns an SDK client for the default account, pointed at the
// started server, with retry waits of 1 ms to 20 ms. A Retry-After above
// 20 ms is therefore returned as an error at once, not waited for; pass
// convoy.WithRetryWait to change that. opts apply after these defaults.
// Client panics if the server is not started or an option is invalid.
func (s *Server) Client(opts ...convoy.Option) *convoy.Client {
	if s.URL == "" {
		panic("convoytest: Client called before the server was started")
	}

	all := append([]convoy.Option{
		convoy.WithBaseURL(s.URL + "/"),
		convoy.WithRetryWait(clientRetryWaitMin, clientRetryWaitMax),
	}, opts...)

	client, err := convoy.NewClient(s.APIKey, all...)
	if err != nil {
		panic("convoytest: " + err.Error())
	}

	return client
}
