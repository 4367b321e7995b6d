package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/scanner"
	"strings"

	"golang.org/x/tools/imports"
)

// Format formats every Go file of the tree with goimports. It runs once the
// whole tree is rendered. A file that does not parse fails with its template
// name and the offending lines numbered, so a template bug points at its line.
func Format(files []File) error {
	for i := range files {
		f := &files[i]
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		out, err := imports.Process(f.Path, f.Content, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: false})
		if err != nil {
			return fmt.Errorf("format %s (from %s): %v\n%s", f.Path, f.Template, err, numbered(f.Content, err))
		}
		f.Content = out
	}
	return nil
}

// numbered returns the source lines around the first error position, numbered.
func numbered(src []byte, err error) string {
	line := 0
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		line = list[0].Pos.Line
	} else {
		// imports.Process reports "file.go:LINE:COL: msg".
		var l, c int
		s := err.Error()
		if i := strings.Index(s, ".go:"); i >= 0 {
			fmt.Sscanf(s[i+4:], "%d:%d", &l, &c)
		}
		line = l
	}
	lines := bytes.Split(src, []byte("\n"))
	from, to := 1, len(lines)
	if line > 0 {
		from, to = max(1, line-5), min(len(lines), line+5)
	}
	var b strings.Builder
	for n := from; n <= to; n++ {
		mark := "  "
		if n == line {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%4d | %s\n", mark, n, lines[n-1])
	}
	return b.String()
}
