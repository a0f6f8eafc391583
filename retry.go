package convoy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy. go-retryablehttp runs the attempt loop, and this file
// supplies its CheckRetry, Backoff and ErrorHandler. Its own defaults (as
// of v0.7.8) retry a POST after a timeout, never cap Retry-After, log to
// stderr and replace the final status with "giving up after N attempts".
//
// Which failures are retried:
//
//	failure                           GET, PUT   POST
//	connection never established      retry      retry
//	connection lost after sending     retry      no, outcome unknown
//	attempt timed out                 retry      no, outcome unknown
//	429                               retry      retry
//	503 with Retry-After              retry      retry
//	503 without Retry-After           retry      no, outcome unknown
//	500, 502, 504                     retry      no, outcome unknown
//
// GET and PUT are idempotent in this API (a PUT sets a state), so sending
// them twice is harmless. A POST creates records, so it is only sent again
// when the server cannot have acted on it. A Retry-After longer than the
// maximum wait stops the retries.

// requestState follows one call through the attempt loop. The loop passes
// only the request's context to CheckRetry, so the state travels as that
// context: it wraps the caller's context and returns itself for
// requestStateKey, which saves the allocation of a context.WithValue.
type requestState struct {
	context.Context

	method   string
	path     string // relative to the base URL, as in call.path
	attempts int
	started  time.Time // start of the current attempt; set only with a logger

	// The last response's status, code, message and Retry-After, kept for
	// the error when the context ends a wait before the next attempt.
	status     int
	code       string
	message    string
	retryAfter time.Duration

	// mayHaveActed is true when the last attempt of a POST may have
	// reached the server.
	mayHaveActed bool
}

type requestStateKey struct{}

// Value returns st for requestStateKey and defers every other key to the
// caller's context.
func (st *requestState) Value(key any) any {
	if key == (requestStateKey{}) {
		return st
	}
	return st.Context.Value(key)
}

// displayPath returns the request path as errors and logs show it.
func (st *requestState) displayPath() string {
	return "/" + st.path
}

func requestStateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(requestStateKey{}).(*requestState)
	return st
}

// newRetryClient builds the go-retryablehttp client shared by all calls.
func (c *Client) newRetryClient() *retryablehttp.Client {
	hc := c.httpClient
	if hc == nil {
		hc = &http.Client{Transport: newTransport()}
	}
	if hc.CheckRedirect == nil {
		// Go's default policy keeps the Authorization header on a
		// redirect to the same host, even from https to http. Copy the
		// caller's client rather than change it.
		withPolicy := *hc
		withPolicy.CheckRedirect = c.checkRedirect
		hc = &withPolicy
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // the policy below logs through slog, and only when asked
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		ErrorHandler: errorHandler,
	}
	if c.logger != nil {
		rc.RequestLogHook = markAttemptStart
	}
	return rc
}

// newTransport returns a pooled transport like http.DefaultTransport's,
// owned by one Client so closing its idle connections affects no one else.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

func markAttemptStart(_ retryablehttp.Logger, req *http.Request, _ int) {
	if st := requestStateFrom(req.Context()); st != nil {
		st.started = time.Now()
	}
}

// checkRetry is the CheckRetry policy: it counts and logs the attempt and
// decides whether to send the request again. It never returns an error, so
// the final response or connection error reaches the caller unchanged.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := requestStateFrom(ctx)
	if st == nil {
		return false, nil
	}
	st.attempts++
	c.logAttempt(ctx, st, resp, err)

	retry := c.retryable(st, resp, err)
	if !retry || st.attempts > c.maxRetries || ctx.Err() != nil {
		return false, nil
	}

	if resp != nil {
		// The loop discards this body before the next attempt; keep the
		// message in case that attempt never comes.
		code, message := c.readErrorBody(resp)
		st.code, st.message = c.redact(code), c.redact(message)
	}
	c.logRetry(ctx, st, err)
	return true, nil
}

