package convoytest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
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
		buf := bufferPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufferPool.Put(buf) // after Write, which copies body
		encodeBody(buf, resp.body)
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
	authorization := r.Header.Get("Authorization")
	clean := func(v string) string { return s.redactText(v, authorization) }
	entry.Query, entry.Form = boundValues(entry.Query, clean), boundValues(entry.Form, clean)
	entry.Path = s.redactPath(entry.Path, authorization)
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

// bufferPool holds response buffers for reuse, so a page of 50 items
// (about 17 KB) does not grow a new buffer from empty on every request.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeBody writes body as JSON followed by a newline, byte for byte what
// json.Encoder writes with HTML escaping off. Inventory lists, the busiest
// responses, are written without reflection, because encoding/json took
// over half of the CPU time of serving a page of 50 items.
func encodeBody(buf *bytes.Buffer, body any) {
	if items, ok := body.([]wireItem); ok {
		buf.Write(appendWireItems(buf.AvailableBuffer(), items))
		return
	}

	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		// Every body is a wire struct, so this is a bug in the server.
		panic("convoytest: encoding a response failed: " + err.Error())
	}
}

// appendWireItems appends items as a JSON array and a newline, with the
// fields in the order of the wireItem struct tags.
func appendWireItems(dst []byte, items []wireItem) []byte {
	dst = append(dst, '[')
	for i := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		it := &items[i]
		dst = append(dst, `{"state":`...)
		dst = appendJSONString(dst, it.State)
		dst = append(dst, `,"barcode":`...)
		dst = appendJSONString(dst, it.Barcode)
		dst = append(dst, `,"date_created":`...)
		dst = strconv.AppendInt(dst, it.DateCreated, 10)
		dst = append(dst, `,"date_modified":`...)
		dst = strconv.AppendInt(dst, it.DateModified, 10)
		dst = append(dst, `,"product":{"sku":`...)
		dst = appendJSONString(dst, it.Product.SKU)
		dst = append(dst, `,"name":`...)
		dst = appendJSONString(dst, it.Product.Name)
		dst = append(dst, `,"manufacturer":{"manufacturer_id":`...)
		dst = appendWireID(dst, it.Product.Manufacturer.ID)
		dst = append(dst, `,"name":`...)
		dst = appendJSONString(dst, it.Product.Manufacturer.Name)
		dst = append(dst, "}}}"...)
	}

	return append(dst, "]\n"...)
}

// appendWireID appends id as wireID.MarshalJSON writes it, which escapes
// HTML characters in string IDs, without allocating for numeric IDs.
func appendWireID(dst []byte, id wireID) []byte {
	if isNumericID(string(id)) {
		return append(dst, id...)
	}

	text, _ := id.MarshalJSON() // a string always encodes
	return append(dst, text...)
}

// appendJSONString appends s as a JSON string. Printable ASCII other than
// a quote or backslash is copied as is, as encoding/json does with HTML
// escaping off. Any other string goes through encoding/json, so that its
// escapes, such as those of U+2028 and invalid UTF-8, stay the same.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
		}
	}

	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
