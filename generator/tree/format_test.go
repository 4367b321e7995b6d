package tree

import (
	"go/format"
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

// TestFormatNumbers: Format prints number literals as gofmt does, which
// rewrites upper-case prefixes and exponents and the leading zeros of
// imaginary integers, and leaves the rest (decimal, lower-case hex,
// legacy octal) as written.
func TestFormatNumbers(t *testing.T) {
	for _, lit := range []string{
		"0X1F", "0x1f", "0xBEEF", "1E6", "1e6", "0B101", "0b101", "0O17", "0o17", "017",
		"0x1P4", "0X1p-2", "01i", "0i", "00i", "1.5E3i", "1_000", "0.5", "42", "7",
	} {
		src := "package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar x = " + lit + "\n\nfunc F() { fmt.Println(x) }\n"
		files := []File{{Path: "p.go", Content: []byte(src)}}
		if err := Format(files); err != nil {
			t.Fatal(err)
		}
		want, err := format.Source([]byte(strings.Replace(src, "\t\"os\"\n", "", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if string(files[0].Content) != string(want) {
			t.Errorf("%s: Format:\n%s\ngofmt:\n%s", lit, files[0].Content, want)
		}
	}
}
