package convoytest

import (
	"net/url"
	"strings"
	"sync"
	"time"
)

// redacted replaces API keys in journal entries.
const redacted = "[REDACTED]"

// Bounds of what one journal entry keeps, so that a full journal of
// requests with 1 MiB bodies stays small.
const (
	maxJournalFields     = 32
	maxJournalValueBytes = 1024
)

// JournalEntry is one API request as the server recorded it. Query and
// Form keep at most 32 names, and values over 1 KiB are cut and end in
// "...".
type JournalEntry struct {
	Time   time.Time  // server clock when the request finished
	Method string     // HTTP method
	Path   string     // escaped path, such as "/products/sku/AB%2F1"
	Query  url.Values // query parameters
	Form   url.Values // body fields, form-encoded or JSON; nil when the body was not read
	Status int        // status sent, or that would have been sent; 0 when dropped before applying
	Fault  string     // kind of fault applied: "latency", "status", "drop_before", "drop_after", or ""
}

// journal is a ring buffer of the latest requests, so a long soak does
// not grow memory without bound.
type journal struct {
	mu      sync.Mutex
	entries []JournalEntry
	next    int // index of the entry the next add overwrites once the buffer is full
	size    int
}

func newJournal(size int) *journal {
	return &journal{size: size}
}

func (j *journal) add(e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()

	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
		return
	}

	j.entries[j.next] = e
	j.next = (j.next + 1) % j.size
}

// list returns the entries oldest first.
func (j *journal) list() []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()

	out := make([]JournalEntry, 0, len(j.entries))
	out = append(out, j.entries[j.next:]...)
	out = append(out, j.entries[:j.next]...)
	for i := range out {
		out[i].Query = cloneValues(out[i].Query)
		out[i].Form = cloneValues(out[i].Form)
	}

	return out
}

// boundValues returns a copy of v with clean applied to every value, cut to
// maxJournalFields names (the first in sorted order) and values of at most
// maxJournalValueBytes. clean runs before the cut, so a key that straddles
// the bound is still found whole.
func boundValues(v url.Values, clean func(string) string) url.Values {
	if v == nil {
		return nil
	}

	out := make(url.Values, min(len(v), maxJournalFields))
	for _, name := range sortedNames(v) {
		if len(out) == maxJournalFields {
			break
		}
		for _, value := range v[name] {
			value = clean(value)
			if len(value) > maxJournalValueBytes {
				value = strings.ToValidUTF8(value[:maxJournalValueBytes], "") + "..."
			}
			out[name] = append(out[name], value)
		}
	}

	return out
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}

	out := make(url.Values, len(v))
	for name, list := range v {
		out[name] = append([]string(nil), list...)
	}

	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()

	j.entries = nil
	j.next = 0
}

// redactText replaces API keys in v, so that no key reaches the journal or
// the log even when a client sends it in the wrong place. A configured key
// is replaced wherever it appears. The request's Authorization value, which
// may be a wrong key, is replaced where it is the whole value.
func (s *Server) redactText(v, authorization string) string {
	if v == "" {
		return v
	}
	if v == authorization {
		return redacted
	}
	for _, a := range s.accounts {
		if strings.Contains(v, a.key) {
			v = strings.ReplaceAll(v, a.key, redacted)
		}
	}
	return v
}

// redactPath applies redactText to each segment of an escaped path.
func (s *Server) redactPath(path, authorization string) string {
	segments := strings.Split(path, "/")
	for i, segment := range segments {
		value, err := url.PathUnescape(segment)
		if err != nil {
			value = segment
		}
		if clean := s.redactText(value, authorization); clean != value {
			segments[i] = strings.ReplaceAll(url.PathEscape(clean), url.PathEscape(redacted), redacted)
		}
	}
	return strings.Join(segments, "/")
}

// Journal returns the recorded API requests, oldest first. Requests to
// the /_convoy/ control routes are not recorded.
func (s *Server) Journal() []JournalEntry {
	return s.journal.list()
}

// ClearJournal discards the recorded requests.
func (s *Server) ClearJournal() {
	s.journal.clear()
}
