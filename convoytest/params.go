package convoytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBodyBytes is the largest request body the server reads; a larger
// one gets 413.
const maxBodyBytes = 1 << 20

// maxQuotedRunes bounds how much of an offending value an error message
// repeats.
const maxQuotedRunes = 80

// apiError is a failed request: the status and a message naming the
// offending value. The error code of the envelope follows from the status.
type apiError struct {
	status  int
	message string
	header  http.Header // extra headers, such as Allow or Retry-After
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

// quote returns s as a Go string literal, cut after maxQuotedRunes runes,
// so that control characters and huge values stay readable in messages.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuotedRunes {
		return strconv.Quote(s)
	}

	runes := 0
	for i := range s {
		if runes == maxQuotedRunes {
			return strconv.Quote(s[:i]) + "..."
		}
		runes++
	}

	return strconv.Quote(s)
}

// fields holds the parameters of one request, one value per name.
type fields map[string]string

// checkText rejects invalid UTF-8, control characters, and space at
// either end of value, which the API rejects rather than trims.
func checkText(name, value string) *apiError {
	if !utf8.ValidString(value) {
		return invalidf("%s %s is not valid UTF-8", name, quote(value))
	}

	for _, r := range value {
		if unicode.IsControl(r) {
			return invalidf("%s %s contains the control character %U", name, quote(value), r)
		}
	}

	first, _ := utf8.DecodeRuneInString(value)
	last, _ := utf8.DecodeLastRuneInString(value)
	if value != "" && (unicode.IsSpace(first) || unicode.IsSpace(last)) {
		return invalidf("%s %s has leading or trailing space", name, quote(value))
	}

	return nil
}

// checkField applies checkText and a length of minLen to maxLen
// characters.
func checkField(name, value string, minLen, maxLen int) *apiError {
	if err := checkText(name, value); err != nil {
		return err
	}

	if n := utf8.RuneCountInString(value); n < minLen || n > maxLen {
		if value == "" {
			return invalidf("%s must not be empty", name)
		}
		return invalidf("%s %s is %d characters long; the limit is %d to %d", name, quote(value), n, minLen, maxLen)
	}

	return nil
}

// newFields builds fields from parsed values, rejecting names outside
// allowed, repeated names and values that fail checkText. where names the
// origin for messages, such as "query parameter" or "field".
func newFields(values url.Values, where string, allowed []string) (fields, *apiError) {
	f := make(fields, len(values))
	for _, name := range sortedNames(values) { // the same input gets the same error every time
		if !contains(allowed, name) {
			return nil, unknownField(where, name, allowed)
		}
		if len(values[name]) > 1 {
			return nil, invalidf("duplicate %s %s", where, quote(name))
		}

		value := values[name][0]
		if err := checkText(name, value); err != nil {
			return nil, err
		}
		f[name] = value
	}

	return f, nil
}

func sortedNames(values url.Values) []string {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)

	return names
}

func unknownField(where, name string, allowed []string) *apiError {
	if len(allowed) == 0 {
		return invalidf("unknown %s %s; this endpoint takes none", where, quote(name))
	}

	return invalidf("unknown %s %s; this endpoint takes %s", where, quote(name), strings.Join(allowed, ", "))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}

	return false
}

// parseQuery parses a raw query string into fields.
func parseQuery(raw string, allowed ...string) (fields, url.Values, *apiError) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, values, invalidf("invalid query string: %v", err)
	}

	f, apiErr := newFields(values, "query parameter", allowed)

	return f, values, apiErr
}

// readBody reads a form-encoded or JSON request body of at most
// maxBodyBytes into fields. It returns the values as url.Values too, for
// the journal.
func readBody(w http.ResponseWriter, r *http.Request, allowed ...string) (fields, url.Values, *apiError) {
	if r.ContentLength > maxBodyBytes {
		return nil, nil, tooLarge()
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, tooLarge()
		}
		return nil, nil, invalidf("reading the request body failed: %v", err)
	}

	values, apiErr := decodeBody(r.Header.Get("Content-Type"), body)
	if apiErr != nil {
		return nil, values, apiErr
	}

	f, apiErr := newFields(values, "field", allowed)

	return f, values, apiErr
}

func tooLarge() *apiError {
	return errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxBodyBytes)
}

