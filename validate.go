package convoy

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Length limits of text fields, in characters, as the API enforces them.
const (
	maxNameLen = 200 // manufacturer and product names
	maxIDLen   = 64  // SKUs and manufacturer IDs chosen by the caller
)

// maxQuotedRunes bounds how much of an invalid value an error repeats.
const maxQuotedRunes = 80

// checkText returns the error for a field value the API would reject with
// 400: invalid UTF-8, a control character, space at either end, or, when
// maxLen is above 0, more than maxLen characters. Emptiness is checked by
// the callers, which name the missing field.
func checkText(method, path, field, value string, maxLen int) error {
	if problem := textProblem(value, maxLen); problem != "" {
		return invalidRequest(method, path, "%s %s %s", field, quoteValue(value), problem)
	}
	return nil
}

func textProblem(value string, maxLen int) string {
	if !utf8.ValidString(value) {
		return "is not valid UTF-8"
	}
	for _, r := range value {
		if unicode.IsControl(r) {
			return fmt.Sprintf("contains the control character %U", r)
		}
	}
	first, _ := utf8.DecodeRuneInString(value)
	last, _ := utf8.DecodeLastRuneInString(value)
	if value != "" && (unicode.IsSpace(first) || unicode.IsSpace(last)) {
		return "has leading or trailing space"
	}
	if n := utf8.RuneCountInString(value); maxLen > 0 && n > maxLen {
		return fmt.Sprintf("is %d characters long; the limit is %d", n, maxLen)
	}
	return ""
}

// quoteValue returns value as a Go string literal, cut after
// maxQuotedRunes runes.
func quoteValue(value string) string {
	runes := 0
	for i := range value {
		if runes == maxQuotedRunes {
			return strconv.Quote(value[:i]) + "..."
		}
		runes++
	}
	return strconv.Quote(value)
}
