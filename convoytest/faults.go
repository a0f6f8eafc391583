package convoytest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"path"
	"strconv"
	"sync"
	"time"
)

// FaultBody selects the body of a status fault.
type FaultBody int

// Bodies of a status fault.
const (
	BodyJSON  FaultBody = iota // the API's JSON error envelope
	BodyHTML                   // an HTML page, as a proxy sends
	BodyEmpty                  // no body at all
)

// String returns "json", "html" or "empty", the names the /_convoy/faults
// route uses.
func (b FaultBody) String() string {
	switch b {
	case BodyJSON:
		return "json"
	case BodyHTML:
		return "html"
	case BodyEmpty:
		return "empty"
	default:
		return fmt.Sprintf("FaultBody(%d)", int(b))
	}
}

// Drop selects whether a fault closes the connection instead of
// responding.
type Drop int

// Connection drops. Go's http.Transport resends a GET (or HEAD, OPTIONS,
// TRACE) on its own when a reused keep-alive connection closes before any
// response, so a client built on it may not see a dropped GET. It does not
// resend a PUT or POST. Under a
// ResponseWriter that cannot be hijacked (HTTP/2, httptest.ResponseRecorder)
// the handler panics with http.ErrAbortHandler instead, which net/http
// turns into an aborted stream.
const (
	DropNone   Drop = iota
	DropBefore      // close the connection without applying the request
	DropAfter       // apply the request, then close without a response
)

// String returns "", "before" or "after", the names the /_convoy/faults
// route uses.
func (d Drop) String() string {
	switch d {
	case DropNone:
		return ""
	case DropBefore:
		return "before"
	case DropAfter:
		return "after"
	default:
		return fmt.Sprintf("Drop(%d)", int(d))
	}
}

// Fault is a rule that changes how the server handles matching API
// requests, for testing clients against failures. A rule applies its
// Latency first, then either Drop or Status; with neither, the request
// proceeds normally after the delay.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// Path is a path.Match pattern for the escaped request path, such as
	// "/inventory/*"; empty matches any path.
	Path string
	// Times is how many matching requests the rule applies to before it
	// is removed; 0 applies it until it is removed.
	Times int
	// Probability, when above 0, applies the rule to each matching
	// request with that chance, drawn from the server's generator (so
	// WithSeed makes it repeatable). 0 applies it to every match.
	Probability float64
	// Latency delays the request in real time. The wait ends early when
	// the client goes away or the server shuts down.
	Latency time.Duration
	// Status, when set, is sent instead of applying the request.
	Status int
	// RetryAfter, when positive, is sent with Status as a Retry-After
	// header in whole seconds, rounded up.
	RetryAfter time.Duration
	// Body selects the body sent with Status.
	Body FaultBody
	// Drop closes the connection instead of sending a response.
	Drop Drop
}

func (f *Fault) validate() error {
	switch {
	case f.Times < 0:
		return fmt.Errorf("fault times %d is negative", f.Times)
	case math.IsNaN(f.Probability) || f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("fault probability %v is outside 0 to 1", f.Probability)
	case f.Latency < 0:
		return fmt.Errorf("fault latency %v is negative", f.Latency)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("fault status %d is not 400 to 599", f.Status)
	case f.Status != 0 && f.Drop != DropNone:
		return errors.New("a fault sets either a status or a drop, not both")
	case f.Drop < DropNone || f.Drop > DropAfter:
		return fmt.Errorf("fault drop %d is unknown", f.Drop)
	case f.Body < BodyJSON || f.Body > BodyEmpty:
		return fmt.Errorf("fault body %d is unknown", f.Body)
	case f.Status == 0 && f.Drop == DropNone && f.Latency == 0:
		return errors.New("a fault needs a status, a drop or a latency")
	}

	if _, err := path.Match(f.Path, "/"); err != nil {
		return fmt.Errorf("fault path pattern %q: %w", f.Path, err)
	}

	return nil
}

// kind names the fault in the journal.
func (f *Fault) kind() string {
	switch {
	case f.Drop == DropBefore:
		return "drop_before"
	case f.Drop == DropAfter:
		return "drop_after"
	case f.Status != 0:
		return "status"
	default:
		return "latency"
	}
}

