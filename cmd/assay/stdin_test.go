package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/internal/testutil"
)

// The README's pipe: the quickstart suite validates the example CSV read from standard
// input, with the same verdict as from the file; a failing gate exits 1.
func TestValidateFromStdin(t *testing.T) {
	for _, tc := range []struct {
		suite, data string
		code        int
		want        string
	}{
		{"seattle-weather.yaml", "seattle-weather.csv", 0, "PASSED: 16 of 16"},
		{"gate-failing.yaml", "movies.json", 1, "FAILED"},
	} {
		in, err := os.Open(testutil.ExampleData(tc.data))
		require.NoError(t, err)
		old := os.Stdin
		os.Stdin = in
		code, out, errOut := runCLI(t, "validate", "--suite", quickstart(tc.suite), "-")
		os.Stdin = old
		in.Close()
		require.Equal(t, tc.code, code, "stderr: %s", errOut)
		require.Contains(t, out, tc.want)
	}
}
