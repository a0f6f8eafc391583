package convoy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors, matched with errors.Is against the *Error a call returns.
var (
	// ErrInvalidRequest matches a 400 response and a request the client
	// rejected before sending it (an empty SKU, a count above 50, a name
	// with a control character, ...).
	ErrInvalidRequest = errors.New("convoy: invalid request")
	// ErrUnauthorized matches a 401 response: the API key is missing or
	// unknown.
	ErrUnauthorized = errors.New("convoy: unauthorized")
	// ErrNotFound matches a 404 response.
	ErrNotFound = errors.New("convoy: not found")
	// ErrConflict matches a 409 response: the manufacturer ID or SKU
	// already exists.
	ErrConflict = errors.New("convoy: conflict")
	// ErrRateLimited matches a 429 response. Error.RetryAfter is the wait
	// the server requested.
	ErrRateLimited = errors.New("convoy: rate limited")
	// ErrServer matches any 5xx response.
	ErrServer = errors.New("convoy: server error")
	// ErrOutcomeUnknown matches a failed POST that may have reached the
	// server: the connection was lost after the request was sent, the
	// attempt timed out, the server returned 500, 502 or 504 (or 503
	// without Retry-After), or a success response could not be read. The
	// manufacturer, product or inventory items may have been created, so
	// check before sending the request again.
	ErrOutcomeUnknown = errors.New("convoy: outcome unknown")
)

// maxErrorBody is how much of an error response body is read.
const maxErrorBody = 64 << 10

// maxMessageLen bounds Error.Message taken from a non-JSON body.
const maxMessageLen = 300

// Error is the error every Client call returns. Use errors.As to read its
// fields and errors.Is with the sentinel errors to classify it.
type Error struct {
	// StatusCode is the HTTP status of the last response, or 0 when none
	// arrived (a connection failure, or a request rejected before sending).
	StatusCode int
	// Code is the server's machine-readable code, such as "not_found", or
	// "invalid_request" for a request the client rejected before sending.
	Code string
	// Message describes the failure for people. It is the server's message
	// when the body was Convoy's JSON error, otherwise a short summary of
	// the body.
	Message string
	// RetryAfter is the wait the server asked for in a Retry-After header,
	// or 0.
	RetryAfter time.Duration
	// Method and Path identify the request; Path is relative to the base
	// URL, escaped, without the query.
	Method string
	Path   string
	// Attempts is how many times the request was sent; 0 means it was
	// rejected before sending.
	Attempts int
	// Err is the underlying cause when there is one: a connection error, a
	// context error or a JSON decoding error.
	Err error

	outcomeUnknown bool
}

// Error returns a one-line description: method, path, status, code,
// message and, when more than one, the number of attempts.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("convoy: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")

	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteByte(' ')
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	switch {
	case e.Message != "" && e.Err != nil:
		b.WriteString(e.Message)
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	case e.Message != "":
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}

	if e.RetryAfter > 0 {
		b.WriteString("; retry after ")
		b.WriteString(e.RetryAfter.String())
	}
	if e.outcomeUnknown {
		b.WriteString("; outcome unknown, check whether the request took effect before sending it again")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error {
	return e.Err
}

// Is reports whether e matches one of the sentinel errors, by status code
// (and for ErrInvalidRequest also by the client-side code).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest || (e.StatusCode == 0 && e.Code == codeInvalidRequest)
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrOutcomeUnknown:
		return e.outcomeUnknown
	}
	return false
}

const codeInvalidRequest = "invalid_request"