// response builds the response of a status fault.
func (f *Fault) response() response {
	resp := response{status: f.Status, header: http.Header{}}
	if f.RetryAfter > 0 {
		resp.header.Set("Retry-After", strconv.Itoa(ceilSeconds(f.RetryAfter)))
	}

	text := http.StatusText(f.Status)
	switch f.Body {
	case BodyHTML:
		resp.contentType = "text/html; charset=utf-8"
		resp.raw = []byte(fmt.Sprintf("<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n",
			f.Status, text, f.Status, text))
	case BodyEmpty:
		resp.raw = []byte{}
	default:
		resp.body = wireError{Status: f.Status, Error: errorCode(f.Status), Message: "injected fault: " + text}
	}

	return resp
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

type faultRule struct {
	id    int
	fault Fault
	left  int // remaining applications; 0 means no limit
}

// faultSet holds the rules in the order they were added; the first
// matching rule that fires wins.
type faultSet struct {
	mu     sync.Mutex
	rules  []faultRule
	nextID int
}

// match returns the fault to apply to a request, if any, and uses up one
// of its Times.
func (fs *faultSet) match(method, escapedPath string, ids *idGenerator) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()

	for i := range fs.rules {
		rule := &fs.rules[i]
		if !rule.fault.matches(method, escapedPath) {
			continue
		}
		if p := rule.fault.Probability; p > 0 && ids.float64() >= p {
			continue
		}

		f := rule.fault
		if rule.left > 0 {
			rule.left--
			if rule.left == 0 {
				fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			}
		}
		return f, true
	}

	return Fault{}, false
}

func (f *Fault) matches(method, escapedPath string) bool {
	if f.Method != "" && f.Method != method {
		return false
	}
	if f.Path == "" {
		return true
	}

	matched, _ := path.Match(f.Path, escapedPath) // the pattern was checked by validate

	return matched
}

func (fs *faultSet) add(f Fault) (int, error) {
	if err := f.validate(); err != nil {
		return 0, err
	}

	fs.mu.Lock()
	defer fs.mu.Unlock()

	fs.nextID++
	fs.rules = append(fs.rules, faultRule{id: fs.nextID, fault: f, left: f.Times})

	return fs.nextID, nil
}

func (fs *faultSet) remove(id int) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()

	for i, rule := range fs.rules {
		if rule.id == id {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			return true
		}
	}

	return false
}

// FaultRule is an active fault rule with its ID and the number of
// applications left (0 means no limit).
type FaultRule struct {
	ID    int
	Fault Fault
	Left  int
}

func (fs *faultSet) list() []FaultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()

	out := make([]FaultRule, 0, len(fs.rules))
	for _, rule := range fs.rules {
		out = append(out, FaultRule{ID: rule.id, Fault: rule.fault, Left: rule.left})
	}

	return out
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()

	fs.rules = nil
}

// AddFault adds a fault rule after the existing ones and returns its ID.
// It returns an error when the rule is invalid, such as a status outside
// 400 to 599 or a status together with a drop.
func (s *Server) AddFault(f Fault) (int, error) {
	return s.faults.add(f)
}

// RemoveFault removes the rule with the given ID and reports whether it
// existed.
func (s *Server) RemoveFault(id int) bool {
	return s.faults.remove(id)
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faults.clear()
}

// Faults returns the active fault rules in the order they are matched.
func (s *Server) Faults() []FaultRule {
	return s.faults.list()
}

// errShutdown reports a latency wait ended by Close or Shutdown.
var errShutdown = errors.New("server shutting down")

// sleep waits d in real time, returning early with the context's error or
// errShutdown.
func (s *Server) sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()

	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return errShutdown
	}
}

// rateLimiter counts requests per API key in fixed windows on the
// server's clock.
type rateLimiter struct {
	requests int // 0 disables the limit
	per      time.Duration

	mu      sync.Mutex
	windows map[*account]rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

func newRateLimiter(requests int, per time.Duration) *rateLimiter {
	return &rateLimiter{requests: requests, per: per, windows: make(map[*account]rateWindow)}
}

// allow counts one request of a at now, or returns how long until the
// window ends when a has used up its requests.
func (l *rateLimiter) allow(a *account, now time.Time) (bool, time.Duration) {
	if l.requests == 0 {
		return true, 0
	}

	l.mu.Lock()
	defer l.mu.Unlock()

	w := l.windows[a]
	if w.count == 0 || !now.Before(w.start.Add(l.per)) || now.Before(w.start) {
		w = rateWindow{start: now}
	}
	if w.count >= l.requests {
		return false, w.start.Add(l.per).Sub(now)
	}

	w.count++
	l.windows[a] = w

	return true, 0
}

func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()

	clear(l.windows)
}
