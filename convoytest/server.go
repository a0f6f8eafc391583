package convoytest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Default settings of a Server.
const (
	DefaultAPIKey      = "test_key"
	DefaultMaxQuantity = 1000
	DefaultJournalSize = 10000
)

// defaultStates returns the inventory states a Server accepts unless
// WithStates replaces them.
func defaultStates() []string {
	return []string{"INVENTORIED", "PACKED", "SHIPPED"}
}

// maxStates bounds WithStates, because an item stores its state in a byte.
const maxStates = 255

// Server is an in-memory Convoy API. Each API key is its own account with
// its own manufacturers, products and inventory. All methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL of a started server, without a trailing slash,
	// such as "http://127.0.0.1:41234". It is empty until Start or StartAt.
	URL string

	// APIKey is the key of the default account: the first key given to
	// WithAPIKeys, or DefaultAPIKey.
	APIKey string

	cfg      config
	clock    Clock
	ids      *idGenerator
	accounts []*account
	states   map[string]uint8
	routes   []route

	journal *journal
	faults  *faultSet
	limiter *rateLimiter

	closing   chan struct{} // closed by Close and Shutdown to end latency waits
	closeOnce sync.Once
	http      *http.Server
	served    chan struct{} // closed when http.Serve returns
}

type config struct {
	keys         []string
	seed         uint64
	seeded       bool
	clock        Clock
	states       []string
	maxQuantity  int
	rateRequests int
	ratePer      time.Duration
	logger       *slog.Logger
	journalSize  int
	remoteAdmin  bool
}

// Option configures a Server built by New or NewServer.
type Option func(*config)

// WithAPIKeys sets the accepted API keys, each its own account. The first
// is the default account. Without this option the only key is
// DefaultAPIKey.
func WithAPIKeys(keys ...string) Option {
	return func(c *config) { c.keys = append([]string(nil), keys...) }
}

// WithSeed makes generated manufacturer IDs, barcodes and fault
// probabilities repeatable: the same seed and the same sequence of
// requests produce the same values. Without it they come from crypto/rand.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed, c.seeded = seed, true }
}

// WithClock sets the clock for timestamps and rate-limit windows. The
// default reads time.Now; a *FakeClock moves only when a test moves it.
func WithClock(clock Clock) Option {
	return func(c *config) { c.clock = clock }
}

// WithStates sets the known inventory states, at most 255. New items
// start in the first. The default is INVENTORIED, PACKED and SHIPPED.
func WithStates(states ...string) Option {
	return func(c *config) { c.states = append([]string(nil), states...) }
}

// WithMaxQuantity sets the largest quantity one POST /inventory accepts.
// The default is DefaultMaxQuantity.
func WithMaxQuantity(n int) Option {
	return func(c *config) { c.maxQuantity = n }
}

// WithRateLimit allows each API key at most requests requests per window
// of length per, measured on the server's clock. A window starts at a
// key's first request after the previous window ended. Requests over the
// limit get 429 with Retry-After set to the whole seconds left in the
// window. By default there is no limit.
func WithRateLimit(requests int, per time.Duration) Option {
	return func(c *config) { c.rateRequests, c.ratePer = requests, per }
}

// WithLogger logs one Info line per API request (method, escaped path,
// status, duration) and one Warn line per dropped connection. API keys are
// never logged. By default the server logs nothing.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithJournalSize sets how many requests the journal keeps; older ones
// are discarded. The default is DefaultJournalSize.
func WithJournalSize(n int) Option {
	return func(c *config) { c.journalSize = n }
}

// WithRemoteAdmin serves the /_convoy/ control routes to clients on any
// address. By default only loopback clients may use them, and others get
// 403.
func WithRemoteAdmin() Option {
	return func(c *config) { c.remoteAdmin = true }
}

// New builds a Server that is not yet listening. Serve it with Start,
// StartAt or Handler. New panics when an option has an invalid value,
// such as an empty API key or a maximum quantity below 1.
func New(opts ...Option) *Server {
	cfg := config{
		keys:        []string{DefaultAPIKey},
		clock:       systemClock{},
		states:      defaultStates(),
		maxQuantity: DefaultMaxQuantity,
		journalSize: DefaultJournalSize,
	}
	for _, opt := range opts {
		opt(&cfg)
	}

	if err := cfg.validate(); err != nil {
		panic("convoytest: " + err.Error())
	}

	s := &Server{
		APIKey:  cfg.keys[0],
		cfg:     cfg,
		clock:   cfg.clock,
		ids:     newIDGenerator(cfg.seed, cfg.seeded),
		states:  make(map[string]uint8, len(cfg.states)),
		journal: newJournal(cfg.journalSize),
		faults:  &faultSet{},
		limiter: newRateLimiter(cfg.rateRequests, cfg.ratePer),
		routes:  apiRoutes(),
		closing: make(chan struct{}),
	}
	for i, state := range cfg.states {
		s.states[state] = uint8(i)
	}
	for _, key := range cfg.keys {
		random := s.ids.newUUID()
		barcodeKey := binary.BigEndian.Uint32(random[0:4])
		s.accounts = append(s.accounts, newAccount(key, len(cfg.states), barcodeKey))
	}

	return s
}