// errorBody is Convoy's JSON error envelope.
type errorBody struct {
	Status  int    `json:"status"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

// readErrorBody reads at most maxErrorBody bytes of an error response and
// returns its code and a readable message, whatever the bytes are.
func (c *Client) readErrorBody(resp *http.Response) (code, message string) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil && len(data) == 0 {
		return "", "reading the response body failed: " + err.Error()
	}
	// Redact before parsing, because parsing shortens the text and a key
	// cut in two would no longer match.
	data = c.redactBytes(data, len(data) == maxErrorBody)
	return parseErrorBody(resp.StatusCode, data)
}

// redactBytes replaces the API key in a body read from a response. When
// the body was cut, it also drops a tail that is the start of the key.
func (c *Client) redactBytes(data []byte, cut bool) []byte {
	key := c.authHeader[0]
	data = bytes.ReplaceAll(data, []byte(key), []byte(redacted))
	if !cut {
		return data
	}
	for n := min(len(key)-1, len(data)); n > 0; n-- {
		if bytes.HasSuffix(data, []byte(key[:n])) {
			return data[:len(data)-n]
		}
	}
	return data
}

// parseErrorBody extracts the code and message of Convoy's JSON error, or
// summarizes HTML, plain text or empty bodies in one short line.
func parseErrorBody(status int, data []byte) (code, message string) {
	var env errorBody
	if json.Unmarshal(data, &env) == nil && (env.Code != "" || env.Message != "") {
		code, message = cleanText(env.Code, maxMessageLen), cleanText(env.Message, maxErrorBody)
		if code != "" || message != "" {
			return code, message
		}
		// Both held only control characters or space, which cleaning
		// removes, so the status text takes their place.
		return "", statusMessage(status, data)
	}

	text := string(data)
	if title, ok := htmlTitle(text); ok {
		text = title
	} else if looksLikeHTML(text) {
		text = stripTags(text)
	}
	message = cleanText(text, maxMessageLen)
	if message == "" {
		message = statusMessage(status, data)
	}
	return "", message
}

// statusMessage returns the standard text of status. For a status without
// one it returns whether the body was empty or unreadable.
func statusMessage(status int, body []byte) string {
	if text := http.StatusText(status); text != "" {
		return text
	}
	if strings.TrimSpace(string(body)) == "" {
		return "empty response body"
	}
	return "response body has no readable message"
}

func looksLikeHTML(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	return strings.HasPrefix(s, "<")
}

// htmlTitle returns the text of the first <title> element, as proxies put
// the status line there. It matches the tags without regard to ASCII case
// and slices s only by indices found in s itself, because a lowercased
// copy may differ in length (invalid UTF-8 becomes U+FFFD, and "Ⱥ" takes
// one byte more in lower case).
func htmlTitle(s string) (string, bool) {
	start := indexASCIIFold(s, "<title")
	if start < 0 {
		return "", false
	}
	open := strings.IndexByte(s[start:], '>')
	if open < 0 {
		return "", false
	}
	start += open + 1
	end := indexASCIIFold(s[start:], "</title")
	if end < 0 {
		return "", false
	}
	title := s[start : start+end]
	return title, strings.TrimSpace(title) != ""
}

// indexASCIIFold returns the index of the first instance of lowerASCII in
// s, or -1. lowerASCII must be lowercase ASCII, and the case of ASCII
// letters in s is ignored.
func indexASCIIFold(s, lowerASCII string) int {
	for i := 0; i+len(lowerASCII) <= len(s); i++ {
		if hasPrefixASCIIFold(s[i:], lowerASCII) {
			return i
		}
	}
	return -1
}

func hasPrefixASCIIFold(s, lowerASCII string) bool {
	for j := 0; j < len(lowerASCII); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerASCII[j] {
			return false
		}
	}
	return true
}

// stripTags removes everything between '<' and '>'.
func stripTags(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanText makes s safe for one line of an error or log: valid UTF-8, no
// control characters, runs of white space collapsed, at most limit bytes.
func cleanText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > limit {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// responseError builds the *Error for a non-2xx response and redacts the
// API key should the server echo it.
func (c *Client) responseError(st *requestState, resp *http.Response) *Error {
	code, message := c.readErrorBody(resp)
	if location := resp.Header.Get("Location"); location != "" && resp.StatusCode/100 == 3 {
		code, message = "", c.redact(fmt.Sprintf("the server redirected the request to %s, which the client does not follow for %s; point WithBaseURL at the new address", location, st.method))
	}
	retryAfter, hasRetryAfter := parseRetryAfter(resp.Header, time.Now())
	return &Error{
		StatusCode:     resp.StatusCode,
		Code:           c.redact(code),
		Message:        c.redact(message),
		RetryAfter:     retryAfter,
		Method:         st.method,
		Path:           st.displayPath(),
		Attempts:       st.attempts,
		outcomeUnknown: statusOutcomeUnknown(st.method, resp.StatusCode, hasRetryAfter),
	}
}

// redact replaces the API key in text taken from a response.
func (c *Client) redact(s string) string {
	key := c.authHeader[0]
	if !strings.Contains(s, key) {
		return s
	}
	return strings.ReplaceAll(s, key, redacted)
}

// redactError returns err with the API key replaced in its text, for
// errors whose text may quote a response, such as a JSON decoding error.
// errors.Is and errors.As still reach err through Unwrap.
func (c *Client) redactError(err error) error {
	text := err.Error()
	if !strings.Contains(text, c.authHeader[0]) {
		return err
	}
	return &redactedError{text: c.redact(text), err: err}
}

type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }

func (e *redactedError) Unwrap() error { return e.err }

// invalid returns the error for a request rejected before sending.
func (st *requestState) invalid(message string) *Error {
	return &Error{Code: codeInvalidRequest, Message: message, Method: st.method, Path: st.displayPath()}
}

// invalidRequest returns the error for a request rejected before sending.
func invalidRequest(method, path, format string, args ...any) error {
	st := &requestState{method: method, path: path}
	return st.invalid(fmt.Sprintf(format, args...))
}

// transportError builds the *Error for a request that got no usable
// response: a connection failure or a cancelled context. When an earlier
// attempt got a response, its status and message are kept.
func (st *requestState) transportError(err error) *Error {
	return &Error{
		StatusCode:     st.status,
		Code:           st.code,
		Message:        st.message,
		RetryAfter:     st.retryAfter,
		Method:         st.method,
		Path:           st.displayPath(),
		Attempts:       st.attempts,
		Err:            err,
		outcomeUnknown: st.mayHaveActed,
	}
}

// decodeError builds the *Error for a 2xx response whose body is not the
// expected JSON. A POST may have created something, so its outcome is
// unknown.
func (st *requestState) decodeError(status int, err error) *Error {
	return &Error{
		StatusCode:     status,
		Message:        "invalid response body",
		Method:         st.method,
		Path:           st.displayPath(),
		Attempts:       st.attempts,
		Err:            fmt.Errorf("decode JSON: %w", err),
		outcomeUnknown: st.method == http.MethodPost,
	}
}
