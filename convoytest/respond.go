package convoytest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// response is the result of a handler, written by Server.respond. One
// writer keeps the error envelope, the journal and logging in one place.
type response struct {
	status      int
	body        any    // written as JSON unless raw is set
	raw         []byte // a body written as is, for faults
	contentType string // of raw
	header      http.Header
}

func ok(status int, body any) response {
	return response{status: status, body: body}
}

// errorResponse turns e into the JSON error envelope.
func errorResponse(e *apiError) response {
	return response{
		status: e.status,
		body:   wireError{Status: e.status, Error: errorCode(e.status), Message: e.message},
		header: e.header,
	}
}

// request is one API request on its way through the pipeline.
type request struct {
	http   *http.Request
	w      http.ResponseWriter
	start  time.Time
	acct   *account
	params []string   // path parameters, unescaped
	query  url.Values // for the journal
	form   url.Values // for the journal
	fault  string     // kind of the fault applied, if any
}

// respond records the request in the journal and the log, then writes
// resp. Recording first means a client that has its response already finds
// the request in Journal.
func (s *Server) respond(req *request, resp response) {
	s.record(req, resp.status)
	writeResponse(req.w, resp)
}

// writeResponse writes resp with its headers, encoding a JSON body.
func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	for name, values := range resp.header {
		h[name] = values
	}

	body := resp.raw
	if resp.raw == nil && resp.body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp.body); err != nil {
			// Every body is a wire struct, so this is a bug in the server.
			panic("convoytest: encoding a response failed: " + err.Error())
		}
		body = buf.Bytes()
		h.Set("Content-Type", "application/json; charset=utf-8")
	} else if resp.contentType != "" {
		h.Set("Content-Type", resp.contentType)
	}

	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(body) // a client that went away is not the server's error
}

// drop closes the connection without writing a response. status is what
// the server recorded for the request: 0 when it was not applied.
func (s *Server) drop(req *request, status int) {
	s.record(req, status)

	hijacker, ok := req.w.(http.Hijacker)
	if !ok {
		// HTTP/2 and wrapped writers cannot be hijacked; this aborts the
		// stream instead, and net/http logs nothing for it.
		panic(http.ErrAbortHandler)
	}

	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}

	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // reset, so the client sees the drop at once
	}
	_ = conn.Close()
}

// record adds the request to the journal and the log.
func (s *Server) record(req *request, status int) {
	r := req.http
	entry := JournalEntry{
		Time:   s.clock.Now(),
		Method: r.Method,
		Path:   r.URL.EscapedPath(),
		Query:  req.query,
		Form:   req.form,
		Status: status,
		Fault:  req.fault,
	}
	if entry.Query == nil {
		entry.Query, _ = url.ParseQuery(r.URL.RawQuery)
	}
	entry.Query, entry.Form = boundValues(entry.Query), boundValues(entry.Form)
	s.redact(&entry, r.Header.Get("Authorization"))
	s.journal.add(entry)

	if logger := s.cfg.logger; logger != nil {
		args := []any{"method", r.Method, "path", entry.Path, "status", status, "duration", time.Since(req.start)}
		if req.fault != "" {
			args = append(args, "fault", req.fault)
		}
		if status == 0 {
			logger.Warn("connection dropped", args...)
		} else {
			logger.Info("request", args...)
		}
	}
}
