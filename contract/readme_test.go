package contract_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeBlocks returns the contents of the README's fenced code blocks in
// the given language.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	fence := regexp.MustCompile("(?ms)^```" + lang + "\n(.*?)^```$")
	var blocks []string
	for _, m := range fence.FindAllStringSubmatch(string(raw), -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// normalize trims each line and drops blank ones, so indentation and
// spacing do not matter when a README block is compared with source code.
func normalize(text string) string {
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestReadmeGoBlocksCompile checks that every Go block of the README is a
// copy of code in examples/, which CI builds and runs.
func TestReadmeGoBlocksCompile(t *testing.T) {
	var sources []string
	err := filepath.WalkDir(filepath.Join("..", "examples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sources = append(sources, normalize(string(raw)))
		return nil
	})
	require.NoError(t, err)

	blocks := readmeBlocks(t, "go")
	require.NotEmpty(t, blocks)
	for _, block := range blocks {
		want := normalize(block)
		found := false
		for _, source := range sources {
			if strings.Contains(source, want) {
				found = true
				break
			}
		}
		assert.True(t, found, "README Go block is not a copy of code in examples/:\n%s", block)
	}
}

// TestReadmeShellPaths checks that every ./path a README shell command
// names exists.
func TestReadmeShellPaths(t *testing.T) {
	blocks := readmeBlocks(t, "sh")
	require.NotEmpty(t, blocks)
	local := regexp.MustCompile(`\./[\w./-]+`)
	for _, block := range blocks {
		for _, path := range local.FindAllString(block, -1) {
			path = strings.TrimSuffix(path, "/...")
			_, err := os.Stat(filepath.Join("..", path))
			assert.NoError(t, err, "README names %s", path)
		}
	}
}
