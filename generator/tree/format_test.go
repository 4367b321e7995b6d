package tree

import (
	"strings"
	"testing"
)

// TestFormatKeepsVersionedImports: a package whose import path ends in a
// major version (github.com/jackc/pgx/v5 is package pgx) is kept when
// used and dropped when not, like any other.
func TestFormatKeepsVersionedImports(t *testing.T) {
	src := "package p\n\nimport (\n\t\"github.com/jackc/pgx/v5\"\n\t\"example.com/x/v2\"\n)\n\nvar _ = pgx.Identifier{}\n"
	files := []File{{Path: "p.go", Content: []byte(src)}}
	if err := Format(files); err != nil {
		t.Fatal(err)
	}
	out := string(files[0].Content)
	if !strings.Contains(out, `"github.com/jackc/pgx/v5"`) || strings.Contains(out, `"example.com/x/v2"`) {
		t.Errorf("formatted imports:\n%s\nwant pgx/v5 (used) kept and x/v2 (unused) dropped", out)
	}
}
