// Command convoy-mock serves the convoytest fake Convoy API over HTTP, so
// programs in any language can test against it.
//
//	go run ./cmd/convoy-mock -addr 127.0.0.1:12111 -api-key test_key
//
// It prints "listening on http://HOST:PORT" once it accepts connections and
// logs one line per API request to standard error. SIGINT or SIGTERM shuts
// it down gracefully: requests in flight finish, and those held by a
// latency fault end at once with 503 Service Unavailable.
//
// Flags:
//
//	-addr HOST:PORT    address to listen on (default 127.0.0.1:12111; port 0 picks a free port)
//	-api-key KEY       an API key, each its own account; repeat for more (default test_key)
//	-fixtures FILE     JSON file of manufacturers, products and inventory loaded into the first key's account
//	-seed N            seed for generated IDs and barcodes, so runs repeat exactly (default: random)
//	-remote-admin      serve the /_convoy/ control routes to non-loopback clients too
//	-log-level LEVEL   debug, info, warn or error (default info)
//	-clock TIME        start a fake clock at TIME (RFC 3339 or Unix seconds) that moves only
//	                   through POST /_convoy/clock (default: the system clock)
//
// The control routes under /_convoy/ (health, reset, faults, journal, clock,
// fixtures, snapshot) need no API key; see the convoytest package
// documentation.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/getconvoy/convoy-go/convoytest"
)

// Limits of the HTTP server. Request bodies are capped at 1 MiB by the
// handler itself.
const (
	maxHeaderBytes    = 64 << 10
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 15 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var usage *usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &usage):
		// The flag package has already printed its own errors with the usage.
		if !usage.printed {
			fmt.Fprintln(os.Stderr, "convoy-mock:", err)
		}
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "convoy-mock:", err)
		os.Exit(1)
	}
}

// usageError is an invalid command line. printed reports whether the flag
// package has already written it to standard error.
type usageError struct {
	err     error
	printed bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// keyList collects the values of a repeatable flag.
type keyList []string

func (k *keyList) String() string     { return fmt.Sprintf("%d keys", len(*k)) }
func (k *keyList) Set(v string) error { *k = append(*k, v); return nil }

type config struct {
	addr        string
	apiKeys     keyList
	fixtures    string
	seed        uint64
	seedSet     bool
	remoteAdmin bool
	logLevel    slog.Level
	clock       *convoytest.FakeClock // nil for the system clock
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("convoy-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:12111", "`address` to listen on; port 0 picks a free port")
	fs.Var(&cfg.apiKeys, "api-key", "API `key` accepted by the server, each its own account; repeat for more (default test_key)")
	fs.StringVar(&cfg.fixtures, "fixtures", "", "JSON `file` of manufacturers, products and inventory loaded into the first key's account")
	seed := fs.String("seed", "", "`seed` for generated IDs and barcodes, an unsigned integer (default: random)")
	fs.BoolVar(&cfg.remoteAdmin, "remote-admin", false, "serve the /_convoy/ control routes to non-loopback clients too")
	level := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	clock := fs.String("clock", "", "start a fake clock at `time` (RFC 3339 or Unix seconds) that moves only through POST /_convoy/clock (default: the system clock)")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{err: err, printed: true}
	}

	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q; all settings are flags, see -help", fs.Arg(0))
	}

	if *seed != "" {
		if _, err := fmt.Sscan(*seed, &cfg.seed); err != nil {
			return nil, usagef("invalid -seed %q: want an unsigned integer", *seed)
		}
		cfg.seedSet = true
	}

	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, usagef("invalid -log-level %q: want debug, info, warn or error", *level)
	}

	if *clock != "" {
		start, err := parseClock(*clock)
		if err != nil {
			return nil, err
		}
		cfg.clock = convoytest.NewFakeClock(start)
	}

	if len(cfg.apiKeys) == 0 {
		cfg.apiKeys = keyList{convoytest.DefaultAPIKey}
	}
	for i, key := range cfg.apiKeys {
		if key == "" || strings.TrimSpace(key) != key || strings.ContainsFunc(key, unicode.IsControl) {
			return nil, usagef("invalid -api-key number %d: a key must be non-empty, without control characters or space at either end", i+1)
		}
	}
	return cfg, nil
}

// parseClock reads a -clock value: an RFC 3339 time or Unix seconds.
func parseClock(value string) (time.Time, error) {
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		return time.Unix(seconds, 0).UTC(), nil
	}
	start, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, usagef("invalid -clock %q: want an RFC 3339 time such as 2016-08-04T05:16:10Z, or Unix seconds", value)
	}
	return start.UTC(), nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	opts := []convoytest.Option{convoytest.WithAPIKeys(cfg.apiKeys...), convoytest.WithLogger(logger)}
	if cfg.seedSet {
		opts = append(opts, convoytest.WithSeed(cfg.seed))
	}
	if cfg.remoteAdmin {
		opts = append(opts, convoytest.WithRemoteAdmin())
	}
	if cfg.clock != nil {
		opts = append(opts, convoytest.WithClock(cfg.clock))
	}
	server, err := newServer(opts)
	if err != nil {
		return err
	}
	if cfg.fixtures != "" {
		fixtures, err := convoytest.LoadFixturesFile(cfg.fixtures)
		if err != nil {
			return err
		}
		if err := server.Seed(fixtures); err != nil {
			return fmt.Errorf("load fixtures %s: %w", cfg.fixtures, err)
		}
	}

	listener, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	httpServer := newHTTPServer(server.Handler(), logger)

	url := "http://" + listener.Addr().String()
	logger.Info("starting", "addr", listener.Addr().String(), "accounts", len(cfg.apiKeys), "fixtures", cfg.fixtures)
	fmt.Fprintf(stdout, "listening on %s\n", url)

	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", url, err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// End the waits of latency faults first (their requests get 503), so a
	// long injected delay does not hold up the shutdown.
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", url, err)
	}
	logger.Info("stopped")
	return nil
}

// newHTTPServer returns the HTTP server for handler with the limits
// above, so a slow or oversized client cannot hold a connection or memory
// for long. It sets no write timeout, because latency faults may delay a
// response for as long as a fault rule sets.
func newHTTPServer(handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// newServer builds the fake server, turning a panic on an invalid option
// into an error for the command line.
func newServer(opts []convoytest.Option) (server *convoytest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid settings: %v", strings.TrimPrefix(fmt.Sprint(r), "convoytest: "))
		}
	}()
	return convoytest.New(opts...), nil
}
