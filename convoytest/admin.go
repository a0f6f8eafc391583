package convoytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// adminPrefix starts the control routes, which are outside the API and
// need no API key.
const adminPrefix = "/_convoy/"

// maxAdminBodyBytes bounds a fixtures upload; fixtures with explicit
// barcodes take about 100 bytes per item.
const maxAdminBodyBytes = 256 << 20

// adjustableClock is a clock that /_convoy/clock can move, such as
// *FakeClock.
type adjustableClock interface {
	Clock
	Set(time.Time)
	Advance(time.Duration)
}

type adminStatus struct {
	Status string `json:"status"`
}

// adminFault is the JSON form of a fault rule.
type adminFault struct {
	ID          int     `json:"id,omitempty"`
	Left        int     `json:"left,omitempty"`
	Method      string  `json:"method,omitempty"`
	Path        string  `json:"path,omitempty"`
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`
	Latency     string  `json:"latency,omitempty"`     // a time.ParseDuration string, such as "150ms"
	Status      int     `json:"status,omitempty"`      // sent instead of applying the request
	RetryAfter  int     `json:"retry_after,omitempty"` // seconds
	Body        string  `json:"body,omitempty"`        // "json" (default), "html" or "empty"
	Drop        string  `json:"drop,omitempty"`        // "before" or "after"
}

type adminJournalEntry struct {
	Time   int64      `json:"time"`
	Method string     `json:"method"`
	Path   string     `json:"path"`
	Query  url.Values `json:"query"`
	Form   url.Values `json:"form"`
	Status int        `json:"status"`
	Fault  string     `json:"fault,omitempty"`
}

type adminClock struct {
	Now     int64  `json:"now,omitempty"`
	Advance string `json:"advance,omitempty"`
	Set     *int64 `json:"set,omitempty"`
}

// serveAdmin serves the /_convoy/ control routes to loopback clients, or
// to any client WithRemoteAdmin.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.remoteAdmin && !isLoopback(r.RemoteAddr) {
		writeResponse(w, errorResponse(errorf(http.StatusForbidden,
			"%s routes serve loopback clients only; start the server WithRemoteAdmin to allow others", adminPrefix)))
		return
	}

	writeResponse(w, s.routeAdmin(w, r))
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)

	return ip != nil && ip.IsLoopback()
}

func (s *Server) routeAdmin(w http.ResponseWriter, r *http.Request) response {
	name := strings.TrimPrefix(r.URL.Path, adminPrefix)
	faultID, isFaultPath := strings.CutPrefix(name, "faults/")

	switch {
	case name == "health":
		return adminMethods(r, map[string]func() response{
			http.MethodGet: func() response { return ok(http.StatusOK, adminStatus{Status: "ok"}) },
		})
	case name == "reset":
		return adminMethods(r, map[string]func() response{
			http.MethodPost: func() response { s.Reset(); return ok(http.StatusOK, adminStatus{Status: "ok"}) },
		})
	case name == "journal":
		return adminMethods(r, map[string]func() response{
			http.MethodGet:    s.adminJournal,
			http.MethodDelete: func() response { s.ClearJournal(); return ok(http.StatusOK, adminStatus{Status: "ok"}) },
		})
	case name == "faults":
		return adminMethods(r, map[string]func() response{
			http.MethodGet:    s.adminFaults,
			http.MethodPost:   func() response { return s.adminAddFault(w, r) },
			http.MethodDelete: func() response { s.ClearFaults(); return ok(http.StatusOK, adminStatus{Status: "ok"}) },
		})
	case isFaultPath:
		return adminMethods(r, map[string]func() response{
			http.MethodDelete: func() response { return s.adminRemoveFault(faultID) },
		})
	case name == "clock":
		return adminMethods(r, map[string]func() response{
			http.MethodGet:  func() response { return ok(http.StatusOK, adminClock{Now: s.clock.Now().Unix()}) },
			http.MethodPost: func() response { return s.adminSetClock(w, r) },
		})
	case name == "fixtures":
		return adminMethods(r, map[string]func() response{
			http.MethodPost: func() response { return s.adminSeed(w, r) },
		})
	case name == "snapshot":
		return adminMethods(r, map[string]func() response{
			http.MethodGet: func() response { return s.adminSnapshot(r) },
		})
	default:
		return errorResponse(errorf(http.StatusNotFound,
			"no control route %s; routes: health, reset, journal, faults, faults/{id}, clock, fixtures, snapshot", quote(r.URL.Path)))
	}
}

// adminMethods calls the handler for the request method, or returns 405
// with the allowed methods.
func adminMethods(r *http.Request, handlers map[string]func() response) response {
	if handle, found := handlers[r.Method]; found {
		return handle()
	}

	allowed := sortedMethods(handlers)
	e := errorf(http.StatusMethodNotAllowed, "method %s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, allowed)
	e.header = http.Header{"Allow": {allowed}}

	return errorResponse(e)
}

func sortedMethods(handlers map[string]func() response) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if _, found := handlers[m]; found {
			methods = append(methods, m)
		}
	}

	return strings.Join(methods, ", ")
}

// readAdminJSON decodes a JSON request body strictly into v.
func readAdminJSON(w http.ResponseWriter, r *http.Request, v any) *apiError {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxAdminBodyBytes)
		}
		return invalidf("reading the request body failed: %v", err)
	}

	if err := strictUnmarshal(data, v); err != nil {
		return invalidf("invalid JSON body: %s", describeJSONError(err))
	}

	return nil
}

// describeJSONError words a decoding error for clients in any language: a
// value of the wrong type names the field and the JSON type it needs,
// instead of Go's struct and type names.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr.Field == "" {
		return strings.TrimPrefix(err.Error(), "json: ")
	}

	want := "a string"
	switch typeErr.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a whole number"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.Bool:
		want = "true or false"
	case reflect.Slice, reflect.Array:
		want = "an array"
	case reflect.Map, reflect.Struct:
		want = "an object"
	}
	return fmt.Sprintf("field %s must be %s, got %s %s", quote(typeErr.Field), want, article(typeErr.Value), typeErr.Value)
}

func article(jsonType string) string {
	if strings.HasPrefix(jsonType, "a") || strings.HasPrefix(jsonType, "o") {
		return "an"
	}
	return "a"
}

func (s *Server) adminJournal() response {
	entries := s.Journal()
	out := make([]adminJournalEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, adminJournalEntry{
			Time: e.Time.Unix(), Method: e.Method, Path: e.Path, Query: e.Query, Form: e.Form, Status: e.Status, Fault: e.Fault,
		})
	}

	return ok(http.StatusOK, out)
}

func (s *Server) adminFaults() response {
	rules := s.Faults()
	out := make([]adminFault, 0, len(rules))
	for _, rule := range rules {
		f := rule.Fault
		af := adminFault{
			ID: rule.ID, Left: rule.Left, Method: f.Method, Path: f.Path, Times: f.Times, Probability: f.Probability,
			Status: f.Status, RetryAfter: ceilSeconds(f.RetryAfter), Body: f.Body.String(), Drop: f.Drop.String(),
		}
		if f.Latency > 0 {
			af.Latency = f.Latency.String()
		}
		out = append(out, af)
	}

	return ok(http.StatusOK, out)
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) response {
	var af adminFault
	if apiErr := readAdminJSON(w, r, &af); apiErr != nil {
		return errorResponse(apiErr)
	}

	f, err := af.fault()
	if err != nil {
		return errorResponse(invalidf("%v", err))
	}

	id, err := s.AddFault(f)
	if err != nil {
		return errorResponse(invalidf("%v", err))
	}

	return ok(http.StatusCreated, adminFault{ID: id})
}

// fault converts the JSON form to a Fault.
func (af *adminFault) fault() (Fault, error) {
	f := Fault{
		Method: af.Method, Path: af.Path, Times: af.Times, Probability: af.Probability,
		Status: af.Status, RetryAfter: time.Duration(af.RetryAfter) * time.Second,
	}

	if af.Latency != "" {
		latency, err := time.ParseDuration(af.Latency)
		if err != nil {
			return Fault{}, fmt.Errorf("latency %s is not a duration such as \"150ms\"", quote(af.Latency))
		}
		f.Latency = latency
	}

	body, known := parseFaultBody(af.Body)
	if !known {
		return Fault{}, fmt.Errorf("body %s is not one of json, html, empty", quote(af.Body))
	}
	f.Body = body

	drop, known := parseDrop(af.Drop)
	if !known {
		return Fault{}, fmt.Errorf("drop %s is not one of before, after", quote(af.Drop))
	}
	f.Drop = drop

	return f, nil
}

// parseFaultBody reads the name FaultBody.String returns; empty means
// BodyJSON.
func parseFaultBody(name string) (FaultBody, bool) {
	if name == "" {
		return BodyJSON, true
	}

	for b := BodyJSON; b <= BodyEmpty; b++ {
		if name == b.String() {
			return b, true
		}
	}

	return 0, false
}

// parseDrop reads the name Drop.String returns; empty means DropNone.
func parseDrop(name string) (Drop, bool) {
	for d := DropNone; d <= DropAfter; d++ {
		if name == d.String() {
			return d, true
		}
	}

	return 0, false
}

func (s *Server) adminRemoveFault(rawID string) response {
	id, err := strconv.Atoi(rawID)
	if err != nil || !s.RemoveFault(id) {
		return errorResponse(errorf(http.StatusNotFound, "no fault rule with id %s", quote(rawID)))
	}

	return ok(http.StatusOK, adminStatus{Status: "ok"})
}

func (s *Server) adminSetClock(w http.ResponseWriter, r *http.Request) response {
	clock, adjustable := s.clock.(adjustableClock)
	if !adjustable {
		return errorResponse(errorf(http.StatusConflict,
			"the server clock cannot be moved because it is the system clock; start convoy-mock with -clock TIME, or a Go server WithClock(NewFakeClock(start))"))
	}

	var body adminClock
	if apiErr := readAdminJSON(w, r, &body); apiErr != nil {
		return errorResponse(apiErr)
	}

	switch {
	case body.Set != nil && body.Advance != "":
		return errorResponse(invalidf("send either set or advance, not both"))
	case body.Set != nil:
		clock.Set(time.Unix(*body.Set, 0))
	case body.Advance != "":
		d, err := time.ParseDuration(body.Advance)
		if err != nil {
			return errorResponse(invalidf("advance %s is not a duration such as \"90s\"", quote(body.Advance)))
		}
		clock.Advance(d)
	default:
		return errorResponse(invalidf("send {\"advance\": \"90s\"} or {\"set\": <Unix seconds>}"))
	}

	return ok(http.StatusOK, adminClock{Now: clock.Now().Unix()})
}

// adminAccount returns the account named by the Authorization header, or
// the default account when there is none.
func (s *Server) adminAccount(r *http.Request) (*Account, *apiError) {
	if r.Header.Get("Authorization") == "" {
		return s.defaultAccount(), nil
	}

	a, apiErr := s.authenticate(r.Header.Get("Authorization"))
	if apiErr != nil {
		return nil, apiErr
	}

	return &Account{s: s, a: a}, nil
}

func (s *Server) adminSeed(w http.ResponseWriter, r *http.Request) response {
	acc, apiErr := s.adminAccount(r)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	var f Fixtures
	if apiErr := readAdminJSON(w, r, &f); apiErr != nil {
		return errorResponse(apiErr)
	}

	if err := acc.Seed(&f); err != nil {
		return errorResponse(invalidf("%v", err))
	}

	return ok(http.StatusOK, adminStatus{Status: "ok"})
}

func (s *Server) adminSnapshot(r *http.Request) response {
	acc, apiErr := s.adminAccount(r)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	return ok(http.StatusOK, acc.Snapshot())
}