func (c *config) validate() error {
	if len(c.keys) == 0 {
		return errors.New("WithAPIKeys needs at least one key")
	}

	seen := make(map[string]bool, len(c.keys))
	for _, key := range c.keys {
		if key == "" || checkText("API key", key) != nil {
			return errors.New("WithAPIKeys got an invalid key: a key must be non-empty UTF-8 without control characters or leading or trailing space")
		}
		if seen[key] {
			return errors.New("WithAPIKeys got the same key twice")
		}
		seen[key] = true
	}

	if len(c.states) == 0 || len(c.states) > maxStates {
		return fmt.Errorf("WithStates needs 1 to %d states, got %d", maxStates, len(c.states))
	}

	known := make(map[string]bool, len(c.states))
	for _, state := range c.states {
		if err := checkField("state", state, 1, 64); err != nil {
			return fmt.Errorf("WithStates: %w", err)
		}
		if known[state] {
			return fmt.Errorf("WithStates got state %q twice", state)
		}
		known[state] = true
	}

	switch {
	case c.clock == nil:
		return errors.New("WithClock got a nil clock")
	case c.maxQuantity < 1:
		return fmt.Errorf("WithMaxQuantity needs at least 1, got %d", c.maxQuantity)
	case c.journalSize < 1:
		return fmt.Errorf("WithJournalSize needs at least 1, got %d", c.journalSize)
	case c.rateRequests < 0 || (c.rateRequests > 0 && c.ratePer <= 0):
		return fmt.Errorf("WithRateLimit needs requests >= 1 and a positive window, got %d per %v", c.rateRequests, c.ratePer)
	}

	return nil
}

// NewServer starts a Server on 127.0.0.1 with a free port and closes it
// when the test and its subtests finish.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()

	s := New(opts...)
	if err := s.StartAt("127.0.0.1:0"); err != nil {
		t.Fatalf("convoytest: %v", err)
	}
	t.Cleanup(s.Close)

	return s
}

// Handler returns the handler that serves the API and the /_convoy/
// control routes, for embedding the server in another http.Server.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// Start starts the server on 127.0.0.1 with a free port and sets URL. It
// panics if the server cannot listen or was already started.
func (s *Server) Start() {
	if err := s.StartAt("127.0.0.1:0"); err != nil {
		panic("convoytest: " + err.Error())
	}
}

// StartAt starts the server on addr, such as "127.0.0.1:12111"; port 0
// picks a free port. It sets URL from the address it listens on.
func (s *Server) StartAt(addr string) error {
	if s.http != nil {
		return errors.New("server already started")
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}

	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.http.Serve(ln) // returns http.ErrServerClosed after Shutdown
	}()

	return nil
}

// Close ends latency faults that are waiting, stops the server and blocks
// until the requests in flight finish. It is safe to call more than once
// and on a server that was never started.
func (s *Server) Close() {
	_ = s.Shutdown(context.Background())
}

// Shutdown stops accepting connections, ends latency faults that are
// waiting (their requests get 503), and waits for the requests in flight
// to finish or for ctx to end, whichever comes first. When another
// http.Server serves Handler, Shutdown only ends the latency waits: call
// it before that server's own Shutdown.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closing) })
	if s.http == nil {
		return nil
	}

	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down convoytest server: %w", err)
	}
	<-s.served

	return nil
}

// Account returns the account of apiKey for seeding and inspection. It
// panics if apiKey is not one of the server's keys.
func (s *Server) Account(apiKey string) *Account {
	for _, a := range s.accounts {
		if a.key == apiKey {
			return &Account{s: s, a: a}
		}
	}

	panic("convoytest: Account called with a key the server does not have; configure it with WithAPIKeys")
}

func (s *Server) defaultAccount() *Account {
	return &Account{s: s, a: s.accounts[0]}
}

// Reset returns every account to its data after the last seeding call
// (or to empty when nothing was seeded), and clears the journal, the
// fault rules and the rate-limit windows. The clock is left as it is.
func (s *Server) Reset() {
	for _, a := range s.accounts {
		a.mu.Lock()
		a.reset()
		a.mu.Unlock()
	}

	s.journal.clear()
	s.faults.clear()
	s.limiter.reset()
}

// serveHTTP runs one request: control routes go to the admin handler; API
// requests pass the fault rules, then the router, then the one response
// writer.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == adminPrefix[:len(adminPrefix)-1] || strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}

	req := &request{http: r, w: w, start: time.Now()}
	fault, faulted := s.faults.match(r.Method, r.URL.EscapedPath(), s.ids)
	if faulted {
		req.fault = fault.kind()
	}

	if fault.Latency > 0 {
		if err := s.sleep(r.Context(), fault.Latency); errors.Is(err, errShutdown) {
			s.respond(req, errorResponse(errorf(http.StatusServiceUnavailable, "server is shutting down")))
			return
		} else if err != nil {
			s.record(req, 0) // the client went away
			return
		}
	}

	switch {
	case fault.Drop == DropBefore:
		s.drop(req, 0)
		return
	case fault.Status != 0:
		s.respond(req, fault.response())
		return
	}

	resp := s.route(req)
	if fault.Drop == DropAfter {
		s.drop(req, resp.status)
		return
	}

	s.respond(req, resp)
}
