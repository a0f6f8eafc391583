package convoytest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// admin sends a control request without an API key.
func admin(t *testing.T, s *Server, method, path, body string) result {
	t.Helper()

	return do(t, s, call{method: method, path: "/_convoy/" + path, json: body, key: "-"})
}

func TestAdminHealth(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := admin(t, s, "GET", "health", "")
	require.Equal(t, 200, res.status)
	assert.JSONEq(t, `{"status":"ok"}`, string(res.body))

	res = admin(t, s, "POST", "health", "")
	require.Equal(t, 405, res.status)
	assert.Equal(t, "GET", res.header.Get("Allow"))

	res = admin(t, s, "GET", "nothing", "")
	require.Equal(t, 404, res.status)
	assert.Contains(t, res.errorBody(t).Message, "routes: health, reset")
}

func TestAdminFaults(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := admin(t, s, "POST", "faults", `{"method":"GET","path":"/inventory","times":1,"status":503,"retry_after":7,"body":"html"}`)
	require.Equal(t, 201, res.status, "%s", res.body)
	assert.JSONEq(t, `{"id":1}`, string(res.body))

	res = admin(t, s, "GET", "faults", "")
	assert.JSONEq(t, `[{"id":1,"left":1,"method":"GET","path":"/inventory","times":1,"status":503,"retry_after":7,"body":"html"}]`, string(res.body))

	api := do(t, s, call{method: "GET", path: "/inventory"})
	assert.Equal(t, 503, api.status)
	assert.Equal(t, "7", api.header.Get("Retry-After"))

	res = admin(t, s, "POST", "faults", `{"latency":"5ms","drop":"after"}`)
	require.Equal(t, 201, res.status, "%s", res.body)
	assert.Equal(t, 200, admin(t, s, "DELETE", "faults/2", "").status)
	assert.Equal(t, 404, admin(t, s, "DELETE", "faults/2", "").status)

	for _, bad := range []string{`{"status":200}`, `{"latency":"soon"}`, `{"body":"xml","status":500}`, `{"drop":"maybe"}`, `{"unknown":1}`} {
		assert.Equal(t, 400, admin(t, s, "POST", "faults", bad).status, bad)
	}

	admin(t, s, "POST", "faults", `{"status":500}`)
	assert.Equal(t, 200, admin(t, s, "DELETE", "faults", "").status)
	assert.Empty(t, s.Faults())
}

func TestAdminJournalAndReset(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"sku1234"}, "quantity": {"2"}}})

	res := admin(t, s, "GET", "journal", "")
	require.Equal(t, 200, res.status)
	assert.JSONEq(t, `[{"time":1470287770,"method":"POST","path":"/inventory","query":{},"form":{"quantity":["2"],"sku":["sku1234"]},"status":201}]`, string(res.body))

	require.Equal(t, 200, admin(t, s, "POST", "reset", "").status)
	assert.Equal(t, 0, s.CountInventory("", ""))
	_, found := s.defaultAccount().Product("sku1234")
	assert.True(t, found, "seeded data survives a reset")

	do(t, s, call{method: "GET", path: "/inventory"})
	require.Equal(t, 200, admin(t, s, "DELETE", "journal", "").status)
	assert.Empty(t, s.Journal())
}

func TestAdminClock(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	res := admin(t, s, "POST", "clock", `{"advance":"90s"}`)
	require.Equal(t, 200, res.status, "%s", res.body)
	assert.JSONEq(t, `{"now":1470287860}`, string(res.body))

	res = admin(t, s, "POST", "clock", `{"set":1500000000}`)
	assert.JSONEq(t, `{"now":1500000000}`, string(res.body))
	assert.JSONEq(t, `{"now":1500000000}`, string(admin(t, s, "GET", "clock", "").body))

	assert.Equal(t, 400, admin(t, s, "POST", "clock", `{}`).status)
	assert.Equal(t, 400, admin(t, s, "POST", "clock", `{"advance":"later"}`).status)

	system := NewServer(t)
	res = admin(t, system, "POST", "clock", `{"advance":"1s"}`)
	require.Equal(t, 409, res.status)
	assert.Contains(t, res.errorBody(t).Message, "NewFakeClock")
	assert.Contains(t, res.errorBody(t).Message, "convoy-mock with -clock TIME")
}

func TestAdminJSONErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	tests := []struct {
		path, body, want string
	}{
		{"faults", `{"retry_after": 1.5}`, `field "retry_after" must be a whole number, got a number 1.5`},
		{"faults", `{"latency": 150}`, `field "latency" must be a string, got a number`},
		{"faults", `{"times": "two"}`, `field "times" must be a whole number, got a string`},
		{"clock", `{"set": "2016-08-04T05:16:10Z"}`, `field "set" must be a whole number, got a string`},
		{"faults", `{"bogus": 1}`, `unknown field "bogus"`},
	}
	for _, tt := range tests {
		res := admin(t, s, "POST", tt.path, tt.body)
		require.Equal(t, 400, res.status, "%s", tt.body)
		message := res.errorBody(t).Message
		assert.Contains(t, message, tt.want, tt.body)
		assert.NotContains(t, message, "Go struct", tt.body)
	}
}

func TestAdminFixturesAndSnapshot(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithAPIKeys("a", "b"))

	res := admin(t, s, "POST", "fixtures", `{"manufacturers":[{"manufacturer_id":1,"name":"Apple"}],
		"products":[{"sku":"s","name":"n","manufacturer_id":1}],"inventory":[{"sku":"s","quantity":2}]}`)
	require.Equal(t, 200, res.status, "%s", res.body)
	assert.Equal(t, 2, s.Account("a").CountInventory("", ""))

	res = do(t, s, call{method: "POST", path: "/_convoy/fixtures", key: "b", json: `{"manufacturers":[{"name":"Other"}]}`})
	require.Equal(t, 200, res.status, "%s", res.body)
	assert.Len(t, s.Account("b").Snapshot().Manufacturers, 1)

	res = admin(t, s, "POST", "fixtures", `{"products":[{"sku":"s","name":"n","manufacturer_id":1}]}`)
	require.Equal(t, 400, res.status)
	assert.Contains(t, res.errorBody(t).Message, `products[0]: a product with sku "s" already exists`)

	res = admin(t, s, "GET", "snapshot", "")
	require.Equal(t, 200, res.status)
	f, err := LoadFixtures(strings.NewReader(string(res.body)))
	require.NoError(t, err)
	assert.Equal(t, s.Account("a").Snapshot(), f)

	res = do(t, s, call{method: "GET", path: "/_convoy/snapshot", key: "wrong"})
	assert.Equal(t, 401, res.status)
}

func TestAdminLoopbackOnly(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name   string
		opts   []Option
		status int
	}{
		{"default", nil, http.StatusForbidden},
		{"remote allowed", []Option{WithRemoteAdmin()}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(tc.opts...)

			// httptest.NewRequest reports the documentation address
			// 192.0.2.1 as the client, which is not loopback.
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/_convoy/health", nil))
			assert.Equal(t, tc.status, rec.Code)
		})
	}
}

func TestShutdownGraceful(t *testing.T) {
	t.Parallel()
	s := New()
	require.NoError(t, s.StartAt("127.0.0.1:0"))
	require.Error(t, s.StartAt("127.0.0.1:0"), "a server starts once")

	_, err := s.AddFault(Fault{Latency: 20 * time.Millisecond, Times: 1, Status: 504})
	require.NoError(t, err)
	assert.Equal(t, 504, do(t, s, call{method: "GET", path: "/inventory"}).status)

	require.NoError(t, s.Shutdown(context.Background()))
	s.Close()
}
