package readers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/internal/datagen"
)

// withStdin runs f with os.Stdin reading the file at path.
func withStdin(t *testing.T, path string, f func()) {
	t.Helper()
	in, err := os.Open(path)
	require.NoError(t, err)
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	f()
}

// Standard input ("-") is read like a file without an extension: the format comes
// from the content (text or binary), errors name it "stdin" with their line, and the
// temporary copy is removed when the reader is released, after an error too.
func TestStdin(t *testing.T) {
	dir := t.TempDir()
	spools := t.TempDir()
	t.Setenv("TMPDIR", spools) // where os.CreateTemp puts the copies
	pq := filepath.Join(dir, "t.parquet")
	require.NoError(t, datagen.WriteParquet(pq, datagen.Config{Rows: 5000, Seed: 1}))
	csv := filepath.Join(dir, "t.csv")
	require.NoError(t, os.WriteFile(csv, []byte("a,b\n1,x\n2,y\n"), 0o644))
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("a,b\n1,x\nzz,y\n"), 0o644))

	for _, tc := range []struct {
		path   string
		format Format
		rows   int64
	}{{pq, Parquet, 5000}, {csv, CSV, 2}} {
		withStdin(t, tc.path, func() {
			rr, err := Open(context.Background(), Stdin)
			require.NoError(t, err)
			spool := rr.(*reader).spool
			require.FileExists(t, spool)
			require.Equal(t, tc.format, FormatOf(rr))
			var rows int64
			for rr.Next() {
				rows += rr.Record().NumRows()
			}
			require.NoError(t, rr.Err())
			require.Equal(t, tc.rows, rows)
			rr.Release()
			require.NoFileExists(t, spool, "the temporary copy is removed on Release")
		})
	}

	withStdin(t, bad, func() {
		rr, err := Open(context.Background(), Stdin, WithInferRows(1))
		require.NoError(t, err)
		spool := rr.(*reader).spool
		for rr.Next() {
		}
		var e *Error
		require.True(t, errors.As(rr.Err(), &e), "%v", rr.Err())
		require.Equal(t, "stdin", e.File)
		require.Equal(t, int64(3), e.Line)
		require.Contains(t, rr.Err().Error(), "stdin:3")
		rr.Release()
		require.NoFileExists(t, spool)
	})

	withStdin(t, csv, func() {
		_, err := OpenAll(context.Background(), []string{Stdin, Stdin})
		require.ErrorIs(t, err, ErrInput)
		_, err = OpenAll(context.Background(), []string{Stdin, filepath.Join(dir, "missing.csv")})
		require.ErrorIs(t, err, ErrInput)
	})
	left, err := filepath.Glob(filepath.Join(spools, "*"))
	require.NoError(t, err)
	require.Empty(t, left, "no temporary copy of standard input is left behind")
}