// retryable applies the table at the top of this file to one attempt.
func (c *Client) retryable(st *requestState, resp *http.Response, err error) bool {
	post := st.method == http.MethodPost
	if err != nil {
		st.status, st.code, st.message, st.retryAfter = 0, "", "", 0
		switch {
		case neverConnected(err):
			st.mayHaveActed = false
			return true
		case certificateError(err), errors.Is(err, errRedirectRefused):
			st.mayHaveActed = false
			return false
		}
		st.mayHaveActed = post
		return !post
	}

	ra, hasRA := parseRetryAfter(resp.Header, time.Now())
	st.status, st.retryAfter = resp.StatusCode, ra
	st.code, st.message = "", ""
	st.mayHaveActed = false
	if hasRA && ra > c.retryWaitMax {
		return false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return hasRA || !post
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return !post
	}
	return false
}

// statusOutcomeUnknown reports whether a final response leaves it open
// whether a POST took effect: the server failed while it may have been
// processing the request.
func statusOutcomeUnknown(method string, status int, hasRetryAfter bool) bool {
	if method != http.MethodPost {
		return false
	}
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	case http.StatusServiceUnavailable:
		return !hasRetryAfter
	}
	return false
}

// neverConnected reports whether err happened while dialing, so no byte of
// the request reached the server.
func neverConnected(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// certificateError reports whether the TLS handshake rejected the server's
// certificate, which happens before the request is sent and does not heal
// by retrying.
func certificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

// backoff is the Backoff policy. A Retry-After header sets the wait; it
// never exceeds maxWait here because checkRetry stops before a longer one.
// Otherwise the wait is minWait doubled per retry, plus up to 50% jitter so
// that clients failing together do not retry together, capped at maxWait.
func backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header, time.Now()); ok {
			return min(ra, maxWait)
		}
	}

	wait := minWait
	for i := 0; i < attemptNum && wait < maxWait; i++ {
		wait *= 2
	}
	wait = min(wait, maxWait)
	wait += rand.N(wait/2 + 1)
	return min(wait, maxWait)
}

// errorHandler is the ErrorHandler, called when an attempt failed without
// a usable response and no retry follows. It returns the error unwrapped,
// so the caller's *Error keeps it instead of "giving up after N attempts".
func errorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	if resp != nil {
		drainAndClose(resp.Body)
	}
	return nil, err
}

// maxRetryAfter bounds a parsed Retry-After so the Duration cannot
// overflow.
const maxRetryAfter = 365 * 24 * time.Hour

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP
// date. A date in the past means no wait.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

func (c *Client) logAttempt(ctx context.Context, st *requestState, resp *http.Response, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.method),
		slog.String("path", st.displayPath()),
		slog.Int("status", statusOf(resp)),
		slog.Int("attempt", st.attempts),
		slog.Duration("duration", time.Since(st.started)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "convoy request", attrs...)
}

func (c *Client) logRetry(ctx context.Context, st *requestState, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.method),
		slog.String("path", st.displayPath()),
		slog.Int("status", st.status),
		slog.Int("attempt", st.attempts),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else if st.message != "" {
		attrs = append(attrs, slog.String("message", st.message))
	}
	if st.retryAfter > 0 {
		attrs = append(attrs, slog.Duration("retry_after", st.retryAfter))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "convoy request failed, retrying", attrs...)
}

func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// maxRedirects is how many redirects one attempt follows, as many as Go's
// default policy follows.
const maxRedirects = 10

// errRedirectRefused marks a redirect that checkRedirect did not follow.
var errRedirectRefused = errors.New("redirect not followed")

// checkRedirect is the redirect policy of a Client whose HTTP client has
// none. It follows up to maxRedirects redirects, but none that would send
// the API key over plain HTTP, which a base URL with http:// may do only to
// a loopback host or with WithInsecureHTTP. It follows none that changes
// the method.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: stopped after %d redirects", errRedirectRefused, maxRedirects)
	}
	if req.Method != via[0].Method {
		// Go resends a POST or PUT as a GET without its body after a 301,
		// 302 or 303, which would report a create or update that never
		// happened. The redirect is returned as an error instead.
		return http.ErrUseLastResponse
	}
	if req.URL.Scheme != "http" {
		return nil
	}
	if via[0].URL.Scheme == "https" {
		return fmt.Errorf("%w: the server redirected from https to %s, which would send the API key in clear text", errRedirectRefused, req.URL.Redacted())
	}
	if !c.insecureHTTP && !isLoopback(req.URL.Hostname()) {
		return fmt.Errorf("%w: the server redirected to %s, plain HTTP to a host that is not loopback; use WithInsecureHTTP to allow it", errRedirectRefused, req.URL.Redacted())
	}
	return nil
}
