package convoytest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJournalRecords(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	seedCatalog(t, s)

	do(t, s, call{method: "GET", path: "/inventory?state=PACKED&count=5"})
	do(t, s, call{method: "POST", path: "/inventory", form: url.Values{"sku": {"sku1234"}, "quantity": {"2"}}})
	do(t, s, call{method: "POST", path: "/manufacturers", json: `{"name":"Acme","manufacturer_id":9}`})
	do(t, s, call{method: "GET", path: "/_convoy/health"})

	entries := s.Journal()
	require.Len(t, entries, 3, "control routes are not recorded")

	assert.Equal(t, "GET", entries[0].Method)
	assert.Equal(t, "/inventory", entries[0].Path)
	assert.Equal(t, url.Values{"state": {"PACKED"}, "count": {"5"}}, entries[0].Query)
	assert.Equal(t, 200, entries[0].Status)
	assert.Equal(t, startTime(), entries[0].Time)

	assert.Equal(t, url.Values{"sku": {"sku1234"}, "quantity": {"2"}}, entries[1].Form)
	assert.Equal(t, 201, entries[1].Status)
	assert.Equal(t, url.Values{"name": {"Acme"}, "manufacturer_id": {"9"}}, entries[2].Form)

	s.ClearJournal()
	assert.Empty(t, s.Journal())
}

func TestJournalRedactsKey(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	do(t, s, call{method: "GET", path: "/inventory?sku=test_key"})
	do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"name": {"test_key"}}})
	do(t, s, call{method: "GET", path: "/inventory?sku=secret_guess", key: "secret_guess"})

	entries := s.Journal()
	require.Len(t, entries, 3)
	assert.Equal(t, url.Values{"sku": {redacted}}, entries[0].Query)
	assert.Equal(t, url.Values{"name": {redacted}}, entries[1].Form)
	assert.Equal(t, url.Values{"sku": {redacted}}, entries[2].Query, "a wrong key is a secret too")
	assert.Equal(t, 401, entries[2].Status)
}

// TestJournalRedactsKeyAtBound sends a value whose key straddles the
// journal's bound on value length; no part of the key may survive the cut.
func TestJournalRedactsKeyAtBound(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	name := strings.Repeat("a", maxJournalValueBytes-len("test_key")+2) + "test_key"

	do(t, s, call{method: "POST", path: "/manufacturers", form: url.Values{"name": {name}}})

	entries := s.Journal()
	require.Len(t, entries, 1)
	assert.NotContains(t, entries[0].Form.Get("name"), "test_k")
}

func TestJournalBounded(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, WithJournalSize(3))

	for _, page := range []string{"1", "2", "3", "4", "5"} {
		do(t, s, call{method: "GET", path: "/inventory?page=" + page})
	}

	entries := s.Journal()
	require.Len(t, entries, 3)
	for i, want := range []string{"3", "4", "5"} {
		assert.Equal(t, want, entries[i].Query.Get("page"))
	}
}

func TestJournalCopies(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	do(t, s, call{method: "GET", path: "/inventory?page=1"})
	s.Journal()[0].Query.Set("page", "changed")

	assert.Equal(t, "1", s.Journal()[0].Query.Get("page"))
}

func TestJournalBoundsValues(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)

	form := url.Values{"a": {strings.Repeat("n", 5000)}}
	for i := range 40 {
		form.Set(fmt.Sprintf("f%02d", i), "v")
	}
	res := do(t, s, call{method: "POST", path: "/manufacturers", form: form})
	require.Equal(t, 400, res.status)

	entry := s.Journal()[0]
	assert.Len(t, entry.Form, maxJournalFields)
	assert.Len(t, entry.Form.Get("f00"), 1)
	assert.Equal(t, strings.Repeat("n", maxJournalValueBytes)+"...", entry.Form.Get("a"))
}