// decodeBody decodes body by its Content-Type. An empty body without a
// Content-Type counts as an empty form.
func decodeBody(contentType string, body []byte) (url.Values, *apiError) {
	if contentType == "" && len(body) == 0 {
		return url.Values{}, nil
	}

	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, errorf(http.StatusUnsupportedMediaType,
			"invalid Content-Type %s; send application/x-www-form-urlencoded or application/json", quote(contentType))
	}

	if charset, ok := params["charset"]; ok && !strings.EqualFold(charset, "utf-8") {
		return nil, errorf(http.StatusUnsupportedMediaType, "unsupported charset %s; send UTF-8", quote(charset))
	}

	switch mediaType {
	case "application/x-www-form-urlencoded":
		return decodeForm(body)
	case "application/json":
		return decodeJSON(body)
	default:
		return nil, errorf(http.StatusUnsupportedMediaType,
			"unsupported Content-Type %s; send application/x-www-form-urlencoded or application/json", quote(mediaType))
	}
}

func decodeForm(body []byte) (url.Values, *apiError) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return values, invalidf("invalid form body: %v", err)
	}

	return values, nil
}

// decodeJSON decodes a JSON object whose values are strings or numbers.
// Numbers keep their text, so manufacturer_id 3 and "3" are the same ID.
// It reads tokens rather than unmarshaling into a map, because a map would
// silently keep only the last of two equal keys.
func decodeJSON(body []byte) (url.Values, *apiError) {
	// encoding/json replaces invalid UTF-8 with U+FFFD; reject it instead.
	if !utf8.Valid(body) {
		return nil, invalidf("JSON body is not valid UTF-8")
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()

	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, invalidf("JSON body must be an object")
	}

	values := url.Values{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return values, invalidf("invalid JSON body: %v", err)
		}
		name, _ := tok.(string) // object keys are always strings

		tok, err = dec.Token()
		if err != nil {
			return values, invalidf("invalid JSON body: %v", err)
		}

		switch v := tok.(type) {
		case string:
			values[name] = append(values[name], v)
		case json.Number:
			// No field of the API takes a fraction or a negative number, and
			// keeping only digits makes a numeric manufacturer_id round-trip.
			if !isDigits(v.String()) {
				return values, invalidf("field %s: JSON number %s is not a whole number of 0 or more; send other values as strings", quote(name), v)
			}
			values[name] = append(values[name], v.String())
		default:
			return values, invalidf("field %s must be a JSON string or number", quote(name))
		}
	}

	if _, err := dec.Token(); err != nil {
		return values, invalidf("invalid JSON body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return values, invalidf("JSON body has data after the object")
	}

	return values, nil
}

// intParam parses f[name] as an integer in [minValue, maxValue], or
// returns def when the parameter is absent.
func intParam(f fields, name string, def, minValue, maxValue int) (int, *apiError) {
	raw, ok := f[name]
	if !ok {
		return def, nil
	}

	n, err := strconv.Atoi(raw)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, invalidf("%s %s is not a whole number", name, quote(raw))
	}
	if err != nil || n < minValue || n > maxValue {
		return 0, invalidf("%s %s is out of range; it must be %d to %d", name, quote(raw), minValue, maxValue)
	}

	return n, nil
}

// pageParams parses page and the page size parameter sizeName.
func pageParams(f fields, sizeName string, maxSize int) (offset, size int, err *apiError) {
	const maxInt = int(^uint(0) >> 1)

	page, err := intParam(f, "page", 1, 1, maxInt)
	if err != nil {
		return 0, 0, err
	}

	size, err = intParam(f, sizeName, 25, 1, maxSize)
	if err != nil {
		return 0, 0, err
	}

	return pageOffset(page, size), size, nil
}

// requiredField returns f[name] after checking its length, or a 400 when
// it is absent.
func requiredField(f fields, name string, minLen, maxLen int) (string, *apiError) {
	value, ok := f[name]
	if !ok {
		return "", invalidf("missing required field %s", name)
	}

	return value, checkField(name, value, minLen, maxLen)
}

// acceptsJSON reports whether an Accept header admits application/json.
// An absent header admits anything.
func acceptsJSON(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}

	for _, part := range strings.Split(accept, ",") {
		mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok {
			if weight, err := strconv.ParseFloat(q, 64); err != nil || weight <= 0 {
				continue
			}
		}

		switch mediaType {
		case "application/json", "application/*", "*/*":
			return true
		}
	}

	return false
}
